//! A session's jury as an inspector reads it: who sits on which day in which jury, whom the
//! timetable has each of them assess, and what is wrong — a juror not habilitated on a day
//! they sit, a licence that does not cover the session, a juror sitting elsewhere that day,
//! a candidate left with fewer than two jurors who may assess them, a jury receiving more
//! candidates a day than the référentiel allows, a salaried juror convoked too late; on the
//! day, every juror pointed, the quorum, and each present juror's sworn statement signed.
//!
//! A juror sits in one jury a day: jury 1, 2… are the pairs the timetable gives the
//! individual passages; every juror seated on a day observes the group's épreuves that day.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{
    CandidateTies, DeclaredLink, Juror, MIN_JURORS, convocation_problem, habilitation_gap, link,
};
use crate::fr;
use crate::timetable::{self, Passage};

/// One juror's seat: on `day`, in jury `jury`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Seat {
    /// The juror's id.
    pub juror: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// The jury (1, 2…) whose individual passages they assess that day.
    pub jury: u32,
}

/// What the jury's rules need of the session's title.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JuryTitle {
    pub rncp: String,
    pub name: String,
    /// A transport title: the jurors' driving licence must be valid over the session.
    pub transport: bool,
    /// The licence category the title asks for (« D »); any category when none is set.
    pub licence: Option<String>,
    /// The most candidates a jury receives a day, when the référentiel sets it.
    pub cap: Option<u32>,
}

/// A day another session of the centre seats one of this session's jurors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    pub juror: String,
    pub day: Date,
    /// « la session Maçon (du lundi 5 au mardi 6 avril 2027) ».
    pub session: String,
}

/// Everything the jury's rules need to know of one session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JuryFacts {
    pub title: JuryTitle,
    /// The session's first day (the employer's request is due 15 days before).
    pub start: Option<Date>,
    /// Its last day: a passage the timetable puts after it has no jury to seat (the
    /// timetable's own check says so), and is not in the matrix.
    pub end: Option<Date>,
    /// The jurors seated, with what the rules need of them.
    pub jurors: Vec<Juror>,
    pub seats: Vec<Seat>,
    pub candidates: Vec<CandidateTies>,
    /// The timetable: each épreuve for the group or a candidate, with its jury.
    pub passages: Vec<Passage>,
    pub declared: Vec<DeclaredLink>,
    pub elsewhere: Vec<Elsewhere>,
    /// Presence noted on the day: (juror, day, present).
    pub noted: Vec<(String, Date, bool)>,
    /// The jurors who signed their sworn statement.
    pub signed: Vec<String>,
    /// The day each juror's convocation was sent or handed over.
    pub convoked: Vec<(String, Date)>,
}

impl JuryFacts {
    /// The jurors pointed present on at least one day: those who sign the minutes, in the
    /// order they are seated.
    pub fn present(&self) -> Vec<&Juror> {
        self.jurors
            .iter()
            .filter(|j| self.noted.iter().any(|(id, _, here)| *here && id == &j.id))
            .collect()
    }
}

/// One rule broken by the jury, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JuryFinding {
    /// `jury.not_habilitated`, `jury.too_few`…
    pub rule: &'static str,
    pub message: String,
}

impl JuryFinding {
    fn new(rule: &'static str, message: String) -> JuryFinding {
        JuryFinding { rule, message }
    }
}

/// Who may assess one candidate at one épreuve on one day, among the jurors seated for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cell {
    /// The candidate's id.
    pub candidate: String,
    /// « DUPONT Jean ».
    pub name: String,
    pub epreuve: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// The jury of an individual passage; none for the group's épreuve (every juror seated
    /// that day).
    pub jury: Option<u32>,
    /// The jurors (ids) who may assess them.
    pub eligible: Vec<String>,
    /// The jurors seated for it who may not, and why.
    pub excluded: Vec<Excluded>,
}

/// A juror barred from assessing one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Excluded {
    pub juror: String,
    /// « même employeur que le candidat (SIRET …) ».
    pub why: String,
    /// Barred by a link with the candidate (rather than a habilitation or licence).
    pub link: bool,
}

impl Cell {
    /// Fewer than two jurors may assess the candidate.
    pub fn short(&self) -> bool {
        self.eligible.len() < MIN_JURORS
    }

    /// « DUPONT Jean — Entretien technique, vendredi 9 avril 2027 (jury 1) ».
    pub fn describe(&self) -> String {
        let jury = self
            .jury
            .map(|j| format!(" (jury {j})"))
            .unwrap_or_default();
        format!(
            "{} — {}, {}{jury}",
            self.name,
            self.epreuve,
            fr::long_date(self.day)
        )
    }
}

impl JuryFacts {
    /// A juror's name, by id (the id when unknown).
    pub fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.juror(id).map_or(id, |j| j.name.as_str())
    }

    fn juror(&self, id: &str) -> Option<&Juror> {
        self.jurors.iter().find(|j| j.id == id)
    }

    /// The jurors seated on `day`, in `jury` when given (all of that day otherwise).
    fn seated(&self, day: Date, jury: Option<u32>) -> Vec<&Juror> {
        let mut ids: Vec<&str> = self
            .seats
            .iter()
            .filter(|s| s.day == day && jury.is_none_or(|j| s.jury == j))
            .map(|s| s.juror.as_str())
            .collect();
        ids.dedup();
        self.jurors
            .iter()
            .filter(|j| ids.contains(&j.id.as_str()))
            .collect()
    }

    /// The days `juror` sits, in order.
    pub fn days_of(&self, juror: &str) -> Vec<Date> {
        let days: BTreeSet<Date> = self
            .seats
            .iter()
            .filter(|s| s.juror == juror)
            .map(|s| s.day)
            .collect();
        days.into_iter().collect()
    }

    /// The candidates `juror` is seated to assess (a passage on a day and in a jury they
    /// sit), as (id, name), in the candidates' order: those they declare their links with.
    /// Without a timetable yet, every candidate of the session.
    pub fn assessed_by(&self, juror: &str) -> Vec<(String, String)> {
        if self.passages.is_empty() {
            return self
                .candidates
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect();
        }
        let cells = self.matrix();
        self.candidates
            .iter()
            .filter(|c| {
                cells.iter().any(|cell| {
                    cell.candidate == c.id
                        && (cell.eligible.iter().any(|j| j == juror)
                            || cell.excluded.iter().any(|x| x.juror == juror))
                })
            })
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect()
    }

    /// Why `juror` may not sit on `days`: not habilitated for the title, a habilitation that
    /// does not cover one of the days, a licence that does not.
    pub fn seat_gaps(&self, juror: &Juror, days: &[Date]) -> Vec<JuryFinding> {
        let mut out = Vec::new();
        let t = &self.title;
        if let Some(why) = habilitation_gap(juror, &t.rncp, &t.name, days) {
            let rule = if juror
                .habilitations
                .iter()
                .any(|h| h.title.eq_ignore_ascii_case(&t.rncp))
            {
                "jury.habilitation_ends"
            } else {
                "jury.not_habilitated"
            };
            out.push(JuryFinding::new(rule, why));
        }
        if t.transport
            && let Some(why) = super::licence_gap(juror, t.licence.as_deref(), days)
        {
            out.push(JuryFinding::new("jury.licence_invalid", why));
        }
        out
    }

    /// What bars a seat at all: the habilitation, the licence, and the juror's other sessions
    /// on the same days. An appointment that breaks one of these is refused.
    pub fn seat_problems(&self) -> Vec<JuryFinding> {
        let mut out = Vec::new();
        for j in &self.jurors {
            let days = self.days_of(&j.id);
            if days.is_empty() {
                continue;
            }
            out.extend(self.seat_gaps(j, &days));
            for e in self
                .elsewhere
                .iter()
                .filter(|e| e.juror == j.id && days.contains(&e.day))
            {
                out.push(JuryFinding::new(
                    "jury.overlapping_sessions",
                    format!(
                        "{} siège aussi le {} dans {}",
                        j.name,
                        fr::long_date(e.day),
                        e.session
                    ),
                ));
            }
        }
        out
    }

    /// Per candidate, épreuve and day, the seated jurors who may assess them and those who
    /// may not (a link bars a juror for that candidate only).
    pub fn matrix(&self) -> Vec<Cell> {
        let mut out = Vec::new();
        for c in &self.candidates {
            for p in timetable::of_candidate(&self.passages, &c.id) {
                let mut days: Vec<Date> = p.parts.iter().map(|x| x.date).collect();
                days.dedup();
                let jury = p.candidate.as_ref().and(p.jury);
                for day in days {
                    let outside =
                        self.start.is_some_and(|s| day < s) || self.end.is_some_and(|e| day > e);
                    if outside {
                        continue;
                    }
                    let (mut eligible, mut excluded) = (Vec::new(), Vec::new());
                    for j in self.seated(day, jury) {
                        let barred = self
                            .seat_gaps(j, &[day])
                            .into_iter()
                            .map(|g| (g.message, false))
                            .next()
                            .or_else(|| link(j, c, &self.declared).map(|w| (w, true)));
                        match barred {
                            Some((why, link)) => excluded.push(Excluded {
                                juror: j.id.clone(),
                                why,
                                link,
                            }),
                            None => eligible.push(j.id.clone()),
                        }
                    }
                    out.push(Cell {
                        candidate: c.id.clone(),
                        name: c.name.clone(),
                        epreuve: p.epreuve.clone(),
                        day,
                        jury,
                        eligible,
                        excluded,
                    });
                }
            }
        }
        out
    }

    /// « Paul ROCHE et Anne VIDAL » — the jurors named.
    fn names(&self, ids: &[String]) -> String {
        let names: Vec<&str> = ids.iter().map(|i| self.name(i)).collect();
        match names.as_slice() {
            [] => "aucun".to_owned(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
        }
    }

    /// A candidate short of jurors, said with who may and who is barred.
    fn short_finding(&self, cell: &Cell, eligible: &[String], what: &str) -> JuryFinding {
        let n = eligible.len();
        let who = match n {
            0 => format!("aucun juré {what}"),
            _ => format!(
                "{} {what} ({})",
                fr::count(n, "seul juré", "jurés"),
                self.names(eligible)
            ),
        };
        let barred: Vec<String> = cell
            .excluded
            .iter()
            .map(|e| format!("{} exclu(e) : {}", self.name(&e.juror), e.why))
            .collect();
        let barred = if barred.is_empty() {
            String::new()
        } else {
            format!(" ; {}", barred.join(" ; "))
        };
        let rule = if cell.excluded.iter().any(|e| e.link) {
            "jury.linked_to_candidate"
        } else {
            "jury.too_few"
        };
        JuryFinding::new(
            rule,
            format!(
                "{} : {who}, il en faut au moins {MIN_JURORS}{barred}",
                cell.describe()
            ),
        )
    }

    /// Everything wrong with the jury as appointed (the appointment's milestone), today.
    pub fn findings(&self, today: Date) -> Vec<JuryFinding> {
        if self.seats.is_empty() {
            return vec![JuryFinding::new(
                "jury.too_few",
                "Aucun membre du jury n'est désigné pour cette session.".to_owned(),
            )];
        }
        let mut out = self.seat_problems();
        for cell in self.matrix().iter().filter(|c| c.short()) {
            out.push(self.short_finding(cell, &cell.eligible, "peut l'évaluer"));
        }
        out.extend(self.capacity_findings());
        if let Some(start) = self.start {
            for j in &self.jurors {
                let sent = self
                    .convoked
                    .iter()
                    .find(|(id, _)| *id == j.id)
                    .map(|(_, d)| *d);
                if let Some(why) = convocation_problem(j, start, sent, today) {
                    out.push(JuryFinding::new("jury.convocation_late", why));
                }
            }
        }
        out
    }

    /// Juries receiving more candidates a day than the title's référentiel allows.
    pub fn capacity_findings(&self) -> Vec<JuryFinding> {
        let Some(cap) = self.title.cap.filter(|c| *c > 0) else {
            return Vec::new();
        };
        let mut per: Vec<((Date, u32), BTreeSet<&str>)> = Vec::new();
        for p in &self.passages {
            let (Some(c), Some(k), Some(first)) = (p.candidate.as_deref(), p.jury, p.first())
            else {
                continue;
            };
            let key = (first.date, k);
            match per.iter_mut().find(|(x, _)| *x == key) {
                Some((_, who)) => {
                    who.insert(c);
                }
                None => per.push((key, BTreeSet::from([c]))),
            }
        }
        per.sort_by_key(|(k, _)| *k);
        per.into_iter()
            .filter(|(_, who)| who.len() as u32 > cap)
            .map(|((day, k), who)| {
                JuryFinding::new(
                    "jury.capacity_exceeded",
                    format!(
                        "le jury {k} reçoit {} le {} : le référentiel du titre en permet {cap} par jour et par jury",
                        fr::count(who.len(), "candidat", "candidats"),
                        fr::long_date(day)
                    ),
                )
            })
            .collect()
    }

    /// The day's welcome of the jury, for the days up to `today`: every juror seated pointed
    /// present or absent, and at least two present who may assess each candidate.
    pub fn welcome_findings(&self, today: Date) -> Vec<JuryFinding> {
        if self.seats.is_empty() {
            return vec![JuryFinding::new(
                "jury.too_few",
                "Aucun membre du jury n'est désigné pour cette session.".to_owned(),
            )];
        }
        let mut out = Vec::new();
        let unnoted: Vec<String> = self
            .seats
            .iter()
            .filter(|s| s.day <= today)
            .filter(|s| {
                !self
                    .noted
                    .iter()
                    .any(|(j, d, _)| *j == s.juror && *d == s.day)
            })
            .map(|s| format!("{} ({})", self.name(&s.juror), fr::long_date(s.day)))
            .collect();
        if !unnoted.is_empty() {
            out.push(JuryFinding::new(
                "jury.not_checked_in",
                format!(
                    "{} ni présent(s) ni absent(s) : {}",
                    fr::count(unnoted.len(), "juré", "jurés"),
                    unnoted.join(", ")
                ),
            ));
        }
        out.extend(self.quorum_of(self.quorum_short(today)));
        out
    }

    /// The candidates left without two jurors present on `day` alone (the absence report).
    pub fn quorum_findings(&self, day: Date) -> Vec<JuryFinding> {
        let cells = self
            .quorum_short(day)
            .into_iter()
            .filter(|c| c.day == day)
            .collect();
        self.quorum_of(cells)
    }

    fn quorum_of(&self, cells: Vec<Cell>) -> Vec<JuryFinding> {
        cells
            .into_iter()
            .map(|cell| {
                let present = self.present_eligible(&cell);
                let mut f = self.short_finding(&cell, &present, "présent peut l'évaluer");
                f.rule = "jury.quorum";
                f.message.push_str(
                    " : pas de délibération à un seul juré, rédigez le rapport d'absence pour le service départemental",
                );
                f
            })
            .collect()
    }

    /// The eligible jurors of `cell` pointed present that day.
    pub fn present_eligible(&self, cell: &Cell) -> Vec<String> {
        cell.eligible
            .iter()
            .filter(|j| {
                self.noted
                    .iter()
                    .any(|(id, d, present)| id == *j && *d == cell.day && *present)
            })
            .cloned()
            .collect()
    }

    /// The candidates' épreuves of the days up to `today` where, once every juror seated that
    /// day is pointed, fewer than two present may assess them.
    pub fn quorum_short(&self, today: Date) -> Vec<Cell> {
        self.matrix()
            .into_iter()
            .filter(|c| c.day <= today)
            .filter(|c| {
                self.seated(c.day, c.jury).iter().all(|j| {
                    self.noted
                        .iter()
                        .any(|(id, d, _)| *id == j.id && *d == c.day)
                })
            })
            .filter(|c| self.present_eligible(c).len() < MIN_JURORS)
            .collect()
    }

    /// The sworn statements: every juror pointed present has signed theirs.
    pub fn declaration_findings(&self) -> Vec<JuryFinding> {
        if self.seats.is_empty() {
            return vec![JuryFinding::new(
                "jury.too_few",
                "Aucun membre du jury n'est désigné pour cette session.".to_owned(),
            )];
        }
        let present: BTreeSet<&str> = self
            .noted
            .iter()
            .filter(|(_, _, p)| *p)
            .map(|(j, _, _)| j.as_str())
            .collect();
        if present.is_empty() {
            return vec![JuryFinding::new(
                "jury.not_checked_in",
                "Aucun juré n'est pointé présent : pointez les jurés à l'accueil, puis faites signer leur déclaration sur l'honneur.".to_owned(),
            )];
        }
        let unsigned: Vec<&str> = self
            .jurors
            .iter()
            .filter(|j| present.contains(j.id.as_str()) && !self.signed.contains(&j.id))
            .map(|j| j.name.as_str())
            .collect();
        if unsigned.is_empty() {
            return Vec::new();
        }
        vec![JuryFinding::new(
            "jury.statement_unsigned",
            format!(
                "{} présent(s) sans déclaration sur l'honneur signée : {}",
                fr::count(unsigned.len(), "juré", "jurés"),
                unsigned.join(", ")
            ),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Habilitation, JurorStatus, Licence};
    use super::*;
    use crate::timetable::Part;
    use jiff::civil::{date, time};

    fn habilitation(until: Date) -> Habilitation {
        Habilitation {
            title: "RNCP35309".into(),
            granted_by: "DDETS du Rhône".into(),
            valid_from: date(2025, 1, 1),
            valid_until: until,
            reference: String::new(),
        }
    }

    fn juror(id: &str, name: &str, until: Date) -> Juror {
        Juror {
            id: id.into(),
            name: name.into(),
            habilitations: vec![habilitation(until)],
            ..Juror::default()
        }
    }

    fn part(day: Date, h: i8) -> Part {
        Part {
            date: day,
            start: time(h, 0, 0, 0),
            end: time(h + 1, 0, 0, 0),
        }
    }

    fn seat(juror: &str, day: Date, jury: u32) -> Seat {
        Seat {
            juror: juror.into(),
            day,
            jury,
        }
    }

    /// The Maçon session of Monday 5 to Friday 9 April 2027 (D = 5 April, F = 9 April): the
    /// mise en situation for the group on the 5th, the entretien final for each of two
    /// candidates before jury 1 on the 9th.
    fn macon() -> JuryFacts {
        let (d, f) = (date(2027, 4, 5), date(2027, 4, 9));
        let group = Passage {
            epreuve: "Mise en situation professionnelle".into(),
            candidate: None,
            room: None,
            jury: None,
            parts: vec![part(d, 9)],
        };
        let interview = |c: &str, h| Passage {
            epreuve: "Entretien final".into(),
            candidate: Some(c.into()),
            room: None,
            jury: Some(1),
            parts: vec![part(f, h)],
        };
        JuryFacts {
            title: JuryTitle {
                rncp: "RNCP35309".into(),
                name: "Maçon".into(),
                ..JuryTitle::default()
            },
            start: Some(d),
            jurors: vec![
                juror("j1", "Marc LEROY", date(2029, 1, 1)),
                juror("j2", "Sophie MARTY", date(2029, 1, 1)),
                juror("j3", "Paul ROCHE", date(2029, 1, 1)),
            ],
            seats: vec![
                seat("j1", d, 1),
                seat("j2", d, 1),
                seat("j1", f, 1),
                seat("j2", f, 1),
            ],
            candidates: vec![
                CandidateTies {
                    id: "c1".into(),
                    name: "DUPONT Jean".into(),
                    employer_siret: "12345678900011".into(),
                    ..CandidateTies::default()
                },
                CandidateTies {
                    id: "c2".into(),
                    name: "MARTIN Léa".into(),
                    ..CandidateTies::default()
                },
            ],
            passages: vec![group, interview("c1", 9), interview("c2", 10)],
            ..JuryFacts::default()
        }
    }

    fn rules(found: &[JuryFinding]) -> Vec<&str> {
        found.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_habilitation_ending_the_day_before_the_last_day_bars_the_juror_on_f_only() {
        let today = date(2027, 1, 4);
        assert_eq!(macon().findings(today), []);
        // Marc's habilitation ends on F (9 April): accepted.
        let mut f = macon();
        f.jurors[0].habilitations = vec![habilitation(date(2027, 4, 9))];
        assert_eq!(f.seat_problems(), []);
        // It ends the day before F: refused, the juror, the title and the date named.
        f.jurors[0].habilitations = vec![habilitation(date(2027, 4, 8))];
        let found = f.seat_problems();
        assert_eq!(rules(&found), ["jury.habilitation_ends"]);
        assert_eq!(
            found[0].message,
            "Marc LEROY n'est pas habilité(e) pour le titre Maçon le vendredi 9 avril 2027 : son habilitation ne couvre pas ce jour"
        );
        // On the 5th he may assess; on the 9th he may not, and the candidates are short.
        let m = f.matrix();
        assert_eq!(m[0].eligible, ["j1", "j2"], "the group on the 5th");
        assert_eq!(m[1].eligible, ["j2"], "DUPONT Jean on the 9th");
        assert!(m[1].short());
        // A juror with no habilitation for the title at all.
        f.jurors[0].habilitations[0].title = "RNCP37674".into();
        assert_eq!(rules(&f.seat_problems()), ["jury.not_habilitated"]);
    }

    #[test]
    fn a_juror_declares_their_links_with_the_candidates_they_are_seated_to_assess() {
        let mut f = macon();
        // Paul sits only on the 5th: the group's épreuve, both candidates.
        f.seats.push(seat("j3", date(2027, 4, 5), 1));
        let both = vec![
            ("c1".to_owned(), "DUPONT Jean".to_owned()),
            ("c2".to_owned(), "MARTIN Léa".to_owned()),
        ];
        assert_eq!(f.assessed_by("j3"), both);
        // Only the entretiens, in jury 2 on the 9th: nobody passes before jury 2.
        f.seats.retain(|s| s.juror != "j3");
        f.seats.push(seat("j3", date(2027, 4, 9), 2));
        assert_eq!(f.assessed_by("j3"), []);
        // A passage the timetable puts after the last day is not the jury's to cover.
        f.end = Some(date(2027, 4, 8));
        assert!(f.matrix().iter().all(|c| c.day == date(2027, 4, 5)));
        f.end = None;
        // Excluded for one candidate, they still declare for them.
        f.jurors[0].employer_siret = "12345678900011".into();
        assert_eq!(f.assessed_by("j1"), both);
        // No timetable yet: every candidate of the session.
        f.passages.clear();
        assert_eq!(f.assessed_by("j3"), both);
    }

    #[test]
    fn a_linked_juror_is_barred_for_that_candidate_only_and_leaves_them_short() {
        let mut f = macon();
        // Marc works for DUPONT Jean's employer.
        f.jurors[0].employer_siret = "12345678900011".into();
        let m = f.matrix();
        let of = |name: &str, day: Date| {
            m.iter()
                .find(|c| c.name == name && c.day == day)
                .unwrap()
                .clone()
        };
        let jean = of("DUPONT Jean", date(2027, 4, 9));
        assert_eq!(jean.eligible, ["j2"]);
        assert_eq!(jean.excluded[0].juror, "j1");
        assert!(jean.excluded[0].link);
        assert_eq!(of("MARTIN Léa", date(2027, 4, 9)).eligible, ["j1", "j2"]);
        let found = f.findings(date(2027, 1, 4));
        assert_eq!(
            rules(&found),
            ["jury.linked_to_candidate", "jury.linked_to_candidate"],
            "the group's épreuve on the 5th and the entretien on the 9th"
        );
        assert_eq!(
            found[1].message,
            "DUPONT Jean — Entretien final, vendredi 9 avril 2027 (jury 1) : 1 seul juré peut l'évaluer (Sophie MARTY), il en faut au moins 2 ; Marc LEROY exclu(e) : même employeur que le candidat (SIRET 12345678900011)"
        );
        // A third juror in jury 1: two remain for him, nothing to say.
        f.seats.push(seat("j3", date(2027, 4, 5), 1));
        f.seats.push(seat("j3", date(2027, 4, 9), 1));
        assert_eq!(f.findings(date(2027, 1, 4)), []);
        // A declared link bars the same way.
        f.declared.push(DeclaredLink {
            juror: "j3".into(),
            candidate: "c1".into(),
            what: "a été son tuteur".into(),
        });
        assert_eq!(f.findings(date(2027, 1, 4)).len(), 2);
    }

    #[test]
    fn nobody_seated_one_juror_a_day_and_a_juror_sitting_elsewhere_are_said() {
        let mut f = macon();
        f.seats.clear();
        assert_eq!(
            f.findings(date(2027, 1, 4))[0].message,
            "Aucun membre du jury n'est désigné pour cette session."
        );
        let mut f = macon();
        f.seats
            .retain(|s| s.juror == "j1" || s.day == date(2027, 4, 5));
        let found = f.findings(date(2027, 1, 4));
        assert_eq!(rules(&found), ["jury.too_few", "jury.too_few"]);
        assert!(found[0].message.starts_with(
            "DUPONT Jean — Entretien final, vendredi 9 avril 2027 (jury 1) : 1 seul juré peut l'évaluer (Marc LEROY)"
        ));
        let mut f = macon();
        f.elsewhere.push(Elsewhere {
            juror: "j2".into(),
            day: date(2027, 4, 9),
            session: "la session Maçon (du lundi 5 au vendredi 9 avril 2027)".into(),
        });
        f.elsewhere.push(Elsewhere {
            juror: "j2".into(),
            day: date(2027, 4, 12),
            session: "une autre".into(),
        });
        assert_eq!(
            f.seat_problems(),
            [JuryFinding::new(
                "jury.overlapping_sessions",
                "Sophie MARTY siège aussi le vendredi 9 avril 2027 dans la session Maçon (du lundi 5 au vendredi 9 avril 2027)".into()
            )]
        );
    }

    #[test]
    fn a_jury_receives_no_more_candidates_a_day_than_the_title_allows() {
        let mut f = macon();
        f.title.cap = Some(2);
        assert_eq!(f.capacity_findings(), []);
        f.title.cap = Some(1);
        assert_eq!(
            f.capacity_findings()[0].message,
            "le jury 1 reçoit 2 candidats le vendredi 9 avril 2027 : le référentiel du titre en permet 1 par jour et par jury"
        );
        assert_eq!(
            rules(&f.findings(date(2027, 1, 4))),
            ["jury.capacity_exceeded"]
        );
    }

    #[test]
    fn a_transport_juror_needs_a_licence_over_every_day_they_sit() {
        let mut f = macon();
        f.title.transport = true;
        f.title.licence = Some("D".into());
        let with = |until| Licence {
            category: "D".into(),
            valid_until: until,
        };
        f.jurors[1].licences = vec![with(date(2030, 1, 1))];
        f.jurors[0].licences = vec![with(date(2027, 4, 8))];
        let found = f.seat_problems();
        assert_eq!(rules(&found), ["jury.licence_invalid"]);
        assert!(found[0].message.starts_with("le permis D de Marc LEROY"));
    }

    #[test]
    fn a_salaried_juror_convoked_after_d_minus_15_is_said() {
        let mut f = macon();
        f.jurors[0].status = JurorStatus::Salaried;
        f.convoked.push(("j1".into(), date(2027, 3, 25)));
        let found = f.findings(date(2027, 3, 25));
        assert_eq!(rules(&found), ["jury.convocation_late"]);
        f.convoked[0].1 = date(2027, 3, 1);
        assert_eq!(f.findings(date(2027, 3, 25)), []);
    }

    #[test]
    fn on_the_day_every_juror_is_pointed_two_present_may_assess_and_each_has_signed() {
        let d = date(2027, 4, 5);
        let mut f = macon();
        let found = f.welcome_findings(d);
        assert_eq!(rules(&found), ["jury.not_checked_in"]);
        assert_eq!(
            found[0].message,
            "2 jurés ni présent(s) ni absent(s) : Marc LEROY (lundi 5 avril 2027), Sophie MARTY (lundi 5 avril 2027)"
        );
        assert_eq!(rules(&f.declaration_findings()), ["jury.not_checked_in"]);
        f.noted.push(("j1".into(), d, true));
        f.noted.push(("j2".into(), d, false));
        let found = f.welcome_findings(d);
        assert_eq!(rules(&found), ["jury.quorum", "jury.quorum"]);
        assert!(
            found[0]
                .message
                .contains("1 seul juré présent peut l'évaluer (Marc LEROY)")
        );
        assert!(
            found[0]
                .message
                .ends_with("rédigez le rapport d'absence pour le service départemental")
        );
        f.noted[1].2 = true;
        assert_eq!(f.welcome_findings(d), [], "the 9th has not come");
        assert_eq!(
            f.declaration_findings()[0].message,
            "2 jurés présent(s) sans déclaration sur l'honneur signée : Marc LEROY, Sophie MARTY"
        );
        f.signed = vec!["j1".into(), "j2".into()];
        assert_eq!(f.declaration_findings(), []);
        // On the 9th, nobody pointed yet.
        assert_eq!(
            rules(&f.welcome_findings(date(2027, 4, 9))),
            ["jury.not_checked_in"]
        );
    }
}
