//! Writes leads' temperature scores (`app::domain::temperature`): after each turn of the
//! flow (the intake) and for the leads the rescoring job finds due. Scored with the rules of
//! the consultant's live flow, the flow the consultant edits, whichever version a lead's
//! conversation ran.

use app::domain::flow::FlowDefinition;
use app::domain::temperature::{score, Facts, HOT_FROM};
use app::server::db::SystemTx;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::hash_map::{Entry, HashMap};
use uuid::Uuid;

/// What a scoring pass wrote.
#[derive(Debug, Default)]
pub struct Rescored {
    pub written: usize,
    /// Leads that were not hot and now are (the moment to tell the consultant).
    pub became_hot: Vec<Uuid>,
}

/// Scores `leads` as of `now` and writes each score, with when time will change it next.
pub async fn rescore(
    sys: &mut SystemTx<'_>,
    leads: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Rescored, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let rows = sqlx::query!(
        r#"select l.id, l.consultant_id, l.respostas,
                  l.last_inbound_at as "last_inbound_at: DateTime<Utc>",
                  l.opted_out_at is not null as "opted_out!",
                  l.scored_at is not null and l.score >= $2 as "was_hot!",
                  exists (select 1 from conversations c
                           where c.lead_id = l.id and c.is_completed) as "completed!"
             from leads l
            where l.id = any($1)"#,
        leads,
        HOT_FROM
    )
    .fetch_all(&mut *db)
    .await?;
    let mut flows: HashMap<Uuid, Option<FlowDefinition>> = HashMap::new();
    let (mut ids, mut scores, mut due) = (Vec::new(), Vec::new(), Vec::new());
    let mut became_hot = Vec::new();
    for r in rows {
        if let Entry::Vacant(slot) = flows.entry(r.consultant_id) {
            let def = app::server::shared_reads::live_flow(db, r.consultant_id)
                .await?
                .and_then(|(_, d)| serde_json::from_value(d).ok());
            slot.insert(def);
        }
        let answers = app::domain::lead_answers::from_json(&r.respostas);
        let s = score(&Facts {
            def: flows[&r.consultant_id].as_ref(),
            answers: &answers,
            completed: r.completed,
            last_inbound_at: r.last_inbound_at,
            opted_out: r.opted_out,
            now,
        });
        if s.points >= HOT_FROM && !r.was_hot {
            became_hot.push(r.id);
        }
        ids.push(r.id);
        scores.push(s.points);
        due.push(s.changes_at);
    }
    let written = sqlx::query!(
        r#"update leads l
              set score = s.score, scored_at = $4, score_due_at = s.due
             from unnest($1::uuid[], $2::smallint[], $3::timestamptz[]) as s(id, score, due)
            where l.id = s.id"#,
        &ids,
        &scores,
        &due as _,
        now as _
    )
    .execute(db)
    .await?;
    Ok(Rescored {
        written: written.rows_affected() as usize,
        became_hot,
    })
}

/// Leads whose score is due, claimed for this transaction (`SKIP LOCKED`: two instances
/// never score the same lead at once), the longest due first.
pub async fn claim_due(
    sys: &mut SystemTx<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query_scalar!(
        "select id from leads where score_due_at <= $1
          order by score_due_at limit $2 for update skip locked",
        now as _,
        limit
    )
    .fetch_all(db)
    .await
}
