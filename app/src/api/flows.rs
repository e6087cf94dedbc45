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
    let rows = flows::list(&mut t.tx).await?;
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
    /// The draft (or else the published definition) as steps, when it reads as a flow; the
    /// step editor works on it. None: only the JSON view can fix it.
    pub definition: Option<crate::domain::flow::FlowDefinition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepPreview {
    pub id: String,
    pub kind: String,
    pub text: String,
    /// (what, characters, limit).
    pub counts: Vec<(String, usize, usize)>,
}

/// The preview of every step of `def` (valid or not).
pub fn previews(def: &crate::domain::flow::FlowDefinition) -> Vec<StepPreview> {
    use crate::domain::flow::{preview, StepKind, WhatsAppLimits as L};
    def.etapas
        .iter()
        .map(|s| {
            let n = s.opcoes.len();
            let body_limit = if s.tipo == StepKind::Escolha && n <= L::MAX_LIST_ROWS {
                L::INTERACTIVE_BODY
            } else {
                L::TEXT_BODY
            };
            let mut counts = vec![(
                "Pergunta".to_string(),
                s.pergunta.chars().count(),
                body_limit,
            )];
            if s.tipo == StepKind::Escolha && n <= L::MAX_LIST_ROWS {
                let (title_limit, rows) = if n <= L::MAX_BUTTONS {
                    (L::BUTTON_TITLE, false)
                } else {
                    (L::LIST_ROW_TITLE, true)
                };
                for o in &s.opcoes {
                    counts.push((o.rotulo.clone(), o.rotulo.chars().count(), title_limit));
                    if let (true, Some(d)) = (rows, &o.descricao) {
                        counts.push((
                            format!("{} (descrição)", o.rotulo),
                            d.chars().count(),
                            L::LIST_ROW_DESCRIPTION,
                        ));
                    }
                }
            }
            let kind = match (s.tipo, n) {
                (StepKind::Escolha, n) if n <= L::MAX_BUTTONS => "escolha: botões",
                (StepKind::Escolha, n) if n <= L::MAX_LIST_ROWS => "escolha: lista",
                (StepKind::Escolha, _) => "escolha: texto numerado",
                (StepKind::Texto, _) => "texto",
                (StepKind::Mensagem, _) => "mensagem",
                (StepKind::Fim, _) => "fim",
            };
            StepPreview {
                id: s.id.clone(),
                kind: kind.into(),
                text: preview(s).as_text(),
                counts,
            }
        })
        .collect()
}

#[server(prefix = "/api", endpoint = "fluxo")]
pub async fn flow_editor(id: String) -> Result<FlowEditorData, AppError> {
    use crate::domain::time::format_datetime;
    use crate::server::{flow_drafts, Tenant};
    let not_found = || {
        let e = AppError::NotFound;
        crate::server::auth::set_error_status(&e);
        e
    };
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    let mut t = Tenant::begin().await?;
    let f = flow_drafts::detail(&mut t.tx, id)
        .await?
        .ok_or_else(not_found)?;
    t.commit().await?;
    let session = crate::server::auth::session().await?;
    let simulation = session
        .get(&crate::domain::simulator::session_key(id))
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let shown = f.draft.clone().unwrap_or_else(|| f.definition.clone());
    let definition = serde_json::from_value(shown.clone()).ok();
    Ok(FlowEditorData {
        id: f.id.to_string(),
        name: f.name,
        is_template: f.is_template,
        version: f.version,
        json: serde_json::to_string_pretty(&shown).unwrap_or_default(),
        has_draft: f.draft.is_some(),
        issues: f.draft.as_ref().and_then(flow_drafts::issues_text),
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
        definition,
    })
}

/// The step editor with JavaScript: the edited definition saved as the draft (and, with
/// `publish`, published) without leaving the page. The same checks as the plain forms.
#[server(prefix = "/api", endpoint = "fluxo-salvar")]
pub async fn save_flow(
    csrf: String,
    id: String,
    json: String,
    publish: bool,
) -> Result<String, AppError> {
    use crate::server::{flow_drafts, Tenant};
    let result = async {
        let id: uuid::Uuid = id.parse().map_err(|_| AppError::NotFound)?;
        let mut t = Tenant::begin_with_csrf(&csrf).await?;
        let saved = flow_drafts::save_draft(&mut t.tx, id, &json).await?;
        t.commit().await?;
        if !publish {
            return Ok(saved);
        }
        // Published on its own: a refusal keeps the edits saved as the draft.
        let mut t = Tenant::begin().await?;
        let published = flow_drafts::publish(&mut t.tx, id).await?;
        t.commit().await?;
        Ok(published)
    }
    .await;
    if let Err(e) = &result {
        crate::server::auth::set_error_status(e);
    }
    result
}
