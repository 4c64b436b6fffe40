//! Convocations and their proofs. The regulation accepts three: hand delivery against the
//! candidate's signature; an email with receipt and read acknowledgement; an email with
//! receipt and the signed document returned. `convocations.send` holds only when every
//! candidate has one, with its proof.

use jalon_core::convocation::{self, Proof};
use serde::Serialize;
use serde_json::json;

pub use jalon_core::convocation::{Mode, SendState};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{CandidateId, CentreId, SessionId, Stamp};
use crate::journal::{self, Action, Author, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Convocation {
    pub candidate_id: CandidateId,
    pub mode: Mode,
    pub send_status: SendState,
    pub send_error: Option<String>,
    pub sent_at: Option<Stamp>,
    pub hand_signed_at: Option<Stamp>,
    pub hand_signed_by: Option<String>,
    pub read_at: Option<Stamp>,
    pub read_from: Option<String>,
    pub document_name: Option<String>,
    pub document_type: Option<String>,
    pub document_at: Option<Stamp>,
    pub version: i64,
}

impl Convocation {
    /// What the regulation's proof rests on.
    pub fn proof(&self) -> Proof {
        Proof {
            mode: self.mode,
            send: self.send_status,
            sent: self.sent_at.is_some(),
            hand_signed: self.hand_signed_at.is_some(),
            read: self.read_at.is_some(),
            signed_document: self.document_at.is_some(),
        }
    }

    /// What the proof still lacks, in French; `None` when the convocation is proven.
    pub fn missing(&self) -> Option<&'static str> {
        self.proof().missing()
    }
}

/// A kept document: its name, media type and bytes.
type DocumentRow = (Option<String>, Option<String>, Option<Vec<u8>>);

#[derive(sqlx::FromRow)]
struct Row {
    candidate_id: CandidateId,
    mode: String,
    send_status: String,
    send_error: Option<String>,
    sent_at: Option<Stamp>,
    hand_signed_at: Option<Stamp>,
    hand_signed_by: Option<String>,
    read_at: Option<Stamp>,
    read_from: Option<String>,
    document_name: Option<String>,
    document_type: Option<String>,
    document_at: Option<Stamp>,
    version: i64,
}

const SELECT: &str = "SELECT candidate_id, mode, send_status, send_error, sent_at, hand_signed_at, hand_signed_by, \
     read_at, read_from, document_name, document_type, document_at, version FROM convocations";

fn from_row(r: Row) -> Result<Convocation> {
    Ok(Convocation {
        mode: Mode::parse(&r.mode)
            .ok_or_else(|| StoreError::Corrupt(format!("mode de convocation « {} »", r.mode)))?,
        send_status: SendState::parse(&r.send_status)
            .ok_or_else(|| StoreError::Corrupt(format!("état d'envoi « {} »", r.send_status)))?,
        candidate_id: r.candidate_id,
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
    /// One candidate's convocation, on `conn`.
    async fn convocation_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        session_id: &SessionId,
        candidate_id: &CandidateId,
    ) -> Result<Option<Convocation>> {
        let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE candidate_id = $1 AND session_id = $2"
        )))
        .bind(candidate_id)
        .bind(session_id)
        .fetch_optional(&mut *conn)
        .await?;
        row.map(from_row).transpose()
    }

    /// A candidate of the writer's session (their name) and their convocation, if any, read
    /// on `conn`: what each convocation write checks.
    async fn candidate_and_convocation_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
    ) -> Result<(String, Option<Convocation>)> {
        let name = self
            .candidate_in(conn, w.handle(), candidate_id)
            .await?
            .input
            .display();
        let convocation = self.convocation_in(conn, w.id(), candidate_id).await?;
        Ok((name, convocation))
    }

    /// The convocations of a session, one per candidate that has one.
    pub async fn convocations(&self, session: &SessionHandle<'_>) -> Result<Vec<Convocation>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE session_id = $1"
        )))
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(from_row).collect()
    }

    /// Chooses how a candidate is convened. Changing the mode starts the proof again.
    pub async fn set_convocation_mode(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        mode: Mode,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        self.set_mode_in(&mut tx, w, candidate_id, mode).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Chooses one mode for several candidates at once, all or none: every candidate whose
    /// mode cannot change is named, and nothing is changed. Returns how many changed.
    pub async fn set_convocation_modes(
        &self,
        w: SessionWriter<'_>,
        candidate_ids: &[CandidateId],
        mode: Mode,
    ) -> Result<usize> {
        if candidate_ids.is_empty() {
            return Err(StoreError::invalid(
                "candidates",
                "cochez au moins un candidat",
            ));
        }
        let mut tx = self.begin().await?;
        let (mut changed, mut problems) = (0, Vec::new());
        for id in candidate_ids {
            match self.set_mode_in(&mut tx, w, id, mode).await {
                Ok(true) => changed += 1,
                Ok(false) => {}
                Err(StoreError::Invalid(found)) => {
                    let name = self
                        .candidate_in(&mut tx, w.handle(), id)
                        .await?
                        .input
                        .display();
                    problems.extend(found.into_iter().map(|p| {
                        jalon_core::Problem::new("candidates", format!("{name} : {}", p.message))
                    }));
                }
                Err(e) => return Err(e),
            }
        }
        if !problems.is_empty() {
            // Dropped, the transaction leaves every convocation as it was.
            return Err(StoreError::Invalid(problems));
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The mode of one candidate's convocation, on `conn`, journaled; `false` when it was
    /// already that mode.
    async fn set_mode_in(
        &self,
        conn: &mut sqlx::AnyConnection,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        mode: Mode,
    ) -> Result<bool> {
        let (actor, session_id) = (w.actor(), w.id());
        let (name, current) = self
            .candidate_and_convocation_in(&mut *conn, w, candidate_id)
            .await?;
        let proof = current.as_ref().map(Convocation::proof);
        if let Some(p) = convocation::mode_change_problem(proof.as_ref(), mode) {
            return Err(StoreError::Invalid(vec![p]));
        }
        if mode == Mode::EmailSignedReturn {
            let (centre, _) = self
                .centre_settings_in(&mut *conn, actor.centre_id())
                .await?;
            if let Some(p) = convocation::reply_problem(mode, centre.reply_address()) {
                return Err(StoreError::Invalid(vec![p]));
            }
        }
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
        .bind(Stamp::new(self.now()))
        .execute(&mut *conn)
        .await?;
        if changed.rows_affected() == 0 {
            return Ok(false);
        }
        journal::append(
            &mut *conn,
            self,
            actor,
            Change {
                action: Action::ConvocationModeChosen,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"candidate": name, "mode": mode}),
            },
        )
        .await?;
        Ok(true)
    }

    /// The convocation was handed over and the candidate signed: ticked by the actor.
    pub async fn record_hand_delivery(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
    ) -> Result<()> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let (name, current) = self
            .candidate_and_convocation_in(&mut tx, w, candidate_id)
            .await?;
        let mode = current.map(|v| v.mode);
        if let Some(p) = convocation::hand_delivery_problem(mode) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let done = sqlx::query(
            "UPDATE convocations SET send_status = 'sent', sent_at = COALESCE(sent_at, $1), hand_signed_at = $1, \
             hand_signed_by = $2, updated_at = $1, version = version + 1 \
             WHERE candidate_id = $3 AND session_id = $4 AND mode = 'hand'",
        )
        .bind(Stamp::new(self.now()))
        .bind(actor.name())
        .bind(candidate_id)
        .bind(session_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "la convocation",
            });
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::ConvocationHandDelivered,
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
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
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<()> {
        let (actor, session_id) = (w.actor(), w.id());
        let mut tx = self.begin().await?;
        let (name, current) = self
            .candidate_and_convocation_in(&mut tx, w, candidate_id)
            .await?;
        let mode = current.map(|v| v.mode);
        if let Some(p) = convocation::signed_document_problem(mode) {
            return Err(StoreError::Invalid(vec![p]));
        }
        let kind = jalon_core::upload::check_document(bytes)
            .map_err(|e| StoreError::invalid("document", e))?;
        let now = Stamp::new(self.now());
        let file_name: String = file_name
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        // Handed over: the signed receipt also records the delivery, if not yet ticked.
        let done = sqlx::query(
            "UPDATE convocations SET document_name = $1, document_type = $2, document = $3, document_at = $4, \
             updated_at = $4, version = version + 1, \
             hand_signed_at = CASE WHEN mode = 'hand' THEN COALESCE(hand_signed_at, $4) ELSE hand_signed_at END, \
             hand_signed_by = CASE WHEN mode = 'hand' THEN COALESCE(hand_signed_by, $7) ELSE hand_signed_by END, \
             sent_at = CASE WHEN mode = 'hand' THEN COALESCE(sent_at, $4) ELSE sent_at END, \
             send_status = CASE WHEN mode = 'hand' THEN 'sent' ELSE send_status END \
             WHERE candidate_id = $5 AND session_id = $6 AND mode IN ('hand', 'email_signed_return')",
        )
        .bind(&file_name)
        .bind(kind)
        .bind(bytes)
        .bind(now)
        .bind(candidate_id)
        .bind(session_id)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "la convocation",
            });
        }
        journal::append(&mut tx, self, actor, Change {
            action: Action::ConvocationSignedDocumentReceived,
            subject_type: Subject::Session,
            subject_id: session_id.as_str(),
            data: json!({"candidate": name, "file": file_name, "type": kind, "bytes": bytes.len()}),
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The signed document kept for a candidate: its name, type and bytes.
    pub async fn signed_document(
        &self,
        session: &SessionHandle<'_>,
        candidate_id: &CandidateId,
    ) -> Result<(String, String, Vec<u8>)> {
        let row: Option<DocumentRow> = sqlx::query_as(
            "SELECT document_name, document_type, document FROM convocations WHERE candidate_id = $1 AND session_id = $2",
        )
        .bind(candidate_id)
        .bind(session.id())
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((Some(n), Some(t), Some(b))) => Ok((n, t, b)),
            _ => Err(StoreError::NotFound {
                what: "document signé",
            }),
        }
    }
}

/// A convocation email claimed for sending: nobody else will send it meanwhile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailToSend {
    pub candidate_id: CandidateId,
    /// « DUPONT Jean, né(e) le 01/02/1990 ».
    pub name: String,
    pub first_names: String,
    /// « Madame », « Monsieur », or empty: the letter agrees with it.
    pub civility: String,
    pub email: String,
    pub mode: Mode,
    /// The secret of the personal acknowledgement link (only its digest is stored).
    pub ack_token: String,
}

fn digest(token: &str) -> String {
    crate::sha256_hex(token.as_bytes())
}

impl Store {
    /// Claims the email convocations of a session still to send (never sent, or failed):
    /// each is marked `sending` in its own atomic update, so that two people (or two
    /// instances) pressing « envoyer » never send one twice. Candidates without an address
    /// are left out, and named in the second list.
    pub async fn claim_email_convocations(
        &self,
        w: SessionWriter<'_>,
    ) -> Result<(Vec<EmailToSend>, Vec<String>)> {
        let session = w.handle();
        let (candidates, convocations) =
            tokio::try_join!(self.candidates(session), self.convocations(session))?;
        let mut claimed = Vec::new();
        let mut without_address = Vec::new();
        let now = self.now();
        // A claim abandoned for a quarter of an hour (a dropped request) may be taken again.
        let stale = Stamp::new(
            now.checked_sub(jiff::SignedDuration::from_mins(15))
                .unwrap_or(now),
        );
        for v in convocations.iter().filter(|v| {
            v.mode != Mode::Hand
                && matches!(
                    v.send_status,
                    SendState::Pending | SendState::Failed | SendState::Sending
                )
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
            .bind(Stamp::new(now))
            .bind(&c.id)
            .bind(session.id())
            .bind(stale)
            .execute(self.pool())
            .await?;
            if done.rows_affected() == 1 {
                claimed.push(EmailToSend {
                    candidate_id: c.id.clone(),
                    name: c.input.display(),
                    first_names: c.input.first_names.clone(),
                    civility: c.input.civility.clone(),
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
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        outcome: std::result::Result<(), String>,
    ) -> Result<()> {
        let (actor, session_id) = (w.actor(), w.id());
        let (status, error) = match &outcome {
            Ok(()) => (SendState::Sent, None),
            Err(e) => (SendState::Failed, Some(e.as_str())),
        };
        let mut tx = self.begin().await?;
        let name = self
            .candidate_in(&mut tx, w.handle(), candidate_id)
            .await?
            .input
            .display();
        let done = sqlx::query(
            "UPDATE convocations SET send_status = $1, send_error = $2, sent_at = CASE WHEN $1 = 'sent' THEN $3 ELSE sent_at END, \
             updated_at = $3, version = version + 1 WHERE candidate_id = $4 AND session_id = $5 AND send_status = 'sending'",
        )
        .bind(status.as_str())
        .bind(error)
        .bind(Stamp::new(self.now()))
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
                    Action::ConvocationSent
                } else {
                    Action::ConvocationSendFailed
                },
                subject_type: Subject::Session,
                subject_id: session_id.as_str(),
                data: json!({"candidate": name, "error": error}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A candidate acting through the personal link of their convocation email. It is not an
/// account and reads nothing of the centre: it knows whose link it is and for which session,
/// and it can do exactly one thing, acknowledge that convocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateLink {
    centre_id: CentreId,
    session_id: SessionId,
    candidate_id: CandidateId,
    token_hash: String,
    name: String,
    title: String,
    read_at: Option<Stamp>,
    centre: String,
    start: jiff::civil::Date,
    end: jiff::civil::Date,
    site: String,
    void: bool,
    state: jalon_core::privacy::LinkState,
}

impl CandidateLink {
    /// Whether the link still works (`jalon_core::privacy::candidate_link_state`): not once
    /// the session is cancelled, nor long after it.
    pub fn state(&self) -> jalon_core::privacy::LinkState {
        self.state
    }

    /// The convocation no longer stands: the candidate withdrew.
    pub fn void(&self) -> bool {
        self.void
    }

    /// The centre that convenes the candidate.
    pub fn centre(&self) -> &str {
        &self.centre
    }

    /// The session's first and last days.
    pub fn dates(&self) -> (jiff::civil::Date, jiff::civil::Date) {
        (self.start, self.end)
    }

    /// « Plateau technique de Villeurbanne, 69100 Villeurbanne ».
    pub fn site(&self) -> &str {
        &self.site
    }

    /// « DUPONT Jean, né(e) le 01/02/1990 ».
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The title of the session the candidate is convened to.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// When the candidate first opened the link, if they had.
    pub fn read_at(&self) -> Option<Stamp> {
        self.read_at
    }
}

/// What a candidate's personal page shows beyond their convocation: their own passages, and
/// their result once — and only once — the session is validated
/// (`jalon_core::results::may_show`). Nothing of anyone else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidatePage {
    /// (épreuve, « lundi 15 mars 2027, 9 h – 11 h ; … »), in time order.
    pub passages: Vec<(String, String)>,
    /// The day the session was validated, once it is.
    pub validated_on: Option<jiff::civil::Date>,
    /// The result, after the validation only.
    pub result: Option<ShownResult>,
}

/// A result as the candidate reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownResult {
    /// « titre obtenu », « réussite partielle »…
    pub decision: String,
    pub decision_kind: jalon_core::results::Decision,
    /// « CCP1 — Développer la partie front-end », acquired.
    pub acquired: Vec<String>,
    pub not_acquired: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    candidate_id: CandidateId,
    session_id: SessionId,
    centre_id: CentreId,
    read_at: Option<Stamp>,
    last_name: String,
    first_names: String,
    birth_date: String,
    title: String,
    centre: String,
    start_date: String,
    end_date: String,
    site_name: String,
    postcode: String,
    city: String,
    voided_at: Option<String>,
    validated_on: Option<String>,
    cancelled_at: Option<Stamp>,
}

impl Store {
    /// The candidate behind a personal link; `None` for an unknown link.
    pub async fn candidate_link(&self, token: &str) -> Result<Option<CandidateLink>> {
        let hash = digest(token);
        let row: Option<LinkRow> = sqlx::query_as(
            "SELECT v.candidate_id, v.session_id, s.centre_id, v.read_at, c.last_name, c.first_names, \
             c.birth_date, t.name AS title, ce.name AS centre, s.start_date, s.end_date, \
             si.name AS site_name, si.postcode, si.city, v.voided_at, vd.validated_on, s.cancelled_at \
             FROM convocations v JOIN candidates c ON c.id = v.candidate_id \
             JOIN sessions s ON s.id = v.session_id JOIN titles t ON t.id = s.title_id \
             JOIN centres ce ON ce.id = s.centre_id JOIN sites si ON si.id = s.site_id \
             LEFT JOIN validations vd ON vd.session_id = s.id \
             WHERE v.ack_token_hash = $1",
        )
        .bind(&hash)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let name = jalon_core::candidate::CandidateInput {
            last_name: r.last_name,
            first_names: r.first_names,
            birth_date: Some(crate::parse_date("birth_date", &r.birth_date)?),
            ..Default::default()
        }
        .display();
        let end = crate::parse_date("end_date", &r.end_date)?;
        let state = jalon_core::privacy::candidate_link_state(
            end,
            crate::parse_opt_date("validated_on", r.validated_on)?,
            r.cancelled_at.is_some(),
            self.today(),
        );
        Ok(Some(CandidateLink {
            centre_id: r.centre_id,
            session_id: r.session_id,
            candidate_id: r.candidate_id,
            token_hash: hash,
            name,
            title: r.title,
            read_at: r.read_at,
            centre: r.centre,
            start: crate::parse_date("start_date", &r.start_date)?,
            end,
            site: format!("{}, {} {}", r.site_name, r.postcode, r.city),
            void: r.voided_at.is_some(),
            state,
        }))
    }

    /// What the candidate's personal page shows: their passages, and their result after the
    /// validation — the embargo decided by `jalon_core::results::may_show`.
    pub async fn candidate_page(&self, link: &CandidateLink) -> Result<CandidatePage> {
        use jalon_core::results::{Audience, CcpOutcome, may_show};
        if let Some(text) = link.state.explanation() {
            return Err(StoreError::Expired(text));
        }
        let reader = crate::Actor::command_line(link.centre_id.clone());
        let h = self.open_session(&reader, &link.session_id).await?;
        let schedule = self.schedule(&h).await?;
        let passages = schedule
            .of_candidate(link.candidate_id.as_str())
            .into_iter()
            .map(|p| {
                let when: Vec<String> = p.parts.iter().map(|x| x.describe()).collect();
                (p.epreuve.clone(), when.join(" ; "))
            })
            .collect();
        let validated_on = h.session().validated_on;
        let result = if may_show(Audience::Candidate, validated_on) {
            let sheet = self.results(&h).await?;
            sheet
                .rows
                .into_iter()
                .find(|r| r.candidate_id == link.candidate_id)
                .and_then(|r| r.result)
                .map(|r| {
                    let named = |want: CcpOutcome| -> Vec<String> {
                        sheet
                            .ccps
                            .iter()
                            .filter(|(code, _)| r.input.ccps.get(code) == Some(&want))
                            .map(|(code, name)| format!("{code} — {name}"))
                            .collect()
                    };
                    ShownResult {
                        decision: r.input.decision.label_for(h.session().kind).to_owned(),
                        decision_kind: r.input.decision,
                        acquired: named(CcpOutcome::Acquired),
                        not_acquired: named(CcpOutcome::NotAcquired),
                    }
                })
        } else {
            None
        };
        Ok(CandidatePage {
            passages,
            validated_on,
            result,
        })
    }

    /// The candidate opened their personal link: the read acknowledgement, with its time and
    /// origin. Opening it again keeps the first time.
    pub async fn acknowledge_convocation(&self, link: &CandidateLink, origin: &str) -> Result<()> {
        if let Some(text) = link.state.explanation() {
            return Err(StoreError::Expired(text));
        }
        if link.void {
            return Err(StoreError::invalid(
                "convocation",
                "cette convocation n'est plus valable : le désistement du candidat est enregistré",
            ));
        }
        if link.read_at.is_some() {
            return Ok(());
        }
        let now = Stamp::new(self.now());
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
        .bind(now)
        .bind(&origin)
        .bind(&link.candidate_id)
        .bind(&link.token_hash)
        .execute(&mut *tx)
        .await?;
        if read.rows_affected() == 0 {
            return Ok(());
        }
        let who = format!("{} (lien personnel)", link.name);
        let author = Author {
            centre_id: &link.centre_id,
            user_id: None,
            name: &who,
        };
        journal::append(
            &mut tx,
            self,
            author,
            Change {
                action: Action::ConvocationRead,
                subject_type: Subject::Session,
                subject_id: link.session_id.as_str(),
                data: json!({"candidate": link.name, "from": origin}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
