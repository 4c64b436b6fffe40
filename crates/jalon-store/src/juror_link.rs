//! A juror acting through their personal link. It is not an account: it knows whose link it
//! is and reads only what that juror needs for the one job of preparing their sitting — the
//! sessions they sit in, their convocation, the names of the candidates they assess — and
//! it can do only that job: declare their links with those candidates and sign their sworn
//! statement. A link lives until the centre revokes it, and opens a session only while
//! `jalon_core::privacy::juror_sitting_state` says so: a cancelled session at once, an ended
//! one 30 days after its last day (90 while the juror has the minutes to sign).

use jalon_core::privacy::LinkState;
use jiff::civil::Date;
use serde_json::json;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{CentreId, JurorId, SessionId, Stamp};
use crate::journal::{self, Action, Author, Change, Subject};
use crate::jurors::Juror;
use crate::scope::{Actor, Writer};

/// A juror behind a personal link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JurorLink {
    centre_id: CentreId,
    juror: Juror,
    centre: String,
}

impl JurorLink {
    /// « Marc LEROY ».
    pub fn name(&self) -> String {
        self.juror.input.display()
    }

    /// The centre that convenes the juror.
    pub fn centre(&self) -> &str {
        &self.centre
    }

    pub fn juror(&self) -> &Juror {
        &self.juror
    }

    fn actor(&self) -> Actor {
        Actor::command_line(self.centre_id.clone())
    }

    /// A read-only actor of the juror's centre, to typeset the documents of a session they
    /// sit in (their convocation, their request to the employer): it can change nothing.
    /// Open a session with it only after [`Store::juror_sitting`] found the juror seated.
    pub fn documents_reader(&self) -> Actor {
        Actor::reader(
            self.centre_id.clone(),
            format!("{} (lien personnel)", self.name()),
        )
    }
}

/// A session the juror sits in, as their link shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sitting {
    pub session_id: SessionId,
    pub title: String,
    pub rncp: String,
    pub start: Date,
    pub end: Date,
    /// « Plateau de Lyon, 12 rue des Métiers, 69007 Lyon ».
    pub place: String,
    /// The days they sit, with their jury.
    pub days: Vec<(Date, u32)>,
    pub convoked_at: Option<Stamp>,
    pub read_at: Option<Stamp>,
    /// The candidates they assess (id, « DUPONT Jean »).
    pub assessed: Vec<(String, String)>,
    /// Their own answers: (candidate, the link, or `None` for « aucun lien »).
    pub answers: Vec<(String, Option<String>)>,
    pub links_declared_at: Option<Stamp>,
    pub signed_at: Option<Stamp>,
    /// For a salaried juror: the day they ask their employer by.
    pub employer_request_by: Option<Date>,
}

fn digest(token: &str) -> String {
    crate::sha256_hex(token.as_bytes())
}

/// The origin of a request, kept short and printable for the journal.
fn clean(origin: &str) -> String {
    origin
        .chars()
        .filter(|c| !c.is_control())
        .take(300)
        .collect()
}

impl Store {
    /// A new personal link for a juror of the centre (its secret, given once: only its
    /// digest is kept). Earlier links stay valid until revoked.
    pub async fn issue_juror_link(&self, w: Writer<'_>, juror: &JurorId) -> Result<String> {
        let actor = w.actor();
        let j = self.juror(actor, juror).await?;
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO juror_tokens (token_hash, juror_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(digest(&token))
        .bind(juror)
        .bind(Stamp::new(self.now()))
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::JurorLinkIssued,
                subject_type: Subject::Juror,
                subject_id: juror.as_str(),
                data: json!({"name": j.input.display()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes every personal link of a juror: they open nothing any more. Returns how many.
    pub async fn revoke_juror_links(&self, w: Writer<'_>, juror: &JurorId) -> Result<u64> {
        let actor = w.actor();
        let j = self.juror(actor, juror).await?;
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE juror_tokens SET revoked_at = $1 WHERE juror_id = $2 AND revoked_at IS NULL",
        )
        .bind(Stamp::new(self.now()))
        .bind(juror)
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::JurorLinksRevoked,
                subject_type: Subject::Juror,
                subject_id: juror.as_str(),
                data: json!({"name": j.input.display(), "revoked": done.rows_affected()}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// The juror behind a personal link; `None` for an unknown or revoked link.
    pub async fn juror_link(&self, token: &str) -> Result<Option<JurorLink>> {
        let row: Option<(CentreId, JurorId, String)> = sqlx::query_as(
            "SELECT j.centre_id, j.id, c.name FROM juror_tokens t JOIN jurors j ON j.id = t.juror_id \
             JOIN centres c ON c.id = j.centre_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
        )
        .bind(digest(token))
        .fetch_optional(self.pool())
        .await?;
        let Some((centre_id, juror_id, centre)) = row else {
            return Ok(None);
        };
        let juror = self
            .juror(&Actor::command_line(centre_id.clone()), &juror_id)
            .await?;
        Ok(Some(JurorLink {
            centre_id,
            juror,
            centre,
        }))
    }

    /// What the link can still open of each session the juror sits in (seated or convened),
    /// in date order.
    async fn sitting_states(
        &self,
        link: &JurorLink,
        only: Option<&SessionId>,
    ) -> Result<Vec<(SessionId, LinkState)>> {
        type Row = (SessionId, String, Option<Stamp>, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT s.id, s.end_date, s.cancelled_at, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM validations vd WHERE vd.session_id = s.id) \
               OR EXISTS (SELECT 1 FROM minutes_signatures ms WHERE ms.session_id = s.id AND ms.juror_id = $2) \
             THEN 0 ELSE 1 END AS BIGINT) AS pending \
             FROM sessions s WHERE s.centre_id = $1 AND ($3 = '' OR s.id = $3) \
             AND (s.id IN (SELECT session_id FROM jury_seats WHERE juror_id = $2) \
               OR s.id IN (SELECT session_id FROM session_jurors WHERE juror_id = $2)) \
             ORDER BY s.start_date, s.id",
        )
        .bind(&link.centre_id)
        .bind(&link.juror.id)
        .bind(only.map_or("", SessionId::as_str))
        .fetch_all(self.pool())
        .await?;
        let today = self.today();
        rows.into_iter()
            .map(|(id, end, cancelled, pending)| {
                let end = crate::parse_date("end_date", &end)?;
                let state = jalon_core::privacy::juror_sitting_state(
                    end,
                    cancelled.is_some(),
                    pending != 0,
                    today,
                );
                Ok((id, state))
            })
            .collect()
    }

    /// Whether the juror's link still works: while one of their sessions is open to it, or
    /// while they sit in none yet (`jalon_core::privacy::juror_link_state`).
    pub async fn juror_link_state(&self, link: &JurorLink) -> Result<LinkState> {
        let states: Vec<LinkState> = self
            .sitting_states(link, None)
            .await?
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        Ok(jalon_core::privacy::juror_link_state(&states))
    }

    /// The sessions the juror sits in that their link still opens, in date order.
    pub async fn juror_sittings(&self, link: &JurorLink) -> Result<Vec<Sitting>> {
        let seated: Vec<(SessionId,)> =
            sqlx::query_as("SELECT DISTINCT session_id FROM jury_seats WHERE juror_id = $1")
                .bind(&link.juror.id)
                .fetch_all(self.pool())
                .await?;
        let actor = link.actor();
        let mut out = Vec::new();
        for (id, state) in self.sitting_states(link, None).await? {
            if state.is_open() && seated.iter().any(|(s,)| *s == id) {
                out.push(self.sitting(&actor, link, &id).await?);
            }
        }
        Ok(out)
    }

    async fn sitting(&self, actor: &Actor, link: &JurorLink, id: &SessionId) -> Result<Sitting> {
        let session = self.open_session(actor, id).await?;
        let g = self.gather_jury(&session, None).await?;
        let s = session.session();
        let site = self.site(actor, &s.site_id).await?;
        let me = link.juror.id.as_str();
        let row = g.rows.iter().find(|r| r.juror_id == link.juror.id);
        let answers = g
            .links
            .iter()
            .filter(|l| l.juror == me && l.declared_by == "juror")
            .map(|l| (l.candidate.clone(), l.linked.then(|| l.what.clone())))
            .collect();
        Ok(Sitting {
            session_id: id.clone(),
            title: g.facts.title.name.clone(),
            rncp: g.facts.title.rncp.clone(),
            start: s.start,
            end: s.end,
            place: format!(
                "{}, {}, {} {}",
                site.name, site.address, site.postcode, site.city
            ),
            days: g
                .seats
                .iter()
                .filter(|x| x.seat.juror == me)
                .map(|x| (x.seat.day, x.seat.jury))
                .collect(),
            convoked_at: row.and_then(|r| r.convoked_at),
            read_at: row.and_then(|r| r.read_at),
            assessed: g.facts.assessed_by(me),
            answers,
            links_declared_at: row.and_then(|r| r.links_declared_at),
            signed_at: row.and_then(|r| r.signed_at),
            employer_request_by: (link.juror.input.status
                == jalon_core::jury::JurorStatus::Salaried)
                .then(|| jalon_core::jury::employer_request_by(s.start))
                .flatten(),
        })
    }

    /// One sitting of the juror's, or not found (a session they do not sit in); a session
    /// their link no longer opens (cancelled, or over) is refused as expired.
    pub async fn juror_sitting(&self, link: &JurorLink, id: &SessionId) -> Result<Sitting> {
        if let Some((_, state)) = self.sitting_states(link, Some(id)).await?.pop()
            && let Some(text) = state.explanation()
        {
            return Err(StoreError::Expired(text));
        }
        let seated: Option<(String,)> = sqlx::query_as(
            "SELECT js.juror_id FROM jury_seats js JOIN sessions s ON s.id = js.session_id \
             WHERE js.session_id = $1 AND js.juror_id = $2 AND s.centre_id = $3 AND s.cancelled_at IS NULL",
        )
        .bind(id)
        .bind(&link.juror.id)
        .bind(&link.centre_id)
        .fetch_optional(self.pool())
        .await?;
        if seated.is_none() {
            return Err(StoreError::NotFound { what: "session" });
        }
        self.sitting(&link.actor(), link, id).await
    }

    /// The juror opened their link: each convocation sent and not yet read is read now, with
    /// its time and origin (opening again keeps the first time).
    pub async fn juror_opened(&self, link: &JurorLink, origin: &str) -> Result<()> {
        let origin = clean(origin);
        let unread: Vec<(SessionId,)> = sqlx::query_as(
            "SELECT sj.session_id FROM session_jurors sj JOIN sessions s ON s.id = sj.session_id \
             WHERE sj.juror_id = $1 AND s.centre_id = $2 AND sj.convoked_at IS NOT NULL AND sj.read_at IS NULL",
        )
        .bind(&link.juror.id)
        .bind(&link.centre_id)
        .fetch_all(self.pool())
        .await?;
        let who = format!("{} (lien personnel)", link.name());
        for (session,) in unread {
            let now = Stamp::new(self.now());
            let mut tx = self.begin().await?;
            let read = sqlx::query(
                "UPDATE session_jurors SET read_at = $1, read_from = $2 \
                 WHERE session_id = $3 AND juror_id = $4 AND read_at IS NULL AND convoked_at IS NOT NULL",
            )
            .bind(now)
            .bind(&origin)
            .bind(&session)
            .bind(&link.juror.id)
            .execute(&mut *tx)
            .await?;
            if read.rows_affected() == 0 {
                continue;
            }
            journal::append(
                &mut tx,
                self,
                self.link_author(link, &who),
                Change {
                    action: Action::JurorConvocationRead,
                    subject_type: Subject::Session,
                    subject_id: session.as_str(),
                    data: json!({"juror": link.name(), "from": origin}),
                },
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    pub(crate) fn link_author<'a>(&self, link: &'a JurorLink, who: &'a str) -> Author<'a> {
        Author {
            centre_id: &link.centre_id,
            user_id: None,
            name: who,
        }
    }

    /// The juror answers, for each candidate they assess, a link or « aucun lien »
    /// (`None`); their earlier answers are replaced. All or nothing, before their statement.
    pub async fn declare_juror_links(
        &self,
        link: &JurorLink,
        session: &SessionId,
        answers: Vec<(String, Option<String>)>,
        origin: &str,
    ) -> Result<Sitting> {
        let sitting = self.juror_sitting(link, session).await?;
        if sitting.signed_at.is_some() {
            return Err(StoreError::invalid(
                "links",
                "votre déclaration sur l'honneur est signée : pour signaler un lien découvert depuis, prévenez le responsable de session",
            ));
        }
        let problems = jalon_core::jury::answers_problems(&sitting.assessed, &answers);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let now = Stamp::new(self.now());
        let origin = clean(origin);
        let who = format!("{} (lien personnel)", link.name());
        let mut tx = self.begin().await?;
        sqlx::query(
            "DELETE FROM jury_links WHERE session_id = $1 AND juror_id = $2 AND declared_by = 'juror'",
        )
        .bind(session)
        .bind(&link.juror.id)
        .execute(&mut *tx)
        .await?;
        for (candidate, what) in &answers {
            sqlx::query(
                "INSERT INTO jury_links (session_id, juror_id, candidate_id, linked, what, declared_by, declared_at) \
                 VALUES ($1, $2, $3, $4, $5, 'juror', $6)",
            )
            .bind(session)
            .bind(&link.juror.id)
            .bind(candidate)
            .bind(i64::from(what.is_some()))
            .bind(what.as_deref().map_or("", str::trim))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE session_jurors SET links_declared_at = $1 WHERE session_id = $2 AND juror_id = $3",
        )
        .bind(now)
        .bind(session)
        .bind(&link.juror.id)
        .execute(&mut *tx)
        .await?;
        let name = |id: &str| {
            sitting
                .assessed
                .iter()
                .find(|(c, _)| c == id)
                .map(|(_, n)| n.clone())
        };
        let linked: Vec<serde_json::Value> = answers
            .iter()
            .filter_map(|(c, what)| {
                Some(json!({"candidate": name(c), "what": what.as_ref()?.trim()}))
            })
            .collect();
        journal::append(
            &mut tx,
            self,
            self.link_author(link, &who),
            Change {
                action: Action::JurorLinksDeclared,
                subject_type: Subject::Session,
                subject_id: session.as_str(),
                data: json!({
                    "juror": link.name(),
                    "linked": linked,
                    "no_link": answers.iter().filter(|(_, w)| w.is_none()).count(),
                    "from": origin,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.juror_sitting(link, session).await
    }

    /// The juror signs their sworn statement through their link, after their answers.
    pub async fn sign_statement_by_link(
        &self,
        link: &JurorLink,
        session: &SessionId,
        png: &[u8],
        origin: &str,
    ) -> Result<Sitting> {
        let sitting = self.juror_sitting(link, session).await?;
        let declared = sitting.links_declared_at.is_some() || sitting.assessed.is_empty();
        if let Some(p) =
            jalon_core::jury::statement_problem(&link.name(), sitting.signed_at.is_some(), declared)
        {
            return Err(StoreError::Invalid(vec![p]));
        }
        let who = format!("{} (lien personnel)", link.name());
        let from = format!("lien personnel ({})", clean(origin));
        self.record_statement(
            session,
            &link.juror,
            png,
            &from,
            self.link_author(link, &who),
        )
        .await?;
        self.juror_sitting(link, session).await
    }
}
