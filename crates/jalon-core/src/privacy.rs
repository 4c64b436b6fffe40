//! Personal data over time (RGPD): how long a personal link works, and when a session's
//! personal data has been kept long enough to be anonymised.
//!
//! - A **candidate's link** (acknowledge the convocation, read one's passages, then one's
//!   result once the session is validated) works until 30 days after the validation, or —
//!   while the session is not validated — until 90 days after its last day. It stops at once
//!   when the session is cancelled.
//! - A **juror's link** opens a session they sit in until 30 days after its last day, or
//!   until 90 days after it while they still have the minutes to sign. A cancelled session
//!   closes at once. The link itself stops when every session it opened is closed (a juror
//!   seated in no session yet keeps a link that shows nothing but their name).
//! - A session's **personal data** is kept for the centre's retention period (5 years by
//!   default) after the session's validation — or after its last day when it was never
//!   validated (a cancelled session, say) — and then anonymised: the counts and outcomes stay.

use jiff::civil::Date;

use crate::Problem;
use crate::calendar::{add_days, add_months};

/// A validated session's candidates read their result for this many days after it.
pub const CANDIDATE_DAYS_AFTER_VALIDATION: i32 = 30;
/// Without a validation, a candidate's link works this many days after the last day.
pub const CANDIDATE_DAYS_AFTER_END: i32 = 90;
/// A juror's link opens a session this many days after its last day…
pub const JUROR_DAYS_AFTER_END: i32 = 30;
/// …or this many while the juror still has the minutes to sign.
pub const JUROR_DAYS_MINUTES_PENDING: i32 = 90;
/// The retention period when a centre sets none, in years.
pub const DEFAULT_RETENTION_YEARS: u32 = 5;
/// The longest retention period a centre may set, in years.
pub const MAX_RETENTION_YEARS: u32 = 50;

/// What a personal link can still do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Open,
    /// The session is over: the link stopped working on `since`.
    Ended {
        since: Date,
    },
    /// The session was cancelled.
    Cancelled,
}

impl LinkState {
    pub fn is_open(self) -> bool {
        self == LinkState::Open
    }

    /// What the person reads on an expired link, in French; `None` while it is open.
    pub fn explanation(self) -> Option<String> {
        match self {
            LinkState::Open => None,
            LinkState::Ended { since } => Some(format!(
                "Ce lien n'est plus valable : la session est terminée (lien expiré le {}). \
                 Pour toute demande, contactez le centre.",
                crate::fr::long_date(since)
            )),
            LinkState::Cancelled => Some(
                "Ce lien n'est plus valable : la session a été annulée. Contactez le centre."
                    .to_owned(),
            ),
        }
    }
}

/// The day after `last`: the first day a link no longer works. Far outside jiff's range the
/// link is treated as expired that very day, never a panic.
fn expires_after(last: Option<Date>, fallback: Date) -> Date {
    last.and_then(|d| add_days(d, 1)).unwrap_or(fallback)
}

/// A candidate's personal link on `today`.
pub fn candidate_link_state(
    end: Date,
    validated_on: Option<Date>,
    cancelled: bool,
    today: Date,
) -> LinkState {
    if cancelled {
        return LinkState::Cancelled;
    }
    let last = match validated_on {
        Some(v) => add_days(v, CANDIDATE_DAYS_AFTER_VALIDATION)
            .map(|d| d.max(add_days(end, CANDIDATE_DAYS_AFTER_VALIDATION).unwrap_or(d))),
        None => add_days(end, CANDIDATE_DAYS_AFTER_END),
    };
    match last {
        Some(last) if today <= last => LinkState::Open,
        _ => LinkState::Ended {
            since: expires_after(last, end),
        },
    }
}

/// One session seen through a juror's link on `today`; `minutes_pending`: the juror has not
/// signed the minutes and the session is not validated.
pub fn juror_sitting_state(
    end: Date,
    cancelled: bool,
    minutes_pending: bool,
    today: Date,
) -> LinkState {
    if cancelled {
        return LinkState::Cancelled;
    }
    let days = if minutes_pending {
        JUROR_DAYS_MINUTES_PENDING
    } else {
        JUROR_DAYS_AFTER_END
    };
    let last = add_days(end, days);
    match last {
        Some(last) if today <= last => LinkState::Open,
        _ => LinkState::Ended {
            since: expires_after(last, end),
        },
    }
}

/// A juror's link as a whole, from the state of each session they sit in: open while one
/// is (or while they sit in none yet), cancelled when all were cancelled, ended otherwise.
pub fn juror_link_state(sittings: &[LinkState]) -> LinkState {
    if sittings.is_empty() || sittings.iter().any(|s| s.is_open()) {
        return LinkState::Open;
    }
    sittings
        .iter()
        .filter_map(|s| match s {
            LinkState::Ended { since } => Some(*since),
            _ => None,
        })
        .max()
        .map_or(LinkState::Cancelled, |since| LinkState::Ended { since })
}

/// The last day a session's personal data is kept: `years` after its validation, or after
/// its last day when it has none.
pub fn retention_until(end: Date, validated_on: Option<Date>, years: u32) -> Option<Date> {
    let anchor = validated_on.unwrap_or(end).max(end);
    add_months(anchor, i32::try_from(years).ok()?.checked_mul(12)?)
}

/// What decides whether a session's personal data is due for anonymisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionFacts {
    pub end: Date,
    pub validated_on: Option<Date>,
    /// Already anonymised: nothing left to do.
    pub purged: bool,
}

/// Is the session's personal data due for anonymisation on `today` (its retention period,
/// in years, over)?
pub fn due_for_purge(facts: &RetentionFacts, years: u32, today: Date) -> bool {
    !facts.purged
        && retention_until(facts.end, facts.validated_on, years).is_some_and(|u| today > u)
}

/// What is wrong with a retention period typed by an administrator.
pub fn retention_problem(years: u32) -> Option<Problem> {
    (!(1..=MAX_RETENTION_YEARS).contains(&years)).then(|| {
        Problem::new(
            "retention_years",
            format!(
                "la durée de conservation des données personnelles est un nombre entier d'années, de 1 à {MAX_RETENTION_YEARS}"
            ),
        )
    })
}

/// The name an anonymised candidate keeps, by their rank in the session:
/// « Candidat anonymisé n° 12 ».
pub fn anonymised_candidate(rank: usize) -> String {
    format!("Candidat anonymisé n° {rank}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_candidates_link_works_until_ninety_days_after_an_unvalidated_session() {
        let end = date(2027, 3, 19);
        let open = |today| candidate_link_state(end, None, false, today);
        assert_eq!(open(date(2027, 3, 1)), LinkState::Open);
        assert_eq!(open(date(2027, 6, 17)), LinkState::Open, "day 90");
        assert_eq!(
            open(date(2027, 6, 18)),
            LinkState::Ended {
                since: date(2027, 6, 18)
            }
        );
    }

    #[test]
    fn a_validated_sessions_candidates_read_their_result_thirty_days_more() {
        let end = date(2027, 3, 19);
        let v = Some(date(2027, 7, 1));
        assert_eq!(
            candidate_link_state(end, v, false, date(2027, 7, 31)),
            LinkState::Open,
            "a late validation reopens the result for 30 days"
        );
        assert_eq!(
            candidate_link_state(end, v, false, date(2027, 8, 1)),
            LinkState::Ended {
                since: date(2027, 8, 1)
            }
        );
        // Validated early: never less than 30 days after the last day.
        assert_eq!(
            candidate_link_state(end, Some(date(2027, 3, 20)), false, date(2027, 4, 18)),
            LinkState::Open
        );
    }

    #[test]
    fn a_cancelled_session_closes_every_link_at_once() {
        let end = date(2027, 3, 19);
        assert_eq!(
            candidate_link_state(end, None, true, date(2027, 1, 1)),
            LinkState::Cancelled
        );
        assert_eq!(
            juror_sitting_state(end, true, true, date(2027, 1, 1)),
            LinkState::Cancelled
        );
        let text = LinkState::Cancelled.explanation().unwrap();
        assert!(text.contains("annulée"), "{text}");
        assert!(LinkState::Open.explanation().is_none());
    }

    #[test]
    fn a_juror_keeps_the_session_while_the_minutes_wait_for_their_signature() {
        let end = date(2027, 3, 19);
        assert!(juror_sitting_state(end, false, false, date(2027, 4, 18)).is_open());
        assert_eq!(
            juror_sitting_state(end, false, false, date(2027, 4, 19)),
            LinkState::Ended {
                since: date(2027, 4, 19)
            }
        );
        assert!(juror_sitting_state(end, false, true, date(2027, 6, 17)).is_open());
        assert!(!juror_sitting_state(end, false, true, date(2027, 6, 18)).is_open());
        let text = juror_sitting_state(end, false, false, date(2027, 5, 1))
            .explanation()
            .unwrap();
        assert!(text.contains("terminée"), "{text}");
        assert!(text.contains("19 avril 2027"), "{text}");
    }

    #[test]
    fn a_jurors_link_stops_when_every_session_it_opened_is_closed() {
        let ended = |d| LinkState::Ended { since: d };
        assert_eq!(juror_link_state(&[]), LinkState::Open, "seated nowhere yet");
        assert_eq!(
            juror_link_state(&[ended(date(2027, 1, 1)), LinkState::Open]),
            LinkState::Open
        );
        assert_eq!(
            juror_link_state(&[LinkState::Cancelled, LinkState::Cancelled]),
            LinkState::Cancelled
        );
        assert_eq!(
            juror_link_state(&[
                ended(date(2027, 1, 1)),
                LinkState::Cancelled,
                ended(date(2027, 2, 1))
            ]),
            ended(date(2027, 2, 1))
        );
    }

    #[test]
    fn personal_data_is_kept_for_the_retention_period_after_the_validation() {
        let facts = RetentionFacts {
            end: date(2021, 3, 19),
            validated_on: Some(date(2021, 4, 30)),
            purged: false,
        };
        assert_eq!(
            retention_until(facts.end, facts.validated_on, 5),
            Some(date(2026, 4, 30))
        );
        assert!(!due_for_purge(&facts, 5, date(2026, 4, 30)));
        assert!(due_for_purge(&facts, 5, date(2026, 5, 1)));
        assert!(
            !due_for_purge(&facts, 10, date(2026, 5, 1)),
            "a longer period"
        );
        let purged = RetentionFacts {
            purged: true,
            ..facts.clone()
        };
        assert!(!due_for_purge(&purged, 5, date(2030, 1, 1)), "done once");
        // Never validated (cancelled, say): counted from the last day.
        let never = RetentionFacts {
            validated_on: None,
            ..facts
        };
        assert!(due_for_purge(&never, 5, date(2026, 3, 20)));
        assert!(!due_for_purge(&never, 5, date(2026, 3, 19)));
        // 29 February: clamped, never a panic.
        assert_eq!(
            retention_until(date(2024, 2, 29), None, 1),
            Some(date(2025, 2, 28))
        );
        assert_eq!(retention_until(date(2024, 2, 29), None, u32::MAX), None);
    }

    #[test]
    fn a_retention_period_is_one_to_fifty_years() {
        assert!(retention_problem(1).is_none());
        assert!(retention_problem(5).is_none());
        assert!(retention_problem(50).is_none());
        for bad in [0, 51, 1000] {
            let p = retention_problem(bad).unwrap();
            assert_eq!(p.field, "retention_years");
            assert!(p.message.contains("de 1 à 50"), "{}", p.message);
        }
        assert_eq!(anonymised_candidate(12), "Candidat anonymisé n° 12");
    }
}
