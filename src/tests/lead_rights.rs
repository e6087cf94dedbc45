//! A lead's rights (LGPD): the export of everything held about one lead, and its deletion,
//! after which the lead's number, name and words are nowhere in the database.

use super::helpers::{sign_in_inserted, TestApp};
use super::support::whatsapp::{app_with_workers, delivery, lead, send};
use serde_json::{json, Value};
use uuid::Uuid;

const ZULEICA: &str = "5521987650001";
const OTHER: &str = "5521987650002";

fn said(from: &str, n: usize, body: &str) -> Value {
    lead(from).text(&format!("wamid.{from}.{n}"), body)
}

/// A whole conversation, from hello to the AI answer, with words of its own.
async fn talk(app: &TestApp, from: &str, name: &str, secret: &str) {
    for (n, body) in ["Oi", name, "2", "2", "1", secret].iter().enumerate() {
        send(app, said(from, n, body)).await;
    }
}

async fn lead_of(app: &TestApp, number: &str) -> Uuid {
    sqlx::query_scalar("select id from leads where whatsapp_number = $1")
        .bind(format!("+{number}"))
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Where `needle` appears in any text or JSON column of any table: `table.column` for each.
async fn found_anywhere(app: &TestApp, needle: &str) -> Vec<String> {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "select c.table_name::text, c.column_name::text, c.data_type::text
           from information_schema.columns c
           join pg_tables t on t.schemaname = c.table_schema and t.tablename = c.table_name
          where c.table_schema = 'public'
            and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'inet', 'bytea')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut hits = Vec::new();
    for (table, column, data_type) in columns {
        // Raw bytes (a webhook's body as it came) are searched as bytes.
        let test = if data_type == "bytea" {
            format!("position(convert_to($1, 'UTF8') in \"{column}\") > 0")
        } else {
            format!("strpos(\"{column}\"::text, $1) > 0")
        };
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from \"{table}\" where {test}"))
            .bind(needle)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if n > 0 {
            hits.push(format!("{table}.{column}"));
        }
    }
    hits
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_gets_a_copy_of_their_data_and_can_have_it_erased() {
    let app = app_with_workers(2).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    talk(&app, ZULEICA, "Zuleica Tavares", "Meu segredo é 4242 Xq").await;
    talk(&app, OTHER, "Otávio Lins", "Campinas").await;
    let zuleica = lead_of(&app, ZULEICA).await;
    let me: Uuid = sqlx::query_scalar("select id from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("insert into lead_notes (consultant_id, lead_id, body) values ($1, $2, 'Ligar para a Zuleica')")
        .bind(me)
        .bind(zuleica)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(app.count("select count(*) from ai_responses").await >= 2);
    // Her secret went to the archive (two years old), with the bot's replies to it.
    sqlx::query("update messages set created_at = now() - interval '3 years' where content = 'Meu segredo é 4242 Xq'")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("select * from apply_retention()")
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(app.count("select count(*) from messages_archive").await >= 2);
    assert!(app
        .get_html(&format!("/leads/{zuleica}"))
        .await
        .contains("arquivada"));

    // The copy: everything, as a file.
    let res = app.get(&format!("/leads/{zuleica}/dados.json")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["lead"]["nome"], "Zuleica Tavares");
    assert_eq!(data["lead"]["whatsapp"], format!("+{ZULEICA}"));
    assert!(data["consentimento"]["aviso_de_privacidade_enviado_em"].is_string());
    assert!(data["consentimento"]["aviso_lido_em"].is_string());
    assert!(data["consentimento"]["pediu_para_sair_em"].is_null());
    let texts: Vec<&str> = data["mensagens"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["texto"].as_str())
        .collect();
    assert!(texts.contains(&"Meu segredo é 4242 Xq"), "{texts:?}");
    assert!(
        !texts.iter().any(|t| t.contains("Otávio")),
        "only this lead"
    );
    assert_eq!(data["respostas_da_ia"].as_array().unwrap().len(), 1);
    assert_eq!(data["notas"][0]["texto"], "Ligar para a Zuleica");
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'lead_exported'")
            .await,
        1
    );
    // The same, as a page that prints well.
    let printable = app.get_html(&format!("/leads/{zuleica}/dados")).await;
    assert!(
        printable.contains("Dados de Zuleica Tavares"),
        "{printable}"
    );
    assert!(printable.contains("Meu segredo é 4242 Xq"));
    assert!(printable.contains("Ligar para a Zuleica"));
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'lead_exported'")
            .await,
        2
    );

    // Another consultant can neither read nor erase her.
    let other = app.other_browser();
    other
        .signup("Pedro Alves", "pedro@exemplo.com", "senha-segura-123")
        .await;
    assert_eq!(
        other
            .get(&format!("/leads/{zuleica}/dados.json"))
            .await
            .status(),
        404
    );
    let csrf = other.csrf_from("/configuracoes").await;
    other
        .post_plain_form(
            &format!("/leads/{zuleica}/excluir-dados"),
            "/leads",
            &[("csrf", &csrf), ("confirmar", "sim")],
        )
        .await;
    assert_eq!(app.count("select count(*) from leads").await, 2);

    // Without the confirmation box nothing is erased, and the page says why.
    let page = format!("/leads/{zuleica}");
    let csrf = app.csrf_from(&page).await;
    let res = app
        .post_plain_form(
            &format!("/leads/{zuleica}/excluir-dados"),
            &page,
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(res.headers()["location"].to_str().unwrap(), page);
    assert!(app
        .get_html(&page)
        .await
        .contains("Marque a confirmação para excluir"));
    assert_eq!(app.count("select count(*) from leads").await, 2);

    let res = app
        .post_plain_form(
            &format!("/leads/{zuleica}/excluir-dados"),
            &page,
            &[("csrf", &csrf), ("confirmar", "sim")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/leads");
    assert!(app
        .get_html("/leads")
        .await
        .contains("Os dados do lead foram excluídos"));

    // Her number (as stored and as WhatsApp sends it), name and words are gone everywhere.
    for needle in [ZULEICA, "Zuleica", "Tavares", "4242 Xq"] {
        assert_eq!(
            found_anywhere(&app, needle).await,
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // What the law asks to keep: that the deletion happened (no personal data in it).
    let (details,): (Value,) = sqlx::query_as(
        "select details from audit_logs where action = 'data_deleted' and resource_id = $1",
    )
    .bind(zuleica)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(details, json!({"pedido": "titular"}));
    // The other lead keeps everything.
    let otavio = lead_of(&app, OTHER).await;
    assert!(!found_anywhere(&app, "Otávio").await.is_empty());
    assert_eq!(
        app.get(&format!("/leads/{otavio}/dados.json"))
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_consultant_corrects_a_leads_name_and_answers_and_it_is_audited() {
    let app = app_with_workers(2).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    talk(&app, ZULEICA, "Zuleica Tavares", "Campinas").await;
    let lead = lead_of(&app, ZULEICA).await;
    let page = format!("/leads/{lead}");
    let html = app.get_html(&page).await;
    assert!(html.contains("Corrigir o nome e as respostas"));
    assert!(html.contains("name=\"r_cidade\""), "each answer is a field");
    let csrf = app.csrf_from(&page).await;
    let post = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let page = page.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_plain_form(&format!("{page}/corrigir"), &page, &pairs)
                .await
        }
    };

    // A choice outside the step's options, and an answer the lead never gave: refused whole.
    let res = post(vec![
        ("csrf", csrf.clone()),
        ("r_perfil", "vip".into()),
        ("r_cidade", "Sorocaba".into()),
        ("r_inventada", "x".into()),
    ])
    .await;
    assert_eq!(res.headers()["location"].to_str().unwrap(), page);
    let html = app.get_html(&page).await;
    assert!(html.contains("perfil: Escolha uma das opções."), "{html}");
    assert!(html.contains("inventada: Esta resposta não existe."));
    let (name, answers): (String, Value) =
        sqlx::query_as("select name, respostas from leads where id = $1")
            .bind(lead)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Zuleica Tavares");
    assert_eq!(answers["cidade"], "Campinas");

    let res = post(vec![
        ("csrf", csrf.clone()),
        ("nome", "Zuleica Tavares Silva".into()),
        ("r_perfil", "empresa".into()),
        ("r_cidade", " Sorocaba ".into()),
    ])
    .await;
    assert_eq!(res.status(), 303);
    assert!(app.get_html(&page).await.contains("Dados corrigidos."));
    let (name, answers): (String, Value) =
        sqlx::query_as("select name, respostas from leads where id = $1")
            .bind(lead)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Zuleica Tavares Silva");
    assert_eq!(answers["perfil"], "empresa");
    assert_eq!(answers["cidade"], "Sorocaba");
    assert_eq!(answers["nome"], "Zuleica Tavares", "answers not sent stay");
    // The audit says which fields changed, never their values.
    let (details,): (Value,) = sqlx::query_as(
        "select details from audit_logs where action = 'lead_corrected' and resource_id = $1",
    )
    .bind(lead)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        details,
        json!({"campos": ["nome do lead", "cidade", "perfil"]})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consultant_downloads_all_their_data_as_a_zip() {
    use std::io::Read;
    let app = app_with_workers(2).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    talk(&app, ZULEICA, "Zuleica Tavares", "Meu segredo é 4242 Xq").await;
    let res = app.get("/configuracoes/exportar.zip").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a valid zip");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    for expected in ["conta.json", "leads.csv", "conversas.json", "mensagens.csv"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let account: Value = serde_json::from_str(&read("conta.json")).unwrap();
    assert_eq!(account["email"], "joana@exemplo.com");
    assert!(read("leads.csv").contains("Zuleica Tavares"));
    let conversations: Value = serde_json::from_str(&read("conversas.json")).unwrap();
    assert_eq!(conversations.as_array().unwrap().len(), 1);
    assert_eq!(
        conversations[0]["respostas"]["cidade"],
        "Meu segredo é 4242 Xq"
    );
    let messages = read("mensagens.csv");
    assert!(messages.contains("Meu segredo é 4242 Xq"), "{messages}");
    assert_eq!(
        app.count("select count(*) from audit_logs where action = 'account_exported'")
            .await,
        1
    );
}

/// `from` wrote `body` to the consultant at `display` (a delivery of that one change).
fn change_to(display: &str, from: &str, wamid: &str, body: &str) -> Value {
    lead(from)
        .named("Zuleica")
        .to(&format!("id-{display}"), display)
        .text(wamid, body)
}

/// One delivery holding these changes.
fn delivery_of(changes: Vec<Value>) -> Value {
    delivery(&changes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_reaches_only_the_consultants_own_webhook_events() {
    const JOANA: &str = "5511912345678";
    const BIA: &str = "5511900000002";
    let app = app_with_workers(2).await;
    sign_in_inserted(&app, "joana@exemplo.com").await;
    let bia = super::helpers::insert_consultant(&app.pool, "bia@exemplo.com", "Bia").await;
    sqlx::query("update consultants set whatsapp_number = $2 where id = $1")
        .bind(bia)
        .bind(format!("+{BIA}"))
        .execute(&app.pool)
        .await
        .unwrap();
    // The same person is a lead of both: one delivery each, then one that holds both.
    send(
        &app,
        delivery_of(vec![change_to(
            JOANA,
            ZULEICA,
            "wamid.J1",
            "segredo-da-joana",
        )]),
    )
    .await;
    send(
        &app,
        delivery_of(vec![change_to(BIA, ZULEICA, "wamid.B1", "segredo-da-bia")]),
    )
    .await;
    send(
        &app,
        delivery_of(vec![
            change_to(JOANA, ZULEICA, "wamid.J2", "mais-da-joana"),
            change_to(BIA, ZULEICA, "wamid.B2", "mais-da-bia"),
        ]),
    )
    .await;
    assert_eq!(app.count("select count(*) from leads").await, 2);
    let owners: Vec<i32> = sqlx::query_scalar(
        "select cardinality(consultant_ids) from webhook_events order by received_at",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(owners, [1, 1, 2], "each event knows whose messages it held");

    let zuleica: Uuid = sqlx::query_scalar(
        "select l.id from leads l join consultants c on c.id = l.consultant_id
          where c.email = 'joana@exemplo.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let page = format!("/leads/{zuleica}");
    let csrf = app.csrf_from(&page).await;
    let res = app
        .post_plain_form(
            &format!("/leads/{zuleica}/excluir-dados"),
            &page,
            &[("csrf", &csrf), ("confirmar", "sim")],
        )
        .await;
    assert_eq!(res.headers()["location"], "/leads");

    // Joana's words are gone, from her own event and from the shared one.
    for needle in ["segredo-da-joana", "mais-da-joana"] {
        assert_eq!(
            found_anywhere(&app, needle).await,
            Vec::<String>::new(),
            "{needle}"
        );
    }
    // Bia's are all still there: her lead, her messages, her event whole (raw body too), and
    // her part of the shared one.
    assert_eq!(app.count("select count(*) from leads").await, 1);
    for needle in ["segredo-da-bia", "mais-da-bia"] {
        let found = found_anywhere(&app, needle).await;
        assert!(
            found.contains(&"messages.content".to_string()),
            "{needle}: {found:?}"
        );
        assert!(
            found.contains(&"webhook_events.payload".to_string()),
            "{needle}: {found:?}"
        );
    }
    let raw: Option<Vec<u8>> = sqlx::query_scalar(
        "select raw_body from webhook_events where payload::text like '%segredo-da-bia%'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(
        String::from_utf8(raw.expect("Bia's own event keeps its bytes"))
            .unwrap()
            .contains("segredo-da-bia")
    );
    assert_eq!(app.count("select count(*) from webhook_events").await, 2);
}
