//! `jalon check`: the conformity report across sessions, for people and for cron.

use std::collections::HashMap;

use jalon_core::fr;
use jalon_store::Clock;
use jalon_store::conformity::SessionConformity;

use crate::Failure;
use crate::args::CheckArgs;

pub fn run(a: CheckArgs) -> Result<(), Failure> {
    let report = crate::db::runtime()?.block_on(async {
        let mut store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        if let Some(today) = a.today {
            // Noon in Paris on that day.
            let noon = today
                .at(12, 0, 0, 0)
                .in_tz("Europe/Paris")
                .map_err(|e| Failure::runtime(e.to_string()))?
                .timestamp();
            store = store.with_clock(Clock::Fixed(noon));
        }
        let labels: HashMap<String, String> = store
            .rules()
            .milestones
            .iter()
            .map(|m| (m.id.to_string(), m.label.clone()))
            .collect();
        Ok::<_, Failure>((store.conformity_all().await?, labels))
    })?;
    let (report, labels) = report;
    if a.json {
        let json = serde_json::to_string_pretty(&serde_json::json!({"sessions": report}))
            .map_err(|e| Failure::runtime(e.to_string()))?;
        println!("{json}");
    } else {
        print!("{}", table(&report, &labels));
    }
    let late = report
        .iter()
        .filter(|s| !s.late_mandatory.is_empty())
        .count();
    if late > 0 {
        return Err(Failure {
            message: format!(
                "{late} session{} avec un jalon obligatoire en retard",
                if late > 1 { "s" } else { "" }
            ),
            code: 1,
        });
    }
    Ok(())
}

/// « Réception des DTE … (dte.receive) » : what a person reads, with the id to search for.
fn named(labels: &HashMap<String, String>, id: &str) -> String {
    match labels.get(id) {
        Some(label) => format!("{label} ({id})"),
        None => id.to_owned(),
    }
}

fn table(report: &[SessionConformity], labels: &HashMap<String, String>) -> String {
    let mut out = String::new();
    if report.is_empty() {
        out.push_str("Aucune session en cours de suivi.\n");
        return out;
    }
    for s in report {
        let dates = if s.start == s.end {
            format!("le {}", fr::long_date(s.start))
        } else {
            format!("du {} au {}", fr::long_date(s.start), fr::long_date(s.end))
        };
        out.push_str(&format!(
            "{} — {}\n  {} · {dates}\n",
            s.title, s.centre, s.id
        ));
        if s.late.is_empty() && s.failing.is_empty() {
            out.push_str("  conforme à ce jour\n");
        }
        for id in &s.late {
            let mark = if s.late_mandatory.contains(id) {
                "EN RETARD"
            } else {
                "en retard (recommandé)"
            };
            out.push_str(&format!("  {mark} : {}\n", named(labels, id.as_str())));
        }
        for r in &s.reasons {
            out.push_str(&format!(
                "  contrôle en échec : {} — {}\n",
                named(labels, r.milestone.as_str()),
                r.message
            ));
        }
        for l in &s.done_late {
            out.push_str(&format!(
                "  {} : {} — fait le {}, limite le {}\n",
                jalon_core::milestone::done_late_label(l.days),
                named(labels, l.milestone.as_str()),
                fr::long_date(l.done_on),
                fr::long_date(l.deadline)
            ));
        }
        out.push('\n');
    }
    out
}
