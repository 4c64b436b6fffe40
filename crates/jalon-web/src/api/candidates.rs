//! The candidates of a session (one by one, or a CSV file all or nothing, and back),
//! their welcome on the day, and their convocations with the proofs.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jalon_core::candidate::CandidateInput;
use jalon_docs::csv_import::{read_candidates, write_candidates};
use jalon_store::candidates::{Candidate, CheckIn, candidate_index};
use jalon_store::{CandidateId, SessionId, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::auth::Auth;
use crate::body::Body;
use crate::error::ApiResult;

pub(super) async fn list_candidates(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Vec<Candidate>>> {
    let h = s.store.open_session(&a, &id).await?;
    // Those who withdrew too, with their withdrawal.
    Ok(Json(s.store.all_candidates(&h).await?))
}

#[derive(Deserialize)]
pub(super) struct CandidateUpdate {
    version: i64,
    #[serde(flatten)]
    data: CandidateInput,
}

pub(super) async fn update_candidate(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<CandidateUpdate>,
) -> ApiResult<Json<Candidate>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .update_candidate(h.writer()?, &candidate, b.version, b.data)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WithdrawBody {
    version: i64,
    /// The day the candidate withdrew (today when not given).
    #[serde(default)]
    on: Option<jiff::civil::Date>,
    reason: String,
}

pub(super) async fn withdraw_candidate(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<WithdrawBody>,
) -> ApiResult<Json<Candidate>> {
    let h = s.store.open_session(&a, &id).await?;
    let on = b.on.unwrap_or_else(|| s.store.today());
    Ok(Json(
        s.store
            .withdraw_candidate(h.writer()?, &candidate, b.version, on, &b.reason)
            .await?,
    ))
}

pub(super) async fn add_candidate(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<CandidateInput>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_candidate(h.writer()?, b).await?),
    ))
}

#[derive(Serialize)]
pub(super) struct Convocations {
    convocations: Vec<jalon_store::convocations::Convocation>,
    /// Who is missing what for `convocations.send`, one French line per candidate.
    missing: Vec<String>,
}

pub(super) async fn list_convocations(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Convocations>> {
    let h = s.store.open_session(&a, &id).await?;
    let (convocations, missing) =
        tokio::try_join!(s.store.convocations(&h), s.store.convocations_missing(&h))?;
    Ok(Json(Convocations {
        convocations,
        missing,
    }))
}

/// Emails the convocations still to send, each once, with its personal link.
pub(super) async fn send_convocations(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<crate::mailer::SendReport>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        crate::mailer::send_convocations(&s, h.writer()?).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ModeBody {
    mode: jalon_store::convocations::Mode,
}

pub(super) async fn set_convocation_mode(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<ModeBody>,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    s.store
        .set_convocation_mode(h.writer()?, &candidate, b.mode)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn hand_delivery(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    s.store
        .record_hand_delivery(h.writer()?, &candidate)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed document as the body (a PDF or an image), its name in `X-File-Name`.
pub(super) async fn attach_signed_document(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("document-signe");
    s.store
        .attach_signed_document(h.writer()?, &candidate, name, &body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn get_signed_document(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let (name, kind, bytes) = s.store.signed_document(&h, &candidate).await?;
    Ok(super::download(&name, kind, bytes))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckInBody {
    version: i64,
    present: bool,
    #[serde(default)]
    identity_checked: bool,
    #[serde(default)]
    convocation_presented: bool,
    /// The documents the convocation asks for (an identity document, the dossier
    /// professionnel) were shown.
    #[serde(default)]
    documents_presented: bool,
    #[serde(default)]
    signed: bool,
    /// The signature drawn on a tablet: a PNG in base64 (optionally as a `data:` URL).
    #[serde(default)]
    signature_png: Option<String>,
}

pub(super) async fn record_attendance(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<jalon_store::attendance::AttendanceInput>,
) -> ApiResult<(StatusCode, Json<jalon_store::attendance::Attendance>)> {
    let h = s.store.open_session(&a, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .record_attendance(h.writer()?, &candidate, b)
                .await?,
        ),
    ))
}

pub(super) async fn list_attendance(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Vec<jalon_store::attendance::Attendance>>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.attendance(&h).await?))
}

pub(super) async fn check_in(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<CheckInBody>,
) -> ApiResult<Json<Candidate>> {
    let h = s.store.open_session(&a, &id).await?;
    let check = CheckIn {
        present: b.present,
        identity_checked: b.identity_checked,
        convocation_presented: b.convocation_presented,
        documents_presented: b.documents_presented,
        signed: b.signed,
    };
    let signature = crate::body::drawn_signature(b.signature_png.as_deref().unwrap_or(""))
        .map_err(|e| StoreError::invalid("signature_png", e))?;
    Ok(Json(
        s.store
            .check_in_with_signature(
                h.writer()?,
                &candidate,
                b.version,
                check,
                signature.as_deref(),
            )
            .await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// A CSV file as the body (any content type): all lines valid and new, or nothing written;
/// every error with its line number.
pub(super) async fn import_candidates(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Query(q): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let writer = h.writer()?;
    let report = read_candidates(&body, s.store.today());
    let refuse = |errors: Vec<String>| {
        let body = json!({
            "error": "validation",
            "message": format!("{} : rien n'a été importé", jalon_core::fr::count(errors.len(), "erreur", "erreurs")),
            "errors": errors,
        });
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    };
    if !report.is_valid() {
        return Ok(refuse(report.errors()));
    }
    match s
        .store
        .import_candidates(writer, report.candidates(), q.dry_run)
        .await
    {
        Ok(outcome) => Ok(Json(json!({
            "imported": outcome.imported,
            "dry_run": outcome.dry_run,
            "encoding": report.encoding,
            "ignored_columns": report.ignored_columns,
        }))
        .into_response()),
        Err(StoreError::Invalid(fields)) => Ok(refuse(
            fields
                .iter()
                .map(
                    |f| match candidate_index(&f.field).and_then(|i| report.lines.get(i - 1)) {
                        Some(l) => format!("ligne {} : {}", l.line, f.message),
                        None => f.message.clone(),
                    },
                )
                .collect(),
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn export_candidates(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let list = s.store.candidates(&h).await?;
    let inputs: Vec<_> = list.into_iter().map(|c| c.input).collect();
    // A BOM, so that Excel reads the accents right.
    let csv = format!("\u{feff}{}", write_candidates(&inputs));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"candidats-{id}.csv\""),
            ),
        ],
        csv,
    ))
}
