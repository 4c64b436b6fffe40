//! The jury's results: `/api/v1/sessions/{id}/results` and `/results/{candidate}`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
use jalon_store::results::{CandidateResult, RecordResult, ResultRow, ResultsSheet};
use jalon_store::{CandidateId, SessionId, StoreError};
use jiff::civil::Date;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::body::Body;
use crate::error::ApiResult;

pub(super) async fn sheet(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<ResultsSheet>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.results(&h).await?))
}

pub(super) async fn get_result(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> ApiResult<Json<ResultRow>> {
    let h = s.store.open_session(&a, &id).await?;
    let sheet = s.store.results(&h).await?;
    let row = sheet
        .rows
        .into_iter()
        .find(|r| r.candidate_id == candidate)
        .ok_or(StoreError::NotFound { what: "candidat" })?;
    Ok(Json(row))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ResultBody {
    version: i64,
    epreuves: BTreeMap<String, Outcome>,
    #[serde(default)]
    ccps: BTreeMap<String, CcpOutcome>,
    decision: Decision,
    #[serde(default)]
    ceres_entered_on: Option<Date>,
    #[serde(default)]
    dp_handed: bool,
}

pub(super) async fn put_result(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<ResultBody>,
) -> ApiResult<Json<CandidateResult>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .record_result(
                h.writer()?,
                &candidate,
                RecordResult {
                    version: b.version,
                    result: ResultInput {
                        epreuves: b.epreuves,
                        ccps: b.ccps,
                        decision: b.decision,
                    },
                    ceres_entered_on: b.ceres_entered_on,
                    dp_handed: b.dp_handed,
                },
            )
            .await?,
    ))
}

/// The candidates of the centre who may be presented again.
pub(super) async fn eligible(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<jalon_store::represent::Eligible>>> {
    Ok(Json(s.store.eligible_again(&a).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RepresentBody {
    from_session: SessionId,
    candidate: CandidateId,
}

pub(super) async fn represent(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<RepresentBody>,
) -> ApiResult<(
    axum::http::StatusCode,
    Json<jalon_store::candidates::Candidate>,
)> {
    let h = s.store.open_session(&a, &id).await?;
    let w = h.writer()?;
    let from = s.store.open_session(&a, &b.from_session).await?;
    let c = s.store.represent_candidate(w, &from, &b.candidate).await?;
    Ok((axum::http::StatusCode::CREATED, Json(c)))
}

/// The session's conformity file (ZIP).
pub(super) async fn export_zip(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<axum::response::Response> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(crate::archive::download(&s.store, s.docs.clone(), &h).await?)
}
