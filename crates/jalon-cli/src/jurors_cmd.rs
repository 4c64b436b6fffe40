//! `jalon import jurors`: the centre's jurors from a CSV file, one line per habilitation.

use jalon_docs::csv_jurors::read_jurors;
use jalon_store::jurors::juror_index;
use jalon_store::{Actor, StoreError};

use crate::Failure;
use crate::args::ImportJurorsArgs;
use crate::candidates_cmd::{read_file, refuse};

pub fn import(a: ImportJurorsArgs) -> Result<(), Failure> {
    let path = a.file.display().to_string();
    let bytes = read_file(&a.file, "une liste de jurés")?;
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let centres = store.centres().await?;
        let centre = crate::user_cmd::pick_centre(&centres, a.centre.as_deref())?;
        let actor = Actor::command_line(centre.id.clone());
        let titles: Vec<(String, jiff::civil::Date)> = store
            .titles(&actor)
            .await?
            .into_iter()
            .map(|t| (t.rncp_code, t.expiry))
            .collect();
        let report = read_jurors(&bytes, &titles);
        if !report.is_valid() {
            return Err(refuse(&path, report.errors()));
        }
        let jurors = report.jurors.iter().map(|j| j.juror.clone()).collect();
        match store
            .import_jurors(actor.writer()?, jurors, a.dry_run)
            .await
        {
            Ok(o) => {
                let parts: Vec<String> = [
                    (o.created, "juré nouveau", "jurés nouveaux"),
                    (o.updated, "juré complété", "jurés complétés"),
                    (o.unchanged, "juré inchangé", "jurés inchangés"),
                ]
                .into_iter()
                .filter(|(k, _, _)| *k > 0)
                .map(|(k, one, many)| jalon_core::fr::count(k, one, many))
                .collect();
                let what = parts.join(", ");
                if o.dry_run {
                    println!("{what} : rien n'a été enregistré (--dry-run)");
                } else {
                    println!("{what} — centre « {} »", centre.name);
                }
                if !report.ignored_columns.is_empty() {
                    eprintln!("Colonnes ignorées : {}", report.ignored_columns.join(", "));
                }
                Ok(())
            }
            Err(StoreError::Invalid(fields)) => {
                let errors = fields
                    .iter()
                    .map(
                        |f| match juror_index(&f.field).and_then(|i| report.jurors.get(i - 1)) {
                            Some(j) => format!("ligne {} : {}", j.line, f.message),
                            None => f.message.clone(),
                        },
                    )
                    .collect();
                Err(refuse(&path, errors))
            }
            Err(e) => Err(e.into()),
        }
    })
}
