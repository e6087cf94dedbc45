//! Voice notes are heard (#20): an audio a lead sends is downloaded (a fake Graph API), heard
//! by a fake speech-to-text API on loopback, and answers the bot's question as typed text
//! would; what is written meanwhile waits behind it; a note that cannot be heard gets one
//! polite request to write; the lead page plays it with its transcript; the export carries
//! it and the erasure takes it.

use super::helpers::TestApp;
use super::support::fake_graph::{FakeGraph, JPEG};
use super::support::fake_speech::{Answer, FakeSpeech};
use super::support::whatsapp::{app_with_workers, delivery, lead, post, replies, sandbox, LEAD};
use consultor::jobs::{self, Services};
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

const UNHEARD: &str =
    "Desculpe, não consegui ouvir seu áudio. Pode escrever sua resposta, por favor?";

/// Joana's account with her number connected, and services that download through a fake
/// Graph API and hear through a fake speech API answering `script`.
async fn setup(script: Vec<Answer>, timeout: Duration) -> (TestApp, Services, FakeSpeech) {
    let app = app_with_workers(0).await;
    let me: Uuid = sqlx::query_scalar("select id from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    super::helpers::connect_number(&app.pool, me, "1065").await;
    let speech = FakeSpeech::start(script).await;
    let mut services = FakeGraph::start().await.services();
    services.transcriber = Some(speech.transcriber(timeout));
    (app, services, speech)
}

fn voice(wamid: &str) -> Value {
    lead(LEAD).named("Maria").media(
        wamid,
        "audio",
        json!({"id": format!("media.{wamid}"), "mime_type": "audio/ogg; codecs=opus", "voice": true}),
    )
}

fn typed(wamid: &str, body: &str) -> Value {
    lead(LEAD).named("Maria").text(wamid, body)
}

/// Posts the event and runs it through, with everything it leads to (download, hearing,
/// the turns that waited, the sends).
async fn deliver(app: &TestApp, services: &Services, payload: &Value) {
    assert_eq!(post(app, payload).await, 200);
    assert!(jobs::run_once(&app.pool, services).await.unwrap());
}

async fn answers(app: &TestApp) -> Value {
    sqlx::query_scalar("select respostas from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn lead_id(app: &TestApp) -> Uuid {
    sqlx::query_scalar("select id from leads")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voice_note_answers_the_name_question_and_shows_with_its_transcript() {
    let (app, services, speech) = setup(
        vec![Answer::Heard("Ana Paula Souza".into())],
        Duration::from_secs(5),
    )
    .await;
    deliver(&app, &services, &typed("wamid.oi", "Oi")).await;
    deliver(&app, &services, &voice("wamid.voz")).await;

    assert_eq!(answers(&app).await["nome"], "Ana Paula Souza");
    let (content, status): (String, String) = sqlx::query_as(
        "select m.content, mm.transcript_status from messages m
           join message_media mm on mm.message_id = m.id where m.whatsapp_message_id = 'wamid.voz'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (content.as_str(), status.as_str()),
        ("Ana Paula Souza", "transcrito")
    );
    let said = replies(&app).await;
    assert!(said.last().unwrap().starts_with("Prazer, Ana"), "{said:?}");
    assert_eq!(app.count("select count(*) from pending_turns").await, 0);

    // The file went to the provider as a form, with the key, the model and Portuguese.
    let calls = speech.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "Bearer chave-stt");
    assert!(calls[0].1.contains("name=\"model\"\r\n\r\nwhisper-teste"));
    assert!(calls[0].1.contains("name=\"language\"\r\n\r\npt"));
    assert!(calls[0]
        .1
        .contains("filename=\"audio.ogg\"\r\nContent-Type: audio/ogg"));
    assert!(calls[0]
        .1
        .contains(&String::from_utf8_lossy(JPEG).into_owned()));

    // The lead page plays it, with its transcript marked as such.
    super::helpers::sign_in_inserted(&app, "joana@exemplo.com").await;
    let lead = lead_id(&app).await;
    let page = app.get_html(&format!("/leads/{lead}")).await;
    assert!(page.contains("Transcrição automática do áudio"), "{page}");
    assert!(page.contains(&format!(
        "<audio controls preload=\"none\" src=\"/leads/{lead}/midia/"
    )));
    assert!(page.contains("Baixar áudio"));

    // Exported with the lead, erased with it.
    let export: Value = app
        .get(&format!("/leads/{lead}/dados.json"))
        .await
        .json()
        .await
        .unwrap();
    let heard = export["mensagens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["texto"] == "Ana Paula Souza")
        .expect("the transcript is exported");
    assert_eq!(heard["arquivo"], "audio");
    assert_eq!(heard["transcricao"], "texto transcrito do áudio");
    app.erase_lead(lead).await;
    assert_eq!(app.count("select count(*) from message_media").await, 0);
    assert_eq!(
        app.count("select count(*) from messages where content like '%Ana Paula%'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_choice_a_voice_note_chooses_only_an_option_it_names_clearly() {
    let (app, services, _speech) = setup(
        vec![
            Answer::Heard("Só eu, ou talvez a família, não sei".into()),
            Answer::Heard("Quero o plano pra família, por favor.".into()),
        ],
        Duration::from_secs(5),
    )
    .await;
    deliver(&app, &services, &typed("wamid.oi", "Oi")).await;
    deliver(&app, &services, &typed("wamid.nome", "Maria")).await;
    deliver(&app, &services, &voice("wamid.duvida")).await;
    assert!(answers(&app).await.get("perfil").is_none());
    let said = replies(&app).await;
    let n = said.len();
    assert!(
        said[n - 2].starts_with("Ouvi seu áudio, mas não consegui saber qual opção"),
        "{said:?}"
    );
    assert!(
        said[n - 1].starts_with("Prazer, Maria"),
        "the question again: {said:?}"
    );

    deliver(&app, &services, &voice("wamid.familia")).await;
    assert_eq!(answers(&app).await["perfil"], "familia");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_lead_writes_while_a_note_is_heard_waits_behind_it() {
    let (app, services, _speech) =
        setup(vec![Answer::Heard("Ana".into())], Duration::from_secs(5)).await;
    deliver(&app, &services, &typed("wamid.oi", "Oi")).await;
    // One event: the spoken name, then the typed choice. Taken out of order, "Família"
    // would be the name and "Ana" no option.
    let both = delivery(&[voice("wamid.nome"), typed("wamid.perfil", "Família")]);
    deliver(&app, &services, &both).await;
    let a = answers(&app).await;
    assert_eq!(
        (a["nome"].as_str(), a["perfil"].as_str()),
        (Some("Ana"), Some("familia"))
    );
    assert_eq!(app.count("select count(*) from pending_turns").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_timing_out_gets_one_request_to_write_and_no_retry() {
    let (app, services, speech) = setup(
        vec![Answer::Hang, Answer::Status(503)],
        Duration::from_millis(300),
    )
    .await;
    deliver(&app, &services, &typed("wamid.oi", "Oi")).await;
    deliver(&app, &services, &voice("wamid.voz")).await;
    let (status, error): (String, String) =
        sqlx::query_as("select transcript_status, transcript_error from message_media")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "falhou");
    assert_eq!(error, "o serviço de transcrição demorou demais");
    let fallback = |said: Vec<String>| said.iter().filter(|s| *s == UNHEARD).count();
    assert_eq!(fallback(replies(&app).await), 1);
    assert!(answers(&app).await.get("nome").is_none());

    // Later passes neither hear it again nor ask again.
    jobs::voice::transcribe_pending(&app.pool, &services)
        .await
        .unwrap();
    jobs::pending_turns::take_ready(&app.pool, &services)
        .await
        .unwrap();
    assert_eq!(fallback(replies(&app).await), 1);
    assert_eq!(speech.calls().len(), 1);

    super::helpers::sign_in_inserted(&app, "joana@exemplo.com").await;
    let page = app
        .get_html(&format!("/leads/{}", lead_id(&app).await))
        .await;
    assert!(page.contains("Áudio não transcrito: o serviço de transcrição demorou demais"));

    // A refusal is the same for the lead; the page says which.
    deliver(&app, &services, &voice("wamid.voz2")).await;
    assert_eq!(fallback(replies(&app).await), 2);
    let page = app
        .get_html(&format!("/leads/{}", lead_id(&app).await))
        .await;
    assert!(page.contains("Áudio não transcrito: o serviço de transcrição recusou o áudio (503)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_provider_the_note_is_kept_and_the_lead_asked_to_write() {
    let (app, mut services, _speech) = setup(Vec::new(), Duration::from_secs(5)).await;
    services.transcriber = None;
    deliver(&app, &services, &typed("wamid.oi", "Oi")).await;
    deliver(&app, &services, &voice("wamid.voz")).await;
    let said = replies(&app).await;
    assert_eq!(said[said.len() - 2], UNHEARD);
    let (kept, content): (bool, String) = sqlx::query_as(
        "select mm.bytes is not null, m.content from message_media mm join messages m on m.id = mm.message_id",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(kept, "the file is kept for the consultant");
    assert_eq!(content, "[áudio]");
    super::helpers::sign_in_inserted(&app, "joana@exemplo.com").await;
    let page = app
        .get_html(&format!("/leads/{}", lead_id(&app).await))
        .await;
    assert!(page.contains("Áudio não transcrito: transcrição de áudio não configurada"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_hears_notes_from_its_stand_in_and_otherwise_asks_to_write() {
    let app = app_with_workers(0).await;
    let graph = FakeGraph::start().await;
    let speech = FakeSpeech::start(vec![Answer::Heard("Rita".into())]).await;
    let mut services = sandbox();
    services.transcriber = Some(speech.transcriber(Duration::from_secs(5)));
    services.sandbox_media = match graph.services().transport {
        jobs::Transport::Graph(client) => Some(client),
        jobs::Transport::Sandbox => unreachable!(),
    };
    deliver(&app, &services, &typed("wamid.oi", "Oi")).await;
    deliver(&app, &services, &voice("wamid.voz")).await;
    assert_eq!(answers(&app).await["nome"], "Rita");

    // A plain sandbox downloads nothing: the note is not heard, and the lead asked to write.
    services.sandbox_media = None;
    deliver(&app, &services, &voice("wamid.voz2")).await;
    let said = replies(&app).await;
    assert_eq!(said[said.len() - 2], UNHEARD, "{said:?}");
    let error: String = sqlx::query_scalar(
        "select transcript_error from message_media where transcript_status = 'falhou'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(error, "o arquivo não é baixado neste ambiente de testes");
}
