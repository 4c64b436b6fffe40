//! Opening the database a command works on: `--database-url` (PostgreSQL) or the SQLite file
//! of `--data-dir`.

use std::path::{Path, PathBuf};

use jalon_store::{Store, StoreError};

use crate::Failure;
use crate::args::DbArgs;

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::Invalid(_) | StoreError::RulesBroken(_) => Failure::usage(e.to_string()),
            other => Failure::runtime(other.to_string()),
        }
    }
}

/// `--session` names no session of this database: a usage error, in French.
pub fn unknown_session(session: &str, e: StoreError) -> Failure {
    match e {
        StoreError::NotFound { .. } => Failure::usage(format!(
            "--session : aucune session « {session} » dans cette base"
        )),
        other => other.into(),
    }
}

/// Where a command's data lives, for messages.
pub fn describe(db: &DbArgs, default_dir: &str) -> String {
    match &db.database_url {
        Some(url) => format!("la base {}", redact(url)),
        None => format!("le dossier « {} »", data_dir(db, default_dir).display()),
    }
}

/// A database URL without its password.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub fn data_dir(db: &DbArgs, default_dir: &str) -> PathBuf {
    db.data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(default_dir))
}

pub async fn open(db: &DbArgs, default_dir: &str) -> Result<Store, Failure> {
    if db.data_dir.is_some() && db.database_url.is_some() {
        return Err(Failure::usage(
            "--data-dir et --database-url s'excluent : choisissez SQLite (dossier) ou PostgreSQL (adresse)",
        ));
    }
    let store = match &db.database_url {
        Some(url)
            if !(url.starts_with("postgres://")
                || url.starts_with("postgresql://")
                || url.starts_with("sqlite:")) =>
        {
            return Err(Failure::usage(format!(
                "--database-url : « {} » n'est pas une adresse de base (forme attendue : postgres://utilisateur@hôte:5432/base)",
                redact(url)
            )));
        }
        Some(url) => Store::open(url).await.map_err(|e| {
            Failure::runtime(format!("impossible d'ouvrir la base {} : {e}", redact(url)))
        })?,
        None => {
            let dir = data_dir(db, default_dir);
            jalon_store::check_data_dir(&dir).map_err(Failure::runtime)?;
            Store::open_data_dir(&dir).await.map_err(|e| {
                Failure::runtime(format!(
                    "impossible d'ouvrir les données de « {} » : {e}",
                    dir.display()
                ))
            })?
        }
    };
    let store = match &db.rules {
        Some(path) => store
            .with_rules(crate::plan_cmd::load_rules(Some(Path::new(path)))?)
            .map_err(|e| {
                Failure::usage(format!(
                    "--rules « {} » : {}",
                    Path::new(path).display(),
                    e.one_line()
                ))
            })?,
        None => store,
    };
    seal(store, db, default_dir).await
}

/// Seals the journal with the key of `--journal-key` (the data directory's by default),
/// created the first time; its anchor is written beside it.
async fn seal(store: Store, db: &DbArgs, default_dir: &str) -> Result<Store, Failure> {
    use jalon_store::seal::{JournalKey, KEY_FILE};
    let path = db
        .journal_key
        .clone()
        .unwrap_or_else(|| data_dir(db, default_dir).join(KEY_FILE));
    let (key, created) =
        JournalKey::load_or_create(&path).map_err(|e| Failure::runtime(e.to_string()))?;
    if created {
        eprintln!(
            "Clé du journal créée : « {} » (empreinte {}). Gardez-en une copie hors de ce serveur : elle prouve que le journal n'a pas été réécrit.",
            path.display(),
            key.public().fingerprint()
        );
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    store
        .with_seal(key, &dir)
        .await
        .map_err(|e| Failure::runtime(e.to_string()))
}

/// A multi-threaded runtime for the commands that talk to a database.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("démarrage impossible : {e}")))
}
