//! A milestone's checklist, ticked item by item: the rulebook's items, one item per candidate
//! with an accommodation (`prep.compliance`), one per day of the session when the rulebook
//! asks for a daily attestation (`checklist_each_day`, the trainers' absence « pendant toute
//! la durée de la session »). An item is ticked by someone at a time, or marked « sans
//! objet » with a reason; the check `checklist_ticked` holds when every item is one or the
//! other.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::checks::SessionFacts;
use crate::milestone::{MilestoneId, ids};
use crate::rulebook::MilestoneRule;
use crate::{Problem, Rulebook, calendar, fr};

/// How an item was dealt with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Ticked: done, checked, attested.
    Done,
    /// « Sans objet », with a reason.
    NotApplicable,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Done => "done",
            ItemState::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<ItemState> {
        [ItemState::Done, ItemState::NotApplicable]
            .into_iter()
            .find(|i| i.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemState::Done => "coché",
            ItemState::NotApplicable => "sans objet",
        }
    }
}

/// The days a daily attestation covers: the session's working days (every day when it has
/// none, a session held on a Saturday).
pub fn session_days(start: Date, end: Date, zone: calendar::Zone) -> Vec<Date> {
    let mut all = Vec::new();
    let mut day = start;
    while day <= end {
        all.push(day);
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    let working: Vec<Date> = all
        .iter()
        .copied()
        .filter(|d| calendar::is_working_day(*d, zone))
        .collect();
    if working.is_empty() { all } else { working }
}

/// The items of a milestone's checklist for this session, in order.
pub fn items(rule: &MilestoneRule, f: &SessionFacts) -> Vec<String> {
    let mut out = rule.checklist.clone();
    if rule.id == ids::PREP_COMPLIANCE {
        for c in &f.candidates {
            if let Some((what, plan)) = &c.accommodation {
                let plan = if plan.is_empty() {
                    String::new()
                } else {
                    format!(" ; prévu : {plan}")
                };
                out.push(format!(
                    "Aménagement de {} pris en compte : {what}{plan}",
                    c.name
                ));
            }
        }
    }
    if let Some(each) = &rule.checklist_each_day {
        for day in session_days(f.start, f.end, f.zone) {
            out.push(day_item(day, each));
        }
    }
    out
}

/// What the session manager attests on a day of the session, from the launch page: on the
/// first day the final checks and the candidates' briefing, each day the trainers' absence.
/// Nothing on a day the session does not hold.
pub fn of_day(rules: &Rulebook, f: &SessionFacts, day: Date) -> Vec<(MilestoneId, String)> {
    let days = session_days(f.start, f.end, f.zone);
    if !days.contains(&day) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if days.first() == Some(&day) {
        for id in [ids::DAY_FINAL_CHECKS, ids::LAUNCH_BRIEFING_CANDIDATES] {
            if let Some(rule) = rules.milestone(&id) {
                out.extend(items(rule, f).into_iter().map(|i| (id.clone(), i)));
            }
        }
    }
    if let Some(rule) = rules.milestone(&ids::DAY_TRAINERS_ABSENT)
        && let Some(each) = &rule.checklist_each_day
    {
        out.push((ids::DAY_TRAINERS_ABSENT, day_item(day, each)));
    }
    out
}

/// « Lundi 15 mars 2027 : aucun formateur présent ».
fn day_item(day: Date, each: &str) -> String {
    format!("{} : {each}", capitalised(&fr::long_date(day)))
}

/// A day's attestation is given on that day, not before.
pub fn day_problem(
    rule: &MilestoneRule,
    f: &SessionFacts,
    item: &str,
    today: Date,
) -> Option<Problem> {
    let each = rule.checklist_each_day.as_ref()?;
    let day = session_days(f.start, f.end, f.zone)
        .into_iter()
        .find(|d| day_item(*d, each) == item)?;
    (today < day).then(|| {
        Problem::new(
            "item",
            format!(
                "ce jour n'est pas encore venu : à attester le {}",
                fr::long_date(day)
            ),
        )
    })
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The items neither ticked nor marked « sans objet ».
pub fn missing(rule: &MilestoneRule, f: &SessionFacts) -> Vec<String> {
    let ticked = f.ticked.get(&rule.id);
    items(rule, f)
        .into_iter()
        .filter(|i| ticked.is_none_or(|t| !t.contains(i)))
        .collect()
}

/// The longest reason kept for « sans objet ».
pub const MAX_REASON: usize = 1000;

/// What is wrong with ticking `item` in `state`: an item not on the list, an item already
/// dealt with, « sans objet » without a reason.
pub fn tick_problems(
    items: &[String],
    item: &str,
    state: ItemState,
    reason: &str,
    already: Option<ItemState>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if !items.iter().any(|i| i == item) {
        out.push(Problem::new(
            "item",
            "ce point ne figure pas dans la liste de ce jalon",
        ));
        return out;
    }
    if let Some(a) = already {
        out.push(Problem::new(
            "item",
            format!("ce point est déjà {} ; décochez-le d'abord", a.label()),
        ));
    }
    let reason = reason.trim();
    if state == ItemState::NotApplicable && reason.is_empty() {
        out.push(Problem::new(
            "reason",
            "indiquez pourquoi ce point est sans objet",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        out.push(Problem::new(
            "reason",
            "motif trop long (1 000 caractères au plus)",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rulebook;
    use crate::checks::tests::{candidate, facts};
    use jiff::civil::date;

    #[test]
    fn a_daily_attestation_covers_each_working_day_of_the_session() {
        let rules = Rulebook::embedded();
        let rule = rules.milestone("day.trainers_absent").unwrap();
        // Wednesday 12 to Tuesday 18 May 2027 (Easter on 28 March): the weekend and Whit
        // Monday 17 May are not attested; Ascension was Thursday 6 May.
        let mut f = facts();
        f.start = date(2027, 5, 12);
        f.end = date(2027, 5, 18);
        let items = items(rule, &f);
        assert_eq!(
            items,
            [
                "Mercredi 12 mai 2027 : aucun formateur présent",
                "Jeudi 13 mai 2027 : aucun formateur présent",
                "Vendredi 14 mai 2027 : aucun formateur présent",
                "Mardi 18 mai 2027 : aucun formateur présent",
            ]
        );
        // A session held only on a Saturday is attested on that Saturday.
        assert_eq!(
            session_days(date(2027, 5, 15), date(2027, 5, 15), crate::Zone::Metropole),
            [date(2027, 5, 15)]
        );
        // In Alsace-Moselle, Good Friday 26 March 2027 is a day off.
        assert_eq!(
            session_days(
                date(2027, 3, 25),
                date(2027, 3, 26),
                crate::Zone::AlsaceMoselle
            ),
            [date(2027, 3, 25)]
        );
    }

    #[test]
    fn the_launch_page_attests_the_final_checks_and_briefing_first_then_each_day() {
        let rules = Rulebook::embedded();
        // Monday 15 to Friday 19 March 2027.
        let f = facts();
        let first = of_day(&rules, &f, date(2027, 3, 15));
        let ids_of = |v: &[(MilestoneId, String)]| -> Vec<String> {
            v.iter().map(|(m, _)| m.as_str().to_owned()).collect()
        };
        assert_eq!(
            ids_of(&first),
            [
                "day.final_checks",
                "day.final_checks",
                "day.final_checks",
                "launch.briefing_candidates",
                "launch.briefing_candidates",
                "day.trainers_absent",
            ]
        );
        assert_eq!(
            first[3].1,
            "Déroulement de la session présenté aux candidats"
        );
        assert_eq!(first[5].1, "Lundi 15 mars 2027 : aucun formateur présent");
        let second = of_day(&rules, &f, date(2027, 3, 16));
        assert_eq!(
            second,
            [(
                MilestoneId::new("day.trainers_absent"),
                "Mardi 16 mars 2027 : aucun formateur présent".to_owned()
            )]
        );
        assert!(of_day(&rules, &f, date(2027, 3, 20)).is_empty());
    }

    #[test]
    fn each_day_is_attested_on_its_day() {
        let rules = Rulebook::embedded();
        let rule = rules.milestone("day.trainers_absent").unwrap();
        let f = facts();
        let tuesday = "Mardi 16 mars 2027 : aucun formateur présent";
        let p = day_problem(rule, &f, tuesday, date(2027, 3, 15)).unwrap();
        assert_eq!(
            p.message,
            "ce jour n'est pas encore venu : à attester le mardi 16 mars 2027"
        );
        assert_eq!(day_problem(rule, &f, tuesday, date(2027, 3, 16)), None);
        let briefing = rules.milestone("launch.briefing_candidates").unwrap();
        let first = briefing.checklist[0].clone();
        assert_eq!(day_problem(briefing, &f, &first, date(2026, 1, 1)), None);
    }

    #[test]
    fn the_list_holds_when_every_item_is_ticked_or_without_object() {
        let rules = Rulebook::embedded();
        let rule = rules.milestone("prep.compliance").unwrap();
        let mut f = facts();
        let mut c = candidate("DURAND Léa");
        c.accommodation = Some(("tiers temps".to_owned(), String::new()));
        f.candidates.push(c);
        let all = items(rule, &f);
        assert_eq!(all.len(), rule.checklist.len() + 1);
        assert_eq!(
            all.last().unwrap(),
            "Aménagement de DURAND Léa pris en compte : tiers temps"
        );
        assert_eq!(missing(rule, &f).len(), all.len());
        let ticked = f
            .ticked
            .entry(MilestoneId::new("prep.compliance"))
            .or_default();
        for i in &all[..all.len() - 1] {
            ticked.insert(i.clone());
        }
        assert_eq!(
            missing(rule, &f),
            ["Aménagement de DURAND Léa pris en compte : tiers temps"]
        );
    }

    #[test]
    fn ticking_needs_an_item_of_the_list_once_and_a_reason_when_without_object() {
        let items = vec!["Procès-verbaux (PV)".to_owned()];
        assert!(tick_problems(&items, "Procès-verbaux (PV)", ItemState::Done, "", None).is_empty());
        assert_eq!(
            tick_problems(&items, "Autre", ItemState::Done, "", None)[0].message,
            "ce point ne figure pas dans la liste de ce jalon"
        );
        let p = tick_problems(
            &items,
            "Procès-verbaux (PV)",
            ItemState::NotApplicable,
            " ",
            None,
        );
        assert_eq!(p[0].field, "reason");
        let p = tick_problems(
            &items,
            "Procès-verbaux (PV)",
            ItemState::Done,
            "",
            Some(ItemState::NotApplicable),
        );
        assert_eq!(
            p[0].message,
            "ce point est déjà sans objet ; décochez-le d'abord"
        );
    }
}
