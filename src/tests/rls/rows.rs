//! The rows the isolation tests climb over: one of consultant A's in every tenant table, and
//! the statements (read, update, delete, insert for A) that consultant B tries on each.

use sqlx::PgPool;
use uuid::Uuid;

/// One row of consultant A's in every tenant table; returns (table, row id) pairs.
pub(super) async fn seed_tenant(pool: &PgPool, a: Uuid) -> Vec<(&'static str, Uuid)> {
    let lead: Uuid = sqlx::query_scalar(
        "insert into leads (consultant_id, whatsapp_number, name) values ($1, '+5511900000001', 'Lead A') returning id",
    )
    .bind(a)
    .fetch_one(pool)
    .await
    .unwrap();
    let flow: Uuid = sqlx::query_scalar(
        "insert into flows (name, vertical, definition, created_by) values ('Fluxo A', 'health_plans', '{\"etapas\": []}', $1) returning id",
    )
    .bind(a)
    .fetch_one(pool)
    .await
    .unwrap();
    let conversation: Uuid = sqlx::query_scalar(
        "insert into conversations (lead_id, flow_id) values ($1, $2) returning id",
    )
    .bind(lead)
    .bind(flow)
    .fetch_one(pool)
    .await
    .unwrap();
    let message: Uuid = sqlx::query_scalar(
        "insert into messages (conversation_id, direction, content) values ($1, 'inbound', 'oi') returning id",
    )
    .bind(conversation)
    .fetch_one(pool)
    .await
    .unwrap();
    let ai: Uuid = sqlx::query_scalar(
        "insert into ai_responses (lead_id, conversation_id, prompt, response, model) values ($1, $2, 'p', 'r', 'm') returning id",
    )
    .bind(lead)
    .bind(conversation)
    .fetch_one(pool)
    .await
    .unwrap();
    let image: Uuid = sqlx::query_scalar(
        "insert into generated_images (lead_id, consultant_id, template_id, template_data, image_url) values ($1, $2, 't', '{}', 'u') returning id",
    )
    .bind(lead)
    .bind(a)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into consultant_photos (consultant_id, content_type, bytes) values ($1, 'image/png', '\\x89504e47')",
    )
    .bind(a)
    .execute(pool)
    .await
    .unwrap();
    let history: Uuid = sqlx::query_scalar(
        "insert into lead_status_history (consultant_id, lead_id, from_status, to_status, changed_by)
         values ($1, $2, 'novo', 'em_contato', $1) returning id",
    )
    .bind(a)
    .bind(lead)
    .fetch_one(pool)
    .await
    .unwrap();
    let note: Uuid = sqlx::query_scalar(
        "insert into lead_notes (consultant_id, lead_id, body) values ($1, $2, 'nota') returning id",
    )
    .bind(a)
    .bind(lead)
    .fetch_one(pool)
    .await
    .unwrap();
    let appointment: Uuid = sqlx::query_scalar(
        "insert into appointments (consultant_id, lead_id, starts_at, place) values ($1, $2, now() + interval '1 day', 'Rua A') returning id",
    )
    .bind(a)
    .bind(lead)
    .fetch_one(pool)
    .await
    .unwrap();
    let device: Uuid = sqlx::query_scalar(
        "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth)
         values ($1, 'https://push.exemplo/' || $1, repeat('B', 87), repeat('a', 22)) returning id",
    )
    .bind(a)
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into push_messages (consultant_id, subscription_id, kind, dedupe_key, title, body, url)
         values ($1, $2, 'lead_quente', 'lead_quente:a', 'Lead quente: Lead A', 'x', '/leads')",
    )
    .bind(a)
    .bind(device)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "insert into conversion_events (consultant_id, lead_id, trigger, event_name, ctwa_clid)
         values ($1, $2, 'fechado', 'Purchase', 'clid-a')",
    )
    .bind(a)
    .bind(lead)
    .execute(pool)
    .await
    .unwrap();
    vec![
        ("push_subscriptions", device),
        ("lead_status_history", history),
        ("lead_notes", note),
        ("appointments", appointment),
        ("consultants", a),
        ("leads", lead),
        ("flows", flow),
        ("conversations", conversation),
        ("messages", message),
        ("ai_responses", ai),
        ("generated_images", image),
        ("consultant_photos", a),
    ]
}

pub(super) fn key_column(table: &str) -> &'static str {
    if table == "consultant_photos" {
        "consultant_id"
    } else {
        "id"
    }
}

/// An UPDATE that touches a harmless column of each table.
pub(super) fn update_sql(table: &str) -> String {
    let set = match table {
        "consultants" => "name = 'invadido'",
        "leads" => "name = 'invadido'",
        "flows" => "name = 'invadido'",
        "conversations" => "current_step = 'invadido'",
        "messages" => "content = 'invadido'",
        "ai_responses" => "response = 'invadido'",
        "generated_images" => "image_url = 'invadido'",
        "consultant_photos" => "content_type = 'image/jpeg'",
        "lead_status_history" => "reason = 'invadido'",
        "lead_notes" => "body = 'invadido'",
        "appointments" => "place = 'invadido'",
        "push_subscriptions" => "device = 'invadido'",
        _ => unreachable!(),
    };
    format!("update {table} set {set} where {} = $1", key_column(table))
}

/// An INSERT of a row that would belong to consultant A (ids from `rows`).
pub(super) fn insert_for_a(table: &str, rows: &[(&str, Uuid)]) -> (String, Uuid) {
    let id = |t: &str| rows.iter().find(|(n, _)| *n == t).unwrap().1;
    match table {
        "consultants" => (
            "insert into consultants (id, email, password_hash, name, whatsapp_number, vertical, slug)
             values ($1, 'x@x.com', 'x', 'X', '+5511912345678', 'health_plans', 'x-x-x')".into(),
            Uuid::new_v4(),
        ),
        "leads" => (
            "insert into leads (consultant_id, whatsapp_number) values ($1, '+5511900000099')".into(),
            id("consultants"),
        ),
        "flows" => (
            "insert into flows (name, vertical, definition, created_by) values ('f', 'health_plans', '{}', $1)".into(),
            id("consultants"),
        ),
        "conversations" => (
            format!("insert into conversations (lead_id, flow_id) values ($1, '{}')", id("flows")),
            id("leads"),
        ),
        "messages" => (
            "insert into messages (conversation_id, direction, content) values ($1, 'outbound', 'x')".into(),
            id("conversations"),
        ),
        "ai_responses" => (
            "insert into ai_responses (lead_id, prompt, response, model) values ($1, 'p', 'r', 'm')".into(),
            id("leads"),
        ),
        "generated_images" => (
            "insert into generated_images (consultant_id, template_id, template_data, image_url) values ($1, 't', '{}', 'u')".into(),
            id("consultants"),
        ),
        "consultant_photos" => (
            // A already has a photo row; B tries to write A's id anyway.
            "insert into consultant_photos (consultant_id, content_type, bytes) values ($1, 'image/png', '\\x00')
             on conflict (consultant_id) do update set bytes = excluded.bytes".into(),
            id("consultants"),
        ),
        // B names A's lead (and A as the author): the composite key and the policies refuse.
        "lead_status_history" => (
            format!(
                "insert into lead_status_history (consultant_id, lead_id, to_status, changed_by)
                 values ($1, '{}', 'perdido', $1)",
                id("leads")
            ),
            id("consultants"),
        ),
        "lead_notes" => (
            format!(
                "insert into lead_notes (consultant_id, lead_id, body) values ($1, '{}', 'x')",
                id("leads")
            ),
            id("consultants"),
        ),
        "appointments" => (
            format!(
                "insert into appointments (consultant_id, lead_id, starts_at) values ($1, '{}', now())",
                id("leads")
            ),
            id("consultants"),
        ),
        // B subscribes a device for A (so that A's notifications would reach B's browser).
        "push_subscriptions" => (
            "insert into push_subscriptions (consultant_id, endpoint, p256dh, auth)
             values ($1, 'https://push.exemplo/b', repeat('B', 87), repeat('a', 22))"
                .into(),
            id("consultants"),
        ),
        _ => unreachable!(),
    }
}

/// A row as JSON text, read on the privileged path.
pub(super) async fn row_json(pool: &PgPool, table: &str, id: Uuid) -> String {
    sqlx::query_scalar(&format!(
        "select row_to_json(t)::text from {table} t where {} = $1",
        key_column(table)
    ))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

pub(super) async fn row_count(pool: &PgPool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("select count(*) from {table}"))
        .fetch_one(pool)
        .await
        .unwrap()
}
