//! The store's contract, run against SQLite and PostgreSQL alike.

mod common;

use jalon_core::milestone::{MilestoneId, MilestoneState, Status, ids};
use jalon_core::{Domain, Kind, Zone};
use jalon_store::catalog::{
    Approval, ApprovalInput, Ccp, Epreuve, EpreuveKind, Site, SiteInput, Title, TitleInput,
    TitleStructure,
};
use jalon_store::journal::JournalEntry;
use jalon_store::sessions::SessionInput;
use jalon_store::users::{NewUser, User};
use jalon_store::{
    Actor, CandidateId, Role, SessionHandle, SessionId, SiteId, Stamp, Store, StoreError,
};
use jiff::civil::{Date, date};

struct Fixture {
    admin: Actor,
    manager: User,
    title: Title,
    site: Site,
    approval: Approval,
}

fn new_user(email: &str, name: &str, role: Role) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: name.into(),
        role,
        password: "correct horse battery".into(),
    }
}

async fn fixture(store: &Store, centre: &str) -> Fixture {
    let slug = centre.to_lowercase().replace(' ', "-");
    let (c, _) = store
        .create_centre(
            centre,
            new_user(&format!("admin@{slug}.fr"), "Alice Admin", Role::Admin),
        )
        .await
        .unwrap();
    let admin = Actor::command_line(c.id);
    let a = admin.admin().unwrap();
    let manager = store
        .add_user(
            a,
            new_user(&format!("claire@{slug}.fr"), "Claire Martin", Role::Manager),
        )
        .await
        .unwrap();
    let site = store
        .create_site(
            a,
            SiteInput {
                rooms: Vec::new(),
                name: "Plateau de Lyon".into(),
                address: "12 rue des Métiers".into(),
                postcode: "69007".into(),
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
                rncp_code: "37674".into(),
                name: "Développeur web et web mobile".into(),
                domain: Domain::Tertiary,
                transport: false,
                expiry: date(2030, 9, 1),
                structure: TitleStructure {
                    max_per_jury_day: None,
                    licence: None,
                    represent: None,
                    transmit: None,
                    ccps: vec![Ccp {
                        code: "CCP1".into(),
                        name: "Développer la partie front-end".into(),
                    }],
                    epreuves: vec![
                        Epreuve {
                            name: "Mise en situation professionnelle".into(),
                            kind: EpreuveKind::Practical,
                            minutes: 60,
                            ..Default::default()
                        },
                        Epreuve {
                            name: "Entretien final".into(),
                            kind: EpreuveKind::FinalInterview,
                            minutes: 20,
                            ..Default::default()
                        },
                    ],
                },
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
                number: "AGR-69-2025-014".into(),
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 12, 31),
                managers: vec![manager.id.clone()],
            },
        )
        .await
        .unwrap();
    Fixture {
        admin,
        manager,
        title,
        site,
        approval,
    }
}

/// A session of the actor's centre, as it stands now (a handle is a snapshot: open it again
/// after a write to see the new state).
async fn open<'a>(store: &Store, actor: &'a Actor, id: &SessionId) -> SessionHandle<'a> {
    store.open_session(actor, id).await.unwrap()
}

/// What one centre's journal says of one subject (a user, a session…), newest first.
async fn journal_of(
    store: &Store,
    actor: &Actor,
    subject: &str,
    limit: usize,
) -> Vec<JournalEntry> {
    store
        .journal(actor, i64::MAX)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.subject_id == subject)
        .take(limit)
        .collect()
}

fn session_input(f: &Fixture, start: Date, end: Date) -> SessionInput {
    SessionInput {
        title_id: f.title.id.clone(),
        approval_id: Some(f.approval.id.clone()),
        site_id: f.site.id.clone(),
        kind: Kind::Title,
        start,
        end: Some(end),
        ceres_number: None,
        ceres_created_on: None,
        manager_id: Some(f.manager.id.clone()),
        override_justification: None,
    }
}

async fn the_worked_example_is_stored_with_its_chronology(store: Store) {
    let f = fixture(&store, "Centre Lumière").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    assert_eq!(s.milestones.len(), 31);
    let m = |id: &str| s.milestones.iter().find(|m| m.id == id).unwrap().clone();
    assert_eq!(m("ceres.create_session").deadline, Some(date(2026, 12, 14)));
    assert_eq!(m("candidates.register").advised, Some(date(2027, 2, 12)));
    assert_eq!(m("dte.chase_afpa").opens, Some(date(2027, 2, 22)));
    assert_eq!(m("close.transmit").deadline, Some(date(2027, 3, 24)));
    assert_eq!(m("validation.decision").deadline, None);
    // The approval covers the session: no approval to apply for.
    assert_eq!(m("approval.apply").state, MilestoneState::NotApplicable);
    // 15 September 2026 is past: the 6-month check is late.
    assert!(m("title.check_expiry").late);
    assert!(!m("ceres.create_session").late);
    assert_eq!(s.session.status, Status::Draft);
    assert_eq!(s.session.title_name, "Développeur web et web mobile");
    // Read back: the same.
    let again = open(&store, &f.admin, &s.session.id).await.into_detail();
    assert_eq!(again, s);
    assert_eq!(store.sessions(&f.admin).await.unwrap(), vec![s]);
}

async fn a_session_less_than_91_days_ahead_needs_a_justification(store: Store) {
    let f = fixture(&store, "Centre Avril").await;
    let w = f.admin.writer().unwrap();
    let input = session_input(&f, date(2027, 1, 20), date(2027, 1, 20));
    let err = store.create_session(w, input.clone()).await.unwrap_err();
    let StoreError::RulesBroken(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].rule, "session.start_too_close");
    assert!(
        v[0].message.contains("commence dans 53 jours"),
        "{}",
        v[0].message
    );
    assert!(
        store.sessions(&f.admin).await.unwrap().is_empty(),
        "nothing half-written"
    );
    // Too short a justification is a field error, not a waiver.
    let short = SessionInput {
        override_justification: Some("urgent".into()),
        ..input.clone()
    };
    assert!(
        matches!(store.create_session(w, short).await, Err(StoreError::Invalid(e)) if e[0].field == "override_justification")
    );
    let justified = SessionInput {
        override_justification: Some(
            "Session de rattrapage demandée par la DDETS le 20 novembre".into(),
        ),
        ..input
    };
    let s = store.create_session(w, justified).await.unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let journal = store.session_journal(&h, 10).await.unwrap();
    assert_eq!(journal[0].action.as_str(), "session.created");
    assert_eq!(
        journal[0].data["override"]["justification"],
        "Session de rattrapage demandée par la DDETS le 20 novembre"
    );
    assert_eq!(
        journal[0].data["override"]["violations"][0]["rule"],
        "session.start_too_close"
    );
}

async fn approval_and_manager_rules_are_enforced(store: Store) {
    let f = fixture(&store, "Centre Brume").await;
    let a = f.admin.admin().unwrap();
    let w = f.admin.writer().unwrap();
    // A session after the approval's end.
    let err = store
        .create_session(w, session_input(&f, date(2030, 3, 4), date(2030, 3, 5)))
        .await
        .unwrap_err();
    let StoreError::RulesBroken(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        v.iter().map(|v| v.rule).collect::<Vec<_>>(),
        ["approval.not_valid"]
    );
    // A manager not declared in the approval.
    let other = store
        .add_user(a, new_user("paul@brume.fr", "Paul Durand", Role::Manager))
        .await
        .unwrap();
    let input = SessionInput {
        manager_id: Some(other.id),
        ..session_input(&f, date(2027, 6, 7), date(2027, 6, 8))
    };
    let err = store.create_session(w, input).await.unwrap_err();
    let StoreError::RulesBroken(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v[0].rule, "manager.not_declared");
    assert!(
        v[0].message
            .starts_with("Paul Durand ne figure pas parmi les responsables de session déclarés"),
        "{}",
        v[0].message
    );
    // An unknown title is a field error naming the field.
    let input = SessionInput {
        title_id: "nope".into(),
        ..session_input(&f, date(2027, 6, 7), date(2027, 6, 8))
    };
    let Err(StoreError::Invalid(e)) = store.create_session(w, input).await else {
        panic!()
    };
    assert_eq!(e[0].field, "title_id");
}

/// The DTE of a session ordered and received today (its organiser's envelope among them),
/// so that their milestones' checks hold.
async fn with_dte(store: &Store, actor: &Actor, id: &SessionId) {
    use jalon_core::custody::PacketKind;
    use jalon_store::custody::{DteOrder, PacketInput, ReceptionInput};
    let h = store.open_session(actor, id).await.unwrap();
    let holder = store.users(actor).await.unwrap()[0].id.to_string();
    let dte = store
        .record_dte_order(
            h.writer().unwrap(),
            0,
            DteOrder {
                on: store.today(),
                reference: "CMD-1".into(),
                by: "Claire Martin".into(),
            },
        )
        .await
        .unwrap();
    store
        .receive_dte(
            h.writer().unwrap(),
            dte.version,
            ReceptionInput {
                at: Stamp::new(store.now()),
                by: "Claire Martin".into(),
                storage: "Armoire forte".into(),
                key_holders: vec![holder],
                packets: vec![PacketInput {
                    kind: PacketKind::Organiser,
                    label: "Pli organisateur".into(),
                    epreuve: None,
                    seals_intact: true,
                }],
            },
        )
        .await
        .unwrap();
}

async fn moving_a_session_keeps_what_was_done_and_duplicating_copies_nothing(store: Store) {
    let f = fixture(&store, "Centre Cèdre").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    with_dte(&store, &f.admin, &id).await;
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let order = s.milestones.iter().find(|m| m.id == "dte.order").unwrap();
    store
        .complete_milestone(
            sw,
            &MilestoneId::new("dte.order"),
            order.version,
            "Commande AFPA n° 2026-1187",
            None,
        )
        .await
        .unwrap();
    // Move the session two weeks later.
    let moved = store
        .update_session(
            sw,
            s.session.version,
            session_input(&f, date(2027, 3, 29), date(2027, 4, 2)),
        )
        .await
        .unwrap();
    let order = moved
        .milestones
        .iter()
        .find(|m| m.id == "dte.order")
        .unwrap();
    assert_eq!(
        order.state,
        MilestoneState::Done,
        "moving keeps what was done"
    );
    assert_eq!(
        order.evidence.as_deref(),
        Some("Commande AFPA n° 2026-1187")
    );
    assert_eq!(
        order.deadline,
        Some(date(2026, 12, 28)),
        "and re-arms its dates"
    );
    // A stale version is refused, never a lost update.
    let err = store
        .update_session(
            sw,
            s.session.version,
            session_input(&f, date(2027, 4, 5), date(2027, 4, 6)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    // Duplicate to June: nothing done, no CERES number.
    let h = open(&store, &f.admin, &id).await;
    let copy = store
        .duplicate_session(
            h.writer().unwrap(),
            date(2027, 6, 14),
            Some(date(2027, 6, 18)),
            None,
        )
        .await
        .unwrap();
    assert_ne!(copy.session.id, id);
    assert!(
        copy.milestones
            .iter()
            .all(|m| m.state != MilestoneState::Done)
    );
    assert_eq!(copy.session.ceres_number, None);
    assert_eq!(copy.session.manager_id, Some(f.manager.id.clone()));
}

async fn completing_and_reopening_a_milestone(store: Store) {
    let f = fixture(&store, "Centre Dune").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    with_dte(&store, &f.admin, &id).await;
    let ceres = s
        .milestones
        .iter()
        .find(|m| m.id == "ceres.create_session")
        .unwrap()
        .clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    // Evidence is required.
    let err = store
        .complete_milestone(sw, &ids::CERES_CREATE_SESSION, ceres.version, "  ", None)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e[0].field == "evidence"),
        "{err:?}"
    );
    // No CERES number recorded: the automatic check fails.
    let err = store
        .complete_milestone(sw, &ids::CERES_CREATE_SESSION, ceres.version, "Créée", None)
        .await
        .unwrap_err();
    let StoreError::RulesBroken(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v[0].rule, "ceres.number_missing");
    // Record the number, then complete.
    let with_number = SessionInput {
        ceres_number: Some("2026-069-00123".into()),
        ceres_created_on: None,
        ..session_input(&f, date(2027, 3, 15), date(2027, 3, 19))
    };
    let updated = store
        .update_session(sw, s.session.version, with_number)
        .await
        .unwrap();
    assert_eq!(updated.session.status, Status::Planned);
    let done = store
        .complete_milestone(
            sw,
            &ids::CERES_CREATE_SESSION,
            ceres.version,
            "Session 2026-069-00123 créée",
            None,
        )
        .await
        .unwrap();
    assert_eq!(done.state, MilestoneState::Done);
    assert_eq!(done.done_by.as_deref(), Some("ligne de commande"));
    assert!(done.done_at.is_some());
    // Stale version: conflict.
    let err = store
        .reopen_milestone(sw, &ids::CERES_CREATE_SESSION, ceres.version, "erreur")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    let reopened = store
        .reopen_milestone(
            sw,
            &ids::CERES_CREATE_SESSION,
            done.version,
            "Numéro erroné",
        )
        .await
        .unwrap();
    assert_eq!(reopened.state, MilestoneState::Todo);
    assert_eq!(reopened.evidence, None);
    let actions: Vec<&str> = store
        .session_journal(&h, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "milestone.reopened",
            "milestone.completed",
            "session.updated",
            "dte.received",
            "dte.ordered",
            "session.created"
        ]
    );
    // Receiving the DTE makes the chase not applicable.
    let receive = updated
        .milestones
        .iter()
        .find(|m| m.id == "dte.receive")
        .unwrap();
    store
        .complete_milestone(
            sw,
            &ids::DTE_RECEIVE,
            receive.version,
            "3 paquets, scellés intacts, armoire A2",
            None,
        )
        .await
        .unwrap();
    let after = open(&store, &f.admin, &id).await;
    let chase = after
        .detail()
        .milestones
        .iter()
        .find(|m| m.id == "dte.chase_afpa")
        .unwrap();
    assert_eq!(chase.state, MilestoneState::NotApplicable);
}

async fn centres_are_isolated_and_inspectors_read_only(store: Store) {
    let a = fixture(&store, "Centre Est").await;
    let b = fixture(&store, "Centre Ouest").await;
    let s = store
        .create_session(
            a.admin.writer().unwrap(),
            session_input(&a, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = &s.session.id;
    assert!(matches!(
        store.open_session(&b.admin, id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(store.sessions(&b.admin).await.unwrap().is_empty());
    assert!(matches!(
        store.title(&b.admin, &a.title.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.site(&b.admin, &a.site.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.approval(&b.admin, &a.approval.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.user(&b.admin, &a.manager.id).await,
        Err(StoreError::NotFound { .. })
    ));
    // B cannot reach A's session to change it: not found, before anything else.
    let m = &s.milestones[0];
    let err = match store.open_session(&b.admin, id).await {
        Ok(h) => store
            .complete_milestone(h.writer().unwrap(), &m.id, m.version, "x", None)
            .await
            .unwrap_err(),
        Err(e) => e,
    };
    assert!(matches!(err, StoreError::NotFound { .. }));
    // A's session cannot use B's title either.
    let cross = SessionInput {
        title_id: b.title.id.clone(),
        ..session_input(&a, date(2027, 3, 15), date(2027, 3, 16))
    };
    assert!(matches!(
        store.create_session(a.admin.writer().unwrap(), cross).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(
        journal_of(&store, &b.admin, id.as_str(), 10)
            .await
            .is_empty()
    );

    let inspector = store
        .add_user(
            a.admin.admin().unwrap(),
            new_user("ines@est.fr", "Inès Contrôle", Role::Inspector),
        )
        .await
        .unwrap();
    let (_, actor) = store
        .login(&inspector.email, "correct horse battery")
        .await
        .unwrap();
    assert_eq!(actor.role(), Role::Inspector);
    assert!(matches!(actor.writer(), Err(StoreError::Forbidden { .. })));
    assert!(matches!(actor.admin(), Err(StoreError::Forbidden { .. })));
    assert_eq!(
        store.open_session(&actor, id).await.unwrap().session().id,
        *id
    );
    let (_, manager) = store
        .login(&a.manager.email, "correct horse battery")
        .await
        .unwrap();
    assert!(manager.writer().is_ok());
    assert!(matches!(manager.admin(), Err(StoreError::Forbidden { .. })));
}

async fn a_login_ends_after_a_working_day_however_busy(store: Store) {
    fixture(&store, "Centre Nord").await;
    let at = |h: i64, m: i64| {
        let t = jiff::civil::date(2026, 12, 7)
            .at(8, 0, 0, 0)
            .in_tz("Europe/Paris")
            .unwrap()
            .timestamp()
            + jiff::SignedDuration::from_mins(h * 60 + m);
        store.clone().with_clock(jalon_store::Clock::Fixed(t))
    };
    let (token, actor) = at(0, 0)
        .login("claire@centre-nord.fr", "correct horse battery")
        .await
        .unwrap();
    // Used every hour of the day, the login lives on…
    for h in 1..12 {
        assert_eq!(
            at(h, 0).authenticate(&token).await.unwrap().as_ref(),
            Some(&actor),
            "{h} h après la connexion"
        );
    }
    // … until twelve hours after it began, however busy.
    assert_eq!(at(12, 0).authenticate(&token).await.unwrap(), None);
    assert_eq!(at(11, 59).authenticate(&token).await.unwrap(), None);
    // Left alone for more than four hours, a login ends sooner.
    let (idle, _) = at(0, 0)
        .login("claire@centre-nord.fr", "correct horse battery")
        .await
        .unwrap();
    assert!(at(3, 55).authenticate(&idle).await.unwrap().is_some());
    assert!(at(8, 0).authenticate(&idle).await.unwrap().is_none());
}

async fn logins_live_in_the_database(store: Store) {
    let f = fixture(&store, "Centre Nord").await;
    assert!(matches!(
        store
            .login("claire@centre-nord.fr", "mauvais mot de passe")
            .await,
        Err(StoreError::BadCredentials)
    ));
    assert!(matches!(
        store
            .login("personne@centre-nord.fr", "correct horse battery")
            .await,
        Err(StoreError::BadCredentials)
    ));
    let (token, actor) = store
        .login("  Claire@Centre-Nord.fr ", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(actor.user_id(), Some(&f.manager.id));
    // Another instance on the same database knows the login.
    let same = store.clone();
    assert_eq!(same.authenticate(&token).await.unwrap(), Some(actor));
    assert_eq!(store.authenticate("forged-token").await.unwrap(), None);
    store.logout(&token).await.unwrap();
    assert_eq!(store.authenticate(&token).await.unwrap(), None);
    // Bad new users are refused field by field, in French.
    let Err(StoreError::Invalid(e)) = store
        .add_user(
            f.admin.admin().unwrap(),
            NewUser {
                email: "pas-une-adresse".into(),
                display_name: " ".into(),
                role: Role::Manager,
                password: "court".into(),
            },
        )
        .await
    else {
        panic!()
    };
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["email", "display_name", "password"]);
    let Err(StoreError::Invalid(e)) = store
        .add_user(
            f.admin.admin().unwrap(),
            new_user("claire@centre-nord.fr", "Autre", Role::Manager),
        )
        .await
    else {
        panic!()
    };
    assert!(e[0].message.contains("déjà utilisée"));
}

async fn catalog_validation_and_concurrency(store: Store) {
    let f = fixture(&store, "Centre Sud").await;
    let a = f.admin.admin().unwrap();
    let bad = SiteInput {
        rooms: Vec::new(),
        name: "".into(),
        address: "1 rue".into(),
        postcode: "7500".into(),
        city: "Paris".into(),
        zone: Zone::Metropole,
    };
    let Err(StoreError::Invalid(e)) = store.create_site(a, bad).await else {
        panic!()
    };
    assert_eq!(
        e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
        ["name", "postcode"]
    );
    // The final interview must be last.
    let mut t = TitleInput {
        rncp_code: "RNCP12345".into(),
        name: "Titre".into(),
        domain: Domain::Btp,
        transport: false,
        expiry: date(2029, 1, 1),
        structure: TitleStructure {
            max_per_jury_day: None,
            licence: None,
            represent: None,
            transmit: None,
            ccps: vec![],
            epreuves: vec![
                Epreuve {
                    name: "Entretien final".into(),
                    kind: EpreuveKind::FinalInterview,
                    minutes: 20,
                    ..Default::default()
                },
                Epreuve {
                    name: "Questionnaire".into(),
                    kind: EpreuveKind::Questionnaire,
                    minutes: 30,
                    ..Default::default()
                },
            ],
        },
    };
    let Err(StoreError::Invalid(e)) = store.create_title(a, t.clone()).await else {
        panic!()
    };
    assert_eq!(e[0].field, "structure.epreuves");
    t.structure.epreuves.reverse();
    store.create_title(a, t.clone()).await.unwrap();
    let Err(StoreError::Invalid(e)) = store.create_title(a, t).await else {
        panic!()
    };
    assert!(e[0].message.contains("RNCP12345 est déjà enregistré"));
    // An approval outlasting its title is refused.
    let input = ApprovalInput {
        valid_until: date(2031, 1, 1),
        ..approval_input(&f)
    };
    let Err(StoreError::Invalid(e)) = store.create_approval(a, input).await else {
        panic!()
    };
    assert_eq!(e[0].field, "valid_until");
    // Two edits of the same site: the second, stale, is refused.
    let site = f.site.clone();
    let edit = |city: &str| SiteInput {
        rooms: Vec::new(),
        name: site.name.clone(),
        address: site.address.clone(),
        postcode: site.postcode.clone(),
        city: city.into(),
        zone: site.zone,
    };
    let first = store
        .update_site(&f.admin, &site.id, site.version, edit("Villeurbanne"))
        .await
        .unwrap();
    assert_eq!(first.version, site.version + 1);
    assert!(matches!(
        store
            .update_site(&f.admin, &site.id, site.version, edit("Bron"))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        store.site(&f.admin, &site.id).await.unwrap().city,
        "Villeurbanne"
    );
}

fn approval_input(f: &Fixture) -> ApprovalInput {
    ApprovalInput {
        title_id: f.title.id.clone(),
        site_id: f.site.id.clone(),
        number: "AGR-2".into(),
        valid_from: date(2026, 1, 1),
        valid_until: date(2028, 1, 1),
        managers: vec![],
    }
}

type JournalRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

/// A centre's journal as stored (signatures aside), oldest first.
async fn chain_of(store: &Store, centre: &str) -> Vec<jalon_core::journal_chain::RawEntry> {
    let rows: Vec<JournalRow> = sqlx::query_as(
        "SELECT seq, at, actor_id, actor_name, action, subject_type, subject_id, data, \
             prev_hash, hash FROM journal WHERE centre_id = $1 ORDER BY seq",
    )
    .bind(centre)
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(
            |(
                seq,
                at,
                actor_id,
                actor_name,
                action,
                subject_type,
                subject_id,
                data,
                prev_hash,
                hash,
            )| {
                jalon_core::journal_chain::RawEntry {
                    centre_id: centre.to_owned(),
                    seq,
                    at,
                    actor_id: actor_id.unwrap_or_default(),
                    actor_name,
                    action,
                    subject_type,
                    subject_id,
                    data,
                    prev_hash,
                    hash,
                    sig: None,
                }
            },
        )
        .collect()
}

/// Replaces a centre's journal rows (its signatures stay as they are) and sets its head, as
/// someone with write access to the database would.
async fn put_chain(
    store: &Store,
    centre: &str,
    entries: &[jalon_core::journal_chain::RawEntry],
    fix_head: bool,
) {
    sqlx::query("DELETE FROM journal WHERE centre_id = $1")
        .bind(centre)
        .execute(store.pool())
        .await
        .unwrap();
    for e in entries {
        sqlx::query(
            "INSERT INTO journal (centre_id, seq, at, actor_id, actor_name, action, subject_type, \
             subject_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(centre)
        .bind(e.seq)
        .bind(&e.at)
        .bind(Some(e.actor_id.clone()).filter(|a| !a.is_empty()))
        .bind(&e.actor_name)
        .bind(&e.action)
        .bind(&e.subject_type)
        .bind(&e.subject_id)
        .bind(&e.data)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(store.pool())
        .await
        .unwrap();
    }
    if fix_head {
        let (seq, hash) = entries
            .last()
            .map_or((0, String::new()), |e| (e.seq, e.hash.clone()));
        sqlx::query("UPDATE centres SET journal_seq = $1, journal_hash = $2 WHERE id = $3")
            .bind(seq)
            .bind(hash)
            .bind(centre)
            .execute(store.pool())
            .await
            .unwrap();
    }
}

/// Recomputes every link and hash from the first entry on, as a careful forger would.
fn rechain(entries: &mut [jalon_core::journal_chain::RawEntry]) {
    let mut prev = String::new();
    for (n, e) in entries.iter_mut().enumerate() {
        e.seq = n as i64 + 1;
        e.prev_hash = prev.clone();
        e.hash = e.recomputed();
        prev = e.hash.clone();
    }
}

async fn a_sealed_journal_detects_every_rewriting(store: Store) {
    let keys = tempfile::tempdir().unwrap();
    let (key, created) =
        jalon_store::seal::JournalKey::load_or_create(&keys.path().join("journal-key")).unwrap();
    assert!(created);
    // A journal written before the seal is signed when it is sealed.
    let early = fixture(&store, "Centre Témoin").await;
    let store = store.with_seal(key, keys.path()).await.unwrap();
    let public = store.journal_public_key().unwrap();
    // Sixteen centres, one way of rewriting its journal each, and a witness left alone.
    let cases = [
        "une donnée modifiée",
        "l'auteur modifié",
        "l'heure modifiée",
        "une entrée supprimée au milieu",
        "une empreinte remplacée",
        "un chaînage remplacé",
        "la dernière entrée supprimée",
        "la tête modifiée",
        "deux entrées échangées",
        "une signature remplacée",
        "une entrée ajoutée sans la tête",
        "la dernière entrée supprimée, la tête corrigée",
        "une entrée modifiée, la chaîne et la tête recalculées",
        "une entrée supprimée, les suivantes renumérotées et rechaînées",
        "une entrée forgée ajoutée, la tête corrigée",
        "le journal vidé, la tête remise à zéro",
        "la base restaurée d'une copie ancienne, puis utilisée",
    ];
    let mut centres = Vec::new();
    for (n, _) in cases.iter().enumerate() {
        let f = fixture(&store, &format!("Centre {n}")).await;
        store
            .create_session(
                f.admin.writer().unwrap(),
                session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
            )
            .await
            .unwrap();
        centres.push(f);
    }
    // The anchor follows the writes; made certain here.
    assert!(store.anchor_now().await.unwrap().is_empty());
    let v = store.verify_journal().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    let anchor = store.read_anchor().unwrap().unwrap();
    assert_eq!(anchor.heads.len(), cases.len() + 1);
    assert!(anchor.signed_by(&public));
    // The anchor is a file outside the database, readable by its owner alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(store.anchor_file().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let (off, on) = match store.backend() {
        jalon_store::Backend::Sqlite => (
            vec![
                "DROP TRIGGER journal_no_update",
                "DROP TRIGGER journal_no_delete",
                "DROP TRIGGER journal_signatures_no_update",
                "DROP TRIGGER journal_signatures_no_delete",
            ],
            vec![],
        ),
        jalon_store::Backend::Postgres => (
            vec![
                "ALTER TABLE journal DISABLE TRIGGER journal_no_update",
                "ALTER TABLE journal_signatures DISABLE TRIGGER journal_signatures_no_update",
            ],
            vec![
                "ALTER TABLE journal ENABLE TRIGGER journal_no_update",
                "ALTER TABLE journal_signatures ENABLE TRIGGER journal_signatures_no_update",
            ],
        ),
    };
    for sql in off {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    let id = |n: usize| centres[n].admin.centre_id().to_string();
    let exec = |sql: &'static str, centre: String| {
        let pool = store.pool().clone();
        async move {
            sqlx::query(sql).bind(centre).execute(&pool).await.unwrap();
        }
    };
    exec(
        "UPDATE journal SET data = '{}' WHERE centre_id = $1 AND seq = 4",
        id(0),
    )
    .await;
    exec(
        "UPDATE journal SET actor_name = 'Quelqu''un' WHERE centre_id = $1 AND seq = 3",
        id(1),
    )
    .await;
    exec(
        "UPDATE journal SET at = '2026-01-01T00:00:00Z' WHERE centre_id = $1 AND seq = 2",
        id(2),
    )
    .await;
    exec(
        "DELETE FROM journal WHERE centre_id = $1 AND seq = 4",
        id(3),
    )
    .await;
    exec(
        "UPDATE journal SET hash = 'ab' WHERE centre_id = $1 AND seq = 4",
        id(4),
    )
    .await;
    exec(
        "UPDATE journal SET prev_hash = 'cd' WHERE centre_id = $1 AND seq = 5",
        id(5),
    )
    .await;
    exec(
        "DELETE FROM journal WHERE centre_id = $1 AND seq = 7",
        id(6),
    )
    .await;
    exec(
        "UPDATE centres SET journal_hash = 'ef' WHERE id = $1",
        id(7),
    )
    .await;
    {
        let mut c = chain_of(&store, &id(8)).await;
        let (a, b) = (c[2].data.clone(), c[3].data.clone());
        c[2].data = b;
        c[3].data = a;
        put_chain(&store, &id(8), &c, false).await;
    }
    exec(
        "UPDATE journal_signatures SET sig = (SELECT sig FROM journal_signatures s2 \
         WHERE s2.centre_id = journal_signatures.centre_id AND s2.seq = 2) \
         WHERE centre_id = $1 AND seq = 5",
        id(9),
    )
    .await;
    {
        let mut c = chain_of(&store, &id(10)).await;
        let mut forged = c.last().unwrap().clone();
        forged.seq += 1;
        forged.prev_hash = forged.hash.clone();
        forged.action = "session.cancelled".into();
        forged.hash = forged.recomputed();
        c.push(forged);
        put_chain(&store, &id(10), &c, false).await;
    }
    // The five the chain alone missed.
    {
        let mut c = chain_of(&store, &id(11)).await;
        c.pop();
        put_chain(&store, &id(11), &c, true).await;
    }
    {
        let mut c = chain_of(&store, &id(12)).await;
        c[3].actor_name = "Quelqu'un d'autre".into();
        rechain(&mut c);
        put_chain(&store, &id(12), &c, true).await;
    }
    {
        let mut c = chain_of(&store, &id(13)).await;
        c.remove(3);
        rechain(&mut c);
        put_chain(&store, &id(13), &c, true).await;
    }
    {
        let mut c = chain_of(&store, &id(14)).await;
        let mut forged = c.last().unwrap().clone();
        forged.prev_hash = forged.hash.clone();
        forged.seq += 1;
        forged.action = "session.cancelled".into();
        forged.hash = forged.recomputed();
        c.push(forged);
        put_chain(&store, &id(14), &c, true).await;
    }
    put_chain(&store, &id(15), &[], true).await;
    exec(
        "DELETE FROM journal_signatures WHERE centre_id = $1",
        id(15),
    )
    .await;
    {
        // An older copy: the last two entries were not written yet; then Jalon carries on.
        let mut c = chain_of(&store, &id(16)).await;
        c.truncate(c.len() - 2);
        put_chain(&store, &id(16), &c, true).await;
        exec(
            "DELETE FROM journal_signatures WHERE centre_id = $1 AND seq > 5",
            id(16),
        )
        .await;
        let f = &centres[16];
        store
            .create_session(
                f.admin.writer().unwrap(),
                session_input(f, date(2027, 4, 12), date(2027, 4, 16)),
            )
            .await
            .unwrap();
        store
            .create_session(
                f.admin.writer().unwrap(),
                session_input(f, date(2027, 5, 10), date(2027, 5, 14)),
            )
            .await
            .unwrap();
    }
    for sql in on {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    // The anchor does not follow a journal that no longer extends it.
    let refused = store.anchor_now().await.unwrap();
    let v = store.verify_journal().await.unwrap();
    for (n, case) in cases.iter().enumerate() {
        let found: Vec<&str> = v
            .problems
            .iter()
            .filter(|p| p.centre_id == id(n))
            .map(|p| p.kind)
            .collect();
        assert!(!found.is_empty(), "« {case} » n'est pas détecté");
        if n >= 11 {
            // What the chain alone missed, the seal names.
            assert!(
                found
                    .iter()
                    .any(|k| ["unsigned", "behind_anchor"].contains(k)),
                "« {case} » : {found:?}"
            );
            assert!(
                refused.iter().any(|p| p.centre_id == id(n)),
                "« {case} » : l'ancre l'a suivi"
            );
        }
    }
    let witness = early.admin.centre_id().to_string();
    assert!(
        !v.problems.iter().any(|p| p.centre_id == witness),
        "{:?}",
        v.problems
    );
    let message = |n: usize| {
        v.problems
            .iter()
            .filter(|p| p.centre_id == id(n))
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(
        message(11).contains(
            "le journal s'arrête au n° 6, alors que l'ancre signée du samedi 28 novembre 2026"
        ),
        "{}",
        message(11)
    );
    assert!(
        message(12).contains("les entrées n° 4 à 7 n'ont pas la signature du journal"),
        "{}",
        message(12)
    );
    assert!(
        message(14).contains("l'entrée n° 8 n'a pas la signature"),
        "{}",
        message(14)
    );
    assert!(
        message(15).contains("le journal s'arrête au n° 0"),
        "{}",
        message(15)
    );
    assert!(
        message(16).contains("n'est plus celle que l'ancre signée"),
        "{}",
        message(16)
    );
    // A forged anchor is named.
    let path = store.anchor_file().unwrap().to_owned();
    let mut forged = store.read_anchor().unwrap().unwrap();
    forged.heads.get_mut(&id(11)).unwrap().seq = 6;
    std::fs::write(&path, serde_json::to_vec(&forged).unwrap()).unwrap();
    let v = store.verify_journal().await.unwrap();
    assert!(
        v.problems.iter().any(|p| p.kind == "anchor_forged"),
        "{:?}",
        v.problems
    );
    // A missing anchor too.
    std::fs::remove_file(&path).unwrap();
    let v = store.verify_journal().await.unwrap();
    assert!(
        v.problems.iter().any(|p| p.kind == "anchor_missing"),
        "{:?}",
        v.problems
    );
    // Another key cannot take over the sealed database.
    let (other, _) =
        jalon_store::seal::JournalKey::load_or_create(&keys.path().join("autre-cle")).unwrap();
    let err = store
        .clone()
        .with_seal(other, keys.path())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("signé par la clé d'empreinte"),
        "{err}"
    );
}

async fn the_journal_detects_tampering(store: Store) {
    let f = fixture(&store, "Centre Ouest").await;
    let w = f.admin.writer().unwrap();
    store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let v = store.verify_journal().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert_eq!(
        v.entries, 7,
        "centre, 2 users, site, title, approval, session"
    );
    // The database itself refuses changes to the journal.
    let err = sqlx::query("UPDATE journal SET action = 'x' WHERE seq = 3")
        .execute(store.pool())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("le journal ne se modifie pas"),
        "{err}"
    );
    assert!(
        sqlx::query("DELETE FROM journal WHERE seq = 3")
            .execute(store.pool())
            .await
            .is_err()
    );

    // Someone with direct access disables the protection and tampers.
    let (off, on) = match store.backend() {
        jalon_store::Backend::Sqlite => (
            vec![
                "DROP TRIGGER journal_no_update",
                "DROP TRIGGER journal_no_delete",
            ],
            vec![],
        ),
        jalon_store::Backend::Postgres => (
            vec!["ALTER TABLE journal DISABLE TRIGGER journal_no_update"],
            vec!["ALTER TABLE journal ENABLE TRIGGER journal_no_update"],
        ),
    };
    for sql in off {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
    sqlx::query("UPDATE journal SET data = '{\"after\":{\"name\":\"Faux\"}}' WHERE seq = 4")
        .execute(store.pool())
        .await
        .unwrap();
    let v = store.verify_journal().await.unwrap();
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert_eq!((v.problems[0].seq, v.problems[0].kind), (4, "altered"));
    assert!(v.problems[0].message.contains("n° 4"));

    sqlx::query("DELETE FROM journal WHERE seq = 6")
        .execute(store.pool())
        .await
        .unwrap();
    let v = store.verify_journal().await.unwrap();
    let kinds: Vec<(i64, &str)> = v.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(kinds, [(4, "altered"), (7, "removed")]);

    sqlx::query("DELETE FROM journal WHERE seq = 7")
        .execute(store.pool())
        .await
        .unwrap();
    let v = store.verify_journal().await.unwrap();
    let kinds: Vec<(i64, &str)> = v.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert_eq!(kinds, [(4, "altered"), (6, "truncated")]);
    for sql in on {
        sqlx::query(sql).execute(store.pool()).await.unwrap();
    }
}

async fn an_entry_slipped_into_the_chain_is_named(store: Store) {
    let f = fixture(&store, "Centre Zénith").await;
    // Rebuild the chain with a forged entry n° 3 whose hash is correct: the next entry no
    // longer follows it.
    match store.backend() {
        jalon_store::Backend::Sqlite => {
            sqlx::query("DROP TRIGGER journal_no_update")
                .execute(store.pool())
                .await
                .unwrap();
        }
        jalon_store::Backend::Postgres => {
            sqlx::query("ALTER TABLE journal DISABLE TRIGGER journal_no_update")
                .execute(store.pool())
                .await
                .unwrap();
        }
    }
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT seq FROM journal WHERE centre_id = $1 ORDER BY seq DESC")
            .bind(f.admin.centre_id())
            .fetch_all(store.pool())
            .await
            .unwrap();
    for (seq,) in rows.iter().filter(|(s,)| *s >= 3) {
        sqlx::query("UPDATE journal SET seq = seq + 1 WHERE centre_id = $1 AND seq = $2")
            .bind(f.admin.centre_id())
            .bind(seq)
            .execute(store.pool())
            .await
            .unwrap();
    }
    let (prev,): (String,) =
        sqlx::query_as("SELECT hash FROM journal WHERE centre_id = $1 AND seq = 2")
            .bind(f.admin.centre_id())
            .fetch_one(store.pool())
            .await
            .unwrap();
    let forged = forge(&prev, f.admin.centre_id().as_str());
    sqlx::query(
        "INSERT INTO journal (centre_id, seq, at, actor_id, actor_name, action, subject_type, subject_id, data, prev_hash, hash) \
         VALUES ($1, 3, $2, NULL, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(f.admin.centre_id())
    .bind(&forged.at)
    .bind(&forged.actor_name)
    .bind(&forged.action)
    .bind(&forged.subject_type)
    .bind(&forged.subject_id)
    .bind(&forged.data)
    .bind(&prev)
    .bind(&forged.hash)
    .execute(store.pool())
    .await
    .unwrap();
    let v = store.verify_journal().await.unwrap();
    let kinds: Vec<(i64, &str)> = v.problems.iter().map(|p| (p.seq, p.kind)).collect();
    assert!(kinds.contains(&(3, "inserted")), "{kinds:?}");
}

struct Forged {
    at: String,
    actor_name: String,
    action: String,
    subject_type: String,
    subject_id: String,
    data: String,
    hash: String,
}

/// An entry forged by someone who knows how the chain is computed (SHA-256 of the previous
/// hash, a newline, and the JSON array of the entry's fields).
fn forge(prev: &str, centre: &str) -> Forged {
    use sha2::Digest;
    let f = Forged {
        at: "2026-11-28T08:00:00Z".into(),
        actor_name: "Alice Admin".into(),
        action: "user.created".into(),
        subject_type: "user".into(),
        subject_id: "intrus".into(),
        data: r#"{"after":{"role":"admin"}}"#.into(),
        hash: String::new(),
    };
    let fields = [
        centre,
        &f.at,
        "",
        &f.actor_name,
        &f.action,
        &f.subject_type,
        &f.subject_id,
        &f.data,
    ];
    let mut h = sha2::Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(serde_json::to_string(&fields).unwrap().as_bytes());
    let hash = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Forged { hash, ..f }
}

async fn two_people_completing_the_same_milestone_at_once_never_lose_an_update(store: Store) {
    let f = fixture(&store, "Centre Duo").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let m = s
        .milestones
        .iter()
        .find(|m| m.id == "title.check_expiry")
        .unwrap()
        .clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let (a, b) = tokio::join!(
        store.complete_milestone(sw, &m.id, m.version, "Échéance vérifiée par Mme A", None),
        store.complete_milestone(sw, &m.id, m.version, "Échéance vérifiée par M. C", None),
    );
    let (ok, err): (Vec<_>, Vec<_>) = [a, b].into_iter().partition(|r| r.is_ok());
    assert_eq!(ok.len(), 1, "exactly one wins: {err:?}");
    assert!(
        matches!(err[0], Err(StoreError::Conflict { .. })),
        "{err:?}"
    );
    let winner = ok.into_iter().next().unwrap().unwrap();
    let stored = open(&store, &f.admin, &id).await.into_detail();
    let stored = stored
        .milestones
        .iter()
        .find(|m| m.id == "title.check_expiry")
        .unwrap();
    assert_eq!(
        stored.evidence, winner.evidence,
        "the stored evidence is the winner's"
    );
    let completions = store
        .session_journal(&h, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.as_str() == "milestone.completed")
        .count();
    assert_eq!(
        completions, 1,
        "one journal entry, for the change that happened"
    );
    assert!(store.verify_journal().await.unwrap().problems.is_empty());
}

async fn users_can_be_changed_but_a_centre_keeps_an_admin(store: Store) {
    use jalon_store::users::UserUpdate;
    let f = fixture(&store, "Centre Relève").await;
    let (token, _) = store
        .login(&f.manager.email, "correct horse battery")
        .await
        .unwrap();
    let update = UserUpdate {
        display_name: "Claire Martin-Roux".into(),
        role: Role::Manager,
        active: false,
    };
    let u = store
        .update_user(&f.admin, &f.manager.id, f.manager.version, update.clone())
        .await
        .unwrap();
    assert_eq!(
        (u.display_name.as_str(), u.active, u.version),
        ("Claire Martin-Roux", false, 2)
    );
    assert_eq!(
        store.authenticate(&token).await.unwrap(),
        None,
        "a deactivated user's login ends"
    );
    assert!(matches!(
        store.login(&f.manager.email, "correct horse battery").await,
        Err(StoreError::BadCredentials)
    ));
    assert!(matches!(
        store.update_user(&f.admin, &f.manager.id, 1, update).await,
        Err(StoreError::Conflict { .. })
    ));
    // The only administrator cannot be demoted or deactivated.
    let admin = store
        .users(&f.admin)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.role == Role::Admin)
        .unwrap();
    let demote = UserUpdate {
        display_name: admin.display_name.clone(),
        role: Role::Manager,
        active: true,
    };
    let Err(StoreError::Invalid(e)) = store
        .update_user(&f.admin, &admin.id, admin.version, demote)
        .await
    else {
        panic!()
    };
    assert!(e[0].message.contains("au moins un administrateur actif"));
    assert_eq!(
        store.user(&f.admin, &admin.id).await.unwrap().role,
        Role::Admin,
        "nothing half-applied"
    );
    let actions: Vec<&str> = journal_of(&store, &f.admin, f.manager.id.as_str(), 5)
        .await
        .into_iter()
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["user.updated", "user.created"]);
}

async fn candidates_are_imported_all_or_nothing_and_never_twice(store: Store) {
    use jalon_core::candidate::CandidateInput;
    let f = fixture(&store, "Centre Inscriptions").await;
    let w = f.admin.writer().unwrap();
    // The session starts on 15 March 2027: registering on 28 November 2026 is on time.
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let person = |last: &str, first: &str, born: Date| CandidateInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: Some(born),
        ..Default::default()
    };
    let good = vec![
        person("Dupont", "Jean", date(1990, 2, 1)),
        person("Martin", "Anne", date(1985, 6, 3)),
    ];
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let outcome = store
        .import_candidates(sw, good.clone(), true)
        .await
        .unwrap();
    assert_eq!((outcome.imported, outcome.dry_run), (2, true));
    assert!(
        store.candidates(&h).await.unwrap().is_empty(),
        "a dry run writes nothing"
    );
    store.import_candidates(sw, good, false).await.unwrap();
    let list = store.candidates(&h).await.unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|c| !c.late_registration));
    // One bad line refuses the whole file; the same person again is a duplicate.
    let mut bad = person("", "Paul", date(1992, 1, 1));
    bad.email = "paul@".into();
    let again = vec![
        person("Leroy", "Marc", date(1980, 1, 1)),
        bad,
        person("DUPONT", "jean", date(1990, 2, 1)),
    ];
    let Err(StoreError::Invalid(errs)) = store.import_candidates(sw, again, false).await else {
        panic!()
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "candidates[2].last_name",
            "candidates[2].email",
            "candidates[3]"
        ]
    );
    assert!(
        errs[2]
            .message
            .contains("DUPONT jean, né(e) le 01/02/1990 est déjà inscrit(e)"),
        "{}",
        errs[2].message
    );
    assert_eq!(
        store.candidates(&h).await.unwrap().len(),
        2,
        "nothing half-applied"
    );
    // Another centre sees none of it and cannot add to it.
    let other = fixture(&store, "Centre Voisin").await;
    let seen = match store.open_session(&other.admin, &id).await {
        Ok(h) => store.candidates(&h).await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(matches!(seen, Err(StoreError::NotFound { .. })));
    let err = match store.open_session(&other.admin, &id).await {
        Ok(h) => store
            .add_candidate(h.writer().unwrap(), person("X", "Y", date(1990, 1, 1)))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(matches!(err, Err(StoreError::NotFound { .. })));
    // A session less than 30 days away: the registration is flagged late.
    let soon = SessionInput {
        override_justification: Some("Session de rattrapage demandée par la DDETS".into()),
        ..session_input(&f, date(2026, 12, 14), date(2026, 12, 14))
    };
    let soon = store.create_session(w, soon).await.unwrap().session.id;
    let soon = open(&store, &f.admin, &soon).await;
    let c = store
        .add_candidate(
            soon.writer().unwrap(),
            person("Petit", "Lou", date(2001, 9, 9)),
        )
        .await
        .unwrap();
    assert!(c.late_registration, "registered after J−30");
    let journal = store.session_journal(&h, 5).await.unwrap();
    assert_eq!(journal[0].action.as_str(), "candidates.imported");
    assert_eq!(journal[0].data["count"], 2);
}

async fn registering_candidates_is_checked_before_it_is_ticked(store: Store) {
    use jalon_core::candidate::CandidateInput;
    let f = fixture(&store, "Centre Coche").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let m = s
        .milestones
        .iter()
        .find(|m| m.id == "candidates.register")
        .unwrap()
        .clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let err = store
        .complete_milestone(sw, &m.id, m.version, "Liste arrêtée", None)
        .await
        .unwrap_err();
    let StoreError::RulesBroken(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v[0].rule, "candidates.none");
    let checks = store.checks(&h).await.unwrap();
    assert!(
        checks
            .iter()
            .any(|(mid, v)| mid == "candidates.register" && v.is_some())
    );
    let c = CandidateInput {
        last_name: "Dupont".into(),
        first_names: "Jean".into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    store.add_candidate(sw, c).await.unwrap();
    let done = store
        .complete_milestone(sw, &m.id, m.version, "Liste arrêtée", None)
        .await
        .unwrap();
    assert_eq!(done.override_justification, None, "no override needed");
}

async fn the_days_welcome_is_recorded_per_candidate(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::candidates::{CheckIn, Presence};
    let f = fixture(&store, "Centre Accueil").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let person = |last: &str, first: &str| CandidateInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: Some(date(1990, 2, 1)),
        email: format!("{}@exemple.fr", first.to_lowercase()),
        ..Default::default()
    };
    store
        .import_candidates(
            sw,
            vec![person("Dupont", "Jean"), person("Martin", "Anne")],
            false,
        )
        .await
        .unwrap();
    // On 28 November 2026 the welcome of a March session cannot have happened.
    let first = store.candidates(&h).await.unwrap().remove(0);
    let early = CheckIn {
        present: true,
        identity_checked: true,
        convocation_presented: true,
        documents_presented: true,
        signed: true,
    };
    let Err(StoreError::Invalid(e)) = store.check_in(sw, &first.id, first.version, early).await
    else {
        panic!("a welcome before the session's first day")
    };
    assert_eq!(
        e[0].message,
        "l'accueil des candidats se fait le jour de la session : pas avant le lundi 15 mars 2027"
    );
    let store = on_day(&store, date(2027, 3, 15));
    let welcome = |store: Store| {
        let admin = f.admin.clone();
        let id = id.clone();
        async move {
            let h = store.open_session(&admin, &id).await.unwrap();
            store
                .checks(&h)
                .await
                .unwrap()
                .into_iter()
                .find(|(m, _)| m == "day.welcome_candidates")
                .unwrap()
                .1
                .map(|v| v.message)
        }
    };
    assert_eq!(
        welcome(store.clone()).await.as_deref(),
        Some("2 candidats ni pointés présents ni absents.")
    );
    let list = store.candidates(&h).await.unwrap();
    let (jean, anne) = (&list[0], &list[1]);
    let present = CheckIn {
        present: true,
        identity_checked: true,
        convocation_presented: true,
        documents_presented: false,
        signed: false,
    };
    let c = store
        .check_in(sw, &jean.id, jean.version, present)
        .await
        .unwrap();
    assert_eq!(
        (c.presence, c.identity_checked, c.signed),
        (Presence::Present, true, false)
    );
    assert!(matches!(
        store.check_in(sw, &jean.id, jean.version, present).await,
        Err(StoreError::Conflict { .. })
    ));
    store
        .check_in(
            sw,
            &anne.id,
            anne.version,
            CheckIn {
                present: false,
                identity_checked: true,
                convocation_presented: false,
                documents_presented: true,
                signed: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        welcome(store.clone()).await.as_deref(),
        Some(
            "1 candidat présent à l'accueil incomplet : DUPONT Jean, né(e) le 01/02/1990 : \
             documents requis non présentés, pas d'émargement."
        )
    );
    store
        .check_in(
            sw,
            &jean.id,
            c.version,
            CheckIn {
                signed: true,
                documents_presented: true,
                ..present
            },
        )
        .await
        .unwrap();
    // Every present candidate checked, with convocation and documents, and signed; the
    // session under way, each épreuve's sign-in of the day is due too.
    let due = welcome(store.clone()).await.unwrap();
    assert!(
        due.starts_with("4 présences à une épreuve non notées : lundi 15 mars 2027, "),
        "{due}"
    );
    let schedule = store.schedule(&h).await.unwrap();
    for c in [&jean.id, &anne.id] {
        for p in schedule.of_candidate(c.as_str()) {
            store
                .record_attendance(
                    sw,
                    c,
                    jalon_store::attendance::AttendanceInput {
                        day: date(2027, 3, 15),
                        epreuve: p.epreuve.clone(),
                        present: *c == jean.id,
                        identity_checked: true,
                        signed: true,
                    },
                )
                .await
                .unwrap();
        }
    }
    assert_eq!(
        welcome(store.clone()).await,
        None,
        "the welcome complete, and each épreuve's sign-in of the day noted"
    );
    let anne = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == anne.id)
        .unwrap();
    assert_eq!(
        (anne.presence, anne.signed),
        (Presence::Absent, false),
        "an absent candidate signs nothing"
    );
    let actions: Vec<&str> = store
        .session_journal(&h, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action.as_str())
        .filter(|a| a.starts_with("candidate."))
        .take(3)
        .collect();
    assert_eq!(
        actions,
        [
            "candidate.checked_in",
            "candidate.absent",
            "candidate.checked_in"
        ]
    );

    // A signature drawn on the tablet: kept, and it counts as signing.
    let png = b"\x89PNG\r\n\x1a\n une signature".to_vec();
    let jean = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == jean.id)
        .unwrap();
    assert!(!jean.drawn_signature);
    let unsigned = CheckIn {
        signed: false,
        ..present
    };
    let bad = store
        .check_in_with_signature(sw, &jean.id, jean.version, unsigned, Some(b"GIF89a"))
        .await
        .unwrap_err();
    assert!(bad.to_string().contains("PNG"), "{bad}");
    let jean = store
        .check_in_with_signature(sw, &jean.id, jean.version, unsigned, Some(&png))
        .await
        .unwrap();
    assert!(jean.signed && jean.drawn_signature);
    assert_eq!(store.drawn_signature(&h, &jean.id).await.unwrap(), png);
    // Ticked again without drawing: the drawing stays.
    let jean = store
        .check_in(sw, &jean.id, jean.version, present)
        .await
        .unwrap();
    assert!(jean.drawn_signature);
    // Marked absent: no signature any more.
    let absent = CheckIn {
        present: false,
        ..present
    };
    let jean = store
        .check_in(sw, &jean.id, jean.version, absent)
        .await
        .unwrap();
    assert!(!jean.drawn_signature);
    assert!(matches!(
        store.drawn_signature(&h, &jean.id).await,
        Err(StoreError::NotFound { .. })
    ));
    let refused = store
        .check_in_with_signature(sw, &jean.id, jean.version, absent, Some(&png))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("absent"), "{refused}");
}

async fn convocations_need_their_proof(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let f = fixture(&store, "Centre Convocations").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let person = |last: &str, first: &str| CandidateInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: Some(date(1990, 2, 1)),
        email: format!("{}@exemple.fr", first.to_lowercase()),
        ..Default::default()
    };
    store
        .import_candidates(
            sw,
            vec![person("Dupont", "Jean"), person("Martin", "Anne")],
            false,
        )
        .await
        .unwrap();
    let list = store.candidates(&h).await.unwrap();
    let (jean, anne) = (&list[0], &list[1]);
    let check = |store: Store| {
        let admin = f.admin.clone();
        let id = id.clone();
        async move {
            let h = store.open_session(&admin, &id).await.unwrap();
            store
                .checks(&h)
                .await
                .unwrap()
                .into_iter()
                .find(|(m, _)| m == "convocations.send")
                .unwrap()
                .1
                .map(|v| v.message)
        }
    };
    assert_eq!(
        check(store.clone()).await.as_deref(),
        Some(
            "2 candidats sans convocation prouvée : DUPONT Jean, né(e) le 01/02/1990 : aucun mode de convocation choisi ; MARTIN Anne, né(e) le 01/02/1990 : aucun mode de convocation choisi."
        )
    );
    // Jean: handed over against signature.
    assert!(
        matches!(
            store.record_hand_delivery(sw, &jean.id).await,
            Err(StoreError::Invalid(_))
        ),
        "no mode yet"
    );
    store
        .set_convocation_mode(sw, &jean.id, Mode::Hand)
        .await
        .unwrap();
    store.record_hand_delivery(sw, &jean.id).await.unwrap();
    // A click is not a proof: the receipt he signed is (scanned here).
    assert!(
        store
            .convocations_missing(&h)
            .await
            .unwrap()
            .contains(&"DUPONT Jean, né(e) le 01/02/1990 : accusé de réception signé à joindre (scan, ou signature sur la tablette)".to_owned())
    );
    store
        .attach_signed_document(sw, &jean.id, "accusé-jean.pdf", b"%PDF-1.7 receipt")
        .await
        .unwrap();
    // Anne: email with the signed document returned — which needs the centre's reply address.
    let Err(StoreError::Invalid(e)) = store
        .set_convocation_mode(sw, &anne.id, Mode::EmailSignedReturn)
        .await
    else {
        panic!("no address to reply to")
    };
    assert!(
        e[0].message.contains("adresse de réponse du centre"),
        "{}",
        e[0].message
    );
    let (mut settings, version) = store.centre_settings(&f.admin).await.unwrap();
    settings.reply_to = "examens@convocations.fr".into();
    store
        .update_centre_settings(f.admin.admin().unwrap(), version, settings)
        .await
        .unwrap();
    // A Word file is refused, a PDF kept.
    store
        .set_convocation_mode(sw, &anne.id, Mode::EmailSignedReturn)
        .await
        .unwrap();
    let Err(StoreError::Invalid(e)) = store
        .attach_signed_document(sw, &anne.id, "convocation.docx", b"PK\x03\x04word")
        .await
    else {
        panic!()
    };
    assert!(
        e[0].message
            .starts_with("ce fichier n'est ni un PDF ni une image"),
        "{}",
        e[0].message
    );
    store
        .attach_signed_document(sw, &anne.id, "convocation-signée.pdf", b"%PDF-1.7 signed")
        .await
        .unwrap();
    assert_eq!(
        store.convocations_missing(&h).await.unwrap(),
        ["MARTIN Anne, né(e) le 01/02/1990 : courriel pas encore envoyé"]
    );
    let (name, kind, bytes) = store.signed_document(&h, &anne.id).await.unwrap();
    assert_eq!(
        (name.as_str(), kind.as_str(), bytes.as_slice()),
        (
            "convocation-signée.pdf",
            "application/pdf",
            &b"%PDF-1.7 signed"[..]
        )
    );
    // Her signed document is a proof: changing the mode now would erase it, so it is refused.
    let Err(StoreError::Invalid(e)) = store.set_convocation_mode(sw, &anne.id, Mode::Hand).await
    else {
        panic!()
    };
    assert!(
        e[0].message.contains("changer de mode l'effacerait"),
        "{}",
        e[0].message
    );
    // Her email goes out: sent, and the document is back: the proof holds.
    let (claimed, _) = store.claim_email_convocations(sw).await.unwrap();
    assert_eq!(claimed.len(), 1);
    store.email_sent(sw, &anne.id, Ok(())).await.unwrap();
    assert_eq!(check(store.clone()).await, None);
    // Recording the same outcome again changes nothing and journals nothing.
    let before = store.session_journal(&h, 50).await.unwrap().len();
    store.email_sent(sw, &anne.id, Ok(())).await.unwrap();
    store
        .set_convocation_mode(sw, &jean.id, Mode::Hand)
        .await
        .unwrap();
    assert_eq!(store.session_journal(&h, 50).await.unwrap().len(), before);
    // Another centre sees no convocation and attaches nothing.
    let other = fixture(&store, "Centre Tiers").await;
    let seen = match store.open_session(&other.admin, &id).await {
        Ok(h) => store.convocations(&h).await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(matches!(seen, Err(StoreError::NotFound { .. })));
    let err = match store.open_session(&other.admin, &id).await {
        Ok(h) => {
            store
                .attach_signed_document(h.writer().unwrap(), &anne.id, "x.pdf", b"%PDF-1.7")
                .await
        }
        Err(e) => Err(e),
    };
    assert!(matches!(err, Err(StoreError::NotFound { .. })));
}

async fn email_convocations_are_sent_once_and_acknowledged_by_link(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let f = fixture(&store, "Centre Courriel").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let person = |last: &str, email: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Lou".into(),
        birth_date: Some(date(1990, 2, 1)),
        email: email.into(),
        ..Default::default()
    };
    store
        .import_candidates(
            sw,
            vec![
                person("Dupont", "lou.dupont@exemple.fr"),
                person("Martin", ""),
            ],
            false,
        )
        .await
        .unwrap();
    for c in store.candidates(&h).await.unwrap() {
        store
            .set_convocation_mode(sw, &c.id, Mode::EmailReceipts)
            .await
            .unwrap();
    }
    // Two people press « envoyer » at once: each email is claimed once.
    let (a, b) = tokio::join!(
        store.claim_email_convocations(sw),
        store.claim_email_convocations(sw)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.0.len() + b.0.len(), 1, "one email in all");
    let claimed = a.0.into_iter().chain(b.0).next().unwrap();
    assert_eq!(claimed.email, "lou.dupont@exemple.fr");
    assert_eq!(
        a.1,
        ["MARTIN Lou, né(e) le 01/02/1990"],
        "no address: named, not sent"
    );
    assert!(
        store
            .claim_email_convocations(sw)
            .await
            .unwrap()
            .0
            .is_empty(),
        "being sent: not claimed again"
    );
    store
        .email_sent(sw, &claimed.candidate_id, Ok(()))
        .await
        .unwrap();
    let missing = store.convocations_missing(&h).await.unwrap();
    assert!(
        missing.contains(&"DUPONT Lou, né(e) le 01/02/1990 : accusé de lecture attendu".to_owned()),
        "{missing:?}"
    );
    // The candidate opens their link: read, with time and origin; a second time changes nothing.
    assert_eq!(store.candidate_link("lien-inconnu").await.unwrap(), None);
    let link = store
        .candidate_link(&claimed.ack_token)
        .await
        .unwrap()
        .unwrap();
    store
        .acknowledge_convocation(&link, "203.0.113.7 Firefox")
        .await
        .unwrap();
    assert_eq!(
        (link.name(), link.title()),
        (
            "DUPONT Lou, né(e) le 01/02/1990",
            "Développeur web et web mobile"
        )
    );
    let again = store
        .candidate_link(&claimed.ack_token)
        .await
        .unwrap()
        .unwrap();
    store
        .acknowledge_convocation(&again, "ailleurs")
        .await
        .unwrap();
    let v = store
        .convocations(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.candidate_id == claimed.candidate_id)
        .unwrap();
    assert_eq!(v.read_from.as_deref(), Some("203.0.113.7 Firefox"));
    assert_eq!(v.missing(), None);
    let journal = store.session_journal(&h, 3).await.unwrap();
    assert_eq!(journal[0].action.as_str(), "convocation.read");
    assert_eq!(
        journal[0].actor_name,
        "DUPONT Lou, né(e) le 01/02/1990 (lien personnel)"
    );
    // A failed send is said, and can be retried.
    store
        .import_candidates(sw, vec![person("Petit", "lou.petit@exemple.fr")], false)
        .await
        .unwrap();
    let petit = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.input.last_name == "Petit")
        .unwrap();
    store
        .set_convocation_mode(sw, &petit.id, Mode::EmailReceipts)
        .await
        .unwrap();
    let first = store.claim_email_convocations(sw).await.unwrap().0;
    assert_eq!(first.len(), 1);
    store
        .email_sent(sw, &petit.id, Err("550 boîte inconnue".into()))
        .await
        .unwrap();
    let missing = store.convocations_missing(&h).await.unwrap();
    assert!(
        missing
            .contains(&"PETIT Lou, né(e) le 01/02/1990 : l'envoi du courriel a échoué".to_owned()),
        "{missing:?}"
    );
    let again = store.claim_email_convocations(sw).await.unwrap().0;
    assert_eq!(again.len(), 1);
    assert_ne!(
        again[0].ack_token, first[0].ack_token,
        "a new link for the new email"
    );
}

async fn the_schedule_is_proposed_then_set_by_the_manager(store: Store) {
    use jalon_store::schedule::SlotInput;
    use jiff::civil::time;
    let f = fixture(&store, "Centre Horaires").await;
    let w = f.admin.writer().unwrap();
    // Monday 15 to Friday 19 March 2027.
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let sw = h.writer().unwrap();
    let proposed = store.schedule(&h).await.unwrap();
    assert!(proposed.proposed);
    let got: Vec<(&str, Date, jiff::civil::Time)> = proposed
        .slots
        .iter()
        .map(|s| (s.name.as_str(), s.date, s.start))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Mise en situation professionnelle",
                date(2027, 3, 15),
                time(8, 30, 0, 0)
            ),
            ("Entretien final", date(2027, 3, 15), time(9, 45, 0, 0)),
        ]
    );

    // Every mistake at once, nothing written.
    let bad = store
        .set_schedule(
            sw,
            &[
                SlotInput {
                    date: "22/03/2027".into(),
                    start: "9h".into(),
                },
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "midi".into(),
                },
            ],
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(problems) = bad else {
        panic!("{bad:?}")
    };
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].message.contains("en dehors de la session"),
        "{problems:?}"
    );
    assert!(
        problems[1].message.contains("« midi » n'est pas une heure"),
        "{problems:?}"
    );
    assert!(store.schedule(&h).await.unwrap().proposed);

    let set = store
        .set_schedule(
            sw,
            &[
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "13 h 30".into(),
                },
                SlotInput {
                    date: "2027-03-17".into(),
                    start: "9:00".into(),
                },
            ],
        )
        .await
        .unwrap();
    assert!(!set.proposed);
    assert_eq!(set.slots[0].date, date(2027, 3, 16));
    assert_eq!(set.slots[0].start, time(13, 30, 0, 0));
    assert_eq!(set.slots[1].date, date(2027, 3, 17));
    assert_eq!(store.schedule(&h).await.unwrap(), set);
    let journal = store.session_journal(&h, 50).await.unwrap();
    assert!(
        journal
            .iter()
            .any(|e| e.action.as_str() == "session.schedule_set"),
        "the change is journaled"
    );
}

async fn two_imports_of_the_same_person_at_once_never_fail_with_a_database_error(store: Store) {
    use jalon_core::candidate::CandidateInput;
    let f = fixture(&store, "Centre Concurrence").await;
    let w = f.admin.writer().unwrap();
    for round in 0..6 {
        let s = store
            .create_session(
                w,
                session_input(&f, date(2027, 3, 15), date(2027, 3, 19 + round)),
            )
            .await
            .unwrap();
        let id = s.session.id.clone();
        let h = open(&store, &f.admin, &id).await;
        let sw = h.writer().unwrap();
        let person = CandidateInput {
            last_name: "Dupont".into(),
            first_names: "Jean".into(),
            birth_date: Some(date(1990, 2, 1)),
            ..Default::default()
        };
        let (a, b) = tokio::join!(
            store.import_candidates(sw, vec![person.clone()], false),
            store.import_candidates(sw, vec![person.clone()], false),
        );
        let outcomes = [a, b];
        assert_eq!(
            outcomes.iter().filter(|o| o.is_ok()).count(),
            1,
            "registered once: {outcomes:?}"
        );
        for o in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            assert!(
                matches!(o, StoreError::Conflict { .. } | StoreError::Invalid(_)),
                "a French refusal, not {o:?}"
            );
        }
        assert_eq!(store.candidates(&h).await.unwrap().len(), 1);
    }
}

async fn an_approval_in_use_keeps_its_title_and_site(store: Store) {
    let f = fixture(&store, "Centre Agrément").await;
    let a = f.admin.admin().unwrap();
    let other_site = store
        .create_site(
            a,
            SiteInput {
                rooms: Vec::new(),
                name: "Plateau de Villeurbanne".into(),
                address: "3 rue Léon-Blum".into(),
                postcode: "69100".into(),
                city: "Villeurbanne".into(),
                zone: Zone::Metropole,
            },
        )
        .await
        .unwrap();
    let moved = |site: &SiteId| ApprovalInput {
        title_id: f.title.id.clone(),
        site_id: site.clone(),
        number: f.approval.number.clone(),
        valid_from: date(2025, 1, 1),
        valid_until: date(2029, 12, 31),
        managers: vec![f.manager.id.clone()],
    };
    // Unused, it may still move.
    let approval = store
        .update_approval(
            &f.admin,
            &f.approval.id,
            f.approval.version,
            moved(&other_site.id),
        )
        .await
        .unwrap();
    let approval = store
        .update_approval(&f.admin, &approval.id, approval.version, moved(&f.site.id))
        .await
        .unwrap();
    store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let err = store
        .update_approval(
            &f.admin,
            &approval.id,
            approval.version,
            moved(&other_site.id),
        )
        .await
        .unwrap_err();
    let StoreError::Invalid(fields) = err else {
        panic!("{err:?}")
    };
    assert_eq!(fields[0].field, "site_id");
    assert!(
        fields[0]
            .message
            .contains("1 session est tenue sous cet agrément"),
        "{fields:?}"
    );
    // Its number and dates still change.
    let mut renumbered = moved(&f.site.id);
    renumbered.number = "AGR-69-2025-099".into();
    let kept = store
        .update_approval(&f.admin, &approval.id, approval.version, renumbered)
        .await
        .unwrap();
    assert_eq!(kept.number, "AGR-69-2025-099");
}

async fn a_title_that_changes_moves_the_dates_of_its_sessions(store: Store) {
    let f = fixture(&store, "Centre Transport").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let transmit = |d: &jalon_store::sessions::SessionDetail| {
        d.milestones
            .iter()
            .find(|m| m.id == "close.transmit")
            .and_then(|m| m.deadline)
    };
    // Five days after the end for a title outside transport…
    assert_eq!(transmit(&s), Some(date(2027, 3, 24)));
    let mut input = TitleInput {
        rncp_code: f.title.rncp_code.clone(),
        name: f.title.name.clone(),
        domain: f.title.domain,
        transport: true,
        expiry: f.title.expiry,
        structure: f.title.structure.clone(),
    };
    store
        .update_title(&f.admin, &f.title.id, f.title.version, input.clone())
        .await
        .unwrap();
    // …48 hours once the title is known to be a transport title.
    let h = open(&store, &f.admin, &s.session.id).await;
    let after = h.detail().clone();
    assert_eq!(transmit(&after), Some(date(2027, 3, 21)));
    // The session's journal says which dates moved, and why, in the same transaction.
    let journal = store.session_journal(&h, 10).await.unwrap();
    let replanned = &journal[0];
    assert_eq!(replanned.action.as_str(), "session.replanned");
    assert_eq!(replanned.action_label, "Dates de la session recalculées");
    let reason = replanned.data["reason"].as_str().unwrap();
    assert!(reason.contains("devenu titre de transport"), "{reason}");
    let moved = replanned.data["moved"].as_array().unwrap();
    let transmit_moved = moved
        .iter()
        .find(|m| m["milestone"] == "close.transmit")
        .expect("the transmission moved");
    assert_eq!(transmit_moved["before"], "2027-03-24");
    assert_eq!(transmit_moved["after"], "2027-03-21");
    // A change of name alone moves nothing.
    input.name = "Développeur web".into();
    let title = store.title(&f.admin, &f.title.id).await.unwrap();
    store
        .update_title(&f.admin, &f.title.id, title.version, input)
        .await
        .unwrap();
    let again = open(&store, &f.admin, &s.session.id).await;
    assert_eq!(again.detail().milestones, after.milestones);
    // Nothing moved: no new entry.
    assert_eq!(
        store.session_journal(&again, 10).await.unwrap().len(),
        journal.len()
    );
}

async fn the_first_run_creates_one_centre_even_when_submitted_twice_at_once(store: Store) {
    let admin = |email: &str| NewUser {
        email: email.into(),
        display_name: "Premier".into(),
        role: Role::Admin,
        password: "correct horse battery".into(),
    };
    let (a, b) = tokio::join!(
        store.create_first_centre("Centre Un", admin("un@premier.fr")),
        store.create_first_centre("Centre Deux", admin("deux@premier.fr")),
    );
    assert_eq!(
        [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{a:?} {b:?}"
    );
    let refused = if a.is_ok() { b } else { a };
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(store.centre_count().await.unwrap(), 1);
    // Later, too.
    assert!(matches!(
        store
            .create_first_centre("Centre Trois", admin("trois@premier.fr"))
            .await,
        Err(StoreError::Conflict { .. })
    ));
}

async fn names_sort_in_french_order_on_both_backends(store: Store) {
    let (c, _) = store
        .create_centre("Centre Tri", new_user("zoe@tri.fr", "Zoé", Role::Admin))
        .await
        .unwrap();
    let admin = Actor::command_line(c.id);
    let a = admin.admin().unwrap();
    // Neither the order they are created in, nor byte order (« Émilie » before « Éric »
    // but after « Zoé »), nor a case-first order.
    for (email, name) in [
        ("eric.1@tri.fr", "Éric"),
        ("eric.2@tri.fr", "eric"),
        ("emilie@tri.fr", "Émilie"),
    ] {
        store
            .add_user(a, new_user(email, name, Role::Manager))
            .await
            .unwrap();
    }
    let users: Vec<String> = store
        .users(&admin)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.display_name)
        .collect();
    assert_eq!(users, ["Émilie", "eric", "Éric", "Zoé"]);
    for name in ["Zoé", "Éric", "eric", "Émilie"] {
        store
            .create_site(
                a,
                SiteInput {
                    rooms: Vec::new(),
                    name: name.into(),
                    address: "1 place Bellecour".into(),
                    postcode: "69002".into(),
                    city: "Lyon".into(),
                    zone: Zone::Metropole,
                },
            )
            .await
            .unwrap();
    }
    let sites: Vec<String> = store
        .sites(&admin)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(sites, ["Émilie", "eric", "Éric", "Zoé"]);
}

async fn a_personal_link_acknowledges_only_its_own_candidate(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let f = fixture(&store, "Centre Liens").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let sw = h.writer().unwrap();
    let person = |last: &str, email: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Lou".into(),
        birth_date: Some(date(1990, 2, 1)),
        email: email.into(),
        ..Default::default()
    };
    store
        .import_candidates(
            sw,
            vec![
                person("Dupont", "lou.dupont@exemple.fr"),
                person("Martin", "lou.martin@exemple.fr"),
            ],
            false,
        )
        .await
        .unwrap();
    let list = store.candidates(&h).await.unwrap();
    let (a, b) = (&list[0], &list[1]);
    assert_eq!(
        (a.input.last_name.as_str(), b.input.last_name.as_str()),
        ("Dupont", "Martin")
    );
    for c in [a, b] {
        store
            .set_convocation_mode(sw, &c.id, Mode::EmailReceipts)
            .await
            .unwrap();
    }
    let (claimed, without_address) = store.claim_email_convocations(sw).await.unwrap();
    assert!(without_address.is_empty(), "{without_address:?}");
    assert_eq!(claimed.len(), 2);
    let token = |id: &CandidateId| {
        claimed
            .iter()
            .find(|e| e.candidate_id == *id)
            .unwrap()
            .ack_token
            .clone()
    };
    assert_ne!(token(&a.id), token(&b.id), "one link per candidate");
    // A opens their link: it is A's, and acknowledges A's convocation only.
    let link = store.candidate_link(&token(&a.id)).await.unwrap().unwrap();
    assert_eq!(link.name(), "DUPONT Lou, né(e) le 01/02/1990");
    assert_eq!(link.read_at(), None);
    store
        .acknowledge_convocation(&link, "198.51.100.4 Firefox")
        .await
        .unwrap();
    let convocations = store.convocations(&h).await.unwrap();
    let read_at = |id: &CandidateId| {
        convocations
            .iter()
            .find(|v| v.candidate_id == *id)
            .unwrap()
            .read_at
    };
    assert!(read_at(&a.id).is_some(), "A's convocation is read");
    assert_eq!(read_at(&b.id), None, "B's is not");
    // B's own link is still B's, unread.
    let b_link = store.candidate_link(&token(&b.id)).await.unwrap().unwrap();
    assert_eq!(b_link.name(), "MARTIN Lou, né(e) le 01/02/1990");
    assert_eq!(b_link.read_at(), None);
}

contract!(
    names_sort_in_french_order_on_both_backends,
    a_personal_link_acknowledges_only_its_own_candidate,
    the_first_run_creates_one_centre_even_when_submitted_twice_at_once,
    a_title_that_changes_moves_the_dates_of_its_sessions,
    an_approval_in_use_keeps_its_title_and_site,
    two_imports_of_the_same_person_at_once_never_fail_with_a_database_error,
    the_schedule_is_proposed_then_set_by_the_manager,
    email_convocations_are_sent_once_and_acknowledged_by_link,
    convocations_need_their_proof,
    the_days_welcome_is_recorded_per_candidate,
    registering_candidates_is_checked_before_it_is_ticked,
    candidates_are_imported_all_or_nothing_and_never_twice,
    users_can_be_changed_but_a_centre_keeps_an_admin,
    two_people_completing_the_same_milestone_at_once_never_lose_an_update,
    the_worked_example_is_stored_with_its_chronology,
    a_session_less_than_91_days_ahead_needs_a_justification,
    approval_and_manager_rules_are_enforced,
    moving_a_session_keeps_what_was_done_and_duplicating_copies_nothing,
    completing_and_reopening_a_milestone,
    centres_are_isolated_and_inspectors_read_only,
    logins_live_in_the_database,
    a_login_ends_after_a_working_day_however_busy,
    catalog_validation_and_concurrency,
    the_journal_detects_tampering,
    a_sealed_journal_detects_every_rewriting,
    an_entry_slipped_into_the_chain_is_named,
);

fn title_input(t: &Title) -> TitleInput {
    TitleInput {
        rncp_code: t.rncp_code.clone(),
        name: t.name.clone(),
        domain: t.domain,
        transport: t.transport,
        expiry: t.expiry,
        structure: t.structure.clone(),
    }
}

async fn sqlx_exec(store: &Store, sql: &'static str, id: &str) {
    sqlx::query(sql)
        .bind(id)
        .execute(store.pool())
        .await
        .unwrap();
}

/// The same store, its clock at noon in Paris on `day`.
/// The documents transmitted by email on `on`, recorded with the session's version.
async fn transmit(
    store: &Store,
    h: &jalon_store::SessionHandle<'_>,
    on: Date,
) -> jalon_store::sessions::SessionDetail {
    store
        .record_transmission(
            h.writer().unwrap(),
            h.session().version,
            jalon_core::transmit::TransmissionInput {
                sent_on: on,
                channel: jalon_core::transmit::Channel::Email,
                reference: "ddets-examens@example.fr".to_owned(),
                contents: "PV de session signé, grilles, émargement, déclarations".to_owned(),
            },
        )
        .await
        .unwrap()
}

fn on_day(store: &Store, day: Date) -> Store {
    let noon = day
        .at(12, 0, 0, 0)
        .in_tz("Europe/Paris")
        .unwrap()
        .timestamp();
    store.clone().with_clock(jalon_store::Clock::Fixed(noon))
}

/// What a milestone's automatic check says of a session on the store's day.
async fn check_of(store: &Store, actor: &Actor, id: &SessionId, milestone: &str) -> Option<String> {
    let h = store.open_session(actor, id).await.unwrap();
    store
        .checks(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|(m, _)| m == milestone)
        .unwrap_or_else(|| panic!("{milestone} has a check"))
        .1
        .map(|v| format!("{} : {}", v.rule, v.message))
}

async fn a_session_created_in_ceres_before_the_expiry_stays_conform_after_it(store: Store) {
    let f = fixture(&store, "Centre Échéance").await;
    // The title expires on Friday 1 January 2027; the session is in March 2027.
    let mut t = f.title.clone();
    t.expiry = date(2027, 1, 1);
    store
        .update_title(&f.admin, &t.id, t.version, title_input(&t))
        .await
        .unwrap();
    let mut input = session_input(&f, date(2027, 3, 15), date(2027, 3, 19));
    input.ceres_number = Some("2027-069-00042".into());
    input.override_justification =
        Some("Titre en fin de validité : session pour les candidats en échec".into());
    // A day of creation still to come is refused, in French, naming the field.
    input.ceres_created_on = Some(date(2026, 11, 29));
    let Err(StoreError::Invalid(e)) = store
        .create_session(f.admin.writer().unwrap(), input.clone())
        .await
    else {
        panic!("a creation day in the future")
    };
    assert_eq!(e[0].field, "ceres_created_on");
    // Created in CERES on Monday 16 November 2026, before the expiry.
    input.ceres_created_on = Some(date(2026, 11, 16));
    let s = store
        .create_session(f.admin.writer().unwrap(), input.clone())
        .await
        .unwrap();
    assert_eq!(s.session.ceres_created_on, Some(date(2026, 11, 16)));
    let id = s.session.id.clone();
    assert_eq!(
        check_of(&store, &f.admin, &id, "ceres.create_session").await,
        None
    );
    let h = open(&store, &f.admin, &id).await;
    let m = h
        .detail()
        .milestone("ceres.create_session")
        .unwrap()
        .clone();
    store
        .complete_milestone(
            h.writer().unwrap(),
            &m.id,
            m.version,
            "Session n° 2027-069-00042",
            None,
        )
        .await
        .unwrap();
    // On 2 February 2027, the title has expired: the session stays conform…
    let later = on_day(&store, date(2027, 2, 2));
    assert_eq!(
        check_of(&later, &f.admin, &id, "ceres.create_session").await,
        None
    );
    let report = later.conformity(&f.admin).await.unwrap();
    assert!(
        !report[0].failing.contains(&ids::CERES_CREATE_SESSION),
        "{:?}",
        report[0].reasons
    );
    // …and moving it by a day breaks no rule of the title's expiry (only the 91 days).
    let h = open(&later, &f.admin, &id).await;
    let mut moved = input.clone();
    moved.start = date(2027, 3, 16);
    moved.ceres_created_on = None;
    moved.override_justification = None;
    let preview = later
        .preview_session(&f.admin, &moved, Some(&h))
        .await
        .unwrap();
    let rules: Vec<&str> = preview.violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["session.start_too_close"]);
    moved.override_justification = Some("Report d'un jour accordé par la DREETS".into());
    let after = later
        .update_session(h.writer().unwrap(), h.session().version, moved)
        .await
        .unwrap();
    assert_eq!(
        after.session.ceres_created_on,
        Some(date(2026, 11, 16)),
        "the same number keeps its day"
    );
    // A session whose number has no recorded day cannot show it was created in time.
    let mut unknown = session_input(&f, date(2027, 3, 22), date(2027, 3, 26));
    unknown.override_justification =
        Some("Titre en fin de validité : session pour les candidats en échec".into());
    let u = store
        .create_session(f.admin.writer().unwrap(), unknown.clone())
        .await
        .unwrap();
    let sql = "UPDATE sessions SET ceres_number = '2027-069-00043' WHERE id = $1";
    sqlx_exec(&store, sql, u.session.id.as_str()).await;
    assert_eq!(
        check_of(&store, &f.admin, &u.session.id, "ceres.create_session").await,
        None,
        "before the expiry, a number alone is a creation already done"
    );
    let found = check_of(&later, &f.admin, &u.session.id, "ceres.create_session")
        .await
        .unwrap();
    assert!(
        found.starts_with("title.expired : Le titre a expiré le vendredi 1ᵉʳ janvier 2027"),
        "{found}"
    );
}

async fn a_title_expiring_before_the_session_warns_whatever_the_day(store: Store) {
    let f = fixture(&store, "Centre Six Mois").await;
    let mut t = f.title.clone();
    t.expiry = date(2027, 2, 1);
    store
        .update_title(&f.admin, &t.id, t.version, title_input(&t))
        .await
        .unwrap();
    let mut input = session_input(&f, date(2027, 3, 15), date(2027, 3, 19));
    input.override_justification = Some("Session décidée avec le service départemental".into());
    let s = store
        .create_session(f.admin.writer().unwrap(), input)
        .await
        .unwrap();
    for day in [date(2026, 6, 1), date(2026, 11, 28), date(2027, 3, 1)] {
        let found = check_of(
            &on_day(&store, day),
            &f.admin,
            &s.session.id,
            "title.check_expiry",
        )
        .await
        .unwrap();
        assert!(
            found.starts_with(
                "title.expiry_within_6_months : L'échéance du titre (lundi 1ᵉʳ février 2027)"
            ),
            "{day}: {found}"
        );
    }
}

async fn a_convocation_handed_over_at_d_minus_29_is_named_late(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let f = fixture(&store, "Centre Convoqué").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    store
        .import_candidates(
            h.writer().unwrap(),
            vec![CandidateInput {
                last_name: "Durand".into(),
                first_names: "Léa".into(),
                birth_date: Some(date(1990, 2, 1)),
                ..Default::default()
            }],
            false,
        )
        .await
        .unwrap();
    let lea = store.candidates(&h).await.unwrap().remove(0);
    // Handed over on Sunday 14 February 2027, D − 29.
    let late = on_day(&store, date(2027, 2, 14));
    let h = open(&late, &f.admin, &id).await;
    late.set_convocation_mode(h.writer().unwrap(), &lea.id, Mode::Hand)
        .await
        .unwrap();
    late.record_hand_delivery(h.writer().unwrap(), &lea.id)
        .await
        .unwrap();
    late.attach_signed_document(
        h.writer().unwrap(),
        &lea.id,
        "accusé.pdf",
        b"%PDF-1.7 receipt",
    )
    .await
    .unwrap();
    assert_eq!(
        check_of(&late, &f.admin, &id, "convocations.send")
            .await
            .as_deref(),
        Some(
            "convocations.late : 1 convocation en retard : DURAND Léa, né(e) le 01/02/1990 : \
             convocation prouvée le dimanche 14 février 2027, après la limite du samedi 13 février 2027."
        )
    );
}

async fn a_milestone_done_two_days_late_says_so_everywhere(store: Store) {
    let f = fixture(&store, "Centre Retard").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    with_dte(&store, &f.admin, &id).await;
    // dte.order is due on Monday 14 December 2026; done on Wednesday 16.
    let late = on_day(&store, date(2026, 12, 16));
    let h = open(&late, &f.admin, &id).await;
    let m = h.detail().milestone("dte.order").unwrap().clone();
    assert!(m.late);
    let done = late
        .complete_milestone(
            h.writer().unwrap(),
            &m.id,
            m.version,
            "Commande AFPA n° 5512",
            None,
        )
        .await
        .unwrap();
    assert_eq!(done.done_late, Some(2));
    // Read back a month later: still done two days late.
    let after = on_day(&store, date(2027, 1, 20));
    let h = open(&after, &f.admin, &id).await;
    let m = h.detail().milestone("dte.order").unwrap();
    assert_eq!((m.late, m.done_late), (false, Some(2)));
    let entry = &after.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(entry.data["done_late"], 2);
    let report = after.conformity(&f.admin).await.unwrap();
    let trace: Vec<(String, i32)> = report[0]
        .done_late
        .iter()
        .map(|l| (l.milestone.to_string(), l.days))
        .collect();
    assert_eq!(trace, [("dte.order".to_owned(), 2)]);
    // Done in time: no trace.
    let m = h.detail().milestone("manager.appoint").unwrap().clone();
    let on_time = on_day(&store, date(2026, 12, 1));
    let h = open(&on_time, &f.admin, &id).await;
    let done = on_time
        .complete_milestone(
            h.writer().unwrap(),
            &m.id,
            m.version,
            "Claire Martin, déclarée",
            None,
        )
        .await
        .unwrap();
    assert_eq!(done.done_late, None);
}

async fn checklists_are_ticked_item_by_item_and_each_day_attested(store: Store) {
    use jalon_store::sessions::ItemState;
    let f = fixture(&store, "Centre Listes").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let archive = MilestoneId::new("day.final_checks");
    let h = open(&store, &f.admin, &id).await;
    // Before the session, nothing of its days can be ticked; on Monday, not Tuesday's
    // attestation.
    let Err(StoreError::Invalid(e)) = store
        .tick_item(
            h.writer().unwrap(),
            &archive,
            "Conformité réglementaire vérifiée",
            ItemState::Done,
            "",
        )
        .await
    else {
        panic!("too early")
    };
    assert!(
        e[0].message
            .starts_with("ce jalon ne peut être fait qu'à partir du lundi 15 mars 2027"),
        "{}",
        e[0].message
    );
    let monday = on_day(&store, date(2027, 3, 15));
    let Err(StoreError::Invalid(e)) = monday
        .tick_item(
            h.writer().unwrap(),
            &MilestoneId::new("day.trainers_absent"),
            "Mardi 16 mars 2027 : aucun formateur présent",
            ItemState::Done,
            "",
        )
        .await
    else {
        panic!("Tuesday on Monday")
    };
    assert_eq!(
        e[0].message,
        "ce jour n'est pas encore venu : à attester le mardi 16 mars 2027"
    );
    // The rest on the last day of the session.
    let store = on_day(&store, date(2027, 3, 19));
    let lists = store.checklists(&h).await.unwrap();
    let days: Vec<&str> = lists[&MilestoneId::new("day.trainers_absent")]
        .iter()
        .map(|i| i.item.as_str())
        .collect();
    assert_eq!(
        days,
        [
            "Lundi 15 mars 2027 : aucun formateur présent",
            "Mardi 16 mars 2027 : aucun formateur présent",
            "Mercredi 17 mars 2027 : aucun formateur présent",
            "Jeudi 18 mars 2027 : aucun formateur présent",
            "Vendredi 19 mars 2027 : aucun formateur présent",
        ]
    );
    let w = h.writer().unwrap();
    // Not on the list; « sans objet » without a reason: refused, nothing recorded.
    assert!(matches!(
        store
            .tick_item(w, &archive, "Autre chose", ItemState::Done, "")
            .await,
        Err(StoreError::Invalid(_))
    ));
    let Err(StoreError::Invalid(e)) = store
        .tick_item(
            w,
            &archive,
            "Conformité matérielle vérifiée",
            ItemState::NotApplicable,
            " ",
        )
        .await
    else {
        panic!("a reason is needed")
    };
    assert_eq!(e[0].field, "reason");
    for item in [
        "Conformité réglementaire vérifiée",
        "Bon fonctionnement de l'ensemble des équipements contrôlé",
    ] {
        store
            .tick_item(w, &archive, item, ItemState::Done, "")
            .await
            .unwrap();
    }
    assert!(
        matches!(
            store
                .tick_item(
                    w,
                    &archive,
                    "Conformité réglementaire vérifiée",
                    ItemState::Done,
                    ""
                )
                .await,
            Err(StoreError::Invalid(_))
        ),
        "ticked once"
    );
    assert_eq!(
        check_of(&store, &f.admin, &id, "day.final_checks")
            .await
            .as_deref(),
        Some(
            "checklist.incomplete : 1 point de la liste non coché : Conformité matérielle vérifiée."
        )
    );
    let na = store
        .tick_item(
            w,
            &archive,
            "Conformité matérielle vérifiée",
            ItemState::NotApplicable,
            "Plateau vérifié par le fabricant la veille",
        )
        .await
        .unwrap();
    assert_eq!(na.ticked_by.as_deref(), Some("ligne de commande"));
    assert_eq!(
        check_of(&store, &f.admin, &id, "day.final_checks").await,
        None
    );
    // Unticking needs a reason, and the check fails again.
    assert!(matches!(
        store
            .untick_item(
                w,
                &archive,
                "Bon fonctionnement de l'ensemble des équipements contrôlé",
                ""
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    store
        .untick_item(
            w,
            &archive,
            "Bon fonctionnement de l'ensemble des équipements contrôlé",
            "Vidéoprojecteur de la salle 2 en panne",
        )
        .await
        .unwrap();
    assert!(
        check_of(&store, &f.admin, &id, "day.final_checks")
            .await
            .is_some()
    );
    let h = open(&store, &f.admin, &id).await;
    let actions: Vec<(&str, String)> = store
        .session_journal(&h, 3)
        .await
        .unwrap()
        .iter()
        .map(|e| {
            (
                e.action.label(),
                e.data["item"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        actions,
        [
            (
                "Point de liste décoché",
                "Bon fonctionnement de l'ensemble des équipements contrôlé".to_owned()
            ),
            (
                "Point de liste déclaré sans objet",
                "Conformité matérielle vérifiée".to_owned()
            ),
            (
                "Point de liste coché",
                "Bon fonctionnement de l'ensemble des équipements contrôlé".to_owned()
            ),
        ]
    );
    // A done milestone's list is frozen until it is reopened.
    let trainers = MilestoneId::new("day.trainers_absent");
    for day in days {
        store
            .tick_item(w, &trainers, day, ItemState::Done, "")
            .await
            .unwrap();
    }
    assert_eq!(
        check_of(&store, &f.admin, &id, "day.trainers_absent").await,
        None
    );
    let h = open(&store, &f.admin, &id).await;
    let m = h.detail().milestone("day.trainers_absent").unwrap().clone();
    store
        .complete_milestone(
            h.writer().unwrap(),
            &m.id,
            m.version,
            "Attesté chaque jour",
            None,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .untick_item(
                h.writer().unwrap(),
                &trainers,
                "Lundi 15 mars 2027 : aucun formateur présent",
                "erreur"
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
}

async fn complements_requested_keep_the_session_awaiting_validation(store: Store) {
    let f = fixture(&store, "Centre Compléments").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let later = on_day(&store, date(2027, 4, 2));
    let h = open(&later, &f.admin, &id).await;
    let Err(StoreError::Invalid(e)) = later
        .request_complements(
            h.writer().unwrap(),
            h.session().version,
            date(2027, 4, 2),
            "  ",
            None,
        )
        .await
    else {
        panic!("a request says what")
    };
    assert_eq!(e[0].field, "request");
    let after = later
        .request_complements(
            h.writer().unwrap(),
            h.session().version,
            date(2027, 4, 1),
            "Feuille d'émargement du 17 mars signée",
            Some(date(2027, 4, 15)),
        )
        .await
        .unwrap();
    assert_eq!(after.session.status, Status::ComplementsRequested);
    assert_eq!(after.session.status.label(), "compléments demandés");
    let c = after.session.complements.clone().unwrap();
    assert_eq!(
        (c.on, c.request.as_str()),
        (date(2027, 4, 1), "Feuille d'émargement du 17 mars signée")
    );
    let h = open(&later, &f.admin, &id).await;
    let e = &later.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(e.action.label(), "Demande de compléments enregistrée");
    // A stale version is a conflict; the validation ends the wait.
    assert!(matches!(
        later
            .request_complements(
                h.writer().unwrap(),
                s.session.version,
                date(2027, 4, 1),
                "x",
                None
            )
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // The centre answers, the day after.
    let answered = later
        .answer_complements(
            h.writer().unwrap(),
            h.session().version,
            date(2027, 4, 2),
            "Feuille signée par les deux jurés envoyée par courriel",
        )
        .await
        .unwrap();
    let c = answered.session.complements.clone().unwrap();
    assert_eq!(c.due, Some(date(2027, 4, 15)));
    let a = c.answer.unwrap();
    assert_eq!((a.on, a.by.as_str()), (date(2027, 4, 2), f.admin.name()));
    // The validation: refused before the transmission is recorded, then once.
    let h = open(&later, &f.admin, &id).await;
    let Err(StoreError::Invalid(e)) = later
        .record_validation(h.writer().unwrap(), h.session().version, date(2027, 4, 2))
        .await
    else {
        panic!("before the transmission")
    };
    assert!(
        e[0].message
            .contains("la transmission des documents n'est pas enregistrée")
    );
    // Completed by hand, without its date: refused (the validation lifts the embargo).
    let m = h.detail().milestone("validation.decision").unwrap().clone();
    let Err(StoreError::RulesBroken(v)) = later
        .complete_milestone(
            h.writer().unwrap(),
            &m.id,
            m.version,
            "Validée dans CERES",
            Some("Le service a validé par téléphone, la date suivra."),
        )
        .await
    else {
        panic!("without its date")
    };
    assert_eq!(v[0].rule, "validation.not_recorded");
    // Nor the transmission: it is recorded with its day, channel and contents.
    let t = h.detail().milestone("close.transmit").unwrap().clone();
    let Err(StoreError::RulesBroken(v)) = later
        .complete_milestone(
            h.writer().unwrap(),
            &t.id,
            t.version,
            "Transmis par courriel à la DDETS",
            Some("Session reprise de l'historique du centre (test)."),
        )
        .await
    else {
        panic!("the transmission by hand")
    };
    assert_eq!(v[0].rule, "transmission.not_recorded");
    assert!(!v[0].overridable);
    transmit(&later, &h, date(2027, 3, 22)).await;
    let h = open(&later, &f.admin, &id).await;
    let Err(StoreError::Invalid(e)) = later
        .record_validation(h.writer().unwrap(), h.session().version, date(2027, 4, 3))
        .await
    else {
        panic!("in the future")
    };
    assert_eq!(e[0].field, "on");
    let validated = later
        .record_validation(h.writer().unwrap(), h.session().version, date(2027, 4, 2))
        .await
        .unwrap();
    assert_eq!(validated.session.validated_on, Some(date(2027, 4, 2)));
    assert!(validated.done(&jalon_core::milestone::ids::VALIDATION_DECISION));
    let e = &later.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(e.action.as_str(), "session.validated");
    let h = open(&later, &f.admin, &id).await;
    assert_eq!(h.session().status, Status::Validated);
    let Err(StoreError::Invalid(e)) = later
        .record_validation(h.writer().unwrap(), h.session().version, date(2027, 4, 2))
        .await
    else {
        panic!("once")
    };
    assert_eq!(
        e[0].message,
        "cette session est déjà validée, le vendredi 2 avril 2027"
    );
    let Err(StoreError::Invalid(e)) = later
        .request_complements(
            h.writer().unwrap(),
            h.session().version,
            date(2027, 4, 2),
            "encore",
            None,
        )
        .await
    else {
        panic!("validated")
    };
    assert!(e[0].message.contains("déjà validée"), "{}", e[0].message);
}

async fn the_days_own_work_cannot_be_done_before_its_day(store: Store) {
    let f = fixture(&store, "Centre Jour J").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 4, 5), date(2027, 4, 6)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    with_dte(&store, &f.admin, &id).await;
    let h = open(&store, &f.admin, &id).await;
    let start = h.detail().milestone("launch.start").unwrap().clone();
    let Err(StoreError::Invalid(e)) = store
        .complete_milestone(
            h.writer().unwrap(),
            &start.id,
            start.version,
            "Démarré à 8 h 30",
            None,
        )
        .await
    else {
        panic!("a launch four months early")
    };
    assert_eq!(
        e[0].message,
        "ce jalon ne peut être fait qu'à partir du lundi 5 avril 2027 : il n'a pas encore pu avoir lieu"
    );
    // Creating the session in CERES early is what the regulation asks.
    let ceres = h.detail().milestone("dte.order").unwrap().clone();
    store
        .complete_milestone(
            h.writer().unwrap(),
            &ceres.id,
            ceres.version,
            "Commande n° 12",
            None,
        )
        .await
        .unwrap();
    // On the day, the launch is recorded: the manager present, each épreuve's start.
    let day = on_day(&store, date(2027, 4, 5));
    let h = open(&day, &f.admin, &id).await;
    let d = date(2027, 4, 5);
    let launch = day
        .record_day_manager(h.writer().unwrap(), d, "Claire Martin")
        .await
        .unwrap();
    for e in &launch.epreuves {
        day.record_launch(
            h.writer().unwrap(),
            d,
            &e.epreuve,
            jalon_store::launch::LaunchRecord::Start {
                at: e.planned_start.unwrap(),
            },
        )
        .await
        .unwrap();
    }
    day.complete_milestone(
        h.writer().unwrap(),
        &start.id,
        start.version,
        "Démarré à 8 h 30",
        None,
    )
    .await
    .unwrap();
}

async fn a_candidate_is_corrected_then_withdraws(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let f = fixture(&store, "Centre Corrections").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let w = h.writer().unwrap();
    let person = |last: &str, first: &str| CandidateInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    store
        .import_candidates(
            w,
            vec![person("Durnad", "Léa"), person("Martin", "Anne")],
            false,
        )
        .await
        .unwrap();
    let list = store.candidates(&h).await.unwrap();
    let lea = list
        .iter()
        .find(|c| c.input.last_name == "Durnad")
        .unwrap()
        .clone();
    let anne = list
        .iter()
        .find(|c| c.input.last_name == "Martin")
        .unwrap()
        .clone();
    // A markup-looking name is refused, in French, nothing changed.
    let Err(StoreError::Invalid(e)) = store
        .update_candidate(w, &lea.id, lea.version, person("Durand 🎓", "Léa"))
        .await
    else {
        panic!("not a civil-status name")
    };
    assert_eq!(e[0].field, "last_name");
    // Becoming Anne's namesake is refused.
    let Err(StoreError::Invalid(e)) = store
        .update_candidate(w, &lea.id, lea.version, person("Martin", "Anne"))
        .await
    else {
        panic!("the same person twice")
    };
    assert!(
        e[0].message.contains("est déjà inscrit(e)"),
        "{}",
        e[0].message
    );
    // The typo corrected, with an address and a civility.
    let fixed = CandidateInput {
        address: "3 rue des Lilas".into(),
        postcode: "69003".into(),
        city: "Lyon".into(),
        civility: "Madame".into(),
        ..person("Durand", "Léa")
    };
    let after = store
        .update_candidate(w, &lea.id, lea.version, fixed.clone())
        .await
        .unwrap();
    assert_eq!(
        (
            after.input.last_name.as_str(),
            after.input.civility.as_str()
        ),
        ("Durand", "Madame")
    );
    assert!(matches!(
        store.update_candidate(w, &lea.id, lea.version, fixed).await,
        Err(StoreError::Conflict { .. })
    ));
    // Anne was convened by hand, then withdraws: off the list, her convocation void.
    store
        .set_convocation_mode(w, &anne.id, Mode::Hand)
        .await
        .unwrap();
    store.record_hand_delivery(w, &anne.id).await.unwrap();
    let anne = store.candidate(&h, &anne.id).await.unwrap();
    let Err(StoreError::Invalid(e)) = store
        .withdraw_candidate(w, &anne.id, anne.version, date(2026, 11, 28), " ")
        .await
    else {
        panic!("a reason is needed")
    };
    assert_eq!(e[0].field, "reason");
    let gone = store
        .withdraw_candidate(
            w,
            &anne.id,
            anne.version,
            date(2026, 11, 27),
            "Courriel du 27 novembre : a trouvé un emploi",
        )
        .await
        .unwrap();
    assert_eq!(gone.withdrawal.as_ref().unwrap().on, date(2026, 11, 27));
    let names: Vec<String> = store
        .candidates(&h)
        .await
        .unwrap()
        .iter()
        .map(|c| c.input.last_name.clone())
        .collect();
    assert_eq!(names, ["Durand"]);
    assert_eq!(store.all_candidates(&h).await.unwrap().len(), 2);
    let voided: (Option<String>,) =
        sqlx::query_as("SELECT voided_at FROM convocations WHERE candidate_id = $1")
            .bind(&anne.id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(voided.0.is_some(), "the convocation given is void");
    // The checks no longer count her: Léa alone lacks a convocation.
    assert_eq!(
        check_of(&store, &f.admin, &id, "convocations.send")
            .await
            .as_deref(),
        Some(
            "convocations.unproven : 1 candidat sans convocation prouvée : DURAND Léa, né(e) le 01/02/1990 : aucun mode de convocation choisi."
        )
    );
    // Once is enough; the journal keeps both.
    assert!(matches!(
        store
            .withdraw_candidate(w, &anne.id, gone.version, date(2026, 11, 28), "encore")
            .await,
        Err(StoreError::Invalid(_))
    ));
    let labels: Vec<&str> = store
        .session_journal(&h, 5)
        .await
        .unwrap()
        .iter()
        .map(|e| e.action.label())
        .collect();
    assert!(
        labels.contains(&"Désistement enregistré") && labels.contains(&"Candidat modifié"),
        "{labels:?}"
    );
}

async fn modes_are_chosen_for_several_candidates_all_or_none(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let f = fixture(&store, "Centre Modes").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let w = h.writer().unwrap();
    let person = |last: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Lou".into(),
        birth_date: Some(date(1990, 2, 1)),
        email: format!("{}@exemple.fr", last.to_lowercase()),
        ..Default::default()
    };
    store
        .import_candidates(
            w,
            vec![person("Arnaud"), person("Blanc"), person("Colin")],
            false,
        )
        .await
        .unwrap();
    let ids: Vec<CandidateId> = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    // Colin's convocation is proven by hand: it cannot change, so nothing changes.
    store
        .set_convocation_mode(w, &ids[2], Mode::Hand)
        .await
        .unwrap();
    store.record_hand_delivery(w, &ids[2]).await.unwrap();
    let Err(StoreError::Invalid(e)) = store
        .set_convocation_modes(w, &ids, Mode::EmailReceipts)
        .await
    else {
        panic!("all or none")
    };
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].message
            .starts_with("COLIN Lou, né(e) le 01/02/1990 : "),
        "{}",
        e[0].message
    );
    assert_eq!(
        store.convocations(&h).await.unwrap().len(),
        1,
        "nothing half-applied"
    );
    let changed = store
        .set_convocation_modes(w, &ids[..2], Mode::EmailReceipts)
        .await
        .unwrap();
    assert_eq!(changed, 2);
    assert_eq!(store.convocations(&h).await.unwrap().len(), 3);
    assert!(matches!(
        store.set_convocation_modes(w, &[], Mode::Hand).await,
        Err(StoreError::Invalid(_))
    ));
}

async fn the_centres_settings_are_changed_by_an_administrator(store: Store) {
    let f = fixture(&store, "Centre Réglages").await;
    let (settings, version) = store.centre_settings(&f.admin).await.unwrap();
    assert_eq!(settings.name, "Centre Réglages");
    assert_eq!(settings.reply_address(), None);
    let bad = jalon_core::catalog::CentreSettings {
        name: " ".into(),
        email: "contact@".into(),
        ..settings.clone()
    };
    let Err(StoreError::Invalid(e)) = store
        .update_centre_settings(f.admin.admin().unwrap(), version, bad)
        .await
    else {
        panic!("invalid settings")
    };
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "email"]);
    let good = jalon_core::catalog::CentreSettings {
        address: "12 rue des Métiers".into(),
        postcode: "69007".into(),
        city: "Lyon".into(),
        phone: "04 72 00 00 00".into(),
        email: "contact@reglages.fr".into(),
        ..settings
    };
    let after = store
        .update_centre_settings(f.admin.admin().unwrap(), version, good.clone())
        .await
        .unwrap();
    assert_eq!(after.reply_address(), Some("contact@reglages.fr"));
    assert!(matches!(
        store
            .update_centre_settings(f.admin.admin().unwrap(), version, good)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let entry = &store.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Paramètres du centre modifiés");
}

async fn files_are_attached_to_milestones_with_their_sha256(store: Store) {
    let f = fixture(&store, "Centre Pièces").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let w = h.writer().unwrap();
    let order = MilestoneId::new("dte.order");
    let Err(StoreError::Invalid(e)) = store
        .attach_milestone_file(w, &order, "commande.docx", b"PK\x03\x04word")
        .await
    else {
        panic!("a Word file is not evidence")
    };
    assert_eq!(e[0].field, "file");
    let pdf = b"%PDF-1.7 bon de commande";
    let file = store
        .attach_milestone_file(w, &order, "bon de commande.pdf", pdf)
        .await
        .unwrap();
    assert_eq!(file.media_type, "application/pdf");
    // Computed apart (`sha256sum`).
    assert_eq!(
        file.sha256,
        "d4d6960eb5ac8f6ead7ddad084263418e5be221720030d48a67c152ce405f275"
    );
    let listed = store.milestone_files(&h).await.unwrap();
    assert_eq!(listed, vec![file.clone()]);
    let (name, kind, bytes) = store.milestone_file(&h, &file.id).await.unwrap();
    assert_eq!(
        (name.as_str(), kind.as_str(), bytes.as_slice()),
        ("bon de commande.pdf", "application/pdf", &pdf[..])
    );
    let entry = &store.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Pièce jointe à un jalon");
    assert_eq!(entry.data["sha256"], file.sha256.as_str());
    assert!(matches!(
        store
            .attach_milestone_file(w, &MilestoneId::new("nope.nope"), "x.pdf", pdf)
            .await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn a_centre_gives_its_logo_and_takes_it_back(store: Store) {
    let f = fixture(&store, "Centre Logo").await;
    let other = fixture(&store, "Centre Voisin").await;
    assert_eq!(store.centre_logo(&f.admin).await.unwrap(), None);
    // The header of a PNG of 300 × 100 pixels.
    let png = [
        b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".as_slice(),
        &300u32.to_be_bytes(),
        &100u32.to_be_bytes(),
        b"\x08\x06\0\0\0",
    ]
    .concat();
    let Err(StoreError::Invalid(e)) = store
        .set_centre_logo(f.admin.admin().unwrap(), b"%PDF-1.7")
        .await
    else {
        panic!("a PDF is not a logo")
    };
    assert_eq!(e[0].field, "logo");
    assert_eq!(e[0].message, "le logo doit être une image PNG ou JPEG");
    let logo = store
        .set_centre_logo(f.admin.admin().unwrap(), &png)
        .await
        .unwrap();
    assert_eq!(logo.media_type, "image/png");
    assert_eq!(
        store.centre_logo(&f.admin).await.unwrap(),
        Some(logo.clone())
    );
    // Another centre sees nothing of it.
    assert_eq!(store.centre_logo(&other.admin).await.unwrap(), None);
    let entry = &store.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Logo du centre enregistré");
    assert_eq!(entry.data["sha256"], logo.sha256.as_str());
    store
        .remove_centre_logo(f.admin.admin().unwrap())
        .await
        .unwrap();
    assert_eq!(store.centre_logo(&f.admin).await.unwrap(), None);
    assert_eq!(
        store.journal(&f.admin, 1).await.unwrap()[0].action.label(),
        "Logo du centre retiré"
    );
    assert!(matches!(
        store.remove_centre_logo(f.admin.admin().unwrap()).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn extra_time_lengthens_the_candidates_own_passages(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::timetable::Extra;
    let f = fixture(&store, "Centre Tiers-temps").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let w = h.writer().unwrap();
    let person = |last: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Camille".into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    store.add_candidate(w, person("Arnaud")).await.unwrap();
    // Extra time without an accommodation: refused on its field.
    let Err(StoreError::Invalid(e)) = store
        .add_candidate(
            w,
            CandidateInput {
                extra_time: Some(Extra::Share(1, 3)),
                ..person("Blanc")
            },
        )
        .await
    else {
        panic!("extra time alone")
    };
    assert_eq!(e[0].field, "extra_time");
    let blanc = store
        .add_candidate(
            w,
            CandidateInput {
                accommodation: "Tiers-temps".into(),
                extra_time: Some(Extra::Share(1, 3)),
                extra_time_epreuves: vec!["Mise en situation professionnelle".into()],
                accommodation_reference: "DDETS 69 n° 2027-12".into(),
                accommodation_requested_on: Some(date(2026, 11, 2)),
                accommodation_decided_on: Some(date(2026, 11, 20)),
                employer: " Bâtir Lyon ".into(),
                employer_siret: "482 137 956 00017".into(),
                ..person("Blanc")
            },
        )
        .await
        .unwrap();
    // Kept as given.
    let again = store.candidate(&h, &blanc.id).await.unwrap();
    assert_eq!(again.input.extra_time, Some(Extra::Share(1, 3)));
    assert_eq!(again.input.accommodation_reference, "DDETS 69 n° 2027-12");
    assert_eq!(
        again.input.accommodation_decided_on,
        Some(date(2026, 11, 20))
    );
    // Her employer, kept for the jury's eligibility (the SIRET without its spaces).
    assert_eq!(
        (
            again.input.employer.as_str(),
            again.input.employer_siret.as_str()
        ),
        ("Bâtir Lyon", "48213795600017")
    );
    // The mise en situation (60 min) lasts 80 for her, 8 h 30 – 9 h 50; the group's ends at
    // 9 h 30, and the entretiens final follow her: 10 h 05, then 10 h 25.
    let schedule = store.schedule(&h).await.unwrap();
    let hers = schedule.of_candidate(blanc.id.as_str());
    assert_eq!(hers[0].hours(), "8 h 30 – 9 h 50");
    let finals: Vec<String> = schedule
        .timetable
        .iter()
        .filter(|p| p.epreuve == "Entretien final")
        .map(|p| p.hours())
        .collect();
    assert_eq!(finals, ["10 h 05 – 10 h 25", "10 h 25 – 10 h 45"]);
    assert!(schedule.clashes.is_empty(), "{:?}", schedule.clashes);
}

async fn the_timetable_is_edited_passage_by_passage_and_follows_the_candidates(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::timetable::Part;
    use jiff::civil::time;
    let f = fixture(&store, "Centre Passages").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let w = h.writer().unwrap();
    let person = |last: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Camille".into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    let arnaud = store.add_candidate(w, person("Arnaud")).await.unwrap();
    let blanc = store.add_candidate(w, person("Blanc")).await.unwrap();
    let laid = store.schedule(&h).await.unwrap();
    assert!(!laid.edited);
    // Blanc's entretien final on Monday at 9 h, during the mise en situation: refused, named.
    let mut t = laid.timetable.clone();
    let at = |d, s, e| Part {
        date: d,
        start: s,
        end: e,
    };
    let i = t
        .iter()
        .position(|p| p.candidate.as_deref() == Some(blanc.id.as_str()))
        .unwrap();
    t[i].parts = vec![at(date(2027, 3, 15), time(9, 0, 0, 0), time(9, 20, 0, 0))];
    let Err(StoreError::Invalid(e)) = store.set_timetable(w, t.clone()).await else {
        panic!("a candidate in two places")
    };
    let rules: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        rules,
        ["timetable.overlap_candidate", "timetable.final_not_last"]
    );
    assert!(
        e[0].message
            .starts_with("BLANC Camille aurait deux épreuves en même temps")
    );
    assert!(!store.schedule(&h).await.unwrap().edited, "nothing written");
    // On Tuesday at 14 h, room B: kept, and read back.
    t[i].parts = vec![at(date(2027, 3, 16), time(14, 0, 0, 0), time(14, 20, 0, 0))];
    t[i].room = Some("Salle B".into());
    let set = store.set_timetable(w, t).await.unwrap();
    assert!(set.edited);
    let again = store.schedule(&h).await.unwrap();
    assert_eq!(again, set);
    assert_eq!(
        again.of_candidate(blanc.id.as_str())[1].hours(),
        "14 h – 14 h 20"
    );
    // A candidate registered since gets Jalon's layout; one who withdrew leaves it.
    let chevalier = store.add_candidate(w, person("Chevalier")).await.unwrap();
    let version = store.candidate(&h, &arnaud.id).await.unwrap().version;
    store
        .withdraw_candidate(
            w,
            &arnaud.id,
            version,
            date(2026, 11, 27),
            "Courrier du candidat",
        )
        .await
        .unwrap();
    let now = store.schedule(&h).await.unwrap();
    let who: Vec<Option<&str>> = now
        .timetable
        .iter()
        .map(|p| p.candidate.as_deref())
        .collect();
    assert!(who.contains(&Some(chevalier.id.as_str())), "{who:?}");
    assert!(!who.contains(&Some(arnaud.id.as_str())), "{who:?}");
    assert!(who.contains(&Some(blanc.id.as_str())));
    // The order of passage: Chevalier first, then Blanc; the entretiens final follow it.
    let order = [chevalier.id.to_string(), blanc.id.to_string()];
    let Err(StoreError::Invalid(e)) = store
        .set_passage_order(w, &[chevalier.id.to_string(), chevalier.id.to_string()])
        .await
    else {
        panic!("twice")
    };
    assert!(
        e[0].message
            .contains("figure deux fois dans l'ordre de passage"),
        "{e:?}"
    );
    let Err(StoreError::Invalid(e)) = store
        .set_passage_order(w, &[chevalier.id.to_string()])
        .await
    else {
        panic!("someone forgotten")
    };
    assert!(
        e[0].message
            .starts_with("l'ordre de passage oublie BLANC Camille"),
        "{e:?}"
    );
    let ordered = store.set_passage_order(w, &order).await.unwrap();
    assert!(ordered.order_set && !ordered.edited, "laid out again");
    let finals: Vec<Option<&str>> = ordered
        .timetable
        .iter()
        .filter(|p| p.epreuve == "Entretien final")
        .map(|p| p.candidate.as_deref())
        .collect();
    assert_eq!(finals, [Some(order[0].as_str()), Some(order[1].as_str())]);
    let back = store.set_passage_order(w, &[]).await.unwrap();
    assert!(!back.order_set);
    assert_eq!(back.order, [blanc.id.to_string(), chevalier.id.to_string()]);
    // New starts lay it out again.
    use jalon_store::schedule::SlotInput;
    let starts = [
        SlotInput {
            date: "15/03/2027".into(),
            start: "9:00".into(),
        },
        SlotInput {
            date: "17/03/2027".into(),
            start: "9:00".into(),
        },
    ];
    let reset = store.set_schedule(w, &starts).await.unwrap();
    assert!(!reset.edited);
}

async fn two_sessions_booking_one_plateau_at_once_is_shown_on_both(store: Store) {
    use jalon_core::catalog::Room;
    let f = fixture(&store, "Centre Plateaux").await;
    let a = f.admin.admin().unwrap();
    let room = |name: &str, plateau: bool| Room {
        name: name.into(),
        plateau,
        equipment: vec![" bétonnière ".into(), "".into()],
    };
    // A room twice: refused, nothing changed.
    let site = store.site(&f.admin, &f.site.id).await.unwrap();
    let input = |rooms: Vec<Room>| SiteInput {
        rooms,
        name: site.name.clone(),
        address: site.address.clone(),
        postcode: site.postcode.clone(),
        city: site.city.clone(),
        zone: site.zone,
    };
    let Err(StoreError::Invalid(e)) = store
        .update_site(
            &f.admin,
            &site.id,
            site.version,
            input(vec![room("Salle 1", false), room("salle 1", false)]),
        )
        .await
    else {
        panic!("a room twice")
    };
    assert_eq!(e[0].field, "rooms");
    let site = store
        .update_site(
            &f.admin,
            &site.id,
            site.version,
            input(vec![
                room("Plateau maçonnerie", true),
                room("Salle 1", false),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(site.rooms[0].equipment, ["bétonnière"], "kept trimmed");
    assert_eq!(
        store.site(&f.admin, &site.id).await.unwrap().rooms,
        site.rooms
    );
    // Two sessions the same week at this site: both on the plateau on Monday morning.
    let w = a.writer();
    let one = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let mut later = session_input(&f, date(2027, 3, 15), date(2027, 3, 16));
    later.override_justification = Some("Deux groupes la même semaine, plateau partagé".into());
    let two = store.create_session(w, later).await.unwrap();
    let h1 = open(&store, &f.admin, &one.session.id).await;
    let h2 = open(&store, &f.admin, &two.session.id).await;
    let s1 = store.schedule(&h1).await.unwrap();
    assert_eq!(s1.timetable[0].room.as_deref(), Some("Plateau maçonnerie"));
    // The plateau for the mises en situation, room 1 for the entretiens final.
    assert_eq!(s1.conflicts.len(), 2, "{:?}", s1.conflicts);
    assert_eq!(s1.conflicts[0].rule, "timetable.overlap_room");
    assert!(
        s1.conflicts[0].message.starts_with("« Plateau maçonnerie » est aussi réservé par la session Développeur web et web mobile (du lundi 15 au mardi 16 mars 2027) le lundi 15 mars 2027"),
        "{}",
        s1.conflicts[0].message
    );
    let s2 = store.schedule(&h2).await.unwrap();
    assert_eq!(s2.conflicts.len(), 2, "shown on both: {:?}", s2.conflicts);
    // The second moves to Tuesday afternoon: no conflict left on either.
    use jalon_store::schedule::SlotInput;
    store
        .set_schedule(
            h2.writer().unwrap(),
            &[
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "13:30".into(),
                },
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "15:00".into(),
                },
            ],
        )
        .await
        .unwrap();
    assert!(store.schedule(&h1).await.unwrap().conflicts.is_empty());
    assert!(store.schedule(&h2).await.unwrap().conflicts.is_empty());
}

async fn presence_is_noted_per_day_and_epreuve(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::attendance::AttendanceInput;
    let f = fixture(&store, "Centre Émargement").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let person = |last: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Camille".into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    let arnaud = store
        .add_candidate(h.writer().unwrap(), person("Arnaud"))
        .await
        .unwrap();
    let blanc = store
        .add_candidate(h.writer().unwrap(), person("Blanc"))
        .await
        .unwrap();
    let mark = |epreuve: &str, day: Date, present: bool| AttendanceInput {
        day,
        epreuve: epreuve.into(),
        present,
        identity_checked: true,
        signed: true,
    };
    let msp = "Mise en situation professionnelle";
    // Before the day: refused.
    let Err(StoreError::Invalid(e)) = store
        .record_attendance(
            h.writer().unwrap(),
            &arnaud.id,
            mark(msp, date(2027, 3, 15), true),
        )
        .await
    else {
        panic!("before the day")
    };
    assert!(
        e[0].message.contains("se note ce jour-là, pas avant"),
        "{e:?}"
    );
    // Monday: the mise en situation and the entretiens final (one hour, then 20 minutes each).
    let monday = on_day(&store, date(2027, 3, 15));
    let h = open(&monday, &f.admin, &s.session.id).await;
    let w = h.writer().unwrap();
    monday
        .record_attendance(w, &arnaud.id, mark(msp, date(2027, 3, 15), true))
        .await
        .unwrap();
    monday
        .record_attendance(
            w,
            &blanc.id,
            mark("Entretien final", date(2027, 3, 15), false),
        )
        .await
        .unwrap();
    // Noted again: the last note stands.
    let again = monday
        .record_attendance(
            w,
            &blanc.id,
            mark("Entretien final", date(2027, 3, 15), true),
        )
        .await
        .unwrap();
    assert!(again.present && again.signed);
    // Nothing on Tuesday for them.
    let tuesday = on_day(&store, date(2027, 3, 16));
    let h2 = open(&tuesday, &f.admin, &s.session.id).await;
    let Err(StoreError::Invalid(e)) = tuesday
        .record_attendance(
            h2.writer().unwrap(),
            &arnaud.id,
            mark(msp, date(2027, 3, 16), true),
        )
        .await
    else {
        panic!("no such passage")
    };
    assert_eq!(
        e[0].message,
        "ARNAUD Camille ne passe pas « Mise en situation professionnelle » le mardi 16 mars 2027 d'après l'emploi du temps"
    );
    let all = monday.attendance(&h).await.unwrap();
    let seen: Vec<(&str, bool)> = all
        .iter()
        .map(|a| (a.epreuve.as_str(), a.present))
        .collect();
    assert_eq!(seen, [("Entretien final", true), (msp, true)]);
    let entry = &monday.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Présence à une épreuve notée");
    // Both welcomed; now that the sign-in is kept per épreuve, the day's passages not noted
    // keep the welcome from holding.
    for c in [&arnaud, &blanc] {
        let version = monday.candidate(&h, &c.id).await.unwrap().version;
        monday
            .check_in(
                w,
                &c.id,
                version,
                jalon_store::candidates::CheckIn {
                    present: true,
                    identity_checked: true,
                    convocation_presented: true,
                    documents_presented: true,
                    signed: true,
                },
            )
            .await
            .unwrap();
    }
    let checks = monday.checks(&h).await.unwrap();
    let welcome = checks
        .iter()
        .find(|(m, _)| m.as_str() == "day.welcome_candidates")
        .and_then(|(_, v)| v.clone())
        .expect("two passages not noted");
    assert_eq!(welcome.rule, "attendance.incomplete");
    assert_eq!(
        welcome.message,
        "2 présences à une épreuve non notées : lundi 15 mars 2027, Entretien final : ARNAUD Camille ; \
         lundi 15 mars 2027, Mise en situation professionnelle : BLANC Camille."
    );
    for (who, epreuve) in [(&arnaud, "Entretien final"), (&blanc, msp)] {
        monday
            .record_attendance(w, &who.id, mark(epreuve, date(2027, 3, 15), true))
            .await
            .unwrap();
    }
    let checks = monday.checks(&h).await.unwrap();
    assert!(
        checks
            .iter()
            .any(|(m, v)| m.as_str() == "day.welcome_candidates" && v.is_none()),
        "{checks:?}"
    );
}

async fn a_centre_records_its_jurors_and_their_habilitations(store: Store) {
    use jalon_core::jury::{Habilitation, JurorInput, JurorStatus};
    let f = fixture(&store, "Centre Jurys").await;
    let other = fixture(&store, "Centre Voisin Jurys").await;
    let w = f.admin.writer().unwrap();
    let habilitation = |until| Habilitation {
        title: " rncp37674 ".into(),
        granted_by: "DDETS du Rhône".into(),
        valid_from: date(2025, 1, 1),
        valid_until: until,
        reference: "H-2025-118".into(),
    };
    let marc = JurorInput {
        last_name: "Leroy".into(),
        first_names: "Marc".into(),
        employer_siret: "123 456 789 00011".into(),
        status: JurorStatus::Salaried,
        habilitations: vec![habilitation(date(2031, 1, 1))],
        ..JurorInput::default()
    };
    // Beyond the title's expiry (1 September 2030): refused, every problem at once.
    let Err(StoreError::Invalid(e)) = store.add_juror(w, marc.clone()).await else {
        panic!("past the title's expiry")
    };
    assert_eq!(e[0].field, "habilitations[1]");
    assert!(
        e[0].message.contains("au-delà de l'échéance du titre"),
        "{e:?}"
    );
    let marc = JurorInput {
        habilitations: vec![habilitation(date(2029, 12, 31))],
        ..marc
    };
    let j = store.add_juror(w, marc).await.unwrap();
    assert_eq!(
        j.input.employer_siret, "12345678900011",
        "kept without spaces"
    );
    assert_eq!(j.input.habilitations[0].title, "RNCP37674");
    assert_eq!(store.jurors(&f.admin).await.unwrap(), vec![j.clone()]);
    // Another centre sees nothing of them.
    assert!(store.jurors(&other.admin).await.unwrap().is_empty());
    assert!(matches!(
        store.juror(&other.admin, &j.id).await,
        Err(StoreError::NotFound { .. })
    ));
    // Corrected with the version read; a stale one is a conflict.
    let moved = JurorInput {
        profession: "Chef de chantier".into(),
        ..j.input.clone()
    };
    let after = store
        .update_juror(w, &j.id, j.version, moved.clone())
        .await
        .unwrap();
    assert_eq!(after.input.profession, "Chef de chantier");
    assert!(matches!(
        store.update_juror(w, &j.id, j.version, moved).await,
        Err(StoreError::Conflict { .. })
    ));
    let entry = &store.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Juré modifié");
    assert_eq!(entry.data["name"], "Marc LEROY");
}

async fn a_jury_is_appointed_checked_welcomed_and_sworn(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Seat};
    use jalon_store::jury::{JurorConvocation, LinkInput};
    let f = fixture(&store, "Centre Jury").await;
    let other = fixture(&store, "Centre Jury Voisin").await;
    let w = f.admin.writer().unwrap();
    let (d, d2) = (date(2027, 3, 15), date(2027, 3, 16));
    let s = store
        .create_session(w, session_input(&f, d, date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    for (last, siret) in [("Arnaud", "12345678900011"), ("Blanc", "")] {
        store
            .add_candidate(
                h.writer().unwrap(),
                CandidateInput {
                    last_name: last.into(),
                    first_names: "Camille".into(),
                    birth_date: Some(date(1990, 2, 1)),
                    employer: "BTP Rhône".into(),
                    employer_siret: siret.into(),
                    trained_by: "Greta Lyon".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let juror = |last: &str, until: Date, siret: &str| JurorInput {
        last_name: last.into(),
        first_names: "Marc".into(),
        email: format!("{}@exemple.fr", last.to_lowercase()),
        employer_siret: siret.into(),
        status: JurorStatus::Salaried,
        habilitations: vec![Habilitation {
            title: "RNCP37674".into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: date(2025, 1, 1),
            valid_until: until,
            reference: String::new(),
        }],
        ..JurorInput::default()
    };
    let leroy = store
        .add_juror(w, juror("Leroy", date(2027, 3, 15), ""))
        .await
        .unwrap();
    let marty = store
        .add_juror(w, juror("Marty", date(2029, 1, 1), ""))
        .await
        .unwrap();
    let roche = store
        .add_juror(w, juror("Roche", date(2029, 1, 1), "123 456 789 00011"))
        .await
        .unwrap();
    let seat = |j: &jalon_store::jurors::Juror, day: Date| Seat {
        juror: j.id.to_string(),
        day,
        jury: 1,
    };
    let jury = store.jury(&h).await.unwrap();
    assert_eq!(
        jury.findings[0].message,
        "Aucun membre du jury n'est désigné pour cette session."
    );
    // Leroy's habilitation ends on the 15th: seated on the 16th too, refused, named.
    let both = |j| vec![seat(j, d), seat(j, d2)];
    let mut seats = both(&leroy);
    seats.extend(both(&marty));
    let Err(StoreError::RulesBroken(v)) = store
        .set_jury(h.writer().unwrap(), jury.version, seats.clone(), vec![])
        .await
    else {
        panic!("a habilitation that does not cover the 16th")
    };
    assert_eq!(v[0].rule, "jury.habilitation_ends");
    assert_eq!(
        v[0].message,
        "Marc LEROY n'est pas habilité(e) pour le titre Développeur web et web mobile le mardi 16 mars 2027 : son habilitation ne couvre pas ce jour"
    );
    // On the 15th only: accepted.
    let mut seats = vec![seat(&leroy, d)];
    seats.extend(both(&marty));
    let jury = store
        .set_jury(h.writer().unwrap(), jury.version, seats, vec![])
        .await
        .unwrap();
    assert_eq!(jury.jurors.len(), 2);
    assert_eq!(jury.jurors[0].employer_request_by, Some(date(2027, 2, 28)));
    let entry = &store.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Jury de la session désigné");
    // A stale version is a conflict.
    assert!(matches!(
        store
            .set_jury(h.writer().unwrap(), jury.version - 1, vec![], vec![])
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // Roche works for Arnaud's employer: barred for him only, and Arnaud is short whenever
    // Roche is one of his two jurors.
    let seats = vec![seat(&marty, d), seat(&roche, d)];
    let jury = store
        .set_jury(h.writer().unwrap(), jury.version, seats.clone(), vec![])
        .await
        .unwrap();
    let rules: Vec<&str> = jury.findings.iter().map(|x| x.rule).collect();
    assert!(
        !rules.is_empty() && rules.iter().all(|r| *r == "jury.linked_to_candidate"),
        "{rules:?}"
    );
    assert!(
        jury.findings[0].message.starts_with("ARNAUD Camille"),
        "{:?}",
        jury.findings
    );
    let arnaud = jury
        .matrix
        .iter()
        .find(|c| c.name == "ARNAUD Camille")
        .unwrap();
    assert_eq!(arnaud.eligible, [marty.id.to_string()]);
    let blanc = jury
        .matrix
        .iter()
        .find(|c| c.name == "BLANC Camille")
        .unwrap();
    assert_eq!(blanc.eligible.len(), 2);
    // The same conclusion from the session's checks.
    let check = check_of(&store, &f.admin, &id, "jury.appoint")
        .await
        .unwrap();
    assert!(check.contains("ARNAUD Camille"), "{check}");
    // A link the manager declares bars the same way, for Blanc.
    let jury = store
        .set_jury(
            h.writer().unwrap(),
            jury.version,
            vec![seat(&marty, d), seat(&leroy, d)],
            vec![LinkInput {
                juror: leroy.id.to_string(),
                candidate: blanc.candidate.clone(),
                what: "a été son tuteur".into(),
            }],
        )
        .await
        .unwrap();
    assert!(
        jury.findings
            .iter()
            .any(|x| x.message.starts_with("BLANC Camille")),
        "{:?}",
        jury.findings
    );
    // Another session the same day seats Marty: refused in the second one.
    let s2 = store
        .create_session(w, session_input(&f, d, d2))
        .await
        .unwrap();
    let h2 = open(&store, &f.admin, &s2.session.id).await;
    let Err(StoreError::RulesBroken(v)) = store
        .set_jury(h2.writer().unwrap(), 0, vec![seat(&marty, d)], vec![])
        .await
    else {
        panic!("seated twice the same day")
    };
    assert_eq!(v[0].rule, "jury.overlapping_sessions");
    assert!(
        v[0].message
            .starts_with("Marc MARTY siège aussi le lundi 15 mars 2027 dans"),
        "{}",
        v[0].message
    );
    // Another centre cannot seat these jurors, nor read this jury.
    let o = store
        .create_session(other.admin.writer().unwrap(), session_input(&other, d, d2))
        .await
        .unwrap();
    let oh = open(&store, &other.admin, &o.session.id).await;
    let Err(StoreError::Invalid(e)) = store
        .set_jury(oh.writer().unwrap(), 0, vec![seat(&marty, d)], vec![])
        .await
    else {
        panic!("another centre's juror")
    };
    assert!(e[0].message.starts_with("aucun juré du centre"), "{e:?}");
    assert!(store.open_session(&other.admin, &id).await.is_err());
    assert!(matches!(
        store
            .note_juror(oh.writer().unwrap(), &marty.id, d, true)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    // Marty's habilitation corrected afterwards to end before the 15th: the jury of this
    // session says so, and so do the dashboard's alerts.
    let mut shorter = marty.input.clone();
    shorter.habilitations[0].valid_until = date(2027, 3, 14);
    let marty_v = store.juror(&f.admin, &marty.id).await.unwrap().version;
    store
        .update_juror(w, &marty.id, marty_v, shorter)
        .await
        .unwrap();
    let alerts = on_day(&store, date(2027, 1, 4))
        .jury_alerts(&f.admin, 120)
        .await
        .unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.session_id == id && a.rule == "jury.habilitation_ends"),
        "{alerts:?}"
    );
    let mut back = store.juror(&f.admin, &marty.id).await.unwrap();
    back.input.habilitations[0].valid_until = date(2029, 1, 1);
    store
        .update_juror(w, &marty.id, back.version, back.input)
        .await
        .unwrap();
    // Convoked by email, through a personal link that opens this sitting only.
    store
        .record_juror_convocation(h.writer().unwrap(), &marty.id, JurorConvocation::Email)
        .await
        .unwrap();
    let token = store.issue_juror_link(w, &marty.id).await.unwrap();
    let link = store.juror_link(&token).await.unwrap().unwrap();
    assert_eq!(link.name(), "Marc MARTY");
    store.juror_opened(&link, "203.0.113.9").await.unwrap();
    let sittings = store.juror_sittings(&link).await.unwrap();
    assert_eq!(sittings.len(), 1, "not the session he was refused in");
    let mine = &sittings[0];
    assert!(mine.read_at.is_some());
    assert_eq!(mine.days, [(d, 1)]);
    let names: Vec<&str> = mine.assessed.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["ARNAUD Camille", "BLANC Camille"]);
    assert!(matches!(
        store.juror_sitting(&link, &o.session.id).await,
        Err(StoreError::NotFound { .. })
    ));
    // The statement waits for his answers; all or nothing.
    let png = b"\x89PNG\r\n\x1a\n une signature".to_vec();
    let Err(StoreError::Invalid(e)) = store
        .sign_statement_by_link(&link, &id, &png, "203.0.113.9")
        .await
    else {
        panic!("before the answers")
    };
    assert!(e[0].message.contains("aucun lien"), "{e:?}");
    let (a, b) = (mine.assessed[0].0.clone(), mine.assessed[1].0.clone());
    let Err(StoreError::Invalid(e)) = store
        .declare_juror_links(&link, &id, vec![(a.clone(), None)], "203.0.113.9")
        .await
    else {
        panic!("Blanc unanswered")
    };
    assert_eq!(
        e[0].message,
        "BLANC Camille : indiquez un lien ou « aucun lien »"
    );
    let after = store
        .declare_juror_links(
            &link,
            &id,
            vec![(a, None), (b, Some("ancien collègue".into()))],
            "203.0.113.9",
        )
        .await
        .unwrap();
    assert_eq!(after.answers.len(), 2);
    let jury = store.jury(&h).await.unwrap();
    let blanc = jury
        .matrix
        .iter()
        .find(|c| c.name == "BLANC Camille")
        .unwrap();
    assert!(
        blanc.eligible.is_empty(),
        "Leroy by the manager, Marty by himself"
    );
    store
        .sign_statement_by_link(&link, &id, &png, "203.0.113.9")
        .await
        .unwrap();
    assert!(
        store
            .sign_statement_by_link(&link, &id, &png, "x")
            .await
            .is_err(),
        "once"
    );
    let entry = &store.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(
        entry.action.label(),
        "Déclaration sur l'honneur signée par un juré"
    );
    assert_eq!(entry.actor_name, "Marc MARTY (lien personnel)");
    // Revoked, the link opens nothing.
    assert_eq!(store.revoke_juror_links(w, &marty.id).await.unwrap(), 1);
    assert!(store.juror_link(&token).await.unwrap().is_none());
    // On the day: presence before the day is refused; then noted, and Leroy signs on the tablet.
    let Err(StoreError::Invalid(e)) = store
        .note_juror(h.writer().unwrap(), &leroy.id, d, true)
        .await
    else {
        panic!("before the day")
    };
    assert!(
        e[0].message.contains("se note ce jour-là, pas avant"),
        "{e:?}"
    );
    let monday = on_day(&store, d);
    let h = open(&monday, &f.admin, &id).await;
    monday
        .note_juror(h.writer().unwrap(), &marty.id, d, true)
        .await
        .unwrap();
    let jury = monday
        .note_juror(h.writer().unwrap(), &leroy.id, d, false)
        .await
        .unwrap();
    assert_eq!(
        jury.seats.iter().filter(|x| x.presence == "absent").count(),
        1
    );
    let welcome = check_of(&monday, &f.admin, &id, "day.welcome_jury")
        .await
        .unwrap();
    assert!(welcome.contains("1 seul juré présent"), "{welcome}");
    let jury = monday
        .sign_juror_statement(h.writer().unwrap(), &leroy.id, &png)
        .await
        .unwrap();
    assert!(jury.jurors.iter().all(|j| j.signed_at.is_some()));
    assert_eq!(
        monday.juror_signature(&h, &leroy.id).await.unwrap(),
        Some(png.clone())
    );
    // The minutes: edited once each result is recorded, signed by each juror present —
    // Marty only (Leroy was absent).
    use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
    use jalon_store::results::RecordResult;
    let later = on_day(&store, date(2027, 3, 22));
    let h = open(&later, &f.admin, &id).await;
    let token = later
        .issue_juror_link(f.admin.writer().unwrap(), &marty.id)
        .await
        .unwrap();
    let link = later.juror_link(&token).await.unwrap().unwrap();
    let Err(StoreError::Invalid(e)) = later.sign_minutes_by_link(&link, &id, &png, "x").await
    else {
        panic!("before the results")
    };
    assert!(e[0].message.contains("pas encore édité"), "{e:?}");
    let result = |decision, ccp| ResultInput {
        epreuves: [
            (
                "Mise en situation professionnelle".to_owned(),
                Outcome::Done,
            ),
            ("Entretien final".to_owned(), Outcome::Done),
        ]
        .into_iter()
        .collect(),
        ccps: [("CCP1".to_owned(), ccp)].into_iter().collect(),
        decision,
    };
    let people = later.candidates(&h).await.unwrap();
    for c in &people {
        later
            .record_result(
                h.writer().unwrap(),
                &c.id,
                RecordResult {
                    version: 0,
                    result: result(Decision::Obtained, CcpOutcome::Acquired),
                    ceres_entered_on: None,
                    dp_handed: true,
                },
            )
            .await
            .unwrap();
    }
    let minutes = later.minutes(&h).await.unwrap();
    assert!(minutes.ready);
    let names: Vec<&str> = minutes.signers.iter().map(|j| j.name.as_str()).collect();
    assert_eq!(names, ["Marc MARTY"]);
    assert!(
        check_of(&later, &f.admin, &id, "close.sign_minutes")
            .await
            .unwrap()
            .contains("1 juré présent n'a pas signé le procès-verbal : Marc MARTY"),
    );
    later
        .sign_minutes_by_link(&link, &id, &png, "203.0.113.9")
        .await
        .unwrap();
    assert!(
        later
            .sign_minutes_by_link(&link, &id, &png, "x")
            .await
            .is_err(),
        "once"
    );
    assert_eq!(
        check_of(&later, &f.admin, &id, "close.sign_minutes").await,
        None
    );
    // A result corrected after the signature: the signatures are undone, journaled.
    let first = later.results(&h).await.unwrap().rows[0].clone();
    later
        .record_result(
            h.writer().unwrap(),
            &first.candidate_id,
            RecordResult {
                version: first.result.unwrap().version,
                result: result(Decision::NotObtained, CcpOutcome::NotAcquired),
                ceres_entered_on: None,
                dp_handed: true,
            },
        )
        .await
        .unwrap();
    let journal: Vec<String> = later
        .session_journal(&h, 2)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action.as_str().to_owned())
        .collect();
    assert_eq!(journal, ["result.recorded", "minutes.signatures_undone"]);
    assert!(
        check_of(&later, &f.admin, &id, "close.sign_minutes")
            .await
            .is_some()
    );
    // Signed again on paper: the scan (checked by content) stands for Marty's signature.
    let Err(StoreError::Invalid(e)) = later
        .attach_minutes_scan(h.writer().unwrap(), "pv.txt", b"pas un scan")
        .await
    else {
        panic!("a text file")
    };
    assert_eq!(e[0].field, "scan");
    let pdf = b"%PDF-1.7 pv signe".to_vec();
    let m = later
        .attach_minutes_scan(h.writer().unwrap(), "pv-signe.pdf", &pdf)
        .await
        .unwrap();
    assert_eq!(
        m.signers[0].signed_from.as_deref(),
        Some("sur papier (scan joint)")
    );
    assert_eq!(m.scan.as_ref().unwrap().0, "pv-signe.pdf");
    assert_eq!(
        check_of(&later, &f.admin, &id, "close.sign_minutes").await,
        None
    );
    assert_eq!(
        later.minutes_scan(&h).await.unwrap().map(|(_, _, b)| b),
        Some(pdf)
    );

    // The archive: the four kinds, each produced by Jalon once signed or scanned.
    use jalon_core::archiving::{ArchiveKind, Origin};
    use sha2::Digest;
    let archive = later.archive(&h).await.unwrap();
    let why = |k: ArchiveKind| {
        archive
            .iter()
            .find(|a| a.kind == k)
            .unwrap()
            .not_producible
            .clone()
    };
    assert_eq!(why(ArchiveKind::Minutes), None, "signed on paper");
    assert_eq!(why(ArchiveKind::Statements), None, "Marty signed his");
    assert!(
        why(ArchiveKind::SignIn)
            .unwrap()
            .contains("ni pointé(s) présent(s) ni absent(s)"),
        "{:?}",
        why(ArchiveKind::SignIn)
    );
    assert!(why(ArchiveKind::Grids).unwrap().contains("scan"));
    let archive_check = || check_of(&later, &f.admin, &id, "close.archive");
    assert!(
        archive_check()
            .await
            .unwrap()
            .contains("4 pièces manquent à l'archive")
    );
    let pv = b"%PDF-1.7 pv signe par chaque jure".to_vec();
    let kept = later
        .archive_produced(h.writer().unwrap(), ArchiveKind::Minutes, "pv.pdf", &pv)
        .await
        .unwrap();
    assert_eq!(kept.origin, Origin::Produced);
    assert_eq!(
        kept.sha256,
        sha2::Sha256::digest(&pv)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
        "kept with its SHA-256"
    );
    let Err(StoreError::Invalid(e)) = later
        .archive_produced(h.writer().unwrap(), ArchiveKind::SignIn, "e.pdf", &pv)
        .await
    else {
        panic!("the sign-in is not complete")
    };
    assert!(
        e[0].message
            .starts_with("Feuilles d'émargement : Jalon ne peut pas encore l'archiver"),
        "{e:?}"
    );
    let Err(StoreError::Invalid(e)) = later
        .archive_scan(
            h.writer().unwrap(),
            ArchiveKind::Grids,
            "g.txt",
            b"des notes",
        )
        .await
    else {
        panic!("not a scan")
    };
    assert_eq!(e[0].field, "scan");
    for (kind, name) in [
        (ArchiveKind::Grids, "grilles.pdf"),
        (ArchiveKind::SignIn, "emargement-papier.pdf"),
    ] {
        later
            .archive_scan(h.writer().unwrap(), kind, name, b"%PDF-1.7 scan")
            .await
            .unwrap();
    }
    let missing = archive_check().await.unwrap();
    assert!(
        missing.contains("Une pièce manque à l'archive : déclarations sur l'honneur des jurys."),
        "{missing}"
    );
    let statements = later
        .archive_produced(
            h.writer().unwrap(),
            ArchiveKind::Statements,
            "declarations-jury.pdf",
            &pv,
        )
        .await
        .unwrap();
    assert_eq!(archive_check().await, None);
    let (name, kind, bytes) = later.archive_piece(&h, &statements.id).await.unwrap();
    assert_eq!(
        (name.as_str(), kind.as_str(), bytes),
        ("declarations-jury.pdf", "application/pdf", pv.clone())
    );
    // A piece withdrawn says why, and the journal keeps its SHA-256.
    let Err(StoreError::Invalid(_)) = later
        .withdraw_archive_piece(h.writer().unwrap(), &statements.id, "")
        .await
    else {
        panic!("without a reason")
    };
    later
        .withdraw_archive_piece(h.writer().unwrap(), &statements.id, "mauvais fichier")
        .await
        .unwrap();
    let entry = &later.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Pièce retirée de l'archive");
    assert_eq!(entry.data["sha256"], statements.sha256);
    later
        .archive_produced(
            h.writer().unwrap(),
            ArchiveKind::Statements,
            "declarations-jury.pdf",
            &pv,
        )
        .await
        .unwrap();
    // A result corrected again: the archived minutes go with the signatures they carried.
    let row = later.results(&h).await.unwrap().rows[1].clone();
    later
        .record_result(
            h.writer().unwrap(),
            &row.candidate_id,
            RecordResult {
                version: row.result.unwrap().version,
                result: result(Decision::NotObtained, CcpOutcome::NotAcquired),
                ceres_entered_on: None,
                dp_handed: true,
            },
        )
        .await
        .unwrap();
    let undone = &later.session_journal(&h, 2).await.unwrap()[1];
    assert_eq!(undone.action.as_str(), "minutes.signatures_undone");
    assert_eq!(
        undone.data["archived_minutes_withdrawn"][0]["sha256"],
        kept.sha256
    );
    assert!(
        archive_check()
            .await
            .unwrap()
            .contains("Une pièce manque à l'archive : procès-verbaux (PV).")
    );
    later
        .attach_minutes_scan(h.writer().unwrap(), "pv-signe-2.pdf", b"%PDF-1.7 pv 2")
        .await
        .unwrap();
    later
        .archive_produced(h.writer().unwrap(), ArchiveKind::Minutes, "pv.pdf", &pv)
        .await
        .unwrap();
    assert_eq!(archive_check().await, None);

    // The transmission: recorded once, after the last épreuve, with what its channel needs.
    use jalon_core::transmit::{Channel, TransmissionInput};
    let sent = |on: Date, channel: Channel, reference: &str| TransmissionInput {
        sent_on: on,
        channel,
        reference: reference.to_owned(),
        contents: "PV de session, grilles, émargement, déclarations".to_owned(),
    };
    let later = on_day(&store, date(2027, 3, 26));
    let h = open(&later, &f.admin, &id).await;
    let v = h.session().version;
    let Err(StoreError::Invalid(e)) = later
        .record_transmission(
            h.writer().unwrap(),
            v,
            sent(date(2027, 3, 27), Channel::RegisteredPost, ""),
        )
        .await
    else {
        panic!("in the future, without its number")
    };
    let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["sent_on", "reference"]);
    assert!(e[1].message.contains("le numéro du recommandé"), "{e:?}");
    // F + 5 = Wednesday 24 March; sent Thursday 25: done, and late by a day.
    let t = h.detail().milestone("close.transmit").unwrap();
    assert_eq!(t.deadline, Some(date(2027, 3, 24)));
    let done = later
        .record_transmission(
            h.writer().unwrap(),
            v,
            sent(
                date(2027, 3, 25),
                Channel::RegisteredPost,
                "1A 123 456 7890 1",
            ),
        )
        .await
        .unwrap();
    let t = done.milestone("close.transmit").unwrap();
    assert_eq!(t.state, MilestoneState::Done);
    assert_eq!(t.done_late, Some(1));
    assert!(
        t.evidence.as_deref().unwrap().starts_with(
            "Transmis le jeudi 25 mars 2027, par lettre recommandée avec accusé de réception \
                 (n° 1A 123 456 7890 1) — PV de session"
        ),
        "{:?}",
        t.evidence
    );
    let tr = done.session.transmission.as_ref().unwrap();
    assert_eq!(
        (tr.sent_on, tr.channel),
        (date(2027, 3, 25), Channel::RegisteredPost)
    );
    assert_eq!(
        check_of(&later, &f.admin, &id, "close.transmit")
            .await
            .unwrap(),
        "transmission.late : Documents transmis le jeudi 25 mars 2027, après la limite du \
         mercredi 24 mars 2027 (1 jour de retard)."
    );
    let entry = &later.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(
        entry.action.label(),
        "Transmission des documents au service départemental enregistrée"
    );
    assert_eq!(entry.data["days_late"], 1);
    let h = open(&later, &f.admin, &id).await;
    let Err(StoreError::Invalid(e)) = later
        .record_transmission(
            h.writer().unwrap(),
            h.session().version,
            sent(date(2027, 3, 25), Channel::HandDelivery, ""),
        )
        .await
    else {
        panic!("twice")
    };
    assert!(
        e[0].message
            .starts_with("la transmission est déjà enregistrée")
    );
    // Transmitted, the archive no longer changes.
    let any = later.archive_pieces(&h).await.unwrap()[0].id.clone();
    let Err(StoreError::Invalid(e)) = later
        .withdraw_archive_piece(h.writer().unwrap(), &any, "trop tard pour changer")
        .await
    else {
        panic!("after the transmission")
    };
    assert!(
        e[0].message
            .contains("transmis depuis le jeudi 25 mars 2027"),
        "{e:?}"
    );
}

async fn jurors_are_imported_all_or_nothing_and_completed_not_doubled(store: Store) {
    use jalon_core::jury::{Habilitation, JurorInput};
    use jalon_store::jurors::juror_index;
    let f = fixture(&store, "Centre Import Jurés").await;
    let w = f.admin.writer().unwrap();
    let h = |from, until| Habilitation {
        title: "RNCP37674".into(),
        granted_by: "DDETS du Rhône".into(),
        valid_from: from,
        valid_until: until,
        reference: String::new(),
    };
    let leroy = JurorInput {
        last_name: "Leroy".into(),
        first_names: "Marc".into(),
        habilitations: vec![h(date(2024, 1, 1), date(2026, 12, 31))],
        ..JurorInput::default()
    };
    store.add_juror(w, leroy.clone()).await.unwrap();
    let file = vec![
        JurorInput {
            last_name: "LEROY".into(),
            email: "marc.leroy@exemple.fr".into(),
            habilitations: vec![h(date(2027, 1, 1), date(2029, 12, 31))],
            ..leroy.clone()
        },
        JurorInput {
            last_name: "Marty".into(),
            first_names: "Sophie".into(),
            habilitations: vec![h(date(2025, 1, 1), date(2029, 12, 31))],
            ..JurorInput::default()
        },
    ];
    // A dry run says what would happen, and does nothing.
    let dry = store.import_jurors(w, file.clone(), true).await.unwrap();
    assert_eq!((dry.created, dry.updated), (1, 1));
    assert_eq!(store.jurors(&f.admin).await.unwrap().len(), 1);
    // One bad juror: nothing at all, and the refusal names its position.
    let mut bad = file.clone();
    bad.push(JurorInput {
        first_names: "Paul".into(),
        habilitations: vec![h(date(2025, 1, 1), date(2031, 1, 1))],
        ..JurorInput::default()
    });
    let Err(StoreError::Invalid(e)) = store.import_jurors(w, bad, false).await else {
        panic!("a juror without a name, past the title's expiry")
    };
    assert!(e.iter().all(|x| juror_index(&x.field) == Some(3)), "{e:?}");
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(store.jurors(&f.admin).await.unwrap().len(), 1);
    // Imported: Leroy completed (his address, a second habilitation), Marty created.
    let done = store.import_jurors(w, file.clone(), false).await.unwrap();
    assert_eq!((done.created, done.updated, done.unchanged), (1, 1, 0));
    let all = store.jurors(&f.admin).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].input.email, "marc.leroy@exemple.fr");
    assert_eq!(all[0].input.habilitations.len(), 2);
    // Again: nothing changes.
    let again = store.import_jurors(w, file, false).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    let entry = &store.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Juré enregistré");
}

async fn sealed_packets_move_forward_only_and_never_at_the_wrong_moment(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::custody::{Move, PacketKind, PacketState};
    use jalon_core::launch::{IncidentCategory, IncidentInput};
    use jalon_store::custody::{DteOrder, MoveInput, PacketInput, ReceptionInput};
    let f = fixture(&store, "Centre Plis").await;
    let other = fixture(&store, "Centre Plis Voisin").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let c = store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Arnaud".into(),
                first_names: "Camille".into(),
                birth_date: Some(date(1990, 2, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The order, at J−91 (14 December 2026), with the version read.
    let december = on_day(&store, date(2026, 12, 14));
    let h = open(&december, &f.admin, &id).await;
    let order = DteOrder {
        on: date(2026, 12, 14),
        reference: "CMD-2026-4471".into(),
        by: "Claire Martin".into(),
    };
    let dte = december
        .record_dte_order(h.writer().unwrap(), 0, order.clone())
        .await
        .unwrap();
    assert_eq!(dte.order.as_ref().unwrap().reference, "CMD-2026-4471");
    assert_eq!(dte.chase_advised, Some(date(2027, 3, 1)));
    assert_eq!(dte.mailbox, "epreuves-tertiaire@afpa.fr");
    assert!(matches!(
        december
            .record_dte_order(h.writer().unwrap(), 0, order)
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // The reception, at J−21: every problem at once, then the packets.
    let feb = on_day(&store, date(2027, 2, 22));
    let h = open(&feb, &f.admin, &id).await;
    let packet = |kind, label: &str, epreuve: Option<&str>, seals| PacketInput {
        kind,
        label: label.into(),
        epreuve: epreuve.map(Into::into),
        seals_intact: seals,
    };
    let msp = "Mise en situation professionnelle";
    let mut r = ReceptionInput {
        at: Stamp::new(feb.now()),
        by: "Claire Martin".into(),
        storage: "Armoire forte, bureau 12".into(),
        key_holders: vec!["inconnu".into()],
        packets: vec![packet(PacketKind::Subjects, "Pli 2", None, true)],
    };
    let Err(StoreError::Invalid(e)) = feb.receive_dte(h.writer().unwrap(), 1, r.clone()).await
    else {
        panic!("an unknown key holder, a subject envelope without its épreuve")
    };
    let fields: Vec<&str> = e.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(fields, ["key_holders[1]", "packets[1]"], "{e:?}");
    r.key_holders = vec![f.manager.id.to_string()];
    r.packets = vec![
        packet(PacketKind::Organiser, "Pli organisateur", None, true),
        packet(PacketKind::Subjects, "Pli 1", Some(msp), false),
        packet(PacketKind::Subjects, "Pli 2", Some("Entretien final"), true),
        packet(PacketKind::Other, "Grilles vierges", None, true),
    ];
    let dte = feb.receive_dte(h.writer().unwrap(), 1, r).await.unwrap();
    assert_eq!(
        dte.reception.as_ref().unwrap().key_holders,
        ["Claire Martin"]
    );
    assert_eq!(dte.packets.len(), 4);
    assert!(!dte.packets[1].seals_intact, "the broken seal is kept");
    let entry = &feb.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Réception des DTE enregistrée");
    let by = |who: &str, version| MoveInput {
        version,
        by: who.into(),
        witnesses: String::new(),
        before: String::new(),
        place: String::new(),
        how: String::new(),
        reason: String::new(),
    };
    let (organiser, subjects, interview, other_packet) = (
        dte.packets[0].clone(),
        dte.packets[1].clone(),
        dte.packets[2].clone(),
        dte.packets[3].clone(),
    );
    // Stored under lock.
    let stored = feb
        .move_packet(
            h.writer().unwrap(),
            &organiser.id,
            Move::Store,
            MoveInput {
                place: "Armoire forte".into(),
                ..by("Claire Martin", 1)
            },
        )
        .await
        .unwrap();
    assert_eq!(stored.state, PacketState::Stored);
    let opening = |version| MoveInput {
        witnesses: "Marc LEROY, juré".into(),
        before: "les candidats".into(),
        ..by("Claire Martin", version)
    };
    // The organiser's envelope: on J−6 (9 March) refused, on J−5 (10 March) opened.
    let j6 = on_day(&store, date(2027, 3, 9));
    let h6 = open(&j6, &f.admin, &id).await;
    let Err(StoreError::RulesBroken(v)) = j6
        .move_packet(h6.writer().unwrap(), &organiser.id, Move::Open, opening(2))
        .await
    else {
        panic!("J−6")
    };
    assert_eq!(v[0].rule, "packet.too_early");
    assert!(
        v[0].message.contains("le mercredi 10 mars 2027"),
        "{}",
        v[0].message
    );
    let j5 = on_day(&store, date(2027, 3, 10));
    let h5 = open(&j5, &f.admin, &id).await;
    let opened = j5
        .move_packet(h5.writer().unwrap(), &organiser.id, Move::Open, opening(2))
        .await
        .unwrap();
    assert_eq!(opened.opened_witnesses.as_deref(), Some("Marc LEROY, juré"));
    let Err(StoreError::RulesBroken(v)) = j5
        .move_packet(h5.writer().unwrap(), &organiser.id, Move::Open, opening(3))
        .await
    else {
        panic!("twice")
    };
    assert_eq!(v[0].rule, "packet.already_opened");
    // A stale version is a conflict.
    assert!(matches!(
        j5.move_packet(h5.writer().unwrap(), &organiser.id, Move::Open, opening(2))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    // The mise en situation's envelope: the day before refused; on the 15th opened, then
    // destroyed with a witness; then nothing more.
    let eve = on_day(&store, date(2027, 3, 14));
    let he = open(&eve, &f.admin, &id).await;
    let Err(StoreError::RulesBroken(v)) = eve
        .move_packet(he.writer().unwrap(), &subjects.id, Move::Open, opening(1))
        .await
    else {
        panic!("the day before its épreuve")
    };
    assert_eq!(v[0].rule, "packet.too_early");
    let monday = on_day(&store, date(2027, 3, 15));
    let hm = open(&monday, &f.admin, &id).await;
    monday
        .move_packet(hm.writer().unwrap(), &subjects.id, Move::Open, opening(1))
        .await
        .unwrap();
    let Err(StoreError::Invalid(e)) = monday
        .move_packet(
            hm.writer().unwrap(),
            &subjects.id,
            Move::Destroy,
            by("Claire Martin", 2),
        )
        .await
    else {
        panic!("a destruction without its witness nor how")
    };
    assert_eq!(e.len(), 2, "{e:?}");
    let destroyed = monday
        .move_packet(
            hm.writer().unwrap(),
            &subjects.id,
            Move::Destroy,
            MoveInput {
                witnesses: "Sophie MARTY, jurée".into(),
                how: "broyeur du secrétariat".into(),
                ..by("Claire Martin", 2)
            },
        )
        .await
        .unwrap();
    assert_eq!(destroyed.state, PacketState::Destroyed);
    let Err(StoreError::RulesBroken(v)) = monday
        .move_packet(hm.writer().unwrap(), &subjects.id, Move::Open, opening(3))
        .await
    else {
        panic!("opened after its destruction")
    };
    assert_eq!(v[0].rule, "packet.destroyed");
    // The entretien's envelope destroyed unopened: only with a written reason.
    let unopened = |reason: &str| MoveInput {
        witnesses: "Sophie MARTY".into(),
        how: "broyeur".into(),
        reason: reason.into(),
        ..by("Claire Martin", 1)
    };
    let Err(StoreError::RulesBroken(v)) = monday
        .move_packet(
            hm.writer().unwrap(),
            &interview.id,
            Move::Destroy,
            unopened(""),
        )
        .await
    else {
        panic!("unopened, no reason")
    };
    assert_eq!(v[0].rule, "packet.destroy_unopened");
    monday
        .move_packet(
            hm.writer().unwrap(),
            &interview.id,
            Move::Destroy,
            unopened("sujet de secours non utilisé"),
        )
        .await
        .unwrap();
    // Returned to the AFPA, with whom and why.
    let returned = monday
        .move_packet(
            hm.writer().unwrap(),
            &other_packet.id,
            Move::Return,
            MoveInput {
                place: "AFPA, service des épreuves".into(),
                reason: "envoyé par erreur".into(),
                ..by("Claire Martin", 1)
            },
        )
        .await
        .unwrap();
    assert_eq!(returned.state, PacketState::Returned);
    let entry = &monday.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Pli retourné");
    // Chased, and an incident on the day (a suspected fraud names its candidate).
    let dte = monday
        .record_chase(hm.writer().unwrap(), date(2027, 3, 1), "Claire Martin")
        .await
        .unwrap();
    assert_eq!(dte.chases.len(), 1);
    let incident = IncidentInput {
        category: IncidentCategory::SuspectedFraud,
        day: date(2027, 3, 15),
        time: jiff::civil::time(10, 40, 0, 0),
        epreuve: msp.into(),
        candidates: vec![c.id.to_string()],
        description: "Téléphone allumé sous la table".into(),
        measure: "Téléphone retiré".into(),
        witnesses: "Marc LEROY".into(),
    };
    let Err(StoreError::Invalid(_)) = monday
        .report_incident(
            hm.writer().unwrap(),
            IncidentInput {
                candidates: vec![],
                ..incident.clone()
            },
        )
        .await
    else {
        panic!("a fraud without its candidate")
    };
    monday
        .report_incident(hm.writer().unwrap(), incident)
        .await
        .unwrap();
    let list = monday.incidents(&hm).await.unwrap();
    assert_eq!(list[0].candidate_names, ["ARNAUD Camille"]);
    assert_eq!(list[0].input.time, jiff::civil::time(10, 40, 0, 0));
    // Another centre: nothing of these packets.
    let o = store
        .create_session(
            other.admin.writer().unwrap(),
            session_input(&other, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let oh = open(&monday, &other.admin, &o.session.id).await;
    assert!(matches!(
        monday
            .move_packet(
                oh.writer().unwrap(),
                &other_packet.id,
                Move::Open,
                opening(2)
            )
            .await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(monday.dte(&oh).await.unwrap().packets.is_empty());
    assert!(monday.incidents(&oh).await.unwrap().is_empty());
}

async fn an_epreuve_is_launched_with_its_manager_and_its_times_are_kept(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::launch::LaunchRecord;
    let f = fixture(&store, "Centre Lancement").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let c = store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Arnaud".into(),
                first_names: "Camille".into(),
                birth_date: Some(date(1990, 2, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let d = date(2027, 3, 15);
    let msp = "Mise en situation professionnelle";
    let t = |h, m| jiff::civil::time(h, m, 0, 0);
    // Before the day: refused.
    let Err(StoreError::Invalid(e)) = store
        .record_day_manager(h.writer().unwrap(), d, "Claire Martin")
        .await
    else {
        panic!("before the day")
    };
    assert!(e[0].message.contains("n'est pas encore venu"), "{e:?}");
    let monday = on_day(&store, d);
    let h = open(&monday, &f.admin, &id).await;
    let day = monday.launch_day(&h, d).await.unwrap();
    assert_eq!(day.epreuves[0].epreuve, msp);
    let planned = day.epreuves[0].planned_start.unwrap();
    // No manager recorded: no launch.
    let Err(StoreError::RulesBroken(v)) = monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::Start { at: planned },
        )
        .await
    else {
        panic!("without the manager")
    };
    assert_eq!(v[0].rule, "launch.no_manager");
    monday
        .record_day_manager(h.writer().unwrap(), d, "Claire Martin")
        .await
        .unwrap();
    let late_start = planned
        .checked_add(jiff::SignedDuration::from_mins(12))
        .unwrap();
    let day = monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::Start { at: late_start },
        )
        .await
        .unwrap();
    assert_eq!(
        day.epreuves[0].start_against_schedule.as_deref(),
        Some(
            format!(
                "{}, 12 min après l'heure prévue ({})",
                jalon_core::fr::time(late_start),
                jalon_core::fr::time(planned)
            )
            .as_str()
        )
    );
    // A late candidate: after the start only.
    let Err(StoreError::Invalid(e)) = monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::Late {
                candidate: c.id.to_string(),
                arrived: planned,
            },
        )
        .await
    else {
        panic!("arrived before the start")
    };
    assert!(e[0].message.contains("ce n'est pas un retard"), "{e:?}");
    let arrived = late_start
        .checked_add(jiff::SignedDuration::from_mins(20))
        .unwrap();
    let day = monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::Late {
                candidate: c.id.to_string(),
                arrived,
            },
        )
        .await
        .unwrap();
    assert_eq!(day.epreuves[0].late[0].0, "ARNAUD Camille");
    monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::DestroyUnused {
                count: 2,
                witness: "Marc LEROY, juré".into(),
            },
        )
        .await
        .unwrap();
    let Err(StoreError::Invalid(_)) = monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::End { at: t(7, 0) },
        )
        .await
    else {
        panic!("an end before the start")
    };
    let day = monday
        .record_launch(
            h.writer().unwrap(),
            d,
            msp,
            LaunchRecord::End { at: t(17, 0) },
        )
        .await
        .unwrap();
    assert_eq!(day.epreuves[0].ended, Some(t(17, 0)));
    assert_eq!(day.epreuves[0].unused_count, Some(2));
    // An épreuve the timetable does not hold that day.
    assert!(matches!(
        monday
            .record_launch(
                h.writer().unwrap(),
                d,
                "Dictée",
                LaunchRecord::Start { at: t(9, 0) }
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    let entry = &monday.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(
        entry.action.label(),
        "Fin officielle d'une épreuve enregistrée"
    );
}

async fn a_result_waits_for_the_whole_passage_and_is_corrected_with_its_version(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
    use jalon_store::attendance::AttendanceInput;
    use jalon_store::results::RecordResult;
    use jalon_store::schedule::SlotInput;
    let f = fixture(&store, "Centre Résultats").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let add = |last: &'static str, first: &'static str| {
        let h = &h;
        let store = &store;
        async move {
            store
                .add_candidate(
                    h.writer().unwrap(),
                    CandidateInput {
                        last_name: last.into(),
                        first_names: first.into(),
                        birth_date: Some(date(1990, 2, 1)),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
        }
    };
    let lea = add("Arnaud", "Léa").await;
    let hugo = add("Brun", "Hugo").await;
    // The mise en situation on Monday, the entretien final on Tuesday.
    store
        .set_schedule(
            h.writer().unwrap(),
            &[
                SlotInput {
                    date: "15/03/2027".into(),
                    start: "9h".into(),
                },
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "9h".into(),
                },
            ],
        )
        .await
        .unwrap();
    let (msp, ef) = ("Mise en situation professionnelle", "Entretien final");
    let result = |e: &[(&str, Outcome)], ccp: Option<CcpOutcome>, d: Decision| ResultInput {
        epreuves: e.iter().map(|(n, o)| ((*n).to_owned(), *o)).collect(),
        ccps: ccp.map(|o| ("CCP1".to_owned(), o)).into_iter().collect(),
        decision: d,
    };
    let record = |on: &Store, c: &jalon_store::CandidateId, version: i64, r: ResultInput| {
        let on = on.clone();
        let c = c.clone();
        let id = id.clone();
        let admin = f.admin.clone();
        async move {
            let h = on.open_session(&admin, &id).await.unwrap();
            on.record_result(
                h.writer().unwrap(),
                &c,
                RecordResult {
                    version,
                    result: r,
                    ceres_entered_on: None,
                    dp_handed: true,
                },
            )
            .await
        }
    };
    // Monday evening, both noted present at the mise en situation: Léa's result is refused,
    // her entretien final is tomorrow.
    let monday = on_day(&store, date(2027, 3, 15));
    let mh = open(&monday, &f.admin, &id).await;
    for c in [&lea.id, &hugo.id] {
        monday
            .record_attendance(
                mh.writer().unwrap(),
                c,
                AttendanceInput {
                    day: date(2027, 3, 15),
                    epreuve: msp.into(),
                    present: true,
                    identity_checked: true,
                    signed: true,
                },
            )
            .await
            .unwrap();
    }
    let done = result(
        &[(msp, Outcome::Done), (ef, Outcome::Done)],
        Some(CcpOutcome::Acquired),
        Decision::Obtained,
    );
    let Err(StoreError::RulesBroken(v)) = record(&monday, &lea.id, 0, done.clone()).await else {
        panic!("before the entretien final")
    };
    assert_eq!(v[0].rule, "results.incomplete_passage");
    assert_eq!(
        v[0].message,
        "le passage du candidat n'est pas complet, entretien final compris : « Entretien final » \
         a lieu le mardi 16 mars 2027"
    );
    assert_eq!(v[0].milestone.as_str(), "close.enter_results");
    // Tuesday: Léa passes her entretien, Hugo misses his.
    let tuesday = on_day(&store, date(2027, 3, 16));
    let th = open(&tuesday, &f.admin, &id).await;
    for (c, present) in [(&lea.id, true), (&hugo.id, false)] {
        tuesday
            .record_attendance(
                th.writer().unwrap(),
                c,
                AttendanceInput {
                    day: date(2027, 3, 16),
                    epreuve: ef.into(),
                    present,
                    identity_checked: present,
                    signed: present,
                },
            )
            .await
            .unwrap();
    }
    let r = record(&tuesday, &lea.id, 0, done.clone()).await.unwrap();
    assert_eq!(r.version, 1);
    assert_eq!(r.input.decision, Decision::Obtained);
    // Hugo, noted absent: « done » contradicts the sign-in; « absent » is recorded.
    let Err(StoreError::RulesBroken(v)) = record(&tuesday, &hugo.id, 0, done.clone()).await else {
        panic!("against the sign-in")
    };
    assert_eq!(v[0].rule, "results.inconsistent");
    assert_eq!(
        v[0].message,
        "« Entretien final » : le candidat est noté absent à l'émargement"
    );
    let absent = result(
        &[(msp, Outcome::Done), (ef, Outcome::Absent)],
        None,
        Decision::AbsentJustified,
    );
    record(&tuesday, &hugo.id, 0, absent).await.unwrap();
    // Corrected with a stale version: refused; with the one read: kept, and journaled.
    let partial = result(
        &[(msp, Outcome::Done), (ef, Outcome::Done)],
        Some(CcpOutcome::NotAcquired),
        Decision::NotObtained,
    );
    let stale = record(&tuesday, &lea.id, 0, partial.clone()).await;
    assert!(
        matches!(stale, Err(StoreError::Conflict { .. })),
        "{stale:?}"
    );
    let r = record(&tuesday, &lea.id, 1, partial).await.unwrap();
    assert_eq!((r.version, r.input.decision), (2, Decision::NotObtained));
    let entry = &tuesday.journal(&f.admin, 1).await.unwrap()[0];
    assert_eq!(entry.action.label(), "Résultat d'un candidat enregistré");
    assert_eq!(entry.data["decision"], "non obtenu");
    assert_eq!(entry.data["before"], "titre obtenu");
    let sheet = tuesday.results(&th).await.unwrap();
    assert_eq!(
        sheet.ccps,
        [(
            "CCP1".to_owned(),
            "Développer la partie front-end".to_owned()
        )]
    );
    assert_eq!(sheet.rows.len(), 2);
    assert!(sheet.rows.iter().all(|r| r.result.is_some()));
    // The check: both have a result, neither is entered in CERES yet.
    let check = |on: Store| {
        let (admin, id) = (f.admin.clone(), id.clone());
        async move {
            let h = on.open_session(&admin, &id).await.unwrap();
            on.review(&h)
                .await
                .unwrap()
                .0
                .into_iter()
                .find(|(m, _)| m.as_str() == "close.enter_results")
                .and_then(|(_, v)| v)
                .map(|v| v.rule)
        }
    };
    assert_eq!(check(tuesday.clone()).await, Some("results.not_in_ceres"));
    let h = open(&tuesday, &f.admin, &id).await;
    for row in tuesday.results(&h).await.unwrap().rows {
        let r = row.result.unwrap();
        tuesday
            .record_result(
                h.writer().unwrap(),
                &row.candidate_id,
                RecordResult {
                    version: r.version,
                    result: r.input,
                    ceres_entered_on: Some(date(2027, 3, 16)),
                    dp_handed: r.dp_handed,
                },
            )
            .await
            .unwrap();
    }
    assert_eq!(check(tuesday.clone()).await, None);
    // Another centre reads nothing of it.
    let other = fixture(&store, "Centre Voisin").await;
    assert!(matches!(
        tuesday.open_session(&other.admin, &id).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn a_candidate_is_presented_again_twice_within_twelve_months(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
    use jalon_store::results::RecordResult;
    let f = fixture(&store, "Centre Rattrapage").await;
    let create = |start: Date, end: Date| {
        let (store, f) = (&store, &f);
        async move {
            store
                .create_session(f.admin.writer().unwrap(), session_input(f, start, end))
                .await
                .unwrap()
                .session
                .id
        }
    };
    let first = create(date(2027, 3, 15), date(2027, 3, 19)).await;
    let h = open(&store, &f.admin, &first).await;
    let person = |last: &str, first: &str| CandidateInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: Some(date(1990, 2, 1)),
        training_end: Some(date(2026, 8, 31)),
        ..Default::default()
    };
    let lea = store
        .add_candidate(h.writer().unwrap(), person("Arnaud", "Léa"))
        .await
        .unwrap();
    let hugo = store
        .add_candidate(h.writer().unwrap(), person("Brun", "Hugo"))
        .await
        .unwrap();
    // Results after the session: Léa in partial success (one CCP of one: not acquired,
    // so « non obtenu »), Hugo obtains the title.
    let after = on_day(&store, date(2027, 3, 22));
    let h = open(&after, &f.admin, &first).await;
    let epreuves: std::collections::BTreeMap<String, Outcome> = [
        (
            "Mise en situation professionnelle".to_owned(),
            Outcome::Done,
        ),
        ("Entretien final".to_owned(), Outcome::Done),
    ]
    .into_iter()
    .collect();
    for (c, ccp, decision) in [
        (&lea.id, CcpOutcome::NotAcquired, Decision::NotObtained),
        (&hugo.id, CcpOutcome::Acquired, Decision::Obtained),
    ] {
        after
            .record_result(
                h.writer().unwrap(),
                c,
                RecordResult {
                    version: 0,
                    result: ResultInput {
                        epreuves: epreuves.clone(),
                        ccps: [("CCP1".to_owned(), ccp)].into_iter().collect(),
                        decision,
                    },
                    ceres_entered_on: Some(date(2027, 3, 22)),
                    dp_handed: true,
                },
            )
            .await
            .unwrap();
    }
    let later = create(date(2027, 6, 14), date(2027, 6, 18)).await;
    // Not yet validated: the results are not official.
    let target = open(&after, &f.admin, &later).await;
    let Err(StoreError::RulesBroken(v)) = after
        .represent_candidate(target.writer().unwrap(), &h, &lea.id)
        .await
    else {
        panic!("before the validation")
    };
    assert_eq!(v[0].rule, "represent.not_eligible");
    // Nor is the centre's letter, which offers it, given before the validation.
    let Err(StoreError::RulesBroken(v)) = after
        .record_letter_handed(h.writer().unwrap(), &lea.id)
        .await
    else {
        panic!("the letter before the validation")
    };
    assert_eq!(v[0].rule, "results.embargo");
    transmit(&after, &h, date(2027, 3, 22)).await;
    let h = open(&after, &f.admin, &first).await;
    after
        .record_validation(h.writer().unwrap(), h.session().version, date(2027, 3, 22))
        .await
        .unwrap();
    let h = open(&after, &f.admin, &first).await;
    // Validated: Léa, who did not obtain the title, is offered a new presentation by the
    // centre's letter — handed to her; Hugo, who did, needs none.
    assert_eq!(
        check_of(&after, &f.admin, &first, "followup.represent").await,
        Some(
            "represent.not_offered : 1 candidat en échec ou en réussite partielle sans le \
             courrier du centre qui propose une nouvelle présentation : ARNAUD Léa, né(e) le \
             01/02/1990."
                .to_owned()
        )
    );
    after
        .record_letter_handed(h.writer().unwrap(), &lea.id)
        .await
        .unwrap();
    assert_eq!(
        check_of(&after, &f.admin, &first, "followup.represent").await,
        None
    );
    let entry = &after.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(
        entry.action.label(),
        "Courrier de résultat remis en main propre au candidat"
    );
    // The documents the service sends: a letter of information for Léa, the parchment for
    // Hugo; each received after the launch only.
    let docs = after.candidate_documents(&h).await.unwrap();
    let labels: Vec<&str> = docs
        .rows
        .iter()
        .map(|r| r.document.unwrap().label())
        .collect();
    assert_eq!(labels, ["courrier d'information", "parchemin"]);
    assert!(matches!(
        after
            .record_document_received(
                h.writer().unwrap(),
                &hugo.id,
                date(2027, 3, 22),
                "reçu par courrier"
            )
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        check_of(&after, &f.admin, &first, "validation.send_documents")
            .await
            .map(|m| m.starts_with("documents.not_launched")),
        Some(true)
    );
    after
        .record_documents_launched(h.writer().unwrap(), date(2027, 3, 22))
        .await
        .unwrap();
    let docs = after
        .record_document_received(
            h.writer().unwrap(),
            &hugo.id,
            date(2027, 3, 22),
            "retiré au centre",
        )
        .await
        .unwrap();
    assert_eq!(docs.rows[1].how.as_deref(), Some("retiré au centre"));
    assert_eq!(
        check_of(&after, &f.admin, &first, "validation.send_documents").await,
        None
    );
    // The general minutes, received: joined to their milestone.
    assert!(
        check_of(&after, &f.admin, &first, "validation.general_minutes")
            .await
            .unwrap()
            .starts_with("general_minutes.missing")
    );
    after
        .attach_milestone_file(
            h.writer().unwrap(),
            &jalon_core::MilestoneId::new("validation.general_minutes"),
            "pv-general.pdf",
            b"%PDF-1.7 pv general",
        )
        .await
        .unwrap();
    assert_eq!(
        check_of(&after, &f.admin, &first, "validation.general_minutes").await,
        None
    );
    let h = open(&after, &f.admin, &first).await;
    // The eligible: Léa only, with her deadline computed from her training's end.
    let eligible = after.eligible_again(&f.admin).await.unwrap();
    assert_eq!(eligible.len(), 1, "{eligible:?}");
    assert_eq!(eligible[0].name, "ARNAUD Léa");
    assert_eq!(eligible[0].deadline, Some(date(2027, 8, 31)));
    assert_eq!(
        eligible[0].left,
        "2 nouvelles présentations jusqu'au mardi 31 août 2027"
    );
    // Hugo obtained the title: nothing to present again.
    let Err(StoreError::RulesBroken(v)) = after
        .represent_candidate(target.writer().unwrap(), &h, &hugo.id)
        .await
    else {
        panic!("obtained")
    };
    assert_eq!(v[0].rule, "represent.not_eligible");
    // June: registered, linked, journaled.
    let again = after
        .represent_candidate(target.writer().unwrap(), &h, &lea.id)
        .await
        .unwrap();
    assert_eq!(again.input.last_name, "Arnaud");
    let e = &after.session_journal(&target, 1).await.unwrap()[0];
    assert_eq!(e.action.label(), "Candidat présenté de nouveau");
    assert_eq!(e.data["attempt"], 1);
    // September: past the 31st of August, refused.
    let september = create(date(2027, 9, 6), date(2027, 9, 10)).await;
    let s = open(&after, &f.admin, &september).await;
    let Err(StoreError::RulesBroken(v)) = after
        .represent_candidate(s.writer().unwrap(), &h, &lea.id)
        .await
    else {
        panic!("too late")
    };
    assert_eq!(v[0].rule, "represent.too_late");
    assert!(
        v[0].message.contains("après le mardi 31 août 2027"),
        "{}",
        v[0].message
    );
    // July: the second; August: a third, refused.
    let july = create(date(2027, 7, 5), date(2027, 7, 9)).await;
    let j = open(&after, &f.admin, &july).await;
    after
        .represent_candidate(j.writer().unwrap(), &h, &lea.id)
        .await
        .unwrap();
    let august = create(date(2027, 8, 23), date(2027, 8, 27)).await;
    let a = open(&after, &f.admin, &august).await;
    let Err(StoreError::RulesBroken(v)) = after
        .represent_candidate(a.writer().unwrap(), &h, &lea.id)
        .await
    else {
        panic!("a third time")
    };
    assert_eq!(v[0].rule, "represent.limit_reached");
    assert_eq!(
        after.eligible_again(&f.admin).await.unwrap()[0].left,
        "plus de nouvelle présentation possible"
    );
    // Were it a transport title, its référentiel would decide: nothing until it is given,
    // then its own rule (three new presentations within 12 months: the August one allowed).
    let mut t = after.title(&f.admin, &f.title.id).await.unwrap();
    t.transport = true;
    let t = after
        .update_title(&f.admin, &t.id, t.version, title_input(&t))
        .await
        .unwrap();
    assert_eq!(
        after.eligible_again(&f.admin).await.unwrap()[0].left,
        "voir le référentiel d'évaluation"
    );
    let a = open(&after, &f.admin, &august).await;
    let Err(StoreError::RulesBroken(v)) = after
        .represent_candidate(a.writer().unwrap(), &h, &lea.id)
        .await
    else {
        panic!("a transport title without its rule")
    };
    assert_eq!(v[0].rule, "represent.rule_unknown");
    let mut t = t;
    t.structure.represent = Some(jalon_core::represent::RepresentRule { max: 3, months: 12 });
    after
        .update_title(&f.admin, &t.id, t.version, title_input(&t))
        .await
        .unwrap();
    let a = open(&after, &f.admin, &august).await;
    after
        .represent_candidate(a.writer().unwrap(), &h, &lea.id)
        .await
        .unwrap();
    // Another centre cannot present her.
    let other = fixture(&store, "Centre Voisin").await;
    assert!(matches!(
        after.open_session(&other.admin, &first).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn a_titles_own_transmission_delay_moves_its_sessions_deadline(store: Store) {
    use jalon_core::transmit::TransmitDelay;
    let f = fixture(&store, "Centre Transport").await;
    let w = f.admin.writer().unwrap();
    let s = store
        .create_session(w, session_input(&f, date(2027, 3, 15), date(2027, 3, 19)))
        .await
        .unwrap();
    let id = s.session.id.clone();
    let deadline =
        |d: &jalon_store::sessions::SessionDetail| d.milestone("close.transmit").unwrap().deadline;
    assert_eq!(deadline(&s), Some(date(2027, 3, 24)), "the seed's 5 days");
    // The title's arrêté says 5 working days: F Friday 19 + 5 = Friday 26 March.
    let mut t = f.title.clone();
    t.structure.transmit = Some(TransmitDelay {
        days: 5,
        working: true,
    });
    let t = store
        .update_title(&f.admin, &t.id, t.version, title_input(&t))
        .await
        .unwrap();
    assert_eq!(
        t.structure.transmit,
        Some(TransmitDelay {
            days: 5,
            working: true
        })
    );
    let h = open(&store, &f.admin, &id).await;
    assert_eq!(deadline(h.detail()), Some(date(2027, 3, 26)));
    let replanned = journal_of(&store, &f.admin, id.as_str(), 1).await;
    assert_eq!(replanned[0].action.as_str(), "session.replanned");
    assert!(
        replanned[0]
            .data
            .to_string()
            .contains("délai de transmission celui de la chronologie → 5 jours ouvrés"),
        "{}",
        replanned[0].data
    );
    // Back to the seed's.
    let mut t = t;
    t.structure.transmit = None;
    store
        .update_title(&f.admin, &t.id, t.version, title_input(&t))
        .await
        .unwrap();
    let h = open(&store, &f.admin, &id).await;
    assert_eq!(deadline(h.detail()), Some(date(2027, 3, 24)));
}

async fn a_candidate_by_capitalisation_takes_the_entretien_final_alone(store: Store) {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::results::{CcpOutcome, Decision, Outcome, ResultInput};
    use jalon_store::results::RecordResult;
    use jalon_store::schedule::SlotInput;
    let f = fixture(&store, "Centre Capitalisation").await;
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = open(&store, &f.admin, &id).await;
    let zoe = store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Colin".into(),
                first_names: "Zoé".into(),
                birth_date: Some(date(1988, 4, 2)),
                capitalisation: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(zoe.input.capitalisation, "kept");
    store
        .set_schedule(
            h.writer().unwrap(),
            &[
                SlotInput {
                    date: "15/03/2027".into(),
                    start: "9h".into(),
                },
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "9h".into(),
                },
            ],
        )
        .await
        .unwrap();
    // Her timetable and her results sheet: the entretien final alone.
    let schedule = store.schedule(&h).await.unwrap();
    let hers: Vec<&str> = schedule
        .of_candidate(zoe.id.as_str())
        .iter()
        .filter(|p| p.candidate.is_some())
        .map(|p| p.epreuve.as_str())
        .collect();
    assert_eq!(hers, ["Entretien final"]);
    let after = on_day(&store, date(2027, 3, 22));
    let h = open(&after, &f.admin, &id).await;
    let sheet = after.results(&h).await.unwrap();
    let row = &sheet.rows[0];
    let epreuves: Vec<&str> = row.passages.iter().map(|p| p.epreuve.as_str()).collect();
    assert_eq!(epreuves, ["Entretien final"]);
    // Her result: the entretien final done, every CCP already hers, the title.
    after
        .record_result(
            h.writer().unwrap(),
            &zoe.id,
            RecordResult {
                version: 0,
                result: ResultInput {
                    epreuves: [("Entretien final".to_owned(), Outcome::Done)]
                        .into_iter()
                        .collect(),
                    ccps: [("CCP1".to_owned(), CcpOutcome::Acquired)]
                        .into_iter()
                        .collect(),
                    decision: Decision::Obtained,
                },
                ceres_entered_on: Some(date(2027, 3, 22)),
                dp_handed: true,
            },
        )
        .await
        .unwrap();
    // A mise en situation recorded for her is refused: it is not hers.
    let row = after.results(&h).await.unwrap().rows[0].clone();
    let Err(StoreError::RulesBroken(v)) = after
        .record_result(
            h.writer().unwrap(),
            &zoe.id,
            RecordResult {
                version: row.result.unwrap().version,
                result: ResultInput {
                    epreuves: [
                        ("Entretien final".to_owned(), Outcome::Done),
                        (
                            "Mise en situation professionnelle".to_owned(),
                            Outcome::Done,
                        ),
                    ]
                    .into_iter()
                    .collect(),
                    ccps: [("CCP1".to_owned(), CcpOutcome::Acquired)]
                        .into_iter()
                        .collect(),
                    decision: Decision::Obtained,
                },
                ceres_entered_on: None,
                dp_handed: true,
            },
        )
        .await
    else {
        panic!("not her épreuve")
    };
    assert!(
        v[0].message
            .contains("n'est pas une épreuve de ce candidat dans cette session"),
        "{v:?}"
    );
}

async fn a_nul_character_is_refused_never_a_server_error(store: Store) {
    use jalon_core::candidate::CandidateInput;
    let f = fixture(&store, "Centre Nul").await;
    // At the login, before any account: the answer of an unknown address.
    assert!(matches!(
        store
            .login("admin@centre-nul.fr\0", "correct horse battery")
            .await,
        Err(StoreError::BadCredentials)
    ));
    // In an address: not found, or refused — never a database error.
    let weird = SessionId::from("01a2\0b");
    let e = store.open_session(&f.admin, &weird).await.unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound { .. } | StoreError::Invalid(_)),
        "{e:?}"
    );
    // In a name, the candidate's rules refuse it; in free text, PostgreSQL refuses it in
    // French and SQLite keeps it (the pages and the API refuse it before, at their boundary).
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    match store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                address: "12 rue\0 Haute".into(),
                ..Default::default()
            },
        )
        .await
    {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e[0].field, "address");
            assert!(e[0].message.contains("caractère nul"), "{e:?}")
        }
        other => panic!("a NUL character kept on {:?}: {other:?}", store.backend()),
    }
}

/// Text enters through one boundary, whatever the backend: a name that only looks
/// different is the same person, a direction override or a line break in a name is refused,
/// a name has a length, and a title cannot expire in year 0.
async fn text_enters_through_one_boundary(store: Store) {
    use jalon_core::candidate::CandidateInput;
    let f = fixture(&store, "Centre Texte").await;
    let a = f.admin.admin().unwrap();
    let s = store
        .create_session(
            f.admin.writer().unwrap(),
            session_input(&f, date(2027, 3, 15), date(2027, 3, 19)),
        )
        .await
        .unwrap();
    let h = open(&store, &f.admin, &s.session.id).await;
    let person = |last: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Jean".into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    store
        .add_candidate(h.writer().unwrap(), person("Dupont"))
        .await
        .unwrap();
    for (again, how) in [
        ("Du\u{200b}pont", "a zero-width space"),
        ("Dup\u{43e}nt", "a Cyrillic о"),
        ("DUP\u{39f}NT", "a Greek Ο"),
        ("Ｄｕｐｏｎｔ", "full-width letters"),
    ] {
        match store
            .add_candidate(h.writer().unwrap(), person(again))
            .await
        {
            Err(StoreError::Invalid(e)) => {
                assert!(
                    e.iter().any(|e| e.message.contains("est déjà inscrit(e)")),
                    "{how}: {e:?}"
                )
            }
            other => panic!("{how} registered the same person twice: {other:?}"),
        }
    }
    for (name, field, shown) in [
        ("Martin\u{202e}nitraM", "last_name", "U+202E"),
        ("Martin\r\nBcc: x@y.fr", "last_name", "U+000D"),
    ] {
        match store.add_candidate(h.writer().unwrap(), person(name)).await {
            Err(StoreError::Invalid(e)) => assert!(
                e.iter()
                    .any(|e| e.field == field && e.message.contains(shown)),
                "{e:?}"
            ),
            other => panic!("{name:?} kept: {other:?}"),
        }
    }
    let h = open(&store, &f.admin, &s.session.id).await;
    assert_eq!(store.candidates(&h).await.unwrap().len(), 1);

    // A megabyte of site name is refused, not stored.
    let site = SiteInput {
        rooms: Vec::new(),
        name: "S".repeat(1_000_000),
        address: "1 rue Haute".into(),
        postcode: "69001".into(),
        city: "Lyon".into(),
        zone: Zone::Metropole,
    };
    match store.create_site(a, site).await {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e[0].field, "name");
            assert!(
                e[0].message
                    .starts_with("texte trop long : 200 caractères au plus")
            );
        }
        other => panic!("a 1 MB site name: {other:?}"),
    }
    // A title expiring in year 0 is a typing error.
    let mut title = TitleInput {
        rncp_code: f.title.rncp_code.clone(),
        name: f.title.name.clone(),
        domain: f.title.domain,
        transport: false,
        expiry: date(0, 1, 1),
        structure: f.title.structure.clone(),
    };
    title.rncp_code = "37675".into();
    match store.create_title(a, title).await {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e[0].field, "expiry");
            assert!(e[0].message.contains("1990 à 2100"), "{e:?}");
        }
        other => panic!("a title expiring in year 0: {other:?}"),
    }
}

/// A transaction the database ended by itself (SQLite rolls back on a full disk, so the
/// rollback queued when it is dropped fails): its connection is never lent again inside it,
/// and every later write works.
async fn a_failed_transaction_never_poisons_the_pool(store: Store) {
    let f = fixture(&store, "Centre Disque").await;
    let a = f.admin.admin().unwrap();
    for _ in 0..12 {
        let mut tx = store.pool().begin().await.unwrap();
        sqlx::query("ROLLBACK").execute(&mut *tx).await.unwrap();
        drop(tx);
    }
    for i in 0..12 {
        let site = SiteInput {
            rooms: Vec::new(),
            name: format!("Site {i}"),
            address: "1 rue Haute".into(),
            postcode: "69001".into(),
            city: "Lyon".into(),
            zone: Zone::Metropole,
        };
        if let Err(e) = store.create_site(a, site).await {
            panic!("write {i} after the failed transactions: {e}");
        }
    }
}

contract!(
    a_failed_transaction_never_poisons_the_pool,
    a_nul_character_is_refused_never_a_server_error,
    text_enters_through_one_boundary,
    a_candidate_by_capitalisation_takes_the_entretien_final_alone,
    a_titles_own_transmission_delay_moves_its_sessions_deadline,
    a_candidate_is_presented_again_twice_within_twelve_months,
    a_result_waits_for_the_whole_passage_and_is_corrected_with_its_version,
    an_epreuve_is_launched_with_its_manager_and_its_times_are_kept,
    sealed_packets_move_forward_only_and_never_at_the_wrong_moment,
    jurors_are_imported_all_or_nothing_and_completed_not_doubled,
    a_jury_is_appointed_checked_welcomed_and_sworn,
    a_centre_records_its_jurors_and_their_habilitations,
    presence_is_noted_per_day_and_epreuve,
    two_sessions_booking_one_plateau_at_once_is_shown_on_both,
    the_timetable_is_edited_passage_by_passage_and_follows_the_candidates,
    extra_time_lengthens_the_candidates_own_passages,
    a_centre_gives_its_logo_and_takes_it_back,
    files_are_attached_to_milestones_with_their_sha256,
    the_centres_settings_are_changed_by_an_administrator,
    modes_are_chosen_for_several_candidates_all_or_none,
    a_candidate_is_corrected_then_withdraws,
    the_days_own_work_cannot_be_done_before_its_day,
    a_session_created_in_ceres_before_the_expiry_stays_conform_after_it,
    a_title_expiring_before_the_session_warns_whatever_the_day,
    a_convocation_handed_over_at_d_minus_29_is_named_late,
    a_milestone_done_two_days_late_says_so_everywhere,
    checklists_are_ticked_item_by_item_and_each_day_attested,
    complements_requested_keep_the_session_awaiting_validation,
);
