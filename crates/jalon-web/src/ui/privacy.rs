//! The right of access from the pages: a candidate's or a juror's data downloaded as one
//! JSON file (their documents in base64), by a manager or an administrator of the centre,
//! journaled — the same document as the API's `…/personal-data`.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::post;
use jalon_store::privacy::PersonalData;
use jalon_store::{CandidateId, JurorId, SessionId};
use serde::Deserialize;

use super::{FormPost, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/sessions/{id}/candidates/{candidate}/personal-data",
            post(candidate),
        )
        .route("/jurors/{id}/personal-data", post(juror))
}

#[derive(Deserialize)]
struct Nothing {}

/// « donnees-dupont-jean.json »: the person's name, in plain ASCII.
fn download(p: PersonalData) -> axum::response::Response {
    let slug: String = p
        .name
        .split(',')
        .next()
        .unwrap_or_default()
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c.to_ascii_lowercase(),
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' => 'e',
            'à' | 'â' | 'À' => 'a',
            'ç' | 'Ç' => 'c',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            _ => '-',
        })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let body = serde_json::to_vec_pretty(&crate::api::privacy::document(p)).unwrap_or_default();
    (
        [
            (CONTENT_TYPE, "application/json; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"donnees-{slug}.json\""),
            ),
        ],
        body,
    )
        .into_response()
}

async fn candidate(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, Nothing {}): FormPost<Nothing>,
) -> PageResult {
    let h = state.store.open_session(&p.actor, &id).await?;
    let data = state
        .store
        .export_candidate(h.writer()?, &candidate)
        .await?;
    Ok(download(data))
}

async fn juror(
    State(state): State<AppState>,
    Path(id): Path<JurorId>,
    FormPost(p, Nothing {}): FormPost<Nothing>,
) -> PageResult {
    state.store.juror(&p.actor, &id).await?;
    let data = state.store.export_juror(p.actor.writer()?, &id).await?;
    Ok(download(data))
}
