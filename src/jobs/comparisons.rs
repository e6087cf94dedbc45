//! Draws the comparison images completed flows queued (`intake::comparisons`) and sends them:
//! each row is claimed by a leased timestamp, its inputs read, the image drawn on a blocking
//! thread (CPU work, no transaction open), then stored as one of the consultant's files, its
//! row completed and the message queued, in one transaction. A lead who opted out meanwhile
//! gets nothing; an image that cannot be drawn is marked with why, never retried.

use crate::comparison::{self, Comparison, Offer};
use crate::intake::comparisons::TEMPLATE;
use app::domain::comparison::{for_lead, Offer as StoredOffer};
use app::domain::flow::{ConversationState, Outgoing};
use sqlx::PgPool;
use uuid::Uuid;

/// Longer than drawing one image takes on a loaded machine.
const CLAIM_LEASE_SECS: f64 = 120.0;

/// The caption the lead reads under the image.
pub const CAPTION: &str =
    "Preparei este comparativo para você. Qualquer dúvida, é só responder por aqui.";

/// Draws and queues every image waiting; returns how many it handled.
pub async fn render_pending(pool: &PgPool) -> Result<usize, sqlx::Error> {
    let mut handled = 0;
    loop {
        let claimed = sqlx::query!(
            r#"update generated_images set claimed_at = now()
                where id = (select id from generated_images
                             where status = 'pendente'
                               and (claimed_at is null
                                    or claimed_at < now() - make_interval(secs => $1))
                             order by created_at
                             limit 1
                             for update skip locked)
            returning id, consultant_id, conversation_id as "conversation_id!""#,
            CLAIM_LEASE_SECS
        )
        .fetch_optional(pool)
        .await?;
        let Some(row) = claimed else {
            return Ok(handled);
        };
        handled += 1;
        let drawn = match inputs(pool, row.conversation_id).await? {
            None => Err("o fluxo não tem mais opções para o comparativo".to_string()),
            Some(input) => {
                let for_render = input.clone();
                tokio::task::spawn_blocking(move || comparison::render(&for_render))
                    .await
                    .unwrap_or_else(|e| Err(format!("o desenho parou: {e}")))
                    .map(|r| (input, r))
            }
        };
        match drawn {
            Ok((input, image)) => {
                store_and_queue(
                    pool,
                    row.id,
                    row.consultant_id,
                    row.conversation_id,
                    &input,
                    image,
                )
                .await?
            }
            Err(why) => {
                tracing::warn!(image = %row.id, %why, "comparison image not drawn");
                sqlx::query!(
                    "update generated_images set status = 'falhou', error = $2 where id = $1",
                    row.id,
                    why
                )
                .execute(pool)
                .await?;
            }
        }
    }
}

/// What the image of this conversation is made of, as things are now (`None`: the flow has
/// no offers any more).
async fn inputs(pool: &PgPool, conversation: Uuid) -> Result<Option<Comparison>, sqlx::Error> {
    let r = sqlx::query!(
        r#"select c.id as consultant_id, c.name as consultant_name, c.crm_number, p.content_type as "photo_type?",
                  p.bytes as "photo?", o.title as "title?", o.offers as "offers?",
                  coalesce(l.name, l.profile_name) as lead_name, cv.state,
                  coalesce(v.definition, f.definition) as "definition!"
             from conversations cv
             join consultants c on c.id = cv.consultant_id
             join leads l on l.id = cv.lead_id and l.consultant_id = cv.consultant_id
             join flows f on f.id = cv.flow_id
             left join flow_versions v on v.flow_id = cv.flow_id and v.version = cv.flow_version
             left join consultant_photos p on p.consultant_id = c.id
             left join comparison_offers o on o.flow_id = cv.flow_id and o.consultant_id = cv.consultant_id
            where cv.id = $1"#,
        conversation
    )
    .fetch_one(pool)
    .await?;
    let offers: Vec<StoredOffer> = r
        .offers
        .and_then(|o| serde_json::from_value(o).ok())
        .unwrap_or_default();
    let state: ConversationState = r
        .state
        .and_then(|s| serde_json::from_value(s).ok())
        .unwrap_or_default();
    let answered: Vec<&str> = state.answers.values().map(String::as_str).collect();
    let chosen = for_lead(&offers, &answered);
    if chosen.is_empty() {
        return Ok(None);
    }
    let def = app::domain::flow::parse_and_validate(&r.definition).ok();
    let answers = app::domain::lead_answers::labelled(def.as_ref(), &state.answers)
        .into_iter()
        .filter(|a| a.step != "nome")
        .map(|a| (question_label(&a.step), a.label))
        .collect();
    Ok(Some(Comparison {
        consultant_name: r.consultant_name,
        registration: r.crm_number,
        photo: r.photo_type.zip(r.photo),
        title: r.title.unwrap_or_default(),
        lead_name: r
            .lead_name
            .map(|n| app::domain::person_name::first_name(&n).to_string()),
        answers,
        offers: with_photos(pool, r.consultant_id, chosen).await?,
    }))
}

/// The offers as drawn, each with its library photo's bytes (a photo taken out of the library
/// since is simply not drawn).
async fn with_photos(
    pool: &PgPool,
    consultant: Uuid,
    chosen: Vec<&StoredOffer>,
) -> Result<Vec<Offer>, sqlx::Error> {
    let mut out = Vec::with_capacity(chosen.len());
    for o in chosen {
        let photo = match o.foto.parse::<Uuid>() {
            Ok(id) => sqlx::query!(
                "select mime_type, bytes from consultant_files
                  where id = $1 and consultant_id = $2 and kind = 'image' and in_library",
                id,
                consultant
            )
            .fetch_optional(pool)
            .await?
            .map(|f| (f.mime_type, f.bytes)),
            Err(_) => None,
        };
        out.push(Offer {
            name: o.nome.clone(),
            price: o.preco.clone(),
            details: o.detalhes.clone(),
            photo_file: photo.as_ref().map(|_| o.foto.clone()),
            photo,
        });
    }
    Ok(out)
}

/// A step's id as a short label: "faixa_etaria" → "Faixa etaria".
fn question_label(step: &str) -> String {
    let words = step.replace(['_', '-'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Keeps the image as the consultant's file, completes its row and queues it for the lead (not
/// to one who opted out since), in one transaction.
async fn store_and_queue(
    pool: &PgPool,
    image: Uuid,
    consultant: Uuid,
    conversation: Uuid,
    input: &Comparison,
    drawn: comparison::Rendered,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let file: Uuid = sqlx::query_scalar!(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes)
         values ($1, 'comparativo.png', 'image/png', 'image', $2, $3)
         returning id",
        consultant,
        drawn.png.len() as i32,
        &drawn.png
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "update generated_images
            set status = 'pronta', file_id = $2, image_url = '/arquivos/' || $2::uuid::text,
                template_data = $3, file_size_bytes = $4, generation_time_ms = $5,
                width = $6, height = $7, template_id = $8
          where id = $1",
        image,
        file,
        serde_json::to_value(input).unwrap_or_default(),
        drawn.png.len() as i32,
        drawn.millis as i32,
        drawn.width as i32,
        drawn.height as i32,
        TEMPLATE
    )
    .execute(&mut *tx)
    .await?;
    let message = Outgoing::File {
        file: file.to_string(),
        media: "image".into(),
        name: "comparativo.png".into(),
        caption: Some(CAPTION.into()),
    };
    sqlx::query!(
        "insert into messages (consultant_id, conversation_id, direction, content, message_type,
                               status, payload)
         select $1, $2, 'outbound', $3, 'image', 'pending', $4
           from conversations cv join leads l on l.id = cv.lead_id
          where cv.id = $2 and l.opted_out_at is null",
        consultant,
        conversation,
        message.as_text(),
        serde_json::to_value(&message).unwrap_or_default()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}
