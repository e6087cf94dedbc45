//! An appointment's WhatsApp reminders (migration 0046), in the caller's tenant transaction:
//! booking or changing it schedules two (24 h before and the consultant's
//! `reminder_hours_before` before) with the approved ready template
//! [`REMINDER_TEMPLATE`]; a change, a cancellation or the lead leaving "agendado" cancels the
//! pending ones first. The scheduler (`consultor::jobs::scheduler`) fills and sends them.

use crate::server::db::TenantTx;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The ready library's reminder (`domain::template_library`): its buttons are Confirmar and
/// Remarcar, in that order, which the scheduler's payloads rely on.
pub const REMINDER_TEMPLATE: &str = "lembrete_agendamento";
/// The first reminder, always this many hours before.
pub const FIRST_HOURS_BEFORE: i64 = 24;

/// The consultant's approved reminder template, if any (the newest).
pub async fn template(t: &mut TenantTx) -> Result<Option<Uuid>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        "select id from message_templates
          where consultant_id = $1 and library_key = $2 and status = 'aprovado'
          order by created_at desc limit 1",
        consultant,
        REMINDER_TEMPLATE
    )
    .fetch_optional(db)
    .await
}

/// Cancels the lead's reminders that have not left (`why` is shown on the lead page).
pub async fn cancel_pending(t: &mut TenantTx, lead: Uuid, why: &str) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update scheduled_messages set status = 'cancelada', outcome = $3
          where consultant_id = $1 and lead_id = $2 and kind = 'lembrete' and status = 'agendada'",
        consultant,
        lead,
        why
    )
    .execute(db)
    .await?;
    Ok(())
}

/// When the reminders of an appointment at `starts_at` leave: 24 h and `hours` before, the
/// ones still ahead of `now`, soonest last.
pub fn due_times(starts_at: DateTime<Utc>, hours: i16, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut out: Vec<DateTime<Utc>> = [FIRST_HOURS_BEFORE, i64::from(hours)]
        .into_iter()
        .map(|h| starts_at - Duration::hours(h))
        .filter(|due| *due > now)
        .collect();
    out.dedup();
    out
}

/// The appointment was booked or changed: its pending reminders go, new ones are scheduled.
/// Returns whether there were any to schedule (false without the approved template).
pub async fn schedule(
    t: &mut TenantTx,
    lead: Uuid,
    appointment: Uuid,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    cancel_pending(t, lead, "o agendamento mudou").await?;
    let Some(template) = template(t).await? else {
        return Ok(false);
    };
    let hours = hours_before(t).await?;
    let dues = due_times(starts_at, hours, now);
    let (db, consultant) = t.split();
    // Its values are filled when it leaves (the lead's name then, the time in words).
    sqlx::query!(
        "insert into scheduled_messages (consultant_id, lead_id, kind, due_at, template_id,
                                         appointment_id)
         select $1, $2, 'lembrete', due, $3, $4 from unnest($5::timestamptz[]) as due",
        consultant,
        lead,
        template,
        appointment,
        &dues as _
    )
    .execute(db)
    .await?;
    Ok(true)
}

/// The second reminder's hours before the appointment.
pub async fn hours_before(t: &mut TenantTx) -> Result<i16, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        "select reminder_hours_before from consultants where id = $1",
        consultant
    )
    .fetch_one(db)
    .await
}

pub async fn set_hours_before(t: &mut TenantTx, hours: i16) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update consultants set reminder_hours_before = $2 where id = $1",
        consultant,
        hours
    )
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn two_reminders_unless_one_is_past() {
        let at = Utc.with_ymd_and_hms(2026, 12, 10, 17, 0, 0).unwrap();
        let long_before = at - Duration::days(3);
        assert_eq!(
            due_times(at, 2, long_before),
            [at - Duration::hours(24), at - Duration::hours(2)]
        );
        assert_eq!(
            due_times(at, 2, at - Duration::hours(5)),
            [at - Duration::hours(2)]
        );
        assert!(due_times(at, 2, at - Duration::hours(1)).is_empty());
    }
}
