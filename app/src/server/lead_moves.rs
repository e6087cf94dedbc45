//! Moving a lead between stages, by the rules of `LeadStatus`, with its status history; and
//! undoing a bulk move; a lead leaving "agendado" closes its appointment
//! (`server::appointments`). In the caller's tenant transaction.

use crate::domain::LeadStatus;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Why a move did not happen.
#[derive(Debug, PartialEq)]
pub enum MoveRefused {
    NotFound,
    /// The rule's explanation, for the consultant.
    Rule(String),
}

/// Moves a lead, keeping its status history. The row is locked first, so two moves of the
/// same lead (two tabs, a double click) are judged one after the other.
pub async fn move_status(
    t: &mut TenantTx,
    id: Uuid,
    to: LeadStatus,
    reason: Option<&str>,
) -> Result<Result<LeadStatus, MoveRefused>, sqlx::Error> {
    let (db, consultant) = t.split();
    let current = sqlx::query_scalar!(
        "select status from leads where id = $1 and consultant_id = $2 for update",
        id,
        consultant
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some(from) = current.and_then(|s| LeadStatus::parse(&s).ok()) else {
        return Ok(Err(MoveRefused::NotFound));
    };
    if let Some(why) = from.refusal_with_reason(to, reason) {
        return Ok(Err(MoveRefused::Rule(why)));
    }
    sqlx::query!(
        "update leads set status = $3 where id = $1 and consultant_id = $2",
        id,
        consultant,
        to.as_str()
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "insert into lead_status_history (consultant_id, lead_id, from_status, to_status, reason, changed_by)
         values ($1, $2, $3, $4, $5, $1)",
        consultant,
        id,
        from.as_str(),
        to.as_str(),
        reason
    )
    .execute(&mut *db)
    .await?;
    // A lead from an ad that reaches a stage the consultant maps: its event for Meta, queued
    // with the move (the conversions job sends it).
    if matches!(
        to,
        LeadStatus::EmContato | LeadStatus::Agendado | LeadStatus::Fechado
    ) {
        super::conversions::queue(db, consultant, id, to.as_str()).await?;
    }
    // Leaving "agendado" closes the appointment (kept as history; see close_on_leaving). A
    // move to "agendado" books its appointment in the caller, in this same transaction.
    if from == LeadStatus::Agendado && to != LeadStatus::Agendado {
        super::appointments::close_on_leaving(t, id).await?;
    }
    Ok(Ok(from))
}

/// Puts a lead back in `from` if it is still in `to` (undoing a bulk move), with a history
/// row that says so. False: the lead is gone or was moved again since.
pub async fn restore_status(
    t: &mut TenantTx,
    id: Uuid,
    from: LeadStatus,
    to: LeadStatus,
) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let done = sqlx::query!(
        "update leads set status = $3 where id = $1 and consultant_id = $2 and status = $4",
        id,
        consultant,
        from.as_str(),
        to.as_str()
    )
    .execute(&mut *db)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "insert into lead_status_history (consultant_id, lead_id, from_status, to_status, reason, changed_by)
         values ($1, $2, $3, $4, 'Ação em massa desfeita', $1)",
        consultant,
        id,
        to.as_str(),
        from.as_str()
    )
    .execute(&mut *db)
    .await?;
    if from == LeadStatus::Agendado {
        super::appointments::reopen_after_undo(t, id).await?;
    } else if to == LeadStatus::Agendado {
        super::appointments::close_on_leaving(t, id).await?;
    }
    Ok(true)
}

/// One entry of a lead's status history.
#[derive(Debug)]
pub struct HistoryRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub changed_by_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub async fn history(t: &mut TenantTx, lead: Uuid) -> Result<Vec<HistoryRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        HistoryRow,
        r#"select h.from_status, h.to_status, h.reason, c.name as "changed_by_name?",
                  h.created_at as "created_at: DateTime<Utc>"
             from lead_status_history h
             left join consultants c on c.id = h.changed_by
            where h.lead_id = $1 and h.consultant_id = $2
            order by h.created_at desc
            limit 100"#,
        lead,
        consultant
    )
    .fetch_all(db)
    .await
}
