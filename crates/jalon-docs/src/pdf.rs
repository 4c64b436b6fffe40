//! PDF documents, typeset by Typst: the convocation, the posting of the candidate list and
//! schedule (`prep.compliance`), the sign-in sheets. The templates are embedded; a centre
//! overrides any of them, or only `entete.typ` (its letterhead), with files of the same name
//! in a directory of its own, where its images (a logo) also live.

use std::io::Write;
use std::path::{Path, PathBuf};

use jalon_core::fr;
use jalon_core::schedule::{self, Slot};
use jalon_core::timetable::{self, Part, Passage};
use jiff::civil::{Date, Time};
use serde::Serialize;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Bytes, Dict, IntoValue};
use typst_as_lib::file_resolver::FileSystemResolver;
use typst_as_lib::{TypstAsLibError, TypstEngine};
use typst_layout::PagedDocument;

/// The embedded templates, by file name.
/// Draws a logo alone, to know that it can be drawn.
const LOGO_CHECK: &str = "logo-check.typ";

pub const TEMPLATES: [(&str, &str); 17] = [
    ("jalon.typ", include_str!("../templates/jalon.typ")),
    ("entete.typ", include_str!("../templates/entete.typ")),
    (
        "pv-session.typ",
        include_str!("../templates/pv-session.typ"),
    ),
    (
        "emargement-signe.typ",
        include_str!("../templates/emargement-signe.typ"),
    ),
    (
        "declarations-jury.typ",
        include_str!("../templates/declarations-jury.typ"),
    ),
    (
        "releve-resultats.typ",
        include_str!("../templates/releve-resultats.typ"),
    ),
    (
        "lettre-resultat.typ",
        include_str!("../templates/lettre-resultat.typ"),
    ),
    (
        "convocation.typ",
        include_str!("../templates/convocation.typ"),
    ),
    ("affichage.typ", include_str!("../templates/affichage.typ")),
    (
        "emargement.typ",
        include_str!("../templates/emargement.typ"),
    ),
    (
        "convocation-jure.typ",
        include_str!("../templates/convocation-jure.typ"),
    ),
    (
        "lettre-employeur.typ",
        include_str!("../templates/lettre-employeur.typ"),
    ),
    (
        "absence-jury.typ",
        include_str!("../templates/absence-jury.typ"),
    ),
    (
        "attestation-ouverture.typ",
        include_str!("../templates/attestation-ouverture.typ"),
    ),
    (
        "pv-destruction.typ",
        include_str!("../templates/pv-destruction.typ"),
    ),
    (
        "pv-incident.typ",
        include_str!("../templates/pv-incident.typ"),
    ),
    (LOGO_CHECK, "#image(sys.inputs.logo, width: 3cm)"),
];

/// The documents Jalon typesets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Convocation,
    Posting,
    SignIn,
    /// One letter per juror of `jury`.
    JurorConvocation,
    /// One request per salaried juror of `jury`, to their employer.
    EmployerLetter,
    /// The report of a juror's absence on a day, for the departmental service.
    AbsenceReport,
    /// The attestation that subject envelopes were opened, sealed, before the candidates.
    OpeningAttestation,
    /// The record of the subjects destroyed.
    DestructionRecord,
    /// The record of an incident, to sign.
    IncidentReport,
    /// The minutes of the session (PV de session), from the results, for the jurors to sign.
    Minutes,
    /// The sign-in as recorded on the tablet: each candidate's presence and drawn signature.
    SignedSignIn,
    /// The sworn statements the jurors present signed, each with its drawn signature.
    JurorStatements,
    /// One results sheet per candidate of `minutes` (or the one chosen).
    ResultSheet,
    /// The centre's letter to a candidate after the validation: their result, what comes next.
    ResultLetter,
}

impl Kind {
    fn template(self) -> &'static str {
        match self {
            Kind::Convocation => "convocation.typ",
            Kind::Posting => "affichage.typ",
            Kind::SignIn => "emargement.typ",
            Kind::JurorConvocation => "convocation-jure.typ",
            Kind::EmployerLetter => "lettre-employeur.typ",
            Kind::AbsenceReport => "absence-jury.typ",
            Kind::OpeningAttestation => "attestation-ouverture.typ",
            Kind::DestructionRecord => "pv-destruction.typ",
            Kind::IncidentReport => "pv-incident.typ",
            Kind::Minutes => "pv-session.typ",
            Kind::SignedSignIn => "emargement-signe.typ",
            Kind::JurorStatements => "declarations-jury.typ",
            Kind::ResultSheet => "releve-resultats.typ",
            Kind::ResultLetter => "lettre-resultat.typ",
        }
    }

    /// The document's title, also used in file names.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Convocation => "Convocation",
            Kind::Posting => "Affichage des candidats et des épreuves",
            Kind::SignIn => "Feuilles d'émargement",
            Kind::JurorConvocation => "Convocation du juré",
            Kind::EmployerLetter => "Demande d'autorisation d'absence",
            Kind::AbsenceReport => "Rapport d'absence d'un membre du jury",
            Kind::OpeningAttestation => "Attestation de conformité de l'ouverture des sujets",
            Kind::DestructionRecord => "Procès-verbal de destruction des sujets",
            Kind::IncidentReport => "Procès-verbal d'incident",
            Kind::Minutes => "Procès-verbal de session",
            Kind::SignedSignIn => "Relevé d'émargement signé",
            Kind::JurorStatements => "Déclarations sur l'honneur des membres du jury",
            Kind::ResultSheet => "Relevé individuel de résultats",
            Kind::ResultLetter => "Courrier de résultat",
        }
    }
}

/// Why a document could not be produced, in French.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PdfError(pub String);

// ---- The data given to the templates -----------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub name: String,
    /// How the centre is reached, on one line (« 12 rue … 69007 Lyon — 04 72 … — contact@… »),
    /// or empty.
    #[serde(default)]
    pub reach: String,
    /// « Pour le Centre de formation des Tilleuls »: how letters are signed on its behalf.
    #[serde(default)]
    pub on_behalf: String,
}

impl Named {
    /// A centre by its name and how it is reached; its letters are signed « Pour le … ».
    pub fn new(name: &str, reach: &str) -> Named {
        Named {
            name: name.to_owned(),
            reach: reach.to_owned(),
            on_behalf: fr::on_behalf_of(name),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TitleInfo {
    pub name: String,
    /// « RNCP 35758 », or empty.
    pub rncp: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteInfo {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionInfo {
    /// « du lundi 14 au mercredi 16 décembre 2026 ».
    pub dates: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlotLine {
    pub name: String,
    pub start: String,
    pub end: String,
    /// « 8 h 30 – 12 h, 13 h 30 – 17 h »: the épreuve's hours that day, lunch apart.
    pub hours: String,
    pub duration: String,
}

/// One sign-in sheet: a day, an épreuve, and who signs it at what time.
#[derive(Debug, Clone, Serialize)]
pub struct Sheet {
    /// « lundi 14 décembre 2026 ».
    pub date: String,
    pub name: String,
    /// « 8 h 30 – 12 h, 13 h 30 – 17 h », or the span of the day's individual passages.
    pub hours: String,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SheetRow {
    pub last_name: String,
    pub first_names: String,
    pub birth_date: String,
    /// The candidate's own hours, when they differ from the sheet's (their passage, their
    /// extra time); empty otherwise.
    pub time: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    /// « lundi 14 décembre 2026 ».
    pub date: String,
    /// « 8 h ».
    pub welcome: String,
    pub slots: Vec<SlotLine>,
}

/// One candidate, as the documents show them.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateLine {
    /// The candidate's id in the store (not shown).
    #[serde(skip_serializing)]
    pub id: String,
    pub last_name: String,
    pub first_names: String,
    /// « Madame », « Monsieur », or empty (« Madame, Monsieur » then).
    #[serde(default)]
    pub civility: String,
    /// « 14/02/1990 », or empty.
    pub birth_date: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub accommodation: String,
    pub accommodation_granted_by: String,
    pub accommodation_plan: String,
    /// The convocation carries a receipt to sign and return (hand delivery, signed return).
    pub with_receipt: bool,
    /// Their own days and times (their passages, their extra time); the session's when empty.
    #[serde(default)]
    pub schedule: Vec<Day>,
    /// « un tiers du temps », « 30 min (Questionnaire professionnel) », or empty.
    #[serde(default)]
    pub extra_time: String,
}

/// Everything a session's documents show.
#[derive(Debug, Clone, Serialize)]
pub struct SessionDocument {
    pub centre: Named,
    /// The centre's logo (PNG or JPEG), on the letterhead; given to the templates apart from
    /// the JSON, as `sys.inputs.logo`.
    #[serde(skip)]
    pub logo: Option<std::sync::Arc<[u8]>>,
    /// Drawn signatures (PNG), by key, given to the templates apart from the JSON as
    /// `sys.inputs.at("img-" + key)`.
    #[serde(skip)]
    pub images: Vec<(String, std::sync::Arc<[u8]>)>,
    pub title: TitleInfo,
    pub site: SiteInfo,
    /// The approval's number, or empty.
    pub approval: String,
    /// The CERES session number, or empty.
    pub ceres: String,
    pub session: SessionInfo,
    pub schedule: Vec<Day>,
    /// One sign-in sheet per day and épreuve (from the timetable); one per day and épreuve
    /// of `schedule`, every candidate on it, when empty.
    #[serde(default)]
    pub sheets: Vec<Sheet>,
    /// The day the documents are issued, « 28 novembre 2026 ».
    pub issued: String,
    /// The session manager's name, or empty.
    pub manager: String,
    /// How to reach the centre (an email address), or empty.
    pub contact: String,
    /// What candidates bring on the day.
    pub documents: Vec<String>,
    /// The reminder of the règlement de session.
    pub rules: Vec<String>,
    pub candidates: Vec<CandidateLine>,
    /// The jury appointed (the posting's composition; one letter each for the jurors').
    #[serde(default)]
    pub jury: Vec<JurorLine>,
    /// The day a juror was missing, for the absence report.
    #[serde(default)]
    pub absence: Option<Absence>,
    /// The sealed papers' records: an opening, destructions, an incident.
    #[serde(default)]
    pub custody: Option<CustodyRecords>,
    /// The results, for the minutes and the results sheets.
    #[serde(default)]
    pub minutes: Option<MinutesRecord>,
    /// The signed sign-in and the jurors' statements, for the archive.
    #[serde(default)]
    pub signed: Option<SignedRecords>,
}

/// What the signed sign-in and the jurors' statements show.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SignedRecords {
    /// Each candidate at the welcome, in the order of the list.
    pub welcome: Vec<WelcomeLine>,
    /// The presence noted at each épreuve: « lundi 15 mars 2027 — Entretien final : présent ».
    pub attendance: Vec<(String, Vec<String>)>,
    /// The sworn statement's text, as the jurors read it.
    pub statement: String,
    pub statements: Vec<StatementLine>,
}

/// A candidate at the welcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WelcomeLine {
    pub name: String,
    pub birth_date: String,
    /// « présent », « absent ».
    pub presence: String,
    /// « accueilli le lundi 15 mars 2027 à 8 h 42 par Claire Martin », or empty.
    pub when: String,
    /// « identité vérifiée, convocation et documents présentés ».
    pub checks: String,
    /// The key of their drawn signature in `images`, or empty.
    pub signature: String,
}

/// A juror's sworn statement.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatementLine {
    pub name: String,
    pub profession: String,
    /// The days they were present.
    pub days: String,
    /// The links they declared with candidates, or « aucun lien déclaré ».
    pub links: String,
    /// « signée le lundi 15 mars 2027 à 8 h 20 — sur la tablette du centre ».
    pub signed: String,
    /// The key of their drawn signature in `images`, or empty.
    pub signature: String,
}

/// What the minutes and the results sheets show.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MinutesRecord {
    /// The épreuves, in order.
    pub epreuves: Vec<String>,
    /// (code, name) of each CCP assessed.
    pub ccps: Vec<(String, String)>,
    pub rows: Vec<ResultLine>,
    /// « lundi 15 mars 2027 à 10 h 40 — fraude suspectée (DUPONT Jean) : … ».
    pub incidents: Vec<String>,
    /// The candidates suspected of fraud, which the minutes must mention.
    pub frauds: Vec<String>,
    /// The jurors present, who sign.
    pub jurors: Vec<MinutesJuror>,
    /// « Session validée par le service départemental le … », or the warning that nothing
    /// is communicated to a candidate before.
    pub validation: String,
    pub validated: bool,
    /// The letter to the one candidate of `rows`, paragraph by paragraph.
    #[serde(default)]
    pub letter: Vec<String>,
}

/// A candidate's result, as the minutes and their sheet give it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResultLine {
    pub name: String,
    /// One outcome per épreuve of `epreuves`: « faite », « absent », « — ».
    pub epreuves: Vec<String>,
    /// One outcome per CCP of `ccps`: « acquis », « non acquis », « — ».
    pub ccps: Vec<String>,
    pub decision: String,
    /// « saisi dans CERES le … », or empty.
    pub ceres: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MinutesJuror {
    pub name: String,
    /// The days present: « lundi 15 et mardi 16 mars 2027 ».
    pub days: String,
    /// « signé le … — lien personnel (…) », or empty.
    pub signed: String,
    /// The key of their drawn signature in `images`, or empty (signed on paper, or not yet).
    #[serde(default)]
    pub signature: String,
}

/// What the custody documents show.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CustodyRecords {
    /// « lundi 15 mars 2027 ».
    pub day: String,
    pub epreuve: String,
    /// « 8 h 50 ».
    pub time: String,
    /// The envelopes opened: (label, « intacts » / « endommagés »).
    pub packets: Vec<PacketLine>,
    pub witnesses: String,
    pub before: String,
    /// The destructions: one line each.
    pub destructions: Vec<DestructionLine>,
    pub incident: Option<IncidentLine>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PacketLine {
    pub label: String,
    pub epreuve: String,
    /// « intacts à la réception » or « endommagés à la réception ».
    pub seals: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DestructionLine {
    /// « Pli sujets n° 1 (Mise en situation professionnelle) », or « 2 sujets non utilisés ».
    pub what: String,
    /// « lundi 15 mars 2027 à 17 h 05 ».
    pub when: String,
    pub by: String,
    pub witness: String,
    pub how: String,
    /// Why, for a packet destroyed unopened.
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct IncidentLine {
    /// « fraude suspectée ».
    pub category: String,
    pub candidates: Vec<String>,
    pub description: String,
    pub measure: String,
    pub witnesses: String,
    pub recorded_by: String,
    pub fraud: bool,
}

/// One juror, as the documents show them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JurorLine {
    /// The juror's id in the store (not shown).
    #[serde(skip_serializing)]
    pub id: String,
    /// « Marc LEROY ».
    pub name: String,
    pub first_names: String,
    pub last_name: String,
    pub profession: String,
    pub employer: String,
    /// A salaried juror asks their employer (the letter, the deadline).
    pub salaried: bool,
    /// « lundi 15 mars 2027 — jury 1 ».
    pub days: Vec<String>,
    /// The day a salaried juror asks their employer by, « samedi 27 février 2027 », or empty.
    pub request_by: String,
    /// Their personal link (to declare their links and sign their statement), or empty.
    pub link: String,
}

/// A day a juror was missing: who was convoked, who came, who is left short.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Absence {
    /// « lundi 15 mars 2027 ».
    pub day: String,
    pub present: Vec<String>,
    pub absent: Vec<String>,
    /// « DUPONT Jean — Entretien final (jury 1) : 1 seul juré présent… ».
    pub short: Vec<String>,
}

/// What a candidate brings, by default.
pub fn default_documents() -> Vec<String> {
    [
        "une pièce d'identité officielle en cours de validité, avec photographie (carte d'identité, passeport, titre de séjour) ;",
        "la présente convocation ;",
        "votre Dossier Professionnel (DP), complété et signé, avec ses annexes éventuelles.",
    ]
    .map(String::from)
    .to_vec()
}

/// The reminder of the règlement de session, by default.
pub fn default_rules() -> Vec<String> {
    [
        "Présentez-vous à l'heure : un candidat en retard peut se voir refuser l'accès à l'épreuve commencée.",
        "Les téléphones et autres appareils de communication sont éteints et rangés pendant les épreuves.",
        "Toute fraude ou tentative de fraude est consignée au procès-verbal et peut entraîner l'exclusion de la session.",
        "Le règlement de session est affiché dans le centre et peut être consulté à l'accueil.",
    ]
    .map(String::from)
    .to_vec()
}

/// The days of a schedule, in French, with the welcome time of each.
pub fn schedule_days(slots: &[Slot]) -> Vec<Day> {
    schedule::days(slots)
        .into_iter()
        .map(|day| Day {
            date: fr::long_date(day),
            welcome: schedule::welcome_time(slots, day)
                .map(fr::time)
                .unwrap_or_default(),
            slots: slots
                .iter()
                .filter(|s| s.date == day)
                .map(|s| SlotLine {
                    name: s.name.clone(),
                    start: fr::time(s.start),
                    end: fr::time(s.end()),
                    hours: format!("{} – {}", fr::time(s.start), fr::time(s.end())),
                    duration: fr::duration(s.minutes),
                })
                .collect(),
        })
        .collect()
}

/// The days of `passages` (one candidate's, or the group's), each with its welcome time and
/// one line per épreuve taken that day: its hours (lunch apart) and time spent that day.
/// `individual` names the épreuves each candidate passes alone, shown in the group's days as
/// the span of the day's passages.
pub fn timetable_days(passages: &[&Passage], individual: &[&str], per_candidate: bool) -> Vec<Day> {
    let mut dates: Vec<Date> = passages
        .iter()
        .flat_map(|p| p.parts.iter().map(|x| x.date))
        .collect();
    dates.sort();
    dates.dedup();
    dates
        .into_iter()
        .map(|date| {
            let mut lines: Vec<(Time, SlotLine)> = Vec::new();
            let mut names: Vec<&str> = Vec::new();
            for p in passages {
                if !names.contains(&p.epreuve.as_str()) {
                    names.push(&p.epreuve);
                }
            }
            for name in names {
                let parts: Vec<&Part> = passages
                    .iter()
                    .filter(|p| p.epreuve == name)
                    .flat_map(|p| p.parts.iter())
                    .filter(|x| x.date == date)
                    .collect();
                let (Some(first), Some(last)) = (
                    parts.iter().map(|x| x.start).min(),
                    parts.iter().map(|x| x.end).max(),
                ) else {
                    continue;
                };
                let alone = individual.contains(&name) && !per_candidate;
                let (label, hours, duration) = if alone {
                    (
                        format!("{name} (passages individuels)"),
                        format!("{} – {}", fr::time(first), fr::time(last)),
                        "selon la convocation".to_owned(),
                    )
                } else {
                    let minutes: i32 = parts.iter().map(|x| x.minutes()).sum();
                    (
                        name.to_owned(),
                        parts
                            .iter()
                            .map(|x| x.span())
                            .collect::<Vec<_>>()
                            .join(", "),
                        fr::duration(minutes.max(0) as u32),
                    )
                };
                lines.push((
                    first,
                    SlotLine {
                        name: label,
                        start: fr::time(first),
                        end: fr::time(last),
                        hours,
                        duration,
                    },
                ));
            }
            lines.sort_by_key(|(t, _)| *t);
            let welcome = lines
                .first()
                .map(|(t, _)| {
                    let m = i32::from(t.hour()) * 60 + i32::from(t.minute())
                        - schedule::WELCOME_MINUTES;
                    fr::time(jiff::civil::time((m / 60) as i8, (m % 60) as i8, 0, 0))
                })
                .unwrap_or_default();
            Day {
                date: fr::long_date(date),
                welcome,
                slots: lines.into_iter().map(|(_, l)| l).collect(),
            }
        })
        .collect()
}

/// The documents' parts of a timetable: the group's days (the posting), each candidate's own
/// (set on their line, for their convocation), and one sign-in sheet per day and épreuve with
/// each candidate's time where it is theirs alone.
pub fn from_timetable(
    passages: &[Passage],
    individual: &[&str],
    candidates: &mut [CandidateLine],
) -> (Vec<Day>, Vec<Sheet>) {
    // The group: the collective épreuves as the group takes them, the individual ones as the
    // span of their passages.
    let group: Vec<&Passage> = passages
        .iter()
        .filter(|p| p.candidate.is_none() || individual.contains(&p.epreuve.as_str()))
        .collect();
    let days = timetable_days(&group, individual, false);
    let mut sheets: Vec<(Date, Time, Sheet)> = Vec::new();
    for c in candidates.iter_mut() {
        let theirs = timetable::of_candidate(passages, &c.id);
        c.schedule = timetable_days(&theirs, individual, true);
        for p in theirs {
            let mut dates: Vec<Date> = p.parts.iter().map(|x| x.date).collect();
            dates.dedup();
            for date in dates {
                let today: Vec<&Part> = p.parts.iter().filter(|x| x.date == date).collect();
                let hours = today
                    .iter()
                    .map(|x| x.span())
                    .collect::<Vec<_>>()
                    .join(", ");
                let sheet_hours = if individual.contains(&p.epreuve.as_str()) {
                    group_span(passages, &p.epreuve, date)
                } else {
                    passages
                        .iter()
                        .find(|g| g.epreuve == p.epreuve && g.candidate.is_none())
                        .map(|g| {
                            g.parts
                                .iter()
                                .filter(|x| x.date == date)
                                .map(|x| x.span())
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_else(|| hours.clone())
                };
                let row = SheetRow {
                    last_name: c.last_name.clone(),
                    first_names: c.first_names.clone(),
                    birth_date: c.birth_date.clone(),
                    time: match (hours == sheet_hours, p.jury, &p.room) {
                        (true, _, _) => String::new(),
                        (false, Some(j), Some(r)) => format!("{hours} · jury {j}, {r}"),
                        (false, Some(j), None) => format!("{hours} · jury {j}"),
                        (false, None, _) => hours.clone(),
                    },
                };
                match sheets
                    .iter_mut()
                    .find(|(d, _, s)| *d == date && s.name == p.epreuve)
                {
                    Some((_, _, s)) => s.rows.push(row),
                    None => sheets.push((
                        date,
                        today.first().map_or(Time::MIN, |x| x.start),
                        Sheet {
                            date: fr::long_date(date),
                            name: p.epreuve.clone(),
                            hours: sheet_hours,
                            rows: vec![row],
                        },
                    )),
                }
            }
        }
    }
    sheets.sort_by_key(|(d, t, _)| (*d, *t));
    (days, sheets.into_iter().map(|(_, _, s)| s).collect())
}

/// « 8 h 30 – 11 h 45 »: from the first to the last passage of an individual épreuve that day.
fn group_span(passages: &[Passage], epreuve: &str, date: Date) -> String {
    let parts = passages
        .iter()
        .filter(|p| p.epreuve == epreuve)
        .flat_map(|p| p.parts.iter())
        .filter(|x| x.date == date);
    let (first, last) = parts.fold((Time::MAX, Time::MIN), |(a, b), x| {
        (a.min(x.start), b.max(x.end))
    });
    format!("{} – {}", fr::time(first), fr::time(last))
}

/// « 14/02/1990 », or empty.
pub fn short_date(date: Option<Date>) -> String {
    date.map(fr::short_date).unwrap_or_default()
}

// ---- Rendering ---------------------------------------------------------------------------

/// Typesets the documents; built once, used from any thread.
pub struct Renderer {
    engine: TypstEngine,
    dir: Option<PathBuf>,
}

impl Renderer {
    /// The embedded templates, overridden by those of `dir` when given.
    pub fn new(dir: Option<&Path>) -> Result<Renderer, PdfError> {
        if let Some(dir) = dir
            && !dir.is_dir()
        {
            return Err(PdfError(format!(
                "le dossier de modèles « {} » n'existe pas",
                dir.display()
            )));
        }
        Ok(Renderer::build(dir))
    }

    /// The embedded templates only.
    pub fn embedded() -> Renderer {
        Renderer::build(None)
    }

    fn build(dir: Option<&Path>) -> Renderer {
        let mut builder = TypstEngine::builder().fonts(typst_assets::fonts());
        if let Some(dir) = dir {
            // Tried first: the centre's own files win over the embedded ones.
            builder = builder.add_file_resolver(FileSystemResolver::new(dir.to_path_buf()));
        }
        let engine = builder
            .with_static_source_file_resolver(TEMPLATES)
            .comemo_evict_max_age(Some(30))
            .build();
        Renderer {
            engine,
            dir: dir.map(Path::to_path_buf),
        }
    }

    /// One PDF of `kind` for `data` (a convocation per candidate, one after the other).
    pub fn render(&self, kind: Kind, data: &SessionDocument) -> Result<Vec<u8>, PdfError> {
        let document = self.compile(kind, data)?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|e| PdfError(format!("PDF impossible à produire : {}", messages(&e))))
    }

    /// One convocation per candidate, each its own PDF, in order; `progress` is called
    /// after each.
    pub fn render_each(
        &self,
        data: &SessionDocument,
        mut progress: impl FnMut(usize),
    ) -> Result<Vec<Vec<u8>>, PdfError> {
        let mut out = Vec::with_capacity(data.candidates.len());
        let mut one = data.clone();
        for (i, c) in data.candidates.iter().enumerate() {
            one.candidates = vec![c.clone()];
            out.push(self.render(Kind::Convocation, &one)?);
            progress(i + 1);
        }
        Ok(out)
    }

    /// The text of each page of the document, as laid out: what a reader would see.
    pub fn pages_text(&self, kind: Kind, data: &SessionDocument) -> Result<Vec<String>, PdfError> {
        Ok(self
            .compile(kind, data)?
            .pages()
            .iter()
            .map(|page| {
                let mut text = String::new();
                collect_text(&page.frame, &mut text);
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect())
    }

    fn compile(&self, kind: Kind, data: &SessionDocument) -> Result<PagedDocument, PdfError> {
        let json = serde_json::to_string(data)
            .map_err(|e| PdfError(format!("données du document illisibles : {e}")))?;
        let mut inputs = Dict::new();
        inputs.insert("data".into(), json.as_str().into_value());
        if let Some(logo) = &data.logo {
            inputs.insert("logo".into(), Bytes::new(logo.to_vec()).into_value());
        }
        for (key, png) in &data.images {
            inputs.insert(
                format!("img-{key}").as_str().into(),
                Bytes::new(png.to_vec()).into_value(),
            );
        }
        self.engine
            .compile_with_input(kind.template(), inputs)
            .output
            .map_err(|e| self.explain(kind, e))
    }

    /// Whether a logo can be drawn: its header checked (`upload::check_logo`), then the whole
    /// image decoded as the documents will, so that a broken file is refused when it is
    /// given, not when a convocation is due. The error is a French sentence.
    pub fn check_logo(&self, logo: &[u8]) -> Result<&'static str, PdfError> {
        let kind = jalon_core::upload::check_logo(logo).map_err(PdfError)?;
        let mut inputs = Dict::new();
        inputs.insert("logo".into(), Bytes::new(logo.to_vec()).into_value());
        let drawn: Result<PagedDocument, _> =
            self.engine.compile_with_input(LOGO_CHECK, inputs).output;
        drawn.map_err(|_| {
                PdfError("cette image est illisible (fichier abîmé ou tronqué) : exportez-la de nouveau en PNG ou JPEG".to_owned())
            })?;
        Ok(kind)
    }

    fn explain(&self, kind: Kind, error: TypstAsLibError) -> PdfError {
        let origin = match &self.dir {
            Some(dir) => format!(
                "le modèle « {} » (dossier « {} » ou modèle intégré)",
                kind.template(),
                dir.display()
            ),
            None => format!("le modèle intégré « {} »", kind.template()),
        };
        let detail = match error {
            TypstAsLibError::TypstSource(diags) => messages(&diags),
            TypstAsLibError::TypstFile(e) => e.to_string(),
            TypstAsLibError::MainSourceFileDoesNotExist(_) => "fichier introuvable".to_owned(),
            TypstAsLibError::HintedString(h) => h.message().to_string(),
            TypstAsLibError::Unspecified(e) => e.to_string(),
        };
        PdfError(format!("{origin} n'a pas pu être composé : {detail}"))
    }
}

/// The text of a frame in reading order; pieces set side by side on one line (an apostrophe,
/// the raised « er » of « 1er ») are joined, others separated by a space.
fn collect_text(frame: &typst::layout::Frame, out: &mut String) {
    use typst::layout::{Abs, FrameItem};
    let mut last_end: Option<(Abs, Abs)> = None;
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                collect_text(&group.frame, out);
                last_end = None;
            }
            FrameItem::Text(text) => {
                let touches = last_end.is_some_and(|(x, y)| {
                    (pos.x - x).abs() < Abs::pt(0.5) && (pos.y - y).abs() < text.size * 0.6
                });
                if touches && out.ends_with(' ') {
                    out.pop();
                }
                out.push_str(&text.text);
                out.push(' ');
                last_end = Some((pos.x + text.width(), pos.y));
            }
            _ => {}
        }
    }
}

fn messages(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let file = d
                .span
                .id()
                .map(|id| format!("{} : ", id.vpath().get_without_slash()))
                .unwrap_or_default();
            format!("{file}{}", d.message)
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// A text as a part of a file name: « Maçon » → « macon », ASCII only, words joined by « - ».
pub fn file_stem(text: &str) -> String {
    jalon_core::candidate::fold(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// A file name for a person's document: « convocation-DUPONT-Jean.pdf », ASCII only.
pub fn file_name(prefix: &str, candidate: &CandidateLine) -> String {
    let name = file_stem(&format!(
        "{} {}",
        candidate.last_name, candidate.first_names
    ));
    format!(
        "{prefix}-{}.pdf",
        if name.is_empty() { "candidat" } else { &name }
    )
}

/// The file names of `files`, two namesakes getting « …-2.pdf », in order.
pub fn unique_names<T>(files: impl IntoIterator<Item = (String, T)>) -> Vec<(String, T)> {
    let mut used = std::collections::HashSet::new();
    files
        .into_iter()
        .map(|(name, content)| {
            let mut unique = name.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                n += 1;
                unique = match name.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
                    None => format!("{name}-{n}"),
                };
            }
            (unique, content)
        })
        .collect()
}

/// A ZIP archive of `files` (name, bytes), stored without compression: PDFs already are.
pub fn zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, PdfError> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let fail = |e: &dyn std::fmt::Display| PdfError(format!("archive ZIP impossible : {e}"));
    for (name, bytes) in unique_names(files.iter().map(|(n, b)| (n.clone(), b))) {
        writer
            .start_file(name.as_str(), options)
            .map_err(|e| fail(&e))?;
        writer.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(writer.finish().map_err(|e| fail(&e))?.into_inner())
}

/// A realistic session of `candidates` people, for trying templates (a centre designing its
/// letterhead) and for benchmarks.
pub fn sample(candidates: usize) -> SessionDocument {
    use jiff::civil::date;
    const LAST: [&str; 8] = [
        "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "NGUYEN",
    ];
    const FIRST: [&str; 8] = [
        "Léa", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Manon", "Thi Mai",
    ];
    let slots = schedule::propose(
        date(2026, 12, 14),
        date(2026, 12, 15),
        jalon_core::Zone::Metropole,
        &[
            ("Mise en situation professionnelle".to_owned(), 210),
            ("Entretien technique".to_owned(), 45),
            ("Questionnaire professionnel".to_owned(), 60),
            ("Entretien final".to_owned(), 20),
        ],
    );
    SessionDocument {
        centre: Named::new(
            "Centre de formation des Tilleuls",
            "3 rue des Tilleuls, 69003 Lyon — 04 72 00 00 00 — examens@tilleuls.example",
        ),
        logo: None,
        images: Vec::new(),
        title: TitleInfo {
            name: "Agent de restauration".to_owned(),
            rncp: "RNCP 35758".to_owned(),
        },
        site: SiteInfo {
            name: "Site de Lyon Gerland".to_owned(),
            address: "12 avenue Tony Garnier".to_owned(),
            postcode: "69007".to_owned(),
            city: "Lyon".to_owned(),
        },
        approval: "AGR-69-2024-017".to_owned(),
        ceres: "2026-TP-004512".to_owned(),
        session: SessionInfo {
            dates: fr::date_range(date(2026, 12, 14), date(2026, 12, 15)),
        },
        schedule: schedule_days(&slots),
        issued: fr::date_without_weekday(date(2026, 11, 12)),
        manager: "Claire Martin".to_owned(),
        contact: "examens@tilleuls.example".to_owned(),
        documents: default_documents(),
        rules: default_rules(),
        candidates: (0..candidates)
            .map(|i| CandidateLine {
                id: format!("exemple-{i}"),
                last_name: LAST[i % LAST.len()].to_owned(),
                first_names: FIRST[(i / LAST.len() + i) % FIRST.len()].to_owned(),
                civility: String::new(),
                birth_date: format!("{:02}/{:02}/{}", 1 + i % 28, 1 + i % 12, 1975 + i % 30),
                address: format!("{} rue de la République", 1 + i),
                postcode: "69002".to_owned(),
                city: "Lyon".to_owned(),
                accommodation: if i % 7 == 3 {
                    "tiers-temps pour les épreuves écrites".to_owned()
                } else {
                    String::new()
                },
                accommodation_granted_by: if i % 7 == 3 {
                    "la MDPH du Rhône".to_owned()
                } else {
                    String::new()
                },
                accommodation_plan: if i % 7 == 3 {
                    "salle séparée, surveillant dédié".to_owned()
                } else {
                    String::new()
                },
                with_receipt: i % 2 == 0,
                schedule: Vec::new(),
                extra_time: String::new(),
            })
            .collect(),
        sheets: Vec::new(),
        jury: vec![
            JurorLine {
                id: "exemple-jure-1".to_owned(),
                name: "Marc LEROY".to_owned(),
                first_names: "Marc".to_owned(),
                last_name: "LEROY".to_owned(),
                profession: "Chef de cuisine".to_owned(),
                employer: "Brasserie du Parc".to_owned(),
                salaried: true,
                days: vec![
                    "lundi 14 décembre 2026 — jury 1".to_owned(),
                    "mardi 15 décembre 2026 — jury 1".to_owned(),
                ],
                request_by: fr::long_date(date(2026, 11, 29)),
                link: "https://jalon.tilleuls.example/jure/exemple".to_owned(),
            },
            JurorLine {
                id: "exemple-jure-2".to_owned(),
                name: "Sophie MARTY".to_owned(),
                first_names: "Sophie".to_owned(),
                last_name: "MARTY".to_owned(),
                profession: "Responsable de restauration collective".to_owned(),
                employer: String::new(),
                salaried: false,
                days: vec!["lundi 14 décembre 2026 — jury 1".to_owned()],
                request_by: String::new(),
                link: String::new(),
            },
        ],
        absence: None,
        custody: Some(CustodyRecords {
            day: "lundi 14 décembre 2026".to_owned(),
            epreuve: "Mise en situation professionnelle".to_owned(),
            time: "8 h 25".to_owned(),
            packets: vec![PacketLine {
                label: "Pli sujets n° 1".to_owned(),
                epreuve: "Mise en situation professionnelle".to_owned(),
                seals: "intacts à la réception".to_owned(),
            }],
            witnesses: "Marc LEROY, Sophie MARTY (jurés)".to_owned(),
            before: "les candidats".to_owned(),
            destructions: vec![
                DestructionLine {
                    what: "1 sujet non utilisé (Mise en situation professionnelle)".to_owned(),
                    when: "lundi 14 décembre 2026 à 8 h 40".to_owned(),
                    by: "Claire Martin".to_owned(),
                    witness: "Marc LEROY, juré".to_owned(),
                    how: "broyeur du secrétariat".to_owned(),
                    reason: String::new(),
                },
                DestructionLine {
                    what: "Pli sujets n° 1 (Mise en situation professionnelle)".to_owned(),
                    when: "lundi 14 décembre 2026 à 17 h 10".to_owned(),
                    by: "Claire Martin".to_owned(),
                    witness: "Sophie MARTY, jurée".to_owned(),
                    how: "broyeur du secrétariat".to_owned(),
                    reason: String::new(),
                },
            ],
            incident: Some(IncidentLine {
                category: "fraude suspectée".to_owned(),
                candidates: vec!["MARTIN Léa".to_owned()],
                description: "Téléphone allumé sous la table pendant la mise en situation.".to_owned(),
                measure: "Téléphone retiré et mis sous enveloppe ; épreuve poursuivie ; consigné pour le jury.".to_owned(),
                witnesses: "Marc LEROY, juré".to_owned(),
                recorded_by: "Claire Martin".to_owned(),
                fraud: true,
            }),
        }),
        minutes: Some(MinutesRecord {
            epreuves: vec![
                "Mise en situation professionnelle".to_owned(),
                "Entretien final".to_owned(),
            ],
            ccps: vec![
                ("CCP1".to_owned(), "Développer la partie front-end".to_owned()),
                ("CCP2".to_owned(), "Développer la partie back-end".to_owned()),
            ],
            rows: vec![
                ResultLine {
                    name: "DURAND Léa".to_owned(),
                    epreuves: vec!["faite".to_owned(), "faite".to_owned()],
                    ccps: vec!["acquis".to_owned(), "acquis".to_owned()],
                    decision: "titre obtenu".to_owned(),
                    ceres: "saisi dans CERES le vendredi 18 décembre 2026".to_owned(),
                },
                ResultLine {
                    name: "MARTIN Léa".to_owned(),
                    epreuves: vec!["faite".to_owned(), "faite".to_owned()],
                    ccps: vec!["acquis".to_owned(), "non acquis".to_owned()],
                    decision: "réussite partielle".to_owned(),
                    ceres: String::new(),
                },
            ],
            incidents: vec![
                "lundi 14 décembre 2026 à 10 h 40 — fraude suspectée (MARTIN Léa) : téléphone allumé sous la table".to_owned(),
            ],
            frauds: vec!["MARTIN Léa".to_owned()],
            jurors: vec![
                MinutesJuror {
                    name: "Marc LEROY".to_owned(),
                    days: "lundi 14 décembre 2026".to_owned(),
                    signed: "signé le vendredi 18 décembre 2026 à 9 h 05 — lien personnel".to_owned(),
                    signature: String::new(),
                },
                MinutesJuror {
                    name: "Sophie MARTY".to_owned(),
                    days: "lundi 14 décembre 2026".to_owned(),
                    signed: String::new(),
                    signature: String::new(),
                },
            ],
            validation: "Aucun résultat n'est communiqué à un candidat avant la validation officielle de la session par le service départemental.".to_owned(),
            validated: false,
            letter: vec![
                "Le jury vous a déclaré en réussite partielle au titre professionnel Agent de restauration : vous avez acquis CCP1 — Développer la partie front-end ; CCP2 — Développer la partie back-end reste à acquérir.".to_owned(),
                "Les certificats acquis le restent : ils figurent à votre livret de certificats de compétences professionnelles, que le service départemental vous adressera.".to_owned(),
                "Vous pouvez vous présenter de nouveau : 2 nouvelles présentations jusqu'au vendredi 31 décembre 2027. Contactez le centre pour vous inscrire à une prochaine session.".to_owned(),
            ],
        }),
        signed: Some(SignedRecords {
            welcome: vec![
                WelcomeLine {
                    name: "MARTIN Léa".to_owned(),
                    birth_date: "14/02/1990".to_owned(),
                    presence: "présente".to_owned(),
                    when: "accueillie le lundi 14 décembre 2026 à 8 h 42 par Claire Martin".to_owned(),
                    checks: "identité vérifiée, convocation et documents présentés".to_owned(),
                    signature: String::new(),
                },
                WelcomeLine {
                    name: "BERNARD Hugo".to_owned(),
                    birth_date: "03/07/1987".to_owned(),
                    presence: "absent".to_owned(),
                    when: String::new(),
                    checks: String::new(),
                    signature: String::new(),
                },
            ],
            attendance: vec![(
                "lundi 14 décembre 2026 — Mise en situation professionnelle".to_owned(),
                vec!["MARTIN Léa : présente".to_owned(), "BERNARD Hugo : absent".to_owned()],
            )],
            statement: jalon_core::jury::STATEMENT.to_owned(),
            statements: vec![StatementLine {
                name: "Marc LEROY".to_owned(),
                profession: "Chef de cuisine".to_owned(),
                days: "lundi 14 décembre 2026".to_owned(),
                links: "aucun lien déclaré".to_owned(),
                signed: "signée le lundi 14 décembre 2026 à 8 h 20 — sur la tablette du centre".to_owned(),
                signature: String::new(),
            }],
        }),
    }
}
