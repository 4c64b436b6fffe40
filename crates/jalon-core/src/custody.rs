//! The sealed papers of a session, as an inspector reads their custody log: the Dossiers
//! Techniques d'Évaluation (DTE) ordered from the AFPA at J−91 and received at J−21, each
//! packet — the organiser's envelope, the subject envelopes of an épreuve, anything else —
//! received, stored under lock, opened (when, by whom, before whom), destroyed (how, with a
//! witness) or returned. A packet moves only forward, and never at the wrong moment: the
//! organiser's envelope from J−5, a subject envelope on its épreuve's day only; an envelope is
//! opened once, never after its destruction, and destroyed unopened only with a written
//! reason. Each refusal is a French sentence naming the packet, under its rule.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::add_days;
use crate::{Problem, fr};

/// The organiser's envelope may be opened from this many days before the start (J−5).
pub const ORGANISER_OPENS_DAYS: i32 = -5;
/// The Ministry's FAQ advises chasing the AFPA two weeks before the session.
pub const CHASE_ADVISED_DAYS: i32 = -14;

/// What a packet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PacketKind {
    /// The « pli réservé à l'organisateur », opened from J−5.
    Organiser,
    /// The subjects of one épreuve, opened on its day in front of the candidates.
    Subjects,
    Other,
}

impl PacketKind {
    pub fn label(self) -> &'static str {
        match self {
            PacketKind::Organiser => "pli réservé à l'organisateur",
            PacketKind::Subjects => "pli sujets",
            PacketKind::Other => "autre pli",
        }
    }
}

/// Where a packet stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PacketState {
    Received,
    Stored,
    Opened,
    Destroyed,
    Returned,
}

impl PacketState {
    pub fn as_str(self) -> &'static str {
        match self {
            PacketState::Received => "received",
            PacketState::Stored => "stored",
            PacketState::Opened => "opened",
            PacketState::Destroyed => "destroyed",
            PacketState::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<PacketState> {
        Some(match s {
            "received" => PacketState::Received,
            "stored" => PacketState::Stored,
            "opened" => PacketState::Opened,
            "destroyed" => PacketState::Destroyed,
            "returned" => PacketState::Returned,
            _ => return None,
        })
    }

    /// « reçu », « rangé », « ouvert », « détruit », « retourné ».
    pub fn label(self) -> &'static str {
        match self {
            PacketState::Received => "reçu",
            PacketState::Stored => "rangé sous clé",
            PacketState::Opened => "ouvert",
            PacketState::Destroyed => "détruit",
            PacketState::Returned => "retourné",
        }
    }
}

/// What the rules need to know of a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketFacts {
    pub kind: PacketKind,
    /// « Pli sujets n° 2 », as the centre labels it.
    pub label: String,
    /// The épreuve of a subject envelope.
    pub epreuve: Option<String>,
    pub state: PacketState,
}

impl PacketFacts {
    /// « le pli sujets « Pli n° 2 » (Mise en situation professionnelle) ».
    pub fn describe(&self) -> String {
        match &self.epreuve {
            Some(e) if !e.trim().is_empty() => {
                format!("le {} « {} » ({e})", self.kind.label(), self.label.trim())
            }
            _ => format!("le {} « {} »", self.kind.label(), self.label.trim()),
        }
    }
}

/// A move of a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Store,
    Open,
    Destroy,
    Return,
}

/// A move refused: its rule and its sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub rule: &'static str,
    pub message: String,
}

impl Refusal {
    pub(crate) fn new(rule: &'static str, message: String) -> Refusal {
        Refusal { rule, message }
    }
}

/// When a move happens, and the dates that bound it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When<'a> {
    pub today: Date,
    /// The session's first day (D).
    pub start: Date,
    /// The site's zone: when J−5 is not a working day, the envelope may be opened on the last
    /// working day before, the day the chronology advises.
    pub zone: crate::Zone,
    /// The days the packet's épreuve takes place (from the timetable), for a subject
    /// envelope.
    pub epreuve_days: &'a [Date],
    /// The written reason, for a packet destroyed unopened.
    pub reason: &'a str,
}

/// Why `packet` may not make `step` now; `None` when it may.
pub fn move_problem(packet: &PacketFacts, step: Move, when: &When<'_>) -> Option<Refusal> {
    let name = packet.describe();
    match packet.state {
        PacketState::Destroyed => {
            return Some(Refusal::new(
                "packet.destroyed",
                format!(
                    "{name} est détruit : il ne peut plus être rangé, ouvert, détruit ni retourné"
                ),
            ));
        }
        PacketState::Returned => {
            return Some(Refusal::new(
                "packet.returned",
                format!("{name} a été retourné : il n'est plus au centre"),
            ));
        }
        _ => {}
    }
    match step {
        Move::Store => (packet.state == PacketState::Opened).then(|| {
            Refusal::new(
                "packet.already_opened",
                format!("{name} est ouvert : il ne se range plus comme un pli scellé"),
            )
        }),
        Move::Open => {
            if packet.state == PacketState::Opened {
                return Some(Refusal::new(
                    "packet.already_opened",
                    format!("{name} est déjà ouvert : une enveloppe ne s'ouvre qu'une fois"),
                ));
            }
            open_day_problem(packet, when)
        }
        Move::Destroy => (packet.state != PacketState::Opened && when.reason.trim().is_empty())
            .then(|| {
                Refusal::new(
                    "packet.destroy_unopened",
                    format!(
                        "{name} n'a pas été ouvert : dites par écrit pourquoi il est détruit sans avoir été ouvert"
                    ),
                )
            }),
        Move::Return => (packet.state == PacketState::Opened).then(|| {
            Refusal::new(
                "packet.already_opened",
                format!("{name} est ouvert : un pli ouvert se détruit, il ne se retourne pas"),
            )
        }),
    }
}

/// The organiser's envelope from J−5; a subject envelope on its épreuve's day only.
fn open_day_problem(packet: &PacketFacts, when: &When<'_>) -> Option<Refusal> {
    let name = packet.describe();
    match packet.kind {
        PacketKind::Organiser => {
            let j5 = add_days(when.start, ORGANISER_OPENS_DAYS)?;
            // J−5 on a day off: from the last working day before it, as the chronology
            // advises.
            let from = crate::calendar::advised(j5, when.zone).unwrap_or(j5);
            (when.today < from).then(|| {
                Refusal::new(
                    "packet.too_early",
                    if from == j5 {
                        format!(
                            "{name} s'ouvre à partir de J−5, le {} : pas avant",
                            fr::long_date(from)
                        )
                    } else {
                        format!(
                            "{name} s'ouvre à partir de J−5 ({}, jour non ouvré), soit dès le {} : \
                             pas avant",
                            fr::long_date(j5),
                            fr::long_date(from)
                        )
                    },
                )
            })
        }
        PacketKind::Subjects => {
            if when.epreuve_days.contains(&when.today) {
                return None;
            }
            let first = when.epreuve_days.iter().min().copied();
            match first {
                None => Some(Refusal::new(
                    "packet.no_epreuve_day",
                    format!(
                        "{name} : son épreuve n'a pas de jour dans l'emploi du temps ; indiquez l'épreuve du pli"
                    ),
                )),
                Some(first) if when.today < first => Some(Refusal::new(
                    "packet.too_early",
                    format!(
                        "{name} s'ouvre le jour de son épreuve, le {}, devant les candidats : pas avant",
                        fr::long_date(first)
                    ),
                )),
                Some(_) => Some(Refusal::new(
                    "packet.not_its_day",
                    format!(
                        "{name} s'ouvre le jour de son épreuve ({}) : pas un autre jour",
                        when.epreuve_days
                            .iter()
                            .map(|d| fr::long_date(*d))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
        PacketKind::Other => None,
    }
}

/// The state a move leads to.
pub fn after(step: Move) -> PacketState {
    match step {
        Move::Store => PacketState::Stored,
        Move::Open => PacketState::Opened,
        Move::Destroy => PacketState::Destroyed,
        Move::Return => PacketState::Returned,
    }
}

/// The day the Ministry advises chasing the AFPA (D − 14), inside the chase's window.
pub fn chase_advised(start: Date) -> Option<Date> {
    add_days(start, CHASE_ADVISED_DAYS)
}

/// What is wrong with a packet as received: its label, and a subject envelope's épreuve
/// among the title's.
pub fn packet_problems(
    field: &str,
    kind: PacketKind,
    label: &str,
    epreuve: Option<&str>,
    epreuves: &[String],
) -> Vec<Problem> {
    let mut out = Vec::new();
    if label.trim().is_empty() || label.chars().count() > 200 || label.chars().any(char::is_control)
    {
        out.push(Problem::new(
            field,
            "donnez au pli son libellé ou son numéro (200 caractères au plus)",
        ));
    }
    match (kind, epreuve.map(str::trim).filter(|e| !e.is_empty())) {
        (PacketKind::Subjects, None) => out.push(Problem::new(
            field,
            format!(
                "« {} » : un pli sujets est celui d'une épreuve ; choisissez-la",
                label.trim()
            ),
        )),
        (_, Some(e)) if !epreuves.iter().any(|x| x == e) => out.push(Problem::new(
            field,
            format!(
                "« {} » : l'épreuve « {e} » n'est pas une épreuve du titre ({})",
                label.trim(),
                epreuves.join(", ")
            ),
        )),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn packet(kind: PacketKind, state: PacketState) -> PacketFacts {
        PacketFacts {
            kind,
            label: "Pli n° 1".into(),
            epreuve: (kind == PacketKind::Subjects).then(|| "Mise en situation".to_owned()),
            state,
        }
    }

    /// The session of Monday 15 March 2027 (J−5 = Wednesday 10 March); its mise en
    /// situation on the 15th and 16th.
    fn when(today: Date) -> When<'static> {
        const DAYS: [Date; 2] = [date(2027, 3, 15), date(2027, 3, 16)];
        When {
            today,
            start: date(2027, 3, 15),
            zone: crate::Zone::Metropole,
            epreuve_days: &DAYS,
            reason: "",
        }
    }

    #[test]
    fn the_organisers_envelope_opens_from_j_minus_5() {
        let p = packet(PacketKind::Organiser, PacketState::Stored);
        let refused = move_problem(&p, Move::Open, &when(date(2027, 3, 9))).unwrap();
        assert_eq!(refused.rule, "packet.too_early");
        assert_eq!(
            refused.message,
            "le pli réservé à l'organisateur « Pli n° 1 » s'ouvre à partir de J−5, le mercredi 10 mars 2027 : pas avant"
        );
        assert_eq!(move_problem(&p, Move::Open, &when(date(2027, 3, 10))), None);
        // J−5 on a Sunday (session of Friday 4 December 2026): from Friday 27 November,
        // the day the chronology advises.
        let friday = |today| When {
            start: date(2026, 12, 4),
            ..when(today)
        };
        assert_eq!(
            move_problem(&p, Move::Open, &friday(date(2026, 11, 27))),
            None
        );
        let refused = move_problem(&p, Move::Open, &friday(date(2026, 11, 26))).unwrap();
        assert_eq!(
            refused.message,
            "le pli réservé à l'organisateur « Pli n° 1 » s'ouvre à partir de J−5 (dimanche 29 \
             novembre 2026, jour non ouvré), soit dès le vendredi 27 novembre 2026 : pas avant"
        );
    }

    #[test]
    fn a_subject_envelope_opens_on_its_epreuves_day_only_and_once() {
        let p = packet(PacketKind::Subjects, PacketState::Stored);
        let before = move_problem(&p, Move::Open, &when(date(2027, 3, 14))).unwrap();
        assert_eq!(before.rule, "packet.too_early");
        assert!(
            before
                .message
                .contains("le lundi 15 mars 2027, devant les candidats")
        );
        assert_eq!(move_problem(&p, Move::Open, &when(date(2027, 3, 16))), None);
        let after_it = move_problem(&p, Move::Open, &when(date(2027, 3, 17))).unwrap();
        assert_eq!(after_it.rule, "packet.not_its_day");
        let opened = packet(PacketKind::Subjects, PacketState::Opened);
        assert_eq!(
            move_problem(&opened, Move::Open, &when(date(2027, 3, 15)))
                .unwrap()
                .rule,
            "packet.already_opened"
        );
        assert_eq!(
            move_problem(&opened, Move::Return, &when(date(2027, 3, 15)))
                .unwrap()
                .rule,
            "packet.already_opened"
        );
    }

    #[test]
    fn a_destroyed_packet_does_nothing_more_and_an_unopened_one_needs_a_reason() {
        let stored = packet(PacketKind::Subjects, PacketState::Stored);
        let refused = move_problem(&stored, Move::Destroy, &when(date(2027, 3, 16))).unwrap();
        assert_eq!(refused.rule, "packet.destroy_unopened");
        let with_reason = When {
            reason: "sujet de secours non utilisé",
            ..when(date(2027, 3, 16))
        };
        assert_eq!(move_problem(&stored, Move::Destroy, &with_reason), None);
        let opened = packet(PacketKind::Subjects, PacketState::Opened);
        assert_eq!(
            move_problem(&opened, Move::Destroy, &when(date(2027, 3, 16))),
            None
        );
        let destroyed = packet(PacketKind::Subjects, PacketState::Destroyed);
        for step in [Move::Store, Move::Open, Move::Destroy, Move::Return] {
            assert_eq!(
                move_problem(&destroyed, step, &with_reason).unwrap().rule,
                "packet.destroyed"
            );
        }
        assert_eq!(after(Move::Destroy), PacketState::Destroyed);
        assert_eq!(chase_advised(date(2027, 3, 15)), Some(date(2027, 3, 1)));
    }

    #[test]
    fn a_packet_received_names_its_epreuve_among_the_titles() {
        let epreuves = vec!["Mise en situation".to_owned(), "Entretien final".to_owned()];
        assert_eq!(
            packet_problems(
                "packets[1]",
                PacketKind::Subjects,
                "Pli 1",
                Some("Mise en situation"),
                &epreuves
            ),
            []
        );
        let found = packet_problems("packets[2]", PacketKind::Subjects, "Pli 2", None, &epreuves);
        assert_eq!(
            found[0].message,
            "« Pli 2 » : un pli sujets est celui d'une épreuve ; choisissez-la"
        );
        let found = packet_problems(
            "packets[3]",
            PacketKind::Subjects,
            " ",
            Some("Dictée"),
            &epreuves,
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[1]
                .message
                .contains("l'épreuve « Dictée » n'est pas une épreuve du titre")
        );
    }
}

/// What the custody checks read of a session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustodyFacts {
    pub ordered: bool,
    /// The reception, when recorded: how many packets, a storage place, key holders.
    pub received: Option<(usize, bool, usize)>,
    pub chased: bool,
    pub packets: Vec<PacketFacts>,
    /// Each épreuve's days, from the timetable (for the sessions whose days are checked).
    pub epreuve_days: Vec<(String, Date)>,
    /// The days gone by of a session under way or just held, with what was recorded.
    pub days: Vec<DayFacts>,
}

/// What was recorded on one day of the session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DayFacts {
    pub day: Date,
    pub manager: bool,
    /// The épreuves whose official start is recorded.
    pub started: Vec<String>,
    /// The épreuves whose unused subjects were destroyed.
    pub unused_destroyed: Vec<String>,
}

/// One custody check that fails: its rule, and what to do, in French.
pub type CustodyFinding = (&'static str, String);

fn listed(rule: &'static str, what: &str, items: &[String]) -> Option<CustodyFinding> {
    (!items.is_empty()).then(|| {
        let shown: Vec<&str> = items.iter().take(3).map(String::as_str).collect();
        let more = match items.len() {
            n if n > 3 => format!(" ; et {} autre{}", n - 3, if n - 3 > 1 { "s" } else { "" }),
            _ => String::new(),
        };
        (rule, format!("{what} : {}{more}.", shown.join(" ; ")))
    })
}

impl CustodyFacts {
    fn days_of(&self, epreuve: &str) -> Vec<Date> {
        let mut d: Vec<Date> = self
            .epreuve_days
            .iter()
            .filter(|(e, _)| e == epreuve)
            .map(|(_, d)| *d)
            .collect();
        d.sort();
        d.dedup();
        d
    }

    /// `dte.order`: the order recorded.
    pub fn order(&self) -> Option<CustodyFinding> {
        (!self.ordered).then(|| {
            (
                "dte.order_missing",
                "La commande des DTE n'est pas enregistrée : sa date, sa référence et qui l'a passée.".to_owned(),
            )
        })
    }

    /// `dte.receive`: the reception recorded, with its packets, its locked place and who holds
    /// the key.
    pub fn reception(&self) -> Option<CustodyFinding> {
        match self.received {
            None => Some((
                "dte.not_received",
                "La réception des DTE n'est pas enregistrée : les plis reçus, leurs scellés, le lieu fermé à clé et qui en détient la clé.".to_owned(),
            )),
            Some((0, _, _)) => Some((
                "dte.no_packets",
                "La réception des DTE ne liste aucun pli.".to_owned(),
            )),
            Some((_, false, _)) | Some((_, _, 0)) => Some((
                "dte.storage_missing",
                "La réception des DTE ne dit pas où ils sont fermés à clé ni qui en détient la clé.".to_owned(),
            )),
            Some(_) => None,
        }
    }

    /// `dte.chase_afpa`: DTE received, or the AFPA chased.
    pub fn chase(&self) -> Option<CustodyFinding> {
        (self.received.is_none() && !self.chased).then(|| {
            (
                "dte.not_chased",
                "Les DTE ne sont pas reçus et aucune relance de l'AFPA n'est enregistrée."
                    .to_owned(),
            )
        })
    }

    /// `prep.open_organiser_envelope`: the organiser's envelope received, then opened.
    pub fn organiser(&self) -> Option<CustodyFinding> {
        let theirs: Vec<&PacketFacts> = self
            .packets
            .iter()
            .filter(|p| p.kind == PacketKind::Organiser)
            .collect();
        if theirs.is_empty() {
            return Some((
                "packet.no_organiser",
                "Aucun pli réservé à l'organisateur n'est enregistré à la réception des DTE."
                    .to_owned(),
            ));
        }
        let shut: Vec<String> = theirs
            .iter()
            .filter(|p| matches!(p.state, PacketState::Received | PacketState::Stored))
            .map(|p| p.describe())
            .collect();
        listed("packet.organiser_unopened", "Pli non ouvert", &shut)
    }

    /// `launch.open_subjects`: each subject envelope of an épreuve begun opened.
    pub fn subjects_opened(&self, today: Date) -> Option<CustodyFinding> {
        let shut: Vec<String> = self
            .packets
            .iter()
            .filter(|p| p.kind == PacketKind::Subjects)
            .filter(|p| matches!(p.state, PacketState::Received | PacketState::Stored))
            .filter(|p| {
                p.epreuve
                    .as_deref()
                    .is_some_and(|e| self.days_of(e).first().is_some_and(|d| *d <= today))
            })
            .map(|p| p.describe())
            .collect();
        listed(
            "packet.subjects_unopened",
            "Pli sujets de l'épreuve commencée non ouvert",
            &shut,
        )
    }

    /// `launch.start`: each day gone by, the manager recorded present and each épreuve's
    /// official start recorded.
    pub fn started(&self) -> Option<CustodyFinding> {
        let mut missing = Vec::new();
        for d in &self.days {
            if !d.manager {
                missing.push(format!(
                    "responsable de session non enregistré présent le {}",
                    fr::long_date(d.day)
                ));
            }
            for (e, _) in self.epreuve_days.iter().filter(|(_, day)| *day == d.day) {
                if !d.started.contains(e) {
                    missing.push(format!(
                        "{e}, {} : début non enregistré",
                        fr::long_date(d.day)
                    ));
                }
            }
        }
        missing.dedup();
        listed("launch.not_started", "À enregistrer", &missing)
    }

    /// `launch.destroy_unused`: each épreuve begun, its unused subjects destroyed.
    pub fn unused(&self) -> Option<CustodyFinding> {
        let mut missing = Vec::new();
        for d in &self.days {
            for e in &d.started {
                if !d.unused_destroyed.contains(e) {
                    missing.push(format!("{e}, {}", fr::long_date(d.day)));
                }
            }
        }
        listed(
            "launch.unused_not_destroyed",
            "Destruction des sujets non utilisés non enregistrée",
            &missing,
        )
    }

    /// `close.destroy_subjects`: after each épreuve, its opened subjects destroyed.
    pub fn subjects_destroyed(&self, today: Date) -> Option<CustodyFinding> {
        let kept: Vec<String> = self
            .packets
            .iter()
            .filter(|p| p.kind == PacketKind::Subjects && p.state == PacketState::Opened)
            .filter(|p| {
                p.epreuve
                    .as_deref()
                    .is_none_or(|e| self.days_of(e).last().is_none_or(|d| *d <= today))
            })
            .map(|p| p.describe())
            .collect();
        listed(
            "packet.subjects_not_destroyed",
            "Pli ouvert, à détruire",
            &kept,
        )
    }
}

#[cfg(test)]
mod facts_tests {
    use super::*;
    use jiff::civil::date;

    fn subjects(state: PacketState) -> PacketFacts {
        PacketFacts {
            kind: PacketKind::Subjects,
            label: "Pli 1".into(),
            epreuve: Some("Mise en situation".into()),
            state,
        }
    }

    #[test]
    fn the_custody_checks_say_what_is_missing() {
        let d = date(2027, 3, 15);
        let mut f = CustodyFacts {
            epreuve_days: vec![("Mise en situation".into(), d)],
            ..CustodyFacts::default()
        };
        assert_eq!(f.order().unwrap().0, "dte.order_missing");
        assert_eq!(f.reception().unwrap().0, "dte.not_received");
        assert_eq!(f.chase().unwrap().0, "dte.not_chased");
        f.chased = true;
        assert_eq!(f.chase(), None);
        f.received = Some((2, true, 0));
        assert_eq!(f.reception().unwrap().0, "dte.storage_missing");
        f.received = Some((2, true, 1));
        assert_eq!(f.reception(), None);
        assert_eq!(f.organiser().unwrap().0, "packet.no_organiser");
        f.packets = vec![
            PacketFacts {
                kind: PacketKind::Organiser,
                label: "Pli organisateur".into(),
                epreuve: None,
                state: PacketState::Stored,
            },
            subjects(PacketState::Stored),
        ];
        assert_eq!(
            f.organiser().unwrap().1,
            "Pli non ouvert : le pli réservé à l'organisateur « Pli organisateur »."
        );
        assert_eq!(f.subjects_opened(date(2027, 3, 14)), None, "not begun");
        assert_eq!(
            f.subjects_opened(d).unwrap().1,
            "Pli sujets de l'épreuve commencée non ouvert : le pli sujets « Pli 1 » (Mise en situation)."
        );
        f.days = vec![DayFacts {
            day: d,
            ..DayFacts::default()
        }];
        assert_eq!(
            f.started().unwrap().1,
            "À enregistrer : responsable de session non enregistré présent le lundi 15 mars 2027 ; Mise en situation, lundi 15 mars 2027 : début non enregistré."
        );
        f.days[0].manager = true;
        f.days[0].started = vec!["Mise en situation".into()];
        assert_eq!(f.started(), None);
        assert_eq!(f.unused().unwrap().0, "launch.unused_not_destroyed");
        f.days[0].unused_destroyed = vec!["Mise en situation".into()];
        assert_eq!(f.unused(), None);
        f.packets[1].state = PacketState::Opened;
        assert_eq!(
            f.subjects_destroyed(d).unwrap().0,
            "packet.subjects_not_destroyed"
        );
        f.packets[1].state = PacketState::Destroyed;
        assert_eq!(f.subjects_destroyed(d), None);
    }
}
