//! The day's welcome of candidates on a tablet: each one present (identity checked,
//! convocation shown, signed — on the pad if need be) or absent.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::fr;
use jalon_store::candidates::Presence;
use jalon_store::{CandidateId, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::ui::dashboard::session_dates;
use crate::ui::{FormPost, Layout, Page, PageResult, render};

use super::row;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/checkin", get(checkin))
        .route("/sessions/{id}/checkin/{candidate}", post(check_in))
        .route(
            "/sessions/{id}/checkin/{candidate}/attendance",
            post(record_attendance),
        )
        .route(
            "/sessions/{id}/checkin/{candidate}/signature.png",
            get(signature_image),
        )
}

pub struct CheckInRow {
    pub id: String,
    pub name: String,
    pub born: String,
    pub accommodation: String,
    pub presence: &'static str,
    pub state: &'static str,
    pub identity_checked: bool,
    pub convocation_presented: bool,
    pub documents_presented: bool,
    pub signed: bool,
    pub drawn_signature: bool,
    pub done: Option<String>,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckInPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    rows: Vec<CheckInRow>,
    can_write: bool,
    summary: String,
    error: Option<String>,
    signature_js: String,
    offline_js: String,
    /// The day's welcome and épreuves: « Lundi 14 décembre 2026 : accueil à 8 h ; … ».
    day: Option<String>,
    /// The session's days with épreuves: ISO date, label, the one shown.
    days: Vec<(String, String, bool)>,
    /// The day shown, ISO.
    day_iso: String,
    /// Each épreuve of the day and who passes it then.
    sittings: Vec<Sitting>,
    /// The jury of the day shown: « 2 jurés présents sur 3 », and the quorum's problems.
    jury: Option<(String, Vec<String>)>,
}

/// One épreuve of the day, as its sign-in sheet: who, at what time, and what was noted.
pub struct Sitting {
    /// Its place in the day, for the form's ids.
    pub n: usize,
    pub epreuve: String,
    pub hours: String,
    pub rows: Vec<Attend>,
}

pub struct Attend {
    pub candidate_id: String,
    pub name: String,
    /// Their own hours, when they pass alone or have extra time.
    pub hours: String,
    /// « présent, identité vérifiée, a signé » or « absent », once noted.
    pub noted: Option<String>,
    pub present: bool,
}

async fn checkin_page(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    error: Option<String>,
    asked: Option<jiff::civil::Date>,
) -> PageResult {
    let (list, schedule, noted, jury) = tokio::try_join!(
        state.store.candidates(session),
        state.store.schedule(session),
        state.store.attendance(session),
        state.store.jury(session),
    )?;
    // The session's days with épreuves; the one shown: asked, or today, or the next one.
    let mut timetable_days: Vec<jiff::civil::Date> = schedule
        .timetable
        .iter()
        .flat_map(|p| p.parts.iter().map(|x| x.date))
        .collect();
    timetable_days.sort();
    timetable_days.dedup();
    let today = state.store.today();
    let shown = asked
        .filter(|d| timetable_days.contains(d))
        .or_else(|| timetable_days.iter().find(|d| **d >= today).copied())
        .or_else(|| timetable_days.last().copied())
        .unwrap_or(today);
    let names: std::collections::HashMap<String, String> = list
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                format!(
                    "{} {}",
                    c.input.last_name.to_uppercase(),
                    c.input.first_names
                ),
            )
        })
        .collect();
    let sittings = sittings_of(&schedule, &list, &noted, shown, &names);
    let days = timetable_days
        .iter()
        .map(|d| (d.to_string(), fr::long_date(*d), *d == shown))
        .collect();
    // The welcome of the day: the candidates who pass an épreuve that day (all of them while
    // the timetable has no épreuve).
    let list: Vec<jalon_store::candidates::Candidate> = if sittings.is_empty() {
        list
    } else {
        list.into_iter()
            .filter(|c| {
                let id = c.id.to_string();
                sittings
                    .iter()
                    .any(|s| s.rows.iter().any(|r| r.candidate_id == id))
            })
            .collect()
    };
    let present = list
        .iter()
        .filter(|c| c.presence == Presence::Present)
        .count();
    let absent = list
        .iter()
        .filter(|c| c.presence == Presence::Absent)
        .count();
    let rows = list
        .iter()
        .map(|c| CheckInRow {
            id: c.id.to_string(),
            name: format!(
                "{} {}",
                c.input.last_name.to_uppercase(),
                c.input.first_names
            ),
            born: c.input.birth_date.map(fr::short_date).unwrap_or_default(),
            accommodation: c.input.accommodation.clone(),
            presence: row(c).presence,
            state: match c.presence {
                Presence::Present
                    if c.identity_checked
                        && c.convocation_presented
                        && c.documents_presented
                        && c.signed =>
                {
                    "done"
                }
                Presence::Present => "soon",
                Presence::Absent => "na",
                Presence::Expected => "todo",
            },
            identity_checked: c.identity_checked,
            convocation_presented: c.convocation_presented,
            documents_presented: c.documents_presented,
            signed: c.signed,
            drawn_signature: c.drawn_signature,
            done: c.checked_in_at.as_ref().map(|at| {
                format!(
                    "par {} le {}",
                    c.checked_in_by.clone().unwrap_or_default(),
                    crate::ui::session::when(*at)
                )
            }),
            version: c.version,
        })
        .collect();
    let s = session.session();
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let view = CheckInPage {
        layout: p.layout(&format!("Accueil — {}", s.title_name), "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        summary: format!(
            "{present} présent{} · {absent} absent{} · {} à accueillir",
            if present > 1 { "s" } else { "" },
            if absent > 1 { "s" } else { "" },
            list.len() - present - absent
        ),
        rows,
        can_write: p.actor.writer().is_ok(),
        error,
        signature_js: crate::assets::signature_path(),
        offline_js: crate::assets::offline_path(),
        day: if sittings.is_empty() {
            day_programme(&schedule.slots, state.store.today())
        } else {
            Some(day_of(&schedule, shown, &sittings))
        },
        days,
        day_iso: shown.to_string(),
        sittings,
        jury: jury_of_day(&jury, shown),
    };
    Ok((status, render(&view)).into_response())
}

/// « Mercredi 2 décembre 2026 : accueil à 8 h ; Mise en situation professionnelle 8 h 30 –
/// 12 h, 13 h 30 – 17 h. » — the day shown, from the timetable.
fn day_of(
    schedule: &jalon_store::schedule::SessionSchedule,
    day: jiff::civil::Date,
    sittings: &[Sitting],
) -> String {
    let first = schedule
        .timetable
        .iter()
        .flat_map(|p| p.parts.iter())
        .filter(|x| x.date == day)
        .map(|x| x.start)
        .min();
    let welcome = first
        .and_then(|t| {
            t.checked_sub(jiff::SignedDuration::from_mins(i64::from(
                jalon_core::schedule::WELCOME_MINUTES,
            )))
            .ok()
        })
        .map(|t| format!(" : accueil à {}", fr::time(t)))
        .unwrap_or_default();
    let mut date = fr::long_date(day);
    if let Some(first) = date.get(..1) {
        date = first.to_uppercase() + &date[1..];
    }
    let epreuves: Vec<String> = sittings
        .iter()
        .map(|s| format!("{} ({})", s.epreuve, s.hours))
        .collect();
    format!("{date}{welcome} ; {}.", epreuves.join(" ; "))
}

/// What the day holds for the person at the welcome: today's épreuves, or those of the
/// session's next day (its first, before it starts).
fn day_programme(slots: &[jalon_core::schedule::Slot], today: jiff::civil::Date) -> Option<String> {
    use jalon_core::schedule;
    let days = schedule::days(slots);
    let day = days
        .iter()
        .find(|d| **d >= today)
        .or(days.last())
        .copied()?;
    let welcome = schedule::welcome_time(slots, day)?;
    let epreuves: Vec<String> = slots
        .iter()
        .filter(|s| s.date == day)
        .map(|s| format!("{} {} – {}", s.name, fr::time(s.start), fr::time(s.end())))
        .collect();
    let mut date = fr::long_date(day);
    if let Some(first) = date.get(..1) {
        date = first.to_uppercase() + &date[1..];
    }
    Some(format!(
        "{date} : accueil à {} ; {}.",
        fr::time(welcome),
        epreuves.join(" ; ")
    ))
}

/// Each épreuve of `day`, with the candidates who pass it then (their own hours when they
/// differ from the group's) and what was noted.
fn sittings_of(
    schedule: &jalon_store::schedule::SessionSchedule,
    list: &[jalon_store::candidates::Candidate],
    noted: &[jalon_store::attendance::Attendance],
    day: jiff::civil::Date,
    names: &std::collections::HashMap<String, String>,
) -> Vec<Sitting> {
    let spans = |p: &jalon_core::timetable::Passage| {
        p.parts
            .iter()
            .filter(|x| x.date == day)
            .map(|x| x.span())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<(jiff::civil::Time, Sitting)> = Vec::new();
    for slot in &schedule.slots {
        let group = schedule
            .timetable
            .iter()
            .find(|p| p.epreuve == slot.name && p.candidate.is_none());
        let mut rows = Vec::new();
        let mut first: Option<jiff::civil::Time> = None;
        for c in list {
            let id = c.id.to_string();
            let Some(p) = schedule
                .of_candidate(&id)
                .into_iter()
                .find(|p| p.epreuve == slot.name && p.parts.iter().any(|x| x.date == day))
            else {
                continue;
            };
            let start = p
                .parts
                .iter()
                .filter(|x| x.date == day)
                .map(|x| x.start)
                .min();
            first = first.min(start).or(start);
            let mark = noted
                .iter()
                .find(|a| a.candidate_id == c.id && a.day == day && a.epreuve == slot.name);
            rows.push(Attend {
                candidate_id: id.clone(),
                name: names.get(&id).cloned().unwrap_or_default(),
                hours: match (p.candidate.is_some(), p.jury, &p.room) {
                    (false, _, _) => String::new(),
                    (true, Some(j), Some(r)) => format!("{} (jury {j}, {r})", spans(p)),
                    (true, Some(j), None) => format!("{} (jury {j})", spans(p)),
                    (true, None, _) => spans(p),
                },
                noted: mark.map(|a| {
                    if a.present {
                        let mut said = vec!["présent"];
                        if a.identity_checked {
                            said.push("identité vérifiée");
                        }
                        if a.signed {
                            said.push("a signé");
                        }
                        format!("{} (noté par {})", said.join(", "), a.recorded_by)
                    } else {
                        format!("absent (noté par {})", a.recorded_by)
                    }
                }),
                present: mark.is_some_and(|a| a.present),
            });
        }
        if let Some(first) = first {
            let last = schedule
                .timetable
                .iter()
                .filter(|p| p.epreuve == slot.name)
                .flat_map(|p| p.parts.iter())
                .filter(|x| x.date == day)
                .map(|x| x.end)
                .max()
                .unwrap_or(first);
            let hours = match group {
                Some(g) if g.parts.iter().any(|x| x.date == day) => spans(g),
                _ => format!(
                    "passages individuels, {} – {}",
                    fr::time(first),
                    fr::time(last)
                ),
            };
            out.push((
                first,
                Sitting {
                    n: 0,
                    epreuve: slot.name.clone(),
                    hours,
                    rows,
                },
            ));
        }
    }
    out.sort_by_key(|(t, _)| *t);
    out.into_iter()
        .enumerate()
        .map(|(n, (_, s))| Sitting { n, ..s })
        .collect()
}

#[derive(Deserialize)]
struct DayQuery {
    #[serde(default)]
    jour: Option<String>,
}

async fn checkin(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    axum::extract::Query(q): axum::extract::Query<DayQuery>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let asked = q.jour.and_then(|d| d.parse().ok());
    checkin_page(&state, &p, &session, None, asked).await
}

#[derive(Deserialize)]
struct AttendanceForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    epreuve: String,
    #[serde(default)]
    present: String,
    #[serde(default)]
    identity_checked: Option<String>,
    #[serde(default)]
    signed: Option<String>,
}

async fn record_attendance(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<AttendanceForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let Ok(day) = f.day.parse::<jiff::civil::Date>() else {
        let msg = format!("Rien n'a été enregistré : « {} » n'est pas un jour.", f.day);
        return checkin_page(&state, &p, &session, Some(msg), None).await;
    };
    let input = jalon_store::attendance::AttendanceInput {
        day,
        epreuve: f.epreuve.clone(),
        present: f.present == "1",
        identity_checked: f.identity_checked.is_some(),
        signed: f.signed.is_some(),
    };
    match state
        .store
        .record_attendance(writer, &candidate, input)
        .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/sessions/{id}/checkin?jour={day}#a-{candidate}"))
                .into_response(),
        ),
        Err(StoreError::Invalid(fields)) => {
            let msg = crate::ui::messages(fields);
            checkin_page(
                &state,
                &p,
                &session,
                Some(format!("Rien n'a été enregistré : {msg}.")),
                Some(day),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CheckInForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    present: String,
    #[serde(default)]
    identity_checked: Option<String>,
    #[serde(default)]
    convocation_presented: Option<String>,
    #[serde(default)]
    documents_presented: Option<String>,
    #[serde(default)]
    signed: Option<String>,
    /// The signature drawn on the tablet: `data:image/png;base64,…`, or empty.
    #[serde(default)]
    signature: String,
}

async fn check_in(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<CheckInForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let check = jalon_store::candidates::CheckIn {
        present: f.present == "1",
        identity_checked: f.identity_checked.is_some(),
        convocation_presented: f.convocation_presented.is_some(),
        documents_presented: f.documents_presented.is_some(),
        signed: f.signed.is_some(),
    };
    let signature = match crate::body::drawn_signature(&f.signature) {
        // A drawing left on the pad of a candidate marked absent is not a signature.
        Ok(_) if !check.present => None,
        Ok(s) => s,
        Err(e) => {
            return checkin_page(
                &state,
                &p,
                &session,
                Some(format!("Rien n'a été enregistré : {e}.")),
                None,
            )
            .await;
        }
    };
    match state
        .store
        .check_in_with_signature(writer, &candidate, f.version, check, signature.as_deref())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/checkin#c-{candidate}")).into_response()),
        Err(StoreError::Conflict { .. }) => {
            let msg = "Ce candidat vient d'être pointé par quelqu'un d'autre : la liste est à jour, vérifiez puis recommencez.";
            checkin_page(&state, &p, &session, Some(msg.to_owned()), None).await
        }
        Err(StoreError::Invalid(fields)) => {
            let msg = crate::ui::messages(fields);
            checkin_page(
                &state,
                &p,
                &session,
                Some(format!("Rien n'a été enregistré : {msg}.")),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn signature_image(
    State(state): State<AppState>,
    p: Page,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let png = state.store.drawn_signature(&session, &candidate).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/png"),
            (axum::http::header::CACHE_CONTROL, "private, no-store"),
        ],
        png,
    )
        .into_response())
}

/// The jury of `day` for the welcome: how many are pointed present, and the quorum.
fn jury_of_day(
    jury: &jalon_store::jury::SessionJury,
    day: jiff::civil::Date,
) -> Option<(String, Vec<String>)> {
    let seated: Vec<_> = jury.seats.iter().filter(|x| x.seat.day == day).collect();
    if seated.is_empty() {
        return None;
    }
    let present = seated.iter().filter(|x| x.presence == "present").count();
    let unsigned = jury
        .jurors
        .iter()
        .filter(|j| j.days.contains(&day) && j.signed_at.is_none())
        .count();
    let mut line = format!(
        "{} sur {}",
        fr::count(present, "juré présent", "jurés présents"),
        seated.len()
    );
    if unsigned > 0 {
        line.push_str(&format!(
            " · {} à signer",
            fr::count(
                unsigned,
                "déclaration sur l'honneur",
                "déclarations sur l'honneur"
            )
        ));
    }
    let day_text = fr::long_date(day);
    let quorum = jury
        .welcome
        .iter()
        .filter(|f| f.rule == "jury.quorum" && f.message.contains(&day_text))
        .map(|f| f.message.clone())
        .collect();
    Some((line, quorum))
}
