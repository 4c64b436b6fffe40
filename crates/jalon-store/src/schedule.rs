//! The schedule of a session's épreuves: Jalon's proposal until the manager sets the days
//! and times, which then appear on the convocations, the posting and the sign-in sheets.

use jalon_core::fr;
use jalon_core::schedule::{self, Slot};
use jalon_core::timetable::{self, Clash, Passage, Person, Span};
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::catalog::{Site, Title};
use crate::error::{FieldError, Result, StoreError};
use crate::ids::Stamp;
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};
use crate::sessions::Session;

/// A session's schedule: the start of each épreuve (the manager's, or Jalon's proposal), and
/// the timetable laid out from them — each épreuve over its days, each candidate's passage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSchedule {
    /// One slot per épreuve of the title, in its order: where the épreuve begins, and its
    /// duration (of each candidate's passage, for an individual épreuve).
    pub slots: Vec<Slot>,
    /// Some starts are still Jalon's proposal (none set by the manager, or the title's
    /// épreuves changed since).
    pub proposed: bool,
    /// Épreuves with a part outside the session's dates (the dates moved since, or the
    /// candidates are too many for its days).
    pub outside: Vec<String>,
    /// Every épreuve as each candidate (or the group) takes it, part by part.
    pub timetable: Vec<Passage>,
    /// What is wrong with the timetable, under its rule ids.
    pub clashes: Vec<Clash>,
    /// The épreuves each candidate passes alone in front of the jury.
    pub individual: Vec<String>,
    /// The days of individual passages, and how many jury pairs each needs (the title's
    /// cap of candidates per jury and day; one pair without a cap).
    pub juries: Vec<JuryDay>,
    /// The timetable was edited passage by passage (rather than laid out from the starts).
    pub edited: bool,
    /// Rooms this session books that another session at the same site books at the same
    /// time (shown on both).
    pub conflicts: Vec<Clash>,
    /// The candidates (ids) in the order they pass the individual épreuves.
    pub order: Vec<String>,
    /// That order was set by the manager (alphabetical otherwise).
    pub order_set: bool,
}

/// A day of individual passages and the jury pairs it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JuryDay {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: jiff::civil::Date,
    pub pairs: u32,
}

impl SessionSchedule {
    /// The passages of `candidate` (theirs, and the group's), in time order.
    pub fn of_candidate(&self, candidate: &str) -> Vec<&Passage> {
        timetable::of_candidate(&self.timetable, candidate)
    }
}

/// The day and time the manager gives one épreuve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotInput {
    pub date: String,
    pub start: String,
}

pub use jalon_core::schedule::parse_time;

/// The rules an edited schedule may not break (the others are shown, not refused: a session
/// too short for its candidates is the manager's to see and decide).
const REFUSED: [&str; 3] = [
    "timetable.overlap_candidate",
    "timetable.final_not_last",
    "timetable.past_evening",
];

impl Store {
    /// The schedule of a session: the manager's starts where set, Jalon's proposal elsewhere.
    pub async fn schedule(&self, session: &SessionHandle<'_>) -> Result<SessionSchedule> {
        let (actor, s) = (session.actor(), session.session());
        let (title, site) =
            tokio::try_join!(self.title(actor, &s.title_id), self.site(actor, &s.site_id))?;
        let mut mine = self.schedule_of(session, &title, &site).await?;
        mine.conflicts = self.room_conflicts(session, &site, &mine.timetable).await?;
        Ok(mine)
    }

    /// The rooms `timetable` (of `session`, at `site`) books that the other sessions at the
    /// same site, on days that meet, book at the same time.
    pub async fn room_conflicts(
        &self,
        session: &SessionHandle<'_>,
        site: &Site,
        timetable: &[Passage],
    ) -> Result<Vec<Clash>> {
        if timetable.iter().all(|p| p.room.is_none()) {
            return Ok(Vec::new());
        }
        let s = session.session();
        let others: Vec<(crate::SessionId,)> = sqlx::query_as(
            "SELECT id FROM sessions WHERE centre_id = $1 AND site_id = $2 AND id <> $3 \
             AND cancelled_at IS NULL AND start_date <= $4 AND end_date >= $5 ORDER BY start_date, id",
        )
        .bind(session.actor().centre_id())
        .bind(&s.site_id)
        .bind(&s.id)
        .bind(s.end.to_string())
        .bind(s.start.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for (id,) in others {
            let other = self.open_session(session.actor(), &id).await?;
            let o = other.session();
            let title = self.title(session.actor(), &o.title_id).await?;
            let theirs = self.schedule_of(&other, &title, site).await?;
            out.extend(timetable::room_clashes(
                timetable,
                &theirs.timetable,
                &other_session(o),
            ));
        }
        Ok(out)
    }

    /// The same, for a session whose title and site the caller has already read.
    pub async fn schedule_of(
        &self,
        session: &SessionHandle<'_>,
        title: &Title,
        site: &Site,
    ) -> Result<SessionSchedule> {
        let mut conn = self.pool().acquire().await?;
        let saved = saved_slots(&mut conn, session.session()).await?;
        let people = self.people_in(&mut conn, session, title).await?;
        let edited = saved_timetable(&mut conn, session.session()).await?;
        let order_set = !passage_order(&mut conn, session.session())
            .await?
            .is_empty();
        let mut laid = lay_out(
            session.session(),
            title,
            site,
            &people,
            &saved,
            edited.as_deref(),
        );
        laid.order_set = order_set;
        Ok(laid)
    }

    /// The session's candidates as the timetable needs them, in French order of their names.
    async fn people_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        session: &SessionHandle<'_>,
        title: &Title,
    ) -> Result<Vec<Person>> {
        let order = passage_order(conn, session.session()).await?;
        let people = self
            .candidates_in(conn, session, None, false)
            .await?
            .into_iter()
            .map(|c| Person {
                final_only: c.input.capitalisation
                    && session.session().kind == jalon_core::Kind::Title,
                name: format!(
                    "{} {}",
                    c.input.last_name.trim().to_uppercase(),
                    c.input.first_names.trim()
                ),
                id: c.id.to_string(),
                // Their extra time, in minutes, on each épreuve it applies to.
                extra: title
                    .structure
                    .epreuves
                    .iter()
                    .map(|e| (e.name.clone(), c.input.extra_minutes(&e.name, e.minutes)))
                    .filter(|(_, m)| *m > 0)
                    .collect(),
            })
            .collect();
        Ok(timetable::ordered(people, &order))
    }

    /// What a change of the timetable is checked against, read in the transaction that writes
    /// it: the session's dates, its title's épreuves, its site's calendar and rooms, the
    /// manager's starts and the candidates.
    async fn inputs_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        w: &SessionWriter<'_>,
    ) -> Result<Inputs> {
        let centre = w.actor().centre_id();
        let session = self.detail_in(conn, centre, w.id()).await?.session;
        let missing = || StoreError::NotFound { what: "session" };
        let title = self
            .title_in(conn, centre, &session.title_id)
            .await?
            .ok_or_else(missing)?;
        let site = self
            .site_in(conn, centre, &session.site_id)
            .await?
            .ok_or_else(missing)?;
        let saved = saved_slots(conn, &session).await?;
        let people = self.people_in(conn, w.handle(), &title).await?;
        Ok(Inputs {
            session,
            title,
            site,
            saved,
            people,
        })
    }

    /// Sets the order candidates pass the individual épreuves in (every candidate of the
    /// session once; an empty list returns to alphabetical order). The timetable is laid out
    /// again from the starts.
    pub async fn set_passage_order(
        &self,
        w: SessionWriter<'_>,
        order: &[String],
    ) -> Result<SessionSchedule> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let candidates = self.candidates_in(&mut tx, w.handle(), None, false).await?;
        let mut errs = Vec::new();
        for (i, id) in order.iter().enumerate() {
            if !candidates.iter().any(|c| c.id.as_str() == id) {
                errs.push(FieldError::new(
                    "order",
                    format!("aucun candidat inscrit n'a l'identifiant « {id} »"),
                ));
            } else if order[..i].contains(id) {
                let c = candidates.iter().find(|c| c.id.as_str() == id);
                errs.push(FieldError::new(
                    "order",
                    format!(
                        "{} figure deux fois dans l'ordre de passage",
                        c.map(|c| c.input.display()).unwrap_or_default()
                    ),
                ));
            }
        }
        if !order.is_empty() && errs.is_empty() && order.len() != candidates.len() {
            let missing: Vec<String> = candidates
                .iter()
                .filter(|c| !order.iter().any(|id| id == c.id.as_str()))
                .map(|c| c.input.display())
                .collect();
            errs.push(FieldError::new(
                "order",
                format!("l'ordre de passage oublie {}", missing.join(", ")),
            ));
        }
        StoreError::check(errs)?;
        let text = (!order.is_empty())
            .then(|| serde_json::to_string(order))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("ordre de passage : {e}")))?;
        sqlx::query(
            "UPDATE sessions SET passage_order = $1, timetable = NULL, updated_at = $2 WHERE id = $3",
        )
        .bind(text)
        .bind(Stamp::new(self.now()))
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        let names: Vec<String> = order
            .iter()
            .filter_map(|id| candidates.iter().find(|c| c.id.as_str() == id))
            .map(|c| c.input.display())
            .collect();
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionPassageOrderSet,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({ "order": names }),
            },
        )
        .await?;
        tx.commit().await?;
        self.schedule(w.handle()).await
    }

    /// Sets the day and time of every épreuve (one input per épreuve, in the title's
    /// order). Every problem is reported at once and nothing is written unless all is right.
    pub async fn set_schedule(
        &self,
        w: SessionWriter<'_>,
        inputs: &[SlotInput],
    ) -> Result<SessionSchedule> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let Inputs {
            session,
            title,
            site,
            saved,
            people,
        } = self.inputs_in(&mut tx, &w).await?;
        let (start, end) = (session.start, session.end);
        let current = lay_out(&session, &title, &site, &people, &saved, None);
        let typed: Vec<(&str, &str)> = inputs
            .iter()
            .map(|i| (i.date.as_str(), i.start.as_str()))
            .collect();
        let slots = schedule::slots_from_input(start, end, &current.slots, &typed)
            .map_err(StoreError::Invalid)?;
        // The timetable those starts give: nobody in two places, the entretien final last,
        // nothing in the evening — every problem at once.
        let after = lay_out(&session, &title, &site, &people, &slots, None);
        let refused: Vec<FieldError> = after
            .clashes
            .iter()
            .filter(|c| REFUSED.contains(&c.rule))
            .map(|c| FieldError::new(c.rule, c.message.clone()))
            .collect();
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
        let text = serde_json::to_string(&slots)
            .map_err(|e| StoreError::Corrupt(format!("calendrier des épreuves : {e}")))?;
        // New starts lay the timetable out again: a passage-by-passage edit is dropped.
        sqlx::query(
            "UPDATE sessions SET schedule = $1, timetable = NULL, updated_at = $2 WHERE id = $3",
        )
        .bind(&text)
        .bind(Stamp::new(self.now()))
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        let described: Vec<String> = slots
            .iter()
            .map(|s| {
                format!(
                    "{} : {} à {}",
                    s.name,
                    fr::short_date(s.date),
                    fr::time(s.start)
                )
            })
            .collect();
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionScheduleSet,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({ "schedule": described }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sets the timetable passage by passage (the API's contract for scripts): each passage
    /// of an épreuve of the title, for the group or one candidate of the session, with its
    /// parts, room and jury pair. Everything wrong is refused at once, each under its rule id;
    /// an empty list returns to Jalon's layout from the starts.
    pub async fn set_timetable(
        &self,
        w: SessionWriter<'_>,
        passages: Vec<Passage>,
    ) -> Result<SessionSchedule> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let Inputs {
            session,
            title,
            site,
            saved,
            people,
        } = self.inputs_in(&mut tx, &w).await?;
        let mut refused = Vec::new();
        for (i, p) in passages.iter().enumerate() {
            let field = format!("passages[{}]", i + 1);
            if !title.structure.epreuves.iter().any(|e| e.name == p.epreuve) {
                refused.push(FieldError::new(
                    &field,
                    format!("« {} » n'est pas une épreuve du titre", p.epreuve),
                ));
            }
            if let Some(c) = &p.candidate
                && !people.iter().any(|x| x.id == *c)
            {
                refused.push(FieldError::new(
                    &field,
                    format!(
                        "{} : aucun candidat inscrit n'a l'identifiant « {c} »",
                        p.epreuve
                    ),
                ));
            }
            if p.parts.is_empty() || p.parts.iter().any(|x| x.end <= x.start) {
                refused.push(FieldError::new(
                    &field,
                    format!(
                        "{} : chaque partie a un début et une fin, après le début",
                        p.epreuve
                    ),
                ));
            }
        }
        StoreError::check(refused)?;
        let edited = (!passages.is_empty()).then_some(passages.as_slice());
        let after = lay_out(&session, &title, &site, &people, &saved, edited);
        let refused: Vec<FieldError> = after
            .clashes
            .iter()
            .filter(|c| c.rule != "timetable.extra_overflow")
            .map(|c| FieldError::new(c.rule, c.message.clone()))
            .collect();
        StoreError::check(refused)?;
        let text = match edited {
            Some(p) => Some(
                serde_json::to_string(p)
                    .map_err(|e| StoreError::Corrupt(format!("emploi du temps : {e}")))?,
            ),
            None => None,
        };
        sqlx::query("UPDATE sessions SET timetable = $1, updated_at = $2 WHERE id = $3")
            .bind(text)
            .bind(Stamp::new(self.now()))
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionTimetableSet,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({ "passages": passages.len() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// « la session Maçon (du lundi 5 au mardi 6 avril 2027) »: another session, in a clash.
pub fn other_session(s: &Session) -> String {
    format!(
        "la session {} ({})",
        s.title_name,
        fr::date_range(s.start, s.end)
    )
}

/// What the timetable of a session is laid out from.
struct Inputs {
    session: Session,
    title: Title,
    site: Site,
    saved: Vec<Slot>,
    people: Vec<Person>,
}

/// The order of passage the manager set (candidate ids), if any.
async fn passage_order(conn: &mut sqlx::AnyConnection, s: &Session) -> Result<Vec<String>> {
    let saved: Option<(Option<String>,)> =
        sqlx::query_as("SELECT passage_order FROM sessions WHERE id = $1")
            .bind(&s.id)
            .fetch_optional(&mut *conn)
            .await?;
    match saved.and_then(|(t,)| t) {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("ordre de passage : {e}"))),
        None => Ok(Vec::new()),
    }
}

/// The timetable as edited passage by passage, if it was.
async fn saved_timetable(
    conn: &mut sqlx::AnyConnection,
    s: &Session,
) -> Result<Option<Vec<Passage>>> {
    let saved: Option<(Option<String>,)> =
        sqlx::query_as("SELECT timetable FROM sessions WHERE id = $1")
            .bind(&s.id)
            .fetch_optional(&mut *conn)
            .await?;
    match saved.and_then(|(t,)| t) {
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("emploi du temps : {e}"))),
        None => Ok(None),
    }
}

/// The starts the manager set, as saved (name, day, time).
async fn saved_slots(conn: &mut sqlx::AnyConnection, s: &Session) -> Result<Vec<Slot>> {
    let saved: Option<(Option<String>,)> =
        sqlx::query_as("SELECT schedule FROM sessions WHERE id = $1")
            .bind(&s.id)
            .fetch_optional(&mut *conn)
            .await?;
    match saved.and_then(|(s,)| s) {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("calendrier des épreuves : {e}"))),
        None => Ok(Vec::new()),
    }
}

/// The schedule and timetable of `s` from the manager's `saved` starts (those of épreuves the
/// title still has), Jalon's proposal for the others — or the timetable `edited` passage by
/// passage, less what no longer exists (an épreuve gone, a candidate withdrawn), plus Jalon's
/// layout of what it lacks (a candidate registered since).
fn lay_out(
    s: &Session,
    title: &Title,
    site: &Site,
    people: &[Person],
    saved: &[Slot],
    edited: Option<&[Passage]>,
) -> SessionSchedule {
    let epreuves = &timetable::epreuves_of(s.kind, &title.structure.epreuves);
    let starts: Vec<(String, jiff::civil::Date, jiff::civil::Time)> = epreuves
        .iter()
        .filter_map(|e| saved.iter().find(|x| x.name == e.name))
        .map(|x| (x.name.clone(), x.date, x.start))
        .collect();
    let span = Span {
        start: s.start,
        end: s.end,
        zone: site.zone,
    };
    // As many jury pairs in parallel as the title's cap of candidates per jury and day needs.
    let juries = title
        .structure
        .max_per_jury_day
        .filter(|cap| *cap > 0)
        .map_or(1, |cap| (people.len() as u32).div_ceil(cap).max(1));
    let laid_out = timetable::lay_out(&span, epreuves, people, &starts, juries);
    let passages = match edited {
        None => laid_out,
        Some(edited) => {
            let exists = |p: &Passage| {
                epreuves.iter().any(|e| e.name == p.epreuve)
                    && p.candidate
                        .as_ref()
                        .is_none_or(|c| people.iter().any(|x| x.id == *c))
            };
            let mut kept: Vec<Passage> = edited.iter().filter(|p| exists(p)).cloned().collect();
            let alone = |name: &str| {
                epreuves.iter().any(|e| {
                    e.name == name
                        && (e.individual
                            || e.kind == jalon_core::catalog::EpreuveKind::FinalInterview)
                })
            };
            let lacking: Vec<Passage> = laid_out
                .into_iter()
                .filter(|p| {
                    let has_own = kept
                        .iter()
                        .any(|k| k.epreuve == p.epreuve && k.candidate == p.candidate);
                    // The group's passage, as edited, stands for a collective épreuve.
                    let group_covers = p.candidate.is_some()
                        && !alone(&p.epreuve)
                        && kept
                            .iter()
                            .any(|k| k.epreuve == p.epreuve && k.candidate.is_none());
                    !has_own && !group_covers
                })
                .collect();
            kept.extend(lacking);
            kept
        }
    };
    let mut passages = passages;
    timetable::assign_rooms(&mut passages, epreuves, &site.rooms);
    let slots: Vec<Slot> = epreuves
        .iter()
        .filter_map(|e| {
            let first = passages
                .iter()
                .filter(|p| p.epreuve == e.name)
                .filter_map(|p| p.first())
                .min_by_key(|p| (p.date, p.start))?;
            Some(Slot {
                name: e.name.clone(),
                date: first.date,
                start: first.start,
                minutes: e.minutes,
            })
        })
        .collect();
    let outside = epreuves
        .iter()
        .filter(|e| {
            passages
                .iter()
                .filter(|p| p.epreuve == e.name)
                .flat_map(|p| &p.parts)
                .any(|p| p.date < s.start || p.date > s.end)
        })
        .map(|e| e.name.clone())
        .collect();
    let clashes = timetable::clashes(&span, epreuves, people, &passages);
    let juries = timetable::jury_pairs(epreuves, &passages, title.structure.max_per_jury_day)
        .into_iter()
        .map(|(date, pairs)| JuryDay { date, pairs })
        .collect();
    SessionSchedule {
        slots,
        proposed: starts.len() < epreuves.len(),
        outside,
        timetable: passages,
        clashes,
        individual: epreuves
            .iter()
            .filter(|e| e.individual || e.kind == jalon_core::catalog::EpreuveKind::FinalInterview)
            .map(|e| e.name.clone())
            .collect(),
        juries,
        edited: edited.is_some(),
        conflicts: Vec::new(),
        order: people.iter().map(|p| p.id.clone()).collect(),
        order_set: false,
    }
}
