//! Backups of a SQLite data directory, and their restoration.
//!
//! A backup is one file (a ZIP, stored): `jalon.db`, a consistent copy taken while the server
//! runs (`VACUUM INTO`, a snapshot of one moment); `manifest.json`, which names the database,
//! its SHA-256 and the head of each centre's journal chain; and `manifest.sig`, the manifest's
//! signature by the journal's key. A restoration goes into an empty data directory, checks the
//! signature and the copy, and refuses a backup older than the journal's anchor (the heads the
//! live journal had reached): restoring it would silently lose what was recorded since,
//! unless the operator says so (`force`).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use jalon_core::journal_chain::{Anchor, Head, PublicKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::seal::{JournalKey, KEY_FILE, anchor_path};
use crate::{Backend, DATABASE_FILE, Store, private};

/// « jalon-sauvegarde-1 ».
pub const BACKUP_FORMAT: &str = "jalon-sauvegarde-1";
const MANIFEST: &str = "manifest.json";
const SIGNATURE: &str = "manifest.sig";

/// What a backup holds, as its `manifest.json` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: String,
    /// When the copy was taken (UTC, RFC 3339).
    pub created_at: String,
    /// The database it copies (its instance id, as the journal's seal names it).
    pub instance: String,
    /// The key that signs its journal and this manifest, in hex.
    pub public_key: String,
    pub database_sha256: String,
    pub database_bytes: u64,
    /// The head of each centre's journal chain in the copy, by centre id.
    pub heads: BTreeMap<String, Head>,
    /// The name of each centre of the copy, by id (to name them to a person).
    #[serde(default)]
    pub centre_names: BTreeMap<String, String>,
    /// Centres and journal entries in the copy.
    pub centres: usize,
    pub journal_entries: i64,
}

fn invalid(message: String) -> StoreError {
    StoreError::invalid("backup", message)
}

fn sha256_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((jalon_core::journal_chain::hex(&hasher.finalize()), total))
}

/// The journal heads, the centres and the entries of a database, and its seal's instance.
async fn heads_of(pool: &sqlx::AnyPool) -> Result<(BTreeMap<String, Head>, String, i64)> {
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT id, journal_seq, journal_hash FROM centres ORDER BY id")
            .fetch_all(pool)
            .await?;

    let (instance,): (String,) =
        sqlx::query_as("SELECT instance_id FROM journal_seal WHERE one = 1")
            .fetch_optional(pool)
            .await?
            .ok_or_else(|| invalid("le journal de cette base n'est pas scellé".to_owned()))?;
    let (entries,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM journal")
        .fetch_one(pool)
        .await?;
    let heads = rows
        .into_iter()
        .filter(|(_, seq, _)| *seq > 0)
        .map(|(id, seq, hash)| (id, Head { seq, hash }))
        .collect();
    Ok((heads, instance, entries))
}

impl Store {
    /// Writes a backup of this SQLite database to `out`: a consistent copy of one moment,
    /// taken while others write, with its manifest signed by the journal's key. Refused on
    /// PostgreSQL (its own tools, `pg_dump`, copy it) and on a store that is not sealed.
    pub async fn backup(&self, out: &Path) -> Result<BackupManifest> {
        if self.backend != Backend::Sqlite {
            return Err(invalid(
                "sur PostgreSQL, sauvegardez la base avec ses propres outils : \
                 pg_dump --format=custom --file=jalon.dump postgres://… (voir le README, « Sauvegardes »)"
                    .to_owned(),
            ));
        }
        if self.journal_public_key().is_none() {
            return Err(invalid(
                "le journal de cette base n'est pas scellé : ouvrez-la avec sa clé".to_owned(),
            ));
        }
        let dir = out
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sauvegarde".to_owned());
        let copy = dir.join(format!(".{name}.copie-en-cours"));
        let _ = std::fs::remove_file(&copy);
        let result = self.write_backup(&copy, out).await;
        let _ = std::fs::remove_file(&copy);
        result
    }

    async fn write_backup(&self, copy: &Path, out: &Path) -> Result<BackupManifest> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            invalid(format!("sauvegarde « {} » : {what} ({e})", out.display()))
        };
        // One moment of the database, whatever is being written meanwhile.
        let target = copy.to_string_lossy().replace('\'', "''");
        sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))
            .execute(&self.pool)
            .await?;
        let _ = private(copy, 0o600);
        // The heads are read from the copy itself, so the manifest says what it holds.
        let snapshot =
            sqlx::AnyPool::connect(&format!("sqlite://{}?mode=ro", copy.display())).await?;
        let read = heads_of(&snapshot).await;
        let names: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM centres")
            .fetch_all(&snapshot)
            .await
            .unwrap_or_default();
        snapshot.close().await;
        let (heads, instance, journal_entries) = read?;
        let (sha, bytes) = sha256_file(copy).map_err(|e| fail("copie illisible", &e))?;
        let (public_key, _) = self.sign_bytes(b"").unwrap_or_default();
        let manifest = BackupManifest {
            format: BACKUP_FORMAT.to_owned(),
            created_at: crate::ids::Stamp::new(self.now()).text(),
            instance,
            public_key,
            database_sha256: sha,
            database_bytes: bytes,
            centres: names.len(),
            centre_names: names.into_iter().collect(),
            heads,
            journal_entries,
        };
        let body = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| StoreError::Corrupt(format!("manifeste de sauvegarde : {e}")))?;
        let (_, signature) = self.sign_bytes(&body).unwrap_or_default();
        let partial = out.with_extension("partielle");
        let written = (|| -> std::io::Result<()> {
            let file = std::fs::File::create(&partial)?;
            let _ = private(&partial, 0o600);
            let mut zip = zip::ZipWriter::new(file);
            let stored = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored)
                .large_file(bytes > u32::MAX as u64 / 2);
            zip.start_file(MANIFEST, stored)?;
            zip.write_all(&body)?;
            zip.start_file(SIGNATURE, stored)?;
            zip.write_all(signature.as_bytes())?;
            zip.start_file(DATABASE_FILE, stored)?;
            std::io::copy(&mut std::fs::File::open(copy)?, &mut zip)?;
            zip.finish()?.sync_all()?;
            std::fs::rename(&partial, out)
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(fail("écriture impossible", &e));
        }
        Ok(manifest)
    }
}

/// What a restoration did.
#[derive(Debug, Clone)]
pub struct Restored {
    pub manifest: BackupManifest,
    /// The anchor it was older than, restored all the same (`force`): per centre, the
    /// entries lost (anchored head, backup head).
    pub forced_past: Vec<(String, i64, i64)>,
}

/// Reads the manifest of a backup file, and checks its signature with `key`.
pub fn read_manifest(file: &Path, key: &PublicKey) -> Result<BackupManifest> {
    let fail = |what: String| invalid(format!("sauvegarde « {} » : {what}", file.display()));
    let f = std::fs::File::open(file).map_err(|e| fail(format!("illisible ({e})")))?;
    let mut zip = zip::ZipArchive::new(f)
        .map_err(|_| fail("ce fichier n'est pas une sauvegarde de Jalon".to_owned()))?;
    let mut text = |name: &str| -> Result<Vec<u8>> {
        let mut entry = zip.by_name(name).map_err(|_| {
            fail(format!(
                "« {name} » manque : ce n'est pas une sauvegarde de Jalon"
            ))
        })?;
        let mut out = Vec::new();
        entry
            .read_to_end(&mut out)
            .map_err(|e| fail(format!("« {name} » illisible ({e})")))?;
        Ok(out)
    };
    let body = text(MANIFEST)?;
    let signature = String::from_utf8(text(SIGNATURE)?).unwrap_or_default();
    let manifest: BackupManifest =
        serde_json::from_slice(&body).map_err(|e| fail(format!("manifeste illisible ({e})")))?;
    if manifest.format != BACKUP_FORMAT {
        return Err(fail(format!(
            "format « {} » inconnu (attendu : {BACKUP_FORMAT})",
            manifest.format
        )));
    }
    if manifest.public_key != key.to_hex() {
        let theirs = PublicKey::from_hex(&manifest.public_key)
            .map(|k| k.fingerprint())
            .unwrap_or_else(|_| "illisible".to_owned());
        return Err(fail(format!(
            "elle a été signée par la clé de journal d'empreinte {theirs}, et la clé donnée a l'empreinte {} : donnez la clé de cette base (--journal-key)",
            key.fingerprint()
        )));
    }
    if !key.verifies(&body, signature.trim()) {
        return Err(fail(
            "son manifeste ne porte pas la signature de la clé du journal : elle a été modifiée"
                .to_owned(),
        ));
    }
    Ok(manifest)
}

/// Restores the backup `file` into the data directory `dir`, which must be empty (or hold
/// only the journal's key and its anchors). `key` is the journal's key, read from
/// `key_path`; the anchor beside it says how far the journal had gone, and a backup behind it
/// is refused unless `force`. The key is copied beside the restored database.
pub fn restore(
    file: &Path,
    dir: &Path,
    key: &JournalKey,
    key_path: &Path,
    force: bool,
) -> Result<Restored> {
    let public = key.public();
    let manifest = read_manifest(file, &public)?;
    // An empty directory, or one that holds only the key and its anchors.
    std::fs::create_dir_all(dir).map_err(|e| {
        invalid(format!(
            "dossier « {} » impossible à créer ({e})",
            dir.display()
        ))
    })?;
    let others: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| invalid(format!("dossier « {} » illisible ({e})", dir.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != KEY_FILE && !(n.starts_with("journal-anchor-") && n.ends_with(".json")))
        .collect();
    if !others.is_empty() {
        return Err(invalid(format!(
            "le dossier « {} » n'est pas vide ({}) : restaurez dans un dossier vide, pour ne rien écraser",
            dir.display(),
            others.join(", ")
        )));
    }
    // The anchor of the live journal, beside the key: is the backup behind it?
    let key_dir = key_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let anchor_file = anchor_path(&key_dir, &manifest.instance);
    let anchor: Option<Anchor> = std::fs::read(&anchor_file)
        .ok()
        .and_then(|t| serde_json::from_slice::<Anchor>(&t).ok())
        .filter(|a| a.signed_by(&public) && a.database == manifest.instance);
    let mut behind = Vec::new();
    if let Some(anchor) = &anchor {
        for (centre, head) in &anchor.heads {
            let ours = manifest.heads.get(centre).map_or(0, |h| h.seq);
            let same = manifest
                .heads
                .get(centre)
                .is_some_and(|h| h.seq == head.seq && h.hash == head.hash);
            if ours < head.seq || (ours == head.seq && !same) {
                behind.push((centre.clone(), head.seq, ours));
            }
        }
    }
    if !behind.is_empty() && !force {
        let lost: i64 = behind.iter().map(|(_, a, b)| a - b).sum();
        return Err(invalid(format!(
            "cette sauvegarde, prise {}, est antérieure à l'ancre du journal « {} » : {} — la restaurer perdrait {lost} {} de journal {} depuis. Restaurez une sauvegarde plus récente, ou ajoutez --force si c'est bien celle-ci que vous voulez",
            jalon_core::fr::moment(&manifest.created_at),
            anchor_file.display(),
            behind
                .iter()
                .map(|(c, a, b)| format!(
                    "centre « {} » : entrée n° {b} dans la sauvegarde, n° {a} dans l'ancre",
                    manifest.centre_names.get(c).unwrap_or(c)
                ))
                .collect::<Vec<_>>()
                .join(" ; "),
            if lost > 1 { "entrées" } else { "entrée" },
            if lost > 1 { "écrites" } else { "écrite" },
        )));
    }
    // The database, checked against its manifest before it takes its place.
    let f =
        std::fs::File::open(file).map_err(|e| invalid(format!("sauvegarde illisible ({e})")))?;
    let mut zip =
        zip::ZipArchive::new(f).map_err(|e| invalid(format!("sauvegarde illisible ({e})")))?;
    let target = dir.join(DATABASE_FILE);
    let partial = dir.join(format!("{DATABASE_FILE}.restauration"));
    let copied = (|| -> std::io::Result<String> {
        let mut entry = zip.by_name(DATABASE_FILE).map_err(std::io::Error::other)?;
        let mut out = std::fs::File::create(&partial)?;
        let _ = private(&partial, 0o600);
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n])?;
        }
        out.sync_all()?;
        Ok(jalon_core::journal_chain::hex(&hasher.finalize()))
    })();
    match copied {
        Ok(sha) if sha == manifest.database_sha256 => {}
        Ok(_) => {
            let _ = std::fs::remove_file(&partial);
            return Err(invalid(
                "la base de la sauvegarde ne correspond pas à son manifeste (SHA-256) : le fichier est abîmé ou a été modifié"
                    .to_owned(),
            ));
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(invalid(format!("base de la sauvegarde illisible ({e})")));
        }
    }
    std::fs::rename(&partial, &target)
        .map_err(|e| invalid(format!("restauration impossible ({e})")))?;
    let _ = private(dir, 0o700);
    // The key beside the database; an anchor the backup was forced past starts again from it.
    let key_here = dir.join(KEY_FILE);
    if !key_here.exists() {
        crate::seal::write_new(&key_here, key.file_text().as_bytes())
            .map_err(|e| invalid(format!("clé du journal non copiée ({e})")))?;
    }
    if !behind.is_empty() {
        let _ = std::fs::remove_file(anchor_path(dir, &manifest.instance));
    }
    Ok(Restored {
        manifest,
        forced_past: behind,
    })
}
