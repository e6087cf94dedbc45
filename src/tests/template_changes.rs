//! The rest of #18's templates: a header image from the consultant's library (uploaded to
//! Meta for the review with the Resumable Upload API, sent to the lead as media), a link
//! button whose address ends in a value of the lead's, and templates changed and deleted on
//! Meta as here — against the fake Graph API on loopback, and in the sandbox.

use super::helpers::{sign_in_inserted, TestApp};
use super::leads::signed_in;
use super::support::fake_graph::{FakeGraph, JPEG};
use super::support::wait_until;
use super::support::whatsapp::{app_with_workers, send};
use super::templates::{
    act, app_with_graph, quiet_lead, review, send_template, status_of, wait_status, FOLLOW_UP,
};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

async fn template_id(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("select id from message_templates where name = $1")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Meta approves (or rejects) the template: its status webhook.
async fn meta_says(app: &TestApp, name: &str, event: &str) {
    let meta_id = status_of(app, name).await.2.unwrap();
    send(
        app,
        review(
            "message_template_status_update",
            json!({"event": event, "message_template_id": meta_id.parse::<i64>().unwrap(),
                   "message_template_name": name, "message_template_language": "pt_BR",
                   "reason": if event == "REJECTED" { "INVALID_FORMAT" } else { "NONE" }}),
        ),
    )
    .await;
}

/// A template created on the fake Meta and approved there.
async fn approved(app: &TestApp, fields: &[(&str, &str)], name: &str) -> Uuid {
    act(app, fields).await;
    wait_status(app, name, "em_analise").await;
    meta_says(app, name, "APPROVED").await;
    assert_eq!(status_of(app, name).await.0, "aprovado");
    template_id(app, name).await
}

/// The follow-up form as a change of template `id`, with `body` as its text.
fn change_of(id: &str, body: &'static str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&str, String)> =
        FOLLOW_UP.iter().map(|(k, v)| (*k, v.to_string())).collect();
    fields[0] = ("acao", "alterar".into());
    fields[3] = ("corpo", body.into());
    fields.push(("id", id.into()));
    fields
}

async fn change(app: &TestApp, fields: &[(&'static str, String)]) -> String {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    act(app, &borrowed).await
}

fn calls(g: &FakeGraph, what: &str) -> Vec<Value> {
    g.template_calls()
        .into_iter()
        .filter(|(w, _)| w == what)
        .map(|(_, v)| v)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_image_and_a_link_of_the_lead_reach_meta_and_the_lead() {
    let (app, g) = app_with_graph().await;
    let me: Uuid = sqlx::query_scalar("select id from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let image: Uuid = sqlx::query_scalar(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         values ($1, 'fachada.jpg', 'image/jpeg', 'image', $2, $3, true) returning id",
    )
    .bind(me)
    .bind(JPEG.len() as i32)
    .bind(JPEG)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let html = app.get_html("/modelos").await;
    assert!(
        html.contains(&format!("<option value=\"{image}\">fachada.jpg")),
        "the library's images are offered for the header"
    );
    let image_id = image.to_string();
    let mut fields = vec![
        ("acao", "criar"),
        ("nome", "imovel_novo"),
        ("categoria", "marketing"),
        ("cabecalho_imagem", image_id.as_str()),
        (
            "corpo",
            "Olá {{1}}, separei um imóvel que combina com o que você procura.",
        ),
        ("var1_fonte", "primeiro_nome"),
        ("var1_exemplo", "Maria"),
        ("link_texto", "Ver imóvel"),
        ("link_url", "https://imob.com.br/imovel/{{1}}"),
        ("link_fonte", "texto"),
        ("link_exemplo", "apto-302"),
    ];
    // Text and image together, and a file that is not one of mine: refused in words.
    fields.push(("cabecalho", "Oferta"));
    let html = act(&app, &fields).await;
    assert!(html.contains("texto ou uma imagem, não os dois"), "{html}");
    fields.pop();
    let stranger = Uuid::new_v4().to_string();
    let mut foreign = fields.clone();
    foreign[3] = ("cabecalho_imagem", stranger.as_str());
    let html = act(&app, &foreign).await;
    assert!(
        html.contains("JPEG ou PNG de até 5 MB da sua biblioteca"),
        "{html}"
    );
    assert_eq!(app.count("select count(*) from message_templates").await, 0);

    let html = act(&app, &fields).await;
    assert!(html.contains("enviado para análise da Meta"), "{html}");
    wait_status(&app, "imovel_novo", "em_analise").await;
    // The image went up to the Meta app first (a session, then its bytes), for a handle.
    let session = &calls(&g, "upload_session")[0];
    assert_eq!(session["app"], "123");
    let query = session["query"].as_str().unwrap();
    for part in [
        "file_name=fachada.jpg",
        "file_length=8",
        "file_type=image%2Fjpeg",
    ] {
        assert!(query.contains(part), "{query}");
    }
    let upload = &calls(&g, "upload")[0];
    assert_eq!(upload["authorization"], "OAuth token");
    assert_eq!(upload["file_offset"], "0");
    assert_eq!(upload["size"], JPEG.len());
    let (_, body) = &g.templates()[0];
    assert_eq!(
        body["components"][0],
        json!({"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::handle.2"]}})
    );
    let buttons = &body["components"].as_array().unwrap().last().unwrap()["buttons"];
    assert_eq!(
        buttons[0],
        json!({"type": "URL", "text": "Ver imóvel", "url": "https://imob.com.br/imovel/{{1}}",
               "example": ["https://imob.com.br/imovel/apto-302"]})
    );
    meta_says(&app, "imovel_novo", "APPROVED").await;

    // Out of the library, the image stays while the template shows it.
    let csrf = app.csrf_from("/configuracoes").await;
    app.post_plain_form(
        "/arquivos/excluir",
        "/configuracoes",
        &[("csrf", csrf.as_str()), ("id", image_id.as_str())],
    )
    .await;
    assert_eq!(
        app.count("select count(*) from consultant_files where not in_library")
            .await,
        1
    );

    // To a lead quiet for a day: the link's end is asked (filled with the example), checked,
    // and sent with the image as media.
    let lead = quiet_lead(&app).await;
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(html.contains("Final do link"), "{html}");
    assert!(html.contains("value=\"apto-302\""));
    assert!(html.contains("alt=\"Imagem do cabeçalho\""));
    let template = template_id(&app, "imovel_novo").await.to_string();
    let token = Uuid::new_v4().to_string();
    let html = send_template(
        &app,
        lead,
        &template,
        &[("v1", "Maria"), ("u1", "casa 7"), ("envio", token.as_str())],
    )
    .await;
    assert!(
        html.contains("O final do link não pode ter espaços."),
        "{html}"
    );
    let before = g.sent();
    let token = Uuid::new_v4().to_string();
    send_template(
        &app,
        lead,
        &template,
        &[("v1", "Maria"), ("u1", "casa-7"), ("envio", token.as_str())],
    )
    .await;
    let sent = g.wait_for_sent(before + 1).await[before].clone();
    let components = sent["template"]["components"].as_array().unwrap().clone();
    assert_eq!(
        components[0],
        json!({"type": "header", "parameters": [{"type": "image", "image": {"id": "up.1"}}]})
    );
    assert_eq!(components[1]["parameters"][0]["text"], "Maria");
    assert_eq!(
        components[2],
        json!({"type": "button", "sub_type": "url", "index": "0",
               "parameters": [{"type": "text", "text": "casa-7"}]})
    );
    assert_eq!(g.uploads().len(), 1, "the image went up as media once");
    let html = app.get_html(&format!("/leads/{lead}")).await;
    assert!(html.contains("[imagem]"), "the history says an image went");

    // Deleted on Meta, the template goes, and the image it alone kept goes with it.
    let html = act(&app, &[("acao", "excluir"), ("id", template.as_str())]).await;
    assert!(html.contains("está sendo excluído na Meta"), "{html}");
    wait_until("the template gone", Duration::from_secs(15), || async {
        app.count("select count(*) from message_templates").await == 0
    })
    .await;
    assert_eq!(app.count("select count(*) from consultant_files").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_changes_on_meta_within_its_limits() {
    let (app, g) = app_with_graph().await;
    let id = approved(&app, FOLLOW_UP, "retomar_conversa")
        .await
        .to_string();
    let meta_id = status_of(&app, "retomar_conversa").await.2.unwrap();
    let html = app.get_html("/modelos").await;
    assert!(
        html.contains(&format!("href=\"/modelos?alterar={id}#novo-modelo\"")),
        "{html}"
    );
    // The form opens filled with the template, its name fixed.
    let html = app.get_html(&format!("/modelos?alterar={id}")).await;
    assert!(html.contains("Alterar o modelo retomar_conversa"), "{html}");
    assert!(html.contains("Podemos retomar a conversa sobre o seu plano?"));
    assert!(html.contains("readonly"));

    let html = change(
        &app,
        &change_of(
            &id,
            "Olá {{1}}, aqui é {{2}}. Ainda quer falar sobre o seu plano de saúde?",
        ),
    )
    .await;
    assert!(html.contains("enviada para análise da Meta"), "{html}");
    wait_status(&app, "retomar_conversa", "em_analise").await;
    let edit = calls(&g, "edit").pop().expect("an edit call");
    assert_eq!(edit["id"], meta_id.as_str());
    assert!(edit["body"]["components"][0]["text"]
        .as_str()
        .unwrap()
        .contains("Ainda quer falar"));
    assert!(edit["body"].get("category").is_none() && edit["body"].get("name").is_none());
    assert_eq!(g.templates().len(), 1, "edited, not created again");
    assert_eq!(
        app.count("select cardinality(edits)::bigint from message_templates")
            .await,
        1
    );
    // Approved again; a second change the same day is refused in words, and not offered.
    meta_says(&app, "retomar_conversa", "APPROVED").await;
    let html = change(
        &app,
        &change_of(&id, "Olá {{1}}, aqui é {{2}}. Mais uma mudança hoje?"),
    )
    .await;
    assert!(html.contains("uma vez por dia"), "{html}");
    assert!(!html.contains(&format!("/modelos?alterar={id}")));

    // A rejected one changes freely, but not its category; Meta refusing the change says so.
    let mut other = FOLLOW_UP.to_vec();
    other[1] = ("nome", "oferta_especial");
    act(&app, &other).await;
    wait_status(&app, "oferta_especial", "em_analise").await;
    meta_says(&app, "oferta_especial", "REJECTED").await;
    let other_id = template_id(&app, "oferta_especial").await.to_string();
    let mut fields = change_of(
        &other_id,
        "Olá {{1}}, aqui é {{2}}. Tenho uma proposta nova para você.",
    );
    fields[1] = ("nome", "oferta_especial".into());
    fields[2] = ("categoria", "utility".into());
    let html = change(&app, &fields).await;
    assert!(
        html.contains("A categoria de um modelo já enviado à Meta não muda"),
        "{html}"
    );
    fields[2] = ("categoria", "marketing".into());
    g.refuse_next(400, 100);
    change(&app, &fields).await;
    wait_status(&app, "oferta_especial", "erro").await;
    let reason = status_of(&app, "oferta_especial").await.1.unwrap();
    assert!(reason.contains("A Meta recusou a alteração"), "{reason}");
    // Failed, it may be changed again at once (and is not sent meanwhile).
    change(&app, &fields).await;
    wait_status(&app, "oferta_especial", "em_analise").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_in_use_is_not_deleted_and_meta_refusing_a_deletion_keeps_it() {
    let (app, g) = app_with_graph().await;
    let id = approved(&app, FOLLOW_UP, "retomar_conversa").await;
    sqlx::query(
        "insert into follow_up_rules (consultant_id, stage, after_hours, template_id)
         select consultant_id, 'novo', 24, id from message_templates where id = $1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let id_text = id.to_string();
    let html = act(&app, &[("acao", "excluir"), ("id", id_text.as_str())]).await;
    assert!(
        html.contains("Este modelo está em uso: 1 regra de acompanhamento."),
        "{html}"
    );
    sqlx::query("delete from follow_up_rules")
        .execute(&app.pool)
        .await
        .unwrap();

    // Meta refuses: the template is as it was, with Meta's words.
    g.refuse_next(400, 100);
    act(&app, &[("acao", "excluir"), ("id", id_text.as_str())]).await;
    wait_until("the refusal", Duration::from_secs(15), || async {
        status_of(&app, "retomar_conversa")
            .await
            .1
            .is_some_and(|r| r.contains("A Meta não excluiu"))
    })
    .await;
    assert_eq!(status_of(&app, "retomar_conversa").await.0, "aprovado");
    // Agreed: deleted there by its id and name, then here.
    let meta_id = status_of(&app, "retomar_conversa").await.2.unwrap();
    act(&app, &[("acao", "excluir"), ("id", id_text.as_str())]).await;
    wait_until("the template gone", Duration::from_secs(15), || async {
        app.count("select count(*) from message_templates").await == 0
    })
    .await;
    let query = calls(&g, "delete").pop().unwrap()["query"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(query, format!("hsm_id={meta_id}&name=retomar_conversa"));

    // One Meta never took (its submission refused) goes at once, without a call.
    let deletions = calls(&g, "delete").len();
    g.refuse_next(400, 100);
    act(&app, FOLLOW_UP).await;
    wait_status(&app, "retomar_conversa", "erro").await;
    let failed = template_id(&app, "retomar_conversa").await.to_string();
    let html = act(&app, &[("acao", "excluir"), ("id", failed.as_str())]).await;
    assert!(
        html.contains("Modelo \"retomar_conversa\" excluído."),
        "{html}"
    );
    assert_eq!(calls(&g, "delete").len(), deletions);

    // One Meta disabled (or deleted elsewhere): its refusal to delete it does not keep it.
    let mut other = FOLLOW_UP.to_vec();
    other[1] = ("nome", "oferta_antiga");
    act(&app, &other).await;
    wait_status(&app, "oferta_antiga", "em_analise").await;
    meta_says(&app, "oferta_antiga", "DISABLED").await;
    assert_eq!(status_of(&app, "oferta_antiga").await.0, "desativado");
    let old = template_id(&app, "oferta_antiga").await.to_string();
    g.refuse_next(400, 100);
    act(&app, &[("acao", "excluir"), ("id", old.as_str())]).await;
    wait_until(
        "the disabled template gone",
        Duration::from_secs(15),
        || async { app.count("select count(*) from message_templates").await == 0 },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_the_sandbox_a_change_is_approved_at_once_and_only_mine_change() {
    let app = app_with_workers(1).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    act(&app, FOLLOW_UP).await;
    let id = template_id(&app, "retomar_conversa").await.to_string();
    let html = change(
        &app,
        &change_of(&id, "Olá {{1}}, aqui é {{2}}. Vamos conversar esta semana?"),
    )
    .await;
    assert!(
        html.contains("alterado e aprovado (modo de teste, sem a Meta)"),
        "{html}"
    );
    assert_eq!(status_of(&app, "retomar_conversa").await.0, "aprovado");

    // The reminder's buttons are what the system reads: they do not change.
    act(
        &app,
        &[("acao", "biblioteca"), ("modelo", "lembrete_agendamento")],
    )
    .await;
    let reminder = template_id(&app, "lembrete_agendamento").await.to_string();
    let html = app.get_html(&format!("/modelos?alterar={reminder}")).await;
    assert!(html.contains("value=\"Confirmar\""), "{html}");
    let mut fields = change_of(
        &reminder,
        "Olá {{1}}, aqui é {{2}}. Lembrete do nosso encontro amanhã.",
    );
    fields[1] = ("nome", "lembrete_agendamento".into());
    let html = change(&app, &fields).await;
    assert!(html.contains("botões de resposta do lembrete"), "{html}");

    // Another consultant can neither change nor delete mine.
    let other = app.other_browser();
    signed_in(&other, "bia@exemplo.com").await;
    change(
        &other,
        &change_of(&id, "Olá {{1}}, aqui é {{2}}. Texto de outra pessoa aqui."),
    )
    .await;
    act(&other, &[("acao", "excluir"), ("id", id.as_str())]).await;
    assert_eq!(app.count("select count(*) from message_templates").await, 2);
    assert_eq!(
        app.count("select count(*) from message_templates where body like '%outra pessoa%'")
            .await,
        0
    );

    let html = act(&app, &[("acao", "excluir"), ("id", id.as_str())]).await;
    assert!(
        html.contains("Modelo \"retomar_conversa\" excluído."),
        "{html}"
    );
    assert_eq!(app.count("select count(*) from message_templates").await, 1);
}
