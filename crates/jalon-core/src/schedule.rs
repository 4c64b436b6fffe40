//! The schedule of a session's épreuves: on which day and at what time each one takes
//! place. It appears on every convocation, on the posted schedule (`prep.compliance`) and
//! on the sign-in sheets. Until the manager sets the times, Jalon proposes a schedule: the
//! épreuves in the order of the title's référentiel, from 8 h 30, a quarter of an hour
//! apart, never starting during the lunch break, on the working days of the session.

use jiff::civil::{Date, Time, time};

use crate::calendar::{add_days, is_working_day};
use crate::{Problem, Zone, fr};

/// Candidates are welcomed this long before the first épreuve of a day.
pub const WELCOME_MINUTES: i32 = 30;

const DAY_START: Time = time(8, 30, 0, 0);
const LUNCH_START: Time = time(12, 0, 0, 0);
const LUNCH_END: Time = time(13, 30, 0, 0);
const DAY_END: Time = time(18, 0, 0, 0);
const GAP_MINUTES: i32 = 15;

/// One épreuve at its place in the session.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    /// The épreuve's name, as in the title's référentiel.
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:30:00"))]
    pub start: Time,
    /// Duration in minutes.
    pub minutes: u32,
}

impl Slot {
    pub fn end(&self) -> Time {
        add_minutes(self.start, self.minutes as i32)
    }
}

fn minutes_of(t: Time) -> i32 {
    i32::from(t.hour()) * 60 + i32::from(t.minute())
}

/// `t` plus `minutes`, saturating at 23 h 59 (an épreuve never runs past midnight).
fn add_minutes(t: Time, minutes: i32) -> Time {
    let total = (minutes_of(t) + minutes).clamp(0, 23 * 60 + 59);
    time((total / 60) as i8, (total % 60) as i8, 0, 0)
}

/// The proposed schedule of `epreuves` (name, minutes) for a session from `start` to `end`.
/// Épreuves that do not fit in the session's working days go on the next working days, so
/// none is ever lost; the manager sees it and moves them.
pub fn propose(start: Date, end: Date, zone: Zone, epreuves: &[(String, u32)]) -> Vec<Slot> {
    let mut day = first_working_day(start, end, zone);
    let mut at = DAY_START;
    let mut slots = Vec::with_capacity(epreuves.len());
    for (name, minutes) in epreuves {
        let length = (*minutes).max(1) as i32;
        if at >= LUNCH_START && at < LUNCH_END {
            at = LUNCH_END;
        }
        // Whatever does not end by the evening starts the next morning, unless the day is
        // still empty (an épreuve longer than a day keeps its day).
        if at != DAY_START && minutes_of(at) + length > minutes_of(DAY_END) {
            day = next_working_day(day, zone);
            at = DAY_START;
        }
        slots.push(Slot {
            name: name.clone(),
            date: day,
            start: at,
            minutes: *minutes,
        });
        let mut next = minutes_of(at) + length;
        // An épreuve of the morning that runs into lunch is followed by the break.
        if minutes_of(at) < minutes_of(LUNCH_START) && next > minutes_of(LUNCH_START) {
            next = next.max(minutes_of(LUNCH_END) - GAP_MINUTES);
        }
        at = add_minutes(time(0, 0, 0, 0), next + GAP_MINUTES);
        if next + GAP_MINUTES >= minutes_of(DAY_END) {
            day = next_working_day(day, zone);
            at = DAY_START;
        }
    }
    slots
}

fn first_working_day(start: Date, end: Date, zone: Zone) -> Date {
    let mut day = start;
    while !is_working_day(day, zone) && day < end {
        match add_days(day, 1) {
            Some(next) => day = next,
            None => return start,
        }
    }
    if is_working_day(day, zone) {
        day
    } else {
        start
    }
}

fn next_working_day(day: Date, zone: Zone) -> Date {
    let mut next = day;
    for _ in 0..30 {
        match add_days(next, 1) {
            Some(d) => next = d,
            None => return day,
        }
        if is_working_day(next, zone) {
            return next;
        }
    }
    next
}

/// The time candidates are expected on `day`: half an hour before its first épreuve.
pub fn welcome_time(slots: &[Slot], day: Date) -> Option<Time> {
    slots
        .iter()
        .filter(|s| s.date == day)
        .map(|s| s.start)
        .min()
        .map(|t| add_minutes(t, -WELCOME_MINUTES))
}

/// The distinct days of the schedule, in order.
pub fn days(slots: &[Slot]) -> Vec<Date> {
    let mut days: Vec<Date> = slots.iter().map(|s| s.date).collect();
    days.sort();
    days.dedup();
    days
}

/// Reads « 8:30 », « 08h30 », « 8 h 30 », « 14h », « 14:00 ».
pub fn parse_time(input: &str) -> std::result::Result<Time, String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.to_lowercase();
    let (h, m) = s
        .split_once([':', 'h'])
        .map(|(h, m)| (h, if m.is_empty() { "0" } else { m }))
        .unwrap_or((s.as_str(), "0"));
    let number = |p: &str| {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i8>().ok())
            .flatten()
    };
    match (number(h), number(m)) {
        (Some(h), Some(m)) if (0..24).contains(&h) && (0..60).contains(&m) => {
            Ok(jiff::civil::time(h, m, 0, 0))
        }
        _ => Err(format!(
            "« {} » n'est pas une heure (forme attendue : 8:30 ou 8 h 30)",
            input.trim()
        )),
    }
}

/// The day and time typed for each épreuve (`typed`: date and start, in the order of
/// `current`), checked against the session's dates: the new slots, or every problem at once.
pub fn slots_from_input(
    start: Date,
    end: Date,
    current: &[Slot],
    typed: &[(&str, &str)],
) -> Result<Vec<Slot>, Vec<Problem>> {
    if typed.len() != current.len() {
        return Err(vec![Problem::new(
            "schedule",
            format!(
                "le calendrier doit donner une date et une heure à chacune des {} épreuves du titre",
                current.len()
            ),
        )]);
    }
    let mut problems = Vec::new();
    let mut slots = Vec::with_capacity(typed.len());
    for (i, ((date_text, start_text), slot)) in typed.iter().zip(current).enumerate() {
        let date = match fr::parse_date(date_text) {
            Ok(d) if d < start || d > end => {
                problems.push(Problem::new(
                    format!("date_{i}"),
                    format!(
                        "{} : le {} est en dehors de la session ({})",
                        slot.name,
                        fr::long_date(d),
                        fr::date_range(start, end)
                    ),
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(Problem::new(
                    format!("date_{i}"),
                    format!("{} : {e}", slot.name),
                ));
                None
            }
        };
        let time = match parse_time(start_text) {
            Ok(t) => Some(t),
            Err(e) => {
                problems.push(Problem::new(
                    format!("start_{i}"),
                    format!("{} : {e}", slot.name),
                ));
                None
            }
        };
        if let (Some(date), Some(at)) = (date, time) {
            use crate::timetable::{DAY_END, DAY_START, LUNCH_END, LUNCH_START};
            if at < DAY_START || at >= DAY_END || (at >= LUNCH_START && at < LUNCH_END) {
                problems.push(Problem::new(
                    format!("start_{i}"),
                    format!(
                        "{} : {} n'est pas dans les heures d'épreuve ({} – {}, {} – {})",
                        slot.name,
                        fr::time(at),
                        fr::time(DAY_START),
                        fr::time(LUNCH_START),
                        fr::time(LUNCH_END),
                        fr::time(DAY_END)
                    ),
                ));
            }
            slots.push(Slot {
                name: slot.name.clone(),
                date,
                start: at,
                minutes: slot.minutes,
            });
        }
    }
    if problems.is_empty() {
        Ok(slots)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn epreuves(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(n, m)| (n.to_string(), *m)).collect()
    }

    #[test]
    fn a_one_day_session_runs_in_order_with_breaks_and_lunch() {
        // Monday 14 December 2026.
        let slots = propose(
            date(2026, 12, 14),
            date(2026, 12, 14),
            Zone::Metropole,
            &epreuves(&[
                ("Mise en situation professionnelle", 210),
                ("Entretien technique", 45),
                ("Entretien final", 20),
            ]),
        );
        let got: Vec<(Date, Time, Time)> =
            slots.iter().map(|s| (s.date, s.start, s.end())).collect();
        assert_eq!(
            got,
            vec![
                (date(2026, 12, 14), time(8, 30, 0, 0), time(12, 0, 0, 0)),
                (date(2026, 12, 14), time(13, 30, 0, 0), time(14, 15, 0, 0)),
                (date(2026, 12, 14), time(14, 30, 0, 0), time(14, 50, 0, 0)),
            ]
        );
        assert_eq!(
            welcome_time(&slots, date(2026, 12, 14)),
            Some(time(8, 0, 0, 0))
        );
    }

    #[test]
    fn what_does_not_fit_goes_to_the_next_working_day_skipping_holidays() {
        // Thursday 24 December 2026; Friday 25 is Christmas, then the weekend.
        let slots = propose(
            date(2026, 12, 24),
            date(2026, 12, 28),
            Zone::Metropole,
            &epreuves(&[
                ("MSP", 480),
                ("Entretien technique", 60),
                ("Questionnaire professionnel", 90),
                ("Entretien final", 30),
            ]),
        );
        let got: Vec<(Date, Time)> = slots.iter().map(|s| (s.date, s.start)).collect();
        assert_eq!(
            got,
            vec![
                (date(2026, 12, 24), time(8, 30, 0, 0)),
                (date(2026, 12, 24), time(16, 45, 0, 0)),
                (date(2026, 12, 28), time(8, 30, 0, 0)),
                (date(2026, 12, 28), time(10, 15, 0, 0)),
            ]
        );
        assert_eq!(days(&slots), vec![date(2026, 12, 24), date(2026, 12, 28)]);
    }

    #[test]
    fn a_session_starting_on_a_saturday_starts_on_monday() {
        let slots = propose(
            date(2026, 12, 12),
            date(2026, 12, 15),
            Zone::Metropole,
            &epreuves(&[("Questionnaire professionnel", 90)]),
        );
        assert_eq!(slots[0].date, date(2026, 12, 14));
    }

    #[test]
    fn an_epreuve_never_starts_during_lunch() {
        let slots = propose(
            date(2026, 12, 14),
            date(2026, 12, 14),
            Zone::Metropole,
            &epreuves(&[("A", 195), ("B", 30)]),
        );
        // A ends at 11 h 45; B would start at 12 h 00, so it waits for 13 h 30.
        assert_eq!(slots[1].start, time(13, 30, 0, 0));
    }

    #[test]
    fn reads_the_ways_people_write_times() {
        let t = |h, m| time(h, m, 0, 0);
        assert_eq!(parse_time("8:30"), Ok(t(8, 30)));
        assert_eq!(parse_time("08h30"), Ok(t(8, 30)));
        assert_eq!(parse_time("8 h 30"), Ok(t(8, 30)));
        assert_eq!(parse_time("14h"), Ok(t(14, 0)));
        assert_eq!(parse_time("14"), Ok(t(14, 0)));
        assert_eq!(parse_time(" 14:05 "), Ok(t(14, 5)));
        for bad in ["", "25:00", "8:60", "midi", "8:3x", "-1:00", "123"] {
            let e = parse_time(bad).unwrap_err();
            assert!(e.contains("n'est pas une heure"), "{bad}: {e}");
        }
    }

    #[test]
    fn typed_slots_stay_in_the_session_and_the_days_hours() {
        let (start, end) = (date(2027, 3, 15), date(2027, 3, 16));
        let current = vec![
            Slot {
                name: "Mise en situation".into(),
                date: start,
                start: time(8, 30, 0, 0),
                minutes: 240,
            },
            Slot {
                name: "Entretien final".into(),
                date: start,
                start: time(14, 0, 0, 0),
                minutes: 20,
            },
        ];
        let ok = slots_from_input(
            start,
            end,
            &current,
            &[("16/03/2027", "9h"), ("2027-03-16", "14:30")],
        )
        .unwrap();
        assert_eq!(ok[0].date, end);
        assert_eq!(ok[1].start, time(14, 30, 0, 0));
        let p = slots_from_input(
            start,
            end,
            &current,
            &[("17/03/2027", "21:00"), ("x", "midi")],
        )
        .unwrap_err();
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["date_0", "date_1", "start_1"]);
        assert!(
            p[0].message.contains("en dehors de la session"),
            "{}",
            p[0].message
        );
        let late = slots_from_input(
            start,
            end,
            &current,
            &[("15/03/2027", "21:00"), ("15/03/2027", "8:00")],
        )
        .unwrap_err();
        // Neither in the evening nor before the day's start nor over lunch.
        assert_eq!(
            late[0].message,
            "Mise en situation : 21 h n'est pas dans les heures d'épreuve (8 h 30 – 12 h, 13 h 30 – 17 h)"
        );
        assert_eq!(late[1].field, "start_1");
        let lunch = slots_from_input(
            start,
            end,
            &current,
            &[("15/03/2027", "12:30"), ("15/03/2027", "13:30")],
        )
        .unwrap_err();
        assert_eq!(lunch.len(), 1);
        assert!(
            lunch[0]
                .message
                .contains("12 h 30 n'est pas dans les heures d'épreuve")
        );
        let short = slots_from_input(start, end, &current, &[("15/03/2027", "8:00")]).unwrap_err();
        assert_eq!(short[0].field, "schedule");
    }
}
