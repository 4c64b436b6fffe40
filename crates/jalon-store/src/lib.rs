//! Jalon's persistence: SQLite by default (one file in the data directory, WAL, foreign keys
//! on), PostgreSQL when given a `postgres://` URL. One code path for both, through sqlx's Any
//! driver: portable SQL with `$n` placeholders, text ids and dates, BIGINT booleans; one
//! migration folder per backend.

pub mod accounts;
pub mod actions;
pub mod attendance;
pub mod backup;
pub mod candidates;
pub mod catalog;
pub mod closing;
pub mod collate;
pub mod conformity;
pub mod convocations;
pub mod custody;
pub mod error;
pub mod ids;
pub mod journal;
pub mod juror_link;
pub mod jurors;
pub mod jury;
pub mod launch;
pub mod minutes;
pub mod privacy;
pub mod represent;
pub mod results;
pub mod schedule;
pub mod scope;
pub mod seal;
pub mod sessions;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use jalon_core::Rulebook;

use jiff::Timestamp;
use jiff::civil::Date;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Transaction};

pub use error::{FieldError, Result, RuleViolation, StoreError};
pub use ids::{
    ApprovalId, CandidateId, CentreId, FileId, IncidentId, JurorId, PacketId, PieceId, SessionId,
    SiteId, Stamp, TitleId, UserId,
};
pub use scope::{Actor, Admin, Role, SessionHandle, SessionWriter, Writer};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where "now" comes from: the system clock, or a fixed instant (tests, demo).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(Timestamp),
}

#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    clock: Clock,
    rules: Arc<Rulebook>,
    /// The key that signs the journal and the anchor of its heads, when sealed.
    seal: Option<Arc<seal::Seal>>,
}

/// The SQLite file inside a data directory.
pub const DATABASE_FILE: &str = "jalon.db";

impl Store {
    /// Opens (creating if needed) the database at `url` and applies the migrations.
    ///
    /// `sqlite://PATH` or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::invalid(
                "database_url",
                format!(
                    "adresse de base inconnue « {url} » (attendu : sqlite://… ou postgres://…)"
                ),
            ));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let mut pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            // A database that cannot be reached says so within seconds, not half a minute.
            .acquire_timeout(std::time::Duration::from_secs(10))
            // A transaction dropped unfinished (an error, a full disk) queues its rollback;
            // run it now, and if it failed, close the connection rather than lend it again
            // inside a transaction that every later `BEGIN` would trip on.
            .after_release(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Connection;
                    if conn.is_in_transaction() {
                        conn.ping().await?;
                        if conn.is_in_transaction() {
                            tracing::warn!(
                                "connexion fermée : sa transaction n'a pas pu être annulée"
                            );
                            return Ok(false);
                        }
                    }
                    Ok(true)
                })
            })
            .before_acquire(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Connection;
                    Ok(!conn.is_in_transaction())
                })
            });
        if backend == Backend::Sqlite {
            pool = pool.after_connect(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute(
                        "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; \
                         PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = pool.connect_with(options).await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Store {
            pool,
            backend,
            clock: Clock::System,
            rules: Arc::new(Rulebook::embedded()),
            seal: None,
        })
    }

    /// Opens the SQLite database of a data directory, creating the directory if needed;
    /// refused at once, in French, when the directory does not take writes (see
    /// [`check_data_dir`]).
    pub async fn open_data_dir(dir: &Path) -> Result<Store> {
        check_data_dir(dir).map_err(|why| StoreError::invalid("data_dir", why))?;
        let store = Store::open(&format!("sqlite://{}", dir.join(DATABASE_FILE).display())).await?;
        // Personal data: the directory and the database are the owner's alone (a directory
        // that belongs to someone else keeps its permissions; its owner decides).
        let _ = private(dir, 0o700);
        for suffix in ["", "-wal", "-shm"] {
            let _ = private(&dir.join(format!("{DATABASE_FILE}{suffix}")), 0o600);
        }
        Ok(store)
    }

    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// Uses another rulebook (`--rules FILE`); it must keep every milestone the code relies
    /// on.
    pub fn with_rules(mut self, rules: Rulebook) -> Result<Store, jalon_core::RulebookError> {
        rules.check_relied_on()?;
        self.rules = Arc::new(rules);
        Ok(self)
    }

    pub fn rules(&self) -> &Rulebook {
        &self.rules
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        // The anchor catches up with the last writes before the pool closes.
        if let Err(e) = self.anchor_now().await {
            tracing::error!(error = %e, "ancre du journal non mise à jour");
        }
        self.pool.close().await;
    }

    pub fn now(&self) -> Timestamp {
        match self.clock {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => t,
        }
    }

    /// Today in Paris, where the sessions happen.
    pub fn today(&self) -> Date {
        self.now()
            .in_tz("Europe/Paris")
            .map(|z| z.date())
            .unwrap_or_else(|_| self.now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date())
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// that two writers never deadlock on a lock upgrade.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Is the database reachable?
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether a write reaches the disk: one row of `meta` written and committed (a full
    /// disk shows only at the commit), or why not, in French.
    pub async fn check_writes(&self) -> std::result::Result<(), String> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('write_check', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(self.now().to_string())
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(|e| unwritable(&e))
    }
}

/// Why the database refused a write, in French.
fn unwritable(e: &sqlx::Error) -> String {
    unwritable_cause(e).unwrap_or_else(|| {
        if matches!(e, sqlx::Error::PoolTimedOut) {
            "la base est injoignable".to_owned()
        } else {
            format!("écriture refusée par la base ({e})")
        }
    })
}

/// A write refused for want of room or of the right to write, in French; `None` for
/// another error.
pub(crate) fn unwritable_cause(e: &sqlx::Error) -> Option<String> {
    let lower = e.to_string().to_lowercase();
    if lower.contains("disk is full") || lower.contains("no space left") {
        Some("le disque est plein : libérez de la place".to_owned())
    } else if lower.contains("readonly database")
        || lower.contains("read-only")
        || lower.contains("disk i/o error")
        || lower.contains("unable to open database file")
    {
        Some(
            "la base ne peut plus écrire sur son disque (lecture seule ou disque indisponible)"
                .to_owned(),
        )
    } else {
        None
    }
}

/// Whether a data directory takes writes: created if missing, then a small file written,
/// synced and removed. Refused at once, in French (a full disk, a directory that belongs to
/// someone else, a read-only mount), rather than after the database pool's timeout.
pub fn check_data_dir(dir: &Path) -> std::result::Result<(), String> {
    use std::io::{ErrorKind, Write};
    let why = |e: std::io::Error| {
        let reason = match e.kind() {
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
                "le disque est plein : libérez de la place puis relancez".to_owned()
            }
            ErrorKind::PermissionDenied => {
                "accès refusé : donnez à Jalon un dossier où il peut écrire".to_owned()
            }
            ErrorKind::ReadOnlyFilesystem => {
                "le disque est monté en lecture seule : donnez à Jalon un dossier où il peut écrire"
                    .to_owned()
            }
            ErrorKind::NotADirectory | ErrorKind::AlreadyExists => {
                "ce chemin n'est pas un dossier".to_owned()
            }
            _ => e.to_string(),
        };
        format!(
            "Jalon ne peut pas écrire dans le dossier de données « {} » : {reason}",
            dir.display()
        )
    };
    std::fs::create_dir_all(dir).map_err(why)?;
    let probe = dir.join(".jalon-essai-ecriture");
    let written = std::fs::File::create(&probe).and_then(|mut f| {
        // Room for a few pages of the database and its journal, at least.
        f.write_all(&[0u8; 256 * 1024])?;
        f.sync_all()
    });
    let _ = std::fs::remove_file(&probe);
    written.map_err(why)?;
    let db = dir.join(DATABASE_FILE);
    if db.exists() {
        std::fs::OpenOptions::new()
            .append(true)
            .open(&db)
            .map_err(why)?;
    }
    Ok(())
}

/// Makes a file or directory, when it exists, readable by its owner alone (`mode`, on Unix).
pub fn private(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    if path.exists() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

pub(crate) fn parse_date(field: &str, text: &str) -> Result<Date> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("{field} : « {text} » n'est pas une date")))
}

pub(crate) fn parse_opt_date(field: &str, text: Option<String>) -> Result<Option<Date>> {
    text.map(|t| parse_date(field, &t)).transpose()
}

impl Store {
    /// Is this a demonstration database (filled by `jalon demo`)?
    pub async fn is_demo(&self) -> Result<bool> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM meta WHERE key = 'demo'")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some_and(|(v,)| v == "1"))
    }

    /// Marks the database as a demonstration (only on an empty database).
    pub async fn mark_demo(&self) -> Result<()> {
        if self.centre_count().await? > 0 {
            return Err(StoreError::invalid(
                "database",
                "cette base contient déjà des données : elle ne peut pas devenir une démonstration",
            ));
        }
        sqlx::query("INSERT INTO meta (key, value) VALUES ('demo', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The SHA-256 of some bytes, in hexadecimal: tokens are stored as it, files are journaled
/// with it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
