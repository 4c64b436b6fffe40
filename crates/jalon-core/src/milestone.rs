//! Milestones as the code speaks of them: their typed ids (any the rulebook defines, and the
//! few the code itself relies on), their state, and the status of a session derived from
//! its recorded facts.

use std::borrow::{Borrow, Cow};
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::Problem;

/// A milestone's id, as the rulebook writes it (`ceres.create_session`). A contract: the
/// CLI, the API and the data files use these ids.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, example = "ceres.create_session")
)]
#[serde(transparent)]
pub struct MilestoneId(Cow<'static, str>);

impl MilestoneId {
    /// An id the code knows by name (see [`ids`]).
    pub const fn known(id: &'static str) -> MilestoneId {
        MilestoneId(Cow::Borrowed(id))
    }

    pub fn new(id: impl Into<String>) -> MilestoneId {
        MilestoneId(Cow::Owned(id.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MilestoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for MilestoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Borrow<str> for MilestoneId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for MilestoneId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for MilestoneId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for MilestoneId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The milestones the code relies on by name. A rulebook that drives sessions must define
/// each of them ([`RELIED_ON`]).
pub mod ids {
    use super::MilestoneId;

    /// The planner warns about the title's expiry on it.
    pub const TITLE_CHECK_EXPIRY: MilestoneId = MilestoneId::known("title.check_expiry");
    /// Where a missing or unfit approval is reported.
    pub const APPROVAL_APPLY: MilestoneId = MilestoneId::known("approval.apply");
    /// Where a session too close or a title expired is reported.
    pub const CERES_CREATE_SESSION: MilestoneId = MilestoneId::known("ceres.create_session");
    /// Where an undeclared manager is reported.
    pub const MANAGER_APPOINT: MilestoneId = MilestoneId::known("manager.appoint");
    /// Its deadline flags late registrations.
    pub const CANDIDATES_REGISTER: MilestoneId = MilestoneId::known("candidates.register");
    /// Shown when choosing a session's dates.
    pub const CONVOCATIONS_SEND: MilestoneId = MilestoneId::known("convocations.send");
    /// Shown when choosing a session's dates.
    pub const DTE_CHASE_AFPA: MilestoneId = MilestoneId::known("dte.chase_afpa");
    /// Done, the DTE are received: the chase no longer applies.
    pub const DTE_RECEIVE: MilestoneId = MilestoneId::known("dte.receive");
    /// Checked by the welcome of candidates.
    pub const DAY_WELCOME_CANDIDATES: MilestoneId = MilestoneId::known("day.welcome_candidates");
    /// Its checklist gains one item per candidate with an accommodation.
    pub const PREP_COMPLIANCE: MilestoneId = MilestoneId::known("prep.compliance");
    /// The planner warns when the session starts on a day off.
    pub const LAUNCH_START: MilestoneId = MilestoneId::known("launch.start");
    /// Its pieces are kept on the « Résultats » tab.
    pub const CLOSE_ARCHIVE: MilestoneId = MilestoneId::known("close.archive");
    /// Done, the session is transmitted.
    pub const CLOSE_TRANSMIT: MilestoneId = MilestoneId::known("close.transmit");
    /// Done, the session is validated.
    pub const VALIDATION_DECISION: MilestoneId = MilestoneId::known("validation.decision");
    /// The jury's refusals belong to it.
    pub const JURY_APPOINT: MilestoneId = MilestoneId::known("jury.appoint");
    /// The organiser's envelope is opened under it.
    pub const PREP_OPEN_ORGANISER_ENVELOPE: MilestoneId =
        MilestoneId::known("prep.open_organiser_envelope");
    /// The subject envelopes are opened under it.
    pub const LAUNCH_OPEN_SUBJECTS: MilestoneId = MilestoneId::known("launch.open_subjects");
    /// The subjects are destroyed under it.
    pub const CLOSE_DESTROY_SUBJECTS: MilestoneId = MilestoneId::known("close.destroy_subjects");
    /// Attested on the launch page, on the first day.
    pub const DAY_FINAL_CHECKS: MilestoneId = MilestoneId::known("day.final_checks");
    /// Attested on the launch page, each day.
    pub const DAY_TRAINERS_ABSENT: MilestoneId = MilestoneId::known("day.trainers_absent");
    /// Attested on the launch page, on the first day.
    pub const LAUNCH_BRIEFING_CANDIDATES: MilestoneId =
        MilestoneId::known("launch.briefing_candidates");
    /// The results' refusals belong to it.
    pub const CLOSE_ENTER_RESULTS: MilestoneId = MilestoneId::known("close.enter_results");
    /// A re-presentation's refusals belong to it.
    pub const FOLLOWUP_REPRESENT: MilestoneId = MilestoneId::known("followup.represent");
}

/// Every milestone the code relies on.
pub const RELIED_ON: [MilestoneId; 19] = [
    ids::TITLE_CHECK_EXPIRY,
    ids::APPROVAL_APPLY,
    ids::CERES_CREATE_SESSION,
    ids::MANAGER_APPOINT,
    ids::CANDIDATES_REGISTER,
    ids::DTE_RECEIVE,
    ids::PREP_COMPLIANCE,
    ids::LAUNCH_START,
    ids::CLOSE_TRANSMIT,
    ids::VALIDATION_DECISION,
    ids::JURY_APPOINT,
    ids::PREP_OPEN_ORGANISER_ENVELOPE,
    ids::LAUNCH_OPEN_SUBJECTS,
    ids::CLOSE_DESTROY_SUBJECTS,
    ids::DAY_FINAL_CHECKS,
    ids::DAY_TRAINERS_ABSENT,
    ids::LAUNCH_BRIEFING_CANDIDATES,
    ids::CLOSE_ENTER_RESULTS,
    ids::FOLLOWUP_REPRESENT,
];

/// Where a milestone of a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MilestoneState {
    Todo,
    Done,
    NotApplicable,
}

impl MilestoneState {
    pub const ALL: [MilestoneState; 3] = [
        MilestoneState::Todo,
        MilestoneState::Done,
        MilestoneState::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneState::Todo => "todo",
            MilestoneState::Done => "done",
            MilestoneState::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<MilestoneState> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// The longest evidence kept for a milestone.
pub const MAX_EVIDENCE: usize = 4000;

/// What is wrong with the evidence given to mark a milestone done.
pub fn evidence_problem(evidence: &str) -> Option<Problem> {
    let evidence = evidence.trim();
    let message = if evidence.is_empty() {
        "indiquez la preuve (référence, document, numéro CERES, courriel…)"
    } else if evidence.chars().count() > MAX_EVIDENCE {
        "preuve trop longue (4 000 caractères au plus)"
    } else {
        return None;
    };
    Some(Problem {
        field: "evidence".into(),
        message: message.to_owned(),
    })
}

/// Why a milestone in this state cannot be marked done.
pub fn completion_problem(applicable: bool, state: MilestoneState) -> Option<Problem> {
    let message = if !applicable {
        "ce jalon ne s'applique pas à cette session"
    } else if state == MilestoneState::Done {
        "ce jalon est déjà fait ; rouvrez-le pour le modifier"
    } else {
        return None;
    };
    Some(Problem {
        field: "milestone".into(),
        message: message.to_owned(),
    })
}

/// A milestone of the session's own days (`done_from_opening` in the rulebook) cannot be
/// done before it opens: a launch four months early cannot be true.
pub fn too_early_problem(today: Date, opens: Option<Date>, from_opening: bool) -> Option<Problem> {
    let opens = opens.filter(|o| from_opening && today < *o)?;
    Some(Problem {
        field: "milestone".into(),
        message: format!(
            "ce jalon ne peut être fait qu'à partir du {} : il n'a pas encore pu avoir lieu",
            crate::fr::long_date(opens)
        ),
    })
}

/// Why a milestone in this state cannot be reopened.
pub fn reopening_problem(state: MilestoneState) -> Option<Problem> {
    (state != MilestoneState::Done).then(|| Problem {
        field: "milestone".into(),
        message: "ce jalon n'est pas fait : il n'y a rien à rouvrir".to_owned(),
    })
}

/// A reason is required (`why`: « pourquoi ce jalon est rouvert »).
pub fn reason_problem(reason: &str, why: &str) -> Option<Problem> {
    reason.trim().is_empty().then(|| Problem {
        field: "reason".into(),
        message: format!("indiquez {why}"),
    })
}

/// Days a milestone was done after its deadline: `None` when done in time (or without one).
pub fn days_late(done_on: Date, deadline: Option<Date>) -> Option<i32> {
    let late = crate::calendar::days_between(deadline?, done_on);
    (late > 0).then_some(late)
}

/// « fait en retard (2 jours) ».
pub fn done_late_label(days: i32) -> String {
    format!(
        "fait en retard ({days} jour{})",
        if days > 1 { "s" } else { "" }
    )
}

/// Where a session stands, derived from its recorded facts so the two never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being prepared, not yet created in CERES.
    Draft,
    /// Created in CERES (a CERES number is recorded).
    Planned,
    /// Between its first and last day.
    InProgress,
    /// Over, documents not yet transmitted.
    ToClose,
    /// Documents transmitted, awaiting the State's validation.
    Transmitted,
    /// The departmental service asked for complements: awaiting them, then its validation.
    ComplementsRequested,
    /// Validated by the departmental service.
    Validated,
    Cancelled,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "en préparation",
            Status::Planned => "créée dans CERES",
            Status::InProgress => "en cours",
            Status::ToClose => "à clôturer",
            Status::Transmitted => "transmise",
            Status::ComplementsRequested => "compléments demandés",
            Status::Validated => "validée",
            Status::Cancelled => "annulée",
        }
    }

    /// Still being carried: neither validated nor cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, Status::Validated | Status::Cancelled)
    }
}

/// The facts a session's status is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusFacts {
    pub start: Date,
    pub end: Date,
    pub cancelled: bool,
    pub ceres_number: bool,
    /// `close.transmit` is done.
    pub transmitted: bool,
    /// `validation.decision` is done.
    pub validated: bool,
    /// The departmental service's last request for complements is recorded.
    pub complements_requested: bool,
}

/// The status of a session on `today`.
pub fn status(f: StatusFacts, today: Date) -> Status {
    if f.cancelled {
        Status::Cancelled
    } else if f.validated {
        Status::Validated
    } else if f.complements_requested {
        Status::ComplementsRequested
    } else if f.transmitted {
        Status::Transmitted
    } else if today > f.end {
        Status::ToClose
    } else if today >= f.start {
        Status::InProgress
    } else if f.ceres_number {
        Status::Planned
    } else {
        Status::Draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn known_ids_compare_with_text_and_owned_ids() {
        assert_eq!(ids::DTE_RECEIVE, "dte.receive");
        assert_eq!(ids::DTE_RECEIVE, MilestoneId::new("dte.receive"));
        assert_ne!(ids::DTE_RECEIVE, ids::CLOSE_TRANSMIT);
        assert_eq!(
            serde_json::to_string(&ids::DTE_RECEIVE).unwrap(),
            "\"dte.receive\""
        );
    }

    #[test]
    fn completing_needs_evidence_an_applicable_milestone_not_yet_done() {
        assert_eq!(evidence_problem("  ").unwrap().field, "evidence");
        assert!(
            evidence_problem(&"x".repeat(4001))
                .unwrap()
                .message
                .contains("4 000")
        );
        assert_eq!(evidence_problem("Session n° 2027-001"), None);
        assert!(
            completion_problem(false, MilestoneState::NotApplicable)
                .unwrap()
                .message
                .contains("ne s'applique pas")
        );
        assert!(
            completion_problem(true, MilestoneState::Done)
                .unwrap()
                .message
                .contains("rouvrez-le")
        );
        assert_eq!(completion_problem(true, MilestoneState::Todo), None);
        assert!(reopening_problem(MilestoneState::Todo).is_some());
        assert_eq!(reopening_problem(MilestoneState::Done), None);
        assert_eq!(
            reason_problem(" ", "pourquoi ce jalon est rouvert")
                .unwrap()
                .message,
            "indiquez pourquoi ce jalon est rouvert"
        );
        assert_eq!(reason_problem("erreur", "x"), None);
    }

    #[test]
    fn the_days_own_work_is_done_from_its_day() {
        let opens = Some(date(2027, 4, 5));
        let p = too_early_problem(date(2026, 12, 1), opens, true).unwrap();
        assert_eq!(
            p.message,
            "ce jalon ne peut être fait qu'à partir du lundi 5 avril 2027 : il n'a pas encore pu avoir lieu"
        );
        assert_eq!(too_early_problem(date(2027, 4, 5), opens, true), None);
        // Where the regulation allows doing it early, the window's opening is advice.
        assert_eq!(too_early_problem(date(2026, 12, 1), opens, false), None);
        assert_eq!(too_early_problem(date(2026, 12, 1), None, true), None);
    }

    #[test]
    fn late_work_counts_the_days_after_the_deadline() {
        let deadline = Some(date(2026, 12, 14));
        assert_eq!(days_late(date(2026, 12, 14), deadline), None);
        assert_eq!(days_late(date(2026, 12, 1), deadline), None);
        assert_eq!(days_late(date(2026, 12, 16), deadline), Some(2));
        // Across a month and a year end.
        assert_eq!(days_late(date(2027, 1, 2), deadline), Some(19));
        assert_eq!(days_late(date(2027, 1, 2), None), None);
        assert_eq!(done_late_label(2), "fait en retard (2 jours)");
        assert_eq!(done_late_label(1), "fait en retard (1 jour)");
    }

    #[test]
    fn states_round_trip() {
        for s in MilestoneState::ALL {
            assert_eq!(MilestoneState::parse(s.as_str()), Some(s));
        }
        assert_eq!(MilestoneState::parse("fait"), None);
    }

    #[test]
    fn status_follows_the_recorded_facts_and_the_day() {
        let f = StatusFacts {
            start: date(2027, 3, 15),
            end: date(2027, 3, 19),
            cancelled: false,
            ceres_number: false,
            transmitted: false,
            validated: false,
            complements_requested: false,
        };
        let before = date(2027, 1, 4);
        assert_eq!(status(f, before), Status::Draft);
        let f = StatusFacts {
            ceres_number: true,
            ..f
        };
        assert_eq!(status(f, before), Status::Planned);
        assert_eq!(status(f, date(2027, 3, 15)), Status::InProgress);
        assert_eq!(status(f, date(2027, 3, 19)), Status::InProgress);
        assert_eq!(status(f, date(2027, 3, 20)), Status::ToClose);
        let t = StatusFacts {
            transmitted: true,
            ..f
        };
        assert_eq!(status(t, date(2027, 3, 20)), Status::Transmitted);
        let asked = StatusFacts {
            complements_requested: true,
            ..t
        };
        assert_eq!(
            status(asked, date(2027, 4, 2)),
            Status::ComplementsRequested
        );
        assert!(Status::ComplementsRequested.is_open());
        let v = StatusFacts {
            validated: true,
            ..t
        };
        assert_eq!(status(v, date(2027, 4, 20)), Status::Validated);
        assert!(!Status::Validated.is_open());
        let c = StatusFacts {
            cancelled: true,
            ..v
        };
        assert_eq!(status(c, before), Status::Cancelled);
        assert!(!Status::Cancelled.is_open());
        assert!(Status::ToClose.is_open());
    }
}
