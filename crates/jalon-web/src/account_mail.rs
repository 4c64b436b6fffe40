//! The emails about accounts: an invitation (or, to an address that already has an account
//! elsewhere, a notice that says so to its owner alone), and a password reset link.
//!
//! Each is sent in the background, after the answer: the person who asked gets the same
//! answer, in the same time, whatever the address — whether it has an account, whether the
//! mail server is slow or down. Failures go to the server's log.

use jalon_store::accounts::{Invited, ResetRequested};
use lettre::Message;
use lettre::message::Mailbox;

use crate::AppState;
use crate::mailer::MailSettings;

fn paris(stamp: jalon_store::Stamp) -> String {
    let t = stamp.timestamp();
    let time = t
        .in_tz("Europe/Paris")
        .map(|z| jalon_core::fr::time(z.time()))
        .unwrap_or_default();
    format!("{} à {time}", jalon_core::fr::long_date(stamp.paris_date()))
}

fn message(
    settings: &MailSettings,
    sender: &str,
    to: &str,
    subject: &str,
    body: String,
) -> Result<Message, String> {
    let address: Mailbox = to
        .parse()
        .map_err(|_| format!("adresse « {to} » invalide"))?;
    let from = Mailbox::new(Some(sender.to_owned()), settings.from.email.clone());
    Message::builder()
        .from(from)
        .to(address)
        .subject(subject)
        // Without it a mail client reads the accents as ASCII.
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| format!("courriel impossible à composer : {e}"))
}

/// The invitation's email: the link to choose a password, or — when the address already has
/// an account — a notice to its owner. Same sender and subject either way.
pub fn invitation(settings: &MailSettings, invited: &Invited) -> Result<Message, String> {
    let inv = &invited.invitation;
    let centre = &invited.centre;
    let subject = format!("Invitation à Jalon — {centre}");
    let url = &settings.public_url;
    let body = if invited.has_account {
        format!(
            "Bonjour,\n\n\
             {by}, du centre « {centre} », a voulu vous inviter à utiliser Jalon avec cette adresse.\n\n\
             Cette adresse a déjà un compte Jalon, et un compte n'appartient qu'à un centre : \
             aucun nouveau compte n'a été créé. Si vous devez aussi travailler pour ce centre, \
             contactez son administrateur pour convenir d'une autre adresse.\n\n\
             Vous avez oublié votre mot de passe ? {url}/password/forgot\n\n\
             Si vous n'attendiez pas ce message, ignorez-le.",
            by = inv.invited_by,
        )
    } else {
        format!(
            "Bonjour {name},\n\n\
             {by} vous invite à utiliser Jalon pour le centre « {centre} », en tant que {role}.\n\n\
             Pour créer votre compte, choisissez votre mot de passe en ouvrant ce lien personnel :\n\
             {url}/invitation/{token}\n\n\
             Il ne sert qu'une fois et n'est plus valable après le {until}. \
             Votre identifiant sera cette adresse électronique.\n\n\
             Si vous n'attendiez pas cette invitation, ignorez ce message.",
            name = inv.display_name,
            by = inv.invited_by,
            role = inv.role.label(),
            token = invited.token,
            until = paris(inv.expires_at),
        )
    };
    message(settings, centre, &inv.email, &subject, body)
}

/// The reset email: a link to choose a new password, valid one hour.
pub fn reset(settings: &MailSettings, asked: &ResetRequested) -> Result<Message, String> {
    let body = format!(
        "Bonjour {name},\n\n\
         Quelqu'un — vous, sans doute — a demandé à choisir un nouveau mot de passe Jalon pour cette adresse.\n\n\
         Pour le choisir, ouvrez ce lien personnel dans l'heure ; il ne sert qu'une fois :\n\
         {url}/password/reset/{token}\n\n\
         Choisir un nouveau mot de passe met fin à toutes vos connexions en cours.\n\n\
         Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste inchangé.",
        name = asked.display_name,
        url = settings.public_url,
        token = asked.token,
    );
    message(
        settings,
        "Jalon",
        &asked.email,
        "Jalon — choisir un nouveau mot de passe",
        body,
    )
}

/// Sends an invitation's email in the background.
pub fn send_invitation(state: &AppState, invited: Invited) {
    let mail = state.mail.clone();
    tokio::spawn(async move {
        let sent = match invitation(&mail, &invited) {
            Ok(m) => mail.send(m).await,
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            tracing::warn!(invitation = %invited.invitation.id, error = %e, "invitation not sent");
        }
    });
}

/// Asks the store for a reset of `email` and mails the link, in the background: the caller
/// answers at once, the same whatever the address.
pub fn request_reset(state: &AppState, email: String) {
    let (store, mail) = (state.store.clone(), state.mail.clone());
    tokio::spawn(async move {
        match store.request_password_reset(&email).await {
            Ok(Some(asked)) => {
                let sent = match reset(&mail, &asked) {
                    Ok(m) => mail.send(m).await,
                    Err(e) => Err(e),
                };
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "password reset email not sent");
                }
            }
            Ok(None) => tracing::info!("password reset asked for an address without an account"),
            Err(e) => tracing::error!(error = %e, "password reset not recorded"),
        }
    });
}
