//! The rules a session must meet when it is created or changed. Each broken rule is refused
//! with a French message naming it, unless the user overrides it with a written
//! justification (kept in the journal by the caller).

use jiff::civil::Date;
use serde::Serialize;

use crate::{calendar, fr};

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Stable name: `session.start_too_close`, `title.expired`,
    /// `title.expires_before_ceres_deadline`, `approval.missing`, `approval.not_valid`,
    /// `manager.not_declared`.
    pub rule: &'static str,
    /// The milestone of the chronology the rule belongs to.
    pub milestone: &'static str,
    pub message: String,
}

/// Days between the CERES creation and the start of a session (J−91).
pub const CERES_LEAD_DAYS: i32 = 91;

#[derive(Debug, Clone, Copy)]
pub struct ApprovalFacts<'a> {
    pub number: &'a str,
    pub valid_from: Date,
    pub valid_until: Date,
}

#[derive(Debug, Clone, Copy)]
pub struct ManagerFacts<'a> {
    pub name: &'a str,
    /// Declared in the session's approval.
    pub declared: bool,
}

/// What is known of the session being created or changed.
#[derive(Debug, Clone, Copy)]
pub struct SessionFacts<'a> {
    pub start: Date,
    pub end: Date,
    pub today: Date,
    pub title_expiry: Date,
    pub approval: Option<ApprovalFacts<'a>>,
    pub manager: Option<ManagerFacts<'a>>,
}

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

pub fn check(f: &SessionFacts, concerns: Concerns) -> Vec<Violation> {
    let mut out = Vec::new();
    let ceres_deadline = calendar::add_days(f.start, -CERES_LEAD_DAYS);
    if concerns.dates {
        if let Some(deadline) = ceres_deadline
            && deadline < f.today
        {
            let days = calendar::days_between(f.today, f.start);
            let when = match days {
                d if d < 0 => format!("a commencé il y a {} jours", -d),
                0 => "commence aujourd'hui".to_owned(),
                d => format!("commence dans {d} jours"),
            };
            out.push(Violation {
                rule: "session.start_too_close",
                milestone: "ceres.create_session",
                message: format!(
                    "La session {when} (le {}) : il faut au moins 91 jours pour la créer dans CERES \
                     et commander les DTE ; la date limite était le {}.",
                    fr::long_date(f.start),
                    fr::long_date(deadline)
                ),
            });
        }
        if f.title_expiry <= f.today {
            out.push(Violation {
                rule: "title.expired",
                milestone: "ceres.create_session",
                message: format!(
                    "Le titre a expiré le {} : aucune nouvelle session ne peut être créée dans CERES \
                     (arrêté du 21 juillet 2016, article 1.2).",
                    fr::long_date(f.title_expiry)
                ),
            });
        } else if let Some(deadline) = ceres_deadline
            && f.title_expiry <= deadline
        {
            out.push(Violation {
                rule: "title.expires_before_ceres_deadline",
                milestone: "ceres.create_session",
                message: format!(
                    "Le titre expire le {}, avant la date limite de création dans CERES ({}) : \
                     la session doit être créée dans CERES avant l'échéance du titre.",
                    fr::long_date(f.title_expiry),
                    fr::long_date(deadline)
                ),
            });
        }
    }
    if concerns.dates || concerns.approval {
        match f.approval {
            None => out.push(Violation {
                rule: "approval.missing",
                milestone: "approval.apply",
                message: "Aucun agrément n'est indiqué : une session ne peut se tenir que sur un site \
                          agréé pour ce titre."
                    .to_owned(),
            }),
            Some(a) if !(a.valid_from <= f.start && f.end <= a.valid_until) => out.push(Violation {
                rule: "approval.not_valid",
                milestone: "approval.apply",
                message: format!(
                    "L'agrément n° {} est valable du {} au {} : il ne couvre pas la session du {} au {}.",
                    a.number,
                    fr::long_date(a.valid_from),
                    fr::long_date(a.valid_until),
                    fr::long_date(f.start),
                    fr::long_date(f.end)
                ),
            }),
            Some(_) => {}
        }
    }
    if (concerns.manager || concerns.approval)
        && let Some(m) = f.manager
        && !m.declared
    {
        let number = f
            .approval
            .map_or(String::new(), |a| format!(" n° {}", a.number));
        out.push(Violation {
            rule: "manager.not_declared",
            milestone: "manager.appoint",
            message: format!(
                "{} ne figure pas parmi les responsables de session déclarés dans l'agrément{number} : \
                 demandez la modification de l'agrément dans CERES (DRIEETS).",
                m.name
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn facts() -> SessionFacts<'static> {
        SessionFacts {
            start: date(2027, 3, 15),
            end: date(2027, 3, 19),
            today: date(2026, 11, 28),
            title_expiry: date(2030, 1, 1),
            approval: Some(ApprovalFacts {
                number: "AGR-75-001",
                valid_from: date(2025, 1, 1),
                valid_until: date(2029, 12, 31),
            }),
            manager: Some(ManagerFacts {
                name: "Claire Martin",
                declared: true,
            }),
        }
    }

    fn rules(f: &SessionFacts) -> Vec<&'static str> {
        check(f, Concerns::ALL)
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
        let v = check(&f, Concerns::ALL);
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
            check(
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
        f.title_expiry = date(2026, 12, 14);
        assert_eq!(rules(&f), ["title.expires_before_ceres_deadline"]);
        f.title_expiry = date(2026, 12, 15);
        assert!(rules(&f).is_empty());
        f.title_expiry = date(2026, 11, 28);
        assert_eq!(rules(&f), ["title.expired"]);
    }

    #[test]
    fn approval_must_cover_the_whole_session_and_declare_the_manager() {
        let mut f = facts();
        f.approval = Some(ApprovalFacts {
            number: "A1",
            valid_from: date(2025, 1, 1),
            valid_until: date(2027, 3, 18),
        });
        let v = check(&f, Concerns::ALL);
        assert_eq!(v[0].rule, "approval.not_valid");
        assert!(
            v[0].message
                .contains("du mercredi 1er janvier 2025 au jeudi 18 mars 2027"),
            "{}",
            v[0].message
        );
        f.approval = None;
        assert_eq!(rules(&f), ["approval.missing"]);
        let mut f = facts();
        f.manager = Some(ManagerFacts {
            name: "Paul Durand",
            declared: false,
        });
        let v = check(&f, Concerns::ALL);
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
}
