//! A juror's personal link: the sessions they sit in, their convocation (and the request to
//! their employer when salaried), their answer for each candidate they assess — a link or
//! « aucun lien » — and their sworn statement, signed with a drawn signature. Opening the
//! link records nothing (mail scanners open links by themselves): the juror presses a button.

use std::net::SocketAddr;

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::USER_AGENT;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jalon_core::fr;
use jalon_docs::pdf::Kind;
use jalon_store::juror_link::{JurorLink, Sitting};
use jalon_store::{SessionId, StoreError};

use super::{Layout, error_page, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/jure/{token}", get(show))
        .route("/jure/{token}/lu", post(read))
        .route("/jure/{token}/{session}/liens", post(declare))
        .route("/jure/{token}/{session}/declaration", post(sign))
        .route("/jure/{token}/{session}/pv", post(sign_minutes))
        .route("/jure/{token}/{session}/pv.pdf", get(minutes_pdf))
        .route("/jure/{token}/{session}/convocation.pdf", get(convocation))
        .route("/jure/{token}/{session}/employeur.pdf", get(employer))
}

pub struct CandidateAnswer {
    pub id: String,
    pub name: String,
    /// « none », « link » or empty (not answered yet).
    pub answer: &'static str,
    pub what: String,
}

pub struct SittingView {
    pub id: String,
    pub title: String,
    pub dates: String,
    pub place: String,
    pub days: Vec<String>,
    pub convoked: bool,
    pub request_by: Option<String>,
    pub candidates: Vec<CandidateAnswer>,
    pub declared: Option<String>,
    pub signed: Option<String>,
    /// The minutes to sign (edited, the juror present): `Some(None)` to sign, `Some(Some(at))`
    /// signed then; `None` when there is nothing to sign yet.
    pub minutes: Option<Option<String>>,
}

#[derive(Template)]
#[template(path = "juror_link.html")]
struct JurorPage {
    layout: Layout,
    token: String,
    name: String,
    centre: String,
    unread: bool,
    sittings: Vec<SittingView>,
    errors: Vec<String>,
    notice: Option<String>,
    signature_js: String,
}

fn view(s: &Sitting) -> SittingView {
    SittingView {
        id: s.session_id.to_string(),
        title: s.title.clone(),
        dates: fr::date_range(s.start, s.end),
        place: s.place.clone(),
        days: s
            .days
            .iter()
            .map(|(d, j)| format!("{} (jury {j})", fr::short_date(*d)))
            .collect(),
        convoked: s.convoked_at.is_some(),
        request_by: s.employer_request_by.map(fr::long_date),
        candidates: s
            .assessed
            .iter()
            .map(|(id, name)| {
                let answer = s.answers.iter().find(|(c, _)| c == id);
                CandidateAnswer {
                    id: id.clone(),
                    name: name.clone(),
                    answer: match answer {
                        Some((_, None)) => "none",
                        Some((_, Some(_))) => "link",
                        None => "",
                    },
                    what: answer.and_then(|(_, w)| w.clone()).unwrap_or_default(),
                }
            })
            .collect(),
        declared: s.links_declared_at.map(super::session::when),
        signed: s.signed_at.map(super::session::when),
        minutes: None,
    }
}

fn unknown() -> Response {
    super::message_status(
        StatusCode::NOT_FOUND,
        "Lien inconnu",
        "Ce lien de juré n'est pas reconnu, ou le centre l'a révoqué : vérifiez qu'il est complet, ou demandez-en un nouveau au centre.",
    )
}

async fn link_of(state: &AppState, token: &str) -> Result<JurorLink, Response> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unknown());
    }
    let link = match state.store.juror_link(token).await {
        Ok(Some(link)) => link,
        Ok(None) => return Err(unknown()),
        Err(e) => return Err(error_page(&e)),
    };
    // Every session it opened is over or cancelled: the link says so (410), whatever it asks.
    match state.store.juror_link_state(&link).await {
        Ok(s) => match s.explanation() {
            None => Ok(link),
            Some(text) => Err(error_page(&StoreError::Expired(text))),
        },
        Err(e) => Err(error_page(&e)),
    }
}

async fn page(
    state: &AppState,
    token: String,
    link: &JurorLink,
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let sittings = match state.store.juror_sittings(link).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let unread = sittings
        .iter()
        .any(|s| s.convoked_at.is_some() && s.read_at.is_none());
    let page = JurorPage {
        layout: Layout::anonymous("Espace juré"),
        token,
        name: link.name(),
        centre: link.centre().to_owned(),
        unread,
        sittings: {
            let mut views = Vec::new();
            for s in &sittings {
                let mut v = view(s);
                v.minutes = match state.store.juror_minutes(link, &s.session_id).await {
                    Ok(m) => m.map(|j| j.signed_at.map(super::session::when)),
                    Err(e) => return error_page(&e),
                };
                views.push(v);
            }
            views
        },
        errors,
        notice,
        signature_js: crate::assets::signature_path(),
    };
    (status, render(&page)).into_response()
}

async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match link_of(&state, &token).await {
        Ok(link) => page(&state, token, &link, Vec::new(), None).await,
        Err(r) => r,
    }
}

fn origin(peer: SocketAddr, headers: &HeaderMap) -> String {
    let agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("navigateur inconnu");
    format!("{} — {agent}", peer.ip())
}

async fn read(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let link = match link_of(&state, &token).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    if let Err(e) = state
        .store
        .juror_opened(&link, &origin(peer, &headers))
        .await
    {
        return error_page(&e);
    }
    Redirect::to(&format!("/jure/{token}")).into_response()
}

/// What a juror's action gave: the page with its notice, or with what was refused.
async fn after(
    state: &AppState,
    token: String,
    link: &JurorLink,
    done: Result<(), StoreError>,
    notice: &str,
) -> Response {
    match done {
        Ok(()) => page(state, token, link, Vec::new(), Some(notice.to_owned())).await,
        Err(StoreError::Invalid(f)) => {
            let errors = f.into_iter().map(|f| f.message).collect();
            page(state, token, link, errors, None).await
        }
        Err(StoreError::NotFound { .. }) => unknown(),
        Err(e) => error_page(&e),
    }
}

async fn declare(
    State(state): State<AppState>,
    Path((token, session)): Path<(String, SessionId)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let link = match link_of(&state, &token).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    // « answer.{candidate} » = none | link, « what.{candidate} » = the link.
    let mut answers: Vec<(String, Option<String>)> = Vec::new();
    for (name, value) in &fields {
        if let Some(candidate) = name.strip_prefix("answer.") {
            let what = fields
                .iter()
                .find(|(n, _)| *n == format!("what.{candidate}"))
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            answers.push((candidate.to_owned(), (value == "link").then_some(what)));
        }
    }
    let from = origin(peer, &headers);
    let done = async {
        state.store.juror_opened(&link, &from).await?;
        state
            .store
            .declare_juror_links(&link, &session, answers, &from)
            .await
            .map(|_| ())
    }
    .await;
    after(
        &state,
        token,
        &link,
        done,
        "Vos réponses sont enregistrées : signez maintenant votre déclaration sur l'honneur.",
    )
    .await
}

#[derive(serde::Deserialize)]
struct SignForm {
    #[serde(default)]
    signature: String,
    #[serde(default)]
    sworn: Option<String>,
}

/// The juror signs the minutes, drawn on the pad.
async fn sign_minutes(
    State(state): State<AppState>,
    Path((token, session)): Path<(String, SessionId)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<SignForm>,
) -> Response {
    let link = match link_of(&state, &token).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let from = origin(peer, &headers);
    let done = match crate::body::drawn_signature(&f.signature) {
        Err(e) => Err(StoreError::invalid("signature", e)),
        Ok(None) => Err(StoreError::invalid(
            "signature",
            "la signature est vide : signez dans le cadre",
        )),
        Ok(Some(png)) => state
            .store
            .sign_minutes_by_link(&link, &session, &png, &from)
            .await
            .map(|_| ()),
    };
    after(
        &state,
        token,
        &link,
        done,
        "Vous avez signé le procès-verbal de la session. Merci.",
    )
    .await
}

/// The minutes, for the juror to read before signing.
async fn minutes_pdf(
    State(state): State<AppState>,
    Path((token, session)): Path<(String, SessionId)>,
) -> Response {
    let link = match link_of(&state, &token).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let done = async {
        if state.store.juror_minutes(&link, &session).await?.is_none() {
            return Err(StoreError::NotFound {
                what: "procès-verbal",
            });
        }
        let reader = link.documents_reader();
        let h = state.store.open_session(&reader, &session).await?;
        let document = crate::documents::minutes_document(&state.store, &h, None).await?;
        crate::documents::render(state.docs.clone(), jalon_docs::pdf::Kind::Minutes, document)
            .await
            .map_err(|e| StoreError::invalid("document", e.0))
    }
    .await;
    match done {
        Ok(bytes) => super::pdf_response("pv-session.pdf", bytes),
        Err(e) => error_page(&e),
    }
}

async fn sign(
    State(state): State<AppState>,
    Path((token, session)): Path<(String, SessionId)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<SignForm>,
) -> Response {
    let link = match link_of(&state, &token).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let from = origin(peer, &headers);
    let done = match (
        f.sworn.is_some(),
        crate::body::drawn_signature(&f.signature),
    ) {
        (false, _) => Err(StoreError::invalid(
            "sworn",
            "cochez la déclaration sur l'honneur avant de signer",
        )),
        (true, Err(e)) => Err(StoreError::invalid("signature", e)),
        (true, Ok(None)) => Err(StoreError::invalid(
            "signature",
            "la signature est vide : signez dans le cadre",
        )),
        (true, Ok(Some(png))) => state
            .store
            .sign_statement_by_link(&link, &session, &png, &from)
            .await
            .map(|_| ()),
    };
    after(
        &state,
        token,
        &link,
        done,
        "Votre déclaration sur l'honneur est signée. Merci.",
    )
    .await
}

/// A document of a session the juror sits in, typeset with a read-only actor.
async fn document(state: &AppState, token: &str, session: &SessionId, kind: Kind) -> Response {
    let link = match link_of(state, token).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    if let Err(e) = state.store.juror_sitting(&link, session).await {
        return match e {
            StoreError::NotFound { .. } => unknown(),
            e => error_page(&e),
        };
    }
    let reader = link.documents_reader();
    let handle = match state.store.open_session(&reader, session).await {
        Ok(h) => h,
        Err(e) => return error_page(&e),
    };
    let mut data = match crate::documents::session_document(&state.store, &handle, None).await {
        Ok(d) => d,
        Err(e) => return error_page(&e),
    };
    let me = link.juror().id.to_string();
    data.jury.retain(|l| l.id == me);
    // The juror's own letter shows no candidate.
    data.candidates.clear();
    data.sheets.clear();
    match data.jury.first_mut() {
        Some(line) if kind != Kind::EmployerLetter || line.salaried => {
            line.link = format!("{}/jure/{token}", state.mail.public_url);
        }
        _ => return unknown(),
    }
    match crate::documents::render(state.docs.clone(), kind, data).await {
        Ok(bytes) => (
            [
                (axum::http::header::CONTENT_TYPE, "application/pdf"),
                (axum::http::header::CONTENT_DISPOSITION, "inline"),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => error_page(&StoreError::invalid("document", e.0)),
    }
}

async fn convocation(
    State(state): State<AppState>,
    Path((token, session)): Path<(String, SessionId)>,
) -> Response {
    document(&state, &token, &session, Kind::JurorConvocation).await
}

async fn employer(
    State(state): State<AppState>,
    Path((token, session)): Path<(String, SessionId)>,
) -> Response {
    document(&state, &token, &session, Kind::EmployerLetter).await
}
