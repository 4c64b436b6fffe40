//! The jury's rules, as an inspector checks them (arrêté du 22 décembre 2015, art. 5; Code
//! du travail L.3142-42 to 45): every juror habilitated for the title on every day they sit
//! (a habilitation never outlives its title), their licences valid for a transport title, no
//! link with a candidate they assess, at least two eligible jurors for each candidate, and a
//! salaried juror's request to their employer at least 15 days before the session.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::add_days;
use crate::{Problem, fr};

/// The sworn statement a juror signs, as the tablet, their link and the archive give it.
pub const STATEMENT: &str = "Je déclare sur l'honneur n'avoir aucun lien, actuel ou passé — \
professionnel, pédagogique, personnel ou familial — avec les candidats que j'évalue, hors ceux \
que j'ai déclarés ; je m'engage à la confidentialité des épreuves et des délibérations, et à \
la neutralité.";

pub mod panel;
pub use panel::{Cell, Elsewhere, Excluded, JuryFacts, JuryFinding, JuryTitle, Seat};

/// Days before the start by which a salaried juror asks their employer (L.3142-44).
pub const EMPLOYER_REQUEST_DAYS: i32 = 15;
/// The fewest jurors who may assess a candidate.
pub const MIN_JURORS: usize = 2;

/// What a juror is, for their leave of absence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JurorStatus {
    /// Asks their employer 15 days before (and is convoked before that).
    Salaried,
    Independent,
    Retired,
    #[default]
    Other,
}

impl JurorStatus {
    pub fn label(self) -> &'static str {
        match self {
            JurorStatus::Salaried => "salarié",
            JurorStatus::Independent => "indépendant",
            JurorStatus::Retired => "retraité",
            JurorStatus::Other => "autre",
        }
    }
}

/// A habilitation granted by a departmental service for one title, valid nationally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Habilitation {
    /// The title's RNCP code, « RNCP35309 ».
    pub title: String,
    /// The service that granted it (« DDETS du Rhône »).
    pub granted_by: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_until: Date,
    #[serde(default)]
    pub reference: String,
}

/// A driving licence, for the transport titles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Licence {
    /// « D », « C », « CE »…
    pub category: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_until: Date,
}

/// A juror as the rules need them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Juror {
    pub id: String,
    /// « Marc LEROY », for the messages.
    pub name: String,
    pub status: JurorStatus,
    /// Their employer's SIRET (fourteen digits), or empty.
    pub employer_siret: String,
    /// They train candidates at the centre.
    pub trainer_of_centre: bool,
    pub habilitations: Vec<Habilitation>,
    pub licences: Vec<Licence>,
}

/// A candidate as the links need them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CandidateTies {
    pub id: String,
    pub name: String,
    /// Their employer's SIRET, or empty.
    pub employer_siret: String,
    /// The SIRET of the organisation that trained them, or empty.
    pub trained_by_siret: String,
    /// Trained by the centre itself.
    pub trained_by_centre: bool,
}

/// A link declared between a juror and a candidate (by the manager, or by the juror).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredLink {
    pub juror: String,
    pub candidate: String,
    /// « a été son tuteur en entreprise ».
    pub what: String,
}

/// A juror as a centre records them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JurorInput {
    pub last_name: String,
    pub first_names: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// Their trade (« chef de chantier gros œuvre »).
    #[serde(default)]
    pub profession: String,
    #[serde(default)]
    pub employer: String,
    /// Fourteen digits.
    #[serde(default)]
    pub employer_siret: String,
    #[serde(default)]
    pub status: JurorStatus,
    /// They train candidates at the centre.
    #[serde(default)]
    pub trainer_of_centre: bool,
    #[serde(default)]
    pub habilitations: Vec<Habilitation>,
    #[serde(default)]
    pub licences: Vec<Licence>,
}

impl JurorInput {
    /// « Marc LEROY ».
    pub fn display(&self) -> String {
        format!(
            "{} {}",
            self.first_names.trim(),
            self.last_name.trim().to_uppercase()
        )
    }

    /// The juror as the rules need them.
    pub fn rules(&self, id: &str) -> Juror {
        Juror {
            id: id.to_owned(),
            name: self.display(),
            status: self.status,
            employer_siret: siret(&self.employer_siret),
            trainer_of_centre: self.trainer_of_centre,
            habilitations: self.habilitations.clone(),
            licences: self.licences.clone(),
        }
    }

    /// Everything wrong at once. `titles` gives the centre's titles (RNCP code, expiry): a
    /// habilitation names one of them and ends by its expiry.
    pub fn problems(&self, titles: &[(String, Date)]) -> Vec<Problem> {
        let mut out = crate::text::problems([
            ("last_name", self.last_name.as_str()),
            ("first_names", &self.first_names),
            ("email", &self.email),
            ("phone", &self.phone),
            ("profession", &self.profession),
            ("employer", &self.employer),
            ("employer_siret", &self.employer_siret),
        ]);
        for (field, what, value) in [
            ("last_name", "le nom", &self.last_name),
            ("first_names", "le prénom", &self.first_names),
        ] {
            if value.trim().is_empty() {
                out.push(Problem::new(field, format!("{what} est obligatoire")));
            } else if !crate::candidate::civil_name(value.trim()) {
                out.push(Problem::new(
                    field,
                    format!(
                        "« {} » n'est pas un nom d'état civil : lettres, espaces, traits d'union et apostrophes seulement",
                        value.trim()
                    ),
                ));
            }
        }
        if !self.email.trim().is_empty() && !crate::candidate::valid_email(&self.email) {
            out.push(Problem::new(
                "email",
                format!(
                    "« {} » n'est pas une adresse électronique valide",
                    self.email.trim()
                ),
            ));
        }
        out.extend(siret_problem("employer_siret", &self.employer_siret));
        for (i, h) in self.habilitations.iter().enumerate() {
            let field = format!("habilitations[{}]", i + 1);
            match titles
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(h.title.trim()))
            {
                None => out.push(Problem::new(
                    &field,
                    format!(
                        "le titre « {} » n'est pas enregistré dans le centre",
                        h.title.trim()
                    ),
                )),
                Some((_, expiry)) => out.extend(
                    habilitation_problems(h, *expiry)
                        .into_iter()
                        .map(|p| Problem::new(&field, p.message)),
                ),
            }
        }
        for (i, l) in self.licences.iter().enumerate() {
            if l.category.trim().is_empty() {
                out.push(Problem::new(
                    format!("licences[{}]", i + 1),
                    "un permis a besoin de sa catégorie (B, C, D…)",
                ));
            }
        }
        out
    }
}

/// A SIRET as typed, without its spaces (empty when none).
pub fn siret(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace()).collect()
}

/// « 1234 » is not a SIRET: fourteen digits, spaces allowed; empty is fine.
pub fn siret_problem(field: &str, typed: &str) -> Option<Problem> {
    let s = siret(typed);
    (!s.is_empty() && (s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()))).then(|| {
        Problem::new(
            field,
            format!("« {} » n'est pas un SIRET (14 chiffres)", typed.trim()),
        )
    })
}

/// What is wrong with a habilitation as given: its dates, its service, and never beyond the
/// title's expiry.
pub fn habilitation_problems(h: &Habilitation, title_expiry: Date) -> Vec<Problem> {
    let mut out = Vec::new();
    if h.granted_by.trim().is_empty() {
        out.push(Problem::new(
            "granted_by",
            "le service qui a délivré l'habilitation est obligatoire",
        ));
    }
    if h.valid_until < h.valid_from {
        out.push(Problem::new(
            "valid_until",
            format!(
                "l'habilitation finirait le {}, avant de commencer le {}",
                fr::long_date(h.valid_until),
                fr::long_date(h.valid_from)
            ),
        ));
    }
    if h.valid_until > title_expiry {
        out.push(Problem::new(
            "valid_until",
            format!(
                "une habilitation ne va pas au-delà de l'échéance du titre ({}) : elle finit le {}",
                fr::long_date(title_expiry),
                fr::long_date(h.valid_until)
            ),
        ));
    }
    out
}

/// Why `juror` may not sit for the title `rncp` on `days`: no habilitation for it, or the
/// first day none covers; `None` when every day is covered.
pub fn habilitation_gap(
    juror: &Juror,
    rncp: &str,
    title_name: &str,
    days: &[Date],
) -> Option<String> {
    let theirs: Vec<&Habilitation> = juror
        .habilitations
        .iter()
        .filter(|h| h.title.eq_ignore_ascii_case(rncp))
        .collect();
    if theirs.is_empty() {
        return Some(format!(
            "{} n'a pas d'habilitation pour le titre {title_name} ({rncp})",
            juror.name
        ));
    }
    let day = days.iter().find(|d| {
        !theirs
            .iter()
            .any(|h| h.valid_from <= **d && **d <= h.valid_until)
    })?;
    Some(format!(
        "{} n'est pas habilité(e) pour le titre {title_name} le {} : son habilitation ne couvre pas ce jour",
        juror.name,
        fr::long_date(*day)
    ))
}

/// Why `juror` may not sit for a transport title on `days`: a licence (of `category`, when the
/// title names one) missing, or not valid on the last of them.
pub fn licence_gap(juror: &Juror, category: Option<&str>, days: &[Date]) -> Option<String> {
    let last = days.iter().max()?;
    let best = juror
        .licences
        .iter()
        .filter(|l| category.is_none_or(|c| l.category.trim().eq_ignore_ascii_case(c.trim())))
        .max_by_key(|l| l.valid_until);
    let what = category.map_or("de conduire".to_owned(), |c| c.trim().to_owned());
    match best {
        None => Some(format!("{} n'a pas de permis {what}", juror.name)),
        Some(l) if l.valid_until < *last => Some(format!(
            "le permis {} de {} n'est valable que jusqu'au {}, avant le {}",
            l.category.trim(),
            juror.name,
            fr::long_date(l.valid_until),
            fr::long_date(*last)
        )),
        Some(_) => None,
    }
}

/// The link that bars `juror` from assessing `candidate`, if any: declared, or inferred (the
/// candidate's employer or training organisation is the juror's employer; the juror trains at
/// the centre that trained the candidate).
pub fn link(juror: &Juror, candidate: &CandidateTies, declared: &[DeclaredLink]) -> Option<String> {
    if let Some(d) = declared
        .iter()
        .find(|d| d.juror == juror.id && d.candidate == candidate.id)
    {
        return Some(format!("lien déclaré : {}", d.what));
    }
    let siret = juror.employer_siret.trim();
    if !siret.is_empty() {
        if candidate.employer_siret.trim() == siret {
            return Some(format!("même employeur que le candidat (SIRET {siret})"));
        }
        if candidate.trained_by_siret.trim() == siret {
            return Some(format!(
                "employé de l'organisme qui a formé le candidat (SIRET {siret})"
            ));
        }
    }
    if juror.trainer_of_centre && candidate.trained_by_centre {
        return Some("formateur du centre qui a formé le candidat".to_owned());
    }
    None
}

/// Who may assess one candidate among the jurors appointed to them, and who may not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub candidate: String,
    pub eligible: Vec<String>,
    pub excluded: Vec<(String, String)>,
}

impl Eligibility {
    /// Fewer than two jurors may assess them.
    pub fn short(&self) -> bool {
        self.eligible.len() < MIN_JURORS
    }
}

/// For each candidate, the appointed jurors who may assess them (an exclusion bars a juror
/// for that candidate only, not for the session).
pub fn eligibility(
    jurors: &[&Juror],
    candidates: &[CandidateTies],
    declared: &[DeclaredLink],
) -> Vec<Eligibility> {
    candidates
        .iter()
        .map(|c| {
            let (mut eligible, mut excluded) = (Vec::new(), Vec::new());
            for j in jurors {
                match link(j, c, declared) {
                    Some(why) => excluded.push((j.name.clone(), why)),
                    None => eligible.push(j.name.clone()),
                }
            }
            Eligibility {
                candidate: c.name.clone(),
                eligible,
                excluded,
            }
        })
        .collect()
}

/// The day a salaried juror must ask their employer by, for a session starting `start`: their
/// convocation must reach them before it.
pub fn employer_request_by(start: Date) -> Option<Date> {
    add_days(start, -EMPLOYER_REQUEST_DAYS)
}

/// Whether a juror's convocation sent on `sent` (or not yet) leaves them time to ask their
/// employer: it must reach them before the day they ask by. The problem, in French, if not.
pub fn convocation_problem(
    juror: &Juror,
    start: Date,
    sent: Option<Date>,
    today: Date,
) -> Option<String> {
    if juror.status != JurorStatus::Salaried {
        return None;
    }
    let by = employer_request_by(start)?;
    match sent {
        Some(on) if on >= by => Some(format!(
            "{} (salarié) a reçu sa convocation le {}, après le {} : trop tard pour demander son absence à son employeur 15 jours avant",
            juror.name,
            fr::long_date(on),
            fr::long_date(by)
        )),
        None if today >= by => Some(format!(
            "{} (salarié) n'est pas convoqué(e) : sa demande à l'employeur devait partir au plus tard le {}",
            juror.name,
            fr::long_date(by)
        )),
        _ => None,
    }
}

/// Two sessions' days meet (a juror cannot sit in both).
pub fn overlap(a: (Date, Date), b: (Date, Date)) -> bool {
    a.0 <= b.1 && b.0 <= a.1
}

/// The same juror, imported again: the same names (accents and case aside) and, when both
/// give one, the same email address.
pub fn same_juror(a: &JurorInput, b: &JurorInput) -> bool {
    let fold = crate::candidate::fold;
    let (ea, eb) = (a.email.trim().to_lowercase(), b.email.trim().to_lowercase());
    fold(&a.last_name) == fold(&b.last_name)
        && fold(&a.first_names) == fold(&b.first_names)
        && (ea.is_empty() || eb.is_empty() || ea == eb)
}

/// A juror kept, completed by a new import of them: what was empty is filled, the status
/// and employer follow the file when it gives them, and the habilitations and licences it
/// adds join those kept (an identical one is not doubled).
pub fn merged(kept: &JurorInput, new: &JurorInput) -> JurorInput {
    let or = |a: &str, b: &str| {
        if b.trim().is_empty() {
            a.to_owned()
        } else {
            b.to_owned()
        }
    };
    let mut out = JurorInput {
        email: or(&kept.email, &new.email),
        phone: or(&kept.phone, &new.phone),
        profession: or(&kept.profession, &new.profession),
        employer: or(&kept.employer, &new.employer),
        employer_siret: or(&kept.employer_siret, &new.employer_siret),
        status: if new.status == JurorStatus::Other {
            kept.status
        } else {
            new.status
        },
        trainer_of_centre: kept.trainer_of_centre || new.trainer_of_centre,
        ..kept.clone()
    };
    for h in &new.habilitations {
        let same = |k: &Habilitation| {
            k.title.eq_ignore_ascii_case(h.title.trim())
                && k.valid_from == h.valid_from
                && k.valid_until == h.valid_until
        };
        if !out.habilitations.iter().any(same) {
            out.habilitations.push(h.clone());
        }
    }
    for l in &new.licences {
        if !out.licences.contains(l) {
            out.licences.push(l.clone());
        }
    }
    out
}

/// A juror's presence on `day` is noted that day or later, never before.
pub fn presence_day_problem(name: &str, day: Date, today: Date) -> Option<Problem> {
    (day > today).then(|| {
        Problem::new(
            "day",
            format!(
                "la présence de {name} le {} se note ce jour-là, pas avant",
                fr::long_date(day)
            ),
        )
    })
}

/// Why a juror may not sign their sworn statement now: signed already, or — through their
/// link — before answering for each candidate they assess (link or « aucun lien »).
pub fn statement_problem(name: &str, signed: bool, links_declared: bool) -> Option<Problem> {
    if signed {
        return Some(Problem::new(
            "signature",
            format!("{name} a déjà signé sa déclaration sur l'honneur pour cette session"),
        ));
    }
    (!links_declared).then(|| {
        Problem::new(
            "signature",
            "déclarez d'abord, pour chaque candidat que vous évaluez, un lien ou « aucun lien »",
        )
    })
}

/// The longest description of a link, in characters.
pub const MAX_LINK_CHARS: usize = 300;

/// A juror's answers for the candidates they assess (id, name): each answered once, with
/// « aucun lien » (`None`) or the link in one line; nobody else.
pub fn answers_problems(
    assessed: &[(String, String)],
    answers: &[(String, Option<String>)],
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (i, (candidate, what)) in answers.iter().enumerate() {
        let field = format!("links[{}]", i + 1);
        let Some((_, name)) = assessed.iter().find(|(id, _)| id == candidate) else {
            out.push(Problem::new(
                &field,
                "ce candidat ne fait pas partie de ceux que vous évaluez",
            ));
            continue;
        };
        if answers[..i].iter().any(|(c, _)| c == candidate) {
            out.push(Problem::new(&field, format!("{name} : une seule réponse")));
        }
        if let Some(what) = what {
            let what = what.trim();
            if what.is_empty()
                || what.chars().count() > MAX_LINK_CHARS
                || what.chars().any(char::is_control)
            {
                out.push(Problem::new(
                    &field,
                    format!(
                        "{name} : dites en une ligne ({MAX_LINK_CHARS} caractères au plus) quel est le lien"
                    ),
                ));
            }
        }
    }
    for (id, name) in assessed {
        if !answers.iter().any(|(c, _)| c == id) {
            out.push(Problem::new(
                "links",
                format!("{name} : indiquez un lien ou « aucun lien »"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn habilitation(from: Date, until: Date) -> Habilitation {
        Habilitation {
            title: "RNCP35309".into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: from,
            valid_until: until,
            reference: "H-2025-118".into(),
        }
    }

    fn marc() -> Juror {
        Juror {
            id: "j1".into(),
            name: "Marc LEROY".into(),
            status: JurorStatus::Salaried,
            employer_siret: "12345678900011".into(),
            habilitations: vec![habilitation(date(2025, 1, 1), date(2027, 4, 6))],
            ..Juror::default()
        }
    }

    #[test]
    fn a_juror_is_recorded_with_every_problem_at_once() {
        let titles = [("RNCP35309".to_owned(), date(2030, 3, 31))];
        let good = JurorInput {
            last_name: "Leroy".into(),
            first_names: "Marc".into(),
            email: "marc.leroy@btp.example".into(),
            employer_siret: "123 456 789 00011".into(),
            status: JurorStatus::Salaried,
            habilitations: vec![habilitation(date(2025, 1, 1), date(2029, 12, 31))],
            ..JurorInput::default()
        };
        assert!(
            good.problems(&titles).is_empty(),
            "{:?}",
            good.problems(&titles)
        );
        assert_eq!(good.display(), "Marc LEROY");
        let bad = JurorInput {
            last_name: "Leroy <b>".into(),
            email: "marc@".into(),
            employer_siret: "1234".into(),
            habilitations: vec![
                Habilitation {
                    title: "RNCP99999".into(),
                    ..habilitation(date(2025, 1, 1), date(2026, 1, 1))
                },
                habilitation(date(2025, 1, 1), date(2031, 1, 1)),
            ],
            licences: vec![Licence {
                category: " ".into(),
                valid_until: date(2030, 1, 1),
            }],
            ..good
        };
        let fields: Vec<String> = bad.problems(&titles).into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "last_name",
                "email",
                "employer_siret",
                "habilitations[1]",
                "habilitations[2]",
                "licences[1]"
            ]
        );
    }

    #[test]
    fn a_habilitation_never_outlives_its_title() {
        let expiry = date(2030, 3, 31);
        assert!(
            habilitation_problems(&habilitation(date(2025, 1, 1), date(2029, 12, 31)), expiry)
                .is_empty()
        );
        let p = habilitation_problems(&habilitation(date(2025, 1, 1), date(2031, 1, 1)), expiry);
        assert_eq!(
            p[0].message,
            "une habilitation ne va pas au-delà de l'échéance du titre (dimanche 31 mars 2030) : elle finit le mercredi 1ᵉʳ janvier 2031"
        );
        let mut h = habilitation(date(2026, 1, 1), date(2025, 1, 1));
        h.granted_by = " ".into();
        let fields: Vec<String> = habilitation_problems(&h, expiry)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, ["granted_by", "valid_until"]);
    }

    #[test]
    fn a_juror_sits_only_on_the_days_their_habilitation_covers() {
        let days = [date(2027, 4, 5), date(2027, 4, 6), date(2027, 4, 7)];
        // Covered to the 6th: the 7th is named.
        assert_eq!(
            habilitation_gap(&marc(), "RNCP35309", "Maçon", &days).as_deref(),
            Some(
                "Marc LEROY n'est pas habilité(e) pour le titre Maçon le mercredi 7 avril 2027 : son habilitation ne couvre pas ce jour"
            )
        );
        assert_eq!(
            habilitation_gap(&marc(), "rncp35309", "Maçon", &days[..2]),
            None
        );
        assert_eq!(
            habilitation_gap(&marc(), "RNCP37674", "Développeur web et web mobile", &days)
                .as_deref(),
            Some(
                "Marc LEROY n'a pas d'habilitation pour le titre Développeur web et web mobile (RNCP37674)"
            )
        );
        // Two habilitations end to end cover the days.
        let mut j = marc();
        j.habilitations
            .push(habilitation(date(2027, 4, 7), date(2029, 1, 1)));
        assert_eq!(habilitation_gap(&j, "RNCP35309", "Maçon", &days), None);
    }

    #[test]
    fn a_juror_imported_again_is_completed_not_doubled() {
        let h = |title: &str| Habilitation {
            title: title.into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: date(2025, 1, 1),
            valid_until: date(2029, 12, 31),
            reference: String::new(),
        };
        let kept = JurorInput {
            last_name: "Leroy".into(),
            first_names: "Marc".into(),
            phone: "06 11 22 33 44".into(),
            status: JurorStatus::Salaried,
            habilitations: vec![h("RNCP35309")],
            ..JurorInput::default()
        };
        let again = JurorInput {
            last_name: "LEROY".into(),
            first_names: "Marc".into(),
            email: "marc.leroy@exemple.fr".into(),
            habilitations: vec![h("rncp35309"), h("RNCP37674")],
            ..JurorInput::default()
        };
        assert!(same_juror(&kept, &again));
        let m = merged(&kept, &again);
        assert_eq!(m.email, "marc.leroy@exemple.fr");
        assert_eq!(m.phone, "06 11 22 33 44");
        assert_eq!(
            m.status,
            JurorStatus::Salaried,
            "the file said nothing of it"
        );
        assert_eq!(m.habilitations.len(), 2);
        // Another Marc Leroy, by his address.
        let other = JurorInput {
            email: "m.leroy@ailleurs.fr".into(),
            ..again.clone()
        };
        assert!(!same_juror(&m, &other));
    }

    #[test]
    fn a_jurors_presence_statement_and_answers_are_checked() {
        let d = date(2027, 4, 5);
        assert_eq!(presence_day_problem("Marc LEROY", d, d), None);
        assert_eq!(
            presence_day_problem("Marc LEROY", d, date(2027, 4, 4))
                .unwrap()
                .message,
            "la présence de Marc LEROY le lundi 5 avril 2027 se note ce jour-là, pas avant"
        );
        assert_eq!(statement_problem("Marc LEROY", false, true), None);
        assert!(
            statement_problem("Marc LEROY", true, true)
                .unwrap()
                .message
                .contains("déjà signé")
        );
        assert!(
            statement_problem("Marc LEROY", false, false)
                .unwrap()
                .message
                .contains("aucun lien")
        );
        let assessed = vec![
            ("c1".to_owned(), "DUPONT Jean".to_owned()),
            ("c2".to_owned(), "MARTIN Léa".to_owned()),
        ];
        let ok = vec![
            ("c1".to_owned(), None),
            ("c2".to_owned(), Some("a été son tuteur".to_owned())),
        ];
        assert_eq!(answers_problems(&assessed, &ok), []);
        let bad = vec![
            ("c1".to_owned(), Some("  ".to_owned())),
            ("c1".to_owned(), None),
            ("c9".to_owned(), None),
        ];
        let found: Vec<String> = answers_problems(&assessed, &bad)
            .into_iter()
            .map(|p| format!("{} {}", p.field, p.message))
            .collect();
        assert_eq!(
            found,
            [
                "links[1] DUPONT Jean : dites en une ligne (300 caractères au plus) quel est le lien",
                "links[2] DUPONT Jean : une seule réponse",
                "links[3] ce candidat ne fait pas partie de ceux que vous évaluez",
                "links MARTIN Léa : indiquez un lien ou « aucun lien »",
            ]
        );
    }

    #[test]
    fn a_transport_juror_needs_their_licence_over_the_session() {
        let days = [date(2027, 1, 11), date(2027, 1, 13)];
        let mut j = marc();
        assert_eq!(
            licence_gap(&j, Some("D"), &days).as_deref(),
            Some("Marc LEROY n'a pas de permis D")
        );
        j.licences.push(Licence {
            category: "D".into(),
            valid_until: date(2027, 1, 12),
        });
        assert!(
            licence_gap(&j, Some("D"), &days)
                .unwrap()
                .contains("valable que jusqu'au mardi 12 janvier 2027")
        );
        j.licences.push(Licence {
            category: "d".into(),
            valid_until: date(2031, 1, 1),
        });
        assert_eq!(licence_gap(&j, Some("D"), &days), None);
    }

    #[test]
    fn a_link_bars_a_juror_for_that_candidate_only_and_two_must_remain() {
        let sophie = Juror {
            id: "j2".into(),
            name: "Sophie MARTY".into(),
            trainer_of_centre: true,
            ..Juror::default()
        };
        let paul = Juror {
            id: "j3".into(),
            name: "Paul ROCHE".into(),
            ..Juror::default()
        };
        let candidates = [
            CandidateTies {
                id: "c1".into(),
                name: "DUPONT Jean".into(),
                employer_siret: "12345678900011".into(),
                ..CandidateTies::default()
            },
            CandidateTies {
                id: "c2".into(),
                name: "MARTIN Léa".into(),
                trained_by_centre: true,
                ..CandidateTies::default()
            },
            CandidateTies {
                id: "c3".into(),
                name: "PETIT Lou".into(),
                ..CandidateTies::default()
            },
        ];
        let declared = [DeclaredLink {
            juror: "j3".into(),
            candidate: "c3".into(),
            what: "oncle du candidat".into(),
        }];
        let m = eligibility(&[&marc(), &sophie, &paul], &candidates, &declared);
        assert_eq!(m[0].eligible, ["Sophie MARTY", "Paul ROCHE"]);
        assert_eq!(
            m[0].excluded,
            [(
                "Marc LEROY".to_owned(),
                "même employeur que le candidat (SIRET 12345678900011)".to_owned()
            )]
        );
        assert_eq!(
            m[1].excluded[0].1,
            "formateur du centre qui a formé le candidat"
        );
        assert_eq!(m[2].excluded[0].1, "lien déclaré : oncle du candidat");
        assert!(m.iter().all(|e| !e.short()), "two remain for each");
        let short = eligibility(&[&marc(), &paul], &candidates[..1], &[]);
        assert!(short[0].short(), "one juror left for DUPONT Jean");
    }

    #[test]
    fn a_salaried_juror_is_convoked_in_time_to_ask_their_employer() {
        let start = date(2027, 4, 5);
        assert_eq!(employer_request_by(start), Some(date(2027, 3, 21)));
        let j = marc();
        assert_eq!(
            convocation_problem(&j, start, Some(date(2027, 3, 10)), date(2027, 3, 25)),
            None
        );
        // On the day itself: too late, the request leaves that day.
        assert!(
            convocation_problem(&j, start, Some(date(2027, 3, 21)), date(2027, 3, 21)).is_some()
        );
        assert!(
            convocation_problem(&j, start, Some(date(2027, 3, 25)), date(2027, 3, 25))
                .unwrap()
                .contains("trop tard pour demander son absence à son employeur 15 jours avant")
        );
        assert!(
            convocation_problem(&j, start, None, date(2027, 3, 22))
                .unwrap()
                .contains("n'est pas convoqué(e)")
        );
        assert_eq!(convocation_problem(&j, start, None, date(2027, 3, 1)), None);
        let retired = Juror {
            status: JurorStatus::Retired,
            ..marc()
        };
        assert_eq!(
            convocation_problem(&retired, start, None, date(2027, 4, 1)),
            None
        );
        assert!(overlap(
            (date(2027, 4, 5), date(2027, 4, 7)),
            (date(2027, 4, 7), date(2027, 4, 9))
        ));
        assert!(!overlap(
            (date(2027, 4, 5), date(2027, 4, 6)),
            (date(2027, 4, 7), date(2027, 4, 9))
        ));
    }
}
