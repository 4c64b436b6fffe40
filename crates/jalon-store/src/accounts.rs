//! Personal links that do one job on an account: an invitation, by which the invited person
//! chooses their password (and so creates their account), and a password reset asked from the
//! login page. Only the SHA-256 of a link's secret is stored; a link serves once and expires.
//!
//! Neither reveals whether an address has an account elsewhere: an invitation to an address
//! that already has one is recorded and answered like any other (the web layer mails that
//! address a notice instead of the link), and a reset asked for an unknown address is answered
//! like one asked for a known address.

use jiff::SignedDuration;
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::error::{FieldError, Result, StoreError};
use crate::ids::{CentreId, Stamp, UserId};
use crate::journal::{self, Action, Author, Change, Subject};
use crate::scope::{Actor, Admin, Role};
use crate::users::{NewUser, User, hash_password_blocking, token_digest};

/// How long an invitation can be used.
pub const INVITATION_LIFETIME: SignedDuration = SignedDuration::from_hours(7 * 24);
/// How long a password reset link can be used.
pub const RESET_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

/// An invitation waiting to be accepted, as the administrators of its centre see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Who invited, as the journal names them.
    pub invited_by: String,
    pub created_at: Stamp,
    pub expires_at: Stamp,
}

/// A person to invite.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// What to mail after an invitation was recorded.
#[derive(Debug, Clone)]
pub struct Invited {
    pub invitation: Invitation,
    /// The link's secret, to put in the link; never stored.
    pub token: String,
    /// The address already has an account (in another centre): mail a notice, not the link.
    /// The administrator must not be told.
    pub has_account: bool,
    /// The centre that invites, for the mail.
    pub centre: String,
}

/// What a personal account link shows before it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLink {
    pub email: String,
    pub display_name: String,
    pub centre: String,
    pub expires_at: Stamp,
}

/// What to mail when a reset was asked for an address that has an active account.
#[derive(Debug, Clone)]
pub struct ResetRequested {
    pub email: String,
    pub display_name: String,
    pub token: String,
}

fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn link_used_up() -> StoreError {
    StoreError::invalid(
        "token",
        "ce lien n'est plus valable : il a déjà servi, a expiré ou a été annulé. \
         Demandez-en un nouveau.",
    )
}

type InvitationRow = (String, String, String, String, String, Stamp, Stamp);

fn invitation_from_row(r: InvitationRow) -> Result<Invitation> {
    let (id, email, display_name, role, invited_by, created_at, expires_at) = r;
    Ok(Invitation {
        role: Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("rôle inconnu « {role} »")))?,
        id,
        email,
        display_name,
        invited_by,
        created_at,
        expires_at,
    })
}

impl Store {
    /// Invites a person to the administrator's centre. The answer is the same whether or not
    /// the address has an account in another centre (see [`Invited::has_account`]); an
    /// address that already has an account in this centre is refused, as the administrator
    /// sees the centre's users anyway. A pending invitation of the same address to the same
    /// centre is replaced.
    pub async fn invite_user(&self, admin: Admin<'_>, new: NewInvitation) -> Result<Invited> {
        let actor = admin.actor();
        StoreError::check(jalon_core::account::invitation_problems(
            &new.email,
            &new.display_name,
        ))?;
        let email = new.email.trim().to_lowercase();
        let mut tx = self.begin().await?;
        let existing: Option<(CentreId,)> =
            sqlx::query_as("SELECT centre_id FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
        if existing.as_ref().is_some_and(|(c,)| c == actor.centre_id()) {
            return Err(StoreError::invalid(
                "email",
                format!(
                    "« {email} » a déjà un compte dans votre centre (voir la liste des utilisateurs)"
                ),
            ));
        }
        let now = self.now();
        sqlx::query(
            "UPDATE account_links SET cancelled_at = $1 WHERE kind = 'invitation' AND centre_id = $2 \
             AND email = $3 AND used_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(Stamp::new(now))
        .bind(actor.centre_id())
        .bind(&email)
        .execute(&mut *tx)
        .await?;
        let token = new_token();
        let invitation = Invitation {
            id: uuid::Uuid::now_v7().to_string(),
            email,
            display_name: new.display_name.trim().to_owned(),
            role: new.role,
            invited_by: actor.name().to_owned(),
            created_at: Stamp::new(now),
            expires_at: Stamp::new(now.checked_add(INVITATION_LIFETIME).unwrap_or(now)),
        };
        sqlx::query(
            "INSERT INTO account_links (id, kind, token_hash, centre_id, email, display_name, role, \
             invited_by, created_at, expires_at) VALUES ($1, 'invitation', $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&invitation.id)
        .bind(token_digest(&token))
        .bind(actor.centre_id())
        .bind(&invitation.email)
        .bind(&invitation.display_name)
        .bind(invitation.role.as_str())
        .bind(&invitation.invited_by)
        .bind(invitation.created_at)
        .bind(invitation.expires_at)
        .execute(&mut *tx)
        .await?;
        // The same entry whether or not the address has an account elsewhere.
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::UserInvited,
                subject_type: Subject::Invitation,
                subject_id: &invitation.id,
                data: json!({"after": {"email": invitation.email, "display_name": invitation.display_name,
                             "role": invitation.role, "expires_at": invitation.expires_at}}),
            },
        )
        .await?;
        let (centre,): (String,) = sqlx::query_as("SELECT name FROM centres WHERE id = $1")
            .bind(actor.centre_id())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Invited {
            invitation,
            token,
            has_account: existing.is_some(),
            centre,
        })
    }

    /// The centre's invitations not yet accepted, cancelled nor expired, newest first.
    pub async fn invitations(&self, actor: &Actor) -> Result<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = sqlx::query_as(
            "SELECT id, email, display_name, role, invited_by, created_at, expires_at FROM account_links \
             WHERE kind = 'invitation' AND centre_id = $1 AND used_at IS NULL AND cancelled_at IS NULL \
             AND expires_at > $2 ORDER BY created_at DESC, id",
        )
        .bind(actor.centre_id())
        .bind(Stamp::new(self.now()))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(invitation_from_row).collect()
    }

    /// Cancels a pending invitation of the administrator's centre: its link no longer works.
    pub async fn cancel_invitation(&self, admin: Admin<'_>, id: &str) -> Result<()> {
        let actor = admin.actor();
        let mut tx = self.begin().await?;
        let row: Option<InvitationRow> = sqlx::query_as(
            "SELECT id, email, display_name, role, invited_by, created_at, expires_at FROM account_links \
             WHERE kind = 'invitation' AND centre_id = $1 AND id = $2 AND used_at IS NULL \
             AND cancelled_at IS NULL",
        )
        .bind(actor.centre_id())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let inv = invitation_from_row(row.ok_or(StoreError::NotFound { what: "invitation" })?)?;
        sqlx::query("UPDATE account_links SET cancelled_at = $1 WHERE id = $2")
            .bind(Stamp::new(self.now()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::InvitationCancelled,
                subject_type: Subject::Invitation,
                subject_id: id,
                data: json!({"before": {"email": inv.email, "display_name": inv.display_name, "role": inv.role}}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends a pending invitation again, even an expired one: a new link, valid for a new
    /// period; the old link stops working. The invitation keeps its id.
    pub async fn resend_invitation(&self, admin: Admin<'_>, id: &str) -> Result<Invited> {
        let actor = admin.actor();
        let mut tx = self.begin().await?;
        let row: Option<InvitationRow> = sqlx::query_as(
            "SELECT id, email, display_name, role, invited_by, created_at, expires_at FROM account_links \
             WHERE kind = 'invitation' AND centre_id = $1 AND id = $2 AND used_at IS NULL \
             AND cancelled_at IS NULL",
        )
        .bind(actor.centre_id())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let mut invitation =
            invitation_from_row(row.ok_or(StoreError::NotFound { what: "invitation" })?)?;
        let now = self.now();
        invitation.expires_at = Stamp::new(now.checked_add(INVITATION_LIFETIME).unwrap_or(now));
        let token = new_token();
        sqlx::query("UPDATE account_links SET token_hash = $1, expires_at = $2 WHERE id = $3")
            .bind(token_digest(&token))
            .bind(invitation.expires_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let existing: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
            .bind(&invitation.email)
            .fetch_optional(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::InvitationResent,
                subject_type: Subject::Invitation,
                subject_id: id,
                data: json!({"after": {"email": invitation.email, "expires_at": invitation.expires_at}}),
            },
        )
        .await?;
        let (centre,): (String,) = sqlx::query_as("SELECT name FROM centres WHERE id = $1")
            .bind(actor.centre_id())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Invited {
            invitation,
            token,
            has_account: existing.is_some(),
            centre,
        })
    }

    async fn live_link(&self, kind: &str, token: &str) -> Result<Option<(AccountLink, String)>> {
        let row: Option<(String, String, String, Stamp, String)> = sqlx::query_as(
            "SELECT l.email, l.display_name, c.name, l.expires_at, l.id FROM account_links l \
             JOIN centres c ON c.id = l.centre_id WHERE l.token_hash = $1 AND l.kind = $2 \
             AND l.used_at IS NULL AND l.cancelled_at IS NULL AND l.expires_at > $3",
        )
        .bind(token_digest(token))
        .bind(kind)
        .bind(Stamp::new(self.now()))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(email, display_name, centre, expires_at, id)| {
            (
                AccountLink {
                    email,
                    display_name,
                    centre,
                    expires_at,
                },
                id,
            )
        }))
    }

    /// The invitation behind a link, if it can still be used.
    pub async fn invitation_link(&self, token: &str) -> Result<Option<AccountLink>> {
        Ok(self.live_link("invitation", token).await?.map(|l| l.0))
    }

    /// The reset behind a link, if it can still be used.
    pub async fn reset_link(&self, token: &str) -> Result<Option<AccountLink>> {
        Ok(self.live_link("reset", token).await?.map(|l| l.0))
    }

    /// Uses an invitation: creates the account with the chosen password. Once only.
    pub async fn accept_invitation(&self, token: &str, password: &str) -> Result<User> {
        let Some((link, id)) = self.live_link("invitation", token).await? else {
            return Err(link_used_up());
        };
        StoreError::check(
            jalon_core::account::password_problem("password", password, &link.email)
                .into_iter()
                .collect(),
        )?;
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.begin().await?;
        // Taken once: a second use of the same link finds it used.
        let taken = sqlx::query(
            "UPDATE account_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL \
             AND cancelled_at IS NULL AND expires_at > $1",
        )
        .bind(Stamp::new(self.now()))
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Err(link_used_up());
        }
        let (centre_id, role): (CentreId, String) =
            sqlx::query_as("SELECT centre_id, role FROM account_links WHERE id = $1")
                .bind(&id)
                .fetch_one(&mut *tx)
                .await?;
        let role = Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("rôle inconnu « {role} »")))?;
        let user_id = UserId::generate();
        let author = Author {
            centre_id: &centre_id,
            user_id: Some(user_id.as_str()),
            name: &link.display_name,
        };
        let user = self
            .insert_user_as(
                &mut tx,
                &centre_id,
                author,
                user_id.clone(),
                NewUser {
                    email: link.email.clone(),
                    display_name: link.display_name.clone(),
                    role,
                    password: String::new(),
                },
                hash,
                Action::InvitationAccepted,
            )
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Asks for a password reset: when `email` is the address of an active account, records
    /// a one-hour link and gives what to mail; otherwise `None`, which the caller answers
    /// exactly like the other case. Earlier reset links of the account stop working.
    pub async fn request_password_reset(&self, email: &str) -> Result<Option<ResetRequested>> {
        let email = email.trim().to_lowercase();
        if email.contains('\0') || !jalon_core::account::valid_email(&email) {
            return Ok(None);
        }
        let mut tx = self.begin().await?;
        let row: Option<(UserId, CentreId, String, String)> = sqlx::query_as(
            "SELECT id, centre_id, display_name, role FROM users WHERE email = $1 AND active = 1",
        )
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, centre_id, display_name, role)) = row else {
            return Ok(None);
        };
        let now = self.now();
        sqlx::query(
            "UPDATE account_links SET cancelled_at = $1 WHERE kind = 'reset' AND user_id = $2 \
             AND used_at IS NULL AND cancelled_at IS NULL",
        )
        .bind(Stamp::new(now))
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
        let token = new_token();
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO account_links (id, kind, token_hash, centre_id, user_id, email, display_name, \
             role, created_at, expires_at) VALUES ($1, 'reset', $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(token_digest(&token))
        .bind(&centre_id)
        .bind(&user_id)
        .bind(&email)
        .bind(&display_name)
        .bind(&role)
        .bind(Stamp::new(now))
        .bind(Stamp::new(now.checked_add(RESET_LIFETIME).unwrap_or(now)))
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            Author {
                centre_id: &centre_id,
                user_id: Some(user_id.as_str()),
                name: &display_name,
            },
            Change {
                action: Action::PasswordResetRequested,
                subject_type: Subject::User,
                subject_id: user_id.as_str(),
                data: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(ResetRequested {
            email,
            display_name,
            token,
        }))
    }

    /// Uses a reset link: sets the new password and ends every login of the account. Once
    /// only, within the hour.
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<()> {
        let Some((link, id)) = self.live_link("reset", token).await? else {
            return Err(link_used_up());
        };
        StoreError::check(
            jalon_core::account::password_problem("password", password, &link.email)
                .into_iter()
                .collect::<Vec<FieldError>>(),
        )?;
        let hash = hash_password_blocking(password).await?;
        let mut tx = self.begin().await?;
        let now = Stamp::new(self.now());
        let taken = sqlx::query(
            "UPDATE account_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL \
             AND cancelled_at IS NULL AND expires_at > $1",
        )
        .bind(now)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Err(link_used_up());
        }
        let (user_id, centre_id, name): (UserId, CentreId, String) = sqlx::query_as(
            "SELECT u.id, u.centre_id, u.display_name FROM account_links l JOIN users u \
             ON u.id = l.user_id WHERE l.id = $1 AND u.active = 1",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(link_used_up)?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&hash)
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
            .bind(&user_id)
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            Author {
                centre_id: &centre_id,
                user_id: Some(user_id.as_str()),
                name: &name,
            },
            Change {
                action: Action::PasswordReset,
                subject_type: Subject::User,
                subject_id: user_id.as_str(),
                data: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a centre in an existing instance (command line), without any user yet: its
    /// first administrator is added next (`jalon user add --centre …`). Names are unique,
    /// whatever their case.
    pub async fn add_centre(&self, name: &str) -> Result<crate::users::Centre> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid(
                "centre_name",
                "le nom du centre est obligatoire",
            ));
        }
        if let Some(p) =
            jalon_core::text::problem("centre_name", name, jalon_core::text::rule_for("name"))
        {
            return Err(StoreError::Invalid(vec![p]));
        }
        let mut tx = self.begin().await?;
        if self.backend() == crate::Backend::Postgres {
            sqlx::query("LOCK TABLE centres IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let names: Vec<(String,)> = sqlx::query_as("SELECT name FROM centres")
            .fetch_all(&mut *tx)
            .await?;
        // Two centres whose names read alike (case, accents, look-alike letters) are one.
        let folded = jalon_core::text::skeleton(name);
        if names
            .iter()
            .any(|(n,)| jalon_core::text::skeleton(n) == folded)
        {
            return Err(StoreError::invalid(
                "centre_name",
                format!("un centre s'appelle déjà « {name} »"),
            ));
        }
        let centre = crate::users::Centre {
            id: CentreId::generate(),
            name: name.to_owned(),
            created_at: Stamp::new(self.now()),
        };
        sqlx::query("INSERT INTO centres (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&centre.id)
            .bind(&centre.name)
            .bind(centre.created_at)
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            &Actor::command_line(centre.id.clone()),
            Change {
                action: Action::CentreCreated,
                subject_type: Subject::Centre,
                subject_id: centre.id.as_str(),
                data: json!({"after": {"name": centre.name}}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(centre)
    }
}
