//! Re-presentation (`followup.represent`): a candidate in failure or partial success may be
//! presented again, up to twice within the 12 months after the end of their training. For
//! transport titles the title's référentiel d'évaluation decides (a per-title setting,
//! « voir le référentiel d'évaluation » until it is given).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::custody::Refusal;
use crate::{calendar, fr};

/// How many new presentations, within how many months after the end of training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepresentRule {
    pub max: u32,
    pub months: i32,
}

/// The regulation's rule for titles other than transport ones: two new presentations within
/// twelve months after the end of training.
pub const DEFAULT: RepresentRule = RepresentRule { max: 2, months: 12 };

/// The rule for a title: its own setting, else the default — except for a transport title,
/// whose référentiel decides (`None` until it is set).
pub fn rule_for(transport: bool, setting: Option<RepresentRule>) -> Option<RepresentRule> {
    match (setting, transport) {
        (Some(r), _) => Some(r),
        (None, false) => Some(DEFAULT),
        (None, true) => None,
    }
}

/// Reads a title's own rule as a centre types it: « 2 ; 12 », « 1 en 6 mois »; empty for
/// none (the regulation's, or the référentiel's for a transport title).
pub fn parse(typed: &str) -> Result<Option<RepresentRule>, String> {
    let t = typed.trim().to_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    let numbers: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let words_ok = t
        .split(|c: char| c.is_ascii_digit() || c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .all(|w| ["en", "mois", "fois"].contains(&w));
    match (numbers.as_slice(), words_ok) {
        ([n, m], true) => {
            let max: u32 = n
                .parse()
                .map_err(|_| format!("« {typed} » : nombre illisible"))?;
            let months: i32 = m
                .parse()
                .map_err(|_| format!("« {typed} » : nombre illisible"))?;
            if max > 10 || !(1..=60).contains(&months) {
                return Err(format!(
                    "« {typed} » : au plus 10 nouvelles présentations, dans un délai de 1 à 60 mois"
                ));
            }
            Ok(Some(RepresentRule { max, months }))
        }
        _ => Err(format!(
            "« {typed} » : écrivez le nombre de nouvelles présentations et le délai en mois, \
             par exemple « 2 ; 12 »"
        )),
    }
}

/// The rule as the title form shows it: « 2 ; 12 ».
pub fn describe(rule: RepresentRule) -> String {
    format!("{} ; {}", rule.max, rule.months)
}

/// The last day a candidate whose training ended on `training_end` may be presented again.
pub fn deadline(training_end: Date, rule: RepresentRule) -> Option<Date> {
    calendar::add_months(training_end, rule.months)
}

/// What is known of a candidate to present again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt<'a> {
    /// « DUPONT Jean ».
    pub name: &'a str,
    pub training_end: Option<Date>,
    /// New presentations already made since the first.
    pub done: u32,
    /// The first day of the session they would be presented at.
    pub session_start: Date,
}

/// Why the candidate cannot be presented again at that session; `None` when they can.
pub fn problem(rule: Option<RepresentRule>, a: &Attempt<'_>) -> Option<Refusal> {
    let Some(rule) = rule else {
        return Some(Refusal::new(
            "represent.rule_unknown",
            "titre de transport : le nombre de nouvelles présentations et leur délai sont ceux \
             de son référentiel d'évaluation — renseignez-les sur le titre"
                .to_owned(),
        ));
    };
    if a.done >= rule.max {
        return Some(Refusal::new(
            "represent.limit_reached",
            format!(
                "{} a déjà été présenté(e) {} fois de nouveau : c'est le nombre de nouvelles \
                 présentations permis ({})",
                a.name, a.done, rule.max
            ),
        ));
    }
    let Some(end) = a.training_end else {
        return Some(Refusal::new(
            "represent.training_end_unknown",
            format!(
                "la fin de formation de {} n'est pas connue : elle fixe le délai des nouvelles \
                 présentations",
                a.name
            ),
        ));
    };
    let last = deadline(end, rule)?;
    (a.session_start > last).then(|| {
        Refusal::new(
            "represent.too_late",
            format!(
                "la session commence le {}, après le {} : dernier jour pour présenter de nouveau \
                 {} ({} mois après sa fin de formation, le {})",
                fr::long_date(a.session_start),
                fr::long_date(last),
                a.name,
                rule.months,
                fr::long_date(end)
            ),
        )
    })
}

/// What is left to a candidate: « 2 nouvelles présentations jusqu'au mardi 31 août 2027 ».
pub fn left(rule: Option<RepresentRule>, training_end: Option<Date>, done: u32) -> String {
    let Some(rule) = rule else {
        return "voir le référentiel d'évaluation".to_owned();
    };
    let n = rule.max.saturating_sub(done);
    if n == 0 {
        return "plus de nouvelle présentation possible".to_owned();
    }
    let s = if n > 1 { "s" } else { "" };
    match training_end.and_then(|e| deadline(e, rule)) {
        Some(d) => format!(
            "{n} nouvelle{s} présentation{s} jusqu'au {}",
            fr::long_date(d)
        ),
        None => format!("{n} nouvelle{s} présentation{s} (fin de formation à renseigner)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn attempt(done: u32, start: Date) -> Attempt<'static> {
        Attempt {
            name: "DUPONT Jean",
            training_end: Some(date(2026, 8, 31)),
            done,
            session_start: start,
        }
    }

    #[test]
    fn twice_within_twelve_months_after_the_training() {
        let rule = rule_for(false, None);
        // Training ended Monday 31 August 2026: the last day is Tuesday 31 August 2027.
        assert_eq!(
            deadline(date(2026, 8, 31), DEFAULT),
            Some(date(2027, 8, 31))
        );
        assert_eq!(problem(rule, &attempt(0, date(2027, 8, 31))), None);
        assert_eq!(problem(rule, &attempt(1, date(2027, 3, 15))), None);
        let late = problem(rule, &attempt(0, date(2027, 9, 1))).unwrap();
        assert_eq!(late.rule, "represent.too_late");
        assert_eq!(
            late.message,
            "la session commence le mercredi 1ᵉʳ septembre 2027, après le mardi 31 août 2027 : \
             dernier jour pour présenter de nouveau DUPONT Jean (12 mois après sa fin de \
             formation, le lundi 31 août 2026)"
        );
        // A third new presentation: refused.
        let third = problem(rule, &attempt(2, date(2027, 3, 15))).unwrap();
        assert_eq!(third.rule, "represent.limit_reached");
        assert_eq!(
            left(rule, Some(date(2026, 8, 31)), 0),
            "2 nouvelles présentations jusqu'au mardi 31 août 2027"
        );
        assert_eq!(
            left(rule, Some(date(2026, 8, 31)), 2),
            "plus de nouvelle présentation possible"
        );
    }

    #[test]
    fn a_titles_own_rule_is_read_as_centres_write_it() {
        let r = |max, months| Ok(Some(RepresentRule { max, months }));
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("2 ; 12"), r(2, 12));
        assert_eq!(parse("1 en 6 mois"), r(1, 6));
        assert_eq!(describe(RepresentRule { max: 1, months: 6 }), "1 ; 6");
        assert!(
            parse("deux fois")
                .unwrap_err()
                .contains("par exemple « 2 ; 12 »")
        );
        assert!(parse("2 ; 0").unwrap_err().contains("de 1 à 60 mois"));
    }

    #[test]
    fn a_transport_title_follows_its_referentiel() {
        assert_eq!(rule_for(true, None), None);
        let refused = problem(None, &attempt(0, date(2027, 3, 15))).unwrap();
        assert_eq!(refused.rule, "represent.rule_unknown");
        assert_eq!(left(None, None, 0), "voir le référentiel d'évaluation");
        // Set on the title: one new presentation within six months.
        let own = rule_for(true, Some(RepresentRule { max: 1, months: 6 }));
        assert_eq!(problem(own, &attempt(0, date(2027, 2, 26))), None);
        assert_eq!(
            problem(own, &attempt(0, date(2027, 3, 1))).unwrap().rule,
            "represent.too_late"
        );
        assert_eq!(
            problem(own, &attempt(1, date(2027, 1, 4))).unwrap().rule,
            "represent.limit_reached"
        );
        // Without a training end, the delay cannot be known.
        let unknown = Attempt {
            training_end: None,
            ..attempt(0, date(2027, 1, 4))
        };
        assert_eq!(
            problem(rule_for(false, None), &unknown).unwrap().rule,
            "represent.training_end_unknown"
        );
    }
}
