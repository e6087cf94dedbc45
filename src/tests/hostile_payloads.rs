//! One message's content never loses its delivery: every string field of a WhatsApp payload
//! with a NUL character, an unpaired surrogate and 10,000 characters, each beside an
//! ordinary message from another lead in the same delivery. The delivery is acknowledged,
//! its bytes kept as they came, the ordinary message answered, and the odd one processed
//! with what PostgreSQL can hold (cleaned or capped) or, if nothing can be made of it, noted
//! on the event without a retry.

use super::support::whatsapp::{app_with_workers, post_raw, settle};
use serde_json::{json, Value};

const CONSULTANT_NUMBER: &str = "5511912345678";
const ORDINARY_LEAD: &str = "5521977770001";
const ODD_LEAD: &str = "5521977770002";

/// Stands in a JSON string for text that `serde_json` cannot write (a lone surrogate), and is
/// replaced in the body's text before it is sent.
const HOLE: &str = "@@HOLE@@";

fn delivery(odd_message: Value, odd_contact: Value) -> Value {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
        {"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": CONSULTANT_NUMBER, "phone_number_id": "1065"},
            "contacts": [
                {"profile": {"name": "Lead Comum"}, "wa_id": ORDINARY_LEAD},
                odd_contact
            ],
            "messages": [
                {"from": ORDINARY_LEAD, "id": "wamid.ORDINARY", "timestamp": "1700000000",
                 "type": "text", "text": {"body": "Oi, quero um plano"}},
                odd_message
            ]
        }}
    ]}]})
}

/// Where a nasty value goes: a JSON pointer into the odd message or its contact.
struct Field {
    name: &'static str,
    message: Value,
    contact: Value,
}

fn fields() -> Vec<Field> {
    let m = |extra: Value| {
        let mut base = json!({"from": ODD_LEAD, "id": "wamid.ODD", "timestamp": "1700000001"});
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        base
    };
    let contact = json!({"profile": {"name": "Lead Estranho"}, "wa_id": ODD_LEAD});
    let text = m(json!({"type": "text", "text": {"body": "Olá"}}));
    let with = |name, message: Value, contact: Value| Field {
        name,
        message,
        contact,
    };
    vec![
        with(
            "text.body",
            m(json!({"type": "text", "text": {"body": HOLE}})),
            contact.clone(),
        ),
        with(
            "profile.name",
            text.clone(),
            json!({"profile": {"name": HOLE}, "wa_id": ODD_LEAD}),
        ),
        with(
            "contact.user_id",
            text.clone(),
            json!({"profile": {"name": "X"}, "wa_id": ODD_LEAD, "user_id": HOLE}),
        ),
        with(
            "message.id",
            json!({"from": ODD_LEAD, "id": HOLE, "type": "text", "text": {"body": "Olá"}}),
            contact.clone(),
        ),
        with(
            "message.from",
            json!({"from": HOLE, "id": "wamid.ODD", "type": "text", "text": {"body": "Olá"}}),
            contact.clone(),
        ),
        with(
            "button_reply",
            m(
                json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": HOLE, "title": HOLE}}}),
            ),
            contact.clone(),
        ),
        with(
            "referral",
            m(
                json!({"type": "text", "text": {"body": "Vi o anúncio"}, "referral": {"source_type": "ad", "source_id": HOLE, "source_url": HOLE, "headline": HOLE, "ctwa_clid": HOLE}}),
            ),
            contact.clone(),
        ),
        with(
            "document",
            m(
                json!({"type": "document", "document": {"id": HOLE, "mime_type": HOLE, "caption": HOLE, "filename": HOLE}}),
            ),
            contact.clone(),
        ),
        with(
            "document.labels",
            m(
                json!({"type": "document", "document": {"id": "media.1", "mime_type": HOLE, "caption": HOLE, "filename": HOLE}}),
            ),
            contact.clone(),
        ),
        with(
            "type",
            m(json!({"type": HOLE, "text": {"body": "Olá"}})),
            contact,
        ),
    ]
}

/// The nasty values, as JSON string contents (escapes written as Meta would send them).
fn nasty() -> Vec<(&'static str, String)> {
    vec![
        ("NUL", "a\\u0000b".to_owned()),
        ("surrogate", "a\\ud800b\\udc00".to_owned()),
        ("10,000 characters", "é".repeat(10_000)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_odd_field_never_loses_the_delivery() {
    let app = app_with_workers(2).await;
    for field in fields() {
        for (what, value) in nasty() {
            sqlx::query("delete from leads")
                .execute(&app.pool)
                .await
                .unwrap();
            sqlx::query("delete from webhook_events")
                .execute(&app.pool)
                .await
                .unwrap();
            let body = delivery(field.message.clone(), field.contact.clone())
                .to_string()
                .replace(HOLE, &value);
            let case = format!("{} with {what}", field.name);
            assert_eq!(post_raw(&app, body.as_bytes()).await, 200, "{case}");
            settle(&app).await;

            let (processed, raw, note): (bool, Vec<u8>, Option<String>) =
                sqlx::query_as("select processed, raw_body, processing_error from webhook_events")
                    .fetch_one(&app.pool)
                    .await
                    .unwrap();
            assert!(processed, "{case}: processed, not left to retry ({note:?})");
            assert_eq!(raw, body.as_bytes(), "{case}: the bytes kept as they came");
            // The ordinary lead in the same delivery got the bot's first question.
            let answered = app
                .count(&format!(
                    "select count(*) from messages m join conversations c on c.id = m.conversation_id
                       join leads l on l.id = c.lead_id
                      where l.whatsapp_number = '+{ORDINARY_LEAD}' and m.direction = 'outbound'
                        and m.status = 'sent'"
                ))
                .await;
            assert!(answered >= 1, "{case}: the other lead was answered");
            // The odd one: processed with what could be kept, or noted on the event.
            let odd = app
                .count(
                    "select count(*) from messages where whatsapp_message_id is not null
                        and whatsapp_message_id <> 'wamid.ORDINARY' and direction = 'inbound'",
                )
                .await;
            match (&note, odd) {
                (None, 1) => {}
                (Some(n), 0) => assert!(n.contains("mensagens não processadas"), "{case}: {n}"),
                other => panic!("{case}: neither processed nor noted: {other:?}"),
            }
        }
    }
    // Where something could be kept, it was, cleaned and capped.
    let kept: Vec<String> =
        sqlx::query_scalar("select content from messages where direction = 'inbound'")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert!(kept.iter().all(|c| !c.contains('\0')));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_is_cleaned_and_names_capped_with_the_original_in_the_raw_body() {
    let app = app_with_workers(2).await;
    let long_name = "Ana ".repeat(2_500);
    let body = delivery(
        json!({"from": ODD_LEAD, "id": "wamid.ODD", "type": "text", "text": {"body": HOLE}}),
        json!({"profile": {"name": long_name}, "wa_id": ODD_LEAD}),
    )
    .to_string()
    .replace(HOLE, "quero\\u0000 um plano \\ud83d");
    assert_eq!(post_raw(&app, body.as_bytes()).await, 200);
    settle(&app).await;
    let (content,): (String,) =
        sqlx::query_as("select content from messages where whatsapp_message_id = 'wamid.ODD'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(content, "quero\u{FFFD} um plano \u{FFFD}");
    let (profile,): (String,) =
        sqlx::query_as("select profile_name from leads where whatsapp_number = $1")
            .bind(format!("+{ODD_LEAD}"))
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(profile.chars().count(), 100);
    assert!(long_name.starts_with(&profile));
    let (note, raw): (Option<String>, Vec<u8>) =
        sqlx::query_as("select processing_error, raw_body from webhook_events")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(note, None);
    assert!(String::from_utf8(raw).unwrap().contains(&long_name));
    // Both leads were answered.
    assert_eq!(
        app.count(
            "select count(distinct conversation_id) from messages where direction = 'outbound'"
        )
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_no_column_can_hold_is_noted_and_the_rest_applied() {
    let app = app_with_workers(2).await;
    // An ordinary message, then a delivery of two statuses, one with an id of 10,000
    // characters (no message has it; the early-status table cannot hold it).
    let first = delivery(
        json!({"from": ODD_LEAD, "id": "wamid.ODD", "type": "text", "text": {"body": "Oi"}}),
        json!({"profile": {"name": "X"}, "wa_id": ODD_LEAD}),
    );
    assert_eq!(post_raw(&app, first.to_string().as_bytes()).await, 200);
    settle(&app).await;
    let sent: String = sqlx::query_scalar(
        "select whatsapp_message_id from messages where direction = 'outbound' order by created_at limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let statuses = json!({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [
    {"field": "messages", "value": {
        "metadata": {"display_phone_number": CONSULTANT_NUMBER, "phone_number_id": "1065"},
        "statuses": [
            {"id": "x".repeat(10_000), "status": "delivered", "recipient_id": ODD_LEAD},
            {"id": sent, "status": "read", "recipient_id": ODD_LEAD}
        ]}}]}]});
    assert_eq!(post_raw(&app, statuses.to_string().as_bytes()).await, 200);
    settle(&app).await;
    let (processed, note): (bool, Option<String>) = sqlx::query_as(
        "select processed, processing_error from webhook_events where event_type = 'status_update'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(processed);
    assert!(note.unwrap().contains("mensagens não processadas"));
    let status: String =
        sqlx::query_scalar("select status from messages where whatsapp_message_id = $1")
            .bind(&sent)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "read");
}
