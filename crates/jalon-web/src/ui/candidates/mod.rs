//! The candidates of a session: the list (with late registrations and accommodations), one
//! candidate added by hand, a CSV file imported after a preview that shows every line's
//! errors before anything is written, and the CSV export.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::candidate::{AccessRoute, CandidateInput};
use jalon_core::fr;
use jalon_docs::csv_import::{ImportReport, read_candidates};
use jalon_store::candidates::{Candidate, Presence, candidate_index};
use jalon_store::convocations::Mode;
use jalon_store::{CandidateId, FieldError, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use super::dashboard::session_dates;
use super::{FormPost, Layout, Page, PageResult, forbidden, render};
use crate::{AppState, security};

mod checkin;
mod convocations;

use convocations::{ConvocationRow, convocation_rows};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/candidates", get(list).post(add))
        .route("/sessions/{id}/candidates/preview", post(preview))
        .route("/sessions/{id}/candidates/import", post(import))
        .route(
            "/sessions/{id}/candidates/{candidate}/edit",
            get(edit_form).post(edit),
        )
        .route(
            "/sessions/{id}/candidates/{candidate}/withdraw",
            post(withdraw),
        )
        .route("/sessions/{id}/candidates/represent", post(represent))
        .merge(checkin::routes())
        .merge(convocations::routes())
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub born: String,
    pub contact: String,
    pub route: &'static str,
    pub accommodation: String,
    /// Where the accommodation's request to the departmental service stands, and whether
    /// it is late.
    pub request: Option<(String, bool)>,
    pub late: bool,
    pub presence: &'static str,
}

pub struct PreviewLine {
    pub line: usize,
    pub name: String,
    /// « jose@exemple.fr », or « sans courriel ».
    pub email: String,
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
    /// Those who withdrew: who, when, why.
    withdrawn: Vec<String>,
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
    /// The signature pad, for a receipt signed on the tablet.
    signature_js: String,
    /// Candidates of earlier sessions of the same title who may be presented again: (their
    /// session, the candidate, « ARNAUD Léa — non obtenu le … — 2 nouvelles présentations
    /// jusqu'au … »).
    again: Vec<(String, String, String)>,
}

pub struct Preview {
    pub file_errors: Vec<String>,
    pub lines: Vec<PreviewLine>,
    pub valid: bool,
    pub count: usize,
    pub csv: String,
    pub encoding: &'static str,
    pub ignored: String,
    /// The import was asked without acknowledging the ignored columns.
    pub ack_error: Option<String>,
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
    /// « 1 » when the candidate comes by capitalisation of their CCPs.
    #[serde(default)]
    capitalisation: String,
    #[serde(default)]
    training_end: String,
    #[serde(default)]
    accommodation: String,
    #[serde(default)]
    accommodation_granted_by: String,
    #[serde(default)]
    accommodation_plan: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    civility: String,
    /// « tiers-temps », « 1/3 », « 30 min », or empty.
    #[serde(default)]
    extra_time: String,
    /// The épreuves the extra time applies to; all when none is ticked.
    #[serde(default)]
    extra_time_epreuves: Vec<String>,
    #[serde(default)]
    accommodation_reference: String,
    #[serde(default)]
    accommodation_decided_on: String,
    #[serde(default)]
    accommodation_requested_on: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    employer_siret: String,
    #[serde(default)]
    trained_by: String,
    #[serde(default)]
    trained_by_siret: String,
    /// The title's épreuves, for the form's choices (not posted).
    #[serde(skip)]
    epreuve_choices: Vec<String>,
    /// When correcting: the version read.
    #[serde(default)]
    version: i64,
}

impl AddForm {
    /// The form filled with what is known of a candidate.
    fn of(c: &Candidate) -> AddForm {
        let i = &c.input;
        AddForm {
            last_name: i.last_name.clone(),
            first_names: i.first_names.clone(),
            birth_date: i.birth_date.map(fr::short_date).unwrap_or_default(),
            email: i.email.clone(),
            phone: i.phone.clone(),
            access_route: i.access_route.as_str().to_owned(),
            capitalisation: if i.capitalisation { "1" } else { "" }.to_owned(),
            training_end: i.training_end.map(fr::short_date).unwrap_or_default(),
            accommodation: i.accommodation.clone(),
            accommodation_granted_by: i.accommodation_granted_by.clone(),
            accommodation_plan: i.accommodation_plan.clone(),
            address: i.address.clone(),
            postcode: i.postcode.clone(),
            city: i.city.clone(),
            civility: i.civility.clone(),
            extra_time: i.extra_time.map(|e| e.label()).unwrap_or_default(),
            extra_time_epreuves: i.extra_time_epreuves.clone(),
            accommodation_reference: i.accommodation_reference.clone(),
            accommodation_decided_on: i
                .accommodation_decided_on
                .map(fr::short_date)
                .unwrap_or_default(),
            accommodation_requested_on: i
                .accommodation_requested_on
                .map(fr::short_date)
                .unwrap_or_default(),
            employer: i.employer.clone(),
            employer_siret: i.employer_siret.clone(),
            trained_by: i.trained_by.clone(),
            trained_by_siret: i.trained_by_siret.clone(),
            epreuve_choices: Vec::new(),
            version: c.version,
        }
    }

    /// The extra time applies to `epreuve` (ticked, or none ticked).
    fn extra_applies(&self, epreuve: &str) -> bool {
        self.extra_time_epreuves.iter().any(|e| e == epreuve)
    }
}

/// The names of the session's title's épreuves, in order.
async fn epreuve_names(
    state: &AppState,
    session: &SessionHandle<'_>,
) -> Result<Vec<String>, StoreError> {
    let title = state
        .store
        .title(session.actor(), &session.session().title_id)
        .await?;
    Ok(title
        .structure
        .epreuves
        .into_iter()
        .map(|e| e.name)
        .collect())
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    ok: String,
    /// After sending convocations by email: how many were sent, failed, had no address.
    #[serde(default)]
    envoyees: Option<usize>,
    #[serde(default)]
    echecs: usize,
    #[serde(default)]
    sans_adresse: usize,
    /// After choosing a mode for several candidates: how many changed.
    #[serde(default)]
    modes: Option<usize>,
}

impl Notice {
    /// What the last sending did, as the page says it.
    fn sent(&self) -> Option<String> {
        let sent = self.envoyees?;
        let mut notice = match sent {
            0 => "Aucun courriel envoyé.".to_owned(),
            1 => "1 convocation envoyée par courriel.".to_owned(),
            n => format!("{n} convocations envoyées par courriel."),
        };
        let plural = |n: usize| if n > 1 { "s" } else { "" };
        if self.echecs > 0 {
            notice.push_str(&format!(
                " {} échec{} d'envoi : voir l'état de chaque convocation ci-dessous.",
                self.echecs,
                plural(self.echecs)
            ));
        }
        if self.sans_adresse > 0 {
            notice.push_str(&format!(
                " {} candidat{} sans adresse électronique.",
                self.sans_adresse,
                plural(self.sans_adresse)
            ));
        }
        Some(notice)
    }
}

pub(super) fn row(c: &Candidate) -> Row {
    let i = &c.input;
    Row {
        id: c.id.to_string(),
        name: format!("{} {}", i.last_name.to_uppercase(), i.first_names),
        born: i.birth_date.map(fr::short_date).unwrap_or_default(),
        contact: [i.email.as_str(), i.phone.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · "),
        route: if i.capitalisation {
            "capitalisation des CCP"
        } else {
            i.access_route.label()
        },
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
            let extra = i
                .extra_time
                .map(|e| {
                    let on = if i.extra_time_epreuves.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", i.extra_time_epreuves.join(", "))
                    };
                    format!(" — temps supplémentaire : {}{on}", e.label())
                })
                .unwrap_or_default();
            format!("{}{by}{plan}{extra}", i.accommodation)
        },
        request: None,
        late: c.late_registration,
        presence: match c.presence {
            Presence::Expected => "attendu",
            Presence::Present => "présent",
            Presence::Absent => "absent",
        },
    }
}

pub(super) async fn page(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    mut form: AddForm,
    errors: Vec<FieldError>,
    preview: Option<Preview>,
    notice: Option<String>,
) -> PageResult {
    form.epreuve_choices = epreuve_names(state, session).await?;
    let all = state.store.all_candidates(session).await?;
    let (list, gone): (Vec<Candidate>, Vec<Candidate>) =
        all.into_iter().partition(|c| c.withdrawal.is_none());
    let (convocations, missing) = convocation_rows(state, session, &list).await?;
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
        rows: {
            let due = state
                .store
                .rules()
                .accommodation_request_by(session.session().start);
            let today = state.store.today();
            list.iter()
                .map(|c| Row {
                    request: c
                        .input
                        .accommodation_request(due, today)
                        .map(|r| (r.text, r.late)),
                    ..row(c)
                })
                .collect()
        },
        withdrawn: gone
            .iter()
            .filter_map(|c| {
                let w = c.withdrawal.as_ref()?;
                Some(format!(
                    "{} — désistement le {} : {}",
                    c.input.display(),
                    fr::long_date(w.on),
                    w.reason
                ))
            })
            .collect(),
        can_write: page.actor.writer().is_ok(),
        notice,
        form,
        errors,
        preview,
        convocations,
        missing,
        modes: Mode::ALL.iter().map(|m| (m.as_str(), m.label())).collect(),
        signature_js: crate::assets::signature_path(),
        again: if page.actor.writer().is_ok() {
            again_rows(state, session).await?
        } else {
            Vec::new()
        },
    };
    Ok((status, render(&view)).into_response())
}

/// The candidates of the same title, in sessions ended before this one, who may be presented
/// again in it.
async fn again_rows(
    state: &AppState,
    session: &SessionHandle<'_>,
) -> Result<Vec<(String, String, String)>, StoreError> {
    let s = session.session();
    let here: Vec<String> = state
        .store
        .candidates(session)
        .await?
        .iter()
        .map(|c| c.input.short_name())
        .collect();
    let sessions = state.store.sessions(session.actor()).await?;
    Ok(state
        .store
        .eligible_again(session.actor())
        .await?
        .into_iter()
        .filter(|e| !here.contains(&e.name))
        .filter_map(|e| {
            let from = sessions.iter().find(|d| d.session.id == e.session_id)?;
            (from.session.title_id == s.title_id && from.session.end < s.start).then(|| {
                (
                    e.session_id.to_string(),
                    e.candidate_id.to_string(),
                    format!(
                        "{} — {} à la session du {} — {}",
                        e.name,
                        e.decision,
                        fr::long_date(from.session.start),
                        e.left
                    ),
                )
            })
        })
        .collect())
}

#[derive(serde::Deserialize)]
struct RepresentForm {
    from_session: SessionId,
    candidate: jalon_store::CandidateId,
}

/// Presents again a candidate of an earlier session: registered here, linked to their first
/// presentation; a refusal says why on the page.
async fn represent(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<RepresentForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let w = session.writer()?;
    let from = state.store.open_session(&p.actor, &f.from_session).await?;
    match state
        .store
        .represent_candidate(w, &from, &f.candidate)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/candidates?ok=1")).into_response()),
        Err(e) => {
            let errors = crate::ui::refusal_lines(e)?
                .into_iter()
                .map(|m| FieldError::new("represent", m))
                .collect();
            page(&state, &p, &session, AddForm::default(), errors, None, None).await
        }
    }
}

async fn list(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    Query(n): Query<Notice>,
) -> PageResult {
    let notice = match n.ok.as_str() {
        "" if n.modes.is_some() => n.modes.map(|m| match m {
            0 => "Aucun mode de convocation n'a changé.".to_owned(),
            1 => "Mode de convocation choisi pour 1 candidat.".to_owned(),
            m => format!("Mode de convocation choisi pour {m} candidats."),
        }),
        "" => n.sent(),
        "modifie" => Some("Candidat corrigé.".to_owned()),
        "desiste" => Some(
            "Désistement enregistré : le candidat ne figure plus sur les documents ni à l'accueil."
                .to_owned(),
        ),
        "1" => Some("Candidat inscrit.".to_owned()),
        count => Some(format!("{count} candidats inscrits.")),
    };
    let session = state.store.open_session(&p.actor, &id).await?;
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
    let accommodation_decided_on = date(
        "accommodation_decided_on",
        &f.accommodation_decided_on,
        errs,
    );
    let accommodation_requested_on = date(
        "accommodation_requested_on",
        &f.accommodation_requested_on,
        errs,
    );
    let extra_time = match f.extra_time.trim() {
        "" => None,
        typed => jalon_core::timetable::Extra::parse(typed)
            .map_err(|e| errs.push(FieldError::new("extra_time", e)))
            .ok(),
    };
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
        capitalisation: !f.capitalisation.is_empty(),
        training_end,
        accommodation: f.accommodation.clone(),
        accommodation_granted_by: f.accommodation_granted_by.clone(),
        accommodation_plan: f.accommodation_plan.clone(),
        address: f.address.clone(),
        postcode: f.postcode.clone(),
        city: f.city.clone(),
        civility: f.civility.clone(),
        extra_time,
        extra_time_epreuves: f.extra_time_epreuves.clone(),
        accommodation_reference: f.accommodation_reference.clone(),
        accommodation_decided_on,
        accommodation_requested_on,
        employer: f.employer.clone(),
        employer_siret: f.employer_siret.clone(),
        trained_by: f.trained_by.clone(),
        trained_by_siret: f.trained_by_siret.clone(),
    }
}

async fn add(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<AddForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let mut errs = Vec::new();
    let input = to_input(&f, &mut errs);
    let birth_typed = !f.birth_date.trim().is_empty();
    if !errs.is_empty() {
        return page(&state, &p, &session, f, errs, None, None).await;
    }
    match state.store.add_candidate(writer, input).await {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/candidates?ok=1")).into_response()),
        Err(StoreError::Invalid(mut fields)) => {
            // A date that did not parse is reported once.
            if birth_typed {
                fields.retain(|e| e.field != "birth_date" || !e.message.contains("obligatoire"));
            }
            page(&state, &p, &session, f, fields, None, None).await
        }
        Err(e) => Err(e.into()),
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
            email: if l.candidate.email.is_empty() {
                "sans courriel".to_owned()
            } else {
                l.candidate.email.clone()
            },
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
        ack_error: None,
    }
}

/// The uploaded file, checked, shown before anything is written.
async fn preview(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    p: Page,
    headers: HeaderMap,
    mut form: Multipart,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    session.writer()?;
    if !security::same_origin(&headers) {
        return Ok(forbidden(
            "Ce formulaire vient d'un autre site : il est refusé.",
        ));
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
        return Ok(forbidden(
            "Le formulaire a expiré ou ne vient pas de Jalon : rechargez la page puis recommencez.",
        ));
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
    /// The columns of the file that are not imported, as the preview listed them…
    #[serde(default)]
    ignored: String,
    /// …and the box ticked to say they were seen.
    #[serde(default)]
    ignored_ack: Option<String>,
}

/// Imports a previewed file, all or nothing.
async fn import(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<ImportForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let report = read_candidates(f.csv.as_bytes(), state.store.today());
    let acknowledged = f.ignored.trim().is_empty() || f.ignored_ack.is_some();
    if !acknowledged {
        let mut preview = check(&state, &session, &report, f.csv.clone()).await;
        preview.ignored = f.ignored.clone();
        preview.ack_error = Some(
            "Cochez la case pour confirmer que ces colonnes peuvent être ignorées : rien n'a été enregistré."
                .to_owned(),
        );
        let response = page(
            &state,
            &p,
            &session,
            AddForm::default(),
            Vec::new(),
            Some(preview),
            None,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response());
    }
    if report.is_valid()
        && let Ok(outcome) = state
            .store
            .import_candidates(writer, report.candidates(), false)
            .await
    {
        return Ok(Redirect::to(&format!(
            "/sessions/{id}/candidates?ok={}",
            outcome.imported
        ))
        .into_response());
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

#[derive(Template)]
#[template(path = "candidate_edit.html")]
struct EditPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    candidate_id: String,
    name: String,
    form: AddForm,
    errors: Vec<FieldError>,
    /// The withdrawal form: the day as typed, the reason, and its error.
    withdraw_on: String,
    withdraw_reason: String,
    withdraw_error: Option<String>,
}

impl EditPage {
    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }
}

/// The correction page of one candidate, with the withdrawal below.
async fn edit_page(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    candidate: &Candidate,
    mut form: AddForm,
    errors: Vec<FieldError>,
    withdrawal: (String, String, Option<String>),
) -> PageResult {
    form.epreuve_choices = epreuve_names(state, session).await?;
    let status = if errors.is_empty() && withdrawal.2.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let s = session.session();
    let view = EditPage {
        layout: page.layout(
            &format!("Corriger — {}", candidate.input.display()),
            "sessions",
        ),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        candidate_id: candidate.id.to_string(),
        name: candidate.input.display(),
        form,
        errors,
        withdraw_on: withdrawal.0,
        withdraw_reason: withdrawal.1,
        withdraw_error: withdrawal.2,
    };
    Ok((status, render(&view)).into_response())
}

async fn edit_form(
    State(state): State<AppState>,
    p: Page,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    session.writer()?;
    let c = state.store.candidate(&session, &candidate).await?;
    let today = state.store.today().to_string();
    edit_page(
        &state,
        &p,
        &session,
        &c,
        AddForm::of(&c),
        Vec::new(),
        (today, String::new(), None),
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<AddForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let c = state.store.candidate(&session, &candidate).await?;
    let mut errs = Vec::new();
    let input = to_input(&f, &mut errs);
    let today = state.store.today().to_string();
    if !errs.is_empty() {
        return edit_page(
            &state,
            &p,
            &session,
            &c,
            f,
            errs,
            (today, String::new(), None),
        )
        .await;
    }
    match state
        .store
        .update_candidate(writer, &candidate, f.version, input)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/candidates?ok=modifie")).into_response()),
        Err(StoreError::Invalid(fields)) => {
            edit_page(
                &state,
                &p,
                &session,
                &c,
                f,
                fields,
                (today, String::new(), None),
            )
            .await
        }
        Err(StoreError::Conflict { .. }) => {
            let fresh = state.store.candidate(&session, &candidate).await?;
            let msg = FieldError::new(
                "candidate",
                "ce candidat a été modifié entre-temps par quelqu'un d'autre : voici sa fiche à jour, recommencez",
            );
            edit_page(
                &state,
                &p,
                &session,
                &fresh,
                AddForm::of(&fresh),
                vec![msg],
                (today, String::new(), None),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<WithdrawForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let c = state.store.candidate(&session, &candidate).await?;
    let refused = |msg: String| {
        edit_page(
            &state,
            &p,
            &session,
            &c,
            AddForm::of(&c),
            Vec::new(),
            (f.on.clone(), f.reason.clone(), Some(msg)),
        )
    };
    let on = match f.on.trim() {
        "" => state.store.today(),
        typed => match fr::parse_date(typed) {
            Ok(d) => d,
            Err(e) => return refused(format!("date du désistement : {e}")).await,
        },
    };
    match state
        .store
        .withdraw_candidate(writer, &candidate, f.version, on, &f.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/candidates?ok=desiste")).into_response()),
        Err(StoreError::Invalid(fields)) => {
            let msg = crate::ui::messages(fields);
            refused(msg).await
        }
        Err(StoreError::Conflict { .. }) => {
            refused(
                "ce candidat a été modifié entre-temps : rechargez la page puis recommencez"
                    .to_owned(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
