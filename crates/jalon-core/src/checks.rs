//! The automatic checks of a session's milestones: pure functions from what is known of one
//! session ([`SessionFacts`]) and today's date to findings, each named by the rulebook
//! (`check = { id = "…", text = "…" }` on the milestone it belongs to).
//!
//! A check that fails on a milestone still to do is work to do; on a milestone marked done,
//! it is a failure the conformity report shows. Marking a milestone done while its check
//! fails needs a written justification, which the journal keeps.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::candidate::Presence;
use crate::convocation::{self, Proof};
use crate::milestone::MilestoneId;
use crate::rulebook::Rulebook;
use crate::{calendar, fr};

/// A broken rule, found by a check or when a session is created or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    /// Stable name of the rule: `ceres.number_missing`, `title.expired`…
    pub rule: &'static str,
    /// The milestone of the chronology the rule belongs to.
    pub milestone: MilestoneId,
    pub message: String,
    /// A written justification may override it.
    pub overridable: bool,
}

impl Finding {
    fn new(rule: &'static str, milestone: &MilestoneId, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            milestone: milestone.clone(),
            message: message.into(),
            overridable: true,
        }
    }
}

/// The checks Jalon runs by itself, as the rulebook names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckId {
    /// The title's expiry is more than 6 months away.
    TitleExpiryMargin,
    /// A CERES session number is recorded, before the title's expiry.
    CeresSession,
    /// A manager is appointed and declared in the approval.
    ManagerDeclared,
    /// At least one candidate is registered.
    CandidatesRegistered,
    /// Every candidate's convocation is proven.
    ConvocationsProven,
    /// Every candidate is marked present or absent; every present one checked and signed.
    CandidatesWelcomed,
}

impl CheckId {
    pub const ALL: [CheckId; 6] = [
        CheckId::TitleExpiryMargin,
        CheckId::CeresSession,
        CheckId::ManagerDeclared,
        CheckId::CandidatesRegistered,
        CheckId::ConvocationsProven,
        CheckId::CandidatesWelcomed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::TitleExpiryMargin => "title_expiry_margin",
            CheckId::CeresSession => "ceres_session",
            CheckId::ManagerDeclared => "manager_declared",
            CheckId::CandidatesRegistered => "candidates_registered",
            CheckId::ConvocationsProven => "convocations_proven",
            CheckId::CandidatesWelcomed => "candidates_welcomed",
        }
    }

    pub fn parse(s: &str) -> Option<CheckId> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalFacts {
    pub number: String,
    pub valid_from: Date,
    pub valid_until: Date,
}

impl ApprovalFacts {
    pub fn covers(&self, start: Date, end: Date) -> bool {
        self.valid_from <= start && end <= self.valid_until
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerFacts {
    pub name: String,
    /// Declared in the session's approval.
    pub declared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateFacts {
    /// « DUPONT Jean, né(e) le 01/02/1990 ».
    pub name: String,
    pub presence: Presence,
    pub identity_checked: bool,
    pub signed: bool,
    /// `None` while no convocation mode is chosen.
    pub convocation: Option<Proof>,
}

/// Everything the checks need to know about one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    pub start: Date,
    pub end: Date,
    pub ceres_number: Option<String>,
    pub title_expiry: Date,
    pub approval: Option<ApprovalFacts>,
    /// `None` while no manager is appointed.
    pub manager: Option<ManagerFacts>,
    /// In the order the documents list them.
    pub candidates: Vec<CandidateFacts>,
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}

/// What one check says of a session today, reported on `milestone`: `None` when it holds.
pub fn evaluate(
    check: CheckId,
    milestone: &MilestoneId,
    f: &SessionFacts,
    today: Date,
) -> Option<Finding> {
    let found = |rule, message: String| Some(Finding::new(rule, milestone, message));
    match check {
        CheckId::TitleExpiryMargin => title_expiry_margin(milestone, f),
        CheckId::CeresSession if f.ceres_number.is_none() => found(
            "ceres.number_missing",
            "Aucun numéro de session CERES n'est enregistré : saisissez-le dans la session."
                .to_owned(),
        ),
        CheckId::CeresSession if today >= f.title_expiry => found(
            "title.expired",
            format!(
                "La session doit être créée dans CERES avant l'échéance du titre ({}).",
                fr::long_date(f.title_expiry)
            ),
        ),
        CheckId::CeresSession => None,
        CheckId::ManagerDeclared => match &f.manager {
            None => found(
                "manager.missing",
                "Aucun responsable de session n'est désigné.".to_owned(),
            ),
            Some(m) if !m.declared => found(
                "manager.not_declared",
                "Le responsable désigné n'est pas déclaré dans l'agrément : demandez la \
                 modification de l'agrément dans CERES (DRIEETS)."
                    .to_owned(),
            ),
            Some(_) => None,
        },
        CheckId::CandidatesRegistered if f.candidates.is_empty() => found(
            "candidates.none",
            "Aucun candidat n'est inscrit à cette session.".to_owned(),
        ),
        CheckId::CandidatesRegistered => None,
        CheckId::ConvocationsProven if f.candidates.is_empty() => found(
            "candidates.none",
            "Aucun candidat n'est inscrit : il n'y a personne à convoquer.".to_owned(),
        ),
        CheckId::ConvocationsProven => {
            let missing = convocations_missing(f);
            let n = missing.len();
            if n == 0 {
                return None;
            }
            let shown: Vec<&str> = missing.iter().take(3).map(String::as_str).collect();
            let more = if n > 3 {
                format!(" ; et {} autre{}", n - 3, plural(n - 3))
            } else {
                String::new()
            };
            found(
                "convocations.unproven",
                format!(
                    "{n} candidat{} sans convocation prouvée : {}{more}.",
                    plural(n),
                    shown.join(" ; ")
                ),
            )
        }
        CheckId::CandidatesWelcomed => {
            welcome_missing(f).map(|m| Finding::new("candidates.welcome_incomplete", milestone, m))
        }
    }
}

/// « Plus de 6 mois avant le début de la session, vérifier que la date d'échéance du titre est
/// supérieure à 6 mois » — judged against the session, not the day it is looked at: at the
/// check's deadline (D − 6 months), the expiry must be more than six months away, that is
/// after the session's start; a title that expires before the session's end is said too,
/// with what the regulation then allows.
fn title_expiry_margin(milestone: &MilestoneId, f: &SessionFacts) -> Option<Finding> {
    let check_by = calendar::add_months(f.start, -6)?;
    // Six months after D − 6 months is D itself, or a day or three before it at a month's
    // end (31 August − 6 months = 28 February): the session's start is what must be covered.
    if f.title_expiry <= f.start {
        return Some(Finding::new(
            "title.expiry_within_6_months",
            milestone,
            format!(
                "L'échéance du titre ({}) n'est pas à plus de 6 mois de la vérification (au plus tard \
                 le {}) : le titre expire avant le début de la session ({}).",
                fr::long_date(f.title_expiry),
                fr::long_date(check_by),
                fr::long_date(f.start)
            ),
        ));
    }
    (f.title_expiry < f.end).then(|| {
        Finding::new(
            "title.expires_during_session",
            milestone,
            format!(
                "Le titre expire le {}, pendant la session (qui finit le {}) : après l'échéance, seuls \
                 les candidats en échec, en réussite partielle ou entrés en formation avant l'échéance \
                 peuvent être présentés, pendant un an, dans une session créée dans CERES avant \
                 l'échéance.",
                fr::long_date(f.title_expiry),
                fr::long_date(f.end)
            ),
        )
    })
}

/// Who is still missing what for their convocation, one French line per candidate.
pub fn convocations_missing(f: &SessionFacts) -> Vec<String> {
    f.candidates
        .iter()
        .filter_map(|c| {
            convocation::missing(c.convocation.as_ref()).map(|w| format!("{} : {w}", c.name))
        })
        .collect()
}

/// What the day's welcome of candidates still lacks, if anything.
fn welcome_missing(f: &SessionFacts) -> Option<String> {
    if f.candidates.is_empty() {
        return Some("Aucun candidat n'est inscrit.".to_owned());
    }
    let expected = f
        .candidates
        .iter()
        .filter(|c| c.presence == Presence::Expected)
        .count();
    if expected > 0 {
        let s = plural(expected);
        return Some(format!(
            "{expected} candidat{s} ni pointé{s} présent{s} ni absent{s}."
        ));
    }
    let incomplete = f
        .candidates
        .iter()
        .filter(|c| c.presence == Presence::Present && !(c.identity_checked && c.signed))
        .count();
    (incomplete > 0).then(|| {
        let s = plural(incomplete);
        format!("{incomplete} candidat{s} présent{s} sans identité vérifiée ou sans émargement.")
    })
}

/// The check the rulebook names for a milestone, if any.
pub fn check_of(rules: &Rulebook, milestone: &str) -> Option<CheckId> {
    rules.milestone(milestone)?.check.as_ref()?.id
}

/// What a milestone's automatic check says now: `None` when it holds or there is none.
pub fn milestone(
    rules: &Rulebook,
    milestone: &MilestoneId,
    f: &SessionFacts,
    today: Date,
) -> Option<Finding> {
    evaluate(check_of(rules, milestone.as_str())?, milestone, f, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convocation::{Mode, SendState};
    use crate::milestone::ids;
    use jiff::civil::date;

    fn facts() -> SessionFacts {
        SessionFacts {
            start: date(2027, 3, 15),
            end: date(2027, 3, 19),
            ceres_number: Some("2027-001".to_owned()),
            title_expiry: date(2030, 1, 1),
            approval: Some(ApprovalFacts {
                number: "AGR-75-001".to_owned(),
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 12, 31),
            }),
            manager: Some(ManagerFacts {
                name: "Claire Martin".to_owned(),
                declared: true,
            }),
            candidates: vec![candidate("DURAND Léa")],
        }
    }

    fn candidate(name: &str) -> CandidateFacts {
        CandidateFacts {
            name: name.to_owned(),
            presence: Presence::Expected,
            identity_checked: false,
            signed: false,
            convocation: Some(Proof {
                mode: Mode::Hand,
                send: SendState::Sent,
                sent: true,
                hand_signed: true,
                read: false,
                signed_document: false,
            }),
        }
    }

    const TODAY: Date = Date::constant(2026, 11, 30);

    fn rule(check: CheckId, f: &SessionFacts, today: Date) -> Option<&'static str> {
        evaluate(check, &ids::CERES_CREATE_SESSION, f, today).map(|x| x.rule)
    }

    #[test]
    fn a_prepared_session_passes_every_check_but_the_welcome() {
        let f = facts();
        for c in CheckId::ALL {
            let found = rule(c, &f, TODAY);
            if c == CheckId::CandidatesWelcomed {
                assert_eq!(found, Some("candidates.welcome_incomplete"));
            } else {
                assert_eq!(found, None, "{c}");
            }
        }
    }

    #[test]
    fn the_title_expiry_is_judged_against_the_session_whatever_the_day() {
        // Session from Monday 15 to Friday 19 March 2027; checked by 15 September 2026.
        let mut f = facts();
        f.title_expiry = date(2027, 2, 1);
        // Whatever day it is looked at, even long before.
        for today in [date(2026, 6, 1), TODAY, date(2027, 3, 1)] {
            assert_eq!(
                rule(CheckId::TitleExpiryMargin, &f, today),
                Some("title.expiry_within_6_months"),
                "{today}"
            );
        }
        let m = evaluate(
            CheckId::TitleExpiryMargin,
            &ids::TITLE_CHECK_EXPIRY,
            &f,
            TODAY,
        )
        .unwrap()
        .message;
        assert!(m.contains("lundi 1er février 2027"), "{m}");
        assert!(m.contains("mardi 15 septembre 2026"), "{m}");
        assert!(
            m.contains("avant le début de la session (lundi 15 mars 2027)"),
            "{m}"
        );
        // Expiring on the first day is not more than six months after D − 6 months.
        f.title_expiry = date(2027, 3, 15);
        assert_eq!(
            rule(CheckId::TitleExpiryMargin, &f, TODAY),
            Some("title.expiry_within_6_months")
        );
        // During the session: said, with what the regulation allows.
        f.title_expiry = date(2027, 3, 17);
        let m = evaluate(
            CheckId::TitleExpiryMargin,
            &ids::TITLE_CHECK_EXPIRY,
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(m.rule, "title.expires_during_session");
        assert!(m.message.contains("pendant un an"), "{}", m.message);
        // On the last day or after: conform, even once the title has expired.
        f.title_expiry = date(2027, 3, 19);
        assert_eq!(rule(CheckId::TitleExpiryMargin, &f, date(2028, 1, 1)), None);
        // Month ends: D = 31 August 2027, checked by 28 February 2027; a title expiring on
        // 29 August is six months and a day after the check, but before the session.
        f.start = date(2027, 8, 31);
        f.end = date(2027, 8, 31);
        f.title_expiry = date(2027, 8, 29);
        let m = evaluate(
            CheckId::TitleExpiryMargin,
            &ids::TITLE_CHECK_EXPIRY,
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(m.rule, "title.expiry_within_6_months");
        assert!(
            m.message.contains("dimanche 28 février 2027"),
            "{}",
            m.message
        );
        f.title_expiry = date(2027, 9, 1);
        assert_eq!(rule(CheckId::TitleExpiryMargin, &f, TODAY), None);
    }

    #[test]
    fn ceres_needs_a_number_before_the_title_expires() {
        let mut f = facts();
        f.ceres_number = None;
        let found = evaluate(CheckId::CeresSession, &ids::CERES_CREATE_SESSION, &f, TODAY)
            .expect("no number");
        assert_eq!(found.rule, "ceres.number_missing");
        assert_eq!(found.milestone, ids::CERES_CREATE_SESSION);
        assert!(found.overridable);
        let mut f = facts();
        f.title_expiry = TODAY;
        assert_eq!(
            rule(CheckId::CeresSession, &f, TODAY),
            Some("title.expired")
        );
    }

    #[test]
    fn the_manager_must_be_appointed_and_declared() {
        let mut f = facts();
        f.manager = None;
        assert_eq!(
            rule(CheckId::ManagerDeclared, &f, TODAY),
            Some("manager.missing")
        );
        f.manager = Some(ManagerFacts {
            name: "Paul".to_owned(),
            declared: false,
        });
        let m = evaluate(CheckId::ManagerDeclared, &ids::MANAGER_APPOINT, &f, TODAY).unwrap();
        assert_eq!(m.rule, "manager.not_declared");
        assert!(m.message.contains("DRIEETS"), "{}", m.message);
    }

    #[test]
    fn convocations_name_who_lacks_what_three_at_most() {
        let mut f = facts();
        f.candidates.clear();
        assert_eq!(
            rule(CheckId::CandidatesRegistered, &f, TODAY),
            Some("candidates.none")
        );
        assert_eq!(
            rule(CheckId::ConvocationsProven, &f, TODAY),
            Some("candidates.none")
        );
        for name in ["A", "B", "C", "D", "E"] {
            let mut c = candidate(name);
            c.convocation = None;
            f.candidates.push(c);
        }
        f.candidates[1].convocation = Some(Proof {
            mode: Mode::EmailReceipts,
            send: SendState::Sent,
            sent: true,
            hand_signed: false,
            read: false,
            signed_document: false,
        });
        let found = evaluate(
            CheckId::ConvocationsProven,
            &ids::CERES_CREATE_SESSION,
            &f,
            TODAY,
        )
        .unwrap();
        assert_eq!(
            found.message,
            "5 candidats sans convocation prouvée : A : aucun mode de convocation choisi ; \
             B : accusé de lecture attendu ; C : aucun mode de convocation choisi ; et 2 autres."
        );
        f.candidates.truncate(4);
        let found = evaluate(
            CheckId::ConvocationsProven,
            &ids::CERES_CREATE_SESSION,
            &f,
            TODAY,
        )
        .unwrap();
        assert!(
            found.message.ends_with("; et 1 autre."),
            "{}",
            found.message
        );
    }

    #[test]
    fn the_welcome_counts_who_is_not_pointed_then_who_did_not_sign() {
        let mut f = facts();
        f.candidates.push(candidate("B"));
        let m = evaluate(
            CheckId::CandidatesWelcomed,
            &ids::CERES_CREATE_SESSION,
            &f,
            TODAY,
        );
        assert_eq!(
            m.unwrap().message,
            "2 candidats ni pointés présents ni absents."
        );
        f.candidates[0].presence = Presence::Absent;
        f.candidates[1].presence = Presence::Present;
        f.candidates[1].identity_checked = true;
        let m = evaluate(
            CheckId::CandidatesWelcomed,
            &ids::CERES_CREATE_SESSION,
            &f,
            TODAY,
        );
        assert_eq!(
            m.unwrap().message,
            "1 candidat présent sans identité vérifiée ou sans émargement."
        );
        f.candidates[1].signed = true;
        assert_eq!(rule(CheckId::CandidatesWelcomed, &f, TODAY), None);
    }

    #[test]
    fn the_embedded_rulebook_names_each_check_once_on_its_milestone() {
        let rules = Rulebook::embedded();
        let named: Vec<(CheckId, &str)> = rules
            .milestones
            .iter()
            .filter_map(|m| Some((m.check.as_ref()?.id?, m.id.as_str())))
            .collect();
        assert_eq!(
            named,
            [
                (CheckId::TitleExpiryMargin, "title.check_expiry"),
                (CheckId::CeresSession, "ceres.create_session"),
                (CheckId::ManagerDeclared, "manager.appoint"),
                (CheckId::CandidatesRegistered, "candidates.register"),
                (CheckId::ConvocationsProven, "convocations.send"),
                (CheckId::CandidatesWelcomed, "day.welcome_candidates"),
            ]
        );
        let mut f = facts();
        f.ceres_number = None;
        let found = milestone(&rules, &ids::CERES_CREATE_SESSION, &f, TODAY).unwrap();
        assert_eq!(found.rule, "ceres.number_missing");
        assert_eq!(milestone(&rules, &ids::DTE_RECEIVE, &f, TODAY), None);
    }

    #[test]
    fn check_names_round_trip() {
        for c in CheckId::ALL {
            assert_eq!(CheckId::parse(c.as_str()), Some(c));
        }
        assert_eq!(CheckId::parse("ceres"), None);
    }
}
