//! The plan as a French table for a terminal: grouped by phase, 80 columns at most, colour
//! only when asked (on a terminal, without `NO_COLOR`).

use jalon_core::rulebook::{AdvisedRule, Anchor};
use jalon_core::{Plan, PlannedMilestone, fr};

pub const WIDTH: usize = 80;

#[derive(Clone, Copy)]
enum Style {
    Bold,
    Red,
    Yellow,
    Dim,
}

struct Out {
    text: String,
    colour: bool,
}

impl Out {
    fn paint(&self, style: Style, s: &str) -> String {
        if !self.colour || s.is_empty() {
            return s.to_owned();
        }
        let code = match style {
            Style::Bold => "1",
            Style::Red => "1;31",
            Style::Yellow => "33",
            Style::Dim => "2",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    }

    fn line(&mut self, s: &str) {
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// Wrapped text, every line starting with `indent` spaces.
    fn para(&mut self, indent: usize, s: &str, style: Option<Style>) {
        for l in wrap(s, WIDTH - indent) {
            let l = match style {
                Some(st) => self.paint(st, &l),
                None => l,
            };
            self.line(&format!("{:indent$}{l}", ""));
        }
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces; a word longer than
/// the width gets a line of its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in units(text).iter().flat_map(|u| hard_break(u, width)) {
        let word = word.as_str();
        let needed =
            current.chars().count() + usize::from(!current.is_empty()) + word.chars().count();
        if !current.is_empty() && needed > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// The pieces a line may break between, following French typography: no break before « : »,
/// « ; », « ! », « ? », « » » or after « « », none inside a number and its unit or a date
/// (« 15 mars 2027 », « D − 91 jours »). Pieces are joined by ordinary spaces.
fn units(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let prev_glues = out.last().is_some_and(|p| {
            let p = p.rsplit(' ').next().unwrap_or(p);
            p.chars().all(|c| c.is_ascii_digit())
                || p == "1ᵉʳ"
                || p == "−"
                || p == "+"
                || p == "D"
                || p == "F"
        });
        let glue_before =
            matches!(word, ":" | ";" | "!" | "?" | "»" | "−" | "+") || word.starts_with('»');
        match out.last_mut() {
            Some(last) if glue_next || glue_before || prev_glues => {
                last.push(' ');
                last.push_str(word);
            }
            _ => out.push(word.to_owned()),
        }
        glue_next = word == "«";
    }
    out
}

/// A piece longer than the width is cut into lines of the width.
fn hard_break(unit: &str, width: usize) -> Vec<String> {
    if unit.chars().count() <= width {
        return vec![unit.to_owned()];
    }
    // Prefer breaking at the spaces inside the piece, then anywhere.
    let words: Vec<&str> = unit.split(' ').collect();
    if words.len() > 1 && words.iter().all(|w| w.chars().count() <= width) {
        return words.into_iter().map(str::to_owned).collect();
    }
    let chars: Vec<char> = unit.chars().collect();
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}

pub fn render(plan: &Plan, colour: bool) -> String {
    let mut out = Out {
        text: String::with_capacity(8 * 1024),
        colour,
    };
    header(&mut out, plan);
    for (n, phase) in plan.rulebook.phases.iter().enumerate() {
        let items: Vec<&PlannedMilestone> = plan
            .milestones
            .iter()
            .filter(|m| m.rule.phase == phase.id)
            .collect();
        if items.is_empty() {
            continue;
        }
        out.line("");
        let title = format!("{}. {}", n + 1, phase.label);
        out.para(0, &title, Some(Style::Bold));
        for m in items {
            milestone(&mut out, plan, m);
        }
    }
    if !plan.warnings.is_empty() {
        out.line("");
        let n = plan.warnings.len();
        let title = format!("Avertissement{} ({n})", if n > 1 { "s" } else { "" });
        let title = out.paint(Style::Bold, &title);
        out.line(&title);
        for w in &plan.warnings {
            let lines = wrap(&format!("{} [{}]", w.message, w.milestone), WIDTH - 4);
            for (i, l) in lines.iter().enumerate() {
                let bullet = if i == 0 { "  ! " } else { "    " };
                let l = out.paint(Style::Yellow, l);
                out.line(&format!("{bullet}{l}"));
            }
        }
    }
    out.text
}

fn header(out: &mut Out, plan: &Plan) {
    let i = &plan.input;
    let dates = if i.start == i.end() {
        format!("Session du {}", fr::long_date(i.start))
    } else {
        format!(
            "Session du {} au {}",
            fr::long_date(i.start),
            fr::long_date(i.end())
        )
    };
    let dates = out.paint(Style::Bold, &dates);
    out.line(&dates);
    let domain = i.domain.map_or("domaine non précisé".to_owned(), |d| {
        format!("domaine {}", d.label())
    });
    let mut facts = format!("{} · {domain}", i.kind.label());
    facts.push_str(if i.transport {
        " · titre de transport"
    } else {
        " · hors transport"
    });
    facts.push_str(&format!(" · zone {}", i.zone.label()));
    out.para(0, &facts, None);
    let mut context = format!("Aujourd'hui : {}", fr::long_date(i.today));
    if let Some(e) = i.title_expiry {
        context.push_str(&format!(" · échéance du titre : {}", fr::long_date(e)));
    }
    if let Some(t) = i.training_end {
        context.push_str(&format!(" · fin de formation : {}", fr::long_date(t)));
    }
    out.para(0, &context, None);
}

/// The state shown at the right of a milestone's first line.
fn status(out: &Out, plan: &Plan, m: &PlannedMilestone) -> String {
    if !m.applicable {
        return out.paint(Style::Dim, "non applicable");
    }
    let today = plan.input.today;
    match (m.deadline, m.advised) {
        (Some(_), _) if m.late => out.paint(
            Style::Red,
            &format!("EN RETARD ({} j)", -m.days_left.unwrap_or(0)),
        ),
        // The last working day has passed but not the legal deadline (a weekend): act now.
        (Some(deadline), Some(advised)) if advised < today => {
            let left = jalon_core::calendar::days_between(today, deadline);
            out.paint(Style::Red, &format!("limite {}", fr::days_left(left)))
        }
        // Days left to the working day to act on.
        (Some(_), Some(advised)) => {
            let left = jalon_core::calendar::days_between(today, advised);
            let s = fr::days_left(left);
            if left <= 7 {
                out.paint(Style::Yellow, &s)
            } else {
                s
            }
        }
        _ => String::new(),
    }
}

fn visible_len(s: &str) -> usize {
    // Escape sequences are ASCII and end with 'm'; everything else is one column per char.
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

fn milestone(out: &mut Out, plan: &Plan, m: &PlannedMilestone) {
    let state = status(out, plan, m);
    let state_len = visible_len(&state);
    // The label, wrapped to leave room for the state on its first line.
    let room = WIDTH - 2 - if state_len > 0 { state_len + 2 } else { 0 };
    let lines = wrap(&m.rule.label, room);
    let dim = !m.applicable;
    for (i, l) in lines.iter().enumerate() {
        let text = if dim {
            out.paint(Style::Dim, l)
        } else {
            l.clone()
        };
        if i == 0 && state_len > 0 {
            let pad = WIDTH.saturating_sub(2 + l.chars().count() + state_len);
            out.line(&format!("  {text}{:pad$}{state}", ""));
        } else {
            out.line(&format!("  {text}"));
        }
    }
    let mut tags = format!("{} · {}", m.id(), m.rule.severity.label());
    if m.rule.per_candidate {
        tags.push_str(" · par candidat");
    }
    out.para(4, &tags, Some(Style::Dim));

    if !m.applicable {
        let why = m.not_applicable_because.join(", ");
        out.para(4, &format!("non applicable : {why}"), Some(Style::Dim));
        return;
    }
    // A window that opens on its deadline (the session's own days) is that one day.
    if let Some(opens) = m.opens.filter(|o| Some(*o) != m.deadline) {
        out.para(4, &format!("à partir du {}", fr::long_date(opens)), None);
    }
    if let Some(r) = m.recommended {
        out.para(
            4,
            &format!("fortement recommandé : le {}", fr::long_date(r)),
            None,
        );
    }
    match (m.deadline, m.advised) {
        (Some(deadline), Some(_)) if m.rule.advised == AdvisedRule::OnDeadline => {
            out.para(4, &format!("le {}", fr::long_date(deadline)), None);
        }
        (Some(deadline), Some(advised)) if advised == deadline => {
            out.para(
                4,
                &format!("au plus tard le {}", fr::long_date(deadline)),
                None,
            );
        }
        (Some(deadline), Some(advised)) => {
            out.para(4, &format!("à faire le {}", fr::long_date(advised)), None);
            let rule = m
                .deadline_describe()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            out.para(
                4,
                &format!("date limite : {}{rule}", fr::long_date(deadline)),
                None,
            );
        }
        _ if m.rule.deadline.is_empty() => {
            out.para(4, "pas de date fixe", Some(Style::Dim));
        }
        _ => {
            // The rule counts from a date we were not given (training end…).
            let rules: Vec<String> = m.rule.deadline.iter().map(|r| r.describe()).collect();
            let hint = if m
                .rule
                .deadline
                .iter()
                .any(|r| r.anchor == Anchor::TrainingEnd)
            {
                " ; précisez --training-end"
            } else {
                ""
            };
            out.para(
                4,
                &format!("date limite : {}{hint}", rules.join(" ou ")),
                Some(Style::Dim),
            );
        }
    }
    if m.rule.afpa_mailbox {
        match m.mailbox {
            Some(mailbox) => out.para(4, &format!("écrire à : {mailbox}"), None),
            None => {
                let all: Vec<String> = plan
                    .rulebook
                    .afpa_mailboxes
                    .all()
                    .iter()
                    .map(|(what, addr)| format!("{what} {addr}"))
                    .collect();
                out.para(
                    4,
                    &format!(
                        "écrire à l'adresse du domaine du titre (précisez --domain) : {}",
                        all.join(", ")
                    ),
                    None,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_width() {
        assert_eq!(wrap("un deux trois", 7), ["un deux", "trois"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(
            wrap("anticonstitutionnellement court", 10),
            ["anticonsti", "tutionnell", "ement", "court"]
        );
        for l in wrap(&"Réceptionner les DTE ".repeat(20), 40) {
            assert!(l.chars().count() <= 40);
        }
    }

    #[test]
    fn colour_only_when_asked_and_never_wider_than_80_columns() {
        use jalon_core::{PlanInput, Rulebook, plan};
        use jiff::civil::date;
        let book = Rulebook::embedded();
        // D 20 January 2027 seen on 28 November 2026: CERES creation is late.
        let p = plan(
            &book,
            &PlanInput::new(date(2027, 1, 20), date(2026, 11, 28)),
        )
        .unwrap();
        let coloured = render(&p, true);
        assert!(
            coloured.contains("\x1b[1;31mEN RETARD (38 j)\x1b[0m"),
            "{coloured}"
        );
        for l in coloured.lines() {
            assert!(visible_len(l) <= WIDTH, "{l}");
        }
        let plain = render(&p, false);
        assert!(!plain.contains('\x1b'));
        assert!(plain.contains("EN RETARD (38 j)"));
    }

    #[test]
    fn french_punctuation_never_starts_a_line() {
        let text = "« Vérifier que l'échéance du titre est à plus de 6 mois » : la date limite (D − 6 mois) était le mardi 15 septembre 2026";
        for width in 20..80 {
            for l in wrap(text, width) {
                assert!(
                    !l.starts_with(':') && !l.starts_with('»') && !l.starts_with('−'),
                    "{width}: {l}"
                );
                assert!(!l.ends_with('«'), "{width}: {l}");
            }
        }
        let lines = wrap("la date limite (D − 6 mois) était", 18);
        assert!(
            lines.iter().any(|l| l.contains("(D − 6 mois)")),
            "{lines:?}"
        );
    }

    #[test]
    fn visible_len_ignores_colour_codes() {
        assert_eq!(visible_len("\x1b[1;31mEN RETARD\x1b[0m"), 9);
        assert_eq!(visible_len("déjà"), 4);
    }
}
