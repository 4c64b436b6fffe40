//! Jalon's persistence: SQLite by default (one file in the data directory, WAL, foreign keys
//! on), PostgreSQL when given a `postgres://` URL. One code path for both, through sqlx's Any
//! driver: portable SQL with `$n` placeholders, text ids and dates, BIGINT booleans; one
//! migration folder per backend.

pub mod actions;
pub mod attendance;
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
        let mut pool = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 10,
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

    /// Opens the SQLite database of a data directory, creating the directory if needed.
    pub async fn open_data_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::invalid(
                "data_dir",
                format!(
                    "impossible de créer le dossier de données « {} » : {e}",
                    dir.display()
                ),
            )
        })?;
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
