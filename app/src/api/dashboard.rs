//! The dashboard's figures for the signed-in consultant, for a period beside the one before.
//!
//! Sums come from `dashboard_days` and its siblings (per consultant and São Paulo day, kept up
//! to date every minute: migration 0021, `jobs::metrics`); the medians are read live from
//! indexes; everything inside the tenant transaction.

pub use crate::domain::dashboard::{
    Compared, DashboardData, Figures, GettingStarted, PlanUsage, RecentLead, StepRow,
};
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "painel")]
pub async fn dashboard(period: String) -> Result<DashboardData, AppError> {
    use crate::server::{app_state, auth, db};
    let id = auth::require_consultant().await?;
    let state = app_state()?;
    use crate::domain::period::Period;
    let period = Period::parse(&period).unwrap_or(Period::Days30);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Sao_Paulo)
        .date_naive();
    let mut tx = db::tenant_tx(&state.pool, id).await?;
    let data = crate::server::dashboard::load(
        &mut tx,
        period,
        today,
        &state.config.public_url,
        &state.config.prices,
    )
    .await?;
    tx.commit().await?;
    Ok(data)
}
