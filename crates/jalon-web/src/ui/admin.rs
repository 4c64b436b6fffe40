//! The administrator's pages: titles, approvals, sites and users — a list and a form each,
//! with the same French validation messages as the API.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use jalon_core::{Domain, Zone, fr};
use jalon_store::accounts::NewInvitation;
use jalon_store::catalog::{
    ApprovalInput, Ccp, Epreuve, EpreuveKind, SiteInput, TitleInput, TitleStructure,
};
use jalon_store::users::UserUpdate;
use jalon_store::{Actor, FieldError, Role, Store, StoreError};
use serde::Deserialize;

use super::dashboard::Choice;
use super::{FormPost, Layout, Page, PageResult, render};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/{kind}", get(list).post(create))
        .route("/admin/{kind}/{id}", get(edit).post(update))
        .route("/admin/invitations/{id}/resend", post(resend_invitation))
        .route("/admin/invitations/{id}/cancel", post(cancel_invitation))
}

/// An invitation waiting to be accepted, as the users' page lists it.
pub struct PendingView {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub role: &'static str,
    pub until: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Titles,
    Approvals,
    Sites,
    Users,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "titles" => Some(Kind::Titles),
            "approvals" => Some(Kind::Approvals),
            "sites" => Some(Kind::Sites),
            "users" => Some(Kind::Users),
            _ => None,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Kind::Titles => "titles",
            Kind::Approvals => "approvals",
            Kind::Sites => "sites",
            Kind::Users => "users",
        }
    }

    fn heading(self) -> &'static str {
        match self {
            Kind::Titles => "Titres",
            Kind::Approvals => "Agréments",
            Kind::Sites => "Sites",
            Kind::Users => "Utilisateurs",
        }
    }

    /// Not found unless the thing is the actor's centre's.
    async fn find(self, store: &Store, actor: &Actor, id: &str) -> Result<(), StoreError> {
        match self {
            Kind::Titles => store.title(actor, &id.into()).await.map(drop),
            Kind::Approvals => store.approval(actor, &id.into()).await.map(drop),
            Kind::Sites => store.site(actor, &id.into()).await.map(drop),
            Kind::Users => store.user(actor, &id.into()).await.map(drop),
        }
    }
}

/// One input of a form, as the generic template draws it.
pub struct Input {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: String,
    /// `text`, `email`, `password`, `date`, `select`, `textarea`, `checkbox`, `checkboxes`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub required: bool,
    pub error: Option<String>,
}

impl Input {
    fn new(
        name: &'static str,
        label: &'static str,
        kind: &'static str,
        value: impl Into<String>,
    ) -> Input {
        Input {
            name,
            label,
            hint: String::new(),
            kind,
            value: value.into(),
            options: Vec::new(),
            required: true,
            error: None,
        }
    }

    fn hint(mut self, hint: &str) -> Input {
        self.hint = hint.to_owned();
        self
    }

    fn optional(mut self) -> Input {
        self.required = false;
        self
    }

    fn options(mut self, options: Vec<Choice>) -> Input {
        self.options = options;
        self
    }
}

pub struct Row {
    pub id: String,
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    heading: &'static str,
    slug: &'static str,
    columns: Vec<&'static str>,
    rows: Vec<Row>,
    form_heading: String,
    action: String,
    inputs: Vec<Input>,
    version: i64,
    editing: bool,
    errors: Vec<FieldError>,
    notice: Option<String>,
    /// Users' page: the invitations waiting to be accepted.
    invitations: Vec<PendingView>,
}

#[derive(Deserialize, Default, Clone)]
struct AdminForm {
    #[serde(default)]
    version: i64,
    // Sites
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    zone: String,
    // Titles
    #[serde(default)]
    rncp_code: String,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    transport: Option<String>,
    #[serde(default)]
    expiry: String,
    #[serde(default)]
    ccps: String,
    /// A site's rooms, one per line.
    #[serde(default)]
    rooms: String,
    /// The most candidates a jury pair evaluates in a day (empty: no cap).
    #[serde(default)]
    jury_cap: String,
    /// The driving licence category a transport title's jurors hold (« D »; empty: any).
    #[serde(default)]
    licence: String,
    /// New presentations allowed and their delay in months (« 2 ; 12 »; empty: the rule).
    #[serde(default)]
    represent: String,
    /// The transmission delay its arrêté sets (« 5 jours ouvrés »; empty: the seed's).
    #[serde(default)]
    transmit: String,
    #[serde(default)]
    epreuves: String,
    // Approvals
    #[serde(default)]
    title_id: String,
    #[serde(default)]
    site_id: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    managers: Vec<String>,
    // Users
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    active: Option<String>,
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    ok: String,
}

fn date(field: &str, value: &str, errs: &mut Vec<FieldError>) -> Option<jiff::civil::Date> {
    if value.trim().is_empty() {
        errs.push(FieldError::new(field, "la date est obligatoire"));
        return None;
    }
    fr::parse_date(value)
        .map_err(|e| errs.push(FieldError::new(field, e)))
        .ok()
}

/// « CCP1 : Intitulé », one per line.
fn parse_ccps(text: &str, errs: &mut Vec<FieldError>) -> Vec<Ccp> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        match line.split_once(':') {
            Some((code, name)) if !code.trim().is_empty() && !name.trim().is_empty() => {
                out.push(Ccp { code: code.trim().to_owned(), name: name.trim().to_owned() })
            }
            _ => errs.push(FieldError::new(
                "ccps",
                format!("ligne {} : attendu « code : intitulé », par exemple « CCP1 : Accueillir le public »", i + 1),
            )),
        }
    }
    out
}

/// The kind of an épreuve from its name.
fn epreuve_kind(name: &str) -> EpreuveKind {
    let n = name.to_lowercase();
    if n.contains("entretien final") {
        EpreuveKind::FinalInterview
    } else if n.contains("entretien technique") {
        EpreuveKind::TechnicalInterview
    } else if n.contains("questionnaire") {
        EpreuveKind::Questionnaire
    } else if n.contains("présentation d'un projet") || n.contains("présentation d’un projet") {
        EpreuveKind::ProjectPresentation
    } else if n.contains("questionnement") {
        EpreuveKind::ProductionsQuestioning
    } else if n.contains("mise en situation") {
        EpreuveKind::Practical
    } else {
        EpreuveKind::Other
    }
}

/// « Intitulé ; durée en minutes ; individuelle ou collective ; CCP évalués », one per line, in
/// order, the entretien final last. The last two are optional: an entretien or a presentation
/// is individual, anything else collective, unless the line says otherwise.
fn parse_epreuves(text: &str, errs: &mut Vec<FieldError>) -> Vec<Epreuve> {
    let mut out = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let mut fields = line.split(';').map(str::trim);
        let name = fields.next().unwrap_or_default().to_owned();
        let minutes = fields
            .next()
            .and_then(|m| m.trim_end_matches("min").trim().parse::<u32>().ok());
        let (Some(minutes), false) = (minutes, name.is_empty()) else {
            errs.push(FieldError::new(
                "epreuves",
                format!("ligne {} : attendu « intitulé ; durée en minutes », par exemple « Entretien final ; 20 »", i + 1),
            ));
            continue;
        };
        let kind = epreuve_kind(&name);
        let mut e = Epreuve {
            individual: kind.individual_by_default(),
            kind,
            name,
            minutes,
            ..Epreuve::default()
        };
        for field in fields.filter(|f| !f.is_empty()) {
            let folded = jalon_core::candidate::fold(field);
            let jury = folded
                .strip_prefix("jury")
                .map(|m| m.trim().trim_end_matches("min").trim().parse::<u32>());
            match folded.as_str() {
                "individuelle" | "individuel" | "par candidat" => e.individual = true,
                "collective" | "collectif" | "en groupe" => e.individual = false,
                "hors session ccp" | "titre complet seulement" => e.in_ccp_session = false,
                _ if matches!(jury, Some(Ok(_))) => e.jury_minutes = jury.and_then(Result::ok),
                _ if folded.starts_with("ccp") => {
                    e.ccps = field
                        .split([',', ' '])
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_uppercase)
                        .collect();
                }
                _ => errs.push(FieldError::new(
                    "epreuves",
                    format!(
                        "ligne {} : « {field} » n'est ni « individuelle », ni « collective », ni une liste de CCP (« CCP1, CCP2 »), ni « jury 45 », ni « hors session CCP »",
                        i + 1
                    ),
                )),
            }
        }
        out.push(e);
    }
    out
}

/// « Salle 2 », « Plateau maçonnerie : bétonnière, échafaudage roulant », one per line: a
/// line that begins with « Plateau » or « Atelier » is a plateau technique.
fn parse_rooms(text: &str) -> Vec<jalon_core::catalog::Room> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (name, equipment) = line.split_once(':').unwrap_or((line, ""));
            let folded = jalon_core::candidate::fold(name);
            jalon_core::catalog::Room {
                name: name.trim().to_owned(),
                plateau: folded.starts_with("plateau") || folded.starts_with("atelier"),
                equipment: equipment
                    .split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned)
                    .collect(),
            }
        })
        .collect()
}

/// A room as its line of the form reads.
fn room_line(r: &jalon_core::catalog::Room) -> String {
    if r.equipment.is_empty() {
        r.name.clone()
    } else {
        format!("{} : {}", r.name, r.equipment.join(", "))
    }
}

/// An épreuve as its line of the form reads.
fn epreuve_line(e: &Epreuve) -> String {
    let mut line = format!(
        "{} ; {} ; {}",
        e.name,
        e.minutes,
        if e.individual {
            "individuelle"
        } else {
            "collective"
        }
    );
    if !e.ccps.is_empty() {
        line.push_str(&format!(" ; {}", e.ccps.join(", ")));
    }
    if let Some(m) = e.jury_minutes {
        line.push_str(&format!(" ; jury {m}"));
    }
    if !e.in_ccp_session {
        line.push_str(" ; hors session CCP");
    }
    line
}

fn choices<'a>(items: impl Iterator<Item = (&'a str, String)>, selected: &[&str]) -> Vec<Choice> {
    items
        .map(|(id, name)| Choice {
            selected: selected.contains(&id),
            id: id.to_owned(),
            name,
        })
        .collect()
}

/// The list and the form of one kind of thing; `editing` the id being edited.
async fn page_for(
    state: &AppState,
    page: &Page,
    kind: Kind,
    editing: Option<&str>,
    form: Option<AdminForm>,
    errors: Vec<FieldError>,
    notice: Option<String>,
) -> PageResult {
    let a = &page.actor;
    let store = &state.store;
    let loaded = tokio::try_join!(
        store.titles(a),
        store.sites(a),
        store.approvals(a),
        store.users(a)
    );
    let (titles, sites, approvals, users) = loaded?;
    let invitations = if kind == Kind::Users && a.admin().is_ok() {
        store
            .invitations(a)
            .await?
            .into_iter()
            .map(|i| PendingView {
                id: i.id,
                display_name: i.display_name,
                email: i.email,
                role: i.role.label(),
                until: fr::long_date(i.expires_at.paris_date()),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut version = 0;
    // The values shown: what was posted, else the thing edited, else empty.
    let f: AdminForm = match (form, editing) {
        (Some(f), _) => f,
        (None, None) => AdminForm::default(),
        (None, Some(id)) => match kind {
            Kind::Sites => sites.iter().find(|s| s.id == id).map(|s| {
                version = s.version;
                AdminForm {
                    name: s.name.clone(),
                    address: s.address.clone(),
                    postcode: s.postcode.clone(),
                    city: s.city.clone(),
                    zone: s.zone.as_str().to_owned(),
                    rooms: s.rooms.iter().map(room_line).collect::<Vec<_>>().join("\n"),
                    ..Default::default()
                }
            }),
            Kind::Titles => titles.iter().find(|t| t.id == id).map(|t| {
                version = t.version;
                AdminForm {
                    rncp_code: t.rncp_code.clone(),
                    name: t.name.clone(),
                    domain: t.domain.as_str().to_owned(),
                    transport: t.transport.then(|| "on".to_owned()),
                    expiry: t.expiry.to_string(),
                    ccps: t
                        .structure
                        .ccps
                        .iter()
                        .map(|c| format!("{} : {}", c.code, c.name))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    epreuves: t
                        .structure
                        .epreuves
                        .iter()
                        .map(epreuve_line)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    jury_cap: t
                        .structure
                        .max_per_jury_day
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    licence: t.structure.licence.clone().unwrap_or_default(),
                    represent: t
                        .structure
                        .represent
                        .map(jalon_core::represent::describe)
                        .unwrap_or_default(),
                    transmit: t
                        .structure
                        .transmit
                        .map(jalon_core::transmit::describe)
                        .unwrap_or_default(),
                    ..Default::default()
                }
            }),
            Kind::Approvals => approvals.iter().find(|x| x.id == id).map(|x| {
                version = x.version;
                AdminForm {
                    title_id: x.title_id.to_string(),
                    site_id: x.site_id.to_string(),
                    number: x.number.clone(),
                    valid_from: x.valid_from.to_string(),
                    valid_until: x.valid_until.to_string(),
                    managers: x.managers.iter().map(ToString::to_string).collect(),
                    ..Default::default()
                }
            }),
            Kind::Users => users.iter().find(|u| u.id == id).map(|u| {
                version = u.version;
                AdminForm {
                    email: u.email.clone(),
                    display_name: u.display_name.clone(),
                    role: u.role.as_str().to_owned(),
                    active: u.active.then(|| "on".to_owned()),
                    ..Default::default()
                }
            }),
        }
        .unwrap_or_default(),
    };
    if let Some(v) = (f.version != 0).then_some(f.version) {
        version = v;
    }
    let (columns, rows, mut inputs): (Vec<&'static str>, Vec<Row>, Vec<Input>) = match kind {
        Kind::Sites => (
            vec!["Nom", "Adresse", "Zone", "Salles"],
            sites
                .iter()
                .map(|s| Row {
                    id: s.id.to_string(),
                    cells: vec![
                        s.name.clone(),
                        format!("{}, {} {}", s.address, s.postcode, s.city),
                        s.zone.label().to_owned(),
                        s.rooms.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
                    ],
                })
                .collect(),
            vec![
                Input::new("name", "Nom du site", "text", f.name.clone()),
                Input::new("address", "Adresse", "text", f.address.clone()),
                Input::new("postcode", "Code postal", "text", f.postcode.clone()).hint("5 chiffres"),
                Input::new("city", "Commune", "text", f.city.clone()),
                Input::new("zone", "Jours fériés", "select", "").options(choices(
                    Zone::ALL.iter().map(|z| (z.as_str(), z.label().to_owned())),
                    &[if f.zone.is_empty() { "metropole" } else { &f.zone }],
                )),
                Input::new("rooms", "Salles et plateaux techniques", "textarea", f.rooms.clone())
                    .hint("une par ligne ; un plateau technique commence par « Plateau » ou « Atelier » et peut lister son équipement après « : », par exemple « Plateau maçonnerie : bétonnière, échafaudage roulant » ; les emplois du temps les réservent")
                    .optional(),
            ],
        ),
        Kind::Titles => (
            vec!["Titre", "Code RNCP", "Domaine", "Échéance"],
            titles
                .iter()
                .map(|t| Row {
                    id: t.id.to_string(),
                    cells: vec![
                        format!("{}{}", t.name, if t.transport { " (titre de transport)" } else { "" }),
                        t.rncp_code.clone(),
                        t.domain.label().to_owned(),
                        fr::long_date(t.expiry),
                    ],
                })
                .collect(),
            vec![
                Input::new("name", "Intitulé du titre", "text", f.name.clone()),
                Input::new("rncp_code", "Code RNCP", "text", f.rncp_code.clone()).hint("par exemple RNCP37674"),
                Input::new("domain", "Domaine", "select", "").options(choices(
                    Domain::ALL.iter().map(|d| (d.as_str(), d.label().to_owned())),
                    &[f.domain.as_str()],
                )),
                Input::new("transport", "Titre de transport (transmission sous 48 h)", "checkbox", if f.transport.is_some() { "on" } else { "" }).optional(),
                Input::new("expiry", "Date d'échéance du titre", "date", f.expiry.clone()),
                Input::new("ccps", "CCP", "textarea", f.ccps.clone())
                    .hint("un par ligne : « code : intitulé »")
                    .optional(),
                Input::new("epreuves", "Épreuves, dans l'ordre", "textarea", f.epreuves.clone())
                    .hint("une par ligne : « intitulé ; durée en minutes ; individuelle ou collective ; CCP évalués » — pour une épreuve individuelle, la durée du passage d'un candidat ; ajoutez « jury 45 » si le jury est présent un autre temps que l'épreuve, « hors session CCP » si elle n'a lieu qu'en session de titre complet ; l'entretien final en dernier")
                    .optional(),
                Input::new("jury_cap", "Candidats par jury et par jour, au plus", "text", f.jury_cap.clone())
                    .hint("si le référentiel le fixe ; Jalon en déduit le nombre de jurys nécessaires chaque jour")
                    .optional(),
                Input::new("licence", "Permis exigé des jurés (titre de transport)", "text", f.licence.clone())
                    .hint("la catégorie, par exemple « D » ou « CE » : Jalon vérifie qu'il est valide sur les jours de la session")
                    .optional(),
                Input::new("represent", "Nouvelles présentations ; délai en mois", "text", f.represent.clone())
                    .hint("si le référentiel d'évaluation les fixe, par exemple « 1 ; 6 » (obligatoire pour un titre de transport) ; sinon deux dans les 12 mois suivant la fin de formation")
                    .optional(),
                Input::new("transmit", "Délai de transmission des documents", "text", f.transmit.clone())
                    .hint("si l'arrêté du titre fixe le sien, par exemple « 5 jours ouvrés » ; sinon 48 h pour un titre de transport, 5 jours pour les autres")
                    .optional(),
            ],
        ),
        Kind::Approvals => (
            vec!["Numéro", "Titre", "Site", "Validité", "Responsables déclarés"],
            approvals
                .iter()
                .map(|x| Row {
                    id: x.id.to_string(),
                    cells: vec![
                        x.number.clone(),
                        titles.iter().find(|t| t.id == x.title_id).map_or(String::new(), |t| t.name.clone()),
                        sites.iter().find(|s| s.id == x.site_id).map_or(String::new(), |s| s.name.clone()),
                        format!("du {} au {}", fr::short_date(x.valid_from), fr::short_date(x.valid_until)),
                        x.managers
                            .iter()
                            .filter_map(|m| users.iter().find(|u| u.id == *m).map(|u| u.display_name.clone()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ],
                })
                .collect(),
            vec![
                Input::new("number", "Numéro d'agrément", "text", f.number.clone()),
                Input::new("title_id", "Titre", "select", "")
                    .options(choices(titles.iter().map(|t| (t.id.as_str(), t.name.clone())), &[f.title_id.as_str()])),
                Input::new("site_id", "Site", "select", "")
                    .options(choices(sites.iter().map(|s| (s.id.as_str(), s.name.clone())), &[f.site_id.as_str()])),
                Input::new("valid_from", "Valable à partir du", "date", f.valid_from.clone()),
                Input::new("valid_until", "Valable jusqu'au", "date", f.valid_until.clone()).hint("jamais au-delà de l'échéance du titre"),
                Input::new("managers", "Responsables de session déclarés", "checkboxes", "")
                    .optional()
                    .options(choices(
                        users.iter().filter(|u| u.role != Role::Inspector).map(|u| (u.id.as_str(), u.display_name.clone())),
                        &f.managers.iter().map(String::as_str).collect::<Vec<_>>(),
                    )),
            ],
        ),
        Kind::Users => {
            let role = Input::new("role", "Rôle", "select", "").options(choices(
                Role::ALL.iter().map(|r| (r.as_str(), r.label().to_owned())),
                &[if f.role.is_empty() { "manager" } else { &f.role }],
            ));
            let inputs = match editing {
                Some(_) => vec![
                    Input::new("display_name", "Nom", "text", f.display_name.clone()),
                    role,
                    Input::new("active", "Compte actif (décocher met fin à ses connexions)", "checkbox", if f.active.is_some() { "on" } else { "" }).optional(),
                ],
                None => vec![
                    Input::new("display_name", "Nom", "text", f.display_name.clone()),
                    Input::new("email", "Adresse électronique", "email", f.email.clone())
                        .hint("la personne y reçoit un lien personnel, valable 7 jours, pour choisir son mot de passe"),
                    role,
                ],
            };
            (
                vec!["Nom", "Adresse électronique", "Rôle", "État"],
                users
                    .iter()
                    .map(|u| Row {
                        id: u.id.to_string(),
                        cells: vec![
                            u.display_name.clone(),
                            u.email.clone(),
                            u.role.label().to_owned(),
                            if u.active { "actif" } else { "désactivé" }.to_owned(),
                        ],
                    })
                    .collect(),
                inputs,
            )
        }
    };
    for input in &mut inputs {
        input.error = errors
            .iter()
            .find(|e| e.field == input.name || e.field.starts_with(&format!("{}.", input.name)))
            .map(|e| e.message.clone());
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let view = AdminPage {
        layout: page.layout(kind.heading(), kind.slug()),
        heading: kind.heading(),
        slug: kind.slug(),
        columns,
        rows,
        form_heading: match (editing.is_some(), kind) {
            (true, _) => "Modifier".to_owned(),
            (false, Kind::Titles) => "Enregistrer un titre".to_owned(),
            (false, Kind::Approvals) => "Enregistrer un agrément".to_owned(),
            (false, Kind::Sites) => "Ajouter un site".to_owned(),
            (false, Kind::Users) => "Inviter un utilisateur".to_owned(),
        },
        action: match editing {
            Some(id) => format!("/admin/{}/{id}", kind.slug()),
            None => format!("/admin/{}", kind.slug()),
        },
        inputs,
        version,
        editing: editing.is_some(),
        errors,
        notice,
        invitations,
    };
    Ok((status, render(&view)).into_response())
}

/// What the administrator reads after inviting, whatever the address.
const INVITED: &str = "Invitation envoyée. La personne reçoit un courriel avec un lien personnel, valable 7 jours, \
     pour choisir son mot de passe ; son compte existera quand elle l'aura fait.";

async fn resend_invitation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormPost(page, _): FormPost<AdminForm>,
) -> PageResult {
    let invited = state
        .store
        .resend_invitation(page.actor.admin()?, &id)
        .await?;
    crate::account_mail::send_invitation(&state, invited);
    Ok(Redirect::to("/admin/users?ok=resent").into_response())
}

async fn cancel_invitation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    FormPost(page, _): FormPost<AdminForm>,
) -> PageResult {
    state
        .store
        .cancel_invitation(page.actor.admin()?, &id)
        .await?;
    Ok(Redirect::to("/admin/users?ok=cancelled").into_response())
}

fn unknown(slug: &str) -> Response {
    super::not_found_page(&format!("/admin/{slug}").parse().unwrap_or_default())
}

async fn list(
    State(state): State<AppState>,
    page: Page,
    Path(slug): Path<String>,
    Query(n): Query<Notice>,
) -> PageResult {
    let Some(kind) = Kind::parse(&slug) else {
        return Ok(unknown(&slug));
    };
    page.actor.admin()?;
    let notice = match n.ok.as_str() {
        "" => None,
        "invited" => Some(INVITED.to_owned()),
        "resent" => Some(
            "Invitation renvoyée avec un nouveau lien, valable 7 jours ; l'ancien ne sert plus."
                .to_owned(),
        ),
        "cancelled" => Some("Invitation annulée : son lien ne sert plus.".to_owned()),
        _ => Some("Enregistré.".to_owned()),
    };
    page_for(&state, &page, kind, None, None, Vec::new(), notice).await
}

async fn edit(
    State(state): State<AppState>,
    page: Page,
    Path((slug, id)): Path<(String, String)>,
) -> PageResult {
    let Some(kind) = Kind::parse(&slug) else {
        return Ok(unknown(&slug));
    };
    kind.find(&state.store, &page.actor, &id).await?;
    page.actor.admin()?;
    page_for(&state, &page, kind, Some(&id), None, Vec::new(), None).await
}

async fn save(
    state: &AppState,
    page: &Page,
    kind: Kind,
    id: Option<&str>,
    f: AdminForm,
) -> PageResult {
    let admin = page.actor.admin()?;
    let store = &state.store;
    let mut errs = Vec::new();
    let result: Result<(), StoreError> = match kind {
        Kind::Sites => {
            let zone = f.zone.parse().unwrap_or_default();
            let input = SiteInput {
                rooms: parse_rooms(&f.rooms),
                name: f.name.clone(),
                address: f.address.clone(),
                postcode: f.postcode.clone(),
                city: f.city.clone(),
                zone,
            };
            match id {
                Some(id) => store
                    .update_site(admin.actor(), &id.into(), f.version, input)
                    .await
                    .map(|_| ()),
                None => store.create_site(admin, input).await.map(|_| ()),
            }
        }
        Kind::Titles => {
            let domain: Option<Domain> = match f.domain.trim() {
                "" => {
                    errs.push(FieldError::new(
                        "domain",
                        "choisissez le domaine : BTP, industrie ou tertiaire",
                    ));
                    None
                }
                typed => typed
                    .parse()
                    .map_err(|_| {
                        errs.push(FieldError::new(
                            "domain",
                            format!("domaine « {typed} » inconnu : choisissez BTP, industrie ou tertiaire"),
                        ))
                    })
                    .ok(),
            };
            let expiry = date("expiry", &f.expiry, &mut errs);
            let max_per_jury_day = match f.jury_cap.trim() {
                "" => None,
                typed => match typed.parse::<u32>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errs.push(FieldError::new(
                            "jury_cap",
                            format!("« {typed} » n'est pas un nombre de candidats"),
                        ));
                        None
                    }
                },
            };
            let structure = TitleStructure {
                ccps: parse_ccps(&f.ccps, &mut errs),
                epreuves: parse_epreuves(&f.epreuves, &mut errs),
                max_per_jury_day,
                licence: Some(f.licence.trim().to_uppercase()).filter(|l| !l.is_empty()),
                represent: jalon_core::represent::parse(&f.represent)
                    .map_err(|e| errs.push(FieldError::new("represent", e)))
                    .ok()
                    .flatten(),
                transmit: jalon_core::transmit::parse(&f.transmit)
                    .map_err(|e| errs.push(FieldError::new("transmit", e)))
                    .ok()
                    .flatten(),
            };
            // Every problem at once: what the form could not read, and what the title breaks.
            if !errs.is_empty() {
                errs.extend(jalon_core::catalog::title_problems(
                    &f.rncp_code,
                    &f.name,
                    &structure,
                ));
            }
            match (domain, expiry, errs.is_empty()) {
                (Some(domain), Some(expiry), true) => {
                    let input = TitleInput {
                        rncp_code: f.rncp_code.clone(),
                        name: f.name.clone(),
                        domain,
                        transport: f.transport.is_some(),
                        expiry,
                        structure,
                    };
                    match id {
                        Some(id) => store
                            .update_title(admin.actor(), &id.into(), f.version, input)
                            .await
                            .map(|_| ()),
                        None => store.create_title(admin, input).await.map(|_| ()),
                    }
                }
                _ => Err(StoreError::Invalid(std::mem::take(&mut errs))),
            }
        }
        Kind::Approvals => {
            let from = date("valid_from", &f.valid_from, &mut errs);
            let until = date("valid_until", &f.valid_until, &mut errs);
            match (from, until, errs.is_empty()) {
                (Some(valid_from), Some(valid_until), true) => {
                    let input = ApprovalInput {
                        title_id: f.title_id.as_str().into(),
                        site_id: f.site_id.as_str().into(),
                        number: f.number.clone(),
                        valid_from,
                        valid_until,
                        managers: f.managers.iter().map(|m| m.as_str().into()).collect(),
                    };
                    match id {
                        Some(id) => store
                            .update_approval(admin.actor(), &id.into(), f.version, input)
                            .await
                            .map(|_| ()),
                        None => store.create_approval(admin, input).await.map(|_| ()),
                    }
                }
                _ => Err(StoreError::Invalid(std::mem::take(&mut errs))),
            }
        }
        Kind::Users => match (Role::parse(&f.role), id) {
            (None, _) => Err(StoreError::invalid("role", "choisissez un rôle")),
            (Some(role), Some(id)) => store
                .update_user(
                    admin.actor(),
                    &id.into(),
                    f.version,
                    UserUpdate {
                        display_name: f.display_name.clone(),
                        role,
                        active: f.active.is_some(),
                    },
                )
                .await
                .map(|_| ()),
            // An invitation, answered alike whether or not the address has an account
            // elsewhere: the mail (link or notice) leaves in the background.
            (Some(role), None) => store
                .invite_user(
                    admin,
                    NewInvitation {
                        email: f.email.clone(),
                        display_name: f.display_name.clone(),
                        role,
                    },
                )
                .await
                .map(|invited| crate::account_mail::send_invitation(state, invited)),
        },
    };
    match result {
        Ok(()) if kind == Kind::Users && id.is_none() => {
            Ok(Redirect::to("/admin/users?ok=invited").into_response())
        }
        Ok(()) => Ok(Redirect::to(&format!("/admin/{}?ok=1", kind.slug())).into_response()),
        Err(StoreError::Invalid(errors)) => {
            page_for(state, page, kind, id, Some(f), errors, None).await
        }
        Err(StoreError::Conflict { .. }) => {
            let errors = vec![FieldError::new(
                "version",
                "modifié entre-temps par quelqu'un d'autre : rechargez la page avant d'enregistrer",
            )];
            page_for(state, page, kind, id, Some(f), errors, None).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    FormPost(page, f): FormPost<AdminForm>,
) -> PageResult {
    match Kind::parse(&slug) {
        Some(kind) => save(&state, &page, kind, None, f).await,
        None => Ok(unknown(&slug)),
    }
}

async fn update(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    FormPost(page, f): FormPost<AdminForm>,
) -> PageResult {
    let Some(kind) = Kind::parse(&slug) else {
        return Ok(unknown(&slug));
    };
    kind.find(&state.store, &page.actor, &id).await?;
    save(&state, &page, kind, Some(&id), f).await
}
