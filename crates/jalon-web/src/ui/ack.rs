//! The candidate's personal link: they confirm they read their convocation. Opening the link
//! shows a button; only pressing it records the acknowledgement (mail scanners that open
//! links by themselves acknowledge nothing).

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::Query;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use super::{Layout, error_page, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/accuse/{token}", get(show).post(confirm))
}

#[derive(Template)]
#[template(path = "ack.html")]
struct AckPage {
    layout: Layout,
    token: String,
    /// Who and what: the candidate, the centre, the title, the dates and the place.
    who: String,
    centre: String,
    title: String,
    dates: String,
    site: String,
    /// « le mardi 1ᵉʳ décembre 2026 à 10 h 05 » once confirmed.
    confirmed: Option<String>,
    /// Just confirmed (rather than confirmed before).
    just_now: bool,
    /// The candidate withdrew: nothing to confirm.
    void: bool,
    /// Their own passages: (épreuve, when).
    passages: Vec<(String, String)>,
    /// « validée le … » once validated; their result then, never before.
    validated: Option<String>,
    result: Option<jalon_store::convocations::ShownResult>,
}

fn page(
    token: String,
    link: &jalon_store::convocations::CandidateLink,
    mine: jalon_store::convocations::CandidatePage,
    just_now: bool,
) -> Response {
    let (start, end) = link.dates();
    render(&AckPage {
        layout: Layout::anonymous("Accusé de lecture"),
        token,
        who: link.name().to_owned(),
        centre: link.centre().to_owned(),
        title: link.title().to_owned(),
        dates: jalon_core::fr::date_range(start, end),
        site: link.site().to_owned(),
        confirmed: link.read_at().map(super::session::when),
        just_now,
        void: link.void(),
        passages: mine.passages,
        validated: mine.validated_on.map(jalon_core::fr::long_date),
        result: mine.result,
    })
}

#[derive(Deserialize)]
struct Thanks {
    #[serde(default)]
    merci: Option<String>,
}

fn unknown() -> Response {
    super::message_status(
        StatusCode::NOT_FOUND,
        "Lien inconnu",
        "Ce lien d'accusé de lecture n'est pas reconnu : vérifiez qu'il est complet, ou contactez votre centre.",
    )
}

/// Opening the link shows what it is about, and whether it was already confirmed; it records
/// nothing.
async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<Thanks>,
) -> Response {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return unknown();
    }
    match state.store.candidate_link(&token).await {
        Ok(Some(link)) => match state.store.candidate_page(&link).await {
            Ok(mine) => page(token, &link, mine, q.merci.is_some()),
            Err(e) => error_page(&e),
        },
        Ok(None) => unknown(),
        Err(e) => error_page(&e),
    }
}

async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("navigateur inconnu");
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .map(|f| format!(" (transmis pour {f})"))
        .unwrap_or_default();
    let origin = format!("{}{forwarded} — {agent}", peer.ip());
    // The link can do one thing: acknowledge this candidate's convocation.
    let link = match state.store.candidate_link(&token).await {
        Ok(Some(link)) => link,
        Ok(None) => return unknown(),
        Err(e) => return error_page(&e),
    };
    let just_now = link.read_at().is_none();
    if link.void() {
        return match state.store.candidate_page(&link).await {
            Ok(mine) => page(token, &link, mine, false),
            Err(e) => error_page(&e),
        };
    }
    if let Err(e) = state.store.acknowledge_convocation(&link, &origin).await {
        return error_page(&e);
    }
    // Back to the link by a GET: reloading the page posts nothing again.
    let thanks = if just_now { "?merci" } else { "" };
    Redirect::to(&format!("/accuse/{token}{thanks}")).into_response()
}
