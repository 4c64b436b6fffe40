//! The journal: an append-only log of every change, chained by SHA-256 per centre.
//!
//! Each entry's hash covers the previous entry's hash and all of its own fields (its number
//! excepted: the chain itself orders the entries), so that an altered, removed, inserted or
//! reordered entry breaks the chain where it happened. The centre row keeps the head of its
//! chain (number and hash), which also reveals entries removed from the end. No code path
//! updates or deletes an entry, and the database refuses it (triggers).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::AnyConnection;

use jalon_core::journal_chain::{Anchor, Head, PublicKey, RawEntry};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::{CentreId, Stamp};
use crate::scope::{Actor, SessionHandle};

macro_rules! actions {
    ($($variant:ident = $name:literal, $label:literal;)+) => {
        /// What a journal entry records, by its dotted name (`session.created`), with its
        /// French label.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant),+
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// The stable dotted name, as stored and sent by the API.
            pub fn as_str(self) -> &'static str {
                match self { $(Action::$variant => $name),+ }
            }

            /// What a French reader sees.
            pub fn label(self) -> &'static str {
                match self { $(Action::$variant => $label),+ }
            }

            pub fn parse(name: &str) -> Option<Action> {
                Self::ALL.iter().copied().find(|a| a.as_str() == name)
            }
        }
    };
}

actions! {
    CentreCreated = "centre.created", "Centre créé";
    CentreUpdated = "centre.updated", "Paramètres du centre modifiés";
    CentreLogoSet = "centre.logo_set", "Logo du centre enregistré";
    CentreLogoRemoved = "centre.logo_removed", "Logo du centre retiré";
    UserCreated = "user.created", "Utilisateur créé";
    UserUpdated = "user.updated", "Utilisateur modifié";
    UserPasswordChanged = "user.password_changed", "Mot de passe changé";
    UserInvited = "user.invited", "Invitation envoyée";
    InvitationResent = "user.invitation_resent", "Invitation renvoyée avec un nouveau lien";
    InvitationCancelled = "user.invitation_cancelled", "Invitation annulée";
    InvitationAccepted = "user.invitation_accepted", "Invitation acceptée : compte créé";
    PasswordResetRequested = "user.password_reset_requested", "Lien de nouveau mot de passe envoyé par courriel";
    PasswordReset = "user.password_reset", "Mot de passe choisi par le lien reçu par courriel ; connexions fermées";
    SiteCreated = "site.created", "Site créé";
    SiteUpdated = "site.updated", "Site modifié";
    TitleCreated = "title.created", "Titre enregistré";
    TitleUpdated = "title.updated", "Titre modifié";
    ApprovalCreated = "approval.created", "Agrément enregistré";
    ApprovalUpdated = "approval.updated", "Agrément modifié";
    JurorCreated = "juror.created", "Juré enregistré";
    JurorUpdated = "juror.updated", "Juré modifié";
    SessionCreated = "session.created", "Session créée";
    SessionUpdated = "session.updated", "Session modifiée";
    SessionReplanned = "session.replanned", "Dates de la session recalculées";
    SessionCancelled = "session.cancelled", "Session annulée";
    SessionScheduleSet = "session.schedule_set", "Calendrier des épreuves fixé";
    SessionTimetableSet = "session.timetable_set", "Emploi du temps modifié passage par passage";
    SessionPassageOrderSet = "session.passage_order_set", "Ordre de passage fixé";
    MilestoneCompleted = "milestone.completed", "Jalon fait";
    MilestoneReopened = "milestone.reopened", "Jalon rouvert";
    MilestoneFileAttached = "milestone.file_attached", "Pièce jointe à un jalon";
    ChecklistItemTicked = "milestone.item_ticked", "Point de liste coché";
    ChecklistItemNotApplicable = "milestone.item_not_applicable", "Point de liste déclaré sans objet";
    ChecklistItemUnticked = "milestone.item_unticked", "Point de liste décoché";
    ComplementsRequested = "session.complements_requested", "Demande de compléments enregistrée";
    ComplementsAnswered = "session.complements_answered", "Réponse aux compléments demandés enregistrée";
    SessionValidated = "session.validated", "Validation de la session enregistrée : l'embargo sur les résultats est levé";
    CandidateRegistered = "candidate.registered", "Candidat inscrit";
    CandidateRepresented = "candidate.represented", "Candidat présenté de nouveau";
    CandidatesImported = "candidates.imported", "Candidats importés";
    CandidateUpdated = "candidate.updated", "Candidat modifié";
    CandidateWithdrawn = "candidate.withdrawn", "Désistement enregistré";
    CandidateCheckedIn = "candidate.checked_in", "Candidat accueilli";
    CandidateAbsent = "candidate.absent", "Candidat absent";
    AttendanceRecorded = "attendance.recorded", "Présence à une épreuve notée";
    ConvocationModeChosen = "convocation.mode_chosen", "Mode de convocation choisi";
    ConvocationHandDelivered = "convocation.hand_delivered", "Convocation remise en main propre";
    ConvocationSignedDocumentReceived = "convocation.signed_document_received", "Convocation signée reçue";
    ConvocationSent = "convocation.sent", "Convocation envoyée par courriel";
    ConvocationSendFailed = "convocation.send_failed", "Échec de l'envoi d'une convocation";
    ConvocationRead = "convocation.read", "Convocation lue par le candidat";
    JuryAppointed = "jury.appointed", "Jury de la session désigné";
    JurorConvoked = "jury.convoked", "Convocation d'un juré envoyée ou remise";
    JurorConvocationRead = "jury.convocation_read", "Convocation lue par le juré";
    JurorLinksDeclared = "jury.links_declared", "Liens avec les candidats déclarés par le juré";
    JurorStatementSigned = "jury.statement_signed", "Déclaration sur l'honneur signée par un juré";
    JurorCheckedIn = "jury.checked_in", "Juré pointé présent";
    JurorAbsent = "jury.absent", "Juré absent";
    JurorLinkIssued = "jury.link_issued", "Lien personnel d'un juré créé";
    JurorLinksRevoked = "jury.links_revoked", "Liens personnels d'un juré révoqués";
    DteOrdered = "dte.ordered", "Commande des DTE enregistrée";
    DteReceived = "dte.received", "Réception des DTE enregistrée";
    DteChased = "dte.chased", "Relance de l'AFPA enregistrée";
    PacketStored = "packet.stored", "Pli rangé sous clé";
    PacketOpened = "packet.opened", "Pli ouvert";
    PacketDestroyed = "packet.destroyed", "Pli détruit";
    PacketReturned = "packet.returned", "Pli retourné";
    PacketPhotographed = "packet.photographed", "Photo d'un pli jointe";
    IncidentReported = "incident.reported", "Incident consigné";
    ManagerPresent = "launch.manager_present", "Présence du responsable de session enregistrée";
    EpreuveStarted = "launch.started", "Début officiel d'une épreuve enregistré";
    EpreuveEnded = "launch.ended", "Fin officielle d'une épreuve enregistrée";
    LateAdmitted = "launch.late_admitted", "Candidat admis en retard";
    UnusedDestroyed = "launch.unused_destroyed", "Sujets non utilisés détruits";
    ResultRecorded = "result.recorded", "Résultat d'un candidat enregistré";
    MinutesSigned = "minutes.signed", "Procès-verbal signé par un juré";
    DocumentsLaunched = "documents.launched", "Lancement de l'envoi des documents aux candidats enregistré";
    DocumentReceived = "documents.received", "Document reçu ou retiré par un candidat";
    ResultLetterSent = "documents.letter_sent", "Courrier de résultat envoyé au candidat par courriel";
    ResultLetterHanded = "documents.letter_handed", "Courrier de résultat remis en main propre au candidat";
    MinutesScanAttached = "minutes.scan_attached", "Procès-verbal signé sur papier joint";
    MinutesSignaturesUndone = "minutes.signatures_undone", "Signatures du procès-verbal annulées (un résultat a changé)";
    SessionTransmitted = "session.transmitted", "Transmission des documents au service départemental enregistrée";
    ArchivePieceKept = "archive.piece_kept", "Pièce archivée";
    ArchivePieceWithdrawn = "archive.piece_withdrawn", "Pièce retirée de l'archive";
    PersonalDataPurged = "privacy.purged", "Données personnelles anonymisées (durée de conservation échue)";
    PersonalDataExported = "privacy.exported", "Export des données d'une personne (droit d'accès)";
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Action {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Action::ALL.iter().map(|a| a.as_str())))
            .description(Some(
                "Ce qui est consigné, par son nom stable (son libellé : action_label).",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Action {}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Action, D::Error> {
        let name = String::deserialize(d)?;
        Action::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("action inconnue « {name} »")))
    }
}

/// What the things a journal entry is about are called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Centre,
    User,
    Site,
    Title,
    Approval,
    Session,
    Juror,
    Invitation,
}

impl Subject {
    pub const ALL: [Subject; 8] = [
        Subject::Centre,
        Subject::User,
        Subject::Site,
        Subject::Title,
        Subject::Approval,
        Subject::Session,
        Subject::Juror,
        Subject::Invitation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Centre => "centre",
            Subject::User => "user",
            Subject::Site => "site",
            Subject::Title => "title",
            Subject::Approval => "approval",
            Subject::Session => "session",
            Subject::Juror => "juror",
            Subject::Invitation => "invitation",
        }
    }

    pub fn parse(name: &str) -> Option<Subject> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JournalEntry {
    pub seq: i64,
    pub at: Stamp,
    pub actor_id: Option<String>,
    pub actor_name: String,
    /// Dotted action name: `session.created`, `milestone.completed`…
    pub action: Action,
    /// Its French label.
    pub action_label: &'static str,
    pub subject_type: Subject,
    pub subject_id: String,
    /// `{"before": …, "after": …}` and, for an override, `"justification"`.
    pub data: Value,
    pub hash: String,
}

/// Who a journal entry names: a user, the command line, or a person acting through their
/// personal link, always within one centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Author<'a> {
    pub centre_id: &'a CentreId,
    pub user_id: Option<&'a str>,
    pub name: &'a str,
}

/// What is appended: the action and its before/after.
pub(crate) struct Change<'a> {
    pub action: Action,
    pub subject_type: Subject,
    pub subject_id: &'a str,
    pub data: Value,
}

fn entry_hash(prev: &str, fields: &[&str]) -> String {
    jalon_core::journal_chain::entry_hash(prev, fields)
}

/// Appends one entry inside the caller's transaction.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    store: &Store,
    actor: impl Into<Author<'_>>,
    change: Change<'_>,
) -> Result<()> {
    let actor: Author = actor.into();
    // Taking the next number locks the centre's row until commit: appends to one centre's
    // chain are serialised, on PostgreSQL as on SQLite.
    let (seq, prev): (i64, String) = sqlx::query_as(
        "UPDATE centres SET journal_seq = journal_seq + 1 WHERE id = $1 \
         RETURNING journal_seq, journal_hash",
    )
    .bind(actor.centre_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound { what: "centre" })?;
    let at = Stamp::new(store.now()).text();
    let data = data_text(&change.data);
    let actor_id = actor.user_id.unwrap_or("");
    let hash = entry_hash(
        &prev,
        &[
            actor.centre_id.as_str(),
            &at,
            actor_id,
            actor.name,
            change.action.as_str(),
            change.subject_type.as_str(),
            change.subject_id,
            &data,
        ],
    );
    sqlx::query(
        "INSERT INTO journal (centre_id, seq, at, actor_id, actor_name, action, subject_type, \
         subject_id, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(actor.centre_id)
    .bind(seq)
    .bind(&at)
    .bind(actor.user_id)
    .bind(actor.name)
    .bind(change.action.as_str())
    .bind(change.subject_type.as_str())
    .bind(change.subject_id)
    .bind(&data)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    if let Some(seal) = &store.seal {
        sqlx::query("INSERT INTO journal_signatures (centre_id, seq, sig) VALUES ($1, $2, $3)")
            .bind(actor.centre_id)
            .bind(seq)
            .bind(seal.sign_entry(actor.centre_id.as_str(), seq, &hash))
            .execute(&mut *conn)
            .await?;
        seal.appended();
    }
    sqlx::query("UPDATE centres SET journal_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(actor.centre_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

fn data_text(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON values serialise")
}

type Row = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

const SELECT: &str = "SELECT seq, at, actor_id, actor_name, action, subject_type, subject_id, \
                      data, prev_hash, hash FROM journal";

fn to_entry(r: Row) -> Result<JournalEntry> {
    let (seq, at, actor_id, actor_name, action, subject_type, subject_id, data, _prev, hash) = r;
    let action = Action::parse(&action)
        .ok_or_else(|| StoreError::Corrupt(format!("journal n° {seq} : action « {action} »")))?;
    Ok(JournalEntry {
        seq,
        at: at
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("journal n° {seq} : date « {at} »")))?,
        actor_id,
        actor_name,
        action,
        action_label: action.label(),
        subject_type: Subject::parse(&subject_type).ok_or_else(|| {
            StoreError::Corrupt(format!("journal n° {seq} : sujet « {subject_type} »"))
        })?,
        subject_id,
        data: serde_json::from_str(&data)
            .map_err(|e| StoreError::Corrupt(format!("journal n° {seq} : {e}")))?,
        hash,
    })
}

/// One thing wrong with a centre's journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalProblem {
    pub centre_id: String,
    /// The entry concerned (for a removal: the first entry after the gap).
    pub seq: i64,
    /// `altered`, `removed`, `inserted`, `truncated`.
    pub kind: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub centres: usize,
    pub entries: usize,
    pub problems: Vec<JournalProblem>,
}

impl Store {
    /// The journal of the actor's centre, newest first.
    pub async fn journal(&self, actor: &Actor, limit: i64) -> Result<Vec<JournalEntry>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE centre_id = $1 ORDER BY seq DESC LIMIT $2"
        )))
        .bind(actor.centre_id())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(to_entry).collect()
    }

    /// The journal of one session, newest first.
    pub async fn session_journal(
        &self,
        session: &SessionHandle<'_>,
        limit: i64,
    ) -> Result<Vec<JournalEntry>> {
        let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE centre_id = $1 AND subject_id = $2 ORDER BY seq DESC LIMIT $3"
        )))
        .bind(session.actor().centre_id())
        .bind(session.id())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(to_entry).collect()
    }

    /// Every journal entry about a session, oldest first, as stored: what its conformity
    /// file carries so that each hash can be recomputed offline.
    pub async fn journal_extract(
        &self,
        session: &SessionHandle<'_>,
    ) -> Result<Vec<jalon_core::journal_chain::RawEntry>> {
        let rows: Vec<SignedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SIGNED_SELECT} WHERE j.centre_id = $1 AND j.subject_id = $2 ORDER BY j.seq"
        )))
        .bind(session.actor().centre_id())
        .bind(session.id())
        .fetch_all(&self.pool)
        .await?;
        let centre = session.actor().centre_id().to_string();
        Ok(rows.into_iter().map(|r| raw_entry(&centre, r)).collect())
    }

    /// Checks every centre's chain; says which entry was altered, removed or inserted. When
    /// the journal is sealed, also that each entry carries the key's signature and that no
    /// chain fell behind the anchor kept outside the database.
    pub async fn verify_journal(&self) -> Result<Verification> {
        let centres: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT id, journal_seq, journal_hash FROM centres ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        let mut out = Verification {
            centres: centres.len(),
            entries: 0,
            problems: Vec::new(),
        };
        let public = self.journal_public_key();
        let anchor = match self.read_anchor() {
            Some(Ok(a)) => Some(a),
            Some(Err(message)) => {
                out.problems.push(JournalProblem {
                    centre_id: String::new(),
                    seq: 0,
                    kind: "anchor_forged",
                    message,
                });
                None
            }
            None if public.is_some() => {
                out.problems.push(JournalProblem {
                    centre_id: String::new(),
                    seq: 0,
                    kind: "anchor_missing",
                    message: format!(
                        "l'ancre du journal manque (« {} ») : elle a été supprimée, ou ces données viennent d'ailleurs",
                        self.anchor_file().map(|p| p.display().to_string()).unwrap_or_default()
                    ),
                });
                None
            }
            None => None,
        };
        for (centre, head_seq, head_hash) in &centres {
            let rows: Vec<SignedRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SIGNED_SELECT} WHERE j.centre_id = $1 ORDER BY j.seq"
            )))
            .bind(centre)
            .fetch_all(&self.pool)
            .await?;
            out.entries += rows.len();
            let entries: Vec<RawEntry> = rows.into_iter().map(|r| raw_entry(centre, r)).collect();
            verify_chain(centre, &entries, *head_seq, head_hash, &mut out.problems);
            if let Some(public) = &public {
                unsigned_entries(centre, &entries, public, &mut out.problems);
            }
            if let Some(head) = anchor.as_ref().and_then(|a| a.heads.get(centre)) {
                behind_anchor(centre, &entries, head, anchor.as_ref(), &mut out.problems);
            }
        }
        if let Some(a) = &anchor {
            for (centre, head) in &a.heads {
                if !centres.iter().any(|(id, _, _)| id == centre) {
                    out.problems.push(JournalProblem {
                        centre_id: centre.clone(),
                        seq: head.seq,
                        kind: "behind_anchor",
                        message: format!(
                            "le journal d'un centre ({centre}) a disparu de la base, alors que l'ancre en atteste {} entrées",
                            head.seq
                        ),
                    });
                }
            }
        }
        Ok(out)
    }
}

type SignedRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

const SIGNED_SELECT: &str = "SELECT j.seq, j.at, j.actor_id, j.actor_name, j.action, \
    j.subject_type, j.subject_id, j.data, j.prev_hash, j.hash, s.sig FROM journal j \
    LEFT JOIN journal_signatures s ON s.centre_id = j.centre_id AND s.seq = j.seq";

fn raw_entry(centre: &str, r: SignedRow) -> RawEntry {
    let (seq, at, actor_id, actor_name, action, subject_type, subject_id, data, prev, hash, sig) =
        r;
    RawEntry {
        centre_id: centre.to_owned(),
        seq,
        at,
        actor_id: actor_id.unwrap_or_default(),
        actor_name,
        action,
        subject_type,
        subject_id,
        data,
        prev_hash: prev,
        hash,
        sig,
    }
}

/// The entries without the key's signature, as runs: « n° 5 à 9 ».
fn unsigned_entries(
    centre: &str,
    entries: &[RawEntry],
    public: &PublicKey,
    problems: &mut Vec<JournalProblem>,
) {
    let mut runs: Vec<(i64, i64)> = Vec::new();
    for e in entries.iter().filter(|e| !e.signed_by(public)) {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == e.seq => *last = e.seq,
            _ => runs.push((e.seq, e.seq)),
        }
    }
    for (first, last) in runs {
        let which = if first == last {
            format!("l'entrée n° {first} n'a pas")
        } else {
            format!("les entrées n° {first} à {last} n'ont pas")
        };
        problems.push(JournalProblem {
            centre_id: centre.to_owned(),
            seq: first,
            kind: "unsigned",
            message: format!(
                "{which} la signature du journal : écrite{s} ou réécrite{s} en dehors de Jalon",
                s = if first == last { "" } else { "s" }
            ),
        });
    }
}

/// The chain no longer reaches, or no longer holds, the head the anchor attests.
fn behind_anchor(
    centre: &str,
    entries: &[RawEntry],
    head: &Head,
    anchor: Option<&Anchor>,
    problems: &mut Vec<JournalProblem>,
) {
    let when = anchor
        .and_then(|a| a.written_at.parse::<jiff::Timestamp>().ok())
        .and_then(|t| t.in_tz("Europe/Paris").ok())
        .map(|z| {
            format!(
                " du {} à {}",
                jalon_core::fr::long_date(z.date()),
                jalon_core::fr::time(z.time())
            )
        })
        .unwrap_or_default();
    match entries.iter().find(|e| e.seq == head.seq) {
        None => {
            let last = entries.last().map_or(0, |e| e.seq);
            problems.push(JournalProblem {
                centre_id: centre.to_owned(),
                seq: last + 1,
                kind: "behind_anchor",
                message: format!(
                    "le journal s'arrête au n° {last}, alors que l'ancre signée{when} atteste le n° {} : des entrées ont été supprimées, ou la base a été restaurée depuis une copie plus ancienne",
                    head.seq
                ),
            });
        }
        Some(e) if e.hash != head.hash => problems.push(JournalProblem {
            centre_id: centre.to_owned(),
            seq: head.seq,
            kind: "behind_anchor",
            message: format!(
                "l'entrée n° {} n'est plus celle que l'ancre signée{when} atteste : le journal a été réécrit, ou la base restaurée depuis une copie plus ancienne",
                head.seq
            ),
        }),
        Some(_) => {}
    }
}

fn verify_chain(
    centre: &str,
    rows: &[RawEntry],
    head_seq: i64,
    head_hash: &str,
    problems: &mut Vec<JournalProblem>,
) {
    let mut report = |seq: i64, kind: &'static str, message: String| {
        problems.push(JournalProblem {
            centre_id: centre.to_owned(),
            seq,
            kind,
            message,
        })
    };
    // Hashes of the entries seen so far, to recognise an entry that was slipped in.
    let mut previous: Vec<&str> = vec![""];
    for r in rows {
        let (seq, action, prev, hash) = (r.seq, &r.action, &r.prev_hash, &r.hash);
        let recomputed = r.recomputed();
        let expected_prev = *previous.last().expect("never empty");
        if recomputed != *hash {
            report(
                seq,
                "altered",
                format!("l'entrée n° {seq} ({action}) a été modifiée après coup"),
            );
        } else if prev != expected_prev {
            if previous.len() >= 2 && prev == previous[previous.len() - 2] {
                let inserted = seq - 1;
                report(
                    inserted,
                    "inserted",
                    format!("l'entrée n° {inserted} a été insérée après coup"),
                );
            } else {
                report(
                    seq,
                    "removed",
                    format!(
                        "une ou plusieurs entrées ont été supprimées juste avant l'entrée n° {seq} ({action})"
                    ),
                );
            }
        }
        previous.push(hash);
    }
    let last_seq = rows.last().map_or(0, |r| r.seq);
    let last_hash = *previous.last().expect("never empty");
    if last_seq < head_seq {
        report(
            last_seq + 1,
            "truncated",
            format!(
                "les dernières entrées ont été supprimées : le journal devrait aller jusqu'au n° {head_seq}, il s'arrête au n° {last_seq}"
            ),
        );
    } else if last_seq > head_seq || last_hash != head_hash {
        report(
            last_seq,
            "inserted",
            format!("l'entrée n° {last_seq} a été ajoutée au journal en dehors de Jalon"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_stable_name_and_a_french_label() {
        let mut names = std::collections::HashSet::new();
        for a in Action::ALL {
            assert!(names.insert(a.as_str()), "{} twice", a.as_str());
            assert_eq!(Action::parse(a.as_str()), Some(*a));
            let label = a.label();
            assert!(!label.contains('.') && !label.contains('_'), "{label}");
            assert!(label.starts_with(char::is_uppercase), "{label}");
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(serde_json::from_str::<Action>(&json).unwrap(), *a);
        }
        assert_eq!(Action::parse("session.deleted"), None);
        assert_eq!(Action::MilestoneCompleted.label(), "Jalon fait");
    }
}
