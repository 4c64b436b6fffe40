//! The journal's hash chain, as one pure function: each entry's SHA-256 covers the previous
//! entry's hash and its own fields. The store appends with it; an archive is verified with
//! it, offline, without the database.
//!
//! The chain alone proves nothing against whoever can write the database: they can rewrite
//! an entry and recompute every hash after it. So each entry is also **signed** (Ed25519)
//! with a key kept outside the database, over its centre, number and hash; and the heads of
//! the chains are **anchored** outside the database, in a signed file ([`Anchor`]) that only
//! moves forward. Anyone verifies both with the public key alone.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A journal entry as stored, every field as text: what an archive carries, one JSON line
/// each, so that its hash can be recomputed anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawEntry {
    pub centre_id: String,
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    /// The entry's data, as the JSON text that was hashed.
    pub data: String,
    pub prev_hash: String,
    pub hash: String,
    /// Its Ed25519 signature (hex), by the instance's journal key; absent in archives made
    /// before the journal was signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

impl RawEntry {
    /// The hash its fields and predecessor give; equal to `hash` unless it was altered.
    pub fn recomputed(&self) -> String {
        entry_hash(
            &self.prev_hash,
            &[
                &self.centre_id,
                &self.at,
                &self.actor_id,
                &self.actor_name,
                &self.action,
                &self.subject_type,
                &self.subject_id,
                &self.data,
            ],
        )
    }
}

impl RawEntry {
    /// Whether its signature is the key's, over its centre, number and hash.
    pub fn signed_by(&self, key: &PublicKey) -> bool {
        self.sig.as_deref().is_some_and(|sig| {
            key.verifies(
                signed_text(&self.centre_id, self.seq, &self.hash).as_bytes(),
                sig,
            )
        })
    }
}

/// What an entry's signature covers: its centre, its number and its hash (which covers the
/// rest and its predecessor).
pub fn signed_text(centre_id: &str, seq: i64, hash: &str) -> String {
    format!("jalon-journal-v1\n{centre_id}\n{seq}\n{hash}")
}

/// The public half of a journal key: what verifies the signatures, and all an inspector needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    pub fn new(key: ed25519_dalek::VerifyingKey) -> PublicKey {
        PublicKey(key)
    }

    /// From its 64 hexadecimal digits.
    pub fn from_hex(text: &str) -> Result<PublicKey, String> {
        let bytes: [u8; 32] = from_hex(text.trim())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                format!(
                    "« {} » n'est pas une clé publique de journal (64 chiffres hexadécimaux attendus)",
                    text.trim().chars().take(80).collect::<String>()
                )
            })?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| "cette clé publique de journal n'est pas valide".to_owned())
    }

    pub fn to_hex(&self) -> String {
        hex(self.0.as_bytes())
    }

    /// A short name to compare by eye or by phone: the first 16 digits of its SHA-256, by
    /// groups of four.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        let h = hex(&digest[..8]);
        h.as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// Whether `sig_hex` is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], sig_hex: &str) -> bool {
        let Some(bytes) = from_hex(sig_hex).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        let sig = ed25519_dalek::Signature::from_bytes(&bytes);
        self.0.verify_strict(message, &sig).is_ok()
    }
}

/// The head of one centre's chain: its last entry's number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

/// The heads of the chains of one database, signed, kept outside it (a file beside the
/// key). It only moves forward, and only over entries that extend the chain it anchored,
/// each signed: a journal cut at its tail, wiped, or restored from an older copy falls behind
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// « jalon-ancre-journal-1 ».
    pub format: String,
    /// The database it anchors (its instance id).
    pub database: String,
    /// The key that signs it, in hex.
    pub public_key: String,
    /// When it was last moved forward (UTC, RFC 3339).
    pub written_at: String,
    /// Per centre id.
    pub heads: std::collections::BTreeMap<String, Head>,
    /// Its signature, over the rest, in hex.
    #[serde(default)]
    pub signature: String,
}

pub const ANCHOR_FORMAT: &str = "jalon-ancre-journal-1";

impl Anchor {
    /// What the signature covers: the anchor without its signature, as JSON.
    pub fn signed_body(&self) -> Vec<u8> {
        let mut unsigned = self.clone();
        unsigned.signature = String::new();
        serde_json::to_vec(&unsigned).unwrap_or_default()
    }

    /// Whether it is signed by `key` (and says so).
    pub fn signed_by(&self, key: &PublicKey) -> bool {
        self.format == ANCHOR_FORMAT
            && self.public_key == key.to_hex()
            && key.verifies(&self.signed_body(), &self.signature)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The hash of an entry whose predecessor's hash is `prev` and whose fields are `fields`
/// (centre, time, author's id, author's name, action, subject type, subject id, data).
pub fn entry_hash(prev: &str, fields: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    // A JSON array of strings: unambiguous whatever the fields contain.
    let body = serde_json::to_string(fields).unwrap_or_default();
    h.update(b"\n");
    h.update(body.as_bytes());
    hex(&h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_field_or_predecessor_changes_the_hash() {
        let a = entry_hash("0", &["c", "2026-12-01T09:00:00Z", "", "Claire", "x"]);
        assert_eq!(a.len(), 64);
        assert_ne!(
            a,
            entry_hash("1", &["c", "2026-12-01T09:00:00Z", "", "Claire", "x"])
        );
        assert_ne!(
            a,
            entry_hash("0", &["c", "2026-12-01T09:00:00Z", "", "Claire", "y"])
        );
        // Fields cannot be shifted into one another.
        assert_ne!(entry_hash("0", &["ab", "c"]), entry_hash("0", &["a", "bc"]));
    }

    fn key(seed: u8) -> (ed25519_dalek::SigningKey, PublicKey) {
        let k = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let p = PublicKey::new(k.verifying_key());
        (k, p)
    }

    fn signed_entry(k: &ed25519_dalek::SigningKey) -> RawEntry {
        use ed25519_dalek::Signer;
        let mut e = RawEntry {
            centre_id: "c1".into(),
            seq: 3,
            at: "2026-12-07T09:00:00Z".into(),
            actor_id: "u1".into(),
            actor_name: "Claire Martin".into(),
            action: "session.created".into(),
            subject_type: "session".into(),
            subject_id: "s1".into(),
            data: "{}".into(),
            prev_hash: "ab".into(),
            hash: String::new(),
            sig: None,
        };
        e.hash = e.recomputed();
        let text = signed_text(&e.centre_id, e.seq, &e.hash);
        e.sig = Some(hex(&k.sign(text.as_bytes()).to_bytes()));
        e
    }

    #[test]
    fn an_entry_is_signed_over_its_centre_number_and_hash() {
        let (k, public) = key(7);
        let e = signed_entry(&k);
        assert!(e.signed_by(&public));
        // Another key, another number, another centre, a recomputed hash: no longer signed.
        assert!(!e.signed_by(&key(8).1));
        let mut renumbered = e.clone();
        renumbered.seq = 2;
        assert!(!renumbered.signed_by(&public));
        let mut moved = e.clone();
        moved.centre_id = "c2".into();
        assert!(!moved.signed_by(&public));
        let mut rewritten = e.clone();
        rewritten.actor_name = "Quelqu'un".into();
        rewritten.hash = rewritten.recomputed();
        assert!(!rewritten.signed_by(&public));
        let mut unsigned = e.clone();
        unsigned.sig = None;
        assert!(!unsigned.signed_by(&public));
        let mut garbage = e;
        garbage.sig = Some("zz".into());
        assert!(!garbage.signed_by(&public));
    }

    #[test]
    fn a_public_key_reads_back_from_hex_and_has_a_short_fingerprint() {
        let (_, public) = key(9);
        assert_eq!(PublicKey::from_hex(&public.to_hex()), Ok(public));
        let f = public.fingerprint();
        assert_eq!(f.len(), 19, "{f}");
        assert_eq!(f.matches('-').count(), 3);
        let err = PublicKey::from_hex("pas une clé").unwrap_err();
        assert!(err.contains("64 chiffres hexadécimaux"), "{err}");
    }

    #[test]
    fn an_anchor_is_signed_over_everything_it_says() {
        use ed25519_dalek::Signer;
        let (k, public) = key(5);
        let mut a = Anchor {
            format: ANCHOR_FORMAT.into(),
            database: "db1".into(),
            public_key: public.to_hex(),
            written_at: "2026-12-07T09:00:00Z".into(),
            heads: [(
                "c1".to_owned(),
                Head {
                    seq: 12,
                    hash: "ff".into(),
                },
            )]
            .into(),
            signature: String::new(),
        };
        a.signature = hex(&k.sign(&a.signed_body()).to_bytes());
        assert!(a.signed_by(&public));
        assert!(!a.signed_by(&key(6).1));
        let mut older = a.clone();
        older.heads.get_mut("c1").unwrap().seq = 11;
        assert!(
            !older.signed_by(&public),
            "a head moved back is no longer signed"
        );
    }
}
