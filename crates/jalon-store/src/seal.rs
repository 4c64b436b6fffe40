//! The journal's seal: a key kept outside the database signs each entry, and a signed file
//! beside it anchors the heads of the chains (`jalon_core::journal_chain::Anchor`).
//!
//! What it protects against: whoever can write the database but not the key's directory —
//! a rewritten entry and its recomputed chain, a forged entry appended, entries renumbered,
//! the tail cut, the journal wiped, or the database put back from an older copy. What it
//! cannot: someone who holds the key file too (they can sign what they like, and move the
//! anchor file back); keep a copy of the public key and of the anchor elsewhere
//! (`jalon journal anchor`) to be protected from them as well.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ed25519_dalek::{Signer, SigningKey};
use jalon_core::journal_chain::{ANCHOR_FORMAT, Anchor, Head, PublicKey, hex, signed_text};

use crate::error::{Result, StoreError};
use crate::ids::Stamp;
use crate::journal::JournalProblem;
use crate::{Store, private};

/// The key's file in a data directory.
pub const KEY_FILE: &str = "journal-key";
const KEY_HEADER: &str = "jalon-cle-journal-1";

/// The secret half of a journal key.
pub struct JournalKey {
    signing: SigningKey,
}

impl std::fmt::Debug for JournalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JournalKey({})", self.public().fingerprint())
    }
}

impl JournalKey {
    /// A new key from the system's random source.
    pub fn generate() -> Result<JournalKey> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| {
            StoreError::Corrupt(format!("aucune source d'aléa pour la clé du journal : {e}"))
        })?;
        Ok(JournalKey {
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// Reads the key of `path`, or creates it there (readable by its owner alone) when the
    /// file does not exist. Says whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(JournalKey, bool)> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            StoreError::invalid(
                "journal_key",
                format!("clé du journal « {} » : {what} ({e})", path.display()),
            )
        };
        match std::fs::read_to_string(path) {
            Ok(_) => Ok((JournalKey::load(path)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = JournalKey::generate()?;
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| fail("dossier impossible à créer", &e))?;
                }
                let text = format!("{KEY_HEADER}\n{}\n", hex(key.signing.as_bytes()));
                write_new(path, text.as_bytes()).map_err(|e| fail("écriture impossible", &e))?;
                Ok((key, true))
            }
            Err(e) => Err(fail("lecture impossible", &e)),
        }
    }

    /// Reads the key of `path`, which must exist.
    pub fn load(path: &Path) -> Result<JournalKey> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            StoreError::invalid(
                "journal_key",
                format!("clé du journal « {} » : {what} ({e})", path.display()),
            )
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let mut lines = text.lines();
                let seed = (lines.next() == Some(KEY_HEADER))
                    .then(|| lines.next())
                    .flatten()
                    .and_then(|l| jalon_core::journal_chain::from_hex(l.trim()))
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| fail("ce fichier n'est pas une clé de journal de Jalon", &""))?;
                let _ = private(path, 0o600);
                Ok(JournalKey {
                    signing: SigningKey::from_bytes(&seed),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(fail("fichier introuvable", &e))
            }
            Err(e) => Err(fail("lecture impossible", &e)),
        }
    }

    /// The key as its file holds it (to copy it beside a restored database).
    pub(crate) fn file_text(&self) -> String {
        format!("{KEY_HEADER}\n{}\n", hex(self.signing.as_bytes()))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey::new(self.signing.verifying_key())
    }

    pub(crate) fn sign(&self, message: &[u8]) -> String {
        hex(&self.signing.sign(message).to_bytes())
    }
}

/// Writes a new file readable by its owner alone; refuses to overwrite one.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Replaces a file at once (a new file renamed over it), readable by its owner alone.
fn replace(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let _ = std::fs::remove_file(&tmp);
    write_new(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// A store's seal: its key, the database it anchors and where the anchor is written.
pub(crate) struct Seal {
    key: JournalKey,
    instance: String,
    anchor_path: PathBuf,
    /// One anchoring at a time.
    anchoring: tokio::sync::Mutex<()>,
    /// Woken by each append: the anchor follows the writes.
    written: tokio::sync::Notify,
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Seal({:?}, {})", self.key, self.anchor_path.display())
    }
}

impl Seal {
    pub(crate) fn sign_entry(&self, centre_id: &str, seq: i64, hash: &str) -> String {
        self.key.sign(signed_text(centre_id, seq, hash).as_bytes())
    }

    pub(crate) fn public(&self) -> PublicKey {
        self.key.public()
    }

    pub(crate) fn appended(&self) {
        self.written.notify_one();
    }
}

/// The anchor file of database `instance` in `dir`.
pub fn anchor_path(dir: &Path, instance: &str) -> PathBuf {
    dir.join(format!("journal-anchor-{instance}.json"))
}

impl Store {
    /// Seals the journal with `key`: each entry appended from now on is signed, and the heads
    /// are anchored in a file of `dir`. The first time, every entry already written is signed
    /// (once the chain is checked intact) and the key is recorded in the database; later, a
    /// database sealed by another key is refused.
    pub async fn with_seal(mut self, key: JournalKey, dir: &Path) -> Result<Store> {
        let public = key.public();
        let sealed: Option<(String, String)> =
            sqlx::query_as("SELECT instance_id, public_key FROM journal_seal WHERE one = 1")
                .fetch_optional(&self.pool)
                .await?;
        let instance = match sealed {
            Some((instance, pk)) if pk == public.to_hex() => instance,
            Some((_, pk)) => {
                let theirs = PublicKey::from_hex(&pk)
                    .map(|k| k.fingerprint())
                    .unwrap_or_else(|_| "illisible".to_owned());
                return Err(StoreError::invalid(
                    "journal_key",
                    format!(
                        "le journal de cette base est signé par la clé d'empreinte {theirs}, et la clé donnée a l'empreinte {} : donnez la clé de cette base (--journal-key)",
                        public.fingerprint()
                    ),
                ));
            }
            None => self.seal_existing(&key).await?,
        };
        self.seal = Some(Arc::new(Seal {
            key,
            anchor_path: anchor_path(dir, &instance),
            instance,
            anchoring: tokio::sync::Mutex::new(()),
            written: tokio::sync::Notify::new(),
        }));
        // The anchor follows the writes, a moment after they commit.
        self.anchor_now().await?;
        let follower = self.clone();
        tokio::spawn(async move {
            let Some(seal) = follower.seal.clone() else {
                return;
            };
            loop {
                seal.written.notified().await;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                if follower.pool.is_closed() {
                    return;
                }
                if let Err(e) = follower.anchor_now().await {
                    tracing::error!(error = %e, "ancre du journal non mise à jour");
                }
            }
        });
        Ok(self)
    }

    /// The first sealing: the chain must be intact; each entry gets its signature.
    async fn seal_existing(&self, key: &JournalKey) -> Result<String> {
        let v = self.verify_journal().await?;
        if let Some(p) = v.problems.first() {
            return Err(StoreError::invalid(
                "journal_key",
                format!(
                    "le journal n'est pas intègre ({}) : il ne peut être scellé ; « jalon journal verify » dit ce qui ne va pas",
                    p.message
                ),
            ));
        }
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO journal_seal (one, instance_id, public_key, sealed_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (one) DO NOTHING",
        )
        .bind(&instance)
        .bind(key.public().to_hex())
        .bind(Stamp::new(self.now()).text())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // Another server sealed it a moment before: take its record.
            tx.rollback().await?;
            let (instance, pk): (String, String) =
                sqlx::query_as("SELECT instance_id, public_key FROM journal_seal WHERE one = 1")
                    .fetch_one(&self.pool)
                    .await?;
            if pk != key.public().to_hex() {
                return Err(StoreError::invalid(
                    "journal_key",
                    "le journal de cette base vient d'être scellé par une autre clé".to_owned(),
                ));
            }
            return Ok(instance);
        }
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT j.centre_id, j.seq, j.hash FROM journal j LEFT JOIN journal_signatures s \
             ON s.centre_id = j.centre_id AND s.seq = j.seq WHERE s.sig IS NULL",
        )
        .fetch_all(&mut *tx)
        .await?;
        for (centre, seq, hash) in rows {
            sqlx::query("INSERT INTO journal_signatures (centre_id, seq, sig) VALUES ($1, $2, $3)")
                .bind(&centre)
                .bind(seq)
                .bind(key.sign(signed_text(&centre, seq, &hash).as_bytes()))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(instance)
    }

    /// Signs `bytes` with the journal's key, if the store is sealed: the public key and the
    /// signature, in hex (a conformity file's manifest).
    pub fn sign_bytes(&self, bytes: &[u8]) -> Option<(String, String)> {
        self.seal
            .as_ref()
            .map(|s| (s.public().to_hex(), s.key.sign(bytes)))
    }

    /// The public key that signs this store's journal, if it is sealed.
    pub fn journal_public_key(&self) -> Option<PublicKey> {
        self.seal.as_ref().map(|s| s.public())
    }

    /// Where the anchor of this store's journal is written, if it is sealed.
    pub fn anchor_file(&self) -> Option<&Path> {
        self.seal.as_ref().map(|s| s.anchor_path.as_path())
    }

    /// The anchor as written, if any: `Err` with a French sentence when it is unreadable or
    /// not signed by the key.
    pub fn read_anchor(&self) -> Option<std::result::Result<Anchor, String>> {
        let seal = self.seal.as_ref()?;
        let text = match std::fs::read(&seal.anchor_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                return Some(Err(format!(
                    "l'ancre du journal « {} » est illisible : {e}",
                    seal.anchor_path.display()
                )));
            }
        };
        Some(
            serde_json::from_slice::<Anchor>(&text)
                .ok()
                .filter(|a| a.signed_by(&seal.public()) && a.database == seal.instance)
                .ok_or_else(|| {
                    format!(
                        "l'ancre du journal « {} » n'est pas signée par la clé du journal : elle a été modifiée ou remplacée",
                        seal.anchor_path.display()
                    )
                }),
        )
    }

    /// Moves the anchor forward to the heads of the database, for each centre whose chain
    /// extends the anchored one with signed entries. A centre whose chain does not (cut,
    /// rewritten, restored) keeps its anchored head, and is named in the answer.
    pub async fn anchor_now(&self) -> Result<Vec<JournalProblem>> {
        let Some(seal) = self.seal.clone() else {
            return Ok(Vec::new());
        };
        let _one = seal.anchoring.lock().await;
        let mut anchor = match self.read_anchor() {
            Some(Ok(a)) => a,
            // A forged or unreadable anchor is kept for the verification to name.
            Some(Err(e)) => {
                return Ok(vec![JournalProblem {
                    centre_id: String::new(),
                    seq: 0,
                    kind: "anchor_forged",
                    message: e,
                }]);
            }
            None => Anchor {
                format: ANCHOR_FORMAT.to_owned(),
                database: seal.instance.clone(),
                public_key: seal.public().to_hex(),
                written_at: String::new(),
                heads: Default::default(),
                signature: String::new(),
            },
        };
        let fresh = anchor.signature.is_empty();
        let heads: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT id, journal_seq, journal_hash FROM centres ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        let mut problems = Vec::new();
        let mut moved = false;
        for (centre, seq, hash) in heads {
            let from = match anchor.heads.get(&centre) {
                Some(h) if h.seq == seq && h.hash == hash => continue,
                Some(h) => Some(h.clone()),
                None => None,
            };
            let since = from.as_ref().map_or(1, |h| h.seq);
            let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
                "SELECT j.seq, j.prev_hash, j.hash, s.sig FROM journal j \
                 LEFT JOIN journal_signatures s ON s.centre_id = j.centre_id AND s.seq = j.seq \
                 WHERE j.centre_id = $1 AND j.seq >= $2 AND j.seq <= $3 ORDER BY j.seq",
            )
            .bind(&centre)
            .bind(since)
            .bind(seq)
            .fetch_all(&self.pool)
            .await?;
            match extends(&seal, &centre, from.as_ref(), &rows, seq, &hash) {
                Ok(()) => {
                    if seq > 0 {
                        anchor.heads.insert(centre, Head { seq, hash });
                        moved = true;
                    }
                }
                Err(message) => problems.push(JournalProblem {
                    centre_id: centre,
                    seq: since,
                    kind: "not_anchored",
                    message,
                }),
            }
        }
        if moved || fresh {
            anchor.written_at = Stamp::new(self.now()).text();
            anchor.signature = seal.key.sign(&anchor.signed_body());
            let text = serde_json::to_vec_pretty(&anchor)
                .map_err(|e| StoreError::Corrupt(format!("ancre du journal : {e}")))?;
            replace(&seal.anchor_path, &text).map_err(|e| {
                StoreError::invalid(
                    "journal_key",
                    format!(
                        "l'ancre du journal « {} » ne peut être écrite : {e}",
                        seal.anchor_path.display()
                    ),
                )
            })?;
        }
        for p in &problems {
            tracing::error!(centre = %p.centre_id, "{}", p.message);
        }
        Ok(problems)
    }
}

/// Whether `rows` (from the anchored head's number to `seq`) extend the anchored head up to
/// the head (`seq`, `hash`), each link intact and each entry signed.
fn extends(
    seal: &Seal,
    centre: &str,
    from: Option<&Head>,
    rows: &[(i64, String, String, Option<String>)],
    seq: i64,
    hash: &str,
) -> std::result::Result<(), String> {
    let public = seal.public();
    let mut prev: Option<&str> = None;
    if let Some(h) = from {
        if seq < h.seq {
            return Err(format!(
                "le journal s'arrête au n° {seq}, avant le n° {} que l'ancre atteste",
                h.seq
            ));
        }
        match rows.first() {
            Some((s, _, first_hash, _)) if *s == h.seq && *first_hash == h.hash => {}
            _ => {
                return Err(format!(
                    "l'entrée n° {} n'est plus celle que l'ancre atteste : le journal a été réécrit",
                    h.seq
                ));
            }
        }
    }
    for (expected_seq, (s, p, h, sig)) in (from.map_or(1, |h| h.seq)..).zip(rows) {
        if *s != expected_seq {
            return Err(format!("il manque l'entrée n° {expected_seq}"));
        }
        if let Some(prev) = prev
            && prev != p
        {
            return Err(format!(
                "l'entrée n° {s} n'est plus chaînée à la précédente"
            ));
        }
        let signed = sig
            .as_deref()
            .is_some_and(|sig| public.verifies(signed_text(centre, *s, h).as_bytes(), sig));
        if !signed {
            return Err(format!(
                "l'entrée n° {s} n'a pas la signature de Jalon : elle a été écrite en dehors de Jalon"
            ));
        }
        prev = Some(h);
    }
    if seq > 0 && prev != Some(hash) {
        return Err(format!(
            "la tête du journal (n° {seq}) ne correspond pas à sa dernière entrée"
        ));
    }
    Ok(())
}
