//! The flows page's data.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowItem {
    pub id: String,
    pub name: String,
    pub vertical_label: String,
    pub is_template: bool,
    pub live: bool,
    pub archived: bool,
    pub version: i32,
    pub updated_at: String,
    pub used: bool,
}

#[server(prefix = "/api", endpoint = "fluxos")]
pub async fn flows_list() -> Result<Vec<FlowItem>, AppError> {
    use crate::domain::time::format_datetime;
    use crate::domain::Vertical;
    use crate::server::{flows, Tenant};
    let mut t = Tenant::begin().await?;
    let rows = flows::list(&mut t.tx, t.id).await?;
    t.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| FlowItem {
            id: r.id.to_string(),
            vertical_label: Vertical::parse(&r.vertical)
                .map(|v| v.label().to_string())
                .unwrap_or(r.vertical),
            name: r.name,
            is_template: r.is_template,
            live: r.live,
            archived: r.archived,
            version: r.version,
            updated_at: format_datetime(r.updated_at),
            used: r.used,
        })
        .collect())
}
