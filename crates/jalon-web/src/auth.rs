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
    let max_age = jalon_store::users::SESSION_LIFETIME.as_secs();
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
