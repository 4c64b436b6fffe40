//! The day itself: an épreuve is launched only with the session manager recorded present
//! that day; what happens during it — a late candidate, a suspected fraud, a malaise, a
//! breakdown — is reported as an incident the minutes will carry.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::{Problem, fr};

/// What kind of incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncidentCategory {
    Lateness,
    SuspectedFraud,
    Illness,
    Equipment,
    Interruption,
    Other,
}

impl IncidentCategory {
    pub const ALL: [IncidentCategory; 6] = [
        IncidentCategory::Lateness,
        IncidentCategory::SuspectedFraud,
        IncidentCategory::Illness,
        IncidentCategory::Equipment,
        IncidentCategory::Interruption,
        IncidentCategory::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IncidentCategory::Lateness => "lateness",
            IncidentCategory::SuspectedFraud => "suspected_fraud",
            IncidentCategory::Illness => "illness",
            IncidentCategory::Equipment => "equipment",
            IncidentCategory::Interruption => "interruption",
            IncidentCategory::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<IncidentCategory> {
        IncidentCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// « retard », « fraude suspectée »…
    pub fn label(self) -> &'static str {
        match self {
            IncidentCategory::Lateness => "retard",
            IncidentCategory::SuspectedFraud => "fraude suspectée",
            IncidentCategory::Illness => "malaise",
            IncidentCategory::Equipment => "matériel",
            IncidentCategory::Interruption => "interruption",
            IncidentCategory::Other => "autre",
        }
    }
}

/// An incident as the session manager reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IncidentInput {
    pub category: IncidentCategory,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// « 10:40 ».
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "10:40"))]
    pub time: Time,
    /// The épreuve during which it happened, or empty.
    #[serde(default)]
    pub epreuve: String,
    /// The candidates concerned (their ids).
    #[serde(default)]
    pub candidates: Vec<String>,
    pub description: String,
    /// What was done.
    #[serde(default)]
    pub measure: String,
    /// Who saw it (jurors, staff), in one line.
    #[serde(default)]
    pub witnesses: String,
}

/// The longest text of an incident, in characters.
pub const MAX_TEXT: usize = 4000;

fn text_problem(out: &mut Vec<Problem>, field: &str, what: &str, text: &str, required: bool) {
    let t = text.trim();
    if required && t.is_empty() {
        out.push(Problem::new(field, format!("{what} est obligatoire")));
    } else if t.chars().count() > MAX_TEXT {
        out.push(Problem::new(
            field,
            format!("{what} : {MAX_TEXT} caractères au plus"),
        ));
    } else if t
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        out.push(Problem::new(
            field,
            format!("{what} contient un caractère invalide"),
        ));
    }
}

impl IncidentInput {
    /// Every problem at once: its day within the session, not in the future, a description,
    /// the candidates among the session's, a suspected fraud naming who.
    pub fn problems(
        &self,
        start: Date,
        end: Date,
        today: Date,
        candidates: &[String],
        epreuves: &[String],
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.day < start || self.day > end {
            out.push(Problem::new(
                "day",
                format!(
                    "le {} n'est pas un jour de la session ({})",
                    fr::long_date(self.day),
                    fr::date_range(start, end)
                ),
            ));
        } else if self.day > today {
            out.push(Problem::new(
                "day",
                format!(
                    "un incident se rapporte le jour même ou après : le {} n'est pas encore venu",
                    fr::long_date(self.day)
                ),
            ));
        }
        text_problem(
            &mut out,
            "description",
            "la description",
            &self.description,
            true,
        );
        text_problem(&mut out, "measure", "la mesure prise", &self.measure, false);
        text_problem(&mut out, "witnesses", "les témoins", &self.witnesses, false);
        let e = self.epreuve.trim();
        if !e.is_empty() && !epreuves.iter().any(|x| x == e) {
            out.push(Problem::new(
                "epreuve",
                format!("l'épreuve « {e} » n'est pas une épreuve du titre"),
            ));
        }
        for (i, c) in self.candidates.iter().enumerate() {
            if !candidates.contains(c) {
                out.push(Problem::new(
                    format!("candidates[{}]", i + 1),
                    format!("aucun candidat de la session n'a l'identifiant « {c} »"),
                ));
            }
        }
        if self.category == IncidentCategory::SuspectedFraud && self.candidates.is_empty() {
            out.push(Problem::new(
                "candidates",
                "une fraude suspectée nomme le ou les candidats concernés",
            ));
        }
        out
    }
}

/// What happens on a day is recorded that day or after, and only for a day of the session.
pub fn day_problem(day: Date, today: Date, start: Date, end: Date) -> Option<Problem> {
    if day < start || day > end {
        return Some(Problem::new(
            "day",
            format!(
                "le {} n'est pas un jour de la session ({})",
                fr::long_date(day),
                fr::date_range(start, end)
            ),
        ));
    }
    (day > today).then(|| {
        Problem::new(
            "day",
            format!(
                "le {} n'est pas encore venu : cela s'enregistre ce jour-là",
                fr::long_date(day)
            ),
        )
    })
}

/// A candidate is admitted late to an épreuve begun: after its official start.
pub fn late_problem(name: &str, started: Option<Time>, arrived: Time) -> Option<Problem> {
    match started {
        None => Some(Problem::new(
            "arrived",
            format!(
                "{name} : l'épreuve n'a pas encore commencé ; enregistrez d'abord son heure de début"
            ),
        )),
        Some(s) if arrived <= s => Some(Problem::new(
            "arrived",
            format!(
                "{name} est arrivé(e) à {}, avant le début de l'épreuve ({}) : ce n'est pas un retard",
                fr::time(arrived),
                fr::time(s)
            ),
        )),
        Some(_) => None,
    }
}

/// An épreuve is launched only with the session manager recorded present that day.
pub fn launch_problem(manager_present: Option<&str>, day: Date) -> Option<(&'static str, String)> {
    manager_present.is_none().then(|| {
        (
            "launch.no_manager",
            format!(
                "le lancement du {} demande le responsable de session présent : enregistrez sa présence ce jour-là",
                fr::long_date(day)
            ),
        )
    })
}

/// « 9 h 12, 12 minutes après l'heure prévue (9 h) » : an official time against the
/// timetable's.
pub fn against_schedule(actual: Time, planned: Time) -> String {
    let minutes = (i32::from(actual.hour()) * 60 + i32::from(actual.minute()))
        - (i32::from(planned.hour()) * 60 + i32::from(planned.minute()));
    let at = fr::time(actual);
    match minutes {
        0 => format!("{at}, à l'heure prévue"),
        m if m > 0 => format!(
            "{at}, {} après l'heure prévue ({})",
            fr::duration(m as u32),
            fr::time(planned)
        ),
        m => format!(
            "{at}, {} avant l'heure prévue ({})",
            fr::duration((-m) as u32),
            fr::time(planned)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    fn incident() -> IncidentInput {
        IncidentInput {
            category: IncidentCategory::SuspectedFraud,
            day: date(2027, 3, 15),
            time: time(10, 40, 0, 0),
            epreuve: "Mise en situation".into(),
            candidates: vec!["c1".into()],
            description: "Téléphone allumé sous la table".into(),
            measure: "Téléphone retiré, épreuve poursuivie".into(),
            witnesses: "Marc LEROY, juré".into(),
        }
    }

    #[test]
    fn an_incident_is_of_the_session_days_and_a_fraud_names_its_candidates() {
        let (start, end) = (date(2027, 3, 15), date(2027, 3, 19));
        let ids = vec!["c1".to_owned()];
        let epreuves = vec!["Mise en situation".to_owned()];
        assert_eq!(
            incident().problems(start, end, date(2027, 3, 15), &ids, &epreuves),
            []
        );
        let early = incident().problems(start, end, date(2027, 3, 14), &ids, &epreuves);
        assert!(
            early[0].message.contains("n'est pas encore venu"),
            "{early:?}"
        );
        let bad = IncidentInput {
            candidates: vec![],
            description: " ".into(),
            epreuve: "Dictée".into(),
            ..incident()
        };
        let found: Vec<String> = bad
            .problems(start, end, date(2027, 3, 15), &ids, &epreuves)
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert_eq!(
            found,
            [
                "la description est obligatoire",
                "l'épreuve « Dictée » n'est pas une épreuve du titre",
                "une fraude suspectée nomme le ou les candidats concernés",
            ]
        );
        assert_eq!(
            IncidentCategory::parse("illness").unwrap().label(),
            "malaise"
        );
    }

    #[test]
    fn the_days_records_are_of_its_days_and_a_late_candidate_comes_after_the_start() {
        let (start, end) = (date(2027, 3, 15), date(2027, 3, 19));
        assert_eq!(
            day_problem(date(2027, 3, 16), date(2027, 3, 16), start, end),
            None
        );
        assert!(
            day_problem(date(2027, 3, 16), date(2027, 3, 15), start, end)
                .unwrap()
                .message
                .contains("n'est pas encore venu")
        );
        assert!(
            day_problem(date(2027, 3, 20), date(2027, 3, 25), start, end)
                .unwrap()
                .message
                .contains("n'est pas un jour de la session")
        );
        let nine = time(9, 0, 0, 0);
        assert_eq!(
            late_problem("DUPONT Jean", Some(nine), time(9, 20, 0, 0)),
            None
        );
        assert!(
            late_problem("DUPONT Jean", Some(nine), time(8, 55, 0, 0))
                .unwrap()
                .message
                .contains("ce n'est pas un retard")
        );
        assert!(late_problem("DUPONT Jean", None, nine).is_some());
    }

    #[test]
    fn the_launch_needs_the_manager_and_says_its_time_against_the_schedule() {
        let d = date(2027, 3, 15);
        assert_eq!(launch_problem(Some("Claire Martin"), d), None);
        assert_eq!(launch_problem(None, d).unwrap().0, "launch.no_manager");
        assert_eq!(
            against_schedule(time(9, 12, 0, 0), time(9, 0, 0, 0)),
            "9 h 12, 12 min après l'heure prévue (9 h)"
        );
        assert_eq!(
            against_schedule(time(9, 0, 0, 0), time(9, 0, 0, 0)),
            "9 h, à l'heure prévue"
        );
    }
}
