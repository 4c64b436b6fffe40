//! The JSON API, version 1. Every route is scoped to the caller's centre; writes require the
//! role that allows them (the store's types see to it).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use jalon_core::MilestoneId;
use jalon_core::candidate::CandidateInput;
use jalon_docs::csv_import::{read_candidates, write_candidates};
use jalon_store::candidates::{Candidate, CheckIn, candidate_index};
use jalon_store::catalog::{Approval, ApprovalInput, Site, SiteInput, Title, TitleInput};
use jalon_store::conformity::SessionConformity;
use jalon_store::journal::JournalEntry;
use jalon_store::schedule::{SessionSchedule, SlotInput};
use jalon_store::sessions::{SessionDetail, SessionInput, SessionMilestone};
use jalon_store::users::{NewUser, User, UserUpdate};
use jalon_store::{ApprovalId, CandidateId, Role, SessionId, SiteId, StoreError, TitleId, UserId};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{self, Auth};
use crate::body::Body;
use crate::error::ApiResult;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", post(change_password))
        .route("/api/v1/sites", get(list_sites).post(create_site))
        .route("/api/v1/sites/{id}", get(get_site).put(update_site))
        .route("/api/v1/titles", get(list_titles).post(create_title))
        .route("/api/v1/titles/{id}", get(get_title).put(update_title))
        .route(
            "/api/v1/approvals",
            get(list_approvals).post(create_approval),
        )
        .route(
            "/api/v1/approvals/{id}",
            get(get_approval).put(update_approval),
        )
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}", get(get_user).put(update_user))
        .route("/api/v1/sessions", get(list_sessions).post(create_session))
        .route(
            "/api/v1/sessions/{id}",
            get(get_session).put(update_session),
        )
        .route("/api/v1/sessions/{id}/duplicate", post(duplicate_session))
        .route("/api/v1/sessions/{id}/cancel", post(cancel_session))
        .route("/api/v1/sessions/{id}/journal", get(session_journal))
        .route(
            "/api/v1/sessions/{id}/candidates",
            get(list_candidates).post(add_candidate),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/import",
            post(import_candidates),
        )
        .route(
            "/api/v1/sessions/{id}/candidates/{candidate}/check-in",
            post(check_in),
        )
        .route("/api/v1/sessions/{id}/convocations", get(list_convocations))
        .route(
            "/api/v1/sessions/{id}/convocations/send",
            post(send_convocations),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/{candidate}",
            axum::routing::put(set_convocation_mode),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/{candidate}/hand-delivery",
            post(hand_delivery),
        )
        .route(
            "/api/v1/sessions/{id}/convocations/{candidate}/document",
            get(get_signed_document).post(attach_signed_document),
        )
        .route(
            "/api/v1/sessions/{id}/candidates.csv",
            get(export_candidates),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/complete",
            post(complete_milestone),
        )
        .route(
            "/api/v1/sessions/{id}/milestones/{milestone}/reopen",
            post(reopen_milestone),
        )
        .route(
            "/api/v1/sessions/{id}/schedule",
            get(get_schedule).put(set_schedule),
        )
        .route(
            "/api/v1/sessions/{id}/documents/{name}",
            get(session_document),
        )
        .route("/api/v1/journal", get(centre_journal))
        .route("/api/v1/check", get(check))
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// A replacement of something that has a version: the version read, and the new content.
#[derive(Deserialize)]
struct Versioned<T> {
    version: i64,
    #[serde(flatten)]
    data: T,
}

// ---- login ---------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct Me {
    user_id: Option<UserId>,
    name: String,
    role: Role,
    centre_id: jalon_store::CentreId,
    centre: String,
}

async fn me_of(state: &AppState, actor: &jalon_store::Actor) -> ApiResult<Me> {
    Ok(Me {
        user_id: actor.user_id().cloned(),
        name: actor.name().to_owned(),
        role: actor.role(),
        centre_id: actor.centre_id().clone(),
        centre: state.store.centre(actor).await?.name,
    })
}

async fn login(
    State(state): State<AppState>,
    Body(l): Body<Login>,
) -> ApiResult<impl IntoResponse> {
    if let Err(wait) = state.limiter.check(&l.email) {
        return Err(crate::error::ApiError::TooManyAttempts(wait.0));
    }
    let (token, actor) = state.store.login(&l.email, &l.password).await?;
    state.limiter.success(&l.email);
    let me = me_of(&state, &actor).await?;
    Ok((
        AppendHeaders([(SET_COOKIE, auth::login_cookie(&token, state.secure_cookies))]),
        Json(json!({"token": token, "me": me})),
    ))
}

async fn logout(
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
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Any signed-in user changes their own password (an inspector too); their other logins end.
async fn change_password(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Auth(actor): Auth,
    Body(b): Body<PasswordChange>,
) -> ApiResult<StatusCode> {
    let token = auth::token(&headers).unwrap_or_default();
    state
        .store
        .change_password(&actor, &b.current_password, &b.new_password, &token)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, &actor).await?))
}

// ---- sites, titles, approvals, users --------------------------------------------------------

async fn list_sites(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<Site>>> {
    Ok(Json(s.store.sites(&a).await?))
}

async fn get_site(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SiteId>,
) -> ApiResult<Json<Site>> {
    Ok(Json(s.store.site(&a, &id).await?))
}

async fn create_site(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<SiteInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_site(a.admin()?, b).await?),
    ))
}

async fn update_site(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SiteId>,
    Body(b): Body<Versioned<SiteInput>>,
) -> ApiResult<Json<Site>> {
    Ok(Json(s.store.update_site(&a, &id, b.version, b.data).await?))
}

async fn list_titles(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<Title>>> {
    Ok(Json(s.store.titles(&a).await?))
}

async fn get_title(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<TitleId>,
) -> ApiResult<Json<Title>> {
    Ok(Json(s.store.title(&a, &id).await?))
}

async fn create_title(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<TitleInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_title(a.admin()?, b).await?),
    ))
}

async fn update_title(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<TitleId>,
    Body(b): Body<Versioned<TitleInput>>,
) -> ApiResult<Json<Title>> {
    Ok(Json(
        s.store.update_title(&a, &id, b.version, b.data).await?,
    ))
}

async fn list_approvals(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<Approval>>> {
    Ok(Json(s.store.approvals(&a).await?))
}

async fn get_approval(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<ApprovalId>,
) -> ApiResult<Json<Approval>> {
    Ok(Json(s.store.approval(&a, &id).await?))
}

async fn create_approval(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<ApprovalInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_approval(a.admin()?, b).await?),
    ))
}

async fn update_approval(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<ApprovalId>,
    Body(b): Body<Versioned<ApprovalInput>>,
) -> ApiResult<Json<Approval>> {
    Ok(Json(
        s.store.update_approval(&a, &id, b.version, b.data).await?,
    ))
}

async fn list_users(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(s.store.users(&a).await?))
}

async fn get_user(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<UserId>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.store.user(&a, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserBody {
    email: String,
    display_name: String,
    role: Role,
    password: String,
}

async fn update_user(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<UserId>,
    Body(b): Body<Versioned<UserUpdate>>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.store.update_user(&a, &id, b.version, b.data).await?))
}

async fn create_user(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<UserBody>,
) -> ApiResult<impl IntoResponse> {
    let new = NewUser {
        email: b.email,
        display_name: b.display_name,
        role: b.role,
        password: b.password,
    };
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_user(a.admin()?, new).await?),
    ))
}

// ---- sessions ------------------------------------------------------------------------------

async fn list_sessions(
    State(s): State<AppState>,
    Auth(a): Auth,
) -> ApiResult<Json<Vec<SessionDetail>>> {
    Ok(Json(s.store.sessions(&a).await?))
}

async fn get_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<SessionDetail>> {
    Ok(Json(s.store.open_session(&a, &id).await?.into_detail()))
}

async fn create_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Body(b): Body<SessionInput>,
) -> ApiResult<impl IntoResponse> {
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_session(a.writer()?, b).await?),
    ))
}

async fn update_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<Versioned<SessionInput>>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .update_session(h.writer()?, b.version, b.data)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Duplicate {
    start: Date,
    #[serde(default)]
    end: Option<Date>,
    #[serde(default)]
    override_justification: Option<String>,
}

async fn duplicate_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<Duplicate>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let copy = s
        .store
        .duplicate_session(h.writer()?, b.start, b.end, b.override_justification)
        .await?;
    Ok((StatusCode::CREATED, Json(copy)))
}

async fn cancel_session(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<WithReason>,
) -> ApiResult<Json<SessionDetail>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .cancel_session(h.writer()?, b.version, &b.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Complete {
    version: i64,
    evidence: String,
    #[serde(default)]
    override_justification: Option<String>,
}

async fn complete_milestone(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    Body(b): Body<Complete>,
) -> ApiResult<Json<SessionMilestone>> {
    let h = s.store.open_session(&a, &id).await?;
    let m = s
        .store
        .complete_milestone(
            h.writer()?,
            &milestone,
            b.version,
            &b.evidence,
            b.override_justification.as_deref(),
        )
        .await?;
    Ok(Json(m))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WithReason {
    version: i64,
    reason: String,
}

async fn reopen_milestone(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    Body(b): Body<WithReason>,
) -> ApiResult<Json<SessionMilestone>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .reopen_milestone(h.writer()?, &milestone, b.version, &b.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
struct JournalQuery {
    #[serde(default)]
    limit: Option<i64>,
}

async fn session_journal(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Query(q): Query<JournalQuery>,
) -> ApiResult<Json<Vec<JournalEntry>>> {
    // 404 for a session of another centre, not an empty list.
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        s.store
            .session_journal(&h, q.limit.unwrap_or(200).clamp(1, 1000))
            .await?,
    ))
}

async fn centre_journal(
    State(s): State<AppState>,
    Auth(a): Auth,
    Query(q): Query<JournalQuery>,
) -> ApiResult<Json<Vec<JournalEntry>>> {
    Ok(Json(
        s.store
            .journal(&a, q.limit.unwrap_or(200).clamp(1, 1000))
            .await?,
    ))
}

async fn list_candidates(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Vec<Candidate>>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.candidates(&h).await?))
}

async fn add_candidate(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(b): Body<CandidateInput>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(s.store.add_candidate(h.writer()?, b).await?),
    ))
}

#[derive(Serialize)]
struct Convocations {
    convocations: Vec<jalon_store::convocations::Convocation>,
    /// Who is missing what for `convocations.send`, one French line per candidate.
    missing: Vec<String>,
}

async fn list_convocations(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<Convocations>> {
    let h = s.store.open_session(&a, &id).await?;
    let (convocations, missing) =
        tokio::try_join!(s.store.convocations(&h), s.store.convocations_missing(&h))?;
    Ok(Json(Convocations {
        convocations,
        missing,
    }))
}

/// Emails the convocations still to send, each once, with its personal link.
async fn send_convocations(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<crate::mailer::SendReport>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(
        crate::mailer::send_convocations(&s, h.writer()?).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModeBody {
    mode: jalon_store::convocations::Mode,
}

async fn set_convocation_mode(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<ModeBody>,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    s.store
        .set_convocation_mode(h.writer()?, &candidate, b.mode)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn hand_delivery(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    s.store
        .record_hand_delivery(h.writer()?, &candidate)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed document as the body (a PDF or an image), its name in `X-File-Name`.
async fn attach_signed_document(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let h = s.store.open_session(&a, &id).await?;
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("document-signe");
    s.store
        .attach_signed_document(h.writer()?, &candidate, name, &body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_signed_document(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let (name, kind, bytes) = s.store.signed_document(&h, &candidate).await?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, kind),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckInBody {
    version: i64,
    present: bool,
    #[serde(default)]
    identity_checked: bool,
    #[serde(default)]
    convocation_presented: bool,
    #[serde(default)]
    signed: bool,
    /// The signature drawn on a tablet: a PNG in base64 (optionally as a `data:` URL).
    #[serde(default)]
    signature_png: Option<String>,
}

async fn check_in(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    Body(b): Body<CheckInBody>,
) -> ApiResult<Json<Candidate>> {
    let h = s.store.open_session(&a, &id).await?;
    let check = CheckIn {
        present: b.present,
        identity_checked: b.identity_checked,
        convocation_presented: b.convocation_presented,
        signed: b.signed,
    };
    let signature = crate::body::drawn_signature(b.signature_png.as_deref().unwrap_or(""))
        .map_err(|e| StoreError::invalid("signature_png", e))?;
    Ok(Json(
        s.store
            .check_in_with_signature(
                h.writer()?,
                &candidate,
                b.version,
                check,
                signature.as_deref(),
            )
            .await?,
    ))
}

#[derive(Deserialize)]
struct ImportQuery {
    #[serde(default)]
    dry_run: bool,
}

/// A CSV file as the body (any content type): all lines valid and new, or nothing written;
/// every error with its line number.
async fn import_candidates(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Query(q): Query<ImportQuery>,
    body: axum::body::Bytes,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let writer = h.writer()?;
    let report = read_candidates(&body, s.store.today());
    let refuse = |errors: Vec<String>| {
        let body = json!({
            "error": "validation",
            "message": format!("{} erreur(s) : rien n'a été importé", errors.len()),
            "errors": errors,
        });
        (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
    };
    if !report.is_valid() {
        return Ok(refuse(report.errors()));
    }
    match s
        .store
        .import_candidates(writer, report.candidates(), q.dry_run)
        .await
    {
        Ok(outcome) => Ok(Json(json!({
            "imported": outcome.imported,
            "dry_run": outcome.dry_run,
            "encoding": report.encoding,
            "ignored_columns": report.ignored_columns,
        }))
        .into_response()),
        Err(StoreError::Invalid(fields)) => Ok(refuse(
            fields
                .iter()
                .map(
                    |f| match candidate_index(&f.field).and_then(|i| report.lines.get(i - 1)) {
                        Some(l) => format!("ligne {} : {}", l.line, f.message),
                        None => f.message.clone(),
                    },
                )
                .collect(),
        )),
        Err(e) => Err(e.into()),
    }
}

async fn export_candidates(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<impl IntoResponse> {
    let h = s.store.open_session(&a, &id).await?;
    let list = s.store.candidates(&h).await?;
    let inputs: Vec<_> = list.into_iter().map(|c| c.input).collect();
    // A BOM, so that Excel reads the accents right.
    let csv = format!("\u{feff}{}", write_candidates(&inputs));
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"candidats-{id}.csv\""),
            ),
        ],
        csv,
    ))
}

#[derive(Serialize)]
struct Check {
    sessions: Vec<SessionConformity>,
}

async fn check(State(s): State<AppState>, Auth(a): Auth) -> ApiResult<Json<Check>> {
    Ok(Json(Check {
        sessions: s.store.conformity(&a).await?,
    }))
}

async fn get_schedule(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
) -> ApiResult<Json<SessionSchedule>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.schedule(&h).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleBody {
    /// One per épreuve of the title, in its order.
    slots: Vec<SlotInput>,
}

async fn set_schedule(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path(id): Path<SessionId>,
    Body(body): Body<ScheduleBody>,
) -> ApiResult<Json<SessionSchedule>> {
    let h = s.store.open_session(&a, &id).await?;
    Ok(Json(s.store.set_schedule(h.writer()?, &body.slots).await?))
}

#[derive(Deserialize)]
struct DocumentQuery {
    /// Only this candidate's convocation.
    candidate: Option<CandidateId>,
}

/// `convocations.pdf` (all, or `?candidate=ID`), `convocations.zip` (one PDF each),
/// `affichage.pdf` (candidates and schedule, to post), `emargement.pdf` (sign-in sheets).
async fn session_document(
    State(s): State<AppState>,
    Auth(a): Auth,
    Path((id, name)): Path<(SessionId, String)>,
    Query(q): Query<DocumentQuery>,
) -> ApiResult<axum::response::Response> {
    use jalon_docs::pdf::Kind;
    let (kind, zip) = match name.as_str() {
        "convocations.pdf" => (Kind::Convocation, false),
        "convocations.zip" => (Kind::Convocation, true),
        "affichage.pdf" => (Kind::Posting, false),
        "emargement.pdf" => (Kind::SignIn, false),
        _ => return Err(StoreError::NotFound { what: "document" }.into()),
    };
    let h = s.store.open_session(&a, &id).await?;
    let data = crate::documents::session_document(&s.store, &h, q.candidate.as_ref()).await?;
    if kind == Kind::Convocation && data.candidates.is_empty() {
        return Err(StoreError::invalid(
            "candidates",
            "aucun candidat n'est inscrit : il n'y a pas de convocation à produire",
        )
        .into());
    }
    let file = match (&q.candidate, data.candidates.first()) {
        (Some(_), Some(c)) if !zip => jalon_docs::pdf::file_name("convocation", c),
        _ => name.clone(),
    };
    let (bytes, media) = if zip {
        (
            crate::documents::render_zip(s.docs.clone(), data).await?,
            "application/zip",
        )
    } else {
        (
            crate::documents::render(s.docs.clone(), kind, data).await?,
            "application/pdf",
        )
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
