//! The dashboard's "Anúncios e campanhas" chart and its table.

use super::{percent_br, Chart};
use crate::components::chart_svg::{self as chart, BarRow};
use crate::domain::chart::count_br;
use leptos::prelude::*;

/// "Anúncios e campanhas": per ad or code, its leads (bar) and the closed ones (dark part),
/// with the whole way (finished the bot, hot, scheduled, closed, conversion) in the table.
pub(super) fn ads_chart(ads: &[crate::domain::dashboard::AdRow]) -> AnyView {
    const TITLE: &str = "Anúncios e campanhas";
    if ads.is_empty() {
        return view! {
            <section class="chart-box"><h2>{TITLE}</h2>
                <p class="hint">"Nenhum lead de anúncio (clique para o WhatsApp) nem de link com código [ref:…] neste período."</p></section>
        }
        .into_any();
    }
    let rows: Vec<BarRow> = ads
        .iter()
        .map(|a| BarRow {
            label: a.label.clone(),
            value: a.leads as f64,
            part: Some(a.closed as f64),
            note: format!(
                "{} · {} fechado{}",
                count_br(a.leads as f64),
                a.closed,
                if a.closed == 1 { "" } else { "s" }
            ),
        })
        .collect();
    let svg = chart::bars(
        "grafico-anuncios",
        TITLE,
        "Para cada anúncio ou código de campanha: leads do período (barra) e quantos fecharam (parte escura).",
        &rows,
    );
    let table = ads
        .iter()
        .map(|a| {
            vec![
                a.label.clone(),
                a.leads.to_string(),
                a.completed.to_string(),
                a.hot.to_string(),
                a.scheduled.to_string(),
                a.closed.to_string(),
                a.conversion().map(percent_br).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    view! {
        <Chart title=TITLE.into() svg
            headers=vec!["Anúncio ou código", "Leads", "Concluíram o bot", "Quentes", "Agendados", "Fechados", "Conversão"]
            rows=table/>
    }
    .into_any()
}
