//! What an administrator records once: sites, titles, approvals and users. Another
//! centre's are not found; writes are refused to anyone but an administrator.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jalon_store::accounts::{Invitation, NewInvitation};
use jalon_store::catalog::{Approval, Site, Title};
use jalon_store::users::User;
use jalon_store::{ApprovalId, Role, SiteId, StoreError, TitleId, UserId};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::body::Body;
use crate::error::ApiResult;

use super::Versioned;
use super::dto::{ApprovalBody, SiteBody, TitleBody, UserUpdateBody};

pub(super) async fn list_sites(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<Site>>> {
    Ok(Json(s.store.sites(&a).await?))
}

pub(super) async fn get_site(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SiteId>,
) -> ApiResult<Json<Site>> {
    Ok(Json(s.store.site(&a, &id).await?))
}

pub(super) async fn create_site(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<SiteBody>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_site(a.admin()?, b.into()).await?),
    ))
}

pub(super) async fn update_site(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SiteId>,
    Body(b): Body<Versioned<SiteBody>>,
) -> ApiResult<Json<Site>> {
    Ok(Json(
        s.store
            .update_site(&a, &id, b.version, b.data.into())
            .await?,
    ))
}

pub(super) async fn list_titles(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<Title>>> {
    Ok(Json(s.store.titles(&a).await?))
}

pub(super) async fn get_title(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<TitleId>,
) -> ApiResult<Json<Title>> {
    Ok(Json(s.store.title(&a, &id).await?))
}

pub(super) async fn create_title(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<TitleBody>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_title(a.admin()?, b.into()).await?),
    ))
}

pub(super) async fn update_title(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<TitleId>,
    Body(b): Body<Versioned<TitleBody>>,
) -> ApiResult<Json<Title>> {
    Ok(Json(
        s.store
            .update_title(&a, &id, b.version, b.data.into())
            .await?,
    ))
}

pub(super) async fn list_approvals(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<Approval>>> {
    Ok(Json(s.store.approvals(&a).await?))
}

pub(super) async fn get_approval(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<ApprovalId>,
) -> ApiResult<Json<Approval>> {
    Ok(Json(s.store.approval(&a, &id).await?))
}

pub(super) async fn create_approval(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<ApprovalBody>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_approval(a.admin()?, b.into()).await?),
    ))
}

pub(super) async fn update_approval(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<ApprovalId>,
    Body(b): Body<Versioned<ApprovalBody>>,
) -> ApiResult<Json<Approval>> {
    Ok(Json(
        s.store
            .update_approval(&a, &id, b.version, b.data.into())
            .await?,
    ))
}

pub(super) async fn list_users(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(s.store.users(&a).await?))
}

pub(super) async fn get_user(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<UserId>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.store.user(&a, &id).await?))
}

/// A person to invite (administrator): they choose their password through the link mailed
/// to them.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    email: String,
    display_name: String,
    role: Role,
}

pub(super) async fn update_user(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<UserId>,
    Body(b): Body<Versioned<UserUpdateBody>>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        s.store
            .update_user(&a, &id, b.version, b.data.into())
            .await?,
    ))
}

/// Invites a person: 202 and the pending invitation, alike whether or not the address has an
/// account in another centre (the email, link or notice, leaves in the background).
pub(super) async fn create_user(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<UserInput>,
) -> ApiResult<impl IntoResponse> {
    let new = NewInvitation {
        email: b.email,
        display_name: b.display_name,
        role: b.role,
    };
    let invited = s.store.invite_user(a.admin()?, new).await?;
    let invitation = invited.invitation.clone();
    crate::account_mail::send_invitation(&s, invited);
    Ok((StatusCode::ACCEPTED, Json(invitation)))
}

/// The centre's pending invitations; everyone of the centre reads them, as they read its users.
pub(super) async fn list_invitations(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<Invitation>>> {
    Ok(Json(s.store.invitations(&a).await?))
}

/// Not found unless the invitation is pending in the actor's centre (before any role check).
async fn pending(s: &AppState, a: &jalon_store::Actor, id: &str) -> ApiResult<()> {
    if s.store.invitations(a).await?.iter().any(|i| i.id == id) {
        Ok(())
    } else {
        Err(jalon_store::StoreError::NotFound { what: "invitation" }.into())
    }
}

pub(super) async fn resend_invitation(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    pending(&s, &a, &id).await?;
    let invited = s.store.resend_invitation(a.admin()?, &id).await?;
    let invitation = invited.invitation.clone();
    crate::account_mail::send_invitation(&s, invited);
    Ok((StatusCode::ACCEPTED, Json(invitation)))
}

pub(super) async fn cancel_invitation(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    pending(&s, &a, &id).await?;
    s.store.cancel_invitation(a.admin()?, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize)]
pub(super) struct CentreView {
    #[serde(flatten)]
    settings: jalon_core::catalog::CentreSettings,
    version: i64,
}

pub(super) async fn get_centre(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<CentreView>> {
    let (settings, version) = s.store.centre_settings(&a).await?;
    Ok(Json(CentreView { settings, version }))
}

pub(super) async fn get_logo(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<axum::response::Response> {
    let logo = s
        .store
        .centre_logo(&a)
        .await?
        .ok_or(StoreError::NotFound { what: "logo" })?;
    let ext = if logo.media_type == "image/png" {
        "png"
    } else {
        "jpg"
    };
    Ok(super::download(
        &format!("logo.{ext}"),
        logo.media_type,
        logo.bytes,
    ))
}

/// The body is the image itself (PNG or JPEG); it is decoded as the documents will before
/// it is kept.
pub(super) async fn set_logo(
    State(s): State<AppState>,
    Auth(a): Auth,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let admin = a.admin()?;
    crate::documents::check_logo(&s, &body).await?;
    s.store.set_centre_logo(admin, &body).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn remove_logo(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<StatusCode> {
    s.store.remove_centre_logo(a.admin()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn update_centre(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<Versioned<jalon_core::catalog::CentreSettings>>,
) -> ApiResult<Json<CentreView>> {
    let settings = s
        .store
        .update_centre_settings(a.admin()?, b.version, b.data)
        .await?;
    let (_, version) = s.store.centre_settings(&a).await?;
    Ok(Json(CentreView { settings, version }))
}

pub(super) async fn list_jurors(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<jalon_store::jurors::Juror>>> {
    Ok(Json(s.store.jurors(&a).await?))
}

pub(super) async fn get_juror(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<jalon_store::JurorId>,
) -> ApiResult<Json<jalon_store::jurors::Juror>> {
    Ok(Json(s.store.juror(&a, &id).await?))
}

pub(super) async fn create_juror(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<jalon_core::jury::JurorInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_juror(a.writer()?, b).await?),
    ))
}

pub(super) async fn update_juror(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<jalon_store::JurorId>,
    Body(b): Body<super::Versioned<jalon_core::jury::JurorInput>>,
) -> ApiResult<Json<jalon_store::jurors::Juror>> {
    // Not found in another centre before any refusal of the role.
    s.store.juror(&a, &id).await?;
    Ok(Json(
        s.store
            .update_juror(a.writer()?, &id, b.version, b.data)
            .await?,
    ))
}
