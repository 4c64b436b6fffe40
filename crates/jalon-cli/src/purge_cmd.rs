//! `jalon purge [--dry-run]`: the personal data of the sessions whose retention period is
//! over (`jalon_core::privacy::due_for_purge`, each centre's « durée de conservation ») is
//! anonymised, one transaction and one journal entry per session.

use jalon_core::fr;
use jalon_store::Store;

use crate::Failure;
use crate::args::PurgeArgs;

pub fn run(a: PurgeArgs) -> Result<(), Failure> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let done = purge_due(&store, a.dry_run).await;
        store.close().await;
        for line in done?.lines {
            println!("{line}");
        }
        Ok(())
    })
}

/// What a run did, one French line per session and a last line of totals.
pub struct Report {
    pub lines: Vec<String>,
    pub purged: usize,
}

fn s(n: impl Into<u64>) -> &'static str {
    if n.into() > 1 { "s" } else { "" }
}

/// Lists (`dry_run`) or anonymises the sessions due today, one transaction each.
pub async fn purge_due(store: &Store, dry_run: bool) -> Result<Report, Failure> {
    let due = store.sessions_due_for_purge().await?;
    let mut lines = Vec::new();
    if due.is_empty() {
        lines.push(format!(
            "Aucune session à anonymiser le {} : chaque durée de conservation court encore.",
            fr::long_date(store.today())
        ));
        return Ok(Report { lines, purged: 0 });
    }
    let mut purged = 0usize;
    for d in &due {
        let n = u64::try_from(d.candidates).unwrap_or(0);
        let what = format!(
            "« {} » — {} — {} ({}, {n} candidat{}) : conservée jusqu'au {} ({} an{})",
            d.centre,
            d.title,
            fr::date_range(d.start, d.end),
            d.session_id,
            s(n),
            fr::long_date(d.kept_until),
            d.retention_years,
            s(d.retention_years),
        );
        if dry_run {
            lines.push(format!("À anonymiser : {what}"));
            continue;
        }
        match store.purge_session(d).await? {
            Some(c) => {
                purged += 1;
                lines.push(format!(
                    "Anonymisée : {what} — {} candidat{}, {} juré{}, {} document{} effacé{}",
                    c.candidates,
                    s(c.candidates),
                    c.jurors,
                    s(c.jurors),
                    c.documents,
                    s(c.documents),
                    s(c.documents),
                ));
            }
            None => lines.push(format!("Déjà anonymisée entre-temps : {what}")),
        }
    }
    let n = due.len() as u64;
    lines.push(if dry_run {
        format!(
            "{n} session{} à anonymiser ; rien n'a été modifié (--dry-run).",
            s(n)
        )
    } else {
        let p = purged as u64;
        format!(
            "{purged} session{} anonymisée{} ; le journal de chaque centre le consigne.",
            s(p),
            s(p)
        )
    });
    Ok(Report { lines, purged })
}
