//! A flow's comparison offers (`comparison_offers`), through the tenant door.

use super::db::TenantTx;
use crate::domain::comparison::Offer;
use uuid::Uuid;

pub struct Stored {
    pub title: String,
    pub enabled: bool,
    pub offers: Vec<Offer>,
}

/// Whether the flow is the consultant's own (a template is nobody's to set offers on).
pub async fn own_flow(t: &mut TenantTx, flow: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        r#"select exists (select 1 from flows where id = $1 and created_by = $2
                                              and not coalesce(is_template, false)) as "own!""#,
        flow,
        consultant
    )
    .fetch_one(db)
    .await
}

pub async fn get(t: &mut TenantTx, flow: Uuid) -> Result<Option<Stored>, sqlx::Error> {
    let (db, consultant) = t.split();
    let row = sqlx::query!(
        "select title, enabled, offers from comparison_offers where flow_id = $1 and consultant_id = $2",
        flow,
        consultant
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Stored {
        title: r.title,
        enabled: r.enabled,
        offers: serde_json::from_value(r.offers).unwrap_or_default(),
    }))
}

pub async fn save(t: &mut TenantTx, flow: Uuid, s: &Stored) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "insert into comparison_offers (flow_id, consultant_id, enabled, title, offers)
         values ($1, $2, $3, $4, $5)
         on conflict (flow_id) do update
            set enabled = excluded.enabled, title = excluded.title, offers = excluded.offers,
                updated_at = now()",
        flow,
        consultant,
        s.enabled,
        s.title,
        serde_json::to_value(&s.offers).unwrap_or_default()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The options of the flow's choice steps (value, "question: label"), for "only for".
pub async fn choices(t: &mut TenantTx, flow: Uuid) -> Result<Vec<(String, String)>, sqlx::Error> {
    let (db, consultant) = t.split();
    let def = sqlx::query_scalar!(
        "select coalesce(draft, definition) from flows where id = $1 and created_by = $2",
        flow,
        consultant
    )
    .fetch_optional(db)
    .await?
    .flatten();
    let Some(def) =
        def.and_then(|d| serde_json::from_value::<crate::domain::flow::FlowDefinition>(d).ok())
    else {
        return Ok(Vec::new());
    };
    Ok(def
        .etapas
        .iter()
        .flat_map(|s| {
            s.opcoes
                .iter()
                .map(move |o| (o.valor.clone(), format!("{}: {}", s.id, o.rotulo)))
        })
        .collect())
}

/// The consultant as the image shows them: name, registration, photo (type, bytes).
pub async fn consultant(
    t: &mut TenantTx,
) -> Result<(String, Option<String>, Option<(String, Vec<u8>)>), sqlx::Error> {
    let (db, consultant) = t.split();
    let r = sqlx::query!(
        r#"select c.name, c.crm_number, p.content_type as "photo_type?", p.bytes as "photo?"
             from consultants c left join consultant_photos p on p.consultant_id = c.id
            where c.id = $1"#,
        consultant
    )
    .fetch_one(db)
    .await?;
    Ok((r.name, r.crm_number, r.photo_type.zip(r.photo)))
}
