//! The centre's jurors: the list, with their habilitations, and the form that records or
//! corrects one (habilitations and licences one per line, read as people write them).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use jalon_core::fr;
use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Licence};
use jalon_store::jurors::Juror;
use jalon_store::{FieldError, JurorId, StoreError};
use serde::Deserialize;

use super::{FormPost, Layout, Page, PageResult, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/jurors", get(list).post(create))
        .route("/jurors/import", axum::routing::post(preview))
        .route("/jurors/import/confirm", axum::routing::post(import))
        .route("/jurors/{id}", get(edit).post(update))
}

const STATUSES: [(&str, &str); 4] = [
    ("salaried", "salarié"),
    ("independent", "indépendant"),
    ("retired", "retraité"),
    ("other", "autre"),
];

pub struct Row {
    pub id: String,
    pub name: String,
    pub work: String,
    pub status: &'static str,
    pub habilitations: Vec<String>,
}

#[derive(Deserialize, Default, Clone)]
pub struct JurorForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    first_names: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    profession: String,
    #[serde(default)]
    employer: String,
    #[serde(default)]
    employer_siret: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    trainer_of_centre: Option<String>,
    #[serde(default)]
    habilitations: String,
    #[serde(default)]
    licences: String,
}

#[derive(Template)]
#[template(path = "jurors.html")]
struct JurorsPage {
    layout: Layout,
    jurors: Vec<Row>,
    can_write: bool,
    editing: Option<String>,
    version: i64,
    form: JurorForm,
    statuses: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
    notice: Option<String>,
    /// A file read, before it is imported.
    preview: Option<Preview>,
}

/// What a file of jurors would do: who, with what habilitations, what is wrong.
pub struct Preview {
    pub rows: Vec<(usize, String, String)>,
    pub errors: Vec<String>,
    pub summary: String,
    /// The file itself (base64), posted back to import it.
    pub data: String,
}

impl JurorsPage {
    fn error(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(" ; "))
    }
}

fn row(j: &Juror) -> Row {
    let i = &j.input;
    Row {
        id: j.id.to_string(),
        name: i.display(),
        work: [i.profession.as_str(), i.employer.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        status: i.status.label(),
        habilitations: i
            .habilitations
            .iter()
            .map(|h| {
                format!(
                    "{} — {}, jusqu'au {}",
                    h.title,
                    h.granted_by,
                    fr::short_date(h.valid_until)
                )
            })
            .collect(),
    }
}

fn form_of(j: &Juror) -> JurorForm {
    let i = &j.input;
    JurorForm {
        version: j.version,
        last_name: i.last_name.clone(),
        first_names: i.first_names.clone(),
        email: i.email.clone(),
        phone: i.phone.clone(),
        profession: i.profession.clone(),
        employer: i.employer.clone(),
        employer_siret: i.employer_siret.clone(),
        status: STATUSES
            .iter()
            .find(|(_, l)| *l == i.status.label())
            .map_or("other", |(v, _)| v)
            .to_owned(),
        trainer_of_centre: i.trainer_of_centre.then(|| "on".to_owned()),
        habilitations: i
            .habilitations
            .iter()
            .map(|h| {
                format!(
                    "{} ; {} ; {} ; {} ; {}",
                    h.title,
                    h.granted_by,
                    fr::short_date(h.valid_from),
                    fr::short_date(h.valid_until),
                    h.reference
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
        licences: i
            .licences
            .iter()
            .map(|l| format!("{} ; {}", l.category, fr::short_date(l.valid_until)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// The juror the form gives, or what it could not read (every line with its number).
fn input_of(f: &JurorForm) -> Result<JurorInput, Vec<FieldError>> {
    let mut errs = Vec::new();
    let date = |text: &str, what: &str, line: usize, errs: &mut Vec<FieldError>| {
        fr::parse_date(text)
            .map_err(|e| errs.push(FieldError::new(what, format!("ligne {line} : {e}"))))
            .ok()
    };
    let mut habilitations = Vec::new();
    for (n, line) in f
        .habilitations
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split(';').map(str::trim).collect();
        if parts.len() < 4 {
            errs.push(FieldError::new(
                "habilitations",
                format!(
                    "ligne {} : attendu « code RNCP ; service ; du JJ/MM/AAAA ; au JJ/MM/AAAA ; référence »",
                    n + 1
                ),
            ));
            continue;
        }
        let from = date(parts[2], "habilitations", n + 1, &mut errs);
        let until = date(parts[3], "habilitations", n + 1, &mut errs);
        if let (Some(valid_from), Some(valid_until)) = (from, until) {
            habilitations.push(Habilitation {
                title: parts[0].to_owned(),
                granted_by: parts[1].to_owned(),
                valid_from,
                valid_until,
                reference: parts.get(4).copied().unwrap_or_default().to_owned(),
            });
        }
    }
    let mut licences = Vec::new();
    for (n, line) in f
        .licences
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match line.split_once(';') {
            Some((category, until)) => {
                if let Some(valid_until) = date(until.trim(), "licences", n + 1, &mut errs) {
                    licences.push(Licence {
                        category: category.trim().to_owned(),
                        valid_until,
                    });
                }
            }
            None => errs.push(FieldError::new(
                "licences",
                format!("ligne {} : attendu « catégorie ; JJ/MM/AAAA »", n + 1),
            )),
        }
    }
    let status = match f.status.as_str() {
        "salaried" => JurorStatus::Salaried,
        "independent" => JurorStatus::Independent,
        "retired" => JurorStatus::Retired,
        _ => JurorStatus::Other,
    };
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(JurorInput {
        last_name: f.last_name.clone(),
        first_names: f.first_names.clone(),
        email: f.email.clone(),
        phone: f.phone.clone(),
        profession: f.profession.clone(),
        employer: f.employer.clone(),
        employer_siret: f.employer_siret.clone(),
        status,
        trainer_of_centre: f.trainer_of_centre.is_some(),
        habilitations,
        licences,
    })
}

async fn page(
    state: &AppState,
    p: &Page,
    editing: Option<(String, i64)>,
    form: JurorForm,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> PageResult {
    page_with(state, p, editing, form, errors, notice, None).await
}

async fn page_with(
    state: &AppState,
    p: &Page,
    editing: Option<(String, i64)>,
    form: JurorForm,
    errors: Vec<FieldError>,
    notice: Option<String>,
    preview: Option<Preview>,
) -> PageResult {
    let jurors = state.store.jurors(&p.actor).await?;
    let status = if errors.is_empty() && preview.as_ref().is_none_or(|v| v.errors.is_empty()) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = JurorsPage {
        layout: p.layout("Jurés", "jurors"),
        jurors: jurors.iter().map(row).collect(),
        can_write: p.actor.writer().is_ok(),
        version: editing.as_ref().map_or(0, |e| e.1),
        editing: editing.map(|e| e.0),
        form,
        statuses: STATUSES.to_vec(),
        errors,
        notice,
        preview,
    };
    Ok((status, render(&view)).into_response())
}

#[derive(Deserialize)]
struct Saved {
    #[serde(default)]
    ok: Option<String>,
    /// What an import did, in words.
    #[serde(default)]
    importes: Option<String>,
}

async fn list(State(state): State<AppState>, p: Page, Query(q): Query<Saved>) -> PageResult {
    let notice = match (q.ok, q.importes) {
        (_, Some(n)) => Some(n),
        (Some(_), None) => Some("Juré enregistré.".to_owned()),
        (None, None) => None,
    };
    let form = JurorForm {
        status: "salaried".to_owned(),
        ..JurorForm::default()
    };
    page(&state, &p, None, form, Vec::new(), notice).await
}

async fn edit(State(state): State<AppState>, p: Page, Path(id): Path<JurorId>) -> PageResult {
    let j = state.store.juror(&p.actor, &id).await?;
    page(
        &state,
        &p,
        Some((j.id.to_string(), j.version)),
        form_of(&j),
        Vec::new(),
        None,
    )
    .await
}

async fn create(State(state): State<AppState>, FormPost(p, f): FormPost<JurorForm>) -> PageResult {
    let w = p.actor.writer()?;
    let done = match input_of(&f) {
        Ok(input) => state.store.add_juror(w, input).await.map(|_| ()),
        Err(errs) => Err(StoreError::Invalid(errs)),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/jurors?ok").into_response()),
        Err(StoreError::Invalid(errors)) => page(&state, &p, None, f, errors, None).await,
        Err(e) => Err(e.into()),
    }
}

async fn update(
    State(state): State<AppState>,
    Path(id): Path<JurorId>,
    FormPost(p, f): FormPost<JurorForm>,
) -> PageResult {
    state.store.juror(&p.actor, &id).await?;
    let w = p.actor.writer()?;
    let done = match input_of(&f) {
        Ok(input) => state
            .store
            .update_juror(w, &id, f.version, input)
            .await
            .map(|_| ()),
        Err(errs) => Err(StoreError::Invalid(errs)),
    };
    match done {
        Ok(()) => Ok(Redirect::to("/jurors?ok").into_response()),
        Err(StoreError::Invalid(errors)) => {
            page(
                &state,
                &p,
                Some((id.to_string(), f.version)),
                f,
                errors,
                None,
            )
            .await
        }
        Err(StoreError::Conflict { .. }) => {
            let j = state.store.juror(&p.actor, &id).await?;
            let errors = vec![FieldError::new(
                "last_name",
                "ce juré a été modifié entre-temps : voici son état actuel, recommencez",
            )];
            page(
                &state,
                &p,
                Some((j.id.to_string(), j.version)),
                form_of(&j),
                errors,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads a file of jurors and checks it against the centre, writing nothing.
async fn check_file(state: &AppState, p: &Page, bytes: &[u8]) -> Result<Preview, StoreError> {
    use base64::Engine;
    let titles: Vec<(String, jiff::civil::Date)> = state
        .store
        .titles(&p.actor)
        .await?
        .into_iter()
        .map(|t| (t.rncp_code, t.expiry))
        .collect();
    let report = jalon_docs::csv_jurors::read_jurors(bytes, &titles);
    let mut errors = report.errors();
    let mut summary = String::new();
    if errors.is_empty() {
        let jurors = report.jurors.iter().map(|j| j.juror.clone()).collect();
        match state
            .store
            .import_jurors(p.actor.writer()?, jurors, true)
            .await
        {
            Ok(o) => summary = imported(&o),
            Err(StoreError::Invalid(f)) => errors.extend(f.into_iter().map(|f| f.message)),
            Err(e) => return Err(e),
        }
    }
    if !report.ignored_columns.is_empty() {
        summary.push_str(&format!(
            " Colonnes ignorées : {}.",
            report.ignored_columns.join(", ")
        ));
    }
    Ok(Preview {
        rows: report
            .jurors
            .iter()
            .map(|j| {
                (
                    j.line,
                    j.juror.display(),
                    j.juror
                        .habilitations
                        .iter()
                        .map(|h| format!("{} jusqu'au {}", h.title, fr::short_date(h.valid_until)))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect(),
        errors,
        summary,
        data: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// « 2 jurés nouveaux, 1 juré complété ».
fn imported(o: &jalon_store::jurors::JurorsImported) -> String {
    let parts: Vec<String> = [
        (o.created, "juré nouveau", "jurés nouveaux"),
        (o.updated, "juré complété", "jurés complétés"),
        (o.unchanged, "juré inchangé", "jurés inchangés"),
    ]
    .into_iter()
    .filter(|(k, _, _)| *k > 0)
    .map(|(k, one, many)| fr::count(k, one, many))
    .collect();
    parts.join(", ")
}

/// The file given, read and checked: shown before anything is recorded.
async fn preview(
    State(state): State<AppState>,
    p: Page,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    p.actor.writer()?;
    let (_, bytes) = super::uploaded_file(&p, &headers, form, "file").await?;
    let preview = check_file(&state, &p, &bytes).await?;
    let form = JurorForm {
        status: "salaried".to_owned(),
        ..JurorForm::default()
    };
    page_with(&state, &p, None, form, Vec::new(), None, Some(preview)).await
}

#[derive(Deserialize)]
struct Confirm {
    #[serde(default)]
    data: String,
}

/// Imports the file previewed, all or nothing.
async fn import(State(state): State<AppState>, FormPost(p, f): FormPost<Confirm>) -> PageResult {
    use base64::Engine;
    let w = p.actor.writer()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.data.trim())
        .unwrap_or_default();
    let preview = check_file(&state, &p, &bytes).await?;
    if preview.errors.is_empty() {
        let titles: Vec<(String, jiff::civil::Date)> = state
            .store
            .titles(&p.actor)
            .await?
            .into_iter()
            .map(|t| (t.rncp_code, t.expiry))
            .collect();
        let report = jalon_docs::csv_jurors::read_jurors(&bytes, &titles);
        let jurors = report.jurors.iter().map(|j| j.juror.clone()).collect();
        if let Ok(o) = state.store.import_jurors(w, jurors, false).await {
            let words = format!("Import enregistré : {}.", imported(&o));
            return Ok(
                Redirect::to(&format!("/jurors?importes={}", super::encode(&words)))
                    .into_response(),
            );
        }
    }
    let form = JurorForm {
        status: "salaried".to_owned(),
        ..JurorForm::default()
    };
    page_with(
        &state,
        &p,
        None,
        form,
        Vec::new(),
        None,
        Some(check_file(&state, &p, &bytes).await?),
    )
    .await
}
