//! The real server on port 0, driven over HTTP.

mod common;

use common::PASSWORD;
use jalon_store::{Actor, Role, Store};
use jalon_web::AppState;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct App {
    base: String,
    store: Store,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl App {
    async fn shutdown(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        self.server.take().unwrap().await.unwrap().unwrap();
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

async fn spawn_app() -> App {
    spawn_app_with(|s| s).await
}

async fn spawn_app_with(configure: impl FnOnce(AppState) -> AppState) -> App {
    let (store, dir) = common::store().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = configure(AppState::new(store.clone(), false));
    let server = tokio::spawn(jalon_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    App {
        base,
        store,
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

/// A centre with a site, a title, an approval and users of each role; returns their ids.
struct Centre {
    admin: String,
    manager: String,
    inspector: String,
    manager_id: String,
    site: String,
    title: String,
    approval: String,
}

async fn centre(store: &Store, name: &str) -> Centre {
    let slug = name.to_lowercase().replace(' ', "");
    let admin_email = format!("admin@{slug}.example");
    let (c, _) = store
        .create_centre(name, common::user(&admin_email, "Admin", Role::Admin))
        .await
        .unwrap();
    let actor = Actor::command_line(c.id);
    let a = actor.admin().unwrap();
    let user = |email: &str, role| common::user(email, email, role);
    let manager_email = format!("manager@{slug}.example");
    let inspector_email = format!("inspector@{slug}.example");
    let m = store
        .add_user(a, user(&manager_email, Role::Manager))
        .await
        .unwrap();
    store
        .add_user(a, user(&inspector_email, Role::Inspector))
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
            managers: vec![m.id.clone()],
            ..Default::default()
        },
    )
    .await;
    Centre {
        admin: admin_email,
        manager: manager_email,
        inspector: inspector_email,
        manager_id: m.id.to_string(),
        site: site.id.to_string(),
        title: title.id.to_string(),
        approval: approval.id.to_string(),
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client logged in as `email` through the API (the cookie is kept).
async fn logged_in(app: &App, email: &str) -> reqwest::Client {
    let c = client();
    let r = c
        .post(app.url("/api/v1/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {email}");
    c
}

async fn send(
    c: &reqwest::Client,
    method: Method,
    url: String,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = c.request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn session_body(c: &Centre, start: &str, end: &str) -> Value {
    json!({"title_id": c.title, "approval_id": c.approval, "site_id": c.site, "start": start, "end": end, "manager_id": c.manager_id})
}

#[tokio::test]
async fn health_login_and_cookies() {
    let app = spawn_app().await;
    let r = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Every answer carries its request's id, for the server's log; a proxy's id is kept.
    let id = r.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let r = reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("x-request-id", "proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "proxy-42");
    // Pages and JSON are compressed for the clients that accept it.
    let r = reqwest::Client::new()
        .get(app.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let a = centre(&app.store, "Centre Alpha").await;
    let c = client();
    let (status, body) = send(&c, Method::GET, app.url("/api/v1/me"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "connectez-vous pour continuer");
    let (status, body) = send(
        &c,
        Method::POST,
        app.url("/api/v1/login"),
        Some(json!({"email": a.manager, "password": "faux"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "identifiant ou mot de passe incorrect");
    let r = c
        .post(app.url("/api/v1/login"))
        .json(&json!({"email": a.manager, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("jalon_session="));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, me) = send(&c, Method::GET, app.url("/api/v1/me"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "manager");
    assert_eq!(me["centre"], "Centre Alpha");
    // Scripts may use the token as a bearer.
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, _) = send(&c, Method::POST, app.url("/api/v1/logout"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let r = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "the login is gone from the database"
    );
    // Five tries for an account from one address, then 429 and when to come back, on the
    // API and on the login page alike; the right password does not get through meanwhile.
    for _ in 0..4 {
        let (status, _) = send(
            &c,
            Method::POST,
            app.url("/api/v1/login"),
            Some(json!({"email": a.admin, "password": "faux"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let r = c
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[("email", a.admin.as_str()), ("password", "faux")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "the fifth try is counted"
    );
    let r = c
        .post(app.url("/api/v1/login"))
        .json(&json!({"email": a.admin, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wait, 1, "the first delay is a second");
    let body = r.json::<Value>().await.unwrap();
    assert_eq!(body["error"], "too_many_attempts");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("trop de tentatives : réessayez dans "),
        "{body}"
    );
    let r = c
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[("email", a.admin.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Trop de tentatives de connexion")
    );
    // A delay, not a wall: once it has passed, the right password gets in.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _) = send(
        &c,
        Method::POST,
        app.url("/api/v1/login"),
        Some(json!({"email": a.admin, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    app.shutdown().await;
}

#[tokio::test]
async fn sessions_over_http_with_rules_validation_and_concurrency() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    // The worked example.
    let (status, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let id = s["id"].as_str().unwrap().to_owned();
    let m = |s: &Value, mid: &str| {
        s["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == mid)
            .unwrap()
            .clone()
    };
    assert_eq!(m(&s, "ceres.create_session")["deadline"], "2026-12-14");
    assert_eq!(m(&s, "candidates.register")["advised"], "2027-02-12");
    assert_eq!(s["status"], "draft");

    // Too close: 422 naming the rule; justified: 201.
    let (status, body) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-01-20", "2027-01-20")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "rules_broken");
    assert_eq!(body["violations"][0]["rule"], "session.start_too_close");
    assert!(
        body["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("91 jours")
    );
    let mut justified = session_body(&a, "2027-01-20", "2027-01-20");
    justified["override_justification"] = json!("Session de rattrapage demandée par la DDETS");
    let (status, _) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(justified),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Field errors: 422 with the field.
    let (status, body) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-02-30", "2027-03-01")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "start");
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("date invalide")
    );
    let (status, body) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-10")),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "end");
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("précède")
    );
    let r = c
        .post(app.url("/api/v1/sessions"))
        .body("start=2027-03-15")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "JSON only");
    let r = c
        .post(app.url("/api/v1/sessions"))
        .body(vec![0u8, 159, 146, 150])
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "garbage");

    // Move it: version 1 -> 2; the stale version 1 gets 409.
    let mut moved = session_body(&a, "2027-03-22", "2027-03-26");
    moved["version"] = json!(1);
    let (status, s2) = send(
        &c,
        Method::PUT,
        app.url(&format!("/api/v1/sessions/{id}")),
        Some(moved.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{s2}");
    assert_eq!(m(&s2, "ceres.create_session")["deadline"], "2026-12-21");
    let (status, body) = send(
        &c,
        Method::PUT,
        app.url(&format!("/api/v1/sessions/{id}")),
        Some(moved),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("modifié entre-temps")
    );

    // Complete and reopen a milestone with evidence (its check reads the order recorded).
    let (status, dte) = send(
        &c,
        Method::PUT,
        app.url(&format!("/api/v1/sessions/{id}/dte/order")),
        Some(json!({"version": 0, "on": "2026-11-27", "reference": "1187", "by": "Claire"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{dte}");
    assert_eq!(dte["order"]["reference"], "1187");
    let order = m(&s2, "dte.order");
    let url = app.url(&format!(
        "/api/v1/sessions/{id}/milestones/dte.order/complete"
    ));
    let (status, done) = send(
        &c,
        Method::POST,
        url.clone(),
        Some(json!({"version": order["version"], "evidence": "Commande AFPA n° 1187"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["state"], "done");
    assert_eq!(done["evidence"], "Commande AFPA n° 1187");
    let (status, _) = send(
        &c,
        Method::POST,
        url.clone(),
        Some(json!({"version": order["version"], "evidence": "encore"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version");
    let again = json!({"version": done["version"], "evidence": "encore"});
    let (status, body) = send(&c, Method::POST, url, Some(again)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "already done");
    assert!(body["message"].as_str().unwrap().contains("déjà fait"));
    let url = app.url(&format!(
        "/api/v1/sessions/{id}/milestones/dte.order/reopen"
    ));
    let (status, reopened) = send(
        &c,
        Method::POST,
        url,
        Some(json!({"version": done["version"], "reason": "mauvaise référence"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reopened["state"], "todo");
    let (_, journal) = send(
        &c,
        Method::GET,
        app.url(&format!("/api/v1/sessions/{id}/journal")),
        None,
    )
    .await;
    let actions: Vec<&str> = journal
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "milestone.reopened",
            "milestone.completed",
            "dte.ordered",
            "session.updated",
            "session.created"
        ]
    );
    // The conformity report.
    let (_, check) = send(&c, Method::GET, app.url("/api/v1/check"), None).await;
    let sessions = check["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    let late: Vec<&Value> = sessions
        .iter()
        .flat_map(|s| s["late"].as_array().unwrap())
        .collect();
    assert!(
        late.contains(&&json!("ceres.create_session")),
        "the justified January session is late: {check}"
    );
    app.shutdown().await;
}

/// Every operation of the API with its sample body, `{id}` and `{milestone}` to fill in.
fn operations(a: &Centre) -> Vec<(Method, &'static str, Option<Value>)> {
    let site = json!({"name": "S", "address": "1 rue", "postcode": "69001", "city": "Lyon"});
    let title = json!({"rncp_code": "RNCP1", "name": "T", "domain": "btp", "expiry": "2030-01-01"});
    let approval = json!({"title_id": a.title, "site_id": a.site, "number": "N", "valid_from": "2025-01-01", "valid_until": "2029-01-01"});
    let session = session_body(a, "2027-06-14", "2027-06-15");
    let with_version = |mut v: Value| {
        v["version"] = json!(1);
        v
    };
    vec![
        (Method::GET, "/api/v1/me", None),
        (
            Method::POST,
            "/api/v1/me/password",
            Some(json!({"current_password": "pas le bon", "new_password": "0123456789abc"})),
        ),
        (Method::GET, "/api/v1/sites", None),
        (Method::POST, "/api/v1/sites", Some(site.clone())),
        (Method::GET, "/api/v1/sites/{site}", None),
        (
            Method::PUT,
            "/api/v1/sites/{site}",
            Some(with_version(site)),
        ),
        (Method::GET, "/api/v1/titles", None),
        (Method::POST, "/api/v1/titles", Some(title.clone())),
        (Method::GET, "/api/v1/titles/{title}", None),
        (
            Method::PUT,
            "/api/v1/titles/{title}",
            Some(with_version(title)),
        ),
        (Method::GET, "/api/v1/approvals", None),
        (Method::POST, "/api/v1/approvals", Some(approval.clone())),
        (Method::GET, "/api/v1/approvals/{approval}", None),
        (
            Method::PUT,
            "/api/v1/approvals/{approval}",
            Some(with_version(approval)),
        ),
        (Method::GET, "/api/v1/users", None),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": "x@y.example", "display_name": "X", "role": "manager"})),
        ),
        (Method::GET, "/api/v1/invitations", None),
        (
            Method::POST,
            "/api/v1/invitations/{invitation}/resend",
            None,
        ),
        (Method::DELETE, "/api/v1/invitations/{invitation}", None),
        (Method::GET, "/api/v1/users/{user}", None),
        (
            Method::PUT,
            "/api/v1/users/{user}",
            Some(json!({"version": 1, "display_name": "X", "role": "manager", "active": true})),
        ),
        (Method::GET, "/api/v1/sessions", None),
        (Method::POST, "/api/v1/sessions", Some(session.clone())),
        (Method::GET, "/api/v1/sessions/{session}", None),
        (
            Method::PUT,
            "/api/v1/sessions/{session}",
            Some(with_version(session)),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/duplicate",
            Some(json!({"start": "2027-09-13"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/cancel",
            Some(json!({"version": 1, "reason": "r"})),
        ),
        (Method::GET, "/api/v1/sessions/{session}/journal", None),
        (Method::GET, "/api/v1/sessions/{session}/candidates", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates",
            Some(json!({"last_name": "Dupont", "first_names": "Jean", "birth_date": "1990-02-01"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates/import",
            Some(json!(
                "Nom;Prénom;Date de naissance\nDupont;Jean;01/02/1990"
            )),
        ),
        (
            Method::GET,
            "/api/v1/sessions/{session}/candidates.csv",
            None,
        ),
        (Method::GET, "/api/v1/sessions/{session}/convocations", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/convocations/send",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/convocations/{candidate}",
            Some(json!({"mode": "hand"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/convocations/{candidate}/hand-delivery",
            None,
        ),
        (
            Method::GET,
            "/api/v1/sessions/{session}/convocations/{candidate}/document",
            None,
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/convocations/{candidate}/document",
            Some(json!("%PDF-1.7")),
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/candidates/{candidate}",
            Some(
                json!({"version": 1, "last_name": "Dupond", "first_names": "Jean", "birth_date": "1990-02-01"}),
            ),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates/{candidate}/personal-data",
            None,
        ),
        (Method::POST, "/api/v1/jurors/{juror}/personal-data", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates/{candidate}/withdraw",
            Some(json!({"version": 1, "reason": "Courriel du candidat"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates/{candidate}/attendance",
            Some(json!({"day": "2027-03-15", "epreuve": "Entretien final", "present": true})),
        ),
        (Method::GET, "/api/v1/sessions/{session}/attendance", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates/{candidate}/check-in",
            Some(json!({"version": 1, "present": true, "signed": true})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/milestones/dte.order/complete",
            Some(json!({"version": 1, "evidence": "e"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/milestones/dte.order/reopen",
            Some(json!({"version": 1, "reason": "r"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/milestones/dte.order/items",
            Some(json!({"item": "Procès-verbaux (PV)", "state": "done"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/milestones/dte.order/items/untick",
            Some(json!({"item": "Procès-verbaux (PV)", "reason": "erreur"})),
        ),
        (Method::GET, "/api/v1/sessions/{session}/checklists", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/complements",
            Some(
                json!({"version": 1, "on": "2026-11-20", "request": "Feuille d'émargement signée"}),
            ),
        ),
        (Method::GET, "/api/v1/sessions/{session}/schedule", None),
        (Method::GET, "/api/v1/sessions/{session}/packets", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/packets",
            Some(
                json!({"version": 0, "at": "2027-02-22T09:00:00Z", "by": "C", "storage": "Armoire",
                        "key_holders": [], "packets": []}),
            ),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/packets/{packet}/store",
            Some(json!({"version": 1, "by": "C", "place": "Armoire"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/packets/{packet}/open",
            Some(json!({"version": 1, "by": "C", "witnesses": "J"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/packets/{packet}/destroy",
            Some(json!({"version": 1, "by": "C", "witnesses": "J", "how": "broyeur"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/packets/{packet}/return",
            Some(json!({"version": 1, "by": "C", "place": "AFPA", "reason": "erreur"})),
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/dte/order",
            Some(json!({"version": 0, "on": "2026-12-01", "by": "C"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/dte/chases",
            Some(json!({"on": "2026-12-01", "by": "C"})),
        ),
        (Method::GET, "/api/v1/sessions/{session}/results", None),
        (Method::GET, "/api/v1/represent", None),
        (Method::GET, "/api/v1/sessions/{session}/export.zip", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/candidates/represent",
            Some(json!({"from_session": "{session}", "candidate": "{candidate}"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/validation",
            Some(json!({"outcome": "validated", "version": 1, "on": "2026-11-20"})),
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/transmission",
            Some(
                json!({"version": 1, "sent_on": "2026-11-20", "channel": "email", "reference": "ddets@example.fr", "contents": "PV"}),
            ),
        ),
        (Method::GET, "/api/v1/sessions/{session}/archive", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/archive/grids",
            None,
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/archive/grids/produce",
            None,
        ),
        (
            Method::GET,
            "/api/v1/sessions/{session}/archive/pieces/{piece}",
            None,
        ),
        (
            Method::GET,
            "/api/v1/sessions/{session}/results/{candidate}",
            None,
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/results/{candidate}",
            Some(
                json!({"version": 0, "epreuves": {"Entretien final": "absent"}, "decision": "absent_justified"}),
            ),
        ),
        (
            Method::GET,
            "/api/v1/sessions/{session}/launch/2027-03-15",
            None,
        ),
        (
            Method::POST,
            "/api/v1/sessions/{session}/launch/2027-03-15",
            Some(json!({"epreuve": "Entretien final", "what": "start", "at": "09:00"})),
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/launch/2027-03-15/manager",
            Some(json!({"manager": "Claire"})),
        ),
        (Method::GET, "/api/v1/sessions/{session}/incidents", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/incidents",
            Some(
                json!({"category": "other", "day": "2027-03-15", "time": "10:40", "description": "d"}),
            ),
        ),
        (Method::GET, "/api/v1/sessions/{session}/jury", None),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/jury",
            Some(
                json!({"version": 0, "seats": [{"juror": "{juror}", "day": "2027-03-15", "jury": 1}]}),
            ),
        ),
        (Method::GET, "/api/v1/sessions/{session}/timetable", None),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/passage-order",
            Some(json!({"candidates": []})),
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/timetable",
            Some(json!({"passages": []})),
        ),
        (
            Method::PUT,
            "/api/v1/sessions/{session}/schedule",
            Some(json!({"slots": [{"date": "2027-03-15", "start": "8:30"}]})),
        ),
        (
            Method::GET,
            "/api/v1/sessions/{session}/documents/convocations.pdf",
            None,
        ),
        (Method::GET, "/api/v1/journal", None),
        (Method::GET, "/api/v1/check", None),
        (
            Method::POST,
            "/api/v1/sessions/{session}/milestones/dte.order/files",
            Some(json!("%PDF-1.7")),
        ),
        (Method::GET, "/api/v1/sessions/{session}/files", None),
        (Method::GET, "/api/v1/sessions/{session}/files/{file}", None),
        (Method::GET, "/api/v1/centre", None),
        (
            Method::PUT,
            "/api/v1/centre",
            Some(json!({"version": 1, "name": "Centre Alpha", "reply_to": "examens@alpha.fr"})),
        ),
        (Method::GET, "/api/v1/jurors", None),
        (
            Method::POST,
            "/api/v1/jurors",
            Some(json!({"last_name": "Roche", "first_names": "Paul"})),
        ),
        (Method::GET, "/api/v1/jurors/{juror}", None),
        (
            Method::PUT,
            "/api/v1/jurors/{juror}",
            Some(json!({"version": 1, "last_name": "Roche", "first_names": "Paul"})),
        ),
        (Method::GET, "/api/v1/centre/logo", None),
        (Method::PUT, "/api/v1/centre/logo", Some(json!("%PDF-1.7"))),
        (Method::DELETE, "/api/v1/centre/logo", None),
    ]
}

/// A path of `operations` with the ids of things that exist (`ids`: candidate, file, juror).
fn fill(
    path: &str,
    a: &Centre,
    session: &str,
    user: &str,
    ids: (&str, &str, &str, &str, &str),
) -> String {
    path.replace("{candidate}", ids.0)
        .replace("{invitation}", ids.4)
        .replace("{piece}", ids.3)
        .replace("{packet}", "pli-inconnu")
        .replace("{file}", ids.1)
        .replace("{juror}", ids.2)
        .replace("{site}", &a.site)
        .replace("{title}", &a.title)
        .replace("{approval}", &a.approval)
        .replace("{session}", session)
        .replace("{user}", user)
}

/// The OpenAPI form of a path of `operations`.
fn openapi_form(path: &str) -> String {
    path.replace("{site}", "{id}")
        .replace("{title}", "{id}")
        .replace("{approval}", "{id}")
        .replace("{session}", "{id}")
        .replace("{user}", "{id}")
        .replace("{juror}", "{id}")
        .replace("{invitation}", "{id}")
        .replace("dte.order", "{milestone}")
        .replace("2027-03-15", "{day}")
        .replace("convocations.pdf", "{name}")
        .replace("archive/grids", "archive/{kind}")
}

/// A PNG of 2 × 2 green pixels.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x0fIDAT\x78\xda\x63\x60\x68\x60\x00\x21\x08\x05\x00\x0e\x0e\x02\x01\xd8\x61\xc1\xc3\x00\x00\x00\x00IEND\xae\x42\x60\x82";

#[tokio::test]
async fn every_schema_the_openapi_document_names_is_in_it() {
    let app = spawn_app().await;
    let (_, doc) = send(
        &client(),
        Method::GET,
        app.url("/api/v1/openapi.json"),
        None,
    )
    .await;
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x.as_str()) {
                        ("$ref", Some(r)) => out.push(r.rsplit('/').next().unwrap_or(r).to_owned()),
                        _ => refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut named = Vec::new();
    refs(&doc, &mut named);
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let missing: Vec<&String> = named.iter().filter(|n| !schemas.contains_key(*n)).collect();
    assert!(missing.is_empty(), "named but not described: {missing:?}");
    assert!(schemas.contains_key("Passage"), "the timetable's passages");
    app.shutdown().await;
}

#[tokio::test]
async fn an_administrator_gives_the_logo_through_the_api() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.admin).await;
    let url = app.url("/api/v1/centre/logo");
    let r = c.put(url.clone()).body("GIF89a").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.json::<Value>().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "logo");
    assert_eq!(
        body["fields"][0]["message"],
        "le logo doit être une image PNG ou JPEG"
    );
    let r = c.put(url.clone()).body(PNG).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = c.get(url.clone()).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    let (_, journal) = send(&c, Method::GET, app.url("/api/v1/journal"), None).await;
    assert_eq!(journal[0]["action_label"], "Logo du centre enregistré");
    let (status, _) = send(&c, Method::DELETE, url.clone(), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = send(&c, Method::DELETE, url.clone(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    app.shutdown().await;
}

#[tokio::test]
async fn a_script_is_told_in_french_why_a_transmission_or_an_archive_is_refused() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let session = s["id"].as_str().unwrap().to_owned();
    let url = |p: &str| app.url(&format!("/api/v1/sessions/{session}{p}"));
    // A channel Jalon does not know.
    let (status, body) = send(
        &c,
        Method::POST,
        url("/transmission"),
        Some(json!({"version": 1, "sent_on": "2027-03-22", "channel": "pigeon", "contents": "PV"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "channel");
    assert_eq!(
        body["fields"][0]["message"],
        "valeur inconnue « pigeon » (attendu : transfer_link, registered_post, email, \
         hand_delivery ou other)"
    );
    // Before the session is over: refused, each field named; nothing recorded.
    let (status, body) = send(
        &c,
        Method::POST,
        url("/transmission"),
        Some(json!({"version": 1, "sent_on": "2027-03-22", "channel": "registered_post", "contents": "PV"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["sent_on", "reference"], "{body}");
    assert_eq!(
        body["fields"][0]["message"],
        "la transmission du lundi 22 mars 2027 n'a pas encore eu lieu"
    );
    let (_, detail) = send(&c, Method::GET, url(""), None).await;
    assert_eq!(detail["transmission"], Value::Null);
    // The archive: four kinds to fill; the grids are never Jalon's to produce, nor an
    // unknown kind.
    let (status, archive) = send(&c, Method::GET, url("/archive"), None).await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = archive
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["minutes", "grids", "sign_in", "statements"]);
    let (status, body) = send(&c, Method::POST, url("/archive/grids/produce"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("joignez-en le scan"),
        "{body}"
    );
    let (status, _) = send(&c, Method::POST, url("/archive/rapports"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A NUL character, wherever it hides, is named and refused on every backend.
    let (status, body) = send(
        &c,
        Method::POST,
        url("/candidates"),
        Some(
            json!({"last_name": "Dupont", "first_names": "Jean", "birth_date": "1990-02-01",
                    "address": "12 rue\0 Haute"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "address");
    assert_eq!(
        body["fields"][0]["message"],
        "caractère nul refusé (U+0000, 7e caractère) : retirez-le du texte"
    );
    // Every text passes one boundary: a line break in a name, a direction override, a
    // megabyte of city are refused by field; a name typed with a separate accent is kept
    // composed, so that it is the same name as typed on another keyboard.
    for (field, value, expected) in [
        (
            "first_names",
            "Jean\r\nBcc: tous@centre.fr".to_owned(),
            "retour à la ligne refusé (U+000D, 5e caractère) : ce champ tient sur une ligne",
        ),
        (
            "address",
            "12 rue \u{202e}etuaH".to_owned(),
            "marque invisible de sens d'écriture refusée (U+202E, 8e caractère) : \
             elle peut déguiser le texte, retirez-la",
        ),
        (
            "city",
            "L".repeat(1_000),
            "texte trop long : 200 caractères au plus (1\u{202f}000 donnés)",
        ),
    ] {
        let mut candidate = json!({"last_name": "Dupont", "first_names": "Jean",
                                   "birth_date": "1990-02-01"});
        candidate[field] = json!(value);
        let (status, body) = send(&c, Method::POST, url("/candidates"), Some(candidate)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["fields"][0]["field"], field, "{body}");
        assert_eq!(body["fields"][0]["message"], expected, "{body}");
    }
    let (status, body) = send(
        &c,
        Method::POST,
        url("/candidates"),
        Some(
            json!({"last_name": "Le\u{301}ger", "first_names": "Zoe\u{301}",
                    "birth_date": "1991-03-04"}),
        ),
    )
    .await;
    assert!(status.is_success(), "{body}");
    let (_, list) = send(&c, Method::GET, url("/candidates"), None).await;
    let names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["last_name"].as_str().unwrap(),
                c["first_names"].as_str().unwrap()
            )
        })
        .collect();
    assert!(names.contains(&"Léger Zoé".to_owned()), "{names:?}");
    let (status, body) = send(
        &client(),
        Method::POST,
        app.url("/api/v1/login"),
        Some(json!({"email": "a\0@b.fr", "password": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "email");
    // What carries personal data is never kept in a cache: the API's answers, the
    // conformity file, the candidates' CSV.
    for path in [
        "/api/v1/me".to_owned(),
        format!("/api/v1/sessions/{session}/export.zip"),
        format!("/api/v1/sessions/{session}/candidates.csv"),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
}

#[tokio::test]
async fn the_isolation_matrix_covers_every_route() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let b = centre(&app.store, "Centre Beta").await;
    let ca = logged_in(&app, &a.admin).await;
    let (_, s) = send(
        &ca,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let session = s["id"].as_str().unwrap().to_owned();
    let (_, cand) = send(
        &ca,
        Method::POST,
        app.url(&format!("/api/v1/sessions/{session}/candidates")),
        Some(json!({"last_name": "Dupont", "first_names": "Jean", "birth_date": "1990-02-01"})),
    )
    .await;
    let candidate = cand["id"].as_str().unwrap().to_owned();
    // A convocation handed over, with its signed copy, so that every GET has something.
    let conv = app.url(&format!(
        "/api/v1/sessions/{session}/convocations/{candidate}"
    ));
    let (status, _) = send(
        &ca,
        Method::PUT,
        conv.clone(),
        Some(json!({"mode": "hand"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let r = ca
        .post(format!("{conv}/document"))
        .header("x-file-name", "signée.pdf")
        .body("%PDF-1.7 copie signée")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = ca.get(format!("{conv}/document")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        "%PDF-1.7 copie signée".as_bytes()
    );
    let r = ca
        .post(format!("{conv}/document"))
        .body("PK\x03\x04 un fichier Word")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A file attached to a milestone, so that its GET has something.
    let r = ca
        .post(app.url(&format!(
            "/api/v1/sessions/{session}/milestones/dte.order/files"
        )))
        .header("x-file-name", "commande.pdf")
        .body("%PDF-1.7 commande")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let file = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A scan kept in the archive, so that its GET has something.
    let r = ca
        .post(app.url(&format!("/api/v1/sessions/{session}/archive/grids")))
        .header("x-file-name", "grilles.pdf")
        .body("%PDF-1.7 grilles d'évaluation")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let piece = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A logo for A, so that its GET has something; B, which has none, does not see it.
    let r = ca
        .put(app.url("/api/v1/centre/logo"))
        .body(PNG)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let cb = logged_in(&app, &b.admin).await;
    let (status, _) = send(&cb, Method::GET, app.url("/api/v1/centre/logo"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A juror of A, so that their GET has something.
    let (status, j) = send(
        &ca,
        Method::POST,
        app.url("/api/v1/jurors"),
        Some(json!({"last_name": "Leroy", "first_names": "Marc", "status": "salaried"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{j}");
    let juror = j["id"].as_str().unwrap().to_owned();
    // An invitation pending in A, so that its operations have something.
    let (status, inv) = send(
        &ca,
        Method::POST,
        app.url("/api/v1/users"),
        Some(
            json!({"email": "invitee@alpha.example", "display_name": "Invitée", "role": "manager"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{inv}");
    let invitation = inv["id"].as_str().unwrap().to_owned();
    let ops = operations(&a);

    // The matrix covers every operation that the OpenAPI document lists, and no other.
    let (_, doc) = send(
        &client(),
        Method::GET,
        app.url("/api/v1/openapi.json"),
        None,
    )
    .await;
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_some()
                && ![
                    "/api/v1/login",
                    "/api/v1/logout",
                    "/api/v1/openapi.json",
                    "/api/v1/password/forgot",
                ]
                .contains(&path.as_str())
            {
                documented.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let mut covered: Vec<String> = ops
        .iter()
        .map(|(m, p, _)| format!("{m} {}", openapi_form(p)))
        .collect();
    documented.sort();
    covered.sort();
    assert_eq!(covered, documented);

    // A user of centre B gets 404 on every resource of centre A (every role of B).
    for email in [&b.admin, &b.manager, &b.inspector] {
        let cb = logged_in(&app, email).await;
        for (method, path, body) in &ops {
            if !path.contains('{') {
                continue;
            }
            let url = app.url(&fill(
                path,
                &a,
                &session,
                &a.manager_id,
                (&candidate, &file, &juror, &piece, &invitation),
            ));
            let (status, resp) = send(&cb, method.clone(), url, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{email} {method} {path}: {resp}"
            );
        }
        // Lists show nothing of A.
        let (_, sessions) = send(&cb, Method::GET, app.url("/api/v1/sessions"), None).await;
        assert!(sessions.as_array().unwrap().is_empty());
        let (_, journal) = send(&cb, Method::GET, app.url("/api/v1/journal"), None).await;
        assert!(!journal.to_string().contains(&session));
    }

    // An inspector of A reads everything and gets 403 on every write.
    let ci = logged_in(&app, &a.inspector).await;
    for (method, path, body) in &ops {
        let url = app.url(&fill(
            path,
            &a,
            &session,
            &a.manager_id,
            (&candidate, &file, &juror, &piece, &invitation),
        ));
        let (status, resp) = send(&ci, method.clone(), url, body.clone()).await;
        if *method == Method::GET {
            assert_eq!(status, StatusCode::OK, "inspector {method} {path}: {resp}");
        } else if *path == "/api/v1/me/password" {
            // Everyone may change their own password; this one is wrong.
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
            assert_eq!(
                resp["fields"][0]["message"],
                "le mot de passe actuel est incorrect"
            );
        } else {
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "inspector {method} {path}: {resp}"
            );
            assert!(
                resp["message"].as_str().unwrap().contains("inspecteur")
                    || resp["message"].as_str().unwrap().contains("administrateur")
            );
        }
    }
    // A manager may not touch the centre's catalogue.
    let cm = logged_in(&app, &a.manager).await;
    for (method, path, body) in &ops {
        let catalogue = [
            "/api/v1/centre",
            "/api/v1/sites",
            "/api/v1/titles",
            "/api/v1/approvals",
            "/api/v1/users",
        ]
        .iter()
        .any(|p| path.starts_with(p));
        if *method != Method::GET && catalogue {
            let (status, _) = send(
                &cm,
                method.clone(),
                app.url(&fill(
                    path,
                    &a,
                    &session,
                    &a.manager_id,
                    (&candidate, &file, &juror, &piece, &invitation),
                )),
                body.clone(),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "manager {method} {path}");
        }
    }
    // Without a login: 401 everywhere.
    for (method, path, body) in &ops {
        let (status, _) = send(
            &client(),
            method.clone(),
            app.url(&fill(
                path,
                &a,
                &session,
                &a.manager_id,
                (&candidate, &file, &juror, &piece, &invitation),
            )),
            body.clone(),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "anonymous {method} {path}"
        );
    }
    app.shutdown().await;
}

#[tokio::test]
async fn a_user_changes_their_own_password_and_other_logins_end() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let here = logged_in(&app, &a.inspector).await;
    let elsewhere = logged_in(&app, &a.inspector).await;
    let change = json!({"current_password": PASSWORD, "new_password": "un tout nouveau secret"});
    let (status, body) = send(
        &here,
        Method::POST,
        app.url("/api/v1/me/password"),
        Some(json!({"current_password": PASSWORD, "new_password": "court"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "new_password");
    let (status, _) = send(
        &here,
        Method::POST,
        app.url("/api/v1/me/password"),
        Some(change),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        send(&here, Method::GET, app.url("/api/v1/me"), None)
            .await
            .0,
        StatusCode::OK,
        "this login stays"
    );
    assert_eq!(
        send(&elsewhere, Method::GET, app.url("/api/v1/me"), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "the others end"
    );
    let (status, _) = send(
        &client(),
        Method::POST,
        app.url("/api/v1/login"),
        Some(json!({"email": a.inspector, "password": "un tout nouveau secret"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    app.shutdown().await;
}

#[tokio::test]
async fn first_run_creates_the_centre_once() {
    let app = spawn_app().await;
    let c = client();
    let page = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Bienvenue dans Jalon"), "{page}");
    let form = [
        ("centre", "Centre Gamma"),
        ("name", "Gaëlle Roux"),
        ("email", "gaelle@gamma.example"),
        ("password", "un mot de passe sûr"),
        ("password_confirm", "un mot de passe différent"),
    ];
    let r = c.post(app.url("/setup")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("les deux mots de passe diffèrent")
    );
    let mut form = form;
    form[4].1 = "un mot de passe sûr";
    let r = c.post(app.url("/setup")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = c
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<h1>Aujourd'hui</h1>") && page.contains("Gaëlle Roux · administrateur"),
        "{page}"
    );
    // The page is closed now: a second setup creates nothing.
    form[0].1 = "Centre Intrus";
    let r = client()
        .post(app.url("/setup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.centre_count().await.unwrap(), 1);
    app.shutdown().await;
}

#[tokio::test]
async fn unknown_api_routes_answer_json_in_french() {
    let app = spawn_app().await;
    let (status, body) = send(&client(), Method::GET, app.url("/api/v1/nothing"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "adresse inconnue : /api/v1/nothing");
    let (_, doc) = send(
        &client(),
        Method::GET,
        app.url("/api/v1/openapi.json"),
        None,
    )
    .await;
    assert_eq!(doc["openapi"], "3.1.0");
    // The framework's own refusals are French JSON too: a method the address does not
    // take, a body over the limit, a path it cannot read.
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let r = c.delete(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().contains_key("allow"));
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["message"],
        "cette adresse ne prend pas cette méthode HTTP"
    );
    let r = c
        .put(app.url("/api/v1/centre/logo"))
        .header("content-type", "image/png")
        .body(vec![0u8; jalon_web::BODY_LIMIT + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        body["message"],
        "l'envoi dépasse 11 Mio : un justificatif pèse 10 Mio au plus"
    );
    app.shutdown().await;
}

/// A database that cannot write (here opened read-only; a full disk or a read-only mount
/// alike): `/healthz` says so, and a write is a French 503 that says nothing was recorded,
/// never an English 500.
#[tokio::test]
async fn a_database_that_cannot_write_says_so_in_french() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let r = client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let path = app._dir.path().join(jalon_store::DATABASE_FILE);
    let read_only = jalon_store::Store::open(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(jalon_web::serve(
        listener,
        AppState::new(read_only, false),
        std::future::pending(),
    ));
    let r = client()
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        r.text().await.unwrap(),
        "écritures refusées : la base ne peut plus écrire sur son disque (lecture seule ou disque indisponible)"
    );
    // Signing in records a login: refused in French, nothing half-done.
    let (status, body) = send(
        &client(),
        Method::POST,
        format!("{base}/api/v1/login"),
        Some(json!({"email": a.manager, "password": common::PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "unavailable");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("enregistrement impossible, rien n'a été enregistré"),
        "{body}"
    );
    app.shutdown().await;
}

#[tokio::test]
async fn candidates_over_http_csv_in_and_out() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let id = s["id"].as_str().unwrap().to_owned();
    let import = |dry: bool, body: &'static [u8]| {
        let url = app.url(&format!(
            "/api/v1/sessions/{id}/candidates/import{}",
            if dry { "?dry_run=true" } else { "" }
        ));
        let c = c.clone();
        async move {
            let r = c
                .post(url)
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let csv: &[u8] = b"Pr\xe9nom;Nom;Date de naissance;Am\xe9nagement\r\nJos\xe9;Dupont;01/02/1990;Tiers temps\r\nAnne;Martin;03/06/1985;\r\n";
    let (status, body) = import(true, csv).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["imported"].as_i64(),
            body["dry_run"].as_bool(),
            body["encoding"].as_str()
        ),
        (Some(2), Some(true), Some("Windows-1252"))
    );
    let (_, list) = send(
        &c,
        Method::GET,
        app.url(&format!("/api/v1/sessions/{id}/candidates")),
        None,
    )
    .await;
    assert!(list.as_array().unwrap().is_empty());
    let (status, _) = import(false, csv).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = send(
        &c,
        Method::GET,
        app.url(&format!("/api/v1/sessions/{id}/candidates")),
        None,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["first_names"], "José");
    assert_eq!(list[0]["accommodation"], "Tiers temps");
    // Again: both already registered, with their lines; a bad file: its lines.
    let (status, body) = import(false, csv).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("ligne 2 : DUPONT José"),
        "{body}"
    );
    let (status, body) = import(
        false,
        b"Nom;Pr\xc3\xa9nom;Date de naissance\nLeroy;Marc;2027-02-30\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("ligne 2 : date de naissance :"),
        "{body}"
    );
    assert_eq!(body["message"], "1 erreur : rien n'a été importé");
    // The export, for Excel: a BOM, « ; », the accents.
    let r = c
        .get(app.url(&format!("/api/v1/sessions/{id}/candidates.csv")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}Nom;Prénom;Date de naissance"),
        "{text}"
    );
    assert!(text.contains("Dupont;José;01/02/1990"));
    // One candidate as JSON, with a field error.
    let (status, body) = send(&c, Method::POST, app.url(&format!("/api/v1/sessions/{id}/candidates")), Some(json!({"last_name": "Petit", "first_names": "Lou", "birth_date": "2001-09-09", "email": "lou@"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["fields"][0]["field"], "email");
    app.shutdown().await;
}

#[tokio::test]
async fn cookie_requests_from_another_site_change_nothing() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let id = s["id"].as_str().unwrap().to_owned();
    // A form of another site posting plain text with the user's cookie.
    let r = c
        .post(app.url(&format!("/api/v1/sessions/{id}/candidates/import")))
        .header("origin", "https://autre-site.example")
        .header("content-type", "text/plain")
        .body("Nom;Prénom;Date de naissance\nDupont;Jean;01/02/1990")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, list) = send(
        &c,
        Method::GET,
        app.url(&format!("/api/v1/sessions/{id}/candidates")),
        None,
    )
    .await;
    assert!(list.as_array().unwrap().is_empty(), "nothing imported");
    // The same from this site works.
    let r = c
        .post(app.url(&format!("/api/v1/sessions/{id}/candidates/import")))
        .header("origin", app.base.as_str())
        .body("Nom;Prénom;Date de naissance\nDupont;Jean;01/02/1990")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    app.shutdown().await;
}

#[tokio::test]
async fn far_away_years_are_refused_not_a_crash() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let mut body = session_body(&a, "-000192-04-15", "-000192-04-15");
    body["override_justification"] = json!("Une justification assez longue");
    let (status, resp) = send(&c, Method::POST, app.url("/api/v1/sessions"), Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    assert_eq!(resp["fields"][0]["field"], "start");
    assert!(
        resp["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("hors de la période prise en charge")
    );
    // The server is still there.
    assert_eq!(
        send(&c, Method::GET, app.url("/api/v1/me"), None).await.0,
        StatusCode::OK
    );
    app.shutdown().await;
}

#[tokio::test]
async fn the_schedule_and_the_pdf_documents_over_http() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let admin = logged_in(&app, &a.admin).await;
    let (status, t) = send(
        &admin,
        Method::PUT,
        app.url(&format!("/api/v1/titles/{}", a.title)),
        Some(
            json!({"version": 1, "rncp_code": "RNCP37674", "name": "Développeur web et web mobile",
            "domain": "tertiary", "expiry": "2030-01-01", "structure": {"ccps": [], "epreuves": [
                {"name": "Mise en situation professionnelle", "kind": "practical", "minutes": 210},
                {"name": "Entretien final", "kind": "final_interview", "minutes": 20}]}}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{t}");
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-16")),
    )
    .await;
    let id = s["id"].as_str().unwrap().to_owned();
    let url = |p: &str| app.url(&format!("/api/v1/sessions/{id}{p}"));

    // No candidate yet: no convocation to produce, but the posting exists.
    let (status, body) = send(&c, Method::GET, url("/documents/convocations.pdf"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("aucun candidat"));

    // Jalon proposes; the manager sets; every mistake at once.
    let (_, proposed) = send(&c, Method::GET, url("/schedule"), None).await;
    assert_eq!(proposed["proposed"], true);
    assert_eq!(proposed["slots"][0]["start"], "08:30:00");
    assert_eq!(proposed["slots"][1]["date"], "2027-03-15");
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/schedule"),
        Some(json!({"slots": [{"date": "2027-03-20", "start": "9h"}, {"date": "16/03/2027", "start": "25h"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"].as_array().unwrap().len(), 2, "{body}");
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/schedule"),
        Some(json!({"slots": [{"date": "2027-03-15", "start": "9h"}, {"date": "16/03/2027", "start": "14:00"}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposed"], false);

    for (last, first) in [("Dupont", "Jean"), ("Martin", "Léa")] {
        let (status, _) = send(
            &c,
            Method::POST,
            url("/candidates"),
            Some(json!({"last_name": last, "first_names": first, "birth_date": "1990-02-01"})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, list) = send(&c, Method::GET, url("/candidates"), None).await;
    let dupont = list[0]["id"].as_str().unwrap().to_owned();

    // What the documents show follows the schedule the manager set.
    let actor = app.store.login(&a.manager, PASSWORD).await.unwrap().1;
    let h = app
        .store
        .open_session(&actor, &id.as_str().into())
        .await
        .unwrap();
    let data = jalon_web::documents::session_document(&app.store, &h, None)
        .await
        .unwrap();
    assert_eq!(data.candidates.len(), 2);
    assert_eq!(data.schedule.len(), 2, "two days");
    assert_eq!(data.schedule[0].date, "lundi 15 mars 2027");
    assert_eq!(data.schedule[0].welcome, "8 h 30");
    // 3 h 30 from 9 h: the morning, then after lunch.
    assert_eq!(data.schedule[0].slots[0].start, "9 h");
    assert_eq!(data.schedule[0].slots[0].end, "14 h");
    assert_eq!(
        data.schedule[0].slots[0].hours,
        "9 h – 12 h, 13 h 30 – 14 h"
    );
    assert_eq!(data.schedule[0].slots[0].duration, "3 h 30");
    // The entretien final: each candidate alone, 20 minutes, in the order of their names.
    assert_eq!(
        data.schedule[1].slots[0].name,
        "Entretien final (passages individuels)"
    );
    assert_eq!(data.schedule[1].slots[0].hours, "14 h – 14 h 40");
    let own = |n: usize| data.candidates[n].schedule[1].slots[0].hours.clone();
    assert_eq!(
        (own(0), own(1)),
        ("14 h – 14 h 20".to_owned(), "14 h 20 – 14 h 40".to_owned())
    );
    assert_eq!(data.candidates[1].schedule[1].welcome, "13 h 50");
    // One sign-in sheet per day and épreuve, each candidate's time on the entretien's.
    let sheets: Vec<(&str, &str)> = data
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), s.hours.as_str()))
        .collect();
    assert_eq!(
        sheets,
        [
            (
                "Mise en situation professionnelle",
                "9 h – 12 h, 13 h 30 – 14 h"
            ),
            ("Entretien final", "14 h – 14 h 40"),
        ]
    );
    assert_eq!(data.sheets[0].rows[0].time, "", "the group's hours");
    assert_eq!(data.sheets[1].rows[1].time, "14 h 20 – 14 h 40 · jury 1");
    assert_eq!(data.approval, "AGR-1");
    // « RNCP37674 » as typed, « RNCP 37674 » as printed.
    assert_eq!(data.title.rncp, "RNCP\u{a0}37674");

    let get = |path: String| {
        let c = c.clone();
        async move {
            let r = c.get(path).send().await.unwrap();
            let headers = r.headers().clone();
            (r.status(), headers, r.bytes().await.unwrap().to_vec())
        }
    };
    for (name, media) in [
        ("convocations.pdf", "application/pdf"),
        ("affichage.pdf", "application/pdf"),
        ("emargement.pdf", "application/pdf"),
    ] {
        let (status, headers, bytes) = get(url(&format!("/documents/{name}"))).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert_eq!(headers["content-type"], media);
        assert!(bytes.starts_with(b"%PDF-"), "{name}");
    }
    let (status, headers, bytes) = get(url(&format!(
        "/documents/convocations.pdf?candidate={dupont}"
    )))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"convocation-dupont-jean.pdf\""
    );
    assert!(bytes.starts_with(b"%PDF-"));
    let (status, headers, bytes) = get(url("/documents/convocations.zip")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/zip");
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let names = String::from_utf8_lossy(&bytes);
    assert!(
        names.contains("convocation-dupont-jean.pdf")
            && names.contains("convocation-martin-lea.pdf")
    );

    let (status, body) = send(&c, Method::GET, url("/documents/bulletin.pdf"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["message"].as_str().unwrap().contains("document"),
        "{body}"
    );
    let (status, _) = send(
        &c,
        Method::GET,
        url("/documents/convocations.pdf?candidate=inconnu"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The timetable, passage by passage (the contract for scripts).
    let (_, t) = send(&c, Method::GET, url("/timetable"), None).await;
    assert_eq!(t["edited"], false);
    let mut passages = t["timetable"].as_array().unwrap().clone();
    assert_eq!(
        passages.len(),
        3,
        "the group's mise en situation, two entretiens final"
    );
    let martin = list[1]["id"].as_str().unwrap().to_owned();
    // Martin's entretien final at the same time as Dupont's, before the end of her mise en
    // situation, in the evening, with the same jury: every refusal at once, under its rule.
    let i = passages
        .iter()
        .position(|p| p["candidate"] == martin.as_str())
        .unwrap();
    passages[i]["parts"] = json!([{"date": "2027-03-16", "start": "14:00:00", "end": "14:20:00"}]);
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/timetable"),
        Some(json!({"passages": passages})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let rules: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["timetable.overlap_jury"], "{body}");
    passages[i]["parts"] = json!([{"date": "2027-03-15", "start": "11:00:00", "end": "11:20:00"}]);
    passages[i]["jury"] = json!(2);
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/timetable"),
        Some(json!({"passages": passages})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let rules: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["timetable.overlap_candidate", "timetable.final_not_last"],
        "{body}"
    );
    // An épreuve the title does not have: named.
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/timetable"),
        Some(json!({"passages": [{"epreuve": "Oral", "parts": [{"date": "2027-03-16", "start": "09:00:00", "end": "10:00:00"}]}]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"][0]["message"],
        "« Oral » n'est pas une épreuve du titre"
    );
    // Martin with a second jury pair, at 14 h on Tuesday like Dupont, in room B: kept.
    passages[i]["parts"] = json!([{"date": "2027-03-16", "start": "14:00:00", "end": "14:20:00"}]);
    passages[i]["room"] = json!("Salle B");
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/timetable"),
        Some(json!({"passages": passages})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["edited"], true);
    let data = jalon_web::documents::session_document(&app.store, &h, None)
        .await
        .unwrap();
    assert_eq!(
        data.candidates[1].schedule[1].slots[0].hours,
        "14 h – 14 h 20"
    );
    let (_, journal) = send(&c, Method::GET, url("/journal"), None).await;
    assert_eq!(
        journal[0]["action_label"],
        "Emploi du temps modifié passage par passage"
    );
    // An empty list: back to Jalon's layout.
    let (status, body) = send(
        &c,
        Method::PUT,
        url("/timetable"),
        Some(json!({"passages": []})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["edited"], false);

    // The welcome cannot happen before the session's first day…
    let version = list[0]["version"].as_i64().unwrap();
    let (status, body) = send(
        &c,
        Method::POST,
        url(&format!("/candidates/{dupont}/check-in")),
        Some(json!({"version": version, "present": true, "identity_checked": true})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["fields"][0]["message"],
        "l'accueil des candidats se fait le jour de la session : pas avant le lundi 15 mars 2027"
    );
    // …on which a signature drawn on a tablet comes as a base64 PNG.
    let on_the_day = common::server_on_day(&app.store, jiff::civil::date(2027, 3, 15)).await;
    let check_in = format!("{on_the_day}/api/v1/sessions/{id}/candidates/{dupont}/check-in");
    // Logged in that morning (November's login has long expired).
    let c = client();
    let r = c
        .post(format!("{on_the_day}/api/v1/login"))
        .json(&json!({"email": &a.manager, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, body) = send(
        &c,
        Method::POST,
        check_in.clone(),
        Some(json!({"version": version, "present": true, "identity_checked": true, "signature_png": "pas du base64 !"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "signature_png");
    let (status, body) = send(
        &c,
        Method::POST,
        check_in,
        Some(
            json!({"version": version, "present": true, "identity_checked": true,
            "signature_png": "data:image/png;base64,iVBORw0KGgpzaWduYXR1cmU="}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["signed"], true);
    assert_eq!(body["drawn_signature"], true);
    app.shutdown().await;
}

#[tokio::test]
async fn a_script_appoints_the_jury_and_reads_its_matrix() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let session = s["id"].as_str().unwrap().to_owned();
    let juror = |last: &str, rncp: &str| {
        json!({"last_name": last, "first_names": "Marc", "status": "independent",
               "habilitations": [{"title": rncp, "granted_by": "DDETS du Rhône",
                                  "valid_from": "2025-01-01", "valid_until": "2029-12-31"}]})
    };
    let mut ids = Vec::new();
    for last in ["Leroy", "Marty", "Roche"] {
        let mut body = juror(last, "RNCP37674");
        if last == "Roche" {
            body["habilitations"] = json!([]);
        }
        let (status, j) = send(&c, Method::POST, app.url("/api/v1/jurors"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{j}");
        ids.push(j["id"].as_str().unwrap().to_owned());
    }
    let url = app.url(&format!("/api/v1/sessions/{session}/jury"));
    let (status, jury) = send(&c, Method::GET, url.clone(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(jury["findings"][0]["rule"], "jury.too_few");
    let seat = |id: &str| json!({"juror": id, "day": "2027-03-15", "jury": 1});
    // Roche has no habilitation: 422 naming him, the title and the rule.
    let (status, body) = send(
        &c,
        Method::PUT,
        url.clone(),
        Some(json!({"version": jury["version"], "seats": [seat(&ids[0]), seat(&ids[2])]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["violations"][0]["rule"], "jury.not_habilitated");
    assert!(
        body["violations"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Marc ROCHE n'a pas d'habilitation pour le titre"),
        "{body}"
    );
    // A day outside the session, an unknown field: 422 with the field.
    let (status, body) = send(
        &c,
        Method::PUT,
        url.clone(),
        Some(json!({"version": 0, "seats": [{"juror": ids[0], "day": "2027-04-01", "jury": 1}]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "seats[1]");
    // Leroy and Marty: accepted; a stale version is 409.
    let (status, jury) = send(
        &c,
        Method::PUT,
        url.clone(),
        Some(json!({"version": 0, "seats": [seat(&ids[0]), seat(&ids[1])]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{jury}");
    assert_eq!(jury["version"], 1);
    assert_eq!(jury["jurors"].as_array().unwrap().len(), 2);
    let (status, _) = send(
        &c,
        Method::PUT,
        url.clone(),
        Some(json!({"version": 0, "seats": []})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    app.shutdown().await;
}

#[tokio::test]
async fn a_script_keeps_the_custody_log_of_the_sealed_papers() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let session = s["id"].as_str().unwrap().to_owned();
    let url = |p: &str| app.url(&format!("/api/v1/sessions/{session}{p}"));
    let (status, dte) = send(&c, Method::GET, url("/packets"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(dte["chase_advised"], "2027-03-01");
    // Received the day before (the server's clock says 28 November 2026).
    let now = "2026-11-27T09:00:00Z";
    let (status, dte) = send(
        &c,
        Method::POST,
        url("/packets"),
        Some(
            json!({"version": dte["version"], "at": now, "by": "Claire", "storage": "Armoire forte",
                    "key_holders": [a.manager_id], "packets": [
                        {"kind": "organiser", "label": "Pli organisateur", "seals_intact": true}]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{dte}");
    let packet = dte["packets"][0]["id"].as_str().unwrap().to_owned();
    // Opened three months early: 422 under its rule, the packet named.
    let (status, body) = send(
        &c,
        Method::POST,
        url(&format!("/packets/{packet}/open")),
        Some(json!({"version": 1, "by": "Claire", "witnesses": "Marc LEROY"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["violations"][0]["rule"], "packet.too_early");
    assert!(
        body["violations"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("le pli réservé à l'organisateur « Pli organisateur » s'ouvre à partir de J−5, le mercredi 10 mars 2027"),
        "{body}"
    );
    // Stored, then a stale version: 409.
    let (status, p) = send(
        &c,
        Method::POST,
        url(&format!("/packets/{packet}/store")),
        Some(json!({"version": 1, "by": "Claire", "place": "Armoire forte"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(p["state"], "stored");
    let (status, _) = send(
        &c,
        Method::POST,
        url(&format!("/packets/{packet}/store")),
        Some(json!({"version": 1, "by": "Claire", "place": "Armoire forte"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // An incident before its day: 422 naming the field.
    let (status, body) = send(
        &c,
        Method::POST,
        url("/incidents"),
        Some(json!({"category": "illness", "day": "2027-03-15", "time": "10:40", "description": "Malaise"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["fields"][0]["field"], "day");
    app.shutdown().await;
}

#[tokio::test]
async fn a_script_reads_and_records_results_refused_before_the_passage() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let c = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &c,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let session = s["id"].as_str().unwrap().to_owned();
    let url = |p: &str| app.url(&format!("/api/v1/sessions/{session}{p}"));
    // A title without épreuves has nothing to record a result against.
    let (status, cand) = send(
        &c,
        Method::POST,
        url("/candidates"),
        Some(json!({"last_name": "Martin", "first_names": "Léa", "birth_date": "1991-03-02"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{cand}");
    let (status, body) = send(
        &c,
        Method::PUT,
        url(&format!("/results/{}", cand["id"].as_str().unwrap())),
        Some(json!({"version": 0, "epreuves": {}, "decision": "obtained"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["violations"][0]["rule"], "results.incomplete_passage");
    {
        use jalon_core::catalog::{Epreuve, EpreuveKind};
        use jalon_store::catalog::TitleInput;
        let centre = app
            .store
            .centres()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.name == "Centre Alpha")
            .unwrap();
        let actor = Actor::command_line(centre.id);
        let title = app
            .store
            .title(&actor, &a.title.as_str().into())
            .await
            .unwrap();
        let mut structure = title.structure.clone();
        structure.epreuves = vec![
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
        ];
        app.store
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
                    structure,
                },
            )
            .await
            .unwrap();
    }
    let (status, cand) = send(
        &c,
        Method::POST,
        url("/candidates"),
        Some(json!({"last_name": "Dupont", "first_names": "Jean", "birth_date": "1990-02-01"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{cand}");
    let cid = cand["id"].as_str().unwrap().to_owned();
    let (status, sheet) = send(&c, Method::GET, url("/results"), None).await;
    assert_eq!(status, StatusCode::OK, "{sheet}");
    assert_eq!(sheet["rows"][0]["name"], "DUPONT Jean");
    assert_eq!(sheet["rows"][0]["result"], Value::Null);
    let epreuves: Vec<String> = sheet["rows"][0]["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["epreuve"].as_str().unwrap().to_owned())
        .collect();
    assert!(!epreuves.is_empty());
    let all_done: serde_json::Map<String, Value> = epreuves
        .iter()
        .map(|e| (e.clone(), json!("done")))
        .collect();
    // In November, the March épreuves are still to come: 422 under its rule.
    let (status, body) = send(
        &c,
        Method::PUT,
        url(&format!("/results/{cid}")),
        Some(json!({"version": 0, "epreuves": all_done, "decision": "obtained"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["violations"][0]["rule"], "results.incomplete_passage");
    assert!(
        body["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("a lieu le lundi 15 mars 2027"),
        "{body}"
    );
    // An unknown decision: a French message, nothing recorded.
    let (status, body) = send(
        &c,
        Method::PUT,
        url(&format!("/results/{cid}")),
        Some(json!({"version": 0, "epreuves": all_done, "decision": "admis"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body.to_string().contains("valeur inconnue « admis »"),
        "{body}"
    );
    let (_, row) = send(&c, Method::GET, url(&format!("/results/{cid}")), None).await;
    assert_eq!(row["result"], Value::Null, "{row}");
}

/// What the server logs, kept for the test to read (the server runs on the test's thread).
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_stranger_hammering_an_account_slows_himself_not_its_owner() {
    let logs = Logs::default();
    let sink = logs.clone();
    let _guard = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || sink.clone())
            .finish(),
    );
    // Behind a proxy that says who is calling.
    let app = spawn_app_with(|mut s| {
        s.behind_proxy = true;
        s
    })
    .await;
    let a = centre(&app.store, "Centre Alpha").await;
    let login = |from: &'static str, password: &'static str| {
        let (url, email) = (app.url("/api/v1/login"), a.manager.clone());
        async move {
            let r = reqwest::Client::new()
                .post(url)
                .header("x-forwarded-for", format!("10.9.9.9, {from}"))
                .json(&json!({"email": email, "password": password}))
                .send()
                .await
                .unwrap();
            let wait = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            (r.status(), wait)
        }
    };
    const OFFICE: &str = "192.0.2.10";
    const STRANGER: &str = "203.0.113.66";
    // The owner signs in from the office in the morning.
    assert_eq!(login(OFFICE, PASSWORD).await.0, StatusCode::OK);
    // A stranger sends wrong passwords as fast as he can: after five, he waits, longer
    // each time.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(login(STRANGER, "devine").await);
    }
    assert_eq!(statuses[..5], [(StatusCode::UNAUTHORIZED, None); 5]);
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == (StatusCode::TOO_MANY_REQUESTS, Some(1))),
        "{statuses:?}"
    );
    // Even with the right password, the stranger's address waits…
    assert_eq!(
        login(STRANGER, PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … while the owner, from the office, gets in at once, every time.
    for _ in 0..3 {
        assert_eq!(login(OFFICE, PASSWORD).await.0, StatusCode::OK);
    }
    // Forty different accounts tried from one address: that address is slowed too.
    let spray = |n: usize| {
        let url = app.url("/api/v1/login");
        async move {
            reqwest::Client::new()
                .post(url)
                .header("x-forwarded-for", "198.51.100.40")
                .json(&json!({"email": format!("u{n}@exemple.fr"), "password": "devine"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    let mut slowed = 0;
    for n in 0..40 {
        if spray(n).await == StatusCode::TOO_MANY_REQUESTS {
            slowed += 1;
        }
    }
    assert_eq!(slowed, 20, "twenty free tries per address, then delays");
    // Each failure and each slowed attempt is a security event in the log: who, from
    // where, never the password.
    let text = logs.text();
    assert_eq!(text.matches("login_failed").count(), 5 + 20, "{text}");
    assert!(text.contains("login_slowed"), "{text}");
    assert!(text.contains(&format!("address={STRANGER}")), "{text}");
    assert!(text.contains(&format!("account={}", a.manager)), "{text}");
    assert!(!text.contains("devine"), "no password in the log");
    app.shutdown().await;
}

#[tokio::test]
async fn a_persons_data_is_exported_on_request_with_their_documents_and_journaled() {
    let app = spawn_app().await;
    let a = centre(&app.store, "Centre Alpha").await;
    let cm = logged_in(&app, &a.manager).await;
    let (_, s) = send(
        &cm,
        Method::POST,
        app.url("/api/v1/sessions"),
        Some(session_body(&a, "2027-03-15", "2027-03-19")),
    )
    .await;
    let session = s["id"].as_str().unwrap().to_owned();
    let (_, cand) = send(
        &cm,
        Method::POST,
        app.url(&format!("/api/v1/sessions/{session}/candidates")),
        Some(
            json!({"last_name": "Dupont", "first_names": "Jean", "birth_date": "1990-02-01",
            "email": "jean.dupont@exemple.fr", "phone": "06 12 34 56 78"}),
        ),
    )
    .await;
    let candidate = cand["id"].as_str().unwrap().to_owned();
    let conv = app.url(&format!(
        "/api/v1/sessions/{session}/convocations/{candidate}"
    ));
    let (status, _) = send(
        &cm,
        Method::PUT,
        conv.clone(),
        Some(json!({"mode": "hand"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let r = cm
        .post(format!("{conv}/document"))
        .header("x-file-name", "signée.pdf")
        .body("%PDF-1.7 copie signée")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, export) = send(
        &cm,
        Method::POST,
        app.url(&format!(
            "/api/v1/sessions/{session}/candidates/{candidate}/personal-data"
        )),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["kind"], "candidate");
    assert_eq!(export["candidate"]["email"], "jean.dupont@exemple.fr");
    assert_eq!(export["convocation"]["mode"], "hand");
    let doc = &export["documents"][0];
    assert_eq!(doc["media_type"], "application/pdf");
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(doc["base64"].as_str().unwrap())
            .unwrap(),
        "%PDF-1.7 copie signée".as_bytes()
    );
    assert!(
        export["journal"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "candidate.registered"),
        "{export}"
    );
    let (_, journal) = send(
        &cm,
        Method::GET,
        app.url(&format!("/api/v1/sessions/{session}/journal")),
        None,
    )
    .await;
    assert_eq!(journal[0]["action"], "privacy.exported");
    assert_eq!(
        journal[0]["action_label"],
        "Export des données d'une personne (droit d'accès)"
    );
    assert_eq!(
        journal[0]["data"]["person"],
        "DUPONT Jean, né(e) le 01/02/1990"
    );
    // A juror, likewise.
    let (_, j) = send(
        &cm,
        Method::POST,
        app.url("/api/v1/jurors"),
        Some(
            json!({"last_name": "Leroy", "first_names": "Marc", "status": "salaried",
            "email": "marc.leroy@exemple.fr"}),
        ),
    )
    .await;
    let juror = j["id"].as_str().unwrap();
    let (status, export) = send(
        &cm,
        Method::POST,
        app.url(&format!("/api/v1/jurors/{juror}/personal-data")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["juror"]["email"], "marc.leroy@exemple.fr");
    assert!(export["documents"].as_array().unwrap().is_empty());
    app.shutdown().await;
}
