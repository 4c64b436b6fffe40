//! The sites (plateaux techniques) where a centre holds its sessions.

use jalon_core::catalog::Room;
use jalon_core::{Zone, catalog};
use serde::Serialize;
use serde_json::json;

use sqlx::AnyConnection;

use crate::Store;
use crate::error::{FieldError, Result, StoreError};
use crate::ids::{CentreId, SiteId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, Admin};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub zone: Zone,
    /// Its rooms and plateaux techniques, which the timetables book.
    pub rooms: Vec<Room>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteInput {
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub zone: Zone,
    pub rooms: Vec<Room>,
}

impl SiteInput {
    fn check(&self) -> Vec<FieldError> {
        let mut errs =
            catalog::site_problems(&self.name, &self.address, &self.postcode, &self.city);
        errs.extend(catalog::rooms_problems(&self.rooms));
        errs
    }

    /// The rooms as kept: names and equipment trimmed, empty equipment lines dropped.
    fn rooms(&self) -> Vec<Room> {
        self.rooms
            .iter()
            .map(|r| Room {
                name: r.name.trim().to_owned(),
                plateau: r.plateau,
                equipment: r
                    .equipment
                    .iter()
                    .map(|e| e.trim().to_owned())
                    .filter(|e| !e.is_empty())
                    .collect(),
            })
            .collect()
    }
}

type SiteRow = (SiteId, String, String, String, String, String, String, i64);

fn site_from_row(r: SiteRow) -> Result<Site> {
    let (id, name, address, postcode, city, zone, rooms, version) = r;
    let zone = zone.parse().map_err(StoreError::Corrupt)?;
    let rooms = serde_json::from_str(&rooms)
        .map_err(|e| StoreError::Corrupt(format!("salles du site : {e}")))?;
    Ok(Site {
        id,
        name,
        address,
        postcode,
        city,
        zone,
        rooms,
        version,
    })
}

fn rooms_json(rooms: &[Room]) -> Result<String> {
    serde_json::to_string(rooms).map_err(|e| StoreError::Corrupt(format!("salles du site : {e}")))
}

const SITE_SELECT: &str = "SELECT id, name, address, postcode, city, zone, rooms, version FROM sites WHERE centre_id = $1";

impl Store {
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
            rooms: input.rooms(),
            version: 1,
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sites (id, centre_id, name, address, postcode, city, zone, created_at, rooms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&site.id)
        .bind(admin.actor().centre_id())
        .bind(&site.name)
        .bind(&site.address)
        .bind(&site.postcode)
        .bind(&site.city)
        .bind(site.zone.as_str())
        .bind(Stamp::new(self.now()))
        .bind(rooms_json(&site.rooms)?)
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
            rooms: input.rooms(),
            version: version + 1,
        };
        let done = sqlx::query(
            "UPDATE sites SET name = $1, address = $2, postcode = $3, city = $4, zone = $5, rooms = $6, \
             version = version + 1 WHERE id = $7 AND centre_id = $8 AND version = $9",
        )
        .bind(&after.name)
        .bind(&after.address)
        .bind(&after.postcode)
        .bind(&after.city)
        .bind(after.zone.as_str())
        .bind(rooms_json(&after.rooms)?)
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
}
