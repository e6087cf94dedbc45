//! `GET /leads/exportar.csv?<filtro>`: the filtered leads as a CSV file that opens correctly
//! in Excel set to Portuguese (UTF-8 with BOM, `;` between fields, dates as dd/mm/aaaa, one
//! column per question of the flow).
//!
//! Streamed: rows are read in keyset chunks, each in its own short tenant transaction, and
//! written to the response as they come, so 100,000 leads never sit in memory and a slow
//! download never holds a transaction open. Every export is audited (`lead_exported`) with
//! its filter and row count.

use super::door::SignedIn;
use crate::domain::cursor::Cursor;
use crate::domain::flow::FlowDefinition;
use crate::domain::lead_answers;
use crate::domain::lead_filter::{LeadFilter, Source};
use crate::domain::time::{format_date, format_datetime};
use crate::domain::{LeadStatus, PhoneBr};
use crate::server::db;
use crate::server::leads::{self, FilterParams};
use axum::body::Body;
use axum::extract::RawQuery;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// Rows read per query (and per transaction).
const CHUNK: i64 = 2000;

pub async fn csv(who: SignedIn, RawQuery(query): RawQuery) -> Response {
    let filter = LeadFilter::from_query(query.as_deref().unwrap_or(""));
    response(who, Selection::Filter(filter))
}

/// Which leads an export holds.
pub enum Selection {
    /// Every lead matching the filter.
    Filter(LeadFilter),
    /// The leads picked in the list view (ids of other consultants find nothing).
    Ids(Vec<Uuid>),
}

/// The streamed CSV response for `selection`.
pub fn response(who: SignedIn, selection: Selection) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(write_rows(who, selection, tx));
    let body = Body::from_stream(futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }));
    let filename = format!("leads-{}.csv", chrono::Utc::now().format("%Y-%m-%d"));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
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

/// Where a streamed export writes its chunks (the response body, or a ZIP entry).
pub type Sink = tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>;

/// Writes the CSV of `selection` to `out`, chunk by chunk, and audits it.
pub async fn write_rows(who: SignedIn, selection: Selection, out: Sink) {
    let SignedIn {
        state,
        id: consultant,
        meta,
        ..
    } = who;
    let now = chrono::Utc::now();
    let (filter, ids) = match selection {
        Selection::Filter(f) => (f, None),
        Selection::Ids(ids) => (LeadFilter::default(), Some(ids)),
    };
    let params = FilterParams::new(&filter, now);
    let mut rows_written: i64 = 0;
    let mut complete = false;
    let result: Result<(), sqlx::Error> = async {
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        let def: Option<FlowDefinition> = leads::current_flow(&mut tx)
            .await?
            .and_then(|(_, d)| serde_json::from_value(d).ok());
        tx.commit().await?;
        let questions = def
            .as_ref()
            .map(lead_answers::asked_questions)
            .unwrap_or_default();

        let mut buf = String::from("\u{FEFF}");
        let mut header = vec![
            "Nome",
            "WhatsApp",
            "Etapa",
            "Origem",
            "Criado em",
            "Última atividade",
            "Pediu para sair",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        header.extend(questions.iter().map(|(_, q)| q.clone()));
        push_record(&mut buf, &header);

        let mut after: Option<Cursor> = None;
        loop {
            let mut tx = db::tenant_tx(&state.pool, consultant).await?;
            let rows = match &ids {
                Some(ids) => leads::by_ids(&mut tx, ids).await?,
                None => leads::by_creation(&mut tx, &params, after, CHUNK).await?,
            };
            tx.commit().await?;
            for r in &rows {
                let answers = lead_answers::from_json(&r.respostas);
                let labelled = lead_answers::labelled(def.as_ref(), &answers);
                let mut record = vec![
                    r.name
                        .clone()
                        .or_else(|| r.profile_name.clone())
                        .unwrap_or_default(),
                    r.whatsapp_number
                        .as_deref()
                        .map(phone_for_sheet)
                        .unwrap_or_default(),
                    LeadStatus::parse(&r.status)
                        .map(|s| s.label().to_string())
                        .unwrap_or_else(|_| r.status.clone()),
                    Source::describe(r.source.as_deref()),
                    format_date(r.created_at),
                    format_datetime(r.last_interaction_at),
                    if r.opted_out { "sim" } else { "" }.to_string(),
                ];
                record.extend(questions.iter().map(|(step, _)| {
                    labelled
                        .iter()
                        .find(|a| &a.step == step)
                        .map(|a| a.label.clone())
                        .unwrap_or_default()
                }));
                push_record(&mut buf, &record);
            }
            rows_written += rows.len() as i64;
            if out
                .send(Ok(std::mem::take(&mut buf).into_bytes()))
                .await
                .is_err()
            {
                return Ok(()); // the download was cancelled
            }
            match rows.last() {
                Some(last) if ids.is_none() && rows.len() as i64 == CHUNK => {
                    after = Some(last.created_cursor())
                }
                _ => break,
            }
        }
        complete = true;
        Ok(())
    }
    .await;
    if let Err(e) = &result {
        tracing::error!(error = %e, "lead export failed");
        let _ = out
            .send(Err(std::io::Error::other("exportação interrompida")))
            .await;
    }
    // Recorded even when the download stopped half-way: rows left the building.
    let details = serde_json::json!({
        "filtro": filter.to_query(),
        "selecionados": ids.as_ref().map(Vec::len),
        "linhas": rows_written,
        "completa": complete,
    });
    let audited = async {
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        sqlx::query!(
            "select audit_tenant_event('lead_exported', 'lead', null, $1, $2::text::inet, $3)",
            details,
            meta.ip.map(|ip| ip.to_string()),
            meta.user_agent.as_deref()
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = audited {
        tracing::error!(error = %e, "lead export audit failed");
    }
}

/// A Brazilian number as it is dialled at home, `(11) 98765-4321`: a cell that starts with
/// `+` would be read by Excel as a formula.
fn phone_for_sheet(stored: &str) -> String {
    match PhoneBr::parse(stored) {
        Ok(p) => p.display().trim_start_matches("+55 ").to_string(),
        Err(_) => stored.trim_start_matches('+').to_string(),
    }
}

/// One CSV line: fields quoted when they hold `;`, quotes or line breaks, and text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) prefixed with `'`.
pub fn push_record(buf: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            buf.push(';');
        }
        let neutral = if f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{f}")
        } else {
            f.clone()
        };
        if neutral.contains([';', '"', '\n', '\r']) {
            buf.push('"');
            buf.push_str(&neutral.replace('"', "\"\""));
            buf.push('"');
        } else {
            buf.push_str(&neutral);
        }
    }
    buf.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_separators_and_neutralises_formulas() {
        let mut b = String::new();
        push_record(
            &mut b,
            &[
                "Ana; \"Aninha\"".into(),
                "=1+1".into(),
                "São João".into(),
                "-2".into(),
            ],
        );
        assert_eq!(b, "\"Ana; \"\"Aninha\"\"\";'=1+1;São João;'-2\r\n");
    }

    #[test]
    fn phones_do_not_start_like_formulas() {
        assert_eq!(phone_for_sheet("+5511987654321"), "(11) 98765-4321");
        assert_eq!(phone_for_sheet("+351912345678"), "351912345678");
    }
}
