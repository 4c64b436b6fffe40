//! The planner against dates computed by hand (weekday of each checked on a wall calendar).

use jalon_core::plan::{PlanError, PlanInput};
use jalon_core::{Domain, Kind, Plan, Rulebook, Zone, plan};
use jiff::civil::{Date, date};

fn book() -> &'static Rulebook {
    use std::sync::OnceLock;
    static BOOK: OnceLock<Rulebook> = OnceLock::new();
    BOOK.get_or_init(Rulebook::embedded)
}

const TODAY: Date = date(2026, 11, 28);

fn input(start: Date) -> PlanInput {
    PlanInput::new(start, TODAY)
}

fn planned(input: &PlanInput) -> Plan<'static> {
    plan(book(), input).expect("a valid session plans")
}

/// (deadline, advised) of a milestone.
fn dates(p: &Plan, id: &str) -> (Option<Date>, Option<Date>) {
    let m = p.milestone(id).unwrap_or_else(|| panic!("{id} is planned"));
    (m.deadline, m.advised)
}

fn warning_codes<'a>(p: &'a Plan, id: &str) -> Vec<&'a str> {
    p.warnings
        .iter()
        .filter(|w| w.milestone == id)
        .map(|w| w.code)
        .collect()
}

#[test]
fn the_worked_example_of_the_spec_holds() {
    // D Monday 15 March 2027, F Friday 19 March 2027, tertiary, not transport, metropole.
    let mut i = input(date(2027, 3, 15));
    i.end = Some(date(2027, 3, 19));
    i.domain = Some(Domain::Tertiary);
    let p = planned(&i);
    let both = |d: Date| (Some(d), Some(d));
    assert_eq!(dates(&p, "ceres.create_session"), both(date(2026, 12, 14)));
    assert_eq!(
        dates(&p, "candidates.register"),
        (Some(date(2027, 2, 13)), Some(date(2027, 2, 12)))
    );
    assert_eq!(dates(&p, "dte.receive"), both(date(2027, 2, 22)));
    let chase = p.milestone("dte.chase_afpa").unwrap();
    assert_eq!(chase.opens, Some(date(2027, 2, 22)));
    assert_eq!(chase.deadline, Some(date(2027, 3, 5)));
    assert_eq!(chase.mailbox, Some("epreuves-tertiaire@afpa.fr"));
    assert_eq!(dates(&p, "prep.compliance"), both(date(2027, 3, 10)));
    assert_eq!(dates(&p, "close.transmit"), both(date(2027, 3, 24)));
    // The rest of the chronology, by hand.
    let check = p.milestone("title.check_expiry").unwrap();
    assert_eq!(check.opens, Some(date(2026, 7, 15)));
    assert_eq!(check.deadline, Some(date(2026, 9, 15)));
    assert_eq!(dates(&p, "dte.order"), both(date(2026, 12, 14)));
    assert_eq!(dates(&p, "launch.start"), both(date(2027, 3, 15)));
    assert_eq!(dates(&p, "close.archive"), both(date(2027, 3, 19)));
    assert_eq!(dates(&p, "validation.decision"), (None, None));
    assert_eq!(
        dates(&p, "followup.represent"),
        (None, None),
        "no training end given"
    );
    // From 28 November 2026: 16 days to create the session in CERES.
    assert_eq!(
        p.milestone("ceres.create_session").unwrap().days_left,
        Some(16)
    );
    assert!(!p.milestone("ceres.create_session").unwrap().late);
    // The 6-month checks were due on 15 September: late, and said so.
    assert!(check.late);
    assert_eq!(warning_codes(&p, "title.check_expiry"), ["deadline_passed"]);
    assert_eq!(warning_codes(&p, "approval.apply"), ["deadline_passed"]);
    assert_eq!(p.warnings.len(), 2, "{:#?}", p.warnings);
}

#[test]
fn weekend_deadlines_are_advised_on_the_friday_before() {
    // D Tuesday 16 March 2027: D−30 Sunday 14 Feb, D−10 Saturday 6 March.
    let p = planned(&input(date(2027, 3, 16)));
    assert_eq!(
        dates(&p, "convocations.send"),
        (Some(date(2027, 2, 14)), Some(date(2027, 2, 12)))
    );
    assert_eq!(
        dates(&p, "dte.chase_afpa"),
        (Some(date(2027, 3, 6)), Some(date(2027, 3, 5)))
    );
    assert_eq!(
        dates(&p, "prep.compliance"),
        (Some(date(2027, 3, 11)), Some(date(2027, 3, 11)))
    );
}

#[test]
fn a_holiday_deadline_is_advised_on_the_working_day_before() {
    // D Wednesday 16 June 2027: D−30 is Whit Monday 17 May 2027 -> Friday 14 May.
    let p = planned(&input(date(2027, 6, 16)));
    assert_eq!(
        dates(&p, "candidates.register"),
        (Some(date(2027, 5, 17)), Some(date(2027, 5, 14)))
    );
    assert_eq!(
        dates(&p, "ceres.create_session"),
        (Some(date(2027, 3, 17)), Some(date(2027, 3, 17)))
    );
    assert_eq!(
        dates(&p, "dte.chase_afpa"),
        (Some(date(2027, 6, 6)), Some(date(2027, 6, 4)))
    );
    assert_eq!(
        dates(&p, "close.transmit"),
        (Some(date(2027, 6, 21)), Some(date(2027, 6, 21)))
    );
}

#[test]
fn alsace_moselle_holidays_move_advised_dates_there_only() {
    // D Friday 16 April 2027: D−21 is Good Friday 26 March 2027.
    let mut i = input(date(2027, 4, 16));
    let p = planned(&i);
    assert_eq!(
        dates(&p, "dte.receive"),
        (Some(date(2027, 3, 26)), Some(date(2027, 3, 26)))
    );
    i.zone = Zone::AlsaceMoselle;
    let p = planned(&i);
    assert_eq!(
        dates(&p, "dte.receive"),
        (Some(date(2027, 3, 26)), Some(date(2027, 3, 25)))
    );
    // D Thursday 25 January 2029: D−30 is Tuesday 26 December 2028 (Saint-Étienne);
    // Monday 25 is Christmas, so Friday 22 December in Alsace-Moselle.
    let mut i = input(date(2029, 1, 25));
    let p = planned(&i);
    assert_eq!(
        dates(&p, "jury.appoint"),
        (Some(date(2028, 12, 26)), Some(date(2028, 12, 26)))
    );
    i.zone = Zone::AlsaceMoselle;
    let p = planned(&i);
    assert_eq!(
        dates(&p, "jury.appoint"),
        (Some(date(2028, 12, 26)), Some(date(2028, 12, 22)))
    );
}

#[test]
fn months_before_a_month_end_clamp_to_the_shorter_month() {
    // D Tuesday 31 August 2027: D−6 months is Sunday 28 February 2027 (advised Friday 26),
    // D−8 months is Thursday 31 December 2026.
    let p = planned(&input(date(2027, 8, 31)));
    let m = p.milestone("title.check_expiry").unwrap();
    assert_eq!(m.opens, Some(date(2026, 12, 31)));
    assert_eq!(
        (m.deadline, m.advised),
        (Some(date(2027, 2, 28)), Some(date(2027, 2, 26)))
    );
    // In a leap year, 29 February.
    let p = planned(&input(date(2028, 8, 31)));
    assert_eq!(
        dates(&p, "approval.apply"),
        (Some(date(2028, 2, 29)), Some(date(2028, 2, 29)))
    );
    assert_eq!(
        p.milestone("approval.apply").unwrap().opens,
        Some(date(2027, 12, 31))
    );
}

#[test]
fn transport_titles_transmit_within_48_hours_and_have_no_re_presentation_rule() {
    let mut i = input(date(2027, 3, 15));
    i.end = Some(date(2027, 3, 19));
    i.training_end = Some(date(2027, 3, 12));
    i.transport = true;
    let p = planned(&i);
    // F + 2 = Sunday 21 March -> Friday 19 March.
    assert_eq!(
        dates(&p, "close.transmit"),
        (Some(date(2027, 3, 21)), Some(date(2027, 3, 19)))
    );
    let r = p.milestone("followup.represent").unwrap();
    assert!(!r.applicable);
    assert_eq!(r.not_applicable_because, ["titre de transport"]);
    i.transport = false;
    let p = planned(&i);
    assert_eq!(
        dates(&p, "close.transmit"),
        (Some(date(2027, 3, 24)), Some(date(2027, 3, 24)))
    );
    assert!(p.milestone("followup.represent").unwrap().applicable);
}

#[test]
fn ccp_sessions_chase_the_ccp_mailbox_whatever_the_domain() {
    let mut i = input(date(2027, 3, 15));
    let mailbox = |i: &PlanInput| {
        planned(i)
            .milestone("dte.chase_afpa")
            .unwrap()
            .mailbox
            .map(str::to_owned)
    };
    assert_eq!(
        mailbox(&i),
        None,
        "a title of unknown domain: no address guessed"
    );
    i.domain = Some(Domain::Btp);
    let mailbox = |i: &PlanInput| {
        planned(i)
            .milestone("dte.chase_afpa")
            .unwrap()
            .mailbox
            .map(str::to_owned)
    };
    assert_eq!(mailbox(&i).as_deref(), Some("epreuves-btp@afpa.fr"));
    i.domain = Some(Domain::Industry);
    assert_eq!(mailbox(&i).as_deref(), Some("epreuves-industrie@afpa.fr"));
    i.kind = Kind::Ccp;
    assert_eq!(mailbox(&i).as_deref(), Some("epreuves-ccp@afpa.fr"));
    // No other milestone names a mailbox.
    assert_eq!(
        planned(&i)
            .milestones
            .iter()
            .filter(|m| m.mailbox.is_some())
            .count(),
        1
    );
}

#[test]
fn an_early_title_expiry_pulls_the_ceres_deadline_in() {
    let mut i = input(date(2027, 3, 15));
    i.title_expiry = Some(date(2026, 12, 1));
    let p = planned(&i);
    // The day before the expiry, Monday 30 November 2026, instead of 14 December.
    assert_eq!(
        dates(&p, "ceres.create_session"),
        (Some(date(2026, 11, 30)), Some(date(2026, 11, 30)))
    );
    assert_eq!(
        p.milestone("ceres.create_session").unwrap().days_left,
        Some(2)
    );
    assert_eq!(
        warning_codes(&p, "ceres.create_session"),
        ["title_expiry_pulls_deadline"]
    );
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "title_expiry_pulls_deadline")
        .unwrap();
    assert!(
        w.message.contains("lundi 30 novembre 2026"),
        "{}",
        w.message
    );
    assert!(
        w.message.contains("arrêté du 21 juillet 2016, article 1.2"),
        "{}",
        w.message
    );
    assert!(warning_codes(&p, "title.check_expiry").contains(&"title_expiry_soon"));
    // dte.order keeps its own rule: only the CERES creation is bound by the expiry.
    assert_eq!(dates(&p, "dte.order").0, Some(date(2026, 12, 14)));

    // An expiry the day after the deadline changes nothing.
    i.title_expiry = Some(date(2026, 12, 15));
    let p = planned(&i);
    assert_eq!(
        dates(&p, "ceres.create_session").0,
        Some(date(2026, 12, 14))
    );
    assert!(warning_codes(&p, "ceres.create_session").is_empty());
}

#[test]
fn a_title_expiring_within_six_months_of_today_is_flagged() {
    let mut i = input(date(2028, 3, 15));
    // Today 28 November 2026 + 6 months = 28 May 2027.
    i.title_expiry = Some(date(2027, 5, 28));
    assert_eq!(
        warning_codes(&planned(&i), "title.check_expiry"),
        ["title_expiry_soon"]
    );
    i.title_expiry = Some(date(2027, 5, 29));
    assert!(warning_codes(&planned(&i), "title.check_expiry").is_empty());
    i.title_expiry = Some(date(2026, 11, 1));
    let p = planned(&i);
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "title_expiry_soon")
        .unwrap();
    assert!(
        w.message
            .starts_with("Le titre a expiré le dimanche 1ᵉʳ novembre 2026"),
        "{}",
        w.message
    );
}

#[test]
fn re_presentation_runs_twelve_months_from_the_training_end() {
    let mut i = input(date(2027, 3, 15));
    i.training_end = Some(date(2027, 3, 12));
    let p = planned(&i);
    // Sunday 12 March 2028 -> Friday 10 March.
    assert_eq!(
        dates(&p, "followup.represent"),
        (Some(date(2028, 3, 12)), Some(date(2028, 3, 10)))
    );
    i.training_end = Some(date(2028, 2, 29));
    let p = planned(&i);
    assert_eq!(
        dates(&p, "followup.represent"),
        (Some(date(2029, 2, 28)), Some(date(2029, 2, 28)))
    );
}

#[test]
fn a_session_less_than_91_days_ahead_cannot_meet_the_ceres_rule() {
    // D Wednesday 20 January 2027: D−91 was Wednesday 21 October 2026, 38 days ago.
    let p = planned(&input(date(2027, 1, 20)));
    let m = p.milestone("ceres.create_session").unwrap();
    assert!(m.late);
    assert_eq!(m.days_left, Some(-38));
    let w = p
        .warnings
        .iter()
        .find(|w| w.milestone == "ceres.create_session")
        .unwrap();
    assert_eq!(w.code, "deadline_passed");
    assert!(w.message.contains("D − 91 jours"), "{}", w.message);
    assert!(
        w.message
            .contains("mercredi 21 octobre 2026, il y a 38 jours"),
        "{}",
        w.message
    );
    // D−30 is Monday 21 December 2026: still ahead.
    assert!(!p.milestone("candidates.register").unwrap().late);
}

#[test]
fn facts_already_known_make_milestones_not_applicable() {
    let mut i = input(date(2027, 6, 16));
    assert!(
        planned(&i).milestone("approval.apply").unwrap().applicable,
        "unknown: shown"
    );
    assert!(planned(&i).milestone("dte.chase_afpa").unwrap().applicable);
    i.approval_held = Some(true);
    i.dte_received = true;
    let p = planned(&i);
    let a = p.milestone("approval.apply").unwrap();
    assert!(!a.applicable && !a.late);
    assert_eq!(
        a.not_applicable_because,
        ["agrément détenu pour la période de la session"]
    );
    assert_eq!(
        p.milestone("dte.chase_afpa")
            .unwrap()
            .not_applicable_because,
        ["DTE déjà reçus"]
    );
    // Not applicable milestones never warn, even when their date is past.
    let p = planned(&PlanInput {
        approval_held: Some(true),
        ..input(date(2027, 3, 15))
    });
    assert!(warning_codes(&p, "approval.apply").is_empty());
}

#[test]
fn a_titles_own_transmission_delay_replaces_the_seeds() {
    use jalon_core::transmit::TransmitDelay;
    // A 2024 transport title whose arrêté says 5 working days: F Friday 19 March 2027 +
    // 5 working days = Friday 26 March, instead of the seed's 48 h (Sunday 21).
    let mut i = input(date(2027, 3, 15));
    i.end = Some(date(2027, 3, 19));
    i.transport = true;
    i.transmit = Some(TransmitDelay {
        days: 5,
        working: true,
    });
    let p = planned(&i);
    let m = p.milestone("close.transmit").unwrap();
    assert_eq!(
        (m.deadline, m.advised),
        (Some(date(2027, 3, 26)), Some(date(2027, 3, 26)))
    );
    assert_eq!(
        m.deadline_describe().as_deref(),
        Some("F + 5 jours ouvrés (délai du titre)")
    );
    // Across Easter Monday (29 March 2027): Thursday 25 + 3 working days is Wednesday 31.
    i.start = date(2027, 3, 22);
    i.end = Some(date(2027, 3, 25));
    i.transmit = Some(TransmitDelay {
        days: 3,
        working: true,
    });
    assert_eq!(
        dates(&planned(&i), "close.transmit"),
        (Some(date(2027, 3, 31)), Some(date(2027, 3, 31)))
    );
    // In calendar days, the advised day is the last working day before: F + 2 = Saturday
    // 27 March → Friday 26.
    i.transmit = Some(TransmitDelay {
        days: 2,
        working: false,
    });
    assert_eq!(
        dates(&planned(&i), "close.transmit"),
        (Some(date(2027, 3, 27)), Some(date(2027, 3, 26)))
    );
    // No other milestone moves, and without the setting the seed's rule is back.
    let seed = planned(&PlanInput {
        transmit: None,
        ..i.clone()
    });
    let own = planned(&i);
    for (a, b) in seed.milestones.iter().zip(&own.milestones) {
        if a.id() != "close.transmit" {
            assert_eq!(
                (a.deadline, a.advised),
                (b.deadline, b.advised),
                "{}",
                a.id()
            );
        }
    }
    let m = seed.milestone("close.transmit").unwrap();
    assert_eq!(m.deadline, Some(date(2027, 3, 27)));
    assert_eq!(m.deadline_describe().as_deref(), Some("F + 2 jours"));
}

#[test]
fn day_of_milestones_fall_on_the_session_day_even_on_a_holiday() {
    // Monday 17 May 2027 is Whit Monday: the session-day work stays on that day, and the
    // planner warns about the start date.
    let p = planned(&input(date(2027, 5, 17)));
    assert_eq!(
        dates(&p, "day.welcome_candidates"),
        (Some(date(2027, 5, 17)), Some(date(2027, 5, 17)))
    );
    assert_eq!(
        warning_codes(&p, "launch.start"),
        ["start_on_non_working_day"]
    );
    let w = p
        .warnings
        .iter()
        .find(|w| w.milestone == "launch.start")
        .unwrap();
    assert!(
        w.message.contains("jour férié (Lundi de Pentecôte)"),
        "{}",
        w.message
    );
}

#[test]
fn an_end_before_the_start_is_refused() {
    let mut i = input(date(2027, 3, 15));
    i.end = Some(date(2027, 3, 10));
    let e = plan(book(), &i).unwrap_err();
    assert_eq!(
        e,
        PlanError::EndBeforeStart {
            start: date(2027, 3, 15),
            end: date(2027, 3, 10)
        }
    );
    assert!(e.to_string().contains("mercredi 10 mars 2027"));
}

#[test]
fn extreme_dates_give_an_error_not_a_panic() {
    let mut i = input(date(9999, 12, 31));
    i.today = date(9999, 1, 1);
    assert!(matches!(
        plan(book(), &i),
        Err(PlanError::OutOfRange { .. })
    ));
    i.start = date(-9999, 1, 1);
    assert!(plan(book(), &i).is_err());
}

#[test]
fn eight_months_are_strongly_recommended_on_a_working_day() {
    // D Monday 15 March 2027: D − 8 months is Wednesday 15 July 2026, a working day.
    let p = planned(&input(date(2027, 3, 15)));
    for id in ["title.check_expiry", "approval.apply"] {
        let m = p.milestone(id).unwrap();
        assert_eq!(m.recommended, Some(date(2026, 7, 15)), "{id}");
        // The deadline and the advised date keep their meaning.
        assert_eq!(
            (m.deadline, m.advised),
            (Some(date(2026, 9, 15)), Some(date(2026, 9, 15)))
        );
    }
    // Only those two carry one.
    assert_eq!(
        p.milestone("ceres.create_session").unwrap().recommended,
        None
    );
    // D Thursday 15 April 2027: D − 8 months is Saturday 15 August 2026 (and the
    // Assomption): recommended on Friday 14 August.
    let p = planned(&input(date(2027, 4, 15)));
    assert_eq!(
        p.milestone("title.check_expiry").unwrap().recommended,
        Some(date(2026, 8, 14))
    );
    // D Tuesday 31 August 2027: Thursday 31 December 2026.
    let p = planned(&input(date(2027, 8, 31)));
    assert_eq!(
        p.milestone("approval.apply").unwrap().recommended,
        Some(date(2026, 12, 31))
    );
}

#[test]
fn a_holiday_within_the_session_is_said() {
    // Monday 21 to Friday 25 December 2026: Christmas on the Friday.
    let mut i = input(date(2026, 12, 21));
    i.end = Some(date(2026, 12, 25));
    let p = planned(&i);
    assert_eq!(
        warning_codes(&p, "launch.start"),
        ["holiday_during_session"]
    );
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "holiday_during_session")
        .unwrap();
    assert_eq!(
        w.message,
        "La session compte 1 jour férié : vendredi 25 décembre 2026 (Noël). Vérifiez les dates."
    );
    // In Alsace-Moselle, the 26th too.
    i.end = Some(date(2026, 12, 28));
    i.zone = Zone::AlsaceMoselle;
    let p = planned(&i);
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == "holiday_during_session")
        .unwrap();
    assert!(
        w.message.starts_with("La session compte 2 jours fériés"),
        "{}",
        w.message
    );
    // A holiday on the first day is the start's own warning, not this one.
    let p = planned(&input(date(2027, 5, 17)));
    assert_eq!(
        warning_codes(&p, "launch.start"),
        ["start_on_non_working_day"]
    );
}
