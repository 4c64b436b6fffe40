//! The candidates of a session: the list (with late registrations and accommodations), one
//! candidate added by hand, a CSV file imported after a preview that shows every line's
//! errors before anything is written, and the CSV export.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jalon_core::candidate::{AccessRoute, CandidateInput};
use jalon_core::fr;
use jalon_docs::csv_import::{ImportReport, read_candidates};
use jalon_store::candidates::{Candidate, Presence, candidate_index};
use jalon_store::convocations::Mode;
use jalon_store::{CandidateId, FieldError, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use super::dashboard::session_dates;
use super::{FormPost, Layout, Page, error_page, forbidden, render};
use crate::{AppState, security};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/candidates", get(list).post(add))
        .route("/sessions/{id}/candidates/preview", post(preview))
        .route("/sessions/{id}/candidates/import", post(import))
        .route("/sessions/{id}/checkin", get(checkin))
        .route("/sessions/{id}/convocations/send", post(send_emails))
        .route(
            "/sessions/{id}/convocations/{candidate}/mode",
            post(set_mode),
        )
        .route("/sessions/{id}/convocations/{candidate}/hand", post(hand))
        .route(
            "/sessions/{id}/convocations/{candidate}/document",
            post(document),
        )
        .route("/sessions/{id}/checkin/{candidate}", post(check_in))
        .route(
            "/sessions/{id}/checkin/{candidate}/signature.png",
            get(signature_image),
        )
}

pub struct Row {
    pub name: String,
    pub born: String,
    pub contact: String,
    pub route: &'static str,
    pub accommodation: String,
    pub late: bool,
    pub presence: &'static str,
}

pub struct PreviewLine {
    pub line: usize,
    pub name: String,
    pub problems: Vec<String>,
}

#[derive(Template)]
#[template(path = "candidates.html")]
struct CandidatesPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    rows: Vec<Row>,
    can_write: bool,
    notice: Option<String>,
    /// The form to add one candidate, as typed, and its errors.
    form: AddForm,
    errors: Vec<FieldError>,
    /// A previewed file: its lines, its errors, and the text to import on confirmation.
    preview: Option<Preview>,
    convocations: Vec<ConvocationRow>,
    missing: Vec<String>,
    modes: Vec<(&'static str, &'static str)>,
}

pub struct Preview {
    pub file_errors: Vec<String>,
    pub lines: Vec<PreviewLine>,
    pub valid: bool,
    pub count: usize,
    pub csv: String,
    pub encoding: &'static str,
    pub ignored: String,
}

impl CandidatesPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct AddForm {
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    first_names: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    access_route: String,
    #[serde(default)]
    training_end: String,
    #[serde(default)]
    accommodation: String,
    #[serde(default)]
    accommodation_granted_by: String,
    #[serde(default)]
    accommodation_plan: String,
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    ok: String,
}

fn row(c: &Candidate) -> Row {
    let i = &c.input;
    Row {
        name: format!("{} {}", i.last_name.to_uppercase(), i.first_names),
        born: i.birth_date.map(fr::short_date).unwrap_or_default(),
        contact: [i.email.as_str(), i.phone.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
        route: i.access_route.label(),
        accommodation: if i.accommodation.is_empty() {
            String::new()
        } else {
            let by = if i.accommodation_granted_by.is_empty() {
                String::new()
            } else {
                format!(" (accordé par {})", i.accommodation_granted_by)
            };
            let plan = if i.accommodation_plan.is_empty() {
                String::new()
            } else {
                format!(" — prévu : {}", i.accommodation_plan)
            };
            format!("{}{by}{plan}", i.accommodation)
        },
        late: c.late_registration,
        presence: match c.presence {
            Presence::Expected => "attendu",
            Presence::Present => "présent",
            Presence::Absent => "absent",
        },
    }
}

async fn page(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    form: AddForm,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
    notice: Option<String>,
) -> Response {
    let list = match state.store.candidates(session).await {
        Ok(l) => l,
        Err(e) => return error_page(&e),
    };
    let (convocations, missing) = match convocation_rows(state, session, &list).await {
        Ok(x) => x,
        Err(e) => return error_page(&e),
    };
    let status = if errors.is_empty() && preview.as_ref().is_none_or(|p| p.valid) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let s = session.session();
    let view = CandidatesPage {
        layout: page.layout(&format!("Candidats — {}", s.title_name), "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        rows: list.iter().map(row).collect(),
        can_write: page.actor.writer().is_ok(),
        notice,
        form,
        errors,
        preview,
        convocations,
        missing,
        modes: Mode::ALL.iter().map(|m| (m.as_str(), m.label())).collect(),
    };
    (status, render(&view)).into_response()
}

async fn list(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    Query(n): Query<Notice>,
) -> Response {
    let notice = match n.ok.as_str() {
        "" => None,
        "1" => Some("Candidat inscrit.".to_owned()),
        count => Some(format!("{count} candidats inscrits.")),
    };
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    page(
        &state,
        &p,
        &session,
        AddForm::default(),
        Vec::new(),
        None,
        notice,
    )
    .await
}

fn to_input(f: &AddForm, errs: &mut Vec<FieldError>) -> CandidateInput {
    let date = |field: &'static str, v: &str, errs: &mut Vec<FieldError>| {
        if v.trim().is_empty() {
            return None;
        }
        fr::parse_date(v)
            .map_err(|e| errs.push(FieldError::new(field, e)))
            .ok()
    };
    let birth_date = date("birth_date", &f.birth_date, errs);
    let training_end = date("training_end", &f.training_end, errs);
    let access_route = match f.access_route.as_str() {
        "vae" => AccessRoute::Vae,
        "apprenticeship" => AccessRoute::Apprenticeship,
        _ => AccessRoute::Training,
    };
    CandidateInput {
        last_name: f.last_name.clone(),
        first_names: f.first_names.clone(),
        birth_date,
        email: f.email.clone(),
        phone: f.phone.clone(),
        access_route,
        training_end,
        accommodation: f.accommodation.clone(),
        accommodation_granted_by: f.accommodation_granted_by.clone(),
        accommodation_plan: f.accommodation_plan.clone(),
        ..Default::default()
    }
}

async fn add(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<AddForm>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    let mut errs = Vec::new();
    let input = to_input(&f, &mut errs);
    let birth_typed = !f.birth_date.trim().is_empty();
    if !errs.is_empty() {
        return page(&state, &p, &session, f, errs, None, None).await;
    }
    match state.store.add_candidate(writer, input).await {
        Ok(_) => Redirect::to(&format!("/sessions/{id}/candidates?ok=1")).into_response(),
        Err(StoreError::Invalid(mut fields)) => {
            // A date that did not parse is reported once.
            if birth_typed {
                fields.retain(|e| e.field != "birth_date" || !e.message.contains("obligatoire"));
            }
            page(&state, &p, &session, f, fields, None, None).await
        }
        Err(e) => error_page(&e),
    }
}

/// Checks the file against the session too (candidates already registered), without writing.
async fn check(
    state: &AppState,
    session: &SessionHandle<'_>,
    report: &ImportReport,
    csv: String,
) -> Preview {
    let mut lines: Vec<PreviewLine> = report
        .lines
        .iter()
        .map(|l| PreviewLine {
            line: l.line,
            name: l.candidate.display(),
            problems: l.problems.clone(),
        })
        .collect();
    let mut file_errors = report.file_errors.clone();
    if report.is_valid()
        && let Ok(w) = session.writer()
        && let Err(e) = state
            .store
            .import_candidates(w, report.candidates(), true)
            .await
    {
        match e {
            StoreError::Invalid(fields) => {
                for f in fields {
                    match candidate_index(&f.field).and_then(|i| lines.get_mut(i - 1)) {
                        Some(l) => l.problems.push(f.message),
                        None => file_errors.push(f.message),
                    }
                }
            }
            other => file_errors.push(other.to_string()),
        }
    }
    let valid = file_errors.is_empty() && lines.iter().all(|l| l.problems.is_empty());
    Preview {
        count: lines.len(),
        valid,
        file_errors,
        lines,
        csv,
        encoding: report.encoding,
        ignored: report.ignored_columns.join(", "),
    }
}

/// The uploaded file, checked, shown before anything is written.
async fn preview(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    p: Page,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    if let Err(e) = session.writer() {
        return error_page(&e);
    }
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    let (mut csrf, mut bytes) = (String::new(), Vec::new());
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
            _ => {}
        }
    }
    if !security::same_token(&csrf, &p.csrf) {
        return forbidden(
            "Le formulaire a expiré ou ne vient pas de Jalon : rechargez la page puis recommencez.",
        );
    }
    let report = read_candidates(&bytes, state.store.today());
    // The text kept for confirmation is the decoded file, re-read identically on import.
    let csv = jalon_docs::csv_import::write_candidates(&report.candidates());
    let preview = check(&state, &session, &report, csv).await;
    page(
        &state,
        &p,
        &session,
        AddForm::default(),
        Vec::new(),
        Some(preview),
        None,
    )
    .await
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    csv: String,
}

/// Imports a previewed file, all or nothing.
async fn import(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<ImportForm>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    let report = read_candidates(f.csv.as_bytes(), state.store.today());
    if report.is_valid()
        && let Ok(outcome) = state
            .store
            .import_candidates(writer, report.candidates(), false)
            .await
    {
        return Redirect::to(&format!(
            "/sessions/{id}/candidates?ok={}",
            outcome.imported
        ))
        .into_response();
    }
    // Something changed since the preview (someone registered the same person): show why.
    let preview = check(&state, &session, &report, f.csv.clone()).await;
    page(
        &state,
        &p,
        &session,
        AddForm::default(),
        Vec::new(),
        Some(preview),
        None,
    )
    .await
}

pub struct CheckInRow {
    pub id: String,
    pub name: String,
    pub born: String,
    pub accommodation: String,
    pub presence: &'static str,
    pub state: &'static str,
    pub identity_checked: bool,
    pub convocation_presented: bool,
    pub signed: bool,
    pub drawn_signature: bool,
    pub done: Option<String>,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckInPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    rows: Vec<CheckInRow>,
    can_write: bool,
    summary: String,
    error: Option<String>,
    signature_js: String,
    /// The day's welcome and épreuves: « Lundi 14 décembre 2026 : accueil à 8 h ; … ».
    day: Option<String>,
}

async fn checkin_page(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    error: Option<String>,
) -> Response {
    let (list, schedule) = match tokio::try_join!(
        state.store.candidates(session),
        state.store.schedule(session),
    ) {
        Ok(x) => x,
        Err(e) => return error_page(&e),
    };
    let present = list
        .iter()
        .filter(|c| c.presence == Presence::Present)
        .count();
    let absent = list
        .iter()
        .filter(|c| c.presence == Presence::Absent)
        .count();
    let rows = list
        .iter()
        .map(|c| CheckInRow {
            id: c.id.to_string(),
            name: format!(
                "{} {}",
                c.input.last_name.to_uppercase(),
                c.input.first_names
            ),
            born: c.input.birth_date.map(fr::short_date).unwrap_or_default(),
            accommodation: c.input.accommodation.clone(),
            presence: row(c).presence,
            state: match c.presence {
                Presence::Present if c.identity_checked && c.signed => "done",
                Presence::Present => "soon",
                Presence::Absent => "na",
                Presence::Expected => "todo",
            },
            identity_checked: c.identity_checked,
            convocation_presented: c.convocation_presented,
            signed: c.signed,
            drawn_signature: c.drawn_signature,
            done: c.checked_in_at.as_ref().map(|at| {
                format!(
                    "par {} le {}",
                    c.checked_in_by.clone().unwrap_or_default(),
                    super::session::when(*at)
                )
            }),
            version: c.version,
        })
        .collect();
    let s = session.session();
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let view = CheckInPage {
        layout: p.layout(&format!("Accueil — {}", s.title_name), "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        summary: format!(
            "{present} présent{} · {absent} absent{} · {} à accueillir",
            if present > 1 { "s" } else { "" },
            if absent > 1 { "s" } else { "" },
            list.len() - present - absent
        ),
        rows,
        can_write: p.actor.writer().is_ok(),
        error,
        signature_js: crate::assets::signature_path(),
        day: day_programme(&schedule.slots, state.store.today()),
    };
    (status, render(&view)).into_response()
}

/// What the day holds for the person at the welcome: today's épreuves, or those of the
/// session's next day (its first, before it starts).
fn day_programme(slots: &[jalon_core::schedule::Slot], today: jiff::civil::Date) -> Option<String> {
    use jalon_core::schedule;
    let days = schedule::days(slots);
    let day = days
        .iter()
        .find(|d| **d >= today)
        .or(days.last())
        .copied()?;
    let welcome = schedule::welcome_time(slots, day)?;
    let epreuves: Vec<String> = slots
        .iter()
        .filter(|s| s.date == day)
        .map(|s| format!("{} {} – {}", s.name, fr::time(s.start), fr::time(s.end())))
        .collect();
    let mut date = fr::long_date(day);
    if let Some(first) = date.get(..1) {
        date = first.to_uppercase() + &date[1..];
    }
    Some(format!(
        "{date} : accueil à {} ; {}.",
        fr::time(welcome),
        epreuves.join(" ; ")
    ))
}

async fn checkin(State(state): State<AppState>, p: Page, Path(id): Path<SessionId>) -> Response {
    match state.store.open_session(&p.actor, &id).await {
        Ok(session) => checkin_page(&state, &p, &session, None).await,
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
struct CheckInForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    present: String,
    #[serde(default)]
    identity_checked: Option<String>,
    #[serde(default)]
    convocation_presented: Option<String>,
    #[serde(default)]
    signed: Option<String>,
    /// The signature drawn on the tablet: `data:image/png;base64,…`, or empty.
    #[serde(default)]
    signature: String,
}

async fn check_in(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<CheckInForm>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    let check = jalon_store::candidates::CheckIn {
        present: f.present == "1",
        identity_checked: f.identity_checked.is_some(),
        convocation_presented: f.convocation_presented.is_some(),
        signed: f.signed.is_some(),
    };
    let signature = match crate::body::drawn_signature(&f.signature) {
        // A drawing left on the pad of a candidate marked absent is not a signature.
        Ok(_) if !check.present => None,
        Ok(s) => s,
        Err(e) => {
            return checkin_page(
                &state,
                &p,
                &session,
                Some(format!("Rien n'a été enregistré : {e}.")),
            )
            .await;
        }
    };
    match state
        .store
        .check_in_with_signature(writer, &candidate, f.version, check, signature.as_deref())
        .await
    {
        Ok(_) => Redirect::to(&format!("/sessions/{id}/checkin#c-{candidate}")).into_response(),
        Err(StoreError::Conflict { .. }) => {
            let msg = "Ce candidat vient d'être pointé par quelqu'un d'autre : la liste est à jour, vérifiez puis recommencez.";
            checkin_page(&state, &p, &session, Some(msg.to_owned())).await
        }
        Err(StoreError::Invalid(fields)) => {
            let msg = fields
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ; ");
            checkin_page(
                &state,
                &p,
                &session,
                Some(format!("Rien n'a été enregistré : {msg}.")),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}

async fn signature_image(
    State(state): State<AppState>,
    p: Page,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    match state.store.drawn_signature(&session, &candidate).await {
        Ok(png) => (
            [
                (axum::http::header::CONTENT_TYPE, "image/png"),
                (axum::http::header::CACHE_CONTROL, "private, no-store"),
            ],
            png,
        )
            .into_response(),
        Err(e) => error_page(&e),
    }
}

pub struct ConvocationRow {
    pub candidate_id: String,
    pub name: String,
    pub mode: String,
    pub state: &'static str,
    pub status: String,
    pub hand_pending: bool,
    pub accepts_document: bool,
    pub document: Option<String>,
}

/// The convocations section of the candidates page: each candidate's mode and proof.
pub async fn convocation_rows(
    state: &AppState,
    session: &SessionHandle<'_>,
    list: &[Candidate],
) -> Result<(Vec<ConvocationRow>, Vec<String>), StoreError> {
    let (convocations, missing) = tokio::try_join!(
        state.store.convocations(session),
        state.store.convocations_missing(session)
    )?;
    let rows = list
        .iter()
        .map(|c| {
            let v = convocations.iter().find(|v| v.candidate_id == c.id);
            let missing = match v {
                None => Some("aucun mode de convocation choisi"),
                Some(v) => v.missing(),
            };
            let status = match (v, missing) {
                (_, Some(m)) => m.to_owned(),
                (Some(v), None) => match (&v.hand_signed_at, &v.read_at) {
                    (Some(at), _) => {
                        format!("remise contre signature le {}", super::session::when(*at))
                    }
                    (_, Some(at)) => format!("lue le {}", super::session::when(*at)),
                    _ => "document signé reçu".to_owned(),
                },
                (None, None) => String::new(),
            };
            ConvocationRow {
                candidate_id: c.id.to_string(),
                name: format!(
                    "{} {}",
                    c.input.last_name.to_uppercase(),
                    c.input.first_names
                ),
                mode: v.map_or(String::new(), |v| v.mode.as_str().to_owned()),
                state: if missing.is_none() { "done" } else { "todo" },
                status,
                hand_pending: v.is_some_and(|v| v.mode == Mode::Hand && v.hand_signed_at.is_none()),
                accepts_document: v
                    .is_some_and(|v| matches!(v.mode, Mode::Hand | Mode::EmailSignedReturn)),
                document: v.and_then(|v| v.document_name.clone()),
            }
        })
        .collect();
    Ok((rows, missing))
}

#[derive(Deserialize)]
struct ModeForm {
    #[serde(default)]
    mode: String,
}

async fn set_mode(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<ModeForm>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    let Some(mode) = Mode::parse(&f.mode) else {
        return redirect_convocations(&id, &candidate);
    };
    match state
        .store
        .set_convocation_mode(writer, &candidate, mode)
        .await
    {
        Ok(()) => redirect_convocations(&id, &candidate),
        Err(e) => error_page(&e),
    }
}

#[derive(Deserialize)]
struct Empty {}

async fn hand(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, _): FormPost<Empty>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    match state.store.record_hand_delivery(writer, &candidate).await {
        Ok(()) => redirect_convocations(&id, &candidate),
        Err(e) => error_page(&e),
    }
}

async fn document(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    p: Page,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    if !security::same_origin(&headers) {
        return forbidden("Ce formulaire vient d'un autre site : il est refusé.");
    }
    let (mut csrf, mut name, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("document") => {
                name = field.file_name().unwrap_or("document").to_owned();
                bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            _ => {}
        }
    }
    if !security::same_token(&csrf, &p.csrf) {
        return forbidden(
            "Le formulaire a expiré ou ne vient pas de Jalon : rechargez la page puis recommencez.",
        );
    }
    match state
        .store
        .attach_signed_document(writer, &candidate, &name, &bytes)
        .await
    {
        Ok(()) => redirect_convocations(&id, &candidate),
        Err(StoreError::Invalid(fields)) => {
            let msg = fields
                .into_iter()
                .map(|f| f.message)
                .collect::<Vec<_>>()
                .join(" ; ");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                super::message_page("Document refusé", &msg),
            )
                .into_response()
        }
        Err(e) => error_page(&e),
    }
}

fn redirect_convocations(id: &SessionId, candidate: &CandidateId) -> Response {
    Redirect::to(&format!("/sessions/{id}/candidates#conv-{candidate}")).into_response()
}

async fn send_emails(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, _): FormPost<Empty>,
) -> Response {
    let session = match state.store.open_session(&p.actor, &id).await {
        Ok(s) => s,
        Err(e) => return error_page(&e),
    };
    if let Err(e) = session.writer() {
        return error_page(&e);
    }
    let writer = match session.writer() {
        Ok(w) => w,
        Err(e) => return error_page(&e),
    };
    match crate::mailer::send_convocations(&state, writer).await {
        Ok(r) => {
            let mut notice = match r.sent {
                0 => "Aucun courriel à envoyer.".to_owned(),
                1 => "1 convocation envoyée par courriel.".to_owned(),
                n => format!("{n} convocations envoyées par courriel."),
            };
            if !r.failed.is_empty() {
                notice.push_str(&format!(" Échecs : {}.", r.failed.join(" ; ")));
            }
            if !r.without_address.is_empty() {
                notice.push_str(&format!(
                    " Sans adresse électronique : {}.",
                    r.without_address.join(" ; ")
                ));
            }
            page(
                &state,
                &p,
                &session,
                AddForm::default(),
                Vec::new(),
                None,
                Some(notice),
            )
            .await
        }
        Err(e) => error_page(&e),
    }
}
