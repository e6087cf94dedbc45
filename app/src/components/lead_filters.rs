//! The board's and list's filters: a plain GET form, so the filter lives in the URL (a view
//! can be bookmarked and shared) and works without JavaScript.

use crate::api::leads::AnswerFilterOption;
use crate::domain::lead_filter::{LeadFilter, SortOrder, Source};
use crate::domain::period::Period;
use crate::domain::temperature::Temperature;
use crate::domain::LeadStatus;
use leptos::prelude::*;

#[component]
pub fn LeadFilters(
    filter: LeadFilter,
    answer_options: Vec<AnswerFilterOption>,
    list: bool,
) -> impl IntoView {
    let status = filter.status.map(|s| s.as_str()).unwrap_or("");
    let period = filter.period.map(|p| p.as_str()).unwrap_or("");
    let source = filter.source.map(|s| s.as_str()).unwrap_or("");
    let temperature = filter.temperature.map(|t| t.as_str()).unwrap_or("");
    let order = filter.order;
    let chosen = |step: &str| {
        filter
            .answers
            .iter()
            .find(|(k, _)| k == step)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    // Folded on a phone unless something is filtered: the leads come first.
    let active_count = [
        filter.status.is_some(),
        filter.period.is_some(),
        filter.source.is_some(),
        filter.temperature.is_some(),
        filter.order != SortOrder::Activity,
    ]
    .iter()
    .filter(|b| **b)
    .count()
        + filter.answers.len();
    let active = active_count > 0;
    let summary = if active {
        format!(
            "Filtros ({active_count} ativo{})",
            if active_count == 1 { "" } else { "s" }
        )
    } else {
        "Filtros".to_string()
    };
    view! {
        <form method="get" action="/leads" class="filters" role="search" aria-label="Filtrar leads">
            {list.then(|| view! { <input type="hidden" name="vista" value="lista"/> })}
            <div class="field field-search">
                <label for="filtro-q">"Buscar por nome ou número"</label>
                <input id="filtro-q" type="search" name="q" value=filter.q.clone() maxlength="100"
                    placeholder="Ex.: Ana ou (11) 98765-4321"/>
            </div>
            <details class="more-filters" open=active>
                <summary>{summary}</summary>
                <div class="filters-grid">
            <div class="field">
                <label for="filtro-status">"Etapa"</label>
                <select id="filtro-status" name="status">
                    <option value="" selected=status.is_empty()>"Todas"</option>
                    {LeadStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=status == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filtro-periodo">"Criados em"</label>
                <select id="filtro-periodo" name="periodo">
                    <option value="" selected=period.is_empty()>"Qualquer data"</option>
                    {Period::ALL.iter().map(|p| view! {
                        <option value=p.as_str() selected=period == p.as_str()>{p.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filtro-origem">"Origem"</label>
                <select id="filtro-origem" name="origem">
                    <option value="" selected=source.is_empty()>"Todas"</option>
                    {Source::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=source == s.as_str()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filtro-temperatura">"Temperatura"</label>
                <select id="filtro-temperatura" name="temperatura">
                    <option value="" selected=temperature.is_empty()>"Todas"</option>
                    {Temperature::ALL.iter().map(|t| view! {
                        <option value=t.as_str() selected=temperature == t.as_str()>{t.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filtro-ordem">"Ordem"</label>
                <select id="filtro-ordem" name="ordem">
                    {SortOrder::ALL.iter().map(|o| view! {
                        <option value=o.as_str() selected=order == *o>{o.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            {answer_options.into_iter().map(|(step, question, options)| {
                let current = chosen(&step);
                let id = format!("filtro-r-{step}");
                view! {
                    <div class="field">
                        <label for=id.clone()>{question}</label>
                        <select id=id name=format!("r_{step}")>
                            <option value="" selected=current.is_empty()>"Qualquer resposta"</option>
                            {options.into_iter().map(|(value, label)| {
                                let selected = value == current;
                                view! { <option value=value selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                }
            }).collect_view()}
                </div>
            </details>
            <div class="filter-actions">
                <button type="submit">"Filtrar"</button>
                <a href=if list { "/leads?vista=lista" } else { "/leads" } class="button button-secondary">"Limpar"</a>
            </div>
        </form>
    }
}
