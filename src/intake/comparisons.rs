//! A completed flow whose offers are set (`comparison_offers`) owes its lead a comparison
//! image: queued here, in the transaction that completes the flow, once per conversation; the
//! comparisons job draws and sends it after (`jobs::comparisons`).

use app::server::db::SystemTx;
use sqlx::PgConnection;
use uuid::Uuid;

/// The template of the image the job draws (`src/comparison`), kept with each row.
pub const TEMPLATE: &str = "comparativo-v1";

/// Queues the image for this conversation if its flow has offers; `true` when queued now.
pub async fn request(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    lead: Uuid,
    conversation: Uuid,
    flow: Uuid,
) -> Result<bool, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let queued = sqlx::query!(
        "insert into generated_images (lead_id, consultant_id, template_id, template_data, image_url,
                                       status, conversation_id)
         select $2, $1, $5, '{}', '', 'pendente', $3
           from comparison_offers o
          where o.flow_id = $4 and o.consultant_id = $1 and o.enabled
            and jsonb_array_length(o.offers) > 0
         on conflict (conversation_id, template_id) where conversation_id is not null do nothing",
        consultant,
        lead,
        conversation,
        flow,
        TEMPLATE
    )
    .execute(db)
    .await?;
    Ok(queued.rows_affected() == 1)
}
