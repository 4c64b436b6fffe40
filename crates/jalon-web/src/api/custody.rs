//! A session's sealed papers and incidents: `/api/v1/sessions/{id}/packets`,
//! `/packets/{packet}/{store|open|destroy|return}`, `/dte/order`, `/dte/chases`, `/incidents`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jalon_core::custody::Move;
use jalon_core::launch::IncidentInput;
use jalon_store::custody::{Dte, DteOrder, Incident, MoveInput, Packet, ReceptionInput};
use jalon_store::{PacketId, SessionId};
use jiff::civil::Date;
use serde::Deserialize;

use super::Versioned;
use crate::AppState;
use crate::auth::Auth;
use crate::body::Body;
use crate::error::ApiResult;

pub(super) async fn get_packets(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Dte>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.dte(&h).await?))
}

pub(super) async fn receive(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<Versioned<ReceptionInput>>,
) -> ApiResult<(StatusCode, Json<Dte>)> {
    let h = s.store.open_session(&a, &id).await?;
    let dte = s
        .store
        .receive_dte(h.writer()?, body.version, body.data)
        .await?;
    Ok((StatusCode::CREATED, Json(dte)))
}

pub(super) async fn order(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<Versioned<DteOrder>>,
) -> ApiResult<Json<Dte>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .record_dte_order(h.writer()?, body.version, body.data)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChaseBody {
    on: Date,
    by: String,
}

pub(super) async fn chase(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<ChaseBody>,
) -> ApiResult<(StatusCode, Json<Dte>)> {
    let h = s.store.open_session(&a, &id).await?;
    let dte = s.store.record_chase(h.writer()?, body.on, &body.by).await?;
    Ok((StatusCode::CREATED, Json(dte)))
}

async fn step(
    s: AppState,
    a: jalon_store::Actor,
    id: SessionId,
    packet: PacketId,
    step: Move,
    body: MoveInput,
) -> ApiResult<Json<Packet>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .move_packet(h.writer()?, &packet, step, body)
            .await?,
    ))
}

macro_rules! packet_move {
    ($name:ident, $step:expr) => {
        pub(super) async fn $name(
            State(s): State<AppState>,
            Auth(a): Auth,
            Path((id, packet)): Path<(SessionId, PacketId)>,
            Body(body): Body<MoveInput>,
        ) -> ApiResult<Json<Packet>> {
            step(s, a, id, packet, $step, body).await
        }
    };
}

packet_move!(store_packet, Move::Store);
packet_move!(open_packet, Move::Open);
packet_move!(destroy_packet, Move::Destroy);
packet_move!(return_packet, Move::Return);

pub(super) async fn list_incidents(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Vec<Incident>>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.incidents(&h).await?))
}

pub(super) async fn report_incident(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<IncidentInput>,
) -> ApiResult<(StatusCode, Json<Incident>)> {
    let h = s.store.open_session(&a, &id).await?;
    let incident = s.store.report_incident(h.writer()?, body).await?;
    Ok((StatusCode::CREATED, Json(incident)))
}

pub(super) async fn get_launch(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, day)): Path<(SessionId, Date)>,
) -> ApiResult<Json<jalon_store::launch::LaunchDay>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.launch_day(&h, day).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ManagerBody {
    manager: String,
}

pub(super) async fn day_manager(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, day)): Path<(SessionId, Date)>,
    Body(body): Body<ManagerBody>,
) -> ApiResult<Json<jalon_store::launch::LaunchDay>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .record_day_manager(h.writer()?, day, &body.manager)
            .await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct LaunchBody {
    epreuve: String,
    #[serde(flatten)]
    record: jalon_store::launch::LaunchRecord,
}

pub(super) async fn launch(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, day)): Path<(SessionId, Date)>,
    Body(body): Body<LaunchBody>,
) -> ApiResult<Json<jalon_store::launch::LaunchDay>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .record_launch(h.writer()?, day, &body.epreuve, body.record)
            .await?,
    ))
}
