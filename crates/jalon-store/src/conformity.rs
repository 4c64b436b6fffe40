//! The conformity report across sessions: late milestones and failing checks, read with a
//! fixed number of queries whatever the number of sessions.

use jalon_core::Severity;
use jalon_core::milestone::{MilestoneId, MilestoneState, Status};
use jiff::civil::Date;
use serde::Serialize;

use crate::Store;
use crate::error::{Result, RuleViolation};
use crate::ids::SessionId;
use crate::scope::Actor;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionConformity {
    pub id: SessionId,
    pub centre: String,
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub end: Date,
    pub status: Status,
    /// Milestones still to do whose deadline is past.
    pub late: Vec<MilestoneId>,
    /// The late milestones that the regulation makes mandatory.
    pub late_mandatory: Vec<MilestoneId>,
    /// Milestones whose automatic check fails now.
    pub failing: Vec<MilestoneId>,
    /// Why each failing check fails.
    pub reasons: Vec<RuleViolation>,
    /// Milestones done after their deadline: late work leaves a trace.
    pub done_late: Vec<DoneLate>,
}

/// A milestone done after its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DoneLate {
    pub milestone: MilestoneId,
    /// Days after the deadline.
    pub days: i32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub deadline: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub done_on: Date,
}

impl Store {
    /// Sessions of the actor's centre that are neither validated nor cancelled, with what is
    /// late, what fails and what was done late: six queries (centre, sessions, milestones,
    /// facts of sessions, of candidates and of checklist items).
    pub async fn conformity(&self, actor: &Actor) -> Result<Vec<SessionConformity>> {
        let (centre, details, mut facts) = tokio::try_join!(
            self.centre(actor),
            self.sessions(actor),
            self.centre_facts(actor)
        )?;
        let mut out = Vec::new();
        for detail in details {
            if !detail.session.status.is_open() {
                continue;
            }
            let reasons = match facts.remove(&detail.session.id) {
                Some(f) => self.failing(&detail, &f),
                None => Vec::new(),
            };
            let late: Vec<&_> = detail
                .milestones
                .iter()
                .filter(|m| m.late && m.state == MilestoneState::Todo)
                .collect();
            let done_late = detail
                .milestones
                .iter()
                .filter_map(|m| {
                    Some(DoneLate {
                        milestone: m.id.clone(),
                        days: m.done_late?,
                        deadline: m.deadline?,
                        done_on: m.done_at?.paris_date(),
                    })
                })
                .collect();
            let s = detail.session;
            out.push(SessionConformity {
                id: s.id,
                centre: centre.name.clone(),
                title: s.title_name,
                start: s.start,
                end: s.end,
                status: s.status,
                late: late.iter().map(|m| m.id.clone()).collect(),
                late_mandatory: late
                    .iter()
                    .filter(|m| m.severity == Severity::Mandatory)
                    .map(|m| m.id.clone())
                    .collect(),
                failing: reasons.iter().map(|r| r.milestone.clone()).collect(),
                reasons,
                done_late,
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
