//! Centres, users, passwords (argon2id) and login sessions stored in the database, so that
//! any instance of the server can serve any request.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use jiff::SignedDuration;
use serde::Serialize;
use serde_json::json;

use sqlx::AnyConnection;

use crate::Store;
use crate::error::{FieldError, Result, StoreError};
use crate::ids::{CentreId, Stamp, UserId};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, Admin, Role};
use jalon_core::catalog::CentreSettings;

/// How long a login lasts without being used.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(4);
/// How long a login lasts however much it is used: a working day, then sign in again
/// (ASVS 3.3.2).
pub const LOGIN_ABSOLUTE_LIFETIME: SignedDuration = SignedDuration::from_hours(12);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Centre {
    pub id: CentreId,
    pub name: String,
    pub created_at: Stamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: Stamp,
    pub version: i64,
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// What an administrator may change of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

pub use jalon_core::account::MIN_PASSWORD_LEN;

fn check_new_user(u: &NewUser) -> Vec<FieldError> {
    jalon_core::account::new_account_problems(&u.email, &u.display_name, &u.password)
}

/// Hashes on a blocking thread: argon2 takes tens of milliseconds of CPU, which must not stall
/// the async executor serving other requests.
pub(crate) async fn hash_password_blocking(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| StoreError::Corrupt(format!("hachage du mot de passe interrompu : {e}")))?
}

/// Verifies on a blocking thread, for the same reason.
async fn password_matches_blocking(password: &str, stored: &str) -> bool {
    // Password hashing is made to be costly: at most one per core but one at a time, so that
    // a flood of logins queues here instead of starving every other request of the CPU.
    static HASHING: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let hashing = HASHING.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
    });
    let Ok(_permit) = hashing.acquire().await else {
        return false;
    };
    let (password, stored) = (password.to_owned(), stored.to_owned());
    tokio::task::spawn_blocking(move || password_matches(&password, &stored))
        .await
        .unwrap_or(false)
}

fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Corrupt(format!("hachage du mot de passe impossible : {e}")))
}

fn password_matches(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fixed hash to verify against when the email is unknown, so that a login attempt takes
/// the same time whether or not the account exists.
fn dummy_hash() -> &'static str {
    use std::sync::OnceLock;
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("jalon-compte-inexistant").unwrap_or_default())
}

pub(crate) fn token_digest(token: &str) -> String {
    crate::sha256_hex(token.as_bytes())
}

pub(crate) fn user_json(u: &User) -> serde_json::Value {
    json!({"id": u.id, "email": u.email, "display_name": u.display_name, "role": u.role, "active": u.active})
}

type UserRow = (UserId, String, String, String, i64, Stamp, i64);
const USER_COLUMNS: &str = "id, email, display_name, role, active, created_at, version";

fn user_from_row(r: UserRow) -> Result<User> {
    let (id, email, display_name, role, active, created_at, version) = r;
    Ok(User {
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("rôle inconnu « {role} »")))?,
        id,
        email,
        display_name,
        active: active != 0,
        created_at,
        version,
    })
}

/// A centre's logo: a PNG or JPEG image, as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// « image/png » or « image/jpeg ».
    pub media_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl Store {
    /// How many centres the database holds (none: the first-run page is shown).
    pub async fn centre_count(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM centres")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    pub async fn centres(&self) -> Result<Vec<Centre>> {
        let rows: Vec<(CentreId, String, Stamp)> =
            sqlx::query_as("SELECT id, name, created_at FROM centres ORDER BY name, id")
                .fetch_all(self.pool())
                .await?;
        let mut centres: Vec<Centre> = rows
            .into_iter()
            .map(|(id, name, created_at)| Centre {
                id,
                name,
                created_at,
            })
            .collect();
        crate::collate::sort_by_key(&mut centres, |c| &c.name);
        Ok(centres)
    }

    pub async fn centre(&self, actor: &Actor) -> Result<Centre> {
        let (id, name, created_at): (CentreId, String, Stamp) =
            sqlx::query_as("SELECT id, name, created_at FROM centres WHERE id = $1")
                .bind(actor.centre_id())
                .fetch_optional(self.pool())
                .await?
                .ok_or(StoreError::NotFound { what: "centre" })?;
        Ok(Centre {
            id,
            name,
            created_at,
        })
    }

    /// How the actor's centre is reached, and the version read.
    pub async fn centre_settings(&self, actor: &Actor) -> Result<(CentreSettings, i64)> {
        self.centre_settings_in(&mut *self.pool().acquire().await?, actor.centre_id())
            .await
    }

    pub(crate) async fn centre_settings_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        centre: &CentreId,
    ) -> Result<(CentreSettings, i64)> {
        type Row = (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            i64,
            i64,
        );
        let r: Row = sqlx::query_as(
            "SELECT name, address, postcode, city, phone, email, reply_to, version, retention_years \
             FROM centres WHERE id = $1",
        )
        .bind(centre)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { what: "centre" })?;
        Ok((
            CentreSettings {
                name: r.0,
                address: r.1,
                postcode: r.2,
                city: r.3,
                phone: r.4,
                email: r.5,
                reply_to: r.6,
                retention_years: u32::try_from(r.8)
                    .unwrap_or(jalon_core::privacy::DEFAULT_RETENTION_YEARS),
            },
            r.7,
        ))
    }

    /// Changes how the centre is reached (administrators), with the version read.
    pub async fn update_centre_settings(
        &self,
        admin: Admin<'_>,
        version: i64,
        settings: CentreSettings,
    ) -> Result<CentreSettings> {
        let actor = admin.actor();
        StoreError::check(settings.problems())?;
        let mut tx = self.begin().await?;
        let (before, current) = self.centre_settings_in(&mut tx, actor.centre_id()).await?;
        if current != version {
            return Err(StoreError::Conflict { what: "le centre" });
        }
        let t = |s: &str| s.trim().to_owned();
        let after = CentreSettings {
            name: t(&settings.name),
            address: t(&settings.address),
            postcode: t(&settings.postcode),
            city: t(&settings.city),
            phone: t(&settings.phone),
            email: t(&settings.email),
            reply_to: t(&settings.reply_to),
            retention_years: settings.retention_years,
        };
        let done = sqlx::query(
            "UPDATE centres SET name = $1, address = $2, postcode = $3, city = $4, phone = $5, email = $6, \
             reply_to = $7, retention_years = $10, version = version + 1 WHERE id = $8 AND version = $9",
        )
        .bind(&after.name)
        .bind(&after.address)
        .bind(&after.postcode)
        .bind(&after.city)
        .bind(&after.phone)
        .bind(&after.email)
        .bind(&after.reply_to)
        .bind(actor.centre_id())
        .bind(version)
        .bind(i64::from(after.retention_years))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "le centre" });
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::CentreUpdated,
                subject_type: Subject::Centre,
                subject_id: actor.centre_id().as_str(),
                data: json!({"before": before, "after": after}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The centre's logo, for its documents' letterhead; `None` when it has given none.
    pub async fn centre_logo(&self, actor: &Actor) -> Result<Option<Logo>> {
        let row: Option<(Option<Vec<u8>>, String, String)> =
            sqlx::query_as("SELECT logo, logo_type, logo_sha256 FROM centres WHERE id = $1")
                .bind(actor.centre_id())
                .fetch_optional(self.pool())
                .await?;
        Ok(row.and_then(|(bytes, media_type, sha256)| {
            bytes.map(|bytes| Logo {
                media_type,
                sha256,
                bytes,
            })
        }))
    }

    /// Gives the centre a logo (administrators), replacing the one it had: a PNG or JPEG
    /// image, checked by its content (`upload::check_logo`). Journaled with its SHA-256.
    pub async fn set_centre_logo(&self, admin: Admin<'_>, bytes: &[u8]) -> Result<Logo> {
        let actor = admin.actor();
        let media_type = jalon_core::upload::check_logo(bytes)
            .map_err(|m| StoreError::Invalid(vec![FieldError::new("logo", m)]))?;
        let logo = Logo {
            media_type: media_type.to_owned(),
            sha256: crate::sha256_hex(bytes),
            bytes: bytes.to_vec(),
        };
        let mut tx = self.begin().await?;
        let before: (Option<String>,) = sqlx::query_as(
            "SELECT CASE WHEN logo IS NULL THEN NULL ELSE logo_sha256 END FROM centres WHERE id = $1",
        )
        .bind(actor.centre_id())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE centres SET logo = $1, logo_type = $2, logo_sha256 = $3 WHERE id = $4")
            .bind(&logo.bytes)
            .bind(&logo.media_type)
            .bind(&logo.sha256)
            .bind(actor.centre_id())
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::CentreLogoSet,
                subject_type: Subject::Centre,
                subject_id: actor.centre_id().as_str(),
                data: json!({"sha256": logo.sha256, "size": bytes.len(), "media_type": logo.media_type,
                             "replaced": before.0}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(logo)
    }

    /// Takes the centre's logo off its documents (administrators); `NotFound` when it has none.
    pub async fn remove_centre_logo(&self, admin: Admin<'_>) -> Result<()> {
        let actor = admin.actor();
        let mut tx = self.begin().await?;
        let before: (Option<String>,) = sqlx::query_as(
            "SELECT CASE WHEN logo IS NULL THEN NULL ELSE logo_sha256 END FROM centres WHERE id = $1",
        )
        .bind(actor.centre_id())
        .fetch_one(&mut *tx)
        .await?;
        let Some(sha256) = before.0 else {
            return Err(StoreError::NotFound { what: "logo" });
        };
        sqlx::query(
            "UPDATE centres SET logo = NULL, logo_type = '', logo_sha256 = '' WHERE id = $1",
        )
        .bind(actor.centre_id())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::CentreLogoRemoved,
                subject_type: Subject::Centre,
                subject_id: actor.centre_id().as_str(),
                data: json!({"sha256": sha256}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a centre and its first administrator, in one transaction.
    pub async fn create_centre(&self, centre_name: &str, admin: NewUser) -> Result<(Centre, User)> {
        self.insert_centre(centre_name, admin, false).await
    }

    /// The first-run page: creates the first centre, unless one exists, even when two
    /// people submit the page at the same moment (`Conflict` for the second).
    pub async fn create_first_centre(
        &self,
        centre_name: &str,
        admin: NewUser,
    ) -> Result<(Centre, User)> {
        self.insert_centre(centre_name, admin, true).await
    }

    async fn insert_centre(
        &self,
        centre_name: &str,
        admin: NewUser,
        only_first: bool,
    ) -> Result<(Centre, User)> {
        let mut errs = check_new_user(&NewUser {
            role: Role::Admin,
            ..admin.clone()
        });
        if centre_name.trim().is_empty() {
            errs.insert(
                0,
                FieldError::new("centre_name", "le nom du centre est obligatoire"),
            );
        }
        if let Some(p) = jalon_core::text::problem(
            "centre_name",
            centre_name,
            jalon_core::text::rule_for("name"),
        ) {
            errs.insert(0, p);
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let centre = Centre {
            id: CentreId::generate(),
            name: centre_name.trim().to_owned(),
            created_at: Stamp::new(self.now()),
        };
        let hash = hash_password_blocking(&admin.password).await?;
        let mut tx = self.begin().await?;
        if only_first {
            // SQLite's write transaction already excludes other writers; PostgreSQL needs
            // the table locked against a second first-run.
            if self.backend() == crate::Backend::Postgres {
                sqlx::query("LOCK TABLE centres IN SHARE ROW EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
            }
            let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM centres")
                .fetch_one(&mut *tx)
                .await?;
            if count > 0 {
                return Err(StoreError::Conflict {
                    what: "le premier démarrage",
                });
            }
        }
        sqlx::query("INSERT INTO centres (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&centre.id)
            .bind(&centre.name)
            .bind(centre.created_at)
            .execute(&mut *tx)
            .await?;
        let actor = Actor::command_line(centre.id.clone());
        journal::append(
            &mut tx,
            self,
            &actor,
            Change {
                action: Action::CentreCreated,
                subject_type: Subject::Centre,
                subject_id: centre.id.as_str(),
                data: json!({"after": {"name": centre.name}}),
            },
        )
        .await?;
        let user = self
            .insert_user(
                &mut tx,
                &actor,
                NewUser {
                    role: Role::Admin,
                    ..admin
                },
                hash,
            )
            .await?;
        tx.commit().await?;
        Ok((centre, user))
    }

    /// Adds a user to the administrator's centre.
    pub async fn add_user(&self, admin: Admin<'_>, new: NewUser) -> Result<User> {
        StoreError::check(check_new_user(&new))?;
        let hash = hash_password_blocking(&new.password).await?;
        let mut tx = self.begin().await?;
        let user = self.insert_user(&mut tx, admin.actor(), new, hash).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn insert_user(
        &self,
        conn: &mut sqlx::AnyConnection,
        actor: &Actor,
        new: NewUser,
        hash: String,
    ) -> Result<User> {
        self.insert_user_as(
            conn,
            actor.centre_id(),
            actor.into(),
            UserId::generate(),
            new,
            hash,
            Action::UserCreated,
        )
        .await
    }

    /// Inserts a user of `centre` and journals `action` by `author`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_user_as(
        &self,
        conn: &mut sqlx::AnyConnection,
        centre: &CentreId,
        author: journal::Author<'_>,
        id: UserId,
        new: NewUser,
        hash: String,
        action: Action,
    ) -> Result<User> {
        let email = new.email.trim().to_lowercase();
        let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_some() {
            return Err(StoreError::invalid(
                "email",
                format!("l'adresse « {email} » est déjà utilisée par un compte"),
            ));
        }
        let user = User {
            id,
            email,
            display_name: new.display_name.trim().to_owned(),
            role: new.role,
            active: true,
            created_at: Stamp::new(self.now()),
            version: 1,
        };
        sqlx::query(
            "INSERT INTO users (id, centre_id, email, display_name, role, password_hash, active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
        )
        .bind(&user.id)
        .bind(centre)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&hash)
        .bind(user.created_at)
        .execute(&mut *conn)
        .await?;
        journal::append(
            conn,
            self,
            author,
            Change {
                action,
                subject_type: Subject::User,
                subject_id: user.id.as_str(),
                data: json!({"after": user_json(&user)}),
            },
        )
        .await?;
        Ok(user)
    }

    pub async fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE centre_id = $1 ORDER BY display_name, id"
        )))
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let mut users = rows
            .into_iter()
            .map(user_from_row)
            .collect::<Result<Vec<_>>>()?;
        crate::collate::sort_by_key(&mut users, |u| &u.display_name);
        Ok(users)
    }

    /// Changes a user's name, role or activity. A deactivated user's logins end at once; the
    /// centre always keeps an active administrator.
    /// (Not found first, then refused to anyone but an administrator.)
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: &UserId,
        version: i64,
        update: UserUpdate,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let before =
            self.user_in(&mut tx, actor.centre_id(), id)
                .await?
                .ok_or(StoreError::NotFound {
                    what: "utilisateur",
                })?;
        let admin = actor.admin()?;
        if let Some(p) = jalon_core::account::display_name_problem(&update.display_name) {
            return Err(StoreError::Invalid(vec![p]));
        }
        // Lock the centre's row: two administrators demoting each other at once are
        // serialised, and the last one is kept (PostgreSQL; SQLite already serialises).
        sqlx::query("UPDATE centres SET version = version WHERE id = $1")
            .bind(actor.centre_id())
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query(
            "UPDATE users SET display_name = $1, role = $2, active = $3, version = version + 1 \
             WHERE id = $4 AND centre_id = $5 AND version = $6",
        )
        .bind(update.display_name.trim())
        .bind(update.role.as_str())
        .bind(i64::from(update.active))
        .bind(id)
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "l'utilisateur",
            });
        }
        let (admins,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM users WHERE centre_id = $1 AND role = 'admin' AND active = 1",
        )
        .bind(actor.centre_id())
        .fetch_one(&mut *tx)
        .await?;
        if admins == 0 {
            // Dropping the transaction undoes the change.
            return Err(StoreError::invalid(
                "role",
                "le centre doit garder au moins un administrateur actif",
            ));
        }
        if !update.active {
            sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let after = User {
            display_name: update.display_name.trim().to_owned(),
            role: update.role,
            active: update.active,
            version: before.version + 1,
            ..before.clone()
        };
        journal::append(
            &mut tx,
            self,
            admin.actor(),
            Change {
                action: Action::UserUpdated,
                subject_type: Subject::User,
                subject_id: id.as_str(),
                data: json!({"before": user_json(&before), "after": user_json(&after)}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub(crate) async fn user_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        id: &UserId,
    ) -> Result<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE centre_id = $1 AND id = $2"
        )))
        .bind(centre)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        row.map(user_from_row).transpose()
    }

    pub async fn user(&self, actor: &Actor, id: &UserId) -> Result<User> {
        let mut conn = self.pool().acquire().await?;
        self.user_in(&mut conn, actor.centre_id(), id)
            .await?
            .ok_or(StoreError::NotFound {
                what: "utilisateur",
            })
    }

    /// Checks a password and opens a login session; returns its secret token.
    pub async fn login(&self, email: &str, password: &str) -> Result<(String, Actor)> {
        // No address holds a NUL character: the same answer as any unknown address, in the
        // same time (PostgreSQL would refuse the query itself).
        if email.contains('\0') {
            let _ = password_matches_blocking(password, dummy_hash()).await;
            return Err(StoreError::BadCredentials);
        }
        let row: Option<(UserId, String, CentreId, String, String, i64)> = sqlx::query_as(
            "SELECT id, display_name, centre_id, role, password_hash, active FROM users WHERE email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        let Some((id, name, centre_id, role, hash, active)) = row else {
            let _ = password_matches_blocking(password, dummy_hash()).await;
            return Err(StoreError::BadCredentials);
        };
        if !password_matches_blocking(password, &hash).await || active == 0 {
            return Err(StoreError::BadCredentials);
        }
        let role = Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("rôle inconnu « {role} »")))?;
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let now = self.now();
        let expires = now.checked_add(SESSION_LIFETIME).unwrap_or(now);
        sqlx::query("INSERT INTO auth_sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_digest(&token))
            .bind(&id)
            .bind(Stamp::new(now))
            .bind(Stamp::new(expires))
            .execute(self.pool())
            .await?;
        Ok((token, Actor::user(id, name, centre_id, role)))
    }

    /// The actor behind a login token, if the token is known, unexpired and its user active.
    /// Each use extends the session.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Actor>> {
        let digest = token_digest(token);
        let row: Option<(UserId, String, CentreId, String, Stamp, Stamp)> = sqlx::query_as(
            "SELECT u.id, u.display_name, u.centre_id, u.role, s.expires_at, s.created_at FROM auth_sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = 1",
        )
        .bind(&digest)
        .fetch_optional(self.pool())
        .await?;
        let Some((id, name, centre_id, role, expires, created)) = row else {
            return Ok(None);
        };
        let now = self.now();
        let expires = expires.timestamp();
        // However busy, a login ends LOGIN_ABSOLUTE_LIFETIME after it began.
        let deadline = created
            .timestamp()
            .checked_add(LOGIN_ABSOLUTE_LIFETIME)
            .unwrap_or(now);
        if expires <= now || deadline <= now {
            self.logout(token).await?;
            return Ok(None);
        }
        let renewed = now
            .checked_add(SESSION_LIFETIME)
            .unwrap_or(now)
            .min(deadline);
        // Renew at most every few minutes: reads stay reads.
        if renewed.duration_since(expires) > SignedDuration::from_mins(5) {
            sqlx::query("UPDATE auth_sessions SET expires_at = $1 WHERE token_hash = $2")
                .bind(Stamp::new(renewed))
                .bind(&digest)
                .execute(self.pool())
                .await?;
        }
        let Some(role) = Role::parse(&role) else {
            return Ok(None);
        };
        Ok(Some(Actor::user(id, name, centre_id, role)))
    }

    /// Changes the signed-in user's own password, given the current one. Their other logins
    /// end; the one in use (`keep_token`) stays.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        keep_token: &str,
    ) -> Result<()> {
        let Some(user_id) = actor.user_id() else {
            return Err(StoreError::Forbidden {
                reason: "la ligne de commande n'a pas de mot de passe",
            });
        };
        let (hash, email): (String, String) = sqlx::query_as(
            "SELECT password_hash, email FROM users WHERE id = $1 AND centre_id = $2",
        )
        .bind(user_id)
        .bind(actor.centre_id())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound {
            what: "utilisateur",
        })?;
        let mut errs = Vec::new();
        if !password_matches_blocking(current, &hash).await {
            errs.push(FieldError::new(
                "current_password",
                "le mot de passe actuel est incorrect",
            ));
        }
        errs.extend(jalon_core::account::new_password_problem(
            current, new, &email,
        ));
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let hash = hash_password_blocking(new).await?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(token_digest(keep_token))
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::UserPasswordChanged,
                subject_type: Subject::User,
                subject_id: user_id.as_str(),
                data: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM auth_sessions WHERE token_hash = $1")
            .bind(token_digest(token))
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
