//! A session carried in the browser from its last épreuve to the candidates' documents: the
//! result recorded, the minutes signed by two jurors through their own links, the archive
//! completed (Jalon's documents and scans), the transmission recorded, complements asked
//! then answered, the validation — and the candidate's own page telling the result only
//! after it.

mod common;

use common::browser::{
    body, browser, chromedriver, click, draw, fill, set_value, sign_in, submit, text,
};
use fantoccini::Locator;
use jalon_core::Kind;
use jalon_core::candidate::CandidateInput;
use jalon_core::catalog::{Epreuve, EpreuveKind};
use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Seat};
use jalon_store::convocations::Mode;
use jalon_store::sessions::SessionInput;
use jalon_store::{Actor, Clock, Role};
use jalon_web::AppState;
use jalon_web::mailer::MailSettings;
use jiff::civil::date;

/// Opens the `<details>` whose summary says `what`.
async fn summary(b: &fantoccini::Client, what: &str) {
    b.find(Locator::XPath(&format!(
        "//summary[contains(., \"{what}\")]"
    )))
    .await
    .unwrap_or_else(|e| panic!("{what}: {e}"))
    .click()
    .await
    .unwrap();
}

/// The personal link's token in a message (quoted-printable soft breaks undone).
fn token_in(message: &str) -> String {
    let flat = message.replace("=\r\n", "").replace("=\n", "");
    let at = flat.find("/accuse/").expect("a personal link") + 8;
    flat[at..at + 64].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_is_carried_from_its_last_epreuve_to_the_candidates_documents() {
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    // The session of Monday 15 to Friday 19 March 2027, held; the pages on Monday 22.
    let (early, dir) = common::store().await;
    let monday = date(2027, 3, 22)
        .at(9, 0, 0, 0)
        .in_tz("Europe/Paris")
        .unwrap()
        .timestamp();
    let store = early.clone().with_clock(Clock::Fixed(monday));
    let (c, _) = store
        .create_centre(
            "Centre Alpha",
            common::user("admin@alpha.example", "Alice Admin", Role::Admin),
        )
        .await
        .unwrap();
    let actor = Actor::command_line(c.id);
    let a = actor.admin().unwrap();
    let manager = store
        .add_user(
            a,
            common::user("manager@alpha.example", "Claire Martin", Role::Manager),
        )
        .await
        .unwrap();
    let epreuve = |name: &str, kind| Epreuve {
        name: name.into(),
        kind,
        minutes: 60,
        ..Default::default()
    };
    let cat = common::catalog(
        &store,
        a,
        common::Spec {
            managers: vec![manager.id.clone()],
            epreuves: vec![
                epreuve("Mise en situation professionnelle", EpreuveKind::Practical),
                epreuve("Entretien final", EpreuveKind::FinalInterview),
            ],
            ..Default::default()
        },
    )
    .await;
    // Planned in November 2026, as a centre does.
    let s = early
        .create_session(
            a.writer(),
            SessionInput {
                title_id: cat.title.id.clone(),
                approval_id: Some(cat.approval.id.clone()),
                site_id: cat.site.id.clone(),
                kind: Kind::Title,
                start: date(2027, 3, 15),
                end: Some(date(2027, 3, 19)),
                ceres_number: Some("2027-TP-0042".into()),
                ceres_created_on: Some(date(2026, 11, 27)),
                manager_id: Some(manager.id.clone()),
                override_justification: None,
            },
        )
        .await
        .unwrap();
    let id = s.session.id.clone();
    let h = store.open_session(&actor, &id).await.unwrap();
    let lou = store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Petit".into(),
                first_names: "Lou".into(),
                civility: "Madame".into(),
                birth_date: Some(date(2001, 9, 9)),
                email: "lou.petit@exemple.fr".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .set_convocation_mode(h.writer().unwrap(), &lou.id, Mode::EmailReceipts)
        .await
        .unwrap();
    // Two jurors seated on the 15th, present, each having signed their statement on the
    // centre's tablet; each gets a personal link.
    let first_day = date(2027, 3, 15);
    let mut jurors = Vec::new();
    for last in ["Leroy", "Marty"] {
        let j = store
            .add_juror(
                actor.writer().unwrap(),
                JurorInput {
                    last_name: last.into(),
                    first_names: "Marc".into(),
                    status: JurorStatus::Independent,
                    habilitations: vec![Habilitation {
                        title: cat.title.rncp_code.clone(),
                        granted_by: "DDETS du Rhône".into(),
                        valid_from: date(2025, 1, 1),
                        valid_until: date(2029, 12, 31),
                        reference: String::new(),
                    }],
                    ..JurorInput::default()
                },
            )
            .await
            .unwrap();
        jurors.push(j);
    }
    let seats = jurors
        .iter()
        .map(|j| Seat {
            juror: j.id.to_string(),
            day: first_day,
            jury: 1,
        })
        .collect();
    store
        .set_jury(h.writer().unwrap(), 0, seats, Vec::new())
        .await
        .unwrap();
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../jalon-cli/assets/logo-tilleuls.png"
    ))
    .unwrap();
    let mut links = Vec::new();
    for j in &jurors {
        store
            .note_juror(h.writer().unwrap(), &j.id, first_day, true)
            .await
            .unwrap();
        store
            .sign_juror_statement(h.writer().unwrap(), &j.id, &png)
            .await
            .unwrap();
        links.push(
            store
                .issue_juror_link(actor.writer().unwrap(), &j.id)
                .await
                .unwrap(),
        );
    }
    // The server, its emails in an outbox; Lou's convocation sent, with her personal link.
    let outbox = dir.path().join("outbox");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state =
        AppState::new(store.clone(), false).with_mail(MailSettings::outbox(outbox.clone(), &base));
    let report = jalon_web::mailer::send_convocations(&state, h.writer().unwrap())
        .await
        .unwrap();
    assert_eq!(report.sent, 1, "{:?}", report.failed);
    tokio::spawn(jalon_web::serve(listener, state, std::future::pending()));
    let mails = || -> Vec<String> {
        std::fs::read_dir(&outbox)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect()
    };
    let token = token_in(&mails()[0]);
    let her_page = format!("{base}/accuse/{token}");

    let b = browser(&url).await;
    sign_in(&b, &base, "manager@alpha.example").await;
    let results = format!("{base}/sessions/{id}/resultats");

    // 1. The result, once her passage is whole: both épreuves done, the title obtained.
    b.goto(&results).await.unwrap();
    click(&b, &format!("#e0-{}-d", lou.id)).await;
    click(&b, &format!("#e1-{}-d", lou.id)).await;
    b.find(Locator::Css(&format!(
        "#d-{} option[value=obtained]",
        lou.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    set_value(&b, &format!("ce-{}", lou.id), "2027-03-22").await;
    click(&b, &format!("#dp-{}", lou.id)).await;
    submit(&b, &format!("#r-{} button[type=submit]", lou.id)).await;
    assert!(
        text(&b, "[role=status]")
            .await
            .contains("Résultat enregistré")
    );
    let page = body(&b).await;
    assert!(
        page.contains("PETIT Lou — titre obtenu — saisi dans CERES le lundi 22 mars 2027"),
        "{page}"
    );
    assert!(page.contains("À signer par chaque juré présent"), "{page}");

    // 2. The minutes, signed by each juror through their own link.
    for (n, link) in links.iter().enumerate() {
        let juror = browser(&url).await;
        juror.goto(&format!("{base}/jure/{link}")).await.unwrap();
        let page = body(&juror).await;
        assert!(
            page.contains("Les résultats sont enregistrés : relisez le procès-verbal"),
            "{page}"
        );
        draw(&juror, ".signature-pad canvas").await;
        juror
            .find(Locator::XPath(
                "//button[contains(., 'Signer le procès-verbal')]",
            ))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let done = juror
            .wait()
            .for_element(Locator::XPath(
                "//div[@role='status']/p[contains(., 'Procès-verbal signé')]",
            ))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(done.contains("Procès-verbal signé le"), "juror {n}: {done}");
        juror.close().await.unwrap();
    }
    b.goto(&results).await.unwrap();
    let page = body(&b).await;
    assert!(page.contains("Signé par chaque juré présent."), "{page}");
    assert!(page.contains("Marc LEROY — signé"), "{page}");

    // 3. The archive: the signed minutes and the statements as Jalon produces them, the
    // grids and the sign-in scanned from the paper.
    for kind in ["minutes", "statements"] {
        submit(
            &b,
            &format!("#archive-{kind} form[action$='/produit'] button"),
        )
        .await;
        assert!(
            text(&b, "[role=status]")
                .await
                .contains("Pièce archivée avec son empreinte SHA-256"),
            "{kind}"
        );
    }
    let scan = dir.path().join("grilles-scannees.pdf");
    std::fs::write(&scan, b"%PDF-1.7\n% grilles d'evaluation signees\n").unwrap();
    for kind in ["grids", "sign_in"] {
        b.find(Locator::Id(&format!("sc-{kind}")))
            .await
            .unwrap()
            .send_keys(scan.to_str().unwrap())
            .await
            .unwrap();
        submit(&b, &format!("#archive-{kind} form[action$='/scan'] button")).await;
        assert!(
            text(&b, "[role=status]").await.contains("Pièce archivée"),
            "{kind}"
        );
    }
    let archived = b
        .find_all(Locator::Css(".archive-kind .badge.done"))
        .await
        .unwrap();
    assert_eq!(archived.len(), 4, "each kind archived");
    let page = body(&b).await;
    for name in [
        "pv-session-signe.pdf",
        "declarations-jury.pdf",
        "grilles-scannees.pdf",
    ] {
        assert!(page.contains(name), "{name}: {page}");
    }
    assert!(page.contains("produit par Jalon"), "{page}");
    assert!(page.contains("scan du papier"), "{page}");

    // 4. The transmission, on the session's page: the archive's milestone holds.
    b.goto(&format!("{base}/sessions/{id}")).await.unwrap();
    let archive = text(&b, "#m-close\\.archive").await;
    assert!(
        !archive.contains("pièces manquent") && !archive.contains("pièce manque"),
        "{archive}"
    );
    summary(&b, "Enregistrer la transmission").await;
    set_value(&b, "tr-on", "2027-03-22").await;
    fill(&b, "tr-ref", "https://transfert.example/ddets-69/a1b2c3").await;
    submit(
        &b,
        "#m-close\\.transmit form[action$='/transmission'] button",
    )
    .await;
    let transmit = text(&b, "#m-close\\.transmit").await;
    assert!(transmit.contains("Fait"), "{transmit}");
    assert!(
        transmit.contains(
            "Transmis le lundi 22 mars 2027, par lien de transfert (https://transfert.example/ddets-69/a1b2c3)"
        ),
        "{transmit}"
    );

    // Before the validation, her page tells her own épreuves and not her result.
    let cand = browser(&url).await;
    cand.goto(&her_page).await.unwrap();
    let before = body(&cand).await;
    assert!(
        before.contains(
            "Votre résultat vous sera communiqué après la validation officielle de la session"
        ),
        "{before}"
    );
    assert!(!before.contains("titre obtenu"), "{before}");

    // 5. Complements asked, then answered; then the validation.
    summary(&b, "Enregistrer une demande de compléments").await;
    fill(
        &b,
        "co-what",
        "La feuille d'émargement du lundi signée par le second juré.",
    )
    .await;
    submit(
        &b,
        "#m-validation\\.decision form[action$='/complements'] button",
    )
    .await;
    let asked = text(&b, "#m-validation\\.decision").await;
    assert!(
        asked.contains("Compléments demandés le lundi 22 mars 2027 : La feuille d'émargement"),
        "{asked}"
    );
    assert!(asked.contains("réponse du centre à enregistrer"), "{asked}");
    summary(&b, "Enregistrer la réponse du centre").await;
    fill(&b, "ca-what", "Feuille signée envoyée par courriel.").await;
    submit(
        &b,
        "#m-validation\\.decision form[action$='/complements/reponse'] button",
    )
    .await;
    let answered = text(&b, "#m-validation\\.decision").await;
    assert!(
        answered.contains("réponse envoyée le lundi 22 mars 2027"),
        "{answered}"
    );
    set_value(&b, "va-on", "2027-03-22").await;
    submit(
        &b,
        "#m-validation\\.decision form[action$='/validation'] button",
    )
    .await;
    let validated = text(&b, "#m-validation\\.decision").await;
    assert!(validated.contains("Fait"), "{validated}");

    // After it, her page gives her decision.
    cand.goto(&her_page).await.unwrap();
    let after = body(&cand).await;
    assert!(
        after.contains("Session validée par le service départemental le lundi 22 mars 2027"),
        "{after}"
    );
    assert!(after.contains("titre obtenu"), "{after}");
    cand.close().await.unwrap();

    // 6. The documents: the centre's letter by email, the service's launch, her parchemin
    // received.
    b.goto(&results).await.unwrap();
    submit(&b, "form[action$='/resultats/courriers'] button").await;
    assert!(
        text(&b, "[role=status]")
            .await
            .contains("1 courrier envoyé par courriel.")
    );
    assert!(
        mails().iter().any(|m| m.contains("courrier-resultat-")),
        "the letter's email"
    );
    set_value(&b, "dl-on", "2027-03-22").await;
    submit(&b, "form[action$='/resultats/documents'] button").await;
    set_value(&b, &format!("dr-{}", lou.id), "2027-03-22").await;
    submit(
        &b,
        &format!("form[action$='/resultats/{}/document'] button", lou.id),
    )
    .await;
    let docs = text(&b, "section[aria-labelledby=h-docs]").await;
    assert!(docs.contains("parchemin"), "{docs}");
    assert!(
        docs.contains("reçu par courrier le lundi 22 mars 2027"),
        "{docs}"
    );
    b.close().await.unwrap();

    // What the inspector will check: every closing milestone done and holding; the minutes
    // kept carry the two signatures the jurors drew.
    let h = store.open_session(&actor, &id).await.unwrap();
    let pieces = store.archive_pieces(&h).await.unwrap();
    let pv = pieces
        .iter()
        .find(|p| p.kind == jalon_core::archiving::ArchiveKind::Minutes)
        .unwrap();
    let (_, _, pdf) = store.archive_piece(&h, &pv.id).await.unwrap();
    if let Ok(dir) = std::env::var("JALON_KEEP_PDF") {
        std::fs::write(format!("{dir}/pv-signe.pdf"), &pdf).unwrap();
    }
    let images = pdf.windows(6).filter(|w| w == b"/Image").count();
    assert!(images >= 2, "two drawn signatures in the PV: {images}");
    let checks = store.checks(&h).await.unwrap();
    for m in [
        "close.enter_results",
        "close.sign_minutes",
        "close.archive",
        "close.transmit",
        "validation.decision",
        "validation.send_documents",
    ] {
        let (_, found) = checks.iter().find(|(x, _)| x == m).unwrap();
        assert!(found.is_none(), "{m}: {found:?}");
    }
    for m in ["close.transmit", "validation.decision"] {
        assert_eq!(
            h.detail().milestone(m).unwrap().state,
            jalon_store::sessions::MilestoneState::Done,
            "{m}"
        );
    }
}
