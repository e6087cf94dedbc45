//! Changing and deleting a consultant's templates, and the images a header may show, in the
//! caller's tenant transaction. A template Meta knows is changed or deleted there by the
//! templates job (`consultor::jobs::templates`), never inside a transaction: here it is only
//! marked (`enviando` with Meta's id kept, or `excluindo`).

use super::templates::{header_file, json_columns, SANDBOX_APPROVAL};
use crate::domain::template::TemplateDraft;
use crate::server::db::TenantTx;
use uuid::Uuid;

/// Meta's limit for a template header's image.
pub const MAX_HEADER_IMAGE_BYTES: i32 = 5 * 1024 * 1024;

/// Stores a changed draft of a template that may change (the caller checked
/// [`crate::domain::template::changes::edit_refusal`]): sent for review again, or approved at
/// once on a server without a Meta app. A change of an approved one is counted (Meta's
/// limit). `false`: it changed meanwhile and nothing was written.
pub async fn edit(
    t: &mut TenantTx,
    id: Uuid,
    draft: &TemplateDraft,
    sandbox: bool,
) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let columns = json_columns(draft)?;
    let old_file = sqlx::query_scalar!(
        "select header_file_id from message_templates where consultant_id = $1 and id = $2",
        consultant,
        id
    )
    .fetch_optional(&mut *db)
    .await?
    .flatten();
    let changed = sqlx::query!(
        "update message_templates
            set category = $3, header_text = $4, header_variable = $5, header_file_id = $6,
                body = $7, footer_text = $8, buttons = $9, variables = $10,
                edits = case when status = 'aprovado' then (array[now()] || edits)[1:10]
                             else edits end,
                status = case when $11 then 'aprovado' else 'enviando' end,
                status_reason = case when $11 then $12 end,
                submit_claimed_at = null
          where consultant_id = $1 and id = $2
            and status in ('aprovado', 'rejeitado', 'pausado', 'erro')",
        consultant,
        id,
        draft.category.as_str(),
        draft.header_text,
        columns.header_variable,
        header_file(draft),
        draft.body,
        draft.footer_text,
        columns.buttons,
        columns.variables,
        sandbox,
        SANDBOX_APPROVAL
    )
    .execute(&mut *db)
    .await?
    .rows_affected()
        == 1;
    if changed {
        if let Some(old) = old_file.filter(|f| Some(*f) != header_file(draft)) {
            forget_unused_file(t, old).await?;
        }
    }
    Ok(changed)
}

/// How many follow-up rules, and sends waiting, name this template.
pub async fn usage(t: &mut TenantTx, id: Uuid) -> Result<(i64, i64), sqlx::Error> {
    let (db, consultant) = t.split();
    let row = sqlx::query!(
        r#"select (select count(*) from follow_up_rules
                    where consultant_id = $1 and template_id = $2) as "rules!",
                  (select count(*) from scheduled_messages
                    where consultant_id = $1 and template_id = $2 and status = 'agendada') as "scheduled!""#,
        consultant,
        id
    )
    .fetch_one(db)
    .await?;
    Ok((row.rules, row.scheduled))
}

/// What a deletion did.
#[derive(Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Gone here (Meta never knew it, or there is no Meta on this server).
    Deleted,
    /// Marked: the job deletes it on Meta, then here.
    OnMeta,
    /// Not found, or it changed meanwhile.
    Changed,
}

/// Deletes a template (the caller checked that nothing uses it and that its status allows
/// it): here at once when Meta does not know it, else marked for the job.
pub async fn delete(t: &mut TenantTx, id: Uuid, sandbox: bool) -> Result<Deletion, sqlx::Error> {
    let (db, consultant) = t.split();
    let marked = sqlx::query!(
        "update message_templates
            set previous_status = status, status = 'excluindo', status_reason = null,
                submit_claimed_at = null
          where consultant_id = $1 and id = $2 and meta_template_id is not null and not $3
            and status not in ('enviando', 'excluindo')",
        consultant,
        id,
        sandbox
    )
    .execute(&mut *db)
    .await?
    .rows_affected();
    if marked == 1 {
        return Ok(Deletion::OnMeta);
    }
    let gone = sqlx::query_scalar!(
        r#"delete from message_templates
            where consultant_id = $1 and id = $2
              and (meta_template_id is null or $3) and status not in ('enviando', 'excluindo')
        returning header_file_id"#,
        consultant,
        id,
        sandbox
    )
    .fetch_optional(&mut *db)
    .await?;
    match gone {
        None => Ok(Deletion::Changed),
        Some(file) => {
            if let Some(file) = file {
                forget_unused_file(t, file).await?;
            }
            Ok(Deletion::Deleted)
        }
    }
}

/// Deletes a file that was kept only for a template's header: out of the library, shown by
/// no template, never sent by itself, and named by no message waiting to leave.
pub async fn forget_unused_file(t: &mut TenantTx, file: Uuid) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "delete from consultant_files f
          where f.id = $1 and f.consultant_id = $2 and not f.in_library
            and not exists (select 1 from message_templates t
                             where t.consultant_id = $2 and t.header_file_id = f.id)
            and not exists (select 1 from messages m
                             where m.consultant_id = $2 and m.status = 'pending'
                               and m.payload->>'header_image' = f.id::text)
            and not exists (select 1 from messages m
                             where m.consultant_id = $2 and m.payload->>'kind' = 'file'
                               and m.payload->>'file' = f.id::text)",
        file,
        consultant
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The library's images a header may show (JPEG or PNG up to 5 MB): (id, name), newest first.
pub async fn header_images(t: &mut TenantTx) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query!(
        "select id, name from consultant_files
          where consultant_id = $1 and in_library and kind = 'image'
            and mime_type in ('image/jpeg', 'image/png') and size_bytes <= $2
          order by created_at desc
          limit 50",
        consultant,
        MAX_HEADER_IMAGE_BYTES
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Whether a draft's header image is one a header may show: the consultant's own JPEG or
/// PNG of at most 5 MB (in the library, or already shown by the template being changed).
pub async fn header_image_ok(
    t: &mut TenantTx,
    draft: &TemplateDraft,
    template: Option<Uuid>,
) -> Result<bool, sqlx::Error> {
    let Some(file) = header_file(draft) else {
        return Ok(draft.header_image.is_none());
    };
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        r#"select exists (
               select 1 from consultant_files f
                where f.id = $2 and f.consultant_id = $1 and f.kind = 'image'
                  and f.mime_type in ('image/jpeg', 'image/png') and f.size_bytes <= $3
                  and (f.in_library
                       or exists (select 1 from message_templates t
                                   where t.consultant_id = $1 and t.id = $4
                                     and t.header_file_id = f.id))) as "ok!""#,
        consultant,
        file,
        MAX_HEADER_IMAGE_BYTES,
        template
    )
    .fetch_one(db)
    .await
}

/// The end of a deletion Meta agreed to (the templates job): the row goes, and its header's
/// file if nothing else keeps it. `false`: it was not being deleted.
pub async fn finish_delete(t: &mut TenantTx, id: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let gone = sqlx::query_scalar!(
        "delete from message_templates
          where consultant_id = $1 and id = $2 and status = 'excluindo'
        returning header_file_id",
        consultant,
        id
    )
    .fetch_optional(db)
    .await?;
    match gone {
        None => Ok(false),
        Some(file) => {
            if let Some(file) = file {
                forget_unused_file(t, file).await?;
            }
            Ok(true)
        }
    }
}
