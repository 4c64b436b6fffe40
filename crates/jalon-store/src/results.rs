//! The jury's results, candidate by candidate (`close.enter_results`): each épreuve done or
//! absent, each CCP acquired or not, the decision, « saisi dans CERES le … », the dossier
//! professionnel handed in. Recorded only once the candidate's whole passage is over (the
//! core's rules); visible inside the centre, never to a candidate before the validation
//! (`jalon_core::results::may_show`).

use std::collections::BTreeMap;

use jalon_core::results::{
    self as rules, CcpOutcome, Decision, Outcome, PassageFacts, ResultInput,
};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::error::{Result, RuleViolation, StoreError};
use crate::ids::{CandidateId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};

/// A candidate's recorded result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateResult {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub candidate_id: CandidateId,
    #[serde(flatten)]
    pub input: ResultInput,
    /// « Saisi dans CERES le … ».
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub ceres_entered_on: Option<Date>,
    /// The dossier professionnel handed in.
    pub dp_handed: bool,
    pub recorded_at: Stamp,
    pub recorded_by: String,
    pub version: i64,
}

/// What is recorded of a result, with the version read (0 for a first one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordResult {
    pub version: i64,
    pub result: ResultInput,
    pub ceres_entered_on: Option<Date>,
    pub dp_handed: bool,
}

/// One candidate on the results sheet: their épreuves as the timetable and the sign-in
/// sheets have them, and their result once recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultRow {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub candidate_id: CandidateId,
    /// « DUPONT Jean ».
    pub name: String,
    pub passages: Vec<PassageView>,
    pub result: Option<CandidateResult>,
}

/// An épreuve of a candidate: its last day, and what the sign-in says (present, absent, or
/// not noted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassageView {
    pub epreuve: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub last_day: Option<Date>,
    pub noted: Option<bool>,
}

/// The results of a session: the CCPs it assesses and each candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsSheet {
    /// (code, name) of each CCP the session assesses.
    pub ccps: Vec<(String, String)>,
    pub rows: Vec<ResultRow>,
}

#[derive(sqlx::FromRow)]
struct Row {
    candidate_id: CandidateId,
    epreuves: String,
    ccps: String,
    decision: String,
    ceres_entered_on: Option<String>,
    dp_handed: i64,
    recorded_at: Stamp,
    recorded_by: String,
    version: i64,
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} illisible « {v} »"))
}

impl Row {
    fn result(self) -> Result<CandidateResult> {
        let epreuves: BTreeMap<String, String> = serde_json::from_str(&self.epreuves)
            .map_err(|_| corrupt("épreuves", &self.epreuves))?;
        let ccps: BTreeMap<String, String> =
            serde_json::from_str(&self.ccps).map_err(|_| corrupt("CCP", &self.ccps))?;
        Ok(CandidateResult {
            candidate_id: self.candidate_id,
            input: ResultInput {
                epreuves: epreuves
                    .into_iter()
                    .map(|(k, v)| Ok((k, v.parse::<Outcome>().map_err(|_| corrupt("issue", &v))?)))
                    .collect::<Result<_>>()?,
                ccps: ccps
                    .into_iter()
                    .map(|(k, v)| {
                        Ok((
                            k,
                            v.parse::<CcpOutcome>().map_err(|_| corrupt("issue", &v))?,
                        ))
                    })
                    .collect::<Result<_>>()?,
                decision: self
                    .decision
                    .parse::<Decision>()
                    .map_err(|_| corrupt("décision", &self.decision))?,
            },
            ceres_entered_on: self
                .ceres_entered_on
                .as_deref()
                .map(|d| d.parse::<Date>().map_err(|_| corrupt("date", d)))
                .transpose()?,
            dp_handed: self.dp_handed != 0,
            recorded_at: self.recorded_at,
            recorded_by: self.recorded_by,
            version: self.version,
        })
    }
}

impl Store {
    /// Every result recorded in a session, by candidate.
    async fn result_rows(&self, session: &SessionHandle<'_>) -> Result<Vec<CandidateResult>> {
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT candidate_id, epreuves, ccps, decision, ceres_entered_on, dp_handed, \
             recorded_at, recorded_by, version FROM results WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(Row::result).collect()
    }

    /// The results sheet of a session: each candidate (those who withdrew left out) with
    /// their épreuves and their result once recorded.
    pub async fn results(&self, session: &SessionHandle<'_>) -> Result<ResultsSheet> {
        let (actor, s) = (session.actor(), session.session());
        let (title, candidates, schedule, attendance, recorded) = tokio::try_join!(
            self.title(actor, &s.title_id),
            self.candidates(session),
            self.schedule(session),
            self.attendance(session),
            self.result_rows(session),
        )?;
        let epreuves = jalon_core::timetable::epreuves_of(s.kind, &title.structure.epreuves);
        let assessed = rules::ccps_of(s.kind, &title.structure);
        let ccps = assessed
            .iter()
            .map(|code| {
                let name = title
                    .structure
                    .ccps
                    .iter()
                    .find(|c| &c.code == code)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                (code.clone(), name)
            })
            .collect();
        let rows = candidates
            .into_iter()
            .map(|c| {
                let theirs = schedule.of_candidate(c.id.as_str());
                let passages =
                    jalon_core::timetable::epreuves_for(s.kind, c.input.capitalisation, &epreuves)
                        .iter()
                        .map(|e| {
                            let days: Vec<Date> = theirs
                                .iter()
                                .filter(|p| p.epreuve == e.name)
                                .flat_map(|p| p.parts.iter().map(|x| x.date))
                                .collect();
                            let marks: Vec<bool> = attendance
                                .iter()
                                .filter(|a| a.candidate_id == c.id && a.epreuve == e.name)
                                .map(|a| a.present)
                                .collect();
                            let noted = if marks.contains(&false) {
                                Some(false)
                            } else if !marks.is_empty() && marks.len() >= days.len() {
                                Some(true)
                            } else {
                                None
                            };
                            PassageView {
                                epreuve: e.name.clone(),
                                last_day: days.into_iter().max(),
                                noted,
                            }
                        })
                        .collect();
                ResultRow {
                    name: c.input.short_name(),
                    result: recorded.iter().find(|r| r.candidate_id == c.id).cloned(),
                    candidate_id: c.id,
                    passages,
                }
            })
            .collect();
        Ok(ResultsSheet { ccps, rows })
    }

    /// Records (or corrects) a candidate's result, with the version read: refused while
    /// their passage is not over — the entretien final included — or when its parts
    /// contradict the sign-in or each other; journaled.
    pub async fn record_result(
        &self,
        w: SessionWriter<'_>,
        candidate_id: &CandidateId,
        r: RecordResult,
    ) -> Result<CandidateResult> {
        let (actor, session) = (w.actor(), w.handle());
        let candidate = self.candidate(session, candidate_id).await?;
        if candidate.withdrawal.is_some() {
            return Err(StoreError::invalid(
                "candidate",
                format!(
                    "{} s'est désisté(e) : pas de résultat à enregistrer",
                    candidate.input.display()
                ),
            ));
        }
        if let Some(on) = r.ceres_entered_on
            && on > self.today()
        {
            return Err(StoreError::invalid(
                "ceres_entered_on",
                format!(
                    "la saisie dans CERES du {} n'a pas encore eu lieu",
                    jalon_core::fr::long_date(on)
                ),
            ));
        }
        let sheet = self.results(session).await?;
        let row = sheet
            .rows
            .iter()
            .find(|x| &x.candidate_id == candidate_id)
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        let passages: Vec<PassageFacts> = row
            .passages
            .iter()
            .map(|p| PassageFacts {
                epreuve: p.epreuve.clone(),
                last_day: p.last_day,
                noted: p.noted,
            })
            .collect();
        let sign_in_kept = sheet
            .rows
            .iter()
            .any(|x| x.passages.iter().any(|p| p.noted.is_some()));
        let codes: Vec<String> = sheet.ccps.iter().map(|(c, _)| c.clone()).collect();
        let refused = rules::problems(&passages, &codes, &r.result, sign_in_kept, self.today());
        if !refused.is_empty() {
            return Err(StoreError::RulesBroken(
                refused
                    .into_iter()
                    .map(|x| RuleViolation {
                        rule: x.rule,
                        milestone: jalon_core::milestone::ids::CLOSE_ENTER_RESULTS,
                        message: x.message,
                        overridable: false,
                    })
                    .collect(),
            ));
        }
        let before = row.result.clone();
        let now = Stamp::new(self.now());
        let epreuves = json!(
            r.result
                .epreuves
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str()))
                .collect::<BTreeMap<_, _>>()
        )
        .to_string();
        let ccps = json!(
            r.result
                .ccps
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str()))
                .collect::<BTreeMap<_, _>>()
        )
        .to_string();
        let mut tx = self.begin().await?;
        let done = match &before {
            None if r.version == 0 => {
                sqlx::query(
                    "INSERT INTO results (candidate_id, session_id, epreuves, ccps, decision, ceres_entered_on, \
                     dp_handed, recorded_at, recorded_by, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS BIGINT) + 1) \
                     ON CONFLICT (candidate_id) DO NOTHING",
                )
                .bind(candidate_id)
                .bind(session.id())
            }
            _ => sqlx::query(
                "UPDATE results SET epreuves = $3, ccps = $4, decision = $5, ceres_entered_on = $6, \
                 dp_handed = $7, recorded_at = $8, recorded_by = $9, version = version + 1 \
                 WHERE candidate_id = $1 AND session_id = $2 AND version = $10",
            )
            .bind(candidate_id)
            .bind(session.id()),
        }
        .bind(&epreuves)
        .bind(&ccps)
        .bind(r.result.decision.as_str())
        .bind(r.ceres_entered_on.map(|d| d.to_string()))
        .bind(i64::from(r.dp_handed))
        .bind(now)
        .bind(actor.name())
        .bind(r.version)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "le résultat de ce candidat",
            });
        }
        // The minutes signed so far no longer say what the jury decided: signed again.
        self.undo_minutes_signatures(
            &mut tx,
            journal::Author::from(actor),
            session.id(),
            &format!("résultat de {} modifié", row.name),
        )
        .await?;
        let kind = session.session().kind;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::ResultRecorded,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"candidate": candidate_id, "name": row.name,
                             "decision": r.result.decision.label_for(kind),
                             "epreuves": r.result.epreuves, "ccps": r.result.ccps,
                             "ceres_entered_on": r.ceres_entered_on, "dp_handed": r.dp_handed,
                             "before": before.as_ref().map(|b| b.input.decision.label_for(kind))}),
            },
        )
        .await?;
        tx.commit().await?;
        self.result_rows(session)
            .await?
            .into_iter()
            .find(|x| &x.candidate_id == candidate_id)
            .ok_or(StoreError::NotFound { what: "résultat" })
    }
}

/// The documents of the candidates after the validation: the day the departmental service
/// launched them, and each candidate's document with the day they received or collected it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateDocuments {
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub launched_on: Option<Date>,
    pub rows: Vec<DocumentRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRow {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub candidate_id: CandidateId,
    pub name: String,
    /// What the decision gives; `None` without a result.
    pub document: Option<jalon_core::results::CandidateDocument>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub received_on: Option<Date>,
    /// « reçu par courrier », « retiré au centre ».
    pub how: Option<String>,
    /// When the centre's letter was last sent to them by email, and to which address.
    pub letter_sent: Option<(Stamp, String)>,
}

/// How a letter handed over is recorded in place of an address.
pub const HANDED: &str = "remis en main propre";

impl Store {
    /// The candidates' documents of a session.
    pub async fn candidate_documents(
        &self,
        session: &SessionHandle<'_>,
    ) -> Result<CandidateDocuments> {
        let sheet = self.results(session).await?;
        self.candidate_documents_of(session, sheet).await
    }

    /// The same, from the results sheet the caller already read.
    pub async fn candidate_documents_of(
        &self,
        session: &SessionHandle<'_>,
        sheet: ResultsSheet,
    ) -> Result<CandidateDocuments> {
        let kind = session.session().kind;
        let launched: Option<(Option<String>,)> =
            sqlx::query_as("SELECT documents_launched_on FROM validations WHERE session_id = $1")
                .bind(session.id())
                .fetch_optional(self.pool())
                .await?;
        let received: Vec<(CandidateId, String, String)> = sqlx::query_as(
            "SELECT candidate_id, received_on, how FROM candidate_documents WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let letters: Vec<(CandidateId, Stamp, String)> = sqlx::query_as(
            "SELECT candidate_id, sent_at, sent_to FROM result_letters WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let launched_on = match launched.and_then(|(d,)| d) {
            Some(d) => Some(d.parse::<Date>().map_err(|_| corrupt("date", &d))?),
            None => None,
        };
        let rows = sheet
            .rows
            .into_iter()
            .map(|r| {
                let got = received.iter().find(|(c, _, _)| *c == r.candidate_id);
                Ok(DocumentRow {
                    document: r
                        .result
                        .as_ref()
                        .map(|x| jalon_core::results::document_for(x.input.decision, kind)),
                    received_on: got
                        .map(|(_, d, _)| d.parse::<Date>().map_err(|_| corrupt("date", d)))
                        .transpose()?,
                    how: got.map(|(_, _, h)| h.clone()),
                    letter_sent: letters
                        .iter()
                        .find(|(c, _, _)| *c == r.candidate_id)
                        .map(|(_, at, to)| (*at, to.clone())),
                    candidate_id: r.candidate_id,
                    name: r.name,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(CandidateDocuments { launched_on, rows })
    }

    /// Records the day the departmental service launched the edition and sending of the
    /// candidates' documents: after the validation, not in the future; journaled.
    pub async fn record_documents_launched(
        &self,
        w: SessionWriter<'_>,
        on: Date,
    ) -> Result<CandidateDocuments> {
        let (actor, session) = (w.actor(), w.handle());
        let Some(validated) = session.session().validated_on else {
            return Err(StoreError::invalid(
                "on",
                "les documents des candidats suivent la validation de la session : enregistrez-la d'abord",
            ));
        };
        if on < validated || on > self.today() {
            return Err(StoreError::invalid(
                "on",
                format!(
                    "le lancement se date entre la validation ({}) et aujourd'hui",
                    jalon_core::fr::long_date(validated)
                ),
            ));
        }
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE validations SET documents_launched_on = $1 WHERE session_id = $2")
            .bind(on.to_string())
            .bind(session.id())
            .execute(&mut *tx)
            .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::DocumentsLaunched,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"on": on}),
            },
        )
        .await?;
        tx.commit().await?;
        self.candidate_documents(session).await
    }

    /// Records the day a candidate received (or collected) their document, and how: after
    /// the launch, not in the future; journaled.
    pub async fn record_document_received(
        &self,
        w: SessionWriter<'_>,
        candidate: &CandidateId,
        on: Date,
        how: &str,
    ) -> Result<CandidateDocuments> {
        let (actor, session) = (w.actor(), w.handle());
        let docs = self.candidate_documents(session).await?;
        let Some(launched) = docs.launched_on else {
            return Err(StoreError::invalid(
                "on",
                "le lancement de l'envoi des documents par le service départemental n'est pas encore enregistré",
            ));
        };
        let row = docs
            .rows
            .iter()
            .find(|r| &r.candidate_id == candidate)
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        let Some(document) = row.document else {
            return Err(StoreError::invalid(
                "candidate",
                format!("{} n'a pas de résultat enregistré", row.name),
            ));
        };
        let how: String = how.trim().chars().filter(|c| !c.is_control()).collect();
        if how.is_empty() || how.chars().count() > 200 {
            return Err(StoreError::invalid(
                "how",
                "dites comment (reçu par courrier, retiré au centre…), en 200 caractères au plus",
            ));
        }
        if on < launched || on > self.today() {
            return Err(StoreError::invalid(
                "on",
                format!(
                    "la réception se date entre le lancement ({}) et aujourd'hui",
                    jalon_core::fr::long_date(launched)
                ),
            ));
        }
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO candidate_documents (candidate_id, session_id, received_on, how, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (candidate_id) DO UPDATE SET \
             received_on = excluded.received_on, how = excluded.how, recorded_at = excluded.recorded_at, \
             recorded_by = excluded.recorded_by",
        )
        .bind(candidate)
        .bind(session.id())
        .bind(on.to_string())
        .bind(&how)
        .bind(Stamp::new(self.now()))
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::DocumentReceived,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"candidate": row.name, "document": document.label(), "on": on, "how": how}),
            },
        )
        .await?;
        tx.commit().await?;
        self.candidate_documents(session).await
    }

    /// Records that the centre's letter went to a candidate by email, to `to`: only once the
    /// session is validated (the embargo), journaled at each sending.
    pub async fn record_letter_sent(
        &self,
        w: SessionWriter<'_>,
        candidate: &CandidateId,
        to: &str,
    ) -> Result<()> {
        self.record_letter(w, candidate, to, Action::ResultLetterSent)
            .await
    }

    /// Records that the centre's letter was handed to the candidate, printed.
    pub async fn record_letter_handed(
        &self,
        w: SessionWriter<'_>,
        candidate: &CandidateId,
    ) -> Result<()> {
        self.record_letter(w, candidate, HANDED, Action::ResultLetterHanded)
            .await
    }

    async fn record_letter(
        &self,
        w: SessionWriter<'_>,
        candidate: &CandidateId,
        to: &str,
        action: Action,
    ) -> Result<()> {
        use jalon_core::results::{Audience, embargo_refusal, may_show};
        let (actor, session) = (w.actor(), w.handle());
        if !may_show(Audience::Candidate, session.session().validated_on) {
            let r = embargo_refusal();
            return Err(StoreError::RulesBroken(vec![crate::RuleViolation {
                rule: r.rule,
                milestone: jalon_core::milestone::ids::VALIDATION_DECISION,
                message: r.message,
                overridable: false,
            }]));
        }
        let c = self.candidate(session, candidate).await?;
        let now = Stamp::new(self.now());
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO result_letters (candidate_id, session_id, sent_at, sent_to, sent_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (candidate_id) DO UPDATE SET \
             sent_at = excluded.sent_at, sent_to = excluded.sent_to, sent_by = excluded.sent_by",
        )
        .bind(candidate)
        .bind(session.id())
        .bind(now)
        .bind(to)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"candidate": c.input.short_name(), "to": to}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
