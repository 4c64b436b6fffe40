//! Personal data under the RGPD: the anonymisation of a session's candidates and jurors once
//! the centre's retention period is over (`jalon purge`), and the export of everything
//! Jalon holds about one person (the right of access).
//!
//! The purge keeps what the session *was* — how many candidates, their results, the
//! milestones, the journal — and removes who they were: names, birth dates, contact
//! details, accommodations, signatures, the documents they returned, the archived scans.
//! The journal is never rewritten (its chain and signatures must still verify): entries
//! written before the purge keep the names they recorded (see `docs/registre-traitements.md`);
//! the purge itself is a new entry with counts only.

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::Store;
use crate::error::Result;
use crate::ids::{CandidateId, CentreId, JurorId, SessionId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{Actor, SessionWriter, Writer};

/// A session whose personal data is due for anonymisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuePurge {
    pub centre_id: CentreId,
    pub centre: String,
    pub session_id: SessionId,
    pub title: String,
    pub start: Date,
    pub end: Date,
    pub validated_on: Option<Date>,
    pub retention_years: u32,
    /// The last day the data was kept.
    pub kept_until: Date,
    pub candidates: i64,
}

/// What one purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PurgeCounts {
    pub candidates: u64,
    pub jurors: u64,
    pub documents: u64,
}

/// A file a person's export carries beside the JSON: its name, type and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    pub name: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// Everything Jalon holds about one person.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonalData {
    pub name: String,
    pub data: Value,
    pub files: Vec<ExportFile>,
}

type DueRow = (
    CentreId,
    String,
    i64,
    SessionId,
    String,
    String,
    String,
    Option<String>,
    i64,
);

impl Store {
    /// The sessions, of every centre, whose personal data is due for anonymisation today
    /// (`jalon_core::privacy::due_for_purge`), oldest first.
    pub async fn sessions_due_for_purge(&self) -> Result<Vec<DuePurge>> {
        let rows: Vec<DueRow> = sqlx::query_as(
            "SELECT s.centre_id, ce.name, ce.retention_years, s.id, t.name, s.start_date, s.end_date, \
             vd.validated_on, (SELECT COUNT(*) FROM candidates c WHERE c.session_id = s.id) \
             FROM sessions s JOIN centres ce ON ce.id = s.centre_id JOIN titles t ON t.id = s.title_id \
             LEFT JOIN validations vd ON vd.session_id = s.id \
             WHERE s.purged_at IS NULL ORDER BY s.end_date, s.id",
        )
        .fetch_all(self.pool())
        .await?;
        let today = self.today();
        let mut due = Vec::new();
        for (centre_id, centre, years, session_id, title, start, end, validated, n) in rows {
            let end = crate::parse_date("end_date", &end)?;
            let validated_on = crate::parse_opt_date("validated_on", validated)?;
            let years =
                u32::try_from(years).unwrap_or(jalon_core::privacy::DEFAULT_RETENTION_YEARS);
            let facts = jalon_core::privacy::RetentionFacts {
                end,
                validated_on,
                purged: false,
            };
            if !jalon_core::privacy::due_for_purge(&facts, years, today) {
                continue;
            }
            let Some(kept_until) = jalon_core::privacy::retention_until(end, validated_on, years)
            else {
                continue;
            };
            due.push(DuePurge {
                centre_id,
                centre,
                session_id,
                title,
                start: crate::parse_date("start_date", &start)?,
                end,
                validated_on,
                retention_years: years,
                kept_until,
                candidates: n,
            });
        }
        Ok(due)
    }

    /// Anonymises one session's personal data, in one transaction, journaled with counts
    /// only. `None` when it was already done (by another run at the same time).
    pub async fn purge_session(&self, due: &DuePurge) -> Result<Option<PurgeCounts>> {
        let now = Stamp::new(self.now());
        let id = &due.session_id;
        let mut tx = self.begin().await?;
        let claimed = sqlx::query(
            "UPDATE sessions SET purged_at = $1, version = version + 1 \
             WHERE id = $2 AND centre_id = $3 AND purged_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(&due.centre_id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            return Ok(None);
        }
        let mut counts = PurgeCounts::default();
        // The documents they gave: a signed convocation returned, a drawn signature.
        for sql in [
            "SELECT 1 FROM convocations WHERE session_id = $1 AND document IS NOT NULL",
            "SELECT 1 FROM candidates WHERE session_id = $1 AND signature IS NOT NULL",
            "SELECT 1 FROM session_jurors WHERE session_id = $1 AND signature IS NOT NULL",
            "SELECT 1 FROM minutes_signatures WHERE session_id = $1 AND signature IS NOT NULL",
        ] {
            counts.documents += sqlx::query(sql).bind(id).fetch_all(&mut *tx).await?.len() as u64;
        }
        let candidates: Vec<(CandidateId,)> = sqlx::query_as(
            "SELECT id FROM candidates WHERE session_id = $1 ORDER BY registered_at, id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        for (rank, (candidate,)) in candidates.iter().enumerate() {
            let name = jalon_core::privacy::anonymised_candidate(rank + 1);
            sqlx::query(
                "UPDATE candidates SET identity = $1, last_name = $2, first_names = '', \
                 birth_date = '1900-01-01', email = '', phone = '', address = '', postcode = '', city = '', \
                 civility = '', accommodation = '', accommodation_granted_by = '', accommodation_plan = '', \
                 accommodation_details = '{}', ties = '{}', signature = NULL, \
                 withdrawal_reason = CASE WHEN withdrawal_reason IS NULL THEN NULL ELSE '' END, \
                 version = version + 1 WHERE id = $3",
            )
            .bind(format!("anonymise-{}", rank + 1))
            .bind(&name)
            .bind(candidate)
            .execute(&mut *tx)
            .await?;
            counts.candidates += 1;
        }
        sqlx::query(
            "UPDATE convocations SET document = NULL, document_name = NULL, document_type = NULL, \
             read_from = NULL, ack_token_hash = NULL, send_error = NULL, version = version + 1 \
             WHERE session_id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        for sql in [
            "UPDATE result_letters SET sent_to = '' WHERE session_id = $1",
            "UPDATE incidents SET candidates = '' WHERE session_id = $1",
            "UPDATE jury_links SET what = '' WHERE session_id = $1",
            "UPDATE session_jurors SET read_from = NULL, signed_from = NULL, signature = NULL WHERE session_id = $1",
            "UPDATE minutes_signatures SET signed_from = '', signature = NULL WHERE session_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        counts.jurors = sqlx::query("SELECT 1 FROM session_jurors WHERE session_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .len() as u64;
        for sql in [
            "DELETE FROM minutes_scans WHERE session_id = $1",
            "DELETE FROM archive_pieces WHERE session_id = $1",
        ] {
            counts.documents += sqlx::query(sql)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let actor = Actor::command_line(due.centre_id.clone());
        journal::append(
            &mut tx,
            self,
            &actor,
            Change {
                action: Action::PersonalDataPurged,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({
                    "candidates": counts.candidates,
                    "jurors": counts.jurors,
                    "documents": counts.documents,
                    "retention_years": due.retention_years,
                    "kept_until": due.kept_until.to_string(),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Some(counts))
    }

    /// Everything Jalon holds about one candidate of a session, for their right of access
    /// (a manager or an administrator of the centre), journaled.
    pub async fn export_candidate(
        &self,
        w: SessionWriter<'_>,
        id: &CandidateId,
    ) -> Result<PersonalData> {
        let h = w.handle();
        let candidate = self.candidate(h, id).await?;
        let name = candidate.input.display();
        let convocation = self
            .convocations(h)
            .await?
            .into_iter()
            .find(|v| v.candidate_id == *id);
        let result = self
            .results(h)
            .await?
            .rows
            .into_iter()
            .find(|r| r.candidate_id == *id);
        let passages: Vec<Value> = self
            .schedule(h)
            .await?
            .of_candidate(id.as_str())
            .into_iter()
            .map(|p| {
                let when: Vec<String> = p.parts.iter().map(|x| x.describe()).collect();
                json!({"epreuve": p.epreuve, "when": when.join(" ; ")})
            })
            .collect();
        let mentions: Vec<Value> = self
            .session_journal(h, 100_000)
            .await?
            .into_iter()
            .filter(|e| {
                let data = e.data.to_string();
                data.contains(id.as_str()) || data.contains(&name)
            })
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        let mut files = Vec::new();
        let signature: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT signature FROM candidates WHERE id = $1 AND session_id = $2")
                .bind(id)
                .bind(h.id())
                .fetch_optional(self.pool())
                .await?;
        if let Some((Some(png),)) = signature {
            files.push(ExportFile {
                name: "signature-emargement.png".to_owned(),
                media_type: "image/png".to_owned(),
                bytes: png,
            });
        }
        type DocumentRow = (Option<String>, Option<String>, Option<Vec<u8>>);
        let document: Option<DocumentRow> = sqlx::query_as(
            "SELECT document_name, document_type, document FROM convocations WHERE candidate_id = $1 AND session_id = $2",
        )
        .bind(id)
        .bind(h.id())
        .fetch_optional(self.pool())
        .await?;
        if let Some((Some(doc_name), Some(kind), Some(bytes))) = document {
            files.push(ExportFile {
                name: format!("convocation-signee-{doc_name}"),
                media_type: kind,
                bytes,
            });
        }
        let s = h.session();
        let data = json!({
            "kind": "candidate",
            "exported_at": Stamp::new(self.now()),
            "centre_id": w.actor().centre_id(),
            "session": {
                "id": s.id, "title": s.title_name, "start": s.start.to_string(),
                "end": s.end.to_string(), "validated_on": s.validated_on.map(|d| d.to_string()),
            },
            "candidate": candidate,
            "convocation": convocation,
            "passages": passages,
            "result": result.and_then(|r| r.result),
            "journal": mentions,
        });
        self.journal_export(
            w.actor(),
            Subject::Session,
            h.id().as_str(),
            &name,
            "candidate",
            files.len(),
        )
        .await?;
        Ok(PersonalData { name, data, files })
    }

    /// Everything Jalon holds about one juror of the centre's pool, for their right of
    /// access (a manager or an administrator), journaled.
    pub async fn export_juror(&self, w: Writer<'_>, id: &JurorId) -> Result<PersonalData> {
        let actor = w.actor();
        let juror = self.juror(actor, id).await?;
        let name = juror.input.display();
        type SittingRow = (
            SessionId,
            String,
            String,
            String,
            Option<Stamp>,
            Option<String>,
            Option<Stamp>,
            Option<String>,
            Option<Stamp>,
            Option<Stamp>,
            Option<String>,
        );
        let rows: Vec<SittingRow> = sqlx::query_as(
            "SELECT s.id, t.name, s.start_date, s.end_date, sj.convoked_at, sj.convoked_how, sj.read_at, \
             sj.read_from, sj.links_declared_at, sj.signed_at, sj.signed_from \
             FROM session_jurors sj JOIN sessions s ON s.id = sj.session_id JOIN titles t ON t.id = s.title_id \
             WHERE sj.juror_id = $1 AND s.centre_id = $2 ORDER BY s.start_date, s.id",
        )
        .bind(id)
        .bind(actor.centre_id())
        .fetch_all(self.pool())
        .await?;
        let mut sessions = Vec::new();
        for r in rows {
            let seats: Vec<(String, i64, String)> = sqlx::query_as(
                "SELECT day, jury, presence FROM jury_seats WHERE session_id = $1 AND juror_id = $2 ORDER BY day",
            )
            .bind(&r.0)
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            let links: Vec<(String, i64, String, String)> = sqlx::query_as(
                "SELECT candidate_id, linked, what, declared_by FROM jury_links WHERE session_id = $1 AND juror_id = $2",
            )
            .bind(&r.0)
            .bind(id)
            .fetch_all(self.pool())
            .await?;
            let minutes: Option<(Stamp, String)> = sqlx::query_as(
                "SELECT signed_at, signed_from FROM minutes_signatures WHERE session_id = $1 AND juror_id = $2",
            )
            .bind(&r.0)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            sessions.push(json!({
                "session_id": r.0, "title": r.1, "start": r.2, "end": r.3,
                "convoked_at": r.4, "convoked_how": r.5, "read_at": r.6, "read_from": r.7,
                "links_declared_at": r.8, "statement_signed_at": r.9, "statement_signed_from": r.10,
                "seats": seats.iter().map(|(day, jury, presence)| json!({"day": day, "jury": jury, "presence": presence})).collect::<Vec<_>>(),
                "declared_links": links.iter().map(|(c, linked, what, by)| json!({"candidate_id": c, "linked": *linked != 0, "what": what, "declared_by": by})).collect::<Vec<_>>(),
                "minutes_signed": minutes.map(|(at, from)| json!({"at": at, "from": from})),
            }));
        }
        let tokens: Vec<(Stamp, Option<Stamp>)> = sqlx::query_as(
            "SELECT created_at, revoked_at FROM juror_tokens WHERE juror_id = $1 ORDER BY created_at",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mentions: Vec<Value> = self
            .journal(actor, 100_000)
            .await?
            .into_iter()
            .filter(|e| {
                let data = e.data.to_string();
                e.subject_id == id.as_str() || data.contains(id.as_str()) || data.contains(&name)
            })
            .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
            .collect();
        let data = json!({
            "kind": "juror",
            "exported_at": Stamp::new(self.now()),
            "centre_id": actor.centre_id(),
            "juror": juror,
            "sessions": sessions,
            "personal_links": tokens.iter().map(|(c, r)| json!({"created_at": c, "revoked_at": r})).collect::<Vec<_>>(),
            "journal": mentions,
        });
        self.journal_export(actor, Subject::Juror, id.as_str(), &name, "juror", 0)
            .await?;
        Ok(PersonalData {
            name,
            data,
            files: Vec::new(),
        })
    }

    async fn journal_export(
        &self,
        actor: &Actor,
        subject_type: Subject,
        subject_id: &str,
        name: &str,
        kind: &str,
        files: usize,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::PersonalDataExported,
                subject_type,
                subject_id,
                data: json!({"person": name, "kind": kind, "files": files}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
