//! The titles a centre prepares for, with their CCPs and épreuves.

use jalon_core::{Domain, catalog, fr};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use sqlx::AnyConnection;

use crate::error::{FieldError, Result, StoreError};
use crate::ids::{CentreId, Stamp, TitleId};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, Admin};
use crate::{Store, parse_date};

pub use jalon_core::catalog::{Ccp, Epreuve, EpreuveKind, TitleStructure};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Title {
    pub id: TitleId,
    pub rncp_code: String,
    pub name: String,
    pub domain: Domain,
    pub transport: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expiry: Date,
    pub structure: TitleStructure,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleInput {
    pub rncp_code: String,
    pub name: String,
    pub domain: Domain,
    pub transport: bool,
    pub expiry: Date,
    pub structure: TitleStructure,
}

impl TitleInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errs = catalog::title_problems(&self.rncp_code, &self.name, &self.structure);
        errs.extend(jalon_core::text::date_problem(
            "expiry",
            "l'échéance du titre",
            self.expiry,
        ));
        errs
    }
}

type TitleRow = (TitleId, String, String, String, i64, String, String, i64);

fn title_from_row(r: TitleRow) -> Result<Title> {
    let (id, rncp_code, name, domain, transport, expiry, structure, version) = r;
    Ok(Title {
        domain: domain.parse().map_err(StoreError::Corrupt)?,
        expiry: parse_date("expiry", &expiry)?,
        structure: serde_json::from_str(&structure)
            .map_err(|e| StoreError::Corrupt(format!("structure du titre : {e}")))?,
        id,
        rncp_code,
        name,
        transport: transport != 0,
        version,
    })
}

const TITLE_SELECT: &str = "SELECT id, rncp_code, name, domain, transport, expiry, structure, version \
     FROM titles WHERE centre_id = $1";

impl Store {
    pub(crate) async fn title_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        id: &TitleId,
    ) -> Result<Option<Title>> {
        let row: Option<TitleRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{TITLE_SELECT} AND id = $2")))
                .bind(centre)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        row.map(title_from_row).transpose()
    }

    pub async fn titles(&self, actor: &Actor) -> Result<Vec<Title>> {
        let rows: Vec<TitleRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{TITLE_SELECT} ORDER BY name, id"
        )))
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let mut titles = rows
            .into_iter()
            .map(title_from_row)
            .collect::<Result<Vec<_>>>()?;
        crate::collate::sort_by_key(&mut titles, |t| &t.name);
        Ok(titles)
    }

    pub async fn title(&self, actor: &Actor, id: &TitleId) -> Result<Title> {
        let mut conn = self.pool().acquire().await?;
        self.title_in(&mut conn, actor.centre_id(), id)
            .await?
            .ok_or(StoreError::NotFound { what: "titre" })
    }

    pub async fn create_title(&self, admin: Admin<'_>, input: TitleInput) -> Result<Title> {
        self.save_title(admin.actor(), None, input).await
    }

    /// Changes a title of the actor's centre (not found first, then refused to anyone but an
    /// administrator). A change of expiry, transport or domain recomputes the dates of its
    /// sessions in the same transaction.
    pub async fn update_title(
        &self,
        actor: &Actor,
        id: &TitleId,
        version: i64,
        input: TitleInput,
    ) -> Result<Title> {
        self.save_title(actor, Some((id, version)), input).await
    }

    async fn save_title(
        &self,
        actor: &Actor,
        existing: Option<(&TitleId, i64)>,
        input: TitleInput,
    ) -> Result<Title> {
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        let before = match existing {
            Some((id, _)) => Some(
                self.title_in(&mut tx, centre, id)
                    .await?
                    .ok_or(StoreError::NotFound { what: "titre" })?,
            ),
            None => None,
        };
        let admin = actor.admin()?;
        StoreError::check(input.check())?;
        let code = catalog::rncp_code(&input.rncp_code);
        let title = Title {
            id: existing.map_or_else(TitleId::generate, |(id, _)| id.clone()),
            rncp_code: code,
            name: input.name.trim().to_owned(),
            domain: input.domain,
            transport: input.transport,
            expiry: input.expiry,
            structure: input.structure,
            version: existing.map_or(1, |(_, v)| v + 1),
        };
        let clash: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM titles WHERE centre_id = $1 AND rncp_code = $2 AND id <> $3",
        )
        .bind(centre)
        .bind(&title.rncp_code)
        .bind(&title.id)
        .fetch_optional(&mut *tx)
        .await?;
        if clash.is_some() {
            return Err(StoreError::invalid(
                "rncp_code",
                format!("le titre {} est déjà enregistré", title.rncp_code),
            ));
        }
        let structure = serde_json::to_string(&title.structure).expect("structure serialises");
        let expiry = title.expiry.to_string();
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO titles (id, centre_id, rncp_code, name, domain, transport, expiry, structure, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&title.id)
                .bind(centre)
                .bind(&title.rncp_code)
                .bind(&title.name)
                .bind(title.domain.as_str())
                .bind(i64::from(title.transport))
                .bind(&expiry)
                .bind(&structure)
                .bind(Stamp::new(self.now()))
                .execute(&mut *tx)
                .await?;
            }
            Some((id, version)) => {
                let done = sqlx::query(
                    "UPDATE titles SET rncp_code = $1, name = $2, domain = $3, transport = $4, expiry = $5, \
                     structure = $6, version = version + 1 WHERE id = $7 AND centre_id = $8 AND version = $9",
                )
                .bind(&title.rncp_code)
                .bind(&title.name)
                .bind(title.domain.as_str())
                .bind(i64::from(title.transport))
                .bind(&expiry)
                .bind(&structure)
                .bind(id)
                .bind(centre)
                .bind(version)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict { what: "le titre" });
                }
            }
        }
        journal::append(
            &mut tx,
            self,
            admin.actor(),
            Change {
                action: if before.is_some() {
                    Action::TitleUpdated
                } else {
                    Action::TitleCreated
                },
                subject_type: Subject::Title,
                subject_id: title.id.as_str(),
                data: json!({"before": before, "after": title}),
            },
        )
        .await?;
        if let Some(b) = &before {
            let mut changed = Vec::new();
            if b.expiry != title.expiry {
                changed.push(format!(
                    "échéance {} → {}",
                    fr::short_date(b.expiry),
                    fr::short_date(title.expiry)
                ));
            }
            if b.transport != title.transport {
                changed.push(
                    if title.transport {
                        "devenu titre de transport"
                    } else {
                        "n'est plus un titre de transport"
                    }
                    .to_owned(),
                );
            }
            if b.structure.transmit != title.structure.transmit {
                let text = |d: Option<jalon_core::transmit::TransmitDelay>| {
                    d.map_or_else(
                        || "celui de la chronologie".to_owned(),
                        jalon_core::transmit::describe,
                    )
                };
                changed.push(format!(
                    "délai de transmission {} → {}",
                    text(b.structure.transmit),
                    text(title.structure.transmit)
                ));
            }
            if b.domain != title.domain {
                changed.push(format!(
                    "domaine {} → {}",
                    b.domain.label(),
                    title.domain.label()
                ));
            }
            if !changed.is_empty() {
                let why = format!("titre « {} » : {}", title.name, changed.join(", "));
                self.replan_sessions_using(&mut tx, actor, Some(&title.id), None, &why)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(title)
    }
}
