//! The visual chronology of a session: an SVG with one band per phase (from its first window
//! to its last deadline), each milestone a mark coloured by its state, and today as a line.
//! The phases and milestones are also listed in the page, as text, for screen readers and for
//! print; the drawing is an overview.
//!
//! It comes as two pictures drawn at one scale: the phases' names, which stay in place, and the
//! drawing, which scrolls sideways on a phone and opens on today.

use std::fmt::Write as _;

use jalon_core::{Rulebook, calendar, fr};
use jalon_store::sessions::{MilestoneState, SessionDetail};
use jiff::civil::Date;

const WIDTH: f64 = 900.0;
const LEFT: f64 = 150.0;
/// Where the names' picture ends and the drawing's begins (`jalon.css` sizes both from it).
const SPLIT: f64 = 142.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 34.0;
const ROW: f64 = 22.0;
/// The right-hand column for the milestones without a date (the State's validation…).
const UNDATED: f64 = 110.0;
/// How far apart marks are drawn at least (a mark is 12 px wide: they may touch, not hide).
const OFFSET: f64 = 10.0;

const SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// Short names of the phases, for the drawing's margin.
fn short_phase(id: &str) -> &str {
    match id {
        "anticipation" => "Anticipation",
        "organisation" => "Organisation",
        "registration" => "Inscriptions",
        "dte" => "DTE",
        "final_preparation" => "Préparation",
        "day_before_start" => "Avant le début",
        "launch" => "Lancement",
        "closing" => "Clôture",
        "validation" => "Validation",
        "follow_up" => "Suites",
        other => other,
    }
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The two pictures of a session's chronology.
pub struct Timeline {
    /// The phases' names, each a link to its milestones below.
    pub labels: String,
    /// The bands, marks and today's line.
    pub drawing: String,
    /// Where today stands across the drawing, from 0 to 1, for the page to open on it.
    pub today_at: f64,
}

pub fn svg(detail: &SessionDetail, rules: &Rulebook, today: Date) -> Timeline {
    let s = &detail.session;
    let dated = detail
        .milestones
        .iter()
        .flat_map(|m| [m.opens, m.deadline])
        .flatten();
    let first = dated.clone().min().unwrap_or(s.start);
    let first = first.min(calendar::add_months(s.start, -8).unwrap_or(first));
    let last = dated
        .clone()
        .max()
        .unwrap_or(s.end)
        .max(calendar::add_days(s.end, 10).unwrap_or(s.end));
    let span = f64::from(calendar::days_between(first, last).max(1));
    let axis_end = WIDTH - RIGHT - UNDATED;
    let x = |d: Date| LEFT + (axis_end - LEFT) * f64::from(calendar::days_between(first, d)) / span;
    let rows = rules.phases.len() as f64;
    let height = TOP + ROW * rows + 26.0;

    let late = detail.milestones.iter().filter(|m| m.late).count();
    let done = detail
        .milestones
        .iter()
        .filter(|m| m.state == MilestoneState::Done)
        .count();
    let mut labels = String::with_capacity(2 * 1024);
    let _ = write!(
        labels,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SPLIT} {height}\" aria-label=\"Phases\">"
    );
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{SPLIT} 0 {} {height}\" role=\"img\" \
         aria-labelledby=\"frise-titre\"><title id=\"frise-titre\">Chronologie de la session : {done} jalons faits, \
         {late} en retard ; aujourd'hui le {}</title>",
        WIDTH - SPLIT,
        fr::long_date(today)
    );
    // Month ticks.
    let mut month = first.first_of_month();
    let mut first_tick = true;
    // Where the last month's name ends: a name that would run into it is left out (its line stays).
    let mut free_from = 0.0;
    while month <= last {
        if month >= first && x(month) < axis_end - 50.0 {
            let mx = x(month);
            let with_year = month.month() == 1 || first_tick;
            first_tick = false;
            let label = if with_year {
                format!(
                    "{} {}",
                    SHORT_MONTHS[(month.month() - 1) as usize],
                    month.year()
                )
            } else {
                SHORT_MONTHS[(month.month() - 1) as usize].to_owned()
            };
            let _ = write!(
                out,
                "<line x1=\"{mx:.1}\" y1=\"{}\" x2=\"{mx:.1}\" y2=\"{:.1}\" stroke=\"#d5d9e0\" stroke-width=\"1\"/>",
                TOP - 6.0,
                TOP + ROW * rows,
            );
            if mx + 3.0 >= free_from {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"18\" font-size=\"14\" fill=\"#4a4f57\">{}</text>",
                    mx + 3.0,
                    escape(&label)
                );
                // About 8 units a letter at this size, and a space.
                free_from = mx + 3.0 + 8.0 * label.chars().count() as f64 + 6.0;
            }
        }
        month = calendar::add_months(month, 1).unwrap_or(last.tomorrow().unwrap_or(last));
    }
    // The column of milestones without a date.
    let _ = write!(
        out,
        "<line x1=\"{:.1}\" y1=\"{}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#8a919c\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>\
         <text x=\"{:.1}\" y=\"18\" font-size=\"14\" fill=\"#4a4f57\">sans date</text>",
        axis_end + 8.0,
        TOP - 6.0,
        axis_end + 8.0,
        TOP + ROW * rows,
        axis_end + 16.0
    );
    // Session days.
    let _ = write!(
        out,
        "<rect x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#e8eefa\"/>",
        x(s.start),
        TOP - 6.0,
        (x(s.end.tomorrow().unwrap_or(s.end)) - x(s.start)).max(2.0),
        ROW * rows + 6.0
    );
    for (i, phase) in rules.phases.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let ms: Vec<_> = detail
            .milestones
            .iter()
            .filter(|m| m.phase == phase.id)
            .collect();
        // One stop per phase for the keyboard: its name leads to its milestones below.
        let _ = write!(
            labels,
            "<a href=\"#phase-{}\"><text x=\"4\" y=\"{:.1}\" font-size=\"15\" fill=\"#1b1b1b\">{}. {}</text></a>",
            i + 1,
            y + 15.0,
            i + 1,
            escape(short_phase(&phase.id))
        );
        let dates: Vec<Date> = ms
            .iter()
            .flat_map(|m| [m.opens, m.deadline])
            .flatten()
            .collect();
        if let (Some(a), Some(b)) = (dates.iter().min(), dates.iter().max()) {
            let (xa, xb) = (x(*a), x(*b));
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"12\" rx=\"6\" fill=\"{}\"/>",
                xa - 6.0,
                y + 5.0,
                (xb - xa) + 12.0,
                if i % 2 == 0 { "#c9d6ef" } else { "#d9e2f3" }
            );
        }
        // Late marks drawn last, on top; marks of one date side by side.
        let mut order: Vec<_> = ms
            .iter()
            .filter(|m| !(m.deadline.is_none() && m.id.as_str().starts_with("followup.")))
            .collect();
        order.sort_by_key(|m| m.late);
        let mut undated = 0.0;
        // Each mark keeps clear of those already drawn in its row (same or near dates), moving
        // right: none hides another.
        let mut placed: Vec<f64> = Vec::new();
        for m in order {
            let (when, cx) = match m.deadline {
                Some(d) => {
                    let mut cx = x(d);
                    while placed.iter().any(|p| (cx - p).abs() < OFFSET) {
                        cx += OFFSET;
                    }
                    placed.push(cx);
                    (format!("limite : {}", fr::long_date(d)), cx)
                }
                None => {
                    undated += 1.0;
                    (
                        "pas de date fixe".to_owned(),
                        axis_end + 14.0 + undated * 16.0,
                    )
                }
            };
            let (fill, stroke, state) = match (m.state, m.late) {
                (MilestoneState::Done, _) => ("#2e8b57", "#1b1b1b", "fait"),
                (_, true) => ("#c62828", "#1b1b1b", "en retard"),
                (MilestoneState::Todo, _) => ("#ffffff", "#1b1b1b", "à faire"),
                (MilestoneState::NotApplicable, _) => ("#c9ced6", "#5f6670", "non applicable"),
            };
            let _ = write!(
                out,
                "<a href=\"#m-{}\" tabindex=\"-1\"><circle cx=\"{cx:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\">\
                 <title>{} — {} ({state})</title></circle></a>",
                escape(m.id.as_str()),
                y + 11.0,
                escape(&m.label),
                escape(&when)
            );
        }
    }
    // Today.
    if today >= first && today <= last {
        let tx = x(today);
        let _ = write!(
            out,
            "<line x1=\"{tx:.1}\" y1=\"{}\" x2=\"{tx:.1}\" y2=\"{:.1}\" stroke=\"#a4161a\" stroke-width=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" fill=\"#a4161a\" text-anchor=\"{}\">aujourd'hui</text>",
            TOP - 10.0,
            TOP + ROW * rows + 4.0,
            tx,
            TOP + ROW * rows + 18.0,
            if tx > WIDTH - 80.0 { "end" } else { "middle" }
        );
    }
    out.push_str("</svg>");
    labels.push_str("</svg>");
    let today_at = ((x(today.clamp(first, last)) - SPLIT) / (WIDTH - SPLIT)).clamp(0.0, 1.0);
    Timeline {
        labels,
        drawing: out,
        today_at,
    }
}
