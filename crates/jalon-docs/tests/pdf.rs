//! The PDF documents read as a centre would send them: the right people, places, dates and
//! times, a receipt where the mode of delivery needs one, and a centre's own templates.

use jalon_core::Zone;
use jalon_core::schedule;
use jalon_docs::pdf::{self, CandidateLine, Kind, Named, Renderer, SessionDocument};
use jiff::civil::date;

fn candidate(last: &str, first: &str, accommodation: &str, receipt: bool) -> CandidateLine {
    CandidateLine {
        id: format!("{last}-{first}"),
        last_name: last.to_owned(),
        first_names: first.to_owned(),
        civility: String::new(),
        birth_date: "14/02/1990".to_owned(),
        address: "3 rue des Lilas".to_owned(),
        postcode: "69003".to_owned(),
        city: "Lyon".to_owned(),
        accommodation: accommodation.to_owned(),
        accommodation_granted_by: if accommodation.is_empty() {
            String::new()
        } else {
            "la MDPH du Rhône".to_owned()
        },
        accommodation_plan: if accommodation.is_empty() {
            String::new()
        } else {
            "salle au rez-de-chaussée, surveillant dédié".to_owned()
        },
        with_receipt: receipt,
        schedule: Vec::new(),
        extra_time: String::new(),
    }
}

fn session(candidates: Vec<CandidateLine>) -> SessionDocument {
    let slots = schedule::propose(
        date(2026, 12, 14),
        date(2026, 12, 15),
        Zone::Metropole,
        &[
            ("Mise en situation professionnelle".to_owned(), 210),
            ("Entretien technique".to_owned(), 45),
            ("Questionnaire professionnel".to_owned(), 480),
            ("Entretien final".to_owned(), 20),
        ],
    );
    SessionDocument {
        centre: Named::new("Centre de formation des Tilleuls", ""),
        logo: None,
        images: Vec::new(),
        title: pdf::TitleInfo {
            name: "Agent de restauration".to_owned(),
            rncp: "RNCP 35758".to_owned(),
        },
        site: pdf::SiteInfo {
            name: "Site de Lyon Gerland".to_owned(),
            address: "12 avenue Tony Garnier".to_owned(),
            postcode: "69007".to_owned(),
            city: "Lyon".to_owned(),
        },
        approval: "AGR-69-2024-017".to_owned(),
        ceres: "2026-TP-004512".to_owned(),
        session: pdf::SessionInfo {
            dates: jalon_core::fr::date_range(date(2026, 12, 14), date(2026, 12, 15)),
        },
        schedule: pdf::schedule_days(&slots),
        issued: "28 novembre 2026".to_owned(),
        manager: "Claire Martin".to_owned(),
        contact: "examens@tilleuls.example".to_owned(),
        documents: pdf::default_documents(),
        rules: pdf::default_rules(),
        candidates,
        sheets: Vec::new(),
        jury: Vec::new(),
        absence: None,
        custody: None,
        minutes: None,
        signed: None,
    }
}

fn renderer() -> Renderer {
    Renderer::new(None).expect("embedded templates")
}

#[test]
fn a_convocation_names_the_candidate_the_place_the_times_and_what_to_bring() {
    let data = session(vec![candidate(
        "DUPONT",
        "Jeanne Marie",
        "tiers-temps",
        false,
    )]);
    let text = renderer()
        .pages_text(Kind::Convocation, &data)
        .unwrap()
        .join(" ");
    for expected in [
        "Centre de formation des Tilleuls",
        "Jeanne Marie DUPONT",
        "3 rue des Lilas",
        "Agent de restauration",
        "RNCP 35758",
        "du lundi 14 au mardi 15 décembre 2026",
        "12 avenue Tony Garnier",
        "lundi 14 décembre 2026",
        "accueil à 8 h",
        "8 h 30 – 12 h",
        "Entretien technique",
        "mardi 15 décembre 2026",
        "pièce d’identité",
        "Dossier Professionnel",
        "tiers-temps",
        "MDPH du Rhône",
        "surveillant dédié",
        "règlement de session",
        "Claire Martin",
        "Agrément n° AGR-69-2024-017",
        "Session CERES n° 2026-TP-004512",
    ] {
        assert!(text.contains(expected), "« {expected} » absent de : {text}");
    }
    assert!(
        !text.contains("Accusé de réception"),
        "no receipt for an email convocation: {text}"
    );
}

#[test]
fn the_letter_greets_the_candidate_by_civility_and_the_centre_says_how_to_reach_it() {
    let mut lea = candidate("MARTIN", "Léa", "", false);
    lea.civility = "Madame".into();
    let mut data = session(vec![lea, candidate("DUPONT", "Jean", "", false)]);
    data.centre.reach = "3 rue des Tilleuls, 69003 Lyon — 04 72 00 00 00".into();
    let pages = renderer().pages_text(Kind::Convocation, &data).unwrap();
    let lea = pages.iter().find(|p| p.contains("Léa MARTIN")).unwrap();
    assert!(
        lea.contains("Madame,") && !lea.contains("Madame, Monsieur"),
        "{lea}"
    );
    let jean = pages.iter().find(|p| p.contains("Jean DUPONT")).unwrap();
    assert!(jean.contains("Madame, Monsieur,"), "{jean}");
    assert!(jean.contains("04 72 00 00 00"), "the letterhead: {jean}");
}

#[test]
fn the_letter_follows_french_typography_and_agrees_with_the_candidate() {
    let mut lea = candidate("MARTIN", "Léa", "", true);
    lea.civility = "Madame".into();
    let mut jean = candidate("DUPONT", "Jean", "", true);
    jean.civility = "Monsieur".into();
    let mut data = session(vec![lea, jean, candidate("DURAND", "Alex", "", true)]);
    data.title.name = "Agent d'entretien du bâtiment".into();
    data.session.dates = jalon_core::fr::date_range(date(2027, 2, 1), date(2027, 2, 2));
    let pages = renderer().pages_text(Kind::Convocation, &data).unwrap();
    let page = |who: &str| pages.iter().find(|p| p.contains(who)).unwrap().clone();
    let (lea, jean, alex) = (page("Léa MARTIN"), page("Jean DUPONT"), page("Alex DURAND"));
    assert!(
        lea.contains("Vous êtes convoquée") && lea.contains("Je soussignée"),
        "{lea}"
    );
    assert!(
        jean.contains("Vous êtes convoqué à") && jean.contains("Je soussigné Jean"),
        "{jean}"
    );
    assert!(
        alex.contains("Vous êtes convoqué(e)") && alex.contains("Je soussigné(e)"),
        "{alex}"
    );
    // One apostrophe, the typographic one, in Jalon's words as in the template's; « 1er »
    // with raised letters (laid out as « 1 » then « er » above the line).
    assert!(lea.contains("Agent d’entretien du bâtiment"), "{lea}");
    assert!(!lea.contains('\''), "a straight apostrophe is left: {lea}");
    assert!(
        lea.contains("du lundi 1er au mardi 2 février 2027"),
        "{lea}"
    );
    assert!(!lea.contains('ᵉ'), "{lea}");
    // Signed for the centre with its article.
    assert!(
        lea.contains("Pour le Centre de formation des Tilleuls,"),
        "{lea}"
    );
}

#[test]
fn the_centre_logo_heads_the_documents_and_a_broken_image_is_refused() {
    // A PNG of 2 × 2 green pixels.
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x0fIDAT\x78\xda\x63\x60\x68\x60\x00\x21\x08\x05\x00\x0e\x0e\x02\x01\xd8\x61\xc1\xc3\x00\x00\x00\x00IEND\xae\x42\x60\x82";
    let r = renderer();
    assert_eq!(r.check_logo(PNG).unwrap(), "image/png");
    let mut data = session(vec![candidate("DUPONT", "Jean", "", false)]);
    let images = |pdf: &[u8]| {
        pdf.windows(b"/Subtype/Image".len())
            .filter(|w| *w == b"/Subtype/Image")
            .count()
    };
    let without = r.render(Kind::Convocation, &data).unwrap();
    assert_eq!(images(&without), 0);
    data.logo = Some(PNG.into());
    for kind in [Kind::Convocation, Kind::Posting, Kind::SignIn] {
        let with = r.render(kind, &data).unwrap();
        assert_eq!(images(&with), 1, "{kind:?}");
    }
    // Its header is right, its pixels are not: refused when given, in French.
    let mut broken = PNG.to_vec();
    broken.truncate(45);
    let e = r.check_logo(&broken).unwrap_err().to_string();
    assert!(e.contains("illisible"), "{e}");
    assert!(
        r.check_logo(b"%PDF-1.7")
            .unwrap_err()
            .to_string()
            .contains("PNG ou JPEG")
    );
}

#[test]
fn a_hand_delivered_convocation_carries_a_receipt_to_sign() {
    let data = session(vec![candidate("DUPONT", "Jean", "", true)]);
    let text = renderer()
        .pages_text(Kind::Convocation, &data)
        .unwrap()
        .join(" ");
    assert!(text.contains("Accusé de réception"), "{text}");
    assert!(text.contains("Je soussigné(e) Jean DUPONT"), "{text}");
    assert!(
        !text.contains("Aménagement"),
        "no accommodation block without one: {text}"
    );
}

#[test]
fn a_batch_puts_each_candidate_on_their_own_pages_and_is_a_real_pdf() {
    let data = session(vec![
        candidate("DUPONT", "Jean", "", false),
        candidate("MARTIN", "Léa", "", false),
        candidate("NGUYEN", "Thi Mai", "", true),
    ]);
    let r = renderer();
    let pages = r.pages_text(Kind::Convocation, &data).unwrap();
    let owner = |name: &str| pages.iter().position(|p| p.contains(name)).unwrap();
    assert!(owner("Jean DUPONT") < owner("Léa MARTIN"));
    assert!(owner("Léa MARTIN") < owner("Thi Mai NGUYEN"));
    assert!(
        !pages[owner("Léa MARTIN")].contains("Jean DUPONT"),
        "one letter per candidate"
    );
    let pdf = r.render(Kind::Convocation, &data).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let each = r.render_each(&data, |_| {}).unwrap();
    assert_eq!(each.len(), 3);
    assert!(each.iter().all(|p| p.starts_with(b"%PDF-")));
}

#[test]
fn the_posting_lists_candidates_without_personal_details_and_the_schedule() {
    let data = session(vec![
        candidate("DUPONT", "Jean", "tiers-temps", false),
        candidate("MARTIN", "Léa", "", false),
    ]);
    let text = renderer()
        .pages_text(Kind::Posting, &data)
        .unwrap()
        .join(" ");
    for expected in [
        "Liste des candidats (2)",
        "DUPONT",
        "MARTIN",
        "Calendrier et déroulé des épreuves",
        "Mise en situation professionnelle",
        "Entretien final",
    ] {
        assert!(text.contains(expected), "« {expected} » absent de : {text}");
    }
    for private in ["14/02/1990", "3 rue des Lilas", "tiers-temps"] {
        assert!(!text.contains(private), "« {private} » affiché : {text}");
    }
}

#[test]
fn there_is_one_sign_in_sheet_per_day_and_epreuve_with_every_candidate() {
    let data = session(vec![
        candidate("DUPONT", "Jean", "", false),
        candidate("MARTIN", "Léa", "", false),
    ]);
    let pages = renderer().pages_text(Kind::SignIn, &data).unwrap();
    let epreuves: usize = data.schedule.iter().map(|d| d.slots.len()).sum();
    assert_eq!(pages.len(), epreuves, "{pages:#?}");
    assert!(pages[0].contains("Feuille d’émargement"));
    assert!(pages[0].contains("Mise en situation professionnelle"));
    assert!(pages[0].contains("lundi 14 décembre 2026, de 8 h 30 à 12 h"));
    let last = pages.last().unwrap();
    assert!(last.contains("Entretien final"), "{last}");
    assert!(last.contains("mardi 15 décembre 2026"), "{last}");
    for page in &pages {
        assert!(page.contains("DUPONT") && page.contains("MARTIN"), "{page}");
        assert!(page.contains("14/02/1990"), "{page}");
    }
}

#[test]
fn a_centre_replaces_the_letterhead_with_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("entete.typ"),
        "#let entete(data) = [Papier à en-tête de #data.centre.name, maison]",
    )
    .unwrap();
    let r = Renderer::new(Some(dir.path())).unwrap();
    let data = session(vec![candidate("DUPONT", "Jean", "", false)]);
    let text = r.pages_text(Kind::Convocation, &data).unwrap().join(" ");
    assert!(
        text.contains("Papier à en-tête de Centre de formation des Tilleuls, maison"),
        "{text}"
    );
    // The rest of the letter is still the embedded template.
    assert!(text.contains("Documents à présenter"), "{text}");
}

#[test]
fn a_broken_template_of_a_centre_is_reported_in_french_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("affichage.typ"), "#let x = (\n").unwrap();
    let r = Renderer::new(Some(dir.path())).unwrap();
    let data = session(vec![candidate("DUPONT", "Jean", "", false)]);
    let err = r.render(Kind::Posting, &data).unwrap_err().to_string();
    assert!(
        err.contains("affichage.typ") && err.contains("n'a pas pu être composé"),
        "{err}"
    );
    let missing = Renderer::new(Some(&dir.path().join("absent")))
        .err()
        .unwrap();
    assert!(missing.to_string().contains("n'existe pas"), "{missing}");
}

#[test]
fn a_zip_holds_one_file_per_candidate_even_for_namesakes() {
    let a = candidate("DUPONT", "Jean", "", false);
    let name = pdf::file_name("convocation", &a);
    assert_eq!(name, "convocation-dupont-jean.pdf");
    // Ligatures are two letters, accents go.
    let g = candidate("LE CŒUR", "Gaëlle", "", false);
    assert_eq!(
        pdf::file_name("convocation", &g),
        "convocation-le-coeur-gaelle.pdf"
    );
    let bytes = pdf::zip(&[
        (name.clone(), b"%PDF-1".to_vec()),
        (name.clone(), b"%PDF-2".to_vec()),
    ])
    .unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"convocation-dupont-jean.pdf".to_owned()));
    assert!(names.contains(&"convocation-dupont-jean-2.pdf".to_owned()));
    let mut second = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("convocation-dupont-jean-2.pdf").unwrap(),
        &mut second,
    )
    .unwrap();
    assert_eq!(second, "%PDF-2");
}

#[test]
fn what_people_typed_is_printed_as_typed_never_run_as_markup() {
    let data = session(vec![candidate(
        "O'BRIEN #panic(\"x\") @ref",
        "*Gras* _penché_ $x^2$ <étiquette>",
        "",
        false,
    )]);
    let text = renderer()
        .pages_text(Kind::Convocation, &data)
        .unwrap()
        .join(" ");
    // Only the apostrophe takes its typographic form.
    assert!(
        text.contains("*Gras* _penché_ $x^2$ <étiquette> O’BRIEN #panic(\"x\") @ref"),
        "{text}"
    );
}

#[test]
fn the_jurors_letters_the_employer_request_and_the_absence_report_say_what_each_must_do() {
    let r = renderer();
    let mut data = pdf::sample(3);
    // One letter per juror; the salaried one is told his employer's deadline.
    let letters = r
        .pages_text(Kind::JurorConvocation, &data)
        .unwrap()
        .join(" ");
    let (leroy, marty) = letters.split_once("Sophie MARTY").unwrap();
    assert!(
        leroy.contains("au plus tard le dimanche 29 novembre 2026"),
        "{leroy}"
    );
    assert!(
        leroy.contains("https://jalon.tilleuls.example/jure/exemple"),
        "{leroy}"
    );
    assert!(leroy.contains("lundi 14 décembre 2026 — jury 1"), "{leroy}");
    assert!(!marty.contains("Autorisation d’absence"), "{marty}");
    assert!(marty.contains("à l’accueil du jury"), "{marty}");
    // The employer's request: for the salaried juror only.
    let requests = r.pages_text(Kind::EmployerLetter, &data).unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(requests[0].contains("L. 3142-42"), "{}", requests[0]);
    assert!(requests[0].contains("Brasserie du Parc"));
    // The posting shows the composition of the jury.
    let posting = r.pages_text(Kind::Posting, &data).unwrap().join(" ");
    assert!(posting.contains("Composition du jury"), "{posting}");
    assert!(posting.contains("Responsable de restauration collective"));
    // The absence report names who came, who did not, and who is left short.
    data.absence = Some(pdf::Absence {
        day: "lundi 14 décembre 2026".to_owned(),
        present: vec!["Sophie MARTY".to_owned()],
        absent: vec!["Marc LEROY".to_owned()],
        short: vec!["MARTIN Léa — Entretien final : 1 seul juré présent".to_owned()],
    });
    let report = r.pages_text(Kind::AbsenceReport, &data).unwrap().join(" ");
    assert!(
        report.contains("Jurés convoqués absents Marc LEROY"),
        "{report}"
    );
    assert!(report.contains("MARTIN Léa — Entretien final : 1 seul juré présent"));
    assert!(report.contains("aucune délibération"), "{report}");
    // No jury: the posting says nothing of it.
    data.jury.clear();
    let posting = r.pages_text(Kind::Posting, &data).unwrap().join(" ");
    assert!(!posting.contains("Composition du jury"));
}

#[test]
fn the_opening_attestation_the_destruction_record_and_the_incident_report_read_well() {
    let r = renderer();
    let mut data = pdf::sample(3);
    let opening = r
        .pages_text(Kind::OpeningAttestation, &data)
        .unwrap()
        .join(" ");
    assert!(
        opening.contains("Jour et heure d’ouverture lundi 14 décembre 2026, à 8 h 25"),
        "{opening}"
    );
    assert!(
        opening
            .contains("Pli sujets n° 1 Mise en situation professionnelle intacts à la réception"),
        "{opening}"
    );
    let destruction = r
        .pages_text(Kind::DestructionRecord, &data)
        .unwrap()
        .join(" ");
    assert!(destruction.contains("1 sujet non utilisé"), "{destruction}");
    assert!(
        destruction.contains("broyeur du secrétariat"),
        "{destruction}"
    );
    let incident = r.pages_text(Kind::IncidentReport, &data).unwrap().join(" ");
    assert!(incident.contains("Nature fraude suspectée"), "{incident}");
    assert!(
        incident.contains("mentionné au procès-verbal de la session"),
        "{incident}"
    );
    // Another kind of incident: no fraud box.
    if let Some(c) = data.custody.as_mut()
        && let Some(i) = c.incident.as_mut()
    {
        i.fraud = false;
        i.category = "malaise".to_owned();
    }
    let incident = r.pages_text(Kind::IncidentReport, &data).unwrap().join(" ");
    assert!(
        incident.contains("Nature malaise") && !incident.contains("Fraude suspectée —"),
        "{incident}"
    );
}
