//! The centre's settings (administrators): its name and how it is reached, used by the
//! emails to candidates (their sender's name, the address they reply to) and shown to them.

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
    Router::new().route("/admin/centre", get(show).post(save))
}

#[derive(Template)]
#[template(path = "centre.html")]
struct CentrePage {
    layout: Layout,
    form: CentreSettings,
    version: i64,
    errors: Vec<FieldError>,
    notice: Option<String>,
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
}

async fn show(State(state): State<AppState>, page: Page, Query(q): Query<Saved>) -> PageResult {
    page.actor.admin()?;
    let (form, version) = state.store.centre_settings(&page.actor).await?;
    Ok(render(&CentrePage {
        layout: page.layout("Paramètres du centre", "centre"),
        form,
        version,
        errors: Vec::new(),
        notice: q.ok.map(|_| "Paramètres enregistrés.".to_owned()),
    }))
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
        Err(StoreError::Invalid(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&CentrePage {
                layout: page.layout("Paramètres du centre", "centre"),
                form: f.settings,
                version: f.version,
                errors,
                notice: None,
            }),
        )
            .into_response()),
        Err(StoreError::Conflict { .. }) => {
            let (form, version) = state.store.centre_settings(&page.actor).await?;
            Ok((
                StatusCode::CONFLICT,
                render(&CentrePage {
                    layout: page.layout("Paramètres du centre", "centre"),
                    form,
                    version,
                    errors: vec![FieldError::new(
                        "name",
                        "ces paramètres ont été modifiés entre-temps : voici leur état actuel, recommencez",
                    )],
                    notice: None,
                }),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
