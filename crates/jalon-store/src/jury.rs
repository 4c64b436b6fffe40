//! The jury of a session: who sits on which day in which jury, the links declared with the
//! candidates, each juror's convocation, presence on the day and sworn statement — and the
//! eligibility matrix with its findings, from the rules of `jalon_core::jury`.

use std::collections::BTreeSet;

use jalon_core::jury::{
    Cell, DeclaredLink, Elsewhere, JurorStatus, JuryFacts, JuryFinding, JuryTitle, Seat,
};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::error::{FieldError, Result, RuleViolation, StoreError};
use crate::ids::{JurorId, SessionId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::jurors::Juror;
use crate::schedule::{JuryDay, SessionSchedule, other_session};
use crate::scope::{SessionHandle, SessionWriter};
use crate::{Store, parse_date};

/// The most juries a day may have (jury 1 to 20).
pub const MAX_JURIES: u32 = 20;

/// A seat as kept: with the juror's presence on that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeatState {
    #[serde(flatten)]
    pub seat: Seat,
    /// `expected`, `present` or `absent`.
    pub presence: String,
}

/// A juror appointed to the session, with what was done with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppointedJuror {
    pub id: JurorId,
    /// « Marc LEROY ».
    pub name: String,
    pub profession: String,
    pub employer: String,
    pub status: JurorStatus,
    /// They have an email address to be convoked by.
    pub has_email: bool,
    /// The days they sit.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub days: Vec<Date>,
    /// When the convocation was sent or handed over, and how (`email`, `hand`).
    pub convoked_at: Option<Stamp>,
    pub convoked_how: Option<String>,
    /// When the juror first opened their link after it.
    pub read_at: Option<Stamp>,
    /// When the juror answered for every candidate they assess (link or « aucun lien »).
    pub links_declared_at: Option<Stamp>,
    /// When they signed their sworn statement, and where from.
    pub signed_at: Option<Stamp>,
    pub signed_from: Option<String>,
    /// The statement was signed with a drawn signature (on the tablet or through the link).
    pub drawn_signature: bool,
    /// The day a salaried juror must ask their employer by (D − 15).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub employer_request_by: Option<Date>,
}

/// A link declared between a juror and a candidate — or « aucun lien » — and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkState {
    pub juror: String,
    pub candidate: String,
    /// A link (true) or « aucun lien » (false, only from the juror).
    pub linked: bool,
    pub what: String,
    /// `manager` or `juror`.
    pub declared_by: String,
    pub declared_at: Stamp,
}

/// A session's jury as the manager and the inspector read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionJury {
    /// Given back to change the jury (a stale one is a conflict).
    pub version: i64,
    pub seats: Vec<SeatState>,
    pub jurors: Vec<AppointedJuror>,
    pub links: Vec<LinkState>,
    /// The days of individual passages and how many juries each needs (the timetable's).
    pub needs: Vec<JuryDay>,
    /// Per candidate, épreuve and day: who may assess them, who may not and why.
    pub matrix: Vec<Cell>,
    /// What is wrong with the jury as appointed.
    pub findings: Vec<JuryFinding>,
    /// On the days up to today: jurors not pointed, candidates without two jurors present.
    pub welcome: Vec<JuryFinding>,
}

/// A link the manager declares between a juror and a candidate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    pub juror: String,
    pub candidate: String,
    /// « a été son tuteur en entreprise ».
    pub what: String,
}

/// What is read of a session to judge its jury.
pub(crate) struct Gathered {
    pub facts: JuryFacts,
    pub schedule: SessionSchedule,
    pub jurors: Vec<Juror>,
    pub rows: Vec<JurorRow>,
    pub seats: Vec<SeatState>,
    pub links: Vec<LinkState>,
    pub version: i64,
}

#[derive(sqlx::FromRow, Clone)]
pub(crate) struct JurorRow {
    pub juror_id: JurorId,
    pub convoked_at: Option<Stamp>,
    pub convoked_how: Option<String>,
    pub read_at: Option<Stamp>,
    pub links_declared_at: Option<Stamp>,
    pub signed_at: Option<Stamp>,
    pub signed_from: Option<String>,
    pub drawn: i64,
}

type SeatRow = (String, String, i64, String);
type LinkRow = (String, String, i64, String, String, Stamp);

/// The milestone the jury's rules belong to.
fn appoint() -> jalon_core::MilestoneId {
    jalon_core::milestone::ids::JURY_APPOINT
}

fn violation(f: JuryFinding) -> RuleViolation {
    RuleViolation {
        rule: f.rule,
        milestone: appoint(),
        message: f.message,
        overridable: false,
    }
}

impl Store {
    /// Everything the jury's rules read of a session; `seats` replaces the seats kept (to
    /// judge a change before it is written).
    pub(crate) async fn gather_jury(
        &self,
        session: &SessionHandle<'_>,
        seats: Option<&[Seat]>,
    ) -> Result<Gathered> {
        let (actor, s) = (session.actor(), session.session());
        // One read after another: this may run beside a write transaction.
        let title = self.title(actor, &s.title_id).await?;
        let site = self.site(actor, &s.site_id).await?;
        let schedule = self.schedule_of(session, &title, &site).await?;
        let candidates = self.candidates(session).await?;
        let all_jurors = self.jurors(actor).await?;
        let kept: Vec<SeatRow> = sqlx::query_as(
            "SELECT juror_id, day, jury, presence FROM jury_seats WHERE session_id = $1 ORDER BY day, jury, juror_id",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let mut states = Vec::new();
        for (juror, day, jury, presence) in kept {
            states.push(SeatState {
                seat: Seat {
                    juror,
                    day: parse_date("day", &day)?,
                    jury: u32::try_from(jury).unwrap_or(0),
                },
                presence,
            });
        }
        if let Some(new) = seats {
            states = new
                .iter()
                .map(|seat| SeatState {
                    presence: states
                        .iter()
                        .find(|k| k.seat.juror == seat.juror && k.seat.day == seat.day)
                        .map_or_else(|| "expected".to_owned(), |k| k.presence.clone()),
                    seat: seat.clone(),
                })
                .collect();
            states.sort_by_key(|a| (a.seat.day, a.seat.jury));
        }
        let links: Vec<LinkRow> = sqlx::query_as(
            "SELECT juror_id, candidate_id, linked, what, declared_by, declared_at FROM jury_links \
             WHERE session_id = $1 ORDER BY declared_at, juror_id, candidate_id",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let links: Vec<LinkState> = links
            .into_iter()
            .map(
                |(juror, candidate, linked, what, declared_by, declared_at)| LinkState {
                    juror,
                    candidate,
                    linked: linked != 0,
                    what,
                    declared_by,
                    declared_at,
                },
            )
            .collect();
        let rows: Vec<JurorRow> = sqlx::query_as(
            "SELECT juror_id, convoked_at, convoked_how, read_at, links_declared_at, signed_at, signed_from, \
             CAST(CASE WHEN signature IS NULL THEN 0 ELSE 1 END AS BIGINT) AS drawn \
             FROM session_jurors WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let (version,): (i64,) = sqlx::query_as("SELECT jury_version FROM sessions WHERE id = $1")
            .bind(session.id())
            .fetch_one(self.pool())
            .await?;
        // The same jurors seated by the centre's other sessions on these days.
        let busy: Vec<(String, String, SessionId)> = sqlx::query_as(
            "SELECT js.juror_id, js.day, js.session_id FROM jury_seats js JOIN sessions se ON se.id = js.session_id \
             WHERE se.centre_id = $1 AND se.id <> $2 AND se.cancelled_at IS NULL AND js.day >= $3 AND js.day <= $4 \
             ORDER BY js.day, js.session_id",
        )
        .bind(actor.centre_id())
        .bind(session.id())
        .bind(s.start.to_string())
        .bind(s.end.to_string())
        .fetch_all(self.pool())
        .await?;
        let seated: BTreeSet<&str> = states.iter().map(|x| x.seat.juror.as_str()).collect();
        let mut elsewhere = Vec::new();
        let mut labels: Vec<(SessionId, String)> = Vec::new();
        for (juror, day, other) in busy {
            if !seated.contains(juror.as_str()) {
                continue;
            }
            let label = match labels.iter().find(|(id, _)| *id == other) {
                Some((_, l)) => l.clone(),
                None => {
                    let o = self.open_session(actor, &other).await?;
                    let l = other_session(o.session());
                    labels.push((other.clone(), l.clone()));
                    l
                }
            };
            elsewhere.push(Elsewhere {
                juror,
                day: parse_date("day", &day)?,
                session: label,
            });
        }
        let jurors: Vec<Juror> = all_jurors
            .into_iter()
            .filter(|j| seated.contains(j.id.as_str()))
            .collect();
        let facts = JuryFacts {
            title: JuryTitle {
                rncp: title.rncp_code.clone(),
                name: title.name.clone(),
                transport: title.transport,
                licence: title.structure.licence.clone(),
                cap: title.structure.max_per_jury_day,
            },
            start: Some(s.start),
            end: Some(s.end),
            jurors: jurors
                .iter()
                .map(|j| j.input.rules(j.id.as_str()))
                .collect(),
            seats: states.iter().map(|x| x.seat.clone()).collect(),
            candidates: candidates
                .iter()
                .map(|c| c.input.ties(c.id.as_str()))
                .collect(),
            passages: schedule.timetable.clone(),
            declared: links
                .iter()
                .filter(|l| l.linked)
                .map(|l| DeclaredLink {
                    juror: l.juror.clone(),
                    candidate: l.candidate.clone(),
                    what: l.what.clone(),
                })
                .collect(),
            elsewhere,
            noted: states
                .iter()
                .filter(|x| x.presence != "expected")
                .map(|x| (x.seat.juror.clone(), x.seat.day, x.presence == "present"))
                .collect(),
            signed: rows
                .iter()
                .filter(|r| r.signed_at.is_some())
                .map(|r| r.juror_id.to_string())
                .collect(),
            convoked: rows
                .iter()
                .filter_map(|r| Some((r.juror_id.to_string(), r.convoked_at?.paris_date())))
                .collect(),
        };
        Ok(Gathered {
            facts,
            schedule,
            jurors,
            rows,
            seats: states,
            links,
            version,
        })
    }

    /// The jury of a session: seats, jurors, links, the matrix and its findings.
    pub async fn jury(&self, session: &SessionHandle<'_>) -> Result<SessionJury> {
        let g = self.gather_jury(session, None).await?;
        Ok(self.jury_of(session, g))
    }

    fn jury_of(&self, session: &SessionHandle<'_>, g: Gathered) -> SessionJury {
        let start = session.session().start;
        let jurors = g
            .jurors
            .iter()
            .map(|j| {
                let row = g.rows.iter().find(|r| r.juror_id == j.id);
                AppointedJuror {
                    id: j.id.clone(),
                    name: j.input.display(),
                    profession: j.input.profession.clone(),
                    employer: j.input.employer.clone(),
                    status: j.input.status,
                    has_email: !j.input.email.trim().is_empty(),
                    days: g.facts.days_of(j.id.as_str()),
                    convoked_at: row.and_then(|r| r.convoked_at),
                    convoked_how: row.and_then(|r| r.convoked_how.clone()),
                    read_at: row.and_then(|r| r.read_at),
                    links_declared_at: row.and_then(|r| r.links_declared_at),
                    signed_at: row.and_then(|r| r.signed_at),
                    signed_from: row.and_then(|r| r.signed_from.clone()),
                    drawn_signature: row.is_some_and(|r| r.drawn != 0),
                    employer_request_by: (j.input.status == JurorStatus::Salaried)
                        .then(|| jalon_core::jury::employer_request_by(start))
                        .flatten(),
                }
            })
            .collect();
        SessionJury {
            version: g.version,
            matrix: g.facts.matrix(),
            findings: g.facts.findings(self.today()),
            welcome: if g.seats.iter().any(|x| x.seat.day <= self.today()) {
                g.facts.welcome_findings(self.today())
            } else {
                Vec::new()
            },
            seats: g.seats,
            jurors,
            links: g.links,
            needs: g.schedule.juries,
        }
    }

    /// Appoints the jury of a session: every seat (juror, day, jury) and the links the
    /// manager declares, replacing those kept (presence noted on a seat kept stays; the
    /// links a juror declared stay). Refused, naming the juror, the title and the date: a
    /// juror not habilitated for the title on a day they sit, a licence that does not cover
    /// the session, a juror seated the same day in another session.
    pub async fn set_jury(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        seats: Vec<Seat>,
        links: Vec<LinkInput>,
    ) -> Result<SessionJury> {
        let (actor, session) = (w.actor(), w.handle());
        let s = session.session();
        let centre_jurors = self.jurors(actor).await?;
        let candidates = self.candidates(session).await?;
        let name = |id: &str| {
            centre_jurors
                .iter()
                .find(|j| j.id.as_str() == id)
                .map(|j| j.input.display())
        };
        let mut errs = Vec::new();
        let mut seen: Vec<(&str, Date)> = Vec::new();
        for (i, seat) in seats.iter().enumerate() {
            let field = format!("seats[{}]", i + 1);
            let Some(who) = name(&seat.juror) else {
                errs.push(FieldError::new(
                    &field,
                    format!("aucun juré du centre n'a l'identifiant « {} »", seat.juror),
                ));
                continue;
            };
            if seat.day < s.start || seat.day > s.end {
                errs.push(FieldError::new(
                    &field,
                    format!(
                        "{who} : le {} n'est pas un jour de la session ({})",
                        jalon_core::fr::long_date(seat.day),
                        jalon_core::fr::date_range(s.start, s.end)
                    ),
                ));
            }
            if seat.jury == 0 || seat.jury > MAX_JURIES {
                errs.push(FieldError::new(
                    &field,
                    format!("{who} : le jury est numéroté de 1 à {MAX_JURIES}"),
                ));
            }
            if seen.contains(&(seat.juror.as_str(), seat.day)) {
                errs.push(FieldError::new(
                    &field,
                    format!(
                        "{who} figure deux fois le {} : un juré siège dans un seul jury par jour",
                        jalon_core::fr::long_date(seat.day)
                    ),
                ));
            }
            seen.push((seat.juror.as_str(), seat.day));
        }
        for (i, l) in links.iter().enumerate() {
            let field = format!("links[{}]", i + 1);
            if name(&l.juror).is_none() {
                errs.push(FieldError::new(
                    &field,
                    format!("aucun juré du centre n'a l'identifiant « {} »", l.juror),
                ));
            }
            if !candidates.iter().any(|c| c.id.as_str() == l.candidate) {
                errs.push(FieldError::new(
                    &field,
                    format!(
                        "aucun candidat inscrit à la session n'a l'identifiant « {} »",
                        l.candidate
                    ),
                ));
            }
            let what = l.what.trim();
            if what.is_empty() || what.chars().count() > 300 || what.chars().any(char::is_control) {
                errs.push(FieldError::new(
                    &field,
                    "dites en une ligne (300 caractères au plus) quel est le lien",
                ));
            }
        }
        StoreError::check(errs)?;
        let g = self.gather_jury(session, Some(&seats)).await?;
        let refused: Vec<RuleViolation> =
            g.facts.seat_problems().into_iter().map(violation).collect();
        if !refused.is_empty() {
            return Err(StoreError::RulesBroken(refused));
        }
        let now = Stamp::new(self.now());
        let mut tx = self.begin().await?;
        let bumped = sqlx::query(
            "UPDATE sessions SET jury_version = jury_version + 1 WHERE id = $1 AND centre_id = $2 AND jury_version = $3",
        )
        .bind(session.id())
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if bumped.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "le jury de la session",
            });
        }
        let before: Vec<(String, String)> =
            sqlx::query_as("SELECT juror_id, day FROM jury_seats WHERE session_id = $1")
                .bind(session.id())
                .fetch_all(&mut *tx)
                .await?;
        for (juror, day) in &before {
            if !seats
                .iter()
                .any(|x| x.juror == *juror && x.day.to_string() == *day)
            {
                sqlx::query(
                    "DELETE FROM jury_seats WHERE session_id = $1 AND juror_id = $2 AND day = $3",
                )
                .bind(session.id())
                .bind(juror)
                .bind(day)
                .execute(&mut *tx)
                .await?;
            }
        }
        for seat in &seats {
            sqlx::query(
                "INSERT INTO session_jurors (session_id, juror_id) VALUES ($1, $2) \
                 ON CONFLICT (session_id, juror_id) DO NOTHING",
            )
            .bind(session.id())
            .bind(&seat.juror)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO jury_seats (session_id, juror_id, day, jury) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (session_id, juror_id, day) DO UPDATE SET jury = excluded.jury",
            )
            .bind(session.id())
            .bind(&seat.juror)
            .bind(seat.day.to_string())
            .bind(i64::from(seat.jury))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM jury_links WHERE session_id = $1 AND declared_by = 'manager'")
            .bind(session.id())
            .execute(&mut *tx)
            .await?;
        for l in &links {
            sqlx::query(
                "INSERT INTO jury_links (session_id, juror_id, candidate_id, linked, what, declared_by, declared_at) \
                 VALUES ($1, $2, $3, 1, $4, 'manager', $5) \
                 ON CONFLICT (session_id, juror_id, candidate_id, declared_by) DO UPDATE SET what = excluded.what",
            )
            .bind(session.id())
            .bind(&l.juror)
            .bind(&l.candidate)
            .bind(l.what.trim())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let described: Vec<serde_json::Value> = seats
            .iter()
            .map(|x| json!({"juror": name(&x.juror), "day": x.day.to_string(), "jury": x.jury}))
            .collect();
        let declared: Vec<serde_json::Value> = links
            .iter()
            .map(|l| {
                json!({
                    "juror": name(&l.juror),
                    "candidate": candidates.iter().find(|c| c.id.as_str() == l.candidate).map(|c| c.input.short_name()),
                    "what": l.what.trim(),
                })
            })
            .collect();
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::JuryAppointed,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"seats": described, "links": declared}),
            },
        )
        .await?;
        tx.commit().await?;
        self.jury(session).await
    }
}

/// What is wrong with the jury of a coming session, for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JuryAlert {
    pub session_id: SessionId,
    /// « Maçon — du lundi 5 au mardi 6 avril 2027 ».
    pub session: String,
    pub rule: &'static str,
    pub message: String,
}

/// How a juror's convocation went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JurorConvocation {
    /// Sent by email with their personal link.
    Email,
    /// Handed over or posted.
    Hand,
}

impl JurorConvocation {
    pub fn as_str(self) -> &'static str {
        match self {
            JurorConvocation::Email => "email",
            JurorConvocation::Hand => "hand",
        }
    }

    /// « par courriel », « remise en main propre ou par courrier ».
    pub fn label(how: &str) -> &'static str {
        match how {
            "email" => "par courriel",
            _ => "remise en main propre ou par courrier",
        }
    }
}

impl Store {
    /// The juror, appointed to this session, and their name; refused otherwise.
    async fn appointed(&self, session: &SessionHandle<'_>, juror: &JurorId) -> Result<Juror> {
        let j = self.juror(session.actor(), juror).await?;
        let seated: Option<(i64,)> = sqlx::query_as(
            "SELECT COUNT(*) FROM jury_seats WHERE session_id = $1 AND juror_id = $2 HAVING COUNT(*) > 0",
        )
        .bind(session.id())
        .bind(juror)
        .fetch_optional(self.pool())
        .await?;
        if seated.is_none() {
            return Err(StoreError::invalid(
                "juror",
                format!(
                    "{} n'est pas désigné(e) dans le jury de cette session",
                    j.input.display()
                ),
            ));
        }
        Ok(j)
    }

    /// Records a juror's presence (or absence) on a day they sit, that day or later.
    pub async fn note_juror(
        &self,
        w: SessionWriter<'_>,
        juror: &JurorId,
        day: Date,
        present: bool,
    ) -> Result<SessionJury> {
        let (actor, session) = (w.actor(), w.handle());
        let j = self.appointed(session, juror).await?;
        let name = j.input.display();
        if let Some(p) = jalon_core::jury::presence_day_problem(&name, day, self.today()) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE jury_seats SET presence = $1, noted_at = $2, noted_by = $3 \
             WHERE session_id = $4 AND juror_id = $5 AND day = $6",
        )
        .bind(if present { "present" } else { "absent" })
        .bind(Stamp::new(self.now()))
        .bind(actor.name())
        .bind(session.id())
        .bind(juror)
        .bind(day.to_string())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::invalid(
                "day",
                format!(
                    "{name} ne siège pas le {} dans cette session",
                    jalon_core::fr::long_date(day)
                ),
            ));
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: if present {
                    Action::JurorCheckedIn
                } else {
                    Action::JurorAbsent
                },
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"juror": name, "day": day.to_string()}),
            },
        )
        .await?;
        tx.commit().await?;
        self.jury(session).await
    }

    /// A juror signs their sworn statement on the centre's tablet (a drawn PNG).
    pub async fn sign_juror_statement(
        &self,
        w: SessionWriter<'_>,
        juror: &JurorId,
        png: &[u8],
    ) -> Result<SessionJury> {
        let (actor, session) = (w.actor(), w.handle());
        let j = self.appointed(session, juror).await?;
        let from = format!("tablette du centre, en présence de {}", actor.name());
        self.record_statement(session.id(), &j, png, &from, journal::Author::from(actor))
            .await?;
        self.jury(session).await
    }

    /// Writes a sworn statement, once, and journals it.
    pub(crate) async fn record_statement(
        &self,
        session: &SessionId,
        j: &Juror,
        png: &[u8],
        from: &str,
        author: journal::Author<'_>,
    ) -> Result<()> {
        let name = j.input.display();
        jalon_core::upload::check_signature(png).map_err(|e| {
            StoreError::invalid(
                "signature",
                e.replace("faites signer le candidat", "signez"),
            )
        })?;
        let now = Stamp::new(self.now());
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE session_jurors SET signed_at = $1, signed_from = $2, signature = $3 \
             WHERE session_id = $4 AND juror_id = $5 AND signed_at IS NULL",
        )
        .bind(now)
        .bind(from)
        .bind(png.to_vec())
        .bind(session)
        .bind(&j.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let p = jalon_core::jury::statement_problem(&name, true, true);
            return Err(StoreError::Invalid(p.into_iter().collect()));
        }
        journal::append(
            &mut tx,
            self,
            author,
            Change {
                action: Action::JurorStatementSigned,
                subject_type: Subject::Session,
                subject_id: session.as_str(),
                data: json!({"juror": name, "from": from}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What is wrong with the juries of the actor's sessions under way or starting within
    /// `days`: a juror seated in two sessions at once, a habilitation or licence that no
    /// longer covers a day they sit (changed since), a candidate left with fewer than two
    /// jurors, a jury over its capacity, a salaried juror convoked too late.
    pub async fn jury_alerts(&self, actor: &crate::Actor, days: i32) -> Result<Vec<JuryAlert>> {
        let today = self.today();
        let horizon = jalon_core::calendar::add_days(today, days).unwrap_or(today);
        let ids: Vec<(SessionId,)> = sqlx::query_as(
            "SELECT s.id FROM sessions s WHERE s.centre_id = $1 AND s.cancelled_at IS NULL \
             AND s.end_date >= $2 AND s.start_date <= $3 \
             AND s.id IN (SELECT session_id FROM jury_seats) ORDER BY s.start_date, s.id",
        )
        .bind(actor.centre_id())
        .bind(today.to_string())
        .bind(horizon.to_string())
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for (id,) in ids {
            let session = self.open_session(actor, &id).await?;
            let s = session.session();
            let label = format!(
                "{} — {}",
                s.title_name,
                jalon_core::fr::date_range(s.start, s.end)
            );
            let g = self.gather_jury(&session, None).await?;
            for f in g.facts.findings(today) {
                out.push(JuryAlert {
                    session_id: id.clone(),
                    session: label.clone(),
                    rule: f.rule,
                    message: f.message,
                });
            }
        }
        Ok(out)
    }

    /// The candidates left without two jurors present on `day`, in French (the absence
    /// report's list).
    pub async fn jury_quorum(&self, session: &SessionHandle<'_>, day: Date) -> Result<Vec<String>> {
        let g = self.gather_jury(session, None).await?;
        Ok(g.facts
            .quorum_findings(day)
            .into_iter()
            .map(|f| f.message)
            .collect())
    }

    /// The signature a juror drew on their statement (PNG), if any.
    pub async fn juror_signature(
        &self,
        session: &SessionHandle<'_>,
        juror: &JurorId,
    ) -> Result<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> = sqlx::query_as(
            "SELECT signature FROM session_jurors WHERE session_id = $1 AND juror_id = $2",
        )
        .bind(session.id())
        .bind(juror)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.and_then(|(s,)| s))
    }

    /// Records that a juror's convocation was sent or handed over now (again after a
    /// change: the juror's reading is asked again).
    pub async fn record_juror_convocation(
        &self,
        w: SessionWriter<'_>,
        juror: &JurorId,
        how: JurorConvocation,
    ) -> Result<SessionJury> {
        let (actor, session) = (w.actor(), w.handle());
        let j = self.appointed(session, juror).await?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE session_jurors SET convoked_at = $1, convoked_how = $2, convoked_by = $3, read_at = NULL, read_from = NULL \
             WHERE session_id = $4 AND juror_id = $5",
        )
        .bind(Stamp::new(self.now()))
        .bind(how.as_str())
        .bind(actor.name())
        .bind(session.id())
        .bind(juror)
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::JurorConvoked,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"juror": j.input.display(), "how": JurorConvocation::label(how.as_str())}),
            },
        )
        .await?;
        tx.commit().await?;
        self.jury(session).await
    }
}
