//! A session's milestones: materialising the chronology, completing and reopening — each
//! write reads what it checks and writes inside one transaction.

use std::collections::HashMap;

use jalon_core::checklist::{self, ItemState};
use jalon_core::milestone::{self, MilestoneId, MilestoneState, ids};
use jalon_core::session_rules::{justification, waive};
use jalon_core::{PlanInput, plan};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::AnyConnection;

use super::{SessionMilestone, input_of};
use crate::Store;
use crate::error::{Result, RuleViolation, StoreError};
use crate::ids::{CentreId, SessionId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};

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
                         deadline, advised, state, recommended) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(session_id)
                    .bind(m.id())
                    .bind(position as i64)
                    .bind(i64::from(m.applicable))
                    .bind(opt(m.opens))
                    .bind(opt(m.deadline))
                    .bind(opt(m.advised))
                    .bind(automatic.as_str())
                    .bind(opt(m.recommended))
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
                         OR COALESCE(advised, '') <> COALESCE($5, '') OR state <> $6 \
                         OR COALESCE(recommended, '') <> COALESCE($9, '') THEN 1 ELSE 0 END, \
                         position = $1, applicable = $2, opens = $3, deadline = $4, advised = $5, state = $6, \
                         recommended = $9 WHERE session_id = $7 AND milestone_id = $8",
                    )
                    .bind(position as i64)
                    .bind(i64::from(m.applicable))
                    .bind(opt(m.opens))
                    .bind(opt(m.deadline))
                    .bind(opt(m.advised))
                    .bind(state.as_str())
                    .bind(session_id)
                    .bind(m.id())
                    .bind(opt(m.recommended))
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

    /// A milestone of the session's own days, not yet open.
    fn too_early(&self, m: &SessionMilestone) -> Option<jalon_core::Problem> {
        let from_opening = self
            .rules()
            .milestone(&m.id)
            .is_some_and(|r| r.done_from_opening);
        milestone::too_early_problem(self.today(), m.opens, from_opening)
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
        if let Some(p) = self.too_early(&before) {
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
            done_late: milestone::days_late(now.paris_date(), before.deadline),
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
            data: json!({"milestone": milestone_id, "before": before, "after": after, "override": waiver,
                         "done_late": after.done_late}),
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
            done_late: None,
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

/// The checklists of a session, by milestone.
pub type Checklists = HashMap<MilestoneId, Vec<ChecklistItem>>;

/// One item of a milestone's checklist, as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub item: String,
    /// `None` while neither ticked nor marked « sans objet ».
    pub state: Option<ItemState>,
    /// Why the item is « sans objet ».
    pub reason: Option<String>,
    pub ticked_at: Option<Stamp>,
    pub ticked_by: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    milestone_id: String,
    item: String,
    state: String,
    reason: Option<String>,
    ticked_at: Stamp,
    ticked_by: String,
}

/// An item of a checklist with its row, if it was ticked.
fn checklist_item(
    rows: &[ItemRow],
    milestone: &MilestoneId,
    item: String,
) -> Result<ChecklistItem> {
    let row = rows
        .iter()
        .find(|r| r.milestone_id == milestone.as_str() && r.item == item);
    Ok(ChecklistItem {
        state: row
            .map(|r| {
                ItemState::parse(&r.state).ok_or_else(|| {
                    StoreError::Corrupt(format!("état de point de liste inconnu « {} »", r.state))
                })
            })
            .transpose()?,
        reason: row.and_then(|r| r.reason.clone()),
        ticked_at: row.map(|r| r.ticked_at),
        ticked_by: row.map(|r| r.ticked_by.clone()),
        item,
    })
}

impl Store {
    async fn item_rows(
        &self,
        conn: &mut AnyConnection,
        session_id: &SessionId,
    ) -> Result<Vec<ItemRow>> {
        Ok(sqlx::query_as(
            "SELECT milestone_id, item, state, reason, ticked_at, ticked_by FROM milestone_items \
             WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_all(&mut *conn)
        .await?)
    }

    /// The checklists of a session's milestones, each item with who ticked it and when; items
    /// ticked once but no longer on the list (a day the session no longer has) are left out.
    pub async fn checklists(&self, session: &SessionHandle<'_>) -> Result<Checklists> {
        Ok(self.review(session).await?.1)
    }

    /// What the session page shows of a session's milestones beyond their state: each
    /// automatic check's outcome and each checklist, from one reading of the session's facts.
    pub async fn review(
        &self,
        session: &SessionHandle<'_>,
    ) -> Result<(Vec<(MilestoneId, Option<RuleViolation>)>, Checklists)> {
        let mut conn = self.pool().acquire().await?;
        let facts = self
            .session_facts_in(&mut conn, session.actor().centre_id(), session.id())
            .await?;
        let checks = self.checks_of(session, &facts);
        let rows = self.item_rows(&mut conn, session.id()).await?;
        let mut out = HashMap::new();
        for m in &session.detail().milestones {
            let Some(rule) = self.rules().milestone(&m.id) else {
                continue;
            };
            let items = checklist::items(rule, &facts);
            if items.is_empty() {
                continue;
            }
            let list = items
                .into_iter()
                .map(|item| checklist_item(&rows, &m.id, item))
                .collect::<Result<Vec<_>>>()?;
            out.insert(m.id.clone(), list);
        }
        Ok((checks, out))
    }

    /// What the session manager attests on a day from the launch page (the final checks and
    /// the candidates' briefing on the first day, the trainers' absence each day), each item
    /// with who ticked it and when.
    pub async fn day_attestations(
        &self,
        session: &SessionHandle<'_>,
        day: Date,
    ) -> Result<Vec<(MilestoneId, ChecklistItem)>> {
        let mut conn = self.pool().acquire().await?;
        let facts = self
            .session_facts_in(&mut conn, session.actor().centre_id(), session.id())
            .await?;
        let rows = self.item_rows(&mut conn, session.id()).await?;
        checklist::of_day(self.rules(), &facts, day)
            .into_iter()
            .map(|(m, item)| Ok((m.clone(), checklist_item(&rows, &m, item)?)))
            .collect()
    }

    /// Ticks an item of a milestone's checklist, or marks it « sans objet » with a reason.
    /// The milestone must be to do: a done milestone is reopened first.
    pub async fn tick_item(
        &self,
        w: SessionWriter<'_>,
        milestone_id: &MilestoneId,
        item: &str,
        state: ItemState,
        reason: &str,
    ) -> Result<ChecklistItem> {
        let (actor, session_id) = (w.actor(), w.id());
        let rule = self
            .rules()
            .milestone(milestone_id)
            .ok_or(StoreError::NotFound { what: "jalon" })?;
        let mut tx = self.begin().await?;
        let before = self.milestone_in(&mut tx, session_id, milestone_id).await?;
        if let Some(p) = milestone::completion_problem(before.applicable, before.state) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let facts = self
            .session_facts_in(&mut tx, actor.centre_id(), session_id)
            .await?;
        if let Some(p) = self
            .too_early(&before)
            .or_else(|| checklist::day_problem(rule, &facts, item, self.today()))
        {
            return Err(StoreError::Invalid(vec![p]));
        }
        let items = checklist::items(rule, &facts);
        let already = self
            .item_rows(&mut tx, session_id)
            .await?
            .into_iter()
            .find(|r| r.milestone_id == milestone_id.as_str() && r.item == item)
            .and_then(|r| ItemState::parse(&r.state));
        let problems = checklist::tick_problems(&items, item, state, reason, already);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = Stamp::new(self.now());
        let reason = Some(reason.trim()).filter(|r| !r.is_empty());
        let inserted = sqlx::query(
            "INSERT INTO milestone_items (session_id, milestone_id, item, state, reason, ticked_at, ticked_by) \
             SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM milestone_items \
             WHERE session_id = $1 AND milestone_id = $2 AND item = $3)",
        )
        .bind(session_id)
        .bind(milestone_id.as_str())
        .bind(item)
        .bind(state.as_str())
        .bind(reason)
        .bind(now)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "ce point" });
        }
        // The milestone changed: a page open on it goes stale.
        sqlx::query(
            "UPDATE session_milestones SET version = version + 1 WHERE session_id = $1 AND milestone_id = $2",
        )
        .bind(session_id)
        .bind(milestone_id.as_str())
        .execute(&mut *tx)
        .await?;
        let action = match state {
            ItemState::Done => Action::ChecklistItemTicked,
            ItemState::NotApplicable => Action::ChecklistItemNotApplicable,
        };
        journal::append(&mut tx, self, actor, Change {
            action,
            subject_type: Subject::Session,
            subject_id: session_id.as_str(),
            data: json!({"milestone": milestone_id, "item": item, "state": state, "reason": reason}),
        })
        .await?;
        tx.commit().await?;
        Ok(ChecklistItem {
            item: item.to_owned(),
            state: Some(state),
            reason: reason.map(str::to_owned),
            ticked_at: Some(now),
            ticked_by: Some(actor.name().to_owned()),
        })
    }

    /// Unticks an item (ticked by mistake); the reason goes to the journal.
    pub async fn untick_item(
        &self,
        w: SessionWriter<'_>,
        milestone_id: &MilestoneId,
        item: &str,
        reason: &str,
    ) -> Result<()> {
        let (actor, session_id) = (w.actor(), w.id());
        if let Some(p) = milestone::reason_problem(reason, "pourquoi ce point est décoché") {
            return Err(StoreError::Invalid(vec![p]));
        }
        let mut tx = self.begin().await?;
        let before = self.milestone_in(&mut tx, session_id, milestone_id).await?;
        if let Some(p) = milestone::completion_problem(before.applicable, before.state) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let removed = sqlx::query(
            "DELETE FROM milestone_items WHERE session_id = $1 AND milestone_id = $2 AND item = $3",
        )
        .bind(session_id)
        .bind(milestone_id.as_str())
        .bind(item)
        .execute(&mut *tx)
        .await?;
        if removed.rows_affected() == 0 {
            return Err(StoreError::Invalid(vec![jalon_core::Problem::new(
                "item",
                "ce point n'est pas coché : il n'y a rien à décocher",
            )]));
        }
        sqlx::query(
            "UPDATE session_milestones SET version = version + 1 WHERE session_id = $1 AND milestone_id = $2",
        )
        .bind(session_id)
        .bind(milestone_id.as_str())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::ChecklistItemUnticked,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"milestone": milestone_id, "item": item, "reason": reason.trim()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A file attached to a milestone as its evidence (its content apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MilestoneFile {
    pub id: crate::ids::FileId,
    pub milestone: MilestoneId,
    pub name: String,
    pub media_type: String,
    /// Its SHA-256, in hexadecimal: what the journal keeps of it.
    pub sha256: String,
    pub size: i64,
    pub uploaded_at: Stamp,
    pub uploaded_by: String,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: crate::ids::FileId,
    milestone_id: String,
    name: String,
    media_type: String,
    sha256: String,
    size: i64,
    uploaded_at: Stamp,
    uploaded_by: String,
}

/// The largest file kept as evidence.
pub const MAX_FILE: usize = 10 * 1024 * 1024;

impl Store {
    /// Attaches a file to a milestone as its evidence: a PDF or an image, checked by its
    /// content; its SHA-256 goes to the journal.
    pub async fn attach_milestone_file(
        &self,
        w: SessionWriter<'_>,
        milestone_id: &MilestoneId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<MilestoneFile> {
        let (actor, session_id) = (w.actor(), w.id());
        if self.rules().milestone(milestone_id).is_none() {
            return Err(StoreError::NotFound { what: "jalon" });
        }
        if bytes.len() > MAX_FILE {
            return Err(StoreError::invalid(
                "file",
                "fichier trop volumineux : 10 Mo au plus",
            ));
        }
        let media_type = jalon_core::upload::check_document(bytes)
            .map_err(|e| StoreError::invalid("file", e))?;
        let name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let name = if name.trim().is_empty() {
            "piece-jointe".to_owned()
        } else {
            name.trim().to_owned()
        };
        let sha256 = crate::sha256_hex(bytes);
        let file = MilestoneFile {
            id: crate::ids::FileId::generate(),
            milestone: milestone_id.clone(),
            name,
            media_type: media_type.to_owned(),
            sha256,
            size: bytes.len() as i64,
            uploaded_at: Stamp::new(self.now()),
            uploaded_by: actor.name().to_owned(),
        };
        let mut tx = self.begin().await?;
        // The milestone belongs to this session (read on the transaction).
        self.milestone_in(&mut tx, session_id, milestone_id).await?;
        sqlx::query(
            "INSERT INTO milestone_files (id, session_id, milestone_id, name, media_type, sha256, size, content, \
             uploaded_at, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&file.id)
        .bind(session_id)
        .bind(milestone_id.as_str())
        .bind(&file.name)
        .bind(&file.media_type)
        .bind(&file.sha256)
        .bind(file.size)
        .bind(bytes)
        .bind(file.uploaded_at)
        .bind(&file.uploaded_by)
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::MilestoneFileAttached,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"milestone": milestone_id, "file": file.name, "sha256": file.sha256,
                         "size": file.size, "media_type": file.media_type}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(file)
    }

    /// The files attached to a session's milestones, oldest first.
    pub async fn milestone_files(&self, session: &SessionHandle<'_>) -> Result<Vec<MilestoneFile>> {
        let rows: Vec<FileRow> = sqlx::query_as(
            "SELECT id, milestone_id, name, media_type, sha256, size, uploaded_at, uploaded_by \
             FROM milestone_files WHERE session_id = $1 ORDER BY uploaded_at, id",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| MilestoneFile {
                id: r.id,
                milestone: MilestoneId::new(r.milestone_id),
                name: r.name,
                media_type: r.media_type,
                sha256: r.sha256,
                size: r.size,
                uploaded_at: r.uploaded_at,
                uploaded_by: r.uploaded_by,
            })
            .collect())
    }

    /// One attached file of the session: its name, media type and content.
    pub async fn milestone_file(
        &self,
        session: &SessionHandle<'_>,
        id: &crate::ids::FileId,
    ) -> Result<(String, String, Vec<u8>)> {
        sqlx::query_as(
            "SELECT name, media_type, content FROM milestone_files WHERE id = $1 AND session_id = $2",
        )
        .bind(id)
        .bind(session.id())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound { what: "fichier" })
    }
}
