//! The session page: its header, its visual chronology, its phases with their checklists
//! (complete with evidence, reopen), and its journal.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::milestone::ids;
use jalon_core::{MilestoneId, fr};
use jalon_store::journal::JournalEntry;
use jalon_store::sessions::{ChecklistItem, ItemState, MilestoneState};
use jalon_store::{SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use super::dashboard::session_dates;
use super::{FormPost, Layout, Page, PageResult, render, timeline};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}", get(show))
        .route("/sessions/{id}/journal", get(journal))
        .route(
            "/sessions/{id}/milestones/{milestone}/complete",
            post(complete),
        )
        .route("/sessions/{id}/milestones/{milestone}/reopen", post(reopen))
        .route(
            "/sessions/{id}/milestones/{milestone}/items/tick",
            post(tick),
        )
        .route(
            "/sessions/{id}/milestones/{milestone}/items/untick",
            post(untick),
        )
        .route("/sessions/{id}/complements", post(complements))
        .route(
            "/sessions/{id}/complements/reponse",
            post(answer_complements),
        )
        .route("/sessions/{id}/validation", post(validation))
        .route("/sessions/{id}/duplicate", post(duplicate))
        .route("/sessions/{id}/milestones/{milestone}/files", post(attach))
        .route("/sessions/{id}/cancel", post(cancel))
}

/// The forms that act on the whole session (duplicate, cancel): what was typed, and why it
/// was refused.
#[derive(Default)]
pub struct SessionActions {
    pub error: Option<String>,
    /// `duplicate` or `cancel`: the form the error belongs to (opened again).
    pub on: &'static str,
    pub start: String,
    pub end: String,
    pub justification: String,
    pub reason: String,
}

/// One item of a milestone's checklist on the page.
pub struct ItemView {
    pub n: usize,
    pub item: String,
    /// `done`, `na` or `todo`.
    pub state: &'static str,
    /// « coché par Claire Martin le … », « sans objet (motif) — … ».
    pub status: String,
}

pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

pub struct CheckView {
    pub pass: bool,
    pub text: String,
}

pub struct MilestoneView {
    pub id: String,
    pub label: String,
    pub description: String,
    pub severity: &'static str,
    /// `done`, `late`, `todo` or `na`: the badge's class.
    pub state: &'static str,
    pub state_label: &'static str,
    pub dates: String,
    pub items: Vec<ItemView>,
    /// Items can be ticked or unticked (the milestone is to do, the user may write).
    pub can_tick: bool,
    /// « Fait en retard (2 jours) ».
    pub done_late: Option<String>,
    /// On `validation.decision`: the last request for complements, and whether one can be
    /// recorded.
    pub complements: Option<String>,
    pub can_request_complements: bool,
    /// On `close.transmit`, still to record: the transmission's form (typed, or proposed).
    pub transmission: Option<super::closing::TransmissionForm>,
    /// On `close.archive`: the archive is kept on the « Résultats » tab.
    pub archive_link: bool,
    /// An error about an item or a request for complements.
    pub side_error: Option<String>,
    /// Files attached as evidence: (id, « nom — 120 Ko — SHA-256 1a2b3c… — par X le … »).
    pub files: Vec<(String, String, String)>,
    pub check: Option<CheckView>,
    pub mailbox: Option<String>,
    pub evidence: Option<String>,
    pub done: Option<String>,
    pub justification: Option<String>,
    pub version: i64,
    pub can_complete: bool,
    pub can_reopen: bool,
    /// An error of the form just posted, and the field it concerns.
    pub error: Option<String>,
    pub error_on: &'static str,
    pub evidence_value: String,
}

pub struct PhaseView {
    pub number: usize,
    pub label: String,
    pub milestones: Vec<MilestoneView>,
}

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    layout: Layout,
    id: String,
    title: String,
    status: &'static str,
    facts: Vec<Fact>,
    timeline: timeline::Timeline,
    timeline_js: String,
    phases: Vec<PhaseView>,
    can_write: bool,
    notice: Option<String>,
    /// For forms that act on the session itself (a request for complements).
    session_version: i64,
    cancelled: bool,
    actions: SessionActions,
}

#[derive(Template)]
#[template(path = "journal.html")]
struct JournalPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    entries: Vec<EntryView>,
}

pub struct EntryView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub details: Vec<String>,
}

/// « samedi 28 novembre 2026 à 10 h 05 », in Paris time.
pub fn when(ts: jalon_store::Stamp) -> String {
    match ts.timestamp().in_tz("Europe/Paris") {
        Ok(z) => format!(
            "{} à {} h {:02}",
            fr::long_date(z.date()),
            z.hour(),
            z.minute()
        ),
        Err(_) => ts.text(),
    }
}

fn milestone_dates(m: &jalon_store::sessions::SessionMilestone) -> String {
    let mut parts = Vec::new();
    // A window that opens on its deadline (the session's own days) is that one day.
    let opens = m.opens.filter(|o| Some(*o) != m.deadline);
    match (opens, m.recommended) {
        (Some(o), Some(r)) if o == r => parts.push(format!(
            "à partir du {} (fortement recommandé)",
            fr::long_date(o)
        )),
        (o, r) => {
            if let Some(o) = o {
                parts.push(format!("à partir du {}", fr::long_date(o)));
            }
            if let Some(r) = r {
                parts.push(format!("fortement recommandé le {}", fr::long_date(r)));
            }
        }
    }
    match (m.deadline, m.advised) {
        (Some(d), Some(a)) if a != d => {
            parts.push(format!("à faire le {}", fr::long_date(a)));
            parts.push(format!("limite : {}", fr::long_date(d)));
        }
        (Some(d), _) => parts.push(format!("au plus tard le {}", fr::long_date(d))),
        (None, _) => parts.push("pas de date fixe".to_owned()),
    }
    parts.join(" · ")
}

async fn load(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    error: Option<(&MilestoneId, &'static str, String)>,
    evidence: &str,
    notice: Option<String>,
) -> PageResult {
    load_with(
        state,
        page,
        session,
        Feedback {
            error,
            evidence,
            notice,
            ..Feedback::default()
        },
    )
    .await
}

/// What the page says back after a form: a milestone's error with what was typed, a notice,
/// an error on an item, a refused action on the session.
#[derive(Default)]
struct Feedback<'a> {
    error: Option<(&'a MilestoneId, &'static str, String)>,
    evidence: &'a str,
    notice: Option<String>,
    side_error: Option<(&'a MilestoneId, String)>,
    actions: SessionActions,
    /// The transmission's form as typed, when it was refused.
    transmission: Option<super::closing::TransmissionForm>,
}

/// The page, with an error about a checklist item or a request for complements shown on its
/// milestone.
async fn load_with(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    feedback: Feedback<'_>,
) -> PageResult {
    let Feedback {
        error,
        evidence,
        notice,
        side_error,
        actions,
        transmission,
    } = feedback;
    let mut transmission = transmission;
    let actor = &page.actor;
    let detail = session.detail();
    let s = &detail.session;
    let (title, site, users, (checks, mut checklists), files) = tokio::try_join!(
        state.store.title(actor, &s.title_id),
        state.store.site(actor, &s.site_id),
        state.store.users(actor),
        state.store.review(session),
        state.store.milestone_files(session),
    )?;
    let approval = match &s.approval_id {
        Some(a) => state.store.approval(actor, a).await.ok(),
        None => None,
    };
    let rules = state.store.rules();
    let can_write = actor.writer().is_ok();
    let manager = s
        .manager_id
        .as_ref()
        .and_then(|m| users.iter().find(|u| u.id == *m))
        .map_or("non désigné".to_owned(), |u| u.display_name.clone());
    let facts = vec![
        Fact {
            label: "Titre",
            value: format!("{} ({})", title.name, title.rncp_code),
        },
        Fact {
            label: "Dates",
            value: session_dates(s.start, s.end),
        },
        Fact {
            label: "Type",
            value: s.kind.label().to_owned(),
        },
        Fact {
            label: "Site",
            value: format!("{}, {} {}", site.name, site.postcode, site.city),
        },
        Fact {
            label: "Numéro CERES",
            value: match (&s.ceres_number, s.ceres_created_on) {
                (Some(n), Some(on)) => format!("{n}, créée le {}", fr::long_date(on)),
                (Some(n), None) => format!("{n} (date de création non enregistrée)"),
                (None, _) => "non enregistré".to_owned(),
            },
        },
        Fact {
            label: "Responsable de session",
            value: manager,
        },
        Fact {
            label: "Agrément",
            value: approval.map_or("aucun".to_owned(), |a| {
                format!(
                    "n° {} (du {} au {})",
                    a.number,
                    fr::short_date(a.valid_from),
                    fr::short_date(a.valid_until)
                )
            }),
        },
        Fact {
            label: "Échéance du titre",
            value: fr::long_date(title.expiry),
        },
    ];
    let mailbox = rules
        .afpa_mailboxes
        .for_session(s.kind, Some(title.domain))
        .map(str::to_owned);
    let mut phases = Vec::new();
    for (n, phase) in rules.phases.iter().enumerate() {
        let mut views = Vec::new();
        for m in detail.milestones.iter().filter(|m| m.phase == phase.id) {
            let rule = rules.milestone(&m.id);
            let (state_class, state_label) = match (m.state, m.late) {
                (MilestoneState::Done, _) if m.done_late.is_some() => ("done", "Fait en retard"),
                (MilestoneState::Done, _) => ("done", "Fait"),
                (_, true) => ("late", "En retard"),
                (MilestoneState::Todo, _) => ("todo", "À faire"),
                (MilestoneState::NotApplicable, _) => ("na", "Non applicable"),
            };
            let check = checks
                .iter()
                .find(|(id, _)| *id == m.id)
                .map(|(_, v)| match v {
                    None => CheckView {
                        pass: true,
                        text: "Contrôle automatique : conforme.".to_owned(),
                    },
                    Some(v) => CheckView {
                        pass: false,
                        text: format!("Contrôle automatique : {}", v.message),
                    },
                });
            let err = error
                .as_ref()
                .filter(|(mid, _, _)| **mid == m.id)
                .map(|(_, f, msg)| (*f, msg.clone()));
            views.push(MilestoneView {
                id: m.id.to_string(),
                label: m.label.clone(),
                description: rule.map_or(String::new(), |r| r.description.clone()),
                severity: m.severity.label(),
                state: state_class,
                state_label,
                dates: milestone_dates(m),
                items: checklists
                    .remove(&m.id)
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(n, i)| item_view(n, i, m.applicable))
                    .collect(),
                can_tick: can_write && m.applicable && m.state == MilestoneState::Todo,
                done_late: m.done_late.map(|n| {
                    let mut label = jalon_core::milestone::done_late_label(n);
                    label[..1].make_ascii_uppercase();
                    match m.deadline {
                        Some(d) => format!("{label} : limite le {}", fr::long_date(d)),
                        None => label,
                    }
                }),
                complements: (m.id == ids::VALIDATION_DECISION)
                    .then(|| {
                        s.complements.as_ref().map(|c| {
                            format!(
                                "Compléments demandés le {} : {}{}{}",
                                fr::long_date(c.on),
                                c.request,
                                c.due
                                    .map(|d| format!(" — attendus pour le {}", fr::long_date(d)))
                                    .unwrap_or_default(),
                                c.answer
                                    .as_ref()
                                    .map(|a| format!(
                                        " — réponse envoyée le {} par {} : {}",
                                        fr::long_date(a.on),
                                        a.by,
                                        a.what
                                    ))
                                    .unwrap_or_else(
                                        || " — réponse du centre à enregistrer".to_owned()
                                    )
                            )
                        })
                    })
                    .flatten(),
                transmission: (can_write
                    && m.id == ids::CLOSE_TRANSMIT
                    && m.applicable
                    && m.state == MilestoneState::Todo
                    && s.transmission.is_none()
                    && s.status != jalon_store::sessions::Status::Cancelled)
                    .then(|| {
                        transmission.take().unwrap_or_else(|| {
                            super::closing::TransmissionForm::proposed(state.store.today())
                        })
                    }),
                archive_link: m.id == ids::CLOSE_ARCHIVE,
                can_request_complements: can_write
                    && m.id == ids::VALIDATION_DECISION
                    && m.state == MilestoneState::Todo
                    && s.status != jalon_store::sessions::Status::Cancelled,
                side_error: side_error
                    .as_ref()
                    .filter(|(mid, _)| **mid == m.id)
                    .map(|(_, msg)| msg.clone()),
                files: files
                    .iter()
                    .filter(|f| f.milestone == m.id)
                    .map(|f| {
                        (
                            f.id.to_string(),
                            f.name.clone(),
                            format!(
                                "{} Ko — SHA-256 {}… — par {} le {}",
                                (f.size + 1023) / 1024,
                                &f.sha256[..12],
                                f.uploaded_by,
                                when(f.uploaded_at)
                            ),
                        )
                    })
                    .collect(),
                check,
                mailbox: rule
                    .is_some_and(|r| r.afpa_mailbox)
                    .then(|| mailbox.clone())
                    .flatten(),
                evidence: m.evidence.clone(),
                done: m.done_at.as_ref().map(|at| {
                    format!(
                        "Fait par {} le {}",
                        m.done_by.clone().unwrap_or_default(),
                        when(*at)
                    )
                }),
                justification: m.override_justification.clone(),
                version: m.version,
                // The transmission is recorded by its own form, which marks it done.
                can_complete: can_write
                    && m.applicable
                    && m.state == MilestoneState::Todo
                    && m.id != ids::CLOSE_TRANSMIT,
                can_reopen: can_write && m.state == MilestoneState::Done,
                evidence_value: if err.is_some() {
                    evidence.to_owned()
                } else {
                    String::new()
                },
                error_on: err.as_ref().map_or("", |(f, _)| *f),
                error: err.map(|(_, msg)| msg),
            });
        }
        phases.push(PhaseView {
            number: n + 1,
            label: phase.label.clone(),
            milestones: views,
        });
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page_view = SessionPage {
        layout: page.layout(&s.title_name, "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        status: s.status.label(),
        facts,
        timeline: timeline::svg(detail, rules, state.store.today()),
        timeline_js: crate::assets::timeline_path(),
        phases,
        can_write,
        notice,
        session_version: s.version,
        cancelled: s.status == jalon_store::sessions::Status::Cancelled,
        actions,
    };
    Ok((status, render(&page_view)).into_response())
}

#[derive(Deserialize)]
struct ShowQuery {
    #[serde(default)]
    annulee: Option<String>,
    #[serde(default)]
    copie: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<SessionId>,
    axum::extract::Query(q): axum::extract::Query<ShowQuery>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let notice = if q.annulee.is_some() {
        Some("Session annulée : elle reste consultable, avec son journal.".to_owned())
    } else if q.copie.is_some() {
        Some(
            "Session créée par duplication : vérifiez ses dates et enregistrez son numéro CERES."
                .to_owned(),
        )
    } else {
        None
    };
    load(&state, &page, &session, None, "", notice).await
}

#[derive(Deserialize)]
struct DuplicateForm {
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    override_justification: String,
}

/// A new session with the same title, site, approval and manager on other dates.
async fn duplicate(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(page, f): FormPost<DuplicateForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    session.writer()?;
    let mut actions = SessionActions {
        on: "duplicate",
        start: f.start.clone(),
        end: f.end.clone(),
        justification: f.override_justification.clone(),
        ..SessionActions::default()
    };
    let date = |typed: &str, what: &str| -> Result<Option<jiff::civil::Date>, String> {
        match typed.trim() {
            "" => Ok(None),
            t => fr::parse_date(t)
                .map(Some)
                .map_err(|e| format!("{what} : {e}")),
        }
    };
    let outcome: Result<(), String> = match (
        date(&f.start, "premier jour"),
        date(&f.end, "dernier jour"),
    ) {
        (Ok(None), _) => Err("indiquez le premier jour de la nouvelle session".to_owned()),
        (Err(e), _) | (_, Err(e)) => Err(e),
        (Ok(Some(start)), Ok(end)) => {
            let justification =
                Some(f.override_justification.trim().to_owned()).filter(|j| !j.is_empty());
            match state
                .store
                .duplicate_session(session.writer()?, start, end, justification)
                .await
            {
                Ok(copy) => {
                    return Ok(
                        Redirect::to(&format!("/sessions/{}?copie", copy.session.id))
                            .into_response(),
                    );
                }
                Err(StoreError::RulesBroken(v)) => Err(format!(
                    "{} Pour dupliquer quand même, écrivez une justification (elle sera gardée au journal).",
                    v.iter()
                        .map(|v| v.message.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )),
                Err(e) => Err(side_message(e)?),
            }
        }
    };
    actions.error = outcome.err();
    refused(&state, &page, &session, actions).await
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// Cancels the session, after a confirmation and with a reason (kept in the journal).
async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(page, f): FormPost<CancelForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let writer = session.writer()?;
    let mut actions = SessionActions {
        on: "cancel",
        reason: f.reason.clone(),
        ..SessionActions::default()
    };
    if f.confirm.is_none() {
        actions.error =
            Some("Cochez la case pour confirmer l'annulation : rien n'a été fait.".to_owned());
        return refused(&state, &page, &session, actions).await;
    }
    match state
        .store
        .cancel_session(writer, f.version, &f.reason)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}?annulee")).into_response()),
        Err(e) => {
            actions.error = Some(side_message(e)?);
            refused(&state, &page, &session, actions).await
        }
    }
}

/// The session page again, with the refused form open on its message (422).
async fn refused(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    actions: SessionActions,
) -> PageResult {
    let session = state.store.open_session(&page.actor, session.id()).await?;
    let feedback = Feedback {
        actions,
        ..Feedback::default()
    };
    let response = load_with(state, page, &session, feedback).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
}

#[derive(Deserialize)]
struct CompleteForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    override_justification: String,
}

fn field_error(e: StoreError) -> Result<(&'static str, String), StoreError> {
    match e {
        StoreError::Invalid(fields) => {
            let f = fields.into_iter().next().map(|f| (f.field, f.message)).unwrap_or_default();
            let field = match f.0.as_str() {
                "evidence" => "evidence",
                "reason" => "reason",
                _ => "override_justification",
            };
            Ok((field, f.1))
        }
        StoreError::RulesBroken(v) => Ok((
            "override_justification",
            format!(
                "{} Pour passer outre, écrivez une justification (elle sera gardée au journal).",
                v.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join(" ")
            ),
        )),
        StoreError::Conflict { .. } => Ok((
            "evidence",
            "Ce jalon a été modifié entre-temps par quelqu'un d'autre : la page est à jour, vérifiez puis recommencez."
                .to_owned(),
        )),
        other => Err(other),
    }
}

async fn complete(
    State(state): State<AppState>,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    FormPost(page, f): FormPost<CompleteForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let justification = Some(f.override_justification.as_str()).filter(|j| !j.trim().is_empty());
    let done = state
        .store
        .complete_milestone(
            session.writer()?,
            &milestone,
            f.version,
            &f.evidence,
            justification,
        )
        .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}#m-{milestone}")).into_response()),
        Err(e) => {
            let (field, msg) = field_error(e)?;
            // Shown on the session as it is now (a conflict means it changed).
            let session = state.store.open_session(&page.actor, &id).await?;
            let error = Some((&milestone, field, msg));
            load(&state, &page, &session, error, &f.evidence, None).await
        }
    }
}

#[derive(Deserialize)]
struct ReopenForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    reason: String,
}

async fn reopen(
    State(state): State<AppState>,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    FormPost(page, f): FormPost<ReopenForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let done = state
        .store
        .reopen_milestone(session.writer()?, &milestone, f.version, &f.reason)
        .await;
    match done {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}#m-{milestone}")).into_response()),
        Err(e) => {
            let (_, msg) = field_error(e)?;
            let session = state.store.open_session(&page.actor, &id).await?;
            let error = Some((&milestone, "reason", msg));
            load(&state, &page, &session, error, "", None).await
        }
    }
}

fn item_view(n: usize, i: ChecklistItem, applicable: bool) -> ItemView {
    let who = |i: &ChecklistItem| match (&i.ticked_by, i.ticked_at) {
        (Some(by), Some(at)) => format!("par {by} le {}", when(at)),
        _ => String::new(),
    };
    let (state, status) = match i.state {
        Some(ItemState::Done) => ("done", format!("coché {}", who(&i))),
        Some(ItemState::NotApplicable) => (
            "na",
            format!(
                "sans objet ({}) — {}",
                i.reason.clone().unwrap_or_default(),
                who(&i)
            ),
        ),
        None if applicable => ("todo", "à cocher".to_owned()),
        None => ("na", String::new()),
    };
    ItemView {
        n,
        item: i.item,
        state,
        status,
    }
}

#[derive(Deserialize)]
struct TickForm {
    #[serde(default)]
    item: String,
    /// `done` or `not_applicable`.
    #[serde(default)]
    state: String,
    #[serde(default)]
    reason: String,
}

/// A form's error on an item, or the error to show.
fn side_message(e: StoreError) -> Result<String, StoreError> {
    match e {
        StoreError::Invalid(fields) => Ok(crate::ui::messages(fields)),
        StoreError::Conflict { .. } => Ok(
            "Ce point a été modifié entre-temps par quelqu'un d'autre : la page est à jour, vérifiez."
                .to_owned(),
        ),
        other => Err(other),
    }
}

async fn tick(
    State(state): State<AppState>,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    FormPost(page, f): FormPost<TickForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let item_state = match f.state.as_str() {
        "not_applicable" => ItemState::NotApplicable,
        _ => ItemState::Done,
    };
    let done = state
        .store
        .tick_item(
            session.writer()?,
            &milestone,
            &f.item,
            item_state,
            &f.reason,
        )
        .await;
    side_outcome(&state, &page, &id, &milestone, done.map(|_| ())).await
}

async fn untick(
    State(state): State<AppState>,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    FormPost(page, f): FormPost<TickForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let done = state
        .store
        .untick_item(session.writer()?, &milestone, &f.item, &f.reason)
        .await;
    side_outcome(&state, &page, &id, &milestone, done).await
}

/// Back to the milestone, or the page with the error on it.
async fn side_outcome(
    state: &AppState,
    page: &Page,
    id: &SessionId,
    milestone: &MilestoneId,
    done: Result<(), StoreError>,
) -> PageResult {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{id}#m-{milestone}")).into_response()),
        Err(e) => {
            let msg = side_message(e)?;
            let session = state.store.open_session(&page.actor, id).await?;
            let feedback = Feedback {
                side_error: Some((milestone, msg)),
                ..Feedback::default()
            };
            let response = load_with(state, page, &session, feedback).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

/// After the transmission's form: back to its milestone, or the refusal shown on it with
/// what was typed.
pub(super) async fn transmission_outcome(
    state: &AppState,
    page: &Page,
    session: &SessionHandle<'_>,
    milestone: &MilestoneId,
    done: Result<(), StoreError>,
    typed: super::closing::TransmissionForm,
) -> PageResult {
    let id = session.id();
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{id}#m-{milestone}")).into_response()),
        Err(e) => {
            let msg = side_message(e)?;
            let session = state.store.open_session(&page.actor, id).await?;
            let feedback = Feedback {
                side_error: Some((milestone, msg)),
                transmission: Some(typed),
                ..Feedback::default()
            };
            let response = load_with(state, page, &session, feedback).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
    }
}

#[derive(Deserialize)]
struct ComplementsForm {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    on: String,
    #[serde(default)]
    request: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    answer: String,
}

/// A date typed in a form (`field`, its French name `what`), or today when left empty and
/// `today_if_empty`.
fn typed_date(
    state: &AppState,
    field: &'static str,
    what: &str,
    typed: &str,
    today_if_empty: bool,
) -> Result<Option<jiff::civil::Date>, StoreError> {
    if typed.trim().is_empty() {
        return Ok(today_if_empty.then(|| state.store.today()));
    }
    fr::parse_date(typed).map(Some).map_err(|e| {
        StoreError::Invalid(vec![jalon_store::FieldError::new(
            field,
            format!("{what} : {e}"),
        )])
    })
}

async fn answer_complements(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(page, f): FormPost<ComplementsForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let w = session.writer()?;
    let done = match typed_date(&state, "on", "date de la réponse", &f.on, true) {
        Ok(on) => state
            .store
            .answer_complements(w, f.version, on.unwrap_or(state.store.today()), &f.answer)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    side_outcome(&state, &page, &id, &ids::VALIDATION_DECISION, done).await
}

async fn validation(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(page, f): FormPost<ComplementsForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let w = session.writer()?;
    let done = match typed_date(&state, "on", "date de la validation", &f.on, false) {
        Ok(Some(on)) => state
            .store
            .record_validation(w, f.version, on)
            .await
            .map(|_| ()),
        Ok(None) => Err(StoreError::invalid(
            "on",
            "indiquez le jour où le service départemental a validé la session",
        )),
        Err(e) => Err(e),
    };
    side_outcome(&state, &page, &id, &ids::VALIDATION_DECISION, done).await
}

async fn complements(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(page, f): FormPost<ComplementsForm>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let on = if f.on.trim().is_empty() {
        Ok(state.store.today())
    } else {
        fr::parse_date(&f.on).map_err(|e| {
            StoreError::Invalid(vec![jalon_store::FieldError::new(
                "on",
                format!("date de la demande : {e}"),
            )])
        })
    };
    let due = typed_date(&state, "due", "date attendue", &f.due, false);
    let done = match (on, due) {
        (Ok(on), Ok(due)) => state
            .store
            .request_complements(session.writer()?, f.version, on, &f.request, due)
            .await
            .map(|_| ()),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    side_outcome(&state, &page, &id, &ids::VALIDATION_DECISION, done).await
}

/// A file attached to a milestone as its evidence, from the page.
async fn attach(
    State(state): State<AppState>,
    Path((id, milestone)): Path<(SessionId, MilestoneId)>,
    page: Page,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let writer = session.writer()?;
    let (name, bytes) = match super::uploaded_file(&page, &headers, form, "file").await {
        Ok(file) => file,
        Err(refused) => return Ok(refused),
    };
    let done = state
        .store
        .attach_milestone_file(writer, &milestone, &name, &bytes)
        .await;
    side_outcome(&state, &page, &id, &milestone, done.map(|_| ())).await
}

pub fn entry_view(e: &JournalEntry, rules: &jalon_core::Rulebook) -> EntryView {
    let mut details = Vec::new();
    let d = &e.data;
    if let Some(m) = d["milestone"].as_str() {
        let label = rules.milestone(m).map_or(m, |r| r.label.as_str());
        details.push(format!("Jalon : {label}"));
    }
    if let Some(ev) = d["after"]["evidence"].as_str() {
        details.push(format!("Preuve : {ev}"));
    }
    if let Some(i) = d["item"].as_str() {
        details.push(format!("Point : {i}"));
    }
    if let (Some(f), Some(h)) = (d["file"].as_str(), d["sha256"].as_str()) {
        details.push(format!("Pièce : {f} (SHA-256 {h})"));
    }
    if let Some(n) = d["done_late"].as_i64() {
        let n = i32::try_from(n).unwrap_or(i32::MAX);
        let mut label = jalon_core::milestone::done_late_label(n);
        label[..1].make_ascii_uppercase();
        details.push(label);
    }
    if let Some(r) = d["request"].as_str() {
        let on = d["on"]
            .as_str()
            .and_then(|d| d.parse().ok())
            .map(|d| format!(" le {}", fr::long_date(d)))
            .unwrap_or_default();
        details.push(format!("Compléments demandés{on} : {r}"));
    }
    if let Some(r) = d["reason"].as_str() {
        details.push(format!("Motif : {r}"));
    }
    // A catalogue change that moved the session's deadlines: each one, before → after.
    for m in d["moved"].as_array().into_iter().flatten() {
        if let Some(t) = m["text"].as_str() {
            details.push(format!("Date limite déplacée : {t}"));
        }
    }
    if let Some(j) = d["override"]["justification"].as_str() {
        let rules: Vec<&str> = d["override"]["violations"]
            .as_array()
            .map(|v| v.iter().filter_map(|x| x["message"].as_str()).collect())
            .unwrap_or_default();
        details.push(format!("Dérogation : {j} — règles : {}", rules.join(" ")));
    }
    if e.action.as_str().starts_with("session.")
        && let (Some(start), Some(end)) = (d["after"]["start"].as_str(), d["after"]["end"].as_str())
    {
        let long = |d: &str| {
            d.parse()
                .map(fr::long_date)
                .unwrap_or_else(|_| d.to_owned())
        };
        details.push(format!(
            "Dates : {}",
            if start == end {
                format!("le {}", long(start))
            } else {
                format!("du {} au {}", long(start), long(end))
            }
        ));
    }
    EntryView {
        at: when(e.at),
        actor: jalon_core::account::journal_actor(
            e.actor_id.as_deref().is_some_and(|id| !id.is_empty()),
            &e.actor_name,
        ),
        action: e.action.label().to_owned(),
        details,
    }
}

async fn journal(
    State(state): State<AppState>,
    page: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&page.actor, &id).await?;
    let entries = state.store.session_journal(&session, 500).await?;
    let rules = state.store.rules();
    let title = &session.session().title_name;
    Ok(render(&JournalPage {
        layout: page.layout(&format!("Journal — {title}"), "sessions"),
        id: id.to_string(),
        title: title.clone(),
        dates: session_dates(session.session().start, session.session().end),
        entries: entries.iter().map(|e| entry_view(e, rules)).collect(),
    }))
}
