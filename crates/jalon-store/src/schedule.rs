//! The schedule of a session's épreuves: Jalon's proposal until the manager sets the days
//! and times, which then appear on the convocations, the posting and the sign-in sheets.

use jalon_core::schedule::{self, Slot};
use jalon_core::{Zone, fr};
use jiff::civil::{Date, Time};
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::catalog::Title;
use crate::error::{FieldError, Result, StoreError};
use crate::ids::Stamp;
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};
use crate::sessions::Session;

/// A session's schedule, one slot per épreuve of its title, in the title's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionSchedule {
    pub slots: Vec<Slot>,
    /// Some slots are still Jalon's proposal (none set by the manager, or the title's
    /// épreuves changed since).
    pub proposed: bool,
    /// Épreuves set on a day outside the session's dates (the dates moved since).
    pub outside: Vec<String>,
}

/// The day and time the manager gives one épreuve.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SlotInput {
    pub date: String,
    pub start: String,
}

/// Reads « 8:30 », « 08h30 », « 8 h 30 », « 14h », « 14:00 ».
pub fn parse_time(input: &str) -> std::result::Result<Time, String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.to_lowercase();
    let (h, m) = s
        .split_once([':', 'h'])
        .map(|(h, m)| (h, if m.is_empty() { "0" } else { m }))
        .unwrap_or((s.as_str(), "0"));
    let number = |p: &str| {
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i8>().ok())
            .flatten()
    };
    match (number(h), number(m)) {
        (Some(h), Some(m)) if (0..24).contains(&h) && (0..60).contains(&m) => {
            Ok(jiff::civil::time(h, m, 0, 0))
        }
        _ => Err(format!(
            "« {} » n'est pas une heure (forme attendue : 8:30 ou 8 h 30)",
            input.trim()
        )),
    }
}

impl Store {
    /// The schedule of a session: the manager's where set, Jalon's proposal elsewhere.
    pub async fn schedule(&self, session: &SessionHandle<'_>) -> Result<SessionSchedule> {
        let (actor, s) = (session.actor(), session.session());
        let (title, site) =
            tokio::try_join!(self.title(actor, &s.title_id), self.site(actor, &s.site_id))?;
        self.schedule_of(s, &title, site.zone).await
    }

    /// The same, for a session whose title and site the caller has already read.
    pub async fn schedule_of(
        &self,
        s: &Session,
        title: &Title,
        zone: Zone,
    ) -> Result<SessionSchedule> {
        let epreuves: Vec<(String, u32)> = title
            .structure
            .epreuves
            .iter()
            .map(|e| (e.name.clone(), e.minutes))
            .collect();
        let proposal = schedule::propose(s.start, s.end, zone, &epreuves);
        let saved: Option<(Option<String>,)> =
            sqlx::query_as("SELECT schedule FROM sessions WHERE id = $1")
                .bind(&s.id)
                .fetch_optional(self.pool())
                .await?;
        let saved: Vec<Slot> = match saved.and_then(|(s,)| s) {
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("calendrier des épreuves : {e}")))?,
            None => Vec::new(),
        };
        let mut proposed = false;
        let slots: Vec<Slot> = proposal
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                match saved
                    .get(i)
                    .filter(|s| s.name == p.name)
                    .or_else(|| saved.iter().find(|s| s.name == p.name))
                {
                    Some(s) => Slot {
                        minutes: p.minutes,
                        ..s.clone()
                    },
                    None => {
                        proposed = true;
                        p
                    }
                }
            })
            .collect();
        let outside = slots
            .iter()
            .filter(|x| x.date < s.start || x.date > s.end)
            .map(|x| x.name.clone())
            .collect();
        Ok(SessionSchedule {
            slots,
            proposed,
            outside,
        })
    }

    /// Sets the day and time of every épreuve (one input per épreuve, in the title's
    /// order). Every problem is reported at once and nothing is written unless all is right.
    pub async fn set_schedule(
        &self,
        w: SessionWriter<'_>,
        inputs: &[SlotInput],
    ) -> Result<SessionSchedule> {
        let (actor, session_id) = (w.actor(), w.id());
        let session = w.handle().session();
        let (title, site) = tokio::try_join!(
            self.title(actor, &session.title_id),
            self.site(actor, &session.site_id)
        )?;
        let (start, end) = (session.start, session.end);
        let current = self.schedule_of(session, &title, site.zone).await?;
        if inputs.len() != current.slots.len() {
            return Err(StoreError::invalid(
                "schedule",
                format!(
                    "le calendrier doit donner une date et une heure à chacune des {} épreuves du titre",
                    current.slots.len()
                ),
            ));
        }
        let mut problems = Vec::new();
        let mut slots = Vec::with_capacity(inputs.len());
        for (i, (input, slot)) in inputs.iter().zip(&current.slots).enumerate() {
            let date: Option<Date> = match fr::parse_date(&input.date) {
                Ok(d) if d < start || d > end => {
                    problems.push(FieldError::new(
                        format!("date_{i}"),
                        format!(
                            "{} : le {} est en dehors de la session ({})",
                            slot.name,
                            fr::long_date(d),
                            fr::date_range(start, end)
                        ),
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    problems.push(FieldError::new(
                        format!("date_{i}"),
                        format!("{} : {e}", slot.name),
                    ));
                    None
                }
            };
            let time = match parse_time(&input.start) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push(FieldError::new(
                        format!("start_{i}"),
                        format!("{} : {e}", slot.name),
                    ));
                    None
                }
            };
            if let (Some(date), Some(start)) = (date, time) {
                let candidate = Slot {
                    name: slot.name.clone(),
                    date,
                    start,
                    minutes: slot.minutes,
                };
                let ends = i64::from(start.hour()) * 60
                    + i64::from(start.minute())
                    + i64::from(slot.minutes);
                if ends >= 24 * 60 {
                    problems.push(FieldError::new(
                        format!("start_{i}"),
                        format!("{} : l'épreuve finirait après minuit", slot.name),
                    ));
                }
                slots.push(candidate);
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let text = serde_json::to_string(&slots)
            .map_err(|e| StoreError::Corrupt(format!("calendrier des épreuves : {e}")))?;
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE sessions SET schedule = $1, updated_at = $2 WHERE id = $3")
            .bind(&text)
            .bind(Stamp::new(self.now()))
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        let described: Vec<String> = slots
            .iter()
            .map(|s| {
                format!(
                    "{} : {} à {}",
                    s.name,
                    fr::short_date(s.date),
                    fr::time(s.start)
                )
            })
            .collect();
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionScheduleSet,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({ "schedule": described }),
            },
        )
        .await?;
        tx.commit().await?;
        self.schedule_of(session, &title, site.zone).await
    }
}

#[cfg(test)]
mod tests {
    use super::parse_time;
    use jiff::civil::time;

    #[test]
    fn reads_the_ways_people_write_times() {
        assert_eq!(parse_time("8:30"), Ok(time(8, 30, 0, 0)));
        assert_eq!(parse_time("08h30"), Ok(time(8, 30, 0, 0)));
        assert_eq!(parse_time("8 h 30"), Ok(time(8, 30, 0, 0)));
        assert_eq!(parse_time("14h"), Ok(time(14, 0, 0, 0)));
        assert_eq!(parse_time("14"), Ok(time(14, 0, 0, 0)));
        assert_eq!(parse_time(" 14:05 "), Ok(time(14, 5, 0, 0)));
        for bad in ["", "25:00", "8:60", "midi", "8:3x", "-1:00", "123"] {
            let e = parse_time(bad).unwrap_err();
            assert!(e.contains("n'est pas une heure"), "{bad}: {e}");
        }
    }
}
