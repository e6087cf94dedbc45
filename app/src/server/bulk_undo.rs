//! Undoing the last bulk move (#17 "moving leads": "Mover todos os filtrados" acts on up to
//! 1,000 leads at once). The move keeps, in the consultant's session, which leads it moved and
//! from where; for 15 minutes the list offers "Desfazer", which puts back each lead still where
//! the move left it (a lead moved again since is left alone), with its own history row.

use crate::domain::LeadStatus;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

const KEY: &str = "desfazer_em_massa";

/// How long the undo is offered.
pub const UNDO_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulkMove {
    pub to: String,
    /// (lead, the stage it left).
    pub moved: Vec<(Uuid, String)>,
    pub at: DateTime<Utc>,
}

impl BulkMove {
    pub fn still_offered(&self, now: DateTime<Utc>) -> bool {
        now - self.at < Duration::minutes(UNDO_MINUTES)
    }

    /// "3 leads movidos para “Perdido”", for the undo button.
    pub fn describe(&self) -> String {
        let to = LeadStatus::parse(&self.to)
            .map(|s| s.label())
            .unwrap_or("—");
        match self.moved.len() {
            1 => format!("1 lead movido para “{to}”"),
            n => format!("{n} leads movidos para “{to}”"),
        }
    }
}

pub async fn remember(session: &Session, record: BulkMove) {
    if let Err(e) = session.insert(KEY, record).await {
        tracing::warn!(error = %e, "could not keep the bulk move for undo");
    }
}

/// The last bulk move, while it may still be undone.
pub async fn last(session: &Session) -> Option<BulkMove> {
    let record: BulkMove = session.get(KEY).await.ok().flatten()?;
    record.still_offered(Utc::now()).then_some(record)
}

/// Takes the last bulk move out of the session (to undo it once only).
pub async fn take(session: &Session) -> Option<BulkMove> {
    let record: BulkMove = session.remove(KEY).await.ok().flatten()?;
    record.still_offered(Utc::now()).then_some(record)
}
