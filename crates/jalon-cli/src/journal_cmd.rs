//! `jalon journal verify` and `jalon journal key`.

use crate::Failure;
use crate::args::JournalCommand;

pub fn run(c: JournalCommand) -> Result<(), Failure> {
    match c {
        JournalCommand::Verify(db) => verify(db),
        JournalCommand::Key(db) => key(db),
    }
}

fn verify(db: crate::args::DbArgs) -> Result<(), Failure> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&db, crate::serve_cmd::DEFAULT_DIR).await?;
        verify_store(&store).await
    })
}

/// Verifies the journal of `store` and prints what it found; a failure when it is altered.
pub async fn verify_store(store: &jalon_store::Store) -> Result<(), Failure> {
    {
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
            if let Some(k) = store.journal_public_key() {
                println!(
                    "Chaque entrée porte la signature de la clé d'empreinte {} ; aucune chaîne n'est en deçà de son ancre.",
                    k.fingerprint()
                );
            }
            return Ok(());
        }
        for p in &v.problems {
            if p.centre_id.is_empty() {
                println!("{}", p.message);
                continue;
            }
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
    }
}

fn key(db: crate::args::DbArgs) -> Result<(), Failure> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&db, crate::serve_cmd::DEFAULT_DIR).await?;
        let public = store
            .journal_public_key()
            .ok_or_else(|| Failure::runtime("le journal n'est pas scellé"))?;
        println!("Clé publique du journal : {}", public.to_hex());
        println!("Empreinte : {}", public.fingerprint());
        if let Some(path) = store.anchor_file() {
            println!("Ancre : {}", path.display());
        }
        match store.read_anchor() {
            Some(Ok(a)) => {
                println!(
                    "{}",
                    String::from_utf8_lossy(&serde_json::to_vec_pretty(&a).unwrap_or_default())
                );
            }
            Some(Err(e)) => println!("{e}"),
            None => println!("(pas encore d'ancre)"),
        }
        Ok(())
    })
}

fn plural(n: usize) -> &'static str {
    if n > 1 { "s" } else { "" }
}
