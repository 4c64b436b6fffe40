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

    async fn send(&self, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("dossier d'envoi « {} » : {e}", dir.display()))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("écriture dans le dossier d'envoi impossible : {e}"))
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
