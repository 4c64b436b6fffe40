//! Signing in and out, who is signed in, and changing one's own password.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use jalon_store::{Role, UserId};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::auth::{self, Auth, ClientAddr, LoginRefused};
use crate::body::Body;
use crate::error::ApiResult;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Login {
    email: String,
    password: String,
}

/// Who is signed in, and in which centre.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    user_id: Option<UserId>,
    name: String,
    role: Role,
    centre_id: jalon_store::CentreId,
    centre: String,
}

pub(super) async fn me_of(state: &AppState, actor: &jalon_store::Actor) -> ApiResult<Me> {
    Ok(Me {
        user_id: actor.user_id().cloned(),
        name: actor.name().to_owned(),
        role: actor.role(),
        centre_id: actor.centre_id().clone(),
        centre: state.store.centre(actor).await?.name,
    })
}

pub(super) async fn login(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    Body(l): Body<Login>,
) -> ApiResult<impl IntoResponse> {
    let (token, actor) = auth::sign_in(&state, &l.email, &l.password, from)
        .await
        .map_err(refused)?;
    let me = me_of(&state, &actor).await?;
    Ok((
        AppendHeaders([(SET_COOKIE, auth::login_cookie(&token, state.secure_cookies))]),
        Json(json!({"token": token, "me": me})),
    ))
}

fn refused(r: LoginRefused) -> crate::error::ApiError {
    match r {
        LoginRefused::Slowed(secs) => crate::error::ApiError::TooManyAttempts(secs),
        LoginRefused::Store(e) => e.into(),
    }
}

pub(super) async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> ApiResult<impl IntoResponse> {
    if let Some(token) = auth::token(&headers) {
        state.store.logout(&token).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(SET_COOKIE, auth::logout_cookie(state.secure_cookies))]),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Any signed-in user changes their own password (an inspector too); their other logins end.
pub(super) async fn change_password(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    ClientAddr(from): ClientAddr,
    Auth(actor): Auth,
    Body(b): Body<PasswordChange>,
) -> ApiResult<StatusCode> {
    let token = auth::token(&headers).unwrap_or_default();
    auth::change_password(
        &state,
        &actor,
        &b.current_password,
        &b.new_password,
        &token,
        from,
    )
    .await
    .map_err(refused)?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn me(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, &actor).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Forgot {
    email: String,
}

/// « Mot de passe oublié »: 202 and the same sentence whatever the address; the email (if the
/// address has an account, and within the quota) leaves in the background.
pub(super) async fn forgot_password(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    Body(f): Body<Forgot>,
) -> impl IntoResponse {
    crate::ui::ask_reset(&state, &f.email, from);
    (
        StatusCode::ACCEPTED,
        Json(json!({"message": crate::ui::FORGOT_ANSWER})),
    )
}
