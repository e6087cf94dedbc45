//! Parsing Meta's payloads: every message kind, identities, statuses, unknown fields.

use super::*;
use serde_json::json;

#[test]
fn reads_business_scoped_user_ids_with_or_without_a_number() {
    let meta = json!({"display_phone_number": "5511912345678", "phone_number_id": "1065"});
    let events = parse(
        json!({"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [
            {"field": "messages", "value": {"metadata": meta,
                "contacts": [{"profile": {"name": "Ana", "username": "ana.s"}, "user_id": "BR.1234567890"}],
                "messages": [{"from_user_id": "BR.1234567890", "id": "wamid.U1", "type": "text", "text": {"body": "Oi"}}]}},
            {"field": "messages", "value": {"metadata": meta,
                "contacts": [{"profile": {"name": "Bia"}, "wa_id": "5521999990001", "user_id": "BR.555"}],
                "messages": [{"from": "5521999990001", "id": "wamid.U2", "type": "text", "text": {"body": "Oi"}}]}}
        ]}]}),
    );
    let who: Vec<(&str, Option<&str>, Option<&str>)> = events
        .messages
        .iter()
        .map(|m| {
            (
                m.from.as_str(),
                m.from_user_id.as_deref(),
                m.profile_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            ("", Some("BR.1234567890"), Some("Ana")),
            ("5521999990001", Some("BR.555"), Some("Bia"))
        ]
    );
}

fn parse(v: serde_json::Value) -> Events {
    serde_json::from_value::<Payload>(v).unwrap().events()
}

#[test]
fn reads_every_message_kind_across_entries_and_changes() {
    let meta = json!({"display_phone_number": "5511912345678", "phone_number_id": "1065"});
    let events = parse(json!({
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "WABA", "changes": [{"field": "messages", "value": {
                "messaging_product": "whatsapp", "metadata": meta,
                "contacts": [{"profile": {"name": "Kerry"}, "wa_id": "5521999990001"}],
                "messages": [
                    {"from": "5521999990001", "id": "wamid.1", "timestamp": "1700000000", "type": "text", "text": {"body": "Oi"},
                     "referral": {"source_type": "ad", "source_id": "123", "source_url": "https://fb.me/x", "headline": "Plano"}},
                    {"from": "5521999990001", "id": "wamid.2", "timestamp": "1700000001", "type": "interactive",
                     "interactive": {"type": "button_reply", "button_reply": {"id": "familia", "title": "Família"}}}
                ]}}]},
            {"id": "WABA", "changes": [{"field": "messages", "value": {
                "metadata": meta,
                "messages": [
                    {"from": "5521999990002", "id": "wamid.3", "type": "interactive",
                     "interactive": {"type": "list_reply", "list_reply": {"id": "31_45", "title": "31 a 45 anos", "description": "x"}}},
                    {"from": "5521999990002", "id": "wamid.4", "type": "button", "button": {"payload": "sim", "text": "Sim"}},
                    {"from": "5521999990002", "id": "wamid.5", "type": "image", "image": {"id": "img", "mime_type": "image/jpeg"}},
                    {"from": "5521999990002", "id": "wamid.6", "type": "sticker", "sticker": {}},
                    {"from": "5521999990002", "id": "wamid.7", "type": "unsupported", "errors": [{"code": 131051}]}
                ]}}]}
        ]
    }));
    let contents: Vec<&Content> = events.messages.iter().map(|m| &m.content).collect();
    assert_eq!(
        contents,
        [
            &Content::Text("Oi".into()),
            &Content::Reply {
                id: "familia".into(),
                title: "Família".into()
            },
            &Content::Reply {
                id: "31_45".into(),
                title: "31 a 45 anos".into()
            },
            &Content::Reply {
                id: "sim".into(),
                title: "Sim".into()
            },
            &Content::Unsupported {
                description: "[imagem]".into()
            },
            &Content::Unsupported {
                description: "[figurinha]".into()
            },
            &Content::Unsupported {
                description: "[mensagem não suportada]".into()
            },
        ]
    );
    assert_eq!(events.messages[0].profile_name.as_deref(), Some("Kerry"));
    assert_eq!(events.messages[2].profile_name, None);
    assert_eq!(events.messages[0].to_phone_number_id, "1065");
    assert_eq!(
        events.messages[0]
            .referral
            .as_ref()
            .unwrap()
            .source_id
            .as_deref(),
        Some("123")
    );
}

#[test]
fn reads_statuses_with_errors() {
    let events = parse(
        json!({"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {
        "metadata": {"display_phone_number": "1", "phone_number_id": "2"},
        "statuses": [
            {"id": "wamid.A", "status": "read", "timestamp": "1", "recipient_id": "55",
             "pricing": {"billable": true, "pricing_model": "PMP", "category": "MARKETING", "type": "regular"}},
            {"id": "wamid.B", "status": "failed", "errors": [{"code": 131047, "title": "Re-engagement message", "message": "More than 24 hours have passed"}]}
        ]}}]}]}),
    );
    assert_eq!(
        events.statuses,
        [
            StatusUpdate {
                wa_message_id: "wamid.A".into(),
                status: "read".into(),
                error: None,
                pricing: Some(("marketing".into(), true)),
            },
            StatusUpdate {
                wa_message_id: "wamid.B".into(),
                status: "failed".into(),
                error: Some("131047: a janela de 24 horas fechou: para escrever a este lead agora, envie um modelo aprovado".into()),
                pricing: None,
            },
        ]
    );
}

#[test]
fn tolerates_unknown_and_missing_fields() {
    assert_eq!(parse(json!({})), Events::default());
    assert_eq!(
        parse(json!({"entry": [{"changes": [{"value": {"novo_campo": 1}}]}]})),
        Events::default()
    );
}
