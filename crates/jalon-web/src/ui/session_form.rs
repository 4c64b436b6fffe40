//! Creating and editing a session, with live feasibility: as the title, approval and dates
//! are chosen, the form shows the resulting deadlines and which rule would be broken, before
//! anything is saved.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jalon_core::{Kind, fr};
use jalon_store::sessions::{Preview, SessionInput};
use jalon_store::{Actor, FieldError, Role, RuleViolation, StoreError};
use serde::Deserialize;

use super::dashboard::Choice;
use super::{FormPost, Layout, Page, error_page, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/new", get(new_form).post(create))
        .route("/sessions/{id}/edit", get(edit_form).post(update))
        .route("/sessions/preview", post(preview))
}

/// The form as posted: every field as text, checked here and in the store.
#[derive(Deserialize, Default, Clone)]
pub struct SessionFormData {
    #[serde(default)]
    title_id: String,
    #[serde(default)]
    approval_id: String,
    #[serde(default)]
    site_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    ceres_number: String,
    #[serde(default)]
    manager_id: String,
    #[serde(default)]
    override_justification: String,
    #[serde(default)]
    version: i64,
    /// The session being edited, for the preview.
    #[serde(default)]
    existing: String,
}

impl SessionFormData {
    fn to_input(&self) -> Result<SessionInput, Vec<FieldError>> {
        let mut errs = Vec::new();
        let date = |field: &str, value: &str, required: bool, errs: &mut Vec<FieldError>| {
            if value.trim().is_empty() {
                if required {
                    errs.push(FieldError::new(field, "la date est obligatoire"));
                }
                return None;
            }
            match fr::parse_date(value) {
                Ok(d) => Some(d),
                Err(e) => {
                    errs.push(FieldError::new(field, e));
                    None
                }
            }
        };
        let start = date("start", &self.start, true, &mut errs);
        let end = date("end", &self.end, false, &mut errs);
        if self.title_id.is_empty() {
            errs.push(FieldError::new("title_id", "choisissez le titre"));
        }
        if self.site_id.is_empty() {
            errs.push(FieldError::new("site_id", "choisissez le site"));
        }
        let kind = match self.kind.as_str() {
            "" => Kind::Title,
            k => k.parse().unwrap_or_else(|e: String| {
                errs.push(FieldError::new("kind", e));
                Kind::Title
            }),
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        match (start, errs.is_empty()) {
            (Some(start), true) => Ok(SessionInput {
                title_id: self.title_id.clone(),
                approval_id: opt(&self.approval_id),
                site_id: self.site_id.clone(),
                kind,
                start,
                end,
                ceres_number: opt(&self.ceres_number),
                manager_id: opt(&self.manager_id),
                override_justification: opt(&self.override_justification),
            }),
            _ => Err(errs),
        }
    }
}

pub struct PreviewRow {
    pub label: String,
    pub advised: String,
    pub deadline: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewFragment {
    rows: Vec<PreviewRow>,
    violations: Vec<RuleViolation>,
    errors: Vec<FieldError>,
}

/// The milestones a manager decides on when choosing dates.
const KEY_MILESTONES: [&str; 8] = [
    "title.check_expiry",
    "ceres.create_session",
    "candidates.register",
    "convocations.send",
    "dte.receive",
    "dte.chase_afpa",
    "prep.compliance",
    "close.transmit",
];

fn preview_fragment(p: Option<&Preview>, errors: Vec<FieldError>) -> PreviewFragment {
    let rows = p
        .map(|p| {
            p.milestones
                .iter()
                .filter(|m| m.applicable && KEY_MILESTONES.contains(&m.id.as_str()))
                .map(|m| PreviewRow {
                    label: m.label.clone(),
                    advised: m.advised.map_or(String::new(), fr::long_date),
                    deadline: m.deadline.map_or(String::new(), fr::long_date),
                    late: m.late,
                })
                .collect()
        })
        .unwrap_or_default();
    PreviewFragment {
        rows,
        violations: p.map(|p| p.violations.clone()).unwrap_or_default(),
        errors,
    }
}

#[derive(Template)]
#[template(path = "session_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    data: SessionFormData,
    titles: Vec<Choice>,
    approvals: Vec<Choice>,
    sites: Vec<Choice>,
    managers: Vec<Choice>,
    kinds: Vec<Choice>,
    errors: Vec<FieldError>,
    violations: Vec<RuleViolation>,
    preview: String,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

async fn form_page(
    state: &AppState,
    page: &Page,
    heading: &str,
    action: String,
    data: SessionFormData,
    errors: Vec<FieldError>,
    violations: Vec<RuleViolation>,
) -> Response {
    let actor: &Actor = &page.actor;
    let (titles, approvals, sites, users) = match tokio::try_join!(
        state.store.titles(actor),
        state.store.approvals(actor),
        state.store.sites(actor),
        state.store.users(actor)
    ) {
        Ok(x) => x,
        Err(e) => return error_page(&e),
    };
    let choice = |id: &str, name: String, selected: &str| Choice {
        id: id.to_owned(),
        name,
        selected: id == selected,
    };
    let preview = match data.to_input() {
        Ok(input) => {
            let existing = Some(data.existing.as_str()).filter(|e| !e.is_empty());
            match state.store.preview_session(actor, &input, existing).await {
                Ok(p) => preview_fragment(Some(&p), Vec::new()),
                Err(StoreError::Invalid(e)) => preview_fragment(None, e),
                Err(e) => return error_page(&e),
            }
        }
        Err(_) => preview_fragment(None, Vec::new()),
    };
    let status = if errors.is_empty() && violations.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = FormPage {
        layout: page.layout(heading, "sessions"),
        heading: heading.to_owned(),
        action,
        titles: titles
            .iter()
            .map(|t| {
                choice(
                    &t.id,
                    format!("{} ({})", t.name, t.rncp_code),
                    &data.title_id,
                )
            })
            .collect(),
        approvals: approvals
            .iter()
            .map(|a| {
                let title = titles
                    .iter()
                    .find(|t| t.id == a.title_id)
                    .map_or("", |t| t.name.as_str());
                let site = sites
                    .iter()
                    .find(|s| s.id == a.site_id)
                    .map_or("", |s| s.name.as_str());
                choice(
                    &a.id,
                    format!(
                        "n° {} — {title}, {site} (jusqu'au {})",
                        a.number,
                        fr::short_date(a.valid_until)
                    ),
                    &data.approval_id,
                )
            })
            .collect(),
        sites: sites
            .iter()
            .map(|s| choice(&s.id, format!("{} ({})", s.name, s.city), &data.site_id))
            .collect(),
        managers: users
            .iter()
            .filter(|u| u.active && u.role != Role::Inspector)
            .map(|u| choice(&u.id, u.display_name.clone(), &data.manager_id))
            .collect(),
        kinds: Kind::ALL
            .iter()
            .map(|k| {
                choice(
                    k.as_str(),
                    k.label().to_owned(),
                    if data.kind.is_empty() {
                        "title"
                    } else {
                        &data.kind
                    },
                )
            })
            .collect(),
        errors,
        violations,
        preview: preview.render().unwrap_or_default(),
        data,
    };
    (status, render(&view)).into_response()
}

async fn new_form(State(state): State<AppState>, page: Page) -> Response {
    if let Err(e) = page.actor.writer() {
        return error_page(&e);
    }
    form_page(
        &state,
        &page,
        "Nouvelle session",
        "/sessions/new".to_owned(),
        SessionFormData::default(),
        vec![],
        vec![],
    )
    .await
}

async fn edit_form(State(state): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let detail = match state.store.session(&page.actor, &id).await {
        Ok(d) => d,
        Err(e) => return error_page(&e),
    };
    if let Err(e) = page.actor.writer() {
        return error_page(&e);
    }
    let s = detail.session;
    let data = SessionFormData {
        title_id: s.title_id,
        approval_id: s.approval_id.unwrap_or_default(),
        site_id: s.site_id,
        kind: s.kind.as_str().to_owned(),
        start: s.start.to_string(),
        end: s.end.to_string(),
        ceres_number: s.ceres_number.unwrap_or_default(),
        manager_id: s.manager_id.unwrap_or_default(),
        override_justification: String::new(),
        version: s.version,
        existing: s.id.clone(),
    };
    form_page(
        &state,
        &page,
        "Modifier la session",
        format!("/sessions/{}/edit", s.id),
        data,
        vec![],
        vec![],
    )
    .await
}

/// Saves, or shows the form again with what is wrong.
async fn save(
    state: &AppState,
    page: &Page,
    data: SessionFormData,
    existing: Option<String>,
) -> Response {
    let writer = match page.actor.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    let (heading, action) = match &existing {
        Some(id) => ("Modifier la session", format!("/sessions/{id}/edit")),
        None => ("Nouvelle session", "/sessions/new".to_owned()),
    };
    let input = match data.to_input() {
        Ok(i) => i,
        Err(errs) => return form_page(state, page, heading, action, data, errs, vec![]).await,
    };
    let result = match &existing {
        Some(id) => {
            state
                .store
                .update_session(writer, id, data.version, input)
                .await
        }
        None => state.store.create_session(writer, input).await,
    };
    match result {
        Ok(d) => Redirect::to(&format!("/sessions/{}", d.session.id)).into_response(),
        Err(StoreError::Invalid(errs)) => {
            form_page(state, page, heading, action, data, errs, vec![]).await
        }
        Err(StoreError::RulesBroken(v)) => {
            form_page(state, page, heading, action, data, vec![], v).await
        }
        Err(StoreError::Conflict { .. }) => {
            let errs = vec![FieldError::new(
                "version",
                "la session a été modifiée entre-temps par quelqu'un d'autre : rechargez la page avant d'enregistrer",
            )];
            form_page(state, page, heading, action, data, errs, vec![]).await
        }
        Err(e) => error_page(&e),
    }
}

async fn create(
    State(state): State<AppState>,
    FormPost(page, data): FormPost<SessionFormData>,
) -> Response {
    save(&state, &page, data, None).await
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormPost(page, mut data): FormPost<SessionFormData>,
) -> Response {
    if let Err(e) = state
        .store
        .ensure_exists(&page.actor, jalon_store::Resource::Session, &id)
        .await
    {
        return error_page(&e);
    }
    data.existing = id.clone();
    save(&state, &page, data, Some(id)).await
}

/// The live feasibility fragment (htmx).
async fn preview(
    State(state): State<AppState>,
    FormPost(page, data): FormPost<SessionFormData>,
) -> Response {
    if let Err(e) = page.actor.writer() {
        return error_page(&e);
    }
    let fragment = match data.to_input() {
        Err(errs) => preview_fragment(None, errs),
        Ok(input) => {
            let existing = Some(data.existing.as_str()).filter(|e| !e.is_empty());
            match state
                .store
                .preview_session(&page.actor, &input, existing)
                .await
            {
                Ok(p) => preview_fragment(Some(&p), Vec::new()),
                Err(StoreError::Invalid(e)) => preview_fragment(None, e),
                Err(e) => return error_page(&e),
            }
        }
    };
    render(&fragment)
}
