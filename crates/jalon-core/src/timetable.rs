//! The timetable a centre really runs: every épreuve of the session as passages — one for
//! the whole group when the épreuve is collective, one per candidate when each passes alone
//! in front of the jury — each made of parts within the day's hours (morning and afternoon,
//! lunch kept), over as many consecutive working days as it lasts.
//!
//! Jalon proposes one (`propose`), the manager edits it, and `clashes` says everything that
//! is wrong with it at once, each under a stable rule id:
//! `timetable.overlap_candidate`, `timetable.overlap_room`, `timetable.outside_session`,
//! `timetable.past_evening`, `timetable.final_not_last`, `timetable.overlap_jury` — and, to be
//! seen rather than refused, `timetable.extra_overflow` (extra time carrying a candidate past
//! the group's days).

use jiff::civil::{Date, Time, time};
use serde::{Deserialize, Serialize};

use crate::calendar::{add_days, is_working_day};
use crate::catalog::{Epreuve, EpreuveKind};
use crate::{Zone, fr};

/// The day's hours an épreuve is laid out in.
pub const DAY_START: Time = time(8, 30, 0, 0);
pub const LUNCH_START: Time = time(12, 0, 0, 0);
pub const LUNCH_END: Time = time(13, 30, 0, 0);
pub const DAY_END: Time = time(17, 0, 0, 0);
/// Nothing is ever set after this: extra time may run past the day's end, not past the evening.
pub const EVENING: Time = time(18, 30, 0, 0);
/// The jury rests this long after two hours of passages in a row.
pub const JURY_BREAK_MINUTES: i32 = 15;
/// A pause between two épreuves.
pub const GAP_MINUTES: i32 = 15;
const JURY_STRETCH_MINUTES: i32 = 120;

/// A continuous piece of a passage, within one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Part {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:30:00"))]
    pub start: Time,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:00:00"))]
    pub end: Time,
}

impl Part {
    pub fn minutes(&self) -> i32 {
        minutes_of(self.end) - minutes_of(self.start)
    }

    fn overlaps(&self, other: &Part) -> bool {
        self.date == other.date && self.start < other.end && other.start < self.end
    }

    /// « 8 h 30 – 12 h ».
    pub fn span(&self) -> String {
        format!("{} – {}", fr::time(self.start), fr::time(self.end))
    }

    /// « lundi 14 décembre 2026, 8 h 30 – 12 h ».
    pub fn describe(&self) -> String {
        format!(
            "{}, {} – {}",
            fr::long_date(self.date),
            fr::time(self.start),
            fr::time(self.end)
        )
    }
}

/// An épreuve as one candidate (`candidate`) or the whole group (`None`) takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Passage {
    /// The épreuve's name, as in the title's référentiel.
    pub epreuve: String,
    /// The candidate's id; none when every candidate takes it together.
    #[serde(default)]
    pub candidate: Option<String>,
    /// The room or plateau technique booked, if any.
    #[serde(default)]
    pub room: Option<String>,
    /// The jury pair (1, 2…) evaluating a candidate's individual passage.
    #[serde(default)]
    pub jury: Option<u32>,
    pub parts: Vec<Part>,
}

impl Passage {
    pub fn first(&self) -> Option<&Part> {
        self.parts.first()
    }

    pub fn last(&self) -> Option<&Part> {
        self.parts.last()
    }

    /// « jour 1 : 8 h 30 – 12 h, 13 h 30 – 17 h ; jour 2 : 8 h 30 – 12 h » — or, on one day,
    /// « 8 h 30 – 12 h, 13 h 30 – 17 h ».
    pub fn hours(&self) -> String {
        let mut days: Vec<(Date, Vec<String>)> = Vec::new();
        for p in &self.parts {
            let span = p.span();
            match days.last_mut() {
                Some((d, spans)) if *d == p.date => spans.push(span),
                _ => days.push((p.date, vec![span])),
            }
        }
        if days.len() == 1 {
            return days[0].1.join(", ");
        }
        days.iter()
            .enumerate()
            .map(|(i, (_, spans))| format!("jour {} : {}", i + 1, spans.join(", ")))
            .collect::<Vec<_>>()
            .join(" ; ")
    }
}

/// A candidate as the timetable needs them: who, in which order, and their extra time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    /// « DUPONT Jean », for the messages.
    pub name: String,
    /// Extra minutes per épreuve (by name), as decided for their accommodation.
    pub extra: Vec<(String, u32)>,
    /// A candidate by capitalisation of their CCPs: the entretien final alone.
    pub final_only: bool,
}

impl Person {
    fn extra_for(&self, epreuve: &str) -> u32 {
        self.extra
            .iter()
            .filter(|(e, _)| e == epreuve)
            .map(|(_, m)| *m)
            .sum()
    }
}

/// Extra time as the departmental service decides it: minutes, or a share of the épreuve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Extra {
    Minutes(u32),
    /// A fraction of the épreuve's duration: `(1, 3)` for a third (« tiers-temps »).
    Share(u32, u32),
}

impl Extra {
    /// Reads « tiers-temps », « 1/3 », « un tiers », « 30 min », « 30 », « 1 h 30 »; the error
    /// is a French sentence.
    pub fn parse(typed: &str) -> Result<Extra, String> {
        let t = crate::candidate::fold(typed);
        let t = t.trim();
        let named = match t {
            "tiers temps" | "tiers" | "un tiers" | "un tiers du temps" => Some(Extra::Share(1, 3)),
            "quart temps" | "quart" | "un quart" | "un quart du temps" => Some(Extra::Share(1, 4)),
            "moitie" | "mi temps" | "une moitie" | "la moitie du temps" => Some(Extra::Share(1, 2)),
            _ => None,
        };
        if let Some(e) = named {
            return Ok(e);
        }
        let bad = || {
            format!(
                "« {} » n'est pas un temps supplémentaire (par exemple « tiers-temps », « 1/3 » ou « 30 min »)",
                typed.trim()
            )
        };
        let t = typed.trim().to_lowercase();
        if let Some((n, d)) = t.split_once('/') {
            let n: u32 = n.trim().parse().map_err(|_| bad())?;
            let d: u32 = d.trim().parse().map_err(|_| bad())?;
            return Ok(Extra::Share(n, d));
        }
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        let minutes = if let Some(m) = compact
            .strip_suffix("min")
            .or_else(|| compact.strip_suffix("minutes"))
        {
            m.parse::<u32>().ok()
        } else if let Some((h, m)) = compact.split_once('h') {
            let h: u32 = h.parse().ok().unwrap_or(u32::MAX);
            let m: u32 = if m.is_empty() {
                Some(0)
            } else {
                m.parse().ok()
            }
            .unwrap_or(u32::MAX);
            h.checked_mul(60).and_then(|h| h.checked_add(m))
        } else {
            compact.parse::<u32>().ok()
        };
        minutes.map(Extra::Minutes).ok_or_else(bad)
    }

    /// « un tiers du temps », « 1/5 du temps », « 30 min ».
    pub fn label(self) -> String {
        match self {
            Extra::Minutes(m) => fr::duration(m),
            Extra::Share(1, 2) => "la moitié du temps".to_owned(),
            Extra::Share(1, 3) => "un tiers du temps".to_owned(),
            Extra::Share(1, 4) => "un quart du temps".to_owned(),
            Extra::Share(n, d) => format!("{n}/{d} du temps"),
        }
    }

    /// What is wrong with it, if anything: a share between 1/10 and the whole, at most ten
    /// hours of minutes.
    pub fn problem(self) -> Option<String> {
        match self {
            Extra::Minutes(0) => {
                Some("un temps supplémentaire de 0 minute n'en est pas un".to_owned())
            }
            Extra::Minutes(m) if m > 600 => Some(format!(
                "{} de temps supplémentaire : 10 h au plus",
                fr::duration(m)
            )),
            Extra::Share(n, d) if n == 0 || d == 0 || n > d || d > 10 => Some(format!(
                "{n}/{d} n'est pas une part du temps de l'épreuve (de 1/10 à 1/1)"
            )),
            _ => None,
        }
    }

    /// The minutes added to an épreuve of `minutes`, rounded up to the minute.
    pub fn added_to(self, minutes: u32) -> u32 {
        match self {
            Extra::Minutes(m) => m,
            Extra::Share(_, 0) => 0,
            Extra::Share(n, d) => (minutes * n).div_ceil(d),
        }
    }
}

/// The session the timetable belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Date,
    pub end: Date,
    pub zone: Zone,
}

impl Span {
    fn contains(&self, day: Date) -> bool {
        day >= self.start && day <= self.end && is_working_day(day, self.zone)
    }
}

/// Something wrong with a timetable, under its rule id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clash {
    pub rule: &'static str,
    pub message: String,
}

impl Clash {
    fn new(rule: &'static str, message: String) -> Clash {
        Clash { rule, message }
    }
}

fn minutes_of(t: Time) -> i32 {
    i32::from(t.hour()) * 60 + i32::from(t.minute())
}

fn at(minutes: i32) -> Time {
    let m = minutes.clamp(0, 23 * 60 + 59);
    time((m / 60) as i8, (m % 60) as i8, 0, 0)
}

fn next_working_day(day: Date, zone: Zone) -> Date {
    let mut next = day;
    for _ in 0..30 {
        match add_days(next, 1) {
            Some(d) => next = d,
            None => return day,
        }
        if is_working_day(next, zone) {
            return next;
        }
    }
    next
}

/// Where the next passage may start: a day and a time within its hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    date: Date,
    minute: i32,
}

impl Cursor {
    fn start(span: &Span) -> Cursor {
        let mut date = span.start;
        while !is_working_day(date, span.zone) && date < span.end {
            date = next_working_day(date, span.zone);
        }
        Cursor {
            date,
            minute: minutes_of(DAY_START),
        }
    }

    /// Past lunch, or to the next morning once the day is over.
    fn settle(mut self, zone: Zone) -> Cursor {
        if self.minute >= minutes_of(LUNCH_START) && self.minute < minutes_of(LUNCH_END) {
            self.minute = minutes_of(LUNCH_END);
        }
        if self.minute >= minutes_of(DAY_END) {
            self.date = next_working_day(self.date, zone);
            self.minute = minutes_of(DAY_START);
        }
        self
    }

    fn later(self, other: Cursor) -> Cursor {
        if (other.date, other.minute) > (self.date, self.minute) {
            other
        } else {
            self
        }
    }
}

/// Lays `minutes` out from `from`: morning and afternoon pieces, over as many working days
/// as needed. Returns the parts and where the next thing may start.
fn fill(from: Cursor, minutes: u32, zone: Zone) -> (Vec<Part>, Cursor) {
    let mut c = from.settle(zone);
    let mut left = minutes.max(1) as i32;
    let mut parts = Vec::new();
    while left > 0 {
        let stop = if c.minute < minutes_of(LUNCH_START) {
            minutes_of(LUNCH_START)
        } else {
            minutes_of(DAY_END)
        };
        let take = left.min(stop - c.minute);
        parts.push(Part {
            date: c.date,
            start: at(c.minute),
            end: at(c.minute + take),
        });
        left -= take;
        c.minute += take;
        c = c.settle(zone);
    }
    (parts, c)
}

/// Lays out one candidate's passage of `minutes` in front of a jury, in one piece: it does not
/// straddle lunch nor the evening (it waits for the afternoon or the next morning), unless it
/// is longer than a half-day, in which case it is laid out like a collective épreuve.
fn fill_one(from: Cursor, minutes: u32, zone: Zone) -> (Vec<Part>, Cursor) {
    let c = from.settle(zone);
    let length = minutes.max(1) as i32;
    let stop = if c.minute < minutes_of(LUNCH_START) {
        minutes_of(LUNCH_START)
    } else {
        minutes_of(DAY_END)
    };
    if c.minute + length <= stop {
        return fill(c, minutes, zone);
    }
    let half_day = minutes_of(DAY_END) - minutes_of(LUNCH_END);
    if length > half_day {
        return fill(c, minutes, zone);
    }
    let next = Cursor { minute: stop, ..c }.settle(zone);
    fill(next, minutes, zone)
}

/// The épreuves a session of `kind` holds: all of the title's, but for a session of a CCP
/// alone, only those held in CCP sessions.
pub fn epreuves_of(kind: crate::Kind, epreuves: &[Epreuve]) -> Vec<Epreuve> {
    epreuves
        .iter()
        .filter(|e| kind != crate::Kind::Ccp || e.in_ccp_session)
        .cloned()
        .collect()
}

/// The épreuves one candidate takes in a session of `kind`: the session's, but the entretien
/// final alone for a candidate by capitalisation of their CCPs in a session of the full
/// title (« parcours de capitalisation »).
pub fn epreuves_for(kind: crate::Kind, capitalisation: bool, epreuves: &[Epreuve]) -> Vec<Epreuve> {
    let capitalised = capitalisation && kind == crate::Kind::Title;
    epreuves_of(kind, epreuves)
        .into_iter()
        .filter(|e| !capitalised || e.kind == EpreuveKind::FinalInterview)
        .collect()
}

/// The proposed timetable of `epreuves` (in the référentiel's order) for `candidates` (in
/// the order they pass; alphabetical is the usual default). Collective épreuves are taken
/// together, one after the other; individual ones pass each candidate alone, back to back,
/// the jury resting after two hours; the entretien final comes last. A candidate's extra
/// time lengthens their own passage; the group waits for them before the next épreuve.
/// What does not fit in the session's days goes on the next working days, never lost:
/// `clashes` names it.
pub fn propose(span: &Span, epreuves: &[Epreuve], candidates: &[Person]) -> Vec<Passage> {
    lay_out(span, epreuves, candidates, &[], 1)
}

/// The same, each épreuve of `starts` (name, day, time: the manager's choice) beginning
/// there, the others following on, with `juries` jury pairs passing candidates in parallel.
/// `clashes` says what such a choice breaks.
pub fn lay_out(
    span: &Span,
    epreuves: &[Epreuve],
    candidates: &[Person],
    starts: &[(String, Date, Time)],
    juries: u32,
) -> Vec<Passage> {
    let zone = span.zone;
    let mut cursor = Cursor::start(span);
    let mut out = Vec::new();
    let (finals, others): (Vec<&Epreuve>, Vec<&Epreuve>) = epreuves
        .iter()
        .partition(|e| e.kind == EpreuveKind::FinalInterview);
    for e in others.into_iter().chain(finals) {
        if let Some((_, date, start)) = starts.iter().find(|(n, _, _)| *n == e.name) {
            cursor = Cursor {
                date: *date,
                minute: minutes_of(*start),
            };
        }
        let alone = e.individual || e.kind == EpreuveKind::FinalInterview;
        if alone && !candidates.is_empty() {
            // Each jury pair works in parallel; a candidate goes to the pair free first. A
            // pair rests after two hours of passages in a row.
            let tracks = juries.max(1) as usize;
            let mut free = vec![cursor; tracks];
            // Per pair: since when it has been passing candidates, and where the last ended.
            let mut run: Vec<Option<(Date, i32)>> = vec![None; tracks];
            let mut last_end: Vec<Option<(Date, i32)>> = vec![None; tracks];
            // A candidate by capitalisation passes the entretien final alone.
            let passing = candidates
                .iter()
                .filter(|p| !p.final_only || e.kind == EpreuveKind::FinalInterview);
            for p in passing {
                let k = (0..tracks)
                    .min_by_key(|&k| {
                        let c = free[k].settle(zone);
                        (c.date, c.minute, k)
                    })
                    .unwrap_or(0);
                let c = free[k].settle(zone);
                let mut from = free[k];
                if let Some((d, since)) = run[k]
                    && d == c.date
                    && Some((c.date, c.minute)) == last_end[k]
                    && c.minute - since >= JURY_STRETCH_MINUTES
                {
                    from = Cursor {
                        minute: c.minute + JURY_BREAK_MINUTES,
                        ..c
                    };
                }
                let (parts, next) = fill_one(from, e.minutes + p.extra_for(&e.name), zone);
                if let (Some(first), Some(last)) = (parts.first(), parts.last()) {
                    let begins = (first.date, minutes_of(first.start));
                    // A pause (lunch, the night, a break) starts a new run.
                    if last_end[k] != Some(begins) {
                        run[k] = Some(begins);
                    }
                    last_end[k] = Some((last.date, minutes_of(last.end)));
                }
                out.push(Passage {
                    epreuve: e.name.clone(),
                    candidate: Some(p.id.clone()),
                    room: None,
                    jury: Some(k as u32 + 1),
                    parts,
                });
                free[k] = next;
            }
            cursor = free.iter().fold(free[0], |a, b| a.later(*b));
        } else {
            let start = cursor;
            let (parts, mut next) = fill(start, e.minutes, zone);
            out.push(Passage {
                epreuve: e.name.clone(),
                candidate: None,
                room: None,
                jury: None,
                parts,
            });
            for p in candidates {
                let extra = p.extra_for(&e.name);
                if extra > 0 {
                    let (parts, end) = fill(start, e.minutes + extra, zone);
                    out.push(Passage {
                        epreuve: e.name.clone(),
                        candidate: Some(p.id.clone()),
                        room: None,
                        jury: None,
                        parts,
                    });
                    next = next.later(end);
                }
            }
            cursor = next;
        }
        // A pause before the next épreuve, unless lunch or the night already gives one.
        if cursor.minute != minutes_of(DAY_START) && cursor.minute != minutes_of(LUNCH_END) {
            cursor = Cursor {
                minute: cursor.minute + GAP_MINUTES,
                ..cursor
            };
        }
    }
    out
}

/// Books the site's `rooms` for the passages that have none: a mise en situation (or a
/// presentation of a project) on the plateau technique, the other collective épreuves in the
/// first room, each jury pair in its own room. A candidate's extra time stays where the
/// group sits.
pub fn assign_rooms(
    passages: &mut [Passage],
    epreuves: &[Epreuve],
    rooms: &[crate::catalog::Room],
) {
    let plateaus: Vec<&str> = rooms
        .iter()
        .filter(|r| r.plateau)
        .map(|r| r.name.as_str())
        .collect();
    let halls: Vec<&str> = rooms
        .iter()
        .filter(|r| !r.plateau)
        .map(|r| r.name.as_str())
        .collect();
    let any = |list: &[&str]| list.first().map(|r| (*r).to_owned());
    let group_room: Vec<(String, Option<String>)> = epreuves
        .iter()
        .map(|e| {
            let on_plateau = matches!(
                e.kind,
                EpreuveKind::Practical | EpreuveKind::ProjectPresentation
            );
            let room = if on_plateau {
                any(&plateaus).or_else(|| any(&halls))
            } else {
                any(&halls).or_else(|| any(&plateaus))
            };
            (e.name.clone(), room)
        })
        .collect();
    for p in passages.iter_mut().filter(|p| p.room.is_none()) {
        p.room = match p.jury {
            Some(k) if !halls.is_empty() => Some(halls[(k as usize - 1) % halls.len()].to_owned()),
            Some(k) if !plateaus.is_empty() => {
                Some(plateaus[(k as usize - 1) % plateaus.len()].to_owned())
            }
            _ => group_room
                .iter()
                .find(|(n, _)| *n == p.epreuve)
                .and_then(|(_, r)| r.clone()),
        };
    }
}

/// The rooms `mine` books that `theirs` (another session at the same site, `label`) books at
/// the same time: one clash each, naming both.
pub fn room_clashes(mine: &[Passage], theirs: &[Passage], label: &str) -> Vec<Clash> {
    let mut out = Vec::new();
    for a in mine {
        let Some(room) = &a.room else { continue };
        if let Some((pa, pb)) = theirs
            .iter()
            .filter(|b| b.room.as_ref() == Some(room))
            .find_map(|b| first_overlap(a, b))
        {
            let clash = Clash::new(
                "timetable.overlap_room",
                format!(
                    "« {room} » est aussi réservé par {label} le {} ({} – {}) : {} ({} – {}) ne peut pas s'y tenir",
                    fr::long_date(pb.date),
                    fr::time(pb.start),
                    fr::time(pb.end),
                    a.epreuve,
                    fr::time(pa.start),
                    fr::time(pa.end)
                ),
            );
            if !out.contains(&clash) {
                out.push(clash);
            }
        }
    }
    out
}

/// The candidates in the order they pass: those of `order` (ids) first, in that order, then
/// the others as given (alphabetical, by default).
pub fn ordered(people: Vec<Person>, order: &[String]) -> Vec<Person> {
    let rank = |p: &Person| {
        order
            .iter()
            .position(|id| *id == p.id)
            .unwrap_or(usize::MAX)
    };
    let mut people: Vec<(usize, Person)> = people.into_iter().enumerate().collect();
    people.sort_by_key(|(i, p)| (rank(p), *i));
    people.into_iter().map(|(_, p)| p).collect()
}

/// Why presence at `epreuve` on `day` cannot be noted for `candidate` (named `name`) today:
/// the day has not come, or the timetable gives them no such passage that day.
pub fn attendance_problem(
    passages: &[Passage],
    candidate: &str,
    name: &str,
    epreuve: &str,
    day: Date,
    today: Date,
) -> Option<String> {
    if day > today {
        return Some(format!(
            "la présence du {} se note ce jour-là, pas avant",
            fr::long_date(day)
        ));
    }
    let has = of_candidate(passages, candidate)
        .iter()
        .any(|p| p.epreuve == epreuve && p.parts.iter().any(|x| x.date == day));
    (!has).then(|| {
        format!(
            "{name} ne passe pas « {epreuve} » le {} d'après l'emploi du temps",
            fr::long_date(day)
        )
    })
}

/// The passages `candidate` takes: theirs, and the group's for the épreuves they have no
/// passage of their own in. In time order.
pub fn of_candidate<'a>(passages: &'a [Passage], candidate: &str) -> Vec<&'a Passage> {
    let own = |e: &str| {
        passages
            .iter()
            .any(|p| p.epreuve == e && p.candidate.as_deref() == Some(candidate))
    };
    let mut out: Vec<&Passage> = passages
        .iter()
        .filter(|p| match p.candidate.as_deref() {
            Some(c) => c == candidate,
            None => !own(&p.epreuve),
        })
        .collect();
    out.sort_by_key(|p| p.first().map(|f| (f.date, f.start)));
    out
}

/// Everything wrong with `passages` at once: a candidate in two places, a room booked twice,
/// a part outside the session's working days or past the evening, an entretien final before
/// the candidate's other épreuves.
pub fn clashes(
    span: &Span,
    epreuves: &[Epreuve],
    candidates: &[Person],
    passages: &[Passage],
) -> Vec<Clash> {
    let mut out = Vec::new();
    let name = |e: &str| e.to_owned();
    for p in passages {
        for part in &p.parts {
            if !span.contains(part.date) {
                out.push(Clash::new(
                    "timetable.outside_session",
                    format!(
                        "{}{} : le {} n'est pas un jour ouvré de la session ({})",
                        name(&p.epreuve),
                        who(candidates, p),
                        fr::long_date(part.date),
                        fr::date_range(span.start, span.end)
                    ),
                ));
            }
            if part.end > EVENING || part.end <= part.start {
                out.push(Clash::new(
                    "timetable.past_evening",
                    format!(
                        "{}{} : {} — une épreuve finit au plus tard à {}",
                        name(&p.epreuve),
                        who(candidates, p),
                        part.describe(),
                        fr::time(EVENING)
                    ),
                ));
            }
        }
    }
    // A candidate in two places at once.
    for c in candidates {
        let theirs = of_candidate(passages, &c.id);
        for (i, a) in theirs.iter().enumerate() {
            for b in &theirs[i + 1..] {
                if let Some((pa, _)) = first_overlap(a, b) {
                    out.push(Clash::new(
                        "timetable.overlap_candidate",
                        format!(
                            "{} aurait deux épreuves en même temps le {} : {} ({}) et {} ({})",
                            c.name,
                            fr::long_date(pa.date),
                            a.epreuve,
                            a.hours(),
                            b.epreuve,
                            b.hours()
                        ),
                    ));
                }
            }
        }
        // The entretien final after everything else.
        let finals = epreuves
            .iter()
            .filter(|e| e.kind == EpreuveKind::FinalInterview)
            .map(|e| e.name.as_str())
            .collect::<Vec<_>>();
        for f in theirs
            .iter()
            .filter(|p| finals.contains(&p.epreuve.as_str()))
        {
            let Some(start) = f.first().map(|p| (p.date, p.start)) else {
                continue;
            };
            if let Some(after) = theirs.iter().find(|p| {
                !finals.contains(&p.epreuve.as_str())
                    && p.last().is_some_and(|l| (l.date, l.end) > start)
            }) {
                out.push(Clash::new(
                    "timetable.final_not_last",
                    format!(
                        "{} : l'entretien final ({}) doit suivre ses autres épreuves, dont {} ({})",
                        c.name,
                        f.hours(),
                        after.epreuve,
                        after.hours()
                    ),
                ));
            }
        }
    }
    // A jury pair with two candidates at once.
    for (i, a) in passages.iter().enumerate() {
        for b in &passages[i + 1..] {
            if let (Some(ja), Some(jb)) = (a.jury, b.jury)
                && ja == jb
                && let Some((pa, _)) = first_overlap(a, b)
            {
                out.push(Clash::new(
                    "timetable.overlap_jury",
                    format!(
                        "le jury {ja} aurait deux candidats en même temps le {} : {}{} ({}) et {}{} ({})",
                        fr::long_date(pa.date),
                        a.epreuve,
                        who(candidates, a),
                        a.hours(),
                        b.epreuve,
                        who(candidates, b),
                        b.hours()
                    ),
                ));
            }
        }
    }
    // Extra time that carries a candidate past the group's last day: said, not refused (the
    // others wait for them).
    for p in passages {
        let (Some(id), Some(own_end)) = (&p.candidate, p.last()) else {
            continue;
        };
        let Some(group_end) = passages
            .iter()
            .find(|g| g.epreuve == p.epreuve && g.candidate.is_none())
            .and_then(Passage::last)
        else {
            continue;
        };
        if own_end.date > group_end.date {
            let name = candidates
                .iter()
                .find(|c| c.id == *id)
                .map_or(id.as_str(), |c| c.name.as_str());
            out.push(Clash::new(
                "timetable.extra_overflow",
                format!(
                    "{name} : avec son temps supplémentaire, {} finit le {} à {}, après le groupe \
                     (le {} à {}) ; les épreuves suivantes commencent après",
                    p.epreuve,
                    fr::long_date(own_end.date),
                    fr::time(own_end.end),
                    fr::long_date(group_end.date),
                    fr::time(group_end.end)
                ),
            ));
        }
    }
    // A room booked twice at once.
    for (i, a) in passages.iter().enumerate() {
        for b in &passages[i + 1..] {
            // A candidate's extra time on a collective épreuve sits with the group.
            let same_sitting = a.epreuve == b.epreuve
                && (a.candidate.is_none() || b.candidate.is_none())
                && a.jury.is_none()
                && b.jury.is_none();
            if let (Some(ra), Some(rb)) = (&a.room, &b.room)
                && ra == rb
                && !same_sitting
                && let Some((pa, pb)) = first_overlap(a, b)
            {
                out.push(Clash::new(
                    "timetable.overlap_room",
                    format!(
                        "« {ra} » a deux réservations en même temps le {} : {}{}, de {} à {}, et {}{}, de {} à {}",
                        fr::long_date(pa.date),
                        a.epreuve,
                        who(candidates, a),
                        fr::time(pa.start),
                        fr::time(pa.end),
                        b.epreuve,
                        who(candidates, b),
                        fr::time(pb.start),
                        fr::time(pb.end)
                    ),
                ));
            }
        }
    }
    out
}

fn first_overlap<'a>(a: &'a Passage, b: &'a Passage) -> Option<(&'a Part, &'a Part)> {
    a.parts
        .iter()
        .flat_map(|pa| b.parts.iter().map(move |pb| (pa, pb)))
        .find(|(pa, pb)| pa.overlaps(pb))
}

/// « (DUPONT Jean) » for a candidate's own passage, nothing for the group's.
fn who(candidates: &[Person], p: &Passage) -> String {
    match &p.candidate {
        Some(id) => candidates
            .iter()
            .find(|c| c.id == *id)
            .map(|c| format!(" ({})", c.name))
            .unwrap_or_default(),
        None => String::new(),
    }
}

/// How many jury pairs each day needs: the candidates passing an individual épreuve that day,
/// at most `cap` per pair and day (the title's setting; without one, as many as the day holds).
pub fn jury_pairs(
    epreuves: &[Epreuve],
    passages: &[Passage],
    cap: Option<u32>,
) -> Vec<(Date, u32)> {
    let individual = |name: &str| {
        epreuves
            .iter()
            .any(|e| e.name == name && (e.individual || e.kind == EpreuveKind::FinalInterview))
    };
    let mut days: Vec<(Date, Vec<&str>)> = Vec::new();
    for p in passages
        .iter()
        .filter(|p| p.candidate.is_some() && individual(&p.epreuve))
    {
        let (Some(first), Some(c)) = (p.first(), p.candidate.as_deref()) else {
            continue;
        };
        match days.iter_mut().find(|(d, _)| *d == first.date) {
            Some((_, who)) => who.push(c),
            None => days.push((first.date, vec![c])),
        }
    }
    days.sort_by_key(|(d, _)| *d);
    days.into_iter()
        .map(|(d, mut who)| {
            who.sort_unstable();
            who.dedup();
            let n = who.len() as u32;
            (d, cap.filter(|c| *c > 0).map_or(1, |c| n.div_ceil(c)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn epreuve(name: &str, kind: EpreuveKind, minutes: u32, individual: bool) -> Epreuve {
        Epreuve {
            name: name.into(),
            kind,
            minutes,
            individual,
            ..Epreuve::default()
        }
    }

    fn people(names: &[&str]) -> Vec<Person> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Person {
                final_only: false,
                id: format!("c{i}"),
                name: (*n).into(),
                extra: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_candidate_by_capitalisation_passes_the_entretien_final_alone() {
        let span = Span {
            start: date(2027, 4, 5),
            end: date(2027, 4, 6),
            zone: Zone::Metropole,
        };
        let title = [
            epreuve("Mise en situation", EpreuveKind::Practical, 120, false),
            epreuve(
                "Entretien technique",
                EpreuveKind::TechnicalInterview,
                30,
                true,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let mut who = people(&["ARNAUD Léa", "BRUN Hugo"]);
        who[1].final_only = true;
        let plan = propose(&span, &title, &who);
        let theirs = |id: &str| -> Vec<&str> {
            plan.iter()
                .filter(|p| p.candidate.as_deref() == Some(id))
                .map(|p| p.epreuve.as_str())
                .collect()
        };
        assert_eq!(theirs("c0"), ["Entretien technique", "Entretien final"]);
        assert_eq!(theirs("c1"), ["Entretien final"]);
        // What the results ask of each: the entretien final alone for a full-title session,
        // every épreuve of a CCP session (there is no capitalisation there).
        let names = |kind, cap| -> Vec<String> {
            epreuves_for(kind, cap, &title)
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        assert_eq!(names(crate::Kind::Title, true), ["Entretien final"]);
        assert_eq!(names(crate::Kind::Title, false).len(), 3);
    }

    /// The Maçon case: a 21-hour mise en situation over three days, six candidates, an
    /// individual entretien technique of 30 minutes, an entretien final of 20 minutes, one
    /// candidate with a third of extra time.
    #[test]
    fn the_macon_session_runs_over_three_days_with_each_candidates_times() {
        let span = Span {
            start: date(2027, 4, 5),
            end: date(2027, 4, 9),
            zone: Zone::Metropole,
        };
        let epreuves = [
            epreuve(
                "Mise en situation professionnelle",
                EpreuveKind::Practical,
                21 * 60,
                false,
            ),
            epreuve(
                "Entretien technique",
                EpreuveKind::TechnicalInterview,
                30,
                true,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let mut who = people(&[
            "ARNAUD Paul",
            "BLANC Léa",
            "CARON Max",
            "DIAZ Inès",
            "ETIENNE Luc",
            "FAURE Zoé",
        ]);
        who[5].extra = vec![(
            "Mise en situation professionnelle".into(),
            Extra::Share(1, 3).added_to(21 * 60),
        )];
        let t = propose(&span, &epreuves, &who);
        // Nothing wrong; FAURE Zoé's extra time carries her a day past the group: said.
        let found = clashes(&span, &epreuves, &who, &t);
        assert_eq!(
            found.iter().map(|c| c.message.as_str()).collect::<Vec<_>>(),
            [
                "FAURE Zoé : avec son temps supplémentaire, Mise en situation professionnelle finit \
              le jeudi 8 avril 2027 à 17 h, après le groupe (le mercredi 7 avril 2027 à 17 h) ; \
              les épreuves suivantes commencent après"
            ]
        );
        assert_eq!(found[0].rule, "timetable.extra_overflow");
        // The group: Monday to Wednesday, 8 h 30 – 12 h and 13 h 30 – 17 h (7 h a day).
        let msp = &t[0];
        assert_eq!(msp.candidate, None);
        assert_eq!(
            msp.hours(),
            "jour 1 : 8 h 30 – 12 h, 13 h 30 – 17 h ; jour 2 : 8 h 30 – 12 h, 13 h 30 – 17 h ; \
             jour 3 : 8 h 30 – 12 h, 13 h 30 – 17 h"
        );
        assert_eq!(msp.parts[0].date, date(2027, 4, 5));
        assert_eq!(msp.parts[5].date, date(2027, 4, 7));
        // FAURE Zoé: 21 h + 7 h = 28 h, to Thursday evening.
        let zoe = of_candidate(&t, "c5");
        assert_eq!(zoe[0].parts.len(), 8);
        assert_eq!(zoe[0].last().unwrap().date, date(2027, 4, 8));
        assert_eq!(zoe[0].last().unwrap().end, time(17, 0, 0, 0));
        // Everyone waits for her: the entretiens technique start on Friday at 8 h 30, 30 min
        // each back to back: 8 h 30, 9 h, 9 h 30, 10 h, then the jury rests a quarter of an
        // hour after two hours (10 h 30 → 10 h 45), 10 h 45, 11 h 15.
        let starts: Vec<String> = t
            .iter()
            .filter(|p| p.epreuve == "Entretien technique")
            .map(|p| format!("{} {}", p.parts[0].date, fr::time(p.parts[0].start)))
            .collect();
        assert_eq!(
            starts,
            [
                "2027-04-09 8 h 30",
                "2027-04-09 9 h",
                "2027-04-09 9 h 30",
                "2027-04-09 10 h",
                "2027-04-09 10 h 45",
                "2027-04-09 11 h 15",
            ]
        );
        // The entretiens final after lunch, 20 min each: 13 h 30 … 15 h 10, a break after two
        // hours never reached (6 × 20 = 2 h: the last starts at 15 h 10).
        let finals: Vec<String> = t
            .iter()
            .filter(|p| p.epreuve == "Entretien final")
            .map(|p| fr::time(p.parts[0].start))
            .collect();
        assert_eq!(
            finals,
            [
                "13 h 30", "13 h 50", "14 h 10", "14 h 30", "14 h 50", "15 h 10"
            ]
        );
        // ARNAUD Paul's own timetable: the group's MSP, then his two entretiens.
        let paul: Vec<&str> = of_candidate(&t, "c0")
            .iter()
            .map(|p| p.epreuve.as_str())
            .collect();
        assert_eq!(
            paul,
            [
                "Mise en situation professionnelle",
                "Entretien technique",
                "Entretien final"
            ]
        );
        // One jury pair a day without a cap; two when the title allows four candidates a day.
        assert_eq!(jury_pairs(&epreuves, &t, None), [(date(2027, 4, 9), 1)]);
        assert_eq!(jury_pairs(&epreuves, &t, Some(4)), [(date(2027, 4, 9), 2)]);
        // Two pairs in parallel: three candidates each, the entretiens technique over by 10 h,
        // the entretiens final from 10 h 15, 20 minutes each.
        let two = lay_out(&span, &epreuves, &who, &[], 2);
        let by_jury = |name: &str| -> Vec<String> {
            two.iter()
                .filter(|p| p.epreuve == name)
                .map(|p| format!("{} {}", p.jury.unwrap_or(0), fr::time(p.parts[0].start)))
                .collect()
        };
        assert_eq!(
            by_jury("Entretien technique"),
            [
                "1 8 h 30", "2 8 h 30", "1 9 h", "2 9 h", "1 9 h 30", "2 9 h 30"
            ]
        );
        assert_eq!(
            by_jury("Entretien final"),
            [
                "1 10 h 15",
                "2 10 h 15",
                "1 10 h 35",
                "2 10 h 35",
                "1 10 h 55",
                "2 10 h 55"
            ]
        );
        // One pair given two candidates at once: said.
        let mut same = two.clone();
        for p in same.iter_mut().filter(|p| p.jury == Some(2)) {
            p.jury = Some(1);
        }
        let found = clashes(&span, &epreuves, &who, &same);
        assert!(
            found.iter().any(|c| c.rule == "timetable.overlap_jury"
                && c.message.starts_with("le jury 1 aurait deux candidats en même temps le vendredi 9 avril 2027 : Entretien technique (ARNAUD Paul) (8 h 30 – 9 h)")),
            "{found:?}"
        );
    }

    #[test]
    fn an_edited_timetable_says_every_clash_with_names_and_times() {
        let span = Span {
            start: date(2027, 4, 5),
            end: date(2027, 4, 6),
            zone: Zone::Metropole,
        };
        let epreuves = [
            epreuve(
                "Questionnaire professionnel",
                EpreuveKind::Questionnaire,
                60,
                false,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let who = people(&["ARNAUD Paul"]);
        let part = |d: Date, s: Time, e: Time| Part {
            date: d,
            start: s,
            end: e,
        };
        let t = vec![
            Passage {
                epreuve: "Questionnaire professionnel".into(),
                candidate: None,
                room: Some("Salle 2".into()),
                jury: None,
                parts: vec![part(date(2027, 4, 5), time(9, 0, 0, 0), time(10, 0, 0, 0))],
            },
            Passage {
                epreuve: "Entretien final".into(),
                candidate: Some("c0".into()),
                room: Some("Salle 2".into()),
                jury: None,
                parts: vec![part(date(2027, 4, 5), time(9, 30, 0, 0), time(9, 50, 0, 0))],
            },
            Passage {
                epreuve: "Entretien final".into(),
                candidate: Some("c0".into()),
                room: None,
                jury: None,
                parts: vec![part(date(2027, 4, 7), time(18, 0, 0, 0), time(19, 0, 0, 0))],
            },
        ];
        let rules: Vec<&str> = clashes(&span, &epreuves, &who, &t)
            .iter()
            .map(|c| c.rule)
            .collect();
        assert_eq!(
            rules,
            [
                "timetable.outside_session",
                "timetable.past_evening",
                "timetable.overlap_candidate",
                "timetable.final_not_last",
                "timetable.overlap_room",
            ]
        );
        let all = clashes(&span, &epreuves, &who, &t);
        assert_eq!(
            all[2].message,
            "ARNAUD Paul aurait deux épreuves en même temps le lundi 5 avril 2027 : \
             Questionnaire professionnel (9 h – 10 h) et Entretien final (9 h 30 – 9 h 50)"
        );
        assert_eq!(
            all[4].message,
            "« Salle 2 » a deux réservations en même temps le lundi 5 avril 2027 : Questionnaire \
             professionnel, de 9 h à 10 h, et Entretien final (ARNAUD Paul), de 9 h 30 à 9 h 50"
        );
        assert!(
            all[0]
                .message
                .contains("le mercredi 7 avril 2027 n'est pas un jour ouvré de la session"),
            "{}",
            all[0].message
        );
    }

    #[test]
    fn the_managers_start_of_an_epreuve_is_kept_and_the_rest_follows() {
        let span = Span {
            start: date(2027, 4, 5),
            end: date(2027, 4, 9),
            zone: Zone::Metropole,
        };
        let epreuves = [
            epreuve(
                "Questionnaire professionnel",
                EpreuveKind::Questionnaire,
                90,
                false,
            ),
            epreuve(
                "Entretien technique",
                EpreuveKind::TechnicalInterview,
                45,
                true,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let who = people(&["ARNAUD Paul", "BLANC Léa"]);
        // The questionnaire on Tuesday at 14 h: the entretiens follow it, not Monday morning.
        let t = lay_out(
            &span,
            &epreuves,
            &who,
            &[(
                "Questionnaire professionnel".into(),
                date(2027, 4, 6),
                time(14, 0, 0, 0),
            )],
            1,
        );
        let starts: Vec<String> = t.iter().map(|p| p.parts[0].describe()).collect();
        assert_eq!(
            starts,
            [
                "mardi 6 avril 2027, 14 h – 15 h 30",
                "mardi 6 avril 2027, 15 h 45 – 16 h 30",
                // A quarter of an hour between two épreuves; 16 h 30 + 45 min would end past
                // 17 h: the next morning.
                "mercredi 7 avril 2027, 8 h 30 – 9 h 15",
                "mercredi 7 avril 2027, 9 h 30 – 9 h 50",
                "mercredi 7 avril 2027, 9 h 50 – 10 h 10",
            ]
        );
        assert!(clashes(&span, &epreuves, &who, &t).is_empty());
    }

    #[test]
    fn rooms_are_booked_and_a_room_taken_by_another_session_is_named() {
        use crate::catalog::Room;
        let span = Span {
            start: date(2027, 4, 5),
            end: date(2027, 4, 9),
            zone: Zone::Metropole,
        };
        let epreuves = [
            epreuve(
                "Mise en situation professionnelle",
                EpreuveKind::Practical,
                7 * 60,
                false,
            ),
            epreuve(
                "Entretien technique",
                EpreuveKind::TechnicalInterview,
                30,
                true,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let mut who = people(&["ARNAUD Paul", "BLANC Léa", "CARON Max", "DIAZ Inès"]);
        who[1].extra = vec![("Mise en situation professionnelle".into(), 60)];
        let room = |name: &str, plateau: bool| Room {
            name: name.into(),
            plateau,
            equipment: Vec::new(),
        };
        let rooms = [
            room("Salle 1", false),
            room("Plateau maçonnerie", true),
            room("Salle 2", false),
        ];
        let mut t = lay_out(&span, &epreuves, &who, &[], 2);
        assign_rooms(&mut t, &epreuves, &rooms);
        let booked: Vec<(String, Option<u32>, String)> = t
            .iter()
            .map(|p| {
                (
                    p.epreuve.clone(),
                    p.jury,
                    p.room.clone().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            booked[0],
            (
                "Mise en situation professionnelle".into(),
                None,
                "Plateau maçonnerie".into()
            )
        );
        // BLANC Léa's extra hour stays on the plateau, with the group: no clash.
        assert_eq!(booked[1].2, "Plateau maçonnerie");
        assert!(
            booked
                .iter()
                .filter(|b| b.1 == Some(1))
                .all(|b| b.2 == "Salle 1")
        );
        assert!(
            booked
                .iter()
                .filter(|b| b.1 == Some(2))
                .all(|b| b.2 == "Salle 2")
        );
        let mine: Vec<Clash> = clashes(&span, &epreuves, &who, &t)
            .into_iter()
            .filter(|c| c.rule != "timetable.extra_overflow")
            .collect();
        assert!(mine.is_empty(), "{mine:?}");
        // Another session on the plateau on Monday afternoon.
        let other = [Passage {
            epreuve: "Mise en situation professionnelle".into(),
            candidate: None,
            room: Some("Plateau maçonnerie".into()),
            jury: None,
            parts: vec![Part {
                date: date(2027, 4, 5),
                start: time(13, 30, 0, 0),
                end: time(17, 0, 0, 0),
            }],
        }];
        let found = room_clashes(&t, &other, "la session Coffreur bancheur du 5 avril 2027");
        assert_eq!(
            found.iter().map(|c| c.message.as_str()).collect::<Vec<_>>(),
            [
                "« Plateau maçonnerie » est aussi réservé par la session Coffreur bancheur du 5 avril 2027 \
                 le lundi 5 avril 2027 (13 h 30 – 17 h) : Mise en situation professionnelle (13 h 30 – 17 h) \
                 ne peut pas s'y tenir"
            ]
        );
        assert!(room_clashes(&t, &[], "x").is_empty());
    }

    #[test]
    fn a_ccp_session_holds_only_the_epreuves_of_ccp_sessions() {
        let mut project = epreuve(
            "Présentation d'un projet",
            EpreuveKind::ProjectPresentation,
            35,
            true,
        );
        project.in_ccp_session = false;
        let list = [
            project,
            epreuve(
                "Mise en situation professionnelle",
                EpreuveKind::Practical,
                240,
                false,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let names = |k| {
            epreuves_of(k, &list)
                .into_iter()
                .map(|e| e.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(crate::Kind::Title).len(), 3);
        assert_eq!(
            names(crate::Kind::Ccp),
            ["Mise en situation professionnelle", "Entretien final"]
        );
    }

    #[test]
    fn presence_is_noted_on_the_day_for_a_passage_of_that_day() {
        let span = Span {
            start: date(2027, 4, 5),
            end: date(2027, 4, 9),
            zone: Zone::Metropole,
        };
        let epreuves = [
            epreuve(
                "Mise en situation professionnelle",
                EpreuveKind::Practical,
                14 * 60,
                false,
            ),
            epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true),
        ];
        let who = people(&["ARNAUD Paul"]);
        let t = propose(&span, &epreuves, &who);
        let msp = "Mise en situation professionnelle";
        // The mise en situation on Monday and Tuesday; noted on Tuesday for Tuesday.
        assert_eq!(
            attendance_problem(
                &t,
                "c0",
                "ARNAUD Paul",
                msp,
                date(2027, 4, 6),
                date(2027, 4, 6)
            ),
            None
        );
        assert_eq!(
            attendance_problem(
                &t,
                "c0",
                "ARNAUD Paul",
                msp,
                date(2027, 4, 6),
                date(2027, 4, 5)
            )
            .as_deref(),
            Some("la présence du mardi 6 avril 2027 se note ce jour-là, pas avant")
        );
        assert_eq!(
            attendance_problem(
                &t,
                "c0",
                "ARNAUD Paul",
                "Entretien final",
                date(2027, 4, 6),
                date(2027, 4, 7)
            )
            .as_deref(),
            Some(
                "ARNAUD Paul ne passe pas « Entretien final » le mardi 6 avril 2027 d'après l'emploi du temps"
            )
        );
    }

    #[test]
    fn the_order_of_passage_is_the_managers_then_alphabetical() {
        let who = people(&["ARNAUD Paul", "BLANC Léa", "CARON Max", "DIAZ Inès"]);
        let names = |p: Vec<Person>| p.into_iter().map(|p| p.name).collect::<Vec<_>>();
        assert_eq!(
            names(ordered(
                who.clone(),
                &["c2".into(), "c0".into(), "gone".into()]
            )),
            ["CARON Max", "ARNAUD Paul", "BLANC Léa", "DIAZ Inès"]
        );
        assert_eq!(names(ordered(who.clone(), &[])), names(who));
    }

    #[test]
    fn extra_time_is_read_as_people_write_it() {
        assert_eq!(Extra::parse("Tiers-temps"), Ok(Extra::Share(1, 3)));
        assert_eq!(Extra::parse("1/4"), Ok(Extra::Share(1, 4)));
        assert_eq!(Extra::parse(" 30 min "), Ok(Extra::Minutes(30)));
        assert_eq!(Extra::parse("1 h 30"), Ok(Extra::Minutes(90)));
        assert_eq!(Extra::parse("45"), Ok(Extra::Minutes(45)));
        assert!(
            Extra::parse("beaucoup")
                .unwrap_err()
                .contains("« beaucoup » n'est pas un temps supplémentaire")
        );
        assert_eq!(Extra::Share(1, 3).label(), "un tiers du temps");
        assert_eq!(Extra::Minutes(90).label(), "1 h 30");
        assert!(Extra::Share(4, 3).problem().is_some());
        assert!(Extra::Minutes(0).problem().is_some());
        assert_eq!(Extra::Share(1, 3).problem(), None);
    }

    #[test]
    fn extra_time_is_minutes_or_a_share_rounded_up() {
        assert_eq!(Extra::Minutes(20).added_to(60), 20);
        assert_eq!(Extra::Share(1, 3).added_to(1260), 420);
        assert_eq!(Extra::Share(1, 3).added_to(100), 34);
        assert_eq!(Extra::Share(1, 0).added_to(100), 0);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn kinds() -> impl Strategy<Value = (EpreuveKind, bool)> {
            prop_oneof![
                Just((EpreuveKind::Practical, false)),
                Just((EpreuveKind::Questionnaire, false)),
                Just((EpreuveKind::TechnicalInterview, true)),
                Just((EpreuveKind::ProjectPresentation, true)),
            ]
        }

        proptest! {
            /// Whatever the épreuves, candidates and extra times: no candidate in two places,
            /// every part within the day's hours on a working day, every candidate has every
            /// épreuve, the entretien final last — within the session when it is long enough.
            #[test]
            fn a_proposed_timetable_never_clashes(
                list in proptest::collection::vec((kinds(), 10u32..1500), 1..5),
                n in 1usize..12,
                extra in proptest::collection::vec(0u32..200, 12),
                day in 0i32..200,
                juries in 1u32..4,
            ) {
                let start = add_days(date(2027, 1, 4), day).unwrap();
                let span = Span { start, end: add_days(start, 60).unwrap(), zone: Zone::Metropole };
                let mut epreuves: Vec<Epreuve> = list
                    .iter()
                    .enumerate()
                    .map(|(i, ((k, ind), m))| epreuve(&format!("Épreuve {i}"), *k, if *ind { *m % 90 + 10 } else { *m }, *ind))
                    .collect();
                epreuves.push(epreuve("Entretien final", EpreuveKind::FinalInterview, 20, true));
                let mut who = people(&(0..n).map(|i| format!("CANDIDAT {i}")).collect::<Vec<_>>().iter().map(String::as_str).collect::<Vec<_>>());
                for (i, p) in who.iter_mut().enumerate() {
                    if extra[i] > 0 {
                        p.extra = vec![("Épreuve 0".into(), extra[i])];
                    }
                }
                let t = lay_out(&span, &epreuves, &who, &[], juries);
                let found: Vec<Clash> = clashes(&span, &epreuves, &who, &t)
                    .into_iter()
                    .filter(|c| c.rule != "timetable.extra_overflow")
                    .collect();
                prop_assert!(found.is_empty(), "{:?}", found);
                for p in &t {
                    for part in &p.parts {
                        prop_assert!(part.start >= DAY_START && part.end <= DAY_END, "{:?}", part);
                        prop_assert!(!(part.start < LUNCH_END && part.end > LUNCH_START), "over lunch: {:?}", part);
                    }
                }
                for c in &who {
                    let theirs = of_candidate(&t, &c.id);
                    prop_assert_eq!(theirs.len(), epreuves.len());
                    let minutes: i32 = theirs.iter().find(|p| p.epreuve == "Épreuve 0").unwrap().parts.iter().map(Part::minutes).sum();
                    prop_assert_eq!(minutes, (epreuves[0].minutes + c.extra_for("Épreuve 0")) as i32);
                }
            }
        }
    }
}
