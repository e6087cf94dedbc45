//! The consultant's side of messages that leave later: a lead's scheduled sends (listed,
//! added, cancelled), the follow-up rules and the quiet hours. The scheduler
//! (`consultor::jobs::scheduler`) sends them on the system path.

use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub struct ScheduledRow {
    pub id: Uuid,
    pub kind: String,
    pub due_at: DateTime<Utc>,
    pub body: Option<String>,
    pub template_name: Option<String>,
    pub status: String,
    pub outcome: Option<String>,
}

/// A lead's scheduled messages, the coming ones first, then the latest others.
pub async fn for_lead(t: &mut TenantTx, lead: Uuid) -> Result<Vec<ScheduledRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        ScheduledRow,
        r#"select s.id, s.kind, s.due_at as "due_at: DateTime<Utc>", s.body,
                  t.name as "template_name?", s.status, s.outcome
             from scheduled_messages s
             left join message_templates t on t.id = s.template_id
            where s.consultant_id = $1 and s.lead_id = $2
            order by s.due_at desc
            limit 20"#,
        consultant,
        lead
    )
    .fetch_all(db)
    .await
}

/// What a scheduled send carries: free text, or a template with its values.
pub enum Content<'a> {
    Text(&'a str),
    Template {
        id: Uuid,
        params: &'a [String],
        header: &'a [String],
    },
}

/// Schedules a send; `None` when this form was used already (a double tap).
pub async fn add(
    t: &mut TenantTx,
    lead: Uuid,
    due_at: DateTime<Utc>,
    content: Content<'_>,
    form_token: Option<Uuid>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let (db, consultant) = t.split();
    let (body, template, params, header) = match content {
        Content::Text(b) => (Some(b), None, serde_json::json!([]), serde_json::json!([])),
        Content::Template { id, params, header } => (
            None,
            Some(id),
            serde_json::json!(params),
            serde_json::json!(header),
        ),
    };
    sqlx::query_scalar!(
        "insert into scheduled_messages (consultant_id, lead_id, kind, due_at, body, template_id,
                                         params, header_params, form_token)
         values ($1, $2, 'agendada', $3, $4, $5, $6, $7, $8)
         on conflict (consultant_id, form_token) where form_token is not null do nothing
         returning id",
        consultant,
        lead,
        due_at as _,
        body,
        template,
        params,
        header,
        form_token
    )
    .fetch_optional(db)
    .await
}

/// Cancels a send that has not left; `false` when it had (or was cancelled) already.
pub async fn cancel(t: &mut TenantTx, lead: Uuid, id: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    Ok(sqlx::query!(
        "update scheduled_messages set status = 'cancelada', outcome = 'cancelada por você'
          where consultant_id = $1 and lead_id = $2 and id = $3 and status = 'agendada'",
        consultant,
        lead,
        id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

pub struct RuleRow {
    pub id: Uuid,
    pub stage: String,
    pub after_hours: i32,
    pub template_name: String,
    pub template_status: String,
}

pub async fn rules(t: &mut TenantTx) -> Result<Vec<RuleRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        RuleRow,
        r#"select r.id, r.stage, r.after_hours, t.name as template_name,
                  t.status as template_status
             from follow_up_rules r join message_templates t on t.id = r.template_id
            where r.consultant_id = $1
            order by array_position(array['novo','em_contato','agendado']::varchar[], r.stage),
                     r.after_hours"#,
        consultant
    )
    .fetch_all(db)
    .await
}

pub async fn add_rule(
    t: &mut TenantTx,
    stage: &str,
    after_hours: i32,
    template: Uuid,
) -> Result<Uuid, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        "insert into follow_up_rules (consultant_id, stage, after_hours, template_id)
         values ($1, $2, $3, $4) returning id",
        consultant,
        stage,
        after_hours,
        template
    )
    .fetch_one(db)
    .await
}

pub async fn delete_rule(t: &mut TenantTx, id: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    Ok(sqlx::query!(
        "delete from follow_up_rules where consultant_id = $1 and id = $2",
        consultant,
        id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// The quiet hours: (start, end).
pub async fn quiet_hours(t: &mut TenantTx) -> Result<(i16, i16), sqlx::Error> {
    let (db, consultant) = t.split();
    let r = sqlx::query!(
        "select quiet_start, quiet_end from consultants where id = $1",
        consultant
    )
    .fetch_one(db)
    .await?;
    Ok((r.quiet_start, r.quiet_end))
}

pub async fn set_quiet_hours(t: &mut TenantTx, start: i16, end: i16) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update consultants set quiet_start = $2, quiet_end = $3 where id = $1",
        consultant,
        start,
        end
    )
    .execute(db)
    .await?;
    Ok(())
}
