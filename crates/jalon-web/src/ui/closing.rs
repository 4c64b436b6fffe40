//! Closing a session from the pages: the secure archive on the « Résultats » tab — the four
//! kinds of pieces, each archived from what Jalon produced once signed or scanned from the
//! paper, with its SHA-256 —, the transmission to the departmental service on the session's
//! page (`close.transmit`), and after the validation the documents to the candidates: the
//! service's launch, each one received, the centre's letter printed, emailed or handed.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::archiving::ArchiveKind;
use jalon_core::fr;
use jalon_core::transmit::{Channel, TransmissionInput};
use jalon_store::closing::ArchiveKindState;
use jalon_store::{CandidateId, PieceId, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use super::results::{Shown, documents_refused, page_full};
use super::session::when;
use super::{FormPost, Page, PageResult};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/transmission", post(transmission))
        .route("/sessions/{id}/archive/{kind}/produit", post(produce))
        .route("/sessions/{id}/archive/{kind}/scan", post(scan))
        .route("/sessions/{id}/archive/pieces/{piece}", get(piece))
        .route(
            "/sessions/{id}/archive/pieces/{piece}/retirer",
            post(withdraw),
        )
        .route(
            "/sessions/{id}/resultats/emargement-signe.pdf",
            get(signed_sign_in_pdf),
        )
        .route(
            "/sessions/{id}/resultats/declarations-jury.pdf",
            get(statements_pdf),
        )
        .route(
            "/sessions/{id}/resultats/documents",
            post(documents_launched),
        )
        .route(
            "/sessions/{id}/resultats/{candidate}/document",
            post(document_received),
        )
        .route("/sessions/{id}/resultats/courriers", post(send_letters))
        .route(
            "/sessions/{id}/resultats/{candidate}/courrier",
            post(send_letter),
        )
        .route(
            "/sessions/{id}/resultats/{candidate}/courrier-remis",
            post(letter_handed),
        )
        .route(
            "/sessions/{id}/resultats/{candidate}/courrier.pdf",
            get(letter_pdf),
        )
}

/// One kind of the archive, as the « Résultats » tab shows it.
pub struct ArchiveView {
    /// `minutes`, `grids`…: in the forms' addresses.
    pub kind: &'static str,
    pub label: &'static str,
    /// (id, name, « scan du papier — 212 Ko — SHA-256 1a2b… — par X le … »).
    pub pieces: Vec<(String, String, String)>,
    /// Jalon produces this kind; `why_not` says why not yet (empty: it can now).
    pub produced_by_jalon: bool,
    pub why_not: String,
    /// The address of the document Jalon would archive, to read it first.
    pub preview: Option<String>,
}

/// The archive's views, kind by kind.
pub fn archive_views(id: &SessionId, kinds: &[ArchiveKindState]) -> Vec<ArchiveView> {
    kinds
        .iter()
        .map(|k| ArchiveView {
            kind: k.kind.as_str(),
            label: k.label,
            pieces: k
                .pieces
                .iter()
                .map(|p| {
                    (
                        p.id.to_string(),
                        p.name.clone(),
                        format!(
                            "{} — {} Ko — SHA-256 {}… — par {} le {}",
                            p.origin.label(),
                            (p.size + 1023) / 1024,
                            &p.sha256[..12],
                            p.archived_by,
                            when(p.archived_at)
                        ),
                    )
                })
                .collect(),
            produced_by_jalon: k.kind.produced_by_jalon(),
            why_not: k.not_producible.clone().unwrap_or_default(),
            preview: match k.kind {
                ArchiveKind::Minutes => Some(format!("/sessions/{id}/resultats/pv.pdf")),
                ArchiveKind::SignIn => {
                    Some(format!("/sessions/{id}/resultats/emargement-signe.pdf"))
                }
                ArchiveKind::Statements => {
                    Some(format!("/sessions/{id}/resultats/declarations-jury.pdf"))
                }
                ArchiveKind::Grids => None,
            },
        })
        .collect()
}

#[derive(Deserialize)]
struct Empty {}

fn kind_of(typed: &str) -> Result<ArchiveKind, StoreError> {
    ArchiveKind::parse(typed).ok_or(StoreError::NotFound {
        what: "type de pièce",
    })
}

/// The page after an archive's action: back to the section, or the refusal shown on it.
async fn archive_outcome(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    done: Result<&'static str, StoreError>,
) -> PageResult {
    match done {
        Ok(what) => Ok(Redirect::to(&format!(
            "/sessions/{}/resultats?ok={what}#h-archive",
            session.id()
        ))
        .into_response()),
        Err(e) => {
            let why = super::refusal_lines(e)?.join(" ; ");
            let shown = Shown {
                archive_error: Some(why),
                ..Shown::default()
            };
            page_full(state, p, session, shown).await
        }
    }
}

async fn produce(
    State(state): State<AppState>,
    Path((id, kind)): Path<(SessionId, String)>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let kind = kind_of(&kind)?;
    let w = session.writer()?;
    let done = async {
        let (name, pdf) =
            crate::archive::produce(&state.store, &state.docs, &session, kind).await?;
        state.store.archive_produced(w, kind, &name, &pdf).await?;
        Ok("archive")
    }
    .await;
    archive_outcome(&state, &p, &session, done).await
}

async fn scan(
    State(state): State<AppState>,
    Path((id, kind)): Path<(SessionId, String)>,
    p: Page,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let kind = kind_of(&kind)?;
    let w = session.writer()?;
    let (name, bytes) = super::uploaded_file(&p, &headers, form, "scan").await?;
    let done = state
        .store
        .archive_scan(w, kind, &name, &bytes)
        .await
        .map(|_| "archive");
    archive_outcome(&state, &p, &session, done).await
}

async fn piece(
    State(state): State<AppState>,
    p: Page,
    Path((id, piece)): Path<(SessionId, PieceId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let (name, kind, bytes) = state.store.archive_piece(&session, &piece).await?;
    Ok(crate::api::download(&name, kind, bytes))
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    Path((id, piece)): Path<(SessionId, PieceId)>,
    FormPost(p, f): FormPost<WithdrawForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = state
        .store
        .withdraw_archive_piece(session.writer()?, &piece, &f.reason)
        .await
        .map(|()| "retrait");
    archive_outcome(&state, &p, &session, done).await
}

async fn signed_sign_in_pdf(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let (name, pdf) =
        crate::archive::typeset_signed(&state.store, &state.docs, &session, ArchiveKind::SignIn)
            .await?;
    Ok(super::pdf_response(&name, pdf))
}

async fn statements_pdf(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let (name, pdf) = crate::archive::typeset_signed(
        &state.store,
        &state.docs,
        &session,
        ArchiveKind::Statements,
    )
    .await?;
    Ok(super::pdf_response(&name, pdf))
}

/// The transmission's form on `close.transmit`: what was typed, or what it proposes.
pub struct TransmissionForm {
    pub sent_on: String,
    pub channel: &'static str,
    pub reference: String,
    pub contents: String,
    /// (value, label) of each channel.
    pub channels: Vec<(&'static str, &'static str)>,
}

impl TransmissionForm {
    /// The form as it opens: today, by transfer link, the four kinds of the archive sent.
    pub fn proposed(today: jiff::civil::Date) -> TransmissionForm {
        let kinds: Vec<String> = ArchiveKind::ALL
            .iter()
            .map(|k| k.label().to_lowercase().replace("(pv)", "(PV)"))
            .collect();
        let mut contents = kinds.join(", ");
        if let Some(c) = contents.get(..1) {
            let upper = c.to_uppercase();
            contents.replace_range(..1, &upper);
        }
        TransmissionForm {
            sent_on: today.to_string(),
            channel: Channel::TransferLink.as_str(),
            reference: String::new(),
            contents,
            channels: channels(),
        }
    }

    fn typed(f: &TransmissionPost) -> TransmissionForm {
        TransmissionForm {
            sent_on: f.sent_on.clone(),
            channel: Channel::parse(&f.channel).map_or("", Channel::as_str),
            reference: f.reference.clone(),
            contents: f.contents.clone(),
            channels: channels(),
        }
    }
}

fn channels() -> Vec<(&'static str, &'static str)> {
    Channel::ALL
        .iter()
        .map(|c| (c.as_str(), c.label()))
        .collect()
}

#[derive(Deserialize)]
pub(super) struct TransmissionPost {
    #[serde(default)]
    version: i64,
    #[serde(default)]
    sent_on: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    contents: String,
}

async fn transmission(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<TransmissionPost>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let w = session.writer()?;
    let mut errs = Vec::new();
    let sent_on = fr::parse_date(&f.sent_on)
        .map_err(|e| {
            errs.push(jalon_store::FieldError::new(
                "sent_on",
                format!("date : {e}"),
            ))
        })
        .ok();
    let channel = Channel::parse(&f.channel);
    if channel.is_none() {
        errs.push(jalon_store::FieldError::new(
            "channel",
            "choisissez le moyen de transmission",
        ));
    }
    let done = match (sent_on, channel, errs.is_empty()) {
        (Some(sent_on), Some(channel), true) => state
            .store
            .record_transmission(
                w,
                f.version,
                TransmissionInput {
                    sent_on,
                    channel,
                    reference: f.reference.clone(),
                    contents: f.contents.clone(),
                },
            )
            .await
            .map(|_| ()),
        _ => Err(StoreError::Invalid(errs)),
    };
    super::session::transmission_outcome(
        &state,
        &p,
        &session,
        &jalon_core::milestone::ids::CLOSE_TRANSMIT,
        done,
        TransmissionForm::typed(&f),
    )
    .await
}

/// The centre's letter to a candidate, after the validation only.
async fn letter_pdf(
    State(state): State<AppState>,
    p: Page,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let document = crate::documents::result_letter(&state.store, &session, &candidate).await?;
    let bytes = crate::documents::render(
        state.docs.clone(),
        jalon_docs::pdf::Kind::ResultLetter,
        document,
    )
    .await
    .map_err(|e| StoreError::invalid("document", e.0))?;
    Ok(super::pdf_response("courrier-resultat.pdf", bytes))
}

#[derive(Deserialize)]
struct DocumentForm {
    #[serde(default)]
    on: String,
    #[serde(default)]
    how: String,
}

fn form_date(typed: &str) -> Result<jiff::civil::Date, StoreError> {
    fr::parse_date(typed).map_err(|e| StoreError::invalid("on", e))
}

async fn documents_launched(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<DocumentForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let w = session.writer()?;
    let done = match form_date(&f.on) {
        Ok(on) => state
            .store
            .record_documents_launched(w, on)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{id}/resultats?ok#h-docs")).into_response()),
        Err(e) => documents_refused(&state, &p, &session, e).await,
    }
}

async fn document_received(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<DocumentForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let w = session.writer()?;
    let done = match form_date(&f.on) {
        Ok(on) => state
            .store
            .record_document_received(w, &candidate, on, &f.how)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{id}/resultats?ok#h-docs")).into_response()),
        Err(e) => documents_refused(&state, &p, &session, e).await,
    }
}

/// The letters by email: to each candidate not yet sent one, or to the one given again.
async fn send_letters_to(
    state: &AppState,
    p: &Page,
    id: &SessionId,
    only: Option<&CandidateId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, id).await?;
    let w = session.writer()?;
    match crate::mailer::send_result_letters(state, w, only).await {
        Ok(r) if r.failed.is_empty() => Ok(Redirect::to(&format!(
            "/sessions/{id}/resultats?ok=courriers&envoyes={}&sans_adresse={}#h-docs",
            r.sent,
            r.without_address.len()
        ))
        .into_response()),
        Ok(r) => {
            let e = StoreError::invalid(
                "letters",
                format!(
                    "{} ; {} malgré tout",
                    r.failed.join(" ; "),
                    fr::count(r.sent, "courrier envoyé", "courriers envoyés")
                ),
            );
            documents_refused(state, p, &session, e).await
        }
        Err(e) => documents_refused(state, p, &session, e).await,
    }
}

async fn send_letters(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    send_letters_to(&state, &p, &id, None).await
}

async fn send_letter(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    send_letters_to(&state, &p, &id, Some(&candidate)).await
}

/// The letter printed and handed to the candidate.
async fn letter_handed(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    match state
        .store
        .record_letter_handed(session.writer()?, &candidate)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{id}/resultats?ok#h-docs")).into_response()),
        Err(e) => documents_refused(&state, &p, &session, e).await,
    }
}
