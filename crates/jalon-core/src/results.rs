//! The jury's results, candidate by candidate (`close.enter_results`): each épreuve done or
//! missed, each CCP acquired or not, the decision — recorded only once the candidate's whole
//! passage is over, the entretien final included — and the embargo: no result reaches a
//! candidate before the State validates the session.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::catalog::TitleStructure;
use crate::custody::Refusal;
use crate::session::named_enum;
use crate::timetable::epreuves_of;
use crate::{Kind, fr};

/// How a candidate went through one épreuve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// « faite »: the candidate took it whole.
    Done,
    /// « absent ».
    Absent,
}

named_enum!(
    Outcome,
    "issue d'épreuve",
    [(Done, "done", "faite"), (Absent, "absent", "absent")]
);

/// What the jury says of one CCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CcpOutcome {
    Acquired,
    NotAcquired,
}

named_enum!(
    CcpOutcome,
    "issue de CCP",
    [
        (Acquired, "acquired", "acquis"),
        (NotAcquired, "not_acquired", "non acquis")
    ]
);

/// The jury's decision for a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every CCP acquired: the title (or, in a CCP session, every CCP presented).
    Obtained,
    /// Some CCPs acquired, others not: « réussite partielle ».
    Partial,
    /// No CCP acquired.
    NotObtained,
    /// Absent from an épreuve, with a justification (illness, …).
    AbsentJustified,
    /// Absent from an épreuve, without one.
    AbsentUnjustified,
}

named_enum!(
    Decision,
    "décision",
    [
        (Obtained, "obtained", "titre obtenu"),
        (Partial, "partial", "réussite partielle"),
        (NotObtained, "not_obtained", "non obtenu"),
        (AbsentJustified, "absent_justified", "absent (justifié)"),
        (
            AbsentUnjustified,
            "absent_unjustified",
            "absent (non justifié)"
        )
    ]
);

impl Decision {
    /// As the minutes say it, for a session of `kind`.
    pub fn label_for(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Decision::Obtained, Kind::Title) => "titre obtenu",
            (Decision::Obtained, Kind::Ccp) => "CCP obtenu(s)",
            (Decision::Obtained, Kind::Ccs) => "CCS obtenu",
            (Decision::Partial, _) => "réussite partielle",
            (Decision::NotObtained, _) => "non obtenu",
            (Decision::AbsentJustified, _) => "absent (justifié)",
            (Decision::AbsentUnjustified, _) => "absent (non justifié)",
        }
    }

    pub fn is_absent(self) -> bool {
        matches!(
            self,
            Decision::AbsentJustified | Decision::AbsentUnjustified
        )
    }

    /// A failure or a partial success: the candidate may present themselves again.
    pub fn may_represent(self) -> bool {
        !matches!(self, Decision::Obtained)
    }
}

/// A candidate's result as the jury gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultInput {
    /// Each épreuve of the candidate, by name.
    pub epreuves: BTreeMap<String, Outcome>,
    /// Each CCP assessed, by code (none needed for an absent candidate).
    #[serde(default)]
    pub ccps: BTreeMap<String, CcpOutcome>,
    pub decision: Decision,
}

/// What the sign-in sheets and the timetable say of one épreuve of the candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassageFacts {
    pub epreuve: String,
    /// The last day of the candidate's passage at it, when the timetable has one.
    pub last_day: Option<Date>,
    /// Noted at the sign-in: present (`Some(true)`), absent (`Some(false)`), or not noted.
    pub noted: Option<bool>,
}

/// The rule of a result refused because the passage is not over.
pub const INCOMPLETE_PASSAGE: &str = "results.incomplete_passage";
/// The rule of a result whose parts contradict each other.
pub const INCONSISTENT: &str = "results.inconsistent";
/// The rule of a result shown or sent to a candidate before the validation.
pub const EMBARGO: &str = "results.embargo";

/// Why this result cannot be recorded today; empty when it can. `passages` are the
/// candidate's épreuves in the session (the entretien final included), `ccps` the codes the
/// session assesses, `sign_in_kept` whether the session notes presence épreuve by épreuve.
pub fn problems(
    passages: &[PassageFacts],
    ccps: &[String],
    input: &ResultInput,
    sign_in_kept: bool,
    today: Date,
) -> Vec<Refusal> {
    if passages.is_empty() {
        return vec![Refusal::new(
            INCOMPLETE_PASSAGE,
            "le titre ne définit aucune épreuve pour cette session : renseignez ses épreuves \
             avant d'enregistrer un résultat"
                .to_owned(),
        )];
    }
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for p in passages {
        let name = &p.epreuve;
        match (input.epreuves.get(name), p.last_day) {
            (_, Some(day)) if day > today => {
                missing.push(format!("« {name} » a lieu le {}", fr::long_date(day)))
            }
            (None, _) => missing.push(format!("« {name} » : ni faite ni absent")),
            (Some(Outcome::Done), _) if p.noted == Some(false) => out.push(Refusal::new(
                INCONSISTENT,
                format!("« {name} » : le candidat est noté absent à l'émargement"),
            )),
            (Some(Outcome::Absent), _) if p.noted == Some(true) => out.push(Refusal::new(
                INCONSISTENT,
                format!("« {name} » : le candidat est noté présent à l'émargement"),
            )),
            (Some(Outcome::Done), _) if sign_in_kept && p.noted.is_none() => {
                missing.push(format!("« {name} » : présence non notée à l'émargement"))
            }
            _ => {}
        }
    }
    if !missing.is_empty() {
        out.insert(
            0,
            Refusal::new(
                INCOMPLETE_PASSAGE,
                format!(
                    "le passage du candidat n'est pas complet, entretien final compris : {}",
                    missing.join(" ; ")
                ),
            ),
        );
    }
    for name in input.epreuves.keys() {
        if !passages.iter().any(|p| &p.epreuve == name) {
            out.push(Refusal::new(
                INCONSISTENT,
                format!("« {name} » n'est pas une épreuve de ce candidat dans cette session"),
            ));
        }
    }
    for code in input.ccps.keys() {
        if !ccps.contains(code) {
            out.push(Refusal::new(
                INCONSISTENT,
                format!("le CCP « {code} » n'est pas évalué dans cette session"),
            ));
        }
    }
    let absent_from: Vec<&str> = input
        .epreuves
        .iter()
        .filter(|(_, o)| **o == Outcome::Absent)
        .map(|(n, _)| n.as_str())
        .collect();
    let d = input.decision;
    if d.is_absent() {
        if absent_from.is_empty() {
            out.push(Refusal::new(
                INCONSISTENT,
                "décision « absent » : aucune épreuve n'est notée absent".to_owned(),
            ));
        }
        return out;
    }
    if !absent_from.is_empty() {
        out.push(Refusal::new(
            INCONSISTENT,
            format!(
                "absent à {} : la décision est « absent », justifié ou non",
                absent_from
                    .iter()
                    .map(|n| format!("« {n} »"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        return out;
    }
    let unsaid: Vec<&str> = ccps
        .iter()
        .filter(|c| !input.ccps.contains_key(*c))
        .map(String::as_str)
        .collect();
    if !unsaid.is_empty() {
        out.push(Refusal::new(
            INCONSISTENT,
            format!("CCP ni acquis ni non acquis : {}", unsaid.join(", ")),
        ));
        return out;
    }
    let acquired = input
        .ccps
        .values()
        .filter(|o| **o == CcpOutcome::Acquired)
        .count();
    let all = input.ccps.len();
    let wrong = match d {
        Decision::Obtained if acquired < all => {
            Some("« titre obtenu » demande chaque CCP acquis : c'est une réussite partielle")
        }
        Decision::Partial if acquired == 0 => {
            Some("« réussite partielle » demande au moins un CCP acquis : c'est « non obtenu »")
        }
        Decision::Partial if acquired == all => {
            Some("« réussite partielle » avec chaque CCP acquis : c'est « titre obtenu »")
        }
        Decision::NotObtained if acquired > 0 => {
            Some("« non obtenu » avec un CCP acquis : c'est une réussite partielle")
        }
        _ => None,
    };
    if let Some(w) = wrong {
        out.push(Refusal::new(INCONSISTENT, w.to_owned()));
    }
    out
}

/// The CCPs a session of `kind` assesses, in the title's order: every CCP of the title for
/// a title session; for a CCP session, those of the épreuves it holds (every CCP when its
/// épreuves name none).
pub fn ccps_of(kind: Kind, s: &TitleStructure) -> Vec<String> {
    let all: Vec<String> = s.ccps.iter().map(|c| c.code.clone()).collect();
    if kind == Kind::Title {
        return all;
    }
    let named: std::collections::HashSet<String> = epreuves_of(kind, &s.epreuves)
        .into_iter()
        .flat_map(|e| e.ccps)
        .collect();
    let held: Vec<String> = all.iter().filter(|c| named.contains(*c)).cloned().collect();
    if held.is_empty() { all } else { held }
}

/// The CCPs acquired, in the order of `ccps`.
pub fn acquired<'a>(ccps: &'a [String], input: &ResultInput) -> Vec<&'a str> {
    ccps.iter()
        .filter(|c| input.ccps.get(*c) == Some(&CcpOutcome::Acquired))
        .map(String::as_str)
        .collect()
}

/// What the centre's letter to a candidate says after the validation, paragraph by paragraph:
/// the decision, what the candidate receives, and what comes next — the re-presentation
/// (`again`: « 2 nouvelles présentations jusqu'au … ») when it applies.
pub fn letter(
    civility: &str,
    decision: Decision,
    kind: Kind,
    title: &str,
    acquired: &[String],
    missing: &[String],
    again: Option<&str>,
) -> Vec<String> {
    let list = |v: &[String]| v.join(" ; ");
    let admis = fr::agreed(civility, "admis", "admise", "admis(e)");
    let absent = fr::agreed(civility, "absent", "absente", "absent(e)");
    let mut out = Vec::new();
    match decision {
        Decision::Obtained if kind == Kind::Title => {
            out.push(format!(
                "Le jury vous a déclaré {admis} au titre professionnel {title}, et le service \
                 départemental a validé la session : félicitations."
            ));
            out.push(
                "Votre parchemin vous sera adressé à l'initiative du service départemental ; \
                 le centre vous préviendra s'il lui est remis pour vous."
                    .to_owned(),
            );
        }
        Decision::Obtained => {
            out.push(format!(
                "Le jury vous a déclaré {admis} aux certificats de compétences professionnelles \
                 présentés ({}), et le service départemental a validé la session.",
                list(acquired)
            ));
            out.push(
                "Ils sont inscrits à votre livret de certificats de compétences professionnelles, \
                 que le service départemental vous adressera."
                    .to_owned(),
            );
        }
        Decision::Partial => {
            out.push(format!(
                "Le jury vous a déclaré en réussite partielle au titre professionnel {title} : \
                 vous avez acquis {} ; {} reste{} à acquérir.",
                list(acquired),
                list(missing),
                if missing.len() > 1 { "nt" } else { "" }
            ));
            out.push(
                "Les certificats acquis le restent : ils figurent à votre livret de certificats \
                 de compétences professionnelles, que le service départemental vous adressera."
                    .to_owned(),
            );
        }
        Decision::NotObtained => {
            out.push(format!(
                "Le jury ne vous a pas déclaré {admis} au titre professionnel {title}. Le service \
                 départemental vous adressera un courrier d'information."
            ));
        }
        Decision::AbsentJustified | Decision::AbsentUnjustified => {
            out.push(format!(
                "Vous avez été {absent} à une épreuve de la session du titre professionnel \
                 {title} : le jury n'a pas pu délibérer sur votre candidature. Le service \
                 départemental vous adressera un courrier d'information."
            ));
        }
    }
    if decision.may_represent() {
        out.push(match again {
            Some(a) => format!(
                "Vous pouvez vous présenter de nouveau : {a}. Contactez le centre pour vous \
                 inscrire à une prochaine session."
            ),
            None => "Contactez le centre pour savoir comment vous présenter de nouveau.".to_owned(),
        });
    }
    out
}

/// What the departmental service sends a candidate after the validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CandidateDocument {
    /// The title's parchment, for a title obtained.
    Parchment,
    /// The booklet of CCPs, for a partial success or CCPs obtained.
    Booklet,
    /// A letter of information, for a failure or an absence.
    InformationLetter,
}

impl CandidateDocument {
    pub fn label(self) -> &'static str {
        match self {
            CandidateDocument::Parchment => "parchemin",
            CandidateDocument::Booklet => "livret de certificats de compétences professionnelles",
            CandidateDocument::InformationLetter => "courrier d'information",
        }
    }
}

/// The document a decision gives: the parchment for a title obtained, the booklet for a
/// partial success (or CCPs obtained in a CCP session), the letter of information otherwise.
pub fn document_for(decision: Decision, kind: Kind) -> CandidateDocument {
    match (decision, kind) {
        (Decision::Obtained, Kind::Title) => CandidateDocument::Parchment,
        (Decision::Obtained, _) | (Decision::Partial, _) => CandidateDocument::Booklet,
        _ => CandidateDocument::InformationLetter,
    }
}

/// Who looks at a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The centre's staff, the inspector: always, once recorded.
    Centre,
    /// The candidate — their personal page, a letter, an email, a document meant for them.
    Candidate,
}

/// The one place that decides whether a result may be shown: inside the centre always; to a
/// candidate only once the State's validation of the session is recorded (`validated_on`).
/// « Aucun résultat ne peut être communiqué à un candidat avant la validation officielle. »
pub fn may_show(audience: Audience, validated_on: Option<Date>) -> bool {
    match audience {
        Audience::Centre => true,
        Audience::Candidate => validated_on.is_some(),
    }
}

/// The refusal of anything that would tell a candidate their result before the validation.
pub fn embargo_refusal() -> Refusal {
    Refusal::new(
        EMBARGO,
        "aucun résultat ne peut être communiqué à un candidat avant la validation officielle \
         de la session par le service départemental"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn passage(epreuve: &str, day: Date, noted: Option<bool>) -> PassageFacts {
        PassageFacts {
            epreuve: epreuve.to_owned(),
            last_day: Some(day),
            noted,
        }
    }

    fn two() -> Vec<PassageFacts> {
        vec![
            passage(
                "Mise en situation professionnelle",
                date(2027, 3, 15),
                Some(true),
            ),
            passage("Entretien final", date(2027, 3, 16), Some(true)),
        ]
    }

    fn ccps() -> Vec<String> {
        vec!["CCP1".to_owned(), "CCP2".to_owned()]
    }

    fn input(done: &[(&str, Outcome)], ccps: &[(&str, CcpOutcome)], d: Decision) -> ResultInput {
        ResultInput {
            epreuves: done.iter().map(|(n, o)| ((*n).to_owned(), *o)).collect(),
            ccps: ccps.iter().map(|(n, o)| ((*n).to_owned(), *o)).collect(),
            decision: d,
        }
    }

    const MSP: &str = "Mise en situation professionnelle";
    const EF: &str = "Entretien final";

    #[test]
    fn a_result_waits_for_the_entretien_final() {
        use CcpOutcome::*;
        let r = input(
            &[(MSP, Outcome::Done)],
            &[("CCP1", Acquired), ("CCP2", Acquired)],
            Decision::Obtained,
        );
        // The day of the épreuve, the entretien final tomorrow: refused, naming it.
        let p = problems(&two(), &ccps(), &r, true, date(2027, 3, 15));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].rule, INCOMPLETE_PASSAGE);
        assert_eq!(
            p[0].message,
            "le passage du candidat n'est pas complet, entretien final compris : « Entretien \
             final » a lieu le mardi 16 mars 2027"
        );
        // The day after, still not said: refused.
        let p = problems(&two(), &ccps(), &r, true, date(2027, 3, 16));
        assert_eq!(
            p[0].message,
            "le passage du candidat n'est pas complet, entretien final compris : « Entretien \
             final » : ni faite ni absent"
        );
        // Said: recorded.
        let mut whole = r.clone();
        whole.epreuves.insert(EF.to_owned(), Outcome::Done);
        assert_eq!(
            problems(&two(), &ccps(), &whole, true, date(2027, 3, 16)),
            []
        );
        // The sign-in kept per épreuve but the entretien not noted: refused.
        let mut unnoted = two();
        unnoted[1].noted = None;
        let p = problems(&unnoted, &ccps(), &whole, true, date(2027, 3, 16));
        assert!(
            p[0].message
                .ends_with("« Entretien final » : présence non notée à l'émargement")
        );
        assert_eq!(
            problems(&unnoted, &ccps(), &whole, false, date(2027, 3, 16)),
            []
        );
    }

    #[test]
    fn the_decision_follows_the_ccps_and_the_absences() {
        use CcpOutcome::*;
        let both = [(MSP, Outcome::Done), (EF, Outcome::Done)];
        let day = date(2027, 3, 17);
        let check = |ccp: &[(&str, CcpOutcome)], d| {
            problems(&two(), &ccps(), &input(&both, ccp, d), true, day)
                .into_iter()
                .map(|r| r.message)
                .collect::<Vec<_>>()
        };
        let one = [("CCP1", Acquired), ("CCP2", NotAcquired)];
        assert_eq!(
            check(&one, Decision::Obtained),
            ["« titre obtenu » demande chaque CCP acquis : c'est une réussite partielle"]
        );
        assert!(check(&one, Decision::Partial).is_empty());
        assert_eq!(
            check(&one, Decision::NotObtained),
            ["« non obtenu » avec un CCP acquis : c'est une réussite partielle"]
        );
        let none = [("CCP1", NotAcquired), ("CCP2", NotAcquired)];
        assert!(check(&none, Decision::NotObtained).is_empty());
        assert_eq!(
            check(&[("CCP1", Acquired)], Decision::Partial),
            ["CCP ni acquis ni non acquis : CCP2"]
        );
        assert_eq!(
            check(
                &[("CCP9", Acquired), ("CCP1", Acquired), ("CCP2", Acquired)],
                Decision::Obtained
            ),
            ["le CCP « CCP9 » n'est pas évalué dans cette session"]
        );
        assert_eq!(
            check(&[], Decision::AbsentJustified),
            ["décision « absent » : aucune épreuve n'est notée absent"]
        );
        // Absent from the entretien (noted so): the decision is « absent ».
        let mut noted = two();
        noted[1].noted = Some(false);
        let missed = input(
            &[(MSP, Outcome::Done), (EF, Outcome::Absent)],
            &one,
            Decision::Partial,
        );
        let p = problems(&noted, &ccps(), &missed, true, day);
        assert_eq!(
            p[0].message,
            "absent à « Entretien final » : la décision est « absent », justifié ou non"
        );
        let absent = ResultInput {
            decision: Decision::AbsentJustified,
            ccps: BTreeMap::new(),
            ..missed.clone()
        };
        assert_eq!(problems(&noted, &ccps(), &absent, true, day), []);
        // What the sign-in says is not contradicted.
        let p = problems(&two(), &ccps(), &absent, true, day);
        assert_eq!(
            p[0].message,
            "« Entretien final » : le candidat est noté présent à l'émargement"
        );
        assert_eq!(p[0].rule, INCONSISTENT);
    }

    #[test]
    fn a_ccp_session_assesses_the_ccps_of_its_epreuves() {
        use crate::catalog::{Ccp, Epreuve};
        let ccp = |code: &str| Ccp {
            code: code.to_owned(),
            name: String::new(),
        };
        let mut s = TitleStructure {
            ccps: vec![ccp("CCP1"), ccp("CCP2"), ccp("CCP3")],
            epreuves: vec![
                Epreuve {
                    name: "MSP 1".into(),
                    ccps: vec!["CCP3".into(), "CCP1".into()],
                    in_ccp_session: true,
                    ..Default::default()
                },
                Epreuve {
                    name: "MSP 2".into(),
                    ccps: vec!["CCP2".into()],
                    in_ccp_session: false,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        assert_eq!(ccps_of(Kind::Title, &s), ["CCP1", "CCP2", "CCP3"]);
        assert_eq!(ccps_of(Kind::Ccp, &s), ["CCP1", "CCP3"]);
        s.epreuves[0].ccps.clear();
        assert_eq!(ccps_of(Kind::Ccp, &s), ["CCP1", "CCP2", "CCP3"]);
    }

    #[test]
    fn each_decision_gives_its_document() {
        use CandidateDocument::*;
        assert_eq!(document_for(Decision::Obtained, Kind::Title), Parchment);
        assert_eq!(document_for(Decision::Obtained, Kind::Ccp), Booklet);
        assert_eq!(document_for(Decision::Partial, Kind::Title), Booklet);
        assert_eq!(
            document_for(Decision::NotObtained, Kind::Title),
            InformationLetter
        );
        assert_eq!(
            document_for(Decision::AbsentJustified, Kind::Title),
            InformationLetter
        );
        assert_eq!(
            Booklet.label(),
            "livret de certificats de compétences professionnelles"
        );
    }

    #[test]
    fn the_letter_says_the_decision_and_what_comes_next() {
        let acquired = vec!["CCP1 — Construire des ouvrages".to_owned()];
        let missing = vec!["CCP2 — Réaliser des dallages".to_owned()];
        let l = letter(
            "Madame",
            Decision::Partial,
            Kind::Title,
            "Maçon",
            &acquired,
            &missing,
            Some("2 nouvelles présentations jusqu'au mardi 31 août 2027"),
        );
        assert_eq!(
            l[0],
            "Le jury vous a déclaré en réussite partielle au titre professionnel Maçon : vous \
             avez acquis CCP1 — Construire des ouvrages ; CCP2 — Réaliser des dallages reste à \
             acquérir."
        );
        assert!(
            l[2].starts_with("Vous pouvez vous présenter de nouveau : 2 nouvelles présentations")
        );
        let ok = letter(
            "Madame",
            Decision::Obtained,
            Kind::Title,
            "Maçon",
            &acquired,
            &[],
            None,
        );
        assert_eq!(ok.len(), 2, "no re-presentation for a title obtained");
        assert!(ok[0].starts_with("Le jury vous a déclaré admise au titre professionnel Maçon"));
        assert!(ok[1].contains("parchemin"));
    }

    #[test]
    fn a_candidate_sees_a_result_only_once_the_session_is_validated() {
        assert!(may_show(Audience::Centre, None));
        assert!(!may_show(Audience::Candidate, None));
        assert!(may_show(Audience::Candidate, Some(date(2027, 4, 2))));
        assert_eq!(embargo_refusal().rule, "results.embargo");
    }
}
