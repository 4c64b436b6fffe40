//! The conformity file of a session: one ZIP with every document (the PDFs Jalon produces
//! and the scans it keeps), the session's journal entries with their hash chain, and a
//! manifest of SHA-256 — and its verification, offline, without the database: any file
//! altered, added or removed is named, and any journal entry whose hash no longer matches.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use jalon_core::journal_chain::{PublicKey, RawEntry};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::pdf::PdfError;

/// The manifest's name in the archive.
pub const MANIFEST: &str = "manifest.json";
/// The journal's name in the archive.
pub const JOURNAL: &str = "journal.jsonl";
/// The signature of the manifest (hex), by the journal's key.
pub const SIGNATURE: &str = "manifest.sig";
/// The public key that verifies it, and its fingerprint.
pub const PUBLIC_KEY: &str = "cle-publique-journal.txt";

/// Signs the manifest's bytes: the public key and the signature, in hex.
pub type Signer<'a> = &'a dyn Fn(&[u8]) -> (String, String);

/// One file of the archive, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// What the archive says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// « Dossier de conformité — Jalon ».
    pub kind: String,
    /// The session: title, dates, CERES number, centre.
    pub session: BTreeMap<String, String>,
    /// When the archive was made (UTC, RFC 3339).
    pub made_at: String,
    pub files: Vec<Listed>,
    /// The journal: how many entries, the last one's number and hash.
    pub journal_entries: usize,
    pub journal_last_seq: Option<i64>,
    pub journal_last_hash: Option<String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const README: &str = "Dossier de conformité d'une session d'examen, produit par Jalon.\n\n\
Le fichier manifest.json donne l'empreinte SHA-256 de chaque fichier ; journal.jsonl, une ligne \
par entrée du journal de la session, chacune avec l'empreinte qui la chaîne à la précédente.\n\n\
Pour vérifier ce dossier, sans accès à la base de données :\n\n    jalon verify-archive CE-FICHIER.zip\n\n\
Tout fichier modifié, ajouté ou retiré, et toute entrée du journal modifiée, est nommé.\n\n\
Le manifeste est signé (manifest.sig) par la clé du journal du centre, comme chaque entrée du \
journal ; la clé publique est dans cle-publique-journal.txt. Pour être sûr qu'elle est bien celle \
du centre, comparez son empreinte à celle qu'il vous a donnée (« jalon journal key »), ou \
donnez-la à la vérification :\n\n    jalon verify-archive CE-FICHIER.zip --public-key CLÉ\n";

/// The archive of `files` (path, bytes), the journal entries and the session's description.
pub fn build(
    files: Vec<(String, Vec<u8>)>,
    journal: &[RawEntry],
    session: BTreeMap<String, String>,
    made_at: String,
    signer: Option<Signer<'_>>,
) -> Result<Vec<u8>, PdfError> {
    let fail = |e: &dyn std::fmt::Display| PdfError(format!("archive ZIP impossible : {e}"));
    let mut lines = String::new();
    for e in journal {
        lines.push_str(&serde_json::to_string(e).map_err(|e| fail(&e))?);
        lines.push('\n');
    }
    let mut all: Vec<(String, Vec<u8>)> = vec![
        ("LISEZ-MOI.txt".to_owned(), README.as_bytes().to_vec()),
        (JOURNAL.to_owned(), lines.into_bytes()),
    ];
    all.extend(files);
    let all = crate::pdf::unique_names(all);
    let manifest = Manifest {
        kind: "Dossier de conformité — Jalon".to_owned(),
        session,
        made_at,
        files: all
            .iter()
            .map(|(path, bytes)| Listed {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
        journal_entries: journal.len(),
        journal_last_seq: journal.last().map(|e| e.seq),
        journal_last_hash: journal.last().map(|e| e.hash.clone()),
    };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| fail(&e))?;
    writer.start_file(MANIFEST, options).map_err(|e| fail(&e))?;
    writer.write_all(&text).map_err(|e| fail(&e))?;
    if let Some(sign) = signer {
        let (public, signature) = sign(&text);
        let fingerprint = jalon_core::journal_chain::PublicKey::from_hex(&public)
            .map(|k| k.fingerprint())
            .unwrap_or_default();
        writer
            .start_file(SIGNATURE, options)
            .map_err(|e| fail(&e))?;
        writer
            .write_all(format!("{signature}\n").as_bytes())
            .map_err(|e| fail(&e))?;
        writer
            .start_file(PUBLIC_KEY, options)
            .map_err(|e| fail(&e))?;
        writer
            .write_all(
                format!("Clé publique du journal : {public}\nEmpreinte : {fingerprint}\n")
                    .as_bytes(),
            )
            .map_err(|e| fail(&e))?;
    }
    for (path, bytes) in &all {
        writer
            .start_file(path.as_str(), options)
            .map_err(|e| fail(&e))?;
        writer.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(writer.finish().map_err(|e| fail(&e))?.into_inner())
}

/// What the verification found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Report {
    /// Files listed and found intact.
    pub intact: usize,
    pub journal_entries: usize,
    /// One French sentence each: « fichier modifié : documents/pv-session.pdf ».
    pub problems: Vec<String>,
    /// The session, as the manifest describes it.
    pub session: BTreeMap<String, String>,
    /// The fingerprint of the key whose signature the manifest and the journal carry.
    pub signed_by: Option<String>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies an archive made by [`build`], without the database. With `expected`, the
/// archive must be signed by that key; without, by the key it carries (whose fingerprint the
/// report gives, to compare with the centre's).
pub fn verify(bytes: &[u8], expected: Option<&PublicKey>) -> Report {
    let mut report = Report::default();
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            report.problems.push(format!(
                "ce fichier n'est pas une archive ZIP lisible : {e}"
            ));
            return report;
        }
    };
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for i in 0..zip.len() {
        // Stored entries are read as they are, without the ZIP's own checksum: a byte
        // changed is then named as a file altered, not as an unreadable archive.
        let stored = zip
            .by_index_raw(i)
            .is_ok_and(|f| f.compression() == zip::CompressionMethod::Stored);
        let read = if stored {
            zip.by_index_raw(i)
        } else {
            zip.by_index(i)
        };
        let mut f = match read {
            Ok(f) => f,
            Err(e) => {
                report
                    .problems
                    .push(format!("entrée n° {} illisible : {e}", i + 1));
                continue;
            }
        };
        let name = match f.name() {
            Ok(n) => n.into_owned(),
            Err(e) => {
                report
                    .problems
                    .push(format!("entrée n° {} illisible : {e}", i + 1));
                continue;
            }
        };
        let mut buf = Vec::new();
        if let Err(e) = f.read_to_end(&mut buf) {
            report.problems.push(format!("{name} illisible : {e}"));
            continue;
        }
        contents.insert(name, buf);
    }
    let Some(text) = contents.remove(MANIFEST) else {
        report.problems.push(
            "manifest.json manque : ce n'est pas un dossier de conformité de Jalon".to_owned(),
        );
        return report;
    };
    let key = signature_of(&text, &mut contents, expected, &mut report);
    let manifest: Manifest = match serde_json::from_slice(&text) {
        Ok(m) => m,
        Err(e) => {
            report
                .problems
                .push(format!("manifest.json illisible : {e}"));
            return report;
        }
    };
    report.session = manifest.session.clone();
    for listed in &manifest.files {
        match contents.get(&listed.path) {
            None => report
                .problems
                .push(format!("fichier retiré : {}", listed.path)),
            Some(b) if sha256_hex(b) != listed.sha256 => report
                .problems
                .push(format!("fichier modifié : {}", listed.path)),
            Some(_) => report.intact += 1,
        }
    }
    for name in contents.keys() {
        if !manifest.files.iter().any(|l| &l.path == name) {
            report.problems.push(format!("fichier ajouté : {name}"));
        }
    }
    // The journal: each entry's hash recomputed, in order, as the manifest ends it.
    let lines = contents.get(JOURNAL).cloned().unwrap_or_default();
    let text = String::from_utf8_lossy(&lines);
    let mut last: Option<(i64, String)> = None;
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = n + 1;
        let e: RawEntry = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(_) => {
                report
                    .problems
                    .push(format!("journal, ligne {at} : illisible"));
                continue;
            }
        };
        report.journal_entries += 1;
        if let Some(key) = &key
            && !e.signed_by(key)
        {
            report.problems.push(format!(
                "journal, ligne {at} (entrée n° {}) : elle n'a pas la signature du journal",
                e.seq
            ));
        }
        if e.recomputed() != e.hash {
            report.problems.push(format!(
                "journal, ligne {at} (entrée n° {}) : son empreinte ne correspond plus à son contenu — l'entrée a été modifiée",
                e.seq
            ));
        }
        if let Some((seq, _)) = &last
            && e.seq <= *seq
        {
            report.problems.push(format!(
                "journal, ligne {at} (entrée n° {}) : hors de l'ordre du journal",
                e.seq
            ));
        }
        last = Some((e.seq, e.hash.clone()));
    }
    if report.journal_entries != manifest.journal_entries
        || last.as_ref().map(|(s, _)| *s) != manifest.journal_last_seq
        || last.as_ref().map(|(_, h)| h.clone()) != manifest.journal_last_hash
    {
        report.problems.push(format!(
            "journal : {} entrée(s) au lieu des {} que le manifeste annonce, ou la dernière n'est plus la même",
            report.journal_entries, manifest.journal_entries
        ));
    }
    report
}

/// Checks the manifest's signature; takes the signature and key files out of `contents`.
/// Returns the key the journal's entries must be signed by, if the archive is signed.
fn signature_of(
    manifest: &[u8],
    contents: &mut BTreeMap<String, Vec<u8>>,
    expected: Option<&PublicKey>,
    report: &mut Report,
) -> Option<PublicKey> {
    let signature = contents.remove(SIGNATURE);
    let carried = contents.remove(PUBLIC_KEY).and_then(|text| {
        let text = String::from_utf8_lossy(&text).into_owned();
        text.lines()
            .find_map(|l| l.strip_prefix("Clé publique du journal :"))
            .and_then(|k| PublicKey::from_hex(k).ok())
    });
    let Some(signature) = signature else {
        if expected.is_some() {
            report.problems.push(
                "le dossier n'est pas signé : rien ne prouve qu'il vient du centre".to_owned(),
            );
        }
        return None;
    };
    let Some(key) = expected.copied().or(carried) else {
        report.problems.push(format!(
            "{PUBLIC_KEY} manque ou est illisible : la signature ne peut être vérifiée"
        ));
        return None;
    };
    report.signed_by = Some(key.fingerprint());
    let signature = String::from_utf8_lossy(&signature).trim().to_owned();
    if !key.verifies(manifest, &signature) {
        report.problems.push(format!(
            "la signature du manifeste n'est pas celle de la clé d'empreinte {} : le dossier a été modifié, ou il vient d'ailleurs",
            key.fingerprint()
        ));
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jalon_core::journal_chain::entry_hash;

    fn journal() -> Vec<RawEntry> {
        let mut out: Vec<RawEntry> = Vec::new();
        let mut prev = "0".repeat(64);
        for (seq, action) in [(3, "session.created"), (7, "result.recorded")] {
            let mut e = RawEntry {
                centre_id: "c".into(),
                seq,
                at: "2027-03-22T10:00:00Z".into(),
                actor_id: "u".into(),
                actor_name: "Claire Martin".into(),
                action: action.into(),
                subject_type: "session".into(),
                subject_id: "s".into(),
                data: "{\"decision\":\"titre obtenu\"}".into(),
                prev_hash: prev.clone(),
                hash: String::new(),
                sig: None,
            };
            e.hash = entry_hash(
                &e.prev_hash,
                &[
                    &e.centre_id,
                    &e.at,
                    &e.actor_id,
                    &e.actor_name,
                    &e.action,
                    &e.subject_type,
                    &e.subject_id,
                    &e.data,
                ],
            );
            prev = e.hash.clone();
            out.push(e);
        }
        out
    }

    fn archive(files: Vec<(String, Vec<u8>)>, j: &[RawEntry]) -> Vec<u8> {
        let session = [("titre".to_owned(), "Maçon".to_owned())]
            .into_iter()
            .collect();
        build(files, j, session, "2027-03-22T10:00:00Z".into(), None).unwrap()
    }

    fn key(seed: u8) -> (ed25519_dalek::SigningKey, PublicKey) {
        let k = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
        let p = PublicKey::new(k.verifying_key());
        (k, p)
    }

    /// The journal signed entry by entry, and the archive signed, as a sealed store makes it.
    fn signed_archive(k: &ed25519_dalek::SigningKey) -> Vec<u8> {
        use ed25519_dalek::Signer;
        let hex = jalon_core::journal_chain::hex;
        let mut j = journal();
        for e in &mut j {
            let text = jalon_core::journal_chain::signed_text(&e.centre_id, e.seq, &e.hash);
            e.sig = Some(hex(&k.sign(text.as_bytes()).to_bytes()));
        }
        let public = hex(k.verifying_key().as_bytes());
        let sign = |b: &[u8]| (public.clone(), hex(&k.sign(b).to_bytes()));
        let session = [("titre".to_owned(), "Maçon".to_owned())]
            .into_iter()
            .collect();
        build(
            vec![("documents/pv-session.pdf".into(), b"%PDF-1.7 pv".to_vec())],
            &j,
            session,
            "2027-03-22T10:00:00Z".into(),
            Some(&sign),
        )
        .unwrap()
    }

    /// The archive with its first journal entry rewritten (hashes recomputed), its manifest
    /// rebuilt and signed by the forger.
    fn forged_files(
        files: &Files,
        forger: &ed25519_dalek::SigningKey,
        forger_public: &PublicKey,
    ) -> Files {
        use ed25519_dalek::Signer;
        let hex = jalon_core::journal_chain::hex;
        let mut copy = files.clone();
        let j = copy.iter().find(|(n, _)| n == JOURNAL).unwrap().1.clone();
        let mut entries: Vec<RawEntry> = String::from_utf8(j)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        entries[0].data = "{\"decision\":\"non obtenu\"}".into();
        let mut prev = entries[0].prev_hash.clone();
        for e in &mut entries {
            e.prev_hash = prev.clone();
            e.hash = e.recomputed();
            prev = e.hash.clone();
        }
        let lines: String = entries
            .iter()
            .map(|e| serde_json::to_string(e).unwrap() + "\n")
            .collect();
        let text = copy.iter().find(|(n, _)| n == MANIFEST).unwrap().1.clone();
        let mut m: Manifest = serde_json::from_slice(&text).unwrap();
        for l in &mut m.files {
            if l.path == JOURNAL {
                l.sha256 = sha256_hex(lines.as_bytes());
                l.bytes = lines.len() as u64;
            }
        }
        m.journal_last_hash = entries.last().map(|e| e.hash.clone());
        let text = serde_json::to_vec_pretty(&m).unwrap();
        for (n, b) in &mut copy {
            match n.as_str() {
                JOURNAL => *b = lines.clone().into_bytes(),
                MANIFEST => *b = text.clone(),
                SIGNATURE => *b = hex(&forger.sign(&text).to_bytes()).into_bytes(),
                PUBLIC_KEY => {
                    *b = format!("Clé publique du journal : {}\n", forger_public.to_hex())
                        .into_bytes()
                }
                _ => {}
            }
        }
        copy
    }

    #[test]
    fn a_signed_archive_is_verified_with_the_public_key_alone() {
        let (k, public) = key(1);
        let good = signed_archive(&k);
        let r = verify(&good, Some(&public));
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!(r.signed_by, Some(public.fingerprint()));
        // Without the key given, the archive's own is used and its fingerprint told.
        let r = verify(&good, None);
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!(r.signed_by, Some(public.fingerprint()));
        // Another centre's key: refused.
        let (_, other) = key(2);
        let p = verify(&good, Some(&other)).problems;
        assert!(
            p.iter()
                .any(|x| x.starts_with("la signature du manifeste n'est pas celle de la clé")),
            "{p:?}"
        );
        // A forger rebuilds the manifest after changing a file, and signs with his own key
        // (his public key in the archive): the centre's key, given, refuses it.
        let files = unzip(&good);
        let (forger, forger_public) = key(3);
        let mut copy = files.clone();
        copy.iter_mut()
            .find(|(n, _)| n == "documents/pv-session.pdf")
            .unwrap()
            .1 = b"%PDF-1.7 faux".to_vec();
        let text = copy.iter().find(|(n, _)| n == MANIFEST).unwrap().1.clone();
        let mut m: Manifest = serde_json::from_slice(&text).unwrap();
        for l in &mut m.files {
            if l.path == "documents/pv-session.pdf" {
                l.sha256 = sha256_hex(b"%PDF-1.7 faux");
                l.bytes = 13;
            }
        }
        let text = serde_json::to_vec_pretty(&m).unwrap();
        use ed25519_dalek::Signer;
        let hex = jalon_core::journal_chain::hex;
        for (n, b) in &mut copy {
            match n.as_str() {
                MANIFEST => *b = text.clone(),
                SIGNATURE => *b = hex(&forger.sign(&text).to_bytes()).into_bytes(),
                PUBLIC_KEY => {
                    *b = format!("Clé publique du journal : {}\n", forger_public.to_hex())
                        .into_bytes()
                }
                _ => {}
            }
        }
        let forged = rezip(&copy);
        let p = verify(&forged, Some(&public)).problems;
        assert!(
            p.iter().any(|x| x.starts_with("la signature du manifeste")),
            "{p:?}"
        );
        // Without the key given, the forger's fingerprint is what the report tells.
        assert_eq!(
            verify(&forged, None).signed_by,
            Some(forger_public.fingerprint())
        );
        // A journal entry rewritten, with its hash recomputed and the manifest re-signed by
        // the forger: the entry no longer carries the centre's signature.
        let mut copy = forged_files(&files, &forger, &forger_public);
        let p = verify(&rezip(&copy), Some(&public)).problems;
        assert!(
            p.iter()
                .any(|x| x.contains("(entrée n° 3) : elle n'a pas la signature du journal")),
            "{p:?}"
        );
        copy.clear();
        // An unsigned archive, when a key is expected.
        let p = verify(&archive(Vec::new(), &journal()), Some(&public)).problems;
        assert_eq!(
            p,
            ["le dossier n'est pas signé : rien ne prouve qu'il vient du centre"]
        );
    }

    type Files = Vec<(String, Vec<u8>)>;

    /// The archive's files, to rebuild a tampered copy.
    fn unzip(bytes: &[u8]) -> Files {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                (f.name().unwrap().into_owned(), b)
            })
            .collect()
    }

    fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (n, b) in files {
            w.start_file(n.as_str(), o).unwrap();
            w.write_all(b).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn an_untouched_archive_verifies_and_each_tampering_is_named() {
        let pdf = b"%PDF-1.7 pv".to_vec();
        let good = archive(
            vec![
                ("documents/pv-session.pdf".into(), pdf.clone()),
                ("pieces/pv-signe.pdf".into(), b"%PDF-1.7 scan".to_vec()),
            ],
            &journal(),
        );
        let r = verify(&good, None);
        assert!(r.ok(), "{:?}", r.problems);
        assert_eq!((r.intact, r.journal_entries), (4, 2));
        assert_eq!(r.session["titre"], "Maçon");
        let files = unzip(&good);
        let tamper = |f: &dyn Fn(&mut Files)| {
            let mut copy = files.clone();
            f(&mut copy);
            verify(&rezip(&copy), None).problems
        };
        // One byte of a PDF.
        let p = tamper(&|c| {
            let pv = c
                .iter_mut()
                .find(|(n, _)| n == "documents/pv-session.pdf")
                .unwrap();
            pv.1[5] ^= 1;
        });
        assert_eq!(p, ["fichier modifié : documents/pv-session.pdf"]);
        // A file removed; a file added.
        let p = tamper(&|c| c.retain(|(n, _)| n != "pieces/pv-signe.pdf"));
        assert_eq!(p, ["fichier retiré : pieces/pv-signe.pdf"]);
        let p = tamper(&|c| c.push(("pieces/faux.pdf".into(), b"%PDF".to_vec())));
        assert_eq!(p, ["fichier ajouté : pieces/faux.pdf"]);
        // A journal line altered (and the manifest's hash of the journal with it).
        let p = tamper(&|c| {
            let j = c.iter_mut().find(|(n, _)| n == JOURNAL).unwrap();
            let text = String::from_utf8(j.1.clone()).unwrap();
            j.1 = text.replace("titre obtenu", "non obtenu").into_bytes();
        });
        assert!(
            p.contains(&"fichier modifié : journal.jsonl".to_owned()),
            "{p:?}"
        );
        assert!(
            p.iter().any(|x| x
                .starts_with("journal, ligne 1 (entrée n° 3) : son empreinte ne correspond plus")),
            "{p:?}"
        );
        // One byte flipped in the ZIP itself, inside the PDF (its checksum left as it was).
        let mut raw = good.clone();
        let at = raw.windows(11).position(|w| w == b"%PDF-1.7 pv").unwrap();
        raw[at + 9] ^= 1;
        assert_eq!(
            verify(&raw, None).problems,
            ["fichier modifié : documents/pv-session.pdf"]
        );
        // Not a ZIP at all.
        assert!(
            verify(b"pas une archive", None).problems[0]
                .starts_with("ce fichier n'est pas une archive ZIP")
        );
    }
}
