//! The pages' protections, over HTTP: CSRF, same origin, security headers, cookies, and no
//! page or fragment across centres or to the wrong role.

mod common;

use common::PASSWORD;
use jalon_core::{Domain, Kind};
use jalon_store::catalog::{Epreuve, EpreuveKind};
use jalon_store::sessions::SessionInput;
use jalon_store::{Actor, Role, Store};
use jalon_web::AppState;
use jiff::civil::date;
use reqwest::StatusCode;

struct Centre {
    session: String,
    site: String,
    title: String,
}

async fn centre(store: &Store, p: &str) -> Centre {
    let user =
        |who: &str, role| common::user(&format!("{who}@{p}.example"), &format!("{who} {p}"), role);
    let (c, _) = store
        .create_centre(&format!("Centre {p}"), user("admin", Role::Admin))
        .await
        .unwrap();
    let actor = Actor::command_line(c.id);
    let a = actor.admin().unwrap();
    let m = store
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
        store,
        a,
        common::Spec {
            title: &format!("Titre {p}"),
            domain: Domain::Btp,
            approval: "N",
            epreuves: vec![
                Epreuve {
                    name: "Mise en situation professionnelle".into(),
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
            managers: vec![m.id.clone()],
            ..Default::default()
        },
    )
    .await;
    let s = store
        .create_session(
            a.writer(),
            SessionInput {
                title_id: title.id.clone(),
                approval_id: Some(approval.id),
                site_id: site.id.clone(),
                kind: Kind::Title,
                start: date(2027, 3, 15),
                end: None,
                ceres_number: None,
                ceres_created_on: None,
                manager_id: Some(m.id),
                override_justification: None,
            },
        )
        .await
        .unwrap();
    Centre {
        session: s.session.id.to_string(),
        site: site.id.to_string(),
        title: title.id.to_string(),
    }
}

/// The DTE order of a session recorded (what « Commander les DTE » checks).
async fn order_recorded(store: &Store, session: &str) {
    let id: jalon_store::SessionId = session.into();
    let actor = Actor::command_line(store.centre_of_session(&id).await.unwrap());
    let h = store.open_session(&actor, &id).await.unwrap();
    store
        .record_dte_order(
            h.writer().unwrap(),
            0,
            jalon_store::custody::DteOrder {
                on: store.today(),
                reference: "5512".into(),
                by: "manager".into(),
            },
        )
        .await
        .unwrap();
}

async fn app() -> (String, Store, tempfile::TempDir) {
    let (store, dir) = common::store().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(jalon_web::serve(
        listener,
        AppState::new(store.clone(), false),
        std::future::pending(),
    ));
    (base, store, dir)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in through the login form; returns the client and the page's CSRF token.
async fn signed_in(base: &str, email: &str) -> (reqwest::Client, String) {
    let c = client();
    let r = c
        .post(format!("{base}/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{email}");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let page = c
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    (c, page[at..at + 32].to_owned())
}

#[tokio::test]
async fn pages_carry_security_headers_and_assets_are_cached() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let r = client().get(format!("{base}/login")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains(" style=") && !html.contains("<style"),
        "no inline script or style"
    );
    let css = html
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let r = client()
        .get(format!("{base}/static/{css}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        client()
            .get(format!("{base}/static/jalon-0000.css"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    // Unauthenticated pages redirect to the login, keeping where the user was going.
    let r = client()
        .get(format!("{base}/sessions/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=/sessions/new");
}

#[tokio::test]
async fn forms_need_their_csrf_token_and_this_origin() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let url = format!(
        "{base}/sessions/{}/milestones/dte.order/complete",
        a.session
    );
    let form = |token: &str| {
        vec![
            ("csrf", token.to_owned()),
            ("version", "1".to_owned()),
            ("evidence", "Commande".to_owned()),
        ]
    };
    // No token, a wrong token, another site: refused, nothing done.
    for (token, origin) in [
        ("", None),
        ("0123456789abcdef0123456789abcdef", None),
        (csrf.as_str(), Some("https://evil.example")),
    ] {
        let mut req = c.post(&url).form(&form(token));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let r = req.send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "token {token:?} origin {origin:?}"
        );
        assert!(r.text().await.unwrap().contains("Action refusée"));
    }
    // A NUL character typed in a field: refused in French, nothing done.
    let mut nul = form(&csrf);
    nul[2].1 = "Commande\0 passée".to_owned();
    let r = c.post(&url).form(&nul).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("Champ « preuve » : caractère nul refusé (U+0000, 9e caractère)"),
        "{text}"
    );
    // A direction override that would disguise the text, likewise.
    nul[2].1 = "Commande \u{202e}eésspa".to_owned();
    let r = c.post(&url).form(&nul).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("marque invisible de sens d") && text.contains("U+202E"),
        "{text}"
    );
    let cli = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let s = store
        .open_session(&cli, &a.session.as_str().into())
        .await
        .unwrap()
        .into_detail();
    assert!(
        s.milestones.iter().all(|m| m.evidence.is_none()),
        "nothing was written"
    );
    // With the token (and the order recorded): done, and back to the session page.
    order_recorded(&store, &a.session).await;
    let r = c.post(&url).form(&form(&csrf)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/sessions/{}#m-dte.order", a.session).as_str()
    );
    // htmx sends the token as a header.
    let r = c
        .post(format!("{base}/sessions/preview"))
        .header("x-csrf-token", &csrf)
        .header("hx-request", "true")
        .form(&[
            ("title_id", a.title.as_str()),
            ("site_id", a.site.as_str()),
            ("start", "2027-06-14"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.starts_with("<div id=\"apercu\""),
        "a fragment, not a page"
    );
    assert!(
        fragment.contains("Aucun agrément n&#39;est indiqué"),
        "{fragment}"
    );
    // Signing out needs the token too.
    let r = c
        .post(format!("{base}/logout"))
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(format!("{base}/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/login");
}

#[tokio::test]
async fn no_page_or_fragment_across_centres_or_to_the_wrong_role() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let b = centre(&store, "beta").await;
    // Centre B's manager: every page of A's session is « introuvable ».
    let (cb, csrf_b) = signed_in(&base, "manager@beta.example").await;
    for path in [
        format!("/sessions/{}", a.session),
        format!("/sessions/{}/journal", a.session),
        format!("/sessions/{}/edit", a.session),
        format!("/sessions/{}/documents", a.session),
        format!("/sessions/{}/checkin", a.session),
        format!("/sessions/{}/candidates/x/edit", a.session),
        format!("/sessions/{}/jury", a.session),
        format!("/sessions/{}/jury/absence.pdf", a.session),
        format!("/sessions/{}/jury/x/signature.png", a.session),
        format!("/sessions/{}/jury/x/convocation.pdf", a.session),
        format!("/sessions/{}/jury/x/employeur.pdf", a.session),
        format!("/sessions/{}/plis", a.session),
        format!("/sessions/{}/plis/destruction.pdf", a.session),
        format!(
            "/sessions/{}/plis/jour/2027-03-15/attestation.pdf",
            a.session
        ),
        format!("/sessions/{}/plis/incidents/x/pv.pdf", a.session),
        format!("/sessions/{}/photos-plis/x", a.session),
        format!("/sessions/{}/resultats", a.session),
        format!("/sessions/{}/resultats/pv.pdf", a.session),
        format!("/sessions/{}/resultats/releves.pdf", a.session),
        format!("/sessions/{}/resultats/pv-signe", a.session),
        format!("/sessions/{}/dossier.zip", a.session),
        format!("/sessions/{}/resultats/x/releve.pdf", a.session),
        format!("/sessions/{}/resultats/x/courrier.pdf", a.session),
    ] {
        let r = cb.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        format!("/sessions/{}/milestones/dte.order/complete", a.session),
        format!("/sessions/{}/milestones/dte.order/reopen", a.session),
        format!(
            "/sessions/{}/milestones/close.archive/items/tick",
            a.session
        ),
        format!(
            "/sessions/{}/milestones/close.archive/items/untick",
            a.session
        ),
        format!("/sessions/{}/complements", a.session),
        format!("/sessions/{}/duplicate", a.session),
        format!("/sessions/{}/cancel", a.session),
        format!("/sessions/{}/candidates/x/edit", a.session),
        format!("/sessions/{}/candidates/x/withdraw", a.session),
        format!("/sessions/{}/convocations/modes", a.session),
        format!("/sessions/{}/edit", a.session),
        format!("/sessions/{}/schedule", a.session),
        format!("/sessions/{}/jury", a.session),
        format!("/sessions/{}/jury/x/convocation", a.session),
        format!("/sessions/{}/jury/x/link", a.session),
        format!("/sessions/{}/jury/x/revoke", a.session),
        format!("/sessions/{}/jury/x/presence", a.session),
        format!("/sessions/{}/jury/x/statement", a.session),
        format!("/sessions/{}/plis/commande", a.session),
        format!("/sessions/{}/plis/relance", a.session),
        format!("/sessions/{}/plis/reception", a.session),
        format!("/sessions/{}/plis/x/open", a.session),
        format!("/sessions/{}/plis/jour/2027-03-15/responsable", a.session),
        format!("/sessions/{}/plis/jour/2027-03-15/epreuve", a.session),
        format!("/sessions/{}/plis/incidents", a.session),
        format!("/sessions/{}/plis/jour/2027-03-15/attester", a.session),
        format!("/sessions/{}/resultats/x", a.session),
        format!("/sessions/{}/candidates/represent", a.session),
        format!("/sessions/{}/resultats/documents", a.session),
        format!("/sessions/{}/resultats/x/document", a.session),
        format!("/sessions/{}/validation", a.session),
        format!("/sessions/{}/complements/reponse", a.session),
    ] {
        let r = cb
            .post(format!("{base}{path}"))
            .form(&[
                ("csrf", csrf_b.as_str()),
                ("how", "hand"),
                ("day", "2027-03-15"),
                ("present", "1"),
                ("on", "2027-03-01"),
                ("by", "x"),
                ("manager", "x"),
                ("epreuve", "x"),
                ("what", "start"),
                ("version", "1"),
                ("evidence", "x"),
                ("reason", "x"),
                ("title_id", b.title.as_str()),
                ("site_id", b.site.as_str()),
                ("start", "2027-06-14"),
                ("milestone", "day.trainers_absent"),
                ("item", "x"),
                ("from_session", a.session.as_str()),
                ("candidate", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    // The preview of a session of A by B: nothing of A leaks.
    let r = cb
        .post(format!("{base}/sessions/preview"))
        .header("x-csrf-token", &csrf_b)
        .form(&[
            ("title_id", a.title.as_str()),
            ("site_id", a.site.as_str()),
            ("start", "2027-06-14"),
        ])
        .send()
        .await
        .unwrap();
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.contains("titre inconnu dans ce centre") && !fragment.contains("Titre alpha"),
        "{fragment}"
    );
    // The administrator's pages of A, with A's ids, from B's admin: 404.
    let (cba, _) = signed_in(&base, "admin@beta.example").await;
    for path in [
        format!("/admin/sites/{}", a.site),
        format!("/admin/titles/{}", a.title),
    ] {
        assert_eq!(
            cba.get(format!("{base}{path}"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Roles: a manager gets 403 on the administrator's pages, an inspector on every form.
    let (cm, csrf_m) = signed_in(&base, "manager@alpha.example").await;
    for kind in ["titles", "approvals", "sites", "users"] {
        assert_eq!(
            cm.get(format!("{base}/admin/{kind}"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN,
            "{kind}"
        );
        let r = cm
            .post(format!("{base}/admin/{kind}"))
            .form(&[("csrf", csrf_m.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "POST {kind}");
    }
    let (ci, csrf_i) = signed_in(&base, "inspector@alpha.example").await;
    assert_eq!(
        ci.get(format!("{base}/sessions/{}", a.session))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    for (method, path) in [
        ("GET", "/sessions/new".to_owned()),
        ("GET", format!("/sessions/{}/edit", a.session)),
        ("POST", "/sessions/new".to_owned()),
        ("POST", "/sessions/preview".to_owned()),
        (
            "POST",
            format!("/sessions/{}/milestones/dte.order/complete", a.session),
        ),
        (
            "POST",
            format!("/sessions/{}/milestones/dte.order/reopen", a.session),
        ),
        ("POST", "/admin/sites".to_owned()),
        ("POST", format!("/sessions/{}/schedule", a.session)),
        (
            "POST",
            format!(
                "/sessions/{}/milestones/close.archive/items/tick",
                a.session
            ),
        ),
        (
            "POST",
            format!(
                "/sessions/{}/milestones/close.archive/items/untick",
                a.session
            ),
        ),
        ("POST", format!("/sessions/{}/complements", a.session)),
        ("POST", format!("/sessions/{}/duplicate", a.session)),
        ("POST", format!("/sessions/{}/cancel", a.session)),
        ("GET", format!("/sessions/{}/candidates/x/edit", a.session)),
        ("POST", format!("/sessions/{}/candidates/x/edit", a.session)),
        (
            "POST",
            format!("/sessions/{}/candidates/x/withdraw", a.session),
        ),
        (
            "POST",
            format!("/sessions/{}/convocations/modes", a.session),
        ),
        ("POST", format!("/sessions/{}/resultats/x", a.session)),
        (
            "POST",
            format!("/sessions/{}/resultats/documents", a.session),
        ),
        ("POST", format!("/sessions/{}/validation", a.session)),
        (
            "POST",
            format!("/sessions/{}/plis/jour/2027-03-15/attester", a.session),
        ),
    ] {
        let req = match method {
            "GET" => ci.get(format!("{base}{path}")),
            _ => ci.post(format!("{base}{path}")).form(&[
                ("csrf", csrf_i.as_str()),
                ("version", "1"),
                ("evidence", "x"),
                ("milestone", "day.trainers_absent"),
                ("item", "x"),
            ]),
        };
        assert_eq!(
            req.send().await.unwrap().status(),
            StatusCode::FORBIDDEN,
            "inspector {method} {path}"
        );
    }
    // The dashboard filters by site: another site shows nothing.
    let page = cm
        .get(format!("{base}/?site={}", a.site))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Titre alpha"));
    let page = cm
        .get(format!("{base}/?site={}", b.site))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains(&format!("/sessions/{}", a.session)),
        "filtered out"
    );
}

#[tokio::test]
async fn an_administrator_deactivates_a_user_from_the_users_page() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let actor = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let users = store.users(&actor).await.unwrap();
    let manager = users.iter().find(|u| u.role == Role::Manager).unwrap();
    let admin = users.iter().find(|u| u.role == Role::Admin).unwrap();
    let (c, csrf) = signed_in(&base, "admin@alpha.example").await;
    let page = c
        .get(format!("{base}/admin/users/{}", manager.id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Compte actif") && page.contains("checked"),
        "the edit form"
    );
    // Unchecked « actif »: deactivated, and their logins end.
    let version = manager.version.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("display_name", "manager alpha"),
        ("role", "manager"),
    ];
    let r = c
        .post(format!("{base}/admin/users/{}", manager.id))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = client()
        .post(format!("{base}/login"))
        .form(&[("email", "manager@alpha.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let list = c
        .get(format!("{base}/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("désactivé"));
    // The only administrator cannot demote themselves.
    let version = admin.version.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("display_name", "admin alpha"),
        ("role", "manager"),
        ("active", "on"),
    ];
    let r = c
        .post(format!("{base}/admin/users/{}", admin.id))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("au moins un administrateur actif")
    );
}

#[tokio::test]
async fn candidates_are_imported_from_a_file_after_a_preview() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    centre(&store, "beta").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let upload = |bytes: &'static [u8], token: String| {
        let form = reqwest::multipart::Form::new().text("csrf", token).part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("candidats.csv"),
        );
        c.post(format!("{base}/sessions/{}/candidates/preview", a.session))
            .multipart(form)
            .send()
    };
    // A file with errors: every line's error, nothing written.
    let r = upload(
        b"Nom;Prenom;Date de naissance;Courriel\nLeroy;Marc;31/02/1990;marc@\n;Lou;09/09/2001;\n",
        csrf.clone(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("rien n'a été enregistré"), "{page}");
    assert!(
        page.contains("ligne 2 : date de naissance : « 31/02/1990 » n&#39;est pas une date valide"),
        "{page}"
    );
    assert!(
        page.contains(
            "ligne 2 : courriel : « marc@ » n&#39;est pas une adresse électronique valide"
        )
    );
    assert!(page.contains("ligne 3 : nom : le nom est obligatoire"));
    // Without the CSRF token: refused.
    assert_eq!(
        upload(b"Nom;Prenom;Date de naissance\n", "x".into())
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    // A good file (Windows-1252): previewed, then imported on confirmation.
    let r = upload(b"Nom;Pr\xe9nom;N\xe9(e) le;Am\xe9nagement\r\nDupont;Jos\xe9;01/02/1990;Tiers temps\r\nMartin;Anne;03/06/1985;\r\n", csrf.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("2 candidats prêts à inscrire (fichier Windows-1252)"),
        "{page}"
    );
    let cli = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let h = store
        .open_session(&cli, &a.session.as_str().into())
        .await
        .unwrap();
    assert!(
        store.candidates(&h).await.unwrap().is_empty(),
        "the preview writes nothing"
    );
    let at = page.find("name=\"csv\" value=\"").unwrap() + 18;
    let csv = html_unescape(&page[at..at + page[at..].find('"').unwrap()]);
    let r = c
        .post(format!("{base}/sessions/{}/candidates/import", a.session))
        .form(&[("csrf", csrf.as_str()), ("csv", csv.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = c
        .get(format!("{base}/sessions/{}/candidates?ok=2", a.session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("2 candidats inscrits.")
            && list.contains("DUPONT José")
            && list.contains("Tiers temps"),
        "{list}"
    );
    // The same file again: already registered, shown in the preview.
    let r = upload(
        b"Nom;Prenom;Date de naissance\nDupont;Jose;01/02/1990\n",
        csrf.clone(),
    )
    .await
    .unwrap();
    let page = r.text().await.unwrap();
    assert!(
        page.contains(
            "ligne 2 : DUPONT Jose, né(e) le 01/02/1990 est déjà inscrit(e) à cette session"
        ),
        "{page}"
    );
    // « Mél » is the e-mail, shown in the preview; an unknown column is a warning to
    // acknowledge before importing.
    let r = upload(
        "Nom;Prénom;Date de naissance;Mél;N° de dossier\nLeroy;Marc;02/03/1990;marc@exemple.fr;A-12\n"
            .as_bytes(),
        csrf.clone(),
    )
    .await
    .unwrap();
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("ligne 2 : LEROY Marc, né(e) le 02/03/1990 — marc@exemple.fr"),
        "{page}"
    );
    assert!(
        page.contains("<strong>Colonnes ignorées : N° de dossier.</strong>"),
        "{page}"
    );
    let at = page.find("name=\"csv\" value=\"").unwrap() + 18;
    let csv = page[at..at + page[at..].find('"').unwrap()].to_owned();
    let import = format!("{base}/sessions/{}/candidates/import", a.session);
    let r = c
        .post(&import)
        .form(&[
            ("csrf", csrf.as_str()),
            ("csv", csv.as_str()),
            ("ignored", "N° de dossier"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("Cochez la case pour confirmer que ces colonnes peuvent être ignorées"),
    );
    assert_eq!(
        store.candidates(&h).await.unwrap().len(),
        2,
        "nothing imported"
    );
    let r = c
        .post(&import)
        .form(&[
            ("csrf", csrf.as_str()),
            ("csv", csv.as_str()),
            ("ignored", "N° de dossier"),
            ("ignored_ack", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.candidates(&h).await.unwrap().len(), 3);
    // One candidate by hand, with a French error next to its field.
    let r = c
        .post(format!("{base}/sessions/{}/candidates", a.session))
        .form(&[
            ("csrf", csrf.as_str()),
            ("last_name", "Petit"),
            ("first_names", "Lou"),
            ("birth_date", "09/09/2001"),
            ("email", "lou@"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("id=\"ce-email\">« lou@ » n&#39;est pas une adresse électronique valide")
    );
    // Another centre: 404 on every candidates page; an inspector: 403 on every form.
    let (cb, csrf_b) = signed_in(&base, "manager@beta.example").await;
    assert_eq!(
        cb.get(format!("{base}/sessions/{}/candidates", a.session))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = cb
        .post(format!("{base}/sessions/{}/candidates/import", a.session))
        .form(&[("csrf", csrf_b.as_str()), ("csv", csv.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (ci, csrf_i) = signed_in(&base, "inspector@alpha.example").await;
    let r = ci
        .post(format!("{base}/sessions/{}/candidates", a.session))
        .form(&[("csrf", csrf_i.as_str()), ("last_name", "X")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let page = ci
        .get(format!("{base}/sessions/{}/candidates", a.session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("DUPONT José") && !page.contains("Inscrire un candidat"),
        "read only"
    );
}

fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn candidates_are_welcomed_on_the_day_from_a_tablet() {
    use jalon_core::candidate::CandidateInput;
    let (_, store, _dir) = app().await;
    // The welcome happens on the session's day (Monday 15 March 2027).
    let base = common::server_on_day(&store, date(2027, 3, 15)).await;
    let a = centre(&store, "alpha").await;
    centre(&store, "beta").await;
    let actor = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let jean = CandidateInput {
        last_name: "Dupont".into(),
        first_names: "Jean".into(),
        birth_date: Some(date(1990, 2, 1)),
        accommodation: "Tiers temps".into(),
        ..Default::default()
    };
    let c = store
        .add_candidate(
            store
                .open_session(&actor, &a.session.as_str().into())
                .await
                .unwrap()
                .writer()
                .unwrap(),
            jean,
        )
        .await
        .unwrap();
    let (m, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page = m
        .get(format!("{base}/sessions/{}/checkin", a.session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("0 présent · 0 absent · 1 à accueillir"),
        "{page}"
    );
    assert!(page.contains("Aménagement : Tiers temps"));
    // The day's programme, for the person at the welcome (the session has not begun: its
    // first day).
    assert!(
        page.contains(
            "Lundi 15 mars 2027 : accueil à 8 h ; Mise en situation professionnelle (8 h 30 – 10 h 30) ; \
             Entretien final (passages individuels, 10 h 45 – 11 h 05)."
        ),
        "{page}"
    );
    let url = format!("{base}/sessions/{}/checkin/{}", a.session, c.id);
    let version = c.version.to_string();
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("identity_checked", "on"),
        ("convocation_presented", "on"),
        ("documents_presented", "on"),
        ("signed", "on"),
        ("present", "1"),
    ];
    let r = m.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = m
        .get(format!("{base}/sessions/{}/checkin", a.session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("1 présent · 0 absent · 0 à accueillir"),
        "{page}"
    );
    assert!(page.contains("Pointé par manager alpha le"));
    // The same stale form again: a conflict, said in French.
    let r = m.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("vient d&#39;être pointé par quelqu&#39;un d&#39;autre")
    );
    // The chronology's check waits for each épreuve's sign-in of the day…
    let check = || async {
        let session = m
            .get(format!("{base}/sessions/{}", a.session))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let at = session.find("id=\"m-day.welcome_candidates\"").unwrap();
        html_unescape(&session[at..].chars().take(3000).collect::<String>())
    };
    let milestone = check().await;
    assert!(
        milestone.contains(
            "2 présences à une épreuve non notées : lundi 15 mars 2027, Entretien final : DUPONT Jean"
        ),
        "{milestone}"
    );
    // … noted from the welcome page, each épreuve of the day in turn; then it holds.
    for epreuve in ["Mise en situation professionnelle", "Entretien final"] {
        let r = m
            .post(format!("{url}/attendance"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("day", "2027-03-15"),
                ("epreuve", epreuve),
                ("identity_checked", "on"),
                ("signed", "on"),
                ("present", "1"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{epreuve}");
    }
    let milestone = check().await;
    assert!(
        milestone.contains("Contrôle automatique : conforme."),
        "{milestone}"
    );
    // An inspector reads but cannot check in; another centre sees nothing.
    let (i, csrf_i) = signed_in(&base, "inspector@alpha.example").await;
    let page = i
        .get(format!("{base}/sessions/{}/checkin", a.session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("DUPONT Jean") && !page.contains("<form method=\"post\" action=\"/sessions/"),
        "read only"
    );
    let r = i
        .post(&url)
        .form(&[
            ("csrf", csrf_i.as_str()),
            ("version", "2"),
            ("present", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (b, csrf_b) = signed_in(&base, "manager@beta.example").await;
    assert_eq!(
        b.get(format!("{base}/sessions/{}/checkin", a.session))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = b
        .post(&url)
        .form(&[
            ("csrf", csrf_b.as_str()),
            ("version", "2"),
            ("present", "0"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_user_changes_their_password_from_their_account_page() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "inspector@alpha.example").await;
    let page = c
        .get(format!("{base}/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("inspector@alpha.example · inspecteur"),
        "{page}"
    );
    let post = |current: &'static str, new: &'static str, confirm: &'static str| {
        c.post(format!("{base}/account"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("current_password", current),
                ("new_password", new),
                ("confirm_password", confirm),
            ])
            .send()
    };
    let r = post(PASSWORD, "un nouveau secret", "un autre secret")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("id=\"pe-confirm\">les deux nouveaux mots de passe diffèrent")
    );
    let r = post("faux", "un nouveau secret", "un nouveau secret")
        .await
        .unwrap();
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("id=\"pe-current\">le mot de passe actuel est incorrect")
    );
    let r = post(PASSWORD, "un nouveau secret", "un nouveau secret")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(format!("{base}/account?ok=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Mot de passe changé"));
    let r = client()
        .post(format!("{base}/login"))
        .form(&[
            ("email", "inspector@alpha.example"),
            ("password", "un nouveau secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn convocations_are_proven_from_the_candidates_page() {
    use jalon_core::candidate::CandidateInput;
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let actor = Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let jean = CandidateInput {
        last_name: "Dupont".into(),
        first_names: "Jean".into(),
        birth_date: Some(date(1990, 2, 1)),
        ..Default::default()
    };
    let c = store
        .add_candidate(
            store
                .open_session(&actor, &a.session.as_str().into())
                .await
                .unwrap()
                .writer()
                .unwrap(),
            jean,
        )
        .await
        .unwrap();
    let (m, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page_url = format!("{base}/sessions/{}/candidates", a.session);
    let page = m.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("1 candidat sans convocation prouvée."),
        "{page}"
    );
    assert!(page.contains("aucun mode de convocation choisi"));
    assert!(page.contains("les éditer via CERES bloque toute modification ultérieure"));
    let conv = format!("{base}/sessions/{}/convocations/{}", a.session, c.id);
    let r = m
        .post(format!("{conv}/mode"))
        .form(&[("csrf", csrf.as_str()), ("mode", "hand")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        m.get(&page_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .contains("remise contre signature à enregistrer")
    );
    // A Word file is refused; a photo of the signed copy is kept.
    let upload = |bytes: &'static [u8], name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "document",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        m.post(format!("{conv}/document")).multipart(form).send()
    };
    let r = upload(b"PK\x03\x04 word", "convocation.docx")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("ce fichier n&#39;est ni un PDF ni une image")
    );
    // A phone photo of a few megabytes.
    let photo: &'static [u8] = [&b"\xFF\xD8\xFF\xE0"[..], &vec![7u8; 4 * 1024 * 1024]]
        .concat()
        .leak();
    let r = upload(photo, "signature.jpg").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = m.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Chaque candidat a sa convocation, avec sa preuve."),
        "{page}"
    );
    assert!(page.contains("signature.jpg"));
    // The chronology's check holds.
    let session = m
        .get(format!("{base}/sessions/{}", a.session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let at = session.find("id=\"m-convocations.send\"").unwrap();
    assert!(
        session[at..at + 3000].contains("Contrôle automatique : conforme."),
        "{}",
        &session[at..at + 3000]
    );
    // An inspector sees the proofs but gets no form, and is refused the posts.
    let (i, csrf_i) = signed_in(&base, "inspector@alpha.example").await;
    let page = i.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("signature.jpg") && !page.contains("/hand\""),
        "read only"
    );
    let r = i
        .post(format!("{conv}/hand"))
        .form(&[("csrf", csrf_i.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_manager_sets_the_schedule_of_the_epreuves_from_the_page() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page_url = format!("{base}/sessions/{}/documents", a.session);
    let page = c.get(&page_url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Horaires proposés par Jalon"), "{page}");
    assert!(page.contains("Mise en situation professionnelle"));
    assert!(page.contains(r#"name="date" value="2027-03-15""#), "{page}");
    assert!(page.contains(r#"name="start" value="08:30""#), "{page}");
    assert!(page.contains("Aucun candidat inscrit"), "{page}");
    assert!(page.contains("affichage.pdf") && page.contains("emargement.pdf"));

    // A day outside the session: refused, with the reason, what was typed kept.
    let url = format!("{base}/sessions/{}/schedule", a.session);
    let r = c
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "2027-04-01"),
            ("start", "09:00"),
            ("date", "2027-03-15"),
            ("start", "14:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("Le calendrier n'a pas été enregistré"),
        "{page}"
    );
    assert!(
        page.contains("Mise en situation professionnelle : le jeudi 1ᵉʳ avril 2027 est en dehors de la session"),
        "{page}"
    );
    assert!(
        page.contains(r#"name="date" value="2027-04-01""#),
        "typed value kept"
    );

    let r = c
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "2027-03-15"),
            ("start", "09:00"),
            ("date", "2027-03-15"),
            ("start", "14:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(format!("{page_url}?enregistre"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = html_unescape(&page);
    assert!(page.contains("Calendrier enregistré"), "{page}");
    assert!(!page.contains("Horaires proposés par Jalon"), "{page}");
    assert!(page.contains(r#"name="start" value="14:00""#), "{page}");
    assert!(
        page.contains("14 h 20"),
        "the end of the entretien final: {page}"
    );

    // With candidates, each passes the entretien final alone, one after the other; an
    // entretien final before the mise en situation is refused, the candidate named.
    let id: jalon_store::SessionId = a.session.as_str().into();
    let actor = Actor::command_line(store.centre_of_session(&id).await.unwrap());
    let h = store.open_session(&actor, &id).await.unwrap();
    for (last, first) in [("Martin", "Léa"), ("Dupont", "Jean")] {
        let input = jalon_core::candidate::CandidateInput {
            last_name: last.into(),
            first_names: first.into(),
            birth_date: Some(date(1990, 2, 1)),
            ..Default::default()
        };
        store
            .add_candidate(h.writer().unwrap(), input)
            .await
            .unwrap();
    }
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("20 min par candidat"), "{page}");
    assert!(
        page.contains("<li>DUPONT Jean : 14 h – 14 h 20 (jury 1)</li>"),
        "{page}"
    );
    assert!(
        page.contains("<li>MARTIN Léa : 14 h 20 – 14 h 40 (jury 1)</li>"),
        "{page}"
    );
    let r = c
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("date", "2027-03-15"),
            ("start", "09:00"),
            ("date", "2027-03-15"),
            ("start", "10:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("DUPONT Jean : l'entretien final (10 h – 10 h 20) doit suivre ses autres épreuves, dont Mise en situation professionnelle (9 h – 11 h)"),
        "{page}"
    );
    assert!(
        page.contains("DUPONT Jean aurait deux épreuves en même temps le lundi 15 mars 2027"),
        "{page}"
    );
    // The order of passage, by rank: Martin first; a rank that is not a number is said.
    let ids: Vec<(String, String)> = store
        .candidates(&h)
        .await
        .unwrap()
        .iter()
        .map(|c| (c.input.last_name.clone(), c.id.to_string()))
        .collect();
    let id_of = |n: &str| ids.iter().find(|(l, _)| l == n).unwrap().1.clone();
    let order_url = format!("{base}/sessions/{}/order", a.session);
    let r = c
        .post(&order_url)
        .form(&[
            ("csrf", csrf.clone()),
            ("candidate", id_of("Dupont")),
            ("rank", "deux".to_owned()),
            ("candidate", id_of("Martin")),
            ("rank", "1".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap()).contains("rang « deux » : un nombre est attendu")
    );
    let r = c
        .post(&order_url)
        .form(&[
            ("csrf", csrf.clone()),
            ("candidate", id_of("Dupont")),
            ("rank", "2".to_owned()),
            ("candidate", id_of("Martin")),
            ("rank", "1".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("Ordre de passage (fixé)"), "{page}");
    assert!(
        page.contains("<li>MARTIN Léa : 14 h – 14 h 20 (jury 1)</li>"),
        "{page}"
    );
}

#[tokio::test]
async fn late_work_shows_and_checklists_are_ticked_on_the_page() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let id: jalon_store::SessionId = a.session.as_str().into();
    let actor = Actor::command_line(store.centre_of_session(&id).await.unwrap());
    // dte.order, due on Monday 14 December 2026, done on Wednesday 16.
    let noon = date(2026, 12, 16)
        .at(12, 0, 0, 0)
        .in_tz("Europe/Paris")
        .unwrap()
        .timestamp();
    let late = store.clone().with_clock(jalon_store::Clock::Fixed(noon));
    order_recorded(&late, &a.session).await;
    let h = late.open_session(&actor, &id).await.unwrap();
    let m = h.detail().milestone("dte.order").unwrap().clone();
    late.complete_milestone(
        h.writer().unwrap(),
        &m.id,
        m.version,
        "Commande n° 5512",
        None,
    )
    .await
    .unwrap();
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page_url = format!("{base}/sessions/{}", a.session);
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("Fait en retard (2 jours) : limite le lundi 14 décembre 2026"),
        "{page}"
    );
    let journal = c
        .get(format!("{page_url}/journal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html_unescape(&journal).contains("Fait en retard (2 jours)"),
        "{journal}"
    );
    // Each day of the trainers' absence is an item; the archive's items are ticked one by one.
    assert!(
        page.contains("Lundi 15 mars 2027 : aucun formateur présent"),
        "{page}"
    );
    let tick = format!("{page_url}/milestones/prep.compliance/items/tick");
    let r = c
        .post(&tick)
        .form(&[
            ("csrf", csrf.as_str()),
            ("item", "Plateau technique prêt et conforme"),
            ("state", "done"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("Plateau technique prêt et conforme <span class=\"hint\">coché par manager alpha le samedi 28 novembre 2026"),
        "{page}"
    );
    // « Sans objet » without a reason: the page says why, on the milestone.
    let r = c
        .post(&tick)
        .form(&[
            ("csrf", csrf.as_str()),
            ("item", "Affichage du règlement de session"),
            ("state", "not_applicable"),
            ("reason", " "),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains(
            "id=\"side-prep.compliance\" tabindex=\"-1\" autofocus>indiquez pourquoi ce point est sans objet"
        ),
        "{page}"
    );
}

#[tokio::test]
async fn the_feasibility_panel_says_what_jalon_plan_says_of_holidays() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let preview = |start: &'static str, end: &'static str| {
        let c = c.clone();
        let (base, csrf) = (base.clone(), csrf.clone());
        let (title, site) = (a.title.clone(), a.site.clone());
        async move {
            let r = c
                .post(format!("{base}/sessions/preview"))
                .header("x-csrf-token", &csrf)
                .form(&[
                    ("title_id", title.as_str()),
                    ("site_id", site.as_str()),
                    ("start", start),
                    ("end", end),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            html_unescape(&r.text().await.unwrap())
        }
    };
    let on_14_july = preview("2027-07-14", "").await;
    assert!(
        on_14_july.contains(
            "La session commence le mercredi 14 juillet 2027, jour férié (Fête nationale) : vérifiez la date de début."
        ),
        "{on_14_july}"
    );
    let over_christmas = preview("2027-12-20", "2027-12-24").await;
    assert!(!over_christmas.contains("férié"), "{over_christmas}");
    let over_christmas = preview("2027-12-20", "2027-12-27").await;
    assert!(
        over_christmas.contains("La session compte 1 jour férié : samedi 25 décembre 2027 (Noël)."),
        "{over_christmas}"
    );
}

#[tokio::test]
async fn registering_someone_twice_says_who_is_already_registered() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let url = format!("{base}/sessions/{}/candidates", a.session);
    let form = [
        ("csrf", csrf.as_str()),
        ("last_name", "Durand"),
        ("first_names", "Léa"),
        ("birth_date", "01/02/1990"),
        ("access_route", "training"),
    ];
    let r = c.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains(
            "Le formulaire contient 1 erreur :</p><ul><li>DURAND Léa, né(e) le 01/02/1990 est déjà inscrit(e) à cette session</li>"
        ),
        "{page}"
    );
}

#[tokio::test]
async fn the_title_form_says_every_problem_at_once_in_words() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "admin@alpha.example").await;
    let r = c
        .post(format!("{base}/admin/titles"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("rncp_code", "abc"),
            ("name", ""),
            ("domain", ""),
            ("expiry", "31/02/2030"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    for expected in [
        "choisissez le domaine : BTP, industrie ou tertiaire",
        "« abc » n'est pas un code RNCP",
        "l'intitulé du titre",
        "31/02/2030",
    ] {
        assert!(page.contains(expected), "{expected}:\n{page}");
    }
    assert!(
        !page.contains("btp, industry ou tertiary"),
        "no code shown: {page}"
    );
}

#[tokio::test]
async fn a_titles_epreuves_say_how_candidates_pass_them_and_what_they_evaluate() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "admin@alpha.example").await;
    let form = |epreuves: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("rncp_code", "RNCP38888".to_owned()),
            ("name", "Concepteur de projets numériques".to_owned()),
            ("domain", "tertiary".to_owned()),
            ("expiry", "01/09/2030".to_owned()),
            ("ccps", "CCP1 : Front-end\nCCP2 : Back-end".to_owned()),
            ("epreuves", epreuves.to_owned()),
        ]
    };
    // A fourth column that is neither a way of passing nor CCPs: said, with its line.
    let r = c
        .post(format!("{base}/admin/titles"))
        .form(&form(
            "Mise en situation professionnelle ; 240 ; le matin\nEntretien final ; 20",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("ligne 1 : « le matin » n'est ni « individuelle », ni « collective », ni une liste de CCP"),
        "{page}"
    );
    let r = c
        .post(format!("{base}/admin/titles"))
        .form(&form(
            "Présentation d'un projet réalisé en amont ; 35 ; CCP1, ccp2 ; jury 45\n\
             Entretien technique ; 40 ; collective ; hors session CCP\n\
             Questionnaire professionnel ; 30\n\
             Entretien final ; 15",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let actor = jalon_store::Actor::command_line(store.centres().await.unwrap()[0].id.clone());
    let title = store
        .titles(&actor)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.rncp_code == "RNCP38888")
        .unwrap();
    let e = &title.structure.epreuves;
    assert_eq!(e[0].kind, EpreuveKind::ProjectPresentation);
    assert!(e[0].individual, "a presentation is individual by default");
    assert_eq!(e[0].ccps, ["CCP1", "CCP2"]);
    assert!(!e[1].individual, "unless the line says otherwise");
    assert_eq!(e[0].jury_minutes, Some(45));
    assert!(e[0].in_ccp_session && !e[1].in_ccp_session);
    assert!(!e[2].individual);
    assert!(e[3].individual && e[3].kind == EpreuveKind::FinalInterview);
    // The form shows them back as they are kept.
    let edit = html_unescape(
        &c.get(format!("{base}/admin/titles/{}", title.id))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        edit.contains("Présentation d'un projet réalisé en amont ; 35 ; individuelle ; CCP1, CCP2 ; jury 45\nEntretien technique ; 40 ; collective ; hors session CCP"),
        "{edit}"
    );
}

#[tokio::test]
async fn a_session_is_duplicated_and_cancelled_from_its_page() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page_url = format!("{base}/sessions/{}", a.session);
    // Too close for CERES without a justification: said, with the form open again.
    let r = c
        .post(format!("{page_url}/duplicate"))
        .form(&[("csrf", csrf.as_str()), ("start", "2027-01-11")])
        .send()
        .await
        .unwrap();
    let status = r.status();
    let page = html_unescape(&r.text().await.unwrap());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(
        page.contains("il faut au moins 91 jours pour la créer dans CERES")
            && page.contains("Pour dupliquer quand même, écrivez une justification"),
        "{page}"
    );
    assert!(
        page.contains(
            "id=\"dup-start\" name=\"start\" type=\"date\" required value=\"2027-01-11\""
        )
    );
    // Far enough ahead: a new session, and its page.
    let r = c
        .post(format!("{page_url}/duplicate"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("start", "2027-09-13"),
            ("end", "2027-09-14"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let copy = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        copy.ends_with("?copie") && !copy.contains(&a.session),
        "{copy}"
    );
    let page = html_unescape(
        &c.get(format!("{base}{copy}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("Session créée par duplication"), "{page}");
    assert!(
        page.contains("du lundi 13 septembre 2027 au mardi 14 septembre 2027"),
        "{page}"
    );
    // Cancelling needs the box ticked and a reason.
    let version = {
        let at = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
        let tail = &at[at.find("/cancel\">").unwrap()..];
        let k = tail.find("name=\"version\" value=\"").unwrap() + 22;
        tail[k..k + tail[k..].find('"').unwrap()].to_owned()
    };
    let r = c
        .post(format!("{page_url}/cancel"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("reason", "Trop peu de candidats"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("Cochez la case pour confirmer l'annulation")
    );
    let r = c
        .post(format!("{page_url}/cancel"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("reason", "Trop peu de candidats"),
            ("confirm", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(
        &c.get(format!("{page_url}?annulee"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("<span class=\"badge status\">annulée</span>"),
        "{page}"
    );
    assert!(
        page.contains("Session annulée : elle reste consultable"),
        "{page}"
    );
    assert!(
        !page.contains("Annuler la session</summary>"),
        "cancelled once: {page}"
    );
}

#[tokio::test]
async fn a_candidate_is_corrected_and_withdrawn_from_the_pages() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let list_url = format!("{base}/sessions/{}/candidates", a.session);
    let form = |last: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("last_name", last.to_owned()),
            ("first_names", "Léa".to_owned()),
            ("birth_date", "01/02/1990".to_owned()),
            ("access_route", "training".to_owned()),
        ]
    };
    let r = c
        .post(&list_url)
        .form(&form("Durnad"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = html_unescape(&c.get(&list_url).send().await.unwrap().text().await.unwrap());
    let at = list.find("/candidates/").unwrap();
    let tail = &list[at..];
    let edit = &tail[..tail.find("/edit").unwrap() + 5];
    let edit_url = format!("{base}/sessions/{}{edit}", a.session);
    let page = html_unescape(&c.get(&edit_url).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("Corriger : DURNAD Léa"), "{page}");
    // An emoji in the name: refused, said on the field.
    let mut bad = form("Durand 🎓");
    bad.push(("version", "1".to_owned()));
    let r = c.post(&edit_url).form(&bad).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("« Durand 🎓 » n'est pas un nom d'état civil")
    );
    let mut good = form("Durand");
    good.push(("version", "1".to_owned()));
    good.push(("city", "Lyon".to_owned()));
    let r = c.post(&edit_url).form(&good).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = html_unescape(
        &c.get(format!("{list_url}?ok=modifie"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        list.contains("Candidat corrigé.") && list.contains("DURAND Léa"),
        "{list}"
    );
    // The withdrawal: with a reason, then listed apart, off the welcome.
    let withdraw = edit_url.replace("/edit", "/withdraw");
    let r = c
        .post(&withdraw)
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "2"),
            ("on", "2026-11-27"),
            ("reason", "Appel du 27 novembre"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = html_unescape(&c.get(&list_url).send().await.unwrap().text().await.unwrap());
    assert!(
        list.contains("Désistements (1)")
            && list.contains("DURAND Léa, né(e) le 01/02/1990 — désistement le vendredi 27 novembre 2026 : Appel du 27 novembre"),
        "{list}"
    );
    assert!(list.contains("Candidats inscrits (0)"), "{list}");
}

#[tokio::test]
async fn a_candidates_extra_time_is_registered_and_lengthens_their_timetable() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let list_url = format!("{base}/sessions/{}/candidates", a.session);
    // The form offers the title's épreuves to tick.
    let page = html_unescape(&c.get(&list_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains(r#"name="extra_time_epreuves" value="Mise en situation professionnelle""#),
        "{page}"
    );
    let form = |extra: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("last_name", "Petit".to_owned()),
            ("first_names", "Léa".to_owned()),
            ("birth_date", "01/02/1990".to_owned()),
            ("access_route", "training".to_owned()),
            ("accommodation", "Tiers-temps".to_owned()),
            ("extra_time", extra.to_owned()),
            (
                "extra_time_epreuves",
                "Mise en situation professionnelle".to_owned(),
            ),
            ("accommodation_reference", "DDETS 69 n° 2027-12".to_owned()),
            ("accommodation_requested_on", "02/11/2026".to_owned()),
            ("accommodation_decided_on", "20/11/2026".to_owned()),
        ]
    };
    let r = c
        .post(&list_url)
        .form(&form("beaucoup"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains(r#"id="ce-extra">« beaucoup » n'est pas un temps supplémentaire"#),
        "{page}"
    );
    let r = c
        .post(&list_url)
        .form(&form("tiers-temps"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list = html_unescape(&c.get(&list_url).send().await.unwrap().text().await.unwrap());
    assert!(
        list.contains(
            "temps supplémentaire : un tiers du temps (Mise en situation professionnelle)"
        ),
        "{list}"
    );
    // The request to the departmental service, against the rulebook's date (D − 45).
    assert!(
        list.contains("demande d'aménagement faite le lundi 2 novembre 2026"),
        "{list}"
    );
    // Her mise en situation: 120 minutes and a third, 8 h 30 – 11 h 10.
    let page = html_unescape(
        &c.get(format!("{base}/sessions/{}/documents", a.session))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("<li>PETIT Léa : 8 h 30 – 11 h 10</li>"),
        "{page}"
    );
}

#[tokio::test]
async fn a_plateau_booked_by_two_sessions_at_once_shows_on_the_dashboard() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "admin@alpha.example").await;
    // The site's rooms, from its form.
    let r = c
        .post(format!("{base}/admin/sites/{}", a.site))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("name", "Site Centre alpha"),
            ("address", "1 rue du Port"),
            ("postcode", "69007"),
            ("city", "Lyon"),
            ("zone", "metropole"),
            (
                "rooms",
                "Plateau maçonnerie : bétonnière, échafaudage roulant\nSalle 1",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let sites = html_unescape(
        &c.get(format!("{base}/admin/sites"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(sites.contains("Plateau maçonnerie, Salle 1"), "{sites}");
    // Two sessions on the same days in January, at this site.
    let id: jalon_store::SessionId = a.session.as_str().into();
    let actor = Actor::command_line(store.centre_of_session(&id).await.unwrap());
    let h = store.open_session(&actor, &id).await.unwrap();
    let s = h.session().clone();
    for _ in 0..2 {
        store
            .create_session(
                actor.writer().unwrap(),
                SessionInput {
                    title_id: s.title_id.clone(),
                    approval_id: s.approval_id.clone(),
                    site_id: s.site_id.clone(),
                    kind: Kind::Title,
                    start: date(2027, 1, 11),
                    end: Some(date(2027, 1, 12)),
                    ceres_number: None,
                    ceres_created_on: None,
                    manager_id: s.manager_id.clone(),
                    override_justification: Some("Session ajoutée à la demande de la DDETS".into()),
                },
            )
            .await
            .unwrap();
    }
    let page = html_unescape(
        &c.get(format!("{base}/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("Salles réservées deux fois"), "{page}");
    assert!(
        page.contains("« Plateau maçonnerie » est aussi réservé par la session"),
        "{page}"
    );
}

#[tokio::test]
async fn the_welcome_of_a_day_lists_the_candidates_who_pass_an_epreuve_that_day() {
    use jalon_core::timetable::Part;
    use jiff::civil::time;
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let first: jalon_store::SessionId = a.session.as_str().into();
    let actor = Actor::command_line(store.centre_of_session(&first).await.unwrap());
    let s = store
        .open_session(&actor, &first)
        .await
        .unwrap()
        .session()
        .clone();
    // A session of two days.
    let two = store
        .create_session(
            actor.writer().unwrap(),
            SessionInput {
                title_id: s.title_id.clone(),
                approval_id: s.approval_id.clone(),
                site_id: s.site_id.clone(),
                kind: Kind::Title,
                start: date(2027, 3, 15),
                end: Some(date(2027, 3, 16)),
                ceres_number: None,
                ceres_created_on: None,
                manager_id: s.manager_id.clone(),
                override_justification: Some("Deuxième groupe du mois de mars".into()),
            },
        )
        .await
        .unwrap();
    let id = two.session.id.clone();
    let h = store.open_session(&actor, &id).await.unwrap();
    for last in ["Dupont", "Martin"] {
        let input = jalon_core::candidate::CandidateInput {
            last_name: last.into(),
            first_names: "Léa".into(),
            birth_date: Some(date(1990, 2, 1)),
            ..Default::default()
        };
        store
            .add_candidate(h.writer().unwrap(), input)
            .await
            .unwrap();
    }
    // Martin's entretien final moved to Tuesday: Dupont has nothing that day.
    let martin = store
        .candidates(&h)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.input.last_name == "Martin")
        .unwrap();
    let mut t = store.schedule(&h).await.unwrap().timetable;
    for p in t
        .iter_mut()
        .filter(|p| p.candidate.as_deref() == Some(martin.id.as_str()))
    {
        p.parts = vec![Part {
            date: date(2027, 3, 16),
            start: time(9, 0, 0, 0),
            end: time(9, 20, 0, 0),
        }];
    }
    store.set_timetable(h.writer().unwrap(), t).await.unwrap();
    let (c, _) = signed_in(&base, "manager@alpha.example").await;
    let welcome = |day: &str| {
        let c = c.clone();
        let url = format!("{base}/sessions/{id}/checkin?jour={day}");
        async move { html_unescape(&c.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    let monday = welcome("2027-03-15").await;
    assert!(
        monday.contains("DUPONT Léa") && monday.contains("MARTIN Léa"),
        "{monday}"
    );
    let tuesday = welcome("2027-03-16").await;
    assert!(tuesday.contains("MARTIN Léa"), "{tuesday}");
    assert!(
        !tuesday.contains("DUPONT Léa"),
        "not hers that day: {tuesday}"
    );
    assert!(tuesday.contains("Entretien final"), "{tuesday}");
}

#[tokio::test]
async fn a_candidates_employer_is_registered_with_its_siret() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let url = format!("{base}/sessions/{}/candidates", a.session);
    let form = |siret: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("last_name", "Petit".to_owned()),
            ("first_names", "Lou".to_owned()),
            ("birth_date", "01/02/1990".to_owned()),
            ("employer", "Bâtir Lyon".to_owned()),
            ("employer_siret", siret.to_owned()),
        ]
    };
    let r = c.post(&url).form(&form("4821")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains(r#"id="ce-employer-siret">« 4821 » n'est pas un SIRET (14 chiffres)"#),
        "{page}"
    );
    let r = c
        .post(&url)
        .form(&form("482 137 956 00017"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id: jalon_store::SessionId = a.session.as_str().into();
    let actor = Actor::command_line(store.centre_of_session(&id).await.unwrap());
    let h = store.open_session(&actor, &id).await.unwrap();
    let lou = &store.candidates(&h).await.unwrap()[0];
    assert_eq!(lou.input.employer_siret, "48213795600017");
}

#[tokio::test]
async fn a_manager_records_a_juror_and_their_habilitation() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    centre(&store, "beta").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let url = format!("{base}/jurors");
    let form = |habilitations: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("last_name", "Leroy".to_owned()),
            ("first_names", "Marc".to_owned()),
            ("profession", "Chef de chantier".to_owned()),
            ("employer", "Bâtir Lyon".to_owned()),
            ("employer_siret", "123 456 789 00011".to_owned()),
            ("status", "salaried".to_owned()),
            ("habilitations", habilitations.to_owned()),
        ]
    };
    // A line that is not a habilitation, a date that is not one: said with their lines.
    let r = c
        .post(&url)
        .form(&form(
            "RNCP37674 ; DDETS du Rhône\nRNCP37674 ; DDETS ; 01/01/2025 ; 31/02/2029",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("ligne 1 : attendu « code RNCP ; service ; du JJ/MM/AAAA"),
        "{page}"
    );
    assert!(
        page.contains("ligne 2 : « 31/02/2029 » n'est pas une date valide"),
        "{page}"
    );
    let r = c
        .post(&url)
        .form(&form(
            "RNCP37674 ; DDETS du Rhône ; 01/01/2025 ; 31/12/2029 ; H-2025-118",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(
        &c.get(format!("{url}?ok"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("Juré enregistré."), "{page}");
    assert!(page.contains("Marc LEROY"), "{page}");
    assert!(
        page.contains("RNCP37674 — DDETS du Rhône, jusqu'au 31/12/2029"),
        "{page}"
    );
    // Its correction page gives the lines back as they are kept.
    let at = page.find("href=\"/jurors/").unwrap() + 6;
    let edit = &page[at..at + page[at..].find('"').unwrap()];
    let page = html_unescape(
        &c.get(format!("{base}{edit}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("RNCP37674 ; DDETS du Rhône ; 01/01/2025 ; 31/12/2029 ; H-2025-118"),
        "{page}"
    );
    // Another centre does not find them; an inspector reads without the form.
    let (b, _) = signed_in(&base, "manager@beta.example").await;
    assert_eq!(
        b.get(format!("{base}{edit}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    let (i, csrf_i) = signed_in(&base, "inspector@alpha.example").await;
    let page = i.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Marc LEROY") && !page.contains("Enregistrer un juré"));
    let r = i
        .post(&url)
        .form(&[("csrf", csrf_i.as_str()), ("last_name", "X")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_dashboard_groups_a_sessions_day_and_shows_the_managers_own() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let id: jalon_store::SessionId = a.session.as_str().into();
    let actor = Actor::command_line(store.centre_of_session(&id).await.unwrap());
    let h = store.open_session(&actor, &id).await.unwrap();
    // A session of nobody in particular, under way today (Saturday 28 November 2026).
    let mut other = SessionInput {
        title_id: h.session().title_id.clone(),
        approval_id: h.session().approval_id.clone(),
        site_id: h.session().site_id.clone(),
        kind: Kind::Title,
        start: date(2026, 11, 27),
        end: Some(date(2026, 11, 30)),
        ceres_number: None,
        ceres_created_on: None,
        manager_id: None,
        override_justification: Some("Session reprise de l'ancien outil du centre".into()),
    };
    let today_session = store
        .create_session(actor.writer().unwrap(), other.clone())
        .await
        .unwrap();
    other.start = date(2026, 12, 3);
    other.end = None;
    store
        .create_session(actor.writer().unwrap(), other)
        .await
        .unwrap();
    let (c, _) = signed_in(&base, "manager@alpha.example").await;
    let mine = html_unescape(
        &c.get(format!("{base}/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        mine.contains("<option value=\"miennes\" selected>Mes sessions</option>"),
        "{mine}"
    );
    assert!(!mine.contains("En cours aujourd'hui"), "not theirs: {mine}");
    let all = html_unescape(
        &c.get(format!("{base}/?qui=toutes"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    // The session under way today: its welcome one click away.
    assert!(
        all.contains(&format!(
            "<a class=\"button\" href=\"/sessions/{}/checkin\">Accueil du jour</a>",
            today_session.session.id
        )),
        "{all}"
    );
    // The session under way: its milestones of Monday 30 November on one line.
    let id = today_session.session.id.to_string();
    let week = &all[all.find("id=\"liste-semaine\"").unwrap()..];
    let week = &week[..week.find("<h2>Ensuite</h2>").unwrap()];
    let monday: Vec<&str> = week
        .split("<span class=\"badge soon\">")
        .filter(|g| {
            g.contains(&format!("href=\"/sessions/{id}\""))
                && g.contains("le lundi 30 novembre 2026</span>")
        })
        .collect();
    assert_eq!(monday.len(), 1, "one line for the session's day: {week}");
    assert!(
        monday[0]
            .matches(&format!("href=\"/sessions/{id}#m-"))
            .count()
            >= 4,
        "its milestones inside: {week}"
    );
    // A working day advised in the past (Friday, before a Saturday deadline) says the
    // deadline, not « aujourd'hui » on yesterday's date.
    assert!(
        week.contains("aujourd'hui — limite le samedi 28 novembre 2026"),
        "{week}"
    );
}

#[tokio::test]
async fn a_mode_is_chosen_for_the_candidates_ticked() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let list_url = format!("{base}/sessions/{}/candidates", a.session);
    for last in ["Arnaud", "Blanc"] {
        let r = c
            .post(&list_url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("last_name", last),
                ("first_names", "Lou"),
                ("birth_date", "01/02/1990"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let page = c.get(&list_url).send().await.unwrap().text().await.unwrap();
    let ids: Vec<String> = page
        .match_indices("name=\"candidates\" value=\"")
        .map(|(i, m)| {
            let rest = &page[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 2, "a box per candidate");
    let modes = format!("{base}/sessions/{}/convocations/modes", a.session);
    // Nobody ticked: said, nothing changed.
    let r = c
        .post(&modes)
        .form(&[("csrf", csrf.as_str()), ("mode", "hand")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("Rien n'a été changé : cochez au moins un candidat.")
    );
    let r = c
        .post(&modes)
        .form(&[
            ("csrf", csrf.as_str()),
            ("mode", "hand"),
            ("candidates", ids[0].as_str()),
            ("candidates", ids[1].as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(
        &c.get(format!("{list_url}?modes=2"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("Mode de convocation choisi pour 2 candidats."),
        "{page}"
    );
    assert_eq!(
        page.matches("Remise contre signature faite").count(),
        2,
        "{page}"
    );
}

#[tokio::test]
async fn a_new_centre_is_guided_to_its_first_session() {
    let (base, store, _dir) = app().await;
    store
        .create_centre(
            "Centre Neuf",
            common::user("admin@neuf.example", "Admin Neuf", Role::Admin),
        )
        .await
        .unwrap();
    let (c, _) = signed_in(&base, "admin@neuf.example").await;
    let page = html_unescape(
        &c.get(format!("{base}/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("Pour commencer"), "{page}");
    for (href, label) in [
        ("/admin/sites", "Enregistrer le site (plateau technique)"),
        ("/admin/titles", "Enregistrer le titre professionnel"),
        ("/admin/approvals", "Enregistrer l'agrément"),
    ] {
        assert!(
            page.contains(&format!("<a href=\"{href}\">{label}</a>")),
            "{href}: {page}"
        );
    }
    // No session can be created without an approval: no button leading nowhere.
    assert!(!page.contains("href=\"/sessions/new\""), "{page}");
    // A centre with its catalogue and a session: nothing to guide.
    centre(&store, "alpha").await;
    let (m, _) = signed_in(&base, "admin@alpha.example").await;
    let page = m
        .get(format!("{base}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Pour commencer"));
    assert!(page.contains("href=\"/sessions/new\""));
}

#[tokio::test]
async fn the_centre_settings_page_is_the_administrators() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "admin@alpha.example").await;
    let page = html_unescape(
        &c.get(format!("{base}/admin/centre"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("value=\"Centre alpha\""), "{page}");
    let at = page.find("name=\"version\" value=\"").unwrap() + 22;
    let version = page[at..at + page[at..].find('"').unwrap()].to_owned();
    let r = c
        .post(format!("{base}/admin/centre"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("name", "Centre alpha"),
            ("reply_to", "examens@"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("id=\"ce-reply_to\">« examens@ » n'est pas une adresse électronique valide")
    );
    let r = c
        .post(format!("{base}/admin/centre"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("name", "Centre alpha"),
            ("reply_to", "examens@alpha.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The retention period of personal data: five years unless set, a whole number of years.
    let page = html_unescape(
        &c.get(format!("{base}/admin/centre"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains(
            "name=\"retention_years\" type=\"number\" min=\"1\" max=\"50\" step=\"1\" value=\"5\""
        ),
        "{page}"
    );
    let at = page.find("name=\"version\" value=\"").unwrap() + 22;
    let version = page[at..at + page[at..].find('"').unwrap()].to_owned();
    for (typed, status) in [
        ("cinq", StatusCode::UNPROCESSABLE_ENTITY),
        ("0", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = c
            .post(format!("{base}/admin/centre"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("name", "Centre alpha"),
                ("retention_years", typed),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{typed}");
        let page = html_unescape(&r.text().await.unwrap());
        assert!(
            page.contains("id=\"ce-retention_years\">la durée de conservation des données personnelles est un nombre entier d'années, de 1 à 50"),
            "{page}"
        );
    }
    let r = c
        .post(format!("{base}/admin/centre"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("name", "Centre alpha"),
            ("reply_to", "examens@alpha.example"),
            ("retention_years", "10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(format!("{base}/admin/centre"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("step=\"1\" value=\"10\""), "{page}");
    let (m, _) = signed_in(&base, "manager@alpha.example").await;
    assert_eq!(
        m.get(format!("{base}/admin/centre"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// A PNG of 2 × 2 green pixels.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x0fIDAT\x78\xda\x63\x60\x68\x60\x00\x21\x08\x05\x00\x0e\x0e\x02\x01\xd8\x61\xc1\xc3\x00\x00\x00\x00IEND\xae\x42\x60\x82";

#[tokio::test]
async fn the_centre_logo_is_given_shown_printed_and_taken_back() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    centre(&store, "beta").await;
    let (c, csrf) = signed_in(&base, "admin@alpha.example").await;
    let url = format!("{base}/admin/centre/logo");
    let form = |csrf: &str, bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.to_owned())
            .part(
                "logo",
                reqwest::multipart::Part::bytes(bytes).file_name("logo.png"),
            )
    };
    // A PDF, then a PNG cut short: refused in French on the page, nothing kept.
    for (bytes, says) in [
        (
            b"%PDF-1.7".to_vec(),
            "le logo doit être une image PNG ou JPEG",
        ),
        (
            PNG[..45].to_vec(),
            "cette image est illisible (fichier abîmé ou tronqué)",
        ),
    ] {
        let r = c
            .post(&url)
            .multipart(form(&csrf, bytes))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = html_unescape(&r.text().await.unwrap());
        assert!(
            page.contains(&format!(
                "id=\"logo-error\" role=\"alert\" tabindex=\"-1\" autofocus>{says}"
            )),
            "{page}"
        );
        assert!(page.contains("Aucun logo"), "{page}");
    }
    let r = c
        .post(&url)
        .multipart(form(&csrf, PNG.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(
        &c.get(format!("{base}/admin/centre?logo=set"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("Logo enregistré : il figure en tête des documents."),
        "{page}"
    );
    assert!(page.contains("<img src=\"/admin/centre/logo?v="), "{page}");
    // Anyone of the centre sees it (it heads their documents); another centre has none.
    let (m, _) = signed_in(&base, "manager@alpha.example").await;
    let r = m.get(&url).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    let (b, _) = signed_in(&base, "manager@beta.example").await;
    assert_eq!(
        b.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // The session's documents carry it.
    let pdf = m
        .get(format!(
            "{base}/api/v1/sessions/{}/documents/affichage.pdf",
            a.session
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        pdf.windows(14).any(|w| w == b"/Subtype/Image"),
        "no image in the PDF"
    );
    // Only an administrator gives or takes it back.
    let (_, csrf_m) = signed_in(&base, "manager@alpha.example").await;
    let r = m
        .post(&url)
        .multipart(form(&csrf_m, PNG.to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .post(format!("{url}/remove"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        m.get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_file_is_attached_to_a_milestone_from_the_page() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    centre(&store, "beta").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let url = format!("{base}/sessions/{}/milestones/dte.order/files", a.session);
    let form = |csrf: &str, name: &'static str, bytes: &'static [u8]| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            )
    };
    // Not a PDF nor an image: said on the milestone, nothing kept.
    let r = c
        .post(&url)
        .multipart(form(&csrf, "commande.docx", b"PK\x03\x04word"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(page.contains("id=\"side-dte.order\""), "{page}");
    let r = c
        .post(&url)
        .multipart(form(&csrf, "commande AFPA.pdf", b"%PDF-1.7 commande"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page_url = format!("{base}/sessions/{}", a.session);
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(page.contains(">commande AFPA.pdf</a>"), "{page}");
    assert!(page.contains("SHA-256"), "{page}");
    let journal = html_unescape(
        &c.get(format!("{page_url}/journal"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        journal.contains("Pièce : commande AFPA.pdf (SHA-256 "),
        "{journal}"
    );
    // Another centre: not found; an inspector: refused.
    let (cb, csrf_b) = signed_in(&base, "manager@beta.example").await;
    let r = cb
        .post(&url)
        .multipart(form(&csrf_b, "x.pdf", b"%PDF-1.7 x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (ci, csrf_i) = signed_in(&base, "inspector@alpha.example").await;
    let r = ci
        .post(&url)
        .multipart(form(&csrf_i, "x.pdf", b"%PDF-1.7 x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_hand_delivery_is_proven_by_the_receipt_the_candidate_signs() {
    let (base, store, _dir) = app().await;
    let a = centre(&store, "alpha").await;
    let (m, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page_url = format!("{base}/sessions/{}/candidates", a.session);
    let r = m
        .post(&page_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("last_name", "Petit"),
            ("first_names", "Lou"),
            ("birth_date", "09/09/2001"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = m.get(&page_url).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"candidates\" value=\"";
    let at = page.find(marker).unwrap() + marker.len();
    let id = page[at..at + page[at..].find('"').unwrap()].to_owned();
    let conv = format!("{base}/sessions/{}/convocations/{id}", a.session);
    m.post(format!("{conv}/mode"))
        .form(&[("csrf", csrf.as_str()), ("mode", "hand")])
        .send()
        .await
        .unwrap();
    // Ticked alone: handed over, not yet proven.
    let r = m
        .post(format!("{conv}/hand"))
        .form(&[("csrf", csrf.as_str()), ("signature", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&m.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("accusé de réception signé à joindre (scan, ou signature sur la tablette)"),
        "{page}"
    );
    assert!(
        page.contains("<canvas"),
        "the pad stays until the receipt is signed"
    );
    // Signed on the tablet: proven, the drawing kept as the receipt.
    let r = m
        .post(format!("{conv}/hand"))
        .form(&[
            ("csrf", csrf.as_str()),
            (
                "signature",
                "data:image/png;base64,iVBORw0KGgpzaWduYXR1cmU=",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&m.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("Chaque candidat a sa convocation, avec sa preuve.")
            && page.contains("accuse-de-reception-signe.png"),
        "{page}"
    );
}

#[tokio::test]
async fn a_juror_declares_a_link_and_signs_through_their_link_and_the_manager_sees_both() {
    use jalon_core::jury::{Habilitation, JurorInput, JurorStatus};
    let (base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let beta = centre(&store, "beta").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let w = admin.writer().unwrap();
    let juror = |last: &str| JurorInput {
        last_name: last.into(),
        first_names: "Marc".into(),
        status: JurorStatus::Salaried,
        habilitations: vec![Habilitation {
            title: "RNCP37674".into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: date(2025, 1, 1),
            valid_until: date(2029, 12, 31),
            reference: String::new(),
        }],
        ..JurorInput::default()
    };
    let leroy = store.add_juror(w, juror("Leroy")).await.unwrap();
    let marty = store.add_juror(w, juror("Marty")).await.unwrap();
    let h = store
        .open_session(&admin, &alpha.session.as_str().into())
        .await
        .unwrap();
    let dupont = store
        .add_candidate(
            h.writer().unwrap(),
            jalon_core::candidate::CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                email: "jean.dupont@exemple.fr".into(),
                phone: "06 12 34 56 78".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The manager seats both jurors on the 15th, in jury 1.
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let jury = format!("{base}/sessions/{}/jury", alpha.session);
    let r = c
        .post(&jury)
        .form(&[
            ("csrf", csrf.clone()),
            ("version", "0".to_owned()),
            (&format!("seat.{}.2027-03-15", leroy.id), "1".to_owned()),
            (&format!("seat.{}.2027-03-15", marty.id), "1".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&c.get(&jury).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("Jurés désignés") && page.contains("Marc LEROY"),
        "{page}"
    );
    assert!(
        page.contains("demande à l'employeur au plus tard le dimanche 28 février 2027"),
        "{page}"
    );
    // A personal link for Marty, shown once.
    let r = c
        .post(format!("{jury}/{}/link", marty.id))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let page = r.text().await.unwrap();
    let at = page.find("/jure/").expect("the link") + 6;
    let token = page[at..at + 64].to_owned();
    // Through it: his sitting and the candidates' names only.
    let juror_client = client();
    let mine = format!("{base}/jure/{token}");
    let page = html_unescape(
        &juror_client
            .get(&mine)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("Titre alpha") && page.contains("DUPONT Jean"),
        "{page}"
    );
    assert!(!page.contains("jean.dupont@exemple.fr") && !page.contains("06 12 34 56 78"));
    assert!(!page.contains("Marc LEROY"), "no other juror");
    // He signs first: refused, his answers come first.
    let sig = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR42mNgaGAAIQgFAA4OAgHYYcHDAAAAAElFTkSuQmCC";
    let sign = format!("{base}/jure/{token}/{}/declaration", alpha.session);
    let r = juror_client
        .post(&sign)
        .form(&[("sworn", "on"), ("signature", sig)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = juror_client
        .post(format!("{base}/jure/{token}/{}/liens", alpha.session))
        .form(&[
            (format!("answer.{}", dupont.id), "link"),
            (format!("what.{}", dupont.id), "ancien collègue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(html_unescape(&r.text().await.unwrap()).contains("Vos réponses sont enregistrées"));
    let r = juror_client
        .post(&sign)
        .form(&[("sworn", "on"), ("signature", sig)])
        .send()
        .await
        .unwrap();
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("Votre déclaration sur l'honneur est signée"),
        "{page}"
    );
    // His convocation, as PDF; nothing of another session or centre.
    let pdf = juror_client
        .get(format!(
            "{base}/jure/{token}/{}/convocation.pdf",
            alpha.session
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    for other in [&beta.session, &"inconnue".to_owned()] {
        for doc in ["convocation.pdf", "employeur.pdf"] {
            let r = juror_client
                .get(format!("{base}/jure/{token}/{other}/{doc}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{other} {doc}");
        }
        let r = juror_client
            .post(format!("{base}/jure/{token}/{other}/liens"))
            .form(&[("answer.x", "none")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    // The manager sees the link declared and the statement signed; Marty is out for Dupont.
    let page = html_unescape(&c.get(&jury).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("ancien collègue (déclaré par le juré)"),
        "{page}"
    );
    assert!(page.contains("déclaration signée"), "{page}");
    assert!(
        page.contains("1 seul juré peut l'évaluer (Marc LEROY)"),
        "{page}"
    );
    // The dashboard says it among what is to review, with a way to the jury (seen in
    // January, the session within its four months).
    let january = common::server_on_day(&store, date(2027, 1, 4)).await;
    let (cj, _) = signed_in(&january, "manager@alpha.example").await;
    let home = html_unescape(
        &cj.get(format!("{january}/?qui=toutes"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let at = home
        .find("Jurys à revoir")
        .unwrap_or_else(|| panic!("the jury's problems: {home}"));
    assert!(home[at..].contains(&format!("/sessions/{}/jury", alpha.session)));
    assert!(
        home[at..].contains("1 seul juré peut l'évaluer (Marc LEROY)"),
        "{home}"
    );
    // Another centre finds nothing of this jury.
    let (b, csrf_b) = signed_in(&base, "manager@beta.example").await;
    assert_eq!(
        b.get(&jury).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let r = b
        .post(format!("{jury}/{}/link", marty.id))
        .form(&[("csrf", csrf_b.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Revoked, the link opens nothing.
    c.post(format!("{jury}/{}/revoke", marty.id))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        juror_client.get(&mine).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_list_of_jurors_is_imported_after_a_preview() {
    let (base, store, _dir) = app().await;
    centre(&store, "alpha").await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let upload = |bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("jures.csv"),
            );
        c.post(format!("{base}/jurors/import"))
            .multipart(form)
            .send()
    };
    // A bad line: said with its line, nothing offered to import.
    let r = upload(b"Nom;Prenom;Statut;Code RNCP;Delivree par;Du;Au\nRoche;Paul;benevole;;;;\n")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("ligne 2 : statut « benevole » inconnu"),
        "{page}"
    );
    assert!(!page.contains("Importer ces jurés"));
    // A good one: previewed, then imported on confirmation.
    let r = upload(
        b"Nom;Prenom;Statut;Code RNCP;Delivree par;Du;Au\nLeroy;Marc;salarie;RNCP37674;DDETS du Rhone;01/01/2025;31/12/2029\n",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("Le fichier est valide : 1 juré nouveau"),
        "{page}"
    );
    assert!(
        store
            .jurors(
                &store
                    .login("admin@alpha.example", PASSWORD)
                    .await
                    .unwrap()
                    .1
            )
            .await
            .unwrap()
            .is_empty(),
        "nothing before confirmation"
    );
    let at = page.find("name=\"data\" value=\"").unwrap() + 19;
    let data = &page[at..at + page[at..].find('"').unwrap()];
    let r = c
        .post(format!("{base}/jurors/import/confirm"))
        .form(&[("csrf", csrf.as_str()), ("data", data)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let page = html_unescape(
        &c.get(format!("{base}{to}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("Import enregistré : 1 juré nouveau."),
        "{page}"
    );
    assert!(
        page.contains("Marc LEROY") && page.contains("RNCP37674 — DDETS du Rhone"),
        "{page}"
    );
}

#[tokio::test]
async fn on_the_day_the_jury_is_pointed_sworn_and_a_missing_juror_gives_the_absence_report() {
    use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Seat};
    let (_base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let id: jalon_store::SessionId = alpha.session.as_str().into();
    let h = store.open_session(&admin, &id).await.unwrap();
    store
        .add_candidate(
            h.writer().unwrap(),
            jalon_core::candidate::CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for last in ["Leroy", "Marty"] {
        let j = store
            .add_juror(
                admin.writer().unwrap(),
                JurorInput {
                    last_name: last.into(),
                    first_names: "Marc".into(),
                    status: JurorStatus::Retired,
                    habilitations: vec![Habilitation {
                        title: "RNCP37674".into(),
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
        ids.push(j.id);
    }
    let seats = ids
        .iter()
        .map(|j| Seat {
            juror: j.to_string(),
            day: date(2027, 3, 15),
            jury: 1,
        })
        .collect();
    store
        .set_jury(h.writer().unwrap(), 0, seats, Vec::new())
        .await
        .unwrap();
    // The 15th, on the tablet.
    let base = common::server_on_day(&store, date(2027, 3, 15)).await;
    let (c, csrf) = signed_in(&base, "manager@alpha.example").await;
    let jury = format!("{base}/sessions/{}/jury", alpha.session);
    let page = html_unescape(&c.get(&jury).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("Accueil du jury — lundi 15 mars 2027"),
        "{page}"
    );
    let note = |j: &jalon_store::JurorId, present: &'static str| {
        c.post(format!("{jury}/{j}/presence"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("day", "2027-03-15"),
                ("present", present),
            ])
            .send()
    };
    note(&ids[0], "1").await.unwrap();
    let r = note(&ids[1], "0").await.unwrap();
    let page = html_unescape(&r.text().await.unwrap());
    assert!(
        page.contains("1 seul juré présent peut l'évaluer (Marc LEROY)"),
        "{page}"
    );
    assert!(page.contains("absence.pdf?jour=2027-03-15"), "{page}");
    // The welcome page says it too.
    let welcome = html_unescape(
        &c.get(format!("{base}/sessions/{}/checkin", alpha.session))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(welcome.contains("1 juré présent sur 2"), "{welcome}");
    assert!(
        welcome.contains("rédigez le rapport d'absence"),
        "{welcome}"
    );
    let pdf = c
        .get(format!("{jury}/absence.pdf?jour=2027-03-15"))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    // Leroy signs his statement on the tablet: the box first, then the drawing.
    let sig = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR42mNgaGAAIQgFAA4OAgHYYcHDAAAAAElFTkSuQmCC";
    let sign = format!("{jury}/{}/statement", ids[0]);
    let r = c
        .post(&sign)
        .form(&[("csrf", csrf.as_str()), ("signature", sig)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html_unescape(&r.text().await.unwrap()).contains("coche la déclaration sur l'honneur"));
    let r = c
        .post(&sign)
        .form(&[("csrf", csrf.as_str()), ("signature", sig), ("sworn", "on")])
        .send()
        .await
        .unwrap();
    let page = html_unescape(&r.text().await.unwrap());
    assert!(page.contains("Déclaration sur l'honneur signée."), "{page}");
    assert!(
        page.contains("tablette du centre, en présence de manager alpha"),
        "{page}"
    );
    let png = c
        .get(format!("{jury}/{}/signature.png", ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
}

#[tokio::test]
async fn the_sealed_papers_and_the_day_are_kept_from_the_page() {
    let (_base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let id: jalon_store::SessionId = alpha.session.as_str().into();
    let h = store.open_session(&admin, &id).await.unwrap();
    store
        .add_candidate(
            h.writer().unwrap(),
            jalon_core::candidate::CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let manager_id = store.users(&admin).await.unwrap()[1].id.to_string();
    // Not received twelve days before: « Aujourd'hui » says so in red, with the way to chase.
    let march = common::server_on_day(&store, date(2027, 3, 3)).await;
    let (m, _) = signed_in(&march, "manager@alpha.example").await;
    let home = html_unescape(
        &m.get(format!("{march}/?qui=toutes"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        home.contains("DTE non reçus à J−12 : relancez l'AFPA"),
        "{home}"
    );
    assert!(home.contains(&format!("/sessions/{}/plis", alpha.session)));
    // Received in February, from the page.
    let feb = common::server_on_day(&store, date(2027, 2, 22)).await;
    let (c, csrf) = signed_in(&feb, "manager@alpha.example").await;
    let plis = format!("{feb}/sessions/{}/plis", alpha.session);
    let page = html_unescape(&c.get(&plis).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("relance conseillée le lundi 1ᵉʳ mars 2027"),
        "{page}"
    );
    assert!(
        page.contains("mailto:epreuves-btp@afpa.fr?subject="),
        "{page}"
    );
    let r = c
        .post(format!("{plis}/reception"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "0"),
            ("date", "2027-02-22"),
            ("time", "10:15"),
            ("by", "manager alpha"),
            ("storage", "Armoire forte"),
            ("key_holder", manager_id.as_str()),
            (
                "packets",
                "organisateur ; Pli organisateur\nsujets ; Pli 1 ; Mise en situation professionnelle ; scellés endommagés\nfoo ; x",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("ligne 3 : commencez par « organisateur », « sujets » ou « autre »")
    );
    let r = c
        .post(format!("{plis}/reception"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "0"),
            ("date", "2027-02-22"),
            ("time", "10:15"),
            ("by", "manager alpha"),
            ("storage", "Armoire forte"),
            ("key_holder", manager_id.as_str()),
            (
                "packets",
                "organisateur ; Pli organisateur\nsujets ; Pli 1 ; Mise en situation professionnelle ; scellés endommagés",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&c.get(&plis).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("scellés endommagés"), "{page}");
    let dte = store.dte(&h).await.unwrap();
    let subjects = dte.packets[1].clone();
    // A photo of the broken seal: an image, checked by content (a PDF is refused).
    let photo = |bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name("scelle.jpg"),
            );
        c.post(format!(
            "{feb}/sessions/{}/photos-plis/{}",
            alpha.session, subjects.id
        ))
        .multipart(form)
        .send()
    };
    let r = photo(b"%PDF-1.7 pas une photo").await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html_unescape(&r.text().await.unwrap()).contains("envoyez une photo"));
    let r = photo(b"\xFF\xD8\xFF\xE0 une photo").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .get(format!(
            "{feb}/sessions/{}/photos-plis/{}",
            alpha.session, subjects.id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    // Opened in February: refused, the packet named.
    let r = c
        .post(format!("{plis}/{}/open", subjects.id))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", "1"),
            ("witnesses", "Marc LEROY"),
            ("before", "les candidats"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("s'ouvre le jour de son épreuve, le lundi 15 mars 2027")
    );
    // On the day: the manager, the opening, the start, a late candidate, the unused subjects,
    // an incident; the documents to sign.
    let day = common::server_on_day(&store, date(2027, 3, 15)).await;
    let (d, csrf) = signed_in(&day, "manager@alpha.example").await;
    let plis = format!("{day}/sessions/{}/plis", alpha.session);
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let mut form = form;
        form.push(("csrf", csrf.clone()));
        d.post(path).form(&form).send()
    };
    let msp = "Mise en situation professionnelle".to_owned();
    let r = post(
        format!("{plis}/jour/2027-03-15/epreuve"),
        vec![
            ("epreuve", msp.clone()),
            ("what", "start".into()),
            ("at", "9:10".into()),
        ],
    )
    .await
    .unwrap();
    assert!(
        html_unescape(&r.text().await.unwrap())
            .contains("demande le responsable de session présent")
    );
    let r = post(
        format!("{plis}/jour/2027-03-15/responsable"),
        vec![("manager", "manager alpha".into())],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(
        format!("{plis}/{}/open", subjects.id),
        vec![
            ("version", "1".into()),
            ("witnesses", "Marc LEROY, juré".into()),
            ("before", "les candidats".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for (what, at) in [("start", "9:10")] {
        let r = post(
            format!("{plis}/jour/2027-03-15/epreuve"),
            vec![
                ("epreuve", msp.clone()),
                ("what", what.into()),
                ("at", at.into()),
            ],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let cand = store.candidates(&h).await.unwrap()[0].id.to_string();
    let r = post(
        format!("{plis}/jour/2027-03-15/epreuve"),
        vec![
            ("epreuve", msp.clone()),
            ("what", "late".into()),
            ("candidate", cand.clone()),
            ("at", "9:30".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(
        format!("{plis}/jour/2027-03-15/epreuve"),
        vec![
            ("epreuve", msp.clone()),
            ("what", "destroy_unused".into()),
            ("count", "2".into()),
            ("witness", "Marc LEROY".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post(
        format!("{plis}/incidents"),
        vec![
            ("category", "suspected_fraud".into()),
            ("day", "2027-03-15".into()),
            ("time", "10:40".into()),
            ("epreuve", msp.clone()),
            ("candidate", cand.clone()),
            ("description", "Téléphone allumé".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(
        &d.get(format!("{plis}?jour=2027-03-15"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("9 h 10,"), "{page}");
    assert!(
        page.contains("Retard admis : DUPONT Jean, arrivé(e) à 9 h 30"),
        "{page}"
    );
    assert!(page.contains("fraude suspectée à 10 h 40"), "{page}");
    // The day's attestations, from the same page: the trainers' absence and the candidates'
    // briefing (another day's absence is not on this one-day session's list).
    assert!(page.contains("À attester ce jour"), "{page}");
    for (milestone, item) in [
        (
            "day.trainers_absent",
            "Lundi 15 mars 2027 : aucun formateur présent",
        ),
        (
            "launch.briefing_candidates",
            "Déroulement de la session présenté aux candidats",
        ),
    ] {
        let r = post(
            format!("{plis}/jour/2027-03-15/attester"),
            vec![("milestone", milestone.into()), ("item", item.into())],
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{item}");
    }
    let r = post(
        format!("{plis}/jour/2027-03-15/attester"),
        vec![
            ("milestone", "day.trainers_absent".into()),
            (
                "item",
                "Mardi 16 mars 2027 : aucun formateur présent".into(),
            ),
        ],
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = html_unescape(&r.text().await.unwrap());
    assert!(
        refused.contains("ce point ne figure pas dans la liste de ce jalon"),
        "{refused}"
    );
    let page = html_unescape(
        &d.get(format!("{plis}?jour=2027-03-15"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        page.contains("Lundi 15 mars 2027 : aucun formateur présent<br><span class=\"hint\">attesté par manager alpha"),
        "{page}"
    );
    assert!(
        page.contains("name=\"item\" value=\"Matériel des candidats et du plateau vérifié\""),
        "{page}"
    );
    for doc in ["jour/2027-03-15/attestation.pdf", "destruction.pdf"] {
        let r = d.get(format!("{plis}/{doc}")).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/pdf", "{doc}");
    }
    let incident = store.incidents(&h).await.unwrap()[0].id.to_string();
    let r = d
        .get(format!("{plis}/incidents/{incident}/pv.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
}

#[tokio::test]
async fn an_action_sent_again_after_the_network_dropped_is_applied_once() {
    let (_base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let day = common::server_on_day(&store, date(2027, 3, 15)).await;
    let (c, csrf) = signed_in(&day, "manager@alpha.example").await;
    let url = format!("{day}/sessions/{}/plis/incidents", alpha.session);
    let form = [
        ("csrf", csrf.as_str()),
        ("category", "equipment"),
        ("day", "2027-03-15"),
        ("time", "10:40"),
        ("description", "Panne du poste 3"),
    ];
    let send = |id: &'static str| c.post(&url).header("x-action-id", id).form(&form).send();
    let first = send("0f5c2a9e-1d2b-4c3d-9e8f-7a6b5c4d3e2f").await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    // The same action again (its answer was lost with the network): not applied twice.
    let again = send("0f5c2a9e-1d2b-4c3d-9e8f-7a6b5c4d3e2f").await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["x-action-replayed"], "303");
    // Another action: applied.
    send("1a2b3c4d-0000-4000-8000-000000000001").await.unwrap();
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let h = store
        .open_session(&admin, &alpha.session.as_str().into())
        .await
        .unwrap();
    assert_eq!(store.incidents(&h).await.unwrap().len(), 2);
    // An id that is not one is refused, and nothing is applied.
    let bad = c
        .post(&url)
        .header("x-action-id", "pas un identifiant")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(store.incidents(&h).await.unwrap().len(), 2);
}

#[tokio::test]
async fn results_are_recorded_once_the_passage_is_whole_and_kept_from_candidates() {
    let (_base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let id: jalon_store::SessionId = alpha.session.as_str().into();
    let h = store.open_session(&admin, &id).await.unwrap();
    let jean = store
        .add_candidate(
            h.writer().unwrap(),
            jalon_core::candidate::CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let day = common::server_on_day(&store, date(2027, 3, 15)).await;
    let (c, csrf) = signed_in(&day, "manager@alpha.example").await;
    let page_url = format!("{day}/sessions/{}/resultats", alpha.session);
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains("Aucun résultat n'est communiqué aux candidats avant la validation officielle de la session"),
        "{page}"
    );
    assert!(
        page.contains("DUPONT Jean</strong> — à enregistrer"),
        "{page}"
    );
    // The entretien final left unsaid: refused, naming it, what was typed kept.
    let post = |form: Vec<(&str, &str)>| {
        let mut form = form;
        form.push(("csrf", csrf.as_str()));
        c.post(format!("{page_url}/{}", jean.id)).form(&form).send()
    };
    let r = post(vec![
        ("version", "0"),
        ("e0", "done"),
        ("decision", "obtained"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = html_unescape(&r.text().await.unwrap());
    assert!(
        refused.contains(
            "le passage du candidat n'est pas complet, entretien final compris : « Entretien final » : ni faite ni absent"
        ),
        "{refused}"
    );
    assert!(refused.contains("value=\"done\" checked"), "{refused}");
    // No decision: said on its field.
    let r = post(vec![("version", "0"), ("e0", "done"), ("e1", "done")])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html_unescape(&r.text().await.unwrap()).contains("choisissez la décision du jury"));
    // Whole: recorded, and the page says so.
    let r = post(vec![
        ("version", "0"),
        ("e0", "done"),
        ("e1", "done"),
        ("decision", "obtained"),
        ("ceres_on", "2027-03-15"),
        ("dp", "1"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&c.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains(
            "DUPONT Jean</strong> — titre obtenu — saisi dans CERES le lundi 15 mars 2027 — dossier professionnel remis"
        ),
        "{page}"
    );
    // The inspector reads it, and has no form.
    let (i, _) = signed_in(&day, "inspector@alpha.example").await;
    let seen = html_unescape(&i.get(&page_url).send().await.unwrap().text().await.unwrap());
    assert!(seen.contains("titre obtenu"), "{seen}");
    assert!(!seen.contains("Enregistrer le résultat"), "{seen}");
    // Another centre: nothing.
    let beta = centre(&store, "beta").await;
    let _ = beta;
    let (b, _) = signed_in(&day, "manager@beta.example").await;
    let r = b.get(&page_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_candidate_in_failure_is_presented_again_from_the_later_sessions_page() {
    use jalon_core::results::{Decision, Outcome, ResultInput};
    use jalon_store::results::RecordResult;
    let (_base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let id: jalon_store::SessionId = alpha.session.as_str().into();
    let h = store.open_session(&admin, &id).await.unwrap();
    let jean = store
        .add_candidate(
            h.writer().unwrap(),
            jalon_core::candidate::CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                training_end: Some(date(2027, 3, 5)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    // The session of 15 March held, its result « non obtenu », transmitted and validated.
    let after = store.clone().with_clock(jalon_store::Clock::Fixed(
        "2027-03-22T10:00:00Z".parse().unwrap(),
    ));
    let h = after.open_session(&admin, &id).await.unwrap();
    after
        .record_result(
            h.writer().unwrap(),
            &jean.id,
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
                    decision: Decision::NotObtained,
                },
                ceres_entered_on: None,
                dp_handed: true,
            },
        )
        .await
        .unwrap();
    after
        .record_transmission(
            h.writer().unwrap(),
            h.session().version,
            jalon_core::transmit::TransmissionInput {
                sent_on: date(2027, 3, 22),
                channel: jalon_core::transmit::Channel::HandDelivery,
                reference: String::new(),
                contents: "PV, grilles, émargement, déclarations".to_owned(),
            },
        )
        .await
        .unwrap();
    let h = after.open_session(&admin, &id).await.unwrap();
    after
        .record_validation(h.writer().unwrap(), h.session().version, date(2027, 3, 22))
        .await
        .unwrap();
    // A session in July of the same title.
    let july = after
        .duplicate_session(h.writer().unwrap(), date(2027, 7, 5), None, None)
        .await
        .unwrap()
        .session
        .id;
    let day = common::server_on_day(&store, date(2027, 3, 23)).await;
    let (c, csrf) = signed_in(&day, "manager@alpha.example").await;
    let url = format!("{day}/sessions/{july}/candidates");
    let page = html_unescape(&c.get(&url).send().await.unwrap().text().await.unwrap());
    assert!(
        page.contains(
            "DUPONT Jean — non obtenu à la session du lundi 15 mars 2027 — 2 nouvelles présentations jusqu'au dimanche 5 mars 2028"
        ),
        "{page}"
    );
    let r = c
        .post(format!("{url}/represent"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("from_session", alpha.session.as_str()),
            ("candidate", jean.id.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = html_unescape(&c.get(&url).send().await.unwrap().text().await.unwrap());
    assert!(page.contains("Candidats inscrits (1)"), "{page}");
    assert!(
        !page.contains("Présenter de nouveau"),
        "already here: {page}"
    );
    // The first session lists nobody to present again in itself.
    let first = html_unescape(
        &c.get(format!("{day}/sessions/{}/candidates", alpha.session))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(!first.contains("Présenter de nouveau"), "{first}");
}

#[tokio::test]
async fn the_dashboard_shows_the_transmission_due_and_the_complements_asked() {
    let (_base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    // The session of Monday 15 March 2027 (not transport): its transmission is due within five
    // days, by Saturday 20 March.
    let friday = common::server_on_day(&store, date(2027, 3, 19)).await;
    let (c, _) = signed_in(&friday, "manager@alpha.example").await;
    let home = html_unescape(
        &c.get(format!("{friday}/?qui=toutes"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(home.contains("Transmissions à faire"), "{home}");
    assert!(
        home.contains(
            "transmission des documents au plus tard le samedi 20 mars 2027 (dans 1 jour)"
        ),
        "{home}"
    );
    // Monday 22 March: late, in red.
    let monday = common::server_on_day(&store, date(2027, 3, 22)).await;
    let (m, _) = signed_in(&monday, "manager@alpha.example").await;
    let home = html_unescape(
        &m.get(format!("{monday}/?qui=toutes"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        home.contains("transmission en retard de 2 jours (limite : samedi 20 mars 2027)"),
        "{home}"
    );
    // Complements asked: shown with what and for when, until answered.
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let id: jalon_store::SessionId = alpha.session.as_str().into();
    let later = store.clone().with_clock(jalon_store::Clock::Fixed(
        "2027-04-02T10:00:00Z".parse().unwrap(),
    ));
    let h = later.open_session(&admin, &id).await.unwrap();
    later
        .request_complements(
            h.writer().unwrap(),
            h.session().version,
            date(2027, 4, 1),
            "Feuille d'émargement signée",
            Some(date(2027, 4, 15)),
        )
        .await
        .unwrap();
    let april = common::server_on_day(&store, date(2027, 4, 2)).await;
    let (a, _) = signed_in(&april, "manager@alpha.example").await;
    let home = html_unescape(
        &a.get(format!("{april}/?qui=toutes"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        home.contains(
            "compléments demandés le jeudi 1ᵉʳ avril 2027 : Feuille d'émargement signée, attendus pour le jeudi 15 avril 2027 — réponse à envoyer"
        ),
        "{home}"
    );
}

#[tokio::test]
async fn a_jurors_link_to_a_cancelled_session_answers_410_in_french() {
    use jalon_core::jury::{Habilitation, JurorInput, JurorStatus, Seat};
    let (base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let w = admin.writer().unwrap();
    let juror = |last: &str| JurorInput {
        last_name: last.into(),
        first_names: "Marc".into(),
        status: JurorStatus::Independent,
        habilitations: vec![Habilitation {
            title: "RNCP37674".into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: date(2025, 1, 1),
            valid_until: date(2029, 12, 31),
            reference: String::new(),
        }],
        ..JurorInput::default()
    };
    let leroy = store.add_juror(w, juror("Leroy")).await.unwrap();
    let marty = store.add_juror(w, juror("Marty")).await.unwrap();
    let id = alpha.session.as_str().into();
    let h = store.open_session(&admin, &id).await.unwrap();
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
    let token = store.issue_juror_link(w, &leroy.id).await.unwrap();
    let mine = format!("{base}/jure/{token}");
    let r = client().get(&mine).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = store.open_session(&admin, &id).await.unwrap();
    store
        .cancel_session(
            h.writer().unwrap(),
            h.session().version,
            "Plateau indisponible",
        )
        .await
        .unwrap();
    // The link, and each of its pages, says the session was cancelled: 410, never a 500.
    for url in [
        mine.clone(),
        format!("{mine}/{}/convocation.pdf", alpha.session),
    ] {
        let r = client().get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::GONE, "{url}");
        let page = html_unescape(&r.text().await.unwrap());
        assert!(
            page.contains(
                "Ce lien n'est plus valable : la session a été annulée. Contactez le centre."
            ),
            "{page}"
        );
    }
    let r = client()
        .post(format!("{mine}/{}/declaration", alpha.session))
        .form(&[("sworn", "on"), ("signature", "data:image/png;base64,AAAA")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::GONE);
}

#[tokio::test]
async fn a_candidates_data_is_downloaded_from_their_page_by_the_centre_only() {
    let (base, store, _dir) = app().await;
    let alpha = centre(&store, "alpha").await;
    centre(&store, "beta").await;
    let (_, admin) = store.login("admin@alpha.example", PASSWORD).await.unwrap();
    let h = store
        .open_session(&admin, &alpha.session.as_str().into())
        .await
        .unwrap();
    let dupont = store
        .add_candidate(
            h.writer().unwrap(),
            jalon_core::candidate::CandidateInput {
                last_name: "Dupont".into(),
                first_names: "Jean".into(),
                birth_date: Some(date(1990, 2, 1)),
                email: "jean.dupont@exemple.fr".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (m, csrf) = signed_in(&base, "manager@alpha.example").await;
    let edit = format!(
        "{base}/sessions/{}/candidates/{}/edit",
        alpha.session, dupont.id
    );
    let page = html_unescape(&m.get(&edit).send().await.unwrap().text().await.unwrap());
    let action = format!(
        "/sessions/{}/candidates/{}/personal-data",
        alpha.session, dupont.id
    );
    assert!(page.contains(&format!("action=\"{action}\"")), "{page}");
    let r = m
        .post(format!("{base}{action}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"donnees-dupont-jean.json\""
    );
    let data: serde_json::Value = r.json().await.unwrap();
    assert_eq!(data["candidate"]["email"], "jean.dupont@exemple.fr");
    // An inspector of the centre: refused; another centre: not found.
    let (i, csrf) = signed_in(&base, "inspector@alpha.example").await;
    let r = i
        .post(format!("{base}{action}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (b, csrf) = signed_in(&base, "admin@beta.example").await;
    let r = b
        .post(format!("{base}{action}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let journal = store.session_journal(&h, 1).await.unwrap();
    assert_eq!(journal[0].action.as_str(), "privacy.exported");
    // A juror, from their page: likewise.
    let leroy = store
        .add_juror(
            admin.writer().unwrap(),
            jalon_core::jury::JurorInput {
                last_name: "Leroy".into(),
                first_names: "Marc".into(),
                email: "marc.leroy@exemple.fr".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (m, csrf) = signed_in(&base, "manager@alpha.example").await;
    let page = m
        .get(format!("{base}/jurors/{}", leroy.id))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action = format!("/jurors/{}/personal-data", leroy.id);
    assert!(page.contains(&format!("action=\"{action}\"")), "{page}");
    let r = m
        .post(format!("{base}{action}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"donnees-marc-leroy.json\""
    );
    let data: serde_json::Value = r.json().await.unwrap();
    assert_eq!(data["juror"]["email"], "marc.leroy@exemple.fr");
    let (i, csrf) = signed_in(&base, "inspector@alpha.example").await;
    let r = i
        .post(format!("{base}{action}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (b, csrf) = signed_in(&base, "admin@beta.example").await;
    let r = b
        .post(format!("{base}{action}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
