//! Convocations and the proof the regulation asks for each mode: hand delivery against the
//! candidate's signature; an email with receipt and read acknowledgement; an email with
//! receipt and the signed document returned.

use serde::{Deserialize, Serialize};

use crate::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// A signed document (a copy signed by hand, or returned) belongs to this mode.
    pub fn takes_signed_document(self) -> bool {
        matches!(self, Mode::Hand | Mode::EmailSignedReturn)
    }
}

/// Where the sending of an email convocation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SendState {
    /// Not sent yet.
    Pending,
    /// Claimed by someone pressing « envoyer » (or a server instance), being sent.
    Sending,
    /// Accepted by the mail server.
    Sent,
    /// Refused or not delivered to the mail server; to send again.
    Failed,
}

impl SendState {
    pub const ALL: [SendState; 4] = [
        SendState::Pending,
        SendState::Sending,
        SendState::Sent,
        SendState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SendState::Pending => "pending",
            SendState::Sending => "sending",
            SendState::Sent => "sent",
            SendState::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<SendState> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SendState::Pending => "à envoyer",
            SendState::Sending => "en cours d'envoi",
            SendState::Sent => "envoyé",
            SendState::Failed => "échec de l'envoi",
        }
    }
}

/// What is recorded of one candidate's convocation, for its proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof {
    pub mode: Mode,
    pub send: SendState,
    pub sent: bool,
    pub hand_signed: bool,
    pub read: bool,
    pub signed_document: bool,
}

impl Proof {
    /// What the proof still lacks, in French; `None` when the convocation is proven.
    pub fn missing(&self) -> Option<&'static str> {
        match self.mode {
            // The receipt signed by the candidate is the proof: scanned, or drawn on the tablet.
            Mode::Hand if self.signed_document => None,
            Mode::Hand if self.hand_signed => {
                Some("accusé de réception signé à joindre (scan, ou signature sur la tablette)")
            }
            Mode::Hand => Some("remise contre signature à enregistrer"),
            _ if self.send == SendState::Failed => Some("l'envoi du courriel a échoué"),
            _ if !self.sent => Some("courriel pas encore envoyé"),
            Mode::EmailReceipts if !self.read => Some("accusé de lecture attendu"),
            Mode::EmailSignedReturn if !self.signed_document => {
                Some("document signé attendu en retour")
            }
            _ => None,
        }
    }

    /// Changing the mode would erase a proof already received.
    pub fn has_evidence(&self) -> bool {
        self.hand_signed || self.read || self.signed_document
    }
}

/// Changing a convocation's mode starts its proof again: refused once a proof is received.
pub fn mode_change_problem(current: Option<&Proof>, mode: Mode) -> Option<Problem> {
    current
        .filter(|p| p.mode != mode && p.has_evidence())
        .map(|_| {
            Problem::new(
                "mode",
                "cette convocation a déjà une preuve (signature, accusé de lecture ou document \
                 signé) : changer de mode l'effacerait",
            )
        })
}

/// The signed convocation is returned by email: the centre must have an address to reply to.
pub fn reply_problem(mode: Mode, reply_address: Option<&str>) -> Option<Problem> {
    (mode == Mode::EmailSignedReturn && reply_address.is_none()).then(|| {
        Problem::new(
            "mode",
            "le candidat renvoie sa convocation signée par courriel : indiquez d'abord l'adresse de \
             réponse du centre (Paramètres du centre)",
        )
    })
}

/// A hand delivery is recorded only for a convocation handed over.
pub fn hand_delivery_problem(mode: Option<Mode>) -> Option<Problem> {
    (mode != Some(Mode::Hand)).then(|| {
        Problem::new(
            "mode",
            "choisissez d'abord la remise en main propre pour ce candidat",
        )
    })
}

/// A signed document goes with a hand delivery or an email returned signed.
pub fn signed_document_problem(mode: Option<Mode>) -> Option<Problem> {
    (!mode.is_some_and(Mode::takes_signed_document)).then(|| {
        Problem::new(
            "mode",
            "un document signé se joint à une remise en main propre ou à un envoi avec retour signé",
        )
    })
}

/// What a candidate still lacks for their convocation (`None`: nothing, it is proven).
pub fn missing(proof: Option<&Proof>) -> Option<&'static str> {
    match proof {
        None => Some("aucun mode de convocation choisi"),
        Some(p) => p.missing(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_hand_delivery_is_proven_by_its_signed_receipt_not_by_a_click() {
        let mut p = Proof {
            mode: Mode::Hand,
            send: SendState::Pending,
            sent: false,
            hand_signed: false,
            read: false,
            signed_document: false,
        };
        assert_eq!(p.missing(), Some("remise contre signature à enregistrer"));
        p.hand_signed = true;
        assert_eq!(
            p.missing(),
            Some("accusé de réception signé à joindre (scan, ou signature sur la tablette)")
        );
        p.signed_document = true;
        assert_eq!(p.missing(), None);
    }

    #[test]
    fn a_signed_return_needs_the_centres_reply_address() {
        assert!(
            reply_problem(Mode::EmailSignedReturn, None)
                .unwrap()
                .message
                .contains("Paramètres du centre")
        );
        assert_eq!(
            reply_problem(Mode::EmailSignedReturn, Some("examens@tilleuls.fr")),
            None
        );
        assert_eq!(reply_problem(Mode::Hand, None), None);
    }

    use super::*;

    fn proof(mode: Mode) -> Proof {
        Proof {
            mode,
            send: SendState::Pending,
            sent: false,
            hand_signed: false,
            read: false,
            signed_document: false,
        }
    }

    #[test]
    fn each_mode_needs_its_own_proof() {
        assert_eq!(missing(None), Some("aucun mode de convocation choisi"));
        let hand = proof(Mode::Hand);
        assert_eq!(
            hand.missing(),
            Some("remise contre signature à enregistrer")
        );
        assert_eq!(
            Proof {
                signed_document: true,
                ..hand
            }
            .missing(),
            None
        );
        let mail = proof(Mode::EmailReceipts);
        assert_eq!(mail.missing(), Some("courriel pas encore envoyé"));
        let failed = Proof {
            send: SendState::Failed,
            ..mail
        };
        assert_eq!(failed.missing(), Some("l'envoi du courriel a échoué"));
        let sent = Proof {
            send: SendState::Sent,
            sent: true,
            ..mail
        };
        assert_eq!(sent.missing(), Some("accusé de lecture attendu"));
        assert_eq!(Proof { read: true, ..sent }.missing(), None);
        let signed = Proof {
            mode: Mode::EmailSignedReturn,
            read: true,
            ..sent
        };
        assert_eq!(signed.missing(), Some("document signé attendu en retour"));
        assert!(signed.has_evidence());
    }

    #[test]
    fn a_mode_keeps_its_proof_and_each_proof_its_mode() {
        let hand = Proof {
            hand_signed: true,
            ..proof(Mode::Hand)
        };
        assert_eq!(mode_change_problem(None, Mode::EmailReceipts), None);
        assert_eq!(mode_change_problem(Some(&hand), Mode::Hand), None);
        assert!(mode_change_problem(Some(&hand), Mode::EmailReceipts).is_some());
        assert_eq!(
            mode_change_problem(Some(&proof(Mode::Hand)), Mode::EmailReceipts),
            None
        );
        assert_eq!(hand_delivery_problem(Some(Mode::Hand)), None);
        assert!(hand_delivery_problem(Some(Mode::EmailReceipts)).is_some());
        assert!(hand_delivery_problem(None).is_some());
        assert_eq!(signed_document_problem(Some(Mode::EmailSignedReturn)), None);
        assert!(
            signed_document_problem(Some(Mode::EmailReceipts))
                .unwrap()
                .message
                .starts_with("un document signé se joint")
        );
    }

    #[test]
    fn names_round_trip() {
        for m in Mode::ALL {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        for s in SendState::ALL {
            assert_eq!(SendState::parse(s.as_str()), Some(s));
        }
        assert_eq!(SendState::parse("envoyé"), None);
    }
}
