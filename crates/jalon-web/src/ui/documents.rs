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
}

async fn show(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    RawQuery(query): RawQuery,
) -> PageResult {
    let notice = (query.as_deref() == Some("enregistre")).then(|| {
        "Calendrier enregistré : les convocations, l'affichage et les feuilles d'émargement le reprennent."
            .to_owned()
    });
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
    let rows = schedule
        .slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let typed = typed.and_then(|t| t.get(i));
            Row {
                name: slot.name.clone(),
                duration: fr::duration(slot.minutes),
                date: typed.map_or_else(|| slot.date.to_string(), |t| t.date.clone()),
                start: typed.map_or_else(
                    || format!("{:02}:{:02}", slot.start.hour(), slot.start.minute()),
                    |t| t.start.clone(),
                ),
                end: fr::time(slot.end()),
            }
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
    };
    Ok((status, render(&view)).into_response())
}

#[derive(Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    date: Vec<String>,
    #[serde(default)]
    start: Vec<String>,
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
