//! The session's « Résultats » tab: for each candidate, their épreuves as the sign-in sheets
//! noted them, and the jury's result — each épreuve done or absent, each CCP acquired or not,
//! the decision, « saisi dans CERES le … », the dossier professionnel handed in. Visible to
//! the centre and the inspector; never to a candidate before the validation.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::fr;
use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
use jalon_store::results::RecordResult;
use jalon_store::{CandidateId, SessionHandle, SessionId, StoreError};
use serde::Deserialize;

use crate::AppState;
use crate::ui::dashboard::session_dates;
use crate::ui::session::when;
use crate::ui::{FormPost, Layout, Page, PageResult, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/resultats", get(show))
        .route("/sessions/{id}/resultats/{candidate}", post(record))
        .route("/sessions/{id}/resultats/pv.pdf", get(minutes_pdf))
        .route("/sessions/{id}/dossier.zip", get(dossier))
        .route("/sessions/{id}/resultats/releves.pdf", get(sheets_pdf))
        .route(
            "/sessions/{id}/resultats/{candidate}/releve.pdf",
            get(sheet_pdf),
        )
        .route(
            "/sessions/{id}/resultats/pv-signe",
            get(minutes_scan).post(attach_scan),
        )
}

/// One épreuve of a candidate on the page.
pub struct EpreuveCell {
    pub name: String,
    /// « mardi 16 mars 2027 — présent à l'émargement ».
    pub said: String,
    /// `done`, `absent` or empty: what the form shows chosen.
    pub chosen: &'static str,
}

pub struct CcpCell {
    pub code: String,
    pub name: String,
    pub chosen: &'static str,
}

pub struct CandidateRow {
    pub id: String,
    pub name: String,
    pub version: i64,
    /// « titre obtenu — saisi dans CERES le … », or « à enregistrer ».
    pub summary: String,
    pub recorded: Option<String>,
    pub epreuves: Vec<EpreuveCell>,
    pub ccps: Vec<CcpCell>,
    pub decision: &'static str,
    pub ceres_on: String,
    pub dp_handed: bool,
    /// This candidate's refusal, shown on their card.
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    can_write: bool,
    notice: Option<String>,
    validated: bool,
    /// « mercredi 28 octobre 2026 ».
    validated_on: String,
    rows: Vec<CandidateRow>,
    decisions: Vec<(&'static str, &'static str)>,
    done_count: usize,
    /// The minutes can be edited and signed (every result recorded).
    minutes_ready: bool,
    /// Each juror present: name, « signé le … — … » or « à signer ».
    signers: Vec<(String, String)>,
    all_signed: bool,
    /// The signed paper scan: « pv-signe.pdf — SHA-256 … ».
    scan: Option<String>,
    /// What the scan upload refused.
    scan_error: Option<String>,
    /// « Lancés par le service départemental le … », once recorded.
    documents_launched: Option<String>,
    /// (candidate id, name, document, « reçu par courrier le … » or empty, « envoyé par
    /// courriel le … à … » or empty).
    documents: Vec<(String, String, String, String, String)>,
    /// Letters with a result still to send by email.
    letters_to_send: usize,
    /// What the documents' forms refused.
    documents_error: Option<String>,
    /// The secure archive, kind by kind.
    archive: Vec<super::closing::ArchiveView>,
    /// What the archive's forms refused.
    archive_error: Option<String>,
}

#[derive(Deserialize, Default)]
struct ShowQuery {
    #[serde(default)]
    ok: Option<String>,
    /// After sending the letters: how many went, how many had no address.
    #[serde(default)]
    envoyes: Option<usize>,
    #[serde(default)]
    sans_adresse: Option<usize>,
}

/// What the page shows beside the stored state: a notice, or a refusal where it happened.
#[derive(Default)]
pub(super) struct Shown {
    pub notice: Option<String>,
    /// A candidate's form refused: their id, the reasons, what was typed.
    pub refused: Option<(CandidateId, Vec<String>, HashMap<String, String>)>,
    pub scan_error: Option<String>,
    pub documents_error: Option<String>,
    pub archive_error: Option<String>,
}

impl Shown {
    fn refusal(&self) -> bool {
        self.refused.is_some()
            || self.scan_error.is_some()
            || self.documents_error.is_some()
            || self.archive_error.is_some()
    }
}

async fn page(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    notice: Option<String>,
    refused: Option<(CandidateId, Vec<String>, HashMap<String, String>)>,
) -> PageResult {
    let shown = Shown {
        notice,
        refused,
        ..Shown::default()
    };
    page_full(state, p, session, shown).await
}

/// A refusal shown on the documents' section.
pub(super) async fn documents_refused(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    e: StoreError,
) -> PageResult {
    let why = super::refusal_lines(e)?.join(" ; ");
    let shown = Shown {
        documents_error: Some(why),
        ..Shown::default()
    };
    page_full(state, p, session, shown).await
}

pub(super) async fn page_full(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    shown: Shown,
) -> PageResult {
    let Shown {
        notice,
        refused,
        scan_error,
        documents_error,
        archive_error,
    } = &shown;
    let (notice, refused) = (notice.clone(), refused.as_ref());
    let s = session.session();
    // One reading of the results for the whole page.
    let sheet = state.store.results(session).await?;
    let (minutes, docs, archive) = tokio::try_join!(
        state.store.minutes_of(session, &sheet),
        state.store.candidate_documents_of(session, sheet.clone()),
        state.store.archive(session),
    )?;
    let kind = s.kind;
    let rows: Vec<CandidateRow> = sheet
        .rows
        .iter()
        .map(|r| {
            // A refused form shows what was typed, not what is stored.
            let typed = refused
                .filter(|(c, _, _)| c == &r.candidate_id)
                .map(|(_, _, f)| f);
            let errors = refused
                .filter(|(c, _, _)| c == &r.candidate_id)
                .map(|(_, e, _)| e.clone())
                .unwrap_or_default();
            let stored = r.result.as_ref();
            let epreuves = r
                .passages
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let chosen = match typed {
                        Some(f) => pick(f.get(&format!("e{i}")).map(String::as_str)),
                        None => match stored.and_then(|s| s.input.epreuves.get(&x.epreuve)) {
                            Some(o) => o.as_str(),
                            None => match x.noted {
                                Some(true) => "done",
                                Some(false) => "absent",
                                None => "",
                            },
                        },
                    };
                    let day = x
                        .last_day
                        .map(fr::long_date)
                        .unwrap_or_else(|| "pas de passage à l'emploi du temps".to_owned());
                    let noted = match x.noted {
                        Some(true) => "présent à l'émargement",
                        Some(false) => "absent à l'émargement",
                        None => "présence non notée",
                    };
                    EpreuveCell {
                        name: x.epreuve.clone(),
                        said: format!("{day} — {noted}"),
                        chosen,
                    }
                })
                .collect();
            let ccps = sheet
                .ccps
                .iter()
                .enumerate()
                .map(|(i, (code, name))| CcpCell {
                    code: code.clone(),
                    name: name.clone(),
                    chosen: match typed {
                        Some(f) => pick_ccp(f.get(&format!("c{i}")).map(String::as_str)),
                        None => stored
                            .and_then(|s| s.input.ccps.get(code))
                            .map_or("", |o| o.as_str()),
                    },
                })
                .collect();
            let summary = match stored {
                None => "à enregistrer".to_owned(),
                Some(s) => format!(
                    "{}{}{}",
                    s.input.decision.label_for(kind),
                    match s.ceres_entered_on {
                        Some(d) => format!(" — saisi dans CERES le {}", fr::long_date(d)),
                        None => " — à saisir dans CERES".to_owned(),
                    },
                    if s.dp_handed {
                        " — dossier professionnel remis"
                    } else {
                        ""
                    }
                ),
            };
            CandidateRow {
                id: r.candidate_id.to_string(),
                name: r.name.clone(),
                version: stored.map_or(0, |s| s.version),
                summary,
                recorded: stored.map(|s| format!("par {} {}", s.recorded_by, when(s.recorded_at))),
                epreuves,
                ccps,
                decision: match typed {
                    Some(f) => f
                        .get("decision")
                        .and_then(|d| d.parse::<Decision>().ok())
                        .map_or("", |d| d.as_str()),
                    None => stored.map_or("", |s| s.input.decision.as_str()),
                },
                ceres_on: match typed {
                    Some(f) => f.get("ceres_on").cloned().unwrap_or_default(),
                    None => stored
                        .and_then(|s| s.ceres_entered_on)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                },
                dp_handed: match typed {
                    Some(f) => f.contains_key("dp"),
                    None => stored.is_some_and(|s| s.dp_handed),
                },
                errors,
            }
        })
        .collect();
    let view = ResultsPage {
        layout: p.layout(&format!("Résultats — {}", s.title_name), "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        can_write: p.actor.writer().is_ok(),
        notice,
        validated: s.validated_on.is_some(),
        validated_on: s.validated_on.map(fr::long_date).unwrap_or_default(),
        done_count: sheet.rows.iter().filter(|r| r.result.is_some()).count(),
        rows,
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), d.label_for(kind)))
            .collect(),
        minutes_ready: minutes.ready,
        all_signed: !minutes.signers.is_empty()
            && minutes.signers.iter().all(|j| j.signed_at.is_some()),
        signers: minutes
            .signers
            .iter()
            .map(|j| {
                (
                    j.name.clone(),
                    match (j.signed_at, &j.signed_from) {
                        (Some(at), Some(from)) => format!("signé {} — {from}", when(at)),
                        _ => "à signer (par son lien personnel, ou sur papier : joignez le scan)"
                            .to_owned(),
                    },
                )
            })
            .collect(),
        scan: minutes
            .scan
            .as_ref()
            .map(|(name, sha)| format!("{name} — SHA-256 {}…", &sha[..12.min(sha.len())])),
        scan_error: scan_error.clone(),
        documents_launched: docs.launched_on.map(|d| {
            format!(
                "Édition et envoi lancés par le service départemental le {}",
                fr::long_date(d)
            )
        }),
        documents: docs
            .rows
            .iter()
            .filter_map(|r| {
                Some((
                    r.candidate_id.to_string(),
                    r.name.clone(),
                    r.document?.label().to_owned(),
                    match (r.received_on, &r.how) {
                        (Some(d), Some(h)) => format!("{h} le {}", fr::long_date(d)),
                        _ => String::new(),
                    },
                    r.letter_sent
                        .as_ref()
                        .map(|(at, to)| {
                            if to == jalon_store::results::HANDED {
                                format!("remis en main propre {}", when(*at))
                            } else {
                                format!("envoyé {} à {to}", when(*at))
                            }
                        })
                        .unwrap_or_default(),
                ))
            })
            .collect(),
        letters_to_send: docs
            .rows
            .iter()
            .filter(|r| r.document.is_some() && r.letter_sent.is_none())
            .count(),
        documents_error: documents_error.clone(),
        archive: super::closing::archive_views(&s.id, &archive),
        archive_error: archive_error.clone(),
    };
    let status = if shown.refusal() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&view)).into_response())
}

fn pick(v: Option<&str>) -> &'static str {
    match v.and_then(|v| v.parse::<Outcome>().ok()) {
        Some(o) => o.as_str(),
        None => "",
    }
}

fn pick_ccp(v: Option<&str>) -> &'static str {
    match v.and_then(|v| v.parse::<CcpOutcome>().ok()) {
        Some(o) => o.as_str(),
        None => "",
    }
}

async fn show(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let notice = q.ok.map(|what| {
        match what.as_str() {
            "archive" => "Pièce archivée avec son empreinte SHA-256.",
            "retrait" => "Pièce retirée de l'archive ; le journal garde son nom et son empreinte.",
            "courriers" => "",
            _ => "Résultat enregistré.",
        }
        .to_owned()
    });
    let notice = match (q.envoyes, q.sans_adresse) {
        (Some(sent), without) => {
            let mut n = format!(
                "{} par courriel.",
                fr::count(sent, "courrier envoyé", "courriers envoyés")
            );
            if let Some(w) = without.filter(|w| *w > 0) {
                n.push_str(&format!(
                    " {} sans adresse de courriel : remettez-leur le courrier (PDF).",
                    fr::count(w, "candidat", "candidats")
                ));
            }
            Some(n)
        }
        _ => notice,
    };
    page(&state, &p, &session, notice, None).await
}

/// The form of one candidate: `e0`, `e1`… for their épreuves (in the page's order), `c0`,
/// `c1`… for the CCPs, `decision`, `ceres_on`, `dp`, `version`.
async fn record(
    State(state): State<AppState>,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
    FormPost(p, f): FormPost<HashMap<String, String>>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    // Read-only roles are refused before anything is read.
    session.writer()?;
    let done = async {
        let sheet = state.store.results(&session).await?;
        let row = sheet
            .rows
            .iter()
            .find(|r| r.candidate_id == candidate)
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        let mut errs = Vec::new();
        let mut epreuves = BTreeMap::new();
        for (i, x) in row.passages.iter().enumerate() {
            if let Some(o) = f
                .get(&format!("e{i}"))
                .and_then(|v| v.parse::<Outcome>().ok())
            {
                epreuves.insert(x.epreuve.clone(), o);
            }
        }
        let mut ccps = BTreeMap::new();
        for (i, (code, _)) in sheet.ccps.iter().enumerate() {
            if let Some(o) = f
                .get(&format!("c{i}"))
                .and_then(|v| v.parse::<CcpOutcome>().ok())
            {
                ccps.insert(code.clone(), o);
            }
        }
        let decision = match f.get("decision").and_then(|d| d.parse::<Decision>().ok()) {
            Some(d) => Some(d),
            None => {
                errs.push(jalon_store::error::FieldError::new(
                    "decision",
                    "choisissez la décision du jury",
                ));
                None
            }
        };
        let ceres_entered_on = match f.get("ceres_on").map(|v| v.trim()).unwrap_or("") {
            "" => None,
            typed => match fr::parse_date(typed) {
                Ok(d) => Some(d),
                Err(e) => {
                    errs.push(jalon_store::error::FieldError::new("ceres_on", e));
                    None
                }
            },
        };
        StoreError::check(errs)?;
        let version = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(0);
        state
            .store
            .record_result(
                session.writer()?,
                &candidate,
                RecordResult {
                    version,
                    result: ResultInput {
                        epreuves,
                        ccps,
                        decision: decision.unwrap_or(Decision::NotObtained),
                    },
                    ceres_entered_on,
                    dp_handed: f.contains_key("dp"),
                },
            )
            .await
            .map(|_| ())
    }
    .await;
    match done {
        Ok(()) => {
            Ok(Redirect::to(&format!("/sessions/{id}/resultats?ok#r-{candidate}")).into_response())
        }
        Err(e) => {
            let errors = super::refusal_lines(e)?;
            page(&state, &p, &session, None, Some((candidate, errors, f))).await
        }
    }
}

async fn typeset(
    state: &AppState,
    session: &SessionHandle<'_>,
    kind: jalon_docs::pdf::Kind,
    only: Option<&CandidateId>,
    name: &str,
) -> PageResult {
    let document = crate::documents::minutes_document(&state.store, session, only).await?;
    let bytes = crate::documents::render(state.docs.clone(), kind, document)
        .await
        .map_err(|e| StoreError::invalid("document", e.0))?;
    Ok(super::pdf_response(name, bytes))
}

async fn minutes_pdf(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    typeset(
        &state,
        &session,
        jalon_docs::pdf::Kind::Minutes,
        None,
        "pv-session.pdf",
    )
    .await
}

async fn sheets_pdf(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    typeset(
        &state,
        &session,
        jalon_docs::pdf::Kind::ResultSheet,
        None,
        "releves-resultats.pdf",
    )
    .await
}

async fn sheet_pdf(
    State(state): State<AppState>,
    p: Page,
    Path((id, candidate)): Path<(SessionId, CandidateId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    typeset(
        &state,
        &session,
        jalon_docs::pdf::Kind::ResultSheet,
        Some(&candidate),
        "releve-resultats.pdf",
    )
    .await
}

async fn minutes_scan(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    match state.store.minutes_scan(&session).await? {
        Some((_, kind, bytes)) => {
            Ok(([(axum::http::header::CONTENT_TYPE, kind)], bytes).into_response())
        }
        None => Err(StoreError::NotFound {
            what: "procès-verbal signé",
        }
        .into()),
    }
}

/// The minutes signed on paper: the scan stands for each present juror's signature.
async fn attach_scan(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    p: Page,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    session.writer()?;
    let (name, bytes) = super::uploaded_file(&p, &headers, form, "scan").await?;
    match state
        .store
        .attach_minutes_scan(session.writer()?, &name, &bytes)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/resultats?ok#h-pv")).into_response()),
        Err(e) => {
            let why = super::refusal_lines(e)?.join(" ; ");
            let shown = Shown {
                scan_error: Some(why),
                ..Shown::default()
            };
            page_full(&state, &p, &session, shown).await
        }
    }
}

/// The session's conformity file, for the inspector (or the centre) to take away.
async fn dossier(State(state): State<AppState>, p: Page, Path(id): Path<SessionId>) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    Ok(crate::archive::download(&state.store, state.docs.clone(), &session).await?)
}
