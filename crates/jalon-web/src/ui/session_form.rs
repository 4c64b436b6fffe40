//! Creating and editing a session, with live feasibility: as the title, approval and dates
//! are chosen, the form shows the resulting deadlines and which rule would be broken, before
//! anything is saved.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::milestone::{MilestoneId, ids};
use jalon_core::{Kind, fr};
use jalon_store::sessions::{Preview, SessionInput};
use jalon_store::{Actor, FieldError, Role, RuleViolation, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use super::dashboard::Choice;
use super::{FormPost, Layout, Page, PageResult, render};
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
    ceres_created_on: String,
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
        let ceres_created_on = date("ceres_created_on", &self.ceres_created_on, false, &mut errs);
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
                title_id: self.title_id.as_str().into(),
                approval_id: opt(&self.approval_id).map(Into::into),
                site_id: self.site_id.as_str().into(),
                kind,
                start,
                end,
                ceres_number: opt(&self.ceres_number),
                ceres_created_on,
                manager_id: opt(&self.manager_id).map(Into::into),
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
    warnings: Vec<jalon_core::Warning>,
    errors: Vec<FieldError>,
}

/// The milestones a manager decides on when choosing dates.
const KEY_MILESTONES: [MilestoneId; 8] = [
    ids::TITLE_CHECK_EXPIRY,
    ids::CERES_CREATE_SESSION,
    ids::CANDIDATES_REGISTER,
    ids::CONVOCATIONS_SEND,
    ids::DTE_RECEIVE,
    ids::DTE_CHASE_AFPA,
    ids::PREP_COMPLIANCE,
    ids::CLOSE_TRANSMIT,
];

fn preview_fragment(p: Option<&Preview>, errors: Vec<FieldError>) -> PreviewFragment {
    let rows = p
        .map(|p| {
            p.milestones
                .iter()
                .filter(|m| m.applicable && KEY_MILESTONES.contains(&m.id))
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
        warnings: p.map(|p| p.warnings.clone()).unwrap_or_default(),
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
) -> PageResult {
    let actor: &Actor = &page.actor;
    let (titles, approvals, sites, users) = tokio::try_join!(
        state.store.titles(actor),
        state.store.approvals(actor),
        state.store.sites(actor),
        state.store.users(actor)
    )?;
    let choice = |id: &str, name: String, selected: &str| Choice {
        id: id.to_owned(),
        name,
        selected: id == selected,
    };
    let existing = existing(state, actor, &data.existing).await?;
    let preview = match data.to_input() {
        Ok(input) => {
            match state
                .store
                .preview_session(actor, &input, existing.as_ref())
                .await
            {
                Ok(p) => preview_fragment(Some(&p), Vec::new()),
                Err(StoreError::Invalid(e)) => preview_fragment(None, e),
                Err(e) => return Err(e.into()),
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
                    t.id.as_str(),
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
                    a.id.as_str(),
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
            .map(|s| {
                choice(
                    s.id.as_str(),
                    format!("{} ({})", s.name, s.city),
                    &data.site_id,
                )
            })
            .collect(),
        managers: users
            .iter()
            .filter(|u| u.active && u.role != Role::Inspector)
            .map(|u| choice(u.id.as_str(), u.display_name.clone(), &data.manager_id))
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
    Ok((status, render(&view)).into_response())
}

async fn new_form(State(state): State<AppState>, page: Page) -> PageResult {
    page.actor.writer()?;
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

/// The session being edited, if any (another centre's is not found).
async fn existing<'a>(
    state: &AppState,
    actor: &'a Actor,
    id: &str,
) -> Result<Option<SessionHandle<'a>>, StoreError> {
    if id.is_empty() {
        return Ok(None);
    }
    Ok(Some(state.store.open_session(actor, &id.into()).await?))
}

async fn edit_form(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    session.writer()?;
    let s = session.into_detail().session;
    let data = SessionFormData {
        title_id: s.title_id.to_string(),
        approval_id: s.approval_id.map(|a| a.to_string()).unwrap_or_default(),
        site_id: s.site_id.to_string(),
        kind: s.kind.as_str().to_owned(),
        start: s.start.to_string(),
        end: s.end.to_string(),
        ceres_number: s.ceres_number.unwrap_or_default(),
        ceres_created_on: s
            .ceres_created_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
        manager_id: s.manager_id.map(|m| m.to_string()).unwrap_or_default(),
        override_justification: String::new(),
        version: s.version,
        existing: s.id.to_string(),
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
    existing: Option<&SessionHandle<'_>>,
) -> PageResult {
    let refused = match existing {
        Some(h) => h.writer().err(),
        None => page.actor.writer().err(),
    };
    if let Some(e) = refused {
        return Err(e.into());
    }
    let (heading, action) = match existing {
        Some(h) => ("Modifier la session", format!("/sessions/{}/edit", h.id())),
        None => ("Nouvelle session", "/sessions/new".to_owned()),
    };
    let input = match data.to_input() {
        Ok(i) => i,
        Err(errs) => return form_page(state, page, heading, action, data, errs, vec![]).await,
    };
    let result = match existing.map(SessionHandle::writer) {
        Some(Ok(w)) => state.store.update_session(w, data.version, input).await,
        Some(Err(e)) => Err(e),
        None => match page.actor.writer() {
            Ok(w) => state.store.create_session(w, input).await,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("/sessions/{}", d.session.id)).into_response()),
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
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    FormPost(page, data): FormPost<SessionFormData>,
) -> PageResult {
    save(&state, &page, data, None).await
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(page, mut data): FormPost<SessionFormData>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    data.existing = id.to_string();
    save(&state, &page, data, Some(&session)).await
}

/// The live feasibility fragment (htmx).
async fn preview(
    State(state): State<AppState>,
    FormPost(page, data): FormPost<SessionFormData>,
) -> PageResult {
    page.actor.writer()?;
    let existing = existing(&state, &page.actor, &data.existing).await?;
    let fragment = match data.to_input() {
        Err(errs) => preview_fragment(None, errs),
        Ok(input) => {
            match state
                .store
                .preview_session(&page.actor, &input, existing.as_ref())
                .await
            {
                Ok(p) => preview_fragment(Some(&p), Vec::new()),
                Err(StoreError::Invalid(e)) => preview_fragment(None, e),
                Err(e) => return Err(e.into()),
            }
        }
    };
    Ok(render(&fragment))
}
