//! `jalon plan` as a user runs it: the real binary, its output and its exit code.

use std::process::{Command, Output};

use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime};
use serde_json::{Value, json};

fn jalon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jalon"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the jalon binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 errors")
}

const EXAMPLE: &[&str] = &[
    "plan",
    "--start",
    "2027-03-15",
    "--end",
    "2027-03-19",
    "--domain",
    "tertiary",
    "--today",
    "2026-11-28",
];

fn with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    EXAMPLE
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

fn milestone<'v>(plan: &'v Value, id: &str) -> &'v Value {
    plan["milestones"]
        .as_array()
        .expect("a list of milestones")
        .iter()
        .find(|m| m["id"] == id)
        .unwrap_or_else(|| panic!("{id} is in the plan"))
}

#[test]
fn the_table_is_french_grouped_by_phase_and_fits_80_columns() {
    let o = jalon(EXAMPLE);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains('\x1b'),
        "no colour when the output is not a terminal"
    );
    for line in out.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    assert!(out.starts_with("Session du lundi 15 mars 2027 au vendredi 19 mars 2027\n"));
    assert!(out.contains("\n2. Organisation de la session\n"));
    assert!(out.contains("\n10. Suites possibles après validation\n"));
    // The worked example, as a manager reads it: one block per milestone.
    let block = |id: &str| {
        let at = out
            .find(&format!("    {id} ·"))
            .unwrap_or_else(|| panic!("{id} listed"));
        let start = out[..at].rfind("\n  ").unwrap();
        // Up to the next line that is not indented deeper than a label.
        let end = out[at..]
            .match_indices('\n')
            .map(|(e, _)| at + e)
            .find(|&e| !out[e + 1..].starts_with("    "))
            .unwrap_or(out.len());
        out[start..end].to_owned()
    };
    let ceres = block("ceres.create_session");
    assert!(ceres.contains("Créer la session dans CERES"), "{ceres}");
    assert!(ceres.contains("dans 16 jours"), "{ceres}");
    assert!(
        ceres.contains("au plus tard le lundi 14 décembre 2026"),
        "{ceres}"
    );
    let register = block("candidates.register");
    assert!(
        register.contains("à faire le vendredi 12 février 2027"),
        "{register}"
    );
    assert!(
        register.contains("date limite : samedi 13 février 2027 (D − 30 jours)"),
        "{register}"
    );
    let chase = block("dte.chase_afpa");
    assert!(
        chase.contains("à partir du lundi 22 février 2027"),
        "{chase}"
    );
    assert!(
        chase.contains("au plus tard le vendredi 5 mars 2027"),
        "{chase}"
    );
    assert!(
        chase.contains("écrire à : epreuves-tertiaire@afpa.fr"),
        "{chase}"
    );
    assert!(block("prep.compliance").contains("mercredi 10 mars 2027"));
    assert!(block("close.transmit").contains("au plus tard le mercredi 24 mars 2027"));
    assert!(block("title.check_expiry").contains("EN RETARD (74 j)"));
    assert!(block("validation.decision").contains("pas de date fixe"));
    assert!(out.contains("Avertissements (2)"));
}

#[test]
fn every_kind_of_plan_fits_80_columns() {
    let variants: &[&[&str]] = &[
        &["plan", "--start", "2026-12-02", "--today", "2026-11-28"],
        &[
            "plan",
            "--start",
            "2027-05-17",
            "--transport",
            "--kind",
            "ccp",
            "--zone",
            "alsace-moselle",
        ],
        &[
            "plan",
            "--start",
            "2027-09-30",
            "--end",
            "2027-10-01",
            "--title-expiry",
            "2027-02-01",
            "--training-end",
            "2027-09-29",
            "--today",
            "2026-11-28",
        ],
        &[
            "plan",
            "--start",
            "2025-01-06",
            "--today",
            "2026-11-28",
            "--domain",
            "industry",
        ],
    ];
    for args in variants {
        let o = jalon(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        for line in stdout(&o).lines() {
            assert!(line.chars().count() <= 80, "{args:?}: {line}");
        }
    }
}

#[test]
fn transport_zone_and_training_end_show_in_the_table() {
    let o = jalon(&with(&[
        "--transport",
        "--training-end",
        "2027-03-12",
        "--zone",
        "alsace-moselle",
    ]));
    let out = stdout(&o);
    assert!(
        out.contains("titre de transport · zone Alsace-Moselle"),
        "{out}"
    );
    assert!(out.contains("non applicable : titre de transport"), "{out}");
    assert!(
        out.contains("date limite : dimanche 21 mars 2027 (F + 2 jours)"),
        "{out}"
    );
}

#[test]
fn an_unknown_domain_lists_every_afpa_mailbox_rather_than_guess() {
    let out = stdout(&jalon(&[
        "plan",
        "--start",
        "2027-03-15",
        "--today",
        "2026-11-28",
    ]));
    assert!(out.contains("précisez --domain"), "{out}");
    for mailbox in [
        "epreuves-btp@afpa.fr",
        "epreuves-industrie@afpa.fr",
        "epreuves-tertiaire@afpa.fr",
    ] {
        assert!(out.contains(mailbox), "{mailbox}");
    }
}

fn json(args: &[&str]) -> Value {
    let o = jalon(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

#[test]
fn json_follows_the_contract() {
    let v = json(&with(&["--format", "json", "--title-expiry", "2026-12-01"]));
    assert_eq!(v["start"], "2027-03-15");
    assert_eq!(v["end"], "2027-03-19");
    assert_eq!(v["milestones"].as_array().unwrap().len(), 31);
    let ceres = milestone(&v, "ceres.create_session");
    for key in [
        "id",
        "phase",
        "label",
        "severity",
        "applicable",
        "opens",
        "deadline",
        "advised",
    ] {
        assert!(ceres.get(key).is_some(), "{key} present");
    }
    assert_eq!(
        ceres["deadline"], "2026-11-30",
        "pulled in by the title expiry"
    );
    assert_eq!(ceres["advised"], "2026-11-30");
    assert_eq!(ceres["severity"], "mandatory");
    assert_eq!(ceres["applicable"], true);
    assert_eq!(ceres["opens"], Value::Null);
    assert_eq!(
        milestone(&v, "candidates.register")["deadline"],
        "2027-02-13"
    );
    assert_eq!(
        milestone(&v, "candidates.register")["advised"],
        "2027-02-12"
    );
    assert_eq!(milestone(&v, "dte.chase_afpa")["opens"], "2027-02-22");
    assert_eq!(
        milestone(&v, "dte.chase_afpa")["mailbox"],
        "epreuves-tertiaire@afpa.fr"
    );
    assert!(milestone(&v, "dte.receive").get("mailbox").is_none());
    assert_eq!(
        milestone(&v, "validation.decision")["deadline"],
        Value::Null
    );
    assert_eq!(milestone(&v, "validation.decision")["advised"], Value::Null);
    let warnings = v["warnings"].as_array().unwrap();
    for w in warnings {
        let id = w["milestone"]
            .as_str()
            .expect("each warning names its milestone");
        let known: Vec<&Value> = v["milestones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["id"])
            .collect();
        assert!(
            known.contains(&&json!(id)),
            "{id} is a milestone of the plan"
        );
        assert!(!w["message"].as_str().unwrap().is_empty());
    }
    assert!(
        warnings
            .iter()
            .any(|w| w["code"] == "title_expiry_pulls_deadline"
                && w["milestone"] == "ceres.create_session")
    );
    assert!(warnings.iter().any(|w| w["code"] == "title_expiry_soon"));
}

#[test]
fn json_of_a_ccp_session_names_the_ccp_mailbox() {
    let v = json(&[
        "plan",
        "--start",
        "2027-06-16",
        "--kind",
        "ccp",
        "--domain",
        "btp",
        "--format",
        "json",
        "--today",
        "2026-11-28",
    ]);
    assert_eq!(
        milestone(&v, "dte.chase_afpa")["mailbox"],
        "epreuves-ccp@afpa.fr"
    );
    assert_eq!(v["kind"], "ccp");
}

#[test]
fn ics_is_a_valid_calendar_of_advised_dates() {
    let args = with(&["--format", "ics", "--training-end", "2027-03-12"]);
    let o = jalon(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let ics = stdout(&o);
    // RFC 5545: CRLF everywhere, lines of at most 75 octets.
    assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
    for l in ics.split("\r\n") {
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
    }
    let parsed: Calendar = ics.parse().expect("parses as iCalendar");
    let events: Vec<_> = parsed
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    // 31 milestones less the 3 of validation, which have no fixed date.
    assert_eq!(events.len(), 28);
    let event = |uid_prefix: &str| {
        events
            .iter()
            .find(|e| e.get_uid().unwrap().starts_with(uid_prefix))
            .unwrap_or_else(|| panic!("{uid_prefix} in the calendar"))
    };
    let day = |d: Option<DatePerhapsTime>| match d {
        Some(DatePerhapsTime::Date(d)) => d.to_string(),
        other => panic!("an all-day date, not {other:?}"),
    };
    let register = event("candidates.register.");
    assert_eq!(register.get_summary(), Some("Inscrire les candidats"));
    assert_eq!(
        day(register.get_start()),
        "2027-02-12",
        "on the advised date"
    );
    assert_eq!(
        day(register.get_end()),
        "2027-02-13",
        "all day (DTEND is exclusive)"
    );
    let description = register.get_description().unwrap();
    assert!(
        description.contains("Date limite réglementaire : samedi 13 février 2027 (D − 30 jours)."),
        "{description}"
    );
    assert!(
        event("dte.chase_afpa.")
            .get_description()
            .unwrap()
            .contains("epreuves-tertiaire@afpa.fr")
    );
    assert_eq!(day(event("followup.represent.").get_start()), "2028-03-10");

    let mut uids: Vec<&str> = events.iter().map(|e| e.get_uid().unwrap()).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), events.len(), "unique UIDs");
    // Stable: the same session exported again gives the same file.
    assert_eq!(stdout(&jalon(&args)), ics);
    // The same session with another candidate's training end keeps its UIDs (the re-import
    // updates the events); a CCP session on the same dates gets its own.
    let other_candidate = stdout(&jalon(&with(&[
        "--format",
        "ics",
        "--training-end",
        "2027-06-30",
    ])));
    assert!(other_candidate.contains(&format!("UID:{}", uids[0])));
    let ccp = stdout(&jalon(&with(&["--format", "ics", "--kind", "ccp"])));
    assert!(!ccp.contains(&format!("UID:{}", uids[0])));
}

/// Bad input: exit code 2, one French line naming the flag and the expected form.
#[test]
fn bad_input_gets_one_french_line_and_no_panic() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["plan", "--start", "2027-02-30"],
            "--start : « 2027-02-30 » n'est pas une date valide : février 2027 n'a pas de jour 30 (forme attendue : AAAA-MM-JJ",
        ),
        (
            &["plan", "--start", "demain"],
            "--start : « demain » n'est pas une date (forme attendue : AAAA-MM-JJ",
        ),
        (
            &["plan", "--start", "2027-03-15", "--end", "2027-03-10"],
            "--end : la date de fin (2027-03-10) précède la date de début (2027-03-15)",
        ),
        (
            &["plan", "--start", "2027-03-15", "--zone", "corse"],
            "--zone : zone inconnue « corse » (attendu : metropole ou alsace-moselle)",
        ),
        (
            &["plan", "--start", "2027-03-15", "--kind", "ccs"],
            "--kind : type de session inconnu « ccs » (attendu : title ou ccp)",
        ),
        (
            &["plan", "--start", "2027-03-15", "--domain", "agri"],
            "--domain : domaine inconnu « agri » (attendu : btp, industry ou tertiary)",
        ),
        (
            &["plan", "--start", "2027-03-15", "--format", "pdf"],
            "--format : format inconnu « pdf » (attendu : table, json ou ics)",
        ),
        (
            &["plan", "--start", "2027-03-15", "--today", "2027-13-01"],
            "--today : « 2027-13-01 » n'est pas une date valide : il n'y a pas de mois 13",
        ),
        (
            &[
                "plan",
                "--start",
                "2027-03-15",
                "--title-expiry",
                "15.03.2027",
            ],
            "--title-expiry : « 15.03.2027 » n'est pas une date",
        ),
        (
            &[
                "plan",
                "--start",
                "2027-03-15",
                "--training-end",
                "32/01/2027",
            ],
            "--training-end : « 32/01/2027 » n'est pas une date valide : janvier 2027 n'a pas de jour 32",
        ),
        (
            &["plan"],
            "--start est obligatoire (forme attendue : --start une date AAAA-MM-JJ",
        ),
        (&["plan", "--start"], "--start attend une valeur"),
        (
            &["plan", "--start", "2027-03-15", "--colour"],
            "option inconnue : --colour",
        ),
        (
            &["plan", "--start", "2027-03-15", "--start", "2027-03-16"],
            "--start est donné plusieurs fois",
        ),
        (&["planifier"], "commande inconnue : planifier"),
        (
            &[
                "plan",
                "--start",
                "2027-03-15",
                "--rules",
                "/nonexistent/rules.toml",
            ],
            "--rules : impossible de lire « /nonexistent/rules.toml » : fichier introuvable",
        ),
    ];
    for (args, expected) in cases {
        let o = jalon(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err}");
        assert!(err.starts_with("jalon : "), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}:\n got  {err}\n want {expected}"
        );
    }
}

#[test]
fn a_titles_own_transmission_delay_moves_the_transmission_only() {
    // F Friday 19 March 2027 + 5 working days: Friday 26 March (the seed: Wednesday 24).
    let p = json(&with(&[
        "--transport",
        "--transmit",
        "5 jours ouvrés",
        "--format",
        "json",
    ]));
    let m = milestone(&p, "close.transmit");
    assert_eq!(m["deadline"], "2027-03-26");
    assert_eq!(m["advised"], "2027-03-26");
    assert_eq!(m["deadline_rule"], "F + 5 jours ouvrés (délai du titre)");
    assert_eq!(p["transmit"], json!({"days": 5, "working": true}));
    let seed = json(&with(&["--transport", "--format", "json"]));
    assert_eq!(milestone(&seed, "close.transmit")["deadline"], "2027-03-21");
    assert_eq!(seed["transmit"], Value::Null);
    assert_eq!(
        milestone(&seed, "dte.receive")["deadline"],
        milestone(&p, "dte.receive")["deadline"]
    );
    let o = jalon(&with(&["--transmit", "5 jours ouvrés"]));
    let table = stdout(&o);
    assert!(
        table.contains("au plus tard le vendredi 26 mars 2027"),
        "{table}"
    );
}

#[test]
fn more_bad_input_still_one_french_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["plan", "--start", "2027-03-15", "--transport=yes"],
            "--transport : trop de valeurs (forme attendue : --transport l'option seule, sans valeur)",
        ),
        (
            &["plan", "--start", "2027-03-15", "extra"],
            "argument inattendu : « extra »",
        ),
        (
            &["plan", "--start", "2027-03-15", "--transmit", "cinq jours"],
            "--transmit : « cinq jours » : écrivez un nombre de jours",
        ),
        (
            &["plan", "--start", "2027-03-15", "--transmit", "0"],
            "--transmit : « 0 » : le délai de transmission va de 1 à 30 jours",
        ),
        (
            &["plan", "--start", "1899-12-31"],
            "--start : « 1899-12-31 » est hors de la période prise en charge (années 1900 à 2200)",
        ),
        (
            &["plan", "--start", "2027-03-15", "--rules", "/dev/zero"],
            "--rules : impossible de lire « /dev/zero » : ce n'est pas un fichier ordinaire",
        ),
        (
            &["plan", "--start", "2027-03-15", "--rules", "/tmp"],
            "--rules : impossible de lire « /tmp » : c'est un dossier, pas un fichier",
        ),
    ];
    for (args, expected) in cases {
        let o = jalon(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}:\n got  {err}\n want {expected}"
        );
        assert!(!err.ends_with("2200)) (forme attendue : AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2027-03-15 ou 15/03/2027)\n"));
    }
    // A value that is not UTF-8.
    use std::os::unix::ffi::OsStrExt;
    let o = Command::new(env!("CARGO_BIN_EXE_jalon"))
        .args(["plan", "--start"])
        .arg(std::ffi::OsStr::from_bytes(b"2027-\xff-15"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("--start"), "{}", stderr(&o));
}

#[test]
fn a_custom_rulebook_with_long_words_never_breaks_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let embedded = include_str!("../../../rules/rulebook.toml");
    let long = format!("label = \"{} et la suite\"", "A".repeat(95));
    let rules = embedded.replacen("label = \"Créer la session dans CERES\"", &long, 1);
    let path = dir.path().join("long.toml");
    std::fs::write(&path, rules).unwrap();
    let o = jalon(&with(&["--rules", path.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    for line in stdout(&o).lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
    // A broken rulebook: one line, in French, naming the file.
    let path = dir.path().join("broken.toml");
    std::fs::write(
        &path,
        embedded.replace("severity = \"recommended\"", "severity = \"facultatif\""),
    )
    .unwrap();
    let o = jalon(&with(&["--rules", path.to_str().unwrap()]));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("règles invalides (2 problèmes) : jalon n° 21 « launch.update_contacts » : sévérité inconnue « facultatif »"), "{err}");
}

#[test]
fn help_is_in_french() {
    let o = jalon(&["plan", "--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.contains("Utilisation : jalon plan"), "{out}");
    assert!(out.contains("Premier jour d'épreuves (D)"), "{out}");
}

#[test]
fn a_rules_file_replaces_the_embedded_rules() {
    let dir = std::env::temp_dir().join(format!("jalon-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let embedded = include_str!("../../../rules/rulebook.toml");
    // A new regulation: registration 35 days ahead instead of 30.
    let at = embedded.find("id = \"candidates.register\"").unwrap();
    let (head, tail) = embedded.split_at(at);
    let changed = format!("{head}{}", tail.replacen("days = -30", "days = -35", 1));
    let good = dir.join("rules.toml");
    std::fs::write(&good, changed).unwrap();
    let v = json(&with(&[
        "--format",
        "json",
        "--rules",
        good.to_str().unwrap(),
    ]));
    assert_eq!(
        milestone(&v, "candidates.register")["deadline"],
        "2027-02-08",
        "D − 35 days"
    );
    assert_eq!(
        milestone(&v, "jury.appoint")["deadline"],
        "2027-02-13",
        "unchanged"
    );

    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        embedded.replace("anchor = \"end\"", "anchor = \"fin\""),
    )
    .unwrap();
    let o = jalon(&with(&["--rules", bad.to_str().unwrap()]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("ancre inconnue « fin »"), "{err}");
    assert!(err.contains("« close.destroy_subjects »"), "{err}");
    assert!(o.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_strongly_recommended_date_is_given_in_json_and_in_the_table() {
    // D − 8 months: Wednesday 15 July 2026, a working day; the deadline is unchanged.
    let v = json(&with(&["--format", "json"]));
    let check = milestone(&v, "title.check_expiry");
    assert_eq!(check["recommended"], "2026-07-15");
    assert_eq!(check["deadline"], "2026-09-15");
    assert_eq!(
        milestone(&v, "ceres.create_session")["recommended"],
        Value::Null
    );
    let table = stdout(&jalon(&with(&[])));
    assert!(
        table.contains("fortement recommandé : le mercredi 15 juillet 2026"),
        "{table}"
    );
}
