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

/// « 1ᵉʳ » (premier, its letters raised as French typography writes it), « 2 », « 31 ».
fn day_number(date: Date) -> String {
    if date.day() == 1 {
        "1ᵉʳ".to_owned()
    } else {
        date.day().to_string()
    }
}

/// « lundi 14 décembre 2026 », « vendredi 1ᵉʳ octobre 2027 ».
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
/// « le 07/12/2026 à 23 h 06 » in Paris, for a moment written as RFC 3339 (as the journal
/// stamps it); the text as given when it is not one.
pub fn moment(stamp: &str) -> String {
    stamp
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| t.in_tz("Europe/Paris").ok())
        .map(|z| format!("le {} à {}", short_date(z.date()), time(z.time())))
        .unwrap_or_else(|| stamp.to_owned())
}

pub fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02}"),
    }
}

/// « le lundi 14 décembre 2026 », « du lundi 14 au mercredi 16 décembre 2026 »,
/// « du lundi 30 novembre au mardi 1ᵉʳ décembre 2026 ».
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

/// « dans 3 jours », « aujourd'hui », « demain », « en retard de 2 jours ».
pub fn days_left(days: i32) -> String {
    match days {
        0 => "aujourd'hui".to_owned(),
        1 => "demain".to_owned(),
        -1 => "en retard d'un jour".to_owned(),
        d if d > 1 => format!("dans {d} jours"),
        d => format!("en retard de {} jours", -d),
    }
}

/// « 1 erreur », « 3 erreurs » : a count and its noun, agreed (never « erreur(s) »).
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        integer(n as u64),
        if n > 1 { plural } else { singular }
    )
}

/// A word agreed with a person's civility: the feminine for « Madame », the masculine for
/// « Monsieur », and both (« convoqué(e) ») when the civility is not known.
pub fn agreed<'a>(
    civility: &str,
    masculine: &'a str,
    feminine: &'a str,
    unknown: &'a str,
) -> &'a str {
    match civility {
        "Madame" => feminine,
        "Monsieur" => masculine,
        _ => unknown,
    }
}

/// How a body's name takes an article in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Article {
    /// « Pour le Centre de formation… », « du Centre de formation… ».
    Le,
    /// « Pour la Maison de la formation… », « de la Maison… ».
    La,
    /// « Pour l'Institut… », « de l'Institut… ».
    Elided,
    /// « Pour les Compagnons… », « des Compagnons… ».
    Les,
    /// A proper name alone: « Pour Formapro », « de Formapro ».
    None,
}

/// The article a centre's name calls for, from its first word: a common noun (« Centre »,
/// « Institut », « Maison »…) takes one; a name that begins with its own article (« Les
/// Tilleuls », « Le Cnam ») gives it; any other name stands alone.
fn article(name: &str) -> (Article, &str) {
    let name = name.trim();
    let (first, rest) = name.split_once(' ').unwrap_or((name, ""));
    let folded = crate::candidate::fold(first);
    match folded.as_str() {
        "le" if !rest.is_empty() => return (Article::Le, rest),
        "la" if !rest.is_empty() => return (Article::La, rest),
        "les" if !rest.is_empty() => return (Article::Les, rest),
        _ => {}
    }
    if let Some(after) = name
        .strip_prefix("L'")
        .or_else(|| name.strip_prefix("L’"))
        .or_else(|| name.strip_prefix("l'"))
        .or_else(|| name.strip_prefix("l’"))
        && !after.is_empty()
    {
        return (Article::Elided, after);
    }
    let article = match folded.as_str() {
        "centre" | "lycee" | "college" | "groupement" | "greta" | "campus" | "pole" | "cfa"
        | "cnam" | "conservatoire" | "service" | "syndicat" | "cabinet" | "reseau" => Article::Le,
        "maison" | "chambre" | "federation" | "agence" | "fondation" | "mission" | "cite"
        | "societe" | "direction" => Article::La,
        "institut" | "organisme" | "association" | "ecole" | "etablissement" | "espace"
        | "atelier" | "academie" | "universite" | "afpa" | "unite" | "office" => Article::Elided,
        _ => Article::None,
    };
    (article, name)
}

/// « Pour le Centre de formation des Tilleuls », « Pour l'Institut Pasteur », « Pour les
/// Tilleuls », « Pour Formapro »: how a letter is signed on behalf of a centre.
pub fn on_behalf_of(name: &str) -> String {
    match article(name) {
        (Article::Le, n) => format!("Pour le {n}"),
        (Article::La, n) => format!("Pour la {n}"),
        (Article::Elided, n) => format!("Pour l'{n}"),
        (Article::Les, n) => format!("Pour les {n}"),
        (Article::None, n) => format!("Pour {n}"),
    }
}

/// « du Centre de formation des Tilleuls », « de l'Institut Pasteur », « des Tilleuls »,
/// « de Formapro »: a centre's name after « de ».
pub fn of(name: &str) -> String {
    match article(name) {
        (Article::Le, n) => format!("du {n}"),
        (Article::La, n) => format!("de la {n}"),
        (Article::Elided, n) => format!("de l'{n}"),
        (Article::Les, n) => format!("des {n}"),
        (Article::None, n) => format!("de {n}"),
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
    fn counts_agree_with_their_noun() {
        assert_eq!(count(0, "erreur", "erreurs"), "0 erreur");
        assert_eq!(count(1, "erreur", "erreurs"), "1 erreur");
        assert_eq!(count(3, "erreur", "erreurs"), "3 erreurs");
        assert_eq!(count(1200, "ligne", "lignes"), "1\u{202f}200 lignes");
    }

    #[test]
    fn words_agree_with_the_civility() {
        let convoked = |c| agreed(c, "convoqué", "convoquée", "convoqué(e)");
        assert_eq!(convoked("Madame"), "convoquée");
        assert_eq!(convoked("Monsieur"), "convoqué");
        assert_eq!(convoked(""), "convoqué(e)");
    }

    #[test]
    fn a_centre_is_signed_for_with_the_article_its_name_calls_for() {
        for (name, signed, after_de) in [
            (
                "Centre de formation des Tilleuls",
                "Pour le Centre de formation des Tilleuls",
                "du Centre de formation des Tilleuls",
            ),
            (
                "Institut Pasteur",
                "Pour l'Institut Pasteur",
                "de l'Institut Pasteur",
            ),
            (
                "École des métiers",
                "Pour l'École des métiers",
                "de l'École des métiers",
            ),
            (
                "Maison de l'emploi",
                "Pour la Maison de l'emploi",
                "de la Maison de l'emploi",
            ),
            ("Les Tilleuls", "Pour les Tilleuls", "des Tilleuls"),
            ("Le Cnam Lyon", "Pour le Cnam Lyon", "du Cnam Lyon"),
            ("L'Atelier", "Pour l'Atelier", "de l'Atelier"),
            (
                "GRETA Lyon Métropole",
                "Pour le GRETA Lyon Métropole",
                "du GRETA Lyon Métropole",
            ),
            ("Formapro", "Pour Formapro", "de Formapro"),
            ("  Formapro  ", "Pour Formapro", "de Formapro"),
            ("Le", "Pour Le", "de Le"),
        ] {
            assert_eq!(on_behalf_of(name), signed, "{name}");
            assert_eq!(of(name), after_de, "{name}");
        }
    }

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
        assert_eq!(long_date(date(2027, 10, 1)), "vendredi 1ᵉʳ octobre 2027");
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
            "du lundi 30 novembre au mardi 1ᵉʳ décembre 2026"
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
