//! One flow in the editor: reading it with its versions, saving the draft (as JSON or from
//! the step editor's form), publishing it as the next version, restoring an old version and
//! discarding the draft. In the caller's tenant transaction, on the consultant's own flows
//! only (`flows::own`).

use super::flows::own;
use crate::error::AppError;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A flow as the editor shows it.
#[derive(Debug, Clone)]
pub struct FlowDetail {
    pub id: Uuid,
    pub name: String,
    pub is_template: bool,
    pub version: i32,
    pub definition: serde_json::Value,
    pub draft: Option<serde_json::Value>,
    /// (version, who published it, when), newest first.
    pub versions: Vec<(i32, Option<String>, DateTime<Utc>)>,
}

pub async fn detail(t: &mut TenantTx, id: Uuid) -> Result<Option<FlowDetail>, sqlx::Error> {
    let db: &mut PgConnection = t;
    let Some(f) = sqlx::query!(
        r#"select id, name, coalesce(is_template, false) as "is_template!",
                  coalesce(version, 1) as "version!", definition, draft
             from flows where id = $1"#,
        id
    )
    .fetch_optional(&mut *db)
    .await?
    else {
        return Ok(None);
    };
    let versions = sqlx::query!(
        r#"select v.version, c.name as "who?", v.published_at as "at: DateTime<Utc>"
             from flow_versions v left join consultants c on c.id = v.published_by
            where v.flow_id = $1 order by v.version desc"#,
        id
    )
    .fetch_all(db)
    .await?;
    Ok(Some(FlowDetail {
        id: f.id,
        name: f.name,
        is_template: f.is_template,
        version: f.version,
        definition: f.definition,
        draft: f.draft,
        versions: versions
            .into_iter()
            .map(|v| (v.version, v.who, v.at))
            .collect(),
    }))
}

/// What the validator says of a definition, in words naming the step.
pub fn issues_text(definition: &serde_json::Value) -> Option<String> {
    crate::domain::flow::parse_and_validate(definition)
        .err()
        .map(|issues| {
            issues
                .into_iter()
                .map(|i| match i.step {
                    Some(step) => format!("etapa “{step}”: {}", i.message),
                    None => i.message,
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
}

/// Saves the editor's JSON as the draft. JSON that does not parse is refused with its line
/// and column; a definition the validator refuses is saved (a draft may be unfinished) and
/// the message says what stops it from being published.
pub async fn save_draft(t: &mut TenantTx, id: Uuid, text: &str) -> Result<String, AppError> {
    let db: &mut PgConnection = t;
    own(db, id).await?;
    if text.len() > 200_000 {
        return Err(AppError::invalid(
            "O fluxo passa de 200 KB: divida-o em menos etapas.",
        ));
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        AppError::invalid(format!(
            "JSON inválido na linha {}, coluna {}: {}",
            e.line(),
            e.column(),
            e
        ))
    })?;
    if !value.is_object() {
        return Err(AppError::invalid(
            "O fluxo é um objeto JSON com a lista \"etapas\".",
        ));
    }
    store_draft(db, id, &value).await?;
    Ok(match issues_text(&value) {
        Some(issues) => format!("Rascunho salvo. Para publicar, corrija: {issues}."),
        None => "Rascunho salvo. Ele passa na validação e pode ser publicado.".into(),
    })
}

/// The step editor's form (`from_form`'s fields) with the change its button asked for
/// (`op`; `publicar` saves like `salvar`, the caller publishes after committing), saved as
/// the draft. Returns the message and the step to show (the anchor the browser goes back to).
pub async fn save_steps(
    t: &mut TenantTx,
    id: Uuid,
    fields: &[(String, String)],
) -> Result<(String, Option<usize>), AppError> {
    let db: &mut PgConnection = t;
    use crate::domain::flow::{from_form, EditOp};
    own(db, id).await?;
    let op = match super::form_field(fields, "op").as_str() {
        "publicar" => EditOp::Save,
        code => EditOp::parse(code)
            .ok_or_else(|| AppError::invalid("Ação desconhecida. Recarregue a página."))?,
    };
    let mut def = from_form(fields).map_err(AppError::invalid)?;
    let focus = op.apply(&mut def);
    let value = serde_json::to_value(&def).map_err(|e| super::error::internal("flow json", e))?;
    store_draft(db, id, &value).await?;
    let done = match op {
        EditOp::Save => "Rascunho salvo.",
        EditOp::AddStep => "Etapa adicionada ao rascunho.",
        EditOp::Remove(_) => "Etapa removida do rascunho.",
        EditOp::MoveUp(_) | EditOp::MoveDown(_) | EditOp::Move(..) => "Etapa movida.",
        EditOp::AddOption(_) => "Opção adicionada.",
        EditOp::RemoveOption(..) => "Opção removida.",
    };
    let status = if crate::domain::flow::validate(&def).is_ok() {
        "Ele passa na validação e pode ser publicado."
    } else {
        "Para publicar, corrija os avisos nas etapas."
    };
    Ok((format!("{done} {status}"), focus))
}

async fn store_draft(
    db: &mut PgConnection,
    id: Uuid,
    value: &serde_json::Value,
) -> Result<(), AppError> {
    sqlx::query!(
        "update flows set draft = $2, updated_at = now() where id = $1",
        id,
        value
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Publishes the draft as the next version, only if the engine's validator accepts it: new
/// conversations use it; running ones keep theirs.
pub async fn publish(t: &mut TenantTx, id: Uuid) -> Result<String, AppError> {
    let (db, consultant) = t.split();
    own(db, id).await?;
    publish_draft(db, consultant, id).await
}

async fn publish_draft(
    db: &mut PgConnection,
    consultant: Uuid,
    id: Uuid,
) -> Result<String, AppError> {
    let row = sqlx::query!(
        r#"select draft, definition, coalesce(version, 1) as "version!",
                  coalesce(is_active, false) as "is_active!"
             from flows where id = $1 for update"#,
        id
    )
    .fetch_one(&mut *db)
    .await?;
    let Some(draft) = row.draft else {
        return Err(AppError::invalid("Não há rascunho para publicar."));
    };
    // The same as what is published: no new version (the list of versions is of changes).
    if draft == row.definition {
        sqlx::query!("update flows set draft = null where id = $1", id)
            .execute(db)
            .await?;
        return Ok(format!(
            "Nada mudou desde a versão {}: nenhuma versão nova foi criada.",
            row.version
        ));
    }
    if let Some(issues) = issues_text(&draft) {
        return Err(AppError::invalid(format!("Não publicado: {issues}.")));
    }
    let next = row.version + 1;
    sqlx::query!(
        "insert into flow_versions (flow_id, version, definition, published_by) values ($1, $2, $3, $4)",
        id,
        next,
        draft,
        consultant
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "update flows set definition = $2, version = $3, draft = null, updated_at = now() where id = $1",
        id,
        draft,
        next
    )
    .execute(&mut *db)
    .await?;
    if row.is_active {
        super::flows::rules_changed(db, consultant).await?;
    }
    Ok(format!(
        "Versão {next} publicada: as novas conversas já usam este fluxo."
    ))
}

/// A published version back as the draft.
pub async fn restore(t: &mut TenantTx, id: Uuid, version: i32) -> Result<String, AppError> {
    let db: &mut PgConnection = t;
    own(db, id).await?;
    let restored = sqlx::query!(
        "update flows set draft = v.definition, updated_at = now()
           from flow_versions v
          where flows.id = $1 and v.flow_id = $1 and v.version = $2",
        id,
        version
    )
    .execute(db)
    .await?;
    if restored.rows_affected() == 0 {
        return Err(AppError::invalid("Versão não encontrada."));
    }
    Ok(format!(
        "A versão {version} virou o rascunho: revise e publique."
    ))
}

pub async fn discard(t: &mut TenantTx, id: Uuid) -> Result<String, AppError> {
    let db: &mut PgConnection = t;
    own(db, id).await?;
    sqlx::query!("update flows set draft = null where id = $1", id)
        .execute(db)
        .await?;
    Ok("Rascunho descartado.".into())
}
