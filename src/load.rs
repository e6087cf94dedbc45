//! `consultor seed-load`: fills a database with realistic volume for benchmarks and plan
//! checks. By default 1,000 consultants and 1,000,000 leads, of which one consultant
//! (`carga-1@consultor.test`) holds 100,000 and one (`carga-2@consultor.test`) holds 10; a
//! conversation, about ten messages and an AI response per lead; status history for the
//! leads that moved. Both accounts sign in with [`LOAD_PASSWORD`].
//!
//! Rows are written by PostgreSQL itself (`generate_series`), a batch of consultants per
//! transaction, so the volume never passes through this process and a stop midway leaves
//! whole consultants. A database that already holds the load is left as it is.

use sqlx::PgPool;
use std::time::Instant;

pub const LOAD_PASSWORD: &str = "senha-da-carga-123";
pub const BIG_EMAIL: &str = "carga-1@consultor.test";
pub const SMALL_EMAIL: &str = "carga-2@consultor.test";

#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub consultants: i32,
    pub leads: i64,
    /// Leads of the first consultant.
    pub big: i64,
    /// Messages per lead.
    pub messages: i32,
}

impl Default for Sizes {
    fn default() -> Self {
        Self {
            consultants: 1000,
            leads: 1_000_000,
            big: 100_000,
            messages: 10,
        }
    }
}

impl Sizes {
    /// The defaults, each overridden by its variable when set: `LOAD_CONSULTANTS`,
    /// `LOAD_LEADS`, `LOAD_BIG`, `LOAD_MESSAGES`.
    pub fn from_env() -> Self {
        let d = Self::default();
        let num = |name: &str, default: i64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Self {
            consultants: num("LOAD_CONSULTANTS", d.consultants.into()) as i32,
            leads: num("LOAD_LEADS", d.leads),
            big: num("LOAD_BIG", d.big),
            messages: num("LOAD_MESSAGES", d.messages.into()) as i32,
        }
    }
}

/// Consultants written per transaction.
const BATCH: i32 = 25;

/// Returns false when the load was already there.
pub async fn seed_load(pool: &PgPool, sizes: Sizes) -> anyhow::Result<bool> {
    let present: bool = sqlx::query_scalar!(
        r#"select exists(select 1 from consultants where email = $1) as "p!""#,
        BIG_EMAIL
    )
    .fetch_one(pool)
    .await?;
    if present {
        return Ok(false);
    }
    anyhow::ensure!(
        sizes.consultants >= 3,
        "são necessários pelo menos 3 consultores"
    );
    let started = Instant::now();
    let hash = app::server::password_hash::hash(LOAD_PASSWORD.to_string())
        .await
        .map_err(anyhow::Error::msg)?;
    // Leads of everyone but the two named accounts, spread evenly.
    let others = i64::from(sizes.consultants - 2);
    let each = ((sizes.leads - sizes.big - 10).max(0) / others).max(1);

    let mut first = 1;
    while first <= sizes.consultants {
        let last = (first + BATCH - 1).min(sizes.consultants);
        let mut tx = pool.begin().await?;
        sqlx::query!(
            "insert into consultants (email, password_hash, name, whatsapp_number, vertical, slug, subscription_tier)
             select 'carga-' || n || '@consultor.test', $3, 'Consultora ' || n,
                    '+5511' || lpad((900000000 + n)::text, 9, '0'), 'health_plans', 'carga-' || n, 'agency'
               from generate_series($1::int, $2::int) n",
            first,
            last,
            &hash
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            r#"insert into leads (consultant_id, whatsapp_number, name, profile_name, status, respostas, metadata,
                                  created_at, last_interaction_at, last_inbound_at, seen_at,
                                  score, scored_at, score_due_at)
               select c.id,
                      '+552199' || lpad(g::text, 7, '0'),
                      (array['Ana','Bruno','Carla','Davi','Elisa','Fábio','Gabriela','Heitor','Íris','João'])[1 + g % 10]
                        || ' ' || (array['Silva','Souza','Oliveira','Lima','Costa','Pereira','Almeida'])[1 + (g / 10) % 7]
                        || ' ' || g,
                      'Perfil ' || g,
                      (array['novo','novo','novo','em_contato','em_contato','agendado','fechado','perdido','perdido','em_contato'])[1 + (g * 7) % 10],
                      jsonb_build_object(
                          'perfil', (array['individual','familia','empresa'])[1 + g % 3],
                          'idade', (array['ate_30','31_45','46_59','60_mais'])[1 + (g / 3) % 4],
                          'copart', (array['sim','nao','nao_sei'])[1 + (g / 7) % 3]),
                      case g % 5 when 0 then '{"source": "perfil"}'::jsonb
                                 when 1 then '{"source": "ad", "campaign": "Campanha de verão"}'::jsonb
                                 when 2 then '{"source": "perfil"}'::jsonb
                                 else '{}'::jsonb end,
                      t.created, least(now(), t.created + make_interval(hours => (g % 240)::int)),
                      least(now(), t.created + make_interval(hours => (g % 240)::int)),
                      case when g % 3 = 0 then null else now() end,
                      -- Scored already (the rescoring job would, at start): from -4 to 7.
                      ((g * 13) % 12) - 4, now(), null
                 from consultants c
                 cross join lateral generate_series(1,
                     case c.slug when 'carga-1' then $2::bigint when 'carga-2' then 10 else $3::bigint end) g
                 cross join lateral (select now() - make_interval(mins => ((g * 7919) % 525600)::int) as created) t
                where c.slug like 'carga-%' and substring(c.slug from 7)::int between $1 and $4"#,
            first,
            sizes.big,
            each,
            last
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            // Six in ten complete the health-plan flow; the others stop at one of its four
            // later questions (the dashboard's drop-off has something to show).
            r#"insert into conversations (lead_id, consultant_id, flow_id, current_step, state, is_completed,
                                        started_at, completed_at, last_inbound_at)
             select l.id, l.consultant_id, f.id, p.step,
                    jsonb_build_object(
                        'current_step', p.step, 'completed', p.k = 6,
                        'answers', (select coalesce(jsonb_object_agg(a.step, a.value), '{}'::jsonb)
                                      from (values (1, 'nome', 'Lead de carga'),
                                                   (2, 'perfil', (array['individual', 'familia', 'empresa'])[1 + h % 3]),
                                                   (3, 'idade', (array['ate_30', '31_45', '46_59', '60_mais'])[1 + h % 4]),
                                                   (4, 'copart', (array['sim', 'nao', 'nao_sei'])[1 + h % 3]),
                                                   (5, 'cidade', 'São Paulo')) a(i, step, value)
                                     where a.i < p.k)),
                    p.k = 6, l.created_at,
                    case when p.k = 6 then l.created_at + make_interval(mins => 5 + h % 20) end,
                    l.last_inbound_at
               from leads l
               join consultants c on c.id = l.consultant_id
               cross join (select id from flows where is_template and vertical = 'health_plans'
                            order by created_at limit 1) f
               cross join lateral (select abs(hashtext(l.id::text)) as h) hh
               cross join lateral (select case when h % 10 < 6 then 6 else 2 + h % 10 - 6 end as k) kk
               cross join lateral (select kk.k, (array['nome', 'perfil', 'idade', 'copart', 'cidade', 'fim'])[kk.k] as step) p
              where c.slug like 'carga-%' and substring(c.slug from 7)::int between $1 and $2"#,
            first,
            last
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into messages (conversation_id, consultant_id, direction, content, message_type, status, created_at)
             select cv.id, cv.consultant_id,
                    case when k % 2 = 1 then 'inbound' else 'outbound' end,
                    case when k % 2 = 1 then 'Mensagem do lead ' || k else 'Resposta do assistente ' || k end,
                    'text', case when k % 2 = 1 then 'delivered' else 'read' end,
                    cv.started_at + make_interval(mins => k)
               from conversations cv
               join consultants c on c.id = cv.consultant_id
               cross join generate_series(1, $3::int) k
              where c.slug like 'carga-%' and substring(c.slug from 7)::int between $1 and $2",
            first,
            last,
            sizes.messages
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into ai_responses (lead_id, conversation_id, consultant_id, prompt, response, model,
                                       tokens_used, latency_ms, created_at)
             select cv.lead_id, cv.id, cv.consultant_id, 'carga ' || cv.id, 'Resposta de carga', 'builtin',
                    120, 40, cv.completed_at
               from conversations cv
               join consultants c on c.id = cv.consultant_id
              where c.slug like 'carga-%' and substring(c.slug from 7)::int between $1 and $2",
            first,
            last
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "insert into lead_status_history (consultant_id, lead_id, from_status, to_status, changed_by, created_at)
             select l.consultant_id, l.id, 'novo', l.status, l.consultant_id, l.last_interaction_at
               from leads l
               join consultants c on c.id = l.consultant_id
              where l.status <> 'novo' and c.slug like 'carga-%' and substring(c.slug from 7)::int between $1 and $2",
            first,
            last
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            consultants = last,
            seconds = started.elapsed().as_secs(),
            "seed-load"
        );
        first = last + 1;
    }
    sqlx::raw_sql("vacuum analyze").execute(pool).await?;
    sqlx::query!("select refresh_metrics()")
        .fetch_one(pool)
        .await?;
    // The dashboard's figures, in full (the seeded rows carry times of the past).
    sqlx::query!("select refresh_dashboard(true)")
        .fetch_one(pool)
        .await?;
    Ok(true)
}
