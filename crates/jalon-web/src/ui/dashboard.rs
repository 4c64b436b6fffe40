//! « Aujourd'hui »: what is late, what is due within a week and what comes next, across the
//! user's sessions; and the list of all sessions.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use jalon_core::{calendar, fr};
use jalon_store::sessions::{MilestoneState, SessionDetail, Status};
use serde::Deserialize;

use super::{Layout, Page, PageResult, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/sessions", get(sessions))
}

/// How far ahead « à faire cette semaine » looks.
const SOON_DAYS: i32 = 7;
/// How many coming milestones are shown beyond that.
const NEXT_COUNT: usize = 12;

pub struct Item {
    pub session_id: String,
    pub session: String,
    pub milestone_id: String,
    pub label: String,
    pub when: String,
}

/// One session's milestones due on one day: one line, its milestones inside.
pub struct Group {
    pub session_id: String,
    pub session: String,
    pub when: String,
    /// (milestone id, label).
    pub items: Vec<(String, String)>,
}

/// A session whose days include today: its welcome, one click away.
pub struct UnderWay {
    pub id: String,
    pub name: String,
}

/// One step of a centre's first start: what to record, whether it is done, where.
pub struct Step {
    pub label: &'static str,
    pub why: &'static str,
    pub done: bool,
    pub href: &'static str,
}

pub struct SessionRow {
    pub id: String,
    pub title: String,
    pub dates: String,
    pub site: String,
    pub status: &'static str,
    pub done: usize,
    pub total: usize,
    pub late: usize,
}

pub struct Choice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

/// A room or plateau two sessions book at the same time.
struct RoomConflict {
    session_id: String,
    session: String,
    message: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    today: String,
    late: Vec<Item>,
    soon: Vec<Group>,
    /// How many milestones are due within the week.
    soon_count: usize,
    next: Vec<Item>,
    under_way: Vec<UnderWay>,
    /// Rooms booked by two sessions at once, in the coming weeks.
    rooms: Vec<RoomConflict>,
    /// What is wrong with the juries of the coming sessions.
    juries: Vec<RoomConflict>,
    /// The sessions within two weeks whose DTE are not received.
    dte_missing: Vec<RoomConflict>,
    /// The transmissions due within 48 hours, or late.
    transmissions: Vec<RoomConflict>,
    /// The sessions whose departmental service asked for complements.
    complements: Vec<RoomConflict>,
    /// Only the user's own sessions (those they manage).
    mine: bool,
    /// The user manages sessions: the « mes sessions » choice is offered.
    manages: bool,
    /// The first steps while the centre lacks what a session needs (empty once it has it).
    start: Vec<Step>,
    /// Only an administrator records sites, titles and approvals.
    admin: bool,
    /// A session can be created: the centre has an approval.
    can_create: bool,
    sessions: Vec<SessionRow>,
    sites: Vec<Choice>,
    titles: Vec<Choice>,
    filtered: bool,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    layout: Layout,
    sessions: Vec<SessionRow>,
    can_write: bool,
}

#[derive(Deserialize, Default)]
struct Filters {
    #[serde(default)]
    site: String,
    #[serde(default)]
    title: String,
    /// « miennes » or « toutes »; a manager sees theirs by default.
    #[serde(default)]
    qui: String,
}

/// « du lundi 15 mars au vendredi 19 mars 2027 », or one day.
pub fn session_dates(start: jiff::civil::Date, end: jiff::civil::Date) -> String {
    if start == end {
        format!("le {}", fr::long_date(start))
    } else {
        format!("du {} au {}", fr::long_date(start), fr::long_date(end))
    }
}

pub fn session_row(d: &SessionDetail, site: &str) -> SessionRow {
    let applicable: Vec<_> = d.milestones.iter().filter(|m| m.applicable).collect();
    SessionRow {
        id: d.session.id.to_string(),
        title: d.session.title_name.clone(),
        dates: session_dates(d.session.start, d.session.end),
        site: site.to_owned(),
        status: d.session.status.label(),
        done: applicable
            .iter()
            .filter(|m| m.state == MilestoneState::Done)
            .count(),
        total: applicable.len(),
        late: applicable.iter().filter(|m| m.late).count(),
    }
}

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(f): Query<Filters>,
) -> PageResult {
    if state.store.centre_count().await? == 0 {
        return Ok(super::login::setup_page(&Default::default(), Vec::new()));
    }
    dashboard(state, headers, f).await
}

async fn dashboard(state: AppState, headers: HeaderMap, f: Filters) -> PageResult {
    let page = page_from_headers(&state, &headers).await?;
    let actor = &page.actor;
    let (details, sites, titles, approvals) = tokio::try_join!(
        state.store.sessions(actor),
        state.store.sites(actor),
        state.store.titles(actor),
        state.store.approvals(actor)
    )?;
    let steps = [
        Step {
            label: "Enregistrer le site (plateau technique)",
            why: "son adresse figure sur les convocations ; sa zone donne les jours fériés",
            done: !sites.is_empty(),
            href: "/admin/sites",
        },
        Step {
            label: "Enregistrer le titre professionnel",
            why: "son code RNCP, son échéance, ses CCP et ses épreuves",
            done: !titles.is_empty(),
            href: "/admin/titles",
        },
        Step {
            label: "Enregistrer l'agrément",
            why: "pour ce titre sur ce site, avec ses dates et ses responsables de session déclarés",
            done: !approvals.is_empty(),
            href: "/admin/approvals",
        },
        Step {
            label: "Créer la première session",
            why: "Jalon en calcule aussitôt toute la chronologie",
            done: !details.is_empty(),
            href: "/sessions/new",
        },
    ];
    let can_create = !approvals.is_empty();
    let start: Vec<Step> = if steps.iter().all(|s| s.done) {
        Vec::new()
    } else {
        steps.into_iter().collect()
    };
    let today = state.store.today();
    let site_name = |id: &str| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map_or("", |s| s.name.as_str())
            .to_owned()
    };
    let manages = actor.role() == jalon_store::Role::Manager;
    let mine = match f.qui.as_str() {
        "miennes" => true,
        "toutes" => false,
        _ => manages,
    };
    let active: Vec<&SessionDetail> = details
        .iter()
        .filter(|d| !matches!(d.session.status, Status::Validated | Status::Cancelled))
        .filter(|d| f.site.is_empty() || d.session.site_id == f.site)
        .filter(|d| f.title.is_empty() || d.session.title_id == f.title)
        .filter(|d| !mine || d.session.manager_id.as_ref() == actor.user_id())
        .collect();
    let under_way = active
        .iter()
        .filter(|d| d.session.start <= today && today <= d.session.end)
        .map(|d| UnderWay {
            id: d.session.id.to_string(),
            name: format!(
                "{} — {}",
                d.session.title_name,
                session_dates(d.session.start, d.session.end)
            ),
        })
        .collect();
    // Rooms booked twice in the coming weeks (or today), before anyone prints a convocation:
    // each timetable laid out once, for the sessions that share a site and days with another.
    let horizon = jalon_core::calendar::add_days(today, 60).unwrap_or(today);
    let window: Vec<&SessionDetail> = details
        .iter()
        .filter(|d| d.session.status != Status::Cancelled)
        .filter(|d| d.session.end >= today && d.session.start <= horizon)
        .collect();
    let meet = |a: &SessionDetail, b: &SessionDetail| {
        a.session.id != b.session.id
            && a.session.site_id == b.session.site_id
            && jalon_core::jury::overlap(
                (a.session.start, a.session.end),
                (b.session.start, b.session.end),
            )
    };
    let label = |d: &SessionDetail| {
        format!(
            "{} — {}",
            d.session.title_name,
            session_dates(d.session.start, d.session.end)
        )
    };
    let mut timetables = std::collections::HashMap::new();
    for d in window.iter().filter(|d| window.iter().any(|o| meet(d, o))) {
        let (Some(title), Some(site)) = (
            titles.iter().find(|t| t.id == d.session.title_id),
            sites.iter().find(|s| s.id == d.session.site_id),
        ) else {
            continue;
        };
        let h = state.store.open_session(actor, &d.session.id).await?;
        let laid = state.store.schedule_of(&h, title, site).await?;
        timetables.insert(d.session.id.clone(), laid.timetable);
    }
    let mut rooms = Vec::new();
    for d in active
        .iter()
        .filter(|d| timetables.contains_key(&d.session.id))
    {
        for o in window.iter().filter(|o| meet(d, o)) {
            let (Some(mine), Some(theirs)) =
                (timetables.get(&d.session.id), timetables.get(&o.session.id))
            else {
                continue;
            };
            let other = jalon_store::schedule::other_session(&o.session);
            for c in jalon_core::timetable::room_clashes(mine, theirs, &other) {
                rooms.push(RoomConflict {
                    session_id: d.session.id.to_string(),
                    session: label(d),
                    message: c.message,
                });
            }
        }
    }
    // The juries of the sessions under way or within four months: conflicts across
    // sessions, habilitations that no longer cover a day, candidates short of two jurors.
    // One line per session: its first problem, and how many more.
    let mut juries: Vec<(RoomConflict, Vec<String>)> = Vec::new();
    for a in state.store.jury_alerts(actor, 120).await? {
        if !active.iter().any(|d| d.session.id == a.session_id) {
            continue;
        }
        match juries
            .iter_mut()
            .find(|(r, _)| r.session_id == a.session_id.as_str())
        {
            Some((_, lines)) => lines.push(a.message),
            None => juries.push((
                RoomConflict {
                    session_id: a.session_id.to_string(),
                    session: a.session,
                    message: String::new(),
                },
                vec![a.message],
            )),
        }
    }
    let juries: Vec<RoomConflict> = juries
        .into_iter()
        .map(|(r, lines)| RoomConflict {
            message: match lines.len() {
                1 => lines[0].clone(),
                n => format!(
                    "{} ; et {} à revoir",
                    lines[0],
                    fr::count(n - 1, "autre point", "autres points")
                ),
            },
            ..r
        })
        .collect();
    // The DTE still missing two weeks before a session: chase the AFPA now.
    let dte_missing: Vec<RoomConflict> = state
        .store
        .dte_missing(actor)
        .await?
        .into_iter()
        .filter(|(id, _, _)| active.iter().any(|d| d.session.id == *id))
        .map(|(id, session, start)| RoomConflict {
            session_id: id.to_string(),
            session,
            message: format!(
                "DTE non reçus à J−{} : relancez l'AFPA",
                calendar::days_between(today, start)
            ),
        })
        .collect();
    // The transmission due within 48 hours (or late), and the complements asked for.
    let name_of = |d: &SessionDetail| {
        format!(
            "{} — {}",
            d.session.title_name,
            session_dates(d.session.start, d.session.end)
        )
    };
    let transmissions: Vec<RoomConflict> = active
        .iter()
        .filter_map(|d| {
            let m = d.milestone(jalon_core::milestone::ids::CLOSE_TRANSMIT.as_str())?;
            let deadline = m.deadline?;
            let left = calendar::days_between(today, deadline);
            (m.applicable && m.state == MilestoneState::Todo && left <= 2 && d.session.end < today)
                .then(|| RoomConflict {
                    session_id: d.session.id.to_string(),
                    session: name_of(d),
                    message: match left {
                        n if n < 0 => format!(
                            "transmission en retard de {} (limite : {})",
                            fr::count((-n) as usize, "jour", "jours"),
                            fr::long_date(deadline)
                        ),
                        0 => "transmission des documents à faire aujourd'hui".to_owned(),
                        n => format!(
                            "transmission des documents au plus tard le {} (dans {})",
                            fr::long_date(deadline),
                            fr::count(n as usize, "jour", "jours")
                        ),
                    },
                })
        })
        .collect();
    let complements: Vec<RoomConflict> = active
        .iter()
        .filter(|d| d.session.status == Status::ComplementsRequested)
        .filter_map(|d| {
            let c = d.session.complements.as_ref()?;
            Some(RoomConflict {
                session_id: d.session.id.to_string(),
                session: name_of(d),
                message: format!(
                    "compléments demandés le {} : {}{} — {}",
                    fr::long_date(c.on),
                    c.request,
                    c.due
                        .map(|x| format!(", attendus pour le {}", fr::long_date(x)))
                        .unwrap_or_default(),
                    match &c.answer {
                        Some(a) => format!("réponse envoyée le {}", fr::long_date(a.on)),
                        None => "réponse à envoyer".to_owned(),
                    }
                ),
            })
        })
        .collect();
    let (mut late, mut soon, mut next) = (Vec::new(), Vec::new(), Vec::new());
    for d in &active {
        let name = format!(
            "{} — {}",
            d.session.title_name,
            session_dates(d.session.start, d.session.end)
        );
        for m in d
            .milestones
            .iter()
            .filter(|m| m.applicable && m.state == MilestoneState::Todo)
        {
            let Some(deadline) = m.deadline else { continue };
            // « À faire le » : the strongly recommended date while it is still ahead (D − 8
            // months), then the advised working day.
            let advised = m
                .recommended
                .filter(|r| *r >= today)
                .or(m.advised)
                .unwrap_or(deadline);
            let item = |when: String| Item {
                session_id: d.session.id.to_string(),
                session: name.clone(),
                milestone_id: m.id.to_string(),
                label: m.label.clone(),
                when,
            };
            let to_advised = calendar::days_between(today, advised);
            if m.late {
                let days = -calendar::days_between(today, deadline);
                late.push((
                    deadline,
                    item(format!(
                        "{} — limite : {}",
                        fr::days_left(-days),
                        fr::long_date(deadline)
                    )),
                ));
            } else if to_advised < 0 {
                // The working day advised has passed (a weekend before the deadline): the
                // deadline is what is left.
                let to_deadline = calendar::days_between(today, deadline);
                soon.push((
                    deadline,
                    item(format!(
                        "{} — limite le {}",
                        fr::days_left(to_deadline),
                        fr::long_date(deadline)
                    )),
                ));
            } else if to_advised <= SOON_DAYS {
                soon.push((
                    advised,
                    item(format!(
                        "{} — le {}",
                        fr::days_left(to_advised),
                        fr::long_date(advised)
                    )),
                ));
            } else {
                // Coming milestones of one session on one day are one line.
                let sid = &d.session.id;
                match next
                    .iter_mut()
                    .find(|(day, i, _): &&mut (jiff::civil::Date, Item, usize)| {
                        *day == advised && *sid == i.session_id
                    }) {
                    Some((_, _, count)) => *count += 1,
                    None => next.push((advised, item(format!("le {}", fr::long_date(advised))), 1)),
                }
            }
        }
    }
    late.sort_by_key(|(d, _)| *d);
    soon.sort_by_key(|(d, _)| *d);
    let soon_count = soon.len();
    // One line per session and day, its milestones inside.
    let mut groups: Vec<Group> = Vec::new();
    for (_, i) in soon {
        match groups
            .iter_mut()
            .find(|g| g.session_id == i.session_id && g.when == i.when)
        {
            Some(g) => g.items.push((i.milestone_id, i.label)),
            None => groups.push(Group {
                session_id: i.session_id,
                session: i.session,
                when: i.when,
                items: vec![(i.milestone_id, i.label)],
            }),
        }
    }
    next.sort_by_key(|(d, _, _)| *d);
    next.truncate(NEXT_COUNT);
    let choices = |items: Vec<(String, String)>, selected: &str| {
        items
            .into_iter()
            .map(|(id, name)| Choice {
                selected: id == selected,
                id,
                name,
            })
            .collect()
    };
    let sites_choice = choices(
        sites
            .iter()
            .map(|s| (s.id.to_string(), s.name.clone()))
            .collect(),
        &f.site,
    );
    let titles_choice = choices(
        titles
            .iter()
            .map(|t| (t.id.to_string(), t.name.clone()))
            .collect(),
        &f.title,
    );
    Ok(render(&DashboardPage {
        layout: page.layout("Aujourd'hui", "dashboard"),
        today: fr::long_date(today),
        late: late.into_iter().map(|(_, i)| i).collect(),
        soon: groups,
        soon_count,
        under_way,
        rooms,
        juries,
        dte_missing,
        transmissions,
        complements,
        mine,
        manages,
        start,
        admin: actor.admin().is_ok(),
        can_create,
        next: next
            .into_iter()
            .map(|(_, mut i, count)| {
                if count > 1 {
                    i.label = format!(
                        "{} (et {} autre{} jalon{} ce jour-là)",
                        i.label,
                        count - 1,
                        if count > 2 { "s" } else { "" },
                        if count > 2 { "s" } else { "" }
                    );
                }
                i
            })
            .collect(),
        sessions: active
            .iter()
            .map(|d| session_row(d, &site_name(d.session.site_id.as_str())))
            .collect(),
        sites: sites_choice,
        titles: titles_choice,
        filtered: !f.site.is_empty() || !f.title.is_empty() || !f.qui.is_empty(),
        can_write: page.actor.writer().is_ok(),
    }))
}

/// The signed-in user of a request, or the redirect to the login page.
pub async fn page_from_headers(state: &AppState, headers: &HeaderMap) -> Result<Page, Response> {
    let mut req = axum::http::Request::builder()
        .uri("/")
        .body(())
        .expect("a static request");
    *req.headers_mut() = headers.clone();
    let (mut parts, ()) = req.into_parts();
    <Page as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, state).await
}

async fn sessions(State(state): State<AppState>, page: Page) -> PageResult {
    let (details, sites) = tokio::try_join!(
        state.store.sessions(&page.actor),
        state.store.sites(&page.actor)
    )?;
    let rows = details
        .iter()
        .map(|d| {
            let site = sites
                .iter()
                .find(|s| s.id == d.session.site_id)
                .map_or("", |s| s.name.as_str());
            session_row(d, site)
        })
        .collect();
    Ok(render(&SessionsPage {
        layout: page.layout("Sessions", "sessions"),
        sessions: rows,
        can_write: page.actor.writer().is_ok(),
    }))
}
