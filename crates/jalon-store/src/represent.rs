//! Re-presentation (`followup.represent`): the candidates of a centre in failure or partial
//! success, with their deadline and the presentations left; presenting one again in a later
//! session of the same title links the person across sessions and counts the attempt —
//! refused, with its reason, past the deadline or beyond the number allowed.

use jalon_core::represent::{self as rules, Attempt};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use crate::Store;
use crate::candidates::Candidate;
use crate::error::{Result, RuleViolation, StoreError};
use crate::ids::{CandidateId, SessionId};
use crate::scope::{Actor, SessionHandle, SessionWriter};

/// A candidate who may be presented again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Eligible {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub session_id: SessionId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub candidate_id: CandidateId,
    /// « DUPONT Jean ».
    pub name: String,
    pub title: String,
    /// « réussite partielle », « non obtenu »…
    pub decision: String,
    /// The last day they may be presented again, when known.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<Date>,
    /// New presentations already made.
    pub done: u32,
    /// « 2 nouvelles présentations jusqu'au mardi 31 août 2027 ».
    pub left: String,
}

fn refused(rule: &'static str, message: String) -> StoreError {
    StoreError::RulesBroken(vec![RuleViolation {
        rule,
        milestone: jalon_core::milestone::ids::FOLLOWUP_REPRESENT,
        message,
        overridable: false,
    }])
}

impl Store {
    /// The first presentation of a candidate (themselves, if this is it), and how many new
    /// presentations of that person are registered (those who withdrew left out).
    async fn presentations(&self, candidate: &CandidateId) -> Result<(CandidateId, u32)> {
        let first: Option<(Option<String>,)> =
            sqlx::query_as("SELECT first_presentation_id FROM candidates WHERE id = $1")
                .bind(candidate)
                .fetch_optional(self.pool())
                .await?;
        let root = match first {
            Some((Some(f),)) => CandidateId::from(f.as_str()),
            Some((None,)) => candidate.clone(),
            None => return Err(StoreError::NotFound { what: "candidat" }),
        };
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM candidates WHERE first_presentation_id = $1 AND withdrawn_on IS NULL",
        )
        .bind(&root)
        .fetch_one(self.pool())
        .await?;
        Ok((root, u32::try_from(n).unwrap_or(u32::MAX)))
    }

    /// What is left to a candidate of `session` to be presented again, as their letter says
    /// it (« 2 nouvelles présentations jusqu'au … »); `None` for a transport title whose
    /// référentiel's rule is not set.
    pub async fn represent_left(
        &self,
        session: &SessionHandle<'_>,
        candidate: &Candidate,
    ) -> Result<Option<String>> {
        let title = self
            .title(session.actor(), &session.session().title_id)
            .await?;
        let rule = rules::rule_for(title.transport, title.structure.represent);
        let (_, done) = self.presentations(&candidate.id).await?;
        Ok(rule.map(|_| rules::left(rule, candidate.input.training_end, done)))
    }

    /// The candidates of the actor's centre who may be presented again: a failure, a partial
    /// success or an absence in a validated session, the title still held — with their
    /// deadline and what is left.
    pub async fn eligible_again(&self, actor: &Actor) -> Result<Vec<Eligible>> {
        let mut out = Vec::new();
        for detail in self.sessions(actor).await? {
            let s = &detail.session;
            if s.validated_on.is_none() {
                continue;
            }
            let h = self.open_session(actor, &s.id).await?;
            let title = self.title(actor, &s.title_id).await?;
            let rule = rules::rule_for(title.transport, title.structure.represent);
            let (sheet, candidates) = tokio::try_join!(self.results(&h), self.candidates(&h))?;
            for row in sheet.rows {
                let Some(r) = row.result else { continue };
                if !r.input.decision.may_represent() {
                    continue;
                }
                let Some(c) = candidates.iter().find(|c| c.id == row.candidate_id) else {
                    continue;
                };
                let (_, done) = self.presentations(&c.id).await?;
                let end = c.input.training_end;
                out.push(Eligible {
                    session_id: s.id.clone(),
                    candidate_id: c.id.clone(),
                    name: row.name.clone(),
                    title: s.title_name.clone(),
                    decision: r.input.decision.label_for(s.kind).to_owned(),
                    deadline: rule.and_then(|r| end.and_then(|e| rules::deadline(e, r))),
                    done,
                    left: rules::left(rule, end, done),
                });
            }
        }
        Ok(out)
    }

    /// Presents again, in the session of `w`, the candidate `candidate` of the earlier
    /// session `from` (same title, validated, in failure or partial success): registered
    /// with what is known of them, linked to their first presentation, journaled. Refused
    /// under `represent.limit_reached`, `represent.too_late`, `represent.rule_unknown`,
    /// `represent.training_end_unknown` or `represent.not_eligible`, with the reason.
    pub async fn represent_candidate(
        &self,
        w: SessionWriter<'_>,
        from: &SessionHandle<'_>,
        candidate: &CandidateId,
    ) -> Result<Candidate> {
        let (target, earlier) = (w.handle().session(), from.session());
        let c = self.candidate(from, candidate).await?;
        let name = c.input.short_name();
        if earlier.title_id != target.title_id {
            return Err(refused(
                "represent.not_eligible",
                format!(
                    "{name} a passé « {} » : on ne le présente de nouveau qu'au même titre",
                    earlier.title_name
                ),
            ));
        }
        if earlier.validated_on.is_none() {
            return Err(refused(
                "represent.not_eligible",
                format!(
                    "la session du {} n'est pas encore validée : ses résultats ne sont pas officiels",
                    jalon_core::fr::long_date(earlier.start)
                ),
            ));
        }
        if target.start <= earlier.end {
            return Err(refused(
                "represent.not_eligible",
                "une nouvelle présentation se fait à une session qui suit la première".to_owned(),
            ));
        }
        let sheet = self.results(from).await?;
        let decision = sheet
            .rows
            .iter()
            .find(|r| &r.candidate_id == candidate)
            .and_then(|r| r.result.as_ref())
            .map(|r| r.input.decision);
        match decision {
            Some(d) if d.may_represent() => {}
            Some(_) => {
                return Err(refused(
                    "represent.not_eligible",
                    format!("{name} a obtenu le titre : rien à présenter de nouveau"),
                ));
            }
            None => {
                return Err(refused(
                    "represent.not_eligible",
                    format!(
                        "{name} n'a pas de résultat enregistré à la session du {}",
                        jalon_core::fr::long_date(earlier.start)
                    ),
                ));
            }
        }
        let title = self.title(w.actor(), &target.title_id).await?;
        let rule = rules::rule_for(title.transport, title.structure.represent);
        let (first, done) = self.presentations(candidate).await?;
        let attempt = Attempt {
            name: &name,
            training_end: c.input.training_end,
            done,
            session_start: target.start,
        };
        if let Some(r) = rules::problem(rule, &attempt) {
            return Err(refused(r.rule, r.message));
        }
        let what = json!({"candidate": c.input.display(), "from_session": earlier.id,
                          "from_start": earlier.start, "first_presentation": first,
                          "attempt": done + 1});
        let ids = self
            .insert_candidates(w, vec![c.input.clone()], false, Some((&first, what)))
            .await?;
        let id = ids
            .first()
            .ok_or(StoreError::NotFound { what: "candidat" })?;
        self.candidate(w.handle(), id).await
    }
}
