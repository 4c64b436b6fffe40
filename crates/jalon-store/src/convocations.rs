//! Convocations and their proofs. The regulation accepts three: hand delivery against the
//! candidate's signature; an email with receipt and read acknowledgement; an email with
//! receipt and the signed document returned. `convocations.send` holds only when every
//! candidate has one, with its proof.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{Result, StoreError};
use crate::journal::{self, Change};
use crate::scope::{Actor, Resource, Writer};
use crate::{Store, timestamp_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Remise en main propre contre signature.
    Hand,
    /// Mail avec accusé de réception et de lecture.
    EmailReceipts,
    /// Mail avec accusé de réception et retour du document signé.
    EmailSignedReturn,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Hand, Mode::EmailReceipts, Mode::EmailSignedReturn];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hand => "hand",
            Mode::EmailReceipts => "email_receipts",
            Mode::EmailSignedReturn => "email_signed_return",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Hand => "remise en main propre contre signature",
            Mode::EmailReceipts => "courriel avec accusés de réception et de lecture",
            Mode::EmailSignedReturn => {
                "courriel avec accusé de réception et retour du document signé"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Convocation {
    pub candidate_id: String,
    pub mode: Mode,
    /// `pending`, `sent` or `failed`.
    pub send_status: String,
    pub send_error: Option<String>,
    pub sent_at: Option<String>,
    pub hand_signed_at: Option<String>,
    pub hand_signed_by: Option<String>,
    pub read_at: Option<String>,
    pub read_from: Option<String>,
    pub document_name: Option<String>,
    pub document_type: Option<String>,
    pub document_at: Option<String>,
    pub version: i64,
}

impl Convocation {
    /// What the proof still lacks, in French; `None` when the convocation is proven.
    pub fn missing(&self) -> Option<&'static str> {
        match self.mode {
            Mode::Hand if self.hand_signed_at.is_none() && self.document_at.is_none() => {
                Some("remise contre signature à enregistrer")
            }
            Mode::Hand => None,
            _ if self.send_status == "failed" => Some("l'envoi du courriel a échoué"),
            _ if self.sent_at.is_none() => Some("courriel pas encore envoyé"),
            Mode::EmailReceipts if self.read_at.is_none() => Some("accusé de lecture attendu"),
            Mode::EmailSignedReturn if self.document_at.is_none() => {
                Some("document signé attendu en retour")
            }
            _ => None,
        }
    }
}

/// A kept document: its name, media type and bytes.
type DocumentRow = (Option<String>, Option<String>, Option<Vec<u8>>);

#[derive(sqlx::FromRow)]
struct Row {
    candidate_id: String,
    mode: String,
    send_status: String,
    send_error: Option<String>,
    sent_at: Option<String>,
    hand_signed_at: Option<String>,
    hand_signed_by: Option<String>,
    read_at: Option<String>,
    read_from: Option<String>,
    document_name: Option<String>,
    document_type: Option<String>,
    document_at: Option<String>,
    version: i64,
}

const SELECT: &str = "SELECT candidate_id, mode, send_status, send_error, sent_at, hand_signed_at, hand_signed_by, \
     read_at, read_from, document_name, document_type, document_at, version FROM convocations";

fn from_row(r: Row) -> Result<Convocation> {
    Ok(Convocation {
        mode: Mode::parse(&r.mode)
            .ok_or_else(|| StoreError::Corrupt(format!("mode de convocation « {} »", r.mode)))?,
        candidate_id: r.candidate_id,
        send_status: r.send_status,
        send_error: r.send_error,
        sent_at: r.sent_at,
        hand_signed_at: r.hand_signed_at,
        hand_signed_by: r.hand_signed_by,
        read_at: r.read_at,
        read_from: r.read_from,
        document_name: r.document_name,
        document_type: r.document_type,
        document_at: r.document_at,
        version: r.version,
    })
}

impl Store {
    /// The convocations of a session, one per candidate that has one.
    pub async fn convocations(&self, actor: &Actor, session_id: &str) -> Result<Vec<Convocation>> {
        self.ensure_exists(actor, Resource::Session, session_id)
            .await?;
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE session_id = $1"
        )))
        .bind(session_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(from_row).collect()
    }

    async fn candidate_of_session(
        &self,
        actor: &Actor,
        session_id: &str,
        candidate_id: &str,
    ) -> Result<String> {
        self.candidates(actor, session_id)
            .await?
            .into_iter()
            .find(|c| c.id == candidate_id)
            .map(|c| c.input.display())
            .ok_or(StoreError::NotFound { what: "candidat" })
    }

    /// Chooses how a candidate is convened. Changing the mode starts the proof again.
    pub async fn set_convocation_mode(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidate_id: &str,
        mode: Mode,
    ) -> Result<()> {
        let actor = writer.actor();
        let name = self
            .candidate_of_session(actor, session_id, candidate_id)
            .await?;
        let now = timestamp_text(self.now());
        let current = self
            .convocations(actor, session_id)
            .await?
            .into_iter()
            .find(|v| v.candidate_id == candidate_id);
        if let Some(v) = &current
            && v.mode != mode
            && (v.hand_signed_at.is_some() || v.read_at.is_some() || v.document_at.is_some())
        {
            return Err(StoreError::invalid(
                "mode",
                "cette convocation a déjà une preuve (signature, accusé de lecture ou document signé) : \
                 changer de mode l'effacerait",
            ));
        }
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "INSERT INTO convocations (candidate_id, session_id, mode, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (candidate_id) DO UPDATE SET mode = excluded.mode, send_status = 'pending', \
             send_error = NULL, sent_at = NULL, hand_signed_at = NULL, hand_signed_by = NULL, \
             ack_token_hash = NULL, read_at = NULL, read_from = NULL, document_name = NULL, \
             document_type = NULL, document = NULL, document_at = NULL, updated_at = excluded.updated_at, \
             version = convocations.version + 1 WHERE convocations.mode <> excluded.mode",
        )
        .bind(candidate_id)
        .bind(session_id)
        .bind(mode.as_str())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(());
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: "convocation.mode_chosen",
                subject_type: "session",
                subject_id: session_id,
                data: json!({"candidate": name, "mode": mode}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The convocation was handed over and the candidate signed: ticked by the actor.
    pub async fn record_hand_delivery(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidate_id: &str,
    ) -> Result<()> {
        let actor = writer.actor();
        let name = self
            .candidate_of_session(actor, session_id, candidate_id)
            .await?;
        let now = timestamp_text(self.now());
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE convocations SET send_status = 'sent', sent_at = COALESCE(sent_at, $1), hand_signed_at = $1, \
             hand_signed_by = $2, updated_at = $1, version = version + 1 \
             WHERE candidate_id = $3 AND session_id = $4 AND mode = 'hand'",
        )
        .bind(&now)
        .bind(actor.name())
        .bind(candidate_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::invalid(
                "mode",
                "choisissez d'abord la remise en main propre pour ce candidat",
            ));
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: "convocation.hand_delivered",
                subject_type: "session",
                subject_id: session_id,
                data: json!({"candidate": name}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the signed copy (hand delivery) or the signed document returned (email): a PDF
    /// or an image, checked by its content.
    pub async fn attach_signed_document(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidate_id: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let actor = writer.actor();
        let name = self
            .candidate_of_session(actor, session_id, candidate_id)
            .await?;
        let kind = jalon_core::upload::check_document(bytes)
            .map_err(|e| StoreError::invalid("document", e))?;
        let now = timestamp_text(self.now());
        let file_name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE convocations SET document_name = $1, document_type = $2, document = $3, document_at = $4, \
             updated_at = $4, version = version + 1 \
             WHERE candidate_id = $5 AND session_id = $6 AND mode IN ('hand', 'email_signed_return')",
        )
        .bind(&file_name)
        .bind(kind)
        .bind(bytes)
        .bind(&now)
        .bind(candidate_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::invalid(
                "mode",
                "un document signé se joint à une remise en main propre ou à un envoi avec retour signé",
            ));
        }
        journal::append(&mut tx, self, actor, Change {
            action: "convocation.signed_document_received",
            subject_type: "session",
            subject_id: session_id,
            data: json!({"candidate": name, "file": file_name, "type": kind, "bytes": bytes.len()}),
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed document kept for a candidate: its name, type and bytes.
    pub async fn signed_document(
        &self,
        actor: &Actor,
        session_id: &str,
        candidate_id: &str,
    ) -> Result<(String, String, Vec<u8>)> {
        self.ensure_exists(actor, Resource::Session, session_id)
            .await?;
        let row: Option<DocumentRow> = sqlx::query_as(
            "SELECT document_name, document_type, document FROM convocations WHERE candidate_id = $1 AND session_id = $2",
        )
        .bind(candidate_id)
        .bind(session_id)
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((Some(n), Some(t), Some(b))) => Ok((n, t, b)),
            _ => Err(StoreError::NotFound {
                what: "document signé",
            }),
        }
    }

    /// Who is still missing what for `convocations.send`, one French line per candidate.
    pub async fn convocations_missing(
        &self,
        actor: &Actor,
        session_id: &str,
    ) -> Result<Vec<String>> {
        let (candidates, convocations) = tokio::try_join!(
            self.candidates(actor, session_id),
            self.convocations(actor, session_id)
        )?;
        Ok(candidates
            .iter()
            .filter_map(|c| {
                let what = match convocations.iter().find(|v| v.candidate_id == c.id) {
                    None => Some("aucun mode de convocation choisi"),
                    Some(v) => v.missing(),
                };
                what.map(|w| format!("{} : {w}", c.input.display()))
            })
            .collect())
    }
}

/// A convocation email claimed for sending: nobody else will send it meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailToSend {
    pub candidate_id: String,
    /// « DUPONT Jean, né(e) le 01/02/1990 ».
    pub name: String,
    pub first_names: String,
    pub email: String,
    pub mode: Mode,
    /// The secret of the personal acknowledgement link (only its digest is stored).
    pub ack_token: String,
}

fn digest(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Claims the email convocations of a session still to send (never sent, or failed):
    /// each is marked `sending` in its own atomic update, so that two people (or two
    /// instances) pressing « envoyer » never send one twice. Candidates without an address
    /// are left out, and named in the second list.
    pub async fn claim_email_convocations(
        &self,
        writer: Writer<'_>,
        session_id: &str,
    ) -> Result<(Vec<EmailToSend>, Vec<String>)> {
        let actor = writer.actor();
        let (candidates, convocations) = tokio::try_join!(
            self.candidates(actor, session_id),
            self.convocations(actor, session_id)
        )?;
        let mut claimed = Vec::new();
        let mut without_address = Vec::new();
        for v in convocations.iter().filter(|v| {
            v.mode != Mode::Hand
                && matches!(v.send_status.as_str(), "pending" | "failed" | "sending")
        }) {
            let Some(c) = candidates.iter().find(|c| c.id == v.candidate_id) else {
                continue;
            };
            if c.input.email.trim().is_empty() {
                without_address.push(c.input.display());
                continue;
            }
            let token = format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            );
            let done = sqlx::query(
                "UPDATE convocations SET send_status = 'sending', ack_token_hash = $1, updated_at = $2 \
                 WHERE candidate_id = $3 AND session_id = $4 AND (send_status IN ('pending', 'failed') \
                 OR (send_status = 'sending' AND updated_at < $5))",
            )
            .bind(digest(&token))
            .bind(timestamp_text(self.now()))
            .bind(&c.id)
            .bind(session_id)
            // A claim abandoned for a quarter of an hour (a dropped request) may be taken again.
            .bind(timestamp_text(self.now().checked_sub(jiff::SignedDuration::from_mins(15)).unwrap_or(self.now())))
            .execute(self.pool())
            .await?;
            if done.rows_affected() == 1 {
                claimed.push(EmailToSend {
                    candidate_id: c.id.clone(),
                    name: c.input.display(),
                    first_names: c.input.first_names.clone(),
                    email: c.input.email.trim().to_owned(),
                    mode: v.mode,
                    ack_token: token,
                });
            }
        }
        Ok((claimed, without_address))
    }

    /// Records how a claimed email went: sent (the server accepted it), or failed and why.
    pub async fn email_sent(
        &self,
        writer: Writer<'_>,
        session_id: &str,
        candidate_id: &str,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        let actor = writer.actor();
        let name = self
            .candidate_of_session(actor, session_id, candidate_id)
            .await?;
        let now = timestamp_text(self.now());
        let (status, error) = match &outcome {
            Ok(()) => ("sent", None),
            Err(e) => ("failed", Some(e.as_str())),
        };
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE convocations SET send_status = $1, send_error = $2, sent_at = CASE WHEN $1 = 'sent' THEN $3 ELSE sent_at END, \
             updated_at = $3, version = version + 1 WHERE candidate_id = $4 AND session_id = $5 AND send_status = 'sending'",
        )
        .bind(status)
        .bind(error)
        .bind(&now)
        .bind(candidate_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(());
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: if outcome.is_ok() {
                    "convocation.sent"
                } else {
                    "convocation.send_failed"
                },
                subject_type: "session",
                subject_id: session_id,
                data: json!({"candidate": name, "error": error}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The candidate opened their personal link: the read acknowledgement, with its time and
    /// origin. Returns who and for which session (`None` for an unknown link). Opening it
    /// again keeps the first time.
    pub async fn acknowledge_convocation(
        &self,
        token: &str,
        origin: &str,
    ) -> Result<Option<(String, String)>> {
        let row: Option<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.candidate_id, c.session_id, s.centre_id, c.read_at FROM convocations c \
             JOIN sessions s ON s.id = c.session_id WHERE c.ack_token_hash = $1",
        )
        .bind(digest(token))
        .fetch_optional(self.pool())
        .await?;
        let Some((candidate_id, session_id, centre_id, read_at)) = row else {
            return Ok(None);
        };
        let reader = Actor::command_line(centre_id.clone());
        let name = self
            .candidate_of_session(&reader, &session_id, &candidate_id)
            .await?;
        let title = self.session(&reader, &session_id).await?.session.title_name;
        if read_at.is_none() {
            let now = timestamp_text(self.now());
            let origin: String = origin
                .chars()
                .filter(|c| !c.is_control())
                .take(300)
                .collect();
            let mut tx = self.begin().await?;
            let read = sqlx::query(
                "UPDATE convocations SET read_at = $1, read_from = $2, updated_at = $1, version = version + 1 \
                 WHERE candidate_id = $3 AND read_at IS NULL AND ack_token_hash = $4",
            )
            .bind(&now)
            .bind(&origin)
            .bind(&candidate_id)
            .bind(digest(token))
            .execute(&mut *tx)
            .await?;
            if read.rows_affected() == 0 {
                return Ok(Some((name, title)));
            }
            let actor = Actor::candidate_link(format!("{name} (lien personnel)"), centre_id);
            journal::append(
                &mut tx,
                self,
                &actor,
                Change {
                    action: "convocation.read",
                    subject_type: "session",
                    subject_id: &session_id,
                    data: json!({"candidate": name, "from": origin}),
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(Some((name, title)))
    }
}
