//! The dashboard's figures for the signed-in consultant.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentLead {
    pub name: String,
    pub whatsapp: String,
    pub status: String,
    pub status_label: String,
    pub last_interaction: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub name: String,
    /// Per status, in kanban order: (label, count).
    pub by_status: Vec<(String, i64)>,
    pub total_leads: i64,
    pub conversion_rate: Option<f64>,
    pub completed_conversations: i64,
    pub total_conversations: i64,
    pub recent: Vec<RecentLead>,
}

#[server(prefix = "/api", endpoint = "painel")]
pub async fn dashboard() -> Result<DashboardData, AppError> {
    use crate::domain::phone::display_lead;
    use crate::domain::{time::format_datetime, LeadStatus};
    use crate::server::{app_state, auth, db};
    use chrono::{DateTime, Utc};
    let id = auth::require_consultant().await?;
    let state = app_state()?;
    let mut tx = db::tenant_tx(&state.pool, id).await?;
    let name = sqlx::query_scalar!("select name from consultants where id = $1", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    // Live counts: cheap per consultant and never stale, unlike the hourly materialized view.
    let counts: Vec<(String, i64)> =
        sqlx::query!(r#"select status as "status!", count(*) as "n!" from leads group by status"#)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| (r.status, r.n))
            .collect();
    let conv = sqlx::query!(
        r#"select count(*) as "total!", count(*) filter (where is_completed) as "completed!"
             from conversations"#
    )
    .fetch_one(&mut *tx)
    .await?;
    struct LeadRow {
        name: Option<String>,
        profile_name: Option<String>,
        whatsapp_number: Option<String>,
        status: String,
        last_interaction_at: DateTime<Utc>,
    }
    // The order of idx_leads_consultant_activity (last_interaction_at is NOT NULL since
    // migration 0012): the five rows are read from the index, not sorted out of every lead.
    let recent = sqlx::query_as!(
        LeadRow,
        r#"select name, profile_name, whatsapp_number, status,
                  last_interaction_at as "last_interaction_at: DateTime<Utc>"
             from leads where consultant_id = $1
            order by last_interaction_at desc, id desc limit 5"#,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let count_of = |s: LeadStatus| {
        counts
            .iter()
            .find(|(k, _)| k == s.as_str())
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let closed = count_of(LeadStatus::Fechado);
    Ok(DashboardData {
        name,
        by_status: LeadStatus::ALL
            .iter()
            .map(|s| (s.label().to_string(), count_of(*s)))
            .collect(),
        total_leads: total,
        conversion_rate: (total > 0).then(|| closed as f64 * 100.0 / total as f64),
        total_conversations: conv.total,
        completed_conversations: conv.completed,
        recent: recent
            .into_iter()
            .map(|l| {
                let s = LeadStatus::parse(&l.status).unwrap_or(LeadStatus::Novo);
                RecentLead {
                    name: crate::api::leads::display_name(l.name, l.profile_name),
                    whatsapp: display_lead(l.whatsapp_number.as_deref()),
                    status: s.as_str().into(),
                    status_label: s.label().into(),
                    last_interaction: format_datetime(l.last_interaction_at),
                }
            })
            .collect(),
    })
}
