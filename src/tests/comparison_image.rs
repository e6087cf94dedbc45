//! The comparison image (#20 part 3): set per flow in the editor (a plain form), previewed,
//! drawn once per completed flow with the offers that fit the lead, stored in
//! `generated_images` with its data, size and time, sent through a fake Graph API as an image,
//! shown in the conversation, and erased with the lead.

use super::helpers::TestApp;
use super::lead_replies::app_with_graph_and;
use super::support::whatsapp::{button, post, text};
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

/// Ana's own live flow, a copy of the health-plans template.
async fn own_flow(app: &TestApp, me: Uuid) -> Uuid {
    sqlx::query("update flows set is_active = false where created_by = $1")
        .bind(me)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query_scalar(
        "insert into flows (created_by, name, vertical, definition, is_active, is_template)
         select $1, 'Meu fluxo', vertical, definition, true, false
           from flows where is_template and vertical = 'health_plans' limit 1
         returning id",
    )
    .bind(me)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn set_offers(app: &TestApp, flow: Uuid, form: &[(&str, &str)]) -> String {
    let page = format!("/fluxos/{flow}");
    let csrf = app.csrf_from(&page).await;
    let mut fields = vec![("csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    let res = app
        .post_plain_form(&format!("/fluxos/{flow}/comparativo"), &page, &fields)
        .await;
    assert_eq!(res.status(), 303);
    app.get_html(&page).await
}

/// Waits until the queue is drained and the image's row is settled.
async fn image_settled(app: &TestApp) {
    super::support::wait_until("the image drawn and sent", Duration::from_secs(20), || async {
        app.count(
            "select (select count(*) from generated_images where status = 'pendente')
                  + (select count(*) from messages where direction = 'outbound' and status = 'pending')
                  + (select count(*) from webhook_events where not processed)",
        )
        .await
            == 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_flow_gets_one_image_with_the_offers_that_fit_the_lead() {
    let (app, g, me) = app_with_graph_and(|_| {}).await;
    let flow = own_flow(&app, me).await;

    // The editor refuses an offer without a price, in words, and keeps what was typed.
    let html = set_offers(
        &app,
        flow,
        &[
            ("ativo", "1"),
            ("titulo", "Planos para você"),
            ("o1.nome", "Essencial"),
        ],
    )
    .await;
    assert!(html.contains("Opção 1: escreva o preço"), "{html}");
    assert!(html.contains("value=\"Essencial\""));
    // A photo of the library goes with one offer; a file that is not there is refused.
    let photo: Uuid = sqlx::query_scalar(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         values ($1, 'fachada.png', 'image/png', 'image', 69,
                 '\\x89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63e02fcb0300018b00f43cc5202a0000000049454e44ae426082', true)
         returning id",
    )
    .bind(me)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let stranger = Uuid::new_v4().to_string();
    let html = set_offers(
        &app,
        flow,
        &[
            ("o1.nome", "A"),
            ("o1.preco", "R$ 1"),
            ("o1.foto", &stranger),
        ],
    )
    .await;
    assert!(
        html.contains("a foto escolhida não está mais na sua biblioteca"),
        "{html}"
    );
    let photo_id = photo.to_string();
    let html = set_offers(
        &app,
        flow,
        &[
            ("ativo", "1"),
            ("titulo", "Planos para você"),
            ("o2.foto", &photo_id),
            ("o1.nome", "Empresarial"),
            ("o1.preco", "R$ 300,00/vida"),
            ("o1.para", "empresa"),
            ("o2.nome", "Família Plus"),
            ("o2.preco", "R$ 980,00/mês"),
            ("o2.detalhes", "Apartamento, rede nacional"),
            ("o2.para", "familia"),
            ("o3.nome", "Essencial"),
            ("o3.preco", "R$ 489,90/mês"),
        ],
    )
    .await;
    assert!(html.contains("Comparativo guardado"), "{html}");
    assert!(html.contains(&format!("src=\"/fluxos/{flow}/comparativo.png?v=")));
    let preview = app.get(&format!("/fluxos/{flow}/comparativo.png")).await;
    assert_eq!(preview.status(), 200);
    assert_eq!(preview.headers()["content-type"], "image/png");
    assert!(preview.bytes().await.unwrap().starts_with(b"\x89PNG"));
    // Nobody else's preview.
    assert_eq!(
        app.other_browser()
            .get(&format!("/fluxos/{flow}/comparativo.png"))
            .await
            .status(),
        401
    );

    // A lead goes through the flow (family, 31-45, co-payment, a city).
    for (n, m) in [
        text("wamid.1", "Oi"),
        text("wamid.2", "Maria Souza"),
        button("wamid.3", "familia", "Família"),
        button("wamid.4", "31_45", "31 a 45 anos"),
        button("wamid.5", "sim", "Sim"),
        text("wamid.6", "Niterói"),
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(post(&app, m).await, 200, "message {n}");
        image_settled(&app).await;
    }
    type Row = (
        String,
        String,
        Value,
        Option<i32>,
        Option<i32>,
        Option<Uuid>,
    );
    let (status, template, data, size, ms, file): Row = sqlx::query_as(
        "select status, template_id, template_data, file_size_bytes, generation_time_ms, file_id
           from generated_images",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), template.as_str()),
        ("pronta", "comparativo-v1")
    );
    assert!(size.unwrap() > 1000 && ms.is_some());
    let offers: Vec<&str> = data["offers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        offers,
        ["Família Plus", "Essencial"],
        "hers first, then everyone's; not the company's"
    );
    assert_eq!(data["offers"][0]["photo_file"], photo_id.as_str());
    assert!(data["offers"][1].get("photo_file").is_none());
    assert_eq!(data["lead_name"], "Maria");

    // Sent once, as an image uploaded to WhatsApp, with its caption.
    let images: Vec<Value> = g
        .bodies()
        .into_iter()
        .filter(|b| b["type"] == "image")
        .collect();
    assert_eq!(images.len(), 1);
    assert!(images[0]["image"]["caption"]
        .as_str()
        .unwrap()
        .starts_with("Preparei este comparativo"));
    assert_eq!(g.uploads().len(), 1);
    assert!(g.uploads()[0].1.contains("Content-Type: image/png"));

    // Writing again after the flow does not draw another.
    assert_eq!(post(&app, &text("wamid.7", "Obrigada!")).await, 200);
    image_settled(&app).await;
    assert_eq!(app.count("select count(*) from generated_images").await, 1);

    // The conversation shows it, and the consultant can open it.
    let lead: Uuid = sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = app.get_html(&format!("/leads/{lead}")).await;
    let file = file.unwrap();
    assert!(page.contains(&format!("href=\"/arquivos/{file}\"")));
    let res = app.get(&format!("/arquivos/{file}")).await;
    assert_eq!(res.headers()["content-type"], "image/png");

    // Erased with the lead: the row and the file.
    app.erase_lead(lead).await;
    assert_eq!(app.count("select count(*) from generated_images").await, 0);
    assert_eq!(
        app.count("select count(*) from consultant_files").await,
        1,
        "only the library's photo is left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_without_offers_or_switched_off_sends_no_image() {
    let (app, g, me) = app_with_graph_and(|_| {}).await;
    let flow = own_flow(&app, me).await;
    let html = set_offers(
        &app,
        flow,
        &[
            ("titulo", "Planos"),
            ("o1.nome", "Essencial"),
            ("o1.preco", "R$ 1"),
        ],
    )
    .await;
    assert!(html.contains("desligado: nenhuma imagem é enviada"));
    for m in [
        text("wamid.1", "Oi"),
        text("wamid.2", "Maria Souza"),
        button("wamid.3", "individual", "Só eu"),
        button("wamid.4", "ate_30", "Até 30 anos"),
        button("wamid.5", "nao", "Não"),
        text("wamid.6", "Rio"),
    ] {
        assert_eq!(post(&app, &m).await, 200);
        image_settled(&app).await;
    }
    assert_eq!(app.count("select count(*) from generated_images").await, 0);
    assert!(g.bodies().iter().all(|b| b["type"] != "image"));
}
