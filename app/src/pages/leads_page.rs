//! `/leads`: the board (a column per stage) or, with `vista=lista`, a sortable table. The
//! filters, the view and the pages all live in the URL.

use crate::api::feedback::{form_state, FormContext, FormFeedback};
use crate::api::leads::{
    lead_board, lead_column, lead_list, BoardColumn, BoardData, LeadCard, ListPage, MoveLead,
};
use crate::api::page_data::{page_resource, PageResource};
use crate::components::PageTitle;
use crate::components::{
    error_view, question_label, remember_moves, FormAlert, LeadCardView, LeadFilters, Loading,
};
use crate::domain::lead_filter::{query_value, LeadFilter, SortOrder};
use crate::domain::LeadStatus;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum LeadsView {
    Board(BoardData),
    List(ListPage),
}

type LeadsData = Result<(LeadsView, FormContext), AppError>;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let location = use_location();
    let moved = ServerAction::<MoveLead>::new();
    remember_moves(moved);
    // At page level, outside the shell's Suspense (see SettingsPage): one resource, one query.
    let data: PageResource<LeadsData> = page_resource(
        move || (location.search.get(), moved.version().get()),
        |(query, _)| async move {
            let list = query_value(&query, "vista").as_deref() == Some("lista");
            let view = if list {
                let after = query_value(&query, "depois").unwrap_or_default();
                LeadsView::List(lead_list(query, after).await?)
            } else {
                LeadsView::Board(lead_board(query).await?)
            };
            Ok((view, form_state("mover".into()).await?))
        },
    );
    view! {
        <PageTitle text="Leads | Consultor"/>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                data.await.map(|(view, form)| {
                    let errors = FormFeedback::error_signal(form.feedback.clone(), move || moved.value().get());
                    let success = FormFeedback::success_signal(
                        form.feedback.as_ref(),
                        move || moved.value().get(),
                        |m| m,
                    );
                    let csrf = form.csrf.clone();
                    view! {
                        <div aria-live="polite"><FormAlert errors success/></div>
                        {match view {
                            LeadsView::Board(b) => view! { <Board data=b moved csrf stored=form.feedback.clone()/> }.into_any(),
                            LeadsView::List(l) => view! { <LeadList page=l csrf/> }.into_any(),
                        }}
                    }
                    .into_any()
                })
                .unwrap_or_else(error_view)
            })}
        </Suspense>
    }
}

fn with_filter(path: &str, filter: &str, extra: &str) -> String {
    let q: Vec<&str> = [filter, extra]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

#[component]
fn ViewHeader(total: i64, filter: String, list: bool) -> impl IntoView {
    let board_href = with_filter("/leads", &filter, "");
    let list_href = with_filter("/leads", &filter, "vista=lista");
    let export_href = with_filter("/leads/exportar.csv", &filter, "");
    view! {
        <div class="page-head">
            <h1>"Leads" <span class="muted count">{format!("({total})")}</span></h1>
            <nav class="view-switch" aria-label="Modo de exibição">
                <a href=board_href aria-current=(!list).then_some("page")>"Quadro"</a>
                <a href=list_href aria-current=list.then_some("page")>"Lista"</a>
                // Nothing to export: no empty file offered.
                {(total > 0).then(|| view! {
                    <a href=export_href download="" rel="external" class="button button-secondary button-small">
                        "Exportar CSV"
                    </a>
                })}
            </nav>
        </div>
    }
}

#[component]
fn Board(
    data: BoardData,
    moved: ServerAction<MoveLead>,
    csrf: String,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let filter = LeadFilter::from_query(&data.filter);
    view! {
        <ViewHeader total=data.total filter=data.filter.clone() list=false/>
        <LeadFilters filter answer_options=data.answer_options.clone() list=false/>
        {(data.total == 0).then(|| empty_board(data.filter.is_empty()))}
        <p class="hint">
            "Use “Mover” no card para mudar a etapa (no computador, também dá para arrastar o card). "
            {format!("Cards sem atividade há mais de {} dias aparecem como “parado”.", data.stale_after_days)}
        </p>
        <nav class="stage-switch" aria-label="Etapas">
            {data.columns.iter().map(|col| view! {
                <a href=format!("#coluna-{}", col.status)>{col.label.clone()} " " <span class="badge">{col.count}</span></a>
            }).collect_view()}
        </nav>
        <div class="board">
            {data.columns.into_iter().map(|col| view! {
                <Column col filter=data.filter.clone() moved csrf=csrf.clone() stored=stored.clone()/>
            }).collect_view()}
        </div>
    }
}

/// What an empty board says: how leads arrive (no lead yet), or that the filters found none.
fn empty_board(unfiltered: bool) -> AnyView {
    if unfiltered {
        view! {
            <section class="card empty-board" aria-labelledby="sem-leads">
                <h2 id="sem-leads">"Ainda não há leads"</h2>
                <p>"Um lead aparece aqui quando alguém escreve para o seu WhatsApp: o bot conversa, guarda as respostas e coloca o card em “Novo”."</p>
                <ul>
                    <li>"Compartilhe o link do seu perfil (“Meu perfil”, no menu) na bio, nos anúncios e no status."</li>
                    <li>"Teste o bot: mande “Oi” do seu celular para o número do WhatsApp conectado, ou use o simulador em "<a href="/fluxos">"Fluxos"</a>"."</li>
                </ul>
                <p><a href="/painel">"Ver os primeiros passos no painel"</a></p>
            </section>
        }
        .into_any()
    } else {
        view! {
            <p class="empty" role="status">"Nenhum lead com estes filtros. "<a href="/leads">"Limpar os filtros"</a></p>
        }
        .into_any()
    }
}

#[component]
fn Column(
    col: BoardColumn,
    filter: String,
    moved: ServerAction<MoveLead>,
    csrf: String,
    stored: Option<FormFeedback>,
) -> impl IntoView {
    let extra = RwSignal::new(Vec::<LeadCard>::new());
    let next = RwSignal::new(col.next.clone());
    let status = col.status.clone();
    let heading_id = format!("coluna-{}", col.status);
    let drop_csrf = csrf.clone();
    let drop_status = col.status.clone();
    let more_filter = filter.clone();
    let more_status = col.status.clone();
    let extra_csrf = csrf.clone();
    view! {
        <section class=format!("column column-{status}") aria-labelledby=heading_id.clone()
            on:dragover=|ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                if let Some(lead) = ev.data_transfer().and_then(|d| d.get_data("text/plain").ok()) {
                    moved.dispatch(MoveLead {
                        csrf: drop_csrf.clone(),
                        lead,
                        to: drop_status.clone(),
                        reason: String::new(),
                        // A drop on "Agendado" is refused (no date): the card's "Mover" asks.
                        data: String::new(),
                        hora: String::new(),
                        local: String::new(),
                        link: String::new(),
                        valor: String::new(),
                    });
                }
            }>
            <h2 id=heading_id.clone()>{col.label.clone()} " " <span class="badge">{col.count}</span>
                {col.total_value.clone().map(|v| view! { " " <span class="column-total" title="Soma dos valores dos negócios">{v}</span> })}
            </h2>
            {col.continued.then(|| view! {
                <a class="small" href=with_filter("/leads", &filter, "")>"↑ Voltar ao início da coluna"</a>
            })}
            <ul class="cards-list">
                {col.cards.into_iter().map(|card| view! {
                    <LeadCardView card action=moved csrf=csrf.clone() stored=stored.clone()/>
                }).collect_view()}
                {move || extra.get().into_iter().map(|card| view! {
                    <LeadCardView card action=moved csrf=extra_csrf.clone()/>
                }).collect_view()}
            </ul>
            {move || next.get().map(|cursor| {
                let href = with_filter("/leads", &more_filter, &format!("depois_{}={}", more_status, cursor));
                let (q, s) = (more_filter.clone(), more_status.clone());
                view! {
                    <a class="button button-secondary button-small load-more" href=href
                        on:click=move |ev| {
                            ev.prevent_default();
                            let (q, s, c) = (q.clone(), s.clone(), cursor.clone());
                            leptos::task::spawn_local(async move {
                                if let Ok(page) = lead_column(q, s, c).await {
                                    extra.update(|e| e.extend(page.cards));
                                    next.set(page.next);
                                }
                            });
                        }>
                        "Carregar mais"
                    </a>
                }
            })}
        </section>
    }
}

#[component]
fn LeadList(page: ListPage, csrf: String) -> impl IntoView {
    let filter = LeadFilter::from_query(&page.filter);
    let sort_link = |order: SortOrder| {
        let f = LeadFilter {
            order,
            ..filter.clone()
        };
        with_filter("/leads", &f.to_query(), "vista=lista")
    };
    let by_activity = sort_link(SortOrder::Activity);
    let by_creation = sort_link(SortOrder::Created);
    let by_temperature = sort_link(SortOrder::Temperature);
    let sorted = filter.order;
    let next_href = page
        .next
        .as_ref()
        .map(|c| with_filter("/leads", &page.filter, &format!("vista=lista&depois={c}")));
    let first_href = with_filter("/leads", &page.filter, "vista=lista");
    view! {
        <ViewHeader total=page.total filter=page.filter.clone() list=true/>
        <LeadFilters filter=filter.clone() answer_options=page.answer_options.clone() list=true/>
        {if page.rows.is_empty() {
            view! { <p class="empty">"Nenhum lead encontrado com esses filtros."</p> }.into_any()
        } else {
            view! {
                {page.undo.clone().map(|what| view! {
                    <form method="post" action="/leads/em-massa" class="undo-bulk">
                        <input type="hidden" name="csrf" value=csrf.clone()/>
                        <input type="hidden" name="filtro" value=page.filter.clone()/>
                        <button type="submit" name="acao" value="desfazer" class="button-small button-secondary">
                            {format!("Desfazer: {what}")}
                        </button>
                    </form>
                })}
                // The checkboxes below belong to this form through their `form` attribute, so
                // the table needs no form around it (and works without JavaScript).
                <form id="acoes-em-massa" method="post" action="/leads/em-massa" class="bulk"
                    aria-label="Ações em massa">
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="filtro" value=page.filter.clone()/>
                    <label for="massa-para">"Mover para"</label>
                    <select id="massa-para" name="to">
                        // Not "Agendado": each appointment needs its own date and time (the card's "Mover").
                        {LeadStatus::ALL.iter().filter(|s| **s != LeadStatus::Agendado)
                            .map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                    <button type="submit" name="acao" value="mover-selecionados" class="button-small">"Mover selecionados"</button>
                    <span class="confirm-all">
                        <input id="confirmar-todos" type="checkbox" name="confirmar-todos" value="sim"/>
                        <label for="confirmar-todos">{format!("Confirmo mover todos os {} filtrados", page.total)}</label>
                    </span>
                    <button type="submit" name="acao" value="mover-filtrados" class="button-small button-secondary">
                        {format!("Mover todos os filtrados ({})", page.total)}
                    </button>
                    <button type="submit" name="acao" value="exportar-selecionados" class="button-small button-secondary">
                        "Exportar selecionados"
                    </button>
                </form>
                <div class="table-wrap">
                    <table class="lead-table">
                        <thead><tr>
                            <th scope="col"><span class="visually-hidden">"Selecionar"</span></th>
                            <th scope="col">"Nome"</th>
                            <th scope="col">"WhatsApp"</th>
                            <th scope="col">"Etapa"</th>
                            <th scope="col" aria-sort=(sorted == SortOrder::Temperature).then_some("descending")>
                                <a href=by_temperature>"Temperatura"</a></th>
                            <th scope="col">"Respostas"</th>
                            <th scope="col">"Origem"</th>
                            <th scope="col" aria-sort=(sorted == SortOrder::Activity).then_some("descending")>
                                <a href=by_activity>"Última atividade"</a></th>
                            <th scope="col" aria-sort=(sorted == SortOrder::Created).then_some("descending")>
                                <a href=by_creation>"Criado em"</a></th>
                        </tr></thead>
                        <tbody>
                            {page.rows.into_iter().map(|r| view! {
                                <tr>
                                    <td><input type="checkbox" name="ids" value=r.id.clone() form="acoes-em-massa"
                                        aria-label=format!("Selecionar {}", r.name)/></td>
                                    <td><a href=format!("/leads/{}", r.id)>{r.name}</a>
                                        {r.unread.then(|| view! { " " <span class="tag tag-unread">"não lida"</span> })}
                                        {r.stale.then(|| view! { " " <span class="tag tag-stale">"parado"</span> })}</td>
                                    <td class="nowrap">{r.phone}</td>
                                    <td><span class=format!("badge badge-{}", r.status)>{r.status_label}</span></td>
                                    <td>{r.temperature.map(|(code, label)| view! {
                                        <span class=format!("tag tag-{code}")>{label}</span>
                                    })}</td>
                                    <td>{r.answers.iter().map(|(q, a)| format!("{} {a}", question_label(q))).collect::<Vec<_>>().join("; ")}</td>
                                    <td>{r.source}</td>
                                    <td class="nowrap" title=r.activity_at>{r.activity}</td>
                                    <td class="nowrap">{r.created_at}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="pager" aria-label="Páginas">
            <a href=first_href>"Primeira página"</a>
            {next_href.map(|h| view! { <a href=h class="button button-secondary button-small">"Próxima página"</a> })}
        </nav>
    }
}
