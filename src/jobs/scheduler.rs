//! Messages that leave later, once: the consultant's scheduled sends, the follow-up rules'
//! messages and appointment reminders (booked with the appointment:
//! `app::server::appointment_reminders`). Each pass (every minute, and in tests on demand):
//!
//! 1. **rules**: for each rule, the leads of its consultant in its stage that have been quiet
//!    (no message from either side, no stage change) for its delay get a follow-up row, one
//!    per rule and quiet period (a unique index: a second instance's pass adds nothing). Only
//!    periods that began within `RECENT_HOURS` past the delay count: a rule set today does not
//!    write to leads that went quiet months ago.
//! 2. **due**: due rows are claimed with their leads (`FOR UPDATE SKIP LOCKED`: two instances
//!    never take the same row, nor two rows of one lead) and each is decided in the same transaction: queued for the sender as a
//!    message (marked `enviada` with it, so it is queued exactly once), postponed (quiet
//!    hours; one automatic message a lead a day), or skipped with the reason in words (the
//!    lead wrote, changed stage, opted out; the window closed on a free text…).
//!
//! Nothing here calls WhatsApp: the sender does, and never sends a message twice.

mod decide;
mod outreach;

use app::domain::flow::{FlowDefinition, Outgoing};
use app::domain::schedule::{day_start, QuietHours};
use app::server::db::SystemTx;
use app::server::templates::draft_of;
use chrono::{DateTime, Utc};
pub use decide::ANSWER_PREFIX;
use decide::{decide, Decision, Due, Reminder};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;
use uuid::Uuid;

/// How long after a rule's delay a quiet period still counts.
pub const RECENT_HOURS: i32 = 72;
/// Follow-ups one rule adds in one pass (a rule that matches more adds the rest next pass).
const RULE_BATCH: i64 = 5_000;
/// Rules read per statement of the rule pass.
const RULES_AT_ONCE: i64 = 50;
/// Rows decided per transaction.
const BATCH: i64 = 500;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub created: u64,
    pub queued: usize,
    pub postponed: usize,
    pub skipped: usize,
}

/// One pass at `now`.
pub async fn run(pool: &PgPool, now: DateTime<Utc>) -> Result<Pass, sqlx::Error> {
    let mut pass = Pass {
        created: create_follow_ups(pool, now).await?,
        ..Pass::default()
    };
    loop {
        let (queued, postponed, skipped, claimed) = deliver_batch(pool, now).await?;
        pass.queued += queued;
        pass.postponed += postponed;
        pass.skipped += skipped;
        if claimed < BATCH as usize {
            return Ok(pass);
        }
    }
}

/// Step 1: a follow-up row for each lead quiet past a rule's delay (and no longer than
/// `RECENT_HOURS` past it), with an approved template. Returns how many were added.
///
/// The rules are taken `RULES_AT_ONCE` at a time, each group in a statement of its own: one
/// statement over every rule at 1,000,000 leads (100,000 rows) ran for minutes, where groups
/// of a few thousand rows take milliseconds each.
pub async fn create_follow_ups(pool: &PgPool, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let mut created = 0;
    let mut after = Uuid::nil();
    loop {
        let rules: Vec<Uuid> = sqlx::query_scalar!(
            "select id from follow_up_rules where id > $1 order by id limit $2",
            after,
            RULES_AT_ONCE
        )
        .fetch_all(pool)
        .await?;
        let Some(last) = rules.last().copied() else {
            return Ok(created);
        };
        after = last;
        created += sqlx::query!(
            r#"insert into scheduled_messages (consultant_id, lead_id, kind, due_at, template_id,
                                              rule_id, anchor_at)
               select r.consultant_id, q.id, 'acompanhamento', $1::timestamptz, r.template_id, r.id,
                      q.anchor
                 from follow_up_rules r
                 join message_templates t on t.id = r.template_id and t.status = 'aprovado'
                 -- Per rule, a range of idx_leads_follow_up (its consultant, its stage, the
                 -- span of quiet periods that count); LIMIT keeps it a nested loop, not a hash
                 -- join over every lead, and bounds one pass (the rest follow on the next).
                 cross join lateral (
                     select l.id,
                            greatest(l.last_interaction_at, coalesce(l.stage_changed_at, l.created_at)) as anchor
                       from leads l
                      where l.consultant_id = r.consultant_id and l.status = r.stage
                        and l.opted_out_at is null
                        and l.last_interaction_at <= $1::timestamptz - make_interval(hours => r.after_hours)
                        and l.last_interaction_at > $1::timestamptz - make_interval(hours => r.after_hours + $2)
                        and coalesce(l.stage_changed_at, l.created_at)
                            <= $1::timestamptz - make_interval(hours => r.after_hours)
                        and not exists (
                            select 1 from scheduled_messages x
                             where x.lead_id = l.id and x.rule_id = r.id
                               and x.anchor_at = greatest(l.last_interaction_at,
                                                          coalesce(l.stage_changed_at, l.created_at)))
                      order by l.last_interaction_at
                      limit $3
                 ) q
                where r.id = any($4)
               on conflict (lead_id, rule_id, anchor_at) where rule_id is not null do nothing"#,
            now as _,
            RECENT_HOURS,
            RULE_BATCH,
            &rules
        )
        .execute(pool)
        .await?
        .rows_affected();
    }
}

/// Step 2, one transaction: claims up to `BATCH` due rows and decides each.
async fn deliver_batch(
    pool: &PgPool,
    now: DateTime<Utc>,
) -> Result<(usize, usize, usize, usize), sqlx::Error> {
    let mut tx = SystemTx::begin(pool).await?;
    let db: &mut PgConnection = &mut tx;
    let rows = sqlx::query!(
        r#"select s.id, s.consultant_id, s.lead_id, s.kind, s.body, s.params, s.header_params,
                  s.anchor_at as "anchor_at: DateTime<Utc>", r.stage as "rule_stage?",
                  greatest(l.last_interaction_at, coalesce(l.stage_changed_at, l.created_at))
                      as "anchor_now!: DateTime<Utc>",
                  l.status as "lead_status!", l.opted_out_at is not null as "opted_out!",
                  l.marketing_opt_out_at is not null as "marketing_off!",
                  coalesce(l.last_inbound_at > $1::timestamptz - interval '24 hours', false) as "window_open!",
                  l.name, l.profile_name, l.respostas, c.name as consultant_name,
                  c.quiet_start, c.quiet_end,
                  exists (select 1 from scheduled_messages x
                           where x.lead_id = s.lead_id and x.kind = 'acompanhamento'
                             and x.status = 'enviada' and x.sent_at >= $2::timestamptz) as "sent_today!",
                  t.name as "t_name?", t.category as "t_category?", t.status as "t_status?",
                  t.header_text, t.header_variable, t.body as "t_body?", t.footer_text,
                  t.buttons as "t_buttons?", t.variables as "t_variables?", t.header_file_id,
                  s.appointment_id, a.status as "a_status?",
                  a.starts_at as "a_starts_at?: DateTime<Utc>"
             from scheduled_messages s
             join leads l on l.id = s.lead_id
             join consultants c on c.id = s.consultant_id
             left join follow_up_rules r on r.id = s.rule_id
             left join message_templates t on t.id = s.template_id
             left join appointments a on a.id = s.appointment_id
            where s.status = 'agendada' and s.due_at <= $1
            order by s.due_at
            limit $3
              -- The lead too: two instances never decide two rows of one lead at once (the
              -- one-a-day cap holds across instances).
              for update of s, l skip locked"#,
        now as _,
        day_start(now) as _,
        BATCH
    )
    .fetch_all(&mut *db)
    .await?;
    let claimed = rows.len();
    let (mut queued, mut postponed, mut skipped) = (0, 0, 0);
    let mut flows: HashMap<Uuid, Option<FlowDefinition>> = HashMap::new();
    // Leads given an automatic message in this pass (the claim read `sent_today` before it).
    let mut sent_now: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let strings =
        |v: serde_json::Value| serde_json::from_value::<Vec<String>>(v).unwrap_or_default();
    for r in rows {
        let template = match (r.t_name, r.t_category, r.t_body) {
            (Some(name), Some(category), Some(body)) => Some((
                name.clone(),
                draft_of(
                    name,
                    &category,
                    r.header_text,
                    r.header_variable,
                    body,
                    r.footer_text,
                    r.t_buttons.unwrap_or_default(),
                    r.t_variables.unwrap_or_default(),
                    r.header_file_id,
                ),
            )),
            _ => None,
        };
        let due = Due {
            id: r.id,
            consultant_id: r.consultant_id,
            lead_id: r.lead_id,
            // A reminder is automatic too: the quiet hours apply to it.
            automatic: r.kind == "acompanhamento" || r.kind == "lembrete",
            body: r.body,
            params: strings(r.params),
            header_params: strings(r.header_params),
            rule_stage: r.rule_stage,
            anchor_at: r.anchor_at,
            anchor_now: r.anchor_now,
            lead_status: r.lead_status,
            opted_out: r.opted_out,
            marketing_off: r.marketing_off,
            window_open: r.window_open,
            quiet: QuietHours::new(r.quiet_start, r.quiet_end),
            sent_today: r.sent_today || sent_now.contains(&r.lead_id),
            template,
            template_status: r.t_status,
            name: r.name.or(r.profile_name),
            consultant_name: r.consultant_name,
            answers: r.respostas,
            reminder: match (r.appointment_id, r.a_status, r.a_starts_at) {
                (Some(appointment), Some(status), Some(starts_at)) => Some(Reminder {
                    appointment,
                    status,
                    starts_at,
                }),
                _ => None,
            },
        };
        // A follow-up's values come from the lead now (with the labels of the live flow).
        let def = if due.automatic && due.params.is_empty() {
            if let std::collections::hash_map::Entry::Vacant(slot) = flows.entry(due.consultant_id)
            {
                let def = app::server::shared_reads::live_flow(&mut *db, due.consultant_id)
                    .await?
                    .and_then(|(_, d)| serde_json::from_value(d).ok());
                slot.insert(def);
            }
            flows.get(&due.consultant_id).and_then(Option::as_ref)
        } else {
            None
        };
        match decide(&due, def, now) {
            Decision::Send(message) => {
                // A lead who never wrote gets a conversation now (a template reaches them).
                let conversation =
                    outreach::conversation_for(db, due.consultant_id, due.lead_id).await?;
                let Some(conversation) = conversation else {
                    skip(db, due.id, "nenhum fluxo ativo: ative um fluxo em Fluxos").await?;
                    skipped += 1;
                    continue;
                };
                let (kind, by) = match &message {
                    Outgoing::Template { .. } => (
                        "template",
                        match (&due.reminder, due.automatic) {
                            (Some(_), _) => "reminder",
                            (None, true) => "follow_up",
                            (None, false) => "schedule",
                        },
                    ),
                    _ => ("text", "schedule"),
                };
                let mut payload =
                    serde_json::to_value(&message).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
                payload["by"] = serde_json::json!(by);
                // What Meta will bill it as (its status webhook may correct it): a template's
                // category; a text inside the window is a free service reply.
                let category = due
                    .template
                    .as_ref()
                    .map(|(_, d)| d.category.as_str())
                    .unwrap_or("service");
                let message_id = sqlx::query_scalar!(
                    "insert into messages (consultant_id, conversation_id, direction, content,
                                           message_type, status, payload, billing_category,
                                           billable)
                     values ($1, $2, 'outbound', $3, $4, 'pending', $5, $6::varchar, $6::varchar <> 'service')
                     returning id",
                    due.consultant_id,
                    conversation,
                    message.as_text(),
                    kind,
                    payload,
                    category
                )
                .fetch_one(&mut *db)
                .await?;
                sqlx::query!(
                    "update scheduled_messages
                        set status = 'enviada', message_id = $2, sent_at = $3, outcome = null
                      where id = $1",
                    due.id,
                    message_id,
                    now as _
                )
                .execute(&mut *db)
                .await?;
                queued += 1;
                // Only follow-ups count toward the one-a-day cap.
                if due.automatic && due.reminder.is_none() {
                    sent_now.insert(due.lead_id);
                }
            }
            Decision::Later(at) => {
                sqlx::query!(
                    "update scheduled_messages set due_at = $2 where id = $1",
                    due.id,
                    at as _
                )
                .execute(&mut *db)
                .await?;
                postponed += 1;
            }
            Decision::Skip(why) => {
                skip(db, due.id, &why).await?;
                skipped += 1;
            }
        }
    }
    tx.commit().await?;
    Ok((queued, postponed, skipped, claimed))
}

async fn skip(db: &mut PgConnection, id: Uuid, why: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update scheduled_messages set status = 'pulada', outcome = $2 where id = $1",
        id,
        why
    )
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests;
