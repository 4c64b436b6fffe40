//! Closing a session: its secure archive (`close.archive`) — for each of the four kinds, the
//! pieces kept, produced by Jalon once signed or scanned from the paper, each with its
//! SHA-256 — and the transmission of its documents to the departmental service
//! (`close.transmit`), recorded once with its day, channel, reference and contents.

use jalon_core::archiving::{self, ArchiveKind, Origin};
use jalon_core::milestone::ids;
use jalon_core::transmit::{self, TransmissionInput};
use jalon_core::{MilestoneState, fr};
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{PieceId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};
use crate::sessions::SessionDetail;

/// A piece of the secure archive (its bytes apart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchivePiece {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: PieceId,
    pub kind: ArchiveKind,
    pub origin: Origin,
    pub name: String,
    pub media_type: String,
    pub sha256: String,
    pub size: i64,
    pub archived_at: Stamp,
    pub archived_by: String,
}

#[derive(sqlx::FromRow)]
struct PieceRow {
    id: PieceId,
    kind: String,
    origin: String,
    name: String,
    media_type: String,
    sha256: String,
    size: i64,
    archived_at: Stamp,
    archived_by: String,
}

impl PieceRow {
    fn piece(self) -> Result<ArchivePiece> {
        let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("{what} inconnu « {v} »"));
        Ok(ArchivePiece {
            kind: ArchiveKind::parse(&self.kind)
                .ok_or_else(|| corrupt("type de pièce", &self.kind))?,
            origin: Origin::parse(&self.origin)
                .ok_or_else(|| corrupt("origine de pièce", &self.origin))?,
            id: self.id,
            name: self.name,
            media_type: self.media_type,
            sha256: self.sha256,
            size: self.size,
            archived_at: self.archived_at,
            archived_by: self.archived_by,
        })
    }
}

/// Where the archive of a session stands, kind by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchiveKindState {
    pub kind: ArchiveKind,
    /// « Procès-verbaux (PV) ».
    pub label: &'static str,
    pub pieces: Vec<ArchivePiece>,
    /// Why Jalon cannot produce this kind now (`None`: it can).
    pub not_producible: Option<String>,
}

/// A file name kept: no control character, at most 200 characters, never empty.
fn clean_name(name: &str, fallback: &str) -> String {
    jalon_core::text::file_name(name, fallback)
}

impl Store {
    /// The pieces of a session's archive, oldest first.
    pub async fn archive_pieces(&self, session: &SessionHandle<'_>) -> Result<Vec<ArchivePiece>> {
        let rows: Vec<PieceRow> = sqlx::query_as(
            "SELECT id, kind, origin, name, media_type, sha256, size, archived_at, archived_by \
             FROM archive_pieces WHERE session_id = $1 ORDER BY archived_at, id",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(PieceRow::piece).collect()
    }

    /// The archive kind by kind: its pieces, and whether Jalon can produce it now.
    pub async fn archive(&self, session: &SessionHandle<'_>) -> Result<Vec<ArchiveKindState>> {
        let pieces = self.archive_pieces(session).await?;
        let mut conn = self.pool().acquire().await?;
        let facts = self
            .session_facts_in(&mut conn, session.actor().centre_id(), session.id())
            .await?;
        let today = self.today();
        Ok(ArchiveKind::ALL
            .into_iter()
            .map(|kind| ArchiveKindState {
                kind,
                label: kind.label(),
                pieces: pieces.iter().filter(|p| p.kind == kind).cloned().collect(),
                not_producible: archiving::not_producible(kind, &facts, today),
            })
            .collect())
    }

    /// One piece of the archive: its name, type and bytes.
    pub async fn archive_piece(
        &self,
        session: &SessionHandle<'_>,
        id: &PieceId,
    ) -> Result<(String, String, Vec<u8>)> {
        sqlx::query_as(
            "SELECT name, media_type, content FROM archive_pieces WHERE session_id = $1 AND id = $2",
        )
        .bind(session.id())
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound { what: "pièce" })
    }

    /// Whether Jalon can produce the document of `kind` now — every signature it carries
    /// given —, refused with the one missing.
    pub async fn archive_producible(
        &self,
        session: &SessionHandle<'_>,
        kind: ArchiveKind,
    ) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        let facts = self
            .session_facts_in(&mut conn, session.actor().centre_id(), session.id())
            .await?;
        match archiving::not_producible(kind, &facts, self.today()) {
            Some(why) => Err(StoreError::invalid(
                "kind",
                format!(
                    "{} : Jalon ne peut pas encore l'archiver — {why}",
                    kind.label()
                ),
            )),
            None => Ok(()),
        }
    }

    /// Keeps the document Jalon produced for `kind` (the caller typesets it from what the
    /// store holds), once the session allows it: every signature it carries given.
    pub async fn archive_produced(
        &self,
        w: SessionWriter<'_>,
        kind: ArchiveKind,
        name: &str,
        pdf: &[u8],
    ) -> Result<ArchivePiece> {
        self.archive_producible(w.handle(), kind).await?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(StoreError::invalid(
                "file",
                "le document produit n'est pas un PDF",
            ));
        }
        self.keep_piece(w, kind, Origin::Produced, name, "application/pdf", pdf)
            .await
    }

    /// Keeps a scan of the paper (a PDF or an image, checked by its content, 10 Mio at most)
    /// for `kind`.
    pub async fn archive_scan(
        &self,
        w: SessionWriter<'_>,
        kind: ArchiveKind,
        name: &str,
        bytes: &[u8],
    ) -> Result<ArchivePiece> {
        let media_type = jalon_core::upload::check_document(bytes)
            .map_err(|e| StoreError::invalid("scan", e))?;
        self.keep_piece(w, kind, Origin::Scan, name, media_type, bytes)
            .await
    }

    async fn keep_piece(
        &self,
        w: SessionWriter<'_>,
        kind: ArchiveKind,
        origin: Origin,
        name: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<ArchivePiece> {
        let (actor, session) = (w.actor(), w.handle());
        if session.session().cancelled_at.is_some() {
            return Err(StoreError::invalid("session", "cette session est annulée"));
        }
        let piece = ArchivePiece {
            id: PieceId::generate(),
            kind,
            origin,
            name: clean_name(name, kind.slug()),
            media_type: media_type.to_owned(),
            sha256: crate::sha256_hex(bytes),
            size: bytes.len() as i64,
            archived_at: Stamp::new(self.now()),
            archived_by: actor.name().to_owned(),
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO archive_pieces (id, session_id, kind, origin, name, media_type, sha256, size, \
             content, archived_at, archived_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&piece.id)
        .bind(session.id())
        .bind(kind.as_str())
        .bind(origin.as_str())
        .bind(&piece.name)
        .bind(&piece.media_type)
        .bind(&piece.sha256)
        .bind(piece.size)
        .bind(bytes)
        .bind(piece.archived_at)
        .bind(&piece.archived_by)
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::ArchivePieceKept,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"kind": kind.label(), "origin": origin.label(), "name": piece.name,
                             "sha256": piece.sha256, "size": piece.size}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(piece)
    }

    /// Withdraws a piece kept by mistake, with the reason, as long as the documents are not
    /// transmitted: the journal keeps its name and SHA-256.
    pub async fn withdraw_archive_piece(
        &self,
        w: SessionWriter<'_>,
        id: &PieceId,
        reason: &str,
    ) -> Result<()> {
        let (actor, session) = (w.actor(), w.handle());
        let reason = reason.trim();
        if reason.chars().count() < 5 {
            return Err(StoreError::invalid(
                "reason",
                "dites pourquoi la pièce est retirée (5 caractères au moins)",
            ));
        }
        let mut tx = self.begin().await?;
        let transmitted: Option<(String,)> =
            sqlx::query_as("SELECT sent_on FROM transmissions WHERE session_id = $1")
                .bind(session.id())
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((on,)) = transmitted {
            return Err(StoreError::invalid(
                "piece",
                format!(
                    "les documents sont transmis depuis le {} : l'archive ne change plus",
                    on.parse().map(fr::long_date).unwrap_or(on)
                ),
            ));
        }
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT kind, name, sha256 FROM archive_pieces WHERE session_id = $1 AND id = $2",
        )
        .bind(session.id())
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((kind, name, sha256)) = row else {
            return Err(StoreError::NotFound { what: "pièce" });
        };
        sqlx::query("DELETE FROM archive_pieces WHERE session_id = $1 AND id = $2")
            .bind(session.id())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let label = ArchiveKind::parse(&kind).map_or(kind.clone(), |k| k.label().to_owned());
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::ArchivePieceWithdrawn,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"kind": label, "name": name, "sha256": sha256, "reason": reason}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Withdraws the minutes kept in the archive when their signatures are undone (a result
    /// changed): within the caller's transaction; how many there were.
    pub(crate) async fn withdraw_archived_minutes(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        session: &crate::ids::SessionId,
    ) -> Result<Vec<(String, String)>> {
        let gone: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sha256 FROM archive_pieces WHERE session_id = $1 AND kind = $2",
        )
        .bind(session)
        .bind(ArchiveKind::Minutes.as_str())
        .fetch_all(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM archive_pieces WHERE session_id = $1 AND kind = $2")
            .bind(session)
            .bind(ArchiveKind::Minutes.as_str())
            .execute(&mut **tx)
            .await?;
        Ok(gone)
    }

    /// Records the transmission of the documents to the departmental service: once, after
    /// the last épreuve and not in the future, with the reference its channel needs and what
    /// was sent. It marks `close.transmit` done (late, when past its deadline — the check
    /// says so), journaled.
    pub async fn record_transmission(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        input: TransmissionInput,
    ) -> Result<SessionDetail> {
        let (actor, id) = (w.actor(), w.id());
        let centre = actor.centre_id();
        let mut tx = self.begin().await?;
        let before = self.detail_in(&mut tx, centre, id).await?;
        let s = &before.session;
        if s.cancelled_at.is_some() {
            return Err(StoreError::invalid("session", "cette session est annulée"));
        }
        if let Some(t) = &s.transmission {
            return Err(StoreError::invalid(
                "session",
                format!(
                    "la transmission est déjà enregistrée : {}",
                    transmit::describe_act(t.sent_on, t.channel, &t.reference)
                ),
            ));
        }
        if s.version != version {
            return Err(StoreError::Conflict { what: "la session" });
        }
        StoreError::check(transmit::problems(&input, self.today(), s.end))?;
        let milestone = before
            .milestone(ids::CLOSE_TRANSMIT.as_str())
            .ok_or(StoreError::NotFound { what: "jalon" })?;
        if milestone.state == MilestoneState::NotApplicable || !milestone.applicable {
            return Err(StoreError::invalid(
                "session",
                "la transmission n'est pas applicable à cette session",
            ));
        }
        let reference = input.reference.trim().to_owned();
        let contents = input.contents.trim().to_owned();
        let now = Stamp::new(self.now());
        let inserted = sqlx::query(
            "INSERT INTO transmissions (session_id, sent_on, channel, reference, contents, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(id)
        .bind(input.sent_on.to_string())
        .bind(input.channel.as_str())
        .bind(&reference)
        .bind(&contents)
        .bind(now)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "la session" });
        }
        let evidence = format!(
            "{} — {}",
            transmit::describe_act(input.sent_on, input.channel, &reference),
            contents
        );
        self.act_marks_done(&mut tx, w, version, &ids::CLOSE_TRANSMIT, &evidence)
            .await?;
        let late = milestone
            .deadline
            .filter(|d| input.sent_on > *d)
            .map(|d| jalon_core::calendar::days_between(d, input.sent_on));
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::SessionTransmitted,
                subject_type: Subject::Session,
                subject_id: id.as_str(),
                data: json!({"on": input.sent_on, "channel": input.channel.label(),
                             "reference": reference, "contents": contents,
                             "deadline": milestone.deadline, "days_late": late}),
            },
        )
        .await?;
        let after = self.detail_in(&mut tx, centre, id).await?;
        tx.commit().await?;
        Ok(after)
    }
}
