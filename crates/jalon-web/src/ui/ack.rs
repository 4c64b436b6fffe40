//! The candidate's personal link: they confirm they read their convocation. Opening the link
//! shows a button; only pressing it records the acknowledgement (mail scanners that open
//! links by themselves acknowledge nothing).

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

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
    done: Option<(String, String)>,
}

fn unknown() -> Response {
    super::message_status(
        StatusCode::NOT_FOUND,
        "Lien inconnu",
        "Ce lien d'accusé de lecture n'est pas reconnu : vérifiez qu'il est complet, ou contactez votre centre.",
    )
}

async fn show(Path(token): Path<String>) -> Response {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return unknown();
    }
    render(&AckPage {
        layout: Layout::anonymous("Accusé de lecture"),
        token,
        done: None,
    })
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
    if let Err(e) = state.store.acknowledge_convocation(&link, &origin).await {
        return error_page(&e);
    }
    render(&AckPage {
        layout: Layout::anonymous("Accusé de lecture"),
        token,
        done: Some((link.name().to_owned(), link.title().to_owned())),
    })
    .into_response()
}
