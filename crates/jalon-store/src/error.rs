//! The store's one error type. Every variant carries what a user must read, in French.

/// One field of an input that is wrong, and why (the domain's [`jalon_core::Problem`]).
pub use jalon_core::Problem as FieldError;

/// A regulatory rule that a change would break; it can be overridden with a written
/// justification, which the journal keeps.
pub use jalon_core::checks::Finding as RuleViolation;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{what} introuvable")]
    NotFound { what: &'static str },
    #[error("action réservée : {reason}")]
    Forbidden { reason: &'static str },
    #[error("données invalides : {}", .0.iter().map(|e| format!("{} : {}", e.field, e.message)).collect::<Vec<_>>().join(" ; "))]
    Invalid(Vec<FieldError>),
    #[error("règle non respectée : {}", .0.iter().map(|v| v.message.as_str()).collect::<Vec<_>>().join(" ; "))]
    RulesBroken(Vec<RuleViolation>),
    #[error("{what} a été modifié entre-temps par quelqu'un d'autre : rechargez puis recommencez")]
    Conflict { what: &'static str },
    /// A personal link whose session is over or cancelled (`jalon_core::privacy`): the
    /// message says which, for the person who opened it.
    #[error("{0}")]
    Expired(String),
    #[error("identifiant ou mot de passe incorrect")]
    BadCredentials,
    #[error("base de données : {0}")]
    Database(sqlx::Error),
    #[error("migration de la base impossible : {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("données enregistrées illisibles : {0}")]
    Corrupt(String),
}

/// A text PostgreSQL cannot hold (a NUL character, refused with SQLSTATE 22021 or 22P05 —
/// typed in a form, an API body, a CSV line or an address) is the input's fault, said in
/// French, never a server error; SQLite would have kept it.
impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        let code = e
            .as_database_error()
            .and_then(|d| d.code().map(|c| c.into_owned()));
        match code.as_deref() {
            Some("22021" | "22P05") => StoreError::invalid(
                "texte",
                "un caractère nul (U+0000) ou invalide se trouve dans le texte saisi : retirez-le",
            ),
            _ => StoreError::Database(e),
        }
    }
}

impl From<jalon_core::session_rules::Refusal> for StoreError {
    fn from(r: jalon_core::session_rules::Refusal) -> StoreError {
        match r {
            jalon_core::session_rules::Refusal::Broken(v) => StoreError::RulesBroken(v),
            jalon_core::session_rules::Refusal::Justification(p) => StoreError::Invalid(vec![p]),
        }
    }
}

impl StoreError {
    /// Problems found in an input: `Ok` when there are none.
    pub fn check(problems: Vec<FieldError>) -> Result<()> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(problems))
        }
    }

    /// When the database refused a write for want of room or of the right to write (a full
    /// disk, a read-only file or mount), why, in French: nothing was recorded and it will
    /// work again once the cause is gone.
    pub fn unwritable(&self) -> Option<String> {
        match self {
            StoreError::Database(e) => crate::unwritable_cause(e),
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> StoreError {
        StoreError::Invalid(vec![FieldError::new(field, message)])
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
