//! The candidates of a session: registered one by one or imported all at once, never twice.

use jalon_core::candidate::{AccessRoute, CandidateInput};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::error::{FieldError, Result, StoreError};
use crate::journal::{self, Change};
use crate::scope::{Actor, Resource, Writer};
use crate::{Store, new_id, parse_date, parse_opt_date, timestamp_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Expected,
    Present,
    Absent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub id: String,
    #[serde(flatten)]
    pub input: CandidateInput,
    pub presence: Presence,
    /// The day's welcome (`day.welcome_candidates`).
    pub identity_checked: bool,
    pub convocation_presented: bool,
    pub signed: bool,
    /// The candidate drew their signature on the tablet (`signature`).
    pub drawn_signature: bool,
    pub checked_in_at: Option<String>,
    pub checked_in_by: Option<String>,
    pub registered_at: String,
    /// Registered after the `candidates.register` deadline (J−30).
    pub late_registration: bool,
    pub version: i64,
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
    pub signed: bool,
}

/// What an import did, or would do (`dry_run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

fn identity(c: &CandidateInput) -> String {
    let (last, first, born) = c.identity();
    format!(
        "{last}|{first}|{}",
        born.map(|d| d.to_string()).unwrap_or_default()
    )
}

fn route_str(r: AccessRoute) -> &'static str {
    match r {
        AccessRoute::Training => "training",
        AccessRoute::Vae => "vae",
        AccessRoute::Apprenticeship => "apprenticeship",
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
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
    presence: String,
    identity_checked: i64,
    convocation_presented: i64,
    signed: i64,
    drawn_signature: i64,
    checked_in_at: Option<String>,
    checked_in_by: Option<String>,
    registered_at: String,
    version: i64,
}

const SELECT: &str = "SELECT id, last_name, first_names, birth_date, email, phone, address, postcode, city, \
     access_route, training_end, accommodation, accommodation_granted_by, accommodation_plan, presence, \
     identity_checked, convocation_presented, signed, \
     CAST(CASE WHEN signature IS NULL THEN 0 ELSE 1 END AS BIGINT) AS drawn_signature, \
     checked_in_at, checked_in_by, registered_at, version \
     FROM candidates";

impl Store {
    /// The centre a session belongs to, for the command line (which acts for that centre).
    pub async fn centre_of_session(&self, session_id: &str) -> Result<String> {
        let row: Option<(String,)> = sqlx::query_as("SELECT centre_id FROM sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|(c,)| c)
            .ok_or(StoreError::NotFound { what: "session" })
    }

    /// The `candidates.register` deadline of a session, for flagging late registrations.
    async fn registration_deadline(&self, session_id: &str) -> Result<Option<Date>> {
        let row: Option<(Option<String>,)> = sqlx::query_as(
            "SELECT deadline FROM session_milestones WHERE session_id = $1 AND milestone_id = 'candidates.register'",
        )
        .bind(session_id)
        .fetch_optional(self.pool())
        .await?;
        parse_opt_date("deadline", row.and_then(|(d,)| d))
    }

    pub async fn candidates(&self, actor: &Actor, session_id: &str) -> Result<Vec<Candidate>> {
        self.ensure_exists(actor, Resource::Session, session_id)
            .await?;
        let deadline = self.registration_deadline(session_id).await?;
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE session_id = $1 ORDER BY last_name, first_names, id"
        )))
        .bind(session_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| candidate_from_row(r, deadline))
            .collect()
    }

    /// Registers one candidate.
    pub async fn add_candidate(
        &self,
        writer: Writer<'_>,
        session_id: &str,
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
        self.import_candidates(writer, session_id, vec![input.clone()], false)
            .await
            .map_err(|e| match e {
                StoreError::Invalid(fields) => {
                    StoreError::Invalid(fields.into_iter().map(one).collect())
                }
                other => other,
            })?;
        let all = self.candidates(writer.actor(), session_id).await?;
        all.into_iter()
            .find(|c| identity(&c.input) == identity(&input))
            .ok_or(StoreError::NotFound { what: "candidat" })
    }

    /// Registers candidates all at once, or none: any invalid candidate, or one already
    /// registered, refuses the whole import with every problem, « ligne n » being the n-th
    /// candidate given (the caller maps it to its file's lines).
    pub async fn import_candidates(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidates: Vec<CandidateInput>,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let actor = writer.actor();
        self.ensure_exists(actor, Resource::Session, session_id)
            .await?;
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
        let existing: Vec<(String, String)> =
            sqlx::query_as("SELECT identity, last_name FROM candidates WHERE session_id = $1")
                .bind(session_id)
                .fetch_all(self.pool())
                .await?;
        let mut seen = std::collections::HashSet::new();
        for (i, c) in candidates.iter().enumerate() {
            let id = identity(c);
            if existing.iter().any(|(e, _)| *e == id) {
                errs.push(FieldError::new(
                    format!("candidates[{}]", i + 1),
                    format!("{} est déjà inscrit(e) à cette session", c.display()),
                ));
            } else if !seen.insert(id) {
                errs.push(FieldError::new(
                    format!("candidates[{}]", i + 1),
                    format!("{} figure deux fois", c.display()),
                ));
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        if dry_run || candidates.is_empty() {
            return Ok(ImportOutcome {
                imported: candidates.len(),
                dry_run,
            });
        }
        let now = timestamp_text(self.now());
        let mut tx = self.begin().await?;
        for c in &candidates {
            let birth = c.birth_date.map(|d| d.to_string()).unwrap_or_default();
            sqlx::query(
                "INSERT INTO candidates (id, session_id, identity, last_name, first_names, birth_date, email, phone, \
                 address, postcode, city, access_route, training_end, accommodation, accommodation_granted_by, \
                 accommodation_plan, registered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            )
            .bind(new_id())
            .bind(session_id)
            .bind(identity(c))
            .bind(c.last_name.trim())
            .bind(c.first_names.trim())
            .bind(&birth)
            .bind(c.email.trim())
            .bind(c.phone.trim())
            .bind(c.address.trim())
            .bind(c.postcode.trim())
            .bind(c.city.trim())
            .bind(route_str(c.access_route))
            .bind(c.training_end.map(|d| d.to_string()))
            .bind(c.accommodation.trim())
            .bind(c.accommodation_granted_by.trim())
            .bind(c.accommodation_plan.trim())
            .bind(&now)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                // Registered by someone else since the check above (two imports at once).
                sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict {
                    what: "le candidat",
                },
                e => e.into(),
            })?;
        }
        let names: Vec<String> = candidates.iter().map(CandidateInput::display).collect();
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: if candidates.len() == 1 {
                    "candidate.registered"
                } else {
                    "candidates.imported"
                },
                subject_type: "session",
                subject_id: session_id,
                data: json!({"count": candidates.len(), "candidates": names}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ImportOutcome {
            imported: candidates.len(),
            dry_run: false,
        })
    }
}

impl Store {
    /// Records a candidate's welcome on the day: present (identity, convocation, signature)
    /// or absent. A stale version is a conflict.
    pub async fn check_in(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidate_id: &str,
        version: i64,
        check: CheckIn,
    ) -> Result<Candidate> {
        self.check_in_with_signature(writer, session_id, candidate_id, version, check, None)
            .await
    }

    /// The same, with the signature the candidate drew on the tablet (a PNG), which counts
    /// as their signing. Marked absent, the candidate's drawn signature is removed.
    pub async fn check_in_with_signature(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidate_id: &str,
        version: i64,
        mut check: CheckIn,
        signature: Option<&[u8]>,
    ) -> Result<Candidate> {
        let actor = writer.actor();
        if let Some(png) = signature {
            jalon_core::upload::check_signature(png)
                .map_err(|e| StoreError::invalid("signature", e))?;
            if !check.present {
                return Err(StoreError::invalid(
                    "signature",
                    "un candidat absent ne signe pas : marquez-le présent",
                ));
            }
            check.signed = true;
        }
        let before = self
            .candidates(actor, session_id)
            .await?
            .into_iter()
            .find(|c| c.id == candidate_id)
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        if before.version != version {
            return Err(StoreError::Conflict {
                what: "le candidat",
            });
        }
        let now = timestamp_text(self.now());
        let flag = |b: bool| i64::from(check.present && b);
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE candidates SET presence = $1, identity_checked = $2, convocation_presented = $3, signed = $4, \
             checked_in_at = $5, checked_in_by = $6, version = version + 1, \
             signature = CASE WHEN $1 = 'absent' THEN NULL WHEN $10 IS NULL THEN signature ELSE $10 END \
             WHERE id = $7 AND session_id = $8 AND version = $9",
        )
        .bind(if check.present { "present" } else { "absent" })
        .bind(flag(check.identity_checked))
        .bind(flag(check.convocation_presented))
        .bind(flag(check.signed))
        .bind(&now)
        .bind(actor.name())
        .bind(candidate_id)
        .bind(session_id)
        .bind(version)
        .bind(signature.map(<[u8]>::to_vec))
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
                    "candidate.checked_in"
                } else {
                    "candidate.absent"
                },
                subject_type: "session",
                subject_id: session_id,
                data: json!({
                    "candidate": before.input.display(),
                    "identity_checked": check.present && check.identity_checked,
                    "convocation_presented": check.present && check.convocation_presented,
                    "signed": check.present && check.signed,
                    "drawn_signature": signature.is_some(),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.candidates(actor, session_id)
            .await?
            .into_iter()
            .find(|c| c.id == candidate_id)
            .ok_or(StoreError::NotFound { what: "candidat" })
    }
}

impl Store {
    /// The signature a candidate drew on the tablet (PNG).
    pub async fn drawn_signature(
        &self,
        actor: &Actor,
        session_id: &str,
        candidate_id: &str,
    ) -> Result<Vec<u8>> {
        self.ensure_exists(actor, crate::Resource::Session, session_id)
            .await?;
        let row: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT signature FROM candidates WHERE id = $1 AND session_id = $2")
                .bind(candidate_id)
                .bind(session_id)
                .fetch_optional(self.pool())
                .await?;
        row.and_then(|(s,)| s).ok_or(StoreError::NotFound {
            what: "signature dessinée",
        })
    }
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
        presence,
        identity_checked,
        convocation_presented,
        signed,
        drawn_signature,
        checked_in_at,
        checked_in_by,
        registered_at,
        version,
    } = r;
    let registered: Option<Date> = registered_at
        .parse::<jiff::Timestamp>()
        .ok()
        .and_then(|t| t.in_tz("Europe/Paris").ok())
        .map(|z| z.date());
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
            access_route: match route.as_str() {
                "vae" => AccessRoute::Vae,
                "apprenticeship" => AccessRoute::Apprenticeship,
                _ => AccessRoute::Training,
            },
            training_end: parse_opt_date("training_end", training_end)?,
            accommodation: acc,
            accommodation_granted_by: by,
            accommodation_plan: plan,
        },
        presence: match presence.as_str() {
            "present" => Presence::Present,
            "absent" => Presence::Absent,
            _ => Presence::Expected,
        },
        late_registration: matches!((registered, deadline), (Some(r), Some(d)) if r > d),
        identity_checked: identity_checked != 0,
        convocation_presented: convocation_presented != 0,
        signed: signed != 0,
        drawn_signature: drawn_signature != 0,
        checked_in_at,
        checked_in_by,
        registered_at,
        id,
        version,
    })
}
