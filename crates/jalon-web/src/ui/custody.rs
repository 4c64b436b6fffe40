//! The session's « Plis et lancement » tab: the DTE ordered, chased and received, each
//! packet's custody with its moves, the launch of a day (the manager present, each épreuve's
//! start and end, a late candidate, the unused subjects destroyed), the incidents; and the
//! documents to sign: the opening attestation, the destruction record, each incident's.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use jalon_core::checklist::ItemState;
use jalon_core::custody::{Move, PacketKind, PacketState};
use jalon_core::fr;
use jalon_core::launch::{IncidentCategory, IncidentInput};
use jalon_core::milestone::MilestoneId;
use jalon_docs::pdf::{CustodyRecords, DestructionLine, IncidentLine, Kind, PacketLine};
use jalon_store::custody::{DteOrder, MoveInput, PacketInput, ReceptionInput};
use jalon_store::launch::LaunchRecord;
use jalon_store::{IncidentId, PacketId, SessionHandle, SessionId, Stamp, StoreError};
use jiff::civil::{Date, Time};
use serde::Deserialize;

use crate::AppState;
use crate::ui::dashboard::session_dates;
use crate::ui::session::when;
use crate::ui::{FormPost, Layout, Page, PageResult, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sessions/{id}/plis", get(show))
        .route("/sessions/{id}/plis/commande", post(order))
        .route("/sessions/{id}/plis/relance", post(chase))
        .route("/sessions/{id}/plis/reception", post(receive))
        .route("/sessions/{id}/plis/{packet}/{step}", post(move_packet))
        .route("/sessions/{id}/plis/jour/{day}/responsable", post(manager))
        .route("/sessions/{id}/plis/jour/{day}/epreuve", post(launch))
        .route("/sessions/{id}/plis/jour/{day}/attester", post(attest))
        .route("/sessions/{id}/plis/incidents", post(incident))
        .route(
            "/sessions/{id}/plis/jour/{day}/attestation.pdf",
            get(attestation_pdf),
        )
        .route("/sessions/{id}/plis/destruction.pdf", get(destruction_pdf))
        .route(
            "/sessions/{id}/plis/incidents/{incident}/pv.pdf",
            get(incident_pdf),
        )
        .route(
            "/sessions/{id}/photos-plis/{packet}",
            get(photo).post(attach_photo),
        )
}

pub struct PacketRow {
    pub id: String,
    pub version: i64,
    pub kind: &'static str,
    pub label: String,
    pub epreuve: String,
    pub seals: &'static str,
    pub state: &'static str,
    pub done: bool,
    pub has_photo: bool,
    pub history: Vec<String>,
}

pub struct EpreuveRow {
    pub name: String,
    pub planned: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    pub unused: Option<String>,
    pub late: Vec<String>,
}

/// An attestation of the day: the final checks, the candidates' briefing, the trainers'
/// absence — ticked from the launch page.
pub struct AttestRow {
    pub milestone: String,
    pub item: String,
    /// « attesté par … le … », or `None` while to attest.
    pub done: Option<String>,
}

pub struct IncidentRow {
    pub id: String,
    pub line: String,
    pub description: String,
    pub fraud: bool,
}

#[derive(Template)]
#[template(path = "custody.html")]
struct CustodyPage {
    layout: Layout,
    id: String,
    title: String,
    dates: String,
    can_write: bool,
    /// The user's name, to prefill who does what.
    me: String,
    notice: Option<String>,
    errors: Vec<String>,
    version: i64,
    order: Option<String>,
    reception: Option<String>,
    chases: Vec<String>,
    chase_advised: String,
    mailto: String,
    chase_text: String,
    packets: Vec<PacketRow>,
    users: Vec<(String, String)>,
    epreuves: Vec<String>,
    today: String,
    day_iso: String,
    day_label: String,
    days: Vec<(String, String, bool)>,
    manager: Option<String>,
    /// Subject envelopes were opened that day: the attestation can be printed.
    opened_that_day: bool,
    attestations: Vec<AttestRow>,
    launch: Vec<EpreuveRow>,
    candidates: Vec<(String, String)>,
    incidents: Vec<IncidentRow>,
    categories: Vec<(&'static str, &'static str)>,
    offline_js: String,
}

#[derive(Deserialize, Default)]
struct DayQuery {
    #[serde(default)]
    jour: Option<Date>,
    #[serde(default)]
    ok: Option<String>,
}

/// « Pli sujets « Pli 1 » : ouvert le … par …, devant …, témoins … ».
fn history(p: &jalon_store::custody::Packet) -> Vec<String> {
    let mut out = vec![format!("reçu {}", when(p.received_at))];
    if let Some(at) = p.stored_at {
        out.push(format!(
            "rangé {}{}",
            when(at),
            p.stored_place
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        ));
    }
    if let Some(at) = p.opened_at {
        out.push(format!(
            "ouvert {} par {}{}{}",
            when(at),
            p.opened_by.clone().unwrap_or_default(),
            p.opened_before
                .as_deref()
                .filter(|b| !b.is_empty())
                .map(|b| format!(", devant {b}"))
                .unwrap_or_default(),
            p.opened_witnesses
                .as_deref()
                .map(|w| format!(", témoins : {w}"))
                .unwrap_or_default()
        ));
    }
    if let Some(at) = p.destroyed_at {
        out.push(format!(
            "détruit {} par {} ({}), témoin : {}{}",
            when(at),
            p.destroyed_by.clone().unwrap_or_default(),
            p.destroyed_how.clone().unwrap_or_default(),
            p.destroyed_witness.clone().unwrap_or_default(),
            p.destroyed_reason
                .as_deref()
                .map(|r| format!(" — non ouvert : {r}"))
                .unwrap_or_default()
        ));
    }
    if let Some(at) = p.returned_at {
        out.push(format!(
            "retourné {} à {} ({})",
            when(at),
            p.returned_to.clone().unwrap_or_default(),
            p.returned_reason.clone().unwrap_or_default()
        ));
    }
    out
}

async fn page(
    state: &AppState,
    p: &Page,
    session: &SessionHandle<'_>,
    day: Option<Date>,
    notice: Option<String>,
    errors: Vec<String>,
) -> PageResult {
    let s = session.session();
    let actor = &p.actor;
    let (dte, users, candidates, incidents, title) = tokio::try_join!(
        state.store.dte(session),
        state.store.users(actor),
        state.store.candidates(session),
        state.store.incidents(session),
        state.store.title(actor, &s.title_id),
    )?;
    let today = state.store.today();
    let all_days = jalon_core::calendar::days_from(s.start, s.end);
    let shown = day
        .filter(|d| all_days.contains(d))
        .unwrap_or(if all_days.contains(&today) {
            today
        } else {
            s.start
        });
    let (launch, attestations) = tokio::try_join!(
        state.store.launch_day(session, shown),
        state.store.day_attestations(session, shown),
    )?;
    let centre = state.store.centre(actor).await?;
    let approval = match &s.approval_id {
        Some(a) => state.store.approval(actor, a).await?.number,
        None => String::new(),
    };
    let chase_text = format!(
        "Bonjour,\n\nNous n'avons pas reçu les Dossiers Techniques d'Évaluation de la session suivante :\n\
         - titre professionnel : {} ({})\n- session CERES n° {}\n- dates : {}\n- centre : {} — agrément n° {}\n\n\
         Pouvez-vous nous indiquer leur date d'envoi ?\n\nCordialement,\n{}",
        title.name,
        title.rncp_code,
        s.ceres_number
            .clone()
            .unwrap_or_else(|| "(à renseigner)".to_owned()),
        fr::date_range(s.start, s.end),
        centre.name,
        if approval.is_empty() {
            "(à renseigner)"
        } else {
            approval.as_str()
        },
        p.actor.name()
    );
    let subject = format!(
        "DTE non reçus — session CERES {} — {}",
        s.ceres_number.clone().unwrap_or_default(),
        title.name
    );
    let mailto = format!(
        "mailto:{}?subject={}&body={}",
        dte.mailbox,
        super::encode(&subject),
        super::encode(&chase_text)
    );
    let view = CustodyPage {
        layout: p.layout(&format!("Plis et lancement — {}", s.title_name), "sessions"),
        id: s.id.to_string(),
        title: s.title_name.clone(),
        dates: session_dates(s.start, s.end),
        can_write: actor.writer().is_ok(),
        me: actor.name().to_owned(),
        notice,
        errors: errors.clone(),
        version: dte.version,
        order: dte.order.as_ref().map(|o| {
            format!(
                "Commandés le {} par {}{}",
                fr::long_date(o.on),
                o.by,
                if o.reference.is_empty() {
                    String::new()
                } else {
                    format!(" (référence {})", o.reference)
                }
            )
        }),
        reception: dte.reception.as_ref().map(|r| {
            format!(
                "Reçus {} par {} ; rangés : {} ; clé : {}",
                when(r.at),
                r.by,
                r.storage,
                r.key_holders.join(", ")
            )
        }),
        chases: dte
            .chases
            .iter()
            .map(|c| format!("relancé le {} par {}", fr::long_date(c.on), c.by))
            .collect(),
        chase_advised: dte.chase_advised.map(fr::long_date).unwrap_or_default(),
        mailto,
        chase_text,
        packets: dte
            .packets
            .iter()
            .map(|x| PacketRow {
                id: x.id.to_string(),
                version: x.version,
                kind: x.kind.label(),
                label: x.label.clone(),
                epreuve: x.epreuve.clone().unwrap_or_default(),
                seals: if x.seals_intact {
                    "intacts"
                } else {
                    "endommagés"
                },
                state: x.state.label(),
                done: matches!(x.state, PacketState::Destroyed | PacketState::Returned),
                has_photo: x.has_photo,
                history: history(x),
            })
            .collect(),
        users: users
            .iter()
            .map(|u| (u.id.to_string(), u.display_name.clone()))
            .collect(),
        epreuves: title
            .structure
            .epreuves
            .iter()
            .map(|e| e.name.clone())
            .collect(),
        today: today.to_string(),
        day_iso: shown.to_string(),
        day_label: fr::long_date(shown),
        days: all_days
            .iter()
            .map(|d| (d.to_string(), fr::long_date(*d), *d == shown))
            .collect(),
        manager: launch.manager.clone(),
        opened_that_day: dte.packets.iter().any(|x| {
            x.kind == PacketKind::Subjects && x.opened_at.is_some_and(|a| a.paris_date() == shown)
        }),
        attestations: attestations
            .into_iter()
            .map(|(m, i)| AttestRow {
                milestone: m.to_string(),
                done: match (i.state, &i.ticked_by, i.ticked_at) {
                    (Some(ItemState::NotApplicable), _, _) => Some(format!(
                        "sans objet ({})",
                        i.reason.clone().unwrap_or_default()
                    )),
                    (Some(ItemState::Done), Some(by), Some(at)) => {
                        Some(format!("attesté par {by} {}", when(at)))
                    }
                    _ => None,
                },
                item: i.item,
            })
            .collect(),
        launch: launch
            .epreuves
            .iter()
            .map(|e| EpreuveRow {
                name: e.epreuve.clone(),
                planned: match (e.planned_start, e.planned_end) {
                    (Some(a), Some(b)) => format!("{} – {}", fr::time(a), fr::time(b)),
                    _ => String::new(),
                },
                started: e.start_against_schedule.clone(),
                ended: e.ended.map(fr::time),
                unused: e.unused_destroyed_at.map(|at| {
                    format!(
                        "{} sujet(s) non utilisé(s) détruit(s) {}, témoin : {}",
                        e.unused_count.unwrap_or(0),
                        when(at),
                        e.unused_witness.clone().unwrap_or_default()
                    )
                }),
                late: e
                    .late
                    .iter()
                    .map(|(n, t)| format!("{n}, arrivé(e) à {t}"))
                    .collect(),
            })
            .collect(),
        candidates: candidates
            .iter()
            .map(|c| (c.id.to_string(), c.input.short_name()))
            .collect(),
        incidents: incidents
            .iter()
            .map(|i| IncidentRow {
                id: i.id.to_string(),
                line: format!(
                    "{} — {} à {}{}{}",
                    fr::long_date(i.input.day),
                    i.input.category.label(),
                    fr::time(i.input.time),
                    if i.input.epreuve.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", i.input.epreuve)
                    },
                    if i.candidate_names.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", i.candidate_names.join(", "))
                    }
                ),
                description: i.input.description.clone(),
                fraud: i.input.category == IncidentCategory::SuspectedFraud,
            })
            .collect(),
        offline_js: crate::assets::offline_path(),
        categories: IncidentCategory::ALL
            .iter()
            .map(|c| (c.as_str(), c.label()))
            .collect(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&view)).into_response())
}

async fn show(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
    Query(q): Query<DayQuery>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let notice = q.ok.map(|_| "Enregistré.".to_owned());
    page(&state, &p, &session, q.jour, notice, Vec::new()).await
}

/// After a form: back to the page (by a GET) on success, or the page with its refusal.
async fn after(
    state: &AppState,
    p: &Page,
    id: &SessionId,
    day: Option<Date>,
    done: Result<(), StoreError>,
) -> PageResult {
    match done {
        Ok(()) => {
            let jour = day.map(|d| format!("&jour={d}")).unwrap_or_default();
            Ok(Redirect::to(&format!("/sessions/{id}/plis?ok{jour}")).into_response())
        }
        Err(e) => {
            let errors = super::refusal_lines(e)?;
            let session = state.store.open_session(&p.actor, id).await?;
            page(state, p, &session, day, None, errors).await
        }
    }
}

fn parse_date(field: &str, text: &str) -> Result<Date, StoreError> {
    fr::parse_date(text).map_err(|e| StoreError::invalid(field, e))
}

fn parse_time(field: &str, text: &str) -> Result<Time, StoreError> {
    jalon_core::schedule::parse_time(text).map_err(|e| StoreError::invalid(field, e))
}

#[derive(Deserialize)]
struct OrderForm {
    version: i64,
    on: String,
    #[serde(default)]
    reference: String,
    by: String,
}

async fn order(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<OrderForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = async {
        let on = parse_date("on", &f.on)?;
        state
            .store
            .record_dte_order(
                session.writer()?,
                f.version,
                DteOrder {
                    on,
                    reference: f.reference.clone(),
                    by: f.by.clone(),
                },
            )
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &p, &id, None, done).await
}

#[derive(Deserialize)]
struct ChaseForm {
    on: String,
    by: String,
}

async fn chase(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, f): FormPost<ChaseForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = async {
        let on = parse_date("on", &f.on)?;
        state
            .store
            .record_chase(session.writer()?, on, &f.by)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &p, &id, None, done).await
}

/// The reception form: `by`, `storage`, `key_holder` (repeated), and the packets one per
/// line: « organisateur ; libellé », « sujets ; libellé ; épreuve », « autre ; libellé »,
/// with « ; scellés endommagés » at the end when they are.
async fn receive(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, fields): FormPost<Vec<(String, String)>>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let done = async {
        let mut packets = Vec::new();
        let mut errs = Vec::new();
        for (n, line) in get("packets")
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let mut parts: Vec<&str> = line.split(';').map(str::trim).collect();
            let damaged = parts
                .last()
                .is_some_and(|l| fr_fold(l).starts_with("scelles endommages"));
            if damaged {
                parts.pop();
            }
            let kind = match parts.first().map(|k| fr_fold(k)).as_deref() {
                Some("organisateur") => PacketKind::Organiser,
                Some("sujets") => PacketKind::Subjects,
                Some("autre") => PacketKind::Other,
                _ => {
                    errs.push(jalon_store::FieldError::new(
                        "packets",
                        format!(
                            "ligne {} : commencez par « organisateur », « sujets » ou « autre »",
                            n + 1
                        ),
                    ));
                    continue;
                }
            };
            packets.push(PacketInput {
                kind,
                label: parts.get(1).copied().unwrap_or_default().to_owned(),
                epreuve: parts.get(2).map(|e| (*e).to_owned()),
                seals_intact: !damaged,
            });
        }
        StoreError::check(errs)?;
        let at = match (get("date").trim(), get("time").trim()) {
            ("", _) => Stamp::new(state.store.now()),
            (d, t) => {
                let day = parse_date("date", d)?;
                let time = if t.is_empty() {
                    Time::midnight()
                } else {
                    parse_time("time", t)?
                };
                Stamp::new(
                    day.to_datetime(time)
                        .in_tz("Europe/Paris")
                        .map_err(|e| StoreError::invalid("date", e.to_string()))?
                        .timestamp(),
                )
            }
        };
        state
            .store
            .receive_dte(
                session.writer()?,
                get("version").parse().unwrap_or(0),
                ReceptionInput {
                    at,
                    by: get("by"),
                    storage: get("storage"),
                    key_holders: fields
                        .iter()
                        .filter(|(n, _)| n == "key_holder")
                        .map(|(_, v)| v.clone())
                        .collect(),
                    packets,
                },
            )
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &p, &id, None, done).await
}

fn fr_fold(s: &str) -> String {
    jalon_core::candidate::fold(s)
}

#[derive(Deserialize)]
struct MoveForm {
    version: i64,
    #[serde(default)]
    by: String,
    #[serde(default)]
    witnesses: String,
    #[serde(default)]
    before: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    how: String,
    #[serde(default)]
    reason: String,
}

async fn move_packet(
    State(state): State<AppState>,
    Path((id, packet, step)): Path<(SessionId, PacketId, String)>,
    FormPost(p, f): FormPost<MoveForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let Some(step) = jalon_store::custody::move_named(&step) else {
        return Err(StoreError::NotFound { what: "action" }.into());
    };
    let by = if f.by.trim().is_empty() {
        p.actor.name().to_owned()
    } else {
        f.by.clone()
    };
    let done = state
        .store
        .move_packet(
            session.writer()?,
            &packet,
            step,
            MoveInput {
                version: f.version,
                by,
                witnesses: f.witnesses,
                before: f.before,
                place: f.place,
                how: f.how,
                reason: f.reason,
            },
        )
        .await
        .map(|_| ());
    let day = (step == Move::Open).then(|| state.store.today());
    after(&state, &p, &id, day, done).await
}

#[derive(Deserialize)]
struct ManagerForm {
    manager: String,
}

async fn manager(
    State(state): State<AppState>,
    Path((id, day)): Path<(SessionId, Date)>,
    FormPost(p, f): FormPost<ManagerForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = state
        .store
        .record_day_manager(session.writer()?, day, &f.manager)
        .await
        .map(|_| ());
    after(&state, &p, &id, Some(day), done).await
}

#[derive(Deserialize)]
struct AttestForm {
    milestone: MilestoneId,
    item: String,
}

/// One attestation of the day ticked from the launch page: the same tick as on the
/// milestone, back to the day.
async fn attest(
    State(state): State<AppState>,
    Path((id, day)): Path<(SessionId, Date)>,
    FormPost(p, f): FormPost<AttestForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = state
        .store
        .tick_item(
            session.writer()?,
            &f.milestone,
            &f.item,
            ItemState::Done,
            "",
        )
        .await
        .map(|_| ());
    after(&state, &p, &id, Some(day), done).await
}

#[derive(Deserialize)]
struct LaunchForm {
    epreuve: String,
    what: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    candidate: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    witness: String,
}

async fn launch(
    State(state): State<AppState>,
    Path((id, day)): Path<(SessionId, Date)>,
    FormPost(p, f): FormPost<LaunchForm>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let done = async {
        let record = match f.what.as_str() {
            "start" => LaunchRecord::Start {
                at: parse_time("at", &f.at)?,
            },
            "end" => LaunchRecord::End {
                at: parse_time("at", &f.at)?,
            },
            "late" => LaunchRecord::Late {
                candidate: f.candidate.clone(),
                arrived: parse_time("at", &f.at)?,
            },
            "destroy_unused" => LaunchRecord::DestroyUnused {
                count: f.count.trim().parse().map_err(|_| {
                    StoreError::invalid(
                        "count",
                        format!("« {} » n'est pas un nombre de sujets", f.count.trim()),
                    )
                })?,
                witness: f.witness.clone(),
            },
            other => {
                return Err(StoreError::invalid(
                    "what",
                    format!("action « {other} » inconnue"),
                ));
            }
        };
        state
            .store
            .record_launch(session.writer()?, day, &f.epreuve, record)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &p, &id, Some(day), done).await
}

async fn incident(
    State(state): State<AppState>,
    Path(id): Path<SessionId>,
    FormPost(p, fields): FormPost<Vec<(String, String)>>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let day = fr::parse_date(&get("day")).ok();
    let done = async {
        let category = IncidentCategory::parse(&get("category"))
            .ok_or_else(|| StoreError::invalid("category", "choisissez la nature de l'incident"))?;
        let input = IncidentInput {
            category,
            day: parse_date("day", &get("day"))?,
            time: parse_time("time", &get("time"))?,
            epreuve: get("epreuve"),
            candidates: fields
                .iter()
                .filter(|(n, _)| n == "candidate")
                .map(|(_, v)| v.clone())
                .collect(),
            description: get("description"),
            measure: get("measure"),
            witnesses: get("witnesses"),
        };
        state
            .store
            .report_incident(session.writer()?, input)
            .await
            .map(|_| ())
    }
    .await;
    after(&state, &p, &id, day, done).await
}

async fn typeset(
    state: &AppState,
    session: &SessionHandle<'_>,
    kind: Kind,
    records: CustodyRecords,
    name: &str,
) -> PageResult {
    let mut document = crate::documents::session_document(&state.store, session, None).await?;
    document.custody = Some(records);
    let bytes = crate::documents::render(state.docs.clone(), kind, document)
        .await
        .map_err(|e| StoreError::invalid("document", e.0))?;
    Ok(super::pdf_response(name, bytes))
}

fn paris_time(at: Stamp) -> String {
    at.timestamp()
        .in_tz("Europe/Paris")
        .map(|z| fr::time(z.time()))
        .unwrap_or_default()
}

/// What the attestation of the subject envelopes opened on `day` shows; `None` when none was.
pub(crate) fn opening_record(dte: &jalon_store::custody::Dte, day: Date) -> Option<CustodyRecords> {
    let opened: Vec<_> = dte
        .packets
        .iter()
        .filter(|x| {
            x.kind == PacketKind::Subjects && x.opened_at.is_some_and(|a| a.paris_date() == day)
        })
        .collect();
    let first = opened.first()?;
    let mut epreuves: Vec<String> = opened.iter().filter_map(|x| x.epreuve.clone()).collect();
    epreuves.dedup();
    Some(CustodyRecords {
        day: fr::long_date(day),
        epreuve: epreuves.join(", "),
        time: first.opened_at.map(paris_time).unwrap_or_default(),
        packets: opened
            .iter()
            .map(|x| PacketLine {
                label: x.label.clone(),
                epreuve: x.epreuve.clone().unwrap_or_default(),
                seals: if x.seals_intact {
                    "intacts à la réception".to_owned()
                } else {
                    "endommagés à la réception".to_owned()
                },
            })
            .collect(),
        witnesses: first.opened_witnesses.clone().unwrap_or_default(),
        before: first.opened_before.clone().unwrap_or_default(),
        ..CustodyRecords::default()
    })
}

/// The attestation of the subject envelopes opened on a day, before the candidates.
async fn attestation_pdf(
    State(state): State<AppState>,
    p: Page,
    Path((id, day)): Path<(SessionId, Date)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let dte = state.store.dte(&session).await?;
    let Some(records) = opening_record(&dte, day) else {
        return Err(StoreError::invalid(
            "jour",
            format!("aucun pli sujets n'a été ouvert le {}", fr::long_date(day)),
        )
        .into());
    };
    typeset(
        &state,
        &session,
        Kind::OpeningAttestation,
        records,
        &format!("attestation-ouverture-{day}.pdf"),
    )
    .await
}

/// Every destruction recorded in a session (the unused subjects at each launch, each packet),
/// in time order; `None` when there is none yet.
pub(crate) async fn destruction_records(
    store: &jalon_store::Store,
    session: &SessionHandle<'_>,
) -> Result<Option<CustodyRecords>, StoreError> {
    let s = session.session();
    let mut lines = Vec::new();
    for day in jalon_core::calendar::days_from(s.start, s.end) {
        for e in store.launch_day(session, day).await?.epreuves {
            if let Some(at) = e.unused_destroyed_at {
                lines.push((
                    at,
                    DestructionLine {
                        what: format!(
                            "{} sujet(s) non utilisé(s) ({})",
                            e.unused_count.unwrap_or(0),
                            e.epreuve
                        ),
                        when: when(at),
                        by: e.unused_destroyed_by.clone().unwrap_or_default(),
                        witness: e.unused_witness.clone().unwrap_or_default(),
                        how: "à l'ouverture, sur place".to_owned(),
                        reason: String::new(),
                    },
                ));
            }
        }
    }
    for x in store.dte(session).await?.packets {
        if let Some(at) = x.destroyed_at {
            lines.push((
                at,
                DestructionLine {
                    what: match &x.epreuve {
                        Some(e) => format!("{} ({e})", x.label),
                        None => x.label.clone(),
                    },
                    when: when(at),
                    by: x.destroyed_by.clone().unwrap_or_default(),
                    witness: x.destroyed_witness.clone().unwrap_or_default(),
                    how: x.destroyed_how.clone().unwrap_or_default(),
                    reason: x.destroyed_reason.clone().unwrap_or_default(),
                },
            ));
        }
    }
    if lines.is_empty() {
        return Ok(None);
    }
    lines.sort_by_key(|(at, _)| *at);
    Ok(Some(CustodyRecords {
        destructions: lines.into_iter().map(|(_, l)| l).collect(),
        ..CustodyRecords::default()
    }))
}

async fn destruction_pdf(
    State(state): State<AppState>,
    p: Page,
    Path(id): Path<SessionId>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let Some(records) = destruction_records(&state.store, &session).await? else {
        return Err(StoreError::invalid(
            "destruction",
            "aucune destruction n'est encore enregistrée",
        )
        .into());
    };
    typeset(
        &state,
        &session,
        Kind::DestructionRecord,
        records,
        "pv-destruction.pdf",
    )
    .await
}

/// What an incident's record shows.
pub(crate) fn incident_record(i: &jalon_store::custody::Incident) -> CustodyRecords {
    CustodyRecords {
        day: fr::long_date(i.input.day),
        epreuve: i.input.epreuve.clone(),
        time: fr::time(i.input.time),
        incident: Some(IncidentLine {
            category: i.input.category.label().to_owned(),
            candidates: i.candidate_names.clone(),
            description: i.input.description.clone(),
            measure: i.input.measure.clone(),
            witnesses: i.input.witnesses.clone(),
            recorded_by: i.recorded_by.clone(),
            fraud: i.input.category == IncidentCategory::SuspectedFraud,
        }),
        ..CustodyRecords::default()
    }
}

async fn incident_pdf(
    State(state): State<AppState>,
    p: Page,
    Path((id, incident)): Path<(SessionId, IncidentId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    let Some(i) = state
        .store
        .incidents(&session)
        .await?
        .into_iter()
        .find(|i| i.id == incident)
    else {
        return Err(StoreError::NotFound { what: "incident" }.into());
    };
    let records = incident_record(&i);
    typeset(
        &state,
        &session,
        Kind::IncidentReport,
        records,
        &format!("pv-incident-{}.pdf", i.input.day),
    )
    .await
}

async fn photo(
    State(state): State<AppState>,
    p: Page,
    Path((id, packet)): Path<(SessionId, PacketId)>,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    match state.store.packet_photo(&session, &packet).await? {
        Some((bytes, kind)) => Ok(([(header::CONTENT_TYPE, kind)], bytes).into_response()),
        None => Err(StoreError::NotFound {
            what: "photo du pli",
        }
        .into()),
    }
}

async fn attach_photo(
    State(state): State<AppState>,
    Path((id, packet)): Path<(SessionId, PacketId)>,
    p: Page,
    headers: axum::http::HeaderMap,
    form: axum::extract::Multipart,
) -> PageResult {
    let session = state.store.open_session(&p.actor, &id).await?;
    session.writer()?;
    let (_, bytes) = super::uploaded_file(&p, &headers, form, "photo").await?;
    let done = state
        .store
        .attach_packet_photo(session.writer()?, &packet, &bytes)
        .await
        .map(|_| ());
    after(&state, &p, &id, None, done).await
}
