//! The pages reached without signing in that set a password: « Mot de passe oublié » (asks
//! an address, always answers the same sentence), the reset link it mails, and the link of an
//! invitation. Each link does one job, once.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use axum::routing::get;
use jalon_store::StoreError;
use serde::Deserialize;

use super::{Layout, error_page, forbidden, message_status, render};
use crate::auth::ClientAddr;
use crate::{AppState, account_mail, auth, security};

/// What « Mot de passe oublié » answers, whatever the address.
pub const FORGOT_ANSWER: &str = "Si un compte existe pour cette adresse, un courriel vient de lui être envoyé \
     avec un lien pour choisir un nouveau mot de passe. Ce lien ne sert qu'une fois et n'est valable \
     qu'une heure ; pensez à regarder dans les courriels indésirables.";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset/{token}", get(reset_page).post(reset))
        .route("/invitation/{token}", get(invitation_page).post(accept))
}

#[derive(Template)]
#[template(path = "account_link.html")]
struct LinkPage {
    layout: Layout,
    heading: String,
    lead: String,
    action: String,
    ask_email: bool,
    email: String,
    button: &'static str,
    errors: Vec<String>,
}

fn link_page(page: LinkPage) -> Response {
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (status, render(&page)).into_response()
}

fn forgot_form() -> LinkPage {
    LinkPage {
        layout: Layout::anonymous("Mot de passe oublié"),
        heading: "Mot de passe oublié".to_owned(),
        lead:
            "Donnez l'adresse électronique de votre compte : vous recevrez un lien pour choisir un \
               nouveau mot de passe."
                .to_owned(),
        action: "/password/forgot".to_owned(),
        ask_email: true,
        email: String::new(),
        button: "Recevoir le lien",
        errors: Vec::new(),
    }
}

async fn forgot_page() -> Response {
    link_page(forgot_form())
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<ForgotForm>,
) -> Response {
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    ask_reset(&state, &f.email, from);
    super::message_page("Mot de passe oublié", FORGOT_ANSWER)
}

/// Asks for a reset email within the quota; the caller answers the same either way.
pub(crate) fn ask_reset(state: &AppState, email: &str, from: std::net::IpAddr) {
    if state.mail_quota.allow(email, from) {
        account_mail::request_reset(state, email.to_owned());
    } else {
        tracing::warn!(%from, "password reset emails over quota: nothing sent");
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn used_up() -> Response {
    message_status(
        StatusCode::GONE,
        "Lien expiré",
        "Ce lien n'est plus valable : il a déjà servi, a expiré ou a été annulé. \
         Pour un nouveau mot de passe, demandez un autre lien depuis « Mot de passe oublié » sur la \
         page de connexion ; pour une invitation, demandez à l'administrateur de votre centre de la \
         renvoyer.",
    )
}

fn reset_form(token: &str, email: &str, errors: Vec<String>) -> LinkPage {
    LinkPage {
        layout: Layout::anonymous("Nouveau mot de passe"),
        heading: "Choisir un nouveau mot de passe".to_owned(),
        lead: format!(
            "Pour le compte {email}. Le choisir met fin à toutes les connexions en cours de ce compte."
        ),
        action: format!("/password/reset/{token}"),
        ask_email: false,
        email: email.to_owned(),
        button: "Enregistrer le mot de passe",
        errors,
    }
}

async fn reset_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.store.reset_link(&token).await {
        Ok(Some(link)) => link_page(reset_form(&token, &link.email, Vec::new())),
        Ok(None) => used_up(),
        Err(e) => error_page(&e),
    }
}

fn problems(e: StoreError) -> Result<Vec<String>, StoreError> {
    match e {
        StoreError::Invalid(p) => Ok(p.into_iter().map(|p| p.message).collect()),
        e => Err(e),
    }
}

async fn reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    let link = match state.store.reset_link(&token).await {
        Ok(Some(link)) => link,
        Ok(None) => return used_up(),
        Err(e) => return error_page(&e),
    };
    if f.password != f.password_confirm {
        let errors = vec!["les deux mots de passe diffèrent".to_owned()];
        return link_page(reset_form(&token, &link.email, errors));
    }
    match state.store.reset_password(&token, &f.password).await {
        Ok(()) => (
            AppendHeaders([(SET_COOKIE, auth::logout_cookie(state.secure_cookies))]),
            super::message_page(
                "Mot de passe changé",
                "Votre nouveau mot de passe est enregistré et toutes vos connexions ont pris fin. \
                 Connectez-vous avec lui depuis la page de connexion (/login).",
            ),
        )
            .into_response(),
        Err(e) => match problems(e) {
            Ok(errors) => link_page(reset_form(&token, &link.email, errors)),
            Err(e) => error_page(&e),
        },
    }
}

fn invitation_form(
    token: &str,
    link: &jalon_store::accounts::AccountLink,
    errors: Vec<String>,
) -> LinkPage {
    LinkPage {
        layout: Layout::anonymous("Invitation"),
        heading: format!("Bienvenue, {}", link.display_name),
        lead: format!(
            "Vous êtes invité(e) à utiliser Jalon pour le centre « {} ». Choisissez votre mot de passe \
             pour créer votre compte ; votre identifiant sera {}.",
            link.centre, link.email
        ),
        action: format!("/invitation/{token}"),
        ask_email: false,
        email: link.email.clone(),
        button: "Créer mon compte",
        errors,
    }
}

async fn invitation_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match state.store.invitation_link(&token).await {
        Ok(Some(link)) => link_page(invitation_form(&token, &link, Vec::new())),
        Ok(None) => used_up(),
        Err(e) => error_page(&e),
    }
}

async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    let link = match state.store.invitation_link(&token).await {
        Ok(Some(link)) => link,
        Ok(None) => return used_up(),
        Err(e) => return error_page(&e),
    };
    if f.password != f.password_confirm {
        let errors = vec!["les deux mots de passe diffèrent".to_owned()];
        return link_page(invitation_form(&token, &link, errors));
    }
    match state.store.accept_invitation(&token, &f.password).await {
        Ok(user) => super::message_page(
            "Compte créé",
            &format!(
                "Votre compte est créé. Connectez-vous depuis la page de connexion (/login) avec \
                 l'adresse {} et le mot de passe que vous venez de choisir.",
                user.email
            ),
        ),
        Err(e) => match problems(e) {
            Ok(errors) => link_page(invitation_form(&token, &link, errors)),
            Err(e) => error_page(&e),
        },
    }
}
