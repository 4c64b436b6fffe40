//! The minutes of a session (`close.sign_minutes`): edited from the results once each is
//! recorded, signed by each juror present — through their personal link (a drawn
//! signature) or on paper (the signed scan, kept with its SHA-256). A result changed after a
//! signature undoes the signatures, journaled: the minutes are signed again.

use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{JurorId, SessionId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::juror_link::JurorLink;
use crate::scope::{SessionHandle, SessionWriter};

/// A juror who signs the minutes, and their signature once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signer {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub juror_id: JurorId,
    pub name: String,
    /// The days they were pointed present.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub days: Vec<jiff::civil::Date>,
    pub signed_at: Option<Stamp>,
    /// « lien personnel (…) », « sur papier (scan joint) ».
    pub signed_from: Option<String>,
    pub drawn: bool,
}

/// Where the minutes stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Minutes {
    /// Every candidate has a result: the minutes can be edited and signed.
    pub ready: bool,
    /// The jurors pointed present, who sign.
    pub signers: Vec<Signer>,
    /// The signed paper scan, when given: its name and SHA-256.
    pub scan: Option<(String, String)>,
}

#[derive(sqlx::FromRow)]
struct SignatureRow {
    juror_id: JurorId,
    signed_at: Stamp,
    signed_from: String,
    drawn: i64,
}

impl Store {
    /// The minutes of a session: whether they can be signed, who signs, who did.
    pub async fn minutes(&self, session: &SessionHandle<'_>) -> Result<Minutes> {
        let sheet = self.results(session).await?;
        self.minutes_of(session, &sheet).await
    }

    /// The same, from the results sheet the caller already read.
    pub async fn minutes_of(
        &self,
        session: &SessionHandle<'_>,
        sheet: &crate::results::ResultsSheet,
    ) -> Result<Minutes> {
        let jury = self.gather_jury(session, None).await?;
        let rows: Vec<SignatureRow> = sqlx::query_as(
            "SELECT juror_id, signed_at, signed_from, \
             CAST(CASE WHEN signature IS NULL THEN 0 ELSE 1 END AS BIGINT) AS drawn \
             FROM minutes_signatures WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let scan: Option<(String, String)> =
            sqlx::query_as("SELECT name, sha256 FROM minutes_scans WHERE session_id = $1")
                .bind(session.id())
                .fetch_optional(self.pool())
                .await?;
        let signers = jury
            .facts
            .present()
            .into_iter()
            .map(|j| {
                let row = rows.iter().find(|r| r.juror_id.as_str() == j.id);
                let mut days: Vec<jiff::civil::Date> = jury
                    .facts
                    .noted
                    .iter()
                    .filter(|(id, _, here)| *here && id == &j.id)
                    .map(|(_, d, _)| *d)
                    .collect();
                days.sort();
                days.dedup();
                Signer {
                    juror_id: JurorId::from(j.id.as_str()),
                    name: j.name.clone(),
                    days,
                    signed_at: row.map(|r| r.signed_at),
                    signed_from: row.map(|r| r.signed_from.clone()),
                    drawn: row.is_some_and(|r| r.drawn != 0),
                }
            })
            .collect();
        Ok(Minutes {
            ready: !sheet.rows.is_empty() && sheet.rows.iter().all(|r| r.result.is_some()),
            signers,
            scan,
        })
    }

    /// What the juror's link shows of the minutes of a session they sit in: their line once
    /// the minutes are edited and they were present (`None` otherwise).
    pub async fn juror_minutes(
        &self,
        link: &JurorLink,
        session: &SessionId,
    ) -> Result<Option<Signer>> {
        self.juror_sitting(link, session).await?;
        let reader = link.documents_reader();
        let h = self.open_session(&reader, session).await?;
        let minutes = self.minutes(&h).await?;
        let me = link.juror().id.clone();
        Ok(minutes
            .ready
            .then(|| minutes.signers.into_iter().find(|s| s.juror_id == me))
            .flatten())
    }

    /// The juror signs the minutes through their link, with a drawn signature: once every
    /// result is recorded, if they were present; once.
    pub async fn sign_minutes_by_link(
        &self,
        link: &JurorLink,
        session: &SessionId,
        png: &[u8],
        origin: &str,
    ) -> Result<Minutes> {
        // Seated in that session, or nothing is read.
        self.juror_sitting(link, session).await?;
        let reader = link.documents_reader();
        let h = self.open_session(&reader, session).await?;
        let minutes = self.minutes(&h).await?;
        let name = link.name();
        let me = link.juror().id.clone();
        if !minutes.ready {
            return Err(StoreError::invalid(
                "minutes",
                "le procès-verbal n'est pas encore édité : chaque résultat doit être enregistré",
            ));
        }
        match minutes.signers.iter().find(|s| s.juror_id == me) {
            None => {
                return Err(StoreError::invalid(
                    "minutes",
                    format!(
                        "{name} n'est pointé(e) présent(e) à aucun jour de la session : seuls les jurés présents signent le procès-verbal"
                    ),
                ));
            }
            Some(s) if s.signed_at.is_some() => {
                return Err(StoreError::invalid(
                    "minutes",
                    format!("{name} a déjà signé le procès-verbal"),
                ));
            }
            Some(_) => {}
        }
        jalon_core::upload::check_signature(png).map_err(|e| {
            StoreError::invalid(
                "signature",
                e.replace("faites signer le candidat", "signez"),
            )
        })?;
        let from = format!(
            "lien personnel ({})",
            origin
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect::<String>()
        );
        let now = Stamp::new(self.now());
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "INSERT INTO minutes_signatures (session_id, juror_id, signed_at, signed_from, signature) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id, juror_id) DO NOTHING",
        )
        .bind(session)
        .bind(&me)
        .bind(now)
        .bind(&from)
        .bind(png.to_vec())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::invalid(
                "minutes",
                format!("{name} a déjà signé le procès-verbal"),
            ));
        }
        let who = format!("{name} (lien personnel)");
        journal::append(
            &mut tx,
            self,
            self.link_author(link, &who),
            Change {
                action: Action::MinutesSigned,
                subject_type: Subject::Session,
                subject_id: session.as_str(),
                data: json!({"juror": name, "from": from}),
            },
        )
        .await?;
        tx.commit().await?;
        self.minutes(&h).await
    }

    /// The minutes signed on paper by the jurors present: the scan (a PDF or an image,
    /// checked by content) is kept with its SHA-256, and stands for each present juror's
    /// signature not yet given.
    pub async fn attach_minutes_scan(
        &self,
        w: SessionWriter<'_>,
        name: &str,
        bytes: &[u8],
    ) -> Result<Minutes> {
        let (actor, session) = (w.actor(), w.handle());
        let minutes = self.minutes(session).await?;
        if !minutes.ready {
            return Err(StoreError::invalid(
                "scan",
                "le procès-verbal n'est pas encore édité : chaque résultat doit être enregistré",
            ));
        }
        if minutes.signers.is_empty() {
            return Err(StoreError::invalid(
                "scan",
                "aucun juré n'est pointé présent : personne n'a pu signer le procès-verbal",
            ));
        }
        let kind = jalon_core::upload::check_document(bytes)
            .map_err(|e| StoreError::invalid("scan", e))?;
        let sha = crate::sha256_hex(bytes);
        let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
        let name = if name.trim().is_empty() {
            "pv-signe".to_owned()
        } else {
            name
        };
        let now = Stamp::new(self.now());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO minutes_scans (session_id, name, content_type, sha256, bytes, uploaded_at, uploaded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (session_id) DO UPDATE SET \
             name = excluded.name, content_type = excluded.content_type, sha256 = excluded.sha256, \
             bytes = excluded.bytes, uploaded_at = excluded.uploaded_at, uploaded_by = excluded.uploaded_by",
        )
        .bind(session.id())
        .bind(&name)
        .bind(kind)
        .bind(&sha)
        .bind(bytes.to_vec())
        .bind(now)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        let mut on_paper = Vec::new();
        for s in minutes.signers.iter().filter(|s| s.signed_at.is_none()) {
            sqlx::query(
                "INSERT INTO minutes_signatures (session_id, juror_id, signed_at, signed_from, scan_sha256) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id, juror_id) DO NOTHING",
            )
            .bind(session.id())
            .bind(&s.juror_id)
            .bind(now)
            .bind("sur papier (scan joint)")
            .bind(&sha)
            .execute(&mut *tx)
            .await?;
            on_paper.push(s.name.clone());
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::MinutesScanAttached,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"name": name, "sha256": sha, "signed_on_paper": on_paper}),
            },
        )
        .await?;
        tx.commit().await?;
        self.minutes(session).await
    }

    /// The signed scan of the minutes: its name, type and bytes.
    pub async fn minutes_scan(
        &self,
        session: &SessionHandle<'_>,
    ) -> Result<Option<(String, String, Vec<u8>)>> {
        Ok(sqlx::query_as(
            "SELECT name, content_type, bytes FROM minutes_scans WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_optional(self.pool())
        .await?)
    }

    /// A juror's drawn signature of the minutes, for the PDF.
    pub async fn minutes_signature(
        &self,
        session: &SessionHandle<'_>,
        juror: &JurorId,
    ) -> Result<Option<Vec<u8>>> {
        let row: Option<(Option<Vec<u8>>,)> = sqlx::query_as(
            "SELECT signature FROM minutes_signatures WHERE session_id = $1 AND juror_id = $2",
        )
        .bind(session.id())
        .bind(juror)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.and_then(|(s,)| s))
    }

    /// Undoes the signatures of the minutes (a result changed): within the caller's
    /// transaction, journaled when there were some.
    pub(crate) async fn undo_minutes_signatures(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        author: journal::Author<'_>,
        session: &SessionId,
        why: &str,
    ) -> Result<()> {
        let gone = sqlx::query("DELETE FROM minutes_signatures WHERE session_id = $1")
            .bind(session)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM minutes_scans WHERE session_id = $1")
            .bind(session)
            .execute(&mut **tx)
            .await?;
        // The minutes kept in the archive are those of results that changed: withdrawn too.
        let archived = self.withdraw_archived_minutes(tx, session).await?;
        if gone.rows_affected() > 0 || !archived.is_empty() {
            let archived: Vec<serde_json::Value> = archived
                .into_iter()
                .map(|(name, sha256)| json!({"name": name, "sha256": sha256}))
                .collect();
            journal::append(
                tx,
                self,
                author,
                Change {
                    action: Action::MinutesSignaturesUndone,
                    subject_type: Subject::Session,
                    subject_id: session.as_str(),
                    data: json!({"signatures": gone.rows_affected(), "why": why,
                                 "archived_minutes_withdrawn": archived}),
                },
            )
            .await?;
        }
        Ok(())
    }
}
