//! `jalon import candidates` and `jalon export candidates`.

use std::io::Write;

use jalon_docs::csv_import::{read_candidates, write_candidates};
use jalon_store::candidates::candidate_index;
use jalon_store::{Actor, SessionId, StoreError};

use crate::Failure;
use crate::args::{ExportCommand, ImportCommand};

/// A CSV of candidates is a few kilobytes; this is far above any real one.
const MAX_FILE: u64 = 20 * 1024 * 1024;

/// The bytes of a CSV file given on the command line, or why not (`what`: « une liste de
/// candidats »).
pub fn read_file(file: &std::path::Path, what: &str) -> Result<Vec<u8>, Failure> {
    let path = file.display().to_string();
    let meta = std::fs::metadata(file)
        .map_err(|_| Failure::usage(format!("fichier introuvable : « {path} »")))?;
    if !meta.is_file() {
        return Err(Failure::usage(format!("« {path} » n'est pas un fichier")));
    }
    if meta.len() > MAX_FILE {
        return Err(Failure::runtime(format!(
            "« {path} » est trop gros pour {what} (20 Mio au plus) : rien n'a été importé"
        )));
    }
    std::fs::read(file)
        .map_err(|e| Failure::runtime(format!("lecture de « {path} » impossible : {e}")))
}

/// Errors printed one per line on the standard error, and the refusal that sums them up.
pub fn refuse(path: &str, errors: Vec<String>) -> Failure {
    let mut err = std::io::stderr().lock();
    for e in &errors {
        let _ = writeln!(err, "{e}");
    }
    let n = errors.len();
    Failure::runtime(format!(
        "{n} erreur{} dans « {path} » : rien n'a été importé",
        if n > 1 { "s" } else { "" }
    ))
}

pub fn import(c: ImportCommand) -> Result<(), Failure> {
    let a = match c {
        ImportCommand::Candidates(a) => a,
        ImportCommand::Jurors(a) => return crate::jurors_cmd::import(a),
    };
    let path = a.file.display().to_string();
    let bytes = read_file(&a.file, "une liste de candidats")?;
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let session_id = SessionId::from(a.session.as_str());
        let centre = store
            .centre_of_session(&session_id)
            .await
            .map_err(|e| crate::db::unknown_session(&a.session, e))?;
        let actor = Actor::command_line(centre);
        let session = store.open_session(&actor, &session_id).await?;
        let report = read_candidates(&bytes, store.today());
        let refuse = |errors: Vec<String>| refuse(&path, errors);
        if !report.is_valid() {
            return Err(refuse(report.errors()));
        }
        let candidates = report.candidates();
        match store
            .import_candidates(session.writer()?, candidates, a.dry_run)
            .await
        {
            Ok(outcome) => {
                let n = outcome.imported;
                let s = if n > 1 { "s" } else { "" };
                if outcome.dry_run {
                    println!("{n} candidat{s} valide{s} : rien n'a été importé (--dry-run)");
                } else {
                    println!("{n} candidat{s} inscrit{s} à la session {}", a.session);
                }
                if !report.ignored_columns.is_empty() {
                    eprintln!("Colonnes ignorées : {}", report.ignored_columns.join(", "));
                }
                Ok(())
            }
            // Problems found against the session (already registered): back to file lines.
            Err(StoreError::Invalid(fields)) => {
                let errors = fields
                    .iter()
                    .map(|f| {
                        match candidate_index(&f.field).and_then(|i| report.lines.get(i - 1)) {
                            Some(l) => format!("ligne {} : {}", l.line, f.message),
                            None => f.message.clone(),
                        }
                    })
                    .collect();
                Err(refuse(errors))
            }
            Err(e) => Err(e.into()),
        }
    })
}

pub fn export(c: ExportCommand) -> Result<(), Failure> {
    let a = match c {
        ExportCommand::Candidates(a) => a,
        ExportCommand::Session(a) => return crate::docs_cmd::export_session(a),
    };
    let csv = crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let session_id = SessionId::from(a.session.as_str());
        let centre = store
            .centre_of_session(&session_id)
            .await
            .map_err(|e| crate::db::unknown_session(&a.session, e))?;
        let actor = Actor::command_line(centre);
        let session = store.open_session(&actor, &session_id).await?;
        let list = store.candidates(&session).await?;
        let inputs: Vec<_> = list.into_iter().map(|c| c.input).collect();
        Ok::<_, Failure>(write_candidates(&inputs))
    })?;
    let mut out = std::io::stdout().lock();
    match out.write_all(csv.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::runtime(format!("écriture impossible : {e}")))
        }
        _ => Ok(()),
    }
}
