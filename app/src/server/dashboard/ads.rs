//! The dashboard's "Anúncios e campanhas": the period's leads per click-to-WhatsApp ad (its
//! id, headline and link, from `leads.metadata`) and per campaign code (`[ref:código]`), and
//! how far they went. The consultant's leads created in the period
//! (`idx_leads_consultant_created`), those with a source only.

use crate::domain::dashboard::AdRow;
use crate::domain::lead_filter::Source;
use crate::domain::temperature::HOT_FROM;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// At most this many rows (the ones with the most leads).
const ROWS: i64 = 15;

pub async fn ad_rows(
    db: &mut PgConnection,
    consultant: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AdRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select l.metadata->>'source' in ('ad', 'post') as "is_ad!",
                  case when l.metadata->>'source' in ('ad', 'post')
                       then coalesce(l.metadata->>'ad_id', '') else l.metadata->>'source' end as "key!",
                  max(l.metadata->>'campaign') as headline,
                  max(l.metadata->>'source_url') as url,
                  count(*) as "leads!",
                  count(*) filter (where exists (
                      select 1 from conversations c
                       where c.lead_id = l.id and c.consultant_id = $1 and c.is_completed)) as "completed!",
                  count(*) filter (where l.scored_at is not null and l.score >= $4) as "hot!",
                  count(*) filter (where l.status in ('agendado', 'fechado')) as "scheduled!",
                  count(*) filter (where l.status = 'fechado') as "closed!"
             from leads l
            where l.consultant_id = $1 and l.created_at >= $2 and l.created_at < $3
              and l.metadata->>'source' is not null and l.metadata->>'source' <> 'perfil'
            group by 1, 2
            order by 5 desc, 2
            limit $5"#,
        consultant,
        from as _,
        to as _,
        HOT_FROM,
        ROWS
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AdRow {
            label: if r.is_ad {
                Source::describe_ad(r.headline.as_deref(), r.url.as_deref())
            } else {
                format!("Código: {}", r.key)
            },
            leads: r.leads,
            completed: r.completed,
            hot: r.hot,
            scheduled: r.scheduled,
            closed: r.closed,
        })
        .collect())
}
