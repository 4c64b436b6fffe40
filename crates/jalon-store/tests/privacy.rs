//! Personal data over time, on SQLite and PostgreSQL alike: personal links that expire, the
//! anonymisation once the retention period is over (the journal still verifies), and the
//! export of one person's data.

mod common;

use jalon_core::candidate::CandidateInput;
use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Seat};
use jalon_core::privacy::LinkState;
use jalon_core::{Domain, Kind, Zone};
use jalon_store::catalog::{
    ApprovalInput, Ccp, Epreuve, EpreuveKind, SiteInput, TitleInput, TitleStructure,
};
use jalon_store::convocations::Mode;
use jalon_store::sessions::SessionInput;
use jalon_store::users::NewUser;
use jalon_store::{Actor, Role, SessionId, Store, StoreError};
use jiff::civil::{Date, date};

/// A centre with a title, a site, an approval and one session from 15 to 19 March 2027,
/// with two candidates convened by email.
struct World {
    admin: Actor,
    session: SessionId,
}

async fn world(store: &Store, centre: &str) -> World {
    let slug = centre.to_lowercase().replace(' ', "-");
    let user = |email: String, name: &str, role| NewUser {
        email,
        display_name: name.into(),
        role,
        password: "correct horse battery".into(),
    };
    let (c, _) = store
        .create_centre(
            centre,
            user(format!("admin@{slug}.fr"), "Alice Admin", Role::Admin),
        )
        .await
        .unwrap();
    let admin = Actor::command_line(c.id);
    let a = admin.admin().unwrap();
    let manager = store
        .add_user(
            a,
            user(format!("claire@{slug}.fr"), "Claire Martin", Role::Manager),
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
    let s = store
        .create_session(
            admin.writer().unwrap(),
            SessionInput {
                title_id: title.id.clone(),
                approval_id: Some(approval.id.clone()),
                site_id: site.id.clone(),
                kind: Kind::Title,
                start: date(2027, 3, 15),
                end: Some(date(2027, 3, 19)),
                ceres_number: None,
                ceres_created_on: None,
                manager_id: Some(manager.id.clone()),
                override_justification: None,
            },
        )
        .await
        .unwrap();
    let session = s.session.id.clone();
    let h = store.open_session(&admin, &session).await.unwrap();
    let person = |last: &str| CandidateInput {
        last_name: last.into(),
        first_names: "Lou".into(),
        birth_date: Some(date(1990, 2, 1)),
        email: format!("lou.{}@exemple.fr", last.to_lowercase()),
        phone: "06 12 34 56 78".into(),
        address: "3 rue des Lilas".into(),
        postcode: "69003".into(),
        city: "Lyon".into(),
        ..Default::default()
    };
    let sw = h.writer().unwrap();
    store
        .import_candidates(sw, vec![person("Dupont"), person("Martin")], false)
        .await
        .unwrap();
    for c in store.candidates(&h).await.unwrap() {
        store
            .set_convocation_mode(sw, &c.id, Mode::EmailReceipts)
            .await
            .unwrap();
    }
    World { admin, session }
}

/// The personal links of the session's candidates, as the emails carry them.
async fn send_convocations(store: &Store, w: &World) -> Vec<String> {
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    let sw = h.writer().unwrap();
    let (claimed, _) = store.claim_email_convocations(sw).await.unwrap();
    let mut tokens = Vec::new();
    for c in claimed {
        store.email_sent(sw, &c.candidate_id, Ok(())).await.unwrap();
        tokens.push(c.ack_token);
    }
    tokens
}

/// The same store, its clock at noon in Paris on `day`.
fn on_day(store: &Store, day: Date) -> Store {
    let noon = day
        .at(12, 0, 0, 0)
        .in_tz("Europe/Paris")
        .unwrap()
        .timestamp();
    store.clone().with_clock(jalon_store::Clock::Fixed(noon))
}

async fn a_candidates_link_stops_when_the_session_is_cancelled(store: Store) {
    let w = world(&store, "Centre Lien").await;
    let tokens = send_convocations(&store, &w).await;
    assert_eq!(tokens.len(), 2);
    let link = store.candidate_link(&tokens[0]).await.unwrap().unwrap();
    assert_eq!(link.state(), LinkState::Open);
    store.candidate_page(&link).await.unwrap();
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    store
        .cancel_session(
            h.writer().unwrap(),
            h.session().version,
            "Plateau indisponible",
        )
        .await
        .unwrap();
    // The finding: the link still acknowledged after the cancellation.
    let link = store.candidate_link(&tokens[1]).await.unwrap().unwrap();
    assert_eq!(link.state(), LinkState::Cancelled);
    let Err(StoreError::Expired(text)) = store.acknowledge_convocation(&link, "203.0.113.7").await
    else {
        panic!("a cancelled session's link acknowledges nothing")
    };
    assert!(text.contains("la session a été annulée"), "{text}");
    assert!(matches!(
        store.candidate_page(&link).await,
        Err(StoreError::Expired(_))
    ));
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    let read = store.convocations(&h).await.unwrap();
    assert!(read.iter().all(|v| v.read_at.is_none()), "nothing recorded");
}

async fn a_candidates_link_stops_ninety_days_after_an_unvalidated_session(store: Store) {
    let w = world(&store, "Centre Fin").await;
    let tokens = send_convocations(&store, &w).await;
    let late = on_day(&store, date(2027, 6, 17));
    let link = late.candidate_link(&tokens[0]).await.unwrap().unwrap();
    assert_eq!(link.state(), LinkState::Open, "day 90 after the last day");
    let later = on_day(&store, date(2027, 6, 18));
    let link = later.candidate_link(&tokens[0]).await.unwrap().unwrap();
    assert_eq!(
        link.state(),
        LinkState::Ended {
            since: date(2027, 6, 18)
        }
    );
    let Err(StoreError::Expired(text)) = later.acknowledge_convocation(&link, "ailleurs").await
    else {
        panic!("an ended session's link acknowledges nothing")
    };
    assert!(text.contains("la session est terminée"), "{text}");
}

async fn a_jurors_link_closes_a_cancelled_session_and_stops_with_it(store: Store) {
    let w = world(&store, "Centre Juré").await;
    let writer = w.admin.writer().unwrap();
    let juror = |last: &str| JurorInput {
        last_name: last.into(),
        first_names: "Marc".into(),
        email: format!("{}@exemple.fr", last.to_lowercase()),
        status: JurorStatus::Independent,
        habilitations: vec![Habilitation {
            title: "RNCP37674".into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: date(2025, 1, 1),
            valid_until: date(2029, 1, 1),
            reference: String::new(),
        }],
        ..JurorInput::default()
    };
    let leroy = store.add_juror(writer, juror("Leroy")).await.unwrap();
    let marty = store.add_juror(writer, juror("Marty")).await.unwrap();
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    let jury = store.jury(&h).await.unwrap();
    let seats = [&leroy, &marty]
        .iter()
        .map(|j| Seat {
            juror: j.id.to_string(),
            day: date(2027, 3, 15),
            jury: 1,
        })
        .collect();
    store
        .set_jury(h.writer().unwrap(), jury.version, seats, vec![])
        .await
        .unwrap();
    let token = store.issue_juror_link(writer, &leroy.id).await.unwrap();
    let link = store.juror_link(&token).await.unwrap().unwrap();
    assert_eq!(
        store.juror_link_state(&link).await.unwrap(),
        LinkState::Open
    );
    assert_eq!(store.juror_sittings(&link).await.unwrap().len(), 1);
    store.juror_sitting(&link, &w.session).await.unwrap();
    // The minutes unsigned: the session stays open to them 90 days after its last day.
    let late = on_day(&store, date(2027, 6, 17));
    assert_eq!(late.juror_link_state(&link).await.unwrap(), LinkState::Open);
    let later = on_day(&store, date(2027, 6, 18));
    assert_eq!(
        later.juror_link_state(&link).await.unwrap(),
        LinkState::Ended {
            since: date(2027, 6, 18)
        }
    );
    assert!(later.juror_sittings(&link).await.unwrap().is_empty());
    assert!(matches!(
        later.juror_sitting(&link, &w.session).await,
        Err(StoreError::Expired(_))
    ));
    // Cancelled: closed at once, today.
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    store
        .cancel_session(
            h.writer().unwrap(),
            h.session().version,
            "Plateau indisponible",
        )
        .await
        .unwrap();
    assert_eq!(
        store.juror_link_state(&link).await.unwrap(),
        LinkState::Cancelled
    );
    let Err(StoreError::Expired(text)) = store.juror_sitting(&link, &w.session).await else {
        panic!("a cancelled session is not opened by the juror's link")
    };
    assert!(text.contains("annulée"), "{text}");
    let Err(StoreError::Expired(_)) = store
        .declare_juror_links(&link, &w.session, Vec::new(), "203.0.113.7")
        .await
    else {
        panic!("nothing is declared in a cancelled session")
    };
}

async fn personal_data_is_anonymised_once_kept_long_enough_and_the_journal_verifies(store: Store) {
    let w = world(&store, "Centre Conservation").await;
    let other = world(&store, "Centre Voisin").await;
    let tokens = send_convocations(&store, &w).await;
    let link = store.candidate_link(&tokens[0]).await.unwrap().unwrap();
    store
        .acknowledge_convocation(&link, "203.0.113.7 Firefox")
        .await
        .unwrap();
    // The neighbour keeps its data ten years.
    let (mut settings, version) = store.centre_settings(&other.admin).await.unwrap();
    assert_eq!(settings.retention_years, 5, "five years unless set");
    settings.retention_years = 10;
    store
        .update_centre_settings(other.admin.admin().unwrap(), version, settings)
        .await
        .unwrap();
    assert_eq!(
        store
            .centre_settings(&other.admin)
            .await
            .unwrap()
            .0
            .retention_years,
        10
    );
    // Never validated: five years after the last day (19 March 2027).
    let on_last_day = on_day(&store, date(2032, 3, 19));
    assert!(
        on_last_day
            .sessions_due_for_purge()
            .await
            .unwrap()
            .is_empty()
    );
    let after = on_day(&store, date(2032, 3, 20));
    let due = after.sessions_due_for_purge().await.unwrap();
    assert_eq!(due.len(), 1, "the neighbour's ten years are not over");
    assert_eq!(due[0].session_id, w.session);
    assert_eq!(due[0].kept_until, date(2032, 3, 19));
    assert_eq!(due[0].candidates, 2);
    let counts = after.purge_session(&due[0]).await.unwrap().unwrap();
    assert_eq!((counts.candidates, counts.jurors), (2, 0));
    // Twice: nothing more (another run at the same time finds it done).
    assert_eq!(after.purge_session(&due[0]).await.unwrap(), None);
    assert!(after.sessions_due_for_purge().await.unwrap().is_empty());
    // The counts stay; who they were does not.
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    let candidates = store.candidates(&h).await.unwrap();
    assert_eq!(candidates.len(), 2);
    let mut names: Vec<String> = candidates
        .iter()
        .map(|c| c.input.last_name.clone())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Candidat anonymisé n° 1", "Candidat anonymisé n° 2"]
    );
    for c in &candidates {
        assert_eq!(
            (
                c.input.email.as_str(),
                c.input.phone.as_str(),
                c.input.address.as_str()
            ),
            ("", "", "")
        );
        assert_eq!(c.input.birth_date, Some(date(1900, 1, 1)));
    }
    let read = store.convocations(&h).await.unwrap();
    assert!(read.iter().all(|v| v.read_from.is_none()), "{read:?}");
    assert!(read.iter().any(|v| v.read_at.is_some()), "the fact stays");
    // The link is gone with the data.
    assert_eq!(store.candidate_link(&tokens[0]).await.unwrap(), None);
    // The neighbour's candidates are untouched.
    let ho = store
        .open_session(&other.admin, &other.session)
        .await
        .unwrap();
    assert!(
        store
            .candidates(&ho)
            .await
            .unwrap()
            .iter()
            .any(|c| c.input.last_name == "Dupont")
    );
    // The purge is journaled with counts only, and the chain still verifies.
    let entry = &store.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(
        entry.action.label(),
        "Données personnelles anonymisées (durée de conservation échue)"
    );
    assert_eq!(entry.data["candidates"], 2);
    assert!(!entry.data.to_string().contains("Dupont"));
    let v = store.verify_journal().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

async fn a_persons_data_is_exported_on_request_and_journaled(store: Store) {
    let w = world(&store, "Centre Accès").await;
    let other = world(&store, "Centre Ailleurs").await;
    let h = store.open_session(&w.admin, &w.session).await.unwrap();
    let dupont = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.input.last_name == "Dupont")
        .unwrap();
    let export = store
        .export_candidate(h.writer().unwrap(), &dupont.id)
        .await
        .unwrap();
    assert_eq!(export.name, "DUPONT Lou, né(e) le 01/02/1990");
    assert_eq!(export.data["candidate"]["email"], "lou.dupont@exemple.fr");
    assert_eq!(export.data["convocation"]["mode"], "email_receipts");
    assert!(
        !export.data.to_string().contains("Martin"),
        "nothing of another candidate"
    );
    let entry = &store.session_journal(&h, 1).await.unwrap()[0];
    assert_eq!(
        entry.action.label(),
        "Export des données d'une personne (droit d'accès)"
    );
    assert_eq!(entry.data["person"], "DUPONT Lou, né(e) le 01/02/1990");
    // Another centre's session does not hold them; an inspector exports nothing.
    let ho = store
        .open_session(&other.admin, &other.session)
        .await
        .unwrap();
    assert!(matches!(
        store
            .export_candidate(ho.writer().unwrap(), &dupont.id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let juror = store
        .add_juror(
            w.admin.writer().unwrap(),
            JurorInput {
                last_name: "Leroy".into(),
                first_names: "Marc".into(),
                email: "leroy@exemple.fr".into(),
                ..JurorInput::default()
            },
        )
        .await
        .unwrap();
    let export = store
        .export_juror(w.admin.writer().unwrap(), &juror.id)
        .await
        .unwrap();
    assert_eq!(export.data["juror"]["email"], "leroy@exemple.fr");
    assert_eq!(export.data["kind"], "juror");
    assert!(matches!(
        store
            .export_juror(other.admin.writer().unwrap(), &juror.id)
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let v = store.verify_journal().await.unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
}

contract!(
    a_candidates_link_stops_when_the_session_is_cancelled,
    a_candidates_link_stops_ninety_days_after_an_unvalidated_session,
    a_jurors_link_closes_a_cancelled_session_and_stops_with_it,
    personal_data_is_anonymised_once_kept_long_enough_and_the_journal_verifies,
    a_persons_data_is_exported_on_request_and_journaled,
);
