//! What a board card shows beyond the lead's row: the newest message, and the deal's value
//! (set on the lead's page, summed per column). In the caller's tenant transaction.

use super::leads::FilterParams;
use crate::server::db::TenantTx;
use uuid::Uuid;

/// The sum of the deal values of the leads matching `f`, per status (only leads with a value
/// are read, from their own index).
pub async fn value_totals(
    t: &mut TenantTx,
    f: &FilterParams,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query!(
        r#"select status, sum(deal_value_cents)::bigint as "total!"
             from leads
            where consultant_id = $1 and deal_value_cents is not null
              and ($2::text is null or status = $2)
              and ($3::text is null
                   or search_text(name, profile_name, whatsapp_number) like search_pattern($3))
              and ($4::timestamptz is null or created_at >= $4)
              and ($5::text is null
                   or ($5 = 'pagina' and metadata->>'source' = 'perfil')
                   or ($5 = 'anuncio' and metadata->>'source' in ('ad', 'post'))
                   or ($5 = 'direto' and metadata->>'source' is null))
              and ($6::jsonb = '{}'::jsonb or respostas @> $6)
              and ($7::smallint is null or (scored_at is not null and score between $7 and $8))
            group by status"#,
        consultant,
        f.status,
        f.pattern,
        f.since as _,
        f.source,
        f.answers,
        f.score_min,
        f.score_max
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.total)).collect())
}

/// The newest message of each lead among `ids` (the cards on screen), either way: (lead,
/// text, the lead wrote it).
pub async fn last_messages(
    t: &mut TenantTx,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, bool)>, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query!(
        r#"select l.id as "lead!", m.content as "content!", m.direction = 'inbound' as "inbound!"
             from unnest($2::uuid[]) as l(id)
             cross join lateral (
                 select m.content, m.direction
                   from conversations c
                   join messages m on m.conversation_id = c.id and m.consultant_id = c.consultant_id
                  where c.lead_id = l.id and c.consultant_id = $1
                  order by m.created_at desc, m.id desc
                  limit 1) m"#,
        consultant,
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.lead, r.content, r.inbound))
        .collect())
}

/// Sets (or, with `None`, clears) what the lead's deal is worth. False: no such lead.
pub async fn set_deal_value(
    t: &mut TenantTx,
    id: Uuid,
    cents: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let done = sqlx::query!(
        "update leads set deal_value_cents = $3 where id = $1 and consultant_id = $2",
        id,
        consultant,
        cents
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
