//! `/leads/{id}/dados`: everything held about one lead as a readable page that prints well
//! (the LGPD's right of access), beside the JSON file of the same data.

use crate::api::lead::lead_data;
use crate::api::page_data::page_resource;
use crate::components::PageTitle;
use crate::components::{error_view, Loading};
use crate::domain::time::format_datetime;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

#[component]
pub fn LeadDataPage() -> impl IntoView {
    let params = use_params_map();
    let data = page_resource(
        move || params.read().get("id").unwrap_or_default(),
        lead_data,
    );
    view! {
        <PageTitle text="Dados do lead | Consultor"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|d| view! { <LeadData d/> }.into_any()).unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

/// A timestamp of the export as São Paulo time; anything else as it is.
fn when(v: &Value) -> String {
    v.as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| format_datetime(t.with_timezone(&chrono::Utc)))
        .unwrap_or_default()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[component]
fn LeadData(d: Value) -> impl IntoView {
    let lead = d["lead"].clone();
    let id = text(&lead["id"]);
    let answers: Vec<(String, String)> = lead["respostas"]
        .as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default();
    view! {
        <article class="lead-data">
            <p class="small no-print"><a href=format!("/leads/{id}")>"← Voltar ao lead"</a>
                " · " <a href=format!("/leads/{id}/dados.json") download="">"Baixar em JSON"</a></p>
            <h1>{format!("Dados de {}", text(&lead["nome"]))}</h1>
            <p class="muted">{format!("Cópia gerada em {} (horário de Brasília), conforme a LGPD.", when(&d["exportado_em"]))}</p>
            <h2>"Cadastro"</h2>
            <dl class="answers-list">
                <dt>"Nome"</dt><dd>{text(&lead["nome"])}</dd>
                <dt>"Nome no WhatsApp"</dt><dd>{text(&lead["nome_no_whatsapp"])}</dd>
                <dt>"WhatsApp"</dt><dd>{text(&lead["whatsapp"])}</dd>
                <dt>"Etapa"</dt><dd>{text(&lead["etapa"])}</dd>
                <dt>"Primeiro contato"</dt><dd>{when(&lead["criado_em"])}</dd>
                <dt>"Última atividade"</dt><dd>{when(&lead["ultima_atividade"])}</dd>
            </dl>
            <h2>"Consentimento"</h2>
            <dl class="answers-list">
                <dt>"Aviso de privacidade enviado"</dt><dd>{when(&d["consentimento"]["aviso_de_privacidade_enviado_em"])}</dd>
                <dt>"Lido (respondeu depois do aviso)"</dt><dd>{when(&d["consentimento"]["aviso_lido_em"])}</dd>
                <dt>"Pediu para não receber mensagens"</dt><dd>{when(&d["consentimento"]["pediu_para_sair_em"])}</dd>
            </dl>
            <h2>"Respostas"</h2>
            <dl class="answers-list">
                {answers.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
            <h2>"Mensagens"</h2>
            <table class="chart-table">
                <thead><tr><th scope="col">"Quando"</th><th scope="col">"De"</th><th scope="col">"Texto"</th></tr></thead>
                <tbody>
                    {list(&d["mensagens"]).into_iter().map(|m| view! {
                        <tr>
                            <td>{when(&m["em"])}</td>
                            <td>{if m["direcao"] == "inbound" { "Lead" } else { "Consultor / assistente" }}</td>
                            <td>{text(&m["texto"])}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <h2>"Respostas da IA"</h2>
            <ul>
                {list(&d["respostas_da_ia"]).into_iter().map(|a| view! {
                    <li><time>{when(&a["em"])}</time>" — "{text(&a["texto"])}</li>
                }).collect_view()}
            </ul>
            <h2>"Histórico de etapas"</h2>
            <ul>
                {list(&d["historico_de_etapas"]).into_iter().map(|h| view! {
                    <li><time>{when(&h["em"])}</time>{format!(" — de {} para {}", text(&h["de"]), text(&h["para"]))}</li>
                }).collect_view()}
            </ul>
            <h2>"Notas do consultor"</h2>
            <ul>
                {list(&d["notas"]).into_iter().map(|n| view! {
                    <li><time>{when(&n["em"])}</time>" — "{text(&n["texto"])}</li>
                }).collect_view()}
            </ul>
            <h2>"Agendamentos"</h2>
            <ul>
                {list(&d["agendamentos"]).into_iter().map(|a| view! {
                    <li><time>{when(&a["inicio"])}</time>
                        {format!(" — {} · local: {} · link: {}", text(&a["situacao"]), text(&a["local"]), text(&a["link_da_videochamada"]))}</li>
                }).collect_view()}
            </ul>
        </article>
    }
}
