//! A session's documents as PDF: what the store knows, given to the templates of
//! `jalon-docs`. Used by the API, the pages, the emails and the command line.

use jalon_core::fr;
use jalon_docs::pdf::{
    self, CandidateLine, Kind, Named, PdfError, Renderer, SessionDocument, SessionInfo, SiteInfo,
    TitleInfo,
};
use jalon_store::convocations::Mode;
use jalon_store::{CandidateId, SessionHandle, Store, StoreError};

/// Everything the documents of a session show; `only` keeps one candidate.
pub async fn session_document(
    store: &Store,
    session: &SessionHandle<'_>,
    only: Option<&CandidateId>,
) -> Result<SessionDocument, StoreError> {
    let (actor, s) = (session.actor(), session.session());
    let (title, site, (centre, _), logo, candidates, convocations) = tokio::try_join!(
        store.title(actor, &s.title_id),
        store.site(actor, &s.site_id),
        store.centre_settings(actor),
        store.centre_logo(actor),
        store.candidates(session),
        store.convocations(session),
    )?;
    let schedule = store.schedule_of(session, &title, &site).await?;
    let approval = match &s.approval_id {
        Some(id) => store.approval(actor, id).await?.number,
        None => String::new(),
    };
    let manager = match &s.manager_id {
        Some(id) => store.user(actor, id).await.ok(),
        None => None,
    };
    if let Some(id) = only
        && !candidates.iter().any(|c| c.id == *id)
    {
        return Err(StoreError::NotFound { what: "candidat" });
    }
    let mut candidates: Vec<CandidateLine> = candidates
        .iter()
        .filter(|c| only.is_none_or(|id| c.id == *id))
        .map(|c| {
            let mode = convocations
                .iter()
                .find(|v| v.candidate_id == c.id)
                .map(|v| v.mode);
            let i = &c.input;
            CandidateLine {
                id: c.id.to_string(),
                last_name: i.last_name.to_uppercase(),
                first_names: i.first_names.clone(),
                civility: i.civility.clone(),
                birth_date: pdf::short_date(i.birth_date),
                address: i.address.clone(),
                postcode: i.postcode.clone(),
                city: i.city.clone(),
                accommodation: i.accommodation.clone(),
                accommodation_granted_by: i.accommodation_granted_by.clone(),
                accommodation_plan: i.accommodation_plan.clone(),
                // Without a chosen mode, the paper copy carries the receipt: it is what a
                // hand delivery needs, and harmless otherwise.
                with_receipt: !matches!(mode, Some(Mode::EmailReceipts)),
                schedule: Vec::new(),
                extra_time: i
                    .extra_time
                    .map(|e| {
                        if i.extra_time_epreuves.is_empty() {
                            e.label()
                        } else {
                            format!("{} ({})", e.label(), i.extra_time_epreuves.join(", "))
                        }
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    // Each candidate's own days and times, the group's, and the sign-in sheets.
    let individual: Vec<&str> = schedule.individual.iter().map(String::as_str).collect();
    let (days, sheets) = pdf::from_timetable(&schedule.timetable, &individual, &mut candidates);
    // The centre's own contact first; the manager's address otherwise.
    let contact = [centre.email.trim(), centre.phone.trim()]
        .into_iter()
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let contact = if contact.is_empty() {
        manager
            .as_ref()
            .map(|m| m.email.clone())
            .unwrap_or_default()
    } else {
        contact
    };
    let rncp = title.rncp_code.trim();
    Ok(SessionDocument {
        centre: Named::new(&centre.name, &centre.reach()),
        logo: logo.map(|l| l.bytes.into()),
        images: Vec::new(),
        title: TitleInfo {
            name: title.name.clone(),
            // « RNCP 41536 » (never cut at the end of a line), however it was typed
            // (« 41536 », « RNCP41536 »).
            rncp: match rncp.get(..4) {
                _ if rncp.is_empty() => String::new(),
                Some(p) if p.eq_ignore_ascii_case("RNCP") => {
                    format!("RNCP\u{a0}{}", rncp[4..].trim_start())
                }
                _ => format!("RNCP\u{a0}{rncp}"),
            },
        },
        site: SiteInfo {
            name: site.name,
            address: site.address,
            postcode: site.postcode,
            city: site.city,
        },
        approval,
        ceres: s.ceres_number.clone().unwrap_or_default(),
        session: SessionInfo {
            dates: fr::date_range(s.start, s.end),
        },
        schedule: days,
        sheets,
        issued: fr::date_without_weekday(store.today()),
        manager: manager
            .as_ref()
            .map(|m| m.display_name.clone())
            .unwrap_or_default(),
        contact,
        documents: pdf::default_documents(),
        rules: pdf::default_rules(),
        candidates,
        jury: jury_lines(&store.jury(session).await?),
        absence: None,
        custody: None,
        minutes: None,
        signed: None,
    })
}

/// The jurors appointed, as the documents show them (their links are added by whoever
/// sends them one).
pub fn jury_lines(jury: &jalon_store::jury::SessionJury) -> Vec<pdf::JurorLine> {
    jury.jurors
        .iter()
        .map(|j| {
            let (first_names, last_name) = j
                .name
                .rsplit_once(' ')
                .map_or((String::new(), j.name.clone()), |(f, l)| {
                    (f.to_owned(), l.to_owned())
                });
            pdf::JurorLine {
                id: j.id.to_string(),
                name: j.name.clone(),
                first_names,
                last_name,
                profession: j.profession.clone(),
                employer: j.employer.clone(),
                salaried: j.status == jalon_core::jury::JurorStatus::Salaried,
                days: jury
                    .seats
                    .iter()
                    .filter(|x| x.seat.juror == j.id.as_str())
                    .map(|x| format!("{} — jury {}", fr::long_date(x.seat.day), x.seat.jury))
                    .collect(),
                request_by: j.employer_request_by.map(fr::long_date).unwrap_or_default(),
                link: String::new(),
            }
        })
        .collect()
}

/// Whether a logo given for the centre can be printed: checked by its content, then decoded
/// as the documents will (on a blocking thread). A refusal names the field `logo`.
pub async fn check_logo(state: &crate::AppState, bytes: &[u8]) -> Result<(), StoreError> {
    let renderer = state.docs.clone();
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || renderer.check_logo(&bytes))
        .await
        .map_err(|e| {
            StoreError::Invalid(vec![jalon_store::FieldError::new(
                "logo",
                format!("vérification interrompue : {e}"),
            )])
        })?
        .map(|_| ())
        .map_err(|e| StoreError::Invalid(vec![jalon_store::FieldError::new("logo", e.0)]))
}

/// Typesets on a blocking thread: a batch takes a second or more.
pub async fn render(
    renderer: std::sync::Arc<Renderer>,
    kind: Kind,
    data: SessionDocument,
) -> Result<Vec<u8>, PdfError> {
    tokio::task::spawn_blocking(move || renderer.render(kind, &data))
        .await
        .map_err(|e| PdfError(format!("composition interrompue : {e}")))?
}

/// One PDF per candidate, in a ZIP.
pub async fn render_zip(
    renderer: std::sync::Arc<Renderer>,
    data: SessionDocument,
) -> Result<Vec<u8>, PdfError> {
    tokio::task::spawn_blocking(move || {
        let files = renderer.render_each(&data, |_| {})?;
        let named: Vec<(String, Vec<u8>)> = data
            .candidates
            .iter()
            .zip(files)
            .map(|(c, bytes)| (pdf::file_name("convocation", c), bytes))
            .collect();
        pdf::zip(&named)
    })
    .await
    .map_err(|e| PdfError(format!("composition interrompue : {e}")))?
}

/// What the minutes and the results sheets show, from the results, the incidents and the
/// jurors present; `only` keeps one candidate (their sheet).
pub async fn minutes_record(
    store: &Store,
    session: &SessionHandle<'_>,
    only: Option<&CandidateId>,
) -> Result<pdf::MinutesRecord, StoreError> {
    use jalon_core::results::{Audience, may_show};
    let s = session.session();
    let sheet = store.results(session).await?;
    let (incidents, minutes) =
        tokio::try_join!(store.incidents(session), store.minutes_of(session, &sheet))?;
    // The minutes need every result; one candidate's sheet or letter, theirs.
    let ready = match only {
        None => minutes.ready,
        Some(c) => sheet
            .rows
            .iter()
            .any(|r| &r.candidate_id == c && r.result.is_some()),
    };
    if !ready {
        return Err(StoreError::invalid(
            "minutes",
            match only {
                None => {
                    "le procès-verbal s'édite une fois le résultat de chaque candidat enregistré"
                }
                Some(_) => "le résultat de ce candidat n'est pas encore enregistré",
            },
        ));
    }
    let epreuves: Vec<String> = sheet
        .rows
        .first()
        .map(|r| r.passages.iter().map(|p| p.epreuve.clone()).collect())
        .unwrap_or_default();
    let rows = sheet
        .rows
        .iter()
        .filter(|r| only.is_none_or(|c| &r.candidate_id == c))
        .filter_map(|r| {
            let res = r.result.as_ref()?;
            Some(pdf::ResultLine {
                name: r.name.clone(),
                epreuves: epreuves
                    .iter()
                    .map(|e| {
                        res.input
                            .epreuves
                            .get(e)
                            .map_or("—", |o| o.label())
                            .to_owned()
                    })
                    .collect(),
                ccps: sheet
                    .ccps
                    .iter()
                    .map(|(c, _)| res.input.ccps.get(c).map_or("—", |o| o.label()).to_owned())
                    .collect(),
                decision: res.input.decision.label_for(s.kind).to_owned(),
                ceres: res
                    .ceres_entered_on
                    .map(|d| format!("saisi dans CERES le {}", fr::long_date(d)))
                    .unwrap_or_default(),
            })
        })
        .collect();
    let fraud = jalon_core::launch::IncidentCategory::SuspectedFraud;
    let mut frauds: Vec<String> = incidents
        .iter()
        .filter(|i| i.input.category == fraud)
        .flat_map(|i| i.candidate_names.clone())
        .collect();
    frauds.sort();
    frauds.dedup();
    Ok(pdf::MinutesRecord {
        epreuves,
        ccps: sheet.ccps.clone(),
        rows,
        incidents: incidents
            .iter()
            .map(|i| {
                format!(
                    "{} à {} — {}{}{} : {}",
                    fr::long_date(i.input.day),
                    fr::time(i.input.time),
                    i.input.category.label(),
                    if i.candidate_names.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", i.candidate_names.join(", "))
                    },
                    if i.input.epreuve.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", i.input.epreuve)
                    },
                    i.input.description
                )
            })
            .collect(),
        frauds,
        jurors: minutes
            .signers
            .iter()
            .map(|j| pdf::MinutesJuror {
                name: j.name.clone(),
                days: j
                    .days
                    .iter()
                    .map(|d| fr::long_date(*d))
                    .collect::<Vec<_>>()
                    .join(", "),
                signed: match (j.signed_at, &j.signed_from) {
                    (Some(at), Some(from)) => {
                        format!("signé {} — {}", crate::ui::session::when(at), origin(from))
                    }
                    _ => String::new(),
                },
                signature: if j.drawn {
                    format!("pv-{}", j.juror_id)
                } else {
                    String::new()
                },
            })
            .collect(),
        validation: match s.validated_on {
            Some(d) if may_show(Audience::Candidate, Some(d)) => format!(
                "Session validée par le service départemental le {}.",
                fr::long_date(d)
            ),
            _ => "Aucun résultat n'est communiqué à un candidat avant la validation officielle \
                  de la session par le service départemental."
                .to_owned(),
        },
        validated: s.validated_on.is_some(),
        letter: Vec::new(),
    })
}

/// The centre's letter to one candidate after the validation — refused before it, under
/// `results.embargo` (`results::may_show` decides).
/// Refused under `results.embargo` before the session's validation: nothing meant for a
/// candidate tells a result before it.
pub fn embargo(session: &SessionHandle<'_>) -> Result<(), StoreError> {
    use jalon_core::results::{Audience, embargo_refusal, may_show};
    if may_show(Audience::Candidate, session.session().validated_on) {
        return Ok(());
    }
    let r = embargo_refusal();
    Err(StoreError::RulesBroken(vec![jalon_store::RuleViolation {
        rule: r.rule,
        milestone: jalon_core::milestone::ids::VALIDATION_DECISION,
        message: r.message,
        overridable: false,
    }]))
}

pub async fn result_letter(
    store: &Store,
    session: &SessionHandle<'_>,
    candidate: &CandidateId,
) -> Result<SessionDocument, StoreError> {
    use jalon_core::results::{self, CcpOutcome};
    let s = session.session();
    embargo(session)?;
    let c = store.candidate(session, candidate).await?;
    let sheet = store.results(session).await?;
    let row = sheet
        .rows
        .iter()
        .find(|r| &r.candidate_id == candidate)
        .ok_or(StoreError::NotFound { what: "candidat" })?;
    let Some(result) = &row.result else {
        return Err(StoreError::invalid(
            "candidate",
            format!("{} n'a pas de résultat enregistré", row.name),
        ));
    };
    let named = |want: CcpOutcome| -> Vec<String> {
        sheet
            .ccps
            .iter()
            .filter(|(code, _)| result.input.ccps.get(code) == Some(&want))
            .map(|(code, name)| format!("{code} — {name}"))
            .collect()
    };
    let again = store.represent_left(session, &c).await?;
    let mut record = minutes_record(store, session, Some(candidate)).await?;
    record.letter = results::letter(
        c.input.civility.trim(),
        result.input.decision,
        s.kind,
        &s.title_name,
        &named(CcpOutcome::Acquired),
        &named(CcpOutcome::NotAcquired),
        again.as_deref(),
    );
    let mut document = session_document(store, session, Some(candidate)).await?;
    document.minutes = Some(record);
    Ok(document)
}

/// Where a signature came from, as a document prints it: « lien personnel (203.0.113.9) »
/// without the browser's long description, which the journal keeps.
fn origin(from: &str) -> String {
    match from.split_once(" — ") {
        Some((head, _)) if head.contains('(') => format!("{head})"),
        _ => from.to_owned(),
    }
}

/// The minutes (or the results sheets, `only` one candidate's) as a document: the session's,
/// its results, and the signatures the jurors drew on it.
pub async fn minutes_document(
    store: &Store,
    session: &SessionHandle<'_>,
    only: Option<&CandidateId>,
) -> Result<SessionDocument, StoreError> {
    let record = minutes_record(store, session, only).await?;
    let mut document = session_document(store, session, None).await?;
    for j in record.jurors.iter().filter(|j| !j.signature.is_empty()) {
        let id = jalon_store::JurorId::from(j.signature.trim_start_matches("pv-"));
        if let Some(png) = store.minutes_signature(session, &id).await? {
            document.images.push((j.signature.clone(), png.into()));
        }
    }
    document.minutes = Some(record);
    Ok(document)
}

/// The signed sign-in and the jurors' sworn statements as a document, with each signature
/// drawn on the tablet or through a personal link.
pub async fn signed_document(
    store: &Store,
    session: &SessionHandle<'_>,
) -> Result<SessionDocument, StoreError> {
    use jalon_core::candidate::Presence;
    let mut document = session_document(store, session, None).await?;
    let (candidates, attendance, jury, minutes) = tokio::try_join!(
        store.candidates(session),
        store.attendance(session),
        store.jury(session),
        store.minutes(session),
    )?;
    let candidates: Vec<_> = candidates
        .into_iter()
        .filter(|c| c.withdrawal.is_none())
        .collect();
    let mut images = Vec::new();
    let mut welcome = Vec::new();
    for c in &candidates {
        let i = &c.input;
        let feminine = i.civility.trim() == "Madame";
        let e = if feminine { "e" } else { "" };
        let signature = if c.drawn_signature {
            let key = format!("c-{}", c.id);
            images.push((
                key.clone(),
                store.drawn_signature(session, &c.id).await?.into(),
            ));
            key
        } else {
            String::new()
        };
        let checks: Vec<&str> = [
            (c.identity_checked, "identité vérifiée"),
            (c.convocation_presented, "convocation présentée"),
            (c.documents_presented, "documents requis présentés"),
            (c.signed && !c.drawn_signature, "signé sur papier"),
        ]
        .into_iter()
        .filter(|(ok, _)| *ok)
        .map(|(_, what)| what)
        .collect();
        welcome.push(pdf::WelcomeLine {
            name: i.short_name(),
            birth_date: pdf::short_date(i.birth_date),
            presence: match c.presence {
                Presence::Present => format!("présent{e}"),
                Presence::Absent => format!("absent{e}"),
                Presence::Expected => "non pointé(e)".to_owned(),
            },
            when: match (c.presence, c.checked_in_at, &c.checked_in_by) {
                (Presence::Present, Some(at), Some(by)) => {
                    format!("accueilli{e} {} par {by}", crate::ui::session::when(at))
                }
                _ => String::new(),
            },
            checks: if c.presence == Presence::Present {
                checks.join(", ")
            } else {
                String::new()
            },
            signature,
        });
    }
    let mut by_epreuve: Vec<(String, Vec<String>)> = Vec::new();
    let mut noted = attendance.clone();
    noted.sort_by(|a, b| (a.day, &a.epreuve).cmp(&(b.day, &b.epreuve)));
    for a in &noted {
        let head = format!("{} — {}", fr::long_date(a.day), a.epreuve);
        let name = candidates
            .iter()
            .find(|c| c.id == a.candidate_id)
            .map_or_else(|| "?".to_owned(), |c| c.input.short_name());
        let line = format!(
            "{name} : {}",
            if a.present {
                if a.signed {
                    "présent(e), feuille signée"
                } else {
                    "présent(e)"
                }
            } else {
                "absent(e)"
            }
        );
        match by_epreuve.last_mut() {
            Some((h, lines)) if *h == head => lines.push(line),
            _ => by_epreuve.push((head, vec![line])),
        }
    }
    let mut statements = Vec::new();
    for signer in &minutes.signers {
        let Some(j) = jury.jurors.iter().find(|j| j.id == signer.juror_id) else {
            continue;
        };
        let signature = if j.drawn_signature {
            match store.juror_signature(session, &j.id).await? {
                Some(png) => {
                    let key = format!("j-{}", j.id);
                    images.push((key.clone(), png.into()));
                    key
                }
                None => String::new(),
            }
        } else {
            String::new()
        };
        let links: Vec<String> = jury
            .links
            .iter()
            .filter(|l| l.juror == j.name && l.linked)
            .map(|l| format!("{} : {}", l.candidate, l.what))
            .collect();
        statements.push(pdf::StatementLine {
            name: j.name.clone(),
            profession: j.profession.clone(),
            days: signer
                .days
                .iter()
                .map(|d| fr::long_date(*d))
                .collect::<Vec<_>>()
                .join(", "),
            links: if links.is_empty() {
                "aucun lien déclaré".to_owned()
            } else {
                links.join(" ; ")
            },
            signed: match (j.signed_at, &j.signed_from) {
                (Some(at), Some(from)) => {
                    format!(
                        "Signée {} — {}.",
                        crate::ui::session::when(at),
                        origin(from)
                    )
                }
                (Some(at), None) => format!("Signée {}.", crate::ui::session::when(at)),
                _ => "Non signée.".to_owned(),
            },
            signature,
        });
    }
    document.images.extend(images);
    document.signed = Some(pdf::SignedRecords {
        welcome,
        attendance: by_epreuve,
        statement: jalon_core::jury::STATEMENT.to_owned(),
        statements,
    });
    Ok(document)
}
