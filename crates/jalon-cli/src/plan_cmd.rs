//! `jalon plan`: the chronology of one session, as a table, JSON or iCalendar.

use std::io::{IsTerminal, Write};

use jalon_core::{PlanInput, Rulebook, plan};
use jalon_docs::ics::{IcsOptions, plan_to_ics};
use jiff::civil::Date;

use crate::Failure;
use crate::args::{Format, PlanArgs};
use crate::table;

pub fn run(a: PlanArgs) -> Result<(), Failure> {
    let input = PlanInput {
        start: a.start,
        end: a.end,
        transport: a.transport,
        kind: a.kind,
        domain: a.domain,
        title_expiry: a.title_expiry,
        training_end: a.training_end,
        zone: a.zone,
        today: a.today.unwrap_or_else(today_in_paris),
        approval_held: None,
        dte_received: false,
        transmit: a.transmit,
    };
    if let Some(end) = a.end
        && end < a.start
    {
        return Err(Failure::usage(format!(
            "--end : la date de fin ({end}) précède la date de début ({}) ; attendu : une date \
             égale ou postérieure à --start",
            a.start
        )));
    }
    let rulebook = load_rules(a.rules.as_deref())?;
    let plan = plan(&rulebook, &input).map_err(|e| Failure::usage(e.to_string()))?;
    let output = match a.format {
        Format::Table => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            table::render(&plan, colour)
        }
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&plan)
                .map_err(|e| Failure::runtime(format!("écriture du JSON impossible : {e}")))?;
            json.push('\n');
            json
        }
        Format::Ics
            if !plan
                .milestones
                .iter()
                .any(|m| m.applicable && m.advised.is_some()) =>
        {
            return Err(Failure::usage(
                "--format ics : aucun jalon daté dans ces règles, pas de calendrier à produire",
            ));
        }
        Format::Ics => {
            let scope = session_scope(&input);
            let name = format!(
                "Jalon — session du {}",
                jalon_core::fr::date_without_weekday(input.start)
            );
            plan_to_ics(
                &plan,
                &IcsOptions {
                    scope: &scope,
                    name: &name,
                },
            )
        }
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(output.as_bytes()).and_then(|()| out.flush()) {
        // A closed pipe (`jalon plan … | head`) is not an error worth a message.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::runtime(format!("écriture impossible : {e}")))
        }
        _ => Ok(()),
    }
}

/// A rulebook is a few dozen kilobytes; anything above this is not one.
const MAX_RULES_BYTES: u64 = 1024 * 1024;

pub fn load_rules(path: Option<&std::path::Path>) -> Result<Rulebook, Failure> {
    let Some(path) = path else {
        return Ok(Rulebook::embedded());
    };
    let fail = |why: &str| {
        Failure::usage(format!(
            "--rules : impossible de lire « {} » : {why}",
            path.display()
        ))
    };
    let io_why = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable",
        std::io::ErrorKind::PermissionDenied => "accès refusé",
        std::io::ErrorKind::IsADirectory => "c'est un dossier, pas un fichier",
        _ => "erreur de lecture",
    };
    // A regular file of reasonable size only: not a device, a pipe or a directory.
    let meta = std::fs::metadata(path).map_err(|e| fail(io_why(e)))?;
    if meta.is_dir() {
        return Err(fail("c'est un dossier, pas un fichier"));
    }
    if !meta.is_file() {
        return Err(fail("ce n'est pas un fichier ordinaire"));
    }
    if meta.len() > MAX_RULES_BYTES {
        return Err(fail(
            "fichier trop gros pour un jeu de règles (1 Mio au plus)",
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(io_why(e)))?;
    let text = String::from_utf8(bytes).map_err(|_| fail("le fichier n'est pas du texte UTF-8"))?;
    Rulebook::from_toml(&text)
        .map_err(|e| Failure::usage(format!("--rules « {} » : {}", path.display(), e.one_line())))
}

/// Today's date in Paris, where the sessions happen.
fn today_in_paris() -> Date {
    jiff::Timestamp::now()
        .in_tz("Europe/Paris")
        .map(|z| z.date())
        .unwrap_or_else(|_| jiff::ZonedDateTime::now().date())
}

/// A stable name for the session described by these inputs, for iCalendar UIDs: the same
/// session (dates, kind, domain, transport) gives the same UIDs, so a re-import updates the
/// events rather than adding copies. A candidate's training end is not part of it.
fn session_scope(i: &PlanInput) -> String {
    let mut scope = format!(
        "{}-{}-{}-{}",
        i.start.strftime("%Y%m%d"),
        i.end().strftime("%Y%m%d"),
        i.kind,
        i.domain.map_or("any", |d| d.as_str())
    );
    if i.transport {
        scope.push_str("-transport");
    }
    scope
}
