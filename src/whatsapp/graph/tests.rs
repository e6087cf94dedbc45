use super::*;
use app::domain::flow::Outgoing;

#[test]
fn builds_cloud_api_bodies() {
    let b = body(
        Recipient::Number("5521999990001"),
        &Outgoing::Text { body: "Oi".into() },
    );
    assert_eq!(b["type"], "text");
    assert_eq!(b["text"]["body"], "Oi");
    assert_eq!(b["to"], "5521999990001");
    let by_user = body(
        Recipient::User("BR.1234567890"),
        &Outgoing::Text { body: "Oi".into() },
    );
    assert_eq!(by_user["recipient"], "BR.1234567890");
    assert!(by_user.get("to").is_none());
    let img = body(
        Recipient::Number("55"),
        &Outgoing::Image {
            link: "https://x/y.png".into(),
            caption: Some("Comparativo".into()),
        },
    );
    assert_eq!(img["type"], "image");
    assert_eq!(img["image"]["link"], "https://x/y.png");
    assert_eq!(img["image"]["caption"], "Comparativo");
}

#[test]
fn a_template_carries_its_values_and_button_payloads() {
    let b = body(
        Recipient::Number("5521999990001"),
        &Outgoing::Template {
            name: "lembrete_agendamento".into(),
            language: "pt_BR".into(),
            header: Vec::new(),
            params: vec!["Maria".into(), "amanhã, qui. 10/12 às 14:30".into()],
            buttons: vec!["agenda:confirmar:1".into(), "agenda:remarcar:1".into()],
            header_image: None,
            link: None,
            text: "…".into(),
        },
    );
    assert_eq!(b["type"], "template");
    let t = &b["template"];
    assert_eq!(t["name"], "lembrete_agendamento");
    assert_eq!(t["language"]["code"], "pt_BR");
    let c = t["components"].as_array().unwrap();
    assert_eq!(c.len(), 3, "no header values: body and two buttons");
    assert_eq!(c[0]["type"], "body");
    assert_eq!(c[0]["parameters"][1]["text"], "amanhã, qui. 10/12 às 14:30");
    for (i, what) in ["confirmar", "remarcar"].iter().enumerate() {
        assert_eq!(
            c[i + 1],
            serde_json::json!({"type": "button", "sub_type": "quick_reply", "index": i.to_string(),
                "parameters": [{"type": "payload", "payload": format!("agenda:{what}:1")}]})
        );
    }
    // A row stored before the buttons existed still reads, without button components.
    let old: Outgoing = serde_json::from_value(serde_json::json!({
        "kind": "template", "name": "x", "language": "pt_BR", "text": "t"
    }))
    .unwrap();
    let b = body(Recipient::Number("55"), &old);
    assert_eq!(b["template"]["components"], serde_json::json!([]));
}

#[test]
fn a_template_carries_its_header_image_and_the_end_of_its_link() {
    let b = body(
        Recipient::Number("5521999990001"),
        &Outgoing::Template {
            name: "imovel_novo".into(),
            language: "pt_BR".into(),
            header: Vec::new(),
            params: vec!["Ana".into()],
            buttons: Vec::new(),
            header_image: Some("media.77".into()),
            link: Some(app::domain::flow::LinkValue {
                index: 1,
                value: "apto-302".into(),
            }),
            text: "…".into(),
        },
    );
    let c = b["template"]["components"].as_array().unwrap().clone();
    assert_eq!(
        c[0],
        serde_json::json!({"type": "header", "parameters": [
            {"type": "image", "image": {"id": "media.77"}}]})
    );
    assert_eq!(c[1]["type"], "body");
    assert_eq!(
        c[2],
        serde_json::json!({"type": "button", "sub_type": "url", "index": "1",
            "parameters": [{"type": "text", "text": "apto-302"}]})
    );
}
