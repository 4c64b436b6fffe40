//! A session's milestones: materialising the chronology, completing and reopening — each
//! write reads what it checks and writes inside one transaction.

use jalon_core::milestone::{self, MilestoneId, MilestoneState, ids};
use jalon_core::session_rules::{justification, waive};
use jalon_core::{PlanInput, plan};
use jiff::civil::Date;
use serde_json::json;
use sqlx::AnyConnection;

use super::{SessionMilestone, input_of};
use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{CentreId, SessionId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::SessionWriter;

/// What a change of dates did to a session's milestones: `(milestone, before, after)` of
/// each deadline that moved.
pub(crate) type Moves = Vec<(MilestoneId, Option<Date>, Option<Date>)>;

impl Store {
    /// Computes the chronology and writes it: new milestones are inserted, existing ones get
    /// their dates and applicability recomputed, and keep their state when done. Returns the
    /// deadlines that moved.
    pub(crate) async fn materialise(
        &self,
        conn: &mut AnyConnection,
        session_id: &SessionId,
        plan_input: &PlanInput,
    ) -> Result<Moves> {
        let planned = plan(self.rules(), plan_input)
            .map_err(|e| StoreError::invalid("start", e.to_string()))?;
        let existing: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT milestone_id, state, deadline FROM session_milestones WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut moves = Moves::new();
        for (position, m) in planned.milestones.iter().enumerate() {
            let automatic = if m.applicable {
                MilestoneState::Todo
            } else {
                MilestoneState::NotApplicable
            };
            let opt = |d: Option<Date>| d.map(|d| d.to_string());
            match existing.iter().find(|(id, _, _)| id == m.id()) {
                None => {
                    sqlx::query(
                        "INSERT INTO session_milestones (session_id, milestone_id, position, applicable, opens, \
                         deadline, advised, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(session_id)
                    .bind(m.id())
                    .bind(position as i64)
                    .bind(i64::from(m.applicable))
                    .bind(opt(m.opens))
                    .bind(opt(m.deadline))
                    .bind(opt(m.advised))
                    .bind(automatic.as_str())
                    .execute(&mut *conn)
                    .await?;
                }
                Some((_, state, deadline)) => {
                    let state = match MilestoneState::parse(state) {
                        Some(MilestoneState::Done) => MilestoneState::Done,
                        Some(_) => automatic,
                        None => {
                            return Err(StoreError::Corrupt(format!(
                                "état de jalon inconnu « {state} »"
                            )));
                        }
                    };
                    if *deadline != opt(m.deadline) {
                        moves.push((
                            m.rule.id.clone(),
                            deadline.as_deref().and_then(|d| d.parse().ok()),
                            m.deadline,
                        ));
                    }
                    sqlx::query(
                        // The version moves only when the milestone really changes, so that a
                        // page open on it goes stale then, and only then.
                        "UPDATE session_milestones SET version = version + CASE WHEN applicable <> $2 \
                         OR COALESCE(opens, '') <> COALESCE($3, '') OR COALESCE(deadline, '') <> COALESCE($4, '') \
                         OR COALESCE(advised, '') <> COALESCE($5, '') OR state <> $6 THEN 1 ELSE 0 END, \
                         position = $1, applicable = $2, opens = $3, deadline = $4, advised = $5, state = $6 \
                         WHERE session_id = $7 AND milestone_id = $8",
                    )
                    .bind(position as i64)
                    .bind(i64::from(m.applicable))
                    .bind(opt(m.opens))
                    .bind(opt(m.deadline))
                    .bind(opt(m.advised))
                    .bind(state.as_str())
                    .bind(session_id)
                    .bind(m.id())
                    .execute(&mut *conn)
                    .await?;
                }
            }
        }
        Ok(moves)
    }

    /// Recomputes a stored session's chronology from what is recorded now (its title, site,
    /// approval and whether its DTE are received), on `conn`.
    pub(crate) async fn rematerialise(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        session_id: &SessionId,
    ) -> Result<Moves> {
        let detail = self.detail_in(conn, centre, session_id).await?;
        let input = input_of(&detail.session);
        let ctx = self.context_in(conn, centre, &input).await?;
        let dte_received = detail.done(&ids::DTE_RECEIVE);
        let plan_input = ctx.plan_input(&input, self.today(), dte_received);
        self.materialise(conn, session_id, &plan_input).await
    }

    async fn milestone_in(
        &self,
        conn: &mut AnyConnection,
        session_id: &SessionId,
        milestone_id: &MilestoneId,
    ) -> Result<SessionMilestone> {
        let row: Option<super::MilestoneRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{} WHERE session_id = $1 AND milestone_id = $2",
            super::MILESTONE_SELECT
        )))
        .bind(session_id)
        .bind(milestone_id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        self.milestone_from_row(row.ok_or(StoreError::NotFound { what: "jalon" })?)
    }

    /// Marks a milestone done with its evidence. A failing automatic check needs a written
    /// justification.
    pub async fn complete_milestone(
        &self,
        w: SessionWriter<'_>,
        milestone_id: &MilestoneId,
        version: i64,
        evidence: &str,
        override_justification: Option<&str>,
    ) -> Result<SessionMilestone> {
        let (actor, session_id) = (w.actor(), w.id());
        if let Some(p) = milestone::evidence_problem(evidence) {
            // A milestone that does not exist is not found, whatever the evidence.
            if self.rules().milestone(milestone_id.as_str()).is_none() {
                return Err(StoreError::NotFound { what: "jalon" });
            }
            return Err(StoreError::Invalid(vec![p]));
        }
        let evidence = evidence.trim();
        let mut tx = self.begin().await?;
        let before = self.milestone_in(&mut tx, session_id, milestone_id).await?;
        // Acting on a stale view is a conflict, whatever else is wrong.
        if before.version != version {
            return Err(StoreError::Conflict { what: "le jalon" });
        }
        if let Some(p) = milestone::completion_problem(before.applicable, before.state) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let failing = match jalon_core::checks::check_of(self.rules(), milestone_id.as_str()) {
            Some(_) => {
                let facts = self
                    .session_facts_in(&mut tx, actor.centre_id(), session_id)
                    .await?;
                self.check(milestone_id, &facts).into_iter().collect()
            }
            None => Vec::new(),
        };
        let waiver = waive(failing, override_justification)?;
        let now = Stamp::new(self.now());
        let justification = waiver.as_ref().and(justification(override_justification));
        let done = sqlx::query(
            "UPDATE session_milestones SET state = 'done', done_at = $1, done_by = $2, evidence = $3, \
             override_justification = $4, version = version + 1 \
             WHERE session_id = $5 AND milestone_id = $6 AND version = $7 AND applicable = 1 AND state = 'todo'",
        )
        .bind(now)
        .bind(actor.name())
        .bind(evidence)
        .bind(justification)
        .bind(session_id)
        .bind(milestone_id.as_str())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "le jalon" });
        }
        let after = SessionMilestone {
            state: MilestoneState::Done,
            late: false,
            done_at: Some(now),
            done_by: Some(actor.name().to_owned()),
            evidence: Some(evidence.to_owned()),
            override_justification: justification.map(str::to_owned),
            version: before.version + 1,
            ..before.clone()
        };
        journal::append(&mut tx, self, actor, Change {
            action: Action::MilestoneCompleted,
            subject_type: Subject::Session,
            subject_id: session_id.as_str(),
            data: json!({"milestone": milestone_id, "before": before, "after": after, "override": waiver}),
        })
        .await?;
        // Receiving the DTE makes the AFPA chase moot: recompute applicability.
        if *milestone_id == ids::DTE_RECEIVE {
            self.rematerialise(&mut tx, actor.centre_id(), session_id)
                .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Reopens a done milestone; the reason goes to the journal.
    pub async fn reopen_milestone(
        &self,
        w: SessionWriter<'_>,
        milestone_id: &MilestoneId,
        version: i64,
        reason: &str,
    ) -> Result<SessionMilestone> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let before = self.milestone_in(&mut tx, session_id, milestone_id).await?;
        if let Some(p) = milestone::reason_problem(reason, "pourquoi ce jalon est rouvert") {
            return Err(StoreError::Invalid(vec![p]));
        }
        if before.version != version {
            return Err(StoreError::Conflict { what: "le jalon" });
        }
        if let Some(p) = milestone::reopening_problem(before.state) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let done = sqlx::query(
            "UPDATE session_milestones SET state = 'todo', done_at = NULL, done_by = NULL, evidence = NULL, \
             override_justification = NULL, version = version + 1 \
             WHERE session_id = $1 AND milestone_id = $2 AND version = $3 AND state = 'done'",
        )
        .bind(session_id)
        .bind(milestone_id.as_str())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "le jalon" });
        }
        let after = SessionMilestone {
            state: MilestoneState::Todo,
            late: before.applicable && before.deadline.is_some_and(|d| d < self.today()),
            done_at: None,
            done_by: None,
            evidence: None,
            override_justification: None,
            version: before.version + 1,
            ..before.clone()
        };
        journal::append(&mut tx, self, actor, Change {
            action: Action::MilestoneReopened,
            subject_type: Subject::Session,
            subject_id: session_id.as_str(),
            data: json!({"milestone": milestone_id, "before": before, "after": after, "reason": reason.trim()}),
        })
        .await?;
        if *milestone_id == ids::DTE_RECEIVE {
            self.rematerialise(&mut tx, actor.centre_id(), session_id)
                .await?;
        }
        tx.commit().await?;
        Ok(after)
    }
}
