//! The candidates of a session: registered one by one or imported all at once, never twice.

use jalon_core::candidate::{AccessRoute, CandidateInput};
use jalon_core::milestone::ids;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::AnyConnection;

pub use jalon_core::candidate::Presence;

use crate::error::{FieldError, Result, StoreError};
use crate::ids::{CandidateId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};
use crate::{Store, parse_date, parse_opt_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub id: CandidateId,
    #[serde(flatten)]
    pub input: CandidateInput,
    pub presence: Presence,
    /// The day's welcome (`day.welcome_candidates`).
    pub identity_checked: bool,
    pub convocation_presented: bool,
    /// The documents the convocation asks for (an identity document, the dossier
    /// professionnel) were shown.
    pub documents_presented: bool,
    pub signed: bool,
    /// The candidate drew their signature on the tablet (`signature`).
    pub drawn_signature: bool,
    pub checked_in_at: Option<Stamp>,
    pub checked_in_by: Option<String>,
    pub registered_at: Stamp,
    /// Registered after the `candidates.register` deadline (J−30).
    pub late_registration: bool,
    /// The candidate withdrew (« désistement ») : off the documents and checks from then on.
    pub withdrawal: Option<Withdrawal>,
    pub version: i64,
}

/// A candidate's withdrawal: the day and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdrawal {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub reason: String,
}

/// What the person welcoming candidates records for one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct CheckIn {
    /// Present (with what was checked) or absent.
    pub present: bool,
    #[serde(default)]
    pub identity_checked: bool,
    #[serde(default)]
    pub convocation_presented: bool,
    #[serde(default)]
    pub documents_presented: bool,
    #[serde(default)]
    pub signed: bool,
}

/// What an import did, or would do (`dry_run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    pub imported: usize,
    pub dry_run: bool,
}

/// The candidate an import error is about: `candidates[3].email` → 3 (the third given).
pub fn candidate_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("candidates[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

#[derive(sqlx::FromRow)]
struct Row {
    id: CandidateId,
    last_name: String,
    first_names: String,
    birth_date: String,
    email: String,
    phone: String,
    address: String,
    postcode: String,
    city: String,
    access_route: String,
    training_end: Option<String>,
    accommodation: String,
    accommodation_granted_by: String,
    accommodation_plan: String,
    civility: String,
    accommodation_details: String,
    ties: String,
    capitalisation: i64,
    withdrawn_on: Option<String>,
    withdrawal_reason: Option<String>,
    presence: String,
    identity_checked: i64,
    convocation_presented: i64,
    documents_presented: i64,
    signed: i64,
    drawn_signature: i64,
    checked_in_at: Option<Stamp>,
    checked_in_by: Option<String>,
    registered_at: Stamp,
    version: i64,
}

const SELECT: &str = "SELECT id, last_name, first_names, birth_date, email, phone, address, postcode, city, \
     access_route, training_end, accommodation, accommodation_granted_by, accommodation_plan, civility, \
     accommodation_details, ties, capitalisation, \
     withdrawn_on, withdrawal_reason, presence, \
     identity_checked, convocation_presented, documents_presented, signed, \
     CAST(CASE WHEN signature IS NULL THEN 0 ELSE 1 END AS BIGINT) AS drawn_signature, \
     checked_in_at, checked_in_by, registered_at, version \
     FROM candidates";

impl Store {
    /// The candidates of a session on `conn`, in French order of their names.
    pub(crate) async fn candidates_in(
        &self,
        conn: &mut AnyConnection,
        session: &SessionHandle<'_>,
        only: Option<&CandidateId>,
        withdrawn_too: bool,
    ) -> Result<Vec<Candidate>> {
        // The `candidates.register` deadline flags late registrations.
        let deadline = session
            .detail()
            .milestone(ids::CANDIDATES_REGISTER.as_str())
            .and_then(|m| m.deadline);
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE session_id = $1 AND ($2 = '' OR id = $2) AND ($3 = 1 OR withdrawn_on IS NULL) \
             ORDER BY last_name, first_names, id"
        )))
        .bind(session.id())
        .bind(only.map_or("", CandidateId::as_str))
        .bind(i64::from(withdrawn_too))
        .fetch_all(&mut *conn)
        .await?;
        let mut list = rows
            .into_iter()
            .map(|r| candidate_from_row(r, deadline))
            .collect::<Result<Vec<_>>>()?;
        list.sort_by(|a, b| {
            crate::collate::compare(&a.input.last_name, &b.input.last_name)
                .then_with(|| crate::collate::compare(&a.input.first_names, &b.input.first_names))
        });
        Ok(list)
    }

    /// The candidates of a session who have not withdrawn: those the documents, the day's
    /// welcome and the checks concern.
    pub async fn candidates(&self, session: &SessionHandle<'_>) -> Result<Vec<Candidate>> {
        let mut conn = self.pool().acquire().await?;
        self.candidates_in(&mut conn, session, None, false).await
    }

    /// Every candidate of a session, those who withdrew included (with their withdrawal).
    pub async fn all_candidates(&self, session: &SessionHandle<'_>) -> Result<Vec<Candidate>> {
        let mut conn = self.pool().acquire().await?;
        self.candidates_in(&mut conn, session, None, true).await
    }

    /// One candidate of the session, on `conn`.
    pub(crate) async fn candidate_in(
        &self,
        conn: &mut AnyConnection,
        session: &SessionHandle<'_>,
        id: &CandidateId,
    ) -> Result<Candidate> {
        self.candidates_in(conn, session, Some(id), false)
            .await?
            .pop()
            .ok_or(StoreError::NotFound { what: "candidat" })
    }

    pub async fn candidate(
        &self,
        session: &SessionHandle<'_>,
        id: &CandidateId,
    ) -> Result<Candidate> {
        let mut conn = self.pool().acquire().await?;
        self.candidate_in(&mut conn, session, id).await
    }

    /// Registers one candidate.
    pub async fn add_candidate(
        &self,
        w: SessionWriter<'_>,
        input: CandidateInput,
    ) -> Result<Candidate> {
        // One candidate: its errors name its fields (`email`), not `candidates[1].email`.
        let one = |f: FieldError| {
            let field = f
                .field
                .strip_prefix("candidates[1]")
                .unwrap_or(&f.field)
                .trim_start_matches('.');
            FieldError::new(
                if field.is_empty() { "candidate" } else { field },
                f.message,
            )
        };
        let ids = self
            .insert_candidates(w, vec![input], false, None)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(fields) => {
                    StoreError::Invalid(fields.into_iter().map(one).collect())
                }
                other => other,
            })?;
        let id = ids
            .first()
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        self.candidate(w.handle(), id).await
    }

    /// Registers candidates all at once, or none: any invalid candidate, or one already
    /// registered, refuses the whole import with every problem, « ligne n » being the n-th
    /// candidate given (the caller maps it to its file's lines).
    pub async fn import_candidates(
        &self,
        w: SessionWriter<'_>,
        candidates: Vec<CandidateInput>,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let imported = candidates.len();
        self.insert_candidates(w, candidates, dry_run, None).await?;
        Ok(ImportOutcome { imported, dry_run })
    }

    /// Inserts candidates; `again` names, for a candidate presented again, their first
    /// presentation and what the journal says of it.
    pub(crate) async fn insert_candidates(
        &self,
        w: SessionWriter<'_>,
        candidates: Vec<CandidateInput>,
        dry_run: bool,
        again: Option<(&CandidateId, serde_json::Value)>,
    ) -> Result<Vec<CandidateId>> {
        let (actor, session_id) = (w.actor(), w.id());
        let today = self.today();
        let mut errs = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            for p in c.problems(today) {
                errs.push(FieldError::new(
                    format!("candidates[{}].{}", i + 1, p.field),
                    p.message,
                ));
            }
        }
        let mut tx = self.begin().await?;
        let existing: Vec<IdentityRow> = sqlx::query_as(
            "SELECT last_name, first_names, birth_date FROM candidates WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        let registered = identities(existing)?;
        errs.extend(jalon_core::candidate::duplicate_problems(
            &registered,
            &candidates,
        ));
        StoreError::check(errs)?;
        if dry_run || candidates.is_empty() {
            return Ok(Vec::new());
        }
        let now = Stamp::new(self.now());
        let mut ids = Vec::with_capacity(candidates.len());
        for c in &candidates {
            let id = CandidateId::generate();
            let birth = c.birth_date.map(|d| d.to_string()).unwrap_or_default();
            sqlx::query(
                "INSERT INTO candidates (id, session_id, identity, last_name, first_names, birth_date, email, phone, \
                 address, postcode, city, access_route, training_end, accommodation, accommodation_granted_by, \
                 accommodation_plan, registered_at, civility, accommodation_details, ties, first_presentation_id, \
                 capitalisation) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)",
            )
            .bind(&id)
            .bind(session_id)
            .bind(c.identity_key())
            .bind(c.last_name.trim())
            .bind(c.first_names.trim())
            .bind(&birth)
            .bind(c.email.trim())
            .bind(c.phone.trim())
            .bind(c.address.trim())
            .bind(c.postcode.trim())
            .bind(c.city.trim())
            .bind(c.access_route.as_str())
            .bind(c.training_end.map(|d| d.to_string()))
            .bind(c.accommodation.trim())
            .bind(c.accommodation_granted_by.trim())
            .bind(c.accommodation_plan.trim())
            .bind(now)
            .bind(c.civility.trim())
            .bind(details_of(c)?)
            .bind(ties_of(c)?)
            .bind(again.as_ref().map(|(first, _)| (*first).clone()))
            .bind(i64::from(c.capitalisation))
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                // Registered by someone else since the check above (two imports at once).
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict {
                    what: "le candidat",
                },
                e => e.into(),
            })?;
            ids.push(id);
        }
        let names: Vec<String> = candidates.iter().map(CandidateInput::display).collect();
        let (action, data) = match again {
            Some((_, what)) => (Action::CandidateRepresented, what),
            None if candidates.len() == 1 => (
                Action::CandidateRegistered,
                json!({"count": 1, "candidates": names}),
            ),
            None => (
                Action::CandidatesImported,
                json!({"count": candidates.len(), "candidates": names}),
            ),
        };
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }
}

impl Store {
    /// Corrects what is known of a candidate (a typo, an address): every field at once, with
    /// the version read; the same person cannot be registered twice.
    pub async fn update_candidate(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        version: i64,
        input: CandidateInput,
    ) -> Result<Candidate> {
        let (actor, session_id) = (w.actor(), w.id());
        let problems = input.problems(self.today());
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let mut tx = self.begin().await?;
        let before = self.candidate_in(&mut tx, w.handle(), candidate_id).await?;
        if before.version != version {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        let others: Vec<IdentityRow> = sqlx::query_as(
            "SELECT last_name, first_names, birth_date FROM candidates \
             WHERE session_id = $1 AND id <> $2",
        )
        .bind(session_id)
        .bind(candidate_id)
        .fetch_all(&mut *tx)
        .await?;
        let registered = identities(others)?;
        let duplicate: Vec<FieldError> =
            jalon_core::candidate::duplicate_problems(&registered, std::slice::from_ref(&input))
                .into_iter()
                .map(|p| FieldError::new("candidate", p.message))
                .collect();
        StoreError::check(duplicate)?;
        let c = &input;
        let done = sqlx::query(
            "UPDATE candidates SET identity = $1, last_name = $2, first_names = $3, birth_date = $4, email = $5, \
             phone = $6, address = $7, postcode = $8, city = $9, access_route = $10, training_end = $11, \
             accommodation = $12, accommodation_granted_by = $13, accommodation_plan = $14, civility = $15, \
             accommodation_details = $16, ties = $17, capitalisation = $21, version = version + 1 \
             WHERE id = $18 AND session_id = $19 AND version = $20",
        )
        .bind(c.identity_key())
        .bind(c.last_name.trim())
        .bind(c.first_names.trim())
        .bind(c.birth_date.map(|d| d.to_string()).unwrap_or_default())
        .bind(c.email.trim())
        .bind(c.phone.trim())
        .bind(c.address.trim())
        .bind(c.postcode.trim())
        .bind(c.city.trim())
        .bind(c.access_route.as_str())
        .bind(c.training_end.map(|d| d.to_string()))
        .bind(c.accommodation.trim())
        .bind(c.accommodation_granted_by.trim())
        .bind(c.accommodation_plan.trim())
        .bind(c.civility.trim())
        .bind(details_of(c)?)
        .bind(ties_of(c)?)
        .bind(candidate_id)
        .bind(session_id)
        .bind(version)
        .bind(i64::from(c.capitalisation))
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict {
                what: "le candidat",
            },
            e => e.into(),
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        let after = self.candidate_in(&mut tx, w.handle(), candidate_id).await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::CandidateUpdated,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"candidate": after.input.display(), "before": before.input, "after": after.input}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a candidate's withdrawal (« désistement ») : the day and the reason. The
    /// candidate leaves the documents, the welcome and the checks; a convocation already
    /// given is void.
    pub async fn withdraw_candidate(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        version: i64,
        on: Date,
        reason: &str,
    ) -> Result<Candidate> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let mut list = self
            .candidates_in(&mut tx, w.handle(), Some(candidate_id), true)
            .await?;
        let before = list
            .pop()
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        if before.version != version {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        let problems = jalon_core::candidate::withdrawal_problems(
            on,
            reason,
            self.today(),
            before.withdrawal.as_ref().map(|w| w.on),
        );
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = Stamp::new(self.now());
        let done = sqlx::query(
            "UPDATE candidates SET withdrawn_on = $1, withdrawal_reason = $2, version = version + 1 \
             WHERE id = $3 AND session_id = $4 AND version = $5 AND withdrawn_on IS NULL",
        )
        .bind(on.to_string())
        .bind(reason.trim())
        .bind(candidate_id)
        .bind(session_id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        let voided = sqlx::query(
            "UPDATE convocations SET voided_at = $1, version = version + 1 WHERE candidate_id = $2 \
             AND session_id = $3 AND voided_at IS NULL",
        )
        .bind(now)
        .bind(candidate_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::CandidateWithdrawn,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"candidate": before.input.display(), "on": on, "reason": reason.trim(),
                             "convocation_voided": voided.rows_affected() > 0}),
            },
        )
        .await?;
        let after = self
            .candidates_in(&mut tx, w.handle(), Some(candidate_id), true)
            .await?
            .pop()
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a candidate's welcome on the day: present (identity, convocation, signature)
    /// or absent. A stale version is a conflict.
    pub async fn check_in(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        version: i64,
        check: CheckIn,
    ) -> Result<Candidate> {
        self.check_in_with_signature(w, candidate_id, version, check, None)
            .await
    }

    /// The same, with the signature the candidate drew on the tablet (a PNG), which counts
    /// as their signing. Marked absent, the candidate's drawn signature is removed.
    pub async fn check_in_with_signature(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        version: i64,
        mut check: CheckIn,
        signature: Option<&[u8]>,
    ) -> Result<Candidate> {
        let (actor, session_id) = (w.actor(), w.id());
        if let Some(png) = signature {
            jalon_core::upload::check_signature(png)
                .map_err(|e| StoreError::invalid("signature", e))?;
            if let Some(p) = jalon_core::candidate::signature_problem(check.present) {
                return Err(StoreError::Invalid(vec![p]));
            }
            check.signed = true;
        }
        if let Some(p) =
            jalon_core::candidate::welcome_day_problem(self.today(), w.handle().session().start)
        {
            return Err(StoreError::Invalid(vec![p]));
        }
        let mut tx = self.begin().await?;
        let before = self.candidate_in(&mut tx, w.handle(), candidate_id).await?;
        if before.version != version {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        let flag = |b: bool| i64::from(check.present && b);
        let presence = if check.present {
            Presence::Present
        } else {
            Presence::Absent
        };
        let done = sqlx::query(
            "UPDATE candidates SET presence = $1, identity_checked = $2, convocation_presented = $3, signed = $4, \
             checked_in_at = $5, checked_in_by = $6, version = version + 1, documents_presented = $11, \
             signature = CASE WHEN $1 = 'absent' THEN NULL WHEN $10 IS NULL THEN signature ELSE $10 END \
             WHERE id = $7 AND session_id = $8 AND version = $9",
        )
        .bind(presence.as_str())
        .bind(flag(check.identity_checked))
        .bind(flag(check.convocation_presented))
        .bind(flag(check.signed))
        .bind(Stamp::new(self.now()))
        .bind(actor.name())
        .bind(candidate_id)
        .bind(session_id)
        .bind(version)
        .bind(signature.map(<[u8]>::to_vec))
        .bind(flag(check.documents_presented))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: if check.present {
                    Action::CandidateCheckedIn
                } else {
                    Action::CandidateAbsent
                },
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({
                    "candidate": before.input.display(),
                    "identity_checked": check.present && check.identity_checked,
                    "convocation_presented": check.present && check.convocation_presented,
                    "documents_presented": check.present && check.documents_presented,
                    "signed": check.present && check.signed,
                    "drawn_signature": signature.is_some(),
                }),
            },
        )
        .await?;
        let after = self.candidate_in(&mut tx, w.handle(), candidate_id).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The signature a candidate drew on the tablet (PNG).
    pub async fn drawn_signature(
        &self,
        session: &SessionHandle<'_>,
        candidate_id: &CandidateId,
    ) -> Result<Vec<u8>> {
        let row: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT signature FROM candidates WHERE id = $1 AND session_id = $2")
                .bind(candidate_id)
                .bind(session.id())
                .fetch_optional(self.pool())
                .await?;
        row.and_then(|(s,)| s).ok_or(StoreError::NotFound {
            what: "signature dessinée",
        })
    }
}

/// What the departmental service decided with an accommodation, kept as one JSON column.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Details {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extra_time: Option<jalon_core::timetable::Extra>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    extra_time_epreuves: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reference: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decided_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requested_on: Option<Date>,
}

fn details_of(c: &CandidateInput) -> Result<String> {
    serde_json::to_string(&Details {
        extra_time: c.extra_time,
        extra_time_epreuves: c
            .extra_time_epreuves
            .iter()
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty())
            .collect(),
        reference: c.accommodation_reference.trim().to_owned(),
        decided_on: c.accommodation_decided_on,
        requested_on: c.accommodation_requested_on,
    })
    .map_err(|e| StoreError::Corrupt(format!("détails de l'aménagement : {e}")))
}

/// What links a candidate to a company or an organisation, kept as one JSON column.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Ties {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    employer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    employer_siret: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    trained_by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    trained_by_siret: String,
}

fn ties_of(c: &CandidateInput) -> Result<String> {
    serde_json::to_string(&Ties {
        employer: c.employer.trim().to_owned(),
        employer_siret: jalon_core::jury::siret(&c.employer_siret),
        trained_by: c.trained_by.trim().to_owned(),
        trained_by_siret: jalon_core::jury::siret(&c.trained_by_siret),
    })
    .map_err(|e| StoreError::Corrupt(format!("employeur et organisme du candidat : {e}")))
}

fn candidate_from_row(r: Row, deadline: Option<Date>) -> Result<Candidate> {
    let Row {
        id,
        last_name: last,
        first_names: first,
        birth_date: birth,
        email,
        phone,
        address,
        postcode,
        city,
        access_route: route,
        training_end,
        accommodation: acc,
        accommodation_granted_by: by,
        accommodation_plan: plan,
        civility,
        accommodation_details,
        ties,
        capitalisation,
        withdrawn_on,
        withdrawal_reason,
        presence,
        identity_checked,
        convocation_presented,
        documents_presented,
        signed,
        drawn_signature,
        checked_in_at,
        checked_in_by,
        registered_at,
        version,
    } = r;
    let registered = registered_at.paris_date();
    let details: Details = serde_json::from_str(&accommodation_details)
        .map_err(|e| StoreError::Corrupt(format!("détails de l'aménagement : {e}")))?;
    let ties: Ties = serde_json::from_str(&ties)
        .map_err(|e| StoreError::Corrupt(format!("employeur et organisme du candidat : {e}")))?;
    Ok(Candidate {
        input: CandidateInput {
            last_name: last,
            first_names: first,
            birth_date: Some(parse_date("birth_date", &birth)?),
            email,
            phone,
            address,
            postcode,
            city,
            access_route: AccessRoute::ALL
                .into_iter()
                .find(|r| r.as_str() == route)
                .ok_or_else(|| StoreError::Corrupt(format!("voie d'accès « {route} »")))?,
            training_end: parse_opt_date("training_end", training_end)?,
            capitalisation: capitalisation != 0,
            accommodation: acc,
            accommodation_granted_by: by,
            accommodation_plan: plan,
            civility,
            extra_time: details.extra_time,
            extra_time_epreuves: details.extra_time_epreuves,
            accommodation_reference: details.reference,
            accommodation_decided_on: details.decided_on,
            accommodation_requested_on: details.requested_on,
            employer: ties.employer,
            employer_siret: ties.employer_siret,
            trained_by: ties.trained_by,
            trained_by_siret: ties.trained_by_siret,
        },
        withdrawal: match withdrawn_on {
            Some(on) => Some(Withdrawal {
                on: parse_date("withdrawn_on", &on)?,
                reason: withdrawal_reason.unwrap_or_default(),
            }),
            None => None,
        },
        presence: Presence::parse(&presence)
            .ok_or_else(|| StoreError::Corrupt(format!("état de présence « {presence} »")))?,
        late_registration: deadline.is_some_and(|d| registered > d),
        identity_checked: identity_checked != 0,
        convocation_presented: convocation_presented != 0,
        documents_presented: documents_presented != 0,
        signed: signed != 0,
        drawn_signature: drawn_signature != 0,
        checked_in_at,
        checked_in_by,
        registered_at,
        id,
        version,
    })
}

/// A registered candidate's names and birth date, to find the same person twice.
type IdentityRow = (String, String, Option<String>);

/// The identity keys of registered candidates, computed from their names as typed (not from
/// the key stored when they were registered, which an older way of folding names gave).
fn identities(rows: Vec<IdentityRow>) -> Result<std::collections::HashSet<String>> {
    rows.into_iter()
        .map(|(last_name, first_names, birth)| {
            let person = CandidateInput {
                last_name,
                first_names,
                birth_date: parse_opt_date("birth_date", birth)?,
                ..CandidateInput::default()
            };
            Ok(person.identity_key())
        })
        .collect()
}
