//! A session's milestones: materialising the chronology, the automatic checks, completing
//! and reopening.

use jalon_core::{calendar, fr, plan};
use jiff::civil::Date;
use serde_json::json;
use sqlx::AnyConnection;

use super::{
    Context, MilestoneState, SessionDetail, SessionInput, SessionMilestone, input_of,
    justification, overridden,
};
use crate::error::{Result, RuleViolation, StoreError};
use crate::journal::{self, Change};
use crate::scope::{Actor, Writer};
use crate::{Store, timestamp_text};

/// The milestones Jalon checks by itself from its own data.
pub const CHECKED: [&str; 6] = [
    "title.check_expiry",
    "ceres.create_session",
    "manager.appoint",
    "candidates.register",
    "convocations.send",
    "day.welcome_candidates",
];

impl Store {
    /// Computes the chronology and writes it: new milestones are inserted, existing ones get
    /// their dates and applicability recomputed, and keep their state when done.
    pub(super) async fn materialise(
        &self,
        conn: &mut AnyConnection,
        session_id: &str,
        input: &SessionInput,
        ctx: &Context,
        dte_received: bool,
    ) -> Result<()> {
        let plan_input = self.plan_input(input, ctx, dte_received);
        let planned = plan(self.rules(), &plan_input)
            .map_err(|e| StoreError::invalid("start", e.to_string()))?;
        let existing: Vec<(String, String)> = sqlx::query_as(
            "SELECT milestone_id, state FROM session_milestones WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_all(&mut *conn)
        .await?;
        for (position, m) in planned.milestones.iter().enumerate() {
            let automatic = if m.applicable {
                MilestoneState::Todo
            } else {
                MilestoneState::NotApplicable
            };
            let opt = |d: Option<Date>| d.map(|d| d.to_string());
            match existing.iter().find(|(id, _)| id == m.id()) {
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
                Some((_, state)) => {
                    let state = match MilestoneState::parse(state)? {
                        MilestoneState::Done => MilestoneState::Done,
                        _ => automatic,
                    };
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
        Ok(())
    }

    /// What a milestone's automatic check says now: `None` when it holds or there is none.
    fn milestone_check(
        &self,
        detail: &SessionDetail,
        ctx: &Context,
        milestone: &str,
    ) -> Option<RuleViolation> {
        let s = &detail.session;
        let today = self.today();
        match milestone {
            "convocations.send" if ctx.candidates == 0 => Some(RuleViolation {
                rule: "candidates.none",
                milestone: "convocations.send",
                message: "Aucun candidat n'est inscrit : il n'y a personne à convoquer.".to_owned(),
            }),
            "convocations.send" if !ctx.convocations_missing.is_empty() => {
                let n = ctx.convocations_missing.len();
                let shown: Vec<&str> = ctx
                    .convocations_missing
                    .iter()
                    .take(3)
                    .map(String::as_str)
                    .collect();
                let more = if n > 3 {
                    format!(" ; et {} autre{}", n - 3, if n > 4 { "s" } else { "" })
                } else {
                    String::new()
                };
                Some(RuleViolation {
                    rule: "convocations.unproven",
                    milestone: "convocations.send",
                    message: format!(
                        "{n} candidat{} sans convocation prouvée : {}{more}.",
                        if n > 1 { "s" } else { "" },
                        shown.join(" ; ")
                    ),
                })
            }
            "day.welcome_candidates" => ctx.welcome.as_ref().map(|w| RuleViolation {
                rule: "candidates.welcome_incomplete",
                milestone: "day.welcome_candidates",
                message: w.clone(),
            }),
            "candidates.register" if ctx.candidates == 0 => Some(RuleViolation {
                rule: "candidates.none",
                milestone: "candidates.register",
                message: "Aucun candidat n'est inscrit à cette session.".to_owned(),
            }),
            "ceres.create_session" if s.ceres_number.is_none() => Some(RuleViolation {
                rule: "ceres.number_missing",
                milestone: "ceres.create_session",
                message:
                    "Aucun numéro de session CERES n'est enregistré : saisissez-le dans la session."
                        .to_owned(),
            }),
            "ceres.create_session" if today >= ctx.title.expiry => Some(RuleViolation {
                rule: "title.expired",
                milestone: "ceres.create_session",
                message: format!(
                    "La session doit être créée dans CERES avant l'échéance du titre ({}).",
                    fr::long_date(ctx.title.expiry)
                ),
            }),
            "manager.appoint" => {
                let Some(m) = &s.manager_id else {
                    return Some(RuleViolation {
                        rule: "manager.missing",
                        milestone: "manager.appoint",
                        message: "Aucun responsable de session n'est désigné.".to_owned(),
                    });
                };
                let declared = ctx
                    .approval
                    .as_ref()
                    .is_some_and(|a| a.managers.contains(m));
                (!declared).then(|| RuleViolation {
                    rule: "manager.not_declared",
                    milestone: "manager.appoint",
                    message:
                        "Le responsable désigné n'est pas déclaré dans l'agrément : demandez la \
                              modification de l'agrément dans CERES (DRIEETS)."
                            .to_owned(),
                })
            }
            "title.check_expiry" => {
                let limit = calendar::add_months(today, 6)?;
                (ctx.title.expiry <= limit).then(|| RuleViolation {
                    rule: "title.expiry_within_6_months",
                    milestone: "title.check_expiry",
                    message: format!(
                        "L'échéance du titre ({}) est à moins de 6 mois.",
                        fr::long_date(ctx.title.expiry)
                    ),
                })
            }
            _ => None,
        }
    }

    /// The context of a stored session, with its candidates counted.
    async fn session_context(&self, actor: &Actor, detail: &SessionDetail) -> Result<Context> {
        let mut ctx = self.context(actor, &input_of(&detail.session)).await?;
        let counts: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT presence, COUNT(*), SUM(CASE WHEN identity_checked = 1 AND signed = 1 THEN 0 ELSE 1 END) \
             FROM candidates WHERE session_id = $1 GROUP BY presence",
        )
        .bind(&detail.session.id)
        .fetch_all(self.pool())
        .await?;
        let count = |p: &str| counts.iter().find(|(q, _, _)| q == p).map_or(0, |c| c.1);
        let incomplete = counts
            .iter()
            .find(|(q, _, _)| q == "present")
            .map_or(0, |c| c.2);
        ctx.candidates = counts.iter().map(|c| c.1).sum();
        ctx.convocations_missing = self.convocations_missing(actor, &detail.session.id).await?;
        let plural = |n: i64| if n > 1 { "s" } else { "" };
        ctx.welcome = match (ctx.candidates, count("expected"), incomplete) {
            (0, _, _) => Some("Aucun candidat n'est inscrit.".to_owned()),
            (_, e, _) if e > 0 => Some(format!(
                "{e} candidat{} ni pointé{} présent{} ni absent{}.",
                plural(e),
                plural(e),
                plural(e),
                plural(e)
            )),
            (_, _, i) if i > 0 => Some(format!(
                "{i} candidat{} présent{} sans identité vérifiée ou sans émargement.",
                plural(i),
                plural(i)
            )),
            _ => None,
        };
        Ok(ctx)
    }

    /// The result of every automatic check of a session, milestone by milestone: `None` when
    /// the check holds.
    pub async fn checks(
        &self,
        actor: &Actor,
        detail: &SessionDetail,
    ) -> Result<Vec<(String, Option<RuleViolation>)>> {
        let ctx = self.session_context(actor, detail).await?;
        Ok(detail
            .milestones
            .iter()
            .filter(|m| m.applicable && CHECKED.contains(&m.id.as_str()))
            .map(|m| (m.id.clone(), self.milestone_check(detail, &ctx, &m.id)))
            .collect())
    }

    /// The milestones marked done whose automatic check fails now: done with a justified
    /// override, or undone since (a CERES number erased, a manager changed…). A check that
    /// fails on a milestone still to do is simply work to do, not a failure.
    pub async fn failing_checks(
        &self,
        actor: &Actor,
        detail: &SessionDetail,
    ) -> Result<Vec<RuleViolation>> {
        let ctx = self.session_context(actor, detail).await?;
        Ok(detail
            .milestones
            .iter()
            .filter(|m| m.applicable && m.state == MilestoneState::Done)
            .filter_map(|m| self.milestone_check(detail, &ctx, &m.id))
            .collect())
    }

    /// Marks a milestone done with its evidence. A failing automatic check needs a written
    /// justification.
    pub async fn complete_milestone(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        milestone_id: &str,
        version: i64,
        evidence: &str,
        override_justification: Option<&str>,
    ) -> Result<SessionMilestone> {
        let actor = writer.actor();
        let detail = self.session(actor, session_id).await?;
        let before = detail
            .milestones
            .iter()
            .find(|m| m.id == milestone_id)
            .cloned()
            .ok_or(StoreError::NotFound { what: "jalon" })?;
        let evidence = evidence.trim();
        if evidence.is_empty() {
            return Err(StoreError::invalid(
                "evidence",
                "indiquez la preuve (référence, document, numéro CERES, courriel…)",
            ));
        }
        if evidence.chars().count() > 4000 {
            return Err(StoreError::invalid(
                "evidence",
                "preuve trop longue (4 000 caractères au plus)",
            ));
        }
        // Acting on a stale view is a conflict, whatever else is wrong.
        if before.version != version {
            return Err(StoreError::Conflict { what: "le jalon" });
        }
        if !before.applicable {
            return Err(StoreError::invalid(
                "milestone",
                "ce jalon ne s'applique pas à cette session",
            ));
        }
        if before.state == MilestoneState::Done {
            return Err(StoreError::invalid(
                "milestone",
                "ce jalon est déjà fait ; rouvrez-le pour le modifier",
            ));
        }
        let ctx = self.session_context(actor, &detail).await?;
        let failing: Vec<RuleViolation> = self
            .milestone_check(&detail, &ctx, milestone_id)
            .into_iter()
            .collect();
        let waiver = overridden(failing, override_justification)?;
        let now = timestamp_text(self.now());
        let justification = waiver.as_ref().and(justification(override_justification));
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE session_milestones SET state = 'done', done_at = $1, done_by = $2, evidence = $3, \
             override_justification = $4, version = version + 1 \
             WHERE session_id = $5 AND milestone_id = $6 AND version = $7 AND applicable = 1 AND state = 'todo'",
        )
        .bind(&now)
        .bind(actor.name())
        .bind(evidence)
        .bind(justification)
        .bind(session_id)
        .bind(milestone_id)
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
            action: "milestone.completed",
            subject_type: "session",
            subject_id: session_id,
            data: json!({"milestone": milestone_id, "before": before, "after": after, "override": waiver}),
        })
        .await?;
        // Receiving the DTE makes the AFPA chase moot: recompute applicability.
        if milestone_id == "dte.receive" {
            self.materialise(&mut tx, session_id, &input_of(&detail.session), &ctx, true)
                .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    /// Reopens a done milestone; the reason goes to the journal.
    pub async fn reopen_milestone(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        milestone_id: &str,
        version: i64,
        reason: &str,
    ) -> Result<SessionMilestone> {
        let actor = writer.actor();
        let detail = self.session(actor, session_id).await?;
        let before = detail
            .milestones
            .iter()
            .find(|m| m.id == milestone_id)
            .cloned()
            .ok_or(StoreError::NotFound { what: "jalon" })?;
        if reason.trim().is_empty() {
            return Err(StoreError::invalid(
                "reason",
                "indiquez pourquoi ce jalon est rouvert",
            ));
        }
        if before.version != version {
            return Err(StoreError::Conflict { what: "le jalon" });
        }
        if before.state != MilestoneState::Done {
            return Err(StoreError::invalid(
                "milestone",
                "ce jalon n'est pas fait : il n'y a rien à rouvrir",
            ));
        }
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE session_milestones SET state = 'todo', done_at = NULL, done_by = NULL, evidence = NULL, \
             override_justification = NULL, version = version + 1 \
             WHERE session_id = $1 AND milestone_id = $2 AND version = $3 AND state = 'done'",
        )
        .bind(session_id)
        .bind(milestone_id)
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
            action: "milestone.reopened",
            subject_type: "session",
            subject_id: session_id,
            data: json!({"milestone": milestone_id, "before": before, "after": after, "reason": reason.trim()}),
        })
        .await?;
        if milestone_id == "dte.receive" {
            let ctx = self.session_context(actor, &detail).await?;
            self.materialise(&mut tx, session_id, &input_of(&detail.session), &ctx, false)
                .await?;
        }
        tx.commit().await?;
        Ok(after)
    }
}
