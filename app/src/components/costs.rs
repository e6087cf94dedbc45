//! What WhatsApp messages cost, estimated: the month's on the dashboard (by category, per
//! closed deal, free against paid), a lead's on its page.

use crate::domain::dashboard::MonthCosts;
use crate::domain::pricing::CostSummary;
use leptos::prelude::*;

#[component]
fn Lines(summary: CostSummary) -> impl IntoView {
    view! {
        <ul class="cost-lines">
            {summary.lines.into_iter().map(|(label, n, amount)| view! {
                <li><span>{format!("{label}: {n} {}", if n == 1 { "mensagem" } else { "mensagens" })}</span>
                    <span class="cost-amount">{amount}</span></li>
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn MonthCostCard(costs: MonthCosts) -> impl IntoView {
    let share = costs.summary.paid_share();
    let empty = costs.summary.lines.is_empty();
    view! {
        <section class="card costs" aria-labelledby="custos-titulo">
            <h2 id="custos-titulo">"WhatsApp neste mês (estimativa)"</h2>
            {if empty {
                view! { <p class="muted">"Nenhuma mensagem enviada neste mês."</p> }.into_any()
            } else {
                view! {
                    <p class="cost-total"><strong>{costs.summary.total.clone()}</strong>
                        {share.map(|s| format!(" · {s} das mensagens foram pagas"))}</p>
                    <Lines summary=costs.summary.clone()/>
                    <p class="small">{match &costs.per_deal {
                        Some(per) => format!("{per} por negócio fechado ({} neste mês).", costs.closed),
                        None => "Nenhum negócio fechado neste mês ainda.".to_string(),
                    }}</p>
                }.into_any()
            }}
            <p class="hint">{format!(
                "A Meta cobra por modelo entregue (marketing, utilidade, autenticação); respostas dentro da janela de 24 horas são grátis. Valores estimados pela {}, sem impostos nem descontos por volume.",
                costs.source
            )}</p>
        </section>
    }
}

#[component]
pub fn LeadCost(summary: CostSummary) -> impl IntoView {
    (!summary.lines.is_empty()).then(|| {
        view! {
            <section class="costs" aria-labelledby="custo-lead-titulo">
                <h2 id="custo-lead-titulo">"Custo das mensagens (estimativa)"</h2>
                <p class="cost-total"><strong>{summary.total.clone()}</strong></p>
                <Lines summary/>
            </section>
        }
    })
}
