//! What an administrator records once: sites, titles (with their CCPs and épreuves) and
//! approvals (agréments) with their declared session managers.

use jalon_core::{Domain, Zone, catalog, fr};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use sqlx::AnyConnection;

use crate::error::{FieldError, Result, StoreError};
use crate::ids::{ApprovalId, CentreId, SiteId, Stamp, TitleId, UserId};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, Admin};
use crate::{Store, parse_date};

// ---- Sites ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub zone: Zone,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteInput {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub zone: Zone,
}

impl SiteInput {
    fn check(&self) -> Vec<FieldError> {
        catalog::site_problems(&self.name, &self.address, &self.postcode, &self.city)
    }
}

type SiteRow = (SiteId, String, String, String, String, String, i64);

fn site_from_row(r: SiteRow) -> Result<Site> {
    let (id, name, address, postcode, city, zone, version) = r;
    let zone = zone.parse().map_err(StoreError::Corrupt)?;
    Ok(Site {
        id,
        name,
        address,
        postcode,
        city,
        zone,
        version,
    })
}

// ---- Titles --------------------------------------------------------------------------------

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
        catalog::title_problems(&self.rncp_code, &self.name, &self.structure)
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

// ---- Approvals -----------------------------------------------------------------------------

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

const SITE_SELECT: &str =
    "SELECT id, name, address, postcode, city, zone, version FROM sites WHERE centre_id = $1";
const TITLE_SELECT: &str = "SELECT id, rncp_code, name, domain, transport, expiry, structure, version \
     FROM titles WHERE centre_id = $1";

impl Store {
    // ---- sites ----

    pub(crate) async fn site_in(
        &self,
        conn: &mut AnyConnection,
        centre: &CentreId,
        id: &SiteId,
    ) -> Result<Option<Site>> {
        let row: Option<SiteRow> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SITE_SELECT} AND id = $2")))
                .bind(centre)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        row.map(site_from_row).transpose()
    }

    pub async fn sites(&self, actor: &Actor) -> Result<Vec<Site>> {
        let rows: Vec<SiteRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SITE_SELECT} ORDER BY name, id"
        )))
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let mut sites = rows
            .into_iter()
            .map(site_from_row)
            .collect::<Result<Vec<_>>>()?;
        crate::collate::sort_by_key(&mut sites, |s| &s.name);
        Ok(sites)
    }

    pub async fn site(&self, actor: &Actor, id: &SiteId) -> Result<Site> {
        let mut conn = self.pool().acquire().await?;
        self.site_in(&mut conn, actor.centre_id(), id)
            .await?
            .ok_or(StoreError::NotFound { what: "site" })
    }

    pub async fn create_site(&self, admin: Admin<'_>, input: SiteInput) -> Result<Site> {
        StoreError::check(input.check())?;
        let site = Site {
            id: SiteId::generate(),
            name: input.name.trim().to_owned(),
            address: input.address.trim().to_owned(),
            postcode: input.postcode.trim().to_owned(),
            city: input.city.trim().to_owned(),
            zone: input.zone,
            version: 1,
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sites (id, centre_id, name, address, postcode, city, zone, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&site.id)
        .bind(admin.actor().centre_id())
        .bind(&site.name)
        .bind(&site.address)
        .bind(&site.postcode)
        .bind(&site.city)
        .bind(site.zone.as_str())
        .bind(Stamp::new(self.now()))
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            admin.actor(),
            Change {
                action: Action::SiteCreated,
                subject_type: Subject::Site,
                subject_id: site.id.as_str(),
                data: json!({"after": site}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(site)
    }

    /// Changes a site of the actor's centre (not found first, then refused to anyone but an
    /// administrator). A change of zone recomputes the dates of its sessions in the same
    /// transaction.
    pub async fn update_site(
        &self,
        actor: &Actor,
        id: &SiteId,
        version: i64,
        input: SiteInput,
    ) -> Result<Site> {
        let mut tx = self.begin().await?;
        let before = self
            .site_in(&mut tx, actor.centre_id(), id)
            .await?
            .ok_or(StoreError::NotFound { what: "site" })?;
        let admin = actor.admin()?;
        StoreError::check(input.check())?;
        let after = Site {
            id: before.id.clone(),
            name: input.name.trim().to_owned(),
            address: input.address.trim().to_owned(),
            postcode: input.postcode.trim().to_owned(),
            city: input.city.trim().to_owned(),
            zone: input.zone,
            version: version + 1,
        };
        let done = sqlx::query(
            "UPDATE sites SET name = $1, address = $2, postcode = $3, city = $4, zone = $5, version = version + 1 \
             WHERE id = $6 AND centre_id = $7 AND version = $8",
        )
        .bind(&after.name)
        .bind(&after.address)
        .bind(&after.postcode)
        .bind(&after.city)
        .bind(after.zone.as_str())
        .bind(id)
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "le site" });
        }
        journal::append(
            &mut tx,
            self,
            admin.actor(),
            Change {
                action: Action::SiteUpdated,
                subject_type: Subject::Site,
                subject_id: id.as_str(),
                data: json!({"before": before, "after": after}),
            },
        )
        .await?;
        if before.zone != after.zone {
            let why = format!(
                "zone du site « {} » : {} → {}",
                after.name,
                before.zone.label(),
                after.zone.label()
            );
            self.replan_sessions_using(&mut tx, actor, None, Some(id), &why)
                .await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    // ---- titles ----

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

    // ---- approvals ----

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
