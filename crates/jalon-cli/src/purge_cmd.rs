//! `jalon purge [--dry-run]`: the personal data of the sessions whose retention period is
//! over (`jalon_core::privacy::due_for_purge`, each centre's « durée de conservation ») is
//! anonymised, one transaction and one journal entry per session.

use jalon_core::fr;

use crate::Failure;
use crate::args::PurgeArgs;

pub fn run(a: PurgeArgs) -> Result<(), Failure> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let due = store.sessions_due_for_purge().await?;
        if due.is_empty() {
            println!(
                "Aucune session à anonymiser le {} : chaque durée de conservation court encore.",
                fr::long_date(store.today())
            );
            store.close().await;
            return Ok(());
        }
        let mut done = 0usize;
        for d in &due {
            let what = format!(
                "« {} » — {} — {} ({}, {} candidat{}) : conservée jusqu'au {} ({} an{})",
                d.centre,
                d.title,
                fr::date_range(d.start, d.end),
                d.session_id,
                d.candidates,
                if d.candidates > 1 { "s" } else { "" },
                fr::long_date(d.kept_until),
                d.retention_years,
                if d.retention_years > 1 { "s" } else { "" },
            );
            if a.dry_run {
                println!("À anonymiser : {what}");
                continue;
            }
            match store.purge_session(d).await? {
                Some(c) => {
                    done += 1;
                    println!(
                        "Anonymisée : {what} — {} candidat{}, {} juré{}, {} document{} effacé{}",
                        c.candidates,
                        if c.candidates > 1 { "s" } else { "" },
                        c.jurors,
                        if c.jurors > 1 { "s" } else { "" },
                        c.documents,
                        if c.documents > 1 { "s" } else { "" },
                        if c.documents > 1 { "s" } else { "" },
                    );
                }
                None => println!("Déjà anonymisée entre-temps : {what}"),
            }
        }
        if a.dry_run {
            println!(
                "{} session{} à anonymiser ; rien n'a été modifié (--dry-run).",
                due.len(),
                if due.len() > 1 { "s" } else { "" }
            );
        } else {
            println!(
                "{done} session{} anonymisée{} ; le journal de chaque centre le consigne.",
                if done > 1 { "s" } else { "" },
                if done > 1 { "s" } else { "" }
            );
        }
        store.close().await;
        Ok(())
    })
}
