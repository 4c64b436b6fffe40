//! The centre's jurors: who they are, whom they work for, and the habilitations that let them
//! sit on a jury for a title (never beyond its expiry), with their licences for the transport
//! titles. Kept by the centre's managers and administrators, journaled.

use jalon_core::jury::JurorInput;
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::error::{FieldError, Result, StoreError};
use crate::ids::{JurorId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, Writer};

/// A juror of the centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Juror {
    pub id: JurorId,
    #[serde(flatten)]
    pub input: JurorInput,
    pub version: i64,
}

type Row = (JurorId, String, i64);

fn from_row((id, details, version): Row) -> Result<Juror> {
    Ok(Juror {
        id,
        input: serde_json::from_str(&details)
            .map_err(|e| StoreError::Corrupt(format!("juré : {e}")))?,
        version,
    })
}

/// The juror as kept: names, contacts and SIRET trimmed (the SIRET without its spaces).
fn kept(input: JurorInput) -> JurorInput {
    let t = |s: &str| s.trim().to_owned();
    JurorInput {
        last_name: t(&input.last_name),
        first_names: t(&input.first_names),
        email: t(&input.email),
        phone: t(&input.phone),
        profession: t(&input.profession),
        employer: t(&input.employer),
        employer_siret: input
            .employer_siret
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
        habilitations: input
            .habilitations
            .into_iter()
            .map(|mut h| {
                h.title = h.title.trim().to_uppercase();
                h.granted_by = h.granted_by.trim().to_owned();
                h.reference = h.reference.trim().to_owned();
                h
            })
            .collect(),
        ..input
    }
}

impl Store {
    /// The centre's jurors, in French order of their names.
    pub async fn jurors(&self, actor: &Actor) -> Result<Vec<Juror>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, details, version FROM jurors WHERE centre_id = $1 ORDER BY last_name, first_names, id",
        )
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let mut list = rows.into_iter().map(from_row).collect::<Result<Vec<_>>>()?;
        list.sort_by(|a, b| {
            crate::collate::compare(&a.input.last_name, &b.input.last_name)
                .then_with(|| crate::collate::compare(&a.input.first_names, &b.input.first_names))
        });
        Ok(list)
    }

    /// One juror of the centre; another centre's is not found.
    pub async fn juror(&self, actor: &Actor, id: &JurorId) -> Result<Juror> {
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, details, version FROM jurors WHERE centre_id = $1 AND id = $2",
        )
        .bind(actor.centre_id())
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(from_row)
            .transpose()?
            .ok_or(StoreError::NotFound { what: "juré" })
    }

    /// What is wrong with a juror given, against the centre's titles.
    async fn juror_problems(&self, actor: &Actor, input: &JurorInput) -> Result<Vec<FieldError>> {
        let titles: Vec<(String, jiff::civil::Date)> = self
            .titles(actor)
            .await?
            .into_iter()
            .map(|t| (t.rncp_code, t.expiry))
            .collect();
        Ok(input
            .problems(&titles)
            .into_iter()
            .map(|p| FieldError::new(p.field, p.message))
            .collect())
    }

    /// Records a juror (managers and administrators).
    pub async fn add_juror(&self, w: Writer<'_>, input: JurorInput) -> Result<Juror> {
        let actor = w.actor();
        StoreError::check(self.juror_problems(actor, &input).await?)?;
        let juror = Juror {
            id: JurorId::generate(),
            input: kept(input),
            version: 1,
        };
        let details = serde_json::to_string(&juror.input)
            .map_err(|e| StoreError::Corrupt(format!("juré : {e}")))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO jurors (id, centre_id, last_name, first_names, details, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&juror.id)
        .bind(actor.centre_id())
        .bind(&juror.input.last_name)
        .bind(&juror.input.first_names)
        .bind(&details)
        .bind(Stamp::new(self.now()))
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::JurorCreated,
                subject_type: Subject::Juror,
                subject_id: juror.id.as_str(),
                data: json!({"after": juror.input, "name": juror.input.display()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(juror)
    }

    /// Corrects a juror, with the version read (a stale one is a conflict).
    pub async fn update_juror(
        &self,
        w: Writer<'_>,
        id: &JurorId,
        version: i64,
        input: JurorInput,
    ) -> Result<Juror> {
        let actor = w.actor();
        let before = self.juror(actor, id).await?;
        StoreError::check(self.juror_problems(actor, &input).await?)?;
        let after = Juror {
            id: id.clone(),
            input: kept(input),
            version: version + 1,
        };
        let details = serde_json::to_string(&after.input)
            .map_err(|e| StoreError::Corrupt(format!("juré : {e}")))?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE jurors SET last_name = $1, first_names = $2, details = $3, version = version + 1 \
             WHERE id = $4 AND centre_id = $5 AND version = $6",
        )
        .bind(&after.input.last_name)
        .bind(&after.input.first_names)
        .bind(&details)
        .bind(id)
        .bind(actor.centre_id())
        .bind(version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "le juré" });
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::JurorUpdated,
                subject_type: Subject::Juror,
                subject_id: id.as_str(),
                data: json!({"before": before.input, "after": after.input, "name": after.input.display()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

/// What an import of jurors did (or would do, on a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JurorsImported {
    pub created: usize,
    /// Jurors already kept, completed (new habilitations, contacts).
    pub updated: usize,
    /// Jurors already kept that the file adds nothing to.
    pub unchanged: usize,
    pub dry_run: bool,
}

/// The position (from 1) of the juror a refusal of [`Store::import_jurors`] names.
pub fn juror_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("jurors[")?
        .split_once(']')?
        .0
        .parse()
        .ok()
}

impl Store {
    /// Imports jurors, all or nothing: each is checked as at entry (every problem given with
    /// its position, `jurors[3].…`); a juror already kept (same names, same address when
    /// both have one) is completed rather than doubled. Each change is journaled.
    pub async fn import_jurors(
        &self,
        w: Writer<'_>,
        jurors: Vec<JurorInput>,
        dry_run: bool,
    ) -> Result<JurorsImported> {
        let actor = w.actor();
        let titles: Vec<(String, jiff::civil::Date)> = self
            .titles(actor)
            .await?
            .into_iter()
            .map(|t| (t.rncp_code, t.expiry))
            .collect();
        let mut errs = Vec::new();
        for (i, j) in jurors.iter().enumerate() {
            for p in j.problems(&titles) {
                errs.push(FieldError::new(
                    format!("jurors[{}].{}", i + 1, p.field),
                    p.message,
                ));
            }
        }
        StoreError::check(errs)?;
        let kept_now = self.jurors(actor).await?;
        let mut outcome = JurorsImported {
            created: 0,
            updated: 0,
            unchanged: 0,
            dry_run,
        };
        // What each juror of the file becomes: new, or the completion of one kept (two
        // lines of the file for the same person complete the same one).
        let mut plan: Vec<(Option<Juror>, JurorInput)> = Vec::new();
        for j in jurors.into_iter().map(kept) {
            let known = plan
                .iter()
                .position(|(_, p)| jalon_core::jury::same_juror(p, &j));
            match known {
                Some(at) => plan[at].1 = jalon_core::jury::merged(&plan[at].1, &j),
                None => {
                    let before = kept_now
                        .iter()
                        .find(|k| jalon_core::jury::same_juror(&k.input, &j))
                        .cloned();
                    let after = match &before {
                        Some(b) => jalon_core::jury::merged(&b.input, &j),
                        None => j,
                    };
                    plan.push((before, after));
                }
            }
        }
        let mut tx = self.begin().await?;
        for (before, after) in plan {
            let details = serde_json::to_string(&after)
                .map_err(|e| StoreError::Corrupt(format!("juré : {e}")))?;
            let (id, action, data) = match &before {
                Some(b) if b.input == after => {
                    outcome.unchanged += 1;
                    continue;
                }
                Some(b) => {
                    outcome.updated += 1;
                    sqlx::query(
                        "UPDATE jurors SET details = $1, version = version + 1 WHERE id = $2 AND centre_id = $3",
                    )
                    .bind(&details)
                    .bind(&b.id)
                    .bind(actor.centre_id())
                    .execute(&mut *tx)
                    .await?;
                    (
                        b.id.clone(),
                        Action::JurorUpdated,
                        json!({"before": b.input, "after": after, "name": after.display(), "import": true}),
                    )
                }
                None => {
                    outcome.created += 1;
                    let id = JurorId::generate();
                    sqlx::query(
                        "INSERT INTO jurors (id, centre_id, last_name, first_names, details, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&id)
                    .bind(actor.centre_id())
                    .bind(&after.last_name)
                    .bind(&after.first_names)
                    .bind(&details)
                    .bind(Stamp::new(self.now()))
                    .execute(&mut *tx)
                    .await?;
                    (
                        id,
                        Action::JurorCreated,
                        json!({"after": after, "name": after.display(), "import": true}),
                    )
                }
            };
            journal::append(
                &mut tx,
                self,
                actor,
                Change {
                    action,
                    subject_type: Subject::Juror,
                    subject_id: id.as_str(),
                    data,
                },
            )
            .await?;
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcome)
    }
}
