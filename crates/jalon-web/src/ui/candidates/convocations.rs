//! The convocations of a session: each candidate's mode and proof, the hand delivery,
//! the signed document, and the emails sent with their personal link.

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use jalon_store::candidates::Candidate;
use jalon_store::convocations::Mode;
use jalon_store::{CandidateId, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::ui::{FormPost, Page, PageResult};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/convocations/send", post(send_emails))
        .route("/sessions/{id}/convocations/modes", post(set_modes))
        .route(
            "/sessions/{id}/convocations/{candidate}/mode",
            post(set_mode),
        )
        .route("/sessions/{id}/convocations/{candidate}/hand", post(hand))
        .route(
            "/sessions/{id}/convocations/{candidate}/document",
            post(document),
        )
}

pub struct ConvocationRow {
    pub candidate_id: String,
    pub name: String,
    pub mode: String,
    pub state: &'static str,
    pub status: String,
    pub hand_pending: bool,
    pub accepts_document: bool,
    pub document: Option<String>,
}

/// The convocations section of the candidates page: each candidate's mode and proof.
pub(super) async fn convocation_rows(
    state: &AppState,
    session: &SessionHandle<'_>,
    list: &[Candidate],
) -> Result<(Vec<ConvocationRow>, Vec<String>), StoreError> {
    let convocations = state.store.convocations(session).await?;
    // Who lacks what, from what is already read (the same rule as the check's).
    let mut lacking = Vec::new();
    let rows = list
        .iter()
        .map(|c| {
            let v = convocations.iter().find(|v| v.candidate_id == c.id);
            let missing = jalon_core::convocation::missing(v.map(|v| v.proof()).as_ref());
            if let Some(m) = missing {
                lacking.push(format!("{} : {m}", c.input.display()));
            }
            let status = match (v, missing) {
                (_, Some(m)) => m.to_owned(),
                (Some(v), None) => match (&v.hand_signed_at, &v.read_at) {
                    (Some(at), _) => {
                        format!(
                            "remise contre signature le {}",
                            crate::ui::session::when(*at)
                        )
                    }
                    (_, Some(at)) => format!("lue le {}", crate::ui::session::when(*at)),
                    _ => "document signé reçu".to_owned(),
                },
                (None, None) => String::new(),
            };
            ConvocationRow {
                candidate_id: c.id.to_string(),
                name: format!(
                    "{} {}",
                    c.input.last_name.to_uppercase(),
                    c.input.first_names
                ),
                mode: v.map_or(String::new(), |v| v.mode.as_str().to_owned()),
                state: if missing.is_none() { "done" } else { "todo" },
                status,
                // Handed over but its signed receipt not yet here: the pad stays.
                hand_pending: v.is_some_and(|v| v.mode == Mode::Hand && v.document_at.is_none()),
                accepts_document: v.is_some_and(|v| v.mode.takes_signed_document()),
                document: v.and_then(|v| v.document_name.clone()),
            }
        })
        .collect();
    Ok((rows, lacking))
}

#[derive(Deserialize)]
struct ModeForm {
    #[serde(default)]
    mode: String,
}

async fn set_mode(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<ModeForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let Some(mode) = Mode::parse(&f.mode) else {
        return Ok(redirect_convocations(&id, &candidate));
    };
    match state
        .store
        .set_convocation_mode(writer, &candidate, mode)
        .await
    {
        Ok(()) => Ok(redirect_convocations(&id, &candidate)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ModesForm {
    #[serde(default)]
    mode: String,
    /// The candidates ticked.
    #[serde(default)]
    candidates: Vec<CandidateId>,
}

/// One mode for the candidates ticked, all or none.
async fn set_modes(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<ModesForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let outcome = match Mode::parse(&f.mode) {
        None => Err("choisissez le mode de convocation".to_owned()),
        Some(mode) => match state
            .store
            .set_convocation_modes(writer, &f.candidates, mode)
            .await
        {
            Ok(n) => Ok(n),
            Err(StoreError::Invalid(found)) => Err(crate::ui::messages(found)),
            Err(e) => return Err(e.into()),
        },
    };
    match outcome {
        Ok(n) => Ok(
            Redirect::to(&format!("/sessions/{id}/candidates?modes={n}#h-conv")).into_response(),
        ),
        Err(msg) => {
            let response = super::page(
                &state,
                &p,
                &session,
                super::AddForm::default(),
                Vec::new(),
                None,
                Some(format!("Rien n'a été changé : {msg}.")),
            )
            .await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

#[derive(Deserialize)]
struct Empty {}

#[derive(Deserialize)]
struct HandForm {
    /// The receipt signed on the tablet: `data:image/png;base64,…`, or empty.
    #[serde(default)]
    signature: String,
}

/// The convocation handed over: with the receipt drawn on the tablet (the proof), or ticked
/// alone (the scan of the paper receipt is then attached).
async fn hand(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<HandForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let drawn = match crate::body::drawn_signature(&f.signature) {
        Ok(d) => d,
        Err(e) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::ui::message_page("Signature refusée", &e),
            )
                .into_response());
        }
    };
    let done = match drawn {
        Some(png) => {
            state
                .store
                .attach_signed_document(writer, &candidate, "accuse-de-reception-signe.png", &png)
                .await
        }
        None => state.store.record_hand_delivery(writer, &candidate).await,
    };
    match done {
        Ok(()) => Ok(redirect_convocations(&id, &candidate)),
        Err(StoreError::Invalid(fields)) => {
            let msg = crate::ui::messages(fields);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::ui::message_page("Remise refusée", &msg),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn document(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    p: Page,
    headers: HeaderMap,
    form: Multipart,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let (name, bytes) = match crate::ui::uploaded_file(&p, &headers, form, "document").await {
        Ok(file) => file,
        Err(refused) => return Ok(refused),
    };
    match state
        .store
        .attach_signed_document(writer, &candidate, &name, &bytes)
        .await
    {
        Ok(()) => Ok(redirect_convocations(&id, &candidate)),
        Err(StoreError::Invalid(fields)) => {
            let msg = crate::ui::messages(fields);
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                crate::ui::message_page("Document refusé", &msg),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

fn redirect_convocations(id: &SessionId, candidate: &CandidateId) -> Response {
    Redirect::to(&format!("/sessions/{id}/candidates#conv-{candidate}")).into_response()
}

async fn send_emails(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    session.writer()?;
    let writer = session.writer()?;
    // Back to the page by a GET, so that reloading it sends nothing again.
    let r = crate::mailer::send_convocations(&state, writer).await?;
    Ok(Redirect::to(&format!(
        "/sessions/{id}/candidates?envoyees={}&echecs={}&sans_adresse={}#h-conv",
        r.sent,
        r.failed.len(),
        r.without_address.len()
    ))
    .into_response())
}
