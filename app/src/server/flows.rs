//! The flows repository (`/fluxos`): the templates of every vertical and the consultant's own
//! flows, and what can be done with them. Runs in the caller's tenant transaction: row-level
//! security lets a consultant see templates and their own flows and change only their own.

use crate::error::AppError;
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct FlowRow {
    pub id: Uuid,
    pub name: String,
    pub vertical: String,
    pub is_template: bool,
    /// The flow new conversations run (an own flow; or the vertical's template when the
    /// consultant has no live flow of their own).
    pub live: bool,
    pub archived: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Conversations ran on it (it can be archived, not deleted).
    pub used: bool,
}

/// Templates (the consultant's vertical first), then own flows (archived last).
pub async fn list(t: &mut TenantTx) -> Result<Vec<FlowRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        FlowRow,
        r#"with me as (select vertical from consultants where id = $1),
                own_live as (select exists (select 1 from flows
                                            where created_by = $1 and is_active and not is_template) as has_one)
           select f.id, f.name, f.vertical, coalesce(f.is_template, false) as "is_template!",
                  (case when f.is_template
                        then f.vertical = (select vertical from me) and not (select has_one from own_live)
                             and coalesce(f.is_active, false)
                        else coalesce(f.is_active, false) end) as "live!",
                  f.archived_at is not null as "archived!",
                  coalesce(f.version, 1) as "version!",
                  coalesce(f.updated_at, f.created_at, now()) as "updated_at!: DateTime<Utc>",
                  (not f.is_template and exists (select 1 from conversations c where c.flow_id = f.id)) as "used!"
             from flows f
            where f.is_template or f.created_by = $1
            order by f.is_template desc, f.vertical = (select vertical from me) desc,
                     f.archived_at is not null, f.updated_at desc"#,
        consultant
    )
    .fetch_all(db)
    .await
}

/// A flow's name: trimmed, 1 to 100 characters.
pub fn flow_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    crate::domain::text::printable("Nome do fluxo", name, crate::domain::text::Lines::One)
        .map_err(AppError::invalid)?;
    match name.chars().count() {
        0 => Err(AppError::invalid("Dê um nome ao fluxo.")),
        n if n > 100 => Err(AppError::invalid("O nome do fluxo tem até 100 caracteres.")),
        _ => Ok(name.to_string()),
    }
}

/// An own flow, for a change: `NotFound` for another consultant's flow, a clear refusal for
/// a template (they are copied, never edited).
async fn own(db: &mut PgConnection, id: Uuid) -> Result<(String, bool, bool), AppError> {
    let row = sqlx::query!(
        r#"select name, coalesce(is_template, false) as "template!",
                  coalesce(is_active, false) as "active!", archived_at is not null as "archived!"
             from flows where id = $1"#,
        id
    )
    .fetch_optional(&mut *db)
    .await?
    .ok_or(AppError::NotFound)?;
    if row.template {
        return Err(AppError::invalid(
            "Os modelos não podem ser alterados: faça uma cópia e edite a sua.",
        ));
    }
    Ok((row.name, row.active, row.archived))
}

/// A copy of `source` (a template or an own flow) as a new own flow, not live.
pub async fn copy(t: &mut TenantTx, source: Uuid) -> Result<String, AppError> {
    let (db, consultant) = t.split();
    // The copy starts at version 1: the source's published definition (not its draft).
    let copied = sqlx::query!(
        r#"insert into flows (name, vertical, description, definition, version, is_active, is_template, created_by)
           select left('Cópia de ' || name, 100), vertical, description, definition, 1, false, false, $2
             from flows where id = $1
           returning id, name, definition"#,
        source,
        consultant
    )
    .fetch_optional(&mut *db)
    .await?
    .ok_or(AppError::NotFound)?;
    sqlx::query!(
        "insert into flow_versions (flow_id, version, definition, published_by) values ($1, 1, $2, $3)",
        copied.id,
        copied.definition,
        consultant
    )
    .execute(db)
    .await?;
    Ok(format!(
        "Fluxo “{}” criado. Ele ainda não está ativo.",
        copied.name
    ))
}

pub async fn rename(t: &mut TenantTx, id: Uuid, name: &str) -> Result<String, AppError> {
    let db: &mut PgConnection = t;
    let name = flow_name(name)?;
    own(db, id).await?;
    sqlx::query!(
        "update flows set name = $2, updated_at = now() where id = $1",
        id,
        name
    )
    .execute(db)
    .await?;
    Ok(format!("Fluxo renomeado para “{name}”."))
}

/// Makes an own flow the live one; the consultant's other flows stop being live. Two of
/// these at once queue on the consultant's advisory lock (and the unique index would refuse
/// a second live flow anyway).
pub async fn make_live(t: &mut TenantTx, id: Uuid) -> Result<String, AppError> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1::text, 8))",
        consultant.to_string()
    )
    .execute(&mut *db)
    .await?;
    let (name, _, archived) = own(db, id).await?;
    if archived {
        return Err(AppError::invalid("Desarquive o fluxo antes de ativá-lo."));
    }
    sqlx::query!(
        "update flows set is_active = false
          where created_by = $1 and is_active and not is_template and id <> $2",
        consultant,
        id
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "update flows set is_active = true, updated_at = now() where id = $1",
        id
    )
    .execute(&mut *db)
    .await?;
    Ok(format!(
        "“{name}” está ativo: as novas conversas usam este fluxo."
    ))
}

/// No own flow live: the vertical's template runs again.
pub async fn use_template(t: &mut TenantTx) -> Result<String, AppError> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update flows set is_active = false where created_by = $1 and is_active and not is_template",
        consultant
    )
    .execute(db)
    .await?;
    Ok("O modelo da sua área voltou a ser o fluxo ativo.".into())
}

pub async fn archive(t: &mut TenantTx, id: Uuid, archived: bool) -> Result<String, AppError> {
    let db: &mut PgConnection = t;
    let (name, active, _) = own(db, id).await?;
    if archived && active {
        return Err(AppError::invalid(
            "Este é o fluxo ativo: ative outro (ou o modelo) antes de arquivá-lo.",
        ));
    }
    sqlx::query!(
        "update flows set archived_at = case when $2 then now() end, updated_at = now() where id = $1",
        id,
        archived
    )
    .execute(db)
    .await?;
    Ok(if archived {
        format!("“{name}” foi arquivado.")
    } else {
        format!("“{name}” voltou da lista de arquivados.")
    })
}

/// Deletes an own flow no conversation used; one that was used is refused (the database's
/// ON DELETE RESTRICT) with archiving offered instead.
pub async fn delete(t: &mut TenantTx, id: Uuid) -> Result<String, AppError> {
    let db: &mut PgConnection = t;
    let (name, active, _) = own(db, id).await?;
    if active {
        return Err(AppError::invalid(
            "Este é o fluxo ativo: ative outro (ou o modelo) antes de excluí-lo.",
        ));
    }
    // A savepoint: the refused delete must not spoil the caller's transaction.
    let mut sp = sqlx::Connection::begin(&mut *db).await?;
    match sqlx::query!("delete from flows where id = $1", id)
        .execute(&mut *sp)
        .await
    {
        Ok(_) => {
            sp.commit().await?;
            Ok(format!("“{name}” foi excluído."))
        }
        Err(e)
            if e.as_database_error()
                .is_some_and(|d| d.is_foreign_key_violation()) =>
        {
            sp.rollback().await?;
            Err(AppError::invalid(format!(
                "“{name}” já foi usado em conversas e não pode ser excluído: arquive-o."
            )))
        }
        Err(e) => Err(e.into()),
    }
}

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
        r#"select draft, definition, coalesce(version, 1) as "version!"
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
    .execute(db)
    .await?;
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
