//! A session's jury: who sits on which day in which jury (the appointment form), the
//! eligibility matrix with what is wrong, each juror's convocation, link and sworn
//! statement, and on the day the jury's welcome (present, absent, signing on the tablet,
//! the quorum and the absence report).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::fr;
use jalon_core::jury::{JurorStatus, Seat};
use jalon_docs::pdf::{Absence, Kind};
use jalon_store::jury::{JurorConvocation, LinkInput, SessionJury};
use jalon_store::{JurorId, SessionHandle, SessionId, StoreError};
use jiff::civil::Date;
use serde::Deserialize;

use crate::AppState;
use crate::ui::dashboard::session_dates;
use crate::ui::{FormPost, Layout, Page, PageResult, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/jury", get(show).post(appoint))
        .route("/sessions/{id}/jury/absence.pdf", get(absence_report))
        .route("/sessions/{id}/jury/{juror}/convocation", post(convoke))
        .route("/sessions/{id}/jury/{juror}/link", post(issue_link))
        .route("/sessions/{id}/jury/{juror}/revoke", post(revoke))
        .route("/sessions/{id}/jury/{juror}/presence", post(presence))
        .route("/sessions/{id}/jury/{juror}/statement", post(statement))
        .route("/sessions/{id}/jury/{juror}/signature.png", get(signature))
        .route(
            "/sessions/{id}/jury/{juror}/convocation.pdf",
            get(convocation_pdf),
        )
        .route(
            "/sessions/{id}/jury/{juror}/employeur.pdf",
            get(employer_pdf),
        )
}

/// One juror of the centre in the appointment form: a choice of jury per session day.
pub struct GridRow {
    pub name: String,
    /// « habilité(e) jusqu'au 31/12/2029 », or why they may not sit.
    pub standing: String,
    pub habilitated: bool,
    /// (field name, jury chosen or 0) per session day.
    pub cells: Vec<(String, u32)>,
}

pub struct LinkRow {
    /// The form's value: « juror|candidate|what ».
    pub value: String,
    pub text: String,
}

pub struct MatrixRow {
    pub name: String,
    pub epreuve: String,
    pub day: String,
    pub jury: String,
    pub eligible: String,
    pub excluded: Vec<String>,
    pub short: bool,
}

pub struct AppointedRow {
    pub id: String,
    pub name: String,
    pub days: String,
    pub convoked: Option<String>,
    pub read: Option<String>,
    pub request_by: Option<String>,
    pub declared: Option<String>,
    pub signed: Option<String>,
    pub has_email: bool,
    pub salaried: bool,
}

pub struct WelcomeRow {
    pub id: String,
    pub name: String,
    pub jury: u32,
    pub presence: &'static str,
    pub state: &'static str,
    pub signed: bool,
    pub drawn: bool,
}

/// The jury's welcome on one day of the session.
pub struct Welcome {
    pub day: String,
    pub iso: String,
    pub rows: Vec<WelcomeRow>,
    /// The quorum's findings: a candidate with fewer than two jurors present.
    pub quorum: Vec<String>,
}

#[derive(Template)]
#[template(path = "jury.html")]
struct JuryPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    can_write: bool,
    notice: Option<String>,
    errors: Vec<String>,
    findings: Vec<String>,
    needs: Vec<String>,
    version: i64,
    days: Vec<String>,
    juries: Vec<u32>,
    grid: Vec<GridRow>,
    links: Vec<LinkRow>,
    juror_options: Vec<(String, String)>,
    candidate_options: Vec<(String, String)>,
    /// The passages where a juror is barred or jurors are short.
    matrix: Vec<MatrixRow>,
    /// The others: two jurors or more, none barred.
    matrix_rest: Vec<MatrixRow>,
    appointed: Vec<AppointedRow>,
    welcome: Option<Welcome>,
    signature_js: String,
    offline_js: String,
}

fn presence_label(p: &str) -> (&'static str, &'static str) {
    match p {
        "present" => ("présent", "done"),
        "absent" => ("absent", "na"),
        _ => ("attendu", "todo"),
    }
}

fn stamp(at: Option<jalon_store::Stamp>) -> Option<String> {
    at.map(crate::ui::session::when)
}

async fn page(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    notice: Option<String>,
    errors: Vec<String>,
) -> PageResult {
    let actor = &p.actor;
    let s = session.session();
    let (jury, jurors, candidates, title) = tokio::try_join!(
        state.store.jury(session),
        state.store.jurors(actor),
        state.store.candidates(session),
        state.store.title(actor, &s.title_id),
    )?;
    let days = jalon_core::calendar::days_from(s.start, s.end);
    let most = jury.needs.iter().map(|n| n.pairs).max().unwrap_or(1).max(1);
    let seated_most = jury.seats.iter().map(|x| x.seat.jury).max().unwrap_or(1);
    let juries: Vec<u32> = (1..=most.max(seated_most) + 1).collect();
    let rncp = jalon_core::catalog::rncp_code(&title.rncp_code);
    let grid = jurors
        .iter()
        .map(|j| {
            let rules = j.input.rules(j.id.as_str());
            let gap = jalon_core::jury::habilitation_gap(&rules, &rncp, &title.name, &days);
            let until = j
                .input
                .habilitations
                .iter()
                .filter(|h| h.title.eq_ignore_ascii_case(&rncp))
                .map(|h| h.valid_until)
                .max();
            let standing = match (&gap, until) {
                (None, Some(u)) => format!("habilité(e) jusqu'au {}", fr::short_date(u)),
                (Some(g), _) => g
                    .strip_prefix(&format!("{} ", rules.name))
                    .unwrap_or(g)
                    .to_owned(),
                (None, None) => String::new(),
            };
            GridRow {
                name: rules.name.clone(),
                habilitated: until.is_some(),
                standing,
                cells: days
                    .iter()
                    .map(|d| {
                        let chosen = jury
                            .seats
                            .iter()
                            .find(|x| x.seat.juror == j.id.as_str() && x.seat.day == *d)
                            .map_or(0, |x| x.seat.jury);
                        (format!("seat.{}.{d}", j.id), chosen)
                    })
                    .collect(),
            }
        })
        .collect();
    let juror_name = |id: &str| {
        jurors
            .iter()
            .find(|j| j.id.as_str() == id)
            .map(|j| j.input.display())
            .unwrap_or_else(|| id.to_owned())
    };
    let candidate_name = |id: &str| {
        candidates
            .iter()
            .find(|c| c.id.as_str() == id)
            .map(|c| c.input.short_name())
            .unwrap_or_else(|| id.to_owned())
    };
    let links = jury
        .links
        .iter()
        .filter(|l| l.linked)
        .map(|l| LinkRow {
            value: format!("{}|{}|{}", l.juror, l.candidate, l.what),
            text: format!(
                "{} — {} : {}{}",
                juror_name(&l.juror),
                candidate_name(&l.candidate),
                l.what,
                if l.declared_by == "juror" {
                    " (déclaré par le juré)"
                } else {
                    ""
                }
            ),
        })
        .collect();
    let (matrix, matrix_rest): (Vec<MatrixRow>, Vec<MatrixRow>) = jury
        .matrix
        .iter()
        .map(|c| MatrixRow {
            name: c.name.clone(),
            epreuve: c.epreuve.clone(),
            day: fr::long_date(c.day),
            jury: c
                .jury
                .map(|j| format!("jury {j}"))
                .unwrap_or_else(|| "tous".to_owned()),
            eligible: if c.eligible.is_empty() {
                "personne".to_owned()
            } else {
                c.eligible
                    .iter()
                    .map(|j| juror_name(j))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            excluded: c
                .excluded
                .iter()
                .map(|x| format!("{} : {}", juror_name(&x.juror), x.why))
                .collect(),
            short: c.short(),
        })
        .partition(|m| m.short || !m.excluded.is_empty());
    let appointed = jury
        .jurors
        .iter()
        .map(|j| AppointedRow {
            id: j.id.to_string(),
            name: j.name.clone(),
            days: j
                .days
                .iter()
                .map(|d| fr::short_date(*d))
                .collect::<Vec<_>>()
                .join(", "),
            convoked: j.convoked_at.map(|at| {
                format!(
                    "{} {}",
                    jalon_store::jury::JurorConvocation::label(
                        j.convoked_how.as_deref().unwrap_or("")
                    ),
                    crate::ui::session::when(at)
                )
            }),
            read: stamp(j.read_at),
            request_by: j.employer_request_by.map(fr::long_date),
            declared: stamp(j.links_declared_at),
            signed: j.signed_at.map(|at| {
                format!(
                    "{}{}",
                    crate::ui::session::when(at),
                    j.signed_from
                        .as_deref()
                        .map(|f| format!(", {f}"))
                        .unwrap_or_default()
                )
            }),
            has_email: j.has_email,
            salaried: j.status == JurorStatus::Salaried,
        })
        .collect();
    let today = state.store.today();
    let welcome = welcome_of(&jury, today);
    let view = JuryPage {
        layout: p.layout(&format!("Jury — {}", s.title_name), "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        can_write: actor.writer().is_ok(),
        notice,
        findings: jury.findings.iter().map(|f| f.message.clone()).collect(),
        needs: jury
            .needs
            .iter()
            .filter(|n| s.start <= n.date && n.date <= s.end)
            .map(|n| {
                format!(
                    "{} : {} pour les passages individuels",
                    fr::long_date(n.date),
                    fr::count(
                        n.pairs as usize,
                        "jury de deux jurés au moins",
                        "jurys de deux jurés au moins"
                    )
                )
            })
            .collect(),
        version: jury.version,
        days: days.iter().map(|d| fr::long_date(*d)).collect(),
        juries,
        grid,
        links,
        juror_options: jury
            .jurors
            .iter()
            .map(|j| (j.id.to_string(), j.name.clone()))
            .collect(),
        candidate_options: candidates
            .iter()
            .map(|c| (c.id.to_string(), c.input.short_name()))
            .collect(),
        matrix,
        matrix_rest,
        appointed,
        welcome,
        signature_js: crate::assets::signature_path(),
        offline_js: crate::assets::offline_path(),
        errors: errors.clone(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&view)).into_response())
}

/// The jury's welcome today, when today is a day the jury sits.
fn welcome_of(jury: &SessionJury, today: Date) -> Option<Welcome> {
    let rows: Vec<WelcomeRow> = jury
        .seats
        .iter()
        .filter(|x| x.seat.day == today)
        .map(|x| {
            let (presence, state) = presence_label(&x.presence);
            let j = jury.jurors.iter().find(|j| j.id.as_str() == x.seat.juror);
            WelcomeRow {
                id: x.seat.juror.clone(),
                name: j.map(|j| j.name.clone()).unwrap_or_default(),
                jury: x.seat.jury,
                presence,
                state,
                signed: j.is_some_and(|j| j.signed_at.is_some()),
                drawn: j.is_some_and(|j| j.drawn_signature),
            }
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Welcome {
        day: fr::long_date(today),
        iso: today.to_string(),
        rows,
        quorum: jury.welcome.iter().map(|f| f.message.clone()).collect(),
    })
}

#[derive(Deserialize)]
struct Notice {
    #[serde(default)]
    ok: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    Query(q): Query<Notice>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let notice = q.ok.map(|_| "Jury enregistré.".to_owned());
    page(&state, &p, &session, notice, Vec::new()).await
}

/// The appointment form: `seat.{juror}.{day}` = jury number (empty: does not sit), the
/// links kept (`link` = « juror|candidate|what ») and a new one.
fn read_form(fields: &[(String, String)]) -> (i64, Vec<Seat>, Vec<LinkInput>, Vec<String>) {
    let mut version = 0;
    let mut seats = Vec::new();
    let mut links = Vec::new();
    let mut errors = Vec::new();
    let (mut new_juror, mut new_candidate, mut new_what) =
        (String::new(), String::new(), String::new());
    for (name, value) in fields {
        let value = value.trim();
        match name.as_str() {
            "version" => version = value.parse().unwrap_or(0),
            "link" => {
                let mut parts = value.splitn(3, '|');
                if let (Some(juror), Some(candidate), Some(what)) =
                    (parts.next(), parts.next(), parts.next())
                {
                    links.push(LinkInput {
                        juror: juror.to_owned(),
                        candidate: candidate.to_owned(),
                        what: what.to_owned(),
                    });
                }
            }
            "new_juror" => new_juror = value.to_owned(),
            "new_candidate" => new_candidate = value.to_owned(),
            "new_what" => new_what = value.to_owned(),
            other => {
                let Some(rest) = other.strip_prefix("seat.") else {
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                let Some((juror, day)) = rest.rsplit_once('.') else {
                    continue;
                };
                match (day.parse::<Date>(), value.parse::<u32>()) {
                    (Ok(day), Ok(jury)) => seats.push(Seat {
                        juror: juror.to_owned(),
                        day,
                        jury,
                    }),
                    _ => errors.push(format!("choix de jury illisible : « {value} »")),
                }
            }
        }
    }
    match (
        new_juror.is_empty(),
        new_candidate.is_empty(),
        new_what.is_empty(),
    ) {
        (true, true, true) => {}
        (false, false, false) => links.push(LinkInput {
            juror: new_juror,
            candidate: new_candidate,
            what: new_what,
        }),
        _ => errors.push(
            "pour déclarer un lien, choisissez le juré et le candidat, et dites quel est le lien"
                .to_owned(),
        ),
    }
    (version, seats, links, errors)
}

async fn appoint(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, fields): FormPost<Vec<(String, String)>>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let (version, seats, links, errors) = read_form(&fields);
    if !errors.is_empty() {
        return page(&state, &p, &session, None, errors).await;
    }
    match state
        .store
        .set_jury(session.writer()?, version, seats, links)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/sessions/{id}/jury?ok")).into_response()),
        Err(e) => {
            let errors = super::refusal_lines(e)?;
            page(&state, &p, &session, None, errors).await
        }
    }
}

/// After an action on one juror: the page again, with its outcome.
async fn outcome(
    state: &AppState,
    p: &Page,
    id: &SessionId,
    done: Result<String, StoreError>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, id).await?;
    match done {
        Ok(notice) => page(state, p, &session, Some(notice), Vec::new()).await,
        Err(e) => {
            let errors = super::refusal_lines(e)?;
            page(state, p, &session, None, errors).await
        }
    }
}

#[derive(Deserialize)]
struct How {
    how: JurorConvocation,
}

async fn convoke(
    State(state): State<AppState>,
    Path((id, juror)): Path<(SessionId, JurorId)>,
    FormPost(p, f): FormPost<How>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let writer = session.writer()?;
    let done = match f.how {
        JurorConvocation::Email => crate::mailer::send_juror_convocation(&state, writer, &juror)
            .await
            .map(|()| {
                "Convocation envoyée par courriel, avec le lien personnel du juré.".to_owned()
            }),
        JurorConvocation::Hand => state
            .store
            .record_juror_convocation(writer, &juror, JurorConvocation::Hand)
            .await
            .map(|_| "Convocation remise : enregistrée.".to_owned()),
    };
    outcome(&state, &p, &id, done).await
}

#[derive(Deserialize)]
struct Empty {}

async fn issue_link(
    State(state): State<AppState>,
    Path((id, juror)): Path<(SessionId, JurorId)>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    state.store.open_session(&p.actor, &id).await?;
    let done = state
        .store
        .issue_juror_link(p.actor.writer()?, &juror)
        .await
        .map(|token| {
            format!(
                "Lien personnel du juré, à lui transmettre (il ne sera plus affiché) : {}/jure/{token}",
                state.mail.public_url
            )
        });
    outcome(&state, &p, &id, done).await
}

async fn revoke(
    State(state): State<AppState>,
    Path((id, juror)): Path<(SessionId, JurorId)>,
    FormPost(p, _): FormPost<Empty>,
) -> PageResult {
    state.store.open_session(&p.actor, &id).await?;
    let done = state
        .store
        .revoke_juror_links(p.actor.writer()?, &juror)
        .await
        .map(|n| {
            format!(
                "{} révoqué(s) : ils n'ouvrent plus rien.",
                fr::count(n as usize, "lien", "liens")
            )
        });
    outcome(&state, &p, &id, done).await
}

#[derive(Deserialize)]
struct PresenceForm {
    day: Date,
    present: u8,
}

async fn presence(
    State(state): State<AppState>,
    Path((id, juror)): Path<(SessionId, JurorId)>,
    FormPost(p, f): FormPost<PresenceForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = state
        .store
        .note_juror(session.writer()?, &juror, f.day, f.present == 1)
        .await
        .map(|_| "Présence notée.".to_owned());
    outcome(&state, &p, &id, done).await
}

#[derive(Deserialize)]
struct StatementForm {
    #[serde(default)]
    signature: String,
    #[serde(default)]
    sworn: Option<String>,
}

async fn statement(
    State(state): State<AppState>,
    Path((id, juror)): Path<(SessionId, JurorId)>,
    FormPost(p, f): FormPost<StatementForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = match (
        f.sworn.is_some(),
        crate::body::drawn_signature(&f.signature),
    ) {
        (false, _) => Err(StoreError::invalid(
            "sworn",
            "le juré coche la déclaration sur l'honneur avant de signer",
        )),
        (true, Err(e)) => Err(StoreError::invalid("signature", e)),
        (true, Ok(None)) => Err(StoreError::invalid(
            "signature",
            "la signature est vide : le juré signe dans le cadre",
        )),
        (true, Ok(Some(png))) => state
            .store
            .sign_juror_statement(session.writer()?, &juror, &png)
            .await
            .map(|_| "Déclaration sur l'honneur signée.".to_owned()),
    };
    outcome(&state, &p, &id, done).await
}

async fn signature(
    State(state): State<AppState>,
    p: Page,
    Path((id, juror)): Path<(SessionId, JurorId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    match state.store.juror_signature(&session, &juror).await? {
        Some(png) => Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response()),
        None => Err(StoreError::NotFound { what: "signature" }.into()),
    }
}

/// A document for one juror of the session.
async fn juror_document(
    state: &AppState,
    p: &Page,
    id: &SessionId,
    juror: &JurorId,
    kind: Kind,
    name: &str,
) -> PageResult {
    let session = state.store.open_session(&p.actor, id).await?;
    let mut document = crate::documents::session_document(&state.store, &session, None).await?;
    document.jury.retain(|l| l.id == juror.as_str());
    let Some(line) = document.jury.first() else {
        return Err(StoreError::NotFound { what: "juré" }.into());
    };
    if kind == Kind::EmployerLetter && !line.salaried {
        return Err(StoreError::NotFound {
            what: "demande à l'employeur (le juré n'est pas salarié)",
        }
        .into());
    }
    let file = format!(
        "{name}-{}.pdf",
        jalon_core::candidate::fold(&line.name).replace(' ', "-")
    );
    let bytes = crate::documents::render(state.docs.clone(), kind, document)
        .await
        .map_err(|e| StoreError::invalid("document", e.0))?;
    Ok(super::pdf_response(&file, bytes))
}

async fn convocation_pdf(
    State(state): State<AppState>,
    p: Page,
    Path((id, juror)): Path<(SessionId, JurorId)>,
) -> PageResult {
    juror_document(
        &state,
        &p,
        &id,
        &juror,
        Kind::JurorConvocation,
        "convocation-jury",
    )
    .await
}

async fn employer_pdf(
    State(state): State<AppState>,
    p: Page,
    Path((id, juror)): Path<(SessionId, JurorId)>,
) -> PageResult {
    juror_document(
        &state,
        &p,
        &id,
        &juror,
        Kind::EmployerLetter,
        "demande-employeur",
    )
    .await
}

#[derive(Deserialize)]
struct DayQuery {
    #[serde(default)]
    jour: Option<Date>,
}

/// The report of the jury's absence on a day (today by default), for the departmental
/// service: who came, who did not, who is left with fewer than two jurors.
async fn absence_report(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    Query(q): Query<DayQuery>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let day = q.jour.unwrap_or_else(|| state.store.today());
    let jury = state.store.jury(&session).await?;
    let name = |id: &str| {
        jury.jurors
            .iter()
            .find(|j| j.id.as_str() == id)
            .map(|j| j.name.clone())
            .unwrap_or_default()
    };
    let of_day: Vec<_> = jury.seats.iter().filter(|x| x.seat.day == day).collect();
    if of_day.is_empty() {
        return Err(StoreError::invalid(
            "jour",
            format!("aucun juré ne siège le {}", fr::long_date(day)),
        )
        .into());
    }
    let mut document = crate::documents::session_document(&state.store, &session, None).await?;
    document.absence = Some(Absence {
        day: fr::long_date(day),
        present: of_day
            .iter()
            .filter(|x| x.presence == "present")
            .map(|x| name(&x.seat.juror))
            .collect(),
        absent: of_day
            .iter()
            .filter(|x| x.presence == "absent")
            .map(|x| name(&x.seat.juror))
            .collect(),
        short: state.store.jury_quorum(&session, day).await?,
    });
    let bytes = crate::documents::render(state.docs.clone(), Kind::AbsenceReport, document)
        .await
        .map_err(|e| StoreError::invalid("document", e.0))?;
    Ok(super::pdf_response(
        &format!("rapport-absence-jury-{day}.pdf"),
        bytes,
    ))
}
