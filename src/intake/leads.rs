//! What the intake writes of a lead: finding or creating them from a WhatsApp identity, the
//! monthly plan limit, their answers and their consent.

use app::server::db::SystemTx;

use sqlx::PgConnection;
use uuid::Uuid;

/// Who wrote on WhatsApp: a number (canonical, with the ninth digit), WhatsApp's id for it
/// (where replies go), and the business-scoped user id; one of number and user id at least.
pub struct WhatsAppSender<'a> {
    pub number: Option<&'a str>,
    pub wa_id: Option<&'a str>,
    pub user_id: Option<&'a str>,
    pub profile_name: Option<&'a str>,
}

/// The lead a message came from, as the turn needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboundLead {
    pub id: Uuid,
    /// Created by this message.
    pub created: bool,
    /// Wrote SAIR (or the like) and not VOLTAR since.
    pub opted_out: bool,
    /// A privacy notice went out that the lead has not yet written after.
    pub awaiting_ack: bool,
}

/// Finds the lead by either identity, or creates it, with where it stands on consent (read
/// in the same statement: this runs for every message). A lead first known by its user id
/// gets its number when one arrives, and the other way round, so one person stays one lead.
pub async fn upsert_from_whatsapp(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    who: &WhatsAppSender<'_>,
    metadata: serde_json::Value,
) -> Result<InboundLead, sqlx::Error> {
    let db: &mut PgConnection = sys;
    if let Some(user_id) = who.user_id {
        // Known by the user id: takes the number if it has none yet (and no other lead of
        // this consultant has it).
        let known = sqlx::query!(
            r#"update leads l
                  set whatsapp_number = coalesce(l.whatsapp_number,
                          (select $3::varchar where not exists (
                               select 1 from leads o
                                where o.consultant_id = $1 and o.whatsapp_number = $3))),
                      whatsapp_id = coalesce($4, l.whatsapp_id),
                      profile_name = coalesce($5, l.profile_name),
                      metadata = l.metadata || $6,
                      last_interaction_at = now(),
                      last_inbound_at = now()
                where l.consultant_id = $1 and l.whatsapp_user_id = $2
            returning l.id, (l.opted_out_at is not null) as "opted_out!",
                      (l.privacy_notice_at is not null and l.privacy_ack_at is null) as "awaiting_ack!""#,
            consultant,
            user_id,
            who.number,
            who.wa_id,
            who.profile_name,
            metadata
        )
        .fetch_optional(&mut *db)
        .await?;
        if let Some(r) = known {
            return Ok(InboundLead {
                id: r.id,
                created: false,
                opted_out: r.opted_out,
                awaiting_ack: r.awaiting_ack,
            });
        }
    }
    let lead = match who.number {
        Some(number) => {
            sqlx::query!(
                r#"insert into leads (consultant_id, whatsapp_number, whatsapp_id, whatsapp_user_id,
                                      profile_name, metadata, last_inbound_at)
                   values ($1, $2, $3, $4, $5, $6, now())
                   on conflict (consultant_id, whatsapp_number) do update
                      set whatsapp_id = coalesce(excluded.whatsapp_id, leads.whatsapp_id),
                          whatsapp_user_id = coalesce(leads.whatsapp_user_id, excluded.whatsapp_user_id),
                          profile_name = coalesce(excluded.profile_name, leads.profile_name),
                          metadata = leads.metadata || excluded.metadata,
                          last_interaction_at = now(),
                          last_inbound_at = now()
                   returning id, (xmax = 0) as "inserted!",
                             (opted_out_at is not null) as "opted_out!",
                             (privacy_notice_at is not null and privacy_ack_at is null) as "awaiting_ack!""#,
                consultant,
                number,
                who.wa_id,
                who.user_id,
                who.profile_name,
                metadata
            )
            .fetch_one(db)
            .await
            .map(|r| InboundLead {
                id: r.id,
                created: r.inserted,
                opted_out: r.opted_out,
                awaiting_ack: r.awaiting_ack,
            })?
        }
        None => {
            sqlx::query!(
                r#"insert into leads (consultant_id, whatsapp_user_id, profile_name, metadata, last_inbound_at)
                   values ($1, $2, $3, $4, now())
                   on conflict (consultant_id, whatsapp_user_id) where whatsapp_user_id is not null
                   do update
                      set profile_name = coalesce(excluded.profile_name, leads.profile_name),
                          metadata = leads.metadata || excluded.metadata,
                          last_interaction_at = now(),
                          last_inbound_at = now()
                   returning id, (xmax = 0) as "inserted!",
                             (opted_out_at is not null) as "opted_out!",
                             (privacy_notice_at is not null and privacy_ack_at is null) as "awaiting_ack!""#,
                consultant,
                who.user_id,
                who.profile_name,
                metadata
            )
            .fetch_one(db)
            .await
            .map(|r| InboundLead {
                id: r.id,
                created: r.inserted,
                opted_out: r.opted_out,
                awaiting_ack: r.awaiting_ack,
            })?
        }
    };
    Ok(lead)
}

/// Whether a new lead is over the consultant's monthly limit (by tier; an expired
/// subscription counts as free; São Paulo months). An over-limit lead is flagged in its
/// metadata, never dropped.
pub async fn flag_if_over_monthly_limit(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    lead: Uuid,
) -> Result<bool, sqlx::Error> {
    let db: &mut PgConnection = sys;
    // Counts at most limit + 1 leads (a range scan of idx_leads_consultant_created): the
    // cost stays flat however many leads the month already has.
    let over = sqlx::query_scalar!(
        r#"with lim as (
               select case
                   when subscription_tier = 'agency' and coalesce(subscription_expires_at > now(), true) then 1000
                   when subscription_tier = 'pro' and coalesce(subscription_expires_at > now(), true) then 200
                   else 20
               end as n
               from consultants where id = $1
           )
           select coalesce(count(*) > (select n from lim), false) as "over!"
             from (select 1 from leads
                    where consultant_id = $1
                      and created_at >= date_trunc('month', now() at time zone 'America/Sao_Paulo')
                                        at time zone 'America/Sao_Paulo'
                    limit (select n + 1 from lim)) as this_month"#,
        consultant
    )
    .fetch_one(&mut *db)
    .await?;
    if over {
        sqlx::query!(
            "update leads set metadata = metadata || '{\"over_limit\": true}' where id = $1",
            lead
        )
        .execute(&mut *db)
        .await?;
    }
    Ok(over)
}

/// Stores one answer of the flow (the `nome` step also names the lead).
pub async fn record_answer(
    sys: &mut SystemTx<'_>,
    lead: Uuid,
    step: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        "update leads
            set respostas = coalesce(respostas, '{}') || jsonb_build_object($2::text, $3::text),
                name = case when $2 = 'nome' then left($3, 100) else name end,
                -- A summary already written is written again from the new answers.
                summary_due_at = case when summary is not null then now() else summary_due_at end
          where id = $1",
        lead,
        step,
        value
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Records what a turn changed of the lead's consent: opted out or back in, the privacy
/// notice sent, the notice acknowledged (the lead wrote again after it).
pub async fn record_consent(
    sys: &mut SystemTx<'_>,
    lead: Uuid,
    change: Option<app::domain::consent::Keyword>,
    notice_sent: bool,
    acknowledged: bool,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    use app::domain::consent::Keyword;
    if change.is_none() && !notice_sent && !acknowledged {
        return Ok(());
    }
    sqlx::query!(
        "update leads
            set opted_out_at = case $2::text when 'stop' then coalesce(opted_out_at, now())
                                             when 'resume' then null else opted_out_at end,
                privacy_notice_at = case when $3 then coalesce(privacy_notice_at, now())
                                         else privacy_notice_at end,
                privacy_ack_at = case when $4 then coalesce(privacy_ack_at, now())
                                      else privacy_ack_at end
          where id = $1",
        lead,
        match change {
            Some(Keyword::Stop) => Some("stop"),
            Some(Keyword::Resume) => Some("resume"),
            None => None,
        },
        notice_sent,
        acknowledged
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The flow a new conversation of `consultant` runs: their own live flow, else their
/// vertical's live template.
pub async fn live_flow(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
) -> Result<Option<(Uuid, serde_json::Value)>, sqlx::Error> {
    app::server::shared_reads::live_flow(sys, consultant).await
}

/// The lead finished the flow: the summaries job writes its summary.
pub async fn request_summary(sys: &mut SystemTx<'_>, lead: Uuid) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        "update leads set summary_due_at = now() where id = $1",
        lead
    )
    .execute(db)
    .await?;
    Ok(())
}
