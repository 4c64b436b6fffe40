//! The pages, server-rendered in French (askama), with htmx for the parts that update in
//! place. Every page is scoped to the signed-in user's centre; every form carries a CSRF
//! token; nothing runs inline (the Content-Security-Policy forbids it).

mod ack;
mod admin;
mod candidates;
mod centre;
mod closing;
pub(crate) mod custody;
mod dashboard;
mod documents;
mod juror_link;
mod jurors;
mod jury;
mod login;
mod password;
pub(crate) use password::{FORGOT_ANSWER, ask_reset};
mod privacy;
mod results;
pub(crate) mod session;
mod session_form;
mod timeline;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jalon_store::{Actor, Role, StoreError};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::{assets, auth, security};

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(password::routes())
        .merge(dashboard::routes())
        .merge(session::routes())
        .merge(closing::routes())
        .merge(session_form::routes())
        .merge(admin::routes())
        .merge(centre::routes())
        .merge(jurors::routes())
        .merge(jury::routes())
        .merge(custody::routes())
        .merge(results::routes())
        .merge(juror_link::routes())
        .merge(ack::routes())
        .merge(privacy::routes())
        .merge(candidates::routes())
        .merge(documents::routes())
}

/// The signed-in user as the header shows them.
pub struct Nav {
    pub name: String,
    pub role: &'static str,
    pub admin: bool,
    pub centre: String,
}

/// What every page's frame needs.
pub struct Layout {
    pub title: String,
    pub css: String,
    pub js: String,
    pub csrf: String,
    pub user: Option<Nav>,
    pub current: &'static str,
}

impl Layout {
    pub fn anonymous(title: &str) -> Layout {
        Layout {
            title: title.to_owned(),
            css: assets::css_path(),
            js: assets::htmx_path(),
            csrf: String::new(),
            user: None,
            current: "",
        }
    }
}

/// A signed-in user on a page: their actor and their CSRF token.
pub struct Page {
    pub actor: Actor,
    pub csrf: String,
    pub centre: String,
}

impl Page {
    pub fn layout(&self, title: &str, current: &'static str) -> Layout {
        Layout {
            title: title.to_owned(),
            css: assets::css_path(),
            js: assets::htmx_path(),
            csrf: self.csrf.clone(),
            user: Some(Nav {
                name: self.actor.name().to_owned(),
                role: self.actor.role().label(),
                admin: self.actor.role() == Role::Admin,
                centre: self.centre.clone(),
            }),
            current,
        }
    }
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let login = || {
            let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let target = if next == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", encode(next))
            };
            Redirect::to(&target).into_response()
        };
        let Some(token) = auth::token(&parts.headers) else {
            return Err(login());
        };
        match state.store.authenticate(&token).await {
            Ok(Some(actor)) => {
                let centre = state
                    .store
                    .centre(&actor)
                    .await
                    .map(|c| c.name)
                    .unwrap_or_default();
                Ok(Page {
                    actor,
                    csrf: security::csrf_token(&token),
                    centre,
                })
            }
            Ok(None) => Err(login()),
            Err(e) => Err(error_page(&e)),
        }
    }
}

/// Percent-encodes a path for a query parameter.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A posted form from a signed-in user: same origin, and the CSRF token (form field `csrf`
/// or header `X-CSRF-Token`, sent by htmx) must match their login.
pub struct FormPost<T>(pub Page, pub T);

#[derive(serde::Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for FormPost<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let page = Page::from_request_parts(&mut parts, state).await?;
        if !security::same_origin(&parts.headers) {
            return Err(forbidden(
                "Ce formulaire vient d'un autre site : il est refusé.",
            ));
        }
        let bytes = axum::body::to_bytes(body, 1024 * 1024)
            .await
            .map_err(|_| forbidden("Formulaire trop volumineux."))?;
        let header = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let field = serde_html_form::from_bytes::<CsrfField>(&bytes)
            .map(|f| f.csrf)
            .unwrap_or_default();
        let given = if field.is_empty() {
            header
        } else {
            field.as_str()
        };
        if !security::same_token(given, &page.csrf) {
            return Err(forbidden(
                "Le formulaire a expiré ou ne vient pas de Jalon : rechargez la page puis recommencez.",
            ));
        }
        // Every text typed passes the boundary of `jalon_core::text`: composed form, no
        // control character nor direction override, one line where one is expected, a
        // length per field.
        let fields = serde_html_form::from_bytes::<Vec<(String, String)>>(&bytes)
            .map_err(|e| bad_request(&format!("Formulaire illisible : {e}")))?;
        let mut kept = Vec::with_capacity(fields.len());
        for (key, value) in fields {
            let value = jalon_core::text::clean(&key, &value)
                .and_then(|v| jalon_core::text::clean("key", &key).map(|_| v))
                .map_err(|p| {
                    unprocessable(&format!(
                        "Champ « {} » : {}. Revenez à la page précédente, où votre saisie est restée, pour le corriger.",
                        field_label(&key),
                        p.message
                    ))
                })?;
            kept.push((key, value));
        }
        let bytes = serde_html_form::to_string(&kept)
            .map_err(|e| bad_request(&format!("Formulaire illisible : {e}")))?;
        let form = serde_html_form::from_str::<T>(&bytes)
            .map_err(|e| bad_request(&format!("Formulaire illisible : {e}")))?;
        Ok(FormPost(page, form))
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    layout: Layout,
    heading: String,
    message: String,
}

/// A page with a heading and a message, as HTML.
pub fn message_page(heading: &str, text: &str) -> Response {
    let page = MessagePage {
        layout: Layout::anonymous(heading),
        heading: heading.to_owned(),
        message: text.to_owned(),
    };
    render(&page)
}

pub fn message_status(status: StatusCode, heading: &str, text: &str) -> Response {
    message(status, heading, text)
}

fn message(status: StatusCode, heading: &str, text: &str) -> Response {
    let page = MessagePage {
        layout: Layout::anonymous(heading),
        heading: heading.to_owned(),
        message: text.to_owned(),
    };
    (status, render(&page)).into_response()
}

pub fn forbidden(text: &str) -> Response {
    message(StatusCode::FORBIDDEN, "Action refusée", text)
}

fn bad_request(text: &str) -> Response {
    message(StatusCode::BAD_REQUEST, "Requête invalide", text)
}

/// A form field's name as the page labels it, for a message about it.
fn field_label(key: &str) -> &str {
    match key.split('.').next().unwrap_or(key) {
        "last_name" => "nom",
        "first_names" => "prénom(s)",
        "name" | "display_name" => "nom",
        "address" => "adresse",
        "postcode" => "code postal",
        "city" => "commune",
        "email" => "adresse électronique",
        "phone" => "téléphone",
        "reason" => "motif",
        "evidence" => "preuve",
        "description" => "description",
        "reference" => "référence",
        "number" | "ceres_number" => "numéro",
        "profession" => "métier",
        "employer" => "employeur",
        "witnesses" => "témoins",
        "place" => "lieu",
        "answer" => "réponse",
        "override_justification" => "justification",
        _ => key,
    }
}

fn unprocessable(text: &str) -> Response {
    message(StatusCode::UNPROCESSABLE_ENTITY, "Saisie refusée", text)
}

pub fn not_found_page(uri: &Uri) -> Response {
    message(
        StatusCode::NOT_FOUND,
        "Page introuvable",
        &format!(
            "Rien ne se trouve à l'adresse {} dans votre centre.",
            uri.path()
        ),
    )
}

/// A store error as a page: 404 for what is not the user's, 403 for what their role forbids.
pub fn error_page(e: &StoreError) -> Response {
    match e {
        StoreError::NotFound { what } => message(
            StatusCode::NOT_FOUND,
            "Introuvable",
            &format!("{} : introuvable dans votre centre.", capitalise(what)),
        ),
        StoreError::Forbidden { reason } => forbidden(&format!("Action réservée : {reason}.")),
        StoreError::Expired(text) => message(StatusCode::GONE, "Lien expiré", text),
        StoreError::Conflict { .. } => message(
            StatusCode::CONFLICT,
            "Modification concurrente",
            &e.to_string(),
        ),
        StoreError::Invalid(_) | StoreError::RulesBroken(_) | StoreError::BadCredentials => {
            message(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Données invalides",
                &e.to_string(),
            )
        }
        _ if e.unwritable().is_some() => {
            tracing::error!(error = %e, "write refused by the database");
            message(
                StatusCode::SERVICE_UNAVAILABLE,
                "Enregistrement impossible",
                &format!(
                    "Rien n'a été enregistré : {}. Réessayez une fois le problème réglé ; \
                     l'administrateur de Jalon est prévenu par les journaux du serveur.",
                    e.unwritable().unwrap_or_default()
                ),
            )
        }
        _ => {
            tracing::error!(error = %e, "page failed");
            message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Erreur interne",
                "Une erreur interne est survenue ; elle est consignée dans les journaux du serveur.",
            )
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A page that could not be served, as the page that says why: handlers return
/// [`PageResult`] and use `?` on the store's errors.
pub struct PageError(Response);

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        PageError(error_page(&e))
    }
}

impl From<Response> for PageError {
    fn from(r: Response) -> PageError {
        PageError(r)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0
    }
}

pub type PageResult<T = Response> = Result<T, PageError>;

pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "erreur interne").into_response()
        }
    }
}

/// A file posted by a page's multipart form (field `field`), after the same checks as every
/// form: this site's origin and the page's CSRF token. Returns its name and bytes, or the
/// refusal to show.
pub(crate) async fn uploaded_file(
    page: &Page,
    headers: &axum::http::HeaderMap,
    mut form: axum::extract::Multipart,
    field: &str,
) -> Result<(String, Vec<u8>), Response> {
    if !crate::security::same_origin(headers) {
        return Err(forbidden(
            "Ce formulaire vient d'un autre site : il est refusé.",
        ));
    }
    let (mut csrf, mut name, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Ok(Some(f)) = form.next_field().await {
        match f.name() {
            Some("csrf") => csrf = f.text().await.unwrap_or_default(),
            Some(n) if n == field => {
                name = jalon_core::text::file_name(f.file_name().unwrap_or(""), "document");
                bytes = f.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            _ => {}
        }
    }
    if !crate::security::same_token(&csrf, &page.csrf) {
        return Err(forbidden(
            "Le formulaire a expiré ou ne vient pas de Jalon : rechargez la page puis recommencez.",
        ));
    }
    Ok((name, bytes))
}

/// The messages of a refused form, as one French sentence (« a ; b »).
pub(crate) fn messages(fields: Vec<jalon_store::FieldError>) -> String {
    fields
        .into_iter()
        .map(|f| f.message)
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// A PDF shown in the browser, with its file name.
pub(crate) fn pdf_response(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A refused form as the lines its page shows (invalid fields, rules broken, a stale
/// version); other errors go up.
pub(crate) fn refusal_lines(e: StoreError) -> Result<Vec<String>, StoreError> {
    match e {
        StoreError::Invalid(f) => Ok(f.into_iter().map(|f| f.message).collect()),
        StoreError::RulesBroken(v) => Ok(v.into_iter().map(|v| v.message).collect()),
        StoreError::Conflict { .. } => Ok(vec![
            "modifié entre-temps par quelqu'un d'autre : voici l'état actuel, recommencez"
                .to_owned(),
        ]),
        other => Err(other),
    }
}
