//! Convocations by email, for real: written to the outbox, or sent to an SMTP server that
//! this test runs on loopback; then acknowledged through the candidate's personal link.

mod common;

use common::PASSWORD;
use jalon_core::Kind;
use jalon_core::candidate::CandidateInput;
use jalon_store::convocations::Mode;
use jalon_store::sessions::SessionInput;
use jalon_store::{Actor, Role, Store};
use jalon_web::AppState;
use jalon_web::mailer::MailSettings;
use jiff::civil::date;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A centre with one session and two candidates convened by email; returns the session id.
async fn world(store: &Store) -> String {
    world_with(store, Vec::new()).await
}

/// The same, the title's épreuves given.
async fn world_with(store: &Store, epreuves: Vec<jalon_core::catalog::Epreuve>) -> String {
    let (c, _) = store
        .create_centre(
            "Centre Alpha",
            common::user("admin@alpha.example", "Alice", Role::Admin),
        )
        .await
        .unwrap();
    let actor = Actor::command_line(c.id);
    let a = actor.admin().unwrap();
    let common::Catalog {
        site,
        title,
        approval,
    } = common::catalog(
        store,
        a,
        common::Spec {
            epreuves,
            ..common::Spec::default()
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
                manager_id: None,
                override_justification: None,
            },
        )
        .await
        .unwrap();
    let id = s.session.id;
    let person = |last: &str, first: &str, email: &str| CandidateInput {
        last_name: last.into(),
        first_names: first.into(),
        birth_date: Some(date(1990, 2, 1)),
        email: email.into(),
        ..Default::default()
    };
    let h = store.open_session(&actor, &id).await.unwrap();
    store
        .import_candidates(
            h.writer().unwrap(),
            vec![
                person("Dupont", "José", "jose.dupont@exemple.fr"),
                person("Martin", "Anne", ""),
            ],
            false,
        )
        .await
        .unwrap();
    for c in store.candidates(&h).await.unwrap() {
        store
            .set_convocation_mode(h.writer().unwrap(), &c.id, Mode::EmailReceipts)
            .await
            .unwrap();
    }
    id.to_string()
}

async fn serve(store: Store, mail: impl FnOnce(&str) -> MailSettings) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(store, false).with_mail(mail(&base));
    tokio::spawn(jalon_web::serve(listener, state, std::future::pending()));
    base
}

async fn admin(base: &str) -> reqwest::Client {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = c
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"email": "admin@alpha.example", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    c
}

/// The message carries the candidate's convocation as a PDF attachment, and says so.
fn assert_pdf_attached(message: &str) {
    let flat = message.replace("=\r\n", "").replace("=\n", "");
    assert!(flat.contains("Votre convocation est jointe"), "{flat}");
    let at = flat
        .find("Content-Type: application/pdf")
        .expect("a PDF attached");
    let part = &flat[at.saturating_sub(200)..];
    assert!(
        part.contains("filename=\"convocation-dupont-jose.pdf\""),
        "{part}"
    );
    // « %PDF- » in base64.
    assert!(part.contains("JVBERi0"), "the attachment is a PDF: {part}");
}

/// The form token of a page, to post its forms.
async fn csrf_of(c: &reqwest::Client, url: &str) -> String {
    let page = c.get(url).send().await.unwrap().text().await.unwrap();
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

/// The personal link's token in a message (quoted-printable soft breaks undone).
fn token_in(message: &str) -> String {
    let flat = message.replace("=\r\n", "").replace("=\n", "");
    let at = flat.find("/accuse/").expect("a personal link") + 8;
    flat[at..at + 64].to_owned()
}

#[tokio::test]
async fn convocations_go_to_the_outbox_and_are_acknowledged_by_their_link() {
    let (store, dir) = common::store().await;
    let id = world(&store).await;
    let outbox = dir.path().join("outbox");
    let o = outbox.clone();
    let base = serve(store.clone(), move |base| MailSettings::outbox(o, base)).await;
    let c = admin(&base).await;
    // The centre's settings sign the emails and receive the replies.
    let centre: Value = c
        .get(format!("{base}/api/v1/centre"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = c
        .put(format!("{base}/api/v1/centre"))
        .json(
            &serde_json::json!({"version": centre["version"], "name": centre["name"],
            "phone": "04 72 00 00 00", "reply_to": "examens@alpha.example"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r: Value = c
        .post(format!("{base}/api/v1/sessions/{id}/convocations/send"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["sent"], 1);
    assert_eq!(r["without_address"][0], "MARTIN Anne, né(e) le 01/02/1990");
    // Pressing again sends nothing twice.
    let again: Value = c
        .post(format!("{base}/api/v1/sessions/{id}/convocations/send"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["sent"], 0);
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(files.len(), 1, "one email written");
    // Personal data: the outbox and the message are the owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&outbox), 0o700);
        assert_eq!(mode(&files[0].path()), 0o600);
    }
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(eml.contains("To: jose.dupont@exemple.fr"), "{eml}");
    assert!(
        eml.contains("Reply-To:") && eml.contains("<examens@alpha.example>"),
        "{eml}"
    );
    assert!(
        eml.contains("04 72 00 00 00"),
        "the centre's phone signs it: {eml}"
    );
    assert_pdf_attached(&eml);
    let token = token_in(&eml);
    // The link shows a button; opening it acknowledges nothing yet.
    let page = reqwest::get(format!("{base}/accuse/{token}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Je confirme avoir lu ma convocation"),
        "{page}"
    );
    // It says who, which centre, which session, when and where, before anything is confirmed.
    for fact in ["DUPONT José", "Centre", "du lundi", "<dt>Lieu</dt>"] {
        assert!(page.contains(fact), "{fact}: {page}");
    }
    let convs: Value = c
        .get(format!("{base}/api/v1/sessions/{id}/convocations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        convs["missing"].as_array().unwrap().iter().any(|m| m
            .as_str()
            .unwrap()
            .starts_with("DUPONT José")
            && m.as_str().unwrap().ends_with("accusé de lecture attendu"))
    );
    let r = reqwest::Client::new()
        .post(format!("{base}/accuse/{token}"))
        .header("user-agent", "Firefox de test")
        .send()
        .await
        .unwrap();
    // Redirected to the link (a reload posts nothing again), which thanks.
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.url().query(), Some("merci"));
    let thanks = r.text().await.unwrap();
    assert!(
        thanks.contains("Merci. Votre accusé de lecture est enregistré : le ")
            && thanks.contains("DUPONT José"),
        "{thanks}"
    );
    // Opened again: already confirmed, with the time, and no button.
    let again = reqwest::get(format!("{base}/accuse/{token}"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        again.contains("Vous avez déjà confirmé la lecture de votre convocation : le ")
            && !again.contains("Je confirme avoir lu"),
        "{again}"
    );
    let convs: Value = c
        .get(format!("{base}/api/v1/sessions/{id}/convocations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jose = convs["convocations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["read_at"].is_string())
        .unwrap()
        .clone();
    assert!(
        jose["read_from"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1 — Firefox de test"),
        "{jose}"
    );
    // An unknown link: 404, in French.
    let r = reqwest::get(format!("{base}/accuse/{}", "0".repeat(64)))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = reqwest::Client::new()
        .post(format!("{base}/accuse/{}", "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Ce lien d&#39;accusé de lecture n&#39;est pas reconnu")
    );
}

/// A minimal SMTP server: accepts every message and hands over (recipients, data).
async fn smtp_server() -> (
    u16,
    tokio::sync::mpsc::UnboundedReceiver<(Vec<String>, String)>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 jalon-test ESMTP\r\n").await.unwrap();
                let (mut rcpt, mut data, mut in_data) = (Vec::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            tx.send((std::mem::take(&mut rcpt), std::mem::take(&mut data)))
                                .unwrap();
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push_str("\r\n");
                        }
                        continue;
                    }
                    let upper = line.to_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 jalon-test\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        rcpt.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                        b"250 ok\r\n"
                    } else if upper == "DATA" {
                        in_data = true;
                        b"354 go on\r\n"
                    } else if upper == "QUIT" {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn convocations_are_sent_to_a_real_smtp_server() {
    let (store, _dir) = common::store().await;
    let id = world(&store).await;
    let (port, mut received) = smtp_server().await;
    let base = serve(store.clone(), move |base| {
        MailSettings::smtp(
            &format!("smtp://127.0.0.1:{port}"),
            "Centre Alpha <examens@alpha.example>",
            base,
        )
        .unwrap()
    })
    .await;
    let c = admin(&base).await;
    let r: Value = c
        .post(format!("{base}/api/v1/sessions/{id}/convocations/send"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["sent"], 1, "{r}");
    let (rcpt, data) = received.recv().await.unwrap();
    assert_eq!(rcpt, ["jose.dupont@exemple.fr"]);
    assert!(
        data.contains("From: \"Centre Alpha\" <examens@alpha.example>")
            || data.contains("From: Centre Alpha <examens@alpha.example>"),
        "{data}"
    );
    assert_pdf_attached(&data);
    let token = token_in(&data);
    let r = reqwest::Client::new()
        .post(format!("{base}/accuse/{token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let convs: Value = c
        .get(format!("{base}/api/v1/sessions/{id}/convocations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sent = convs["convocations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["send_status"] == "sent")
        .unwrap()
        .clone();
    assert!(sent["read_at"].is_string(), "{sent}");
    // An unreachable server: a failure said in French, recorded, and retried later.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (store2, _dir2) = common::store().await;
    let id2 = world(&store2).await;
    let base2 = serve(store2, move |base| {
        MailSettings::smtp(
            &format!("smtp://127.0.0.1:{dead}"),
            "Centre <a@b.example>",
            base,
        )
        .unwrap()
    })
    .await;
    let c2 = admin(&base2).await;
    let r: Value = c2
        .post(format!("{base2}/api/v1/sessions/{id2}/convocations/send"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["sent"], 0);
    assert!(
        r["failed"][0]
            .as_str()
            .unwrap()
            .starts_with("DUPONT José, né(e) le 01/02/1990 : serveur de courriel"),
        "{r}"
    );
    let convs: Value = c2
        .get(format!("{base2}/api/v1/sessions/{id2}/convocations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        convs["missing"].as_array().unwrap().iter().any(|m| m
            .as_str()
            .unwrap()
            .ends_with("l'envoi du courriel a échoué")),
        "{convs}"
    );
}

#[tokio::test]
async fn a_candidate_reads_their_result_only_once_the_session_is_validated() {
    use jalon_core::catalog::{Epreuve, EpreuveKind};
    use jalon_core::results::{Decision, Outcome, ResultInput};
    use jalon_store::Clock;
    use jalon_store::results::RecordResult;
    let (store, dir) = common::store().await;
    let epreuve = |name: &str, kind| Epreuve {
        name: name.into(),
        kind,
        minutes: 60,
        ..Default::default()
    };
    let id = world_with(
        &store,
        vec![
            epreuve("Mise en situation professionnelle", EpreuveKind::Practical),
            epreuve("Entretien final", EpreuveKind::FinalInterview),
        ],
    )
    .await;
    let outbox = dir.path().join("outbox");
    let o = outbox.clone();
    let base = serve(store.clone(), move |base| MailSettings::outbox(o, base)).await;
    let c = admin(&base).await;
    let r = c
        .post(format!("{base}/api/v1/sessions/{id}/convocations/send"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let eml = std::fs::read_dir(&outbox)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    let token = token_in(&eml);
    let page = || async {
        reqwest::get(format!("{base}/accuse/{token}"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .replace("&#39;", "'")
    };
    // Before the épreuves: the candidate sees their own passages, and that results come
    // after the validation.
    let before = page().await;
    assert!(before.contains("Vos épreuves"), "{before}");
    assert!(
        before.contains("<strong>Entretien final</strong> : lundi 15 mars 2027"),
        "{before}"
    );
    assert!(
        !before.contains("MARTIN Anne"),
        "nothing of anyone else: {before}"
    );
    // The result is recorded after the session: still nothing shows, on the page or in mail.
    let on = |day: &str| {
        store
            .clone()
            .with_clock(Clock::Fixed(format!("{day}T10:00:00Z").parse().unwrap()))
    };
    let after = on("2027-03-22");
    let actor = Actor::command_line(after.centres().await.unwrap()[0].id.clone());
    let sid: jalon_store::SessionId = id.as_str().into();
    let h = after.open_session(&actor, &sid).await.unwrap();
    let jose = after
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.input.last_name == "Dupont")
        .unwrap();
    after
        .record_result(
            h.writer().unwrap(),
            &jose.id,
            RecordResult {
                version: 0,
                result: ResultInput {
                    epreuves: [
                        (
                            "Mise en situation professionnelle".to_owned(),
                            Outcome::Done,
                        ),
                        ("Entretien final".to_owned(), Outcome::Done),
                    ]
                    .into_iter()
                    .collect(),
                    ccps: Default::default(),
                    decision: Decision::Obtained,
                },
                ceres_entered_on: None,
                dp_handed: true,
            },
        )
        .await
        .unwrap();
    let held = page().await;
    assert!(!held.contains("titre obtenu"), "embargo: {held}");
    assert!(
        held.contains(
            "Votre résultat vous sera communiqué après la validation officielle de la session"
        ),
        "{held}"
    );
    for mail in std::fs::read_dir(&outbox).unwrap().filter_map(Result::ok) {
        let text = std::fs::read_to_string(mail.path()).unwrap();
        assert!(!text.contains("obtenu"), "no result by mail before: {text}");
    }
    // Nor the centre's letter to him: refused, under its rule.
    let letter = format!("{base}/sessions/{id}/resultats/{}/courrier.pdf", jose.id);
    let r = c.get(&letter).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = r.text().await.unwrap().replace("&#39;", "'");
    assert!(
        refused.contains(
            "aucun résultat ne peut être communiqué à un candidat avant la validation officielle"
        ),
        "{refused}"
    );
    // Nor the letter by email: refused under the same rule, nothing sent.
    let results_page = format!("{base}/sessions/{id}/resultats");
    let csrf = csrf_of(&c, &results_page).await;
    let mails_before = std::fs::read_dir(&outbox).unwrap().count();
    let r = c
        .post(format!(
            "{base}/sessions/{id}/resultats/{}/courrier",
            jose.id
        ))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .replace("&#39;", "'")
            .contains("aucun résultat ne peut être communiqué à un candidat")
    );
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), mails_before);
    // Transmitted, then validated: the page gives the decision.
    after
        .record_transmission(
            h.writer().unwrap(),
            h.session().version,
            jalon_core::transmit::TransmissionInput {
                sent_on: jiff::civil::date(2027, 3, 22),
                channel: jalon_core::transmit::Channel::RegisteredPost,
                reference: "1A 123 456 7890 1".to_owned(),
                contents: "PV, grilles, émargement, déclarations".to_owned(),
            },
        )
        .await
        .unwrap();
    let later = on("2027-04-02");
    let h = later.open_session(&actor, &sid).await.unwrap();
    later
        .record_validation(
            h.writer().unwrap(),
            h.session().version,
            jiff::civil::date(2027, 4, 1),
        )
        .await
        .unwrap();
    let r = c.get(&letter).send().await.unwrap();
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(kind, "application/pdf", "{}", r.text().await.unwrap());
    let validated = page().await;
    assert!(
        validated.contains(
            "Session validée par le service départemental le jeudi 1ᵉʳ avril 2027. Décision du jury : <strong>titre obtenu</strong>"
        ),
        "{validated}"
    );
    // The letters go by email once validated: his, with the PDF, journaled; shown as sent.
    let csrf = csrf_of(&c, &results_page).await;
    let r = c
        .post(format!("{base}/sessions/{id}/resultats/courriers"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let after_send = r.text().await.unwrap().replace("&#39;", "'");
    assert!(
        after_send.contains("1 courrier envoyé par courriel."),
        "{after_send}"
    );
    assert!(after_send.contains("envoyé "), "{after_send}");
    let letter_mail = std::fs::read_dir(&outbox)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .find(|m| m.contains("courrier-resultat-"))
        .expect("the letter's email");
    let flat = letter_mail.replace("=\r\n", "").replace("=\n", "");
    assert!(
        flat.contains("a =C3=A9t=C3=A9 valid=C3=A9e") || flat.contains("a été validée"),
        "{flat}"
    );
    assert!(flat.contains("Content-Type: application/pdf"), "{flat}");
    assert!(flat.contains("courrier-resultat-dupont-jose.pdf"), "{flat}");
    let journal = later.session_journal(&h, 1).await.unwrap();
    assert_eq!(
        journal[0].action.label(),
        "Courrier de résultat envoyé au candidat par courriel"
    );
}

/// Two centres: Alpha (its administrator) and Beta, where Claire already has an account; the
/// server mails through a loopback SMTP server. Returns the base URL, the mails received and
/// a client signed in as Alpha's administrator.
async fn two_centres_by_smtp() -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(Vec<String>, String)>,
    reqwest::Client,
    tempfile::TempDir,
) {
    let (store, dir) = common::store().await;
    store
        .create_centre(
            "Centre Alpha",
            common::user("admin@alpha.example", "Alice", Role::Admin),
        )
        .await
        .unwrap();
    let beta = store.add_centre("Centre Beta").await.unwrap();
    store
        .add_user(
            Actor::command_line(beta.id).admin().unwrap(),
            common::user("claire@beta.example", "Claire Martin", Role::Admin),
        )
        .await
        .unwrap();
    let (port, received) = smtp_server().await;
    let base = serve(store, move |base| {
        MailSettings::smtp(
            &format!("smtp://127.0.0.1:{port}"),
            "Jalon <jalon@alpha.example>",
            base,
        )
        .unwrap()
    })
    .await;
    let c = admin(&base).await;
    (base, received, c, dir)
}

/// The next mail, within a few seconds (they leave in the background), with its
/// quoted-printable soft line breaks undone.
async fn next_mail(
    received: &mut tokio::sync::mpsc::UnboundedReceiver<(Vec<String>, String)>,
) -> (Vec<String>, String) {
    let (to, data) = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("a mail arrives")
        .unwrap();
    (to, data.replace("=\r\n", ""))
}

/// The token after `path` in a mail.
fn link_token(mail: &str, path: &str) -> String {
    let at = mail
        .find(path)
        .unwrap_or_else(|| panic!("{path} in {mail}"))
        + path.len();
    mail[at..at + 64].to_owned()
}

fn anonymous() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_invitation_answers_alike_whether_or_not_the_address_has_an_account() {
    let (base, mut received, c, _dir) = two_centres_by_smtp().await;
    let invite = |email: &'static str| {
        let (c, base) = (c.clone(), base.clone());
        async move {
            let csrf = csrf_of(&c, &format!("{base}/admin/users")).await;
            let r = c
                .post(format!("{base}/admin/users"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("display_name", "Claire M."),
                    ("email", email),
                    ("role", "manager"),
                ])
                .send()
                .await
                .unwrap();
            (r.status(), r.url().to_string(), r.text().await.unwrap())
        }
    };
    // Claire's address has an account in Beta: the old form answered « déjà utilisée ».
    let (known_status, known_url, known_page) = invite("claire@beta.example").await;
    let (new_status, new_url, new_page) = invite("nouvelle@alpha.example").await;
    assert_eq!(known_status, StatusCode::OK, "{known_page}");
    assert_eq!((known_status, &known_url), (new_status, &new_url));
    assert!(known_url.ends_with("/admin/users?ok=invited"));
    assert!(known_page.contains("Invitation envoyée."), "{known_page}");
    assert!(!known_page.contains("déjà"));
    // Both are listed as pending, alike.
    assert!(new_page.contains("Invitations en attente"));
    assert!(
        new_page.contains("claire@beta.example") && new_page.contains("nouvelle@alpha.example")
    );
    // The API answers alike too.
    let api = |email: &'static str| {
        let (c, base) = (c.clone(), base.clone());
        async move {
            let r = c
                .post(format!("{base}/api/v1/users"))
                .json(&serde_json::json!({"email": email, "display_name": "X Y", "role": "inspector"}))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let mut v: Value = r.json().await.unwrap();
            for k in ["id", "email", "created_at", "expires_at"] {
                v[k] = Value::Null;
            }
            (status, v)
        }
    };
    assert_eq!(
        api("claire@beta.example").await,
        api("autre@alpha.example").await
    );
    assert_eq!(api("autre@alpha.example").await.0, StatusCode::ACCEPTED);
    // Nobody may be invited under the name the journal gives to the command line.
    let r = c
        .post(format!("{base}/api/v1/users"))
        .json(&serde_json::json!({"email": "cli@alpha.example", "display_name": "Ligne de Commande", "role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "display_name", "{body}");
    assert!(
        body.to_string()
            .contains("ressemble au nom que le journal donne à la ligne de commande")
    );
    // Only the owner of each address learns which it was, by the mail it receives.
    // Two to Claire (page and API), one to « nouvelle », two to « autre ».
    let mut mails = Vec::new();
    for _ in 0..5 {
        mails.push(next_mail(&mut received).await);
    }
    let to_claire: Vec<&String> = mails
        .iter()
        .filter(|(to, _)| to == &["claire@beta.example"])
        .map(|(_, m)| m)
        .collect();
    assert_eq!(to_claire.len(), 2);
    for m in &to_claire {
        assert!(m.contains("un compte Jalon"), "{m}");
        assert!(
            !m.contains("/invitation/"),
            "no link for an existing account: {m}"
        );
    }
    let invitation = mails
        .iter()
        .find(|(to, _)| to == &["nouvelle@alpha.example"])
        .map(|(_, m)| m.clone())
        .unwrap();
    assert!(invitation.contains("Subject: Invitation"), "{invitation}");
    // Its accents read as such in a mail client.
    for m in to_claire.iter().copied().chain([&invitation]) {
        assert!(m.contains("Content-Type: text/plain; charset=utf-8"), "{m}");
    }
    let token = link_token(&invitation, "/invitation/");
    // The link: one job, once.
    let page = anonymous()
        .get(format!("{base}/invitation/{token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Centre Alpha") && page.contains("nouvelle@alpha.example"));
    let set = |password: &'static str| {
        let (base, token) = (base.clone(), token.clone());
        async move {
            let r = anonymous()
                .post(format!("{base}/invitation/{token}"))
                .form(&[("password", password), ("password_confirm", password)])
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, page) = set("1234567890").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("12 caractères au moins"), "{page}");
    let (status, page) = set("une phrase de passe").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Votre compte est créé"));
    let (status, _) = set("une autre phrase encore").await;
    assert_eq!(status, StatusCode::GONE);
    let r = anonymous()
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"email": "nouvelle@alpha.example", "password": "une phrase de passe"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Claire's account in Beta is untouched: no duplicate in Alpha.
    let users: Value = c
        .get(format!("{base}/api/v1/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!users.to_string().contains("claire@beta.example"));
    // From the users' page, a pending invitation is resent (a new link, the old one dies)
    // then cancelled (no link works).
    let old = mails
        .iter()
        .rev()
        .find(|(to, _)| to == &["autre@alpha.example"])
        .map(|(_, m)| link_token(m, "/invitation/"))
        .unwrap();
    let pending: Value = c
        .get(format!("{base}/api/v1/invitations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "autre@alpha.example")
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .unwrap();
    let post = |what: &'static str| {
        let (c, base, id) = (c.clone(), base.clone(), id.clone());
        async move {
            let csrf = csrf_of(&c, &format!("{base}/admin/users")).await;
            let r = c
                .post(format!("{base}/admin/invitations/{id}/{what}"))
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .unwrap();
            (r.url().to_string(), r.text().await.unwrap())
        }
    };
    let (url, page) = post("resend").await;
    assert!(url.ends_with("?ok=resent"), "{url}");
    assert!(page.contains("Invitation renvoyée"));
    let (to, mail) = next_mail(&mut received).await;
    assert_eq!(to, ["autre@alpha.example"]);
    let new = link_token(&mail, "/invitation/");
    let status = |token: String| {
        let base = base.clone();
        async move {
            anonymous()
                .get(format!("{base}/invitation/{token}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(status(old).await, StatusCode::GONE);
    assert_eq!(status(new.clone()).await, StatusCode::OK);
    let (url, page) = post("cancel").await;
    assert!(url.ends_with("?ok=cancelled"), "{url}");
    assert!(!page.contains("autre@alpha.example"), "no longer pending");
    assert_eq!(status(new).await, StatusCode::GONE);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_a_one_hour_link_that_ends_every_login() {
    let (base, mut received, _, _dir) = two_centres_by_smtp().await;
    let login = |password: &'static str| {
        let base = base.clone();
        async move {
            let c = anonymous();
            let r = c
                .post(format!("{base}/api/v1/login"))
                .json(&serde_json::json!({"email": "claire@beta.example", "password": password}))
                .send()
                .await
                .unwrap();
            (r.status(), c)
        }
    };
    let (status, claire) = login(PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let login_page = anonymous()
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login_page.contains("href=\"/password/forgot\""));
    let forgot = |email: &'static str| {
        let base = base.clone();
        async move {
            let r = anonymous()
                .post(format!("{base}/password/forgot"))
                .form(&[("email", email)])
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    // The same sentence whether or not the address has an account.
    let known = forgot("Claire@Beta.example").await;
    let unknown = forgot("personne@beta.example").await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, StatusCode::OK);
    assert!(
        known.1.contains(
            "Si un compte existe pour cette adresse, un courriel vient de lui être envoyé"
        )
    );
    let (to, mail) = next_mail(&mut received).await;
    assert_eq!(to, ["claire@beta.example"]);
    let token = link_token(&mail, "/password/reset/");
    let reset = |password: &'static str| {
        let (base, token) = (base.clone(), token.clone());
        async move {
            let r = anonymous()
                .post(format!("{base}/password/reset/{token}"))
                .form(&[("password", password), ("password_confirm", password)])
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (status, page) = reset("aaaaaaaaaaaaaaa").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("répéter un même caractère"), "{page}");
    let (status, page) = reset("administrator").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("figure parmi les plus courants"), "{page}");
    let (status, page) = reset("le vieux chêne du parc").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // Claire's other logins ended; the old password no longer works, the new one does.
    let me = claire
        .get(format!("{base}/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(login(PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(login("le vieux chêne du parc").await.0, StatusCode::OK);
    // Once only.
    assert_eq!(reset("encore un autre secret").await.0, StatusCode::GONE);
    // The mailbox cannot be flooded: three mails an hour to one address, then none, though
    // the answer stays the same. (One was sent above; the API asks the same.)
    for _ in 0..5 {
        let r = anonymous()
            .post(format!("{base}/api/v1/password/forgot"))
            .json(&serde_json::json!({"email": "claire@beta.example"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    for _ in 0..2 {
        assert_eq!(next_mail(&mut received).await.0, ["claire@beta.example"]);
    }
    assert!(
        tokio::time::timeout(std::time::Duration::from_secs(2), received.recv())
            .await
            .is_err(),
        "no fourth mail within the hour"
    );
}

#[tokio::test]
async fn a_cancelled_sessions_link_answers_410_and_records_nothing() {
    let (store, dir) = common::store().await;
    let id = world(&store).await;
    let outbox = dir.path().join("outbox");
    let o = outbox.clone();
    let base = serve(store.clone(), move |base| MailSettings::outbox(o, base)).await;
    let c = admin(&base).await;
    let r = c
        .post(format!("{base}/api/v1/sessions/{id}/convocations/send"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let eml = std::fs::read_dir(&outbox)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    let token = token_in(&eml);
    let r = reqwest::get(format!("{base}/accuse/{token}"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let session: Value = c
        .get(format!("{base}/api/v1/sessions/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = c
        .post(format!("{base}/api/v1/sessions/{id}/cancel"))
        .json(&serde_json::json!({"version": session["version"], "reason": "Plateau indisponible"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    // The finding: the link still acknowledged the convocation of a cancelled session.
    let r = reqwest::get(format!("{base}/accuse/{token}"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(
            "Ce lien n&#39;est plus valable : la session a été annulée. Contactez le centre."
        ),
        "{page}"
    );
    assert!(!page.contains("Je confirme avoir lu"), "{page}");
    let r = reqwest::Client::new()
        .post(format!("{base}/accuse/{token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
    let convs: Value = c
        .get(format!("{base}/api/v1/sessions/{id}/convocations"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        convs["convocations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["read_at"].is_null()),
        "{convs}"
    );
}
