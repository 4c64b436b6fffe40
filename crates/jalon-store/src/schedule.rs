//! The schedule of a session's épreuves: Jalon's proposal until the manager sets the days
//! and times, which then appear on the convocations, the posting and the sign-in sheets.

use jalon_core::schedule::{self, Slot};
use jalon_core::{Zone, fr};
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::catalog::Title;
use crate::error::{Result, StoreError};
use crate::ids::Stamp;
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};
use crate::sessions::Session;

/// A session's schedule, one slot per épreuve of its title, in the title's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionSchedule {
    pub slots: Vec<Slot>,
    /// Some slots are still Jalon's proposal (none set by the manager, or the title's
    /// épreuves changed since).
    pub proposed: bool,
    /// Épreuves set on a day outside the session's dates (the dates moved since).
    pub outside: Vec<String>,
}

/// The day and time the manager gives one épreuve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotInput {
    pub date: String,
    pub start: String,
}

pub use jalon_core::schedule::parse_time;

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
        let mut conn = self.pool().acquire().await?;
        self.schedule_in(&mut conn, s, title, zone).await
    }

    /// The schedule, read on `conn`.
    async fn schedule_in(
        &self,
        conn: &mut sqlx::AnyConnection,
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
                .fetch_optional(&mut *conn)
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
        let centre = actor.centre_id();
        // What is checked is read in the transaction that writes: the session's dates, its
        // title's épreuves, its site's calendar.
        let mut tx = self.begin().await?;
        let session = self.detail_in(&mut tx, centre, session_id).await?.session;
        let missing = || StoreError::NotFound { what: "session" };
        let title = self
            .title_in(&mut tx, centre, &session.title_id)
            .await?
            .ok_or_else(missing)?;
        let site = self
            .site_in(&mut tx, centre, &session.site_id)
            .await?
            .ok_or_else(missing)?;
        let (start, end) = (session.start, session.end);
        let current = self
            .schedule_in(&mut tx, &session, &title, site.zone)
            .await?;
        let typed: Vec<(&str, &str)> = inputs
            .iter()
            .map(|i| (i.date.as_str(), i.start.as_str()))
            .collect();
        let slots = schedule::slots_from_input(start, end, &current.slots, &typed)
            .map_err(StoreError::Invalid)?;
        let text = serde_json::to_string(&slots)
            .map_err(|e| StoreError::Corrupt(format!("calendrier des épreuves : {e}")))?;
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
        let after = self
            .schedule_in(&mut tx, &session, &title, site.zone)
            .await?;
        tx.commit().await?;
        Ok(after)
    }
}
