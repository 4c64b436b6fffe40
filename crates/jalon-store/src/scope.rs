//! Who acts, in which centre, with which rights — enforced by the types.
//!
//! An [`Actor`] is only made by the store (from a login or a cookie session) or by the
//! command line acting for a centre. Every read takes `&Actor` and is scoped to its centre;
//! every write takes a [`Writer`] or an [`Admin`], which can only be obtained from an actor
//! whose role allows it. Code that forgets a check does not compile.

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::ids::{CentreId, SessionId, UserId};
use crate::journal::Author;
use crate::sessions::{Session, SessionDetail};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Centre administrator: titles, approvals, sites, users, and everything a manager does.
    Admin,
    /// Session manager: sessions and their chronology.
    Manager,
    /// Inspector of the departmental service: reads everything of the centre, writes nothing.
    Inspector,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Manager, Role::Inspector];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Inspector => "inspector",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "administrateur",
            Role::Manager => "responsable de session",
            Role::Inspector => "inspecteur",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The person (or command) acting, bound to one centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    user_id: Option<UserId>,
    name: String,
    centre_id: CentreId,
    role: Role,
}

impl Actor {
    pub(crate) fn user(user_id: UserId, name: String, centre_id: CentreId, role: Role) -> Actor {
        Actor {
            user_id: Some(user_id),
            name,
            centre_id,
            role,
        }
    }

    /// The command line acting as an administrator of a centre (first user, demo, imports).
    /// The journal records it as « ligne de commande ».
    pub fn command_line(centre_id: impl Into<CentreId>) -> Actor {
        Actor {
            user_id: None,
            name: "ligne de commande".to_owned(),
            centre_id: centre_id.into(),
            role: Role::Admin,
        }
    }

    /// Someone outside the centre reading through a personal link: an inspector's rights
    /// (reads, changes nothing), under their name.
    pub(crate) fn reader(centre_id: CentreId, name: String) -> Actor {
        Actor {
            user_id: None,
            name,
            centre_id,
            role: Role::Inspector,
        }
    }

    pub fn user_id(&self) -> Option<&UserId> {
        self.user_id.as_ref()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn centre_id(&self) -> &CentreId {
        &self.centre_id
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The right to change sessions and their chronology.
    pub fn writer(&self) -> Result<Writer<'_>, StoreError> {
        match self.role {
            Role::Admin | Role::Manager => Ok(Writer(self)),
            Role::Inspector => Err(StoreError::Forbidden {
                reason: "un inspecteur consulte mais ne modifie rien",
            }),
        }
    }

    /// The right to change the centre's titles, approvals, sites and users.
    pub fn admin(&self) -> Result<Admin<'_>, StoreError> {
        match self.role {
            Role::Admin => Ok(Admin(self)),
            _ => Err(StoreError::Forbidden {
                reason: "seul un administrateur du centre peut le faire",
            }),
        }
    }
}

/// Proof that the actor may write sessions.
#[derive(Debug, Clone, Copy)]
pub struct Writer<'a>(&'a Actor);

impl<'a> Writer<'a> {
    pub fn actor(&self) -> &'a Actor {
        self.0
    }
}

/// Proof that the actor administers the centre.
#[derive(Debug, Clone, Copy)]
pub struct Admin<'a>(&'a Actor);

impl<'a> Admin<'a> {
    pub fn actor(&self) -> &'a Actor {
        self.0
    }

    pub fn writer(&self) -> Writer<'a> {
        Writer(self.0)
    }
}

impl<'a> From<&'a Actor> for Author<'a> {
    fn from(a: &'a Actor) -> Author<'a> {
        Author {
            centre_id: &a.centre_id,
            user_id: a.user_id.as_ref().map(UserId::as_str),
            name: &a.name,
        }
    }
}

/// A session of the actor's centre, with what was read of it: the proof that it exists
/// there, obtained only from [`crate::Store::open_session`] (another centre's session is
/// not found). Reads take it; writes take the [`SessionWriter`] it gives to a role that
/// may write, so that « not found » always comes before « forbidden ».
#[derive(Debug, Clone)]
pub struct SessionHandle<'a> {
    actor: &'a Actor,
    detail: SessionDetail,
}

impl<'a> SessionHandle<'a> {
    pub(crate) fn new(actor: &'a Actor, detail: SessionDetail) -> SessionHandle<'a> {
        SessionHandle { actor, detail }
    }

    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    pub fn id(&self) -> &SessionId {
        &self.detail.session.id
    }

    /// The session as it was read when the handle was given.
    pub fn detail(&self) -> &SessionDetail {
        &self.detail
    }

    pub fn session(&self) -> &Session {
        &self.detail.session
    }

    pub fn into_detail(self) -> SessionDetail {
        self.detail
    }

    /// The right to change this session: refused to an inspector.
    pub fn writer(&self) -> Result<SessionWriter<'_>, StoreError> {
        self.actor.writer()?;
        Ok(SessionWriter { handle: self })
    }
}

/// Proof that the actor may change this session of their centre.
#[derive(Debug, Clone, Copy)]
pub struct SessionWriter<'a> {
    handle: &'a SessionHandle<'a>,
}

impl<'a> SessionWriter<'a> {
    pub fn actor(&self) -> &'a Actor {
        self.handle.actor
    }

    pub fn id(&self) -> &'a SessionId {
        self.handle.id()
    }

    pub fn handle(&self) -> &'a SessionHandle<'a> {
        self.handle
    }
}
