//! The flows page's actions: copying a template, renaming, duplicating, making live (one live
//! flow per consultant, also under concurrent requests), archiving, and deleting only what no
//! conversation used; templates and other consultants' flows stay out of reach.

use super::helpers::{insert_consultant, sign_in_inserted, TestApp};
use uuid::Uuid;

const EMAIL: &str = "joana@exemplo.com";

async fn act(app: &TestApp, acao: &str, id: Option<Uuid>, nome: Option<&str>) -> String {
    let csrf = app.csrf_from("/fluxos").await;
    let id = id.map(|i| i.to_string()).unwrap_or_default();
    let mut form = vec![("csrf", csrf.as_str()), ("acao", acao), ("id", id.as_str())];
    if let Some(n) = nome {
        form.push(("nome", n));
    }
    let res = app.post_plain_form("/fluxos/acao", "/fluxos", &form).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/fluxos");
    app.get_html("/fluxos").await
}

async fn own_flows(app: &TestApp, me: Uuid) -> Vec<(Uuid, String, bool, bool)> {
    sqlx::query_as(
        "select id, name, coalesce(is_active, false), archived_at is not null from flows
          where created_by = $1 order by created_at, name",
    )
    .bind(me)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// The health-plan template every test copies.
pub async fn health_template(app: &TestApp) -> Uuid {
    sqlx::query_scalar(
        "select id from flows where is_template and vertical = 'health_plans' order by created_at limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Copies `template` into `me`'s own flows (a plain form, as the page does); returns the copy.
async fn own_copy(app: &TestApp, me: Uuid, template: Uuid) -> Uuid {
    act(app, "copiar", Some(template), None).await;
    own_flows(app, me).await[0].0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flows_are_copied_renamed_made_live_archived_and_deleted_only_when_unused() {
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let template = health_template(&app).await;
    let page = app.get_html("/fluxos").await;
    assert!(page.contains("Modelos") && page.contains("Você ainda não tem fluxos próprios"));

    // A template is copied, never edited.
    let page = act(&app, "renomear", Some(template), Some("Meu")).await;
    assert!(
        page.contains("Os modelos não podem ser alterados"),
        "{page}"
    );
    let page = act(&app, "copiar", Some(template), None).await;
    assert!(page.contains("criado. Ele ainda não está ativo."), "{page}");
    let flows = own_flows(&app, me).await;
    assert_eq!(flows.len(), 1);
    let (a, _, live, _) = flows[0].clone();
    assert!(!live);

    let page = act(&app, "renomear", Some(a), Some(&"x".repeat(101))).await;
    assert!(page.contains("até 100 caracteres"));
    act(&app, "renomear", Some(a), Some("  Plano família  ")).await;
    assert_eq!(own_flows(&app, me).await[0].1, "Plano família");

    let page = act(&app, "ativar", Some(a), None).await;
    assert!(page.contains("está ativo"), "{page}");
    let (current, _) = app::server::leads::current_flow(
        &mut app::server::db::tenant_tx(&app.pool, me).await.unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(current, a, "new conversations run the live flow");

    // Duplicate, then two "make live" races: exactly one flow is live at the end.
    act(&app, "copiar", Some(a), None).await;
    let b = own_flows(&app, me).await[1].0;
    // Each request from a browser (a session) of its own, so each sees its own outcome.
    let mut browsers = Vec::new();
    for _ in 0..8 {
        let browser = app.other_browser();
        assert_eq!(
            browser
                .login(EMAIL, "uma senha bem longa 123")
                .await
                .status(),
            200
        );
        browsers.push(browser);
    }
    let mut tasks = Vec::new();
    for (i, browser) in browsers.into_iter().enumerate() {
        let target = if i % 2 == 0 { a } else { b };
        tasks.push(tokio::spawn(async move {
            act(&browser, "ativar", Some(target), None).await
        }));
    }
    for t in tasks {
        let page = t.await.unwrap();
        assert!(
            page.contains("está ativo"),
            "every request succeeded: {page}"
        );
    }
    let live: i64 = app
        .count(&format!(
            "select count(*) from flows where created_by = '{me}' and is_active and not is_template"
        ))
        .await;
    assert_eq!(live, 1);

    // The live flow cannot be archived or deleted.
    act(&app, "ativar", Some(a), None).await;
    assert!(act(&app, "arquivar", Some(a), None)
        .await
        .contains("Este é o fluxo ativo"));
    assert!(act(&app, "excluir", Some(a), None)
        .await
        .contains("Este é o fluxo ativo"));

    // A flow conversations used is archived, not deleted; an unused one is deleted.
    sqlx::query(
        "with l as (insert into leads (consultant_id, whatsapp_number) values ($1, '+5521999990001') returning id)
         insert into conversations (consultant_id, lead_id, flow_id) select $1, l.id, $2 from l",
    )
    .bind(me)
    .bind(b)
    .execute(&app.pool)
    .await
    .unwrap();
    let page = act(&app, "excluir", Some(b), None).await;
    assert!(
        page.contains("já foi usado em conversas e não pode ser excluído: arquive-o"),
        "{page}"
    );
    act(&app, "arquivar", Some(b), None).await;
    assert!(own_flows(&app, me).await[1].3, "archived");
    assert!(act(&app, "ativar", Some(b), None)
        .await
        .contains("Desarquive o fluxo antes de ativá-lo."));
    act(&app, "copiar", Some(template), None).await;
    let c = own_flows(&app, me).await[2].0;
    assert!(act(&app, "excluir", Some(c), None)
        .await
        .contains("foi excluído"));
    assert_eq!(own_flows(&app, me).await.len(), 2);

    // Back to the template: no own flow live.
    act(&app, "usar-modelo", None, None).await;
    assert!(own_flows(&app, me).await.iter().all(|f| !f.2));

    // Another consultant's flow is not found, for any action.
    let other = insert_consultant(&app.pool, "outra@exemplo.com", "Outra").await;
    let theirs: Uuid = sqlx::query_scalar(
        "insert into flows (name, vertical, definition, is_active, is_template, created_by)
         values ('Dela', 'health_plans', '{\"etapas\": []}', false, false, $1) returning id",
    )
    .bind(other)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    for acao in ["renomear", "ativar", "arquivar", "excluir", "copiar"] {
        let page = act(&app, acao, Some(theirs), Some("Minha")).await;
        assert!(page.contains("Fluxo não encontrado."), "{acao}: {page}");
    }
    let (name, active): (String, bool) =
        sqlx::query_as("select name, is_active from flows where id = $1")
            .bind(theirs)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((name.as_str(), active), ("Dela", false));
}

/// Posts an editor action for flow `id` (with `extra` fields); returns the editor page.
async fn edit(app: &TestApp, id: Uuid, acao: &str, extra: &[(&str, &str)]) -> String {
    let page = format!("/fluxos/{id}");
    let csrf = app.csrf_from(&page).await;
    let id = id.to_string();
    let mut form = vec![("csrf", csrf.as_str()), ("acao", acao), ("id", id.as_str())];
    form.extend_from_slice(extra);
    let res = app.post_plain_form("/fluxos/acao", &page, &form).await;
    assert_eq!(res.headers()["location"].to_str().unwrap(), page);
    app.get_html(&page).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_publish_only_when_valid_and_running_conversations_keep_their_version() {
    use super::support::whatsapp::{app_with_workers, lead, replies, send};
    let app = app_with_workers(2).await;
    sign_in_inserted(&app, EMAIL).await;
    let me: Uuid = sqlx::query_scalar("select id from consultants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let template = health_template(&app).await;
    let flow = own_copy(&app, me, template).await;
    act(&app, "ativar", Some(flow), None).await;
    let page = app.get_html(&format!("/fluxos/{flow}")).await;
    assert!(page.contains("Versão publicada: 1."), "{page}");
    assert!(page.contains("&quot;etapas&quot;") || page.contains("\"etapas\""));

    // A lead starts on version 1.
    let say = |from: &str, n: u32, body: &str| lead(from).text(&format!("wamid.{from}.{n}"), body);
    send(&app, say("5521988880001", 1, "Oi")).await;

    // JSON that does not parse: refused with its place, and what was typed comes back.
    let broken = "{\n  \"etapas\": [\n    }\n";
    let page = edit(&app, flow, "rascunho", &[("json", broken)]).await;
    assert!(
        page.contains("JSON inválido na linha 3, coluna 5"),
        "{page}"
    );
    assert!(page.contains("&quot;etapas&quot;: [") || page.contains("\"etapas\": ["));

    // A draft the validator refuses is kept, but not published; the step is named.
    let mut def: serde_json::Value =
        sqlx::query_scalar("select definition from flows where id = $1")
            .bind(flow)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let mut bad = def.clone();
    bad["etapas"][1]["proxima"] = "nada".into();
    let page = edit(&app, flow, "rascunho", &[("json", &bad.to_string())]).await;
    assert!(
        page.contains("Rascunho salvo. Para publicar, corrija: etapa “perfil”"),
        "{page}"
    );
    // Each step previewed as WhatsApp shows it, its texts against WhatsApp's limits.
    assert!(page.contains("perfil (escolha: botões)"), "{page}");
    assert!(page.contains("Só eu: 5/20"));
    assert!(
        page.contains(
            "Prazer, {{nome}}! Você busca plano para:\n[Só eu] [Família] [Empresa (CNPJ)]"
        ),
        "{page}"
    );
    let mut long = bad.clone();
    long["etapas"][1]["opcoes"][0]["rotulo"] = "Só eu, sem dependentes agora".into();
    let page = edit(&app, flow, "rascunho", &[("json", &long.to_string())]).await;
    assert!(
        page.contains("Só eu, sem dependentes agora: 28/20 — longo demais"),
        "{page}"
    );
    let page = edit(&app, flow, "publicar", &[]).await;
    assert!(page.contains("Não publicado: etapa “perfil”"), "{page}");
    let version: i32 = sqlx::query_scalar("select version from flows where id = $1")
        .bind(flow)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(version, 1);

    // A valid change is published as version 2.
    def["etapas"][1]["pergunta"] = "PERGUNTA NOVA, {{nome}}?".into();
    edit(&app, flow, "rascunho", &[("json", &def.to_string())]).await;
    let page = edit(&app, flow, "publicar", &[]).await;
    assert!(page.contains("Versão 2 publicada"), "{page}");
    assert!(
        page.contains("Versão 2 — Joana"),
        "who published it: {page}"
    );
    // Publishing what is already published makes no new version (#17: it made version 3).
    edit(&app, flow, "rascunho", &[("json", &def.to_string())]).await;
    let page = edit(&app, flow, "publicar", &[]).await;
    assert!(page.contains("Nada mudou desde a versão 2"), "{page}");
    assert_eq!(
        app.count(&format!(
            "select count(*) from flow_versions where flow_id = '{flow}'"
        ))
        .await,
        2
    );

    // The running conversation keeps version 1; a new one runs version 2.
    send(&app, say("5521988880001", 2, "Maria")).await;
    send(&app, say("5521988880002", 1, "Oi")).await;
    send(&app, say("5521988880002", 2, "Bia")).await;
    let all = replies(&app).await;
    assert!(
        all.iter()
            .any(|r| r.starts_with("Prazer, Maria! Você busca plano para:")),
        "{all:#?}"
    );
    assert!(
        all.iter().any(|r| r.starts_with("PERGUNTA NOVA, Bia?")),
        "{all:#?}"
    );
    assert!(!all.iter().any(|r| r.starts_with("PERGUNTA NOVA, Maria")));

    // An earlier version comes back as the draft; a draft can be dropped.
    let page = edit(&app, flow, "restaurar", &[("versao", "1")]).await;
    assert!(page.contains("A versão 1 virou o rascunho"), "{page}");
    let draft: Option<serde_json::Value> =
        sqlx::query_scalar("select draft from flows where id = $1")
            .bind(flow)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        draft.unwrap()["etapas"][1]["pergunta"],
        bad["etapas"][1]["pergunta"]
    );
    assert!(edit(&app, flow, "descartar", &[])
        .await
        .contains("Rascunho descartado."));

    // A template's page is read-only.
    let page = app.get_html(&format!("/fluxos/{template}")).await;
    assert!(page.contains("Modelo: só leitura") && !page.contains("Salvar rascunho"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_runs_the_engine_without_writing_leads_or_messages() {
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let template = health_template(&app).await;
    let flow = own_copy(&app, me, template).await;
    let counts = || async {
        app.count("select (select count(*) from leads) + (select count(*) from messages) + (select count(*) from conversations) + (select count(*) from ai_responses)")
            .await
    };
    let before = counts().await;
    let page = format!("/fluxos/{flow}");
    let turn = |text: &'static str, acao: &'static str, versao: &'static str| {
        let app = &app;
        let page = page.clone();
        async move {
            let csrf = app.csrf_from(&page).await;
            let id = flow.to_string();
            let res = app
                .post_plain_form(
                    "/fluxos/simulador",
                    &page,
                    &[
                        ("csrf", &csrf),
                        ("id", &id),
                        ("acao", acao),
                        ("texto", text),
                        ("versao", versao),
                    ],
                )
                .await;
            assert_eq!(res.status(), 303);
            app.get_html(&page).await
        }
    };
    let html = turn("Oi", "enviar", "publicada").await;
    assert!(html.contains("Para começar, qual é o seu nome?"), "{html}");
    turn("Maria Souza", "enviar", "publicada").await;
    let html = turn("9", "enviar", "publicada").await;
    assert!(html.contains("Prazer, Maria Souza!"), "{html}");
    // Through to the AI answer, with the engine's handling of a wrong choice on the way.
    for answer in ["2", "2", "1", "Campinas"] {
        turn(answer, "enviar", "publicada").await;
    }
    let html = app.get_html(&page).await;
    assert!(html.contains("Assistente (IA)"), "{html}");
    assert_eq!(
        counts().await,
        before,
        "nothing was written but the session"
    );
    let html = turn("", "reiniciar", "publicada").await;
    assert!(html.contains("Simulação reiniciada.") && !html.contains("Prazer, Maria Souza!"));
}

/// Posts the step editor's form (JavaScript off) with `op`; returns where it sends the
/// browser and the page there.
async fn post_steps(
    app: &TestApp,
    id: Uuid,
    fields: Vec<(String, String)>,
    op: &str,
) -> (String, String) {
    let page = format!("/fluxos/{id}");
    let csrf = app.csrf_from(&page).await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", csrf.as_str()), ("acao", "editar"), ("op", op)];
    let id = id.to_string();
    form.push(("id", id.as_str()));
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let res = app.post_plain_form("/fluxos/acao", &page, &form).await;
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let html = app.get_html(&page).await;
    (to, html)
}

async fn draft_of(app: &TestApp, id: Uuid) -> app::domain::flow::FlowDefinition {
    let v: serde_json::Value =
        sqlx::query_scalar("select coalesce(draft, definition) from flows where id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    serde_json::from_value(v).unwrap()
}

fn set(fields: &mut [(String, String)], key: &str, value: &str) {
    fields
        .iter_mut()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no field {key}"))
        .1 = value.into();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_step_form_adds_fixes_and_publishes_and_a_refused_publish_keeps_the_edits() {
    use app::domain::flow::form_fields;
    let app = TestApp::spawn().await;
    let me = insert_consultant(&app.pool, EMAIL, "Joana").await;
    sign_in_inserted(&app, EMAIL).await;
    let template = health_template(&app).await;
    let flow = own_copy(&app, me, template).await;

    // A step is added before the goodbye; the page goes back to it and names what is missing.
    let (to, page) = post_steps(
        &app,
        flow,
        form_fields(&draft_of(&app, flow).await),
        "adicionar-etapa",
    )
    .await;
    assert_eq!(to, format!("/fluxos/{flow}#etapa-5"));
    assert!(page.contains("Etapa adicionada ao rascunho."), "{page}");
    assert!(page.contains("falta o texto da pergunta"), "{page}");
    let draft = draft_of(&app, flow).await;
    assert_eq!(draft.etapas[5].id, "etapa_7");
    assert_eq!(draft.etapas[5].proxima.as_deref(), Some("fim"));

    // Fixed, pointed at, renamed in the same post, and published.
    let mut f = form_fields(&draft);
    set(&mut f, "e5.pergunta", "Qual é o seu e-mail?");
    set(&mut f, "e5.validacao", "email");
    set(&mut f, "e4.proxima", "etapa_7");
    set(&mut f, "e5.id", "email");
    let (_, page) = post_steps(&app, flow, f, "publicar").await;
    assert!(page.contains("Versão 2 publicada"), "{page}");
    let (version, draft_left): (i32, bool) =
        sqlx::query_as("select version, draft is not null from flows where id = $1")
            .bind(flow)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((version, draft_left), (2, false));
    let published = draft_of(&app, flow).await;
    assert_eq!(published.etapas[4].proxima.as_deref(), Some("email"));

    // Publishing a broken edit is refused with the step named, and the edit stays as the draft.
    let mut f = form_fields(&published);
    set(&mut f, "e5.pergunta", "");
    let (_, page) = post_steps(&app, flow, f, "publicar").await;
    assert!(page.contains("Não publicado"), "{page}");
    assert!(page.contains("email"), "{page}");
    let kept = draft_of(&app, flow).await;
    assert_eq!(kept.etapas[5].pergunta, "");
    let version: i32 = sqlx::query_scalar("select version from flows where id = $1")
        .bind(flow)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(version, 2);

    // Whatever is typed comes back as text, in every field of the cards.
    let payload = "</textarea><script>alert(9)</script>";
    let mut f = form_fields(&kept);
    set(&mut f, "e5.pergunta", payload);
    set(&mut f, "e5.invalida", payload);
    set(&mut f, "e1.o0.rotulo", payload);
    let (_, page) = post_steps(&app, flow, f, "salvar").await;
    assert!(!page.contains("<script>alert(9)"), "{page}");
    assert!(
        page.contains("&lt;/textarea&gt;&lt;script&gt;alert(9)"),
        "{page}"
    );

    // A template's steps cannot be posted to.
    let (_, page) = post_steps(
        &app,
        template,
        form_fields(&draft_of(&app, template).await),
        "salvar",
    )
    .await;
    assert!(
        page.contains("Os modelos não podem ser alterados"),
        "{page}"
    );
}
