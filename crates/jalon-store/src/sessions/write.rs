//! Creating, changing, cancelling and duplicating sessions, and replanning those a catalogue
//! change concerns. Each write reads what it checks and writes in one transaction.

use jalon_core::checks::{ApprovalFacts, ManagerFacts, SessionFacts};
use jalon_core::milestone::ids;
use jalon_core::session_rules::{self, Concerns, waive};
use jalon_core::{PlanInput, fr};
use jiff::civil::Date;
use serde_json::json;
use sqlx::AnyConnection;

use super::milestones::Moves;
use super::{Preview, PreviewMilestone, SessionDetail, SessionInput, input_of};
use crate::Store;
use crate::catalog::{Approval, Site, Title};
use crate::error::{FieldError, Result, StoreError};
use crate::ids::{CentreId, SessionId, SiteId, Stamp, TitleId};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, SessionHandle, SessionWriter, Writer};

/// The title, site, approval and manager a session refers to, read from its centre.
pub(crate) struct Context {
    title: Title,
    site: Site,
    approval: Option<Approval>,
    /// The manager's name, if one is appointed.
    manager: Option<String>,
}

impl Context {
    /// The planner's view of a session.
    pub(crate) fn plan_input(
        &self,
        input: &SessionInput,
        today: Date,
        dte_received: bool,
    ) -> PlanInput {
        let end = input.end();
        PlanInput {
            start: input.start,
            end: Some(end),
            transport: self.title.transport,
            kind: input.kind,
            domain: Some(self.title.domain),
            title_expiry: Some(self.title.expiry),
            training_end: None,
            zone: self.site.zone,
            today,
            approval_held: Some(
                self.approval
                    .as_ref()
                    .is_some_and(|a| a.covers(input.start, end)),
            ),
            dte_received,
            transmit: self.title.structure.transmit,
        }
    }

    /// What the rules of a session's creation or change look at.
    fn facts(&self, input: &SessionInput) -> SessionFacts {
        SessionFacts {
            start: input.start,
            end: input.end(),
            ceres_number: input.ceres().map(str::to_owned),
            ceres_created_on: input.ceres_created_on,
            title_expiry: self.title.expiry,
            zone: self.site.zone,
            approval: self.approval.as_ref().map(|a| ApprovalFacts {
                number: a.number.clone(),
                valid_from: a.valid_from,
                valid_until: a.valid_until,
            }),
            manager: self.manager.as_ref().map(|name| ManagerFacts {
                name: name.clone(),
                declared: match (&self.approval, input.manager()) {
                    (Some(a), Some(m)) => a.managers.contains(m),
                    _ => false,
                },
            }),
            candidates: Vec::new(),
            ticked: Default::default(),
            attendance: None,
            jury: Default::default(),
            custody: Default::default(),
            validated_on: None,
            minutes_signed: Default::default(),
            documents_launched_on: None,
            with_files: Default::default(),
            archived: Default::default(),
            transmitted_on: None,
            transmit_deadline: None,
        }
    }
}

/// The day of creation in CERES to record: the one typed; with a number and no day, the day
/// already recorded for that same number, else today (the number is typed the day the
/// session is created in CERES). No number, no day.
fn resolve_ceres_day(
    mut input: SessionInput,
    before: Option<&super::Session>,
    today: Date,
) -> SessionInput {
    if input.ceres().is_none() {
        // A day without a number is refused by the input's problems; keep it to report it.
        return input;
    }
    if input.ceres_created_on.is_none() {
        input.ceres_created_on = match before {
            Some(b) if b.ceres_number.as_deref() == input.ceres() => b.ceres_created_on,
            _ => Some(today),
        };
    }
    input
}

/// Which rules a change concerns, from the session before it.
fn concerns(before: &super::Session, input: &SessionInput) -> Concerns {
    Concerns {
        dates: before.start != input.start
            || before.end != input.end()
            || before.title_id != input.title_id,
        approval: before.approval_id.as_ref() != input.approval(),
        manager: before.manager_id.as_ref() != input.manager(),
    }
}

impl Store {
    /// Loads and checks the title, site, approval and manager a session refers to: they must
    /// exist in the centre and fit together. Every problem is reported at once.
    pub(crate) async fn context_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        input: &SessionInput,
    ) -> Result<Context> {
        let mut errs: Vec<FieldError> = session_rules::input_problems(
            input.start,
            input.end,
            input.ceres_number.as_deref(),
            input.override_justification.as_deref(),
        );
        errs.extend(session_rules::ceres_date_problems(
            input.ceres(),
            input.ceres_created_on,
            self.today(),
        ));
        let unknown = |field: &str, what: &str| {
            FieldError::new(field, format!("{what} inconnu dans ce centre"))
        };
        let title = self.title_in(conn, centre, &input.title_id).await?;
        if title.is_none() {
            errs.push(unknown("title_id", "titre"));
        }
        let site = self.site_in(conn, centre, &input.site_id).await?;
        if site.is_none() {
            errs.push(unknown("site_id", "site"));
        }
        let approval = match input.approval() {
            None => None,
            Some(a) => {
                let found = self.approvals_in(conn, centre, Some(a)).await?.pop();
                if found.is_none() {
                    errs.push(unknown("approval_id", "agrément"));
                }
                found
            }
        };
        let manager = match input.manager() {
            None => None,
            Some(m) => {
                let found = self.user_in(conn, centre, m).await?;
                if found.is_none() {
                    errs.push(unknown("manager_id", "responsable de session"));
                }
                found.map(|u| u.display_name)
            }
        };
        if let Some(a) = &approval {
            errs.extend(jalon_core::catalog::approval_fit_problems(
                title.as_ref().is_none_or(|t| a.title_id == t.id),
                site.as_ref().is_none_or(|s| a.site_id == s.id),
            ));
        }
        match (title, site) {
            (Some(title), Some(site)) if errs.is_empty() => Ok(Context {
                title,
                site,
                approval,
                manager,
            }),
            _ => Err(StoreError::Invalid(order(errs))),
        }
    }

    /// What creating (or changing, with `existing`) a session would give, without saving:
    /// its milestones' dates and the rules it would break. Bad references are field errors.
    pub async fn preview_session(
        &self,
        actor: &Actor,
        input: &SessionInput,
        existing: Option<&SessionHandle<'_>>,
    ) -> Result<Preview> {
        let mut conn = self.pool().acquire().await?;
        let input = &resolve_ceres_day(input.clone(), existing.map(|h| h.session()), self.today());
        let ctx = self.context_in(&mut conn, actor.centre_id(), input).await?;
        let concerns = existing.map_or(Concerns::ALL, |h| concerns(h.session(), input));
        let violations = session_rules::check(&ctx.facts(input), self.today(), concerns);
        let planned = jalon_core::plan(self.rules(), &ctx.plan_input(input, self.today(), false))
            .map_err(|e| StoreError::invalid("start", e.to_string()))?;
        Ok(Preview {
            violations,
            warnings: planned
                .warnings
                .iter()
                .filter(|w| w.code != "deadline_passed")
                .cloned()
                .collect(),
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
        let centre = actor.centre_id();
        let input = resolve_ceres_day(input, None, self.today());
        let mut tx = self.begin().await?;
        let ctx = self.context_in(&mut tx, centre, &input).await?;
        let violations = session_rules::check(&ctx.facts(&input), self.today(), Concerns::ALL);
        let waiver = waive(violations, input.override_justification.as_deref())?;
        let id = SessionId::generate();
        let now = Stamp::new(self.now());
        sqlx::query(
            "INSERT INTO sessions (id, centre_id, title_id, approval_id, site_id, kind, start_date, end_date, \
             ceres_number, manager_id, created_at, updated_at, ceres_created_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12)",
        )
        .bind(&id)
        .bind(centre)
        .bind(&input.title_id)
        .bind(input.approval())
        .bind(&input.site_id)
        .bind(input.kind.as_str())
        .bind(input.start.to_string())
        .bind(input.end().to_string())
        .bind(input.ceres())
        .bind(input.manager())
        .bind(now)
        .bind(input.ceres_created_on.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await?;
        self.materialise(&mut tx, &id, &ctx.plan_input(&input, self.today(), false))
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionCreated,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({"after": input_json(&input), "override": waiver}),
            },
        )
        .await?;
        let created = self.detail_in(&mut tx, centre, &id).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Replaces a session's attributes. Moving it recomputes its dates and keeps what was
    /// done. A stale `version` is refused (someone else changed it meanwhile).
    pub async fn update_session(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        input: SessionInput,
    ) -> Result<SessionDetail> {
        let (actor, id) = (w.actor(), w.id());
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        let before = self.detail_in(&mut tx, centre, id).await?;
        let input = resolve_ceres_day(input, Some(&before.session), self.today());
        let ctx = self.context_in(&mut tx, centre, &input).await?;
        if before.session.version != version {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let violations = session_rules::check(
            &ctx.facts(&input),
            self.today(),
            concerns(&before.session, &input),
        );
        let waiver = waive(violations, input.override_justification.as_deref())?;
        let done = sqlx::query(
            "UPDATE sessions SET title_id = $1, approval_id = $2, site_id = $3, kind = $4, start_date = $5, \
             end_date = $6, ceres_number = $7, manager_id = $8, updated_at = $9, ceres_created_on = $13, \
             version = version + 1 WHERE id = $10 AND centre_id = $11 AND version = $12",
        )
        .bind(&input.title_id)
        .bind(input.approval())
        .bind(&input.site_id)
        .bind(input.kind.as_str())
        .bind(input.start.to_string())
        .bind(input.end().to_string())
        .bind(input.ceres())
        .bind(input.manager())
        .bind(Stamp::new(self.now()))
        .bind(id)
        .bind(centre)
        .bind(version)
        .bind(
            input
                .ceres()
                .and(input.ceres_created_on)
                .map(|d| d.to_string()),
        )
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let dte_received = before.done(&ids::DTE_RECEIVE);
        self.materialise(
            &mut tx,
            id,
            &ctx.plan_input(&input, self.today(), dte_received),
        )
        .await?;
        journal::append(&mut tx, self, actor, Change {
            action: Action::SessionUpdated,
            subject_type: Subject::Session,
            subject_id: id.as_str(),
            data: json!({"before": before.session, "after": input_json(&input), "override": waiver}),
        })
        .await?;
        let after = self.detail_in(&mut tx, centre, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Recomputes, on `conn`, the dates of the sessions held with a title or on a site that
    /// has just changed (a title's expiry, transport or domain, a site's zone), keeping what
    /// was done; each session whose deadlines moved gets a journal entry naming them.
    /// Cancelled sessions stay as they were.
    pub(crate) async fn replan_sessions_using(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        title: Option<&TitleId>,
        site: Option<&SiteId>,
        why: &str,
    ) -> Result<()> {
        let centre = actor.centre_id();
        let ids: Vec<(SessionId,)> = sqlx::query_as(
            "SELECT id FROM sessions WHERE centre_id = $1 AND cancelled_at IS NULL \
             AND (title_id = $2 OR site_id = $3) ORDER BY start_date, id",
        )
        .bind(centre)
        .bind(title.map_or("", TitleId::as_str))
        .bind(site.map_or("", SiteId::as_str))
        .fetch_all(&mut *conn)
        .await?;
        for (id,) in ids {
            let moves = self.rematerialise(conn, centre, &id).await?;
            if moves.is_empty() {
                continue;
            }
            journal::append(
                &mut *conn,
                self,
                actor,
                Change {
                    action: Action::SessionReplanned,
                    subject_type: Subject::Session,
                    subject_id: id.as_str(),
                    data: json!({"reason": why, "moved": moves_json(self, &moves)}),
                },
            )
            .await?;
        }
        Ok(())
    }

    /// Cancels a session (it stays, with its history; it is no longer reported as late).
    pub async fn cancel_session(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        reason: &str,
    ) -> Result<SessionDetail> {
        let (actor, id) = (w.actor(), w.id());
        let centre = actor.centre_id();
        if let Some(p) =
            jalon_core::milestone::reason_problem(reason, "pourquoi la session est annulée")
        {
            return Err(StoreError::Invalid(vec![p]));
        }
        let mut tx = self.begin().await?;
        let before = self.detail_in(&mut tx, centre, id).await?;
        if let Some(p) = session_rules::cancel_problem(before.session.cancelled_at.is_some()) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let now = Stamp::new(self.now());
        let done = sqlx::query(
            "UPDATE sessions SET cancelled_at = $1, updated_at = $1, version = version + 1 \
             WHERE id = $2 AND centre_id = $3 AND version = $4",
        )
        .bind(now)
        .bind(id)
        .bind(centre)
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
                action: Action::SessionCancelled,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({"before": before.session, "reason": reason.trim()}),
            },
        )
        .await?;
        let after = self.detail_in(&mut tx, centre, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records the departmental service's request for complements (« validation dans CERES
    /// ou demande de compléments ») : the session then awaits them, and its validation.
    pub async fn request_complements(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        on: Date,
        request: &str,
        due: Option<Date>,
    ) -> Result<SessionDetail> {
        let (actor, id) = (w.actor(), w.id());
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        let before = self.detail_in(&mut tx, centre, id).await?;
        if before.session.version != version {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let problems = session_rules::complements_problems(
            request,
            on,
            due,
            self.today(),
            before.done(&ids::VALIDATION_DECISION),
            before.session.cancelled_at.is_some(),
        );
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let request = request.trim();
        let done = sqlx::query(
            "UPDATE sessions SET complements_requested_on = $1, complements_request = $2, updated_at = $3, \
             complements_due_on = $7, complements_answered_on = NULL, complements_answer = NULL, \
             complements_answered_by = NULL, \
             version = version + 1 WHERE id = $4 AND centre_id = $5 AND version = $6",
        )
        .bind(on.to_string())
        .bind(request)
        .bind(Stamp::new(self.now()))
        .bind(id)
        .bind(centre)
        .bind(version)
        .bind(due.map(|d| d.to_string()))
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
                action: Action::ComplementsRequested,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({"on": on, "request": request, "due": due,
                             "before": before.session.complements}),
            },
        )
        .await?;
        let after = self.detail_in(&mut tx, centre, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records the centre's answer to the request for complements: when it was sent, what,
    /// by whom (the loop back to the departmental service).
    pub async fn answer_complements(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        on: Date,
        answer: &str,
    ) -> Result<SessionDetail> {
        let (actor, id) = (w.actor(), w.id());
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        let before = self.detail_in(&mut tx, centre, id).await?;
        if before.session.version != version {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let problems = session_rules::answer_problems(
            answer,
            on,
            self.today(),
            before.session.complements.as_ref().map(|c| c.on),
        );
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let answer = answer.trim();
        let done = sqlx::query(
            "UPDATE sessions SET complements_answered_on = $1, complements_answer = $2, \
             complements_answered_by = $3, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND centre_id = $6 AND version = $7",
        )
        .bind(on.to_string())
        .bind(answer)
        .bind(actor.name())
        .bind(Stamp::new(self.now()))
        .bind(id)
        .bind(centre)
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
                action: Action::ComplementsAnswered,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({"on": on, "answer": answer}),
            },
        )
        .await?;
        let after = self.detail_in(&mut tx, centre, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records the departmental service's validation of the session on `on`: one act, kept
    /// once, journaled, that marks `validation.decision` done and lifts the embargo on
    /// results. Refused before the transmission, before the session's end or in the future.
    pub async fn record_validation(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        on: Date,
    ) -> Result<SessionDetail> {
        let (actor, id) = (w.actor(), w.id());
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        let before = self.detail_in(&mut tx, centre, id).await?;
        if before.session.version != version {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let s = &before.session;
        let problems = session_rules::validation_problems(
            on,
            self.today(),
            s.end,
            before.done(&ids::CLOSE_TRANSMIT),
            s.validated_on,
            s.cancelled_at.is_some(),
        );
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = Stamp::new(self.now());
        let inserted = sqlx::query(
            "INSERT INTO validations (session_id, validated_on, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(id)
        .bind(on.to_string())
        .bind(now)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let evidence = format!(
            "Validée par le service départemental le {}",
            fr::long_date(on)
        );
        self.act_marks_done(&mut tx, w, version, &ids::VALIDATION_DECISION, &evidence)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionValidated,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({"on": on, "evidence": evidence}),
            },
        )
        .await?;
        let after = self.detail_in(&mut tx, centre, id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// What a recorded act (the validation, the transmission) does to its session, in the
    /// act's transaction: the session's version moves on (a stale one is a conflict), and the
    /// act's milestone, still to do, is marked done with the act as its evidence.
    pub(crate) async fn act_marks_done(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        w: SessionWriter<'_>,
        version: i64,
        milestone: &jalon_core::MilestoneId,
        evidence: &str,
    ) -> Result<()> {
        let (actor, id) = (w.actor(), w.id());
        let now = Stamp::new(self.now());
        let bumped = sqlx::query(
            "UPDATE sessions SET updated_at = $1, version = version + 1 \
             WHERE id = $2 AND centre_id = $3 AND version = $4",
        )
        .bind(now)
        .bind(id)
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if bumped.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "la session" });
        }
        sqlx::query(
            "UPDATE session_milestones SET state = 'done', done_at = $1, done_by = $2, evidence = $3, \
             version = version + 1 \
             WHERE session_id = $4 AND milestone_id = $5 AND applicable = 1 AND state = 'todo'",
        )
        .bind(now)
        .bind(actor.name())
        .bind(evidence)
        .bind(id)
        .bind(milestone.as_str())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// A new session with the same title, site, approval and manager on other dates. Nothing
    /// that was done, and no CERES number, is copied.
    pub async fn duplicate_session(
        &self,
        w: SessionWriter<'_>,
        start: Date,
        end: Option<Date>,
        override_justification: Option<String>,
    ) -> Result<SessionDetail> {
        let source = input_of(w.handle().session());
        let input = SessionInput {
            start,
            end,
            ceres_number: None,
            ceres_created_on: None,
            override_justification,
            ..source
        };
        self.create_session(w.actor().writer()?, input).await
    }
}

/// Errors in the order the form shows its fields.
fn order(mut errs: Vec<FieldError>) -> Vec<FieldError> {
    const FIELDS: [&str; 9] = [
        "title_id",
        "site_id",
        "approval_id",
        "manager_id",
        "start",
        "end",
        "ceres_number",
        "ceres_created_on",
        "override_justification",
    ];
    errs.sort_by_key(|e| {
        FIELDS
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(FIELDS.len())
    });
    errs
}

/// The deadlines that moved, as the journal keeps them.
fn moves_json(store: &Store, moves: &Moves) -> serde_json::Value {
    let text = |d: Option<Date>| d.map_or_else(|| "sans date".to_owned(), fr::short_date);
    moves
        .iter()
        .map(|(id, before, after)| {
            let label = store
                .rules()
                .milestone(id.as_str())
                .map_or(id.as_str(), |r| r.label.as_str());
            json!({"milestone": id, "label": label, "before": before, "after": after,
                   "text": format!("{label} : {} → {}", text(*before), text(*after))})
        })
        .collect()
}

fn input_json(i: &SessionInput) -> serde_json::Value {
    json!({
        "title_id": i.title_id,
        "approval_id": i.approval_id,
        "site_id": i.site_id,
        "kind": i.kind,
        "start": i.start,
        "end": i.end(),
        "ceres_number": i.ceres_number,
        "ceres_created_on": i.ceres().and(i.ceres_created_on),
        "manager_id": i.manager_id,
    })
}
