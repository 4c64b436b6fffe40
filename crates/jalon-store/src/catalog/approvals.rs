//! The approvals (agréments) of a centre, with their declared session managers.

use jalon_core::catalog;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use sqlx::AnyConnection;

use crate::error::{FieldError, Result, StoreError};
use crate::ids::{ApprovalId, CentreId, SiteId, Stamp, TitleId, UserId};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, Admin};
use crate::{Store, parse_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Approval {
    pub id: ApprovalId,
    pub title_id: TitleId,
    pub site_id: SiteId,
    pub number: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub valid_until: Date,
    /// Users declared as session managers in the approval.
    pub managers: Vec<UserId>,
    pub version: i64,
}

impl Approval {
    pub fn covers(&self, start: Date, end: Date) -> bool {
        self.valid_from <= start && end <= self.valid_until
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalInput {
    pub title_id: TitleId,
    pub site_id: SiteId,
    pub number: String,
    pub valid_from: Date,
    pub valid_until: Date,
    pub managers: Vec<UserId>,
}

type ApprovalRow = (ApprovalId, TitleId, SiteId, String, String, String, i64);

impl Store {
    pub(crate) async fn approvals_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        id: Option<&ApprovalId>,
    ) -> Result<Vec<Approval>> {
        let id = id.map_or("", ApprovalId::as_str);
        let rows: Vec<ApprovalRow> = sqlx::query_as(
            "SELECT id, title_id, site_id, number, valid_from, valid_until, version FROM approvals \
             WHERE centre_id = $1 AND ($2 = '' OR id = $2) ORDER BY number, id",
        )
        .bind(centre)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let managers: Vec<(ApprovalId, UserId)> = sqlx::query_as(
            "SELECT m.approval_id, m.user_id FROM approval_managers m \
             JOIN approvals a ON a.id = m.approval_id WHERE a.centre_id = $1 AND ($2 = '' OR a.id = $2) \
             ORDER BY m.user_id",
        )
        .bind(centre)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|(id, title_id, site_id, number, from, until, version)| {
                Ok(Approval {
                    managers: managers
                        .iter()
                        .filter(|(a, _)| *a == id)
                        .map(|(_, u)| u.clone())
                        .collect(),
                    valid_from: parse_date("valid_from", &from)?,
                    valid_until: parse_date("valid_until", &until)?,
                    id,
                    title_id,
                    site_id,
                    number,
                    version,
                })
            })
            .collect()
    }

    pub async fn approvals(&self, actor: &Actor) -> Result<Vec<Approval>> {
        let mut conn = self.pool().acquire().await?;
        self.approvals_in(&mut conn, actor.centre_id(), None).await
    }

    pub async fn approval(&self, actor: &Actor, id: &ApprovalId) -> Result<Approval> {
        let mut conn = self.pool().acquire().await?;
        self.approvals_in(&mut conn, actor.centre_id(), Some(id))
            .await?
            .pop()
            .ok_or(StoreError::NotFound { what: "agrément" })
    }

    pub async fn create_approval(
        &self,
        admin: Admin<'_>,
        input: ApprovalInput,
    ) -> Result<Approval> {
        self.save_approval(admin.actor(), None, input).await
    }

    /// Changes an approval of the actor's centre (not found first, then refused to anyone
    /// but an administrator).
    pub async fn update_approval(
        &self,
        actor: &Actor,
        id: &ApprovalId,
        version: i64,
        input: ApprovalInput,
    ) -> Result<Approval> {
        self.save_approval(actor, Some((id, version)), input).await
    }

    async fn save_approval(
        &self,
        actor: &Actor,
        existing: Option<(&ApprovalId, i64)>,
        input: ApprovalInput,
    ) -> Result<Approval> {
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        // Another centre's approval is not found, whatever the input.
        let before = match existing {
            Some((id, _)) => Some(
                self.approvals_in(&mut tx, centre, Some(id))
                    .await?
                    .pop()
                    .ok_or(StoreError::NotFound { what: "agrément" })?,
            ),
            None => None,
        };
        let admin = actor.admin()?;
        // The title and site must be this centre's; the approval never outlasts the title.
        let title = self.title_in(&mut tx, centre, &input.title_id).await?;
        let mut errs = catalog::approval_problems(
            &input.number,
            input.valid_from,
            input.valid_until,
            title.as_ref().map(|t| t.expiry),
        );
        if title.is_none() {
            errs.push(FieldError::new("title_id", "titre inconnu dans ce centre"));
        }
        if self
            .site_in(&mut tx, centre, &input.site_id)
            .await?
            .is_none()
        {
            errs.push(FieldError::new("site_id", "site inconnu dans ce centre"));
        }
        // Sessions held under this approval keep its title and site: changing them would
        // leave those sessions under an approval that does not cover them.
        if let Some(b) = &before
            && (b.title_id != input.title_id || b.site_id != input.site_id)
        {
            let (used,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE approval_id = $1")
                    .bind(&b.id)
                    .fetch_one(&mut *tx)
                    .await?;
            errs.extend(catalog::approval_move_problem(
                used,
                b.title_id != input.title_id,
            ));
        }
        let mut managers = input.managers.clone();
        managers.sort();
        managers.dedup();
        for m in &managers {
            if self.user_in(&mut tx, centre, m).await?.is_none() {
                errs.push(FieldError::new(
                    "managers",
                    format!("responsable inconnu dans ce centre : {m}"),
                ));
            }
        }
        StoreError::check(errs)?;
        let approval = Approval {
            id: existing.map_or_else(ApprovalId::generate, |(id, _)| id.clone()),
            title_id: input.title_id,
            site_id: input.site_id,
            number: input.number.trim().to_owned(),
            valid_from: input.valid_from,
            valid_until: input.valid_until,
            managers,
            version: existing.map_or(1, |(_, v)| v + 1),
        };
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO approvals (id, centre_id, title_id, site_id, number, valid_from, valid_until, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&approval.id)
                .bind(centre)
                .bind(&approval.title_id)
                .bind(&approval.site_id)
                .bind(&approval.number)
                .bind(approval.valid_from.to_string())
                .bind(approval.valid_until.to_string())
                .bind(Stamp::new(self.now()))
                .execute(&mut *tx)
                .await?;
            }
            Some((id, version)) => {
                let done = sqlx::query(
                    "UPDATE approvals SET title_id = $1, site_id = $2, number = $3, valid_from = $4, valid_until = $5, \
                     version = version + 1 WHERE id = $6 AND centre_id = $7 AND version = $8",
                )
                .bind(&approval.title_id)
                .bind(&approval.site_id)
                .bind(&approval.number)
                .bind(approval.valid_from.to_string())
                .bind(approval.valid_until.to_string())
                .bind(id)
                .bind(centre)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict {
                        what: "l'agrément"
                    });
                }
                sqlx::query("DELETE FROM approval_managers WHERE approval_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for m in &approval.managers {
            sqlx::query("INSERT INTO approval_managers (approval_id, user_id) VALUES ($1, $2)")
                .bind(&approval.id)
                .bind(m)
                .execute(&mut *tx)
                .await?;
        }
        journal::append(
            &mut tx,
            self,
            admin.actor(),
            Change {
                action: if before.is_some() {
                    Action::ApprovalUpdated
                } else {
                    Action::ApprovalCreated
                },
                subject_type: Subject::Approval,
                subject_id: approval.id.as_str(),
                data: json!({"before": before, "after": approval}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(approval)
    }
}
