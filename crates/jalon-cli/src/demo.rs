//! `jalon demo`: a realistic demonstration — one centre, three sites, six real titles,
//! approvals, a dozen sessions from eight months ahead to two months ago in every state, and
//! users of each role — written into an empty database, then served.
//!
//! Dates are relative to today, so the demonstration always looks current. A database that
//! holds real data is never touched.

use jalon_core::MilestoneId;
use jalon_core::{Kind, Zone, calendar};
use jalon_store::catalog::{ApprovalInput, SiteInput, TitleInput};
use jalon_store::sessions::{ItemState, MilestoneState, SessionInput};
use jalon_store::users::NewUser;
use jalon_store::{Actor, Role, SessionId, Store};
use jiff::civil::{Date, Weekday};
use serde::Deserialize;

use crate::Failure;
use crate::args::ServeArgs;

pub const DEFAULT_DIR: &str = "jalon-demo";

/// The demonstration's titles: real Titres Professionnels (see the file's sources).
const TITLES: &str = include_str!("../demo/titles.toml");
/// A juror's signature drawn on the tablet.
const SIGNATURE: &[u8] = include_bytes!("../assets/signature.png");

pub const PASSWORD: &str = "demo-jalon-2026";

/// The demonstration's logins: (role, name, email).
pub const LOGINS: [(Role, &str, &str); 4] = [
    (
        Role::Admin,
        "Sophie Lambert",
        "sophie.lambert@tilleuls.example",
    ),
    (
        Role::Manager,
        "Claire Martin",
        "claire.martin@tilleuls.example",
    ),
    (
        Role::Manager,
        "Karim Benali",
        "karim.benali@tilleuls.example",
    ),
    (Role::Inspector, "Inès Moreau", "ines.moreau@ddets.example"),
];

#[derive(Deserialize)]
struct TitleFile {
    titles: Vec<DemoTitle>,
}

/// A title as the demonstration's file writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTitle {
    rncp_code: String,
    name: String,
    domain: jalon_core::Domain,
    #[serde(default)]
    transport: bool,
    expiry: jiff::civil::Date,
    #[serde(default)]
    structure: jalon_store::catalog::TitleStructure,
}

impl From<DemoTitle> for TitleInput {
    fn from(t: DemoTitle) -> TitleInput {
        TitleInput {
            rncp_code: t.rncp_code,
            name: t.name,
            domain: t.domain,
            transport: t.transport,
            expiry: t.expiry,
            structure: t.structure,
        }
    }
}

pub fn run(mut a: ServeArgs) -> Result<(), Failure> {
    crate::serve_cmd::init_logs();
    if a.db.data_dir.is_none() && a.db.database_url.is_none() {
        a.db.data_dir = Some(DEFAULT_DIR.into());
    }
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, DEFAULT_DIR).await?;
        if store.centre_count().await? == 0 {
            println!(
                "Création des données de démonstration dans {}…",
                crate::db::describe(&a.db, DEFAULT_DIR)
            );
            Box::pin(fill(&store)).await?;
        } else if !store.is_demo().await? {
            return Err(Failure::usage(format!(
                "{} contient des données réelles : la démonstration ne s'y installe pas \
                 (choisissez un autre --data-dir)",
                crate::db::describe(&a.db, DEFAULT_DIR)
            )));
        }
        println!("\nDémonstration de Jalon — http://{}", a.listen);
        println!("Comptes (mot de passe : {PASSWORD}) :");
        for (role, name, email) in LOGINS {
            println!("  {email:<36} {name} ({})", role.label());
        }
        println!();
        crate::serve_cmd::serve(store, &a).await
    })
}

/// The Monday on or after `d` (sessions start on a Monday, as most do).
fn monday_on_or_after(d: Date) -> Date {
    let mut day = d;
    while day.weekday() != Weekday::Monday {
        day = day.tomorrow().unwrap_or(day);
    }
    day
}

/// The Monday nearest the one on or after `d` from which `days` days hold no public holiday,
/// on the same side of `today` (a session to come stays to come, one over stays over —
/// whatever the day of the week the demo is made on).
fn free_week(d: Date, days: i32, zone: Zone, today: Date) -> Date {
    let first = monday_on_or_after(d);
    let free =
        |start: Date| (0..days).all(|k| calendar::holiday_name(plus(start, k), zone).is_none());
    let over = |start: Date| plus(start, days - 1) < today;
    let same_side = |start: Date| (start > today) == (d > today) && over(start) == over(d);
    (0..52)
        .flat_map(|w| [plus(first, -7 * w), plus(first, 7 * w)])
        .find(|s| free(*s) && same_side(*s))
        .unwrap_or(first)
}

fn plus(d: Date, days: i32) -> Date {
    calendar::add_days(d, days).unwrap_or(d)
}

struct DemoSession {
    title: usize,
    kind: Kind,
    /// Days from today to the first day (moved to a Monday unless `exact`).
    start: i32,
    exact: bool,
    days: i32,
    ceres: bool,
    /// Complete every milestone whose deadline is at most this many days from today.
    done_until: Option<i32>,
    /// Leave these undone whatever their date.
    leave: &'static [&'static str],
    /// Also complete these (validation…).
    also: &'static [&'static str],
    /// Done this many days after its deadline (late work leaves a trace).
    late: Option<(&'static str, i32)>,
    /// The departmental service asked for complements (a week after the transmission).
    complements: Option<&'static str>,
    cancel: bool,
}

const fn s(
    title: usize,
    start: i32,
    days: i32,
    ceres: bool,
    done_until: Option<i32>,
) -> DemoSession {
    DemoSession {
        title,
        kind: Kind::Title,
        start,
        exact: false,
        days,
        ceres,
        done_until,
        leave: &[],
        also: &[],
        late: None,
        complements: None,
        cancel: false,
    }
}

/// A one-page PDF standing for a scanned receipt (« Accusé de réception signé —
/// démonstration »), with a correct cross-reference table.
fn receipt_pdf() -> Vec<u8> {
    scan_pdf("Accuse de reception signe - demonstration")
}

/// A one-page PDF standing for a scan, saying `text` (ASCII, without parentheses).
fn scan_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 14 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for o in offsets {
        pdf.push_str(&format!("{o:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

/// What the demonstration does for a session, at its moment.
enum Step {
    Ceres,
    Register,
    Convoke,
    Welcome,
    /// Each épreuve's sign-in, noted at the end of the session (or now, if it is under way).
    SignIn,
    Attest(Date),
    /// The jury appointed, from the title's habilitated jurors free on its days.
    Jury,
    /// The jurors' convocations handed over; the first juror answers and signs by link.
    JuryConvoke,
    /// The jury of a day pointed present (and, on the first day, sworn on the tablet).
    JuryDay(Date),
    /// The morning of a day: the manager present, each épreuve of the day started, its
    /// subject envelope opened before the candidates, the unused subjects destroyed.
    Launch(Date),
    /// The evening of a day: the épreuves ending that day ended, their subjects destroyed.
    Close(Date),
    /// An incident of the session under way: a candidate admitted late, a phone seen.
    Incident,
    Complete(MilestoneId),
    Complements,
    Cancel,
}

/// `hour` in Paris on `day`, never after now.
fn moment(store: &Store, day: Date, hour: i8) -> jiff::Timestamp {
    day.at(hour, 0, 0, 0)
        .in_tz("Europe/Paris")
        .map(|z| z.timestamp())
        .unwrap_or_else(|_| store.now())
        .min(store.now())
}

/// The same store, its clock at `hour` in Paris on `day` (never after now).
fn store_on(store: &Store, day: Date, hour: i8) -> Store {
    store
        .clone()
        .with_clock(jalon_store::Clock::Fixed(moment(store, day, hour)))
}

const LAST_NAMES: [&str; 24] = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
];
const FIRST_NAMES: [&str; 24] = [
    "Camille",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Inès",
    "Nathan",
    "Manon",
    "Yanis",
    "Sarah",
    "Théo",
    "Emma",
    "Mohamed",
    "Julie",
    "Kevin",
    "Amandine",
    "Sébastien",
    "Aïcha",
    "Romain",
    "Élodie",
    "Karim",
    "Sandrine",
    "Julien",
    "Nadia",
];

/// `count` plausible candidates for the n-th demo session; one has an accommodation.
const STREETS: [&str; 6] = [
    "rue Victor-Hugo",
    "avenue Jean-Jaurès",
    "rue de la République",
    "chemin des Vignes",
    "place Bellecour",
    "rue Paul-Bert",
];

const TOWNS: [(&str, &str); 5] = [
    ("69003", "Lyon"),
    ("69100", "Villeurbanne"),
    ("69200", "Vénissieux"),
    ("69500", "Bron"),
    ("69120", "Vaulx-en-Velin"),
];

fn candidates(
    n: usize,
    count: usize,
    start: Date,
    today: Date,
) -> Vec<jalon_core::candidate::CandidateInput> {
    // The accommodation decided fifty days before the session (or by the registration, if
    // later), asked for three weeks before that.
    let decided = plus(start, -50).min(today);
    let asked = plus(decided, -21);
    use jalon_core::candidate::{AccessRoute, CandidateInput};
    (0..count)
        .map(|k| {
            let i = n * 7 + k * 5;
            let (last, first) = (
                LAST_NAMES[i % LAST_NAMES.len()],
                FIRST_NAMES[(i * 3 + n) % FIRST_NAMES.len()],
            );
            // The list alternates a man's and a woman's first name; Camille, either, is
            // registered without a civility.
            let civility = match (i * 3 + n) % FIRST_NAMES.len() {
                0 => "",
                f if f % 2 == 1 => "Madame",
                _ => "Monsieur",
            };
            let born = Date::new(
                1975 + ((i * 7) % 30) as i16,
                1 + ((i * 5) % 12) as i8,
                1 + ((i * 11) % 28) as i8,
            )
            .unwrap_or(Date::constant(1990, 1, 1));
            let address = ascii(&format!("{first}.{last}"));
            CandidateInput {
                last_name: last.to_owned(),
                first_names: first.to_owned(),
                birth_date: Some(born),
                email: format!("{address}@exemple.fr"),
                phone: format!(
                    "06 {:02} {:02} {:02} {:02}",
                    10 + i % 89,
                    (i * 7) % 100,
                    (i * 13) % 100,
                    (i * 17) % 100
                ),
                address: format!("{} {}", 1 + (i * 3) % 90, STREETS[i % STREETS.len()]),
                postcode: TOWNS[i % TOWNS.len()].0.to_owned(),
                city: TOWNS[i % TOWNS.len()].1.to_owned(),
                access_route: match k % 5 {
                    3 => AccessRoute::Vae,
                    4 => AccessRoute::Apprenticeship,
                    _ => AccessRoute::Training,
                },
                training_end: (k % 5 < 3).then(|| plus(start, -3)),
                capitalisation: false,
                accommodation: if k == 1 {
                    "Tiers temps et poste de travail adapté".to_owned()
                } else {
                    String::new()
                },
                accommodation_granted_by: if k == 1 {
                    "Médecin désigné par la CDAPH".to_owned()
                } else {
                    String::new()
                },
                accommodation_plan: if k == 1 {
                    "Salle annexe au rez-de-chaussée, épreuves prolongées d'un tiers".to_owned()
                } else {
                    String::new()
                },
                civility: civility.to_owned(),
                // A third of extra time on every épreuve, as decided by the departmental
                // service, asked for ten weeks before the session.
                extra_time: (k == 1).then_some(jalon_core::timetable::Extra::Share(1, 3)),
                extra_time_epreuves: Vec::new(),
                accommodation_reference: if k == 1 {
                    format!("DDETS 69 — décision n° 2026-{:03}", 400 + n)
                } else {
                    String::new()
                },
                accommodation_decided_on: (k == 1).then_some(decided),
                accommodation_requested_on: (k == 1).then_some(asked),
                // Apprentices work for a company (one of them the employer of a juror);
                // those in training were trained by the centre (left empty: the centre),
                // the others by a training organisation of their own.
                employer: if k % 5 == 4 {
                    "Bâtir Lyon".into()
                } else {
                    String::new()
                },
                employer_siret: if k % 5 == 4 {
                    "48213795600017".into()
                } else {
                    String::new()
                },
                trained_by: if k % 5 == 4 {
                    "CFA du BTP Rhône".into()
                } else {
                    String::new()
                },
                trained_by_siret: if k % 5 == 4 {
                    "77935618200042".into()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

/// « helene » for « Hélène »: an address's letters.
fn ascii(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ï' | 'î' => 'i',
            'ô' => 'o',
            'à' | 'â' => 'a',
            'ç' => 'c',
            c => c,
        })
        .collect()
}

fn evidence(id: &str, ceres: Option<&str>) -> String {
    match id {
        "title.check_expiry" => "Échéance du titre vérifiée sur la fiche RNCP".to_owned(),
        "ceres.create_session" => format!(
            "Session créée dans CERES sous le n° {}",
            ceres.unwrap_or("?")
        ),
        "dte.order" => "Commande des DTE passée auprès de l'AFPA".to_owned(),
        "manager.appoint" => "Lettre de désignation signée par la direction".to_owned(),
        "candidates.register" => "Liste des candidats arrêtée et saisie".to_owned(),
        "jury.appoint" => "Deux membres de jury habilités ont confirmé".to_owned(),
        "convocations.send" => {
            "Convocations remises en main propre contre signature, cinq semaines avant".to_owned()
        }
        "dte.receive" => {
            "Paquets reçus, scellés intacts, rangés dans l'armoire forte B2".to_owned()
        }
        "close.transmit" => "Dossier transmis à la DDETS par courriel".to_owned(),
        "validation.decision" => "Session validée dans CERES par la DDETS".to_owned(),
        _ => "Fait et consigné au dossier de session".to_owned(),
    }
}

async fn fill(store: &Store) -> Result<(), Failure> {
    let today = store.today();
    store.mark_demo().await?;
    let (admin_role, admin_name, admin_email) = LOGINS[0];
    let (centre, _) = store
        .create_centre(
            "Centre de formation Les Tilleuls",
            NewUser {
                email: admin_email.into(),
                display_name: admin_name.into(),
                role: admin_role,
                password: PASSWORD.into(),
            },
        )
        .await?;
    let actor = Actor::command_line(centre.id);
    let admin = actor.admin()?;
    // How the centre is reached, and its logo: on the letterhead and in the emails.
    let (settings, version) = store.centre_settings(&actor).await?;
    store
        .update_centre_settings(
            admin,
            version,
            jalon_core::catalog::CentreSettings {
                address: "18 rue des Tilleuls".into(),
                postcode: "69003".into(),
                city: "Lyon".into(),
                phone: "04 72 33 18 40".into(),
                email: "examens@tilleuls.example".into(),
                ..settings
            },
        )
        .await?;
    store
        .set_centre_logo(admin, include_bytes!("../assets/logo-tilleuls.png"))
        .await?;
    let mut users = Vec::new();
    for (role, name, email) in &LOGINS[1..] {
        let u = store
            .add_user(
                admin,
                NewUser {
                    email: (*email).into(),
                    display_name: (*name).into(),
                    role: *role,
                    password: PASSWORD.into(),
                },
            )
            .await?;
        users.push(u);
    }
    let (claire, karim) = (users[0].id.clone(), users[1].id.clone());

    // Each site: its plateau technique, two rooms for the questionnaires and the juries.
    let room = |name: &str, plateau: bool, equipment: &[&str]| jalon_core::catalog::Room {
        name: name.into(),
        plateau,
        equipment: equipment.iter().map(|e| (*e).to_owned()).collect(),
    };
    let site = |name: &str, address: &str, postcode: &str, city: &str, zone| SiteInput {
        rooms: vec![
            room(
                "Plateau technique",
                true,
                &["postes de travail équipés", "outillage du référentiel"],
            ),
            room("Salle 1", false, &[]),
            room("Salle 2", false, &[]),
        ],
        name: name.into(),
        address: address.into(),
        postcode: postcode.into(),
        city: city.into(),
        zone,
    };
    let sites = [
        store
            .create_site(
                admin,
                site(
                    "Campus de Gerland",
                    "24 avenue Tony Garnier",
                    "69007",
                    "Lyon",
                    Zone::Metropole,
                ),
            )
            .await?,
        store
            .create_site(
                admin,
                site(
                    "Plateau technique de Villeurbanne",
                    "8 rue du Dauphiné",
                    "69100",
                    "Villeurbanne",
                    Zone::Metropole,
                ),
            )
            .await?,
        store
            .create_site(
                admin,
                site(
                    "Site de Strasbourg-Meinau",
                    "15 rue de la Plaine des Bouchers",
                    "67100",
                    "Strasbourg",
                    Zone::AlsaceMoselle,
                ),
            )
            .await?,
    ];

    let file: TitleFile = toml::from_str(TITLES)
        .map_err(|e| Failure::runtime(format!("titres de démonstration illisibles : {e}")))?;
    let mut titles = Vec::new();
    for t in file.titles {
        titles.push(store.create_title(admin, t.into()).await?);
    }
    // Sessions refer to titles by their family: the first two tertiary, then BTP, industry,
    // transport, and the remaining one.
    let pick = |pred: &dyn Fn(&jalon_store::catalog::Title) -> bool, skip: usize| {
        titles
            .iter()
            .enumerate()
            .filter(|(_, t)| pred(t))
            .map(|(i, _)| i)
            .nth(skip)
    };
    use jalon_core::Domain;
    let order: Vec<usize> = {
        let mut o = vec![
            pick(&|t| t.domain == Domain::Tertiary && !t.transport, 0),
            pick(&|t| t.domain == Domain::Tertiary && !t.transport, 1),
            pick(&|t| t.domain == Domain::Btp && !t.transport, 0),
            pick(&|t| t.domain == Domain::Industry && !t.transport, 0),
            pick(&|t| t.transport, 0),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
        let rest: Vec<usize> = (0..titles.len()).filter(|i| !o.contains(i)).collect();
        o.extend(rest);
        o
    };
    if order.len() < 6 {
        return Err(Failure::runtime(
            "les titres de démonstration doivent être six",
        ));
    }

    let mut approvals = Vec::new();
    for (rank, &i) in order.iter().enumerate() {
        let t = &titles[i];
        let site = match (t.domain, t.transport) {
            (_, true) | (Domain::Btp, _) => &sites[1],
            (Domain::Industry, _) => &sites[2],
            (Domain::Tertiary, _) => &sites[0],
        };
        let until = t
            .expiry
            .min(calendar::add_months(today, 36).unwrap_or(t.expiry));
        let managers = if t.domain == Domain::Industry {
            vec![karim.clone()]
        } else {
            vec![claire.clone(), karim.clone()]
        };
        let a = store
            .create_approval(
                admin,
                ApprovalInput {
                    title_id: t.id.clone(),
                    site_id: site.id.clone(),
                    number: format!(
                        "AGR-{}-{}-{:03}",
                        &site.postcode[..2],
                        today.year() - 2,
                        11 + rank * 7
                    ),
                    valid_from: calendar::add_months(today, -24).unwrap_or(today),
                    valid_until: until,
                    managers,
                },
            )
            .await?;
        approvals.push(a);
    }

    // The centre's jurors: professionals habilitated for its titles (invented names and
    // SIRETs; habilitations within the titles' expiry). Marc Leroy works for the company of
    // the apprentice maçons (barred for them only); Claire Perrin trains at the centre
    // (barred for the candidates it trained); Paul Roche's habilitation ends on the first
    // day of the next Maçon session; Rachid Colin's licence has expired.
    {
        use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Licence};
        let habilitation = |title: &str, until: Date| Habilitation {
            title: title.into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: Date::constant(2024, 9, 1),
            valid_until: until,
            reference: format!("HAB-69-{}", &title[4..]),
        };
        let licence = |until: Date| Licence {
            category: "D".into(),
            valid_until: until,
        };
        let far = Date::constant(2028, 5, 31);
        use JurorStatus::{Independent, Other, Retired, Salaried};
        let jurors = [
            (
                "Marty",
                "Sophie",
                "Développeuse web",
                "Numérique & Co",
                "73921468500024",
                Salaried,
                false,
                "RNCP37674",
                far,
                None,
            ),
            (
                "Lambert",
                "Julien",
                "Architecte logiciel",
                "",
                "",
                Independent,
                false,
                "RNCP37674",
                far,
                None,
            ),
            (
                "Perrin",
                "Claire",
                "Formatrice en développement web",
                "",
                "",
                Other,
                true,
                "RNCP37674",
                far,
                None,
            ),
            (
                "Morel",
                "Anne",
                "Assistante de direction",
                "Groupe Saône Services",
                "52148796300018",
                Salaried,
                false,
                "RNCP38667",
                far,
                None,
            ),
            (
                "Fabre",
                "Michel",
                "Directeur administratif",
                "",
                "",
                Retired,
                false,
                "RNCP38667",
                far,
                None,
            ),
            (
                "Girard",
                "Nadia",
                "Secrétaire médicale",
                "Clinique du Parc",
                "41235896700026",
                Salaried,
                false,
                "RNCP36805",
                Date::constant(2027, 8, 31),
                None,
            ),
            (
                "Blanc",
                "Élodie",
                "Cadre de santé",
                "",
                "",
                Independent,
                false,
                "RNCP36805",
                Date::constant(2027, 8, 31),
                None,
            ),
            (
                "Leroy",
                "Marc",
                "Chef de chantier gros œuvre",
                "Bâtir Lyon",
                "48213795600017",
                Salaried,
                false,
                "RNCP35309",
                Date::constant(2029, 8, 31),
                None,
            ),
            (
                "Nguyen",
                "Hélène",
                "Conductrice de travaux",
                "",
                "",
                Independent,
                false,
                "RNCP35309",
                Date::constant(2029, 8, 31),
                None,
            ),
            (
                "Roche",
                "Paul",
                "Compagnon maçon",
                "",
                "",
                Retired,
                false,
                "RNCP35309",
                free_week(plus(today, 120), 2, Zone::AlsaceMoselle, today),
                None,
            ),
            (
                "Garnier",
                "Luc",
                "Chef d'équipe maçonnerie",
                "",
                "",
                Retired,
                false,
                "RNCP35309",
                Date::constant(2029, 8, 31),
                None,
            ),
            (
                "Henry",
                "Patrick",
                "Responsable maintenance",
                "Sidérurgie Rhône-Alpes",
                "38521479600013",
                Salaried,
                false,
                "RNCP41536",
                Date::constant(2030, 6, 30),
                None,
            ),
            (
                "Dumas",
                "Sylvie",
                "Technicienne de maintenance",
                "",
                "",
                Independent,
                false,
                "RNCP41536",
                Date::constant(2030, 6, 30),
                None,
            ),
            (
                "Benoît",
                "Yves",
                "Conducteur receveur",
                "TCL",
                "31205478900031",
                Salaried,
                false,
                "RNCP37878",
                far,
                Some(Date::constant(2029, 6, 30)),
            ),
            (
                "Carré",
                "Martine",
                "Formatrice conduite de bus",
                "",
                "",
                Independent,
                false,
                "RNCP37878",
                far,
                Some(Date::constant(2030, 3, 31)),
            ),
            (
                "Colin",
                "Rachid",
                "Conducteur de car retraité",
                "",
                "",
                Retired,
                false,
                "RNCP37878",
                far,
                Some(plus(today, -20)),
            ),
        ];
        for (last, first, job, employer, siret, status, trainer, title, until, driving) in jurors {
            store
                .add_juror(
                    actor.writer()?,
                    JurorInput {
                        last_name: last.into(),
                        first_names: first.into(),
                        email: format!("{}.{}@jury.example", ascii(first), ascii(last)),
                        phone: format!("06 {:02} 41 52 {:02}", 20 + last.len(), 10 + first.len()),
                        profession: job.into(),
                        employer: employer.into(),
                        employer_siret: siret.into(),
                        status,
                        trainer_of_centre: trainer,
                        habilitations: vec![habilitation(title, until)],
                        licences: driving.map(licence).into_iter().collect(),
                    },
                )
                .await?;
        }
    }
    let plan = [
        s(0, 243, 5, false, None),
        DemoSession {
            leave: &["approval.apply"],
            ..s(1, 180, 4, true, Some(0))
        },
        DemoSession {
            kind: Kind::Ccp,
            ..s(2, 120, 2, true, Some(0))
        },
        DemoSession {
            leave: &["ceres.create_session", "dte.order", "manager.appoint"],
            ..s(3, 95, 3, false, Some(0))
        },
        // The DTE were ordered three days after the J−91 deadline: done late, and it shows.
        DemoSession {
            late: Some(("dte.order", 3)),
            ..s(4, 40, 3, true, Some(0))
        },
        // The DTE should have arrived last week: late, and the AFPA chase is open.
        DemoSession {
            leave: &["dte.receive", "dte.chase_afpa"],
            // Three days from a Monday 12 to 18 days ahead: J−21 is past, J−10 to come,
            // whatever the day the demo is made on (a five-day week could be pushed past
            // Christmas or Easter, its DTE not yet due).
            ..s(0, 12, 3, true, Some(0))
        },
        s(3, 3, 2, true, Some(0)),
        // Under way since the day before yesterday, for five days (21 hours of mise en
        // situation, then the entretiens): two candidates are still to welcome (arriving
        // late), so the welcome is still open on the tablet.
        DemoSession {
            exact: true,
            leave: &["day.welcome_candidates"],
            ..s(2, -2, 5, true, Some(0))
        },
        // Held last week: the results entered, the minutes awaiting the jurors' signatures,
        // so neither archived nor transmitted yet.
        DemoSession {
            leave: &["close.sign_minutes", "close.archive", "close.transmit"],
            ..s(0, -10, 5, true, Some(0))
        },
        s(1, -35, 5, true, Some(0)),
        // Transmitted, then the departmental service asked for a complement.
        DemoSession {
            complements: Some(
                "Feuille d'émargement du mercredi : la signature du second membre du jury manque.",
            ),
            ..s(3, -28, 3, true, Some(0))
        },
        DemoSession {
            also: &[
                "validation.decision",
                "validation.general_minutes",
                "validation.send_documents",
            ],
            ..s(5, -60, 3, true, Some(0))
        },
        DemoSession {
            cancel: true,
            ..s(4, -45, 3, false, None)
        },
    ];
    // The documents Jalon archives once signed are typeset as the server would.
    let renderer = std::sync::Arc::new(jalon_docs::pdf::Renderer::embedded());
    let justification = "Session reprise de l'historique du centre lors de la mise en service de Jalon (démonstration)";
    // The managers do the work themselves, so that the journal and the pages name them.
    let (_, claire_actor) = store.login(LOGINS[1].2, PASSWORD).await?;
    let (_, karim_actor) = store.login(LOGINS[2].2, PASSWORD).await?;
    // First the sessions, each created when the centre began to plan it (eight months and a
    // week before, or today), in the order they were created; then everything else done for
    // them, in the order it happened, so that every journal reads in time order.
    struct Planned<'a> {
        d: &'a DemoSession,
        n: usize,
        start: Date,
        ceres: Option<String>,
        actor: &'a Actor,
        manager: jalon_store::UserId,
    }
    impl Planned<'_> {
        /// The last day: `days` working days for the session under way (its days never
        /// cut by a weekend, whatever the day the demo is made), `days` days for the others.
        fn end(&self) -> Date {
            if !self.d.exact {
                return plus(self.start, self.d.days - 1);
            }
            let (mut day, mut left) = (self.start, self.d.days);
            loop {
                if calendar::is_working_day(day, Zone::Metropole) {
                    left -= 1;
                }
                if left <= 0 {
                    return day;
                }
                day = plus(day, 1);
            }
        }
    }
    let mut planned: Vec<Planned> = plan
        .iter()
        .enumerate()
        .map(|(n, d)| {
            let approval = &approvals[d.title];
            let start = if d.exact {
                // A session under way: started yesterday (or the last working day).
                calendar::advised(plus(today, d.start), Zone::Metropole).unwrap_or(today)
            } else {
                free_week(plus(today, d.start), d.days, Zone::AlsaceMoselle, today)
            };
            let (manager, actor) = if approval.managers.contains(&claire) {
                (claire.clone(), &claire_actor)
            } else {
                (karim.clone(), &karim_actor)
            };
            Planned {
                d,
                n,
                start,
                ceres: d
                    .ceres
                    .then(|| format!("{}-069-{:05}", start.year(), 120 + n * 37)),
                actor,
                manager,
            }
        })
        .collect();
    let created_on = |p: &Planned| plus(p.start, -250).min(today);
    planned.sort_by_key(|p| (created_on(p), p.n));
    let mut steps: Vec<(jiff::Timestamp, usize, SessionId, Step)> = Vec::new();
    let mut inputs = Vec::new();
    for (k, p) in planned.iter().enumerate() {
        let d = p.d;
        let title = &titles[order[d.title]];
        let approval = &approvals[d.title];
        let clerk = store_on(store, created_on(p), 9);
        let input = SessionInput {
            title_id: title.id.clone(),
            approval_id: Some(approval.id.clone()),
            site_id: approval.site_id.clone(),
            kind: d.kind,
            start: p.start,
            end: Some(p.end()),
            ceres_number: None,
            ceres_created_on: None,
            manager_id: Some(p.manager.clone()),
            override_justification: Some(justification.into()),
        };
        let session = clerk
            .create_session(p.actor.writer()?, input.clone())
            .await?;
        inputs.push(input);
        let id = session.session.id.clone();
        let mut at = |day: Date, hour: i8, step: Step| {
            steps.push((moment(store, day.min(today), hour), k, id.clone(), step));
        };
        // Created in CERES fourteen weeks before the start, on a weekday like it (or today, if
        // sooner): its number and day recorded in the session.
        if p.ceres.is_some() {
            at(plus(p.start, -98), 8, Step::Ceres);
        }
        if !d.cancel && d.start < 120 {
            // Registered on time, six weeks before the session.
            at(plus(p.start, -42), 10, Step::Register);
            // Convocations handed over against signature five weeks before, for sessions
            // within a month.
            if d.start <= 30 {
                at(plus(p.start, -35), 11, Step::Convoke);
            }
            // The jury appointed seven weeks before (after the registration), convoked five
            // weeks before; pointed each morning of the session so far.
            at(plus(p.start, -41), 10, Step::Jury);
            if d.start <= 30 {
                at(plus(p.start, -35), 12, Step::JuryConvoke);
            }
            let mut day = p.start;
            while day <= p.end() && day <= today {
                at(day, 8, Step::JuryDay(day));
                at(day, 8, Step::Launch(day));
                if day < today {
                    at(day, 16, Step::Close(day));
                }
                day = plus(day, 1);
            }
            if d.exact {
                at(today, 11, Step::Incident);
            }
            // Sessions already begun: welcomed on the first morning, the last one absent.
            if p.start <= today {
                at(p.start, 8, Step::Welcome);
                at(plus(p.start, d.days + 3), 18, Step::SignIn);
            }
            // No trainer on the premises, attested each morning of the session so far.
            let mut day = p.start;
            while day <= p.end() && day <= today {
                at(day, 8, Step::Attest(day));
                day = plus(day, 1);
            }
        }
        // What a careful centre would have done by now, each on its advised day (or later,
        // when the demonstration says so).
        if let Some(until) = d.done_until {
            let limit = plus(today, until);
            for m in session.milestones.iter().filter(|m| {
                m.applicable
                    && !d.leave.contains(&m.id.as_str())
                    && (m.deadline.is_some_and(|dl| dl <= limit) || d.also.contains(&m.id.as_str()))
            }) {
                let day = match d.late {
                    Some((late, n)) if m.id == late => m.deadline.map(|dl| plus(dl, n)),
                    _ => m.recommended.or(m.advised).or(m.deadline),
                }
                // The State's validation, three weeks after the session.
                .unwrap_or_else(|| plus(p.start, d.days + 20));
                // The first day's work in the morning, after the welcome; the rest at day's end.
                let hour = if day == p.start { 9 } else { 17 };
                at(day, hour, Step::Complete(m.id.clone()));
            }
        }
        if d.complements.is_some() {
            at(plus(p.start, d.days + 10), 14, Step::Complements);
        }
        if d.cancel {
            at(today, 9, Step::Cancel);
        }
    }
    steps.sort_by_key(|s| (s.0, s.1));
    for (when, k, id, step) in steps {
        let p = &planned[k];
        let clerk = store.clone().with_clock(jalon_store::Clock::Fixed(when));
        let h = clerk.open_session(p.actor, &id).await?;
        match step {
            Step::Ceres => {
                let input = SessionInput {
                    ceres_number: p.ceres.clone(),
                    ceres_created_on: Some(clerk.today()),
                    ..inputs[k].clone()
                };
                clerk
                    .update_session(h.writer()?, h.session().version, input)
                    .await?;
            }
            Step::Register => {
                let list = candidates(p.n, 6 + p.n % 5, p.start, clerk.today());
                clerk.import_candidates(h.writer()?, list, false).await?;
            }
            Step::Convoke => {
                use jalon_store::convocations::Mode;
                let receipt = receipt_pdf();
                for c in clerk.candidates(&h).await? {
                    clerk
                        .set_convocation_mode(h.writer()?, &c.id, Mode::Hand)
                        .await?;
                    clerk.record_hand_delivery(h.writer()?, &c.id).await?;
                    // The receipt the candidate signed, scanned.
                    clerk
                        .attach_signed_document(
                            h.writer()?,
                            &c.id,
                            "accuse-de-reception-signe.pdf",
                            &receipt,
                        )
                        .await?;
                }
            }
            Step::Welcome => {
                let list = clerk.candidates(&h).await?;
                // The session under way keeps its last two to welcome.
                let waiting = if p.d.exact { 2 } else { 0 };
                let welcomed = list.len().saturating_sub(waiting);
                let last = welcomed.saturating_sub(1);
                for (i, c) in list.iter().enumerate().take(welcomed) {
                    let present = i != last;
                    let check = jalon_store::candidates::CheckIn {
                        present,
                        identity_checked: present,
                        convocation_presented: present,
                        documents_presented: present,
                        signed: present,
                    };
                    clerk.check_in(h.writer()?, &c.id, c.version, check).await?;
                }
            }
            Step::SignIn => {
                // Every passage of the days gone by, for those welcomed: present, or absent
                // for the one absent at the welcome; those still to welcome are not noted.
                let schedule = clerk.schedule(&h).await?;
                let today = clerk.today();
                for c in clerk.candidates(&h).await? {
                    let present = match c.presence {
                        jalon_store::candidates::Presence::Present => true,
                        jalon_store::candidates::Presence::Absent => false,
                        jalon_store::candidates::Presence::Expected => continue,
                    };
                    for passage in schedule.of_candidate(c.id.as_str()) {
                        let mut days: Vec<Date> = passage
                            .parts
                            .iter()
                            .map(|x| x.date)
                            .filter(|d| *d <= today)
                            .collect();
                        days.dedup();
                        for day in days {
                            let mark = jalon_store::attendance::AttendanceInput {
                                day,
                                epreuve: passage.epreuve.clone(),
                                present,
                                identity_checked: present,
                                signed: present,
                            };
                            clerk.record_attendance(h.writer()?, &c.id, mark).await?;
                        }
                    }
                }
            }
            Step::Jury => {
                use jalon_core::jury::Seat;
                let title = clerk.title(p.actor, &h.session().title_id).await?;
                let days: Vec<Date> = {
                    let mut v = Vec::new();
                    let mut d = h.session().start;
                    while d <= h.session().end {
                        v.push(d);
                        d = plus(d, 1);
                    }
                    v
                };
                let rncp = jalon_core::catalog::rncp_code(&title.rncp_code);
                let pool: Vec<_> = clerk
                    .jurors(p.actor)
                    .await?
                    .into_iter()
                    .filter(|j| {
                        let rules = j.input.rules(j.id.as_str());
                        jalon_core::jury::habilitation_gap(&rules, &rncp, &title.name, &days[..1])
                            .is_none()
                            && (!title.transport
                                || jalon_core::jury::licence_gap(
                                    &rules,
                                    title.structure.licence.as_deref(),
                                    &days,
                                )
                                .is_none())
                    })
                    .collect();
                let needs = clerk.schedule(&h).await?.juries;
                let mut seats = Vec::new();
                for day in &days {
                    let pairs = needs
                        .iter()
                        .find(|n| n.date == *day)
                        .map_or(1, |n| n.pairs.max(1)) as usize;
                    // Those habilitated that day; a juror whose habilitation ends sits no more.
                    let free: Vec<_> = pool
                        .iter()
                        .filter(|j| {
                            jalon_core::jury::habilitation_gap(
                                &j.input.rules(j.id.as_str()),
                                &rncp,
                                &title.name,
                                &[*day],
                            )
                            .is_none()
                        })
                        .collect();
                    let juries = pairs.min((free.len() / 2).max(1));
                    for (i, j) in free.iter().enumerate() {
                        seats.push(Seat {
                            juror: j.id.to_string(),
                            day: *day,
                            jury: (i % juries) as u32 + 1,
                        });
                    }
                }
                // Three months ahead, the manager learns that a juror was a candidate's tutor:
                // that candidate is left with one juror, a third is to be found.
                let links = match (p.d.start == 95, seats.first()) {
                    (true, Some(seat)) => clerk
                        .candidates(&h)
                        .await?
                        .first()
                        .map(|c| jalon_store::jury::LinkInput {
                            juror: seat.juror.clone(),
                            candidate: c.id.to_string(),
                            what: "a été son tuteur en entreprise pendant son alternance".into(),
                        })
                        .into_iter()
                        .collect(),
                    _ => Vec::new(),
                };
                let version = clerk.jury(&h).await?.version;
                clerk.set_jury(h.writer()?, version, seats, links).await?;
            }
            Step::JuryConvoke => {
                let jury = clerk.jury(&h).await?;
                for (i, j) in jury.jurors.iter().enumerate() {
                    clerk
                        .record_juror_convocation(
                            h.writer()?,
                            &j.id,
                            jalon_store::jury::JurorConvocation::Hand,
                        )
                        .await?;
                    // The first juror opens their link: « aucun lien », then signs.
                    if i == 0 {
                        let token = clerk.issue_juror_link(p.actor.writer()?, &j.id).await?;
                        let Some(link) = clerk.juror_link(&token).await? else {
                            continue;
                        };
                        let origin = "192.0.2.14 — Mozilla/5.0 (démonstration)";
                        clerk.juror_opened(&link, origin).await?;
                        let sitting = clerk.juror_sitting(&link, &id).await?;
                        let answers = sitting
                            .assessed
                            .iter()
                            .map(|(c, _)| (c.clone(), None))
                            .collect();
                        clerk
                            .declare_juror_links(&link, &id, answers, origin)
                            .await?;
                        clerk
                            .sign_statement_by_link(&link, &id, SIGNATURE, origin)
                            .await?;
                    }
                }
            }
            Step::JuryDay(day) => {
                let jury = clerk.jury(&h).await?;
                for seat in jury.seats.iter().filter(|x| x.seat.day == day) {
                    let juror: jalon_store::JurorId = seat.seat.juror.as_str().into();
                    let after = clerk.note_juror(h.writer()?, &juror, day, true).await?;
                    let unsigned = after
                        .jurors
                        .iter()
                        .any(|j| j.id == juror && j.signed_at.is_none());
                    if unsigned {
                        clerk
                            .sign_juror_statement(h.writer()?, &juror, SIGNATURE)
                            .await?;
                    }
                }
            }
            Step::Launch(day) => {
                use jalon_core::custody::{Move, PacketKind, PacketState};
                use jalon_store::launch::LaunchRecord;
                let manager = p.actor.name().to_owned();
                let launch = clerk.record_day_manager(h.writer()?, day, &manager).await?;
                let jurors = clerk.jury(&h).await?.jurors;
                let witness = jurors
                    .iter()
                    .map(|j| j.name.clone())
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(", ");
                let witness = if witness.is_empty() {
                    "le jury".to_owned()
                } else {
                    witness
                };
                for e in &launch.epreuves {
                    // The subjects opened before the candidates within the hour of the start,
                    // the unused ones destroyed at once after it.
                    let hour = e.planned_start.map_or(8, |t| t.hour());
                    let clerk = store_on(store, day, hour);
                    let after = store_on(store, day, (hour + 1).min(23));
                    for packet in clerk.dte(&h).await?.packets.iter().filter(|x| {
                        x.kind == PacketKind::Subjects
                            && x.epreuve.as_deref() == Some(e.epreuve.as_str())
                            && matches!(x.state, PacketState::Received | PacketState::Stored)
                    }) {
                        clerk
                            .move_packet(
                                h.writer()?,
                                &packet.id,
                                Move::Open,
                                jalon_store::custody::MoveInput {
                                    version: packet.version,
                                    by: manager.clone(),
                                    witnesses: witness.clone(),
                                    before: "les candidats".into(),
                                    place: String::new(),
                                    how: String::new(),
                                    reason: String::new(),
                                },
                            )
                            .await?;
                    }
                    let Some(planned) = e.planned_start else {
                        continue;
                    };
                    // The first épreuve of the session under way started a little late.
                    let at = if p.d.exact && day == p.start {
                        planned
                            .checked_add(jiff::SignedDuration::from_mins(10))
                            .unwrap_or(planned)
                    } else {
                        planned
                    };
                    clerk
                        .record_launch(h.writer()?, day, &e.epreuve, LaunchRecord::Start { at })
                        .await?;
                    after
                        .record_launch(
                            h.writer()?,
                            day,
                            &e.epreuve,
                            LaunchRecord::DestroyUnused {
                                count: 1,
                                witness: witness.clone(),
                            },
                        )
                        .await?;
                }
            }
            Step::Close(day) => {
                use jalon_core::custody::{Move, PacketKind, PacketState};
                use jalon_store::launch::LaunchRecord;
                let launch = clerk.launch_day(&h, day).await?;
                let schedule = clerk.schedule(&h).await?;
                let witness = clerk
                    .jury(&h)
                    .await?
                    .jurors
                    .first()
                    .map_or_else(|| "le jury".to_owned(), |j| format!("{}, juré", j.name));
                let last_day = |epreuve: &str| {
                    schedule
                        .timetable
                        .iter()
                        .filter(|x| x.epreuve == epreuve)
                        .flat_map(|x| x.parts.iter().map(|y| y.date))
                        .max()
                };
                for e in &launch.epreuves {
                    if let (Some(end), Some(_)) = (e.planned_end, e.started) {
                        clerk
                            .record_launch(
                                h.writer()?,
                                day,
                                &e.epreuve,
                                LaunchRecord::End { at: end },
                            )
                            .await?;
                    }
                    if last_day(&e.epreuve) != Some(day) {
                        continue;
                    }
                    for packet in clerk.dte(&h).await?.packets.iter().filter(|x| {
                        x.kind == PacketKind::Subjects
                            && x.epreuve.as_deref() == Some(e.epreuve.as_str())
                            && x.state == PacketState::Opened
                    }) {
                        clerk
                            .move_packet(
                                h.writer()?,
                                &packet.id,
                                Move::Destroy,
                                jalon_store::custody::MoveInput {
                                    version: packet.version,
                                    by: p.actor.name().to_owned(),
                                    witnesses: witness.clone(),
                                    before: String::new(),
                                    place: String::new(),
                                    how: "broyeur du secrétariat des examens".into(),
                                    reason: String::new(),
                                },
                            )
                            .await?;
                    }
                }
            }
            Step::Incident => {
                use jalon_core::launch::{IncidentCategory, IncidentInput};
                let list = clerk.candidates(&h).await?;
                let launch = clerk.launch_day(&h, clerk.today()).await?;
                if let (Some(c), Some(e)) = (list.first(), launch.epreuves.first()) {
                    let start = e.started.or(e.planned_start);
                    if let Some(arrived) =
                        start.and_then(|t| t.checked_add(jiff::SignedDuration::from_mins(25)).ok())
                    {
                        clerk
                            .record_launch(
                                h.writer()?,
                                clerk.today(),
                                &e.epreuve,
                                jalon_store::launch::LaunchRecord::Late {
                                    candidate: c.id.to_string(),
                                    arrived,
                                },
                            )
                            .await?;
                        clerk
                            .report_incident(
                                h.writer()?,
                                IncidentInput {
                                    category: IncidentCategory::Lateness,
                                    day: clerk.today(),
                                    time: arrived,
                                    epreuve: e.epreuve.clone(),
                                    candidates: vec![c.id.to_string()],
                                    description: "Arrivé 25 minutes après le début de l'épreuve (bus en retard) ; admis par le responsable de session, heure de fin inchangée.".into(),
                                    measure: "Admis, consignes rappelées à part.".into(),
                                    witnesses: "Les membres du jury".into(),
                                },
                            )
                            .await?;
                    }
                }
            }
            Step::Complete(m) => {
                // What the milestone records, before it is ticked.
                custody_for(&clerk, &h, p.actor, m.as_str(), p.n).await?;
                if m == jalon_core::milestone::ids::CLOSE_ENTER_RESULTS {
                    results_for(&clerk, &h, p.n).await?;
                }
                // The minutes signed by the jurors present, on paper: the scan joined.
                if m == "close.sign_minutes" {
                    let minutes = clerk.minutes(&h).await?;
                    if minutes.ready && !minutes.signers.is_empty() {
                        clerk
                            .attach_minutes_scan(
                                h.writer()?,
                                "pv-session-signe.pdf",
                                &scan_pdf("Proces-verbal de session signe - demonstration"),
                            )
                            .await?;
                    }
                }
                // The service's launch of the candidates' documents, recorded before the tick;
                // each candidate then has theirs.
                if m == "validation.send_documents" {
                    clerk
                        .record_documents_launched(h.writer()?, clerk.today())
                        .await?;
                    let docs = clerk.candidate_documents(&h).await?;
                    // The centre's letter to each, the day of the validation: by email, or
                    // handed over to one without an address.
                    for row in docs.rows.iter().filter(|r| r.document.is_some()) {
                        let c = clerk.candidate(&h, &row.candidate_id).await?;
                        if c.input.email.is_empty() {
                            clerk
                                .record_letter_handed(h.writer()?, &row.candidate_id)
                                .await?;
                        } else {
                            clerk
                                .record_letter_sent(h.writer()?, &row.candidate_id, &c.input.email)
                                .await?;
                        }
                    }
                    for row in docs.rows.iter().filter(|r| r.document.is_some()) {
                        clerk
                            .record_document_received(
                                h.writer()?,
                                &row.candidate_id,
                                clerk.today(),
                                "reçu par courrier",
                            )
                            .await?;
                    }
                }
                // The general minutes, received from the service: the scan joined.
                if m == "validation.general_minutes" {
                    clerk
                        .attach_milestone_file(
                            h.writer()?,
                            &m,
                            "pv-general-signe.pdf",
                            &scan_pdf("Proces-verbal general valide et signe - demonstration"),
                        )
                        .await?;
                }
                // The secure archive: what Jalon produced once signed (the jurors' statements
                // on the tablet), the scans of the paper (the PV signed on paper, the grids,
                // the sign-in sheets).
                if m == jalon_core::milestone::ids::CLOSE_ARCHIVE {
                    archive_for(&clerk, &h, &renderer).await?;
                }
                // The transmission is one act, with its day and channel: it marks the
                // milestone done.
                if m == jalon_core::milestone::ids::CLOSE_TRANSMIT {
                    clerk
                        .record_transmission(
                            h.writer()?,
                            h.session().version,
                            jalon_core::transmit::TransmissionInput {
                                sent_on: clerk.today(),
                                channel: jalon_core::transmit::Channel::TransferLink,
                                reference: format!(
                                    "https://transfert.example/ddets-69/{}",
                                    &id.as_str()[..8]
                                ),
                                contents: "PV de session signé, grilles d'évaluation, feuilles \
                                           d'émargement, déclarations sur l'honneur des jurys"
                                    .into(),
                            },
                        )
                        .await?;
                    continue;
                }
                // The validation is one act, with its date: it marks the milestone done.
                if m == jalon_core::milestone::ids::VALIDATION_DECISION {
                    clerk
                        .record_validation(h.writer()?, h.session().version, clerk.today())
                        .await?;
                    continue;
                }
                // Receiving the DTE retires the AFPA chase: what no longer applies is left.
                let Some(now) = h.detail().milestone(m.as_str()).cloned() else {
                    continue;
                };
                if !now.applicable || now.state != MilestoneState::Todo {
                    continue;
                }
                // Each item of its checklist ticked that day.
                let lists = clerk.checklists(&h).await?;
                for item in lists.get(&m).into_iter().flatten() {
                    if item.state.is_none() {
                        clerk
                            .tick_item(h.writer()?, &m, &item.item, ItemState::Done, "")
                            .await?;
                    }
                }
                let h = clerk.open_session(p.actor, &id).await?;
                let version = h.detail().milestone(m.as_str()).map_or(0, |x| x.version);
                clerk
                    .complete_milestone(
                        h.writer()?,
                        &m,
                        version,
                        &evidence(m.as_str(), p.ceres.as_deref()),
                        Some(justification),
                    )
                    .await?;
            }
            Step::Attest(day) => {
                let trainers = MilestoneId::new("day.trainers_absent");
                let lists = clerk.checklists(&h).await?;
                let on = jalon_core::fr::long_date(day);
                for item in lists.get(&trainers).into_iter().flatten() {
                    if item.state.is_none() && item.item.to_lowercase().starts_with(&on) {
                        clerk
                            .tick_item(h.writer()?, &trainers, &item.item, ItemState::Done, "")
                            .await?;
                    }
                }
            }
            Step::Complements => {
                clerk
                    .request_complements(
                        h.writer()?,
                        h.session().version,
                        clerk.today(),
                        p.d.complements.unwrap_or_default(),
                        Some(plus(clerk.today(), 15)),
                    )
                    .await?;
            }
            Step::Cancel => {
                clerk
                    .cancel_session(
                        h.writer()?,
                        h.session().version,
                        "Nombre de candidats insuffisant : session reportée",
                    )
                    .await?;
            }
        }
    }
    Ok(())
}

/// The secure archive of a session held: each kind Jalon can produce now (the statements
/// the jurors signed on the tablet), typeset and kept; the others as scans of the paper.
async fn archive_for(
    clerk: &Store,
    h: &jalon_store::SessionHandle<'_>,
    renderer: &std::sync::Arc<jalon_docs::pdf::Renderer>,
) -> Result<(), Failure> {
    use jalon_core::archiving::ArchiveKind;
    for k in clerk.archive(h).await? {
        let scan = |what: &str| scan_pdf(&format!("{what} - demonstration"));
        match (k.kind, &k.not_producible) {
            (ArchiveKind::Minutes, _) => {
                if let Some((name, _, bytes)) = clerk.minutes_scan(h).await? {
                    clerk
                        .archive_scan(h.writer()?, k.kind, &name, &bytes)
                        .await?;
                }
            }
            (ArchiveKind::Statements | ArchiveKind::SignIn, None) => {
                let (name, pdf) = jalon_web::archive::produce(clerk, renderer, h, k.kind).await?;
                clerk
                    .archive_produced(h.writer()?, k.kind, &name, &pdf)
                    .await?;
            }
            (ArchiveKind::Grids, _) => {
                clerk
                    .archive_scan(
                        h.writer()?,
                        k.kind,
                        "grilles-evaluation.pdf",
                        &scan("Grilles d'evaluation remplies par les jures"),
                    )
                    .await?;
            }
            (_, Some(_)) => {
                clerk
                    .archive_scan(
                        h.writer()?,
                        k.kind,
                        &format!("{}-papier.pdf", k.kind.slug()),
                        &scan(match k.kind {
                            ArchiveKind::SignIn => "Feuilles d'emargement signees",
                            _ => "Declarations sur l'honneur des jurys",
                        }),
                    )
                    .await?;
            }
        }
    }
    Ok(())
}

/// What a DTE milestone records before it is done: the order, the reception (a broken seal
/// on one session), the chase, the organiser's envelope opened at J−5.
/// The jury's results of a session held, as its welcome went: the present pass every
/// épreuve — most obtain the title, one in four a partial success (the first CCP acquired,
/// not the others), one in seven nothing —, the absent are absent, with a justification one
/// time in two. Each entered in CERES the same day; the dossier professionnel handed in by
/// those present.
async fn results_for(
    clerk: &Store,
    h: &jalon_store::SessionHandle<'_>,
    n: usize,
) -> Result<(), Failure> {
    use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
    use jalon_store::candidates::Presence;
    let sheet = clerk.results(h).await?;
    let candidates = clerk.candidates(h).await?;
    for (k, row) in sheet.rows.iter().enumerate() {
        if row.result.is_some() {
            continue;
        }
        let present = candidates
            .iter()
            .find(|c| c.id == row.candidate_id)
            .is_some_and(|c| c.presence != Presence::Absent);
        let outcome = if present {
            Outcome::Done
        } else {
            Outcome::Absent
        };
        let epreuves = row
            .passages
            .iter()
            .map(|x| (x.epreuve.clone(), outcome))
            .collect();
        let turn = k + n;
        let (decision, acquired) = if !present {
            let d = if turn.is_multiple_of(2) {
                Decision::AbsentJustified
            } else {
                Decision::AbsentUnjustified
            };
            (d, None)
        } else if turn % 7 == 3 {
            (Decision::NotObtained, Some(0))
        } else if turn % 4 == 1 && sheet.ccps.len() > 1 {
            (Decision::Partial, Some(1))
        } else {
            (Decision::Obtained, Some(sheet.ccps.len()))
        };
        let ccps = match acquired {
            None => Default::default(),
            Some(a) => sheet
                .ccps
                .iter()
                .enumerate()
                .map(|(i, (code, _))| {
                    let o = if i < a {
                        CcpOutcome::Acquired
                    } else {
                        CcpOutcome::NotAcquired
                    };
                    (code.clone(), o)
                })
                .collect(),
        };
        clerk
            .record_result(
                h.writer()?,
                &row.candidate_id,
                jalon_store::results::RecordResult {
                    version: 0,
                    result: ResultInput {
                        epreuves,
                        ccps,
                        decision,
                    },
                    ceres_entered_on: Some(clerk.today()),
                    dp_handed: present,
                },
            )
            .await?;
    }
    Ok(())
}

async fn custody_for(
    clerk: &Store,
    h: &jalon_store::SessionHandle<'_>,
    actor: &Actor,
    milestone: &str,
    n: usize,
) -> Result<(), Failure> {
    use jalon_core::custody::{Move, PacketKind};
    use jalon_store::custody::{DteOrder, MoveInput, PacketInput, ReceptionInput};
    let who = actor.name().to_owned();
    let by = |version| MoveInput {
        version,
        by: who.clone(),
        witnesses: String::new(),
        before: String::new(),
        place: String::new(),
        how: String::new(),
        reason: String::new(),
    };
    match milestone {
        "dte.order" => {
            let v = clerk.dte(h).await?.version;
            clerk
                .record_dte_order(
                    h.writer()?,
                    v,
                    DteOrder {
                        on: clerk.today(),
                        reference: format!("CMD-{}-{:04}", clerk.today().year(), 4100 + n * 17),
                        by: who.clone(),
                    },
                )
                .await?;
        }
        "dte.receive" => {
            let dte = clerk.dte(h).await?;
            let title = clerk.title(actor, &h.session().title_id).await?;
            let holders: Vec<String> = h
                .session()
                .manager_id
                .as_ref()
                .or(actor.user_id())
                .map(|m| m.to_string())
                .into_iter()
                .collect();
            let mut packets = vec![PacketInput {
                kind: PacketKind::Organiser,
                label: "Pli réservé à l'organisateur".into(),
                epreuve: None,
                seals_intact: true,
            }];
            for (i, e) in title.structure.epreuves.iter().enumerate() {
                packets.push(PacketInput {
                    kind: PacketKind::Subjects,
                    label: format!("Pli sujets n° {}", i + 1),
                    epreuve: Some(e.name.clone()),
                    // One session's packet arrived with its seal broken: noted.
                    seals_intact: !(n == 9 && i == 0),
                });
            }
            let dte = clerk
                .receive_dte(
                    h.writer()?,
                    dte.version,
                    ReceptionInput {
                        at: jalon_store::Stamp::new(clerk.now()),
                        by: who.clone(),
                        storage: "Armoire forte du secrétariat des examens, bureau 12".into(),
                        key_holders: holders,
                        packets,
                    },
                )
                .await?;
            for packet in &dte.packets {
                clerk
                    .move_packet(
                        h.writer()?,
                        &packet.id,
                        Move::Store,
                        MoveInput {
                            place: "Armoire forte, bureau 12".into(),
                            ..by(packet.version)
                        },
                    )
                    .await?;
            }
        }
        "dte.chase_afpa" => {
            clerk.record_chase(h.writer()?, clerk.today(), &who).await?;
        }
        "prep.open_organiser_envelope" => {
            for packet in clerk
                .dte(h)
                .await?
                .packets
                .iter()
                .filter(|x| x.kind == PacketKind::Organiser && x.opened_at.is_none())
            {
                clerk
                    .move_packet(
                        h.writer()?,
                        &packet.id,
                        Move::Open,
                        MoveInput {
                            witnesses: "Karim Benali, responsable de session".into(),
                            before: "l'équipe d'organisation".into(),
                            ..by(packet.version)
                        },
                    )
                    .await?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_demo_session_keeps_its_side_of_today_whatever_the_day_it_is_made() {
        // Two weeks of days the demo could be made on (Christmas and New Year's Day inside
        // some of the weeks tried).
        for k in 0..28 {
            let today = plus(date(2026, 11, 30), k);
            for (start, days) in [(16, 5), (3, 2), (-10, 5), (-35, 5), (-28, 3), (-60, 3)] {
                let d = plus(today, start);
                let s = free_week(d, days, Zone::AlsaceMoselle, today);
                let end = |first: Date| plus(first, days - 1);
                assert_eq!(s.weekday(), Weekday::Monday, "{today}: {start}");
                assert_eq!(s > today, d > today, "{today}: {start} → {s}");
                assert_eq!(end(s) < today, end(d) < today, "{today}: {start} → {s}");
            }
        }
    }
}
