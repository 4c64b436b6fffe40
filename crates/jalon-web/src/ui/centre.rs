//! The centre's settings (administrators): its name and how it is reached, used by the
//! emails to candidates (their sender's name, the address they reply to) and shown to them;
//! its logo, on the letterhead of the documents.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use jalon_core::catalog::CentreSettings;
use jalon_store::{FieldError, StoreError};
use serde::Deserialize;

use super::{FormPost, Layout, Page, PageResult, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/centre", get(show).post(save))
        .route("/admin/centre/logo", get(logo_image).post(upload_logo))
        .route(
            "/admin/centre/logo/remove",
            axum::routing::post(remove_logo),
        )
}

/// The logo as the page shows it: its address (changing with its content) and its weight.
struct LogoView {
    src: String,
    kind: &'static str,
    size: String,
    sha256: String,
}

#[derive(Template)]
#[template(path = "centre.html")]
struct CentrePage {
    layout: Layout,
    form: CentreSettings,
    version: i64,
    errors: Vec<FieldError>,
    notice: Option<String>,
    logo: Option<LogoView>,
    logo_error: Option<String>,
}

impl CentrePage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

#[derive(Deserialize)]
struct Saved {
    #[serde(default)]
    ok: Option<String>,
    #[serde(default)]
    logo: Option<String>,
}

async fn logo_view(state: &AppState, page: &Page) -> Result<Option<LogoView>, StoreError> {
    Ok(state
        .store
        .centre_logo(&page.actor)
        .await?
        .map(|l| LogoView {
            src: format!("/admin/centre/logo?v={}", &l.sha256[..12]),
            kind: if l.media_type == "image/png" {
                "PNG"
            } else {
                "JPEG"
            },
            size: format!("{} Kio", l.bytes.len().div_ceil(1024)),
            sha256: l.sha256,
        }))
}

/// The page, with what the administrator sent back when it was refused.
async fn page_of(
    state: &AppState,
    page: &Page,
    form: Option<(CentreSettings, i64)>,
    errors: Vec<FieldError>,
    logo_error: Option<String>,
) -> Result<CentrePage, StoreError> {
    let (form, version) = match form {
        Some(f) => f,
        None => state.store.centre_settings(&page.actor).await?,
    };
    Ok(CentrePage {
        layout: page.layout("Paramètres du centre", "centre"),
        form,
        version,
        errors,
        notice: None,
        logo: logo_view(state, page).await?,
        logo_error,
    })
}

async fn show(State(state): State<AppState>, page: Page, Query(q): Query<Saved>) -> PageResult {
    page.actor.admin()?;
    let mut view = page_of(&state, &page, None, Vec::new(), None).await?;
    view.notice = match (q.ok, q.logo.as_deref()) {
        (Some(_), _) => Some("Paramètres enregistrés.".to_owned()),
        (_, Some("removed")) => Some("Logo retiré : les documents n'en portent plus.".to_owned()),
        (_, Some(_)) => Some("Logo enregistré : il figure en tête des documents.".to_owned()),
        _ => None,
    };
    Ok(render(&view))
}

/// The logo itself, for the page's preview (anyone of the centre: it heads its documents).
async fn logo_image(State(state): State<AppState>, page: Page) -> PageResult {
    let logo = state
        .store
        .centre_logo(&page.actor)
        .await?
        .ok_or(StoreError::NotFound { what: "logo" })?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, logo.media_type),
            (
                axum::http::header::CACHE_CONTROL,
                "private, max-age=86400".to_owned(),
            ),
        ],
        logo.bytes,
    )
        .into_response())
}

async fn upload_logo(
    State(state): State<AppState>,
    page: Page,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    let admin = page.actor.admin()?;
    let (_, bytes) = match super::uploaded_file(&page, &headers, form, "logo").await {
        Ok(file) => file,
        Err(refused) => return Ok(refused),
    };
    let done = match crate::documents::check_logo(&state, &bytes).await {
        Ok(()) => state.store.set_centre_logo(admin, &bytes).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/admin/centre?logo=set").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let message = super::messages(errors);
            let view = page_of(&state, &page, None, Vec::new(), Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct Nothing {}

async fn remove_logo(
    State(state): State<AppState>,
    FormPost(page, Nothing {}): FormPost<Nothing>,
) -> PageResult {
    match state.store.remove_centre_logo(page.actor.admin()?).await {
        // Already gone (another tab): the page says so by showing none.
        Ok(()) | Err(StoreError::NotFound { .. }) => {
            Ok(Redirect::to("/admin/centre?logo=removed").into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct CentreForm {
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    settings: CentreSettings,
}

async fn save(
    State(state): State<AppState>,
    FormPost(page, f): FormPost<CentreForm>,
) -> PageResult {
    let admin = page.actor.admin()?;
    match state
        .store
        .update_centre_settings(admin, f.version, f.settings.clone())
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/centre?ok").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let view = page_of(&state, &page, Some((f.settings, f.version)), errors, None).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response())
        }
        Err(StoreError::Conflict { .. }) => {
            let errors = vec![FieldError::new(
                "name",
                "ces paramètres ont été modifiés entre-temps : voici leur état actuel, recommencez",
            )];
            let view = page_of(&state, &page, None, errors, None).await?;
            Ok((StatusCode::CONFLICT, render(&view)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
