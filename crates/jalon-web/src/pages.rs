//! The few pages the server has before the full interface: first run (create the centre and
//! its administrator), sign in, and a home page that says where things are.

use axum::Router;
use axum::extract::{Form, State};
use axum::http::header::{HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jalon_store::users::{MIN_PASSWORD_LEN, NewUser};
use jalon_store::{Role, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::auth;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/setup", post(setup))
        .route("/login", post(login))
        .route("/logout", post(logout))
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;\
color:#1b1b1b;line-height:1.5}h1{font-size:1.6rem}label{display:block;margin-top:1rem;font-weight:600}\
input{display:block;width:100%;padding:.5rem;font-size:1rem;border:1px solid #666;border-radius:4px;box-sizing:border-box}\
input:focus,button:focus{outline:3px solid #0a58ca;outline-offset:2px}button{margin-top:1.5rem;padding:.6rem 1.2rem;\
font-size:1rem;background:#0a3d91;color:#fff;border:0;border-radius:4px;cursor:pointer}\
.error{color:#a4161a;font-weight:600}.note{color:#444}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — Jalon</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

pub fn not_found_page() -> String {
    page(
        "Page introuvable",
        "<h1>Page introuvable</h1><p><a href=\"/\">Retour à l'accueil</a></p>",
    )
}

/// An input with its label and, when there is one, its error announced next to it.
fn field(
    name: &str,
    label: &str,
    kind: &str,
    value: &str,
    error: Option<&str>,
    autocomplete: &str,
) -> String {
    let (aria, msg) = match error {
        Some(e) => (
            format!(" aria-invalid=\"true\" aria-describedby=\"{name}-error\""),
            format!(
                "<p class=\"error\" id=\"{name}-error\" role=\"alert\">{}</p>",
                escape(e)
            ),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "<label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" type=\"{kind}\" \
         value=\"{}\" autocomplete=\"{autocomplete}\" required{aria}>{msg}",
        escape(value)
    )
}

#[derive(Deserialize, Default)]
struct SetupForm {
    #[serde(default)]
    centre: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn setup_page(f: &SetupForm, errors: &[(String, String)]) -> String {
    let err = |k: &str| errors.iter().find(|(f, _)| f == k).map(|(_, m)| m.as_str());
    let general = err("general")
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(
        "Premier démarrage",
        &format!(
            "<h1>Bienvenue dans Jalon</h1><p>Cette base est vide. Créez votre centre et son premier \
             administrateur ; vous pourrez ensuite enregistrer vos titres, agréments, sites et sessions.</p>\
             {general}<form method=\"post\" action=\"/setup\">{}{}{}{}{}<button type=\"submit\">Créer le centre\
             </button></form>",
            field(
                "centre",
                "Nom du centre",
                "text",
                &f.centre,
                err("centre_name"),
                "organization"
            ),
            field(
                "name",
                "Votre nom",
                "text",
                &f.name,
                err("display_name"),
                "name"
            ),
            field(
                "email",
                "Adresse électronique",
                "email",
                &f.email,
                err("email"),
                "email"
            ),
            field(
                "password",
                &format!("Mot de passe ({MIN_PASSWORD_LEN} caractères au moins)"),
                "password",
                "",
                err("password"),
                "new-password"
            ),
            field(
                "password_confirm",
                "Confirmez le mot de passe",
                "password",
                "",
                err("password_confirm"),
                "new-password"
            ),
        ),
    )
}

fn login_page(email: &str, error: Option<&str>) -> String {
    let general = error
        .map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    page(
        "Connexion",
        &format!(
            "<h1>Jalon</h1><p class=\"note\">La chronologie des sessions d'examen de Titre Professionnel.</p>\
             {general}<form method=\"post\" action=\"/login\">{}{}<button type=\"submit\">Se connecter</button></form>",
            field(
                "email",
                "Adresse électronique",
                "email",
                email,
                None,
                "username"
            ),
            field(
                "password",
                "Mot de passe",
                "password",
                "",
                None,
                "current-password"
            ),
        ),
    )
}

/// A form posted from another site is refused: the `Origin` header, when present, must be
/// this server.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match state.store.centre_count().await {
        Ok(0) => return Html(setup_page(&SetupForm::default(), &[])).into_response(),
        Ok(_) => {}
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    }
    let actor = match auth::token(&headers) {
        Some(t) => state.store.authenticate(&t).await.ok().flatten(),
        None => None,
    };
    let Some(actor) = actor else {
        return Html(login_page("", None)).into_response();
    };
    let centre = state
        .store
        .centre(&actor)
        .await
        .map(|c| c.name)
        .unwrap_or_default();
    let sessions = state
        .store
        .sessions(&actor)
        .await
        .map(|s| s.len())
        .unwrap_or(0);
    Html(page(
        "Accueil",
        &format!(
            "<h1>Bonjour {}</h1><p>{} · {} · {sessions} session{}.</p>\
             <p>L'interface des sessions arrive ; en attendant, l'API JSON est décrite par \
             <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>.</p>\
             <form method=\"post\" action=\"/logout\"><button type=\"submit\">Se déconnecter</button></form>",
            escape(actor.name()),
            escape(&centre),
            actor.role().label(),
            if sessions > 1 { "s" } else { "" }
        ),
    ))
    .into_response()
}

async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SetupForm>,
) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            Html(page("Refusé", "<h1>Formulaire refusé</h1>")),
        )
            .into_response();
    }
    match state.store.centre_count().await {
        Ok(0) => {}
        // A centre exists: the first-run page is closed for good.
        Ok(_) => return Redirect::to("/").into_response(),
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    }
    if f.password != f.password_confirm {
        let errors = vec![(
            "password_confirm".to_owned(),
            "les deux mots de passe diffèrent".to_owned(),
        )];
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(setup_page(&f, &errors)),
        )
            .into_response();
    }
    let admin = NewUser {
        email: f.email.clone(),
        display_name: f.name.clone(),
        role: Role::Admin,
        password: f.password.clone(),
    };
    match state.store.create_centre(&f.centre, admin).await {
        Ok(_) => match state.store.login(&f.email, &f.password).await {
            Ok((token, _)) => (
                AppendHeaders([(SET_COOKIE, auth::login_cookie(&token, state.secure_cookies))]),
                Redirect::to("/"),
            )
                .into_response(),
            Err(_) => Redirect::to("/").into_response(),
        },
        Err(StoreError::Invalid(fields)) => {
            let errors: Vec<(String, String)> =
                fields.into_iter().map(|e| (e.field, e.message)).collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Html(setup_page(&f, &errors)),
            )
                .into_response()
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            Html(page("Refusé", "<h1>Formulaire refusé</h1>")),
        )
            .into_response();
    }
    if !state.limiter.check(&f.email) {
        let msg = "Trop de tentatives de connexion : réessayez dans une minute.";
        return (
            StatusCode::TOO_MANY_REQUESTS,
            Html(login_page(&f.email, Some(msg))),
        )
            .into_response();
    }
    match state.store.login(&f.email, &f.password).await {
        Ok((token, _)) => {
            state.limiter.success(&f.email);
            (
                AppendHeaders([(SET_COOKIE, auth::login_cookie(&token, state.secure_cookies))]),
                Redirect::to("/"),
            )
                .into_response()
        }
        Err(StoreError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            Html(login_page(
                &f.email,
                Some("Adresse électronique ou mot de passe incorrect."),
            )),
        )
            .into_response(),
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(t) = auth::token(&headers) {
        let _ = state.store.logout(&t).await;
    }
    (
        AppendHeaders([(SET_COOKIE, auth::logout_cookie(state.secure_cookies))]),
        Redirect::to("/"),
    )
        .into_response()
}
