//! French wording of dates, and the reading of dates typed by people.

use jiff::civil::{Date, Weekday};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

pub fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "lundi",
        Weekday::Tuesday => "mardi",
        Weekday::Wednesday => "mercredi",
        Weekday::Thursday => "jeudi",
        Weekday::Friday => "vendredi",
        Weekday::Saturday => "samedi",
        Weekday::Sunday => "dimanche",
    }
}

pub fn month(month: i8) -> &'static str {
    MONTHS[(month.clamp(1, 12) - 1) as usize]
}

fn day_number(date: Date) -> String {
    if date.day() == 1 {
        "1er".to_owned()
    } else {
        date.day().to_string()
    }
}

/// « lundi 14 décembre 2026 », « vendredi 1er octobre 2027 ».
pub fn long_date(date: Date) -> String {
    format!(
        "{} {} {} {}",
        weekday(date.weekday()),
        day_number(date),
        month(date.month()),
        date.year()
    )
}

/// « 14 décembre 2026 », without the weekday.
pub fn date_without_weekday(date: Date) -> String {
    format!(
        "{} {} {}",
        day_number(date),
        month(date.month()),
        date.year()
    )
}

/// « 14/12/2026 », the short form used in tables and CSV files.
pub fn short_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// « 8 h 30 », « 14 h » : a time of day as French typography writes it.
pub fn time(t: jiff::civil::Time) -> String {
    if t.minute() == 0 {
        format!("{} h", t.hour())
    } else {
        format!("{} h {:02}", t.hour(), t.minute())
    }
}

/// « 3 h 30 », « 45 min », « 2 h » : a duration in minutes.
pub fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// « le lundi 14 décembre 2026 », « du lundi 14 au mercredi 16 décembre 2026 »,
/// « du lundi 30 novembre au mardi 1er décembre 2026 ».
pub fn date_range(start: Date, end: Date) -> String {
    if end <= start {
        return format!("le {}", long_date(start));
    }
    let first = if start.year() != end.year() {
        long_date(start)
    } else if start.month() != end.month() {
        format!(
            "{} {} {}",
            weekday(start.weekday()),
            day_number(start),
            month(start.month())
        )
    } else {
        format!("{} {}", weekday(start.weekday()), day_number(start))
    };
    format!("du {first} au {}", long_date(end))
}

/// « dans 3 jours », « aujourd'hui », « demain », « en retard de 2 jours ».
/// « 2 000 » : an integer with its thousands apart, as French writes it.
pub fn integer(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

pub fn days_left(days: i32) -> String {
    match days {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        -1 => "en retard d'un jour".to_owned(),
        d if d > 1 => format!("dans {d} jours"),
        d => format!("en retard de {} jours", -d),
    }
}

/// « a, b ou c »: the French way to list what is expected.
pub fn alternatives(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} ou {last}", init.join(", ")),
    }
}

/// The form every date input accepts, for error messages.
pub const DATE_FORMS: &str = "AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2027-03-15 ou 15/03/2027";

/// Reads a date written `AAAA-MM-JJ` (ISO 8601) or `JJ/MM/AAAA` (French usage).
///
/// The error is a French sentence saying what is wrong with the value (not which field it
/// came from: the caller names the field).
pub fn parse_date(input: &str) -> Result<Date, String> {
    let s = input.trim();
    let parts: Option<(&str, &str, &str)> = if let Some((y, rest)) = s.split_once('-') {
        rest.split_once('-').map(|(m, d)| (y, m, d))
    } else if let Some((d, rest)) = s.split_once('/') {
        rest.split_once('/').map(|(m, y)| (y, m, d))
    } else {
        None
    };
    let bad_form = || format!("« {s} » n'est pas une date (forme attendue : {DATE_FORMS})");
    let (y, m, d) = parts.ok_or_else(bad_form)?;
    let digits = |p: &str, min: usize, max: usize| {
        (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return Err(bad_form());
    }
    let (year, mon, day): (i16, i8, i8) = (
        y.parse().map_err(|_| bad_form())?,
        m.parse().map_err(|_| bad_form())?,
        d.parse().map_err(|_| bad_form())?,
    );
    if !(1..=12).contains(&mon) {
        return Err(format!(
            "« {s} » n'est pas une date valide : il n'y a pas de mois {mon} (forme attendue : {DATE_FORMS})"
        ));
    }
    if !(1900..=2200).contains(&year) {
        return Err(format!(
            "« {s} » est hors de la période prise en charge (années 1900 à 2200)"
        ));
    }
    Date::new(year, mon, day).map_err(|_| {
        format!(
            "« {s} » n'est pas une date valide : {} {year} n'a pas de jour {day} (forme attendue : {DATE_FORMS})",
            month(mon)
        )
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn integers_keep_their_thousands_apart() {
        assert_eq!(integer(100), "100");
        assert_eq!(integer(2000), "2\u{202f}000");
        assert_eq!(integer(1_234_567), "1\u{202f}234\u{202f}567");
    }

    use super::*;
    use jiff::civil::date;

    #[test]
    fn long_dates_read_as_in_french() {
        assert_eq!(long_date(date(2026, 12, 14)), "lundi 14 décembre 2026");
        assert_eq!(long_date(date(2027, 2, 13)), "samedi 13 février 2027");
        assert_eq!(long_date(date(2027, 10, 1)), "vendredi 1er octobre 2027");
        assert_eq!(long_date(date(2027, 8, 15)), "dimanche 15 août 2027");
        assert_eq!(short_date(date(2027, 3, 5)), "05/03/2027");
    }

    #[test]
    fn times_durations_and_ranges_read_as_in_french() {
        use jiff::civil::time;
        assert_eq!(super::time(time(8, 30, 0, 0)), "8 h 30");
        assert_eq!(super::time(time(14, 0, 0, 0)), "14 h");
        assert_eq!(super::time(time(9, 5, 0, 0)), "9 h 05");
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(210), "3 h 30");
        assert_eq!(
            date_range(date(2026, 12, 14), date(2026, 12, 14)),
            "le lundi 14 décembre 2026"
        );
        assert_eq!(
            date_range(date(2026, 12, 14), date(2026, 12, 16)),
            "du lundi 14 au mercredi 16 décembre 2026"
        );
        assert_eq!(
            date_range(date(2026, 11, 30), date(2026, 12, 1)),
            "du lundi 30 novembre au mardi 1er décembre 2026"
        );
        assert_eq!(
            date_range(date(2026, 12, 31), date(2027, 1, 4)),
            "du jeudi 31 décembre 2026 au lundi 4 janvier 2027"
        );
    }

    #[test]
    fn parses_iso_and_french_forms() {
        assert_eq!(parse_date("2027-03-15"), Ok(date(2027, 3, 15)));
        assert_eq!(parse_date(" 15/03/2027 "), Ok(date(2027, 3, 15)));
        assert_eq!(parse_date("5/3/2027"), Ok(date(2027, 3, 5)));
    }

    #[test]
    fn refuses_impossible_dates_with_a_reason() {
        let e = parse_date("2027-02-30").unwrap_err();
        assert!(e.contains("février 2027 n'a pas de jour 30"), "{e}");
        let e = parse_date("2027-13-01").unwrap_err();
        assert!(e.contains("pas de mois 13"), "{e}");
        let e = parse_date("demain").unwrap_err();
        assert!(
            e.contains("n'est pas une date") && e.contains("AAAA-MM-JJ"),
            "{e}"
        );
        assert!(parse_date("2027-03-15x").is_err());
        assert!(parse_date("27-03-15").is_err());
        assert!(parse_date("").is_err());
        assert!(
            parse_date("9999-12-31")
                .unwrap_err()
                .contains("1900 à 2200")
        );
    }
}
