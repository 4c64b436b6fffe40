//! The pages in headless Chromium, driven through chromedriver (fantoccini): sign in, read
//! the dashboard, create a session with its live feasibility, see its chronology, complete a
//! milestone with evidence, see the dashboard change, and be refused what one's role or
//! centre forbids.
//!
//! Needs `chromium` and `chromedriver` (`.ci/run` installs them); without them the test says
//! it was skipped and why.

mod common;

use common::browser::{body, browser, chromedriver, click, draw, fill, sign_in, text};
use fantoccini::{Client, Locator};
use jalon_core::Kind;
use jalon_store::sessions::SessionInput;
use jalon_store::{Actor, Role, Store};
use jalon_web::AppState;
use jiff::civil::date;
use serde_json::json;

struct World {
    base: String,
    store: Store,
    session_b: String,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let (store, dir) = common::store().await;
    let mut session_b = String::new();
    for (n, centre) in ["Centre Alpha", "Centre Beta"].iter().enumerate() {
        let p = if n == 0 { "alpha" } else { "beta" };
        let user = |who: &str, role| {
            common::user(
                &format!("{who}@{p}.example"),
                &format!("{who} {centre}"),
                role,
            )
        };
        let (c, _) = store
            .create_centre(centre, user("admin", Role::Admin))
            .await
            .unwrap();
        let actor = Actor::command_line(c.id);
        let a = actor.admin().unwrap();
        let manager = store
            .add_user(a, user("manager", Role::Manager))
            .await
            .unwrap();
        store
            .add_user(a, user("inspector", Role::Inspector))
            .await
            .unwrap();
        let common::Catalog {
            site,
            title,
            approval,
        } = common::catalog(
            &store,
            a,
            common::Spec {
                site: &format!("Site {centre}"),
                approval: &format!("AGR-{p}"),
                managers: vec![manager.id.clone()],
                ..Default::default()
            },
        )
        .await;
        let s = store
            .create_session(
                a.writer(),
                SessionInput {
                    title_id: title.id,
                    approval_id: Some(approval.id),
                    site_id: site.id,
                    kind: Kind::Title,
                    start: date(2027, 3, 15),
                    end: Some(date(2027, 3, 19)),
                    ceres_number: None,
                    ceres_created_on: None,
                    manager_id: Some(manager.id),
                    override_justification: None,
                },
            )
            .await
            .unwrap();
        if n == 1 {
            session_b = s.session.id.to_string();
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store.clone(), false);
    tokio::spawn(jalon_web::serve(listener, state, std::future::pending()));
    World {
        base,
        store,
        session_b,
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_works_through_the_pages_and_each_role_is_held_to_its_rights() {
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    let c = browser(&url).await;
    let base = &w.base;

    // Unauthenticated: the login page, in French.
    c.goto(&format!("{base}/")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/login"));
    assert_eq!(text(&c, "h1").await, "Connexion");
    // A wrong password is announced next to the form.
    c.find(Locator::Id("email"))
        .await
        .unwrap()
        .send_keys("manager@alpha.example")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys("faux")
        .await
        .unwrap();
    c.find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text(&c, "[role=alert]").await,
        "Adresse électronique ou mot de passe incorrect."
    );

    // The dashboard: the worked-example session; the 6-month checks are late.
    sign_in(&c, base, "manager@alpha.example").await;
    assert_eq!(text(&c, "h1").await, "Aujourd'hui");
    let late = text(&c, "#liste-retard").await;
    assert!(
        late.contains("Vérifier que l'échéance du titre est à plus de 6 mois"),
        "{late}"
    );
    // Three milestones fall on 14 December 2026 for it: one line.
    let next = text(&c, "#liste-ensuite").await;
    assert!(
        next.contains("Créer la session dans CERES (et 2 autres jalons ce jour-là)"),
        "{next}"
    );

    // Create a session: the feasibility updates as the form is filled.
    c.goto(&format!("{base}/sessions/new")).await.unwrap();
    for css in [
        "#f-title option:nth-child(2)",
        "#f-site option:nth-child(2)",
        "#f-approval option:nth-child(2)",
    ] {
        c.find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    c.find(Locator::XPath(
        "//select[@id='f-manager']/option[starts-with(., 'manager')]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.execute(
        "const s = document.getElementById('f-start'); s.value = '2027-06-14'; \
         s.dispatchEvent(new Event('change', {bubbles: true})); \
         document.getElementById('f-end').value = '2027-06-18';",
        vec![],
    )
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::XPath("//div[@id='apercu']//table"))
        .await
        .unwrap();
    let preview = text(&c, "#apercu").await;
    assert!(preview.contains("Aucune règle enfreinte."), "{preview}");
    assert!(preview.contains("Créer la session dans CERES"), "{preview}");
    assert!(
        preview.contains("lundi 15 mars 2027"),
        "D − 91 of 14 June 2027: {preview}"
    );
    // Too close a date: the rule shows before saving.
    c.execute(
        "const s = document.getElementById('f-start'); s.value = '2027-01-18'; \
         s.dispatchEvent(new Event('change', {bubbles: true})); \
         document.getElementById('f-end').value = '';",
        vec![],
    )
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::Css("#apercu .warning"))
        .await
        .unwrap();
    assert!(
        text(&c, "#apercu")
            .await
            .contains("il faut au moins 91 jours")
    );
    c.execute(
        "const s = document.getElementById('f-start'); s.value = '2027-06-14'; \
         s.dispatchEvent(new Event('change', {bubbles: true})); \
         document.getElementById('f-end').value = '2027-06-18';",
        vec![],
    )
    .await
    .unwrap();
    c.wait()
        .for_element(Locator::XPath(
            "//div[@id='apercu']//p[contains(., 'Aucune règle enfreinte')]",
        ))
        .await
        .unwrap();
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("figure.timeline svg"))
        .await
        .unwrap();

    // Its chronology: the timeline and the phases.
    let page = body(&c).await;
    assert!(
        page.contains("du lundi 14 juin 2027 au vendredi 18 juin 2027"),
        "{page}"
    );
    assert!(page.contains("1. Anticipation et préparation administrative"));
    assert!(page.contains("10. Suites possibles après validation"));
    let circles = c
        .find_all(Locator::Css("figure.timeline svg circle"))
        .await
        .unwrap();
    assert!(
        circles.len() >= 28,
        "a mark per dated milestone: {}",
        circles.len()
    );
    // No mark hides another in its row; the undated ones stand in their own column; the
    // keyboard stops once per phase, not on every mark.
    let drawing = c
        .execute(
            "const cs = [...document.querySelectorAll('figure.timeline svg circle')]; \
             const byRow = {}; let hidden = 0; \
             for (const e of cs) { const y = e.getAttribute('cy'), x = +e.getAttribute('cx'); \
               for (const o of (byRow[y] || [])) if (Math.abs(o - x) < 9.9) hidden++; \
               (byRow[y] = byRow[y] || []).push(x); } \
             const undated = cs.filter(e => e.querySelector('title').textContent.includes('pas de date fixe')); \
             const column = +[...document.querySelectorAll('figure.timeline svg line')].find(l => l.getAttribute('stroke-dasharray')).getAttribute('x1'); \
             const stops = [...document.querySelectorAll('figure.timeline svg a')].filter(a => a.getAttribute('tabindex') !== '-1').length; \
             return [hidden, undated.length, undated.every(e => +e.getAttribute('cx') > column), stops];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(drawing[0], 0, "marks hidden by others: {drawing:?}");
    assert_eq!(
        drawing[1], 3,
        "validation has three undated milestones: {drawing:?}"
    );
    assert_eq!(
        drawing[2], true,
        "undated marks in their column: {drawing:?}"
    );
    assert_eq!(drawing[3], 10, "one keyboard stop per phase: {drawing:?}");
    let session_url = c.current_url().await.unwrap();

    // The order recorded (the milestone's check reads it), then « Commander les DTE »
    // completed with its evidence.
    {
        let id: jalon_store::SessionId = session_url.path().trim_start_matches("/sessions/").into();
        let centre = w.store.centre_of_session(&id).await.unwrap();
        let actor = Actor::command_line(centre);
        let h = w.store.open_session(&actor, &id).await.unwrap();
        w.store
            .record_dte_order(
                h.writer().unwrap(),
                0,
                jalon_store::custody::DteOrder {
                    on: date(2026, 11, 27),
                    reference: "2026-1187".into(),
                    by: "manager Centre Alpha".into(),
                },
            )
            .await
            .unwrap();
    }
    c.find(Locator::Css("#m-dte\\.order summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("#m-dte\\.order textarea[name=evidence]"))
        .await
        .unwrap()
        .send_keys("Commande AFPA n° 2026-1187")
        .await
        .unwrap();
    c.find(Locator::Css("#m-dte\\.order form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::XPath(
            "//article[@id='m-dte.order']//p[contains(@class,'evidence')]",
        ))
        .await
        .unwrap();
    let done = text(&c, "#m-dte\\.order").await;
    assert!(done.contains("Fait"), "{done}");
    assert!(
        done.contains("Preuve : Commande AFPA n° 2026-1187"),
        "{done}"
    );
    assert!(done.contains("Fait par manager Centre Alpha le"), "{done}");
    // An empty evidence is refused next to its field.
    c.find(Locator::Css("#m-manager\\.appoint summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.execute("document.querySelector('#m-manager\\\\.appoint textarea[name=evidence]').removeAttribute('required')", vec![]).await.unwrap();
    c.find(Locator::Css("#m-manager\\.appoint form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let err = text(&c, "#m-manager\\.appoint .error").await;
    assert!(err.contains("indiquez la preuve"), "{err}");
    // The page comes back on the milestone, its message focused (not at the top).
    let focus = c
        .execute(
            "return [document.activeElement.id, window.scrollY, \
             document.activeElement.getBoundingClientRect().top, window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focus[0], "err-manager.appoint", "{focus:?}");
    assert!(focus[1].as_f64().unwrap() > 0.0, "scrolled: {focus:?}");
    let (top, height) = (focus[2].as_f64().unwrap(), focus[3].as_f64().unwrap());
    assert!((0.0..height).contains(&top), "in view: {focus:?}");
    // The journal tab has it.
    c.goto(&format!("{}/journal", session_url.as_str()))
        .await
        .unwrap();
    let journal = body(&c).await;
    assert!(
        journal.contains("Jalon fait") && journal.contains("Commande AFPA n° 2026-1187"),
        "{journal}"
    );

    // The dashboard changed: the June session is followed, its DTE order is done.
    c.goto(&format!("{base}/")).await.unwrap();
    let after = body(&c).await;
    assert!(after.contains("du lundi 14 juin 2027 au vendredi 18 juin 2027"));
    let next = text(&c, "#liste-ensuite").await;
    assert!(
        next.contains("Créer la session dans CERES (et 1 autre jalon ce jour-là)"),
        "{next}"
    );
    let rows = c
        .find_all(Locator::Css("#tableau table tbody tr"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    let progress = text(&c, "#tableau table tbody tr:last-child td.progress").await;
    assert!(progress.starts_with("1 /"), "{progress}");

    // Forbidden: a manager on the administrator's pages, anyone on another centre's session.
    c.goto(&format!("{base}/admin/sites")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Action refusée");
    c.goto(&format!("{base}/sessions/{}", w.session_b))
        .await
        .unwrap();
    assert_eq!(text(&c, "h1").await, "Introuvable");

    // An inspector reads but finds no form to change anything; the write pages refuse them.
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css(".who button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("email")).await.unwrap();
    sign_in(&c, base, "inspector@alpha.example").await;
    c.goto(session_url.as_str()).await.unwrap();
    assert!(
        body(&c)
            .await
            .contains("Preuve : Commande AFPA n° 2026-1187")
    );
    assert!(
        c.find_all(Locator::Css("form[action*='/milestones/']"))
            .await
            .unwrap()
            .is_empty()
    );
    c.goto(&format!("{base}/sessions/new")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Action refusée");
    assert!(
        body(&c)
            .await
            .contains("un inspecteur consulte mais ne modifie rien")
    );

    // An administrator manages sites, with French validation messages.
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css(".who button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait().for_element(Locator::Id("email")).await.unwrap();
    sign_in(&c, base, "admin@alpha.example").await;
    c.goto(&format!("{base}/admin/sites")).await.unwrap();
    c.find(Locator::Id("f-name"))
        .await
        .unwrap()
        .send_keys("Annexe")
        .await
        .unwrap();
    c.find(Locator::Id("f-address"))
        .await
        .unwrap()
        .send_keys("3 quai du Rhône")
        .await
        .unwrap();
    c.find(Locator::Id("f-postcode"))
        .await
        .unwrap()
        .send_keys("6900")
        .await
        .unwrap();
    c.find(Locator::Id("f-city"))
        .await
        .unwrap()
        .send_keys("Lyon")
        .await
        .unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        text(&c, "#e-postcode")
            .await
            .contains("« 6900 » n'est pas un code postal")
    );
    let postcode = c.find(Locator::Id("f-postcode")).await.unwrap();
    postcode.clear().await.unwrap();
    postcode.send_keys("69002").await.unwrap();
    c.find(Locator::Css("main form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(text(&c, "[role=status]").await, "Enregistré.");
    assert!(body(&c).await.contains("3 quai du Rhône, 69002 Lyon"));
    assert_eq!(w.store.centre_count().await.unwrap(), 2);
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_acknowledges_their_convocation_in_the_browser() {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::convocations::Mode;
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    // Restart a server of the same database with an outbox we can read.
    let outbox = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mail = jalon_web::mailer::MailSettings::outbox(outbox.path().to_owned(), &base);
    let state = AppState::new(w.store.clone(), false).with_mail(mail);
    tokio::spawn(jalon_web::serve(listener, state, std::future::pending()));
    // Centre Alpha's session: one candidate convened by email with receipts.
    let centre = w
        .store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let session = w.store.sessions(&actor).await.unwrap()[0]
        .session
        .id
        .clone();
    let lou = CandidateInput {
        last_name: "Petit".into(),
        first_names: "Lou".into(),
        birth_date: Some(date(2001, 9, 9)),
        email: "lou.petit@exemple.fr".into(),
        ..Default::default()
    };
    let h = w.store.open_session(&actor, &session).await.unwrap();
    let c = w
        .store
        .add_candidate(h.writer().unwrap(), lou)
        .await
        .unwrap();
    w.store
        .set_convocation_mode(h.writer().unwrap(), &c.id, Mode::EmailReceipts)
        .await
        .unwrap();

    // The manager sends it from the candidates page.
    let b = browser(&url).await;
    sign_in(&b, &base, "manager@alpha.example").await;
    b.goto(&format!("{base}/sessions/{session}/candidates"))
        .await
        .unwrap();
    b.find(Locator::XPath(
        "//button[contains(., 'Envoyer les convocations par courriel')]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    assert!(
        text(&b, "[role=status]")
            .await
            .contains("1 convocation envoyée par courriel.")
    );
    // Redirected after the POST: reloading the page sends nothing again.
    let after = b.current_url().await.unwrap();
    assert_eq!(after.path(), format!("/sessions/{session}/candidates"));
    assert_eq!(after.query(), Some("envoyees=1&echecs=0&sans_adresse=0"));
    let eml = std::fs::read_dir(outbox.path())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .unwrap();
    let message = std::fs::read_to_string(eml.path())
        .unwrap()
        .replace("=\r\n", "")
        .replace("=\n", "");
    let at = message.find("/accuse/").unwrap() + 8;
    let link = format!("{base}/accuse/{}", &message[at..at + 64]);

    // The candidate opens their link in a browser of their own and confirms.
    let candidate = browser(&url).await;
    candidate.goto(&link).await.unwrap();
    assert_eq!(
        text(&candidate, "h1").await,
        "Accusé de lecture de votre convocation"
    );
    candidate
        .find(Locator::Css("main button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let thanks = text(&candidate, "[role=status]").await;
    assert!(
        thanks.contains("Merci. Votre accusé de lecture est enregistré : le "),
        "{thanks}"
    );
    candidate.close().await.unwrap();

    // The manager sees the proof.
    b.goto(&format!("{base}/sessions/{session}/candidates"))
        .await
        .unwrap();
    let row = text(&b, &format!("#conv-{}", c.id)).await;
    assert!(row.contains("prouvée") && row.contains("lue le"), "{row}");
    b.close().await.unwrap();
}

#[tokio::test]
async fn a_candidate_signs_on_the_tablet_at_the_welcome() {
    use jalon_core::candidate::CandidateInput;
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    // The welcome happens on the session's first day.
    let base = common::server_on_day(&w.store, date(2027, 3, 15)).await;
    let centre = w
        .store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let session = w.store.sessions(&actor).await.unwrap()[0]
        .session
        .id
        .clone();
    let lou = CandidateInput {
        last_name: "Petit".into(),
        first_names: "Lou".into(),
        birth_date: Some(date(2001, 9, 9)),
        ..Default::default()
    };
    let h = w.store.open_session(&actor, &session).await.unwrap();
    let c = w
        .store
        .add_candidate(h.writer().unwrap(), lou)
        .await
        .unwrap();

    let b = browser(&url).await;
    sign_in(&b, &base, "manager@alpha.example").await;
    b.goto(&format!("{base}/sessions/{session}/checkin"))
        .await
        .unwrap();
    let card = format!("#c-{}", c.id);
    // A finger's stroke across the frame.
    draw(&b, &format!("{card} canvas")).await;
    // Drawing ticks « A émargé » by itself.
    let ticked = b
        .find(Locator::Css(&format!("{card} input[name=signed]")))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(ticked.as_deref(), Some("true"));
    b.find(Locator::Css(&format!(
        "{card} input[name=identity_checked]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    b.find(Locator::Css(&format!("{card} button[value='1']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The card shows the signature (once the page is back: wait for what only the saved card
    // has); the store keeps it as a PNG.
    text(&b, &format!("{card} .signed-with")).await;
    let shown = text(&b, &card).await;
    assert!(
        shown.contains("Présent") && shown.contains("Signature"),
        "{shown}"
    );
    let width = b
        .execute(
            "return document.querySelector(arguments[0]).naturalWidth",
            vec![json!(format!("{card} img.signature"))],
        )
        .await
        .unwrap();
    assert!(
        width.as_u64().is_some_and(|w| w > 0),
        "the image loads: {width}"
    );
    let png = w.store.drawn_signature(&h, &c.id).await.unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let lou = w
        .store
        .candidate(&h, &c.id)
        .await
        .ok()
        .into_iter()
        .find(|x| x.id == c.id)
        .unwrap();
    assert!(lou.signed && lou.identity_checked && lou.drawn_signature);
    b.close().await.unwrap();
}

#[tokio::test]
async fn no_page_overflows_a_360_pixel_phone() {
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    let base = w.base.clone();
    let centre = w
        .store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let session = w.store.sessions(&actor).await.unwrap()[0]
        .session
        .id
        .clone();
    let h = w.store.open_session(&actor, &session).await.unwrap();
    let lou = jalon_core::candidate::CandidateInput {
        last_name: "Petit".into(),
        first_names: "Lou".into(),
        birth_date: Some(date(2001, 9, 9)),
        email: "lou.petit@exemple.fr".into(),
        ..Default::default()
    };
    let c = w
        .store
        .add_candidate(h.writer().unwrap(), lou)
        .await
        .unwrap();
    let b = browser(&url).await;
    b.set_window_size(360, 800).await.unwrap();
    let mut wide = Vec::new();
    for (who, pages) in [
        (
            "admin@alpha.example",
            vec![
                "/admin/sites".to_owned(),
                "/admin/titles".to_owned(),
                "/admin/approvals".to_owned(),
                "/admin/users".to_owned(),
            ],
        ),
        (
            "manager@alpha.example",
            vec![
                "/".to_owned(),
                "/sessions".to_owned(),
                "/sessions/new".to_owned(),
                format!("/sessions/{session}"),
                format!("/sessions/{session}/edit"),
                format!("/sessions/{session}/candidates"),
                format!("/sessions/{session}/candidates/{}/edit", c.id),
                format!("/sessions/{session}/documents"),
                format!("/sessions/{session}/checkin"),
                format!("/sessions/{session}/jury"),
                format!("/sessions/{session}/plis"),
                format!("/sessions/{session}/journal"),
                "/jurors".to_owned(),
                "/account".to_owned(),
            ],
        ),
    ] {
        sign_in(&b, &base, who).await;
        for path in pages {
            b.goto(&format!("{base}{path}")).await.unwrap();
            let widths = b
                .execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth];",
                    vec![],
                )
                .await
                .unwrap();
            let (page, window) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
            if page > window {
                // Name what sticks out, to fix it.
                let culprit = b
                    .execute(
                        "const w = window.innerWidth; return [...document.querySelectorAll('body *')] \
                         .filter(e => e.getBoundingClientRect().right > w + 1) \
                         .slice(-3).map(e => e.tagName + '.' + e.className + '#' + e.id).join(', ');",
                        vec![],
                    )
                    .await
                    .unwrap();
                wide.push(format!("{path}: {page} px for {window} ({culprit})"));
            }
        }
        b.goto(&format!("{base}/logout")).await.ok();
        b.delete_all_cookies().await.unwrap();
    }
    assert!(
        wide.is_empty(),
        "pages wider than the phone:\n{}",
        wide.join("\n")
    );
    // The session page's tabs all stay reachable, and the timeline keeps its row labels.
    sign_in(&b, &base, "manager@alpha.example").await;
    b.goto(&format!("{base}/sessions/{session}")).await.unwrap();
    let journal_tab = b
        .execute(
            "const a = [...document.querySelectorAll('.tabs a')].find(a => a.textContent.includes('Journal')); \
             const r = a.getBoundingClientRect(); return [r.left, r.right, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let right = journal_tab[1].as_f64().unwrap();
    assert!(right <= journal_tab[2].as_f64().unwrap(), "{journal_tab:?}");
    // The drawing scrolls sideways, but the phases' names stay on screen, and it opens on
    // today's line, which is in view.
    let timeline = b
        .execute(
            "const w = window.innerWidth; \
             const names = [...document.querySelectorAll('figure.timeline .labels text')]; \
             const shown = names.filter(t => { const r = t.getBoundingClientRect(); return r.left >= 0 && r.right <= w && r.width > 0; }).length; \
             const s = document.querySelector('figure.timeline .scroll'); const box = s.getBoundingClientRect(); \
             const line = [...s.querySelectorAll('line')].find(l => l.getAttribute('stroke') === '#a4161a').getBoundingClientRect(); \
             return [names.length, shown, s.scrollWidth > s.clientWidth, line.left >= box.left && line.right <= box.right];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(timeline[0], 10, "a name per phase: {timeline:?}");
    assert_eq!(
        timeline[1], 10,
        "every phase's name on screen: {timeline:?}"
    );
    assert_eq!(
        timeline[2], true,
        "the drawing scrolls on a phone: {timeline:?}"
    );
    assert_eq!(timeline[3], true, "today's line in view: {timeline:?}");
    b.close().await.unwrap();
}

/// The timetable in the browser: the manager moves an épreuve to a day another session has
/// the plateau, sees the conflict, then on the session's second day notes a candidate
/// present at the épreuve of that day.
#[tokio::test]
async fn a_slot_moved_onto_another_sessions_plateau_shows_and_the_second_day_is_signed() {
    use jalon_core::catalog::{Epreuve, EpreuveKind, Room, TitleStructure};
    use jalon_store::catalog::{SiteInput, TitleInput};
    use jalon_store::schedule::SlotInput;
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    let base = w.base.clone();
    let store = &w.store;
    let centre = store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let first = store.sessions(&actor).await.unwrap()[0].session.clone();
    // The title: a day of mise en situation, then the entretiens final; the site: a plateau
    // and a room.
    let title = store.title(&actor, &first.title_id).await.unwrap();
    store
        .update_title(
            &actor,
            &title.id,
            title.version,
            TitleInput {
                rncp_code: title.rncp_code.clone(),
                name: title.name.clone(),
                domain: title.domain,
                transport: title.transport,
                expiry: title.expiry,
                structure: TitleStructure {
                    ccps: title.structure.ccps.clone(),
                    epreuves: vec![
                        Epreuve {
                            name: "Mise en situation professionnelle".into(),
                            kind: EpreuveKind::Practical,
                            minutes: 420,
                            ..Default::default()
                        },
                        Epreuve {
                            name: "Entretien final".into(),
                            kind: EpreuveKind::FinalInterview,
                            minutes: 20,
                            individual: true,
                            ..Default::default()
                        },
                    ],
                    max_per_jury_day: None,
                    licence: None,
                    represent: None,
                    transmit: None,
                },
            },
        )
        .await
        .unwrap();
    let site = store.site(&actor, &first.site_id).await.unwrap();
    store
        .update_site(
            &actor,
            &site.id,
            site.version,
            SiteInput {
                name: site.name.clone(),
                address: site.address.clone(),
                postcode: site.postcode.clone(),
                city: site.city.clone(),
                zone: site.zone,
                rooms: vec![
                    Room {
                        name: "Plateau technique".into(),
                        plateau: true,
                        equipment: Vec::new(),
                    },
                    Room {
                        name: "Salle 1".into(),
                        plateau: false,
                        equipment: Vec::new(),
                    },
                ],
            },
        )
        .await
        .unwrap();
    // Two candidates; another session the same week has the plateau on Tuesday.
    let h = store.open_session(&actor, &first.id).await.unwrap();
    for last in ["Petit", "Roux"] {
        store
            .add_candidate(
                h.writer().unwrap(),
                jalon_core::candidate::CandidateInput {
                    last_name: last.into(),
                    first_names: "Lou".into(),
                    birth_date: Some(date(2001, 9, 9)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let other = store
        .create_session(
            actor.writer().unwrap(),
            SessionInput {
                title_id: first.title_id.clone(),
                approval_id: first.approval_id.clone(),
                site_id: first.site_id.clone(),
                kind: Kind::Title,
                start: date(2027, 3, 15),
                end: Some(date(2027, 3, 17)),
                ceres_number: None,
                ceres_created_on: None,
                manager_id: first.manager_id.clone(),
                override_justification: Some("Deuxième groupe, même semaine".into()),
            },
        )
        .await
        .unwrap();
    let ho = store.open_session(&actor, &other.session.id).await.unwrap();
    store
        .set_schedule(
            ho.writer().unwrap(),
            &[
                SlotInput {
                    date: "16/03/2027".into(),
                    start: "8:30".into(),
                },
                SlotInput {
                    date: "17/03/2027".into(),
                    start: "8:30".into(),
                },
            ],
        )
        .await
        .unwrap();

    let b = browser(&url).await;
    sign_in(&b, &base, "manager@alpha.example").await;
    let page = format!("{base}/sessions/{}/documents", first.id);
    b.goto(&page).await.unwrap();
    let before = text(&b, "main").await;
    assert!(!before.contains("est aussi réservé"), "{before}");
    // Move the mise en situation to Tuesday, onto the other session's plateau.
    b.execute(
        "document.getElementById('date-0').value = '2027-03-16'; \
         document.getElementById('start-0').value = '08:30'; \
         document.getElementById('date-1').value = '2027-03-17';",
        vec![],
    )
    .await
    .unwrap();
    b.find(Locator::Css(
        "form[action$='/schedule'] button[type=submit]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    b.wait().for_element(Locator::Css(".notice")).await.unwrap();
    let after = text(&b, "main").await;
    assert!(
        after.contains("« Plateau technique » est aussi réservé par la session"),
        "{after}"
    );
    // Tuesday, the second day: the welcome page opens on it; Roux present at the épreuve.
    let tuesday = common::server_on_day(store, date(2027, 3, 16)).await;
    sign_in(&b, &tuesday, "manager@alpha.example").await;
    b.goto(&format!("{tuesday}/sessions/{}/checkin", first.id))
        .await
        .unwrap();
    let day = text(&b, "#h-emargement + nav a[aria-current=page]").await;
    assert_eq!(day, "mardi 16 mars 2027");
    let roux = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.input.last_name == "Roux")
        .unwrap();
    b.find(Locator::Css(&format!(
        "#a-{} button[name=present][value='1']",
        roux.id
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let noted = text(&b, &format!("#a-{} .badge", roux.id)).await;
    assert!(
        noted.starts_with("présent, identité vérifiée, a signé"),
        "{noted}"
    );
    b.close().await.unwrap();
}

#[tokio::test]
async fn a_juror_declares_a_link_and_signs_through_their_link() {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Seat};
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    let centre = w
        .store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let session = w.store.sessions(&actor).await.unwrap()[0]
        .session
        .id
        .clone();
    let h = w.store.open_session(&actor, &session).await.unwrap();
    let lou = w
        .store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Petit".into(),
                first_names: "Lou".into(),
                birth_date: Some(date(2001, 9, 9)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let title = w.store.title(&actor, &h.session().title_id).await.unwrap();
    let mut seats = Vec::new();
    let mut marty = None;
    for last in ["Leroy", "Marty"] {
        let j = w
            .store
            .add_juror(
                actor.writer().unwrap(),
                JurorInput {
                    last_name: last.into(),
                    first_names: "Marc".into(),
                    status: JurorStatus::Independent,
                    habilitations: vec![Habilitation {
                        title: title.rncp_code.clone(),
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
        seats.push(Seat {
            juror: j.id.to_string(),
            day: date(2027, 3, 15),
            jury: 1,
        });
        marty = Some(j);
    }
    let marty = marty.unwrap();
    w.store
        .set_jury(h.writer().unwrap(), 0, seats, Vec::new())
        .await
        .unwrap();
    let token = w
        .store
        .issue_juror_link(actor.writer().unwrap(), &marty.id)
        .await
        .unwrap();

    // The juror, in a browser of their own: a link with Lou, then the statement signed.
    let juror = browser(&url).await;
    juror
        .goto(&format!("{}/jure/{token}", w.base))
        .await
        .unwrap();
    assert_eq!(text(&juror, "h1").await, "Espace juré");
    let page = body(&juror).await;
    assert!(page.contains("PETIT Lou"), "{page}");
    juror
        .find(Locator::Id(&format!("l-{session}-{}", lou.id)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    juror
        .find(Locator::Id(&format!("w-{session}-{}", lou.id)))
        .await
        .unwrap()
        .send_keys("ancienne voisine")
        .await
        .unwrap();
    juror
        .find(Locator::XPath(
            "//button[contains(., 'Enregistrer mes réponses')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        text(&juror, "[role=status]")
            .await
            .contains("Vos réponses sont enregistrées")
    );
    juror
        .find(Locator::Id(&format!("sw-{session}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    draw(&juror, ".signature-pad canvas").await;
    juror
        .find(Locator::XPath(
            "//button[contains(., 'Signer ma déclaration')]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The page after signing (the one before had its own notice).
    let done = juror
        .wait()
        .for_element(Locator::XPath(
            "//div[@role='status']/p[contains(., 'est signée')]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        done.contains("Votre déclaration sur l'honneur est signée"),
        "{done}"
    );
    juror.close().await.unwrap();
    let png = w
        .store
        .juror_signature(&h, &marty.id)
        .await
        .unwrap()
        .unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));

    // The manager sees both on the jury tab: the link, and the statement signed by link.
    let b = browser(&url).await;
    sign_in(&b, &w.base, "manager@alpha.example").await;
    b.goto(&format!("{}/sessions/{session}/jury", w.base))
        .await
        .unwrap();
    let page = body(&b).await;
    assert!(
        page.contains("ancienne voisine (déclaré par le juré)"),
        "{page}"
    );
    assert!(page.contains("déclaration signée"), "{page}");
    assert!(page.contains("lien personnel"), "{page}");
    assert!(
        page.contains("Marc MARTY — PETIT Lou : ancienne voisine"),
        "{page}"
    );
    b.close().await.unwrap();
}

/// Cuts (or restores) the network of the browser behind `c`, through chromedriver.
async fn network(c: &Client, driver: &str, offline: bool) {
    let id = c.session_id().await.unwrap().unwrap();
    let r = reqwest::Client::new()
        .post(format!("{driver}/session/{id}/chromium/network_conditions"))
        .json(&json!({"network_conditions": {
            "offline": offline, "latency": 0,
            "download_throughput": 1_000_000, "upload_throughput": 1_000_000}}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn the_welcome_keeps_working_while_the_network_is_down_and_nothing_is_doubled() {
    use jalon_core::candidate::CandidateInput;
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    let base = common::server_on_day(&w.store, date(2027, 3, 15)).await;
    let centre = w
        .store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let session = w.store.sessions(&actor).await.unwrap()[0]
        .session
        .id
        .clone();
    let h = w.store.open_session(&actor, &session).await.unwrap();
    let lou = w
        .store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Petit".into(),
                first_names: "Lou".into(),
                birth_date: Some(date(2001, 9, 9)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let b = browser(&url).await;
    sign_in(&b, &base, "manager@alpha.example").await;
    b.goto(&format!("{base}/sessions/{session}/checkin"))
        .await
        .unwrap();
    // The network drops; Lou is welcomed all the same.
    network(&b, &url, true).await;
    let card = format!("#c-{}", lou.id);
    b.find(Locator::Css(&format!(
        "{card} input[name=identity_checked]"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    b.find(Locator::Css(&format!("{card} button[value='1']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let banner = text(&b, ".offline-status").await;
    assert!(
        banner.contains("Hors ligne : 1 action en attente"),
        "{banner}"
    );
    let before = w.store.candidate(&h, &lou.id).await.unwrap();
    assert_eq!(
        before.presence,
        jalon_store::candidates::Presence::Expected,
        "nothing reached the server"
    );
    // Back online: sent once, and the page shows what the server has.
    network(&b, &url, false).await;
    let mut welcomed = None;
    for _ in 0..60 {
        let now = w.store.candidate(&h, &lou.id).await.unwrap();
        if now.presence == jalon_store::candidates::Presence::Present {
            welcomed = Some(now);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let welcomed = welcomed.expect("the queued welcome arrives once the network is back");
    assert!(welcomed.identity_checked);
    assert_eq!(welcomed.version, lou.version + 1, "applied once");
    assert!(queue_emptied(&b).await, "the queue is empty");
    let after = w.store.candidate(&h, &lou.id).await.unwrap();
    assert_eq!(after.version, lou.version + 1, "still applied once");
    b.close().await.unwrap();
}

/// Whether the browser emptied its queue of actions (it does once it has the server's
/// answer, which may come just after the server applied the action).
async fn queue_emptied(b: &Client) -> bool {
    for _ in 0..120 {
        let queued = b
            .execute("return localStorage.getItem('jalon-actions')", vec![])
            .await
            .unwrap_or(json!(null));
        if queued == json!("[]") {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    false
}

#[tokio::test]
async fn a_whole_day_kept_with_the_network_cut_arrives_in_order_and_once() {
    use jalon_core::candidate::CandidateInput;
    use jalon_core::custody::{PacketKind, PacketState};
    use jalon_store::catalog::{Epreuve, EpreuveKind, TitleInput, TitleStructure};
    use jalon_store::custody::{PacketInput, ReceptionInput};
    let Some((_driver, url)) = chromedriver() else {
        return;
    };
    let w = world().await;
    let centre = w
        .store
        .centres()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == "Centre Alpha")
        .unwrap();
    let actor = Actor::command_line(centre.id);
    let session = w.store.sessions(&actor).await.unwrap()[0].session.clone();
    // The title's épreuves, so that the day has one to launch.
    let title = w.store.title(&actor, &session.title_id).await.unwrap();
    let msp = "Mise en situation professionnelle";
    w.store
        .update_title(
            &actor,
            &title.id,
            title.version,
            TitleInput {
                rncp_code: title.rncp_code.clone(),
                name: title.name.clone(),
                domain: title.domain,
                transport: title.transport,
                expiry: title.expiry,
                structure: TitleStructure {
                    epreuves: vec![
                        Epreuve {
                            name: msp.into(),
                            kind: EpreuveKind::Practical,
                            minutes: 120,
                            ..Default::default()
                        },
                        Epreuve {
                            name: "Entretien final".into(),
                            kind: EpreuveKind::FinalInterview,
                            minutes: 20,
                            ..Default::default()
                        },
                    ],
                    ..title.structure.clone()
                },
            },
        )
        .await
        .unwrap();
    let h = w.store.open_session(&actor, &session.id).await.unwrap();
    let lou = w
        .store
        .add_candidate(
            h.writer().unwrap(),
            CandidateInput {
                last_name: "Petit".into(),
                first_names: "Lou".into(),
                birth_date: Some(date(2001, 9, 9)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let holder = w.store.users(&actor).await.unwrap()[0].id.to_string();
    let dte = w
        .store
        .receive_dte(
            h.writer().unwrap(),
            0,
            ReceptionInput {
                at: jalon_store::Stamp::new(w.store.now()),
                by: "manager Centre Alpha".into(),
                storage: "Armoire forte".into(),
                key_holders: vec![holder],
                packets: vec![PacketInput {
                    kind: PacketKind::Subjects,
                    label: "Pli 1".into(),
                    epreuve: Some(msp.into()),
                    seals_intact: true,
                }],
            },
        )
        .await
        .unwrap();
    let packet = dte.packets[0].id.clone();
    let day = date(2027, 3, 15);
    let base = common::server_on_day(&w.store, day).await;
    let b = browser(&url).await;
    sign_in(&b, &base, "manager@alpha.example").await;
    let journal = |n: i64| {
        let (store, h) = (&w.store, &h);
        async move {
            store
                .session_journal(h, n)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.action.as_str().to_owned())
                .collect::<Vec<_>>()
        }
    };
    // 8 h: Lou welcomed at the door, the network still up.
    b.goto(&format!("{base}/sessions/{}/checkin", session.id))
        .await
        .unwrap();
    let card = format!("#c-{}", lou.id);
    click(&b, &format!("{card} input[name=identity_checked]")).await;
    click(&b, &format!("{card} button[value='1']")).await;
    assert!(queue_emptied(&b).await, "the welcome is sent at once");
    assert_eq!(
        w.store.candidate(&h, &lou.id).await.unwrap().presence,
        jalon_store::candidates::Presence::Present
    );
    // 8 h 30 in the workshop, the network drops: the manager present, the trainers' absence
    // attested, the envelope opened before the candidates (tapped twice), the start.
    let plis = format!("{base}/sessions/{}/plis?jour=2027-03-15", session.id);
    b.goto(&plis).await.unwrap();
    network(&b, &url, true).await;
    click(&b, "form[action$='/responsable'] button").await;
    click(
        &b,
        "form[action$='/attester']:has(input[value='Lundi 15 mars 2027 : aucun formateur présent']) button",
    )
    .await;
    click(&b, &format!("#p-{packet} summary")).await;
    fill(&b, &format!("ow-{packet}"), "Marc LEROY, juré").await;
    let open = format!("#p-{packet} form[action$='/open'] button");
    click(&b, &open).await;
    click(&b, &open).await;
    fill(&b, "t-1", "8:40").await;
    click(&b, "button[value=start]").await;
    let banner = text(&b, ".offline-status").await;
    assert!(
        banner.contains("Hors ligne : 5 actions en attente"),
        "{banner}"
    );
    assert_eq!(
        w.store.launch_day(&h, day).await.unwrap().manager,
        None,
        "nothing reached the server"
    );
    // Back: sent in order (the start needs the manager recorded first), each once; the
    // second tap on « Ouvrir » is refused on sync and said so, not lost silently.
    network(&b, &url, false).await;
    assert!(queue_emptied(&b).await, "the queue is sent");
    let launched = w.store.launch_day(&h, day).await.unwrap();
    assert_eq!(launched.manager.as_deref(), Some("manager Centre Alpha"));
    assert!(launched.epreuves[0].started.is_some());
    let opened = w.store.dte(&h).await.unwrap().packets[0].clone();
    assert_eq!(opened.state, PacketState::Opened);
    assert_eq!(opened.version, 2, "opened once");
    assert_eq!(opened.opened_witnesses.as_deref(), Some("Marc LEROY, juré"));
    assert_eq!(
        journal(4).await,
        [
            "launch.started",
            "packet.opened",
            "milestone.item_ticked",
            "launch.manager_present",
        ],
        "in order, each once"
    );
    let banner = text(&b, ".offline-status").await;
    assert!(
        banner.contains("Refusé à l'envoi") && banner.contains("Ouvrir — "),
        "{banner}"
    );
    // The page the server now has (reloaded after the queue was sent); the network drops
    // again: Lou arrives late, an incident, the unused subjects destroyed, the end, the
    // envelope's subjects destroyed.
    b.goto(&plis).await.unwrap();
    network(&b, &url, true).await;
    fill(&b, "la-1", "9:05").await;
    click(&b, "form[action$='/epreuve']:has(input[value=late]) button").await;
    click(&b, "section[aria-labelledby=h-incidents] details summary").await;
    fill(&b, "i-time", "10:40").await;
    fill(
        &b,
        "i-desc",
        "Lou se sent mal, sort dix minutes accompagnée",
    )
    .await;
    b.find(Locator::Css("#i-cat option[value=illness]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click(&b, &format!("#ic-{}", lou.id)).await;
    click(&b, "form[action$='/incidents'] button").await;
    fill(&b, "uc-1", "2").await;
    fill(&b, "uw-1", "Marc LEROY").await;
    click(
        &b,
        "form[action$='/epreuve']:has(input[value=destroy_unused]) button",
    )
    .await;
    fill(&b, "t-1", "10:40").await;
    click(&b, "button[value=end]").await;
    click(&b, &format!("#p-{packet} summary")).await;
    fill(&b, &format!("dw-{packet}"), "Marc LEROY").await;
    click(&b, &format!("#p-{packet} form[action$='/destroy'] button")).await;
    let banner = text(&b, ".offline-status").await;
    assert!(
        banner.contains("Hors ligne : 5 actions en attente"),
        "{banner}"
    );
    network(&b, &url, false).await;
    assert!(queue_emptied(&b).await, "the queue is sent");
    let done = w.store.launch_day(&h, day).await.unwrap();
    let e = &done.epreuves[0];
    assert_eq!(e.late, [("PETIT Lou".to_owned(), "9 h 05".to_owned())]);
    assert_eq!(e.unused_count, Some(2));
    assert_eq!(e.ended.map(|t| t.to_string()), Some("10:40:00".to_owned()));
    let incidents = w.store.incidents(&h).await.unwrap();
    assert_eq!(incidents.len(), 1, "one incident, once");
    assert_eq!(incidents[0].candidate_names, ["PETIT Lou"]);
    let destroyed = w.store.dte(&h).await.unwrap().packets[0].clone();
    assert_eq!(destroyed.state, PacketState::Destroyed);
    assert_eq!(
        journal(5).await,
        [
            "packet.destroyed",
            "launch.ended",
            "launch.unused_destroyed",
            "incident.reported",
            "launch.late_admitted",
        ],
        "in order, each once"
    );
    // The documents of the day, from the same page.
    for doc in [
        format!(
            "/sessions/{}/plis/jour/2027-03-15/attestation.pdf",
            session.id
        ),
        format!("/sessions/{}/plis/destruction.pdf", session.id),
        format!(
            "/sessions/{}/plis/incidents/{}/pv.pdf",
            session.id, incidents[0].id
        ),
    ] {
        let kind = b
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 fetch(arguments[0]).then(r => done(r.headers.get('content-type')), () => done(null));",
                vec![json!(doc)],
            )
            .await
            .unwrap();
        assert_eq!(kind, json!("application/pdf"), "{doc}");
    }
    b.close().await.unwrap();
}
