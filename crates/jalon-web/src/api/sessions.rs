//! Sessions and their chronology: create, change, duplicate, cancel; complete and reopen
//! milestones; the journal, the conformity report and the schedule of épreuves.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jalon_core::MilestoneId;
use jalon_store::SessionId;
use jalon_store::conformity::SessionConformity;
use jalon_store::journal::JournalEntry;
use jalon_store::schedule::SessionSchedule;
use jalon_store::sessions::{ChecklistItem, ItemState, SessionDetail, SessionMilestone};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Auth;
use crate::body::Body;
use crate::error::ApiResult;

use super::Versioned;
use super::dto::{SessionBody, SlotBody};

pub(super) async fn list_sessions(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<SessionDetail>>> {
    Ok(Json(s.store.sessions(&a).await?))
}

pub(super) async fn get_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<SessionDetail>> {
    Ok(Json(s.store.open_session(&a, &id).await?.into_detail()))
}

pub(super) async fn create_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<SessionBody>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_session(a.writer()?, b.into()).await?),
    ))
}

pub(super) async fn update_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<Versioned<SessionBody>>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .update_session(h.writer()?, b.version, b.data.into())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Duplicate {
    start: Date,
    #[serde(default)]
    end: Option<Date>,
    #[serde(default)]
    override_justification: Option<String>,
}

pub(super) async fn duplicate_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<Duplicate>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let copy = s
        .store
        .duplicate_session(h.writer()?, b.start, b.end, b.override_justification)
        .await?;
    Ok((StatusCode::CREATED, Json(copy)))
}

pub(super) async fn cancel_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<WithReason>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .cancel_session(h.writer()?, b.version, &b.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Complete {
    version: i64,
    evidence: String,
    #[serde(default)]
    override_justification: Option<String>,
}

pub(super) async fn complete_milestone(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    Body(b): Body<Complete>,
) -> ApiResult<Json<SessionMilestone>> {
    let h = s.store.open_session(&a, &id).await?;
    let m = s
        .store
        .complete_milestone(
            h.writer()?,
            &milestone,
            b.version,
            &b.evidence,
            b.override_justification.as_deref(),
        )
        .await?;
    Ok(Json(m))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WithReason {
    version: i64,
    reason: String,
}

pub(super) async fn reopen_milestone(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    Body(b): Body<WithReason>,
) -> ApiResult<Json<SessionMilestone>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .reopen_milestone(h.writer()?, &milestone, b.version, &b.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct JournalQuery {
    #[serde(default)]
    limit: Option<i64>,
}

pub(super) async fn session_journal(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Query(q): Query<JournalQuery>,
) -> ApiResult<Json<Vec<JournalEntry>>> {
    // 404 for a session of another centre, not an empty list.
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .session_journal(&h, q.limit.unwrap_or(200).clamp(1, 1000))
            .await?,
    ))
}

pub(super) async fn centre_journal(
    State(s): State<AppState>,
    Auth(a): Auth,
    Query(q): Query<JournalQuery>,
) -> ApiResult<Json<Vec<JournalEntry>>> {
    Ok(Json(
        s.store
            .journal(&a, q.limit.unwrap_or(200).clamp(1, 1000))
            .await?,
    ))
}

#[derive(Serialize)]
pub(super) struct Check {
    sessions: Vec<SessionConformity>,
}

pub(super) async fn check(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Check>> {
    Ok(Json(Check {
        sessions: s.store.conformity(&a).await?,
    }))
}

pub(super) async fn get_schedule(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<SessionSchedule>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.schedule(&h).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScheduleBody {
    /// One per épreuve of the title, in its order.
    slots: Vec<SlotBody>,
}

pub(super) async fn set_schedule(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<ScheduleBody>,
) -> ApiResult<Json<SessionSchedule>> {
    let h = s.store.open_session(&a, &id).await?;
    let slots: Vec<_> = body.slots.into_iter().map(Into::into).collect();
    Ok(Json(s.store.set_schedule(h.writer()?, &slots).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TimetableBody {
    /// Every passage: épreuve, candidate (none for the group), room, jury pair, parts.
    passages: Vec<jalon_core::timetable::Passage>,
}

pub(super) async fn set_timetable(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<TimetableBody>,
) -> ApiResult<Json<SessionSchedule>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store.set_timetable(h.writer()?, body.passages).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OrderBody {
    /// Every candidate's id, in the order they pass; empty: alphabetical order.
    candidates: Vec<String>,
}

pub(super) async fn set_passage_order(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<OrderBody>,
) -> ApiResult<Json<SessionSchedule>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .set_passage_order(h.writer()?, &body.candidates)
            .await?,
    ))
}

pub(super) async fn get_checklists(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<BTreeMap<MilestoneId, Vec<ChecklistItem>>>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.checklists(&h).await?.into_iter().collect()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Tick {
    item: String,
    state: ItemState,
    #[serde(default)]
    reason: String,
}

pub(super) async fn tick_item(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    Body(b): Body<Tick>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let item = s
        .store
        .tick_item(h.writer()?, &milestone, &b.item, b.state, &b.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(item)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Untick {
    item: String,
    reason: String,
}

pub(super) async fn untick_item(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    Body(b): Body<Untick>,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    s.store
        .untick_item(h.writer()?, &milestone, &b.item, &b.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ComplementsBody {
    version: i64,
    /// The day the departmental service asked.
    on: Date,
    request: String,
    /// The day it expects them, when it says.
    #[serde(default)]
    due: Option<Date>,
}

pub(super) async fn request_complements(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<ComplementsBody>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .request_complements(h.writer()?, b.version, b.on, &b.request, b.due)
            .await?,
    ))
}

/// What the departmental service decided, or what the centre answered.
#[derive(Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum ValidationBody {
    /// Validated on `on`: the embargo on results lifts.
    Validated { version: i64, on: Date },
    /// Complements requested on `on`, expected by `due`.
    Complements {
        version: i64,
        on: Date,
        request: String,
        #[serde(default)]
        due: Option<Date>,
    },
    /// The centre's answer, sent on `on`.
    Answer {
        version: i64,
        on: Date,
        answer: String,
    },
}

pub(super) async fn validation(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<ValidationBody>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    let w = h.writer()?;
    Ok(Json(match b {
        ValidationBody::Validated { version, on } => {
            s.store.record_validation(w, version, on).await?
        }
        ValidationBody::Complements {
            version,
            on,
            request,
            due,
        } => {
            s.store
                .request_complements(w, version, on, &request, due)
                .await?
        }
        ValidationBody::Answer {
            version,
            on,
            answer,
        } => s.store.answer_complements(w, version, on, &answer).await?,
    }))
}

pub(super) async fn attach_file(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("piece-jointe");
    let file = s
        .store
        .attach_milestone_file(h.writer()?, &milestone, name, &body)
        .await?;
    Ok((StatusCode::CREATED, Json(file)))
}

pub(super) async fn list_files(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Vec<jalon_store::sessions::MilestoneFile>>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.milestone_files(&h).await?))
}

pub(super) async fn get_file(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, file)): Path<(SessionId, jalon_store::FileId)>,
) -> ApiResult<axum::response::Response> {
    let h = s.store.open_session(&a, &id).await?;
    let (name, kind, bytes) = s.store.milestone_file(&h, &file).await?;
    Ok(super::download(&name, kind, bytes))
}

pub(super) async fn get_jury(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<jalon_store::jury::SessionJury>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.jury(&h).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JuryBody {
    /// The jury's version as read.
    version: i64,
    /// Every seat: juror, day, jury (replaces those kept).
    seats: Vec<jalon_core::jury::Seat>,
    /// The links the manager declares (replaces theirs; the jurors' own stay).
    #[serde(default)]
    links: Vec<jalon_store::jury::LinkInput>,
}

pub(super) async fn set_jury(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<JuryBody>,
) -> ApiResult<Json<jalon_store::jury::SessionJury>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .set_jury(h.writer()?, body.version, body.seats, body.links)
            .await?,
    ))
}
