//! The épreuves and documents of a session: the schedule (Jalon's proposal until the
//! manager sets it) and the PDFs to print: convocations, posting, sign-in sheets.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::fr;
use jalon_core::schedule::WELCOME_MINUTES;
use jalon_store::schedule::SlotInput;
use jalon_store::{SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use super::dashboard::session_dates;
use super::{FormPost, Layout, Page, PageResult, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/documents", get(show))
        .route("/sessions/{id}/schedule", post(save))
        .route("/sessions/{id}/order", post(save_order))
}

pub struct Row {
    pub name: String,
    pub duration: String,
    /// ISO, for the date input.
    pub date: String,
    /// « 08:30 », for the time input.
    pub start: String,
    pub end: String,
}

/// A day of the timetable, as the page shows it.
pub struct DayView {
    pub date: String,
    pub lines: Vec<LineView>,
}

pub struct LineView {
    pub name: String,
    pub hours: String,
    /// Each candidate's own hours, for an épreuve they pass alone (or with extra time).
    pub passages: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    csrf: String,
    rows: Vec<Row>,
    proposed: bool,
    outside: String,
    outside_count: usize,
    min: String,
    max: String,
    welcome_minutes: i32,
    candidates: usize,
    can_write: bool,
    errors: Vec<String>,
    notice: Option<String>,
    days: Vec<DayView>,
    /// The candidates in their order of passage (id, name), and whether the manager set it.
    order: Vec<(String, String)>,
    order_set: bool,
    /// « 8 h 30 – 12 h, 13 h 30 – 17 h ».
    hours: String,
    clashes: Vec<String>,
    juries: Vec<String>,
}

async fn show(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let notice = match query.as_deref() {
        Some("enregistre") => Some(
            "Calendrier enregistré : les convocations, l'affichage et les feuilles d'émargement le reprennent."
                .to_owned(),
        ),
        Some("ordre") => Some("Ordre de passage enregistré.".to_owned()),
        _ => None,
    };
    let session = state.store.open_session(&p.actor, &id).await?;
    page(&state, &p, &session, None, Vec::new(), notice).await
}

/// The page; `typed` keeps what the manager typed when it was refused.
async fn page(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    typed: Option<&[SlotInput]>,
    errors: Vec<String>,
    notice: Option<String>,
) -> PageResult {
    let (schedule, candidates) = tokio::try_join!(
        state.store.schedule(session),
        state.store.candidates(session),
    )?;
    let s = session.session();
    let alone = |name: &str| schedule.individual.iter().any(|i| i == name);
    // Where each épreuve ends: its last part, the day named when it is not its first.
    let end_of = |name: &str, first: jiff::civil::Date| {
        schedule
            .timetable
            .iter()
            .filter(|p| p.epreuve == name)
            .filter_map(|p| p.last())
            .max_by_key(|p| (p.date, p.end))
            .map(|last| {
                if last.date == first {
                    fr::time(last.end)
                } else {
                    format!("{}, {}", fr::long_date(last.date), fr::time(last.end))
                }
            })
            .unwrap_or_default()
    };
    let rows = schedule
        .slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let typed = typed.and_then(|t| t.get(i));
            Row {
                name: slot.name.clone(),
                duration: if alone(&slot.name) {
                    format!("{} par candidat", fr::duration(slot.minutes))
                } else {
                    fr::duration(slot.minutes)
                },
                date: typed.map_or_else(|| slot.date.to_string(), |t| t.date.clone()),
                start: typed.map_or_else(
                    || format!("{:02}:{:02}", slot.start.hour(), slot.start.minute()),
                    |t| t.start.clone(),
                ),
                end: end_of(&slot.name, slot.date),
            }
        })
        .collect();
    let names: std::collections::HashMap<String, String> = candidates
        .iter()
        .map(|c| {
            (
                c.id.to_string(),
                format!(
                    "{} {}",
                    c.input.last_name.trim().to_uppercase(),
                    c.input.first_names.trim()
                ),
            )
        })
        .collect();
    let days = timetable_view(&schedule, &names);
    let juries = schedule
        .juries
        .iter()
        .map(|j| {
            format!(
                "{} : {}",
                fr::long_date(j.date),
                fr::count(
                    j.pairs as usize,
                    "jury (binôme d'évaluateurs)",
                    "jurys (binômes d'évaluateurs) en parallèle"
                )
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = DocumentsPage {
        layout: p.layout(
            &format!("Épreuves et documents — {}", s.title_name),
            "sessions",
        ),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        csrf: p.csrf.clone(),
        rows,
        proposed: schedule.proposed,
        outside: schedule
            .outside
            .iter()
            .map(|n| format!("« {n} »"))
            .collect::<Vec<_>>()
            .join(", "),
        outside_count: schedule.outside.len(),
        min: s.start.to_string(),
        max: s.end.to_string(),
        welcome_minutes: WELCOME_MINUTES,
        candidates: candidates.len(),
        can_write: p.actor.writer().is_ok(),
        errors,
        notice,
        order: schedule
            .order
            .iter()
            .map(|id| (id.clone(), names.get(id).cloned().unwrap_or_default()))
            .collect(),
        order_set: schedule.order_set,
        days,
        hours: format!(
            "{} – {}, {} – {}",
            fr::time(jalon_core::timetable::DAY_START),
            fr::time(jalon_core::timetable::LUNCH_START),
            fr::time(jalon_core::timetable::LUNCH_END),
            fr::time(jalon_core::timetable::DAY_END)
        ),
        clashes: schedule
            .clashes
            .iter()
            .chain(&schedule.conflicts)
            .map(|c| c.message.clone())
            .collect(),
        juries,
    };
    Ok((status, render(&view)).into_response())
}

/// The timetable day by day: each épreuve's hours, and for those passed alone (or with extra
/// time) each candidate's own.
fn timetable_view(
    schedule: &jalon_store::schedule::SessionSchedule,
    names: &std::collections::HashMap<String, String>,
) -> Vec<DayView> {
    let spans = |parts: &mut dyn Iterator<Item = &jalon_core::timetable::Part>| {
        parts.map(|x| x.span()).collect::<Vec<_>>().join(", ")
    };
    let mut dates: Vec<jiff::civil::Date> = schedule
        .timetable
        .iter()
        .flat_map(|p| p.parts.iter().map(|x| x.date))
        .collect();
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .map(|date| {
            let mut lines: Vec<(jiff::civil::Time, LineView)> = Vec::new();
            for slot in &schedule.slots {
                let of_day: Vec<&jalon_core::timetable::Passage> = schedule
                    .timetable
                    .iter()
                    .filter(|p| p.epreuve == slot.name && p.parts.iter().any(|x| x.date == date))
                    .collect();
                let Some(first) = of_day
                    .iter()
                    .flat_map(|p| p.parts.iter())
                    .filter(|x| x.date == date)
                    .map(|x| x.start)
                    .min()
                else {
                    continue;
                };
                let group = of_day.iter().find(|p| p.candidate.is_none());
                let room = group
                    .and_then(|g| g.room.clone())
                    .map(|r| format!(" — {r}"))
                    .unwrap_or_default();
                let alone = schedule.individual.contains(&slot.name);
                let hours = match group {
                    Some(g) => spans(&mut g.parts.iter().filter(|x| x.date == date)) + &room,
                    // Only a candidate's extra time that day: its hours, as theirs.
                    None if !alone => of_day
                        .iter()
                        .map(|p| spans(&mut p.parts.iter().filter(|x| x.date == date)))
                        .next()
                        .map(|h| format!("{h} (temps supplémentaire)"))
                        .unwrap_or_default(),
                    None => {
                        let last = of_day
                            .iter()
                            .flat_map(|p| p.parts.iter())
                            .filter(|x| x.date == date)
                            .map(|x| x.end)
                            .max()
                            .unwrap_or(first);
                        format!("{} – {}", fr::time(first), fr::time(last))
                    }
                };
                let passages = of_day
                    .iter()
                    .filter_map(|p| {
                        let who = names.get(p.candidate.as_deref()?)?.clone();
                        let at = spans(&mut p.parts.iter().filter(|x| x.date == date));
                        let place = match (p.jury, &p.room) {
                            (Some(j), Some(r)) => format!(" (jury {j}, {r})"),
                            (Some(j), None) => format!(" (jury {j})"),
                            (None, Some(r)) if group.is_none() => format!(" ({r})"),
                            _ => String::new(),
                        };
                        Some((who, format!("{at}{place}")))
                    })
                    .collect();
                lines.push((
                    first,
                    LineView {
                        name: slot.name.clone(),
                        hours,
                        passages,
                    },
                ));
            }
            lines.sort_by_key(|(t, _)| *t);
            DayView {
                date: fr::long_date(date),
                lines: lines.into_iter().map(|(_, l)| l).collect(),
            }
        })
        .collect()
}

#[derive(Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    date: Vec<String>,
    #[serde(default)]
    start: Vec<String>,
}

#[derive(Deserialize)]
struct OrderForm {
    #[serde(default)]
    candidate: Vec<String>,
    #[serde(default)]
    rank: Vec<String>,
    /// « alphabetique »: back to alphabetical order.
    #[serde(default)]
    reset: Option<String>,
}

/// The order of passage, from the rank typed beside each candidate (ties keep the current
/// order).
async fn save_order(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, form): FormPost<OrderForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let mut errors = Vec::new();
    let mut ranked: Vec<(u32, usize, String)> = Vec::new();
    if form.reset.is_none() {
        for (i, (c, r)) in form.candidate.iter().zip(&form.rank).enumerate() {
            match r.trim().parse::<u32>() {
                Ok(n) => ranked.push((n, i, c.clone())),
                Err(_) => errors.push(format!(
                    "rang « {} » : un nombre est attendu (1, 2, 3…)",
                    r.trim()
                )),
            }
        }
    }
    if !errors.is_empty() {
        return page(&state, &p, &session, None, errors, None).await;
    }
    ranked.sort();
    let order: Vec<String> = ranked.into_iter().map(|(_, _, c)| c).collect();
    match state.store.set_passage_order(writer, &order).await {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/documents?ordre#ordre")).into_response()),
        Err(StoreError::Invalid(fields)) => {
            let errors = fields.into_iter().map(|f| f.message).collect();
            page(&state, &p, &session, None, errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn save(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, form): FormPost<ScheduleForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let inputs: Vec<SlotInput> = form
        .date
        .iter()
        .zip(form.start.iter().chain(std::iter::repeat(&String::new())))
        .map(|(date, start)| SlotInput {
            date: date.clone(),
            start: start.clone(),
        })
        .collect();
    match state.store.set_schedule(writer, &inputs).await {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/documents?enregistre")).into_response()),
        Err(StoreError::Invalid(fields)) => {
            let errors = fields.into_iter().map(|f| f.message).collect();
            page(&state, &p, &session, Some(&inputs), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}
