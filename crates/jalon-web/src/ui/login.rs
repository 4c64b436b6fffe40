//! Signing in and out, and the first-run page that creates the centre and its administrator.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jalon_store::users::{MIN_PASSWORD_LEN, NewUser};
use jalon_store::{Role, StoreError};
use serde::Deserialize;

use super::{Layout, error_page, forbidden, render};
use crate::auth::{ClientAddr, LoginRefused};
use crate::{AppState, auth, security};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/setup", post(setup))
        .route("/account", get(account).post(change_password))
}

/// One input of a simple form, with its label and its error.
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub kind: &'static str,
    pub value: String,
    pub autocomplete: &'static str,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    error: Option<String>,
}

/// Only local paths are followed after signing in.
fn safe_next(next: &str) -> String {
    // Printable ASCII only (browsers drop tabs and newlines, turning « /\t/x » into « //x »).
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic())
    {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/sessions/1?x=2"), "/sessions/1?x=2");
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/a\r\nSet-Cookie: x",
            "/ok space",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

async fn login_page(State(state): State<AppState>, Query(q): Query<NextQuery>) -> Response {
    if let Ok(0) = state.store.centre_count().await {
        return Redirect::to("/").into_response();
    }
    render(&LoginPage {
        layout: Layout::anonymous("Connexion"),
        email: String::new(),
        next: safe_next(&q.next),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Response {
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    let again = |status: StatusCode, msg: &str| {
        let page = LoginPage {
            layout: Layout::anonymous("Connexion"),
            email: f.email.clone(),
            next: safe_next(&f.next),
            error: Some(msg.to_owned()),
        };
        (status, render(&page)).into_response()
    };
    match auth::sign_in(&state, &f.email, &f.password, from).await {
        Err(LoginRefused::Slowed(wait)) => {
            let mut page = again(
                StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Trop de tentatives de connexion : réessayez dans {} seconde{}.",
                    wait,
                    if wait > 1 { "s" } else { "" }
                ),
            );
            page.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, wait.into());
            page
        }
        Ok((token, _)) => (
            AppendHeaders([(SET_COOKIE, auth::login_cookie(&token, state.secure_cookies))]),
            Redirect::to(&safe_next(&f.next)),
        )
            .into_response(),
        Err(LoginRefused::Store(StoreError::BadCredentials)) => again(
            StatusCode::UNAUTHORIZED,
            "Adresse électronique ou mot de passe incorrect.",
        ),
        Err(LoginRefused::Store(e)) => error_page(&e),
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<LogoutForm>,
) -> Response {
    if let Some(t) = auth::token(&headers) {
        // Only the user's own pages can sign them out.
        if !security::same_token(&f.csrf, &security::csrf_token(&t)) {
            return forbidden("Le formulaire a expiré : rechargez la page puis recommencez.");
        }
        let _ = state.store.logout(&t).await;
    }
    (
        AppendHeaders([(SET_COOKIE, auth::logout_cookie(state.secure_cookies))]),
        Redirect::to("/login"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
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

pub fn setup_page(f: &SetupForm, errors: Vec<(String, String)>) -> Response {
    let err = |k: &str| errors.iter().find(|(f, _)| f == k).map(|(_, m)| m.clone());
    let field = |name, label: &str, kind, value: &str, autocomplete, key: &str| Field {
        name,
        label: label.to_owned(),
        hint: String::new(),
        kind,
        value: value.to_owned(),
        autocomplete,
        error: err(key),
    };
    let mut fields = vec![
        field(
            "centre",
            "Nom du centre",
            "text",
            &f.centre,
            "organization",
            "centre_name",
        ),
        field("name", "Votre nom", "text", &f.name, "name", "display_name"),
        field(
            "email",
            "Adresse électronique",
            "email",
            &f.email,
            "email",
            "email",
        ),
        field(
            "password",
            "Mot de passe",
            "password",
            "",
            "new-password",
            "password",
        ),
        field(
            "password_confirm",
            "Confirmez le mot de passe",
            "password",
            "",
            "new-password",
            "password_confirm",
        ),
    ];
    fields[3].hint = format!("{MIN_PASSWORD_LEN} caractères au moins");
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&SetupPage {
            layout: Layout::anonymous("Premier démarrage"),
            fields,
            errors,
        }),
    )
        .into_response()
}

async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<SetupForm>,
) -> Response {
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    match state.store.centre_count().await {
        Ok(0) => {}
        // A centre exists: the first-run page is closed for good.
        Ok(_) => return Redirect::to("/").into_response(),
        Err(e) => return error_page(&e),
    }
    if f.password != f.password_confirm {
        return setup_page(
            &f,
            vec![(
                "password_confirm".to_owned(),
                "les deux mots de passe diffèrent".to_owned(),
            )],
        );
    }
    let admin = NewUser {
        email: f.email.clone(),
        display_name: f.name.clone(),
        role: Role::Admin,
        password: f.password.clone(),
    };
    match state.store.create_first_centre(&f.centre, admin).await {
        Ok(_) => match state.store.login(&f.email, &f.password).await {
            Ok((token, _)) => (
                AppendHeaders([(SET_COOKIE, auth::login_cookie(&token, state.secure_cookies))]),
                Redirect::to("/"),
            )
                .into_response(),
            Err(_) => Redirect::to("/login").into_response(),
        },
        Err(StoreError::Invalid(fields)) => setup_page(
            &f,
            fields.into_iter().map(|e| (e.field, e.message)).collect(),
        ),
        // Someone else created the centre a moment before: the first run is over.
        Err(StoreError::Conflict { .. }) => Redirect::to("/login").into_response(),
        Err(e) => error_page(&e),
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    email: String,
    role: &'static str,
    errors: Vec<jalon_store::FieldError>,
    notice: Option<String>,
}

impl AccountPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

async fn account_page(
    state: &AppState,
    page: &super::Page,
    errors: Vec<jalon_store::FieldError>,
    notice: Option<String>,
) -> Response {
    let email = match page.actor.user_id() {
        Some(id) => state
            .store
            .user(&page.actor, id)
            .await
            .map(|u| u.email)
            .unwrap_or_default(),
        None => String::new(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = AccountPage {
        layout: page.layout("Mon compte", "account"),
        email,
        role: page.actor.role().label(),
        errors,
        notice,
    };
    (status, render(&view)).into_response()
}

#[derive(Deserialize, Default)]
pub struct AccountQuery {
    #[serde(default)]
    ok: String,
}

pub async fn account(
    State(state): State<AppState>,
    page: super::Page,
    Query(q): Query<AccountQuery>,
) -> Response {
    let notice = (!q.ok.is_empty())
        .then(|| "Mot de passe changé ; vos autres connexions ont pris fin.".to_owned());
    account_page(&state, &page, Vec::new(), notice).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    super::FormPost(page, f): super::FormPost<PasswordForm>,
) -> Response {
    if f.new_password != f.confirm_password {
        let e = jalon_store::FieldError::new(
            "confirm_password",
            "les deux nouveaux mots de passe diffèrent",
        );
        return account_page(&state, &page, vec![e], None).await;
    }
    let token = auth::token(&headers).unwrap_or_default();
    let changed = auth::change_password(
        &state,
        &page.actor,
        &f.current_password,
        &f.new_password,
        &token,
        from,
    );
    match changed.await {
        Ok(()) => Redirect::to("/account?ok=1").into_response(),
        Err(LoginRefused::Slowed(wait)) => {
            let e = jalon_store::FieldError::new(
                "current_password",
                format!("trop de tentatives : réessayez dans {wait} s"),
            );
            let mut page = account_page(&state, &page, vec![e], None).await;
            *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
            page.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, wait.into());
            page
        }
        Err(LoginRefused::Store(StoreError::Invalid(errors))) => {
            account_page(&state, &page, errors, None).await
        }
        Err(LoginRefused::Store(e)) => error_page(&e),
    }
}
