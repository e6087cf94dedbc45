//! A lead's appointments (migration 0045), in the caller's tenant transaction: booking with a
//! move to "agendado" or changing it on the lead page, cancelling, and what happens to it when
//! the lead leaves "agendado". Reads for the lead page, the cards, the dashboard and `.ics`.

use super::appointment_reminders as reminders;
use crate::domain::appointment::AppointmentInput;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One appointment as the pages show it.
#[derive(Debug, Clone)]
pub struct AppointmentRow {
    pub id: Uuid,
    pub lead_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video_url: Option<String>,
    /// The lead's answer to a reminder: 'confirmado' or 'remarcar'.
    pub lead_answer: Option<String>,
}

/// Books the lead's appointment, or changes the active one (one per lead: the partial
/// unique index of 0045). The caller has checked that the lead is the consultant's and in
/// (or moving to) "agendado". Its reminders are scheduled again (`appointment_reminders`);
/// a new time clears the lead's answer to the old one.
pub async fn book(t: &mut TenantTx, lead: Uuid, a: &AppointmentInput) -> Result<Uuid, sqlx::Error> {
    let (db, consultant) = t.split();
    let id = sqlx::query_scalar!(
        "insert into appointments (consultant_id, lead_id, starts_at, place, video_url)
         values ($1, $2, $3, $4, $5)
         on conflict (lead_id) where status = 'marcado'
         do update set starts_at = excluded.starts_at, place = excluded.place,
                       video_url = excluded.video_url, updated_at = now(),
                       lead_answer = case when appointments.starts_at = excluded.starts_at
                                          then appointments.lead_answer end,
                       answered_at = case when appointments.starts_at = excluded.starts_at
                                          then appointments.answered_at end
         returning id",
        consultant,
        lead,
        a.starts_at as _,
        a.place.as_deref(),
        a.video_url.as_deref()
    )
    .fetch_one(db)
    .await?;
    reminders::schedule(t, lead, id, a.starts_at, chrono::Utc::now()).await?;
    Ok(id)
}

/// Cancels the lead's active appointment (kept, as 'cancelado'). False: there was none.
pub async fn cancel(t: &mut TenantTx, lead: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let done = sqlx::query!(
        "update appointments set status = 'cancelado', updated_at = now()
          where lead_id = $1 and consultant_id = $2 and status = 'marcado'",
        lead,
        consultant
    )
    .execute(db)
    .await?;
    reminders::cancel_pending(t, lead, "o agendamento foi cancelado").await?;
    Ok(done.rows_affected() > 0)
}

/// The lead left "agendado" (closed, lost, back in contact): its appointment stays in its
/// history as 'encerrado' and is no longer upcoming. Neither cancelled (nobody cancelled it;
/// the meeting may well have happened, which is how deals close) nor left 'marcado' (the
/// dashboard would keep listing meetings of leads already closed or lost).
pub async fn close_on_leaving(t: &mut TenantTx, lead: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update appointments set status = 'encerrado', updated_at = now()
          where lead_id = $1 and consultant_id = $2 and status = 'marcado'",
        lead,
        consultant
    )
    .execute(db)
    .await?;
    reminders::cancel_pending(t, lead, "o lead saiu de “Agendado”").await?;
    Ok(())
}

/// A bulk move's undo put the lead back in "agendado": the appointment its move closed is
/// active again (the newest closed one, when the lead has no active one), with its
/// reminders still ahead.
pub async fn reopen_after_undo(t: &mut TenantTx, lead: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    let reopened = sqlx::query!(
        "update appointments set status = 'marcado', updated_at = now()
          where id = (select id from appointments
                       where lead_id = $1 and consultant_id = $2 and status = 'encerrado'
                       order by updated_at desc limit 1)
            and consultant_id = $2
            and not exists (select 1 from appointments
                             where lead_id = $1 and consultant_id = $2 and status = 'marcado')
         returning id, starts_at as \"starts_at: DateTime<Utc>\"",
        lead,
        consultant
    )
    .fetch_optional(db)
    .await?;
    if let Some(r) = reopened {
        reminders::schedule(t, lead, r.id, r.starts_at, chrono::Utc::now()).await?;
    }
    Ok(())
}

/// The active appointment of each lead among `ids` (cards on screen, or one lead).
pub async fn active_for(
    t: &mut TenantTx,
    ids: &[Uuid],
) -> Result<Vec<AppointmentRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        AppointmentRow,
        r#"select id, lead_id, starts_at as "starts_at: DateTime<Utc>", place, video_url,
                  lead_answer
             from appointments
            where consultant_id = $1 and lead_id = any($2) and status = 'marcado'"#,
        consultant,
        ids
    )
    .fetch_all(db)
    .await
}

/// One upcoming appointment on the dashboard, with its lead's name.
#[derive(Debug)]
pub struct Upcoming {
    pub lead_id: Uuid,
    pub name: Option<String>,
    pub profile_name: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub video: bool,
    pub lead_answer: Option<String>,
}

/// The next `limit` active appointments from `from` on, soonest first
/// (`idx_appointments_consultant_upcoming`).
pub async fn upcoming(
    db: &mut sqlx::PgConnection,
    consultant: Uuid,
    from: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Upcoming>, sqlx::Error> {
    sqlx::query_as!(
        Upcoming,
        r#"select a.lead_id, l.name, l.profile_name, a.starts_at as "starts_at: DateTime<Utc>",
                  a.place, a.video_url is not null as "video!", a.lead_answer
             from appointments a
             join leads l on l.id = a.lead_id and l.consultant_id = a.consultant_id
            where a.consultant_id = $1 and a.status = 'marcado' and a.starts_at >= $2
            order by a.starts_at, a.id
            limit $3"#,
        consultant,
        from as _,
        limit
    )
    .fetch_all(db)
    .await
}

/// What the `.ics` file needs: the active appointment and its lead's names and number.
pub struct ForCalendar {
    pub appointment: AppointmentRow,
    pub name: Option<String>,
    pub profile_name: Option<String>,
    pub whatsapp_number: Option<String>,
}

/// The appointment as a calendar event (the `.ics` file and Google Agenda's link): named
/// after the lead, an hour long, with the lead's number and page in its description.
pub fn calendar_event(
    a: &AppointmentRow,
    name: &str,
    phone: &str,
    public_url: &str,
) -> crate::domain::calendar::CalendarEvent {
    use crate::domain::appointment::DEFAULT_LENGTH_MINUTES;
    crate::domain::calendar::CalendarEvent {
        uid: format!("{}@consultor", a.id),
        starts_at: a.starts_at,
        ends_at: a.starts_at + chrono::Duration::minutes(DEFAULT_LENGTH_MINUTES),
        summary: format!("Encontro com {name}"),
        location: a.place.clone(),
        url: a.video_url.clone(),
        description: Some(format!(
            "Lead: {name} ({phone})\nNo Consultor: {}/leads/{}",
            public_url.trim_end_matches('/'),
            a.lead_id
        )),
    }
}

/// Locks the lead's row and reads its stage (`None`: not this consultant's lead), so a
/// change of its appointment and a move of the lead are judged one after the other.
pub async fn lead_status_for_update(
    t: &mut TenantTx,
    lead: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        "select status from leads where id = $1 and consultant_id = $2 for update",
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
}

pub async fn for_calendar(
    t: &mut TenantTx,
    lead: Uuid,
) -> Result<Option<ForCalendar>, sqlx::Error> {
    let (db, consultant) = t.split();
    let row = sqlx::query!(
        r#"select a.id, a.lead_id, a.starts_at as "starts_at: DateTime<Utc>", a.place,
                  a.video_url, a.lead_answer, l.name, l.profile_name, l.whatsapp_number
             from appointments a
             join leads l on l.id = a.lead_id and l.consultant_id = a.consultant_id
            where a.lead_id = $1 and a.consultant_id = $2 and a.status = 'marcado'"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| ForCalendar {
        appointment: AppointmentRow {
            id: r.id,
            lead_id: r.lead_id,
            starts_at: r.starts_at,
            place: r.place,
            video_url: r.video_url,
            lead_answer: r.lead_answer,
        },
        name: r.name,
        profile_name: r.profile_name,
        whatsapp_number: r.whatsapp_number,
    }))
}
