//! `GET /configuracoes/exportar.zip`: everything a consultant has here (LGPD portability),
//! as a ZIP streamed while it is read: `conta.json` (the account), `leads.csv` (the same CSV
//! as the leads export), `conversas.json` and `mensagens.csv` (archived messages too).
//! Rows are read in keyset chunks, each in a short tenant transaction, so neither memory nor
//! an open transaction grows with the account or with a slow download. Audited as
//! `account_exported`.

use super::door::SignedIn;
use super::lead_export::{self, push_record, Selection, Sink};
use super::zip_stream::ZipStream;
use crate::domain::lead_filter::LeadFilter;
use crate::domain::time::format_datetime;
use crate::server::{db, tenant};
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use uuid::Uuid;

const CHUNK: i64 = 2000;

pub async fn export(who: SignedIn) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(8);
    tokio::spawn(async move {
        let (consultant_state, consultant, audit_meta) =
            (who.state.clone(), who.id, who.meta.clone());
        let result = write_zip(who, &tx).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, "account export failed");
            let _ = tx
                .send(Err(std::io::Error::other("exportação interrompida")))
                .await;
        }
        let audited = async {
            let mut t = db::tenant_tx(&consultant_state.pool, consultant).await?;
            tenant::audit_in(
                &mut t,
                &audit_meta,
                "account_exported",
                "consultant",
                Some(consultant),
                serde_json::json!({ "completa": result.is_ok() }),
            )
            .await?;
            t.commit().await
        }
        .await;
        if let Err(e) = audited {
            tracing::error!(error = %e, "account export audit failed");
        }
    });
    let body = Body::from_stream(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let filename = format!("consultor-dados-{}.zip", Utc::now().format("%Y-%m-%d"));
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// Sends bytes, counted into the open entry when `counted`. `false`: the download stopped.
async fn send(out: &Sink, z: &mut ZipStream, bytes: Vec<u8>, counted: bool) -> bool {
    if counted {
        z.data(&bytes);
    }
    out.send(Ok(bytes)).await.is_ok()
}

#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error("banco de dados: {0}")]
    Database(#[from] sqlx::Error),
    #[error("download interrompido")]
    Stopped,
}

async fn write_zip(who: SignedIn, out: &Sink) -> Result<(), ExportError> {
    let (state, consultant) = (who.state.clone(), who.id);
    let mut z = ZipStream::default();
    macro_rules! emit {
        ($bytes:expr, $counted:expr) => {{
            let bytes = $bytes;
            if !send(out, &mut z, bytes, $counted).await {
                return Err(ExportError::Stopped);
            }
        }};
    }

    // The account.
    let account = {
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        let a = sqlx::query_scalar!(
            r#"select jsonb_build_object(
                   'nome', name, 'email', email, 'whatsapp', whatsapp_number, 'area', vertical,
                   'endereco_do_perfil', slug, 'bio', bio, 'registro', crm_number,
                   'plano', subscription_tier, 'criada_em', created_at) as "a!"
                 from consultants where id = $1"#,
            consultant
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        a
    };
    emit!(z.start("conta.json"), false);
    emit!(
        serde_json::to_vec_pretty(&account).unwrap_or_default(),
        true
    );
    emit!(z.finish_entry(), false);

    // The leads, as the leads export writes them.
    emit!(z.start("leads.csv"), false);
    let (inner, mut rows) = tokio::sync::mpsc::channel(4);
    let writer = tokio::spawn(lead_export::write_rows(
        who,
        Selection::Filter(LeadFilter::default()),
        inner,
    ));
    while let Some(chunk) = rows.recv().await {
        match chunk {
            Ok(bytes) => emit!(bytes, true),
            Err(_) => return Err(ExportError::Stopped),
        }
    }
    let _ = writer.await;
    emit!(z.finish_entry(), false);

    // Conversations, as a JSON array.
    emit!(z.start("conversas.json"), false);
    emit!(b"[".to_vec(), true);
    let mut after: Option<(DateTime<Utc>, Uuid)> = None;
    let mut first = true;
    loop {
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        let rows = sqlx::query!(
            r#"select c.id, c.lead_id, c.started_at as "started_at!: DateTime<Utc>",
                      c.completed_at as "completed_at: DateTime<Utc>",
                      c.state->'answers' as answers
                 from conversations c
                where c.consultant_id = $1 and c.started_at is not null
                  and ($2::timestamptz is null or (c.started_at, c.id) > ($2, $3::uuid))
                order by c.started_at, c.id
                limit $4"#,
            consultant,
            after.map(|a| a.0) as _,
            after.map(|a| a.1),
            CHUNK
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut buf = Vec::new();
        for r in &rows {
            if !first {
                buf.push(b',');
            }
            first = false;
            let item = serde_json::json!({
                "id": r.id, "lead": r.lead_id, "inicio": r.started_at,
                "concluida_em": r.completed_at, "respostas": r.answers,
            });
            buf.extend(serde_json::to_vec(&item).unwrap_or_default());
        }
        emit!(buf, true);
        match rows.last() {
            Some(last) if rows.len() as i64 == CHUNK => after = Some((last.started_at, last.id)),
            _ => break,
        }
    }
    emit!(b"]".to_vec(), true);
    emit!(z.finish_entry(), false);

    // Messages: the live ones, then the archived ones.
    emit!(z.start("mensagens.csv"), false);
    let mut buf = String::from("\u{FEFF}");
    push_record(
        &mut buf,
        &["Lead", "Quando", "De", "Texto", "Arquivada"].map(String::from),
    );
    emit!(std::mem::take(&mut buf).into_bytes(), true);
    for archived in [false, true] {
        let mut after: Option<(DateTime<Utc>, Uuid)> = None;
        loop {
            let mut tx = db::tenant_tx(&state.pool, consultant).await?;
            let rows = sqlx::query!(
                r#"select m.id as "id!", m.created_at as "created_at!: DateTime<Utc>",
                          m.conversation_id as "conversation_id!", m.direction as "direction!",
                          m.content as "content!"
                     from (select id, created_at, conversation_id, direction, content
                             from messages
                            where not $5 and consultant_id = $1
                              and ($2::timestamptz is null or (created_at, id) > ($2, $3::uuid))
                            order by created_at, id limit $4) m
                   union all
                   select x.id, x.created_at, x.conversation_id, x.direction, x.content
                     from (select id, created_at, conversation_id, direction, content
                             from messages_archive
                            where $5 and consultant_id = $1
                              and ($2::timestamptz is null or (created_at, id) > ($2, $3::uuid))
                            order by created_at, id limit $4) x
                    order by 2, 1"#,
                consultant,
                after.map(|a| a.0) as _,
                after.map(|a| a.1),
                CHUNK,
                archived
            )
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            for r in &rows {
                push_record(
                    &mut buf,
                    &[
                        r.conversation_id.to_string(),
                        format_datetime(r.created_at),
                        if r.direction == "inbound" {
                            "lead"
                        } else {
                            "consultor/assistente"
                        }
                        .to_string(),
                        r.content.clone(),
                        if archived { "sim" } else { "não" }.to_string(),
                    ],
                );
            }
            emit!(std::mem::take(&mut buf).into_bytes(), true);
            match rows.last() {
                Some(last) if rows.len() as i64 == CHUNK => {
                    after = Some((last.created_at, last.id))
                }
                _ => break,
            }
        }
    }
    emit!(z.finish_entry(), false);
    let end = z.finish();
    if out.send(Ok(end)).await.is_err() {
        return Err(ExportError::Stopped);
    }
    Ok(())
}
