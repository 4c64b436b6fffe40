//! Sessions and their chronology: each milestone materialised from the rulebook with its
//! dates stored, recomputed whenever the session's dates or attributes change, and its state
//! (`todo`, `done`, `not_applicable`) with who did it, when, and with what evidence.

use std::collections::HashMap;

use jalon_core::session_rules::{self, ApprovalFacts, Concerns, ManagerFacts, SessionFacts};
use jalon_core::{Kind, Severity, fr};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::catalog::{Approval, Site, Title};
use crate::error::{FieldError, Result, RuleViolation, StoreError};
use crate::journal::{self, Change};
use crate::scope::{Actor, Writer};
use crate::{Store, new_id, parse_date, parse_opt_date, timestamp_text};

mod milestones;

pub use milestones::CHECKED;

/// Where a session stands, derived from its recorded facts so the two never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being prepared, not yet created in CERES.
    Draft,
    /// Created in CERES (a CERES number is recorded).
    Planned,
    /// Between its first and last day.
    InProgress,
    /// Over, documents not yet transmitted.
    ToClose,
    /// Documents transmitted, awaiting the State's validation.
    Transmitted,
    /// Validated by the departmental service.
    Validated,
    Cancelled,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "en préparation",
            Status::Planned => "créée dans CERES",
            Status::InProgress => "en cours",
            Status::ToClose => "à clôturer",
            Status::Transmitted => "transmise",
            Status::Validated => "validée",
            Status::Cancelled => "annulée",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    Todo,
    Done,
    NotApplicable,
}

impl MilestoneState {
    fn as_str(self) -> &'static str {
        match self {
            MilestoneState::Todo => "todo",
            MilestoneState::Done => "done",
            MilestoneState::NotApplicable => "not_applicable",
        }
    }

    fn parse(s: &str) -> Result<MilestoneState> {
        match s {
            "todo" => Ok(MilestoneState::Todo),
            "done" => Ok(MilestoneState::Done),
            "not_applicable" => Ok(MilestoneState::NotApplicable),
            other => Err(StoreError::Corrupt(format!(
                "état de jalon inconnu « {other} »"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: String,
    pub title_id: String,
    pub title_name: String,
    pub approval_id: Option<String>,
    pub site_id: String,
    pub kind: Kind,
    pub start: Date,
    pub end: Date,
    pub ceres_number: Option<String>,
    pub manager_id: Option<String>,
    pub status: Status,
    pub cancelled_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionMilestone {
    pub id: String,
    pub phase: String,
    pub label: String,
    pub severity: Severity,
    pub applicable: bool,
    pub opens: Option<Date>,
    pub deadline: Option<Date>,
    pub advised: Option<Date>,
    pub state: MilestoneState,
    /// Still to do, applicable, and its deadline is past.
    pub late: bool,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
    pub evidence: Option<String>,
    pub override_justification: Option<String>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDetail {
    #[serde(flatten)]
    pub session: Session,
    pub milestones: Vec<SessionMilestone>,
}

/// A session as the user gives it (create, or replace on update).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub title_id: String,
    #[serde(default)]
    pub approval_id: Option<String>,
    pub site_id: String,
    #[serde(default)]
    pub kind: Kind,
    pub start: Date,
    #[serde(default)]
    pub end: Option<Date>,
    #[serde(default)]
    pub ceres_number: Option<String>,
    #[serde(default)]
    pub manager_id: Option<String>,
    /// Written justification to go on although a rule is broken; kept in the journal.
    #[serde(default)]
    pub override_justification: Option<String>,
}

/// What a session would be, computed before saving it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preview {
    pub violations: Vec<RuleViolation>,
    pub milestones: Vec<PreviewMilestone>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewMilestone {
    pub id: String,
    pub label: String,
    pub applicable: bool,
    pub deadline: Option<Date>,
    pub advised: Option<Date>,
    /// Its deadline is already past today.
    pub late: bool,
}

/// The shortest justification that says something.
pub const MIN_JUSTIFICATION: usize = 15;

fn justification(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Refuses broken rules unless a justification long enough is given; returns what the
/// journal must keep.
fn overridden(
    violations: Vec<RuleViolation>,
    text: Option<&str>,
) -> Result<Option<serde_json::Value>> {
    if violations.is_empty() {
        return Ok(None);
    }
    match justification(text) {
        None => Err(StoreError::RulesBroken(violations)),
        Some(t) if t.chars().count() < MIN_JUSTIFICATION => Err(StoreError::invalid(
            "override_justification",
            format!(
                "la justification doit expliquer la dérogation en au moins {MIN_JUSTIFICATION} caractères"
            ),
        )),
        Some(t) => Ok(Some(json!({"violations": violations, "justification": t}))),
    }
}

type SessionRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
);

const SESSION_SELECT: &str = "SELECT s.id, s.title_id, t.name, s.approval_id, s.site_id, s.kind, s.start_date, \
     s.end_date, s.ceres_number, s.manager_id, s.cancelled_at, s.created_at, s.updated_at, s.version \
     FROM sessions s JOIN titles t ON t.id = s.title_id";

type MilestoneRow = (
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

const MILESTONE_SELECT: &str = "SELECT session_id, milestone_id, applicable, opens, deadline, advised, state, done_at, \
     done_by, evidence, override_justification, version FROM session_milestones";

/// The facts a session's rules and plan depend on, loaded from its centre.
struct Context {
    title: Title,
    site: Site,
    approval: Option<Approval>,
    /// How many candidates the session has (0 for a session being created).
    candidates: i64,
    /// What is missing from the day's welcome of candidates, if anything.
    welcome: Option<String>,
    /// Candidates whose convocation is not proven yet, with what each lacks.
    convocations_missing: Vec<String>,
}

impl Store {
    fn session_from_row(
        &self,
        r: SessionRow,
        milestones: Option<&[SessionMilestone]>,
    ) -> Result<Session> {
        let (
            id,
            title_id,
            title_name,
            approval_id,
            site_id,
            kind,
            start,
            end,
            ceres,
            manager,
            cancelled,
            created,
            updated,
            version,
        ) = r;
        let start = parse_date("start_date", &start)?;
        let end = parse_date("end_date", &end)?;
        let done = |id: &str| {
            milestones.is_some_and(|ms| {
                ms.iter()
                    .any(|m| m.id == id && m.state == MilestoneState::Done)
            })
        };
        let today = self.today();
        let status = if cancelled.is_some() {
            Status::Cancelled
        } else if done("validation.decision") {
            Status::Validated
        } else if done("close.transmit") {
            Status::Transmitted
        } else if today > end {
            Status::ToClose
        } else if today >= start {
            Status::InProgress
        } else if ceres.is_some() {
            Status::Planned
        } else {
            Status::Draft
        };
        Ok(Session {
            kind: kind.parse().map_err(StoreError::Corrupt)?,
            id,
            title_id,
            title_name,
            approval_id,
            site_id,
            start,
            end,
            ceres_number: ceres,
            manager_id: manager,
            status,
            cancelled_at: cancelled,
            created_at: created,
            updated_at: updated,
            version,
        })
    }

    fn milestone_from_row(&self, r: MilestoneRow) -> Result<SessionMilestone> {
        let (
            _session,
            id,
            applicable,
            opens,
            deadline,
            advised,
            state,
            done_at,
            done_by,
            evidence,
            justification,
            version,
        ) = r;
        let rule = self.rules().milestone(&id);
        let state = MilestoneState::parse(&state)?;
        let deadline = parse_opt_date("deadline", deadline)?;
        let applicable = applicable != 0;
        Ok(SessionMilestone {
            phase: rule.map_or_else(String::new, |r| r.phase.clone()),
            label: rule.map_or_else(|| id.clone(), |r| r.label.clone()),
            severity: rule.map_or(Severity::Mandatory, |r| r.severity),
            late: applicable
                && state == MilestoneState::Todo
                && deadline.is_some_and(|d| d < self.today()),
            id,
            applicable,
            opens: parse_opt_date("opens", opens)?,
            deadline,
            advised: parse_opt_date("advised", advised)?,
            state,
            done_at,
            done_by,
            evidence,
            override_justification: justification,
            version,
        })
    }

    async fn milestones_of(&self, session_id: &str) -> Result<Vec<SessionMilestone>> {
        let rows: Vec<MilestoneRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MILESTONE_SELECT} WHERE session_id = $1 ORDER BY position"
        )))
        .bind(session_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| self.milestone_from_row(r))
            .collect()
    }

    /// The sessions of the actor's centre, by start date, with their status.
    pub async fn sessions(&self, actor: &Actor) -> Result<Vec<SessionDetail>> {
        let rows: Vec<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT} WHERE s.centre_id = $1 ORDER BY s.start_date, s.id"
        )))
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let all: Vec<MilestoneRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{MILESTONE_SELECT} WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1) \
             ORDER BY session_id, position"
        )))
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut by_session: HashMap<String, Vec<SessionMilestone>> = HashMap::new();
        for row in all {
            let session = row.0.clone();
            by_session
                .entry(session)
                .or_default()
                .push(self.milestone_from_row(row)?);
        }
        for r in rows {
            let ms = by_session.remove(&r.0).unwrap_or_default();
            let session = self.session_from_row(r, Some(&ms))?;
            out.push(detail(session, ms));
        }
        Ok(out)
    }

    /// One session of the actor's centre with its chronology.
    pub async fn session(&self, actor: &Actor, id: &str) -> Result<SessionDetail> {
        let row: Option<SessionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT} WHERE s.centre_id = $1 AND s.id = $2"
        )))
        .bind(actor.centre_id())
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let row = row.ok_or(StoreError::NotFound { what: "session" })?;
        let milestones = self.milestones_of(id).await?;
        let session = self.session_from_row(row, Some(&milestones))?;
        Ok(detail(session, milestones))
    }

    /// Loads and checks the title, site, approval and manager a session refers to: they must
    /// exist in the actor's centre and fit together.
    async fn context(&self, actor: &Actor, input: &SessionInput) -> Result<Context> {
        let mut errs = Vec::new();
        let not_found = |e: StoreError, field: &str, what: &str, errs: &mut Vec<FieldError>| match e
        {
            StoreError::NotFound { .. } => {
                errs.push(FieldError::new(
                    field,
                    format!("{what} inconnu dans ce centre"),
                ));
                Ok(())
            }
            other => Err(other),
        };
        let title = match self.title(actor, &input.title_id).await {
            Ok(t) => Some(t),
            Err(e) => {
                not_found(e, "title_id", "titre", &mut errs)?;
                None
            }
        };
        let site = match self.site(actor, &input.site_id).await {
            Ok(s) => Some(s),
            Err(e) => {
                not_found(e, "site_id", "site", &mut errs)?;
                None
            }
        };
        let approval = match input.approval_id.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => match self.approval(actor, a).await {
                Ok(a) => Some(a),
                Err(e) => {
                    not_found(e, "approval_id", "agrément", &mut errs)?;
                    None
                }
            },
        };
        if let Some(m) = input.manager_id.as_deref().filter(|m| !m.is_empty())
            && let Err(e) = self.user(actor, m).await
        {
            not_found(e, "manager_id", "responsable de session", &mut errs)?;
        }
        if let (Some(a), Some(t)) = (&approval, &title)
            && a.title_id != t.id
        {
            errs.push(FieldError::new(
                "approval_id",
                "cet agrément porte sur un autre titre",
            ));
        }
        if let (Some(a), Some(s)) = (&approval, &site)
            && a.site_id != s.id
        {
            errs.push(FieldError::new(
                "approval_id",
                "cet agrément porte sur un autre site",
            ));
        }
        for (field, d) in [("start", Some(input.start)), ("end", input.end)] {
            if let Some(d) = d
                && !(1900..=2200).contains(&d.year())
            {
                errs.push(FieldError::new(
                    field,
                    format!(
                        "année {} hors de la période prise en charge (1900 à 2200)",
                        d.year()
                    ),
                ));
            }
        }
        if let Some(end) = input.end
            && end < input.start
        {
            errs.push(FieldError::new(
                "end",
                format!(
                    "la date de fin ({}) précède la date de début ({})",
                    fr::long_date(end),
                    fr::long_date(input.start)
                ),
            ));
        }
        if let Some(c) = &input.ceres_number
            && c.trim().chars().count() > 40
        {
            errs.push(FieldError::new(
                "ceres_number",
                "numéro CERES trop long (40 caractères au plus)",
            ));
        }
        if let Some(j) = &input.override_justification
            && j.chars().count() > 2000
        {
            errs.push(FieldError::new(
                "override_justification",
                "justification trop longue (2 000 caractères au plus)",
            ));
        }
        match (title, site, errs.is_empty()) {
            (Some(title), Some(site), true) => Ok(Context {
                title,
                site,
                approval,
                candidates: 0,
                welcome: None,
                convocations_missing: Vec::new(),
            }),
            _ => Err(StoreError::Invalid(errs)),
        }
    }

    async fn manager_facts<'a>(
        &self,
        actor: &Actor,
        input: &SessionInput,
        ctx: &'a Context,
        name: &'a mut String,
    ) -> Result<Option<ManagerFacts<'a>>> {
        let Some(id) = input.manager_id.as_deref().filter(|m| !m.is_empty()) else {
            return Ok(None);
        };
        *name = self.user(actor, id).await?.display_name;
        let declared = ctx
            .approval
            .as_ref()
            .is_some_and(|a| a.managers.iter().any(|m| m == id));
        Ok(Some(ManagerFacts { name, declared }))
    }

    fn check_rules(
        &self,
        input: &SessionInput,
        ctx: &Context,
        manager: Option<ManagerFacts>,
        concerns: Concerns,
    ) -> Vec<RuleViolation> {
        let facts = SessionFacts {
            start: input.start,
            end: input.end.unwrap_or(input.start),
            today: self.today(),
            title_expiry: ctx.title.expiry,
            approval: ctx.approval.as_ref().map(|a| ApprovalFacts {
                number: &a.number,
                valid_from: a.valid_from,
                valid_until: a.valid_until,
            }),
            manager,
        };
        session_rules::check(&facts, concerns)
    }

    /// The planner's view of a session.
    fn plan_input(
        &self,
        input: &SessionInput,
        ctx: &Context,
        dte_received: bool,
    ) -> jalon_core::PlanInput {
        let end = input.end.unwrap_or(input.start);
        jalon_core::PlanInput {
            start: input.start,
            end: Some(end),
            transport: ctx.title.transport,
            kind: input.kind,
            domain: Some(ctx.title.domain),
            title_expiry: Some(ctx.title.expiry),
            training_end: None,
            zone: ctx.site.zone,
            today: self.today(),
            approval_held: Some(
                ctx.approval
                    .as_ref()
                    .is_some_and(|a| a.covers(input.start, end)),
            ),
            dte_received,
        }
    }

    /// What creating (or changing, with `existing`) a session would give, without saving:
    /// its milestones' dates and the rules it would break. Bad references are field errors.
    pub async fn preview_session(
        &self,
        actor: &Actor,
        input: &SessionInput,
        existing: Option<&str>,
    ) -> Result<Preview> {
        let ctx = self.context(actor, input).await?;
        let mut name = String::new();
        let manager = self.manager_facts(actor, input, &ctx, &mut name).await?;
        let end = input.end.unwrap_or(input.start);
        let concerns = match existing {
            None => Concerns::ALL,
            Some(id) => {
                let b = self.session(actor, id).await?.session;
                Concerns {
                    dates: b.start != input.start || b.end != end || b.title_id != input.title_id,
                    approval: b.approval_id.as_deref()
                        != input.approval_id.as_deref().filter(|a| !a.is_empty()),
                    manager: b.manager_id.as_deref()
                        != input.manager_id.as_deref().filter(|m| !m.is_empty()),
                }
            }
        };
        let violations = self.check_rules(input, &ctx, manager, concerns);
        let plan_input = self.plan_input(input, &ctx, false);
        let planned = jalon_core::plan(self.rules(), &plan_input)
            .map_err(|e| StoreError::invalid("start", e.to_string()))?;
        Ok(Preview {
            violations,
            milestones: planned
                .milestones
                .iter()
                .map(|m| PreviewMilestone {
                    id: m.rule.id.clone(),
                    label: m.rule.label.clone(),
                    applicable: m.applicable,
                    deadline: m.deadline,
                    advised: m.advised,
                    late: m.late,
                })
                .collect(),
        })
    }

    /// Creates a session and its chronology. Broken rules are refused unless justified.
    pub async fn create_session(
        &self,
        writer: Writer<'_>,
        input: SessionInput,
    ) -> Result<SessionDetail> {
        let actor = writer.actor();
        let ctx = self.context(actor, &input).await?;
        let mut name = String::new();
        let manager = self.manager_facts(actor, &input, &ctx, &mut name).await?;
        let violations = self.check_rules(&input, &ctx, manager, Concerns::ALL);
        let waiver = overridden(violations, input.override_justification.as_deref())?;
        let id = new_id();
        let now = timestamp_text(self.now());
        let end = input.end.unwrap_or(input.start);
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, centre_id, title_id, approval_id, site_id, kind, start_date, end_date, \
             ceres_number, manager_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(actor.centre_id())
        .bind(&input.title_id)
        .bind(input.approval_id.as_deref().filter(|a| !a.is_empty()))
        .bind(&input.site_id)
        .bind(input.kind.as_str())
        .bind(input.start.to_string())
        .bind(end.to_string())
        .bind(input.ceres_number.as_deref().map(str::trim).filter(|c| !c.is_empty()))
        .bind(input.manager_id.as_deref().filter(|m| !m.is_empty()))
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        self.materialise(&mut tx, &id, &input, &ctx, false).await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: "session.created",
                subject_type: "session",
                subject_id: &id,
                data: json!({"after": input_json(&input), "override": waiver}),
            },
        )
        .await?;
        tx.commit().await?;
        self.session(actor, &id).await
    }

    /// Replaces a session's attributes. Moving it recomputes its dates and keeps what was
    /// done. A stale `version` is refused (someone else changed it meanwhile).
    pub async fn update_session(
        &self,
        writer: Writer<'_>,
        id: &str,
        version: i64,
        input: SessionInput,
    ) -> Result<SessionDetail> {
        let actor = writer.actor();
        let before = self.session(actor, id).await?;
        let ctx = self.context(actor, &input).await?;
        let mut name = String::new();
        let manager = self.manager_facts(actor, &input, &ctx, &mut name).await?;
        let b = &before.session;
        let end = input.end.unwrap_or(input.start);
        let concerns = Concerns {
            dates: b.start != input.start || b.end != end || b.title_id != input.title_id,
            approval: b.approval_id.as_deref()
                != input.approval_id.as_deref().filter(|a| !a.is_empty()),
            manager: b.manager_id.as_deref()
                != input.manager_id.as_deref().filter(|m| !m.is_empty()),
        };
        let violations = self.check_rules(&input, &ctx, manager, concerns);
        let waiver = overridden(violations, input.override_justification.as_deref())?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE sessions SET title_id = $1, approval_id = $2, site_id = $3, kind = $4, start_date = $5, \
             end_date = $6, ceres_number = $7, manager_id = $8, updated_at = $9, version = version + 1 \
             WHERE id = $10 AND centre_id = $11 AND version = $12",
        )
        .bind(&input.title_id)
        .bind(input.approval_id.as_deref().filter(|a| !a.is_empty()))
        .bind(&input.site_id)
        .bind(input.kind.as_str())
        .bind(input.start.to_string())
        .bind(end.to_string())
        .bind(input.ceres_number.as_deref().map(str::trim).filter(|c| !c.is_empty()))
        .bind(input.manager_id.as_deref().filter(|m| !m.is_empty()))
        .bind(timestamp_text(self.now()))
        .bind(id)
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let dte_received = before
            .milestones
            .iter()
            .any(|m| m.id == "dte.receive" && m.state == MilestoneState::Done);
        self.materialise(&mut tx, id, &input, &ctx, dte_received)
            .await?;
        journal::append(&mut tx, self, actor, Change {
            action: "session.updated",
            subject_type: "session",
            subject_id: id,
            data: json!({"before": before.session, "after": input_json(&input), "override": waiver}),
        })
        .await?;
        tx.commit().await?;
        self.session(actor, id).await
    }

    /// Recomputes the dates of the sessions held with a title or on a site that has just
    /// changed (a title's expiry, transport or domain, a site's zone), keeping what was
    /// done. Cancelled sessions stay as they were.
    pub(crate) async fn replan_sessions_using(
        &self,
        actor: &Actor,
        title_id: Option<&str>,
        site_id: Option<&str>,
    ) -> Result<()> {
        for d in self.sessions(actor).await? {
            let s = &d.session;
            let uses = title_id == Some(s.title_id.as_str()) || site_id == Some(s.site_id.as_str());
            if !uses || s.cancelled_at.is_some() {
                continue;
            }
            let input = input_of(s);
            let ctx = self.context(actor, &input).await?;
            let dte_received = d
                .milestones
                .iter()
                .any(|m| m.id == "dte.receive" && m.state == MilestoneState::Done);
            let mut tx = self.begin().await?;
            self.materialise(&mut tx, &s.id, &input, &ctx, dte_received)
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Cancels a session (it stays, with its history; it is no longer reported as late).
    pub async fn cancel_session(
        &self,
        writer: Writer<'_>,
        id: &str,
        version: i64,
        reason: &str,
    ) -> Result<SessionDetail> {
        let actor = writer.actor();
        let before = self.session(actor, id).await?;
        if reason.trim().is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "indiquez pourquoi la session est annulée",
            ));
        }
        if before.session.cancelled_at.is_some() {
            return Err(StoreError::invalid(
                "session",
                "cette session est déjà annulée",
            ));
        }
        let now = timestamp_text(self.now());
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE sessions SET cancelled_at = $1, updated_at = $1, version = version + 1 \
             WHERE id = $2 AND centre_id = $3 AND version = $4",
        )
        .bind(&now)
        .bind(id)
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "la session" });
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: "session.cancelled",
                subject_type: "session",
                subject_id: id,
                data: json!({"before": before.session, "reason": reason.trim()}),
            },
        )
        .await?;
        tx.commit().await?;
        self.session(actor, id).await
    }

    /// A new session with the same title, site, approval and manager on other dates. Nothing
    /// that was done, and no CERES number, is copied.
    pub async fn duplicate_session(
        &self,
        writer: Writer<'_>,
        id: &str,
        start: Date,
        end: Option<Date>,
        override_justification: Option<String>,
    ) -> Result<SessionDetail> {
        let source = self.session(writer.actor(), id).await?.session;
        let input = SessionInput {
            title_id: source.title_id,
            approval_id: source.approval_id,
            site_id: source.site_id,
            kind: source.kind,
            start,
            end,
            ceres_number: None,
            manager_id: source.manager_id,
            override_justification,
        };
        self.create_session(writer, input).await
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
        manager_id: s.manager_id.clone(),
        override_justification: None,
    }
}

fn input_json(i: &SessionInput) -> serde_json::Value {
    json!({
        "title_id": i.title_id,
        "approval_id": i.approval_id,
        "site_id": i.site_id,
        "kind": i.kind,
        "start": i.start,
        "end": i.end.unwrap_or(i.start),
        "ceres_number": i.ceres_number,
        "manager_id": i.manager_id,
    })
}
