//! The conformity report across sessions: late milestones and failing checks.

use jalon_core::Severity;
use jiff::civil::Date;
use serde::Serialize;

use crate::Store;
use crate::error::{Result, RuleViolation};
use crate::scope::Actor;
use crate::sessions::{MilestoneState, Status};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionConformity {
    pub id: String,
    pub centre: String,
    pub title: String,
    pub start: Date,
    pub end: Date,
    pub status: Status,
    /// Milestones still to do whose deadline is past.
    pub late: Vec<String>,
    /// The late milestones that the regulation makes mandatory.
    pub late_mandatory: Vec<String>,
    /// Milestones whose automatic check fails now.
    pub failing: Vec<String>,
    /// Why each failing check fails.
    pub reasons: Vec<RuleViolation>,
}

impl Store {
    /// Sessions of the actor's centre that are neither validated nor cancelled, with what is
    /// late and what fails.
    pub async fn conformity(&self, actor: &Actor) -> Result<Vec<SessionConformity>> {
        let centre = self.centre(actor).await?.name;
        let mut out = Vec::new();
        for detail in self.sessions(actor).await? {
            if matches!(detail.session.status, Status::Validated | Status::Cancelled) {
                continue;
            }
            let late: Vec<&_> = detail
                .milestones
                .iter()
                .filter(|m| m.late && m.state == MilestoneState::Todo)
                .collect();
            let reasons = self.failing_checks(actor, &detail).await?;
            let s = &detail.session;
            out.push(SessionConformity {
                id: s.id.clone(),
                centre: centre.clone(),
                title: s.title_name.clone(),
                start: s.start,
                end: s.end,
                status: s.status,
                late: late.iter().map(|m| m.id.clone()).collect(),
                late_mandatory: late
                    .iter()
                    .filter(|m| m.severity == Severity::Mandatory)
                    .map(|m| m.id.clone())
                    .collect(),
                failing: reasons.iter().map(|r| r.milestone.to_owned()).collect(),
                reasons,
            });
        }
        Ok(out)
    }

    /// The report for every centre of the database (the command line, run from cron).
    pub async fn conformity_all(&self) -> Result<Vec<SessionConformity>> {
        let mut out = Vec::new();
        for c in self.centres().await? {
            out.extend(self.conformity(&Actor::command_line(c.id)).await?);
        }
        Ok(out)
    }
}
