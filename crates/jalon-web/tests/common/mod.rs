//! What the server's test files share: a store on a fixed day, users, and a centre's
//! catalogue (a site, a title, an approval covering both).

// Each test file uses its own part of these helpers.
#![allow(dead_code)]

pub mod browser;

use jalon_core::{Domain, Zone};
use jalon_store::catalog::{
    Approval, ApprovalInput, Epreuve, Site, SiteInput, Title, TitleInput, TitleStructure,
};
use jalon_store::users::NewUser;
use jalon_store::{Admin, Clock, Role, Store};
use jiff::civil::date;

pub const PASSWORD: &str = "correct horse battery";

/// A store in a temporary directory, on Saturday 28 November 2026 at 9 h (UTC).
pub async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_data_dir(dir.path())
        .await
        .unwrap()
        .with_clock(Clock::Fixed("2026-11-28T09:00:00Z".parse().unwrap()));
    (store, dir)
}

/// A second server on the same database, its clock at 9 h in Paris on `day` (the day of a
/// session, for what can only be recorded then); returns its base URL. Logins and cookies
/// are shared: they live in the database.
pub async fn server_on_day(store: &Store, day: jiff::civil::Date) -> String {
    let at = day
        .at(9, 0, 0, 0)
        .in_tz("Europe/Paris")
        .unwrap()
        .timestamp();
    let store = store.clone().with_clock(Clock::Fixed(at));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(jalon_web::serve(
        listener,
        jalon_web::AppState::new(store, false),
        std::future::pending(),
    ));
    base
}

pub fn user(email: &str, name: &str, role: Role) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: name.into(),
        role,
        password: PASSWORD.into(),
    }
}

/// What a centre's catalogue is made of; `Default` gives a web developer title without
/// épreuves, on a site in Lyon.
pub struct Spec<'a> {
    pub site: &'a str,
    pub title: &'a str,
    pub domain: Domain,
    pub approval: &'a str,
    pub epreuves: Vec<Epreuve>,
    /// Users declared as session managers in the approval.
    pub managers: Vec<jalon_store::UserId>,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            site: "Site",
            title: "Développeur web et web mobile",
            domain: Domain::Tertiary,
            approval: "AGR-1",
            epreuves: Vec::new(),
            managers: Vec::new(),
        }
    }
}

pub struct Catalog {
    pub site: Site,
    pub title: Title,
    pub approval: Approval,
}

/// A site, a title and an approval of the administrator's centre.
pub async fn catalog(store: &Store, admin: Admin<'_>, spec: Spec<'_>) -> Catalog {
    let site = store
        .create_site(
            admin,
            SiteInput {
                rooms: Vec::new(),
                name: spec.site.into(),
                address: "1 rue Haute".into(),
                postcode: "69001".into(),
                city: "Lyon".into(),
                zone: Zone::Metropole,
            },
        )
        .await
        .unwrap();
    let title = store
        .create_title(
            admin,
            TitleInput {
                rncp_code: "RNCP37674".into(),
                name: spec.title.into(),
                domain: spec.domain,
                transport: false,
                expiry: date(2030, 1, 1),
                structure: TitleStructure {
                    max_per_jury_day: None,
                    licence: None,
                    represent: None,
                    transmit: None,
                    ccps: Vec::new(),
                    epreuves: spec.epreuves,
                },
            },
        )
        .await
        .unwrap();
    let approval = store
        .create_approval(
            admin,
            ApprovalInput {
                title_id: title.id.clone(),
                site_id: site.id.clone(),
                number: spec.approval.into(),
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 12, 31),
                managers: spec.managers,
            },
        )
        .await
        .unwrap();
    Catalog {
        site,
        title,
        approval,
    }
}
