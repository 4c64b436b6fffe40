//! Sending convocations by email: through SMTP when configured (`--smtp-url`), otherwise
//! written as `.eml` files in an outbox directory, for a person to send or inspect. Each
//! send is claimed in the store first, so none goes twice; each outcome is recorded.

use std::path::PathBuf;

use jalon_docs::pdf::{Kind, SessionDocument};
use jalon_store::convocations::{EmailToSend, Mode};
use jalon_store::{CandidateId, SessionWriter, StoreError};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;

use crate::AppState;

pub enum Transport {
    Outbox(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

pub struct MailSettings {
    pub transport: Transport,
    pub from: Mailbox,
    /// The address the candidates' links point to (`https://jalon.centre.fr`).
    pub public_url: String,
}

impl MailSettings {
    /// Emails written to `dir`, links to `public_url`.
    pub fn outbox(dir: PathBuf, public_url: &str) -> MailSettings {
        MailSettings {
            transport: Transport::Outbox(dir),
            from: "Jalon <ne-pas-repondre@jalon.invalid>"
                .parse()
                .expect("a valid mailbox"),
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Emails sent through the SMTP server of `url` (`smtps://user:pass@host:465`,
    /// `smtp://host:587?tls=required`, `smtp://127.0.0.1:2525` unencrypted).
    pub fn smtp(url: &str, from: &str, public_url: &str) -> Result<MailSettings, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("adresse SMTP « {url} » invalide : {e}"))?
            .build();
        let from = from.parse().map_err(|_| {
            format!("expéditeur « {from} » invalide (forme attendue : Centre <adresse@centre.fr>)")
        })?;
        Ok(MailSettings {
            transport: Transport::Smtp(transport),
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }

    pub(crate) async fn send(&self, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("dossier d'envoi « {} » : {e}", dir.display()))?;
                // The emails hold personal data: the outbox and each message are private.
                if let Err(e) = jalon_store::private(dir, 0o700) {
                    tracing::warn!(error = %e, "outbox permissions not restricted");
                }
                let id = AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map_err(|e| format!("écriture dans le dossier d'envoi impossible : {e}"))?;
                if let Err(e) = jalon_store::private(&dir.join(format!("{id}.eml")), 0o600) {
                    tracing::warn!(error = %e, "email permissions not restricted");
                }
                Ok(())
            }
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| format!("serveur de courriel : {e}")),
        }
    }
}

/// What a round of sending did.
#[derive(Debug, Default, Serialize)]
pub struct SendReport {
    pub sent: usize,
    /// « DUPONT Jean : raison ».
    pub failed: Vec<String>,
    /// Candidates convened by email who have no address.
    pub without_address: Vec<String>,
}

/// What every email of a session says, and the PDF of each convocation.
struct Letter<'a> {
    title: &'a str,
    dates: &'a str,
    place: &'a str,
    centre: &'a str,
    /// How the centre is reached, under its name (« 12 rue … — 04 72 … — contact@… »).
    contact: String,
    /// Where the candidate's reply goes, if the centre gave one.
    reply_to: Option<Mailbox>,
}

fn compose(
    settings: &MailSettings,
    to: &EmailToSend,
    letter: &Letter<'_>,
    pdf: (String, Vec<u8>),
) -> Result<Message, String> {
    let Letter {
        title,
        dates,
        place,
        centre,
        contact,
        reply_to,
    } = letter;
    let address: Mailbox = to
        .email
        .parse()
        .map_err(|_| format!("adresse « {} » invalide", to.email))?;
    let link = format!("{}/accuse/{}", settings.public_url, to.ack_token);
    let returned = if to.mode == Mode::EmailSignedReturn {
        "\nMerci aussi de nous renvoyer cette convocation signée, en réponse à ce courriel.\n"
    } else {
        ""
    };
    let body = format!(
        "Bonjour {first},\n\n\
         Vous êtes {convoked} à la session d'examen du titre professionnel « {title} », {dates}, à l'adresse suivante :\n\
         {place}\n\n\
         Votre convocation est jointe à ce courriel (PDF) : elle donne l'heure de chaque épreuve et ce qu'il faut apporter.\n\n\
         Merci de confirmer que vous avez lu cette convocation en ouvrant votre lien personnel :\n\
         {link}\n{returned}\n\
         Présentez-vous avec une pièce d'identité en cours de validité et votre convocation. \
         Le règlement de la session vous sera rappelé à l'accueil.\n\n\
         {centre}\n{contact}",
        first = to.first_names,
        convoked = jalon_core::fr::agreed(&to.civility, "convoqué", "convoquée", "convoqué(e)"),
    );
    // The centre's name before the sending address: the candidate sees who writes.
    let from = Mailbox::new(Some((*centre).to_owned()), settings.from.email.clone());
    let mut builder = Message::builder().from(from).to(address);
    if let Some(reply) = reply_to {
        builder = builder.reply_to(reply.clone());
    }
    builder
        .subject(format!("Convocation — {title} — {dates}"))
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(body))
                .singlepart(Attachment::new(pdf.0).body(
                    pdf.1,
                    ContentType::parse("application/pdf").expect("a media type"),
                )),
        )
        .map_err(|e| format!("courriel impossible à composer : {e}"))
}

/// Sends the email convocations of a session still to send, and records each outcome.
pub async fn send_convocations(
    state: &AppState,
    writer: SessionWriter<'_>,
) -> Result<SendReport, StoreError> {
    let document = crate::documents::session_document(&state.store, writer.handle(), None).await?;
    let site = &document.site;
    let place = format!(
        "{}, {}, {} {}",
        site.name, site.address, site.postcode, site.city
    );
    let (centre, _) = state.store.centre_settings(writer.actor()).await?;
    let contact = centre.reach();
    let letter = Letter {
        title: &document.title.name,
        dates: &document.session.dates,
        place: &place,
        centre: &document.centre.name,
        contact: if contact.is_empty() {
            String::new()
        } else {
            format!("{contact}\n")
        },
        reply_to: centre
            .reply_address()
            .and_then(|a| a.parse::<lettre::Address>().ok())
            .map(|a| Mailbox::new(Some(centre.name.clone()), a)),
    };
    let (claimed, without_address) = state.store.claim_email_convocations(writer).await?;
    let mut report = SendReport {
        without_address,
        ..Default::default()
    };
    for to in claimed {
        let outcome = match convocation_pdf(state, &document, &to.candidate_id).await {
            Ok(pdf) => match compose(&state.mail, &to, &letter, pdf) {
                Ok(message) => state.mail.send(message).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        match &outcome {
            Ok(()) => report.sent += 1,
            Err(e) => report.failed.push(format!("{} : {e}", to.name)),
        }
        // One failed record does not stop the others; its claim expires and it goes again.
        if let Err(e) = state
            .store
            .email_sent(writer, &to.candidate_id, outcome)
            .await
        {
            tracing::error!(error = %e, "recording a sent convocation failed");
            report.failed.push(format!(
                "{} : envoi fait mais non enregistré ({e})",
                to.name
            ));
        }
    }
    Ok(report)
}

/// The convocation of one candidate, as PDF, with its file name.
async fn convocation_pdf(
    state: &AppState,
    document: &SessionDocument,
    candidate_id: &CandidateId,
) -> Result<(String, Vec<u8>), String> {
    let mut one = document.clone();
    one.candidates.retain(|c| c.id == candidate_id.as_str());
    let Some(candidate) = one.candidates.first() else {
        return Err("candidat introuvable dans la session".to_owned());
    };
    let name = jalon_docs::pdf::file_name("convocation", candidate);
    crate::documents::render(state.docs.clone(), Kind::Convocation, one)
        .await
        .map(|bytes| (name, bytes))
        .map_err(|e| format!("convocation PDF impossible à produire : {e}"))
}

/// Sends one juror their convocation by email — the letter, and for a salaried juror the
/// request to their employer — with a new personal link, then records it. The refusal is a
/// French sentence.
pub async fn send_juror_convocation(
    state: &AppState,
    writer: SessionWriter<'_>,
    juror: &jalon_store::JurorId,
) -> Result<(), StoreError> {
    let refused = |m: String| StoreError::invalid("juror", m);
    let j = state.store.juror(writer.actor(), juror).await?;
    let email = j.input.email.trim().to_owned();
    if email.is_empty() {
        return Err(refused(format!(
            "{} n'a pas d'adresse de courriel : remettez-lui sa convocation, ou ajoutez son adresse dans la liste des jurés",
            j.input.display()
        )));
    }
    let address: Mailbox = email
        .parse()
        .map_err(|_| refused(format!("adresse « {email} » invalide")))?;
    let mut document =
        crate::documents::session_document(&state.store, writer.handle(), None).await?;
    document.jury.retain(|l| l.id == juror.as_str());
    let Some(line) = document.jury.first_mut() else {
        return Err(refused(format!(
            "{} n'est pas désigné(e) dans le jury de cette session",
            j.input.display()
        )));
    };
    let token = state
        .store
        .issue_juror_link(writer.actor().writer()?, juror)
        .await?;
    let link = format!("{}/jure/{token}", state.mail.public_url);
    line.link = link.clone();
    let line = line.clone();
    let (centre, _) = state.store.centre_settings(writer.actor()).await?;
    let mut files = vec![(
        "convocation-jury.pdf".to_owned(),
        crate::documents::render(state.docs.clone(), Kind::JurorConvocation, document.clone())
            .await
            .map_err(|e| refused(format!("convocation PDF impossible à produire : {e}")))?,
    )];
    let employer = if line.salaried {
        files.push((
            "demande-autorisation-absence.pdf".to_owned(),
            crate::documents::render(state.docs.clone(), Kind::EmployerLetter, document.clone())
                .await
                .map_err(|e| {
                    refused(format!("demande à l'employeur impossible à produire : {e}"))
                })?,
        ));
        format!(
            "\nSalarié(e), adressez à votre employeur, au plus tard le {}, la demande d'autorisation d'absence jointe (à compléter et signer), avec cette convocation.\n",
            line.request_by
        )
    } else {
        String::new()
    };
    let body = format!(
        "Bonjour {first},\n\n\
         Vous êtes convoqué(e) comme membre du jury de la session d'examen du titre professionnel « {title} », {dates}, à {site}, {city}.\n\
         Vous siégez : {days}.\n\n\
         Votre convocation est jointe à ce courriel (PDF).\n{employer}\n\
         Avant les épreuves, déclarez vos liens éventuels avec les candidats que vous évaluez et signez votre déclaration sur l'honneur, à votre adresse personnelle :\n\
         {link}\n\n\
         {centre}\n{reach}",
        first = j.input.first_names.trim(),
        title = document.title.name,
        dates = document.session.dates,
        site = document.site.name,
        city = document.site.city,
        days = line.days.join(" ; "),
        centre = document.centre.name,
        reach = centre.reach(),
    );
    let from = Mailbox::new(
        Some(document.centre.name.clone()),
        state.mail.from.email.clone(),
    );
    let mut builder = Message::builder().from(from).to(address);
    if let Some(reply) = centre
        .reply_address()
        .and_then(|a| a.parse::<lettre::Address>().ok())
    {
        builder = builder.reply_to(Mailbox::new(Some(centre.name.clone()), reply));
    }
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(body));
    for (name, bytes) in files {
        parts = parts.singlepart(Attachment::new(name).body(
            bytes,
            ContentType::parse("application/pdf").expect("a media type"),
        ));
    }
    let message = builder
        .subject(format!(
            "Convocation du jury — {} — {}",
            document.title.name, document.session.dates
        ))
        .multipart(parts)
        .map_err(|e| refused(format!("courriel impossible à composer : {e}")))?;
    state.mail.send(message).await.map_err(|e| {
        refused(format!(
            "la convocation de {} n'est pas partie : {e}",
            line.name
        ))
    })?;
    state
        .store
        .record_juror_convocation(writer, juror, jalon_store::jury::JurorConvocation::Email)
        .await?;
    Ok(())
}

/// Sends the centre's letter after the validation — the candidate's result and what comes
/// next, as PDF — to each candidate with a result and an address not yet sent one (or to the
/// one given, again), and records each. Refused under the embargo before the validation.
pub async fn send_result_letters(
    state: &AppState,
    writer: SessionWriter<'_>,
    only: Option<&CandidateId>,
) -> Result<SendReport, StoreError> {
    let session = writer.handle();
    let s = session.session();
    crate::documents::embargo(session)?;
    let (centre, _) = state.store.centre_settings(writer.actor()).await?;
    let docs = state.store.candidate_documents(session).await?;
    let candidates = state.store.candidates(session).await?;
    let mut report = SendReport::default();
    let dates = jalon_core::fr::date_range(s.start, s.end);
    for row in &docs.rows {
        let wanted = match only {
            Some(c) => &row.candidate_id == c,
            None => row.document.is_some() && row.letter_sent.is_none(),
        };
        let Some(c) = candidates.iter().find(|c| c.id == row.candidate_id) else {
            continue;
        };
        if !wanted || c.withdrawal.is_some() {
            continue;
        }
        let email = c.input.email.trim();
        if email.is_empty() {
            report.without_address.push(row.name.clone());
            continue;
        }
        let outcome = async {
            let to: Mailbox = email
                .parse()
                .map_err(|_| format!("adresse « {email} » invalide"))?;
            let document = crate::documents::result_letter(&state.store, session, &c.id)
                .await
                .map_err(|e| e.to_string())?;
            let name = jalon_docs::pdf::file_name(
                "courrier-resultat",
                document.candidates.first().ok_or("candidat introuvable")?,
            );
            let pdf = crate::documents::render(state.docs.clone(), Kind::ResultLetter, document)
                .await
                .map_err(|e| format!("courrier PDF impossible à produire : {e}"))?;
            let validated = s
                .validated_on
                .map(jalon_core::fr::long_date)
                .unwrap_or_default();
            let body = format!(
                "Bonjour {first},\n\n\
                 La session d'examen du titre professionnel « {title} », {dates}, a été validée \
                 par le service départemental le {validated}.\n\n\
                 Le courrier du centre joint à ce courriel (PDF) vous donne votre résultat et ce \
                 qui suit : le document que le service départemental vous adresse et, s'il y a \
                 lieu, comment vous présenter de nouveau.\n\n\
                 {centre}\n{contact}",
                first = c.input.first_names,
                title = s.title_name,
                centre = centre.name,
                contact = centre.reach(),
            );
            let from = Mailbox::new(Some(centre.name.clone()), state.mail.from.email.clone());
            let mut builder = Message::builder().from(from).to(to);
            if let Some(reply) = centre
                .reply_address()
                .and_then(|a| a.parse::<lettre::Address>().ok())
            {
                builder = builder.reply_to(Mailbox::new(Some(centre.name.clone()), reply));
            }
            let message = builder
                .subject(format!("Votre résultat — {} — {dates}", s.title_name))
                .multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(body))
                        .singlepart(Attachment::new(name).body(
                            pdf,
                            ContentType::parse("application/pdf").expect("a media type"),
                        )),
                )
                .map_err(|e| format!("courriel impossible à composer : {e}"))?;
            state.mail.send(message).await
        }
        .await;
        match outcome {
            Ok(()) => {
                state.store.record_letter_sent(writer, &c.id, email).await?;
                report.sent += 1;
            }
            Err(e) => report.failed.push(format!("{} : {e}", row.name)),
        }
    }
    Ok(report)
}
