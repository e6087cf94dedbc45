//! `/painel`: the figures a consultant steers by, for a period (`?periodo=7|30|90|mes`)
//! beside the one before, and charts drawn on the server as SVG (each with its figures as a
//! table behind "Ver tabela", which needs no JavaScript).

use crate::api::dashboard::{dashboard, Compared, DashboardData, GettingStarted};
use crate::api::page_data::{page_resource, PageResource};
use crate::components::chart_svg::{self as chart, BarRow};
use crate::components::PageTitle;
use crate::components::{error_view, Loading, MonthCostCard, PublicLinkTools, Upcoming, Waiting};
use crate::domain::chart::{count_br, day_label};
use crate::domain::lead_filter::query_value;
use crate::domain::period::Period;
use crate::domain::person_name::first_name;
use crate::domain::time::duration_br;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

mod ads_chart;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let location = use_location();
    // Outside the shell's Suspense, which may build its children more than once on the
    // server: one resource, one query.
    let data = page_resource(
        move || query_value(&location.search.get(), "periodo").unwrap_or_default(),
        dashboard,
    );
    view! {
        <PageTitle text="Painel | Consultor"/>
        <DashboardContent data/>
    }
}

/// "3 chegaram, 1 parou aqui": how many conversations reached a step and stopped there.
fn reach_note(reached: i64, stopped: i64) -> String {
    let verb = |n: i64, one: &str, many: &str| {
        format!("{} {}", count_br(n as f64), if n == 1 { one } else { many })
    };
    format!(
        "{}, {} aqui",
        verb(reached, "chegou", "chegaram"),
        verb(stopped, "parou", "pararam")
    )
}

/// A percentage the Brazilian way: "12,5%".
fn percent_br(v: f64) -> String {
    format!("{v:.1}%").replace('.', ",")
}

fn seconds_br(v: f64) -> String {
    duration_br(chrono::Duration::seconds(v.round() as i64))
}

/// How a figure is written.
#[derive(Clone, Copy)]
enum Kind {
    Count,
    Percent,
    Seconds,
    Millis,
}

fn format(kind: Kind, v: f64) -> String {
    match kind {
        Kind::Count => count_br(v),
        Kind::Percent => percent_br(v),
        Kind::Seconds => seconds_br(v),
        Kind::Millis => format!("{} ms", count_br(v)),
    }
}

#[component]
fn Figure(label: &'static str, value: Compared, kind: Kind) -> impl IntoView {
    let shown = value
        .now
        .map(|v| format(kind, v))
        .unwrap_or_else(|| "—".into());
    let change = value.change().map(|c| {
        let (arrow, class) = if c > 0.05 {
            ("▲", "up")
        } else if c < -0.05 {
            ("▼", "down")
        } else {
            ("=", "same")
        };
        let before = value.before.map(|b| format(kind, b)).unwrap_or_default();
        view! {
            <span class=format!("change change-{class}")
                title=format!("Período anterior: {before}")>
                <span aria-hidden="true">{arrow}" "</span>
                {format!("{} vs. período anterior ({before})", percent_br(c.abs()))}
            </span>
        }
    });
    view! {
        <div class="card">
            <span class="card-label">{label}</span>
            <strong class="card-value">{shown}</strong>
            {change}
        </div>
    }
}

/// A chart and, behind a summary, the same figures as a table.
#[component]
fn Chart(
    title: String,
    svg: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    #[prop(optional)] note: Option<String>,
) -> impl IntoView {
    // A table wider than a phone (the ads' seven columns) scrolls inside its box, which a
    // keyboard can reach, instead of widening the page.
    let table_label = format!("Tabela: {title}");
    view! {
        <figure class="chart-box">
            <figcaption><h2>{title}</h2></figcaption>
            {note.map(|n| view! { <p class="hint">{n}</p> })}
            <div class="chart-svg" inner_html=svg></div>
            <details>
                <summary>"Ver tabela"</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label=table_label>
                <table class="chart-table">
                    <thead><tr>{headers.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>{r.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </details>
        </figure>
    }
}

#[component]
fn Start(start: GettingStarted) -> impl IntoView {
    view! {
        <section class="card getting-started" aria-labelledby="comecar">
            <h2 id="comecar">"Comece por aqui"</h2>
            <ol>
                <li>"Compartilhe seu link público (mais abaixo) na bio, nos anúncios e com seus contatos."</li>
                <li>{format!("Teste seu bot: mande um “Oi” pelo WhatsApp para {} e responda às perguntas como um cliente faria.", start.whatsapp)}</li>
                <li>{format!("O fluxo ativo é “{}”. Os números e gráficos aparecem aqui assim que chegarem os primeiros leads.", start.flow_name)}</li>
            </ol>
        </section>
    }
}

#[component]
fn DashboardContent(data: PageResource<Result<DashboardData, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|d| view! { <Dashboard d/> }.into_any()).unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

#[component]
fn Dashboard(d: DashboardData) -> impl IntoView {
    let period = Period::parse(&d.period).unwrap_or(Period::Days30);
    let f = d.figures.clone();
    let plan = d.plan.clone();
    let plan_pct = plan.used as f64 * 100.0 / plan.limit.max(1) as f64;
    let plan_warning = if plan.used >= plan.limit {
        Some(("alert alert-error", format!(
            "Você chegou ao limite do plano {}: {} de {} leads novos neste mês. Os novos leads continuam sendo guardados, mas o bot não conversa com eles até o mês que vem ou até você mudar de plano.",
            plan.plan, plan.used, plan.limit)))
    } else if plan_pct >= 80.0 {
        Some(("alert alert-warning", format!(
            "Atenção: {} de {} leads novos do plano {} neste mês ({}). Acima do limite, os leads são guardados, mas o bot não conversa com eles.",
            plan.used, plan.limit, plan.plan, percent_br(plan_pct))))
    } else {
        None
    };
    let charts = (d.start.is_none()).then(|| charts(&d));
    view! {
        <h1>{format!("Olá, {}", first_name(&d.name))}</h1>
        <nav class="period-switch" aria-label="Período">
            {Period::ALL.into_iter().map(|p| {
                let current = p == period;
                view! {
                    <a href=format!("/painel?periodo={}", p.as_str())
                        class:current=current
                        aria-current=if current { Some("page") } else { None }>{p.label()}</a>
                }
            }).collect_view()}
        </nav>
        <p class="hint">{format!("De {} (horário de Brasília), comparado aos {} dias anteriores.",
            d.range_label, d.daily.len())}
            {d.updated_at.clone().map(|t| format!(" Atualizado às {t}."))}</p>
        {plan_warning.map(|(class, text)| view! { <div class=class role="status">{text}</div> })}
        {d.start.clone().map(|start| view! { <Start start/> })}
        // Who is waiting for the consultant comes first: it is what a consultant opens the
        // app for between visits.
        <Waiting leads=d.waiting.clone() count=d.waiting_count/>
        <Upcoming items=d.upcoming.clone()/>
        // The figures that matter first (on a phone, before any chart); the rest, in plain
        // words, one tap away.
        <section class="cards" aria-label="Números do período">
            <Figure label="Leads novos" value=f.leads_created kind=Kind::Count/>
            <Figure label="Conversão (fechados / novos)" value=f.conversion_rate kind=Kind::Percent/>
            <Figure label="Conversas concluídas" value=f.conversations_completed kind=Kind::Count/>
            <Figure label="Tempo até sua primeira resposta (mediana)" value=f.median_first_reply kind=Kind::Seconds/>
        </section>
        <details class="more-figures">
            <summary>"Mais números do período"</summary>
            <section class="cards" aria-label="Mais números do período">
                <Figure label="Conversas iniciadas" value=f.conversations_started kind=Kind::Count/>
                <Figure label="Taxa de conclusão" value=f.completion_rate kind=Kind::Percent/>
                <Figure label="Tempo médio até concluir" value=f.avg_completion kind=Kind::Seconds/>
                <Figure label="Tempo mediano até concluir" value=f.median_completion kind=Kind::Seconds/>
                <Figure label="Respostas escritas pela IA" value=f.ai_answers kind=Kind::Count/>
                <Figure label="Tamanho das respostas da IA (tokens)" value=f.ai_tokens kind=Kind::Count/>
                <Figure label="Tempo da IA para responder (média)" value=f.ai_latency kind=Kind::Millis/>
                <Figure label="Respostas da IA trocadas por segurança" value=f.compliance_replaced kind=Kind::Count/>
            </section>
        </details>
        <p class="hint">{format!("Plano {}: {} de {} leads novos neste mês.", plan.plan, plan.used, plan.limit)}</p>
        // Where leads come from: kept after the first lead arrives, not only while starting.
        <MonthCostCard costs=d.costs.clone()/>
        <section class="card" aria-label="Divulgue seu perfil">
            <PublicLinkTools link=d.public_link.clone() id="link-publico"/>
        </section>
        {charts}
        <section aria-label="Últimos leads">
            <h2>"Últimos leads"</h2>
            {if d.recent.is_empty() {
                view! { <p>"Nenhum lead ainda. Divulgue seu perfil para começar."</p> }.into_any()
            } else {
                view! {
                    <ul class="lead-list">
                        {d.recent.into_iter().map(|l| view! {
                            <li>
                                <a href=format!("/leads/{}", l.id)><strong>{l.name}</strong></a>
                                <span class="muted">{l.whatsapp}</span>
                                <span class=format!("badge badge-{}", l.status)>{l.status_label}</span>
                                <time class="muted">{l.last_interaction}</time>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn bar_rows(rows: &[(String, i64)], total: i64) -> Vec<BarRow> {
    rows.iter()
        .map(|(label, n)| BarRow {
            label: label.clone(),
            value: *n as f64,
            part: None,
            note: if total > 0 {
                format!(
                    "{} ({})",
                    count_br(*n as f64),
                    percent_br(*n as f64 * 100.0 / total as f64)
                )
            } else {
                count_br(*n as f64)
            },
        })
        .collect()
}

fn table(rows: &[(String, i64)]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(l, n)| vec![l.clone(), count_br(*n as f64)])
        .collect()
}

fn charts(d: &DashboardData) -> impl IntoView {
    let days: Vec<_> = d.daily.iter().map(|r| r.0).collect();
    let created: Vec<f64> = d.daily.iter().map(|r| r.1 as f64).collect();
    let closed: Vec<f64> = d.daily.iter().map(|r| r.2 as f64).collect();
    let total_created: i64 = d.daily.iter().map(|r| r.1).sum();
    let total_closed: i64 = d.daily.iter().map(|r| r.2).sum();
    let daily_svg = chart::columns_with_line(
        "grafico-dias",
        "Leads por dia",
        &format!(
            "Barras: leads novos por dia ({total_created} no período). Linha: leads fechados por dia ({total_closed})."
        ),
        &days,
        &created,
        &closed,
    );
    let daily_rows = d
        .daily
        .iter()
        .map(|(day, c, f)| vec![day_label(*day), c.to_string(), f.to_string()])
        .collect();

    // The funnel: how many of the period's leads got at least this far, from all of them
    // (100 %); "perdido" beside.
    let s: Vec<i64> = d.by_status.iter().map(|r| r.1).collect();
    let total: i64 = s.iter().sum();
    let funnel = vec![
        ("Leads novos".to_string(), total),
        ("Em contato ou além".to_string(), s[1] + s[2] + s[3]),
        ("Agendados ou além".to_string(), s[2] + s[3]),
        ("Fechados".to_string(), s[3]),
        ("Perdidos".to_string(), s[4]),
    ];
    let funnel_svg = chart::bars(
        "grafico-funil",
        "Funil de leads",
        "Quantos leads novos do período chegaram a cada etapa do quadro; os perdidos à parte.",
        &bar_rows(&funnel, total),
    );

    let steps_view = if d.steps.iter().all(|s| s.reached == 0) {
        view! {
            <section class="chart-box"><h2>"Onde os leads param no fluxo"</h2>
                <p class="hint">"Nenhuma conversa começou neste período."</p></section>
        }
        .into_any()
    } else {
        let rows: Vec<BarRow> = d
            .steps
            .iter()
            .map(|s| BarRow {
                label: s.label.clone(),
                value: s.reached as f64,
                part: Some(s.stopped as f64),
                note: reach_note(s.reached, s.stopped),
            })
            .collect();
        let svg = chart::bars(
            "grafico-etapas",
            "Onde os leads param no fluxo",
            "Para cada pergunta do fluxo ativo: quantas conversas do período chegaram a ela (barra) e quantas pararam nela (parte escura).",
            &rows,
        );
        let table = d
            .steps
            .iter()
            .map(|s| {
                vec![
                    s.label.clone(),
                    s.reached.to_string(),
                    s.stopped.to_string(),
                ]
            })
            .collect();
        let note = format!(
            "Fluxo “{}”.{}",
            d.flow_name.clone().unwrap_or_default(),
            if d.other_flows {
                " Parte das conversas do período usou outro fluxo (como o modelo de que este é cópia): elas contam nas perguntas que este fluxo também tem."
            } else {
                ""
            }
        );
        view! {
            <Chart title="Onde os leads param no fluxo".into() svg
                headers=vec!["Etapa", "Chegaram", "Pararam"] rows=table note/>
        }
        .into_any()
    };

    let sources_svg = chart::bars(
        "grafico-origem",
        "Leads por origem",
        "De onde vieram os leads novos do período.",
        &bar_rows(&d.sources, total_created),
    );
    let answers_view = d.first_question.clone().map(|(question, answers)| {
        if answers.is_empty() {
            view! {
                <section class="chart-box"><h2>{format!("Respostas: {question}")}</h2>
                    <p class="hint">"Nenhuma resposta neste período."</p></section>
            }
            .into_any()
        } else {
            let n: i64 = answers.iter().map(|a| a.1).sum();
            let svg = chart::bars(
                "grafico-respostas",
                &format!("Respostas: {question}"),
                "Quantos leads escolheram cada opção da primeira pergunta de múltipla escolha do fluxo ativo.",
                &bar_rows(&answers, n),
            );
            view! {
                <Chart title=format!("Respostas: {question}") svg headers=vec!["Opção", "Leads"] rows=table(&answers)/>
            }
            .into_any()
        }
    });
    view! {
        <div class="charts">
            {if total_created == 0 && total_closed == 0 {
                view! {
                    <section class="chart-box"><h2>"Leads por dia"</h2>
                        <p class="hint">"Nenhum lead novo nem fechado neste período."</p></section>
                }.into_any()
            } else {
                view! {
                    <Chart title="Leads por dia".into() svg=daily_svg headers=vec!["Dia", "Novos", "Fechados"] rows=daily_rows
                        note="Barras: leads novos. Linha: leads fechados no dia.".to_string()/>
                }.into_any()
            }}
            <Chart title="Funil de leads".into() svg=funnel_svg headers=vec!["Etapa", "Leads"] rows=table(&funnel)/>
            {steps_view}
            <Chart title="Leads por origem".into() svg=sources_svg headers=vec!["Origem", "Leads"] rows=table(&d.sources)/>
            {ads_chart::ads_chart(&d.ads)}
            {answers_view}
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_percent() {
        assert_eq!(super::percent_br(12.5), "12,5%");
    }

    #[test]
    fn reach_notes_agree_in_number() {
        assert_eq!(super::reach_note(1, 1), "1 chegou, 1 parou aqui");
        assert_eq!(
            super::reach_note(1_200, 0),
            "1.200 chegaram, 0 pararam aqui"
        );
    }
}
