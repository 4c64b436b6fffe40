//! What the checks of `jalon-core` need to know about sessions, gathered in three queries
//! whatever the number of sessions and candidates; and the checks' outcomes.

use std::collections::HashMap;

use jiff::civil::Date;

use jalon_core::candidate::{CandidateInput, Presence};
use jalon_core::checks::{
    self, ApprovalFacts, AttendanceFacts, CandidateFacts, ManagerFacts, SessionFacts,
};
use jalon_core::convocation::{Mode, Proof, SendState};
use jalon_core::milestone::{MilestoneId, MilestoneState};
use sqlx::AnyConnection;

use super::SessionDetail;
use crate::error::{Result, RuleViolation, StoreError};
use crate::ids::{CentreId, SessionId, Stamp};
use crate::scope::{Actor, SessionHandle};
use crate::{Store, parse_date};

/// The facts of each session, by id.
pub type FactsOf = HashMap<SessionId, SessionFacts>;

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: SessionId,
    start_date: String,
    end_date: String,
    ceres_number: Option<String>,
    ceres_created_on: Option<String>,
    expiry: String,
    zone: String,
    approval_number: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
    manager_name: Option<String>,
    manager_declared: i64,
    validated_on: Option<String>,
    documents_launched_on: Option<String>,
    transmitted_on: Option<String>,
    transmit_deadline: Option<String>,
}

#[derive(sqlx::FromRow)]
struct CandidateRow {
    session_id: SessionId,
    last_name: String,
    first_names: String,
    birth_date: String,
    presence: String,
    identity_checked: i64,
    convocation_presented: i64,
    documents_presented: i64,
    signed: i64,
    accommodation: String,
    accommodation_plan: String,
    mode: Option<String>,
    send_status: Option<String>,
    sent_at: Option<Stamp>,
    hand_signed_at: Option<Stamp>,
    read_at: Option<Stamp>,
    document_at: Option<Stamp>,
    decision: Option<String>,
    ceres_entered_on: Option<String>,
    drawn: i64,
    letter_sent: i64,
}

#[derive(sqlx::FromRow)]
struct TickRow {
    session_id: SessionId,
    milestone_id: String,
    item: String,
}

/// The day a convocation's proof was complete, in Paris: the last of the steps its mode
/// asks for.
fn convoked_on(mode: Mode, c: &CandidateRow) -> Option<Date> {
    let last = match mode {
        Mode::Hand => c.hand_signed_at,
        Mode::EmailReceipts => c.sent_at.zip(c.read_at).map(|(a, b)| a.max(b)),
        Mode::EmailSignedReturn => c.sent_at.zip(c.document_at).map(|(a, b)| a.max(b)),
    };
    last.map(Stamp::paris_date)
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} inconnu « {value} »"))
}

impl Store {
    /// The facts of a centre's sessions (or of the one given).
    pub(crate) async fn facts_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        only: Option<&SessionId>,
    ) -> Result<FactsOf> {
        let only = only.map_or("", SessionId::as_str);
        let sessions: Vec<SessionRow> = sqlx::query_as(
            "SELECT s.id, s.start_date, s.end_date, s.ceres_number, s.ceres_created_on, t.expiry, si.zone, \
             a.number AS approval_number, \
             a.valid_from, a.valid_until, u.display_name AS manager_name, vd.validated_on, vd.documents_launched_on, \
             tr.sent_on AS transmitted_on, (SELECT sm.deadline FROM session_milestones sm \
             WHERE sm.session_id = s.id AND sm.milestone_id = 'close.transmit') AS transmit_deadline, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM approval_managers m WHERE m.approval_id = s.approval_id \
             AND m.user_id = s.manager_id) THEN 1 ELSE 0 END AS BIGINT) AS manager_declared \
             FROM sessions s JOIN titles t ON t.id = s.title_id JOIN sites si ON si.id = s.site_id \
             LEFT JOIN approvals a ON a.id = s.approval_id LEFT JOIN users u ON u.id = s.manager_id \
             LEFT JOIN validations vd ON vd.session_id = s.id \
             LEFT JOIN transmissions tr ON tr.session_id = s.id \
             WHERE s.centre_id = $1 AND ($2 = '' OR s.id = $2)",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let candidates: Vec<CandidateRow> = sqlx::query_as(
            "SELECT c.session_id, c.last_name, c.first_names, c.birth_date, c.presence, c.identity_checked, \
             c.convocation_presented, c.documents_presented, c.signed, c.accommodation, c.accommodation_plan, \
             v.mode, v.send_status, v.sent_at, v.hand_signed_at, v.read_at, v.document_at, \
             r.decision, r.ceres_entered_on, \
             CAST(CASE WHEN c.signature IS NULL THEN 0 ELSE 1 END AS BIGINT) AS drawn, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM result_letters rl WHERE rl.candidate_id = c.id) \
             THEN 1 ELSE 0 END AS BIGINT) AS letter_sent \
             FROM candidates c LEFT JOIN convocations v ON v.candidate_id = c.id \
             LEFT JOIN results r ON r.candidate_id = c.id \
             WHERE c.withdrawn_on IS NULL \
             AND c.session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2)) \
             ORDER BY c.session_id, c.last_name, c.first_names, c.id",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let ticks: Vec<TickRow> = sqlx::query_as(
            "SELECT session_id, milestone_id, item FROM milestone_items \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let mut out = FactsOf::with_capacity(sessions.len());
        for r in sessions {
            let approval = match (r.approval_number, r.valid_from, r.valid_until) {
                (Some(number), Some(from), Some(until)) => Some(ApprovalFacts {
                    number,
                    valid_from: parse_date("valid_from", &from)?,
                    valid_until: parse_date("valid_until", &until)?,
                }),
                _ => None,
            };
            out.insert(
                r.id,
                SessionFacts {
                    start: parse_date("start_date", &r.start_date)?,
                    end: parse_date("end_date", &r.end_date)?,
                    ceres_number: r.ceres_number,
                    ceres_created_on: r
                        .ceres_created_on
                        .as_deref()
                        .map(|d| parse_date("ceres_created_on", d))
                        .transpose()?,
                    title_expiry: parse_date("expiry", &r.expiry)?,
                    zone: r.zone.parse().map_err(|_| corrupt("zone", &r.zone))?,
                    approval,
                    manager: r.manager_name.map(|name| ManagerFacts {
                        name,
                        declared: r.manager_declared != 0,
                    }),
                    candidates: Vec::new(),
                    ticked: HashMap::new(),
                    attendance: None,
                    jury: Default::default(),
                    custody: Default::default(),
                    validated_on: r
                        .validated_on
                        .as_deref()
                        .map(|d| parse_date("validated_on", d))
                        .transpose()?,
                    minutes_signed: Default::default(),
                    documents_launched_on: r
                        .documents_launched_on
                        .as_deref()
                        .map(|d| parse_date("documents_launched_on", d))
                        .transpose()?,
                    with_files: Default::default(),
                    archived: Default::default(),
                    transmitted_on: r
                        .transmitted_on
                        .as_deref()
                        .map(|d| parse_date("sent_on", d))
                        .transpose()?,
                    transmit_deadline: r
                        .transmit_deadline
                        .as_deref()
                        .map(|d| parse_date("deadline", d))
                        .transpose()?,
                },
            );
        }
        let signed: Vec<(SessionId, String)> = sqlx::query_as(
            "SELECT session_id, juror_id FROM minutes_signatures \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let joined: Vec<(SessionId, String)> = sqlx::query_as(
            "SELECT DISTINCT session_id, milestone_id FROM milestone_files \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let archived: Vec<(SessionId, String)> = sqlx::query_as(
            "SELECT DISTINCT session_id, kind FROM archive_pieces \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        for (session, kind) in archived {
            let kind = jalon_core::archiving::ArchiveKind::parse(&kind)
                .ok_or_else(|| corrupt("type de pièce archivée", &kind))?;
            if let Some(facts) = out.get_mut(&session) {
                facts.archived.insert(kind);
            }
        }
        for (session, milestone) in joined {
            if let Some(facts) = out.get_mut(&session) {
                facts.with_files.insert(MilestoneId::new(milestone));
            }
        }
        for (session, juror) in signed {
            if let Some(facts) = out.get_mut(&session) {
                facts.minutes_signed.insert(juror);
            }
        }
        for t in ticks {
            if let Some(facts) = out.get_mut(&t.session_id) {
                facts
                    .ticked
                    .entry(MilestoneId::new(t.milestone_id))
                    .or_default()
                    .insert(t.item);
            }
        }
        for c in candidates {
            let Some(facts) = out.get_mut(&c.session_id) else {
                continue;
            };
            let convocation = match (&c.mode, &c.send_status) {
                (Some(mode), Some(send)) => Some(Proof {
                    mode: Mode::parse(mode).ok_or_else(|| corrupt("mode de convocation", mode))?,
                    send: SendState::parse(send).ok_or_else(|| corrupt("état d'envoi", send))?,
                    sent: c.sent_at.is_some(),
                    hand_signed: c.hand_signed_at.is_some(),
                    read: c.read_at.is_some(),
                    signed_document: c.document_at.is_some(),
                }),
                _ => None,
            };
            let convoked_on = convocation.as_ref().and_then(|p| convoked_on(p.mode, &c));
            let name = CandidateInput {
                last_name: c.last_name,
                first_names: c.first_names,
                birth_date: Some(parse_date("birth_date", &c.birth_date)?),
                ..CandidateInput::default()
            }
            .display();
            facts.candidates.push(CandidateFacts {
                name,
                presence: Presence::parse(&c.presence)
                    .ok_or_else(|| corrupt("état de présence", &c.presence))?,
                identity_checked: c.identity_checked != 0,
                convocation_presented: c.convocation_presented != 0,
                documents_presented: c.documents_presented != 0,
                signed: c.signed != 0,
                convocation,
                convoked_on,
                accommodation: (!c.accommodation.is_empty())
                    .then(|| (c.accommodation.clone(), c.accommodation_plan.clone())),
                decision: c
                    .decision
                    .as_deref()
                    .map(|d| d.parse().map_err(|_| corrupt("décision", d)))
                    .transpose()?,
                result_in_ceres: c.ceres_entered_on.is_some(),
                drawn_signature: c.drawn != 0,
                letter_sent: c.letter_sent != 0,
            });
        }
        // The sessions under way or held in the last 30 days, and those that keep their
        // sign-in per épreuve: each passage of the days gone by is due (their timetable is
        // laid out for them alone, a handful whatever the centre's size).
        let today = self.today();
        let recent = jalon_core::calendar::add_days(today, -30).unwrap_or(today);
        let kept: Vec<(SessionId,)> = sqlx::query_as(
            "SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2) AND cancelled_at IS NULL \
             AND ((start_date <= $3 AND end_date >= $4) \
             OR id IN (SELECT DISTINCT session_id FROM attendance))",
        )
        .bind(centre)
        .bind(only)
        .bind(today.to_string())
        .bind(recent.to_string())
        .fetch_all(&mut *conn)
        .await?;
        for (id,) in kept {
            if out.contains_key(&id) {
                let attendance = self.attendance_facts(centre, &id).await?;
                if let Some(facts) = out.get_mut(&id) {
                    facts.attendance = Some(attendance);
                }
            }
        }
        // The sealed papers of every session; the launch of the days gone by for those
        // under way or just held (their timetable laid out for them alone).
        self.custody_facts_in(conn, centre, only, &mut out).await?;
        let kept_ids: Vec<SessionId> = out
            .iter()
            .filter(|(_, f)| f.attendance.is_some())
            .map(|(id, _)| id.clone())
            .collect();
        for id in kept_ids {
            let (epreuve_days, days) = self.launch_facts(centre, &id).await?;
            if let Some(facts) = out.get_mut(&id) {
                facts.custody.epreuve_days = epreuve_days;
                facts.custody.days = days;
            }
        }
        // The sessions whose jury is appointed: its matrix reads their timetable and the
        // candidates' ties (the others have nobody seated, which their facts already say).
        let seated: Vec<(SessionId,)> = sqlx::query_as(
            "SELECT DISTINCT session_id FROM jury_seats \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        for (id,) in seated {
            if out.contains_key(&id) {
                let actor = Actor::command_line(centre.clone());
                let session = self.open_session(&actor, &id).await?;
                let jury = self.gather_jury(&session, None).await?.facts;
                if let Some(facts) = out.get_mut(&id) {
                    facts.jury = jury;
                }
            }
        }
        Ok(out)
    }

    /// The DTE records, chases and packets of a centre's sessions (or of the one given).
    async fn custody_facts_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        only: &str,
        out: &mut FactsOf,
    ) -> Result<()> {
        let records: Vec<(SessionId, i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT session_id, CAST(CASE WHEN ordered_on IS NULL THEN 0 ELSE 1 END AS BIGINT), \
             CAST(CASE WHEN received_at IS NULL THEN 0 ELSE 1 END AS BIGINT), \
             CAST(CASE WHEN storage IS NULL OR storage = '' THEN 0 ELSE 1 END AS BIGINT), \
             CAST(CASE WHEN key_holders IS NULL OR key_holders = '[]' THEN 0 ELSE 1 END AS BIGINT) \
             FROM dte_records WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let chases: Vec<(SessionId,)> = sqlx::query_as(
            "SELECT DISTINCT session_id FROM dte_chases \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2))",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let packets: Vec<(SessionId, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT session_id, kind, label, epreuve, state FROM packets \
             WHERE session_id IN (SELECT id FROM sessions WHERE centre_id = $1 AND ($2 = '' OR id = $2)) \
             ORDER BY session_id, position",
        )
        .bind(centre)
        .bind(only)
        .fetch_all(&mut *conn)
        .await?;
        let counts: std::collections::HashMap<&SessionId, usize> =
            packets.iter().fold(Default::default(), |mut m, p| {
                *m.entry(&p.0).or_default() += 1;
                m
            });
        for (id, ordered, received, storage, holders) in &records {
            if let Some(f) = out.get_mut(id) {
                f.custody.ordered = *ordered != 0;
                f.custody.received = (*received != 0).then(|| {
                    (
                        counts.get(id).copied().unwrap_or(0),
                        *storage != 0,
                        usize::from(*holders != 0),
                    )
                });
            }
        }
        for (id,) in &chases {
            if let Some(f) = out.get_mut(id) {
                f.custody.chased = true;
            }
        }
        for (id, kind, label, epreuve, state) in packets {
            if let Some(f) = out.get_mut(&id) {
                f.custody.packets.push(jalon_core::custody::PacketFacts {
                    kind: match kind.as_str() {
                        "organiser" => jalon_core::custody::PacketKind::Organiser,
                        "subjects" => jalon_core::custody::PacketKind::Subjects,
                        _ => jalon_core::custody::PacketKind::Other,
                    },
                    label,
                    epreuve,
                    state: jalon_core::custody::PacketState::parse(&state)
                        .ok_or_else(|| corrupt("état de pli", &state))?,
                });
            }
        }
        Ok(())
    }

    /// Each épreuve's days from the timetable, and what was recorded on each day gone by.
    async fn launch_facts(
        &self,
        centre: &CentreId,
        id: &SessionId,
    ) -> Result<(Vec<(String, Date)>, Vec<jalon_core::custody::DayFacts>)> {
        let actor = Actor::command_line(centre.clone());
        let session = self.open_session(&actor, id).await?;
        let s = session.session();
        let today = self.today();
        let mut epreuve_days = Vec::new();
        let mut days = Vec::new();
        let mut day = s.start;
        while day <= s.end && day <= today {
            let l = self.launch_day(&session, day).await?;
            for e in &l.epreuves {
                epreuve_days.push((e.epreuve.clone(), day));
            }
            days.push(jalon_core::custody::DayFacts {
                day,
                manager: l.manager.is_some(),
                started: l
                    .epreuves
                    .iter()
                    .filter(|e| e.started.is_some())
                    .map(|e| e.epreuve.clone())
                    .collect(),
                unused_destroyed: l
                    .epreuves
                    .iter()
                    .filter(|e| e.unused_destroyed_at.is_some())
                    .map(|e| e.epreuve.clone())
                    .collect(),
            });
            day = match day.tomorrow() {
                Ok(d) => d,
                Err(_) => break,
            };
        }
        // The days to come too: a subject envelope's épreuve may be later in the session.
        let schedule = self.schedule(&session).await?;
        for p in &schedule.timetable {
            for part in &p.parts {
                let key = (p.epreuve.clone(), part.date);
                if !epreuve_days.contains(&key) {
                    epreuve_days.push(key);
                }
            }
        }
        Ok((epreuve_days, days))
    }

    /// Each passage of the days up to today, and those whose presence was noted.
    async fn attendance_facts(&self, centre: &CentreId, id: &SessionId) -> Result<AttendanceFacts> {
        let actor = Actor::command_line(centre.clone());
        let session = self.open_session(&actor, id).await?;
        let s = session.session();
        // One read after another: the facts may be gathered inside a write transaction,
        // which already holds a connection of the pool.
        let title = self.title(&actor, &s.title_id).await?;
        let site = self.site(&actor, &s.site_id).await?;
        let schedule = self.schedule_of(&session, &title, &site).await?;
        let candidates = self.candidates(&session).await?;
        let noted = self.attendance(&session).await?;
        let today = self.today();
        let name = |id: &str| {
            candidates.iter().find(|c| c.id.as_str() == id).map(|c| {
                format!(
                    "{} {}",
                    c.input.last_name.trim().to_uppercase(),
                    c.input.first_names.trim()
                )
            })
        };
        let mut due = Vec::new();
        for c in &candidates {
            let Some(who) = name(c.id.as_str()) else {
                continue;
            };
            for p in schedule.of_candidate(c.id.as_str()) {
                let mut days: Vec<Date> = p
                    .parts
                    .iter()
                    .map(|x| x.date)
                    .filter(|d| *d <= today)
                    .collect();
                days.dedup();
                for day in days {
                    due.push((day, p.epreuve.clone(), who.clone()));
                }
            }
        }
        due.sort();
        let noted = noted
            .iter()
            .filter_map(|a| Some((a.day, a.epreuve.clone(), name(a.candidate_id.as_str())?)))
            .collect();
        Ok(AttendanceFacts { due, noted })
    }

    /// The facts of one session of the handle's centre.
    pub(crate) async fn session_facts_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        id: &SessionId,
    ) -> Result<SessionFacts> {
        self.facts_in(conn, centre, Some(id))
            .await?
            .remove(id)
            .ok_or(StoreError::NotFound { what: "session" })
    }

    /// What a milestone's automatic check says of these facts now.
    pub(crate) fn check(
        &self,
        milestone: &MilestoneId,
        facts: &SessionFacts,
    ) -> Option<RuleViolation> {
        checks::milestone(self.rules(), milestone, facts, self.today())
    }

    /// The result of every automatic check of a session, milestone by milestone: `None` when
    /// the check holds.
    pub async fn checks(
        &self,
        session: &SessionHandle<'_>,
    ) -> Result<Vec<(MilestoneId, Option<RuleViolation>)>> {
        let mut conn = self.pool().acquire().await?;
        let facts = self
            .session_facts_in(&mut conn, session.actor().centre_id(), session.id())
            .await?;
        Ok(self.checks_of(session, &facts))
    }

    /// Every automatic check of a session over its facts.
    pub(crate) fn checks_of(
        &self,
        session: &SessionHandle<'_>,
        facts: &SessionFacts,
    ) -> Vec<(MilestoneId, Option<RuleViolation>)> {
        session
            .detail()
            .milestones
            .iter()
            .filter(|m| m.applicable && checks::check_of(self.rules(), m.id.as_str()).is_some())
            .map(|m| (m.id.clone(), self.check(&m.id, facts)))
            .collect()
    }

    /// The milestones marked done whose automatic check fails now: done with a justified
    /// override, or undone since (a CERES number erased, a manager changed…). A check that
    /// fails on a milestone still to do is simply work to do, not a failure.
    pub(crate) fn failing(
        &self,
        detail: &SessionDetail,
        facts: &jalon_core::checks::SessionFacts,
    ) -> Vec<RuleViolation> {
        detail
            .milestones
            .iter()
            .filter(|m| m.applicable && m.state == MilestoneState::Done)
            .filter_map(|m| self.check(&m.id, facts))
            .collect()
    }

    /// Who is still missing what for `convocations.send`, one French line per candidate.
    pub async fn convocations_missing(&self, session: &SessionHandle<'_>) -> Result<Vec<String>> {
        let mut conn = self.pool().acquire().await?;
        let facts = self
            .session_facts_in(&mut conn, session.actor().centre_id(), session.id())
            .await?;
        Ok(checks::convocations_missing(&facts))
    }

    /// The facts of every session of the actor's centre, for the conformity report.
    pub(crate) async fn centre_facts(&self, actor: &Actor) -> Result<FactsOf> {
        let mut conn = self.pool().acquire().await?;
        self.facts_in(&mut conn, actor.centre_id(), None).await
    }
}
