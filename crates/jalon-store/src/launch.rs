//! The day itself, per épreuve and day: the session manager recorded present (no épreuve is
//! launched without one that day), the official start and end against the timetable, the
//! candidates admitted late (the end unchanged), the unused subjects destroyed at once.

use jalon_core::launch as rules;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Store;
use crate::error::{FieldError, Result, RuleViolation, StoreError};
use crate::ids::{CandidateId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};

/// One épreuve on one day, as launched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Launch {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    pub epreuve: String,
    /// The timetable's start and end that day.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub planned_start: Option<Time>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub planned_end: Option<Time>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub started: Option<Time>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ended: Option<Time>,
    /// « 9 h 12, 12 min après l'heure prévue (9 h) ».
    pub start_against_schedule: Option<String>,
    pub unused_destroyed_at: Option<Stamp>,
    pub unused_destroyed_by: Option<String>,
    pub unused_witness: Option<String>,
    pub unused_count: Option<i64>,
    /// (candidate's name, arrival « 9 h 20 »).
    pub late: Vec<(String, String)>,
}

/// The day's launch as the page and the API read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LaunchDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// The session manager recorded present that day.
    pub manager: Option<String>,
    pub epreuves: Vec<Launch>,
}

/// What is recorded of an épreuve on a day.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum LaunchRecord {
    /// The official start (« 9:05 »).
    Start {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        at: Time,
    },
    /// The official end.
    End {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        at: Time,
    },
    /// A candidate admitted late, at their arrival.
    Late {
        candidate: String,
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        arrived: Time,
    },
    /// The unused subjects destroyed at once: how many, with whom.
    DestroyUnused { count: u32, witness: String },
}

type LaunchRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<Stamp>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn time_of(field: &str, t: Option<String>) -> Result<Option<Time>> {
    t.map(|t| {
        t.parse()
            .map_err(|_| StoreError::Corrupt(format!("{field} : heure illisible « {t} »")))
    })
    .transpose()
}

fn hhmm(t: Time) -> String {
    t.strftime("%H:%M").to_string()
}

impl Store {
    /// The launch of a day: the manager present, and each épreuve the timetable holds that
    /// day with what was recorded of it.
    pub async fn launch_day(&self, session: &SessionHandle<'_>, day: Date) -> Result<LaunchDay> {
        let manager: Option<(String,)> =
            sqlx::query_as("SELECT manager FROM day_managers WHERE session_id = $1 AND day = $2")
                .bind(session.id())
                .bind(day.to_string())
                .fetch_optional(self.pool())
                .await?;
        let rows: Vec<LaunchRow> = sqlx::query_as(
            "SELECT day, epreuve, started, ended, unused_destroyed_at, unused_destroyed_by, unused_witness, unused_count \
             FROM launches WHERE session_id = $1 AND day = $2",
        )
        .bind(session.id())
        .bind(day.to_string())
        .fetch_all(self.pool())
        .await?;
        let late: Vec<(String, CandidateId, String)> = sqlx::query_as(
            "SELECT epreuve, candidate_id, arrived FROM late_arrivals WHERE session_id = $1 AND day = $2 ORDER BY arrived",
        )
        .bind(session.id())
        .bind(day.to_string())
        .fetch_all(self.pool())
        .await?;
        let schedule = self.schedule(session).await?;
        let candidates = self.candidates(session).await?;
        // The épreuves of the day, in the timetable's order, with their span.
        let mut epreuves: Vec<(String, Time, Time)> = Vec::new();
        for p in &schedule.timetable {
            for part in p.parts.iter().filter(|x| x.date == day) {
                match epreuves.iter_mut().find(|(e, _, _)| *e == p.epreuve) {
                    Some((_, s, e)) => {
                        *s = (*s).min(part.start);
                        *e = (*e).max(part.end);
                    }
                    None => epreuves.push((p.epreuve.clone(), part.start, part.end)),
                }
            }
        }
        epreuves.sort_by_key(|(_, s, _)| *s);
        let mut out = Vec::new();
        for (epreuve, planned_start, planned_end) in epreuves {
            let row = rows.iter().find(|r| r.1 == epreuve).cloned();
            let (started, ended, at, by, witness, count) = match row {
                Some((_, _, s, e, at, by, w, c)) => {
                    (time_of("début", s)?, time_of("fin", e)?, at, by, w, c)
                }
                None => (None, None, None, None, None, None),
            };
            out.push(Launch {
                day,
                start_against_schedule: started.map(|s| rules::against_schedule(s, planned_start)),
                late: late
                    .iter()
                    .filter(|(e, _, _)| *e == epreuve)
                    .map(|(_, c, arrived)| {
                        let name = candidates
                            .iter()
                            .find(|x| x.id == *c)
                            .map(|x| x.input.short_name())
                            .unwrap_or_default();
                        let at = arrived
                            .parse::<Time>()
                            .map(jalon_core::fr::time)
                            .unwrap_or_else(|_| arrived.clone());
                        (name, at)
                    })
                    .collect(),
                epreuve,
                planned_start: Some(planned_start),
                planned_end: Some(planned_end),
                started,
                ended,
                unused_destroyed_at: at,
                unused_destroyed_by: by,
                unused_witness: witness,
                unused_count: count,
            });
        }
        Ok(LaunchDay {
            day,
            manager: manager.map(|(m,)| m),
            epreuves: out,
        })
    }

    /// Records the session manager present on a day (that day or after).
    pub async fn record_day_manager(
        &self,
        w: SessionWriter<'_>,
        day: Date,
        manager: &str,
    ) -> Result<LaunchDay> {
        let (actor, session) = (w.actor(), w.handle());
        let s = session.session();
        let mut errs: Vec<FieldError> = rules::day_problem(day, self.today(), s.start, s.end)
            .into_iter()
            .collect();
        let name = manager.trim();
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            errs.push(FieldError::new(
                "manager",
                "nommez le responsable de session présent (200 caractères au plus)",
            ));
        }
        StoreError::check(errs)?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO day_managers (session_id, day, manager, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (session_id, day) DO UPDATE SET manager = excluded.manager, recorded_at = excluded.recorded_at, \
             recorded_by = excluded.recorded_by",
        )
        .bind(session.id())
        .bind(day.to_string())
        .bind(name)
        .bind(Stamp::new(self.now()))
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::ManagerPresent,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"day": day.to_string(), "manager": name}),
            },
        )
        .await?;
        tx.commit().await?;
        self.launch_day(session, day).await
    }

    /// Records what happened to an épreuve on a day: its official start (the manager
    /// recorded present that day, or `launch.no_manager`), its end, a candidate admitted
    /// late, the unused subjects destroyed.
    pub async fn record_launch(
        &self,
        w: SessionWriter<'_>,
        day: Date,
        epreuve: &str,
        record: LaunchRecord,
    ) -> Result<LaunchDay> {
        let (actor, session) = (w.actor(), w.handle());
        let s = session.session();
        if let Some(p) = rules::day_problem(day, self.today(), s.start, s.end) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let current = self.launch_day(session, day).await?;
        let Some(l) = current.epreuves.iter().find(|l| l.epreuve == epreuve) else {
            return Err(StoreError::invalid(
                "epreuve",
                format!(
                    "l'emploi du temps n'a pas l'épreuve « {epreuve} » le {}",
                    jalon_core::fr::long_date(day)
                ),
            ));
        };
        if let Some((rule, message)) = rules::launch_problem(current.manager.as_deref(), day) {
            return Err(StoreError::RulesBroken(vec![RuleViolation {
                rule,
                milestone: jalon_core::milestone::ids::LAUNCH_START,
                message,
                overridable: false,
            }]));
        }
        let now = Stamp::new(self.now());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO launches (session_id, day, epreuve) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id, day, epreuve) DO NOTHING",
        )
        .bind(session.id())
        .bind(day.to_string())
        .bind(epreuve)
        .execute(&mut *tx)
        .await?;
        let (action, data) = match &record {
            LaunchRecord::Start { at } => {
                sqlx::query("UPDATE launches SET started = $1 WHERE session_id = $2 AND day = $3 AND epreuve = $4")
                    .bind(hhmm(*at))
                    .bind(session.id())
                    .bind(day.to_string())
                    .bind(epreuve)
                    .execute(&mut *tx)
                    .await?;
                let against = l.planned_start.map(|p| rules::against_schedule(*at, p));
                (
                    Action::EpreuveStarted,
                    json!({"at": hhmm(*at), "against_schedule": against}),
                )
            }
            LaunchRecord::End { at } => {
                if l.started.is_some_and(|s| *at <= s) {
                    return Err(StoreError::invalid(
                        "at",
                        "la fin de l'épreuve vient après son début",
                    ));
                }
                sqlx::query("UPDATE launches SET ended = $1 WHERE session_id = $2 AND day = $3 AND epreuve = $4")
                    .bind(hhmm(*at))
                    .bind(session.id())
                    .bind(day.to_string())
                    .bind(epreuve)
                    .execute(&mut *tx)
                    .await?;
                (Action::EpreuveEnded, json!({"at": hhmm(*at)}))
            }
            LaunchRecord::Late { candidate, arrived } => {
                let candidates = self.candidates(session).await?;
                let Some(c) = candidates.iter().find(|c| c.id.as_str() == candidate) else {
                    return Err(StoreError::invalid(
                        "candidate",
                        format!("aucun candidat de la session n'a l'identifiant « {candidate} »"),
                    ));
                };
                let name = c.input.short_name();
                if let Some(p) = rules::late_problem(&name, l.started, *arrived) {
                    return Err(StoreError::Invalid(vec![p]));
                }
                sqlx::query(
                    "INSERT INTO late_arrivals (session_id, day, epreuve, candidate_id, arrived, admitted_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (session_id, day, epreuve, candidate_id) \
                     DO UPDATE SET arrived = excluded.arrived, admitted_by = excluded.admitted_by",
                )
                .bind(session.id())
                .bind(day.to_string())
                .bind(epreuve)
                .bind(&c.id)
                .bind(hhmm(*arrived))
                .bind(actor.name())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                (
                    Action::LateAdmitted,
                    json!({"candidate": name, "arrived": hhmm(*arrived), "end": l.planned_end.map(hhmm)}),
                )
            }
            LaunchRecord::DestroyUnused { count, witness } => {
                let w = witness.trim();
                if w.is_empty() || w.chars().count() > 300 || w.chars().any(char::is_control) {
                    return Err(StoreError::invalid(
                        "witness",
                        "nommez le témoin de la destruction (une ligne)",
                    ));
                }
                sqlx::query(
                    "UPDATE launches SET unused_destroyed_at = $1, unused_destroyed_by = $2, unused_witness = $3, unused_count = $4 \
                     WHERE session_id = $5 AND day = $6 AND epreuve = $7",
                )
                .bind(now)
                .bind(actor.name())
                .bind(w)
                .bind(i64::from(*count))
                .bind(session.id())
                .bind(day.to_string())
                .bind(epreuve)
                .execute(&mut *tx)
                .await?;
                (
                    Action::UnusedDestroyed,
                    json!({"count": count, "witness": w}),
                )
            }
        };
        let mut data = data;
        data["day"] = json!(day.to_string());
        data["epreuve"] = json!(epreuve);
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data,
            },
        )
        .await?;
        tx.commit().await?;
        self.launch_day(session, day).await
    }
}
