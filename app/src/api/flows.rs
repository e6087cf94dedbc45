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

/// One flow in the editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowEditorData {
    pub id: String,
    pub name: String,
    pub is_template: bool,
    pub version: i32,
    /// The draft, or else the published definition, as pretty JSON.
    pub json: String,
    pub has_draft: bool,
    /// What stops the draft from being published (none: it can be).
    pub issues: Option<String>,
    /// (version, who published it, when).
    pub versions: Vec<(i32, String, String)>,
    /// The simulator's conversation (this browser's session).
    pub simulation: crate::domain::simulator::Simulation,
}

#[server(prefix = "/api", endpoint = "fluxo")]
pub async fn flow_editor(id: String) -> Result<FlowEditorData, AppError> {
    use crate::domain::time::format_datetime;
    use crate::server::{flows, Tenant};
    let not_found = || {
        let e = AppError::NotFound;
        crate::server::auth::set_error_status(&e);
        e
    };
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    let mut t = Tenant::begin().await?;
    let f = flows::detail(&mut t.tx, id).await?.ok_or_else(not_found)?;
    t.commit().await?;
    let session = crate::server::auth::session().await?;
    let simulation = session
        .get(&crate::server::simulator::key(id))
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let shown = f.draft.clone().unwrap_or_else(|| f.definition.clone());
    Ok(FlowEditorData {
        id: f.id.to_string(),
        name: f.name,
        is_template: f.is_template,
        version: f.version,
        json: serde_json::to_string_pretty(&shown).unwrap_or_default(),
        has_draft: f.draft.is_some(),
        issues: f.draft.as_ref().and_then(flows::issues_text),
        versions: f
            .versions
            .into_iter()
            .map(|(v, who, at)| {
                (
                    v,
                    who.unwrap_or_else(|| "Consultor".into()),
                    format_datetime(at),
                )
            })
            .collect(),
        simulation,
    })
}
