//! The bodies the API reads, as its HTTP contract writes them (defaults, unknown fields,
//! their OpenAPI description), each converted into the store's input.

use jalon_core::{Domain, Kind, Zone};
use jalon_store::catalog::{ApprovalInput, SiteInput, TitleInput, TitleStructure};
use jalon_store::schedule::SlotInput;
use jalon_store::sessions::SessionInput;
use jalon_store::users::UserUpdate;
use jalon_store::{ApprovalId, Role, SiteId, TitleId, UserId};
use jiff::civil::Date;
use serde::Deserialize;

/// A site (plateau technique) as given.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SiteInput)]
pub struct SiteBody {
    pub name: String,
    pub address: String,
    /// Five digits.
    pub postcode: String,
    pub city: String,
    #[serde(default)]
    pub zone: Zone,
    /// Its rooms and plateaux techniques (name, plateau, equipment), booked by timetables.
    #[serde(default)]
    pub rooms: Vec<jalon_core::catalog::Room>,
}

impl From<SiteBody> for SiteInput {
    fn from(b: SiteBody) -> SiteInput {
        SiteInput {
            rooms: b.rooms,
            name: b.name,
            address: b.address,
            postcode: b.postcode,
            city: b.city,
            zone: b.zone,
        }
    }
}

/// A title as given, with its CCPs and épreuves (the entretien final once, last).
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = TitleInput)]
pub struct TitleBody {
    /// `RNCP37674` (or its digits).
    pub rncp_code: String,
    pub name: String,
    pub domain: Domain,
    #[serde(default)]
    pub transport: bool,
    #[schema(value_type = String, format = Date)]
    pub expiry: Date,
    #[serde(default)]
    pub structure: TitleStructure,
}

impl From<TitleBody> for TitleInput {
    fn from(b: TitleBody) -> TitleInput {
        TitleInput {
            rncp_code: b.rncp_code,
            name: b.name,
            domain: b.domain,
            transport: b.transport,
            expiry: b.expiry,
            structure: b.structure,
        }
    }
}

/// An approval (agrément) as given, with the users it declares as session managers.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = ApprovalInput)]
pub struct ApprovalBody {
    pub title_id: TitleId,
    pub site_id: SiteId,
    pub number: String,
    #[schema(value_type = String, format = Date)]
    pub valid_from: Date,
    #[schema(value_type = String, format = Date)]
    pub valid_until: Date,
    #[serde(default)]
    pub managers: Vec<UserId>,
}

impl From<ApprovalBody> for ApprovalInput {
    fn from(b: ApprovalBody) -> ApprovalInput {
        ApprovalInput {
            title_id: b.title_id,
            site_id: b.site_id,
            number: b.number,
            valid_from: b.valid_from,
            valid_until: b.valid_until,
            managers: b.managers,
        }
    }
}

/// A session as given (to create it, or to replace it).
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SessionInput)]
#[serde(deny_unknown_fields)]
pub struct SessionBody {
    pub title_id: TitleId,
    #[serde(default)]
    pub approval_id: Option<ApprovalId>,
    pub site_id: SiteId,
    #[serde(default)]
    pub kind: Kind,
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    /// The start when not given.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub end: Option<Date>,
    #[serde(default)]
    pub ceres_number: Option<String>,
    /// The day the session was created in CERES (today when a new number comes without it).
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub ceres_created_on: Option<Date>,
    #[serde(default)]
    pub manager_id: Option<UserId>,
    /// A written justification to go on although a rule is broken (15 characters at least),
    /// kept in the journal.
    #[serde(default)]
    pub override_justification: Option<String>,
}

impl From<SessionBody> for SessionInput {
    fn from(b: SessionBody) -> SessionInput {
        SessionInput {
            title_id: b.title_id,
            approval_id: b.approval_id,
            site_id: b.site_id,
            kind: b.kind,
            start: b.start,
            end: b.end,
            ceres_number: b.ceres_number,
            ceres_created_on: b.ceres_created_on,
            manager_id: b.manager_id,
            override_justification: b.override_justification,
        }
    }
}

/// What an administrator may change of a user.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = UserUpdate)]
#[serde(deny_unknown_fields)]
pub struct UserUpdateBody {
    pub display_name: String,
    pub role: Role,
    pub active: bool,
}

impl From<UserUpdateBody> for UserUpdate {
    fn from(b: UserUpdateBody) -> UserUpdate {
        UserUpdate {
            display_name: b.display_name,
            role: b.role,
            active: b.active,
        }
    }
}

/// The day and time of one épreuve, as typed.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = SlotInput)]
pub struct SlotBody {
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`, within the session's dates.
    pub date: String,
    /// `8:30`, `08h30` or `8 h 30`.
    pub start: String,
}

impl From<SlotBody> for SlotInput {
    fn from(b: SlotBody) -> SlotInput {
        SlotInput {
            date: b.date,
            start: b.start,
        }
    }
}
