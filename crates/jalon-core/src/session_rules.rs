//! The rules a session must meet when it is created or changed. Each broken rule is refused
//! with a French message naming it, unless the user overrides it with a written
//! justification (kept in the journal by the caller).

use jiff::civil::Date;
use serde::Serialize;

use crate::checks::{Finding, SessionFacts};
use crate::milestone::{MilestoneId, ids};
use crate::{Problem, calendar, fr};

/// Days between the CERES creation and the start of a session (J−91).
pub const CERES_LEAD_DAYS: i32 = 91;

/// Which rules a change concerns: moving a session re-checks its dates, changing its
/// approval or manager re-checks those. Editing a CERES number re-checks nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concerns {
    pub dates: bool,
    pub approval: bool,
    pub manager: bool,
}

impl Concerns {
    pub const ALL: Concerns = Concerns {
        dates: true,
        approval: true,
        manager: true,
    };
}

fn finding(rule: &'static str, milestone: MilestoneId, message: String) -> Finding {
    Finding {
        rule,
        milestone,
        message,
        overridable: true,
    }
}

/// The rules a session created or changed breaks, on `today`. Its candidates play no part.
pub fn check(f: &SessionFacts, today: Date, concerns: Concerns) -> Vec<Finding> {
    let mut out = Vec::new();
    let ceres_deadline = calendar::add_days(f.start, -CERES_LEAD_DAYS);
    if concerns.dates {
        if let Some(deadline) = ceres_deadline
            && deadline < today
        {
            let days = calendar::days_between(today, f.start);
            let when = match days {
                d if d < 0 => format!("a commencé il y a {} jours", -d),
                0 => "commence aujourd'hui".to_owned(),
                d => format!("commence dans {d} jours"),
            };
            out.push(finding(
                "session.start_too_close",
                ids::CERES_CREATE_SESSION,
                format!(
                    "La session {when} (le {}) : il faut au moins 91 jours pour la créer dans CERES \
                     et commander les DTE ; la date limite était le {}.",
                    fr::long_date(f.start),
                    fr::long_date(deadline)
                ),
            ));
        }
        // A session created in CERES before its title's expiry may move: the regulation
        // asks for the creation before the expiry, which is done.
        if f.created_in_time(today) {
        } else if f.title_expiry <= today {
            out.push(finding(
                "title.expired",
                ids::CERES_CREATE_SESSION,
                format!(
                    "Le titre a expiré le {} : aucune nouvelle session ne peut être créée dans CERES \
                     (arrêté du 21 juillet 2016, article 1.2).",
                    fr::long_date(f.title_expiry)
                ),
            ));
        } else if let Some(deadline) = ceres_deadline
            && f.title_expiry <= deadline
        {
            out.push(finding(
                "title.expires_before_ceres_deadline",
                ids::CERES_CREATE_SESSION,
                format!(
                    "Le titre expire le {}, avant la date limite de création dans CERES ({}) : \
                     la session doit être créée dans CERES avant l'échéance du titre.",
                    fr::long_date(f.title_expiry),
                    fr::long_date(deadline)
                ),
            ));
        }
    }
    if concerns.dates || concerns.approval {
        match &f.approval {
            None => out.push(finding(
                "approval.missing",
                ids::APPROVAL_APPLY,
                "Aucun agrément n'est indiqué : une session ne peut se tenir que sur un site \
                 agréé pour ce titre."
                    .to_owned(),
            )),
            Some(a) if !a.covers(f.start, f.end) => out.push(finding(
                "approval.not_valid",
                ids::APPROVAL_APPLY,
                format!(
                    "L'agrément n° {} est valable du {} au {} : il ne couvre pas la session du {} au {}.",
                    a.number,
                    fr::long_date(a.valid_from),
                    fr::long_date(a.valid_until),
                    fr::long_date(f.start),
                    fr::long_date(f.end)
                ),
            )),
            Some(_) => {}
        }
    }
    if (concerns.manager || concerns.approval)
        && let Some(m) = &f.manager
        && !m.declared
    {
        let number = f
            .approval
            .as_ref()
            .map_or(String::new(), |a| format!(" n° {}", a.number));
        out.push(finding(
            "manager.not_declared",
            ids::MANAGER_APPOINT,
            format!(
                "{} ne figure pas parmi les responsables de session déclarés dans l'agrément{number} : \
                 demandez la modification de l'agrément dans CERES (DRIEETS).",
                m.name
            ),
        ));
    }
    out
}

/// The shortest justification that says something.
pub const MIN_JUSTIFICATION: usize = 15;
/// The longest justification kept.
pub const MAX_JUSTIFICATION: usize = 2000;
/// The longest CERES session number.
pub const MAX_CERES_NUMBER: usize = 40;

/// A justification as typed: `None` when blank.
pub fn justification(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// What the journal keeps of rules broken on purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    pub violations: Vec<Finding>,
    pub justification: String,
}

/// Why broken rules cannot be waived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No justification: the rules stand, to be shown.
    Broken(Vec<Finding>),
    /// The justification is too short to say anything.
    Justification(Problem),
}

/// Broken rules are refused unless a justification long enough is given; returns what the
/// journal must keep.
pub fn waive(findings: Vec<Finding>, text: Option<&str>) -> Result<Option<Waiver>, Refusal> {
    if findings.is_empty() {
        return Ok(None);
    }
    // What no justification can waive (the validation's date, which lifts the embargo).
    let fixed: Vec<Finding> = findings
        .iter()
        .filter(|f| !f.overridable)
        .cloned()
        .collect();
    if !fixed.is_empty() {
        return Err(Refusal::Broken(fixed));
    }
    match justification(text) {
        None => Err(Refusal::Broken(findings)),
        Some(t) if t.chars().count() < MIN_JUSTIFICATION => Err(Refusal::Justification(Problem {
            field: "override_justification".into(),
            message: format!(
                "la justification doit expliquer la dérogation en au moins {MIN_JUSTIFICATION} caractères"
            ),
        })),
        Some(t) => Ok(Some(Waiver {
            violations: findings,
            justification: t.to_owned(),
        })),
    }
}

/// A session is cancelled once.
pub fn cancel_problem(already_cancelled: bool) -> Option<Problem> {
    already_cancelled.then(|| Problem::new("session", "cette session est déjà annulée"))
}

/// What is wrong with the day of creation in CERES as typed: a day without a number, a day
/// still to come.
pub fn ceres_date_problems(
    ceres_number: Option<&str>,
    created_on: Option<Date>,
    today: Date,
) -> Vec<Problem> {
    let Some(on) = created_on else {
        return Vec::new();
    };
    let message = if ceres_number.is_none_or(|n| n.trim().is_empty()) {
        "indiquez aussi le numéro de la session créée dans CERES ce jour-là".to_owned()
    } else if on > today {
        format!(
            "la date de création dans CERES ({}) ne peut pas être dans le futur",
            fr::long_date(on)
        )
    } else if on.year() < 2000 {
        format!("année {} hors de la période de CERES", on.year())
    } else {
        return Vec::new();
    };
    vec![Problem::new("ceres_created_on", message)]
}

/// The longest request for complements kept.
pub const MAX_COMPLEMENTS: usize = 2000;

/// What is wrong with recording a request for complements from the departmental service:
/// a session already validated or cancelled, no text, a day still to come.
pub fn complements_problems(
    request: &str,
    on: Date,
    due: Option<Date>,
    today: Date,
    validated: bool,
    cancelled: bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if cancelled {
        out.push(Problem::new("session", "cette session est annulée"));
    } else if validated {
        out.push(Problem::new(
            "session",
            "cette session est déjà validée : rouvrez la validation pour enregistrer une demande de compléments",
        ));
    }
    let request = request.trim();
    if request.is_empty() {
        out.push(Problem::new(
            "request",
            "indiquez les compléments demandés par le service départemental",
        ));
    } else if request.chars().count() > MAX_COMPLEMENTS {
        out.push(Problem::new(
            "request",
            "demande trop longue (2 000 caractères au plus)",
        ));
    }
    if on > today {
        out.push(Problem::new(
            "on",
            format!(
                "la date de la demande ({}) ne peut pas être dans le futur",
                fr::long_date(on)
            ),
        ));
    }
    if let Some(d) = due
        && d < on
    {
        out.push(Problem::new(
            "due",
            format!(
                "les compléments ne peuvent être attendus avant la demande du {}",
                fr::long_date(on)
            ),
        ));
    }
    out
}

/// Why the validation of a session by the departmental service, given on `on`, cannot be
/// recorded: the session cancelled or already validated, its transmission not recorded (the
/// validation follows it), a day in the future or before the session's end.
pub fn validation_problems(
    on: Date,
    today: Date,
    end: Date,
    transmitted: bool,
    validated_on: Option<Date>,
    cancelled: bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if cancelled {
        out.push(Problem::new("session", "cette session est annulée"));
    } else if let Some(v) = validated_on {
        out.push(Problem::new(
            "session",
            format!("cette session est déjà validée, le {}", fr::long_date(v)),
        ));
    } else if !transmitted {
        out.push(Problem::new(
            "session",
            "la transmission des documents n'est pas enregistrée (jalon « Transmission des \
             documents ») : la validation la suit",
        ));
    }
    if on > today {
        out.push(Problem::new(
            "on",
            format!(
                "la validation du {} n'a pas encore eu lieu",
                fr::long_date(on)
            ),
        ));
    } else if on < end {
        out.push(Problem::new(
            "on",
            format!(
                "une session se valide après sa fin, le {}",
                fr::long_date(end)
            ),
        ));
    }
    out
}

/// Why the centre's answer to a request for complements cannot be recorded: no request
/// waiting, nothing said of what was sent, a day in the future or before the request.
pub fn answer_problems(
    answer: &str,
    on: Date,
    today: Date,
    requested_on: Option<Date>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let Some(asked) = requested_on else {
        return vec![Problem::new(
            "session",
            "aucune demande de compléments n'est enregistrée pour cette session",
        )];
    };
    let answer = answer.trim();
    if answer.is_empty() {
        out.push(Problem::new(
            "answer",
            "indiquez ce que le centre a envoyé au service départemental",
        ));
    } else if answer.chars().count() > MAX_COMPLEMENTS {
        out.push(Problem::new(
            "answer",
            "réponse trop longue (2 000 caractères au plus)",
        ));
    }
    if on > today {
        out.push(Problem::new(
            "on",
            format!(
                "la date de la réponse ({}) ne peut pas être dans le futur",
                fr::long_date(on)
            ),
        ));
    } else if on < asked {
        out.push(Problem::new(
            "on",
            format!("la réponse précède la demande du {}", fr::long_date(asked)),
        ));
    }
    out
}

/// The fields of a session as typed that are wrong by themselves (references apart).
pub fn input_problems(
    start: Date,
    end: Option<Date>,
    ceres_number: Option<&str>,
    override_justification: Option<&str>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for (field, d) in [("start", Some(start)), ("end", end)] {
        if let Some(d) = d
            && !(1900..=2200).contains(&d.year())
        {
            out.push(Problem {
                field: field.into(),
                message: format!(
                    "année {} hors de la période prise en charge (1900 à 2200)",
                    d.year()
                ),
            });
        }
    }
    if let Some(end) = end
        && end < start
    {
        out.push(Problem {
            field: "end".into(),
            message: format!(
                "la date de fin ({}) précède la date de début ({})",
                fr::long_date(end),
                fr::long_date(start)
            ),
        });
    }
    if ceres_number.is_some_and(|c| c.trim().chars().count() > MAX_CERES_NUMBER) {
        out.push(Problem {
            field: "ceres_number".into(),
            message: format!("numéro CERES trop long ({MAX_CERES_NUMBER} caractères au plus)"),
        });
    }
    if override_justification.is_some_and(|j| j.chars().count() > MAX_JUSTIFICATION) {
        out.push(Problem {
            field: "override_justification".into(),
            message: "justification trop longue (2 000 caractères au plus)".to_owned(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rule_that_cannot_be_waived_stands_whatever_the_justification() {
        let rules = crate::Rulebook::embedded();
        let mut f = crate::checks::tests::facts();
        let found = crate::checks::milestone(
            &rules,
            &crate::milestone::ids::VALIDATION_DECISION,
            &f,
            f.end,
        )
        .unwrap();
        assert!(!found.overridable);
        let long = "Le service a validé par téléphone, la date suivra par courriel.";
        let Err(super::Refusal::Broken(v)) = super::waive(vec![found], Some(long)) else {
            panic!("waived")
        };
        assert_eq!(v[0].rule, "validation.not_recorded");
        f.validated_on = Some(f.end);
        assert_eq!(
            crate::checks::milestone(
                &rules,
                &crate::milestone::ids::VALIDATION_DECISION,
                &f,
                f.end
            ),
            None
        );
    }

    #[test]
    fn a_session_is_validated_once_after_its_end_and_its_transmission() {
        use super::validation_problems as v;
        use jiff::civil::date;
        let (today, end) = (date(2027, 4, 10), date(2027, 3, 19));
        let m = |p: Vec<crate::Problem>| p.into_iter().map(|p| p.message).collect::<Vec<_>>();
        assert!(v(date(2027, 4, 5), today, end, true, None, false).is_empty());
        assert_eq!(
            m(v(date(2027, 4, 5), today, end, false, None, false)),
            [
                "la transmission des documents n'est pas enregistrée (jalon « Transmission des \
              documents ») : la validation la suit"
            ]
        );
        assert_eq!(
            m(v(
                date(2027, 4, 5),
                today,
                end,
                true,
                Some(date(2027, 4, 2)),
                false
            )),
            ["cette session est déjà validée, le vendredi 2 avril 2027"]
        );
        assert_eq!(
            m(v(date(2027, 3, 18), today, end, true, None, false)),
            ["une session se valide après sa fin, le vendredi 19 mars 2027"]
        );
        assert_eq!(
            m(v(date(2027, 4, 11), today, end, true, None, false)),
            ["la validation du dimanche 11 avril 2027 n'a pas encore eu lieu"]
        );
    }

    #[test]
    fn an_answer_follows_a_request_and_says_what_was_sent() {
        use super::answer_problems as a;
        use jiff::civil::date;
        let today = date(2027, 4, 10);
        let m = |p: Vec<crate::Problem>| p.into_iter().map(|p| p.message).collect::<Vec<_>>();
        assert_eq!(
            m(a("x", today, today, None)),
            ["aucune demande de compléments n'est enregistrée pour cette session"]
        );
        assert!(
            a(
                "Feuille signée envoyée",
                today,
                today,
                Some(date(2027, 4, 1))
            )
            .is_empty()
        );
        assert_eq!(
            m(a(" ", date(2027, 3, 30), today, Some(date(2027, 4, 1)))),
            [
                "indiquez ce que le centre a envoyé au service départemental",
                "la réponse précède la demande du jeudi 1ᵉʳ avril 2027"
            ]
        );
    }

    use super::*;
    use crate::checks::{ApprovalFacts, ManagerFacts};
    use jiff::civil::date;

    /// A session's facts and the day they are checked.
    struct Case {
        f: SessionFacts,
        today: Date,
    }

    fn facts() -> Case {
        Case {
            today: date(2026, 11, 28),
            f: facts_only(),
        }
    }

    fn facts_only() -> SessionFacts {
        SessionFacts {
            start: date(2027, 3, 15),
            end: date(2027, 3, 19),
            ceres_number: None,
            ceres_created_on: None,
            candidates: Vec::new(),
            title_expiry: date(2030, 1, 1),
            zone: crate::Zone::Metropole,
            ticked: Default::default(),
            attendance: None,
            jury: Default::default(),
            custody: Default::default(),
            validated_on: None,
            minutes_signed: Default::default(),
            documents_launched_on: None,
            with_files: Default::default(),
            archived: Default::default(),
            transmitted_on: None,
            transmit_deadline: None,
            approval: Some(ApprovalFacts {
                number: "AGR-75-001".to_owned(),
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 12, 31),
            }),
            manager: Some(ManagerFacts {
                name: "Claire Martin".to_owned(),
                declared: true,
            }),
        }
    }

    fn check_case(c: &Case, concerns: Concerns) -> Vec<Finding> {
        check(&c.f, c.today, concerns)
    }

    fn rules(c: &Case) -> Vec<&'static str> {
        check_case(c, Concerns::ALL)
            .into_iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn a_well_prepared_session_breaks_nothing() {
        assert!(rules(&facts()).is_empty());
    }

    #[test]
    fn the_91_day_rule_counts_from_today() {
        // D − 91 = 14 December 2026: fine on that day, refused the day after.
        let mut f = facts();
        f.today = date(2026, 12, 14);
        assert!(rules(&f).is_empty());
        f.today = date(2026, 12, 15);
        let v = check_case(&f, Concerns::ALL);
        assert_eq!(v[0].rule, "session.start_too_close");
        assert!(
            v[0].message.contains("commence dans 90 jours"),
            "{}",
            v[0].message
        );
        assert!(
            v[0].message.contains("lundi 14 décembre 2026"),
            "{}",
            v[0].message
        );
        // Editing something else than the dates re-checks nothing about them.
        assert!(
            check_case(
                &f,
                Concerns {
                    dates: false,
                    approval: false,
                    manager: true
                }
            )
            .is_empty()
        );
    }

    #[test]
    fn title_expiry_rules() {
        let mut f = facts();
        f.f.title_expiry = date(2026, 12, 14);
        assert_eq!(rules(&f), ["title.expires_before_ceres_deadline"]);
        f.f.title_expiry = date(2026, 12, 15);
        assert!(rules(&f).is_empty());
        f.f.title_expiry = date(2026, 11, 28);
        assert_eq!(rules(&f), ["title.expired"]);
        // Created in CERES on 1 October 2026, before the expiry: moving it needs no override
        // once the title has expired.
        f.f.ceres_number = Some("2027-001".to_owned());
        f.f.ceres_created_on = Some(date(2026, 10, 1));
        assert!(rules(&f).is_empty());
        // A number without its date: the creation cannot be shown to precede the expiry.
        f.f.ceres_created_on = None;
        assert_eq!(rules(&f), ["title.expired"]);
        // Before the expiry, a number alone is a creation already done, before it.
        f.f.title_expiry = date(2026, 12, 14);
        assert!(rules(&f).is_empty());
    }

    #[test]
    fn complements_need_a_text_a_past_day_and_a_session_not_yet_validated() {
        let today = date(2027, 4, 2);
        assert!(
            complements_problems(
                "Feuille d'émargement du 17 mars",
                today,
                None,
                today,
                false,
                false
            )
            .is_empty()
        );
        let late = complements_problems("x", today, Some(date(2027, 3, 1)), today, false, false);
        assert_eq!(late[0].field, "due");
        let p = complements_problems(" ", date(2027, 4, 3), None, today, true, false);
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["session", "request", "on"]);
        assert!(p[0].message.contains("déjà validée"), "{}", p[0].message);
        assert_eq!(
            p[2].message,
            "la date de la demande (samedi 3 avril 2027) ne peut pas être dans le futur"
        );
    }

    #[test]
    fn the_day_of_creation_in_ceres_needs_its_number_and_is_past() {
        let today = date(2026, 11, 28);
        assert!(ceres_date_problems(Some("2027-001"), Some(today), today).is_empty());
        assert!(ceres_date_problems(None, None, today).is_empty());
        let p = ceres_date_problems(Some(" "), Some(today), today);
        assert_eq!(p[0].field, "ceres_created_on");
        assert!(p[0].message.contains("numéro"), "{}", p[0].message);
        let p = ceres_date_problems(Some("2027-001"), Some(date(2026, 11, 29)), today);
        assert_eq!(
            p[0].message,
            "la date de création dans CERES (dimanche 29 novembre 2026) ne peut pas être dans le futur"
        );
    }

    #[test]
    fn approval_must_cover_the_whole_session_and_declare_the_manager() {
        let mut f = facts();
        f.f.approval = Some(ApprovalFacts {
            number: "A1".to_owned(),
            valid_from: date(2025, 1, 1),
            valid_until: date(2027, 3, 18),
        });
        let v = check_case(&f, Concerns::ALL);
        assert_eq!(v[0].rule, "approval.not_valid");
        assert!(
            v[0].message
                .contains("du mercredi 1ᵉʳ janvier 2025 au jeudi 18 mars 2027"),
            "{}",
            v[0].message
        );
        f.f.approval = None;
        assert_eq!(rules(&f), ["approval.missing"]);
        let mut f = facts();
        f.f.manager = Some(ManagerFacts {
            name: "Paul Durand".to_owned(),
            declared: false,
        });
        let v = check_case(&f, Concerns::ALL);
        assert_eq!(v[0].rule, "manager.not_declared");
        assert!(
            v[0].message.starts_with(
                "Paul Durand ne figure pas parmi les responsables de session déclarés"
            ),
            "{}",
            v[0].message
        );
        assert!(v[0].message.contains("DRIEETS"));
    }

    #[test]
    fn broken_rules_need_a_justification_that_says_something() {
        let f = facts_only();
        assert_eq!(waive(Vec::new(), None), Ok(None));
        let broken = check(&f, date(2027, 1, 4), Concerns::ALL);
        assert_eq!(broken[0].rule, "session.start_too_close");
        assert_eq!(
            waive(broken.clone(), Some("   ")),
            Err(Refusal::Broken(broken.clone()))
        );
        match waive(broken.clone(), Some("trop court")) {
            Err(Refusal::Justification(p)) => {
                assert_eq!(p.field, "override_justification");
                assert!(
                    p.message.contains("au moins 15 caractères"),
                    "{}",
                    p.message
                );
            }
            other => panic!("{other:?}"),
        }
        let w = waive(
            broken.clone(),
            Some("  Accord écrit de la DREETS du 2 janvier  "),
        )
        .unwrap()
        .unwrap();
        assert_eq!(w.justification, "Accord écrit de la DREETS du 2 janvier");
        assert_eq!(w.violations, broken);
    }

    #[test]
    fn input_problems_name_their_field() {
        let (start, end) = (date(2027, 3, 15), date(2027, 3, 12));
        let long = "9".repeat(41);
        let p = input_problems(start, Some(end), Some(&long), Some(&"x".repeat(2001)));
        let fields: Vec<&str> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["end", "ceres_number", "override_justification"]);
        assert!(
            p[0].message.contains("vendredi 12 mars 2027"),
            "{}",
            p[0].message
        );
        assert!(input_problems(start, None, Some("2027-0001"), None).is_empty());
        let p = input_problems(date(2301, 1, 1), None, None, None);
        assert_eq!(p[0].field, "start");
        assert!(
            p[0].message.contains("année 2301 hors de la période"),
            "{}",
            p[0].message
        );
    }
}
