//! The rulebook: the chronology of a session as data (`rules/rulebook.toml`).
//!
//! The default rulebook is embedded in the binary; another file can replace it so that a
//! change of regulation needs no rebuild. Loading checks everything a planner relies on and
//! reports every problem at once, in French, naming the milestone and the field.

use std::collections::HashSet;
use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::checks::CheckId;
use crate::milestone::{MilestoneId, RELIED_ON};
use crate::session::{Domain, Kind};

/// The rulebook shipped with Jalon.
pub const DEFAULT_RULEBOOK: &str = include_str!("../../../rules/rulebook.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Mandatory,
    Recommended,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Mandatory => "obligatoire",
            Severity::Recommended => "recommandé",
        }
    }
}

/// The date a rule counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// `D`, the first day of épreuves.
    Start,
    /// `F`, the last day of épreuves.
    End,
    /// The title's expiry date (date d'échéance).
    TitleExpiry,
    /// `T`, a candidate's training end.
    TrainingEnd,
}

impl Anchor {
    const NAMES: [(&'static str, Anchor); 4] = [
        ("start", Anchor::Start),
        ("end", Anchor::End),
        ("title_expiry", Anchor::TitleExpiry),
        ("training_end", Anchor::TrainingEnd),
    ];

    fn parse(s: &str) -> Option<Anchor> {
        Self::NAMES.iter().find(|(n, _)| *n == s).map(|(_, a)| *a)
    }
}

/// When a milestone's advised date falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdvisedRule {
    /// The last working day on or before the deadline (office work).
    #[default]
    LastWorkingDay,
    /// The deadline itself: the work happens on a day of the session, which is a day the
    /// centre works whatever the calendar says ("quelques heures avant la session").
    OnDeadline,
}

/// Facts about a session that a rule can depend on. Every field given must hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_held: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dte_received: Option<bool>,
}

/// One date rule: `anchor + months + days`, months first (clamped to the month's end).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DateRule {
    pub anchor: Anchor,
    pub months: i32,
    pub days: i32,
    /// The rule only applies to sessions matching this condition.
    pub when: Option<Condition>,
}

impl DateRule {
    /// The date for a given anchor date; `None` when it leaves the calendar's range.
    pub fn apply(&self, anchor: Date) -> Option<Date> {
        let shifted = calendar::add_months(anchor, self.months)?;
        calendar::add_days(shifted, self.days)
    }

    /// « J−91 », « D − 6 mois », « F + 5 j » — the rule as people write it.
    pub fn describe(&self) -> String {
        let base = match self.anchor {
            Anchor::Start => "D",
            Anchor::End => "F",
            Anchor::TitleExpiry => "échéance du titre",
            Anchor::TrainingEnd => "fin de formation",
        };
        let mut out = base.to_owned();
        let sign = |n: i32| if n < 0 { " − " } else { " + " };
        if self.months != 0 {
            out.push_str(&format!("{}{} mois", sign(self.months), self.months.abs()));
        }
        if self.days != 0 {
            let unit = if self.days.abs() == 1 {
                "jour"
            } else {
                "jours"
            };
            out.push_str(&format!("{}{} {unit}", sign(self.days), self.days.abs()));
        }
        out
    }
}

/// Where a milestone comes from in the regulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Section of the original description (seed) that states it.
    pub seed: String,
    /// The legal text, where one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub id: String,
    pub label: String,
}

/// What is checked for a milestone: by Jalon itself when the check has an id, otherwise by
/// the person who marks it done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub id: Option<CheckId>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MilestoneRule {
    pub id: MilestoneId,
    pub phase: String,
    pub label: String,
    pub description: String,
    pub severity: Severity,
    pub opens: Option<DateRule>,
    /// The date the seed strongly recommends acting by (« un délai de 8 mois est fortement
    /// recommandé »), earlier than the deadline; shown on the last working day at or before it.
    pub recommended: Option<DateRule>,
    /// The deadline is the earliest of these rules, among those whose condition holds and
    /// whose anchor is known. Empty: no fixed date (validation by the State).
    pub deadline: Vec<DateRule>,
    pub advised: AdvisedRule,
    pub applies_when: Option<Condition>,
    /// A milestone that exists once per candidate (re-presentation).
    pub per_candidate: bool,
    pub afpa_mailbox: bool,
    /// It cannot be done before its window opens (the session's own days); elsewhere the
    /// opening is advice.
    pub done_from_opening: bool,
    pub check: Option<Check>,
    pub checklist: Vec<String>,
    /// One item per day of the session, « <jour> : <texte> » (attested each day).
    pub checklist_each_day: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfpaMailboxes {
    pub ccp: String,
    pub btp: String,
    pub industry: String,
    pub tertiary: String,
}

impl AfpaMailboxes {
    /// The mailbox to chase missing DTE at: CCP sessions have their own, others go by the
    /// title's domain (`None` when it is unknown).
    pub fn for_session(&self, kind: Kind, domain: Option<Domain>) -> Option<&str> {
        match (kind, domain) {
            (Kind::Ccp, _) => Some(&self.ccp),
            (_, Some(Domain::Btp)) => Some(&self.btp),
            (_, Some(Domain::Industry)) => Some(&self.industry),
            (_, Some(Domain::Tertiary)) => Some(&self.tertiary),
            (Kind::Title | Kind::Ccs, None) => None,
        }
    }

    /// Every mailbox with the French name of what it serves, for when the domain is unknown.
    pub fn all(&self) -> [(&'static str, &str); 4] {
        [
            ("BTP", &self.btp),
            ("industrie", &self.industry),
            ("tertiaire", &self.tertiary),
            ("CCP", &self.ccp),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rulebook {
    pub name: String,
    pub version: String,
    pub phases: Vec<Phase>,
    /// In chronological order: by phase, then as written in the file.
    pub milestones: Vec<MilestoneRule>,
    pub afpa_mailboxes: AfpaMailboxes,
    /// When each candidate's accommodation must be asked of the departmental service (a
    /// date before the session's start), if the rulebook says.
    pub accommodation_request: Option<DateRule>,
}

impl Rulebook {
    /// The day a candidate's accommodation must be asked by, for a session starting `start`.
    pub fn accommodation_request_by(&self, start: Date) -> Option<Date> {
        self.accommodation_request.and_then(|r| r.apply(start))
    }
}

/// Everything wrong with a rulebook, one French line per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulebookError {
    pub problems: Vec<String>,
}

impl fmt::Display for RulebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "règles invalides ({n} problème{}) :",
            if n > 1 { "s" } else { "" }
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl RulebookError {
    /// Every problem on one line, for a command-line message.
    pub fn one_line(&self) -> String {
        let n = self.problems.len();
        format!(
            "règles invalides ({n} problème{}) : {}",
            if n > 1 { "s" } else { "" },
            self.problems.join(" ; ")
        )
    }
}

impl std::error::Error for RulebookError {}

// ---- The file as written -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRulebook {
    name: String,
    version: String,
    #[serde(default)]
    phases: Vec<RawPhase>,
    #[serde(default)]
    milestones: Vec<RawMilestone>,
    afpa_mailboxes: AfpaMailboxes,
    #[serde(default)]
    candidates: Option<RawCandidateRules>,
}

/// The deadlines of each candidate (`[candidates]`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCandidateRules {
    accommodation_request: Option<RawDateRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhase {
    id: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDateRule {
    anchor: String,
    #[serde(default)]
    months: i64,
    #[serde(default)]
    days: i64,
    #[serde(default)]
    when: Option<Condition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMilestone {
    id: String,
    phase: String,
    label: String,
    #[serde(default)]
    description: String,
    severity: String,
    #[serde(default)]
    opens: Option<RawDateRule>,
    #[serde(default)]
    recommended: Option<RawDateRule>,
    #[serde(default)]
    deadline: Option<toml::Value>,
    #[serde(default)]
    advised: Option<String>,
    #[serde(default)]
    applies_when: Option<Condition>,
    #[serde(default)]
    per_candidate: bool,
    #[serde(default)]
    afpa_mailbox: bool,
    #[serde(default)]
    done_from_opening: bool,
    /// A text (what the person attests), or `{ id = "…", text = "…" }` for a check Jalon
    /// runs itself.
    #[serde(default)]
    check: Option<toml::Value>,
    #[serde(default)]
    checklist: Vec<String>,
    #[serde(default)]
    checklist_each_day: Option<String>,
    source: Source,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    id: Option<String>,
    text: String,
}

/// Bounds on offsets: ten years either way is far beyond any rule of the regulation.
const MAX_MONTHS: i64 = 120;
const MAX_DAYS: i64 = 3660;

fn is_valid_id(id: &str) -> bool {
    let mut parts = id.split('.');
    let ok_part = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
            && p.as_bytes()[0].is_ascii_lowercase()
    };
    parts.clone().count() >= 2 && parts.all(ok_part)
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

impl Rulebook {
    /// The rulebook shipped with Jalon. It is tested, so this cannot fail in a release.
    pub fn embedded() -> Rulebook {
        Rulebook::from_toml(DEFAULT_RULEBOOK).expect("the embedded rulebook is valid (tested)")
    }

    pub fn milestone(&self, id: impl AsRef<str>) -> Option<&MilestoneRule> {
        let id = id.as_ref();
        self.milestones.iter().find(|m| m.id == id)
    }

    /// Refuses a rulebook that drives sessions without a milestone the code relies on (the
    /// status of a session, the DTE chase, the rules of a session's creation…).
    pub fn check_relied_on(&self) -> Result<(), RulebookError> {
        let missing: Vec<String> = RELIED_ON
            .iter()
            .filter(|id| self.milestone(id.as_str()).is_none())
            .map(|id| {
                format!("jalon « {id} » manquant : Jalon en a besoin pour suivre les sessions")
            })
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(RulebookError { problems: missing })
        }
    }

    pub fn phase(&self, id: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.id == id)
    }

    /// Reads and checks a rulebook written in TOML.
    pub fn from_toml(text: &str) -> Result<Rulebook, RulebookError> {
        let raw: RawRulebook = toml::from_str(text).map_err(|e| RulebookError {
            problems: vec![toml_error(text, &e)],
        })?;
        let mut problems = Vec::new();
        let mut phases = Vec::new();
        let mut seen = HashSet::new();
        if raw.name.trim().is_empty() {
            problems.push("« name » est vide : donnez un nom au jeu de règles".to_owned());
        }
        if raw.phases.is_empty() {
            problems.push("aucune phase : ajoutez au moins une section [[phases]]".to_owned());
        }
        for (i, p) in raw.phases.into_iter().enumerate() {
            let at = format!("phase n° {} « {} »", i + 1, p.id);
            if p.id.is_empty() || !p.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                problems.push(format!(
                    "{at} : identifiant invalide (attendu : minuscules et _)"
                ));
            }
            if !seen.insert(p.id.clone()) {
                problems.push(format!("{at} : identifiant en double"));
            }
            if p.label.trim().is_empty() {
                problems.push(format!("{at} : libellé (label) vide"));
            }
            phases.push(Phase {
                id: p.id,
                label: p.label,
            });
        }
        for (field, addr) in [
            ("ccp", &raw.afpa_mailboxes.ccp),
            ("btp", &raw.afpa_mailboxes.btp),
            ("industry", &raw.afpa_mailboxes.industry),
            ("tertiary", &raw.afpa_mailboxes.tertiary),
        ] {
            if !looks_like_email(addr) {
                problems.push(format!(
                    "afpa_mailboxes.{field} : « {addr} » n'est pas une adresse électronique"
                ));
            }
        }

        let mut milestones = Vec::new();
        let mut ids = HashSet::new();
        for (i, m) in raw.milestones.into_iter().enumerate() {
            let at = format!("jalon n° {} « {} »", i + 1, m.id);
            let mut errs: Vec<String> = Vec::new();
            if !ids.insert(m.id.clone()) {
                errs.push("identifiant en double".to_owned());
            }
            let rule = milestone_rule(m, &phases, &mut errs);
            problems.extend(errs.into_iter().map(|e| format!("{at} : {e}")));
            milestones.push(rule);
        }
        if milestones.is_empty() {
            problems.push("aucun jalon : ajoutez au moins une section [[milestones]]".to_owned());
        }
        let accommodation_request = match raw.candidates.and_then(|c| c.accommodation_request) {
            None => None,
            Some(r) => {
                let field = "candidates.accommodation_request";
                let rule = date_rule(field, r, &mut problems);
                match rule {
                    Some(r) if r.anchor != Anchor::Start => {
                        problems.push(format!(
                            "{field} : la demande d'aménagement se compte depuis le début de la session (anchor = \"start\")"
                        ));
                        None
                    }
                    Some(r) if r.months > 0 || r.days >= 0 => {
                        problems.push(format!(
                            "{field} : la demande d'aménagement précède la session (un décalage négatif)"
                        ));
                        None
                    }
                    other => other,
                }
            }
        };
        if !problems.is_empty() {
            return Err(RulebookError { problems });
        }
        // Chronological order: by phase (stable within a phase).
        milestones.sort_by_key(|m| phases.iter().position(|p| p.id == m.phase));
        Ok(Rulebook {
            name: raw.name,
            version: raw.version,
            phases,
            milestones,
            afpa_mailboxes: raw.afpa_mailboxes,
            accommodation_request,
        })
    }
}

/// One milestone of the file, checked: problems go to `errs`, without the milestone's name.
fn milestone_rule(m: RawMilestone, phases: &[Phase], errs: &mut Vec<String>) -> MilestoneRule {
    if !is_valid_id(&m.id) {
        errs.push("identifiant invalide (attendu : mots en minuscules séparés par des points, par exemple « dte.receive »)".to_owned());
    }
    if !phases.iter().any(|p| p.id == m.phase) {
        let known: Vec<&str> = phases.iter().map(|p| p.id.as_str()).collect();
        errs.push(format!(
            "phase inconnue « {} » (attendu : {})",
            m.phase,
            known.join(", ")
        ));
    }
    if m.label.trim().is_empty() {
        errs.push("libellé (label) vide".to_owned());
    }
    if m.source.seed.trim().is_empty() {
        errs.push("source.seed vide : indiquez la section du texte d'origine".to_owned());
    }
    let severity = match m.severity.as_str() {
        "mandatory" => Severity::Mandatory,
        "recommended" => Severity::Recommended,
        other => {
            errs.push(format!(
                "sévérité inconnue « {other} » (attendu : mandatory ou recommended)"
            ));
            Severity::Mandatory
        }
    };
    let advised = match m.advised.as_deref() {
        None | Some("last_working_day") => AdvisedRule::LastWorkingDay,
        Some("on_deadline") => AdvisedRule::OnDeadline,
        Some(other) => {
            errs.push(format!(
                "advised inconnu « {other} » (attendu : last_working_day ou on_deadline)"
            ));
            AdvisedRule::LastWorkingDay
        }
    };
    if m.opens.as_ref().is_some_and(|o| o.when.is_some()) {
        errs.push("opens : une condition « when » n'est pas prise en charge pour l'ouverture d'une fenêtre".to_owned());
    }
    let opens = m.opens.and_then(|r| date_rule("opens", r, errs));
    if m.recommended.as_ref().is_some_and(|o| o.when.is_some()) {
        errs.push("recommended : une condition « when » n'est pas prise en charge pour la date recommandée".to_owned());
    }
    let recommended = m
        .recommended
        .and_then(|r| date_rule("recommended", r, errs));
    let deadline = deadline_rules(m.deadline, errs);
    if m.done_from_opening && opens.is_none() {
        errs.push(
            "done_from_opening sans opens : indiquez à partir de quand le jalon peut être fait"
                .to_owned(),
        );
    }
    if opens.is_some() && deadline.is_empty() {
        errs.push("opens sans deadline : une fenêtre doit avoir une date limite".to_owned());
    }
    if let Some(o) = opens {
        // A window must open before it closes, whatever the anchor date.
        let reference = [
            Date::constant(2027, 1, 31),
            Date::constant(2027, 3, 15),
            Date::constant(2028, 2, 29),
        ];
        for d in deadline.iter().filter(|d| d.anchor == o.anchor) {
            if reference.iter().any(|r| o.apply(*r) > d.apply(*r)) {
                errs.push(format!(
                    "la fenêtre s'ouvre ({}) après sa date limite ({})",
                    o.describe(),
                    d.describe()
                ));
            }
        }
    }
    if let Some(r) = recommended {
        if deadline.is_empty() {
            errs.push(
                "recommended sans deadline : une date recommandée précède une date limite"
                    .to_owned(),
            );
        }
        let reference = [Date::constant(2027, 1, 31), Date::constant(2027, 3, 15)];
        for d in deadline.iter().filter(|d| d.anchor == r.anchor) {
            if reference.iter().any(|x| r.apply(*x) > d.apply(*x)) {
                errs.push(format!(
                    "la date recommandée ({}) tombe après la date limite ({})",
                    r.describe(),
                    d.describe()
                ));
            }
        }
    }
    if m.checklist_each_day
        .as_ref()
        .is_some_and(|c| c.trim().is_empty())
    {
        errs.push("checklist_each_day : texte vide".to_owned());
    }
    if m.checklist.iter().any(|c| c.trim().is_empty()) {
        errs.push("checklist : un élément est vide".to_owned());
    }
    let check = m.check.and_then(|c| check(c, errs));
    if check.as_ref().and_then(|c| c.id) == Some(CheckId::ChecklistTicked)
        && m.checklist.is_empty()
        && m.checklist_each_day.is_none()
        && m.id != crate::milestone::ids::PREP_COMPLIANCE.as_str()
    {
        errs.push(
            "check checklist_ticked sans liste : ajoutez « checklist » ou « checklist_each_day »"
                .to_owned(),
        );
    }
    MilestoneRule {
        id: MilestoneId::new(m.id),
        phase: m.phase,
        label: m.label,
        description: m.description,
        severity,
        opens,
        recommended,
        deadline,
        advised,
        applies_when: m.applies_when,
        per_candidate: m.per_candidate,
        afpa_mailbox: m.afpa_mailbox,
        done_from_opening: m.done_from_opening,
        check,
        checklist: m.checklist,
        checklist_each_day: m.checklist_each_day,
        source: m.source,
    }
}

/// The `check` key: a text, or a table naming the check Jalon runs.
fn check(value: toml::Value, errs: &mut Vec<String>) -> Option<Check> {
    let raw = match value {
        toml::Value::String(text) => RawCheck { id: None, text },
        value => match RawCheck::deserialize(value) {
            Ok(raw) => raw,
            Err(e) => {
                errs.push(format!("check : {}", in_french(e.message())));
                return None;
            }
        },
    };
    if raw.text.trim().is_empty() {
        errs.push("check : texte vide (dites ce qui est vérifié)".to_owned());
    }
    let id = match raw.id.as_deref() {
        None => None,
        Some(name) => match CheckId::parse(name) {
            Some(id) => Some(id),
            None => {
                let known: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
                errs.push(format!(
                    "check : contrôle inconnu « {name} » (attendu : {})",
                    crate::fr::alternatives(&known)
                ));
                None
            }
        },
    };
    Some(Check { id, text: raw.text })
}

/// The `deadline` key: absent (no fixed date), one rule, or a list of rules.
fn deadline_rules(value: Option<toml::Value>, errs: &mut Vec<String>) -> Vec<DateRule> {
    match value {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => {
            if items.is_empty() {
                errs.push(
                    "deadline : liste vide (omettez la clé pour « pas de date fixe »)".to_owned(),
                );
            }
            let mut rules = Vec::new();
            for (j, item) in items.into_iter().enumerate() {
                let field = format!("deadline[{}]", j + 1);
                match RawDateRule::deserialize(item) {
                    Ok(r) => rules.extend(date_rule(&field, r, errs)),
                    Err(e) => errs.push(format!("{field} : {}", in_french(e.message()))),
                }
            }
            rules
        }
        Some(value) => match RawDateRule::deserialize(value) {
            Ok(r) => date_rule("deadline", r, errs).into_iter().collect(),
            Err(e) => {
                errs.push(format!("deadline : {}", in_french(e.message())));
                Vec::new()
            }
        },
    }
}

fn date_rule(field: &str, r: RawDateRule, errs: &mut Vec<String>) -> Option<DateRule> {
    let anchor = Anchor::parse(&r.anchor);
    if anchor.is_none() {
        errs.push(format!(
            "{field} : ancre inconnue « {} » (attendu : start, end, title_expiry ou training_end)",
            r.anchor
        ));
    }
    let months_ok = r.months.abs() <= MAX_MONTHS;
    let days_ok = r.days.abs() <= MAX_DAYS;
    if !months_ok {
        errs.push(format!(
            "{field} : décalage de {} mois hors limites (au plus {MAX_MONTHS} dans un sens ou l'autre)",
            r.months
        ));
    }
    if !days_ok {
        errs.push(format!(
            "{field} : décalage de {} jours hors limites (au plus {MAX_DAYS} dans un sens ou l'autre)",
            r.days
        ));
    }
    if !(months_ok && days_ok) {
        return None;
    }
    Some(DateRule {
        anchor: anchor?,
        months: r.months as i32,
        days: r.days as i32,
        when: r.when,
    })
}

/// A TOML error as one French line with its line number.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = in_french(e.message());
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("ligne {line} : {msg}")
        }
        None => format!("fichier TOML illisible : {msg}"),
    }
}

/// serde's messages, in the words of the rest of the file.
fn in_french(message: &str) -> String {
    let mut m = message.split_whitespace().collect::<Vec<_>>().join(" ");
    for (en, fr) in [
        ("invalid type: ", "type invalide : "),
        ("unknown field ", "champ inconnu "),
        ("missing field ", "champ manquant "),
        ("unknown variant ", "valeur inconnue "),
        (", expected one of ", ", attendu l'un de "),
        (", expected ", ", attendu "),
        ("string ", "texte "),
        ("integer ", "entier "),
        ("a boolean", "un booléen"),
        ("a string", "un texte"),
        ("a sequence", "une liste"),
        ("i64", "un entier"),
        ("duplicate key", "clé en double"),
        ("unclosed table", "table non fermée"),
        ("unclosed array", "liste non fermée"),
        ("missing escaped value", "caractère d'échappement incomplet"),
        ("invalid escape sequence", "séquence d'échappement invalide"),
        ("invalid unicode", "caractère Unicode invalide"),
        ("floating point", "nombre décimal"),
        ("any valid TOML value", "une valeur TOML valide"),
        (
            "struct RawDateRule",
            "une règle de date { anchor, months, days }",
        ),
        ("struct RawMilestone", "un jalon"),
        ("struct RawPhase", "une phase"),
        ("struct AfpaMailboxes", "les adresses de l'AFPA"),
        ("struct Source", "une source { seed, regulation }"),
        ("struct Condition", "une condition"),
        ("struct RawCheck", "un contrôle { id, text }"),
        ("a table", "une table"),
        ("as i128", "comme entier"),
        ("expected ", "attendu "),
        ("invalid ", "invalide : "),
        ("newline", "fin de ligne"),
    ] {
        m = m.replace(en, fr);
    }
    m
}
