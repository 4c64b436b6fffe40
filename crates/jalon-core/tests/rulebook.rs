//! The embedded rulebook holds every milestone of `shared/spec/chronologie.md`, with the
//! spec's phase and date rules and labels in the seed's words; a broken rulebook file is refused with precise errors.

use jalon_core::rulebook::{AdvisedRule, Anchor, DateRule, Rulebook};
use jalon_core::{Kind, Severity};

/// (anchor, months, days, transport condition) — written from the spec's tables by hand.
type R = (Anchor, i32, i32, Option<bool>);
const fn r(anchor: Anchor, months: i32, days: i32) -> R {
    (anchor, months, days, None)
}
use Anchor::{End, Start, TitleExpiry, TrainingEnd};

/// id, phase, label (the seed's words), opens, deadline rules.
type SpecRow = (&'static str, &'static str, &'static str, Option<R>, Vec<R>);

fn spec() -> Vec<SpecRow> {
    vec![
        (
            "title.check_expiry",
            "anticipation",
            "Vérifier que l'échéance du titre est à plus de 6 mois",
            Some(r(Start, -8, 0)),
            vec![r(Start, -6, 0)],
        ),
        (
            "approval.apply",
            "anticipation",
            "Déposer la demande d'agrément (si nécessaire)",
            Some(r(Start, -8, 0)),
            vec![r(Start, -6, 0)],
        ),
        (
            "ceres.create_session",
            "organisation",
            "Créer la session dans CERES",
            None,
            vec![r(Start, 0, -91), r(TitleExpiry, 0, -1)],
        ),
        (
            "dte.order",
            "organisation",
            "Commander les Dossiers Techniques d'Évaluation (DTE) avec la création de la session dans CERES",
            None,
            vec![r(Start, 0, -91)],
        ),
        (
            "manager.appoint",
            "organisation",
            "Désigner le responsable de session",
            None,
            vec![r(Start, 0, -91)],
        ),
        (
            "candidates.register",
            "registration",
            "Inscrire les candidats",
            None,
            vec![r(Start, 0, -30)],
        ),
        (
            "jury.appoint",
            "registration",
            "Rechercher, désigner et inscrire les membres du jury habilités",
            None,
            vec![r(Start, 0, -30)],
        ),
        (
            "convocations.send",
            "registration",
            "Envoyer les convocations (hors CERES)",
            None,
            vec![r(Start, 0, -30)],
        ),
        (
            "dte.receive",
            "dte",
            "Réception des DTE (paquets de documents scellés) et conservation dans un lieu sécurisé, fermé à clé, à accès restreint",
            None,
            vec![r(Start, 0, -21)],
        ),
        (
            "dte.chase_afpa",
            "dte",
            "Contacter l'AFPA en l'absence de réception des DTE",
            Some(r(Start, 0, -21)),
            vec![r(Start, 0, -10)],
        ),
        (
            "prep.open_organiser_envelope",
            "final_preparation",
            "Ouverture du pli réservé à l'organisateur; lecture attentive des consignes et documents fournis",
            None,
            vec![r(Start, 0, -5)],
        ),
        (
            "prep.compliance",
            "final_preparation",
            "Vérifier la conformité de l'organisation",
            None,
            vec![r(Start, 0, -5)],
        ),
        (
            "day.final_checks",
            "day_before_start",
            "Vérification finale de la conformité réglementaire et matérielle; contrôle du bon fonctionnement de l'ensemble des équipements",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "day.trainers_absent",
            "day_before_start",
            "Absence totale des formateurs pendant toute la durée de la session",
            Some(r(Start, 0, 0)),
            // Attested each day: done once the last day is (issue « The seed, exactly »).
            vec![r(End, 0, 0)],
        ),
        (
            "day.welcome_jury",
            "day_before_start",
            "Accueil des membres de jury (et comédiens si nécessaire) par le responsable de session; briefing des jurys",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "day.welcome_candidates",
            "day_before_start",
            "Accueil des candidats: vérification de l'identité, contrôle des convocations et documents requis, émargement",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "launch.jury_declarations",
            "launch",
            "Signature par les membres de jury de la déclaration sur l'honneur",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "launch.open_subjects",
            "launch",
            "Ouverture des plis contenant les sujets devant les candidats, avec attestation de conformité",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "launch.briefing_candidates",
            "launch",
            "Présentation du déroulement aux candidats; vérification du matériel",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "launch.start",
            "launch",
            "Démarrage officiel de l'épreuve, horaires relevés",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "launch.update_contacts",
            "launch",
            "Mise à jour éventuelle des coordonnées des candidats dans CERES",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "launch.destroy_unused",
            "launch",
            "Destruction immédiate des sujets non utilisés",
            Some(r(Start, 0, 0)),
            vec![r(Start, 0, 0)],
        ),
        (
            "close.destroy_subjects",
            "closing",
            "Récupération et destruction immédiate des sujets après chaque épreuve",
            Some(r(Start, 0, 0)),
            vec![r(End, 0, 0)],
        ),
        (
            "close.enter_results",
            "closing",
            "Saisie des résultats dans CERES après le passage complet du candidat, entretien compris",
            Some(r(Start, 0, 0)),
            vec![r(End, 0, 0)],
        ),
        (
            "close.sign_minutes",
            "closing",
            "Éditer et signer les procès-verbaux (PV)",
            Some(r(Start, 0, 0)),
            vec![r(End, 0, 0)],
        ),
        (
            "close.archive",
            "closing",
            "Archivage sécurisé: PV, grilles d'évaluation, feuilles d'émargement, déclarations sur l'honneur des jurys",
            Some(r(Start, 0, 0)),
            vec![r(End, 0, 0)],
        ),
        (
            "close.transmit",
            "closing",
            "Transmission des documents (sous 48 h pour les titres de transport, sous 5 jours pour les autres)",
            Some(r(End, 0, 0)),
            vec![(End, 0, 2, Some(true)), (End, 0, 5, Some(false))],
        ),
        (
            "validation.decision",
            "validation",
            "Validation dans CERES par le service départemental, ou demande de compléments",
            None,
            vec![],
        ),
        (
            "validation.general_minutes",
            "validation",
            "Transmission à l'organisme du PV général validé et signé",
            None,
            vec![],
        ),
        (
            "validation.send_documents",
            "validation",
            "Lancement par le service départemental de l'édition et de l'envoi des documents aux candidats",
            None,
            vec![],
        ),
        (
            "followup.represent",
            "follow_up",
            "Proposer une nouvelle présentation",
            None,
            vec![r(TrainingEnd, 12, 0)],
        ),
    ]
}

fn shape(d: &DateRule) -> R {
    (d.anchor, d.months, d.days, d.when.and_then(|w| w.transport))
}

/// The spec writes « briefing: posture »; French typography puts a space before the colon.
fn normalise(label: &str) -> String {
    label.replace(" :", ":").replace(" ;", ";")
}

#[test]
fn every_milestone_and_date_rule_of_the_spec_is_in_the_embedded_rulebook() {
    let book = Rulebook::embedded();
    let spec = spec();
    assert_eq!(
        book.milestones.len(),
        spec.len(),
        "one rule per milestone of the spec, no more"
    );
    for (i, (id, phase, label, opens, deadline)) in spec.into_iter().enumerate() {
        let m = &book.milestones[i];
        assert_eq!(m.id, id, "milestone n° {} in chronological order", i + 1);
        assert_eq!(m.phase, phase, "{id}");
        assert_eq!(normalise(&m.label), label, "{id}");
        assert_eq!(m.opens.as_ref().map(shape), opens, "{id} opens");
        assert_eq!(
            m.deadline.iter().map(shape).collect::<Vec<_>>(),
            deadline,
            "{id} deadline"
        );
        assert!(
            !m.description.is_empty() && !m.source.seed.is_empty(),
            "{id} is documented"
        );
    }
}

#[test]
fn phases_are_the_ten_of_the_spec_in_order() {
    let ids: Vec<String> = Rulebook::embedded()
        .phases
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        ids,
        [
            "anticipation",
            "organisation",
            "registration",
            "dte",
            "final_preparation",
            "day_before_start",
            "launch",
            "closing",
            "validation",
            "follow_up"
        ]
    );
}

#[test]
fn applicability_severity_and_mailboxes_follow_the_spec() {
    let book = Rulebook::embedded();
    let m = |id: &str| book.milestone(id).unwrap();
    assert_eq!(
        m("approval.apply").applies_when.unwrap().approval_held,
        Some(false)
    );
    assert_eq!(
        m("dte.chase_afpa").applies_when.unwrap().dte_received,
        Some(false)
    );
    assert!(m("dte.chase_afpa").afpa_mailbox);
    assert_eq!(
        m("followup.represent").applies_when.unwrap().transport,
        Some(false)
    );
    assert!(m("followup.represent").per_candidate);
    assert_eq!(m("followup.represent").severity, Severity::Recommended);
    assert_eq!(m("ceres.create_session").severity, Severity::Mandatory);
    assert_eq!(
        m("ceres.create_session").source.regulation.as_deref(),
        Some("arrêté du 21 juillet 2016, article 1.2")
    );
    assert_eq!(m("prep.compliance").checklist.len(), 7);
    assert_eq!(m("approval.apply").checklist.len(), 3);
    // Office work is advised on a working day; work on the session's days, on the day itself.
    assert_eq!(m("convocations.send").advised, AdvisedRule::LastWorkingDay);
    assert_eq!(m("close.transmit").advised, AdvisedRule::LastWorkingDay);
    assert_eq!(m("launch.start").advised, AdvisedRule::OnDeadline);
    assert_eq!(m("close.sign_minutes").advised, AdvisedRule::OnDeadline);

    let boxes = &book.afpa_mailboxes;
    use jalon_core::Domain::*;
    assert_eq!(
        boxes.for_session(Kind::Ccp, Some(Btp)),
        Some("epreuves-ccp@afpa.fr")
    );
    assert_eq!(
        boxes.for_session(Kind::Title, Some(Btp)),
        Some("epreuves-btp@afpa.fr")
    );
    assert_eq!(
        boxes.for_session(Kind::Title, Some(Industry)),
        Some("epreuves-industrie@afpa.fr")
    );
    assert_eq!(
        boxes.for_session(Kind::Title, Some(Tertiary)),
        Some("epreuves-tertiaire@afpa.fr")
    );
    assert_eq!(boxes.for_session(Kind::Title, None), None);
    assert_eq!(
        boxes.for_session(Kind::Ccp, None),
        Some("epreuves-ccp@afpa.fr")
    );
}

const MINIMAL: &str = r#"
name = "test"
version = "1"
[afpa_mailboxes]
ccp = "a@b.fr"
btp = "a@b.fr"
industry = "a@b.fr"
tertiary = "a@b.fr"
[[phases]]
id = "organisation"
label = "Organisation"
[[milestones]]
id = "ceres.create_session"
phase = "organisation"
label = "Créer la session dans CERES"
severity = "mandatory"
deadline = { anchor = "start", days = -91 }
source = { seed = "Organisation" }
"#;

fn problems(text: &str) -> Vec<String> {
    Rulebook::from_toml(text)
        .expect_err("must be refused")
        .problems
}

#[test]
fn a_minimal_rulebook_loads() {
    let book = Rulebook::from_toml(MINIMAL).unwrap();
    assert_eq!(book.milestones.len(), 1);
}

#[test]
fn duplicate_ids_are_refused_by_name() {
    let dup = MINIMAL.to_owned() + &MINIMAL[MINIMAL.find("[[milestones]]").unwrap()..];
    let p = problems(&dup);
    assert_eq!(
        p,
        ["jalon n° 2 « ceres.create_session » : identifiant en double"]
    );
}

#[test]
fn unknown_phase_anchor_and_severity_are_each_reported() {
    let bad = MINIMAL
        .replace("phase = \"organisation\"", "phase = \"preparation\"")
        .replace("anchor = \"start\"", "anchor = \"debut\"")
        .replace("\"mandatory\"", "\"urgent\"");
    let p = problems(&bad);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(
        p[0].contains("phase inconnue « preparation » (attendu : organisation)"),
        "{p:?}"
    );
    assert!(p[1].contains("sévérité inconnue « urgent »"), "{p:?}");
    assert!(
        p[2].contains("deadline : ancre inconnue « debut »"),
        "{p:?}"
    );
    assert!(
        p.iter()
            .all(|l| l.starts_with("jalon n° 1 « ceres.create_session »"))
    );
}

#[test]
fn malformed_offsets_and_windows_are_refused() {
    let p = problems(&MINIMAL.replace("days = -91", "days = -91000"));
    assert!(
        p[0].contains("décalage de -91000 jours hors limites"),
        "{p:?}"
    );
    let p = problems(&MINIMAL.replace("days = -91", "days = \"-91\""));
    assert!(
        p[0].contains("deadline : type invalide : texte \"-91\", attendu un entier"),
        "{p:?}"
    );
    let p = problems(&MINIMAL.replace("label = \"Organisation\"", "label = 3"));
    assert!(
        p[0].starts_with("ligne 11 : type invalide : entier `3`, attendu un texte"),
        "TOML errors name the line: {p:?}"
    );
    let window = MINIMAL.replace(
        "deadline = {",
        "opens = { anchor = \"start\", days = -5 }\ndeadline = {",
    );
    let p = problems(&window);
    assert!(
        p[0].contains("la fenêtre s'ouvre (D − 5 jours) après sa date limite (D − 91 jours)"),
        "{p:?}"
    );
    let p = problems(&MINIMAL.replace(
        "deadline = { anchor = \"start\", days = -91 }",
        "opens = { anchor = \"start\" }",
    ));
    assert!(p[0].contains("opens sans deadline"), "{p:?}");
}

#[test]
fn unknown_keys_and_bad_ids_are_refused() {
    let p = problems(&MINIMAL.replace("severity =", "colour = \"red\"\nseverity ="));
    assert!(p[0].contains("colour"), "{p:?}");
    let p = problems(&MINIMAL.replace("id = \"ceres.create_session\"", "id = \"Créer CERES\""));
    assert!(p[0].contains("identifiant invalide"), "{p:?}");
    let p = problems(&MINIMAL.replace("ccp = \"a@b.fr\"", "ccp = \"pas une adresse\""));
    assert!(p[0].contains("afpa_mailboxes.ccp"), "{p:?}");
    let p = problems(&MINIMAL.replace("deadline = {", "deadline = { when = { colour = true }, "));
    assert!(p[0].contains("deadline : champ inconnu `colour`"), "{p:?}");
    let window = MINIMAL.replace(
        "deadline = {",
        "opens = { anchor = \"start\", days = -120, when = { transport = true } }\ndeadline = {",
    );
    let p = problems(&window);
    assert!(
        p[0].contains("opens : une condition « when » n'est pas prise en charge"),
        "{p:?}"
    );
}

#[test]
fn errors_are_one_line_each_and_in_french() {
    for broken in [
        MINIMAL.replace("[[phases]]", "[[phases]]\nid = \"x\"\nid = \"y\""),
        MINIMAL.replace("label = \"Organisation\"", "label = \"Organisation"),
        MINIMAL.replace("days = -91", "days = -91.5"),
    ] {
        let e = Rulebook::from_toml(&broken).unwrap_err();
        let line = e.one_line();
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with("règles invalides (1 problème) : "),
            "{line}"
        );
        for english in [
            "duplicate",
            "expected",
            "invalid ",
            "unclosed",
            "floating",
            "key",
        ] {
            assert!(!line.contains(english), "{english} in {line}");
        }
    }
}

#[test]
fn checks_are_named_by_known_ids_or_attested_by_text() {
    let with = |check: &str| MINIMAL.replace("severity =", &format!("{check}\nseverity ="));
    let book = Rulebook::from_toml(&with(
        "check = { id = \"ceres_session\", text = \"Numéro saisi.\" }",
    ))
    .unwrap();
    let check = book.milestones[0].check.as_ref().unwrap();
    assert_eq!(check.id, Some(jalon_core::checks::CheckId::CeresSession));
    assert_eq!(check.text, "Numéro saisi.");
    let book = Rulebook::from_toml(&with("check = \"Attesté par le responsable.\"")).unwrap();
    assert_eq!(book.milestones[0].check.as_ref().unwrap().id, None);
    let p = problems(&with(
        "check = { id = \"ceres\", text = \"Numéro saisi.\" }",
    ));
    assert_eq!(
        p,
        [
            "jalon n° 1 « ceres.create_session » : check : contrôle inconnu « ceres » (attendu : \
          title_expiry_margin, ceres_session, manager_declared, candidates_registered, \
          convocations_proven, candidates_welcomed, checklist_ticked, jury_appointed, \
          jury_welcomed, jury_declarations, dte_ordered, dte_received, dte_chased, \
          organiser_opened, subjects_opened, epreuves_started, unused_destroyed, \
          subjects_destroyed, results_entered, validation_recorded, minutes_signed, \
          documents_launched, general_minutes_received, archive_complete, \
          transmission_recorded ou represent_offered)"
        ]
    );
    let p = problems(&with("check = { id = \"ceres_session\", texte = \"x\" }"));
    assert!(p[0].contains("check : champ inconnu `texte`"), "{p:?}");
}

#[test]
fn a_rulebook_for_sessions_keeps_every_milestone_the_code_relies_on() {
    assert_eq!(Rulebook::embedded().check_relied_on(), Ok(()));
    let minimal = Rulebook::from_toml(MINIMAL).unwrap();
    let e = minimal.check_relied_on().unwrap_err();
    assert_eq!(e.problems.len(), 18, "{e}");
    assert!(
        e.problems[0].starts_with("jalon « title.check_expiry » manquant"),
        "{e}"
    );
    assert!(
        !e.problems
            .iter()
            .any(|p| p.contains("ceres.create_session"))
    );
    let embedded = jalon_core::rulebook::DEFAULT_RULEBOOK;
    let without = embedded.replacen("id = \"close.transmit\"", "id = \"close.send\"", 1);
    let e = Rulebook::from_toml(&without)
        .unwrap()
        .check_relied_on()
        .unwrap_err();
    assert_eq!(
        e.problems,
        ["jalon « close.transmit » manquant : Jalon en a besoin pour suivre les sessions"]
    );
}

#[test]
fn a_recommended_date_precedes_the_deadline_and_a_ticked_list_has_items() {
    let with = |extra: &str| MINIMAL.replace("severity =", &format!("{extra}\nseverity ="));
    let book =
        Rulebook::from_toml(&with("recommended = { anchor = \"start\", months = -8 }")).unwrap();
    assert_eq!(
        book.milestones[0].recommended.map(|r| (r.anchor, r.months)),
        Some((Anchor::Start, -8))
    );
    let p = problems(&with("recommended = { anchor = \"start\", days = 10 }"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("la date recommandée (D + 10 jours) tombe après la date limite"),
        "{p:?}"
    );
    let p = problems(&with(
        "check = { id = \"checklist_ticked\", text = \"Tout est coché.\" }",
    ));
    assert_eq!(
        p,
        [
            "jalon n° 1 « ceres.create_session » : check checklist_ticked sans liste : ajoutez \
          « checklist » ou « checklist_each_day »"
        ]
    );
    let book = Rulebook::from_toml(&with(
        "checklist_each_day = \"aucun formateur présent\"\ncheck = { id = \"checklist_ticked\", text = \"Chaque jour.\" }",
    ))
    .unwrap();
    assert_eq!(
        book.milestones[0].checklist_each_day.as_deref(),
        Some("aucun formateur présent")
    );
}

#[test]
fn the_accommodation_request_is_dated_from_the_start_and_before_it() {
    use jiff::civil::date;
    let with = |rule: &str| {
        MINIMAL.replace(
            "[[phases]]",
            &format!("[candidates]\naccommodation_request = {rule}\n[[phases]]"),
        )
    };
    let book = Rulebook::from_toml(&with("{ anchor = \"start\", days = -45 }")).unwrap();
    assert_eq!(
        book.accommodation_request_by(date(2027, 3, 15)),
        Some(date(2027, 1, 29))
    );
    assert_eq!(
        Rulebook::from_toml(MINIMAL).unwrap().accommodation_request,
        None
    );
    assert_eq!(
        problems(&with("{ anchor = \"end\", days = -45 }")),
        [
            "candidates.accommodation_request : la demande d'aménagement se compte depuis le début de la session (anchor = \"start\")"
        ]
    );
    assert_eq!(
        problems(&with("{ anchor = \"start\", days = 3 }")),
        [
            "candidates.accommodation_request : la demande d'aménagement précède la session (un décalage négatif)"
        ]
    );
    // The embedded rulebook says 45 days before.
    assert_eq!(
        Rulebook::embedded().accommodation_request_by(date(2027, 3, 15)),
        Some(date(2027, 1, 29))
    );
}
