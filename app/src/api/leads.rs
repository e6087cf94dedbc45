//! The lead board and list: columns with counts over the filtered set, keyset pages; status
//! moves are in `api::lead_move` (re-exported here).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Cards loaded per column (and rows per list page) at a time.
pub const PAGE_SIZE: i64 = 20;

/// One lead on the board or in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadCard {
    pub id: String,
    pub name: String,
    /// `+55 (11) 98765-4321`.
    pub phone: String,
    pub status: String,
    pub status_label: String,
    /// Two or three answers: (question, answer label).
    pub answers: Vec<(String, String)>,
    /// The newest message, either way, shortened: (text, the lead wrote it). Board cards only.
    pub last_message: Option<(String, bool)>,
    /// What the deal is worth ("R$ 1.500"), when the consultant typed it.
    pub value: Option<String>,
    /// The active appointment: "Agendado para qui., 10/12 às 14:30 · Local: …".
    pub appointment: Option<String>,
    pub source: String,
    /// "há 3 h".
    pub activity: String,
    /// dd/mm/aaaa hh:mm, São Paulo.
    pub activity_at: String,
    pub created_at: String,
    /// The lead wrote after the consultant last opened it.
    pub unread: bool,
    /// Nothing happened for the consultant's "parado" number of days.
    pub stale: bool,
    /// The lead wrote SAIR (or the like): no message should go to them unasked.
    pub opted_out: bool,
    /// Quente, morno or frio: (code, label); `None` until the lead is first scored.
    pub temperature: Option<(String, String)>,
    /// Where the card may move: (status, label).
    pub moves: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub status: String,
    pub label: String,
    /// Leads in this status over the whole filtered set.
    pub count: i64,
    /// Their deal values summed ("R$ 12.500"), when any has one.
    pub total_value: Option<String>,
    pub cards: Vec<LeadCard>,
    /// The "carregar mais" cursor, when there are more.
    pub next: Option<String>,
    /// This column starts after the first page (a JavaScript-off "carregar mais").
    pub continued: bool,
}

/// A question the consultant can filter by: (step id, question, [(value, label)]).
pub type AnswerFilterOption = (String, String, Vec<(String, String)>);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardData {
    /// The canonical filter query string (without `?`).
    pub filter: String,
    pub columns: Vec<BoardColumn>,
    /// All leads matching the filter.
    pub total: i64,
    pub answer_options: Vec<AnswerFilterOption>,
    pub stale_after_days: i16,
}

/// The board: every column's first page and count, for the filter in `query`.
#[server(prefix = "/api", endpoint = "leads-quadro")]
pub async fn lead_board(query: String) -> Result<BoardData, AppError> {
    use crate::domain::lead_filter::{query_value, LeadFilter};
    use crate::domain::LeadStatus;
    use crate::server::leads::{self, FilterParams};
    use crate::server::Tenant;

    let filter = LeadFilter::from_query(&query);
    let now = chrono::Utc::now();
    let params = FilterParams::new(&filter, now);
    // One snapshot: the counts and the cards must agree.
    let mut t = Tenant::begin_snapshot().await?;
    let ctx = CardContext::load(&mut t).await?;
    let counts = leads::counts(&mut t.tx, &params).await?;
    let totals = leads::value_totals(&mut t.tx, &params).await?;
    let mut columns = Vec::new();
    for status in LeadStatus::ALL {
        let shown = filter.status.is_none_or(|s| s == status);
        // Without JavaScript, "carregar mais" links here with `depois_<status>=<cursor>` (one
        // of another order, from an old link, is ignored).
        let after = query_value(&query, &format!("depois_{}", status.as_str()))
            .filter(|c| cursor_fits(filter.order, c));
        let (cards, next) = if shown {
            let column = params.with_status(status);
            ctx.ordered(&mut t, &column, filter.order, after.as_deref(), now)
                .await?
        } else {
            (Vec::new(), None)
        };
        columns.push(BoardColumn {
            status: status.as_str().into(),
            label: status.label().into(),
            count: counts
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0),
            total_value: totals
                .iter()
                .find(|(s, _)| s == status.as_str())
                .and_then(|(_, cents)| crate::domain::deal_value::DealValue::from_cents(*cents))
                .map(|v| v.short()),
            cards,
            next,
            continued: after.is_some(),
        });
    }
    let mut cards: Vec<&mut LeadCard> = columns
        .iter_mut()
        .flat_map(|c| c.cards.iter_mut())
        .collect();
    with_last_messages(&mut t, &mut cards).await?;
    with_appointments(&mut t, &mut cards).await?;
    t.commit().await?;
    Ok(BoardData {
        filter: filter.to_query(),
        total: counts.iter().map(|(_, n)| n).sum(),
        columns,
        answer_options: ctx.answer_options(),
        stale_after_days: ctx.stale_after_days,
    })
}

/// The next cards of one column ("carregar mais").
#[server(prefix = "/api", endpoint = "leads-coluna")]
pub async fn lead_column(
    query: String,
    status: String,
    after: String,
) -> Result<BoardColumn, AppError> {
    use crate::domain::lead_filter::LeadFilter;
    use crate::domain::LeadStatus;
    use crate::server::leads::FilterParams;
    use crate::server::Tenant;

    let status = LeadStatus::parse(&status).map_err(AppError::invalid)?;
    let now = chrono::Utc::now();
    let filter = LeadFilter::from_query(&query);
    let params = FilterParams::new(&filter, now).with_status(status);
    let mut t = Tenant::begin().await?;
    let ctx = CardContext::load(&mut t).await?;
    let (mut cards, next) = ctx
        .ordered(&mut t, &params, filter.order, Some(&after), now)
        .await?;
    let mut on_screen: Vec<&mut LeadCard> = cards.iter_mut().collect();
    with_last_messages(&mut t, &mut on_screen).await?;
    with_appointments(&mut t, &mut on_screen).await?;
    t.commit().await?;
    Ok(BoardColumn {
        status: status.as_str().into(),
        label: status.label().into(),
        count: 0,
        total_value: None,
        cards,
        next,
        continued: true,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    pub filter: String,
    /// The last bulk move, while it may be undone ("3 leads movidos para “Perdido”").
    pub undo: Option<String>,
    pub rows: Vec<LeadCard>,
    pub total: i64,
    pub next: Option<String>,
    pub answer_options: Vec<AnswerFilterOption>,
}

/// The list view: one table, ordered by activity or creation, keyset pages.
#[server(prefix = "/api", endpoint = "leads-lista")]
pub async fn lead_list(query: String, after: String) -> Result<ListPage, AppError> {
    use crate::domain::lead_filter::LeadFilter;
    use crate::server::leads::{self, FilterParams};
    use crate::server::Tenant;

    let filter = LeadFilter::from_query(&query);
    let now = chrono::Utc::now();
    let params = FilterParams::new(&filter, now);
    // One snapshot: the counts and the cards must agree.
    let mut t = Tenant::begin_snapshot().await?;
    let ctx = CardContext::load(&mut t).await?;
    let total = leads::counts(&mut t.tx, &params)
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    let after = (!after.is_empty()).then_some(after.as_str());
    let (rows, next) = ctx
        .ordered(&mut t, &params, filter.order, after, now)
        .await?;
    t.commit().await?;
    let session = crate::server::auth::session().await?;
    let undo = crate::server::bulk_undo::last(&session)
        .await
        .map(|r| r.describe());
    Ok(ListPage {
        filter: filter.to_query(),
        undo,
        rows,
        total,
        next,
        answer_options: ctx.answer_options(),
    })
}

pub use super::lead_move::*;

/// Puts each card's newest message on it, shortened to what a card shows.
#[cfg(feature = "ssr")]
async fn with_last_messages(
    t: &mut crate::server::Tenant,
    cards: &mut [&mut LeadCard],
) -> Result<(), AppError> {
    use crate::domain::text::preview;
    let ids: Vec<uuid::Uuid> = cards.iter().filter_map(|c| c.id.parse().ok()).collect();
    let last = crate::server::leads::last_messages(&mut t.tx, &ids).await?;
    for card in cards.iter_mut() {
        card.last_message = last
            .iter()
            .find(|(id, _, _)| id.to_string() == card.id)
            .map(|(_, text, inbound)| (preview(text, 90), *inbound));
    }
    Ok(())
}

/// Puts each "agendado" card's active appointment on it.
#[cfg(feature = "ssr")]
pub(crate) async fn with_appointments(
    t: &mut crate::server::Tenant,
    cards: &mut [&mut LeadCard],
) -> Result<(), AppError> {
    use crate::domain::appointment::describe;
    let ids: Vec<uuid::Uuid> = cards
        .iter()
        .filter(|c| c.status == "agendado")
        .filter_map(|c| c.id.parse().ok())
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let rows = crate::server::appointments::active_for(&mut t.tx, &ids).await?;
    for card in cards.iter_mut() {
        card.appointment = rows
            .iter()
            .find(|a| a.lead_id.to_string() == card.id)
            .map(|a| describe(a.starts_at, a.place.as_deref(), a.video_url.is_some(), now));
    }
    Ok(())
}

/// A lead id from a form or URL; anything malformed is "not found", never an error page
/// that tells ids apart.
#[cfg(feature = "ssr")]
pub(crate) fn parse_lead_id(s: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| AppError::NotFound)
}

/// Whether `cursor` is a position in a list of `order`.
#[cfg(feature = "ssr")]
fn cursor_fits(order: crate::domain::lead_filter::SortOrder, cursor: &str) -> bool {
    use crate::domain::cursor::{Cursor, ScoreCursor};
    use crate::domain::lead_filter::SortOrder;
    match order {
        SortOrder::Temperature => ScoreCursor::parse(cursor).is_some(),
        SortOrder::Activity | SortOrder::Created => Cursor::parse(cursor).is_some(),
    }
}

/// What turning rows into cards needs: the flow (answer labels) and the "parado" setting.
#[cfg(feature = "ssr")]
struct CardContext {
    def: Option<crate::domain::flow::FlowDefinition>,
    stale_after_days: i16,
}

#[cfg(feature = "ssr")]
impl CardContext {
    async fn load(t: &mut crate::server::Tenant) -> Result<Self, AppError> {
        use crate::server::leads;
        let def = leads::current_flow(&mut t.tx)
            .await?
            .and_then(|(_, d)| serde_json::from_value(d).ok());
        let stale_after_days = leads::stale_after_days(&mut t.tx).await?;
        Ok(Self {
            def,
            stale_after_days,
        })
    }

    /// Cards for one page of rows fetched with one extra row, plus the next cursor.
    fn page(
        &self,
        mut rows: Vec<crate::server::leads::LeadRow>,
        now: chrono::DateTime<chrono::Utc>,
        cursor: impl Fn(&crate::server::leads::LeadRow) -> String,
    ) -> (Vec<LeadCard>, Option<String>) {
        let more = rows.len() as i64 > PAGE_SIZE;
        rows.truncate(PAGE_SIZE as usize);
        let next = more.then(|| rows.last().map(&cursor)).flatten();
        (rows.into_iter().map(|r| self.card(r, now)).collect(), next)
    }

    /// One page of the leads matching `params` in `order`, after the cursor `after` (of that
    /// order), and the next page's cursor.
    async fn ordered(
        &self,
        t: &mut crate::server::Tenant,
        params: &crate::server::leads::FilterParams,
        order: crate::domain::lead_filter::SortOrder,
        after: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(Vec<LeadCard>, Option<String>), AppError> {
        use crate::domain::cursor::{Cursor, ScoreCursor};
        use crate::domain::lead_filter::SortOrder;
        use crate::server::leads;
        let bad = || AppError::invalid("Posição da lista inválida. Recarregue a página.");
        let n = PAGE_SIZE + 1;
        Ok(match order {
            SortOrder::Activity => {
                let after = after
                    .map(|a| Cursor::parse(a).ok_or_else(bad))
                    .transpose()?;
                let rows = leads::by_activity(&mut t.tx, params, after, n).await?;
                self.page(rows, now, |r| r.activity_cursor().encode())
            }
            SortOrder::Created => {
                let after = after
                    .map(|a| Cursor::parse(a).ok_or_else(bad))
                    .transpose()?;
                let rows = leads::by_creation(&mut t.tx, params, after, n).await?;
                self.page(rows, now, |r| r.created_cursor().encode())
            }
            SortOrder::Temperature => {
                let after = after
                    .map(|a| ScoreCursor::parse(a).ok_or_else(bad))
                    .transpose()?;
                let rows = leads::by_score(&mut t.tx, params, after, n).await?;
                self.page(rows, now, |r| r.score_cursor().encode())
            }
        })
    }

    fn card(
        &self,
        r: crate::server::leads::LeadRow,
        now: chrono::DateTime<chrono::Utc>,
    ) -> LeadCard {
        lead_card(r, self.def.as_ref(), self.stale_after_days, now)
    }

    /// The multiple-choice questions of the flow, for the answer filter.
    fn answer_options(&self) -> Vec<AnswerFilterOption> {
        use crate::domain::flow::StepKind;
        let Some(d) = self.def.as_ref() else {
            return Vec::new();
        };
        d.etapas
            .iter()
            .zip(crate::domain::lead_answers::questions(d))
            .filter(|(s, _)| s.tipo == StepKind::Escolha)
            .map(|(s, (id, question))| {
                let options = s.opcoes.iter().map(|c| (c.valor.clone(), c.rotulo.clone()));
                (id, question, options.collect())
            })
            .collect()
    }
}

/// One lead as the board, the list and the lead page show it. `def` labels the answers;
/// an open lead quiet for more than `stale_after_days` is "parado".
#[cfg(feature = "ssr")]
pub(crate) fn lead_card(
    r: crate::server::leads::LeadRow,
    def: Option<&crate::domain::flow::FlowDefinition>,
    stale_after_days: i16,
    now: chrono::DateTime<chrono::Utc>,
) -> LeadCard {
    use crate::domain::lead_answers;
    use crate::domain::lead_filter::Source;
    use crate::domain::phone::display_lead;
    use crate::domain::time::{format_datetime, since};
    use crate::domain::LeadStatus;
    let status = LeadStatus::parse(&r.status).unwrap_or(LeadStatus::Novo);
    let answers = lead_answers::from_json(&r.respostas);
    LeadCard {
        id: r.id.to_string(),
        name: display_name(r.name, r.profile_name),
        phone: display_lead(r.whatsapp_number.as_deref()),
        status: status.as_str().into(),
        status_label: status.label().into(),
        answers: lead_answers::key_answers(def, &answers),
        last_message: None,
        appointment: None,
        value: r
            .deal_value_cents
            .and_then(crate::domain::deal_value::DealValue::from_cents)
            .map(|v| v.short()),
        source: match Source::of_metadata(r.source.as_deref()) {
            Source::Ad => Source::describe_ad(r.campaign.as_deref(), r.source_url.as_deref()),
            _ => Source::describe(r.source.as_deref()),
        },
        activity: since(r.last_interaction_at, now),
        activity_at: format_datetime(r.last_interaction_at),
        created_at: format_datetime(r.created_at),
        unread: r.unread,
        opted_out: r.opted_out,
        temperature: r.scored.then(|| {
            let t = crate::domain::temperature::Temperature::of_score(r.score);
            (t.as_str().to_string(), t.label().to_string())
        }),
        stale: matches!(
            status,
            LeadStatus::Novo | LeadStatus::EmContato | LeadStatus::Agendado
        ) && now - r.last_interaction_at
            > chrono::Duration::days(i64::from(stale_after_days)),
        moves: status
            .moves()
            .into_iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string()))
            .collect(),
    }
}

pub use crate::domain::person_name::display_name;
