//! The comparison image's cost, on this machine:
//!
//! 1. one image drawn whole (`comparison::render`: the SVG written, rasterised, PNG encoded),
//!    beside the rasterisation of the same SVG alone (`comparison::rasterise`, the baseline)
//!    and the SVG alone; p50 and p95 of `BENCH_RUNS` (50) each;
//! 2. a flow's last message end to end (`jobs::run_once`: the webhook event processed, the
//!    flow completed, replies sent through the sandbox, and the image drawn, stored and
//!    queued), for `BENCH_LEADS` (20) leads of a flow without offers, then of a flow with
//!    them, against a scratch database (`BENCH_DATABASE_URL`).
//!
//! Run with `make bench-image` (release build).

#[path = "scratch_db.rs"]
mod scratch_db;

use consultor::comparison::{rasterise, render, svg};
use serde_json::json;
use sqlx::PgPool;
use std::time::{Duration, Instant};

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentiles(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort();
    let at = |p: f64| {
        let i = ((times.len() as f64 - 1.0) * p).round() as usize;
        times[i].as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.95))
}

fn drawing(runs: usize) {
    let input = svg::example();
    let text = svg::svg(&input);
    let time = |f: &dyn Fn()| -> Vec<Duration> {
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect()
    };
    // Warm: fonts loaded, caches filled.
    render(&input).unwrap();
    let raster = percentiles(time(&|| {
        rasterise(&text).unwrap();
    }));
    let whole = percentiles(time(&|| {
        render(&input).unwrap();
    }));
    let only_svg = percentiles(time(&|| {
        std::hint::black_box(svg::svg(&input));
    }));
    println!("comparison image, {runs} runs each (ms, p50 / p95):");
    println!(
        "  rasterise the SVG alone (baseline): {:.1} / {:.1}",
        raster.0, raster.1
    );
    println!(
        "  render one image (SVG + raster + PNG): {:.1} / {:.1}  ({:.2}× the baseline at p50)",
        whole.0,
        whole.1,
        whole.0 / raster.0
    );
    println!(
        "  write the SVG alone: {:.3} / {:.3}",
        only_svg.0, only_svg.1
    );
}

/// A consultant whose own flow asks one question; with `offers`, its image is on.
async fn consultant(pool: &PgPool, n: usize, offers: bool) -> String {
    let number = format!("+55119{n:08}");
    let id: uuid::Uuid = sqlx::query_scalar(
        "insert into consultants (email, password_hash, name, whatsapp_number, vertical, slug, subscription_tier)
         values ($1, 'x', 'Joana Conceição', $2, 'health_plans', $3, 'agency') returning id",
    )
    .bind(format!("c{n}@bench.test"))
    .bind(&number)
    .bind(format!("bench-{n}"))
    .fetch_one(pool)
    .await
    .unwrap();
    let def = json!({"etapas": [
        {"id": "perfil", "tipo": "escolha", "pergunta": "Para quem?", "opcoes": [
            {"rotulo": "Só eu", "valor": "individual"}, {"rotulo": "Família", "valor": "familia"}],
         "proxima": "fim"},
        {"id": "fim", "tipo": "fim", "pergunta": "Obrigado!"}]});
    let flow: uuid::Uuid = sqlx::query_scalar(
        "insert into flows (created_by, name, vertical, definition, is_active, is_template)
         values ($1, 'Fluxo', 'health_plans', $2, true, false) returning id",
    )
    .bind(id)
    .bind(def)
    .fetch_one(pool)
    .await
    .unwrap();
    if offers {
        sqlx::query(
            "insert into comparison_offers (flow_id, consultant_id, title, offers) values ($1, $2, 'Planos', $3)",
        )
        .bind(flow)
        .bind(id)
        .bind(json!([
            {"nome": "Essencial", "preco": "R$ 489,90/mês", "detalhes": "Enfermaria, rede regional"},
            {"nome": "Conforto", "preco": "R$ 712,00/mês", "detalhes": "Apartamento, rede nacional"},
            {"nome": "Premium", "preco": "R$ 1.180,00/mês", "detalhes": "Reembolso e cobertura internacional"}]))
        .execute(pool)
        .await
        .unwrap();
    }
    number.trim_start_matches('+').to_string()
}

fn event(to: &str, from: &str, wamid: &str, body: serde_json::Value) -> serde_json::Value {
    let mut message = json!({"from": from, "id": wamid, "timestamp": "1700000000"});
    if let (Some(m), Some(b)) = (message.as_object_mut(), body.as_object()) {
        m.extend(b.clone());
    }
    json!({"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": to, "phone_number_id": "0"},
        "contacts": [{"profile": {"name": "Maria"}, "wa_id": from}],
        "messages": [message]}}]}]})
}

/// The last message of each lead's flow, end to end (ms, p50 / p95).
async fn flows(pool: &PgPool, leads: usize, offers: bool) -> (f64, f64) {
    let services = consultor::jobs::Services {
        transport: consultor::jobs::Transport::Sandbox,
        ai: consultor::ai::AiProvider::BuiltIn,
        public_url: None,
        transcriber: None,
        sandbox_media: None,
    };
    let base = if offers { 1000 } else { 0 };
    let mut times = Vec::with_capacity(leads);
    for n in 0..leads {
        let to = consultant(pool, base + n, offers).await;
        let from = format!("55219{:08}", base + n);
        let first = event(
            &to,
            &from,
            &format!("w.{offers}.{n}.1"),
            json!({"type": "text", "text": {"body": "Oi"}}),
        );
        let last = event(
            &to,
            &from,
            &format!("w.{offers}.{n}.2"),
            json!({"type": "interactive", "interactive": {"type": "button_reply",
                   "button_reply": {"id": "familia", "title": "Família"}}}),
        );
        for (i, payload) in [first, last].into_iter().enumerate() {
            sqlx::query("insert into webhook_events (event_type, payload, signature) values ('message', $1, 'x')")
                .bind(payload)
                .execute(pool)
                .await
                .unwrap();
            let t = Instant::now();
            while consultor::jobs::run_once(pool, &services).await.unwrap() {}
            if i == 1 {
                times.push(t.elapsed());
            }
        }
    }
    if offers {
        let drawn: i64 =
            sqlx::query_scalar("select count(*) from generated_images where status = 'pronta'")
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(drawn as usize, leads, "one image per completed flow");
    }
    percentiles(times)
}

fn main() {
    drawing(env_num("BENCH_RUNS", 50));
    let Ok(admin) = std::env::var("BENCH_DATABASE_URL") else {
        println!("(BENCH_DATABASE_URL unset: the flow's end-to-end time is not measured)");
        return;
    };
    let leads = env_num("BENCH_LEADS", 20);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let (pool, name) = scratch_db::create(&admin, "image", 4).await;
        let without = flows(&pool, leads, false).await;
        let with = flows(&pool, leads, true).await;
        println!("a flow's last message end to end, {leads} leads each (ms, p50 / p95):");
        println!(
            "  without the image (baseline): {:.1} / {:.1}",
            without.0, without.1
        );
        println!(
            "  with the image: {:.1} / {:.1}  ({:.2}× the baseline at p50)",
            with.0,
            with.1,
            with.0 / without.0
        );
        pool.close().await;
        scratch_db::drop(&admin, &name).await;
    });
}
