//! The consultant's files (`consultant_files`): what they keep in the library and what they
//! attached to replies, always through the tenant door.

use super::db::TenantTx;
use crate::domain::attachment::{storage_limit, Attachment};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub struct StoredFile {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub mime_type: String,
    pub size_bytes: i32,
    pub created_at: DateTime<Utc>,
}

/// Bytes stored and the plan's limit.
pub async fn usage(t: &mut TenantTx) -> Result<(i64, i64), sqlx::Error> {
    let (db, consultant) = t.split();
    let row = sqlx::query!(
        r#"select coalesce((select sum(size_bytes) from consultant_files where consultant_id = $1), 0)::int8 as "used!",
                  c.subscription_tier as "tier?",
                  coalesce(c.subscription_expires_at > now(), true) as "current!"
             from consultants c where c.id = $1"#,
        consultant
    )
    .fetch_one(db)
    .await?;
    let limit = storage_limit(row.tier.as_deref().unwrap_or("free"), row.current);
    Ok((row.used, limit))
}

/// The library, newest first.
pub async fn library(t: &mut TenantTx) -> Result<Vec<StoredFile>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        StoredFile,
        r#"select id, name, kind, mime_type, size_bytes, created_at as "created_at: DateTime<Utc>"
             from consultant_files
            where consultant_id = $1 and in_library
            order by created_at desc
            limit 100"#,
        consultant
    )
    .fetch_all(db)
    .await
}

/// One of the consultant's library files.
pub async fn in_library(t: &mut TenantTx, id: Uuid) -> Result<Option<StoredFile>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        StoredFile,
        r#"select id, name, kind, mime_type, size_bytes, created_at as "created_at: DateTime<Utc>"
             from consultant_files
            where id = $1 and consultant_id = $2 and in_library"#,
        id,
        consultant
    )
    .fetch_optional(db)
    .await
}

/// Why a file does not fit: the plan's space would be exceeded (`Err` with the words).
pub async fn check_room(t: &mut TenantTx, size: usize) -> Result<Result<(), String>, sqlx::Error> {
    use crate::domain::attachment::size_label;
    let (used, limit) = usage(t).await?;
    Ok(if used + size as i64 > limit {
        Err(format!(
            "Seu espaço de arquivos acabou: {} de {} usados, e este arquivo tem {}. Exclua \
             arquivos da biblioteca em Ajustes › Arquivos, ou mude de plano.",
            size_label(used),
            size_label(limit),
            size_label(size as i64)
        ))
    } else {
        Ok(())
    })
}

/// Stores a file (the caller checked its type and the room for it).
pub async fn insert(
    t: &mut TenantTx,
    file: &Attachment,
    bytes: &[u8],
    in_library: bool,
) -> Result<Uuid, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        "insert into consultant_files (consultant_id, name, mime_type, kind, size_bytes, bytes, in_library)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning id",
        consultant,
        file.name,
        file.mime_type,
        file.kind.code(),
        bytes.len() as i32,
        bytes,
        in_library
    )
    .fetch_one(db)
    .await
}

/// Takes a file out of the library. One that went to leads stays for their conversations
/// (and its space counts) until they are erased, one a template's header shows stays while
/// it does; one that never went anywhere is deleted.
/// `false`: not the consultant's.
pub async fn remove_from_library(t: &mut TenantTx, id: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    let sent = sqlx::query_scalar!(
        r#"select exists (select 1 from messages
                           where consultant_id = $2 and payload->>'kind' = 'file'
                             and payload->>'file' = $1::uuid::text)
                  or exists (select 1 from message_templates
                              where consultant_id = $2 and header_file_id = $1) as "sent!""#,
        id,
        consultant
    )
    .fetch_one(&mut *db)
    .await?;
    let changed = if sent {
        sqlx::query!(
            "update consultant_files set in_library = false where id = $1 and consultant_id = $2 and in_library",
            id,
            consultant
        )
        .execute(db)
        .await?
    } else {
        sqlx::query!(
            "delete from consultant_files where id = $1 and consultant_id = $2 and in_library",
            id,
            consultant
        )
        .execute(db)
        .await?
    };
    Ok(changed.rows_affected() == 1)
}

/// A file's bytes, for its consultant.
pub async fn read(
    t: &mut TenantTx,
    id: Uuid,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    let (db, consultant) = t.split();
    let row = sqlx::query!(
        "select name, mime_type, bytes from consultant_files where id = $1 and consultant_id = $2",
        id,
        consultant
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.name, r.mime_type, r.bytes)))
}

/// Deletes the files sent to this lead and to nobody else, and not in the library: they go
/// with the lead's messages when the lead is erased (a proposal made for one person is about
/// that person).
pub async fn erase_sent_only_to(t: &mut TenantTx, lead: Uuid) -> Result<u64, sqlx::Error> {
    let (db, consultant) = t.split();
    let done = sqlx::query!(
        r#"with sent as (
               select (m.payload->>'file') as file, bool_and(c.lead_id = $1) as only_this
                 from messages m
                 join conversations c on c.id = m.conversation_id and c.consultant_id = m.consultant_id
                where m.consultant_id = $2 and m.payload->>'kind' = 'file'
                group by 1)
           delete from consultant_files f
            using sent
            where f.consultant_id = $2 and not f.in_library
              and sent.file = f.id::text and sent.only_this
              and exists (select 1 from conversations c where c.lead_id = $1 and c.consultant_id = $2)"#,
        lead,
        consultant
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}
