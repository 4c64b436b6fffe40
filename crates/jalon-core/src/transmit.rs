//! The transmission of a session's documents (`close.transmit`): within 48 hours for a
//! transport title, within 5 days for the others (the seed) — unless the title's own arrêté
//! says otherwise (one 2024 transport title says 5 working days), a per-title setting — and
//! the act itself: the day, the channel (a transfer link, registered post with its number…)
//! and what was sent.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{Problem, Zone, calendar, fr};

/// A title's own delay for the transmission, after the session's last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransmitDelay {
    pub days: u32,
    /// Counted in working days (Monday to Friday, public holidays of the site's zone
    /// excluded) rather than calendar days.
    #[serde(default)]
    pub working: bool,
}

/// The longest delay a title may set (a month of working days).
pub const MAX_DAYS: u32 = 30;

/// Reads a title's delay as a centre types it: « 5 », « 5 jours », « 5 ouvrés », « 5 jours
/// ouvrés », « 48 h »; empty for none (the seed's: 48 h for transport, 5 days otherwise).
pub fn parse(typed: &str) -> Result<Option<TransmitDelay>, String> {
    let t = typed.trim().to_lowercase().replace('é', "e");
    if t.is_empty() {
        return Ok(None);
    }
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest: Vec<&str> = t[digits.len()..].split_whitespace().collect();
    let unclear = || {
        format!(
            "« {} » : écrivez un nombre de jours, suivi de « ouvrés » s'ils se comptent en jours \
             ouvrés — par exemple « 5 », « 5 jours ouvrés » ou « 48 h »",
            typed.trim()
        )
    };
    let n: u32 = digits.parse().map_err(|_| unclear())?;
    let (days, working) = match rest.as_slice() {
        [] | ["j"] | ["jour"] | ["jours"] | ["calendaires"] | ["jours", "calendaires"] => {
            (n, false)
        }
        ["ouvres"] | ["ouvre"] | ["jours", "ouvres"] | ["jour", "ouvre"] | ["j", "ouvres"] => {
            (n, true)
        }
        ["h"] | ["heures"] if n.is_multiple_of(24) => (n / 24, false),
        ["h"] | ["heures"] => {
            return Err(format!(
                "« {} » : un délai en heures se compte en jours entiers (24 h, 48 h, 72 h…)",
                typed.trim()
            ));
        }
        _ => return Err(unclear()),
    };
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(format!(
            "« {} » : le délai de transmission va de 1 à {MAX_DAYS} jours",
            typed.trim()
        ));
    }
    Ok(Some(TransmitDelay { days, working }))
}

/// The delay as the title form shows it, and `parse` reads it back: « 5 jours ouvrés »,
/// « 2 jours ».
pub fn describe(d: TransmitDelay) -> String {
    let unit = if d.days > 1 { "jours" } else { "jour" };
    let kind = match (d.working, d.days > 1) {
        (true, true) => " ouvrés",
        (true, false) => " ouvré",
        (false, _) => "",
    };
    format!("{} {unit}{kind}", d.days)
}

/// The rule as the chronology writes it: « F + 5 jours ouvrés (délai du titre) ».
pub fn describe_rule(d: TransmitDelay) -> String {
    format!("F + {} (délai du titre)", describe(d))
}

/// The last day of the transmission: `end` plus the delay, in calendar days or in working
/// days of the zone. `None` when it leaves the calendar.
pub fn deadline(end: Date, d: TransmitDelay, zone: Zone) -> Option<Date> {
    if !d.working {
        return calendar::add_days(end, i32::try_from(d.days).ok()?);
    }
    let mut day = end;
    let mut left = d.days;
    while left > 0 {
        day = day.tomorrow().ok()?;
        if calendar::is_working_day(day, zone) {
            left -= 1;
        }
    }
    Some(day)
}

/// How the documents went to the departmental service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A transfer link (a file-sharing service); the reference is the link.
    TransferLink,
    /// Registered post with acknowledgement; the reference is its number.
    RegisteredPost,
    /// An email to the service's address; the reference is the address.
    Email,
    /// Handed over at the service, against a receipt.
    HandDelivery,
    /// Another way, which the reference describes.
    Other,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::TransferLink,
        Channel::RegisteredPost,
        Channel::Email,
        Channel::HandDelivery,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::TransferLink => "transfer_link",
            Channel::RegisteredPost => "registered_post",
            Channel::Email => "email",
            Channel::HandDelivery => "hand_delivery",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::TransferLink => "lien de transfert",
            Channel::RegisteredPost => "lettre recommandée avec accusé de réception",
            Channel::Email => "courriel",
            Channel::HandDelivery => "remise en main propre",
            Channel::Other => "autre moyen",
        }
    }

    /// What the reference is, for the form and the messages; `None` when none is needed.
    pub fn reference_label(self) -> Option<&'static str> {
        match self {
            Channel::TransferLink => Some("le lien de transfert"),
            Channel::RegisteredPost => Some("le numéro du recommandé"),
            Channel::Email => Some("l'adresse du service destinataire"),
            Channel::HandDelivery => None,
            Channel::Other => Some("le moyen utilisé"),
        }
    }
}

/// The transmission as a centre records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransmissionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub sent_on: Date,
    pub channel: Channel,
    /// The link, the registered post's number, the address…
    #[serde(default)]
    pub reference: String,
    /// What was sent: « PV de session signé, grilles d'évaluation, feuilles d'émargement… ».
    pub contents: String,
}

/// The longest reference and list of contents kept.
const MAX_TEXT: usize = 2000;

/// Why a transmission cannot be recorded; empty when it can. `end` is the session's last
/// day: the documents leave once the épreuves are over, not before, nor in the future.
pub fn problems(t: &TransmissionInput, today: Date, end: Date) -> Vec<Problem> {
    let mut out = Vec::new();
    if t.sent_on > today {
        out.push(Problem::new(
            "sent_on",
            format!(
                "la transmission du {} n'a pas encore eu lieu",
                fr::long_date(t.sent_on)
            ),
        ));
    } else if t.sent_on < end {
        out.push(Problem::new(
            "sent_on",
            format!(
                "les documents se transmettent après la dernière épreuve, le {} au plus tôt",
                fr::long_date(end)
            ),
        ));
    }
    let reference = t.reference.trim();
    match t.channel.reference_label() {
        Some(what) if reference.is_empty() => out.push(Problem::new(
            "reference",
            format!("indiquez {what} ({})", t.channel.label()),
        )),
        _ => {}
    }
    if t.channel == Channel::TransferLink
        && !reference.is_empty()
        && !(reference.starts_with("https://") || reference.starts_with("http://"))
    {
        out.push(Problem::new(
            "reference",
            format!("« {reference} » n'est pas un lien : il commence par https://"),
        ));
    }
    if t.channel == Channel::RegisteredPost
        && !reference.is_empty()
        && reference
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .count()
            < 8
    {
        out.push(Problem::new(
            "reference",
            format!(
                "« {reference} » : un numéro de recommandé compte au moins 8 lettres et chiffres \
                 (par exemple 1A 123 456 7890 1)"
            ),
        ));
    }
    if reference.chars().count() > MAX_TEXT {
        out.push(Problem::new(
            "reference",
            format!("au plus {MAX_TEXT} caractères"),
        ));
    }
    if t.contents.trim().is_empty() {
        out.push(Problem::new(
            "contents",
            "dites ce qui a été transmis (PV, grilles d'évaluation, feuilles d'émargement…)",
        ));
    } else if t.contents.chars().count() > MAX_TEXT {
        out.push(Problem::new(
            "contents",
            format!("au plus {MAX_TEXT} caractères"),
        ));
    }
    out
}

/// A transmission as the session shows it: « mercredi 24 mars 2027, par lettre recommandée
/// avec accusé de réception (n° 1A 123 456 7890 1) ».
pub fn describe_act(sent_on: Date, channel: Channel, reference: &str) -> String {
    let reference = reference.trim();
    let what = match channel {
        Channel::RegisteredPost if !reference.is_empty() => format!(" (n° {reference})"),
        _ if !reference.is_empty() => format!(" ({reference})"),
        _ => String::new(),
    };
    let by = match channel {
        Channel::HandDelivery => "remis en main propre".to_owned(),
        Channel::Other => "transmis".to_owned(),
        c => format!("par {}", c.label()),
    };
    format!("Transmis le {}, {by}{what}", fr::long_date(sent_on))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn delay(days: u32, working: bool) -> TransmitDelay {
        TransmitDelay { days, working }
    }

    #[test]
    fn a_centre_types_its_titles_delay_in_words() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("  ").unwrap(), None);
        assert_eq!(parse("5").unwrap(), Some(delay(5, false)));
        assert_eq!(parse("5 jours").unwrap(), Some(delay(5, false)));
        assert_eq!(parse("5 jours ouvrés").unwrap(), Some(delay(5, true)));
        assert_eq!(parse("5 OUVRÉS").unwrap(), Some(delay(5, true)));
        assert_eq!(parse("48 h").unwrap(), Some(delay(2, false)));
        assert_eq!(parse("72h").unwrap(), Some(delay(3, false)));
        assert_eq!(parse("1 jour ouvré").unwrap(), Some(delay(1, true)));
        // What it writes, it reads back.
        for d in [
            delay(5, true),
            delay(2, false),
            delay(1, true),
            delay(1, false),
        ] {
            assert_eq!(parse(&describe(d)).unwrap(), Some(d));
        }
        assert_eq!(describe(delay(5, true)), "5 jours ouvrés");
        assert_eq!(describe(delay(1, false)), "1 jour");
    }

    #[test]
    fn a_delay_that_cannot_be_read_says_what_is_expected() {
        let e = parse("cinq jours").unwrap_err();
        assert!(e.contains("« 5 jours ouvrés »"), "{e}");
        assert!(parse("5 semaines").is_err());
        let e = parse("36 h").unwrap_err();
        assert!(e.contains("jours entiers"), "{e}");
        let e = parse("0").unwrap_err();
        assert!(e.contains("de 1 à 30 jours"), "{e}");
        assert!(parse("45 jours").is_err());
    }

    #[test]
    fn working_days_skip_weekends_and_the_zones_holidays() {
        let m = Zone::Metropole;
        // Friday 19 March 2027: five calendar days is Wednesday 24, five working days
        // Friday 26.
        let f = date(2027, 3, 19);
        assert_eq!(deadline(f, delay(5, false), m), Some(date(2027, 3, 24)));
        assert_eq!(deadline(f, delay(5, true), m), Some(date(2027, 3, 26)));
        // Thursday 29 April 2027, five working days: Friday 30, Monday 3 May, Tuesday 4,
        // Wednesday 5, then Thursday 6 is Ascension: Friday 7 May (1 May is a Saturday).
        assert_eq!(
            deadline(date(2027, 4, 29), delay(5, true), m),
            Some(date(2027, 5, 7))
        );
        // Across Christmas in Alsace-Moselle: the 25th and 26th (Saint Étienne) are
        // holidays there, only the 25th elsewhere; the 26th is a Saturday in 2026, so
        // Thursday 24 December + 2 working days is Tuesday 29 in both zones.
        assert_eq!(
            deadline(date(2026, 12, 24), delay(2, true), Zone::AlsaceMoselle),
            Some(date(2026, 12, 29))
        );
        assert_eq!(
            deadline(date(2026, 12, 24), delay(2, true), m),
            Some(date(2026, 12, 29))
        );
        // Good Friday (26 March 2027) is a holiday in Alsace-Moselle only, Easter Monday
        // (29 March) everywhere: Thursday 25 March + 1 working day.
        assert_eq!(
            deadline(date(2027, 3, 25), delay(1, true), Zone::AlsaceMoselle),
            Some(date(2027, 3, 30))
        );
        assert_eq!(
            deadline(date(2027, 3, 25), delay(1, true), m),
            Some(date(2027, 3, 26))
        );
    }

    fn sent(on: Date, channel: Channel, reference: &str, contents: &str) -> TransmissionInput {
        TransmissionInput {
            sent_on: on,
            channel,
            reference: reference.to_owned(),
            contents: contents.to_owned(),
        }
    }

    #[test]
    fn a_transmission_is_refused_before_the_last_epreuve_or_in_the_future() {
        let (today, end) = (date(2027, 3, 22), date(2027, 3, 19));
        let ok = sent(date(2027, 3, 20), Channel::Email, "ddets@example.fr", "PV");
        assert!(problems(&ok, today, end).is_empty());
        // The last day itself, once the épreuves are over.
        let same = TransmissionInput {
            sent_on: end,
            ..ok.clone()
        };
        assert!(problems(&same, today, end).is_empty());
        let early = TransmissionInput {
            sent_on: date(2027, 3, 18),
            ..ok.clone()
        };
        let p = problems(&early, today, end);
        assert_eq!(p[0].field, "sent_on");
        assert!(p[0].message.contains("vendredi 19 mars 2027"), "{p:?}");
        let future = TransmissionInput {
            sent_on: date(2027, 3, 23),
            ..ok
        };
        assert!(
            problems(&future, today, end)[0]
                .message
                .contains("pas encore eu lieu")
        );
    }

    #[test]
    fn each_channel_asks_for_its_own_reference() {
        let (today, end) = (date(2027, 3, 22), date(2027, 3, 19));
        let on = date(2027, 3, 22);
        let p = problems(&sent(on, Channel::RegisteredPost, "", "PV"), today, end);
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("le numéro du recommandé"), "{p:?}");
        let p = problems(&sent(on, Channel::RegisteredPost, "12", "PV"), today, end);
        assert!(p[0].message.contains("au moins 8"), "{p:?}");
        assert!(
            problems(
                &sent(on, Channel::RegisteredPost, "1A 123 456 7890 1", "PV"),
                today,
                end
            )
            .is_empty()
        );
        let p = problems(
            &sent(on, Channel::TransferLink, "wetransfer", "PV"),
            today,
            end,
        );
        assert!(p[0].message.contains("https://"), "{p:?}");
        assert!(
            problems(
                &sent(on, Channel::HandDelivery, "", "PV, grilles"),
                today,
                end
            )
            .is_empty()
        );
        let p = problems(&sent(on, Channel::HandDelivery, "", "  "), today, end);
        assert_eq!(p[0].field, "contents");
    }

    #[test]
    fn the_act_reads_as_a_sentence() {
        assert_eq!(
            describe_act(
                date(2027, 3, 22),
                Channel::RegisteredPost,
                "1A 123 456 7890 1"
            ),
            "Transmis le lundi 22 mars 2027, par lettre recommandée avec accusé de réception \
             (n° 1A 123 456 7890 1)"
        );
        assert_eq!(
            describe_act(date(2027, 3, 22), Channel::HandDelivery, ""),
            "Transmis le lundi 22 mars 2027, remis en main propre"
        );
    }
}
