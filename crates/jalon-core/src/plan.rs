//! The planner: from a session's dates and attributes to every milestone of the chronology,
//! with its window, legal deadline and advised working day, and the warnings a manager must
//! read before going on. A pure function: no clock, no I/O.

use jiff::civil::Date;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::calendar::{self, Zone};
use crate::fr;
use crate::milestone::{MilestoneId, ids};
use crate::rulebook::{AdvisedRule, Anchor, Condition, DateRule, MilestoneRule, Rulebook};
use crate::session::{Domain, Kind};
use crate::transmit::{self, TransmitDelay};

/// What the planner needs to know about a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanInput {
    /// `D`, first day of épreuves.
    pub start: Date,
    /// `F`, last day of épreuves; `D` when not given.
    pub end: Option<Date>,
    pub transport: bool,
    pub kind: Kind,
    /// The title's domain; unknown, the AFPA mailbox of a full-title session is unknown too.
    pub domain: Option<Domain>,
    pub title_expiry: Option<Date>,
    /// `T`, a candidate's training end, for the re-presentation deadline.
    pub training_end: Option<Date>,
    pub zone: Zone,
    /// The day the plan is read, for days left and late milestones.
    pub today: Date,
    /// Whether the centre holds an approval for the title over [D, F]; unknown counts as not
    /// held, so the approval milestone is shown.
    pub approval_held: Option<bool>,
    pub dte_received: bool,
    /// The title's own delay for the transmission (`close.transmit`), when its arrêté sets
    /// one; `None` for the seed's (48 h for transport titles, 5 days for the others).
    pub transmit: Option<TransmitDelay>,
}

impl PlanInput {
    /// A full-title, non-transport session in metropolitan France, domain unknown.
    pub fn new(start: Date, today: Date) -> PlanInput {
        PlanInput {
            start,
            end: None,
            transport: false,
            kind: Kind::Title,
            domain: None,
            title_expiry: None,
            training_end: None,
            zone: Zone::Metropole,
            today,
            approval_held: None,
            dte_received: false,
            transmit: None,
        }
    }

    pub fn end(&self) -> Date {
        self.end.unwrap_or(self.start)
    }

    fn anchor(&self, anchor: Anchor) -> Option<Date> {
        match anchor {
            Anchor::Start => Some(self.start),
            Anchor::End => Some(self.end()),
            Anchor::TitleExpiry => self.title_expiry,
            Anchor::TrainingEnd => self.training_end,
        }
    }

    fn satisfies(&self, c: &Condition) -> bool {
        c.transport.is_none_or(|t| t == self.transport)
            && c.kind.is_none_or(|k| k == self.kind)
            && c.approval_held
                .is_none_or(|a| self.approval_held.is_none_or(|held| held == a))
            && c.dte_received.is_none_or(|r| r == self.dte_received)
    }

    /// Why a condition does not hold, in French (« titre de transport », « DTE déjà reçus »).
    fn unmet(&self, c: &Condition) -> Vec<&'static str> {
        let mut why = Vec::new();
        if c.transport.is_some_and(|t| t != self.transport) {
            why.push(if self.transport {
                "titre de transport"
            } else {
                "titre hors transport"
            });
        }
        if c.kind.is_some_and(|k| k != self.kind) {
            why.push(match self.kind {
                Kind::Title => "session du titre complet",
                Kind::Ccp => "session de CCP",
                Kind::Ccs => "session de CCS",
            });
        }
        if c.approval_held
            .is_some_and(|a| self.approval_held.is_some_and(|held| held != a))
        {
            why.push(if self.approval_held == Some(true) {
                "agrément détenu pour la période de la session"
            } else {
                "pas d'agrément pour la période de la session"
            });
        }
        if c.dte_received.is_some_and(|r| r != self.dte_received) {
            why.push(if self.dte_received {
                "DTE déjà reçus"
            } else {
                "DTE pas encore reçus"
            });
        }
        why
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    EndBeforeStart {
        start: Date,
        end: Date,
    },
    /// A computed date leaves the supported calendar (years far outside any real session).
    OutOfRange {
        milestone: MilestoneId,
    },
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::EndBeforeStart { start, end } => write!(
                f,
                "la date de fin ({}) précède la date de début ({}) : la fin doit être le même jour ou après",
                fr::long_date(*end),
                fr::long_date(*start)
            ),
            PlanError::OutOfRange { milestone } => {
                write!(
                    f,
                    "la date du jalon « {milestone} » sort du calendrier pris en charge"
                )
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// Something the manager must read: each names the milestone it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    /// Stable machine name: `deadline_passed`, `title_expiry_soon`,
    /// `title_expiry_pulls_deadline`, `start_on_non_working_day`, `holiday_during_session`.
    pub code: &'static str,
    pub milestone: MilestoneId,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannedMilestone<'r> {
    pub rule: &'r MilestoneRule,
    /// The French name of its phase.
    pub phase_label: &'r str,
    pub applicable: bool,
    /// Why it is not applicable, in French (empty when applicable).
    pub not_applicable_because: Vec<&'static str>,
    pub opens: Option<Date>,
    /// The strongly recommended date (D − 8 months), on the last working day at or before it.
    pub recommended: Option<Date>,
    pub deadline: Option<Date>,
    pub advised: Option<Date>,
    /// The rule that gave the deadline.
    pub deadline_rule: Option<&'r DateRule>,
    /// The title's own delay, which gave the deadline instead of the rulebook's rule.
    pub own_delay: Option<TransmitDelay>,
    /// Calendar days from today to the deadline (negative when past).
    pub days_left: Option<i32>,
    /// Applicable, and its deadline is before today.
    pub late: bool,
    /// The AFPA mailbox to write to, for `dte.chase_afpa` (`None` there when the domain of a
    /// full-title session is unknown).
    pub mailbox: Option<&'r str>,
}

impl PlannedMilestone<'_> {
    pub fn id(&self) -> &str {
        self.rule.id.as_str()
    }

    /// How the deadline was computed, as people write it: « F + 5 j », « F + 5 jours ouvrés
    /// (délai du titre) ».
    pub fn deadline_describe(&self) -> Option<String> {
        self.own_delay
            .map(transmit::describe_rule)
            .or_else(|| self.deadline_rule.map(DateRule::describe))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan<'r> {
    pub input: PlanInput,
    pub rulebook: &'r Rulebook,
    pub milestones: Vec<PlannedMilestone<'r>>,
    pub warnings: Vec<Warning>,
}

impl<'r> Plan<'r> {
    pub fn milestone(&self, id: &str) -> Option<&PlannedMilestone<'r>> {
        self.milestones.iter().find(|m| m.rule.id == id)
    }
}

/// Computes the chronology of one session.
pub fn plan<'r>(rulebook: &'r Rulebook, input: &PlanInput) -> Result<Plan<'r>, PlanError> {
    let end = input.end();
    if end < input.start {
        return Err(PlanError::EndBeforeStart {
            start: input.start,
            end,
        });
    }
    let mut milestones = Vec::with_capacity(rulebook.milestones.len());
    let mut warnings = Vec::new();
    if let Some(expiry) = input.title_expiry {
        title_expiry_warning(rulebook, input, expiry, &mut warnings);
    }
    if let Some(name) = non_working_reason(input.start, input.zone)
        && rulebook.milestone(ids::LAUNCH_START.as_str()).is_some()
    {
        warnings.push(Warning {
            code: "start_on_non_working_day",
            milestone: ids::LAUNCH_START,
            message: format!(
                "La session commence le {}, {name} : vérifiez la date de début.",
                fr::long_date(input.start)
            ),
        });
    }

    // A public holiday after the first day: the épreuves cannot be held that day.
    if rulebook.milestone(ids::LAUNCH_START.as_str()).is_some() {
        let holidays: Vec<String> = days_after(input.start, end)
            .into_iter()
            .filter_map(|d| {
                calendar::holiday_name(d, input.zone)
                    .map(|name| format!("{} ({name})", fr::long_date(d)))
            })
            .collect();
        if !holidays.is_empty() {
            let s = if holidays.len() > 1 { "s" } else { "" };
            warnings.push(Warning {
                code: "holiday_during_session",
                milestone: ids::LAUNCH_START,
                message: format!(
                    "La session compte {} jour{s} férié{s} : {}. Vérifiez les dates.",
                    holidays.len(),
                    holidays.join(", ")
                ),
            });
        }
    }

    for rule in &rulebook.milestones {
        let out_of_range = || PlanError::OutOfRange {
            milestone: rule.id.clone(),
        };
        let (applicable, not_applicable_because) = match &rule.applies_when {
            Some(c) if !input.satisfies(c) => (false, input.unmet(c)),
            _ => (true, Vec::new()),
        };
        let opens = match rule.opens {
            Some(r) => match input.anchor(r.anchor) {
                Some(a) => Some(r.apply(a).ok_or_else(out_of_range)?),
                None => None,
            },
            None => None,
        };
        let recommended = match rule.recommended {
            Some(r) => match input.anchor(r.anchor) {
                Some(a) => {
                    let d = r.apply(a).ok_or_else(out_of_range)?;
                    Some(calendar::advised(d, input.zone).ok_or_else(out_of_range)?)
                }
                None => None,
            },
            None => None,
        };
        // The earliest date among the rules that apply and whose anchor is known; the first
        // such rule is the ordinary one, a later one may pull the deadline in.
        let mut first: Option<(Date, &DateRule)> = None;
        let mut earliest: Option<(Date, &DateRule)> = None;
        for r in &rule.deadline {
            if r.when.as_ref().is_some_and(|c| !input.satisfies(c)) {
                continue;
            }
            let Some(anchor) = input.anchor(r.anchor) else {
                continue;
            };
            let date = r.apply(anchor).ok_or_else(out_of_range)?;
            first.get_or_insert((date, r));
            if earliest.is_none_or(|(e, _)| date < e) {
                earliest = Some((date, r));
            }
        }
        // A title whose arrêté sets its own transmission delay replaces the seed's.
        let own_delay = input.transmit.filter(|_| rule.id == ids::CLOSE_TRANSMIT);
        let deadline = match own_delay {
            Some(d) => {
                first = None;
                earliest = None;
                Some(transmit::deadline(end, d, input.zone).ok_or_else(out_of_range)?)
            }
            None => earliest.map(|(d, _)| d),
        };
        let advised = match (deadline, rule.advised) {
            (Some(d), AdvisedRule::LastWorkingDay) => {
                Some(calendar::advised(d, input.zone).ok_or_else(out_of_range)?)
            }
            (Some(d), AdvisedRule::OnDeadline) => Some(d),
            (None, _) => None,
        };
        let days_left = deadline.map(|d| calendar::days_between(input.today, d));
        let late = applicable && days_left.is_some_and(|n| n < 0);

        if applicable
            && let (Some((d, r)), Some((base, base_rule))) = (earliest, first)
            && d < base
            && r.anchor == Anchor::TitleExpiry
        {
            let law = rule
                .source
                .regulation
                .as_deref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default();
            warnings.push(Warning {
                code: "title_expiry_pulls_deadline",
                milestone: rule.id.clone(),
                message: format!(
                    "L'échéance du titre avance la date limite de « {} » au {} au lieu du {} ({}) : \
                     toute session doit être créée avant l'échéance du titre{law}.",
                    rule.label,
                    fr::long_date(d),
                    fr::long_date(base),
                    base_rule.describe(),
                ),
            });
        }
        if late && let (Some(d), Some(r), Some(n)) = (deadline, earliest.map(|e| e.1), days_left) {
            warnings.push(Warning {
                code: "deadline_passed",
                milestone: rule.id.clone(),
                message: format!(
                    "« {} » : la date limite ({}) était le {}, il y a {} jour{} ; \
                     cette étape ne peut plus être faite dans les délais.",
                    rule.label,
                    r.describe(),
                    fr::long_date(d),
                    -n,
                    if n < -1 { "s" } else { "" }
                ),
            });
        }
        let mailbox = if rule.afpa_mailbox {
            rulebook
                .afpa_mailboxes
                .for_session(input.kind, input.domain)
        } else {
            None
        };
        milestones.push(PlannedMilestone {
            rule,
            phase_label: rulebook.phase(&rule.phase).map_or("", |p| p.label.as_str()),
            applicable,
            not_applicable_because,
            opens,
            recommended,
            deadline,
            advised,
            deadline_rule: earliest.map(|(_, r)| r),
            own_delay,
            days_left,
            late,
            mailbox,
        });
    }
    Ok(Plan {
        input: input.clone(),
        rulebook,
        milestones,
        warnings,
    })
}

/// The days after `start`, up to `end`.
fn days_after(start: Date, end: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut day = start;
    while let Ok(next) = day.tomorrow() {
        if next > end {
            break;
        }
        out.push(next);
        day = next;
    }
    out
}

fn title_expiry_warning(
    rulebook: &Rulebook,
    input: &PlanInput,
    expiry: Date,
    out: &mut Vec<Warning>,
) {
    if rulebook
        .milestone(ids::TITLE_CHECK_EXPIRY.as_str())
        .is_none()
    {
        return;
    }
    let six_months = calendar::add_months(input.today, 6);
    let message = if expiry < input.today {
        format!(
            "Le titre a expiré le {} : aucune nouvelle session ne peut être créée dans CERES.",
            fr::long_date(expiry)
        )
    } else if six_months.is_none_or(|limit| expiry <= limit) {
        format!(
            "L'échéance du titre ({}) est à moins de 6 mois d'aujourd'hui : vérifiez son \
             renouvellement et créez la session dans CERES avant cette date.",
            fr::long_date(expiry)
        )
    } else {
        return;
    };
    out.push(Warning {
        code: "title_expiry_soon",
        milestone: ids::TITLE_CHECK_EXPIRY,
        message,
    });
}

/// « jour férié (Lundi de Pentecôte) », « un jour de week-end », or `None` for a working day.
fn non_working_reason(date: Date, zone: Zone) -> Option<String> {
    if let Some(name) = calendar::holiday_name(date, zone) {
        return Some(format!("jour férié ({name})"));
    }
    (!calendar::is_working_day(date, zone)).then(|| "un jour de week-end".to_owned())
}

fn iso(date: Option<Date>) -> Option<String> {
    date.map(|d| d.to_string())
}

impl Serialize for PlannedMilestone<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.rule;
        let mut st = s.serialize_struct("PlannedMilestone", 20)?;
        st.serialize_field("id", &r.id)?;
        st.serialize_field("phase", &r.phase)?;
        st.serialize_field("phase_label", &self.phase_label)?;
        st.serialize_field("label", &r.label)?;
        st.serialize_field("description", &r.description)?;
        st.serialize_field("severity", &r.severity)?;
        st.serialize_field("applicable", &self.applicable)?;
        if !self.applicable {
            st.serialize_field("not_applicable_because", &self.not_applicable_because)?;
        }
        st.serialize_field("opens", &iso(self.opens))?;
        st.serialize_field("recommended", &iso(self.recommended))?;
        st.serialize_field("deadline", &iso(self.deadline))?;
        st.serialize_field("advised", &iso(self.advised))?;
        st.serialize_field("deadline_rule", &self.deadline_describe())?;
        st.serialize_field("days_left", &self.days_left)?;
        st.serialize_field("late", &self.late)?;
        st.serialize_field("per_candidate", &r.per_candidate)?;
        if r.afpa_mailbox {
            st.serialize_field("mailbox", &self.mailbox)?;
        }
        st.serialize_field("check", &r.check)?;
        st.serialize_field("checklist", &r.checklist)?;
        st.serialize_field("source", &r.source)?;
        st.end()
    }
}

impl Serialize for Plan<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let i = &self.input;
        let mut st = s.serialize_struct("Plan", 14)?;
        st.serialize_field("start", &i.start.to_string())?;
        st.serialize_field("end", &i.end().to_string())?;
        st.serialize_field("today", &i.today.to_string())?;
        st.serialize_field("kind", &i.kind)?;
        st.serialize_field("domain", &i.domain)?;
        st.serialize_field("transport", &i.transport)?;
        st.serialize_field("zone", &i.zone)?;
        st.serialize_field("title_expiry", &iso(i.title_expiry))?;
        st.serialize_field("training_end", &iso(i.training_end))?;
        st.serialize_field("transmit", &i.transmit)?;
        st.serialize_field("rulebook", &RulebookRef(self.rulebook))?;
        st.serialize_field("milestones", &self.milestones)?;
        st.serialize_field("warnings", &self.warnings)?;
        st.end()
    }
}

struct RulebookRef<'r>(&'r Rulebook);

impl Serialize for RulebookRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Rulebook", 2)?;
        st.serialize_field("name", &self.0.name)?;
        st.serialize_field("version", &self.0.version)?;
        st.end()
    }
}
