//! Sessions and their chronology: each milestone materialised from the rulebook with its
//! dates stored, recomputed whenever the session's dates or attributes change, and its state
//! (`todo`, `done`, `not_applicable`) with who did it, when, and with what evidence.
//!
//! Reads are scoped to the actor's centre; [`Store::open_session`] hands out the
//! [`SessionHandle`] that every read and write of one session takes.

use std::collections::HashMap;

use jalon_core::milestone::{self, MilestoneId, StatusFacts, ids};
use jalon_core::{Kind, Severity};
use jiff::civil::Date;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::error::{Result, RuleViolation, StoreError};
use crate::ids::{ApprovalId, CentreId, SessionId, SiteId, Stamp, TitleId, UserId};
use crate::scope::{Actor, SessionHandle};
use crate::{Store, parse_date, parse_opt_date};

mod facts;
mod milestones;
mod write;

pub use facts::FactsOf;
pub use jalon_core::checklist::ItemState;
pub use jalon_core::milestone::{MilestoneState, Status};
pub use milestones::{ChecklistItem, Checklists, MilestoneFile};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub id: SessionId,
    pub title_id: TitleId,
    pub title_name: String,
    pub approval_id: Option<ApprovalId>,
    pub site_id: SiteId,
    pub kind: Kind,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: Date,
    pub ceres_number: Option<String>,
    /// The day the session was created in CERES.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ceres_created_on: Option<Date>,
    pub manager_id: Option<UserId>,
    pub status: Status,
    /// The departmental service's last request for complements: the day it came, what it asks.
    pub complements: Option<Complements>,
    /// The day the departmental service validated the session, once recorded: the embargo
    /// on results lifts then.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub validated_on: Option<Date>,
    /// The transmission of the documents to the departmental service, once recorded.
    pub transmission: Option<Transmission>,
    pub cancelled_at: Option<Stamp>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub version: i64,
}

/// « Demande de compléments » : what the departmental service asks before validating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complements {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub request: String,
    /// The day the service expects them, when it says.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due: Option<Date>,
    /// The centre's answer, once sent.
    pub answer: Option<ComplementsAnswer>,
}

/// The documents sent to the departmental service (`close.transmit`): when, how, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transmission {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub sent_on: Date,
    pub channel: jalon_core::transmit::Channel,
    /// The link, the registered post's number, the address…
    pub reference: String,
    /// What was sent.
    pub contents: String,
    pub recorded_by: String,
}

/// What the centre sent in answer to a request for complements, when, and who recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplementsAnswer {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub what: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionMilestone {
    pub id: MilestoneId,
    pub phase: String,
    pub label: String,
    pub severity: Severity,
    pub applicable: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub opens: Option<Date>,
    /// The strongly recommended date (D − 8 months on a working day), where the rulebook
    /// gives one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub recommended: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub advised: Option<Date>,
    pub state: MilestoneState,
    /// Still to do, applicable, and its deadline is past.
    pub late: bool,
    /// Done after its deadline: by how many days (the day it was done, in Paris).
    pub done_late: Option<i32>,
    pub done_at: Option<Stamp>,
    pub done_by: Option<String>,
    pub evidence: Option<String>,
    pub override_justification: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionDetail {
    #[serde(flatten)]
    pub session: Session,
    pub milestones: Vec<SessionMilestone>,
}

impl SessionDetail {
    pub fn milestone(&self, id: &str) -> Option<&SessionMilestone> {
        self.milestones.iter().find(|m| m.id == id)
    }

    /// The milestone is marked done.
    pub fn done(&self, id: &MilestoneId) -> bool {
        self.milestone(id.as_str())
            .is_some_and(|m| m.state == MilestoneState::Done)
    }
}

/// A session as the user gives it (create, or replace on update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInput {
    pub title_id: TitleId,
    pub approval_id: Option<ApprovalId>,
    pub site_id: SiteId,
    pub kind: Kind,
    pub start: Date,
    pub end: Option<Date>,
    pub ceres_number: Option<String>,
    /// The day the session was created in CERES; with a new number and no day, today.
    pub ceres_created_on: Option<Date>,
    pub manager_id: Option<UserId>,
    /// Written justification to go on although a rule is broken; kept in the journal.
    pub override_justification: Option<String>,
}

impl SessionInput {
    pub fn end(&self) -> Date {
        self.end.unwrap_or(self.start)
    }

    /// An empty id (a form's « aucun ») is no id.
    fn approval(&self) -> Option<&ApprovalId> {
        self.approval_id.as_ref().filter(|a| !a.as_str().is_empty())
    }

    fn manager(&self) -> Option<&UserId> {
        self.manager_id.as_ref().filter(|m| !m.as_str().is_empty())
    }

    fn ceres(&self) -> Option<&str> {
        self.ceres_number
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }
}

/// What a session would be, computed before saving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preview {
    pub violations: Vec<RuleViolation>,
    /// What `jalon plan` warns about too (a start or a day of the session on a holiday, the
    /// title's expiry…), past deadlines apart: the milestones say those.
    pub warnings: Vec<jalon_core::Warning>,
    pub milestones: Vec<PreviewMilestone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewMilestone {
    pub id: MilestoneId,
    pub label: String,
    pub applicable: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<Date>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub advised: Option<Date>,
    /// Its deadline is already past today.
    pub late: bool,
}

pub use jalon_core::session_rules::MIN_JUSTIFICATION;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: SessionId,
    title_id: TitleId,
    title_name: String,
    approval_id: Option<ApprovalId>,
    site_id: SiteId,
    kind: String,
    start_date: String,
    end_date: String,
    ceres_number: Option<String>,
    ceres_created_on: Option<String>,
    manager_id: Option<UserId>,
    cancelled_at: Option<Stamp>,
    complements_requested_on: Option<String>,
    complements_request: Option<String>,
    complements_due_on: Option<String>,
    complements_answered_on: Option<String>,
    complements_answer: Option<String>,
    complements_answered_by: Option<String>,
    validated_on: Option<String>,
    tr_sent_on: Option<String>,
    tr_channel: Option<String>,
    tr_reference: Option<String>,
    tr_contents: Option<String>,
    tr_recorded_by: Option<String>,
    created_at: Stamp,
    updated_at: Stamp,
    version: i64,
}

const SESSION_SELECT: &str = "SELECT s.id, s.title_id, t.name AS title_name, s.approval_id, s.site_id, s.kind, \
     s.start_date, s.end_date, s.ceres_number, s.ceres_created_on, s.manager_id, s.cancelled_at, \
     s.complements_requested_on, s.complements_request, s.complements_due_on, \
     s.complements_answered_on, s.complements_answer, s.complements_answered_by, \
     vd.validated_on, tr.sent_on AS tr_sent_on, tr.channel AS tr_channel, \
     tr.reference AS tr_reference, tr.contents AS tr_contents, tr.recorded_by AS tr_recorded_by, \
     s.created_at, s.updated_at, \
     s.version FROM sessions s JOIN titles t ON t.id = s.title_id \
     LEFT JOIN validations vd ON vd.session_id = s.id \
     LEFT JOIN transmissions tr ON tr.session_id = s.id";

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    session_id: SessionId,
    milestone_id: String,
    applicable: i64,
    opens: Option<String>,
    recommended: Option<String>,
    deadline: Option<String>,
    advised: Option<String>,
    state: String,
    done_at: Option<Stamp>,
    done_by: Option<String>,
    evidence: Option<String>,
    override_justification: Option<String>,
    version: i64,
}

const MILESTONE_SELECT: &str = "SELECT session_id, milestone_id, applicable, opens, recommended, deadline, advised, state, \
     done_at, done_by, evidence, override_justification, version FROM session_milestones";

impl Store {
    fn session_from_row(&self, r: SessionRow, milestones: &[SessionMilestone]) -> Result<Session> {
        let start = parse_date("start_date", &r.start_date)?;
        let end = parse_date("end_date", &r.end_date)?;
        let done = |id: &MilestoneId| {
            milestones
                .iter()
                .any(|m| m.id == *id && m.state == MilestoneState::Done)
        };
        let status = milestone::status(
            StatusFacts {
                start,
                end,
                cancelled: r.cancelled_at.is_some(),
                ceres_number: r.ceres_number.is_some(),
                transmitted: done(&ids::CLOSE_TRANSMIT),
                validated: done(&ids::VALIDATION_DECISION),
                complements_requested: r.complements_requested_on.is_some(),
            },
            self.today(),
        );
        Ok(Session {
            kind: r.kind.parse().map_err(StoreError::Corrupt)?,
            id: r.id,
            title_id: r.title_id,
            title_name: r.title_name,
            approval_id: r.approval_id,
            site_id: r.site_id,
            start,
            end,
            ceres_number: r.ceres_number,
            ceres_created_on: parse_opt_date("ceres_created_on", r.ceres_created_on)?,
            manager_id: r.manager_id,
            status,
            complements: match (r.complements_requested_on, r.complements_request) {
                (Some(on), Some(request)) => Some(Complements {
                    on: parse_date("complements_requested_on", &on)?,
                    request,
                    due: parse_opt_date("complements_due_on", r.complements_due_on)?,
                    answer: match (r.complements_answered_on, r.complements_answer) {
                        (Some(on), Some(what)) => Some(ComplementsAnswer {
                            on: parse_date("complements_answered_on", &on)?,
                            what,
                            by: r.complements_answered_by.unwrap_or_default(),
                        }),
                        _ => None,
                    },
                }),
                _ => None,
            },
            validated_on: parse_opt_date("validated_on", r.validated_on)?,
            transmission: match (r.tr_sent_on, r.tr_channel) {
                (Some(on), Some(channel)) => Some(Transmission {
                    sent_on: parse_date("sent_on", &on)?,
                    channel: jalon_core::transmit::Channel::parse(&channel).ok_or_else(|| {
                        StoreError::Corrupt(format!("moyen de transmission inconnu « {channel} »"))
                    })?,
                    reference: r.tr_reference.unwrap_or_default(),
                    contents: r.tr_contents.unwrap_or_default(),
                    recorded_by: r.tr_recorded_by.unwrap_or_default(),
                }),
                _ => None,
            },
            cancelled_at: r.cancelled_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        })
    }

    fn milestone_from_row(&self, r: MilestoneRow) -> Result<SessionMilestone> {
        let rule = self.rules().milestone(&r.milestone_id);
        let state = MilestoneState::parse(&r.state)
            .ok_or_else(|| StoreError::Corrupt(format!("état de jalon inconnu « {} »", r.state)))?;
        let deadline = parse_opt_date("deadline", r.deadline)?;
        let applicable = r.applicable != 0;
        Ok(SessionMilestone {
            phase: rule.map_or_else(String::new, |r| r.phase.clone()),
            label: rule.map_or_else(|| r.milestone_id.clone(), |r| r.label.clone()),
            severity: rule.map_or(Severity::Mandatory, |r| r.severity),
            late: applicable
                && state == MilestoneState::Todo
                && deadline.is_some_and(|d| d < self.today()),
            done_late: r
                .done_at
                .filter(|_| state == MilestoneState::Done)
                .and_then(|at| milestone::days_late(at.paris_date(), deadline)),
            id: MilestoneId::new(r.milestone_id),
            applicable,
            opens: parse_opt_date("opens", r.opens)?,
            recommended: parse_opt_date("recommended", r.recommended)?,
            deadline,
            advised: parse_opt_date("advised", r.advised)?,
            state,
            done_at: r.done_at,
            done_by: r.done_by,
            evidence: r.evidence,
            override_justification: r.override_justification,
            version: r.version,
        })
    }

    /// The sessions of a centre (or the one given), by start date, with their chronology:
    /// two queries whatever their number.
    async fn details_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        only: Option<&SessionId>,
    ) -> Result<Vec<SessionDetail>> {
        let only = only.map_or("", SessionId::as_str);
        let rows: Vec<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT} WHERE s.centre_id = $1 AND ($2 = '' OR s.id = $2) \
             ORDER BY s.start_date, s.id"
        )))
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let all: Vec<MilestoneRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MILESTONE_SELECT} WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 \
             AND ($2 = '' OR id = $2)) ORDER BY session_id, position"
        )))
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let mut by_session: HashMap<SessionId, Vec<SessionMilestone>> = HashMap::new();
        for row in all {
            let session = row.session_id.clone();
            by_session
                .entry(session)
                .or_default()
                .push(self.milestone_from_row(row)?);
        }
        rows.into_iter()
            .map(|r| {
                let mut ms = by_session.remove(&r.id).unwrap_or_default();
                let session = self.session_from_row(r, &ms)?;
                // The transmission is late or not by the day it was sent, not the day it
                // was recorded.
                if let Some(t) = &session.transmission
                    && let Some(m) = ms.iter_mut().find(|m| m.id == ids::CLOSE_TRANSMIT)
                    && m.state == MilestoneState::Done
                {
                    m.done_late = milestone::days_late(t.sent_on, m.deadline);
                }
                Ok(detail(session, ms))
            })
            .collect()
    }

    /// One session of a centre with its chronology, read on `conn`.
    pub(crate) async fn detail_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        id: &SessionId,
    ) -> Result<SessionDetail> {
        self.details_in(conn, centre, Some(id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound { what: "session" })
    }

    /// The sessions of the actor's centre, by start date, with their status.
    pub async fn sessions(&self, actor: &Actor) -> Result<Vec<SessionDetail>> {
        let mut conn = self.pool().acquire().await?;
        self.details_in(&mut conn, actor.centre_id(), None).await
    }

    /// One session of the actor's centre, read once: the handle every read and write of it
    /// takes. Another centre's session is not found.
    pub async fn open_session<'a>(
        &self,
        actor: &'a Actor,
        id: &SessionId,
    ) -> Result<SessionHandle<'a>> {
        let mut conn = self.pool().acquire().await?;
        let detail = self.detail_in(&mut conn, actor.centre_id(), id).await?;
        Ok(SessionHandle::new(actor, detail))
    }

    /// The centre a session belongs to, for the command line (which acts for that centre).
    pub async fn centre_of_session(&self, session_id: &SessionId) -> Result<CentreId> {
        let row: Option<(CentreId,)> =
            sqlx::query_as("SELECT centre_id FROM sessions WHERE id = $1")
                .bind(session_id)
                .fetch_optional(self.pool())
                .await?;
        row.map(|(c,)| c)
            .ok_or(StoreError::NotFound { what: "session" })
    }
}

/// A session with its milestones; a cancelled session has nothing late.
fn detail(session: Session, mut milestones: Vec<SessionMilestone>) -> SessionDetail {
    if session.status == Status::Cancelled {
        for m in &mut milestones {
            m.late = false;
        }
    }
    SessionDetail {
        session,
        milestones,
    }
}

/// The input that would recreate a stored session (for recomputing its chronology).
fn input_of(s: &Session) -> SessionInput {
    SessionInput {
        title_id: s.title_id.clone(),
        approval_id: s.approval_id.clone(),
        site_id: s.site_id.clone(),
        kind: s.kind,
        start: s.start,
        end: Some(s.end),
        ceres_number: s.ceres_number.clone(),
        ceres_created_on: s.ceres_created_on,
        manager_id: s.manager_id.clone(),
        override_justification: None,
    }
}
