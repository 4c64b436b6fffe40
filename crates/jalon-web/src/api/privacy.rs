//! The right of access (RGPD): everything Jalon holds about one candidate or one juror, as
//! one JSON document with their files (base64), for a manager or an administrator of the
//! centre. Each export is journaled (« Export des données d'une personne (droit d'accès) »).

use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use jalon_store::privacy::PersonalData;
use jalon_store::{CandidateId, JurorId, SessionId};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiResult;

/// The export as one JSON document: what the store gathered, and each file in base64.
pub fn document(p: PersonalData) -> Value {
    let mut data = p.data;
    data["documents"] = p
        .files
        .iter()
        .map(|f| {
            json!({
                "name": f.name,
                "media_type": f.media_type,
                "size": f.bytes.len(),
                "base64": base64::engine::general_purpose::STANDARD.encode(&f.bytes),
            })
        })
        .collect();
    data
}

pub(super) async fn export_candidate(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> ApiResult<Json<Value>> {
    let h = s.store.open_session(&a, &id).await?;
    let p = s.store.export_candidate(h.writer()?, &candidate).await?;
    Ok(Json(document(p)))
}

pub(super) async fn export_juror(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<JurorId>,
) -> ApiResult<Json<Value>> {
    // « Not found » before « forbidden »: another centre's juror is not found.
    s.store.juror(&a, &id).await?;
    let p = s.store.export_juror(a.writer()?, &id).await?;
    Ok(Json(document(p)))
}
