//! Closing a session by script: the transmission (`POST /api/v1/sessions/{id}/transmission`)
//! and the secure archive (`/api/v1/sessions/{id}/archive`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jalon_core::archiving::ArchiveKind;
use jalon_core::transmit::TransmissionInput;
use jalon_store::closing::{ArchiveKindState, ArchivePiece};
use jalon_store::sessions::SessionDetail;
use jalon_store::{PieceId, SessionId, StoreError};

use crate::AppState;
use crate::auth::Auth;
use crate::body::Body;
use crate::error::ApiResult;

/// The transmission with the version read (its fields named in any refusal).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TransmissionBody {
    version: i64,
    sent_on: jiff::civil::Date,
    channel: jalon_core::transmit::Channel,
    #[serde(default)]
    reference: String,
    contents: String,
}

pub(super) async fn transmission(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<TransmissionBody>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    let input = TransmissionInput {
        sent_on: b.sent_on,
        channel: b.channel,
        reference: b.reference,
        contents: b.contents,
    };
    Ok(Json(
        s.store
            .record_transmission(h.writer()?, b.version, input)
            .await?,
    ))
}

pub(super) async fn archive(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Vec<ArchiveKindState>>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.archive(&h).await?))
}

fn kind_of(typed: &str) -> Result<ArchiveKind, StoreError> {
    ArchiveKind::parse(typed).ok_or(StoreError::NotFound {
        what: "type de pièce (minutes, grids, sign_in ou statements)",
    })
}

/// A scan of the paper, its name in `X-File-Name`.
pub(super) async fn scan(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, kind)): Path<(SessionId, String)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let kind = kind_of(&kind)?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(kind.slug());
    let piece = s.store.archive_scan(h.writer()?, kind, name, &body).await?;
    Ok((StatusCode::CREATED, Json(piece)))
}

/// The document Jalon produces for the kind, typeset now and kept.
pub(super) async fn produce(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, kind)): Path<(SessionId, String)>,
) -> ApiResult<(StatusCode, Json<ArchivePiece>)> {
    let h = s.store.open_session(&a, &id).await?;
    let kind = kind_of(&kind)?;
    let w = h.writer()?;
    let (name, pdf) = crate::archive::produce(&s.store, &s.docs, &h, kind).await?;
    let piece = s.store.archive_produced(w, kind, &name, &pdf).await?;
    Ok((StatusCode::CREATED, Json(piece)))
}

pub(super) async fn piece(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, piece)): Path<(SessionId, PieceId)>,
) -> ApiResult<axum::response::Response> {
    let h = s.store.open_session(&a, &id).await?;
    let (name, kind, bytes) = s.store.archive_piece(&h, &piece).await?;
    Ok(super::download(&name, kind, bytes))
}
