//! `consultor seed-demo`: a demo consultant with leads and conversations, so a fresh
//! install has something to look at. Idempotent: a second run changes nothing.

use sqlx::PgPool;
use uuid::Uuid;

pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
}

pub const DEMO: DemoLogin = DemoLogin {
    email: "demo@consultor.app",
    password: "demonstracao123",
};

/// (name, number, status, answers, hours ago, completed)
type DemoLead = (
    &'static str,
    &'static str,
    &'static str,
    serde_json::Value,
    i32,
    bool,
);

fn demo_leads() -> Vec<DemoLead> {
    use serde_json::json;
    vec![
        (
            "Marcos Oliveira",
            "+5511987650001",
            "novo",
            json!({"nome": "Marcos Oliveira", "perfil": "individual", "idade": "31_45", "copart": "sim", "cidade": "São Paulo"}),
            2,
            true,
        ),
        (
            "Fernanda Lima",
            "+5511987650002",
            "novo",
            json!({"nome": "Fernanda Lima", "perfil": "familia"}),
            5,
            false,
        ),
        (
            "Ricardo Alves",
            "+5521987650003",
            "em_contato",
            json!({"nome": "Ricardo Alves", "perfil": "familia", "idade": "46_59", "copart": "nao", "cidade": "Niterói"}),
            26,
            true,
        ),
        (
            "Patrícia Souza",
            "+5531987650004",
            "em_contato",
            json!({"nome": "Patrícia Souza", "perfil": "empresa", "idade": "ate_30", "copart": "nao_sei", "cidade": "Belo Horizonte"}),
            50,
            true,
        ),
        (
            "João Conceição",
            "+5511987650005",
            "agendado",
            json!({"nome": "João Conceição", "perfil": "individual", "idade": "60_mais", "copart": "nao", "cidade": "Campinas"}),
            75,
            true,
        ),
        (
            "Aline Ribeiro",
            "+5541987650006",
            "fechado",
            json!({"nome": "Aline Ribeiro", "perfil": "familia", "idade": "31_45", "copart": "sim", "cidade": "Curitiba"}),
            120,
            true,
        ),
        (
            "Bruno Carvalho",
            "+5551987650007",
            "perdido",
            json!({"nome": "Bruno Carvalho", "perfil": "individual", "idade": "ate_30", "copart": "sim", "cidade": "Porto Alegre"}),
            200,
            true,
        ),
    ]
}

pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<DemoLogin> {
    let hash = app::server::password_hash::hash(DEMO.password.to_string())
        .await
        .map_err(anyhow::Error::msg)?;
    // System path: seeding is not any consultant's request.
    let mut tx = app::server::db::system_tx(pool).await?;
    let inserted: Option<Uuid> = sqlx::query_scalar!(
        "insert into consultants (email, password_hash, name, bio, crm_number, whatsapp_number, vertical, slug)
         values ($1, $2, 'Joana Conceição',
                 'Corretora de planos de saúde há 12 anos. Ajudo famílias e empresas a escolher o plano certo, sem letras miúdas.',
                 'SUSEP 123456', '+5511912345678', 'health_plans', generate_slug('Joana Conceição'))
         on conflict (email) do nothing
         returning id",
        DEMO.email,
        &hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(consultant_id) = inserted else {
        tx.rollback().await?;
        return Ok(DEMO);
    };
    let flow_id: Uuid = sqlx::query_scalar!(
        "select id from flows where is_template and vertical = 'health_plans' order by created_at limit 1",
    )
    .fetch_one(&mut *tx)
    .await?;

    for (name, phone, status, answers, hours_ago, completed) in demo_leads() {
        let lead_id: Uuid = sqlx::query_scalar!(
            "insert into leads (consultant_id, whatsapp_number, name, profile_name, status, respostas,
                                metadata, last_interaction_at, created_at)
             values ($1, $2, $3, $3, $4, $5, '{\"source\": \"perfil\"}',
                     now() - make_interval(hours => $6), now() - make_interval(hours => $6 + 1))
             returning id",
            consultant_id,
            phone,
            name,
            status,
            &answers,
            hours_ago
        )
        .fetch_one(&mut *tx)
        .await?;
        // The conversation remembers the answers as the engine does (the dashboard's reach
        // of each step is counted from them).
        let current = if completed { "fim" } else { "idade" };
        let given: std::collections::BTreeMap<String, String> = answers
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        let state = serde_json::to_value(app::domain::flow::ConversationState {
            current_step: Some(current.to_string()),
            labels: given.clone(),
            answers: given,
            completed,
            ..Default::default()
        })?;
        let conversation_id: Uuid = sqlx::query_scalar!(
            "insert into conversations (lead_id, flow_id, current_step, state, is_completed, started_at, completed_at)
             values ($1, $2, $3, $6, $4, now() - make_interval(hours => $5 + 1),
                     case when $4 then now() - make_interval(hours => $5) end)
             returning id",
            lead_id,
            flow_id,
            current,
            completed,
            hours_ago,
            state
        )
        .fetch_one(&mut *tx)
        .await?;
        let first_name = app::domain::person_name::first_name(name);
        let mut lines = vec![
            (
                "inbound",
                "Oi! Vi seu perfil e quero saber de plano de saúde.".to_string(),
            ),
            (
                "outbound",
                "Olá! Sou o assistente virtual. Para começar, qual é o seu nome?".to_string(),
            ),
            ("inbound", name.to_string()),
            (
                "outbound",
                format!("Prazer, {first_name}! Você busca plano para:"),
            ),
        ];
        if completed {
            lines.push(("inbound", "Família".into()));
            lines.push((
                "outbound",
                format!("Obrigado, {first_name}! Já vou preparar as melhores opções para você."),
            ));
        }
        for (i, (direction, content)) in lines.into_iter().enumerate() {
            sqlx::query!(
                "insert into messages (conversation_id, direction, content, status, created_at)
                 values ($1, $2, $3, 'read',
                         now() - make_interval(hours => $4 + 1) + make_interval(mins => $5))",
                conversation_id,
                direction,
                content,
                hours_ago,
                i as i32 * 2
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    // The demo's "agendado" leads have their meeting booked: in two days, 15:00 São Paulo
    // (the dashboard's "Próximos agendamentos", the card, the lead page).
    sqlx::query!(
        "insert into appointments (consultant_id, lead_id, starts_at, place)
         select consultant_id, id,
                (date_trunc('day', now() at time zone 'America/Sao_Paulo') + interval '2 days 15 hours')
                    at time zone 'America/Sao_Paulo',
                'Escritório (Av. Paulista, 1000)'
           from leads where consultant_id = $1 and status = 'agendado'",
        consultant_id
    )
    .execute(&mut *tx)
    .await?;
    // When each lead last wrote: the board's "não lida" mark and the reply window.
    sqlx::query!(
        "update leads l set last_inbound_at = (
            select max(m.created_at) from messages m join conversations c on c.id = m.conversation_id
             where c.lead_id = l.id and m.direction = 'inbound')
          where l.consultant_id = $1",
        consultant_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "select log_audit_event($1, 'signup', 'consultant', $1, '{\"source\": \"seed-demo\"}')",
        consultant_id
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    sqlx::query!("select refresh_metrics()")
        .fetch_one(pool)
        .await?;
    // The dashboard's figures, in full (the seeded rows carry times of the past).
    sqlx::query!("select refresh_dashboard(true)")
        .fetch_one(pool)
        .await?;
    Ok(DEMO)
}
