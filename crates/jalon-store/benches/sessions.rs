//! Creating a session (with its 31 milestones and its journal entry) and reading a session
//! with its milestones, on SQLite in a temporary directory:
//! `cargo bench -p jalon-store --bench sessions`. Also the conformity report and the list of
//! sessions of a centre of 1,000 sessions.

use divan::Bencher;
use jalon_core::{Domain, Kind, Zone};
use jalon_store::catalog::{ApprovalInput, SiteInput, TitleInput, TitleStructure};
use jalon_store::sessions::SessionInput;
use jalon_store::users::NewUser;
use jalon_store::{Actor, Role, Store};
use jiff::civil::date;

fn main() {
    divan::main();
}

struct Setup {
    rt: tokio::runtime::Runtime,
    store: Store,
    actor: Actor,
    input: SessionInput,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (store, actor, input) = rt.block_on(async {
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        let (c, _) = store
            .create_centre(
                "Bench",
                NewUser {
                    email: "a@b.example".into(),
                    display_name: "A".into(),
                    role: Role::Admin,
                    password: "0123456789ab".into(),
                },
            )
            .await
            .unwrap();
        let actor = Actor::command_line(c.id);
        let a = actor.admin().unwrap();
        let site = store
            .create_site(
                a,
                SiteInput {
                    rooms: Vec::new(),
                    name: "S".into(),
                    address: "1 rue".into(),
                    postcode: "69001".into(),
                    city: "Lyon".into(),
                    zone: Zone::Metropole,
                },
            )
            .await
            .unwrap();
        let title = store
            .create_title(
                a,
                TitleInput {
                    rncp_code: "RNCP1".into(),
                    name: "T".into(),
                    domain: Domain::Tertiary,
                    transport: false,
                    expiry: date(2035, 1, 1),
                    structure: TitleStructure::default(),
                },
            )
            .await
            .unwrap();
        let approval = store
            .create_approval(
                a,
                ApprovalInput {
                    title_id: title.id.clone(),
                    site_id: site.id.clone(),
                    number: "N".into(),
                    valid_from: date(2020, 1, 1),
                    valid_until: date(2034, 12, 31),
                    managers: vec![],
                },
            )
            .await
            .unwrap();
        let input = SessionInput {
            title_id: title.id,
            approval_id: Some(approval.id),
            site_id: site.id,
            kind: Kind::Title,
            start: date(2030, 3, 11),
            end: Some(date(2030, 3, 15)),
            ceres_number: None,
            ceres_created_on: None,
            manager_id: None,
            override_justification: None,
        };
        (store, actor, input)
    });
    Setup {
        rt,
        store,
        actor,
        input,
        _dir: dir,
    }
}

#[divan::bench(sample_count = 200)]
fn create_session(bencher: Bencher) {
    let s = setup();
    bencher.bench_local(|| {
        s.rt.block_on(
            s.store
                .create_session(s.actor.writer().unwrap(), s.input.clone()),
        )
        .unwrap()
    });
}

#[divan::bench(sample_count = 500)]
fn read_session_with_milestones(bencher: Bencher) {
    let s = setup();
    let id =
        s.rt.block_on(
            s.store
                .create_session(s.actor.writer().unwrap(), s.input.clone()),
        )
        .unwrap()
        .session
        .id;
    bencher.bench_local(|| {
        s.rt.block_on(s.store.open_session(&s.actor, &id))
            .unwrap()
            .into_detail()
    });
}

/// A centre with 1,000 sessions over three years, every tenth with eight candidates.
fn large_centre() -> Setup {
    let s = setup();
    s.rt.block_on(async {
        for i in 0..1000 {
            let start = s
                .input
                .start
                .checked_add(jiff::Span::new().days(i))
                .unwrap();
            let input = SessionInput {
                start,
                end: Some(start),
                override_justification: Some("Session de mesure des performances".into()),
                ..s.input.clone()
            };
            let created = s
                .store
                .create_session(s.actor.writer().unwrap(), input)
                .await
                .unwrap();
            if i % 10 == 0 {
                let h = s
                    .store
                    .open_session(&s.actor, &created.session.id)
                    .await
                    .unwrap();
                let people = (0..8)
                    .map(|k| jalon_core::candidate::CandidateInput {
                        last_name: format!("Nom{k}"),
                        first_names: format!("Prénom{i}"),
                        birth_date: Some(date(1990, 1, 1 + k as i8)),
                        ..Default::default()
                    })
                    .collect();
                s.store
                    .import_candidates(h.writer().unwrap(), people, false)
                    .await
                    .unwrap();
            }
        }
    });
    s
}

/// The conformity report of a centre of 1,000 sessions: a fixed number of queries.
#[divan::bench(sample_count = 20)]
fn conformity_of_1000_sessions(bencher: Bencher) {
    let s = large_centre();
    bencher.bench_local(|| s.rt.block_on(s.store.conformity(&s.actor)).unwrap());
}

/// Every session of a centre of 1,000 with its chronology (the dashboard's read).
#[divan::bench(sample_count = 20)]
fn sessions_of_1000(bencher: Bencher) {
    let s = large_centre();
    bencher.bench_local(|| s.rt.block_on(s.store.sessions(&s.actor)).unwrap());
}
