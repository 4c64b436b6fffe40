//! Who acts, in which centre, with which rights — enforced by the types.
//!
//! An [`Actor`] is only made by the store (from a login or a cookie session) or by the
//! command line acting for a centre. Every read takes `&Actor` and is scoped to its centre;
//! every write takes a [`Writer`] or an [`Admin`], which can only be obtained from an actor
//! whose role allows it. Code that forgets a check does not compile.

use serde::{Deserialize, Serialize};

use crate::error::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    user_id: Option<String>,
    name: String,
    centre_id: String,
    role: Role,
}

impl Actor {
    pub(crate) fn user(user_id: String, name: String, centre_id: String, role: Role) -> Actor {
        Actor {
            user_id: Some(user_id),
            name,
            centre_id,
            role,
        }
    }

    /// A candidate acting through their personal link (acknowledging a convocation): can
    /// write nothing else, and the journal names them.
    pub(crate) fn candidate_link(name: String, centre_id: String) -> Actor {
        Actor {
            user_id: None,
            name,
            centre_id,
            role: Role::Inspector,
        }
    }

    /// The command line acting as an administrator of a centre (first user, demo, imports).
    /// The journal records it as « ligne de commande ».
    pub fn command_line(centre_id: impl Into<String>) -> Actor {
        Actor {
            user_id: None,
            name: "ligne de commande".to_owned(),
            centre_id: centre_id.into(),
            role: Role::Admin,
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn centre_id(&self) -> &str {
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

/// The things of a centre that routes address by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Site,
    Title,
    Approval,
    Session,
    User,
}

impl Resource {
    pub(crate) fn query(self) -> (&'static str, &'static str) {
        match self {
            Resource::Site => (
                "SELECT 1 FROM sites WHERE centre_id = $1 AND id = $2",
                "site",
            ),
            Resource::Title => (
                "SELECT 1 FROM titles WHERE centre_id = $1 AND id = $2",
                "titre",
            ),
            Resource::Approval => (
                "SELECT 1 FROM approvals WHERE centre_id = $1 AND id = $2",
                "agrément",
            ),
            Resource::Session => (
                "SELECT 1 FROM sessions WHERE centre_id = $1 AND id = $2",
                "session",
            ),
            Resource::User => (
                "SELECT 1 FROM users WHERE centre_id = $1 AND id = $2",
                "utilisateur",
            ),
        }
    }
}
