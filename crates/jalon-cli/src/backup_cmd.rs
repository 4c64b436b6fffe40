//! `jalon backup --out FILE` and `jalon restore FILE`.

use std::path::PathBuf;

use jalon_core::fr;
use jalon_store::backup::BackupManifest;
use jalon_store::seal::{JournalKey, KEY_FILE};

use crate::Failure;
use crate::args::{BackupArgs, DbArgs, RestoreArgs};

pub fn backup(a: BackupArgs) -> Result<(), Failure> {
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&a.db, crate::serve_cmd::DEFAULT_DIR).await?;
        let written = store.backup(&a.out).await;
        store.close().await;
        let m = written.map_err(|e| Failure::runtime(one_line(&e)))?;
        println!(
            "Sauvegarde écrite : « {} » ({}).",
            a.out.display(),
            size(m.database_bytes)
        );
        describe(&m);
        println!(
            "La clé du journal n'y est pas : gardez-en une copie à part (jalon journal key) ; la restauration la demande."
        );
        Ok(())
    })
}

pub fn restore(a: RestoreArgs) -> Result<(), Failure> {
    let dir = a
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(crate::serve_cmd::DEFAULT_DIR));
    let key_path = a.journal_key.clone().unwrap_or_else(|| dir.join(KEY_FILE));
    if !key_path.exists() {
        return Err(Failure::usage(format!(
            "clé du journal introuvable (« {} ») : elle n'est pas dans la sauvegarde ; donnez celle de la base sauvegardée avec --journal-key FICHIER",
            key_path.display()
        )));
    }
    let key = JournalKey::load(&key_path).map_err(|e| Failure::runtime(e.to_string()))?;
    let restored = jalon_store::backup::restore(&a.file, &dir, &key, &key_path, a.force)
        .map_err(|e| Failure::runtime(one_line(&e)))?;
    println!(
        "Sauvegarde « {} » restaurée dans « {} ».",
        a.file.display(),
        dir.display()
    );
    describe(&restored.manifest);
    for (centre, anchored, kept) in &restored.forced_past {
        let centre = restored.manifest.centre_names.get(centre).unwrap_or(centre);
        println!(
            "Attention (--force) : centre « {centre} », les entrées n° {} à {anchored} du journal sont perdues ; l'ancre repart de la sauvegarde.",
            kept + 1
        );
    }
    // The restored database, opened with its key, and its journal verified.
    let db = DbArgs {
        data_dir: Some(dir),
        database_url: None,
        rules: None,
        journal_key: None,
    };
    crate::db::runtime()?.block_on(async {
        let store = crate::db::open(&db, crate::serve_cmd::DEFAULT_DIR).await?;
        let verified = crate::journal_cmd::verify_store(&store).await;
        store.close().await;
        verified
    })
}

/// What a backup holds, in a few lines.
fn describe(m: &BackupManifest) {
    println!(
        "Copie prise {} : {} centre{}, {} entrée{} de journal, SHA-256 {}.",
        fr::moment(&m.created_at),
        m.centres,
        if m.centres > 1 { "s" } else { "" },
        fr::integer(m.journal_entries.max(0) as u64),
        if m.journal_entries > 1 { "s" } else { "" },
        m.database_sha256
    );
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} Mo", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} Ko", bytes.div_ceil(1024))
    }
}

/// A store error without its « données invalides : backup : » prefix.
fn one_line(e: &jalon_store::StoreError) -> String {
    match e {
        jalon_store::StoreError::Invalid(fields) => fields
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join(" ; "),
        other => other.to_string(),
    }
}
