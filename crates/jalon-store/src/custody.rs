//! The custody log of a session's sealed papers: the DTE ordered and received, the chases of
//! the AFPA, each packet's moves (stored, opened, destroyed, returned) under the core's rules,
//! and the incidents of the day. Every record is journaled, scoped to the centre.

use jalon_core::custody::{self as rules, Move, PacketFacts, PacketKind, PacketState, When};
use jalon_core::launch::{IncidentCategory, IncidentInput};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::{FieldError, Result, RuleViolation, StoreError};
use crate::ids::{IncidentId, PacketId, SessionId, Stamp};
use crate::journal::{self, Action, Change, Subject};
use crate::scope::{SessionHandle, SessionWriter};
use crate::{Store, parse_date};

/// The order of the DTE to the AFPA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DteOrder {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    /// The order's reference, as the AFPA gave it.
    #[serde(default)]
    pub reference: String,
    /// Who ordered.
    pub by: String,
}

/// A packet as received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PacketInput {
    pub kind: PacketKind,
    /// « Pli n° 2 ».
    pub label: String,
    /// The épreuve of a subject envelope.
    #[serde(default)]
    pub epreuve: Option<String>,
    pub seals_intact: bool,
}

/// The reception of the DTE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceptionInput {
    /// When they arrived.
    pub at: Stamp,
    /// Who received them.
    pub by: String,
    /// The locked place they are kept in.
    pub storage: String,
    /// The users of the centre who hold its key (their ids).
    pub key_holders: Vec<String>,
    pub packets: Vec<PacketInput>,
}

/// The reception as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reception {
    pub at: Stamp,
    pub by: String,
    pub storage: String,
    /// The key holders' names.
    pub key_holders: Vec<String>,
}

/// A chase of the AFPA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chase {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    pub by: String,
}

/// A packet and its custody so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Packet {
    pub id: PacketId,
    pub kind: PacketKind,
    pub label: String,
    pub epreuve: Option<String>,
    pub seals_intact: bool,
    pub state: PacketState,
    pub version: i64,
    pub received_at: Stamp,
    pub stored_at: Option<Stamp>,
    pub stored_place: Option<String>,
    pub opened_at: Option<Stamp>,
    pub opened_by: Option<String>,
    pub opened_witnesses: Option<String>,
    /// In front of whom (« les candidats », « le jury »).
    pub opened_before: Option<String>,
    pub destroyed_at: Option<Stamp>,
    pub destroyed_by: Option<String>,
    pub destroyed_witness: Option<String>,
    pub destroyed_how: Option<String>,
    /// Why it was destroyed unopened.
    pub destroyed_reason: Option<String>,
    pub returned_at: Option<Stamp>,
    pub returned_to: Option<String>,
    pub returned_reason: Option<String>,
    /// A photo of it (its seals) was joined.
    pub has_photo: bool,
}

impl Packet {
    pub fn facts(&self) -> PacketFacts {
        PacketFacts {
            kind: self.kind,
            label: self.label.clone(),
            epreuve: self.epreuve.clone(),
            state: self.state,
        }
    }
}

/// A session's DTE: order, reception, chases, packets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dte {
    /// Given back to record the order or the reception (a stale one is a conflict).
    pub version: i64,
    pub order: Option<DteOrder>,
    pub reception: Option<Reception>,
    pub chases: Vec<Chase>,
    /// The day the Ministry advises chasing (D − 14).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub chase_advised: Option<Date>,
    /// The AFPA mailbox to chase (by the title's domain, or CCP).
    pub mailbox: String,
    pub packets: Vec<Packet>,
}

/// A move of a packet, with what it records.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    /// The packet's version as read.
    pub version: i64,
    /// Who does it.
    pub by: String,
    /// Opening: the witnesses; destruction: the witness.
    #[serde(default)]
    pub witnesses: String,
    /// Opening: in front of whom (« les candidats »).
    #[serde(default)]
    pub before: String,
    /// Storing: where. Returning: to whom.
    #[serde(default)]
    pub place: String,
    /// Destruction: how (« broyeur »).
    #[serde(default)]
    pub how: String,
    /// Destruction of an unopened packet, or a return: why.
    #[serde(default)]
    pub reason: String,
}

/// An incident as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Incident {
    pub id: IncidentId,
    #[serde(flatten)]
    pub input: IncidentInput,
    /// The candidates concerned, by name.
    pub candidate_names: Vec<String>,
    pub recorded_at: Stamp,
    pub recorded_by: String,
}

#[derive(sqlx::FromRow)]
struct PacketRow {
    id: PacketId,
    kind: String,
    label: String,
    epreuve: Option<String>,
    seals_intact: i64,
    state: String,
    version: i64,
    received_at: Stamp,
    stored_at: Option<Stamp>,
    stored_place: Option<String>,
    opened_at: Option<Stamp>,
    opened_by: Option<String>,
    opened_witnesses: Option<String>,
    opened_before: Option<String>,
    destroyed_at: Option<Stamp>,
    destroyed_by: Option<String>,
    destroyed_witness: Option<String>,
    destroyed_how: Option<String>,
    destroyed_reason: Option<String>,
    returned_at: Option<Stamp>,
    returned_to: Option<String>,
    returned_reason: Option<String>,
    has_photo: i64,
}

/// The columns of a packet, for a literal query.
macro_rules! packet_columns {
    () => {
        "id, kind, label, epreuve, seals_intact, state, version, received_at, \
         stored_at, stored_place, opened_at, opened_by, opened_witnesses, opened_before, \
         destroyed_at, destroyed_by, destroyed_witness, destroyed_how, destroyed_reason, \
         returned_at, returned_to, returned_reason, \
         CAST(CASE WHEN photo IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_photo"
    };
}

/// The DTE record's columns: order (on, reference, by), reception (at, by, storage, key
/// holders), version.
type DteRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Stamp>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} inconnu « {v} »"))
}

/// A line of text as kept: trimmed, printable, bounded.
fn line(field: &str, what: &str, text: &str, required: bool, errs: &mut Vec<FieldError>) -> String {
    let t = text.trim();
    if required && t.is_empty() {
        errs.push(FieldError::new(field, format!("{what} est obligatoire")));
    } else if t.chars().count() > 300 || t.chars().any(char::is_control) {
        errs.push(FieldError::new(
            field,
            format!("{what} : une ligne de 300 caractères au plus"),
        ));
    }
    t.to_owned()
}

impl Store {
    /// The DTE of a session.
    pub async fn dte(&self, session: &SessionHandle<'_>) -> Result<Dte> {
        let row: Option<DteRow> = sqlx::query_as(
            "SELECT ordered_on, order_reference, ordered_by, received_at, received_by, storage, key_holders, version \
             FROM dte_records WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_optional(self.pool())
        .await?;
        let (
            ordered_on,
            reference,
            ordered_by,
            received_at,
            received_by,
            storage,
            holders,
            version,
        ) = row.unwrap_or_default();
        let order = match (ordered_on, ordered_by) {
            (Some(on), Some(by)) => Some(DteOrder {
                on: parse_date("ordered_on", &on)?,
                reference: reference.unwrap_or_default(),
                by,
            }),
            _ => None,
        };
        let reception = match (received_at, received_by) {
            (Some(at), Some(by)) => Some(Reception {
                at,
                by,
                storage: storage.unwrap_or_default(),
                key_holders: serde_json::from_str(holders.as_deref().unwrap_or("[]"))
                    .map_err(|e| StoreError::Corrupt(format!("détenteurs de la clé : {e}")))?,
            }),
            _ => None,
        };
        let chases: Vec<(String, String)> = sqlx::query_as(
            "SELECT chased_on, chased_by FROM dte_chases WHERE session_id = $1 ORDER BY chased_on, recorded_at",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let chases = chases
            .into_iter()
            .map(|(on, by)| {
                Ok(Chase {
                    on: parse_date("chased_on", &on)?,
                    by,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let s = session.session();
        let title = self.title(session.actor(), &s.title_id).await?;
        let mailbox = self
            .rules()
            .afpa_mailboxes
            .for_session(s.kind, Some(title.domain))
            .unwrap_or_default()
            .to_owned();
        Ok(Dte {
            version,
            order,
            reception,
            chases,
            chase_advised: rules::chase_advised(s.start),
            mailbox,
            packets: self.packets(session.id()).await?,
        })
    }

    async fn packets(&self, session: &SessionId) -> Result<Vec<Packet>> {
        let rows: Vec<PacketRow> = sqlx::query_as(concat!(
            "SELECT ",
            packet_columns!(),
            " FROM packets WHERE session_id = $1 ORDER BY position"
        ))
        .bind(session)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(packet_of).collect()
    }
}

fn packet_of(r: PacketRow) -> Result<Packet> {
    Ok(Packet {
        kind: match r.kind.as_str() {
            "organiser" => PacketKind::Organiser,
            "subjects" => PacketKind::Subjects,
            "other" => PacketKind::Other,
            k => return Err(corrupt("type de pli", k)),
        },
        state: PacketState::parse(&r.state).ok_or_else(|| corrupt("état de pli", &r.state))?,
        id: r.id,
        label: r.label,
        epreuve: r.epreuve,
        seals_intact: r.seals_intact != 0,
        version: r.version,
        received_at: r.received_at,
        stored_at: r.stored_at,
        stored_place: r.stored_place,
        opened_at: r.opened_at,
        opened_by: r.opened_by,
        opened_witnesses: r.opened_witnesses,
        opened_before: r.opened_before,
        destroyed_at: r.destroyed_at,
        destroyed_by: r.destroyed_by,
        destroyed_witness: r.destroyed_witness,
        destroyed_how: r.destroyed_how,
        destroyed_reason: r.destroyed_reason,
        returned_at: r.returned_at,
        returned_to: r.returned_to,
        returned_reason: r.returned_reason,
        has_photo: r.has_photo != 0,
    })
}

fn kind_str(k: PacketKind) -> &'static str {
    match k {
        PacketKind::Organiser => "organiser",
        PacketKind::Subjects => "subjects",
        PacketKind::Other => "other",
    }
}

/// The move a path names: `open`, `destroy`, `return`, `store`.
pub fn move_named(name: &str) -> Option<Move> {
    Some(match name {
        "store" => Move::Store,
        "open" => Move::Open,
        "destroy" => Move::Destroy,
        "return" => Move::Return,
        _ => return None,
    })
}

impl Store {
    /// Makes sure the session has its DTE record, and checks the version read.
    async fn bump_dte(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        session: &SessionId,
        version: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO dte_records (session_id) VALUES ($1) ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(session)
        .execute(&mut **tx)
        .await?;
        let done = sqlx::query(
            "UPDATE dte_records SET version = version + 1 WHERE session_id = $1 AND version = $2",
        )
        .bind(session)
        .bind(version)
        .execute(&mut **tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                what: "les DTE de la session",
            });
        }
        Ok(())
    }

    /// Records the order of the DTE (date, reference, who), with the version read.
    pub async fn record_dte_order(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        order: DteOrder,
    ) -> Result<Dte> {
        let (actor, session) = (w.actor(), w.handle());
        let mut errs = Vec::new();
        let by = line("by", "qui a commandé", &order.by, true, &mut errs);
        let reference = line(
            "reference",
            "la référence",
            &order.reference,
            false,
            &mut errs,
        );
        if order.on > self.today() {
            errs.push(FieldError::new(
                "on",
                format!(
                    "la commande du {} n'a pas encore eu lieu",
                    jalon_core::fr::long_date(order.on)
                ),
            ));
        }
        StoreError::check(errs)?;
        let mut tx = self.begin().await?;
        self.bump_dte(&mut tx, session.id(), version).await?;
        sqlx::query(
            "UPDATE dte_records SET ordered_on = $1, order_reference = $2, ordered_by = $3 WHERE session_id = $4",
        )
        .bind(order.on.to_string())
        .bind(&reference)
        .bind(&by)
        .bind(session.id())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::DteOrdered,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"on": order.on.to_string(), "reference": reference, "by": by}),
            },
        )
        .await?;
        tx.commit().await?;
        self.dte(session).await
    }

    /// Records the reception of the DTE: when, by whom, where they are locked and who holds
    /// its key, and each packet (kind, label, épreuve, seals). All or nothing; the packets
    /// start « reçu ». Received again, the packets given are added.
    pub async fn receive_dte(
        &self,
        w: SessionWriter<'_>,
        version: i64,
        r: ReceptionInput,
    ) -> Result<Dte> {
        let (actor, session) = (w.actor(), w.handle());
        let s = session.session();
        let mut errs = Vec::new();
        let by = line("by", "qui a reçu les DTE", &r.by, true, &mut errs);
        let storage = line(
            "storage",
            "le lieu de stockage fermé à clé",
            &r.storage,
            true,
            &mut errs,
        );
        if r.at.paris_date() > self.today() {
            errs.push(FieldError::new("at", "la réception n'a pas encore eu lieu"));
        }
        let users = self.users(actor).await?;
        let mut holders = Vec::new();
        for (i, id) in r.key_holders.iter().enumerate() {
            match users.iter().find(|u| u.id.as_str() == id) {
                Some(u) => holders.push(u.display_name.clone()),
                None => errs.push(FieldError::new(
                    format!("key_holders[{}]", i + 1),
                    format!("aucun utilisateur du centre n'a l'identifiant « {id} »"),
                )),
            }
        }
        if r.key_holders.is_empty() {
            errs.push(FieldError::new(
                "key_holders",
                "nommez au moins une personne du centre qui détient la clé",
            ));
        }
        if r.packets.is_empty() {
            errs.push(FieldError::new(
                "packets",
                "listez les plis reçus : le pli réservé à l'organisateur, les plis sujets…",
            ));
        }
        let title = self.title(actor, &s.title_id).await?;
        let epreuves: Vec<String> = title
            .structure
            .epreuves
            .iter()
            .map(|e| e.name.clone())
            .collect();
        for (i, p) in r.packets.iter().enumerate() {
            for problem in rules::packet_problems(
                &format!("packets[{}]", i + 1),
                p.kind,
                &p.label,
                p.epreuve.as_deref(),
                &epreuves,
            ) {
                errs.push(FieldError::new(problem.field, problem.message));
            }
        }
        StoreError::check(errs)?;
        let holders_json = serde_json::to_string(&holders)
            .map_err(|e| StoreError::Corrupt(format!("détenteurs de la clé : {e}")))?;
        let mut tx = self.begin().await?;
        self.bump_dte(&mut tx, session.id(), version).await?;
        sqlx::query(
            "UPDATE dte_records SET received_at = $1, received_by = $2, storage = $3, key_holders = $4 WHERE session_id = $5",
        )
        .bind(r.at)
        .bind(&by)
        .bind(&storage)
        .bind(&holders_json)
        .bind(session.id())
        .execute(&mut *tx)
        .await?;
        let (first,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(MAX(position), 0) AS BIGINT) FROM packets WHERE session_id = $1",
        )
        .bind(session.id())
        .fetch_one(&mut *tx)
        .await?;
        for (i, p) in r.packets.iter().enumerate() {
            sqlx::query(
                "INSERT INTO packets (id, session_id, position, kind, label, epreuve, seals_intact, state, received_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8)",
            )
            .bind(PacketId::generate())
            .bind(session.id())
            .bind(first + 1 + i as i64)
            .bind(kind_str(p.kind))
            .bind(p.label.trim())
            .bind(p.epreuve.as_deref().map(str::trim).filter(|e| !e.is_empty()))
            .bind(i64::from(p.seals_intact))
            .bind(r.at)
            .execute(&mut *tx)
            .await?;
        }
        let packets: Vec<serde_json::Value> = r
            .packets
            .iter()
            .map(|p| json!({"kind": p.kind.label(), "label": p.label.trim(), "epreuve": p.epreuve, "seals_intact": p.seals_intact}))
            .collect();
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::DteReceived,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"at": r.at, "by": by, "storage": storage, "key_holders": holders, "packets": packets}),
            },
        )
        .await?;
        tx.commit().await?;
        self.dte(session).await
    }

    /// Records a chase of the AFPA (« relancé le … »), on a day of the chase's window or
    /// after it opened.
    pub async fn record_chase(&self, w: SessionWriter<'_>, on: Date, by: &str) -> Result<Dte> {
        let (actor, session) = (w.actor(), w.handle());
        let mut errs = Vec::new();
        let by = line("by", "qui a relancé", by, true, &mut errs);
        if on > self.today() {
            errs.push(FieldError::new(
                "on",
                format!(
                    "la relance du {} n'a pas encore eu lieu",
                    jalon_core::fr::long_date(on)
                ),
            ));
        }
        StoreError::check(errs)?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO dte_chases (session_id, chased_on, chased_by, recorded_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(session.id())
        .bind(on.to_string())
        .bind(&by)
        .bind(Stamp::new(self.now()))
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::DteChased,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"on": on.to_string(), "by": by}),
            },
        )
        .await?;
        tx.commit().await?;
        self.dte(session).await
    }

    /// Moves a packet — stores, opens, destroys or returns it — with the version read, under
    /// the core's rules (refused with the packet named); journaled.
    pub async fn move_packet(
        &self,
        w: SessionWriter<'_>,
        packet: &PacketId,
        step: Move,
        m: MoveInput,
    ) -> Result<Packet> {
        let (actor, session) = (w.actor(), w.handle());
        let s = session.session();
        let current = self
            .packets(session.id())
            .await?
            .into_iter()
            .find(|p| p.id == *packet)
            .ok_or(StoreError::NotFound { what: "pli" })?;
        if current.version != m.version {
            return Err(StoreError::Conflict { what: "le pli" });
        }
        let mut errs = Vec::new();
        let by = line("by", "qui le fait", &m.by, true, &mut errs);
        let witnesses = line(
            "witnesses",
            "les témoins",
            &m.witnesses,
            matches!(step, Move::Open | Move::Destroy),
            &mut errs,
        );
        let before = line("before", "devant qui", &m.before, false, &mut errs);
        let place = line(
            "place",
            if step == Move::Return {
                "à qui il est retourné"
            } else {
                "le lieu"
            },
            &m.place,
            matches!(step, Move::Store | Move::Return),
            &mut errs,
        );
        let how = line("how", "comment", &m.how, step == Move::Destroy, &mut errs);
        let reason = line(
            "reason",
            "le motif",
            &m.reason,
            step == Move::Return,
            &mut errs,
        );
        StoreError::check(errs)?;
        let days: Vec<Date> = match &current.epreuve {
            Some(e) => {
                let schedule = self.schedule(session).await?;
                let mut d: Vec<Date> = schedule
                    .timetable
                    .iter()
                    .filter(|p| p.epreuve == *e)
                    .flat_map(|p| p.parts.iter().map(|x| x.date))
                    .collect();
                d.sort();
                d.dedup();
                d
            }
            None => Vec::new(),
        };
        let zone = self.site(session.actor(), &s.site_id).await?.zone;
        let when = When {
            today: self.today(),
            start: s.start,
            zone,
            epreuve_days: &days,
            reason: &reason,
        };
        if let Some(refused) = rules::move_problem(&current.facts(), step, &when) {
            return Err(StoreError::RulesBroken(vec![RuleViolation {
                rule: refused.rule,
                milestone: {
                    use jalon_core::milestone::ids;
                    match (step, current.kind) {
                        (Move::Open, PacketKind::Organiser) => ids::PREP_OPEN_ORGANISER_ENVELOPE,
                        (Move::Open, _) => ids::LAUNCH_OPEN_SUBJECTS,
                        (Move::Destroy, _) => ids::CLOSE_DESTROY_SUBJECTS,
                        _ => ids::DTE_RECEIVE,
                    }
                },
                message: refused.message,
                overridable: false,
            }]));
        }
        let now = Stamp::new(self.now());
        let next = rules::after(step);
        let mut tx = self.begin().await?;
        // One statement for every move (each parameter used whatever the move): the move's
        // own columns take their values, the others keep theirs.
        let sql = "UPDATE packets SET state = $1, version = version + 1, \
             stored_at = CASE WHEN $1 = 'stored' THEN $2 ELSE stored_at END, \
             stored_place = CASE WHEN $1 = 'stored' THEN $5 ELSE stored_place END, \
             opened_at = CASE WHEN $1 = 'opened' THEN $2 ELSE opened_at END, \
             opened_by = CASE WHEN $1 = 'opened' THEN $6 ELSE opened_by END, \
             opened_witnesses = CASE WHEN $1 = 'opened' THEN $7 ELSE opened_witnesses END, \
             opened_before = CASE WHEN $1 = 'opened' THEN $8 ELSE opened_before END, \
             destroyed_at = CASE WHEN $1 = 'destroyed' THEN $2 ELSE destroyed_at END, \
             destroyed_by = CASE WHEN $1 = 'destroyed' THEN $6 ELSE destroyed_by END, \
             destroyed_witness = CASE WHEN $1 = 'destroyed' THEN $7 ELSE destroyed_witness END, \
             destroyed_how = CASE WHEN $1 = 'destroyed' THEN $9 ELSE destroyed_how END, \
             destroyed_reason = CASE WHEN $1 = 'destroyed' THEN $10 ELSE destroyed_reason END, \
             returned_at = CASE WHEN $1 = 'returned' THEN $2 ELSE returned_at END, \
             returned_to = CASE WHEN $1 = 'returned' THEN $5 ELSE returned_to END, \
             returned_reason = CASE WHEN $1 = 'returned' THEN $10 ELSE returned_reason END \
             WHERE id = $3 AND version = $4";
        let done = sqlx::query(sql)
            .bind(next.as_str())
            .bind(now)
            .bind(packet)
            .bind(m.version)
            .bind(&place)
            .bind(&by)
            .bind(&witnesses)
            .bind(&before)
            .bind(&how)
            .bind(Some(reason.as_str()).filter(|r| !r.is_empty()))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict { what: "le pli" });
        }
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: match step {
                    Move::Store => Action::PacketStored,
                    Move::Open => Action::PacketOpened,
                    Move::Destroy => Action::PacketDestroyed,
                    Move::Return => Action::PacketReturned,
                },
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({
                    "packet": current.facts().describe(),
                    "by": by, "witnesses": witnesses, "before": before,
                    "place": place, "how": how, "reason": reason,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.packets(session.id())
            .await?
            .into_iter()
            .find(|p| p.id == *packet)
            .ok_or(StoreError::NotFound { what: "pli" })
    }

    /// The incidents of a session, in the order they happened.
    pub async fn incidents(&self, session: &SessionHandle<'_>) -> Result<Vec<Incident>> {
        type Row = (
            IncidentId,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            Stamp,
            String,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, category, day, time, epreuve, candidates, description, measure, witnesses, recorded_at, recorded_by \
             FROM incidents WHERE session_id = $1 ORDER BY day, time, recorded_at",
        )
        .bind(session.id())
        .fetch_all(self.pool())
        .await?;
        let candidates = self.candidates(session).await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    category,
                    day,
                    time,
                    epreuve,
                    cands,
                    description,
                    measure,
                    witnesses,
                    recorded_at,
                    recorded_by,
                )| {
                    let ids: Vec<String> = serde_json::from_str(&cands).map_err(|e| {
                        StoreError::Corrupt(format!("candidats d'un incident : {e}"))
                    })?;
                    Ok(Incident {
                        id,
                        candidate_names: ids
                            .iter()
                            .filter_map(|c| candidates.iter().find(|x| x.id.as_str() == c))
                            .map(|c| c.input.short_name())
                            .collect(),
                        input: IncidentInput {
                            category: IncidentCategory::parse(&category)
                                .ok_or_else(|| corrupt("type d'incident", &category))?,
                            day: parse_date("day", &day)?,
                            time: time
                                .parse()
                                .map_err(|_| corrupt("heure d'incident", &time))?,
                            epreuve,
                            candidates: ids,
                            description,
                            measure,
                            witnesses,
                        },
                        recorded_at,
                        recorded_by,
                    })
                },
            )
            .collect()
    }

    /// Reports an incident; every problem at once.
    pub async fn report_incident(
        &self,
        w: SessionWriter<'_>,
        input: IncidentInput,
    ) -> Result<Incident> {
        let (actor, session) = (w.actor(), w.handle());
        let s = session.session();
        let candidates = self.candidates(session).await?;
        let ids: Vec<String> = candidates.iter().map(|c| c.id.to_string()).collect();
        let title = self.title(actor, &s.title_id).await?;
        let epreuves: Vec<String> = title
            .structure
            .epreuves
            .iter()
            .map(|e| e.name.clone())
            .collect();
        let problems = input.problems(s.start, s.end, self.today(), &ids, &epreuves);
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }
        let id = IncidentId::generate();
        let now = Stamp::new(self.now());
        let names: Vec<String> = input
            .candidates
            .iter()
            .filter_map(|c| candidates.iter().find(|x| x.id.as_str() == c))
            .map(|c| c.input.short_name())
            .collect();
        let cands = serde_json::to_string(&input.candidates)
            .map_err(|e| StoreError::Corrupt(format!("candidats d'un incident : {e}")))?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO incidents (id, session_id, category, day, time, epreuve, candidates, description, measure, witnesses, recorded_at, recorded_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&id)
        .bind(session.id())
        .bind(input.category.as_str())
        .bind(input.day.to_string())
        .bind(input.time.strftime("%H:%M").to_string())
        .bind(input.epreuve.trim())
        .bind(&cands)
        .bind(input.description.trim())
        .bind(input.measure.trim())
        .bind(input.witnesses.trim())
        .bind(now)
        .bind(actor.name())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::IncidentReported,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({
                    "category": input.category.label(), "day": input.day.to_string(),
                    "time": input.time.strftime("%H:%M").to_string(), "epreuve": input.epreuve.trim(),
                    "candidates": names, "description": input.description.trim(),
                    "measure": input.measure.trim(), "witnesses": input.witnesses.trim(),
                }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(Incident {
            id,
            input: IncidentInput {
                epreuve: input.epreuve.trim().to_owned(),
                description: input.description.trim().to_owned(),
                measure: input.measure.trim().to_owned(),
                witnesses: input.witnesses.trim().to_owned(),
                ..input
            },
            candidate_names: names,
            recorded_at: now,
            recorded_by: actor.name().to_owned(),
        })
    }
}

impl Store {
    /// The actor's sessions starting within two weeks (J−14 or later) whose DTE are not
    /// received: what the dashboard shows in red. (id, « Maçon — du … », start).
    pub async fn dte_missing(
        &self,
        actor: &crate::Actor,
    ) -> Result<Vec<(SessionId, String, Date)>> {
        let today = self.today();
        let horizon =
            jalon_core::calendar::add_days(today, -rules::CHASE_ADVISED_DAYS).unwrap_or(today);
        let rows: Vec<(SessionId, String, String, String)> = sqlx::query_as(
            "SELECT s.id, t.name, s.start_date, s.end_date FROM sessions s JOIN titles t ON t.id = s.title_id \
             WHERE s.centre_id = $1 AND s.cancelled_at IS NULL AND s.start_date >= $2 AND s.start_date <= $3 \
             AND NOT EXISTS (SELECT 1 FROM dte_records d WHERE d.session_id = s.id AND d.received_at IS NOT NULL) \
             ORDER BY s.start_date, s.id",
        )
        .bind(actor.centre_id())
        .bind(today.to_string())
        .bind(horizon.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, title, start, end)| {
                let (start, end) = (
                    parse_date("start_date", &start)?,
                    parse_date("end_date", &end)?,
                );
                Ok((
                    id,
                    format!("{title} — {}", jalon_core::fr::date_range(start, end)),
                    start,
                ))
            })
            .collect()
    }
}

impl Store {
    /// Joins a photo of a packet (its seals), checked by content; a new one replaces it.
    pub async fn attach_packet_photo(
        &self,
        w: SessionWriter<'_>,
        packet: &PacketId,
        bytes: &[u8],
    ) -> Result<Packet> {
        let (actor, session) = (w.actor(), w.handle());
        let kind =
            jalon_core::upload::check_photo(bytes).map_err(|e| StoreError::invalid("photo", e))?;
        let current = self
            .packets(session.id())
            .await?
            .into_iter()
            .find(|p| p.id == *packet)
            .ok_or(StoreError::NotFound { what: "pli" })?;
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE packets SET photo = $1, photo_type = $2 WHERE id = $3 AND session_id = $4",
        )
        .bind(bytes.to_vec())
        .bind(kind)
        .bind(packet)
        .bind(session.id())
        .execute(&mut *tx)
        .await?;
        journal::append(
            &mut tx,
            self,
            actor,
            Change {
                action: Action::PacketPhotographed,
                subject_type: Subject::Session,
                subject_id: session.id().as_str(),
                data: json!({"packet": current.facts().describe(), "type": kind,
                             "sha256": crate::sha256_hex(bytes)}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(current)
    }

    /// A packet's photo and its media type, if one was joined.
    pub async fn packet_photo(
        &self,
        session: &SessionHandle<'_>,
        packet: &PacketId,
    ) -> Result<Option<(Vec<u8>, String)>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> = sqlx::query_as(
            "SELECT photo, photo_type FROM packets WHERE id = $1 AND session_id = $2",
        )
        .bind(packet)
        .bind(session.id())
        .fetch_optional(self.pool())
        .await?;
        match row {
            None => Err(StoreError::NotFound { what: "pli" }),
            Some((Some(bytes), Some(kind))) => Ok(Some((bytes, kind))),
            Some(_) => Ok(None),
        }
    }
}
