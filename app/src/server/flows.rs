//! The flows repository (`/fluxos`): the templates of every vertical and the consultant's own
//! flows, and what can be done with them. Runs in the caller's tenant transaction: row-level
//! security lets a consultant see templates and their own flows and change only their own.
//! Editing one flow (its draft, publishing, versions) is `flow_drafts`.

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
pub(super) async fn own(db: &mut PgConnection, id: Uuid) -> Result<(String, bool, bool), AppError> {
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
    rules_changed(db, consultant).await?;
    Ok(format!(
        "“{name}” está ativo: as novas conversas usam este fluxo."
    ))
}

/// The live flow's points changed (another flow live, or a new version of it): the
/// rescoring job scores every lead of the consultant again, within a minute.
pub async fn rules_changed(db: &mut PgConnection, consultant: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update leads set score_due_at = now() where consultant_id = $1",
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}

/// No own flow live: the vertical's template runs again.
pub async fn use_template(t: &mut TenantTx) -> Result<String, AppError> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update flows set is_active = false where created_by = $1 and is_active and not is_template",
        consultant
    )
    .execute(&mut *db)
    .await?;
    rules_changed(db, consultant).await?;
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
