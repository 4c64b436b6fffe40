//! A session's chronology as an iCalendar file (RFC 5545): one all-day event per dated,
//! applicable milestone, on its advised date, with the legal deadline in the description.
//!
//! Written by hand rather than through a builder so that the output is byte-for-byte stable
//! (same plan, same file: re-importing updates events instead of duplicating them) and folded
//! exactly as the RFC says: lines of at most 75 octets, never inside a UTF-8 character.

use std::fmt::Write as _;

use jalon_core::{Plan, PlannedMilestone, fr};
use jiff::civil::Date;

/// What distinguishes one calendar from another.
pub struct IcsOptions<'a> {
    /// Makes the events' UIDs unique to this session: a session id, or a digest of the
    /// session's inputs when there is no id. Must be stable across exports.
    pub scope: &'a str,
    /// The calendar's display name.
    pub name: &'a str,
}

/// The calendar of a plan, with CRLF line ends, folded.
pub fn plan_to_ics(plan: &Plan, options: &IcsOptions) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let stamp = format!("{}T000000Z", compact(plan.input.today));
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Jalon//Chronologie des sessions TP//FR");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(options.name)));
    for m in &plan.milestones {
        let (Some(advised), Some(deadline), true) = (m.advised, m.deadline, m.applicable) else {
            continue;
        };
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}.{}@jalon", m.id(), options.scope));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", compact(advised)),
        );
        let next = advised.tomorrow().unwrap_or(advised);
        line(&mut out, &format!("DTEND;VALUE=DATE:{}", compact(next)));
        line(&mut out, &format!("SUMMARY:{}", text(&m.rule.label)));
        line(
            &mut out,
            &format!("DESCRIPTION:{}", text(&description(plan, m, deadline))),
        );
        line(&mut out, &format!("CATEGORIES:{}", text(m.phase_label)));
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn description(plan: &Plan, m: &PlannedMilestone, deadline: Date) -> String {
    let mut d = String::new();
    let rule = m
        .deadline_describe()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let _ = writeln!(
        d,
        "Date limite réglementaire : {}{rule}.",
        fr::long_date(deadline)
    );
    if let Some(opens) = m.opens {
        let _ = writeln!(d, "À partir du {}.", fr::long_date(opens));
    }
    if let Some(mailbox) = m.mailbox {
        let _ = writeln!(d, "Adresse de l'AFPA à contacter : {mailbox}.");
    }
    let _ = writeln!(d, "Jalon {} ({}).", m.id(), m.rule.severity.label());
    if !m.rule.description.is_empty() {
        let _ = writeln!(d, "\n{}", m.rule.description);
    }
    let (start, end) = (plan.input.start, plan.input.end());
    if start == end {
        let _ = write!(d, "\nSession du {}.", fr::long_date(start));
    } else {
        let _ = write!(
            d,
            "\nSession du {} au {}.",
            fr::long_date(start),
            fr::long_date(end)
        );
    }
    d
}

fn compact(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), date.month(), date.day())
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in a TEXT value.
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at 75 octets (RFC 5545 §3.1) without splitting a UTF-8
/// character, and ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = "é".repeat(100);
        line(&mut out, &format!("SUMMARY:{long}"));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{long}\r\n"));
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(text("tab\there\u{7}\r"), "tabhere");
    }
}
