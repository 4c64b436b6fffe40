//! Actions sent again: a page queues what it does while the network is down and sends it
//! when it comes back, each with an id of its own; the first arrival is applied, a repeat is
//! answered with the outcome of the first.

use crate::Store;
use crate::error::{Result, StoreError};
use crate::ids::Stamp;
use crate::scope::Actor;

/// An action id as a browser makes it (`crypto.randomUUID()`): 8 to 64 of `[0-9a-f-]`.
pub fn valid_action_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Where an action stands when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// First time: apply it, then record its outcome.
    New,
    /// Already applied (or being applied): its recorded HTTP status (0 while under way).
    Seen(u16),
}

impl Store {
    /// Claims an action id for the actor's centre: `New` the first time, `Seen` after.
    pub async fn claim_action(&self, actor: &Actor, id: &str, path: &str) -> Result<Arrival> {
        if !valid_action_id(id) {
            return Err(StoreError::invalid(
                "x-action-id",
                "identifiant d'action illisible (8 à 64 caractères hexadécimaux ou tirets)",
            ));
        }
        let done = sqlx::query(
            "INSERT INTO applied_actions (id, centre_id, path, status, applied_at) VALUES ($1, $2, $3, 0, $4) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(actor.centre_id())
        .bind(path)
        .bind(Stamp::new(self.now()))
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(Arrival::New);
        }
        // Another centre's id is not this centre's business: a fresh one is asked for.
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT status FROM applied_actions WHERE id = $1 AND centre_id = $2")
                .bind(id)
                .bind(actor.centre_id())
                .fetch_optional(self.pool())
                .await?;
        match row {
            Some((status,)) => Ok(Arrival::Seen(u16::try_from(status).unwrap_or(0))),
            None => Err(StoreError::invalid(
                "x-action-id",
                "identifiant d'action déjà pris : rechargez la page",
            )),
        }
    }

    /// Records how a claimed action went; one that failed on the server's side is released,
    /// to be sent again.
    pub async fn finish_action(&self, actor: &Actor, id: &str, status: u16) -> Result<()> {
        if status >= 500 {
            sqlx::query("DELETE FROM applied_actions WHERE id = $1 AND centre_id = $2")
                .bind(id)
                .bind(actor.centre_id())
                .execute(self.pool())
                .await?;
        } else {
            sqlx::query("UPDATE applied_actions SET status = $1 WHERE id = $2 AND centre_id = $3")
                .bind(i64::from(status))
                .bind(id)
                .bind(actor.centre_id())
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }
}
