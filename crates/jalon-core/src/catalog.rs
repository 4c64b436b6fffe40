//! What a centre records once, as the regulation shapes it: a title's CCPs and épreuves (from
//! its référentiel d'évaluation), and the rules a site, a title and an approval (agrément)
//! must meet. Every problem is reported at once, in French, naming its field.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{Problem, fr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EpreuveKind {
    /// Mise en situation professionnelle.
    Practical,
    /// Entretien technique.
    TechnicalInterview,
    /// Questionnaire professionnel.
    Questionnaire,
    /// Entretien final, with the jury, always last.
    FinalInterview,
    /// Présentation d'un projet réalisé en amont de la session.
    ProjectPresentation,
    /// Questionnement à partir de productions.
    ProductionsQuestioning,
    #[default]
    Other,
}

impl EpreuveKind {
    pub const ALL: [EpreuveKind; 7] = [
        EpreuveKind::Practical,
        EpreuveKind::TechnicalInterview,
        EpreuveKind::Questionnaire,
        EpreuveKind::ProjectPresentation,
        EpreuveKind::ProductionsQuestioning,
        EpreuveKind::FinalInterview,
        EpreuveKind::Other,
    ];

    /// What the référentiel calls it.
    pub fn label(self) -> &'static str {
        match self {
            EpreuveKind::Practical => "mise en situation professionnelle",
            EpreuveKind::TechnicalInterview => "entretien technique",
            EpreuveKind::Questionnaire => "questionnaire professionnel",
            EpreuveKind::FinalInterview => "entretien final",
            EpreuveKind::ProjectPresentation => "présentation d'un projet réalisé en amont",
            EpreuveKind::ProductionsQuestioning => "questionnement à partir de productions",
            EpreuveKind::Other => "autre épreuve",
        }
    }

    /// Whether each candidate passes it alone in front of the jury, by default.
    pub fn individual_by_default(self) -> bool {
        matches!(
            self,
            EpreuveKind::TechnicalInterview
                | EpreuveKind::FinalInterview
                | EpreuveKind::ProjectPresentation
                | EpreuveKind::ProductionsQuestioning
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ccp {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Epreuve {
    pub name: String,
    pub kind: EpreuveKind,
    /// Duration in minutes: of the whole épreuve when it is collective, of each candidate's
    /// passage when it is individual.
    pub minutes: u32,
    /// Each candidate passes it alone in front of the jury (an entretien), one after another.
    #[serde(default)]
    pub individual: bool,
    /// How long the jury is present, when it differs from the épreuve's duration (minutes).
    #[serde(default)]
    pub jury_minutes: Option<u32>,
    /// The codes of the CCPs it evaluates.
    #[serde(default)]
    pub ccps: Vec<String>,
    /// Taken in a session for a CCP alone (not only for the whole title).
    #[serde(default = "yes")]
    pub in_ccp_session: bool,
}

fn yes() -> bool {
    true
}

impl Default for Epreuve {
    fn default() -> Epreuve {
        Epreuve {
            name: String::new(),
            kind: EpreuveKind::Other,
            minutes: 0,
            individual: false,
            jury_minutes: None,
            ccps: Vec::new(),
            in_ccp_session: true,
        }
    }
}

/// A room of a site, or its plateau technique with the equipment it holds: what a timetable
/// books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Room {
    pub name: String,
    /// A plateau technique (the mises en situation take place there), not a room.
    #[serde(default)]
    pub plateau: bool,
    /// What it holds, one line each (« bétonnière », « échafaudage roulant »).
    #[serde(default)]
    pub equipment: Vec<String>,
}

/// What is wrong with a site's rooms: a name each, none twice.
pub fn rooms_problems(rooms: &[Room]) -> Vec<Problem> {
    let mut errs = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (i, r) in rooms.iter().enumerate() {
        for text in std::iter::once(&r.name).chain(&r.equipment) {
            if let Some(p) = crate::text::problem(
                "rooms",
                text,
                crate::text::Rule {
                    shape: crate::text::Shape::Line,
                    max: 200,
                },
            ) {
                errs.push(Problem::new(
                    "rooms",
                    format!("salle n° {} : {}", i + 1, p.message),
                ));
            }
        }
        let key = crate::candidate::fold(&r.name);
        if key.is_empty() {
            errs.push(Problem::new(
                "rooms",
                format!("la salle n° {} n'a pas de nom", i + 1),
            ));
        } else if seen.contains(&key) {
            errs.push(Problem::new(
                "rooms",
                format!("« {} » figure deux fois parmi les salles", r.name.trim()),
            ));
        } else {
            seen.push(key);
        }
    }
    errs
}

/// A title's CCPs and its épreuves in order (from its référentiel d'évaluation).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TitleStructure {
    pub ccps: Vec<Ccp>,
    pub epreuves: Vec<Epreuve>,
    /// The most candidates one jury pair may evaluate in a day, when the title sets it.
    #[serde(default)]
    pub max_per_jury_day: Option<u32>,
    /// The driving licence category its jurors hold (« D »), for a transport title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// New presentations allowed and their delay, when the référentiel sets its own (a
    /// transport title must; the others follow the regulation's two within 12 months).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub represent: Option<crate::represent::RepresentRule>,
    /// The transmission delay its arrêté sets, when it differs from the seed's (48 h for a
    /// transport title, 5 days for the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmit: Option<crate::transmit::TransmitDelay>,
}

/// The longest collective épreuve (several days of mise en situation) and the longest
/// passage of one candidate, in minutes.
pub const MAX_EPREUVE_MINUTES: u32 = 60 * 60;
pub const MAX_PASSAGE_MINUTES: u32 = 8 * 60;

fn required(out: &mut Vec<Problem>, field: &str, value: &str, what: &str) {
    if value.trim().is_empty() {
        out.push(Problem::new(field, format!("{what} est obligatoire")));
    }
}

/// How a centre is reached: on its documents, and by the candidates who answer its emails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CentreSettings {
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub phone: String,
    /// The centre's contact address.
    #[serde(default)]
    pub email: String,
    /// Where candidates' replies go (a signed convocation returned); the contact address when
    /// empty.
    #[serde(default)]
    pub reply_to: String,
    /// How many years the personal data of a session's candidates and jurors is kept after
    /// its validation (or its last day) before it is anonymised (`jalon purge`); 5 unless
    /// the centre sets another. A form's text that is not a number reads as 0, refused by
    /// [`CentreSettings::problems`].
    #[serde(
        default = "default_retention_years",
        deserialize_with = "years_from_number_or_text"
    )]
    pub retention_years: u32,
}

fn default_retention_years() -> u32 {
    crate::privacy::DEFAULT_RETENTION_YEARS
}

/// A number (JSON) or a text (a form field); text that is not a number of years reads as 0,
/// which the checks refuse with a French message.
fn years_from_number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Years {
        Number(u64),
        Text(String),
    }
    Ok(match Years::deserialize(d)? {
        Years::Number(n) => u32::try_from(n).unwrap_or(0),
        Years::Text(t) => t.trim().parse().unwrap_or(0),
    })
}

impl Default for CentreSettings {
    fn default() -> CentreSettings {
        CentreSettings {
            name: String::new(),
            address: String::new(),
            postcode: String::new(),
            city: String::new(),
            phone: String::new(),
            email: String::new(),
            reply_to: String::new(),
            retention_years: default_retention_years(),
        }
    }
}

impl CentreSettings {
    /// The address candidates reply to, if any.
    pub fn reply_address(&self) -> Option<&str> {
        [self.reply_to.trim(), self.email.trim()]
            .into_iter()
            .find(|a| !a.is_empty())
    }

    /// How the centre is reached, on one line: « 12 rue des Métiers, 69007 Lyon — 04 72 00 00 00
    /// — contact@centre.fr », or empty.
    pub fn reach(&self) -> String {
        let town = [self.postcode.trim(), self.city.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let place = [self.address.trim(), town.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        [place.as_str(), self.phone.trim(), self.email.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" — ")
    }

    /// What is wrong with the settings as typed, every field at once.
    pub fn problems(&self) -> Vec<Problem> {
        let mut errs = crate::text::problems([
            ("name", self.name.as_str()),
            ("address", &self.address),
            ("postcode", &self.postcode),
            ("city", &self.city),
            ("phone", &self.phone),
            ("email", &self.email),
            ("reply_to", &self.reply_to),
        ]);
        required(&mut errs, "name", &self.name, "le nom du centre");
        let pc = self.postcode.trim();
        if !pc.is_empty() && (pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit())) {
            errs.push(Problem::new(
                "postcode",
                format!("« {pc} » n'est pas un code postal (5 chiffres)"),
            ));
        }
        if !self.phone.trim().is_empty() && !crate::candidate::valid_phone(&self.phone) {
            errs.push(Problem::new(
                "phone",
                format!("« {} » n'est pas un numéro de téléphone", self.phone.trim()),
            ));
        }
        for (field, value) in [("email", &self.email), ("reply_to", &self.reply_to)] {
            if !value.trim().is_empty() && !crate::candidate::valid_email(value) {
                errs.push(Problem::new(
                    field,
                    format!(
                        "« {} » n'est pas une adresse électronique valide",
                        value.trim()
                    ),
                ));
            }
        }
        errs.extend(crate::privacy::retention_problem(self.retention_years));
        errs
    }
}

/// What is wrong with a site as typed.
pub fn site_problems(name: &str, address: &str, postcode: &str, city: &str) -> Vec<Problem> {
    let mut errs = crate::text::problems([("name", name), ("address", address), ("city", city)]);
    required(&mut errs, "name", name, "le nom du site");
    required(&mut errs, "address", address, "l'adresse");
    required(&mut errs, "city", city, "la commune");
    let pc = postcode.trim();
    if pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit()) {
        errs.push(Problem::new(
            "postcode",
            format!("« {pc} » n'est pas un code postal (5 chiffres, par exemple 67000)"),
        ));
    }
    errs
}

/// What is wrong with a title as typed: its RNCP code, its name, its CCPs and its épreuves
/// (the entretien final once, last).
pub fn title_problems(rncp_code: &str, name: &str, s: &TitleStructure) -> Vec<Problem> {
    let mut errs = Vec::new();
    let code = rncp_code.trim();
    let digits = code.strip_prefix("RNCP").unwrap_or(code);
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        errs.push(Problem::new(
            "rncp_code",
            format!("« {code} » n'est pas un code RNCP (par exemple RNCP37674)"),
        ));
    }
    required(&mut errs, "name", name, "l'intitulé du titre");
    errs.extend(crate::text::problems([("name", name)]));
    for (i, c) in s.ccps.iter().enumerate() {
        errs.extend(crate::text::problems([
            (
                format!("structure.ccps[{}].code", i + 1).as_str(),
                c.code.as_str(),
            ),
            (
                format!("structure.ccps[{}].name", i + 1).as_str(),
                c.name.as_str(),
            ),
        ]));
        if c.name.trim().is_empty() || c.code.trim().is_empty() {
            errs.push(Problem::new(
                format!("structure.ccps[{}]", i + 1),
                "un CCP a besoin d'un code et d'un intitulé",
            ));
        }
    }
    for (i, e) in s.epreuves.iter().enumerate() {
        let field = format!("structure.epreuves[{}]", i + 1);
        errs.extend(crate::text::problems([(
            format!("{field}.name").as_str(),
            e.name.as_str(),
        )]));
        if e.name.trim().is_empty() {
            errs.push(Problem::new(&field, "une épreuve a besoin d'un intitulé"));
        }
        let max = if e.individual {
            MAX_PASSAGE_MINUTES
        } else {
            MAX_EPREUVE_MINUTES
        };
        if e.minutes == 0 || e.minutes > max {
            errs.push(Problem::new(
                &field,
                format!(
                    "{} : durée de {} minutes invalide (entre 1 et {max}{})",
                    e.name.trim(),
                    e.minutes,
                    if e.individual {
                        " pour le passage d'un candidat"
                    } else {
                        ""
                    }
                ),
            ));
        }
        for code in e
            .ccps
            .iter()
            .filter(|c| !s.ccps.iter().any(|x| x.code == **c))
        {
            errs.push(Problem::new(
                &field,
                format!(
                    "{} évalue « {code} », que le titre n'a pas parmi ses CCP",
                    e.name.trim()
                ),
            ));
        }
    }
    if s.max_per_jury_day == Some(0) {
        errs.push(Problem::new(
            "structure.max_per_jury_day",
            "le nombre de candidats par jury et par jour doit être d'au moins 1 (ou laissé vide)",
        ));
    }
    let finals = s
        .epreuves
        .iter()
        .filter(|e| e.kind == EpreuveKind::FinalInterview)
        .count();
    if !s.epreuves.is_empty()
        && (finals != 1 || s.epreuves.last().map(|e| e.kind) != Some(EpreuveKind::FinalInterview))
    {
        errs.push(Problem::new(
            "structure.epreuves",
            "l'entretien final doit figurer une fois, en dernière épreuve",
        ));
    }
    errs
}

/// A title's code as stored: « RNCP » and its digits.
pub fn rncp_code(typed: &str) -> String {
    let code = typed.trim().to_uppercase();
    if code.starts_with("RNCP") {
        code
    } else {
        format!("RNCP{code}")
    }
}

/// What is wrong with an approval as typed: its number, its period, and a period that would
/// outlast its title (`title_expiry`, when the title is known).
pub fn approval_problems(
    number: &str,
    valid_from: Date,
    valid_until: Date,
    title_expiry: Option<Date>,
) -> Vec<Problem> {
    let mut errs = crate::text::problems([("number", number)]);
    errs.extend(crate::text::date_problem(
        "valid_from",
        "le début de validité",
        valid_from,
    ));
    errs.extend(crate::text::date_problem(
        "valid_until",
        "la fin de validité",
        valid_until,
    ));
    required(&mut errs, "number", number, "le numéro d'agrément");
    if valid_until < valid_from {
        errs.push(Problem::new(
            "valid_until",
            format!(
                "la fin de validité ({}) précède son début ({})",
                fr::long_date(valid_until),
                fr::long_date(valid_from)
            ),
        ));
    }
    if let Some(expiry) = title_expiry
        && valid_until > expiry
    {
        errs.push(Problem::new(
            "valid_until",
            format!(
                "un agrément ne peut pas durer au-delà de l'échéance du titre ({})",
                fr::long_date(expiry)
            ),
        ));
    }
    errs
}

/// An approval held by sessions keeps its title and site: `used` sessions are held under it.
pub fn approval_move_problem(used: i64, title_changed: bool) -> Option<Problem> {
    (used > 0).then(|| {
        Problem::new(
            if title_changed { "title_id" } else { "site_id" },
            format!(
                "{used} session{s} {verb} sous cet agrément : son titre et son site ne changent plus \
                 (créez un nouvel agrément)",
                s = if used > 1 { "s" } else { "" },
                verb = if used > 1 { "sont tenues" } else { "est tenue" },
            ),
        )
    })
}

/// A session's approval must be for its title and on its site.
pub fn approval_fit_problems(same_title: bool, same_site: bool) -> Vec<Problem> {
    let mut errs = Vec::new();
    if !same_title {
        errs.push(Problem::new(
            "approval_id",
            "cet agrément porte sur un autre titre",
        ));
    }
    if !same_site {
        errs.push(Problem::new(
            "approval_id",
            "cet agrément porte sur un autre site",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_centre_is_named_and_reached_at_valid_addresses() {
        let mut c = CentreSettings {
            name: "Centre de formation Les Tilleuls".into(),
            ..CentreSettings::default()
        };
        assert!(c.problems().is_empty());
        assert_eq!(c.reply_address(), None);
        c.email = "contact@tilleuls.fr".into();
        assert_eq!(c.reply_address(), Some("contact@tilleuls.fr"));
        c.reply_to = "examens@tilleuls.fr".into();
        assert_eq!(c.reply_address(), Some("examens@tilleuls.fr"));
        c.city = "Lyon".into();
        c.phone = "04 72 00 00 00".into();
        assert_eq!(c.reach(), "Lyon — 04 72 00 00 00 — contact@tilleuls.fr");
        c.address = "12 rue des Métiers".into();
        c.postcode = "69007".into();
        assert_eq!(
            c.reach(),
            "12 rue des Métiers, 69007 Lyon — 04 72 00 00 00 — contact@tilleuls.fr"
        );
        c.name = " ".into();
        c.postcode = "6900".into();
        c.reply_to = "examens@".into();
        let fields: Vec<String> = c.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "postcode", "reply_to"]);
        c.retention_years = 0;
        let fields: Vec<String> = c.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "postcode", "reply_to", "retention_years"]);
    }

    #[test]
    fn the_retention_period_reads_from_json_and_forms_and_defaults_to_five_years() {
        let json: CentreSettings = serde_json::from_str(r#"{"name": "C"}"#).unwrap();
        assert_eq!(json.retention_years, 5);
        let json: CentreSettings =
            serde_json::from_str(r#"{"name": "C", "retention_years": 10}"#).unwrap();
        assert_eq!(json.retention_years, 10);
        let typed: CentreSettings =
            serde_json::from_str(r#"{"name": "C", "retention_years": " 7 "}"#).unwrap();
        assert_eq!(typed.retention_years, 7);
        let wrong: CentreSettings =
            serde_json::from_str(r#"{"name": "C", "retention_years": "cinq"}"#).unwrap();
        assert_eq!(wrong.retention_years, 0);
        assert_eq!(wrong.problems()[0].field, "retention_years");
        assert_eq!(CentreSettings::default().retention_years, 5);
    }

    use super::*;
    use jiff::civil::date;

    fn epreuve(name: &str, kind: EpreuveKind, minutes: u32) -> Epreuve {
        Epreuve {
            name: name.to_owned(),
            kind,
            minutes,
            ..Epreuve::default()
        }
    }

    #[test]
    fn a_site_needs_its_address_and_a_postcode_of_five_digits() {
        assert!(site_problems("Lyon Gerland", "1 rue", "69007", "Lyon").is_empty());
        let p = site_problems(" ", "", "6900", "Lyon");
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["name", "address", "postcode"]);
        assert!(p[2].message.contains("« 6900 » n'est pas un code postal"));
    }

    #[test]
    fn a_sites_rooms_have_a_name_each_and_none_twice() {
        let room = |n: &str| Room {
            name: n.into(),
            plateau: false,
            equipment: Vec::new(),
        };
        assert!(rooms_problems(&[room("Salle 1"), room("Salle 2")]).is_empty());
        let p = rooms_problems(&[room("Salle 1"), room(" "), room("salle 1")]);
        let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "la salle n° 2 n'a pas de nom",
                "« salle 1 » figure deux fois parmi les salles"
            ]
        );
    }

    #[test]
    fn a_title_has_a_code_ccps_named_and_its_final_interview_last() {
        let good = TitleStructure {
            ccps: vec![Ccp {
                code: "CCP1".into(),
                name: "Concevoir".into(),
            }],
            epreuves: vec![
                epreuve("Mise en situation", EpreuveKind::Practical, 240),
                epreuve("Entretien final", EpreuveKind::FinalInterview, 20),
            ],
            max_per_jury_day: None,
            licence: None,
            represent: None,
            transmit: None,
        };
        assert!(title_problems("RNCP37674", "Développeur web", &good).is_empty());
        assert_eq!(rncp_code(" 37674 "), "RNCP37674");
        let mut bad = good.clone();
        bad.epreuves.reverse();
        bad.epreuves[1].minutes = 0;
        let p = title_problems("RNCP-1", "", &bad);
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "rncp_code",
                "name",
                "structure.epreuves[2]",
                "structure.epreuves"
            ]
        );
        assert!(
            p[3].message
                .contains("l'entretien final doit figurer une fois")
        );
        // Several days of mise en situation, but not a week of entretien; the CCPs an
        // épreuve evaluates are the title's; a cap of candidates per jury is 1 at least.
        let mut long = good.clone();
        long.epreuves[0].minutes = 21 * 60;
        assert!(title_problems("RNCP35309", "Maçon", &long).is_empty());
        long.epreuves[0].individual = true;
        long.epreuves[0].ccps = vec!["CCP1".into(), "CCP4".into()];
        long.max_per_jury_day = Some(0);
        let p = title_problems("RNCP35309", "Maçon", &long);
        let messages: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Mise en situation : durée de 1260 minutes invalide (entre 1 et 480 pour le passage d'un candidat)",
                "Mise en situation évalue « CCP4 », que le titre n'a pas parmi ses CCP",
                "le nombre de candidats par jury et par jour doit être d'au moins 1 (ou laissé vide)",
            ]
        );
    }

    #[test]
    fn an_approval_never_outlasts_its_title_nor_moves_under_its_sessions() {
        let (from, until) = (date(2025, 1, 1), date(2029, 12, 31));
        assert!(approval_problems("A1", from, until, Some(date(2030, 1, 1))).is_empty());
        let p = approval_problems("", until, from, Some(date(2024, 6, 1)));
        assert_eq!(p.len(), 3);
        assert!(p[2].message.contains("au-delà de l'échéance du titre"));
        assert_eq!(approval_move_problem(0, true), None);
        let p = approval_move_problem(2, false).unwrap();
        assert_eq!(p.field, "site_id");
        assert!(
            p.message
                .starts_with("2 sessions sont tenues sous cet agrément")
        );
        assert_eq!(approval_fit_problems(true, true), []);
        assert_eq!(approval_fit_problems(false, false).len(), 2);
    }
}
