//! The French working calendar: public holidays per zone, working days, calendar-month
//! arithmetic clamped to the month's end, and the *advised* date of a deadline.

use std::fmt;
use std::str::FromStr;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

/// The holiday zone of a site. Alsace-Moselle keeps Good Friday and 26 December.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Zone {
    #[default]
    Metropole,
    AlsaceMoselle,
}

impl Zone {
    pub const ALL: [Zone; 2] = [Zone::Metropole, Zone::AlsaceMoselle];

    pub fn as_str(self) -> &'static str {
        match self {
            Zone::Metropole => "metropole",
            Zone::AlsaceMoselle => "alsace-moselle",
        }
    }

    /// French name, for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Zone::Metropole => "métropole",
            Zone::AlsaceMoselle => "Alsace-Moselle",
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Zone {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Zone::ALL
            .into_iter()
            .find(|z| z.as_str() == s)
            .ok_or_else(|| format!("zone inconnue « {s} » (attendu : metropole ou alsace-moselle)"))
    }
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian computus, Meeus/Jones/Butcher).
///
/// Valid for every year jiff can represent after the Gregorian reform (1583 on).
pub fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Month 3 or 4 and a valid day for the Gregorian years the planner supports; far outside
    // them (negative years) the formula means nothing, and 22 March stands in, never a panic.
    Date::new(year, month as i8, day as i8).unwrap_or(Date::constant(year, 3, 22))
}

/// One public holiday: its date and its French name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name: &'static str,
}

/// The public holidays of `year` in `zone`, in date order.
pub fn holidays(year: i16, zone: Zone) -> Vec<Holiday> {
    let e = easter(year);
    let shifted = |days: i64| {
        e.checked_add(days.days())
            .expect("Easter ± 50 days stays in range")
    };
    let fixed = |month: i8, day: i8| Date::constant(year, month, day);
    let mut list = vec![
        Holiday {
            date: fixed(1, 1),
            name: "Jour de l'An",
        },
        Holiday {
            date: shifted(1),
            name: "Lundi de Pâques",
        },
        Holiday {
            date: fixed(5, 1),
            name: "Fête du Travail",
        },
        Holiday {
            date: fixed(5, 8),
            name: "Victoire 1945",
        },
        Holiday {
            date: shifted(39),
            name: "Ascension",
        },
        Holiday {
            date: shifted(50),
            name: "Lundi de Pentecôte",
        },
        Holiday {
            date: fixed(7, 14),
            name: "Fête nationale",
        },
        Holiday {
            date: fixed(8, 15),
            name: "Assomption",
        },
        Holiday {
            date: fixed(11, 1),
            name: "Toussaint",
        },
        Holiday {
            date: fixed(11, 11),
            name: "Armistice 1918",
        },
        Holiday {
            date: fixed(12, 25),
            name: "Noël",
        },
    ];
    if zone == Zone::AlsaceMoselle {
        list.push(Holiday {
            date: shifted(-2),
            name: "Vendredi saint",
        });
        list.push(Holiday {
            date: fixed(12, 26),
            name: "Saint-Étienne",
        });
    }
    list.sort_by_key(|h| h.date);
    list
}

/// The name of the public holiday on `date` in `zone`, if it is one.
pub fn holiday_name(date: Date, zone: Zone) -> Option<&'static str> {
    let (m, d) = (date.month(), date.day());
    let fixed = match (m, d) {
        (1, 1) => Some("Jour de l'An"),
        (5, 1) => Some("Fête du Travail"),
        (5, 8) => Some("Victoire 1945"),
        (7, 14) => Some("Fête nationale"),
        (8, 15) => Some("Assomption"),
        (11, 1) => Some("Toussaint"),
        (11, 11) => Some("Armistice 1918"),
        (12, 25) => Some("Noël"),
        (12, 26) if zone == Zone::AlsaceMoselle => Some("Saint-Étienne"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    // Movable feasts all fall between late March and mid June.
    if !(3..=6).contains(&m) {
        return None;
    }
    let e = easter(date.year());
    let offset = (date - e).get_days();
    match offset {
        1 => Some("Lundi de Pâques"),
        39 => Some("Ascension"),
        50 => Some("Lundi de Pentecôte"),
        -2 if zone == Zone::AlsaceMoselle => Some("Vendredi saint"),
        _ => None,
    }
}

pub fn is_holiday(date: Date, zone: Zone) -> bool {
    holiday_name(date, zone).is_some()
}

/// Monday to Friday and not a public holiday of the zone.
pub fn is_working_day(date: Date, zone: Zone) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(date, zone)
}

/// The last working day on or before `deadline`; `None` only at the very start of jiff's range.
pub fn advised(deadline: Date, zone: Zone) -> Option<Date> {
    let mut day = deadline;
    while !is_working_day(day, zone) {
        day = day.yesterday().ok()?;
    }
    Some(day)
}

/// `date` plus `months` calendar months, clamped to the last day of the target month
/// (2027-08-31 − 6 months = 2027-02-28). `None` when the result leaves jiff's range.
pub fn add_months(date: Date, months: i32) -> Option<Date> {
    let index = i32::from(date.year()) * 12 + i32::from(date.month()) - 1 + months;
    let year = i16::try_from(index.div_euclid(12)).ok()?;
    let month = (index.rem_euclid(12) + 1) as i8;
    let first = Date::new(year, month, 1).ok()?;
    let day = date.day().min(first.days_in_month());
    Date::new(year, month, day).ok()
}

/// `date` plus `days` calendar days; `None` when the result leaves jiff's range.
pub fn add_days(date: Date, days: i32) -> Option<Date> {
    date.checked_add(i64::from(days).days()).ok()
}

/// Whole calendar days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i32 {
    (to - from).get_days()
}

/// Every day from `start` to `end`, both included.
pub fn days_from(start: Date, end: Date) -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = start;
    while d <= end {
        out.push(d);
        match d.tomorrow() {
            Ok(n) => d = n,
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn easter_known_dates() {
        assert_eq!(easter(2026), date(2026, 4, 5));
        assert_eq!(easter(2027), date(2027, 3, 28));
        assert_eq!(easter(2028), date(2028, 4, 16));
        assert_eq!(easter(2000), date(2000, 4, 23));
        assert_eq!(easter(1943), date(1943, 4, 25));
        assert_eq!(easter(2285), date(2285, 3, 22));
    }

    #[test]
    fn holidays_2027_metropole_by_hand() {
        // Easter 2027-03-28: Monday 29 March, Ascension 6 May, Whit Monday 17 May.
        let got: Vec<Date> = holidays(2027, Zone::Metropole)
            .iter()
            .map(|h| h.date)
            .collect();
        let want = [
            date(2027, 1, 1),
            date(2027, 3, 29),
            date(2027, 5, 1),
            date(2027, 5, 6),
            date(2027, 5, 8),
            date(2027, 5, 17),
            date(2027, 7, 14),
            date(2027, 8, 15),
            date(2027, 11, 1),
            date(2027, 11, 11),
            date(2027, 12, 25),
        ];
        assert_eq!(got, want);
        for d in want {
            assert!(is_holiday(d, Zone::Metropole), "{d}");
        }
    }

    #[test]
    fn alsace_moselle_adds_good_friday_and_saint_etienne() {
        assert_eq!(
            holiday_name(date(2027, 3, 26), Zone::AlsaceMoselle),
            Some("Vendredi saint")
        );
        assert_eq!(holiday_name(date(2027, 3, 26), Zone::Metropole), None);
        assert_eq!(
            holiday_name(date(2026, 12, 26), Zone::AlsaceMoselle),
            Some("Saint-Étienne")
        );
        assert!(!is_holiday(date(2026, 12, 26), Zone::Metropole));
        assert_eq!(holidays(2026, Zone::AlsaceMoselle).len(), 13);
        assert_eq!(
            holiday_name(date(2026, 4, 3), Zone::AlsaceMoselle),
            Some("Vendredi saint")
        );
    }

    #[test]
    fn advised_skips_weekends_and_holidays() {
        // Saturday 13 February 2027 -> Friday 12.
        assert_eq!(
            advised(date(2027, 2, 13), Zone::Metropole),
            Some(date(2027, 2, 12))
        );
        // Monday 14 December 2026 is itself a working day.
        assert_eq!(
            advised(date(2026, 12, 14), Zone::Metropole),
            Some(date(2026, 12, 14))
        );
        // Whit Monday 17 May 2027 -> Friday 14 May.
        assert_eq!(
            advised(date(2027, 5, 17), Zone::Metropole),
            Some(date(2027, 5, 14))
        );
        // Saturday 26 December 2026 -> Thursday 24 (Christmas is a Friday).
        assert_eq!(
            advised(date(2026, 12, 26), Zone::Metropole),
            Some(date(2026, 12, 24))
        );
        // Monday 29 March 2027 (Easter Monday) in Alsace-Moselle: Friday 26 is Good Friday,
        // so Thursday 25.
        assert_eq!(
            advised(date(2027, 3, 29), Zone::AlsaceMoselle),
            Some(date(2027, 3, 25))
        );
        assert_eq!(
            advised(date(2027, 3, 29), Zone::Metropole),
            Some(date(2027, 3, 26))
        );
    }

    #[test]
    fn months_clamp_to_month_end() {
        assert_eq!(add_months(date(2027, 8, 31), -6), Some(date(2027, 2, 28)));
        assert_eq!(add_months(date(2028, 8, 31), -6), Some(date(2028, 2, 29)));
        assert_eq!(add_months(date(2027, 1, 31), 1), Some(date(2027, 2, 28)));
        assert_eq!(add_months(date(2027, 10, 31), -8), Some(date(2027, 2, 28)));
        assert_eq!(add_months(date(2027, 3, 15), -8), Some(date(2026, 7, 15)));
        assert_eq!(add_months(date(2026, 12, 31), 12), Some(date(2027, 12, 31)));
        assert_eq!(add_months(date(9999, 12, 1), 1), None);
    }
}
