//! A session's documents as PDF: convocations (one file, or a ZIP), posting, sign-in sheets.

use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use jalon_store::{CandidateId, SessionId, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiResult;

#[derive(Deserialize)]
pub(super) struct DocumentQuery {
    /// Only this candidate's convocation.
    candidate: Option<CandidateId>,
}

/// `convocations.pdf` (all, or `?candidate=ID`), `convocations.zip` (one PDF each),
/// `affichage.pdf` (candidates and schedule, to post), `emargement.pdf` (sign-in sheets).
pub(super) async fn session_document(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, name)): Path<(SessionId, String)>,
    Query(q): Query<DocumentQuery>,
) -> ApiResult<axum::response::Response> {
    use jalon_docs::pdf::Kind;
    let (kind, zip) = match name.as_str() {
        "convocations.pdf" => (Kind::Convocation, false),
        "convocations.zip" => (Kind::Convocation, true),
        "affichage.pdf" => (Kind::Posting, false),
        "emargement.pdf" => (Kind::SignIn, false),
        _ => return Err(StoreError::NotFound { what: "document" }.into()),
    };
    let h = s.store.open_session(&a, &id).await?;
    let data = crate::documents::session_document(&s.store, &h, q.candidate.as_ref()).await?;
    if kind == Kind::Convocation && data.candidates.is_empty() {
        return Err(StoreError::invalid(
            "candidates",
            "aucun candidat n'est inscrit : il n'y a pas de convocation à produire",
        )
        .into());
    }
    let file = match (&q.candidate, data.candidates.first()) {
        (Some(_), Some(c)) if !zip => jalon_docs::pdf::file_name("convocation", c),
        _ => name.clone(),
    };
    let (bytes, media) = if zip {
        (
            crate::documents::render_zip(s.docs.clone(), data).await?,
            "application/zip",
        )
    } else {
        (
            crate::documents::render(s.docs.clone(), kind, data).await?,
            "application/pdf",
        )
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
