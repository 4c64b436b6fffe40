//! A candidate as a session manager registers them, and the checks on what is typed or
//! imported: every problem in French, naming the field.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::fr;
use crate::timetable::Extra;

/// How the candidate comes to the exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessRoute {
    /// At the end of a training course.
    #[default]
    Training,
    /// Validation des acquis de l'expérience.
    Vae,
    /// Apprenticeship.
    Apprenticeship,
}

impl AccessRoute {
    pub const ALL: [AccessRoute; 3] = [
        AccessRoute::Training,
        AccessRoute::Vae,
        AccessRoute::Apprenticeship,
    ];

    /// Its stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessRoute::Training => "training",
            AccessRoute::Vae => "vae",
            AccessRoute::Apprenticeship => "apprenticeship",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AccessRoute::Training => "formation",
            AccessRoute::Vae => "VAE",
            AccessRoute::Apprenticeship => "apprentissage",
        }
    }

    /// Reads the words centres use: « formation », « VAE », « apprentissage »…
    pub fn parse(text: &str) -> Option<AccessRoute> {
        match crate::candidate::fold(text).as_str() {
            "" | "formation" | "training" | "parcours de formation" | "formation continue" => {
                Some(AccessRoute::Training)
            }
            "vae" | "validation des acquis de l experience" => Some(AccessRoute::Vae),
            "apprentissage" | "apprenti" | "alternance" | "apprenticeship" => {
                Some(AccessRoute::Apprenticeship)
            }
            _ => None,
        }
    }
}

/// What is known of a candidate when registering them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateInput {
    pub last_name: String,
    pub first_names: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub birth_date: Option<Date>,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub access_route: AccessRoute,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub training_end: Option<Date>,
    /// « Parcours de capitalisation » : every CCP of the title already acquired; in a session
    /// of the full title, the candidate takes the entretien final alone.
    #[serde(default)]
    pub capitalisation: bool,
    /// The accommodation granted for a disability, if any: what, by whom, how it is planned.
    #[serde(default)]
    pub accommodation: String,
    #[serde(default)]
    pub accommodation_granted_by: String,
    #[serde(default)]
    pub accommodation_plan: String,
    /// « Madame », « Monsieur », or empty when not given.
    #[serde(default)]
    pub civility: String,
    /// Extra time granted with the accommodation: minutes, or a share of each épreuve.
    #[serde(default)]
    pub extra_time: Option<Extra>,
    /// The épreuves the extra time applies to, by name; every épreuve when empty.
    #[serde(default)]
    pub extra_time_epreuves: Vec<String>,
    /// The reference of the departmental service's decision on the accommodation.
    #[serde(default)]
    pub accommodation_reference: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub accommodation_decided_on: Option<Date>,
    /// When the accommodation was asked of the departmental service.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub accommodation_requested_on: Option<Date>,
    /// Their employer, and its SIRET: a juror of the same company may not assess them.
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub employer_siret: String,
    /// The organisation that trained them, and its SIRET (likewise for its staff).
    #[serde(default)]
    pub trained_by: String,
    #[serde(default)]
    pub trained_by_siret: String,
}

/// Where a candidate's accommodation request stands: its words, and whether it is late.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestState {
    pub text: String,
    pub late: bool,
}

impl CandidateInput {
    /// Where the request of this candidate's accommodation to the departmental service
    /// stands, against the day it is `due` (the rulebook's); `None` without an accommodation.
    pub fn accommodation_request(&self, due: Option<Date>, today: Date) -> Option<RequestState> {
        if self.accommodation.trim().is_empty() {
            return None;
        }
        let by = |d: Date| format!("au plus tard le {}", fr::long_date(d));
        Some(match (self.accommodation_requested_on, due) {
            (Some(on), Some(due)) if on > due => RequestState {
                text: format!(
                    "demande d'aménagement faite le {}, après la date limite du {}",
                    fr::long_date(on),
                    fr::long_date(due)
                ),
                late: true,
            },
            (Some(on), _) => RequestState {
                text: format!("demande d'aménagement faite le {}", fr::long_date(on)),
                late: false,
            },
            (None, Some(due)) if today > due => RequestState {
                text: format!("demande d'aménagement en retard : à faire {}", by(due)),
                late: true,
            },
            (None, Some(due)) => RequestState {
                text: format!("demande d'aménagement à faire {}", by(due)),
                late: false,
            },
            (None, None) => RequestState {
                text: "demande d'aménagement à faire".to_owned(),
                late: false,
            },
        })
    }

    /// The minutes added to `epreuve` (of `minutes`) for this candidate.
    pub fn extra_minutes(&self, epreuve: &str, minutes: u32) -> u32 {
        match self.extra_time {
            Some(extra)
                if self.extra_time_epreuves.is_empty()
                    || self.extra_time_epreuves.iter().any(|e| e == epreuve) =>
            {
                extra.added_to(minutes)
            }
            _ => 0,
        }
    }
}

/// The civilities a convocation may use.
pub const CIVILITIES: [&str; 2] = ["Madame", "Monsieur"];

/// A name as the civil status writes it: letters (any alphabet, with their accents), spaces,
/// hyphens, apostrophes, full stops and the commas between first names (« Anne, Marie »);
/// no markup, no emoji, no digits.
pub fn civil_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.' | ','))
}

/// What is wrong with recording a withdrawal (« désistement ») : no reason, a day to come,
/// a candidate already withdrawn.
pub fn withdrawal_problems(
    on: Date,
    reason: &str,
    today: Date,
    already: Option<Date>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some(d) = already {
        out.push(Problem::new(
            "candidate",
            format!("ce candidat s'est déjà désisté le {}", fr::long_date(d)),
        ));
    }
    if on > today {
        out.push(Problem::new(
            "on",
            format!(
                "la date du désistement ({}) ne peut pas être dans le futur",
                fr::long_date(on)
            ),
        ));
    }
    if reason.trim().is_empty() {
        out.push(Problem::new(
            "reason",
            "indiquez le motif du désistement (courrier, appel, courriel du candidat…)",
        ));
    } else if reason.trim().chars().count() > 1000 {
        out.push(Problem::new(
            "reason",
            "motif trop long : 1\u{202f}000 caractères au plus",
        ));
    }
    out
}

pub use crate::Problem;

/// Whether a candidate came on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// Not yet welcomed.
    #[default]
    Expected,
    Present,
    Absent,
}

impl Presence {
    pub const ALL: [Presence; 3] = [Presence::Expected, Presence::Present, Presence::Absent];

    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Expected => "expected",
            Presence::Present => "present",
            Presence::Absent => "absent",
        }
    }

    pub fn parse(s: &str) -> Option<Presence> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Lowercase, without accents, punctuation turned into single spaces: how headers and
/// names are compared (their [`crate::text::skeleton`], so that invisible characters and
/// look-alike letters of other alphabets do not make a second person).
pub fn fold(text: &str) -> String {
    crate::text::skeleton(text)
}

pub fn valid_email(email: &str) -> bool {
    let e = email.trim();
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !e.contains(char::is_whitespace)
                && e.matches('@').count() == 1
        }
        None => false,
    }
}

/// A French or international phone number: digits, spaces, dots, dashes, parentheses and a
/// leading +, with 9 to 15 digits.
pub fn valid_phone(phone: &str) -> bool {
    let p = phone.trim();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (9..=15).contains(&digits)
        && p.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')') || (c == '+' && i == 0)
        })
}

impl CandidateInput {
    /// Every problem of the candidate, in the order of the fields; `today` bounds the
    /// birth date.
    pub fn problems(&self, today: Date) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut push = |field: &str, message: String| out.push(Problem::new(field, message));
        if self.last_name.trim().is_empty() {
            push("last_name", "le nom est obligatoire".to_owned());
        } else if !civil_name(self.last_name.trim()) {
            push(
                "last_name",
                format!(
                    "« {} » n'est pas un nom d'état civil : lettres, espaces, traits d'union et apostrophes seulement",
                    self.last_name.trim()
                ),
            );
        }
        if self.first_names.trim().is_empty() {
            push("first_names", "le prénom est obligatoire".to_owned());
        } else if !civil_name(self.first_names.trim()) {
            push(
                "first_names",
                format!(
                    "« {} » n'est pas un prénom d'état civil : lettres, espaces, traits d'union et apostrophes seulement",
                    self.first_names.trim()
                ),
            );
        }
        if !self.civility.is_empty() && !CIVILITIES.contains(&self.civility.as_str()) {
            push(
                "civility",
                format!(
                    "civilité « {} » inconnue : Madame, Monsieur, ou rien",
                    self.civility
                ),
            );
        }
        match self.birth_date {
            None => push(
                "birth_date",
                "la date de naissance est obligatoire".to_owned(),
            ),
            Some(d) => {
                let age = today.year() - d.year();
                if d >= today || age < 14 {
                    push(
                        "birth_date",
                        format!(
                            "date de naissance invraisemblable : {} (un candidat a au moins 14 ans)",
                            fr::short_date(d)
                        ),
                    );
                } else if age > 100 {
                    push(
                        "birth_date",
                        format!("date de naissance invraisemblable : {}", fr::short_date(d)),
                    );
                }
            }
        }
        if !self.email.trim().is_empty() && !valid_email(&self.email) {
            push(
                "email",
                format!(
                    "« {} » n'est pas une adresse électronique valide",
                    self.email.trim()
                ),
            );
        }
        if !self.phone.trim().is_empty() && !valid_phone(&self.phone) {
            push(
                "phone",
                format!("« {} » n'est pas un numéro de téléphone", self.phone.trim()),
            );
        }
        let pc = self.postcode.trim();
        if !pc.is_empty() && (pc.len() != 5 || !pc.bytes().all(|b| b.is_ascii_digit())) {
            push(
                "postcode",
                format!("« {pc} » n'est pas un code postal (5 chiffres)"),
            );
        }
        for (field, value) in [
            ("employer_siret", &self.employer_siret),
            ("trained_by_siret", &self.trained_by_siret),
        ] {
            if let Some(p) = crate::jury::siret_problem(field, value) {
                push(field, p.message);
            }
        }
        let has_accommodation = !self.accommodation.trim().is_empty();
        if let Some(extra) = self.extra_time {
            if !has_accommodation {
                push(
                    "extra_time",
                    "le temps supplémentaire fait partie d'un aménagement : décrivez l'aménagement accordé".to_owned(),
                );
            }
            if let Some(problem) = extra.problem() {
                push("extra_time", problem);
            }
        }
        if let (Some(asked), Some(decided)) = (
            self.accommodation_requested_on,
            self.accommodation_decided_on,
        ) && asked > decided
        {
            push(
                "accommodation_requested_on",
                format!(
                    "la demande d'aménagement ({}) ne peut pas suivre la décision ({})",
                    fr::long_date(asked),
                    fr::long_date(decided)
                ),
            );
        }
        for (field, what, day) in [
            (
                "accommodation_requested_on",
                "la demande d'aménagement",
                self.accommodation_requested_on,
            ),
            (
                "accommodation_decided_on",
                "la décision d'aménagement",
                self.accommodation_decided_on,
            ),
        ] {
            if let Some(d) = day.filter(|d| *d > today) {
                push(
                    field,
                    format!("{what} est datée du {}, dans le futur", fr::long_date(d)),
                );
            }
        }
        if !has_accommodation
            && (!self.accommodation_granted_by.trim().is_empty()
                || !self.accommodation_plan.trim().is_empty())
        {
            push(
                "accommodation",
                "décrivez l'aménagement accordé (son organisme et sa mise en œuvre sont indiqués)"
                    .to_owned(),
            );
        }
        for (field, what, value, max) in [
            ("last_name", "nom", &self.last_name, 100),
            ("first_names", "prénom(s)", &self.first_names, 150),
            ("address", "adresse", &self.address, 300),
            ("city", "ville", &self.city, 100),
            ("accommodation", "aménagement", &self.accommodation, 2000),
            (
                "accommodation_plan",
                "mise en œuvre de l'aménagement",
                &self.accommodation_plan,
                2000,
            ),
        ] {
            if value.chars().count() > max {
                push(
                    field,
                    format!(
                        "{what} : {} caractères au plus",
                        crate::fr::integer(max as u64)
                    ),
                );
            }
        }
        out.extend(crate::text::character_problems([
            ("last_name", self.last_name.as_str()),
            ("first_names", &self.first_names),
            ("email", &self.email),
            ("phone", &self.phone),
            ("address", &self.address),
            ("postcode", &self.postcode),
            ("city", &self.city),
            ("accommodation", &self.accommodation),
            ("accommodation_granted_by", &self.accommodation_granted_by),
            ("accommodation_plan", &self.accommodation_plan),
            ("civility", &self.civility),
        ]));
        out
    }

    /// Who this is, for finding the same person twice: folded names and birth date.
    pub fn identity(&self) -> (String, String, Option<Date>) {
        (
            fold(&self.last_name),
            fold(&self.first_names),
            self.birth_date,
        )
    }

    /// The identity as stored, to find the same person twice: folded names and birth date.
    pub fn identity_key(&self) -> String {
        let (last, first, born) = self.identity();
        format!(
            "{last}|{first}|{}",
            born.map(|d| d.to_string()).unwrap_or_default()
        )
    }

    /// « DUPONT Jean », as the timetable and the jury name them.
    pub fn short_name(&self) -> String {
        format!(
            "{} {}",
            self.last_name.trim().to_uppercase(),
            self.first_names.trim()
        )
    }

    /// What the jury's links need of them: their employer's and training organisation's
    /// SIRET, and whether the centre trained them (after a training course or an
    /// apprenticeship, no other organisation named).
    pub fn ties(&self, id: &str) -> crate::jury::CandidateTies {
        crate::jury::CandidateTies {
            id: id.to_owned(),
            name: self.short_name(),
            employer_siret: crate::jury::siret(&self.employer_siret),
            trained_by_siret: crate::jury::siret(&self.trained_by_siret),
            trained_by_centre: self.access_route != AccessRoute::Vae
                && self.trained_by.trim().is_empty()
                && self.trained_by_siret.trim().is_empty(),
        }
    }

    /// « DUPONT Jean, né le 01/02/1990 » (« née » for Madame, « né(e) » without a civility).
    pub fn display(&self) -> String {
        let born = self
            .birth_date
            .map(|d| {
                format!(
                    ", {} le {}",
                    fr::agreed(&self.civility, "né", "née", "né(e)"),
                    fr::short_date(d)
                )
            })
            .unwrap_or_default();
        format!(
            "{} {}{born}",
            self.last_name.trim().to_uppercase(),
            self.first_names.trim()
        )
    }
}

/// Candidates given at once that are already registered (`registered`: their identity
/// keys) or given twice: one problem each, on `candidates[n]` (the n-th given).
pub fn duplicate_problems(
    registered: &std::collections::HashSet<String>,
    candidates: &[CandidateInput],
) -> Vec<Problem> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let key = c.identity_key();
        let field = format!("candidates[{}]", i + 1);
        if registered.contains(&key) {
            out.push(Problem::new(
                field,
                format!(
                    "{} est déjà {} à cette session",
                    c.display(),
                    fr::agreed(&c.civility, "inscrit", "inscrite", "inscrit(e)")
                ),
            ));
        } else if !seen.insert(key) {
            out.push(Problem::new(
                field,
                format!("{} figure deux fois", c.display()),
            ));
        }
    }
    out
}

/// A candidate marked absent does not sign.
pub fn signature_problem(present: bool) -> Option<Problem> {
    (!present).then(|| {
        Problem::new(
            "signature",
            "un candidat absent ne signe pas : marquez-le présent",
        )
    })
}

/// A candidate is welcomed on the session's days, not before its first day.
pub fn welcome_day_problem(today: Date, start: Date) -> Option<Problem> {
    (today < start).then(|| {
        Problem::new(
            "presence",
            format!(
                "l'accueil des candidats se fait le jour de la session : pas avant le {}",
                crate::fr::long_date(start)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn jean() -> CandidateInput {
        CandidateInput {
            last_name: "Dupont".into(),
            first_names: "Jean".into(),
            birth_date: Some(date(1990, 2, 1)),
            email: "jean.dupont@exemple.fr".into(),
            ..Default::default()
        }
    }

    #[test]
    fn extra_time_comes_with_an_accommodation_and_applies_to_its_epreuves() {
        let today = date(2026, 11, 28);
        let mut c = jean();
        c.extra_time = Some(Extra::Share(1, 3));
        let p = c.problems(today);
        assert_eq!(p[0].field, "extra_time");
        assert!(p[0].message.contains("décrivez l'aménagement accordé"));
        c.accommodation = "Tiers-temps".into();
        c.accommodation_requested_on = Some(date(2026, 10, 2));
        c.accommodation_decided_on = Some(date(2026, 10, 20));
        assert!(c.problems(today).is_empty());
        assert_eq!(
            c.extra_minutes("Mise en situation professionnelle", 1260),
            420
        );
        c.extra_time_epreuves = vec!["Questionnaire professionnel".into()];
        assert_eq!(
            c.extra_minutes("Mise en situation professionnelle", 1260),
            0
        );
        assert_eq!(c.extra_minutes("Questionnaire professionnel", 90), 30);
        // A request after its decision, a decision in the future, a share over the whole.
        c.accommodation_requested_on = Some(date(2026, 10, 25));
        c.accommodation_decided_on = Some(date(2026, 12, 1));
        c.extra_time = Some(Extra::Share(3, 2));
        let fields: Vec<String> = c.problems(today).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["extra_time", "accommodation_decided_on"]);
        c.accommodation_decided_on = Some(date(2026, 10, 20));
        let p = c.problems(today);
        assert!(p.iter().any(|p| p.field == "accommodation_requested_on"
            && p.message.contains("ne peut pas suivre la décision")));
    }

    #[test]
    fn an_accommodation_request_is_due_before_the_session_and_said_late() {
        let mut c = jean();
        let due = Some(date(2027, 1, 29));
        assert_eq!(
            c.accommodation_request(due, date(2027, 1, 2)),
            None,
            "no accommodation"
        );
        c.accommodation = "Tiers-temps".into();
        let state = |c: &CandidateInput, today| c.accommodation_request(due, today).unwrap();
        assert_eq!(
            state(&c, date(2027, 1, 2)).text,
            "demande d'aménagement à faire au plus tard le vendredi 29 janvier 2027"
        );
        assert!(state(&c, date(2027, 2, 1)).late);
        c.accommodation_requested_on = Some(date(2027, 1, 20));
        assert_eq!(
            state(&c, date(2027, 2, 1)),
            RequestState {
                text: "demande d'aménagement faite le mercredi 20 janvier 2027".into(),
                late: false
            }
        );
        c.accommodation_requested_on = Some(date(2027, 2, 3));
        assert!(
            state(&c, date(2027, 2, 5))
                .text
                .ends_with("après la date limite du vendredi 29 janvier 2027")
        );
    }

    #[test]
    fn the_candidates_employer_and_training_organisation_have_a_siret_of_14_digits() {
        let mut c = jean();
        c.employer = "Bâtir Lyon".into();
        c.employer_siret = "482 137 956 00017".into();
        c.trained_by_siret = "7392".into();
        let p = c.problems(date(2026, 11, 28));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].field, "trained_by_siret");
        assert_eq!(p[0].message, "« 7392 » n'est pas un SIRET (14 chiffres)");
    }

    #[test]
    fn a_complete_candidate_has_no_problem() {
        assert!(jean().problems(date(2026, 11, 28)).is_empty());
        assert_eq!(jean().display(), "DUPONT Jean, né(e) le 01/02/1990");
    }

    #[test]
    fn problems_name_their_field_in_french() {
        let c = CandidateInput {
            last_name: " ".into(),
            birth_date: Some(date(2020, 1, 1)),
            email: "jean@".into(),
            phone: "12".into(),
            postcode: "7500".into(),
            accommodation_plan: "tiers temps".into(),
            ..jean()
        };
        let p = c.problems(date(2026, 11, 28));
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "last_name",
                "birth_date",
                "email",
                "phone",
                "postcode",
                "accommodation"
            ]
        );
        assert_eq!(
            p[2].message,
            "« jean@ » n'est pas une adresse électronique valide"
        );
    }

    #[test]
    fn names_fold_for_comparison() {
        assert_eq!(fold("  Prénom(s) "), "prenom s");
        assert_eq!(fold("Date de naissance"), "date de naissance");
        assert_eq!(fold("COURRIEL"), "courriel");
        assert_eq!(fold("Héloïse-Anaïs"), "heloise anais");
        assert_eq!(fold("LE CŒUR Lætitia"), "le coeur laetitia");
        let mut other = jean();
        other.last_name = "DUPONT ".into();
        assert_eq!(other.identity(), jean().identity());
    }

    #[test]
    fn emails_and_phones() {
        for ok in ["a@b.fr", "jean.dupont+tp@exemple.co.uk"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["a@b", "@b.fr", "a b@c.fr", "a@@b.fr", "a@b..fr", "a@.fr"] {
            assert!(!valid_email(bad), "{bad}");
        }
        for ok in [
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "06.12.34.56.78",
            "(0)6-12-34-56-78",
        ] {
            assert!(valid_phone(ok), "{ok}");
        }
        for bad in ["12", "06 12 34 56 78 ext", "+33+6"] {
            assert!(!valid_phone(bad), "{bad}");
        }
        assert_eq!(
            AccessRoute::parse("Validation des acquis de l'expérience"),
            Some(AccessRoute::Vae)
        );
        assert_eq!(
            AccessRoute::parse("Apprentissage"),
            Some(AccessRoute::Apprenticeship)
        );
        assert_eq!(AccessRoute::parse("stage"), None);
    }

    #[test]
    fn the_same_person_is_refused_when_registered_or_given_twice() {
        let person = |last: &str, first: &str| CandidateInput {
            last_name: last.into(),
            first_names: first.into(),
            birth_date: Some(date(1990, 2, 1)),
            ..Default::default()
        };
        let registered: std::collections::HashSet<String> =
            [person("Durand", "Léa").identity_key()].into();
        let given = [
            person("DURAND", "Lea"),
            person("Martin", "Anne"),
            person("martin", "anne"),
        ];
        let p = duplicate_problems(&registered, &given);
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].field, "candidates[1]");
        assert_eq!(
            p[0].message,
            "DURAND Lea, né(e) le 01/02/1990 est déjà inscrit(e) à cette session"
        );
        // With a civility, the words agree with it.
        let lea = CandidateInput {
            civility: "Madame".into(),
            ..person("Durand", "Léa")
        };
        assert_eq!(
            duplicate_problems(&registered, &[lea])[0].message,
            "DURAND Léa, née le 01/02/1990 est déjà inscrite à cette session"
        );
        let jean = CandidateInput {
            civility: "Monsieur".into(),
            ..jean()
        };
        assert_eq!(jean.display(), "DUPONT Jean, né le 01/02/1990");
        assert_eq!(p[1].field, "candidates[3]");
        assert!(
            p[1].message.ends_with("figure deux fois"),
            "{}",
            p[1].message
        );
        assert!(signature_problem(false).is_some());
        assert_eq!(signature_problem(true), None);
    }

    #[test]
    fn names_are_civil_status_names() {
        let today = jiff::civil::date(2026, 11, 28);
        let mut c = jean();
        c.last_name = "Durand 🎓".into();
        c.first_names = "<b>Léa</b>".into();
        let p = c.problems(today);
        assert_eq!(
            p[0].message,
            "« Durand 🎓 » n'est pas un nom d'état civil : lettres, espaces, traits d'union et apostrophes seulement"
        );
        assert_eq!(p[1].field, "first_names");
        for ok in [
            "N'Diaye",
            "Le Cœur",
            "Saint-Exupéry",
            "O’Brien",
            "Nguyễn",
            "Müller",
        ] {
            c.last_name = ok.into();
            c.first_names = "Jean-Marie".into();
            assert!(c.problems(today).is_empty(), "{ok}");
        }
        c.civility = "Mlle".into();
        assert_eq!(c.problems(today)[0].field, "civility");
        c.civility = "Madame".into();
        assert!(c.problems(today).is_empty());
    }

    #[test]
    fn a_withdrawal_has_a_reason_a_past_day_and_happens_once() {
        let today = jiff::civil::date(2027, 3, 1);
        assert!(withdrawal_problems(today, "Courriel du 28 février", today, None).is_empty());
        let p = withdrawal_problems(
            jiff::civil::date(2027, 3, 2),
            " ",
            today,
            Some(jiff::civil::date(2027, 2, 20)),
        );
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["candidate", "on", "reason"]);
        assert_eq!(
            p[0].message,
            "ce candidat s'est déjà désisté le samedi 20 février 2027"
        );
    }

    #[test]
    fn a_text_too_long_names_its_field() {
        let mut c = jean();
        c.last_name = "X".repeat(101);
        c.accommodation_plan = "y".repeat(2001);
        c.accommodation = "Tiers temps".into();
        let p = c.problems(jiff::civil::date(2026, 11, 28));
        let found: Vec<(&str, &str)> = p
            .iter()
            .map(|p| (p.field.as_str(), p.message.as_str()))
            .collect();
        assert!(
            found.contains(&("last_name", "nom : 100 caractères au plus")),
            "{found:?}"
        );
        assert!(
            found.contains(&(
                "accommodation_plan",
                "mise en œuvre de l'aménagement : 2\u{202f}000 caractères au plus"
            )),
            "{found:?}"
        );
    }

    #[test]
    fn candidates_are_welcomed_from_the_first_day_of_the_session() {
        let start = jiff::civil::date(2027, 4, 5);
        let p = welcome_day_problem(jiff::civil::date(2026, 12, 1), start).unwrap();
        assert_eq!(
            p.message,
            "l'accueil des candidats se fait le jour de la session : pas avant le lundi 5 avril 2027"
        );
        assert_eq!(welcome_day_problem(start, start), None);
        assert_eq!(
            welcome_day_problem(jiff::civil::date(2027, 4, 6), start),
            None
        );
    }
}
