//! Presence at each épreuve, day by day, as the sign-in sheets record it: on the day, for a
//! passage the timetable gives the candidate that day, present (identity checked, sheet
//! signed) or absent. What the results will read: an absence at one épreuve.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{CandidateId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};

/// A candidate's presence at one épreuve on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub candidate_id: CandidateId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    pub epreuve: String,
    pub present: bool,
    pub identity_checked: bool,
    pub signed: bool,
    pub recorded_at: Stamp,
    pub recorded_by: String,
}

/// What is noted at the épreuve.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceInput {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    pub epreuve: String,
    pub present: bool,
    #[serde(default)]
    pub identity_checked: bool,
    #[serde(default)]
    pub signed: bool,
}

type Row = (CandidateId, String, String, i64, i64, i64, Stamp, String);

fn from_row(r: Row) -> Result<Attendance> {
    let (candidate_id, day, epreuve, present, identity_checked, signed, recorded_at, recorded_by) =
        r;
    Ok(Attendance {
        candidate_id,
        day: day
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("jour de présence « {day} » : {e}")))?,
        epreuve,
        present: present != 0,
        identity_checked: identity_checked != 0,
        signed: signed != 0,
        recorded_at,
        recorded_by,
    })
}

impl Store {
    /// Notes a candidate present or absent at an épreuve of the day (again: the last note
    /// stands, each is journaled). Only on that day or after, for a passage the timetable
    /// gives them that day.
    pub async fn record_attendance(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        input: AttendanceInput,
    ) -> Result<Attendance> {
        let (actor, session_id) = (w.actor(), w.id());
        let candidate = self.candidate(w.handle(), candidate_id).await?;
        if candidate.withdrawal.is_some() {
            return Err(StoreError::invalid(
                "candidate",
                format!(
                    "{} s'est désisté(e) : aucune présence à noter",
                    candidate.input.display()
                ),
            ));
        }
        let schedule = self.schedule(w.handle()).await?;
        let name = format!(
            "{} {}",
            candidate.input.last_name.trim().to_uppercase(),
            candidate.input.first_names.trim()
        );
        if let Some(problem) = jalon_core::timetable::attendance_problem(
            &schedule.timetable,
            candidate_id.as_str(),
            &name,
            &input.epreuve,
            input.day,
            self.today(),
        ) {
            return Err(StoreError::invalid("day", problem));
        }
        let flag = |b: bool| i64::from(input.present && b);
        let mark = Attendance {
            candidate_id: candidate_id.clone(),
            day: input.day,
            epreuve: input.epreuve.clone(),
            present: input.present,
            identity_checked: input.present && input.identity_checked,
            signed: input.present && input.signed,
            recorded_at: Stamp::new(self.now()),
            recorded_by: actor.name().to_owned(),
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO attendance (session_id, candidate_id, day, epreuve, present, identity_checked, signed, \
             recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (candidate_id, day, epreuve) DO UPDATE SET present = excluded.present, \
             identity_checked = excluded.identity_checked, signed = excluded.signed, \
             recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
        )
        .bind(session_id)
        .bind(candidate_id)
        .bind(input.day.to_string())
        .bind(&input.epreuve)
        .bind(i64::from(input.present))
        .bind(flag(input.identity_checked))
        .bind(flag(input.signed))
        .bind(mark.recorded_at)
        .bind(&mark.recorded_by)
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::AttendanceRecorded,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"candidate": candidate_id, "name": name, "day": input.day,
                             "epreuve": input.epreuve, "present": input.present,
                             "identity_checked": mark.identity_checked, "signed": mark.signed}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(mark)
    }

    /// Every presence noted in the session, by day, épreuve and candidate.
    pub async fn attendance(&self, session: &SessionHandle<'_>) -> Result<Vec<Attendance>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT candidate_id, day, epreuve, present, identity_checked, signed, recorded_at, recorded_by \
             FROM attendance WHERE session_id = $1 ORDER BY day, epreuve, candidate_id",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(from_row).collect()
    }
}
