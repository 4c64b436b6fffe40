//! The journal's hash chain, as one pure function: each entry's SHA-256 covers the previous
//! entry's hash and its own fields. The store appends with it; an archive is verified with
//! it, offline, without the database.

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

/// The hash of an entry whose predecessor's hash is `prev` and whose fields are `fields`
/// (centre, time, author's id, author's name, action, subject type, subject id, data).
pub fn entry_hash(prev: &str, fields: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    // A JSON array of strings: unambiguous whatever the fields contain.
    let body = serde_json::to_string(fields).unwrap_or_default();
    h.update(b"\n");
    h.update(body.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
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
}
