//! Jalon's pure domain: the rulebook of a Titre Professionnel exam session, the French
//! working calendar, and the planner that turns a session's dates into its chronology.
//!
//! No I/O, no clock, no async: every function here is deterministic.

pub mod account;
pub mod archiving;
pub mod calendar;
pub mod candidate;
pub mod catalog;
pub mod checklist;
pub mod checks;
pub mod convocation;
pub mod custody;
pub mod fr;
pub mod journal_chain;
pub mod jury;
pub mod launch;
pub mod milestone;
pub mod plan;
pub mod privacy;
pub mod represent;
pub mod results;
pub mod rulebook;
pub mod schedule;
pub mod session;
pub mod session_rules;
pub mod text;
pub mod timetable;
pub mod transmit;
pub mod upload;

pub use calendar::Zone;
pub use milestone::{MilestoneId, MilestoneState, Status};
pub use plan::{Plan, PlanError, PlanInput, PlannedMilestone, Warning, plan};
pub use rulebook::{Rulebook, RulebookError, Severity};
pub use session::{Domain, Kind};

/// One field of an input that is wrong, and why, in French.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// The field's name in the input: `end`, `structure.epreuves[2]`…
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            field: field.into(),
            message: message.into(),
        }
    }
}
