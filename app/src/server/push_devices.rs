//! Settings › "Notificações no celular": the consultant's devices subscribed to Web Push and
//! which kinds of notification they want, in the caller's tenant transaction; a browser's
//! subscription is recorded with [`subscribe`]. What is queued and sent is
//! `consultor::intake::push` and `consultor::push`.

use super::db::{SystemTx, TenantTx};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

pub struct DeviceRow {
    pub id: Uuid,
    pub device: String,
    pub created_at: DateTime<Utc>,
    pub last_sent_at: Option<DateTime<Utc>>,
}

pub async fn list(t: &mut TenantTx) -> Result<Vec<DeviceRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        DeviceRow,
        r#"select id, device, created_at as "created_at: DateTime<Utc>",
                  last_sent_at as "last_sent_at: DateTime<Utc>"
             from push_subscriptions where consultant_id = $1
            order by created_at desc"#,
        consultant
    )
    .fetch_all(db)
    .await
}

/// Which kinds the consultant wants: (lead quente, lead respondeu, agendamento em 1 hora).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds {
    pub hot_lead: bool,
    pub lead_replied: bool,
    pub appointment: bool,
}

pub async fn kinds(t: &mut TenantTx) -> Result<Kinds, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        Kinds,
        r#"select push_hot_lead as hot_lead, push_lead_replied as lead_replied,
                  push_appointment as appointment
             from consultants where id = $1"#,
        consultant
    )
    .fetch_one(db)
    .await
}

pub async fn set_kinds(t: &mut TenantTx, k: Kinds) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update consultants set push_hot_lead = $2, push_lead_replied = $3, push_appointment = $4
          where id = $1",
        consultant,
        k.hot_lead,
        k.lead_replied,
        k.appointment
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Stops notifying one device; `false` when it is not the consultant's.
pub async fn remove(t: &mut TenantTx, id: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let gone = sqlx::query!(
        "delete from push_subscriptions where id = $1 and consultant_id = $2",
        id,
        consultant
    )
    .execute(db)
    .await?;
    Ok(gone.rows_affected() == 1)
}

/// Queues a test notification for each device ("Enviar um teste"); how many.
pub async fn queue_test(t: &mut TenantTx) -> Result<u64, sqlx::Error> {
    let (db, consultant) = t.split();
    let queued = sqlx::query!(
        "insert into push_messages (consultant_id, subscription_id, kind, dedupe_key, title, body, url)
         select $1, id, 'teste', 'teste:' || gen_random_uuid(), 'Consultor: teste',
                'As notificações chegam neste aparelho.', '/configuracoes#notificacoes'
           from push_subscriptions where consultant_id = $1",
        consultant
    )
    .execute(db)
    .await?;
    Ok(queued.rows_affected())
}

/// A browser's subscription, as its service worker gave it.
pub struct Subscription<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub device: &'a str,
}

/// Records the browser's subscription for `consultant` (its keys refreshed if it was known).
///
/// The privileged path, on purpose: the endpoint identifies the browser, not the account,
/// and on a shared computer the browser that notified one consultant now belongs to another
/// who signed in there; row-level security would hide the first one's row, and the second
/// subscription would fail on the unique endpoint. The row moves to whoever subscribed last.
pub async fn subscribe(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    s: &Subscription<'_>,
) -> Result<(), sqlx::Error> {
    let db: &mut PgConnection = sys;
    sqlx::query!(
        "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth, device)
         values ($1, $2, $3, $4, $5)
         on conflict (endpoint) do update
            set consultant_id = excluded.consultant_id, p256dh = excluded.p256dh,
                auth = excluded.auth, device = excluded.device,
                created_at = case when push_subscriptions.consultant_id = excluded.consultant_id
                                  then push_subscriptions.created_at else now() end",
        consultant,
        s.endpoint,
        s.p256dh,
        s.auth,
        s.device
    )
    .execute(db)
    .await?;
    Ok(())
}
