//! The leads waiting for the consultant: the lead wrote last, within WhatsApp's 24-hour
//! window (after it, a free reply is no longer possible), in an open stage, and did not ask
//! to stop. The bot answers in seconds, so a lead whose newest message is its own is one the
//! bot left to the consultant (taken over, or past the flow).
//!
//! Read from `idx_leads_consultant_activity` (a day's activity, not every lead of the
//! consultant), then each of those leads' newest message by its conversation's index.

use crate::domain::dashboard::WaitingLead;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// How many are listed; the count goes on beyond it.
const SHOWN: usize = 5;

pub(super) async fn waiting_leads(
    db: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(Vec<WaitingLead>, i64), sqlx::Error> {
    use crate::domain::text::preview;
    use crate::domain::time::since;
    let rows = sqlx::query!(
        r#"select l.id, l.name, l.profile_name, m.content as "content!",
                  l.last_inbound_at as "last_inbound_at!: DateTime<Utc>"
             from leads l
             cross join lateral (
                 select m.content, m.direction
                   from conversations c
                   join messages m on m.conversation_id = c.id and m.consultant_id = c.consultant_id
                  where c.lead_id = l.id and c.consultant_id = $1
                  order by m.created_at desc, m.id desc
                  limit 1) m
            where l.consultant_id = $1
              and l.last_interaction_at > $2::timestamptz - interval '24 hours'
              and l.last_inbound_at > $2::timestamptz - interval '24 hours'
              and l.status in ('novo', 'em_contato', 'agendado')
              and l.opted_out_at is null
              and m.direction = 'inbound'
            order by l.last_inbound_at, l.id"#,
        id,
        now as _
    )
    .fetch_all(db)
    .await?;
    let count = rows.len() as i64;
    let shown = rows
        .into_iter()
        .take(SHOWN)
        .map(|r| WaitingLead {
            id: r.id.to_string(),
            name: crate::domain::person_name::display_name(r.name, r.profile_name),
            message: preview(&r.content, 80),
            waiting: since(r.last_inbound_at, now),
        })
        .collect();
    Ok((shown, count))
}
