use crate::api::dashboard::{dashboard, DashboardData};
use crate::components::PageTitle;
use crate::components::{error_view, AppShell, Loading};
use crate::domain::person_name::first_name;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    // Outside the shell's Suspense, which may build its children more than once on the
    // server: one resource, one query.
    let data = Resource::new(|| (), |_| dashboard());
    view! {
        <PageTitle text="Painel | Consultor"/>
        <AppShell>
            <DashboardContent data/>
        </AppShell>
    }
}

/// A percentage the Brazilian way: "12,5%".
fn percent_br(v: f64) -> String {
    format!("{v:.1}%").replace('.', ",")
}

#[component]
fn DashboardContent(data: Resource<Result<DashboardData, AppError>>) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|d| view! {
                    <h1>{format!("Olá, {}", first_name(&d.name))}</h1>
                    <section class="cards" aria-label="Resumo">
                        <div class="card"><span class="card-label">"Leads"</span>
                            <strong class="card-value">{d.total_leads}</strong></div>
                        <div class="card"><span class="card-label">"Conversão"</span>
                            <strong class="card-value">
                                {d.conversion_rate.map(percent_br).unwrap_or_else(|| "—".into())}
                            </strong></div>
                        <div class="card"><span class="card-label">"Conversas concluídas"</span>
                            <strong class="card-value">
                                {format!("{} de {}", d.completed_conversations, d.total_conversations)}
                            </strong></div>
                    </section>
                    <section aria-label="Leads por etapa">
                        <h2>"Leads por etapa"</h2>
                        <ul class="status-list">
                            {d.by_status.into_iter().map(|(label, n)| view! {
                                <li><span>{label}</span><strong>{n}</strong></li>
                            }).collect_view()}
                        </ul>
                    </section>
                    <section aria-label="Últimos leads">
                        <h2>"Últimos leads"</h2>
                        {if d.recent.is_empty() {
                            view! { <p>"Nenhum lead ainda. Divulgue seu perfil para começar."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="lead-list">
                                    {d.recent.into_iter().map(|l| view! {
                                        <li>
                                            <strong>{l.name}</strong>
                                            <span class="muted">{l.whatsapp}</span>
                                            <span class=format!("badge badge-{}", l.status)>{l.status_label}</span>
                                            <time class="muted">{l.last_interaction}</time>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }.into_any()).unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_percent() {
        assert_eq!(super::percent_br(12.5), "12,5%");
    }
}
