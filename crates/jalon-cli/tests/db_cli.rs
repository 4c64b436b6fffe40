//! The commands that work on a database, run as a user runs them: `user add`, `journal
//! verify`, `check`, `serve` and `demo`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

fn jalon(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jalon"));
    c.args(args)
        .env_remove("JALON_DATA_DIR")
        .env_remove("JALON_DATABASE_URL")
        .env_remove("JALON_PASSWORD");
    for (k, v) in env {
        c.env(k, v);
    }
    c.stdin(Stdio::null()).output().expect("jalon runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn add_admin(dir: &str) -> Output {
    jalon(
        &[
            "user",
            "add",
            "--data-dir",
            dir,
            "--email",
            "admin@centre.example",
            "--name",
            "Alice Admin",
            "--centre",
            "Centre Test",
        ],
        &[("JALON_PASSWORD", "un mot de passe sûr")],
    )
}

#[test]
fn centre_add_creates_a_second_centre_that_user_add_then_fills() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let pw = [("JALON_PASSWORD", "un mot de passe sûr")];
    assert!(add_admin(d).status.success());
    let add_to_b = |email: &str, role: &str| {
        jalon(
            &[
                "user",
                "add",
                "--data-dir",
                d,
                "--email",
                email,
                "--name",
                "Bruno",
                "--role",
                role,
                "--centre",
                "Centre B",
            ],
            &pw,
        )
    };
    // Before: the centre is unknown, and the message lists those there are and says how.
    let o = add_to_b("bruno@b.example", "admin");
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("centre inconnu « Centre B » (centres : Centre Test)")
            && err.contains("jalon centre add \"Centre B\""),
        "{err}"
    );
    let o = jalon(&["centre", "add", "--data-dir", d, "Centre B"], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("Centre « Centre B » créé."));
    // Twice is refused, whatever the case.
    let o = jalon(&["centre", "add", "--data-dir", d, "centre b"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("un centre s'appelle déjà « centre b »"));
    // Its first user is its administrator.
    let o = add_to_b("bruno@b.example", "manager");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr)
            .contains("le premier utilisateur du centre « Centre B » en est l'administrateur")
    );
    let o = add_to_b("bruno@b.example", "admin");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("ajouté au centre « Centre B » (administrateur)"));
    let o = jalon(&["centre", "list", "--data-dir", d], &[]);
    assert_eq!(text(&o.stdout), "Centre B\nCentre Test\n");
    // Now several centres: --centre is needed.
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "x@y.example",
            "--name",
            "X",
        ],
        &pw,
    );
    assert!(text(&o.stderr).contains("--centre est obligatoire : la base a plusieurs centres"));
}

#[test]
fn user_add_creates_the_first_centre_and_admin_then_more_users() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "a@b.example",
            "--name",
            "A",
        ],
        &[("JALON_PASSWORD", "un mot de passe sûr")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--centre est obligatoire sur une base vide"),
        "{}",
        text(&o.stderr)
    );
    let o = add_admin(d);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(
        "Centre « Centre Test » créé ; administrateur : Alice Admin <admin@centre.example>."
    ));
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "claire@centre.example",
            "--name",
            "Claire",
            "--role",
            "manager",
        ],
        &[("JALON_PASSWORD", "un autre mot de passe")],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("ajouté au centre « Centre Test » (responsable de session)"));
    // Bad input: one French line, nothing written.
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "pas-une-adresse",
            "--name",
            "X",
        ],
        &[("JALON_PASSWORD", "court")],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("email : « pas-une-adresse » n'est pas une adresse électronique valide"),
        "{err}"
    );
    assert!(
        err.contains("password : le mot de passe doit compter 12 caractères au moins"),
        "{err}"
    );
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "x@y.example",
            "--name",
            "X",
            "--role",
            "chef",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr)
            .contains("--role : rôle inconnu « chef » (attendu : admin, manager ou inspector)")
    );
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--database-url",
            "postgres://x@y/z",
            "--email",
            "x@y.example",
            "--name",
            "X",
        ],
        &[],
    );
    assert!(text(&o.stderr).contains("--data-dir et --database-url s'excluent"));
    let o = jalon(
        &["check", "--database-url", "mysql://root@localhost/x"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(
            "--database-url : « mysql://root@localhost/x » n'est pas une adresse de base"
        )
    );
}

async fn sql(dir: &Path, statements: &[&str]) {
    sqlx::any::install_default_drivers();
    use sqlx::Connection;
    let url = format!("sqlite://{}", dir.join("jalon.db").display());
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    for s in statements {
        sqlx::query(sqlx::AssertSqlSafe(s.to_string()))
            .execute(&mut conn)
            .await
            .unwrap();
    }
}

#[test]
fn journal_verify_detects_an_altered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(add_admin(d).status.success());
    let o = jalon(&["journal", "verify", "--data-dir", d], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.starts_with("Journal intègre : 2 entrées vérifiées, 1 centre.\nChaque entrée porte la signature de la clé d'empreinte "),
        "{out}"
    );
    // The key was created at the first command, outside the database, the owner's alone;
    // « journal key » shows its public half and the signed anchor.
    let key = dir.path().join("journal-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let o = jalon(&["journal", "key", "--data-dir", d], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let shown = text(&o.stdout);
    assert!(shown.starts_with("Clé publique du journal : "), "{shown}");
    assert!(shown.contains("\"heads\""), "{shown}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(sql(
        dir.path(),
        &[
            "DROP TRIGGER journal_no_update",
            "UPDATE journal SET data = '{\"after\":{\"role\":\"inspector\"}}' WHERE seq = 2",
        ],
    ));
    let o = jalon(&["journal", "verify", "--data-dir", d], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stdout),
        "Centre « Centre Test » : l'entrée n° 2 (user.created) a été modifiée après coup\n"
    );
    assert!(text(&o.stderr).contains("journal altéré : 1 problème sur 2 entrées"));
}

#[test]
fn journal_verify_detects_a_database_put_back_from_an_older_copy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(add_admin(d).status.success());
    // A copy of the database, taken now (the server stopped)…
    let copy = tempfile::tempdir().unwrap();
    let files = ["jalon.db", "jalon.db-wal", "jalon.db-shm"];
    for f in files {
        let _ = std::fs::copy(dir.path().join(f), copy.path().join(f));
    }
    // … then more is written: a second user.
    let o = jalon(
        &[
            "user",
            "add",
            "--data-dir",
            d,
            "--email",
            "bob@centre.example",
            "--name",
            "Bob Gestionnaire",
            "--role",
            "manager",
        ],
        &[("JALON_PASSWORD", "un mot de passe solide")],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        jalon(&["journal", "verify", "--data-dir", d], &[])
            .status
            .success()
    );
    // The old copy is put back: its own chain is intact, but the anchor is ahead of it.
    for f in files {
        let _ = std::fs::remove_file(dir.path().join(f));
        let _ = std::fs::copy(copy.path().join(f), dir.path().join(f));
    }
    let o = jalon(&["journal", "verify", "--data-dir", d], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let out = text(&o.stdout);
    assert!(
        out.starts_with(
            "Centre « Centre Test » : le journal s'arrête au n° 2, alors que l'ancre signée du "
        ),
        "{out}"
    );
    assert!(out.contains("atteste le n° 3 : des entrées ont été supprimées, ou la base a été restaurée depuis une copie plus ancienne"), "{out}");
}

/// A running `jalon serve` or `jalon demo`, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jalon"))
            .args(args)
            .env_remove("JALON_DATA_DIR")
            .env("JALON_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Server {
            child,
            base: String::new(),
            lines,
        };
        let line = s.wait_for("Jalon écoute sur ");
        let addr = line
            .split("http://")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        s.base = format!("http://{addr}");
        s
    }

    /// The first line of output containing `needle` (60 s at most: building the demo takes
    /// a few seconds on a slow machine).
    fn wait_for(&mut self, needle: &str) -> String {
        let mut seen = Vec::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(60)) {
                Ok(l) if l.contains(needle) => return l,
                Ok(l) => seen.push(l),
                Err(_) => panic!("« {needle} » never printed; output: {seen:#?}"),
            }
        }
    }

    /// SIGTERM, then the exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn serve_answers_then_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let mut s = Server::start(&["serve", "--data-dir", d, "--listen", "127.0.0.1:0"]);
    let hint = s.wait_for("Base vide");
    assert!(
        hint.contains(&format!("ouvrez {} pour créer votre centre", s.base)),
        "{hint}"
    );
    let health = reqwest::blocking::get(format!("{}/healthz", s.base)).unwrap();
    assert_eq!(health.status(), 200);
    let home = reqwest::blocking::get(format!("{}/", s.base))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        home.contains("Bienvenue dans Jalon"),
        "an empty database shows the first-run page"
    );
    let status = s.stop();
    assert!(status.success(), "{status:?}");
    s.wait_for("Jalon arrêté proprement.");
}

#[test]
fn a_rules_file_must_keep_the_milestones_sessions_rely_on() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("regles.toml");
    let embedded = include_str!("../../../rules/rulebook.toml");
    std::fs::write(
        &rules,
        embedded.replacen("id = \"close.transmit\"", "id = \"close.send\"", 1),
    )
    .unwrap();
    let data = dir.path().join("donnees");
    let o = jalon(
        &[
            "serve",
            "--data-dir",
            data.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(
            "règles invalides (1 problème) : jalon « close.transmit » manquant : Jalon en a besoin \
             pour suivre les sessions"
        ),
        "{}",
        text(&o.stderr)
    );
    // Planning needs none of them.
    let o = jalon(
        &[
            "plan",
            "--start",
            "2027-03-15",
            "--rules",
            rules.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn demo_fills_an_empty_database_and_never_touches_a_real_one() {
    let real = tempfile::tempdir().unwrap();
    let r = real.path().to_str().unwrap();
    assert!(add_admin(r).status.success());
    let o = jalon(&["demo", "--data-dir", r, "--listen", "127.0.0.1:0"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr)
            .contains("contient des données réelles : la démonstration ne s'y installe pas"),
        "{}",
        text(&o.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let mut s = Server::start(&["demo", "--data-dir", d, "--listen", "127.0.0.1:0"]);
    let client = reqwest::blocking::Client::new();
    let login = |email: &str| -> String {
        let r = client
            .post(format!("{}/api/v1/login", s.base))
            .json(&json!({"email": email, "password": "demo-jalon-2026"}))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200, "{email}");
        r.json::<Value>().unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let get = |token: &str, path: &str| -> Value {
        client
            .get(format!("{}{path}", s.base))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let admin = login("sophie.lambert@tilleuls.example");
    login("claire.martin@tilleuls.example");
    login("karim.benali@tilleuls.example");
    let inspector = login("ines.moreau@ddets.example");
    assert_eq!(get(&inspector, "/api/v1/me")["role"], "inspector");
    assert_eq!(get(&admin, "/api/v1/sites").as_array().unwrap().len(), 3);
    let titles = get(&admin, "/api/v1/titles");
    assert_eq!(titles.as_array().unwrap().len(), 6);
    assert_eq!(
        titles
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["transport"] == true)
            .count(),
        1
    );
    let domains: std::collections::BTreeSet<&str> = titles
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["domain"].as_str().unwrap())
        .collect();
    assert_eq!(domains.len(), 3, "titles of every domain");
    let sessions = get(&admin, "/api/v1/sessions");
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 13);
    let statuses: std::collections::BTreeSet<&str> = sessions
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    for st in [
        "draft",
        "planned",
        "in_progress",
        "to_close",
        "transmitted",
        "complements_requested",
        "validated",
        "cancelled",
    ] {
        assert!(statuses.contains(st), "a session {st}: {statuses:?}");
    }
    // The validated session's conformity file: written, verified intact offline; one byte of
    // a PDF changed in a copy, and the verification names it.
    let validated = sessions
        .iter()
        .find(|s| s["status"] == "validated")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let zip = dir.path().join("dossier.zip");
    let z = zip.to_str().unwrap();
    let o = jalon(
        &["export", "session", &validated, "--data-dir", d, "--out", z],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Dossier de conformité écrit"),
        "{}",
        text(&o.stdout)
    );
    let o = jalon(&["verify-archive", z], &[]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains("Intact :"), "{}", text(&o.stdout));
    // It carries the secure archive: the four kinds, each named in the manifest.
    let bytes = std::fs::read(&zip).unwrap();
    for folder in [
        "archive/pv/",
        "archive/grilles-evaluation/",
        "archive/emargement/",
        "archive/declarations-jury/",
    ] {
        assert!(
            bytes.windows(folder.len()).any(|w| w == folder.as_bytes()),
            "{folder} in the conformity file"
        );
    }
    let mut bytes = bytes;
    let name = b"documents/pv-session.pdf";
    // Named first in the manifest, then in the file's own header.
    let header = bytes
        .windows(name.len())
        .enumerate()
        .filter(|(_, w)| *w == name)
        .map(|(i, _)| i)
        .nth(1)
        .unwrap();
    let pdf = header
        + bytes[header..]
            .windows(5)
            .position(|w| w == b"%PDF-")
            .unwrap();
    bytes[pdf + 200] ^= 1;
    let altered = dir.path().join("altere.zip");
    std::fs::write(&altered, &bytes).unwrap();
    let o = jalon(&["verify-archive", altered.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("fichier modifié : documents/pv-session.pdf"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stderr).contains("le dossier n'est pas intact"),
        "{}",
        text(&o.stderr)
    );
    // The session under way still has candidates to welcome on the tablet.
    let under_way = sessions
        .iter()
        .find(|s| s["status"] == "in_progress")
        .unwrap();
    let candidates = get(
        &admin,
        &format!(
            "/api/v1/sessions/{}/candidates",
            under_way["id"].as_str().unwrap()
        ),
    );
    let waiting = candidates
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["presence"] == "expected")
        .count();
    assert_eq!(waiting, 2, "{candidates}");
    // No session holds a day on a public holiday (Alsace-Moselle's include the rest).
    for s in sessions {
        let (start, end): (jiff::civil::Date, jiff::civil::Date) = (
            s["start"].as_str().unwrap().parse().unwrap(),
            s["end"].as_str().unwrap().parse().unwrap(),
        );
        let mut day = start;
        while day <= end {
            assert_eq!(
                jalon_core::calendar::holiday_name(day, jalon_core::Zone::AlsaceMoselle),
                None,
                "{day} in {s}"
            );
            day = day.tomorrow().unwrap();
        }
    }
    // From about 8 months ahead to about 2 months ago.
    let starts: Vec<&str> = sessions
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    let (first, last) = (starts.iter().min().unwrap(), starts.iter().max().unwrap());
    assert!(first < last);
    // Something is late, for the dashboard to show.
    assert!(sessions.iter().any(|s| {
        s["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["late"] == true)
    }));
    // Every journal reads in French: no action shows by its dotted name.
    let mut entries = 0;
    for session in sessions {
        let html = client
            .get(format!(
                "{}/sessions/{}/journal",
                s.base,
                session["id"].as_str().unwrap()
            ))
            .bearer_auth(&admin)
            .send()
            .unwrap()
            .text()
            .unwrap();
        entries += html.matches("<tr").count();
        for action in jalon_store::journal::Action::ALL {
            assert!(
                !html.contains(action.as_str()),
                "« {} » shown raw in the journal of {}",
                action.as_str(),
                session["id"]
            );
        }
    }
    assert!(entries > 50, "the demo's journals have entries: {entries}");
    let journal = get(&admin, "/api/v1/journal?limit=1000");
    for e in journal.as_array().unwrap() {
        let label = e["action_label"].as_str().unwrap();
        assert!(!label.contains('.'), "{label}");
    }
    // The demo's real answers match the OpenAPI description derived from the types: every
    // field described, of its type, none missing.
    let doc = get(&admin, "/api/v1/openapi.json");
    // Every reference of the document leads to a schema.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 50, "{}", all.len());
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} is not defined"
        );
    }
    let session = sessions
        .iter()
        .find(|x| x["status"] == "in_progress")
        .expect("a session in progress");
    let sid = session["id"].as_str().unwrap();
    let mut checked = 0;
    for (path, template) in [
        ("/api/v1/me".to_owned(), "/api/v1/me"),
        ("/api/v1/sites".to_owned(), "/api/v1/sites"),
        ("/api/v1/titles".to_owned(), "/api/v1/titles"),
        ("/api/v1/approvals".to_owned(), "/api/v1/approvals"),
        ("/api/v1/users".to_owned(), "/api/v1/users"),
        ("/api/v1/sessions".to_owned(), "/api/v1/sessions"),
        (format!("/api/v1/sessions/{sid}"), "/api/v1/sessions/{id}"),
        (
            format!("/api/v1/sessions/{sid}/candidates"),
            "/api/v1/sessions/{id}/candidates",
        ),
        (
            format!("/api/v1/sessions/{sid}/convocations"),
            "/api/v1/sessions/{id}/convocations",
        ),
        (
            format!("/api/v1/sessions/{sid}/schedule"),
            "/api/v1/sessions/{id}/schedule",
        ),
        (
            format!("/api/v1/sessions/{sid}/journal"),
            "/api/v1/sessions/{id}/journal",
        ),
        ("/api/v1/journal".to_owned(), "/api/v1/journal"),
        ("/api/v1/check".to_owned(), "/api/v1/check"),
    ] {
        let answer = get(&admin, &path);
        let schema = &doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"];
        assert!(schema.is_object(), "{template} is described");
        let mut errors = Vec::new();
        conforms(&doc, schema, &answer, &path, &mut errors);
        assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
        checked += 1;
    }
    let missing = client
        .get(format!("{}/api/v1/sessions/inconnue", s.base))
        .bearer_auth(&admin)
        .send()
        .unwrap();
    assert_eq!(missing.status(), 404);
    let mut errors = Vec::new();
    let error_schema = json!({"$ref": "#/components/schemas/Error"});
    conforms(
        &doc,
        &error_schema,
        &missing.json().unwrap(),
        "404",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(checked, 13);
    assert!(s.stop().success());
    drop(s);

    // Started again, it serves the same demonstration without adding to it.
    let mut s = Server::start(&["demo", "--data-dir", d, "--listen", "127.0.0.1:0"]);
    let token = {
        let r = reqwest::blocking::Client::new()
            .post(format!("{}/api/v1/login", s.base))
            .json(
                &json!({"email": "claire.martin@tilleuls.example", "password": "demo-jalon-2026"}),
            )
            .send()
            .unwrap();
        r.json::<Value>().unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let again: Value = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/sessions", s.base))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(again.as_array().unwrap().len(), 13);
    assert!(s.stop().success());

    // The conformity report of the demonstration: JSON contract, exit code 1 (a mandatory
    // milestone is late).
    let o = jalon(&["check", "--data-dir", d, "--json"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = report["sessions"].as_array().unwrap();
    assert!(!list.is_empty());
    for s in list {
        for key in [
            "id",
            "title",
            "start",
            "end",
            "late",
            "failing",
            "done_late",
        ] {
            assert!(s.get(key).is_some(), "{key}");
        }
    }
    // Late work leaves a trace: the DTE of one session were ordered three days late.
    let traces: Vec<&Value> = list
        .iter()
        .flat_map(|s| s["done_late"].as_array().unwrap())
        .collect();
    assert_eq!(traces.len(), 1, "{traces:?}");
    assert_eq!(traces[0]["milestone"], "dte.order");
    assert_eq!(traces[0]["days"], 3);
    // Nothing else fails: the demonstration's work was done on its days, lists ticked.
    assert!(
        list.iter()
            .all(|s| s["failing"].as_array().unwrap().is_empty()),
        "{list:?}"
    );
    assert!(list.iter().any(|s| {
        s["late"]
            .as_array()
            .unwrap()
            .contains(&json!("dte.receive"))
    }));
    // The table names milestones as people read them, with the id to search for.
    let o = jalon(&["check", "--data-dir", d], &[]);
    let table = text(&o.stdout);
    assert!(
        table.contains("EN RETARD : Réception des DTE (paquets de documents scellés)")
            && table.contains("(dte.receive)"),
        "{table}"
    );
    assert!(
        table.contains(
            "fait en retard (3 jours) : Commander les Dossiers Techniques d'Évaluation (DTE)"
        ),
        "{table}"
    );
    // Far in the past, nothing was due yet: exit 0.
    let o = jalon(&["check", "--data-dir", d, "--today", "2025-01-01"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("conforme à ce jour"));
}

/// A data directory with one centre and one session; returns the session's id.
fn with_a_session(dir: &Path) -> String {
    use jalon_core::{Domain, Kind, Zone};
    use jalon_store::catalog::{ApprovalInput, SiteInput, TitleInput, TitleStructure};
    use jalon_store::sessions::SessionInput;
    use jalon_store::users::NewUser;
    use jalon_store::{Actor, Role, Store};
    use jiff::civil::date;
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open_data_dir(dir).await.unwrap();
        let admin = NewUser {
            email: "a@centre.example".into(),
            display_name: "A".into(),
            role: Role::Admin,
            password: "un mot de passe sûr".into(),
        };
        let (c, _) = store.create_centre("Centre", admin).await.unwrap();
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
                    domain: Domain::Btp,
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
                    valid_until: date(2034, 1, 1),
                    managers: vec![],
                },
            )
            .await
            .unwrap();
        let s = store
            .create_session(
                a.writer(),
                SessionInput {
                    title_id: title.id,
                    approval_id: Some(approval.id),
                    site_id: site.id,
                    kind: Kind::Title,
                    start: date(2031, 3, 17),
                    end: None,
                    ceres_number: None,
                    ceres_created_on: None,
                    manager_id: None,
                    override_justification: None,
                },
            )
            .await
            .unwrap();
        store.close().await;
        s.session.id.to_string()
    })
}

#[test]
fn candidates_are_imported_from_csv_all_or_nothing_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let session = with_a_session(dir.path());
    // As Excel writes it in France: Windows-1252, « ; », French headers in its own order.
    let good = dir.path().join("candidats.csv");
    std::fs::write(&good, b"Pr\xe9nom;Nom;Date de naissance;Courriel\r\nJos\xe9;Dupont;01/02/1990;jose@exemple.fr\r\nAnne;Martin;1985-06-03;\r\n").unwrap();
    let g = good.to_str().unwrap();
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
            g,
            "--dry-run",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "2 candidats valides : rien n'a été importé (--dry-run)\n"
    );
    let o = jalon(
        &[
            "export",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
        ],
        &[],
    );
    assert_eq!(
        text(&o.stdout).lines().count(),
        1,
        "only the headers: the dry run wrote nothing"
    );
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
            g,
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        format!("2 candidats inscrits à la session {session}\n")
    );
    // Exported as UTF-8 CSV, readable again.
    let o = jalon(
        &[
            "export",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
        ],
        &[],
    );
    let csv = text(&o.stdout);
    assert!(
        csv.starts_with("Nom;Prénom;Date de naissance;Courriel;"),
        "{csv}"
    );
    assert!(
        csv.contains("Dupont;José;01/02/1990;jose@exemple.fr;"),
        "{csv}"
    );
    // The same file again: every line already registered, nothing written.
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
            g,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "ligne 2 : DUPONT José, né(e) le 01/02/1990 est déjà inscrit(e) à cette session"
        ),
        "{err}"
    );
    assert!(
        err.contains("ligne 3 : MARTIN Anne, né(e) le 03/06/1985 est déjà inscrit(e)"),
        "{err}"
    );
    assert!(
        err.contains("jalon : 2 erreurs dans « ") && err.contains("» : rien n'a été importé"),
        "{err}"
    );
    // A bad file: every error with its line number, nothing written.
    let bad = dir.path().join("erreurs.csv");
    std::fs::write(&bad, "Nom,Prénom,Date de naissance,Courriel\nLeroy,Marc,31/02/1990,marc@\n,Lou,2001-09-09,\nPetit,Lou,2001-09-09,lou@exemple.fr\n").unwrap();
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
            bad.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0]
            .starts_with("ligne 2 : date de naissance : « 31/02/1990 » n'est pas une date valide"),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "ligne 2 : courriel : « marc@ » n'est pas une adresse électronique valide"
    );
    assert_eq!(lines[2], "ligne 3 : nom : le nom est obligatoire");
    assert!(
        lines[3].starts_with("jalon : 3 erreurs dans « ")
            && lines[3].ends_with("» : rien n'a été importé"),
        "{err}"
    );
    let o = jalon(
        &[
            "export",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
        ],
        &[],
    );
    assert_eq!(
        text(&o.stdout).lines().count(),
        3,
        "still the two first candidates"
    );
    // Binary garbage and an unknown session.
    let png = dir.path().join("photo.csv");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
            png.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("contenu binaire"));
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            "inconnue",
            g,
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--session : aucune session « inconnue » dans cette base"));
}

#[test]
fn docs_writes_the_pdfs_of_a_session_or_says_why_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let session = with_a_session(dir.path());
    let out = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let docs = |what: &str, target: &str, extra: &[&str]| {
        let mut args = vec![
            "docs",
            what,
            "--data-dir",
            d,
            "--session",
            &session,
            "--out",
            target,
        ];
        args.extend_from_slice(extra);
        jalon(&args, &[])
    };

    // No candidate yet: no convocation, and nothing written.
    let o = docs("convocations", &out("c.pdf"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("aucun candidat"),
        "{}",
        text(&o.stderr)
    );
    assert!(!dir.path().join("c.pdf").exists());

    let csv = dir.path().join("candidats.csv");
    std::fs::write(
        &csv,
        "Nom;Prénom;Date de naissance\nDupont;José;01/02/1990\nMartin;Anne;03/06/1985\nDupont;José;04/07/1992\n",
    )
    .unwrap();
    let o = jalon(
        &[
            "import",
            "candidates",
            "--data-dir",
            d,
            "--session",
            &session,
            csv.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));

    let o = docs("convocations", &out("toutes.pdf"), &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        format!("3 convocations : « {} »\n", out("toutes.pdf"))
    );
    assert!(
        std::fs::read(out("toutes.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );

    // A directory: one file per candidate, namesakes kept apart.
    let o = docs("convocations", &out("une-par-candidat"), &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut names: Vec<String> = std::fs::read_dir(out("une-par-candidat"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "convocation-dupont-jose-2.pdf",
            "convocation-dupont-jose.pdf",
            "convocation-martin-anne.pdf"
        ]
    );

    for what in ["affichage", "emargement"] {
        let target = out(&format!("{what}.pdf"));
        let o = docs(what, &target, &[]);
        assert!(o.status.success(), "{what}: {}", text(&o.stderr));
        assert!(std::fs::read(&target).unwrap().starts_with(b"%PDF-"));
    }

    // Mistakes are named, in French, with exit code 2.
    let o = docs("affichage", &out("dossier"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("doit être un fichier .pdf"),
        "{}",
        text(&o.stderr)
    );
    let o = jalon(
        &[
            "docs",
            "affichage",
            "--data-dir",
            d,
            "--session",
            "inconnue",
            "--out",
            &out("x.pdf"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr).trim_end(),
        "jalon : --session : aucune session « inconnue » dans cette base"
    );
    let o = docs("convocations", &out("x.pdf"), &["--candidate", "personne"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--candidate : aucun candidat « personne » dans cette session"),
        "{}",
        text(&o.stderr)
    );
    let o = docs(
        "convocations",
        &out("x.pdf"),
        &["--templates", &out("absent")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("--templates : le dossier de modèles"),
        "{}",
        text(&o.stderr)
    );

    // A centre's broken template: a clear message naming it, and no file.
    let tpl = dir.path().join("modeles");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(
        tpl.join("entete.typ"),
        "#let entete(data) = [#data.inconnu]",
    )
    .unwrap();
    let o = docs(
        "affichage",
        &out("casse.pdf"),
        &["--templates", tpl.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("affichage.typ") && err.contains("n'a pas pu être composé"),
        "{err}"
    );
    assert!(!dir.path().join("casse.pdf").exists());

    // The sample, for a centre trying its own letterhead.
    std::fs::write(tpl.join("entete.typ"), "#let entete(data) = [Mon en-tête]").unwrap();
    let o = jalon(
        &[
            "docs",
            "exemple",
            "--out",
            &out("exemple"),
            "--templates",
            tpl.to_str().unwrap(),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    for f in ["convocations.pdf", "affichage.pdf", "emargement.pdf"] {
        assert!(dir.path().join("exemple").join(f).is_file(), "{f}");
    }
}

/// Whether `value` conforms to `schema` (the subset of JSON Schema the OpenAPI document uses:
/// `$ref`, `allOf`, `oneOf`, `anyOf`, `type`, `enum`, `required`, `properties`, `items`), and
/// that every field of an object is described. Each difference goes to `errors`.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    check(doc, schema, value, at, errors, true);
}

/// `whole`: the schema is all there is of the value (not one part of an `allOf`), so every
/// field of the value must be described by it.
fn check(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    errors: &mut Vec<String>,
    whole: bool,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "{r} is defined");
        return check(doc, target, value, at, errors, whole);
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        check(doc, part, value, at, errors, false);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            let fits = options.iter().any(|o| {
                let mut e = Vec::new();
                conforms(doc, o, value, at, &mut e);
                e.is_empty()
            });
            if !fits {
                errors.push(format!(
                    "{at} : aucune des formes de {key} ne convient à {value}"
                ));
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if !types.is_empty()
        && !types
            .iter()
            .any(|t| *t == kind || (*t == "number" && kind == "integer"))
    {
        errors.push(format!("{at} : {kind} au lieu de {types:?}"));
        return;
    }
    if let Some(values) = schema["enum"].as_array()
        && !values.contains(value)
    {
        errors.push(format!("{at} : {value} hors de {values:?}"));
    }
    if let Value::Array(items) = value {
        for (i, item) in items.iter().enumerate() {
            if schema["items"].is_object() {
                conforms(doc, &schema["items"], item, &format!("{at}[{i}]"), errors);
            }
        }
    }
    if let Value::Object(fields) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !fields.contains_key(name) {
                errors.push(format!("{at} : champ « {name} » absent"));
            }
        }
        if let Some(props) = schema["properties"].as_object() {
            for (name, field) in fields {
                if let Some(p) = props.get(name) {
                    conforms(doc, p, field, &format!("{at}.{name}"), errors);
                }
            }
        }
        let mut described = std::collections::BTreeSet::new();
        described_fields(doc, schema, &mut described);
        if whole && !described.is_empty() {
            for name in fields.keys() {
                if !described.contains(name.as_str()) {
                    errors.push(format!("{at} : champ « {name} » envoyé mais non décrit"));
                }
            }
        }
    }
}

/// Every property an object schema describes, through `$ref` and `allOf`.
fn described_fields<'a>(
    doc: &'a Value,
    schema: &'a Value,
    out: &mut std::collections::BTreeSet<&'a str>,
) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return described_fields(doc, &doc["components"]["schemas"][name], out);
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        described_fields(doc, part, out);
    }
    if let Some(props) = schema["properties"].as_object() {
        out.extend(props.keys().map(String::as_str));
    }
}

#[test]
fn every_help_speaks_french_defaults_included() {
    for cmd in [
        &["plan"][..],
        &["serve"],
        &["demo"],
        &["user", "add"],
        &["journal", "verify"],
        &["check"],
        &["import", "candidates"],
        &["export", "candidates"],
        &["docs", "convocations"],
        &["purge"],
        &["backup"],
        &["restore"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let o = jalon(&args, &[]);
        assert!(o.status.success(), "{cmd:?}: {}", text(&o.stderr));
        let help = text(&o.stdout);
        for english in [
            "[default:",
            "Usage:",
            "Options:",
            "Print help",
            "[possible values",
        ] {
            assert!(
                !help.contains(english),
                "{cmd:?} says « {english} »:\n{help}"
            );
        }
    }
    let help = text(&jalon(&["plan", "--help"], &[]).stdout);
    assert!(help.contains("ou ccp [défaut : title]"), "{help}");
    // An unknown command lists those that could stand there.
    let o = jalon(&["user", "list"], &[]);
    assert_eq!(
        text(&o.stderr).trim(),
        "jalon : commande inconnue : list (commandes disponibles : add)"
    );
}

#[test]
fn jurors_are_imported_from_csv_all_or_nothing_and_completed_when_known() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    with_a_session(dir.path());
    // Two lines of one juror (two habilitations), and another juror.
    let good = dir.path().join("jures.csv");
    std::fs::write(
        &good,
        "Nom;Prénom;Courriel;Statut;Code RNCP;Délivrée par;Du;Au\n\
         Leroy;Marc;marc.leroy@exemple.fr;salarié;RNCP1;DDETS du Rhône;01/01/2025;31/12/2029\n\
         Nguyen;Hélène;;indépendante;RNCP1;DDETS de l'Ain;2025-01-01;2029-12-31\n",
    )
    .unwrap();
    let g = good.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec!["import", "jurors", "--data-dir", d, g];
        args.extend_from_slice(extra);
        jalon(&args, &[])
    };
    let o = run(&["--dry-run"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "2 jurés nouveaux : rien n'a été enregistré (--dry-run)\n"
    );
    let o = run(&[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("2 jurés nouveaux"),
        "{}",
        text(&o.stdout)
    );
    let o = run(&[]);
    assert!(
        text(&o.stdout).starts_with("2 jurés inchangés — centre"),
        "{}",
        text(&o.stdout)
    );
    // A bad line: every error with its line, nothing recorded.
    let bad = dir.path().join("mauvais.csv");
    std::fs::write(
        &bad,
        "Nom;Prénom;Statut;Code RNCP;Délivrée par;Du;Au\n\
         Roche;Paul;retraité;RNCP99999;DDETS;01/01/2025;31/12/2029\n\
         Marty;Sophie;bénévole;;;;\n",
    )
    .unwrap();
    let o = jalon(
        &["import", "jurors", "--data-dir", d, bad.to_str().unwrap()],
        &[],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "ligne 2 (Paul ROCHE) : le titre « RNCP99999 » n'est pas enregistré dans le centre"
        ),
        "{err}"
    );
    assert!(
        err.contains("ligne 3 : statut « bénévole » inconnu"),
        "{err}"
    );
    assert!(err.contains("2 erreurs dans"), "{err}");
}

#[test]
fn purge_anonymises_the_sessions_kept_long_enough_and_says_which() {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::{Actor, SessionId, Store};
    use jiff::civil::date;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let id = with_a_session(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let names = |dir: &Path| {
        let dir = dir.to_path_buf();
        let id = id.clone();
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let store = Store::open_data_dir(&dir).await.unwrap();
                let c = store.centres().await.unwrap().remove(0);
                let actor = Actor::command_line(c.id);
                let h = store
                    .open_session(&actor, &SessionId::from(id.as_str()))
                    .await
                    .unwrap();
                let names: Vec<String> = store
                    .candidates(&h)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.input.last_name)
                    .collect();
                store.close().await;
                names
            })
    };
    rt.block_on(async {
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        let c = store.centres().await.unwrap().remove(0);
        let actor = Actor::command_line(c.id);
        let h = store
            .open_session(&actor, &SessionId::from(id.as_str()))
            .await
            .unwrap();
        store
            .add_candidate(
                h.writer().unwrap(),
                CandidateInput {
                    last_name: "Dupont".into(),
                    first_names: "Lou".into(),
                    birth_date: Some(date(1990, 2, 1)),
                    email: "lou@exemple.fr".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        store.close().await;
    });
    // Written before the journal's key exists (the first command creates it).
    let o = jalon(&["purge", "--data-dir", d], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("Aucune session à anonymiser le "),
        "{}",
        text(&o.stdout)
    );
    // The session took place six years ago, never validated: five years are over.
    rt.block_on(sql(
        dir.path(),
        &["UPDATE sessions SET start_date = '2019-03-11', end_date = '2019-03-15'"],
    ));
    let o = jalon(&["purge", "--dry-run", "--data-dir", d], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("À anonymiser : « Centre » — T — du lundi 11 au vendredi 15 mars 2019")
            && out.contains("1 candidat) : conservée jusqu'au vendredi 15 mars 2024 (5 ans)")
            && out.ends_with("1 session à anonymiser ; rien n'a été modifié (--dry-run).\n"),
        "{out}"
    );
    assert_eq!(names(dir.path()), ["Dupont"], "a dry run changes nothing");
    let o = jalon(&["purge", "--data-dir", d], &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("Anonymisée : « Centre » — T")
            && out.contains("— 1 candidat, 0 juré, 0 document effacé")
            && out.ends_with("1 session anonymisée ; le journal de chaque centre le consigne.\n"),
        "{out}"
    );
    assert_eq!(names(dir.path()), ["Candidat anonymisé n° 1"]);
    let o = jalon(&["purge", "--data-dir", d], &[]);
    assert!(text(&o.stdout).starts_with("Aucune session à anonymiser"));
    let o = jalon(&["journal", "verify", "--data-dir", d], &[]);
    assert!(o.status.success(), "{}{}", text(&o.stdout), text(&o.stderr));
}

#[test]
fn serve_purge_daily_anonymises_at_start_what_is_due() {
    use jalon_core::candidate::CandidateInput;
    use jalon_store::{Actor, SessionId, Store};
    use jiff::civil::date;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let id = with_a_session(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let names = |id: &str| {
        let dir = dir.path().to_path_buf();
        let id = id.to_owned();
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let store = Store::open_data_dir(&dir).await.unwrap();
                let c = store.centres().await.unwrap().remove(0);
                let actor = Actor::command_line(c.id);
                let h = store
                    .open_session(&actor, &SessionId::from(id.as_str()))
                    .await
                    .unwrap();
                let names: Vec<String> = store
                    .candidates(&h)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|c| c.input.last_name)
                    .collect();
                store.close().await;
                names
            })
    };
    rt.block_on(async {
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        let c = store.centres().await.unwrap().remove(0);
        let actor = Actor::command_line(c.id);
        let h = store
            .open_session(&actor, &SessionId::from(id.as_str()))
            .await
            .unwrap();
        store
            .add_candidate(
                h.writer().unwrap(),
                CandidateInput {
                    last_name: "Dupont".into(),
                    first_names: "Lou".into(),
                    birth_date: Some(date(1990, 2, 1)),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        store.close().await;
    });
    rt.block_on(sql(
        dir.path(),
        &["UPDATE sessions SET start_date = '2019-03-11', end_date = '2019-03-15'"],
    ));
    // Without the flag, the server anonymises nothing.
    let mut s = Server::start(&["serve", "--data-dir", d, "--listen", "127.0.0.1:0"]);
    // Serving (its signal handler in place) before it is stopped.
    assert_eq!(
        reqwest::blocking::get(format!("{}/healthz", s.base))
            .unwrap()
            .status(),
        200
    );
    assert!(s.stop().success());
    s.wait_for("Jalon arrêté proprement.");
    assert_eq!(names(&id), ["Dupont"]);
    let mut s = Server::start(&[
        "serve",
        "--data-dir",
        d,
        "--listen",
        "127.0.0.1:0",
        "--purge-daily",
    ]);
    let line = s.wait_for("Anonymisation quotidienne — Anonymisée : « Centre » — T");
    assert!(line.contains("1 candidat, 0 juré"), "{line}");
    s.wait_for("1 session anonymisée");
    assert_eq!(
        reqwest::blocking::get(format!("{}/healthz", s.base))
            .unwrap()
            .status(),
        200
    );
    assert!(s.stop().success());
    s.wait_for("Jalon arrêté proprement.");
    assert_eq!(names(&id), ["Candidat anonymisé n° 1"]);
}

/// The names of the sites of a data directory's database.
async fn site_names(dir: &Path) -> std::collections::BTreeSet<String> {
    sqlx::any::install_default_drivers();
    use sqlx::Connection;
    let url = format!("sqlite://{}?mode=ro", dir.join("jalon.db").display());
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let rows: Vec<(String,)> = sqlx::query_as("SELECT name FROM sites")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    rows.into_iter().map(|(n,)| n).collect()
}

/// A backup taken while writes run holds every write acknowledged before it began, and the
/// journal of the restored copy verifies; a backup older than the journal's anchor is
/// refused unless forced; a restoration never writes over a data directory.
#[test]
fn a_backup_taken_while_writes_run_restores_everything_acknowledged_before_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let live = tempfile::tempdir().unwrap();
    let d = live.path().to_str().unwrap().to_owned();
    assert!(add_admin(&d).status.success());
    let mut s = Server::start(&["serve", "--data-dir", &d, "--listen", "127.0.0.1:0"]);
    let client = reqwest::blocking::Client::new();
    let token = client
        .post(format!("{}/api/v1/login", s.base))
        .json(&json!({"email": "admin@centre.example", "password": "un mot de passe sûr"}))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // A writer adds sites one after the other, noting each one the server acknowledged.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (acknowledged, stop, base) = (acknowledged.clone(), stop.clone(), s.base.clone());
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::new();
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let name = format!("Site {i}");
                let r = client
                    .post(format!("{base}/api/v1/sites"))
                    .bearer_auth(&token)
                    .json(&json!({"name": name, "address": "1 rue Haute", "postcode": "69001", "city": "Lyon"}))
                    .send()
                    .unwrap();
                assert!(r.status().is_success(), "{}", r.text().unwrap());
                acknowledged.lock().unwrap().push(name);
            }
        })
    };
    let wait_for_writes = |n: usize| {
        while acknowledged.lock().unwrap().len() < n {
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait_for_writes(20);
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let backups = tempfile::tempdir().unwrap();
    let first = backups.path().join("pendant.sauvegarde");
    let o = jalon(
        &["backup", "--data-dir", &d, "--out", first.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("Sauvegarde écrite"),
        "{}",
        text(&o.stdout)
    );
    // The writes go on after it: the live journal's anchor moves past the backup.
    let after = before.len() + 20;
    wait_for_writes(after);
    let key = live.path().join("journal-key");
    let key = key.to_str().unwrap();
    let restored = tempfile::tempdir().unwrap();
    let r = restored.path().join("donnees");
    let r = r.to_str().unwrap();
    let o = jalon(
        &[
            "restore",
            first.to_str().unwrap(),
            "--data-dir",
            r,
            "--journal-key",
            key,
        ],
        &[],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(
        err.contains("est antérieure à l'ancre du journal")
            && err.contains("centre « Centre Test » : entrée n°")
            && err.contains("--force"),
        "{err}"
    );
    assert!(!Path::new(r).join("jalon.db").exists(), "nothing restored");
    let o = jalon(
        &[
            "restore",
            first.to_str().unwrap(),
            "--data-dir",
            r,
            "--journal-key",
            key,
            "--force",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Journal intègre"), "{out}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let in_copy = rt.block_on(site_names(Path::new(r)));
    let missing: Vec<&String> = before.iter().filter(|n| !in_copy.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing: {missing:?}"
    );
    assert!(
        in_copy.len() < after,
        "the copy is of one moment, before the later writes"
    );
    // Restoring again over it is refused: nothing is ever overwritten.
    let o = jalon(
        &[
            "restore",
            first.to_str().unwrap(),
            "--data-dir",
            r,
            "--journal-key",
            key,
            "--force",
        ],
        &[],
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("n'est pas vide"),
        "{}",
        text(&o.stderr)
    );
    // Once the writes stop, a new backup restores without force, with every write.
    stop.store(true, Ordering::SeqCst);
    writer.join().unwrap();
    let all: Vec<String> = acknowledged.lock().unwrap().clone();
    let last = backups.path().join("fin.sauvegarde");
    let o = jalon(
        &["backup", "--data-dir", &d, "--out", last.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    s.stop();
    let again = tempfile::tempdir().unwrap();
    let a = again.path().to_str().unwrap();
    let o = jalon(
        &[
            "restore",
            last.to_str().unwrap(),
            "--data-dir",
            a,
            "--journal-key",
            key,
        ],
        &[],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let in_copy = rt.block_on(site_names(again.path()));
    assert!(
        all.iter().all(|n| in_copy.contains(n)),
        "every acknowledged write"
    );
    // A backup altered after it was written is refused.
    let mut bytes = std::fs::read(&last).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    let forged = backups.path().join("abimee.sauvegarde");
    std::fs::write(&forged, bytes).unwrap();
    let other = tempfile::tempdir().unwrap();
    let o = jalon(
        &[
            "restore",
            forged.to_str().unwrap(),
            "--data-dir",
            other.path().to_str().unwrap(),
            "--journal-key",
            key,
        ],
        &[],
    );
    assert!(!o.status.success());
    let err = text(&o.stderr);
    assert!(err.contains("abîmé") || err.contains("illisible"), "{err}");
}
