//! `jalon journal verify`.

use crate::Failure;
use crate::args::JournalCommand;

pub fn run(c: JournalCommand) -> Result<(), Failure> {
    let JournalCommand::Verify(db) = c;
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&db, crate::serve_cmd::DEFAULT_DIR).await?;
        let v = store.verify_journal().await?;
        let centres = store.centres().await?;
        if v.problems.is_empty() {
            println!(
                "Journal intègre : {} entrée{} vérifiée{}, {} centre{}.",
                v.entries,
                plural(v.entries),
                plural(v.entries),
                v.centres,
                plural(v.centres)
            );
            return Ok(());
        }
        for p in &v.problems {
            let name = centres
                .iter()
                .find(|c| c.id == p.centre_id)
                .map_or(p.centre_id.as_str(), |c| &c.name);
            println!("Centre « {name} » : {}", p.message);
        }
        Err(Failure::runtime(format!(
            "journal altéré : {} problème{} sur {} entrée{}",
            v.problems.len(),
            plural(v.problems.len()),
            v.entries,
            plural(v.entries)
        )))
    })
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}
