//! Who is calling: a login token from the `jalon_session` cookie (browsers) or an
//! `Authorization: Bearer` header (scripts), checked against the database.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use jalon_store::Actor;

use crate::AppState;
use crate::error::ApiError;

pub const COOKIE_NAME: &str = "jalon_session";

/// The login token of a request, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    if let Some(bearer) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        return Some(bearer.trim().to_owned());
    }
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
}

/// The `Set-Cookie` value that stores a login (HttpOnly, SameSite=Lax; Secure behind HTTPS).
pub fn login_cookie(token: &str, secure: bool) -> String {
    let max_age = jalon_store::users::LOGIN_ABSOLUTE_LIFETIME.as_secs();
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

pub fn logout_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// An authenticated caller. Handlers that take it answer 401 to anyone else.
pub struct Auth(pub Actor);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        // A browser's cookie rides along with requests from other sites: a change made with
        // it must come from this site (a bearer token cannot be sent by another site).
        let by_cookie = !parts.headers.contains_key(AUTHORIZATION);
        let safe = matches!(
            parts.method,
            axum::http::Method::GET | axum::http::Method::HEAD
        );
        if by_cookie && !safe && !crate::security::same_origin(&parts.headers) {
            return Err(ApiError::Store(jalon_store::StoreError::Forbidden {
                reason: "cette requête vient d'un autre site",
            }));
        }
        match state.store.authenticate(&token).await? {
            Some(actor) => Ok(Auth(actor)),
            None => Err(ApiError::Unauthenticated),
        }
    }
}

/// The address a request comes from: the peer of the connection, or — when Jalon is told it
/// is behind a reverse proxy — the last address the proxy appended to `X-Forwarded-For`.
/// (Tests that call the router directly have no connection: the unspecified address.)
pub struct ClientAddr(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .behind_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
                    .next_back()
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(forwarded.or(peer).unwrap_or(
            std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        )))
    }
}

/// Why a login was refused.
pub enum LoginRefused {
    /// Too many attempts: retry after so many seconds.
    Slowed(u64),
    /// Wrong address or password, or the store failed.
    Store(jalon_store::StoreError),
}

/// Signs in through the throttle, and logs what a security officer needs: failures, slowed
/// attempts (never a password, never a token).
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    from: std::net::IpAddr,
) -> Result<(String, Actor), LoginRefused> {
    let account = email.trim().to_lowercase();
    let account = account.replace(|c: char| c.is_control(), "");
    if let Err((wait, by)) = state.limiter.check(email, from) {
        tracing::warn!(
            target: "jalon::security",
            event = "login_slowed",
            account = %account,
            address = %from,
            by = by.as_str(),
            retry_after_s = wait.0,
            "connexion retardée : trop de tentatives"
        );
        return Err(LoginRefused::Slowed(wait.0));
    }
    match state.store.login(email, password).await {
        Ok(signed) => {
            state.limiter.success(email, from);
            tracing::info!(
                target: "jalon::security",
                event = "login_succeeded",
                account = %account,
                address = %from,
                "connexion réussie"
            );
            Ok(signed)
        }
        Err(e) => {
            if matches!(e, jalon_store::StoreError::BadCredentials) {
                tracing::warn!(
                    target: "jalon::security",
                    event = "login_failed",
                    account = %account,
                    address = %from,
                    "connexion refusée : adresse ou mot de passe incorrect"
                );
            }
            Err(LoginRefused::Store(e))
        }
    }
}

/// Changes the signed-in user's password through the same throttle as the login: guessing
/// the current password from a stolen session is slowed like guessing it at the door.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    current: &str,
    new: &str,
    keep_token: &str,
    from: std::net::IpAddr,
) -> Result<(), LoginRefused> {
    let key = format!(
        "user:{}",
        actor.user_id().map(|u| u.as_str()).unwrap_or_default()
    );
    if let Err((wait, by)) = state.limiter.check(&key, from) {
        tracing::warn!(
            target: "jalon::security",
            event = "password_change_slowed",
            user = %key,
            address = %from,
            by = by.as_str(),
            retry_after_s = wait.0,
            "changement de mot de passe retardé : trop de tentatives"
        );
        return Err(LoginRefused::Slowed(wait.0));
    }
    let result = state
        .store
        .change_password(actor, current, new, keep_token)
        .await;
    let wrong_current = matches!(&result, Err(jalon_store::StoreError::Invalid(errs))
        if errs.iter().any(|e| e.field == "current_password"));
    if wrong_current {
        tracing::warn!(
            target: "jalon::security",
            event = "password_check_failed",
            user = %key,
            address = %from,
            "changement de mot de passe refusé : mot de passe actuel incorrect"
        );
    } else {
        state.limiter.success(&key, from);
    }
    result.map_err(LoginRefused::Store)
}
