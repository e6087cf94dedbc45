//! `POST /leads/em-massa`: actions on many leads from the list view, as a plain form (works
//! the same with or without JavaScript). The checkboxes name the selection (`ids`); the
//! button says what to do:
//! - `mover-selecionados` / `mover-filtrados`: each lead is moved by the same rules as one at
//!   a time (`leads::move_status`), with its history and audit rows, in one transaction;
//!   leads whose stage cannot go there are counted and left as they are; every filtered lead
//!   at once only with `confirmar-todos` ticked;
//! - `exportar-selecionados`: the CSV of the selection (the whole filtered set is the export
//!   link beside the filters);
//! - `desfazer`: puts back the leads of the last bulk move, for 15 minutes after it
//!   (`server::bulk_undo`).

use super::door::{SignedIn, SignedInForm};
use super::lead_export::{self, Selection};
use crate::domain::lead_filter::LeadFilter;
use crate::domain::LeadStatus;
use crate::error::AppError;
use crate::feedback::FormFeedback;
use crate::server::leads::{self, FilterParams, MoveRefused};
use crate::server::tenant;
use crate::server::{bulk_undo, flash};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

/// Leads one action may touch: a larger set is refused with a message (refine the filter).
pub const MAX_BULK: usize = 1000;

pub async fn handle(SignedInForm { who, fields }: SignedInForm) -> Response {
    let field = |name: &str| fields.get(name);
    let filter = LeadFilter::from_query(&field("filtro"));
    let back = {
        let q = filter.to_query();
        if q.is_empty() {
            "/leads?vista=lista".to_string()
        } else {
            format!("/leads?vista=lista&{q}")
        }
    };
    let ids: Vec<Uuid> = fields
        .all("ids")
        .filter_map(|v| v.parse().ok())
        .take(MAX_BULK + 1)
        .collect();
    let result = match field("acao").as_str() {
        "exportar-selecionados" if ids.is_empty() => Err(AppError::invalid(
            "Selecione ao menos um lead para exportar.",
        )),
        "exportar-selecionados" if ids.len() > MAX_BULK => Err(too_many()),
        "exportar-selecionados" => return lead_export::response(who, Selection::Ids(ids)),
        // Every lead the filter finds, on one tap: only with its box ticked (#17).
        "mover-filtrados" if field("confirmar-todos") != "sim" => Err(AppError::invalid(
            "Para mover todos os leads filtrados de uma vez, marque a confirmação ao lado do botão.",
        )),
        action @ ("mover-selecionados" | "mover-filtrados") => {
            let to = LeadStatus::parse(&field("to"))
                .map_err(|_| AppError::invalid("Escolha para qual etapa mover os leads."));
            match to {
                Err(e) => Err(e),
                // Each appointment needs its own date and time: one lead at a time.
                Ok(LeadStatus::Agendado) => Err(AppError::invalid(
                    "Para agendar, mova um lead de cada vez (no card ou na página do lead) e informe a data e a hora.",
                )),
                Ok(to) => {
                    let selected = (action == "mover-selecionados").then_some(ids);
                    move_many(&who, to, selected, &filter).await
                }
            }
        }
        "desfazer" => undo(&who).await,
        _ => Err(AppError::invalid("Ação desconhecida. Recarregue a página.")),
    };
    let feedback = FormFeedback {
        form: "mover".into(),
        error: result.as_ref().err().cloned(),
        success: result.ok(),
        values: Vec::new(),
    };
    flash::put(&who.session, feedback).await;
    Redirect::to(&back).into_response()
}

fn too_many() -> AppError {
    AppError::invalid(format!(
        "Uma ação em massa alcança até {MAX_BULK} leads. Refine os filtros e tente de novo."
    ))
}

/// Moves the selection (or, with `None`, every lead matching `filter`).
async fn move_many(
    who: &SignedIn,
    to: LeadStatus,
    selected: Option<Vec<Uuid>>,
    filter: &LeadFilter,
) -> Result<String, AppError> {
    let mut tx = who.tenant().await?;
    let ids = match selected {
        Some(ids) if ids.is_empty() => {
            return Err(AppError::invalid("Selecione ao menos um lead para mover."))
        }
        Some(ids) => ids,
        None => {
            let params = FilterParams::new(filter, chrono::Utc::now());
            let rows = leads::by_activity(&mut tx, &params, None, MAX_BULK as i64 + 1).await?;
            rows.into_iter().map(|r| r.id).collect()
        }
    };
    if ids.len() > MAX_BULK {
        return Err(too_many());
    }
    let (mut moved, mut refused) = (0, 0);
    let mut undo = Vec::new();
    for id in ids {
        match leads::move_status(&mut tx, id, to, None).await? {
            Ok(from) => {
                moved += 1;
                undo.push((id, from.as_str().to_string()));
                tenant::audit_in(
                    &mut tx,
                    &who.meta,
                    "lead_status_changed",
                    "lead",
                    Some(id),
                    serde_json::json!({ "de": from.as_str(), "para": to.as_str(), "em_massa": true }),
                )
                .await?;
            }
            Err(MoveRefused::Rule(_)) | Err(MoveRefused::NotFound) => refused += 1,
        }
    }
    tx.commit().await?;
    if !undo.is_empty() {
        let record = bulk_undo::BulkMove {
            to: to.as_str().into(),
            moved: undo,
            at: chrono::Utc::now(),
        };
        bulk_undo::remember(&who.session, record).await;
    }
    let mut message = match moved {
        0 => "Nenhum lead foi movido.".to_string(),
        1 => format!("1 lead movido para “{}”.", to.label()),
        n => format!("{n} leads movidos para “{}”.", to.label()),
    };
    if refused > 0 {
        message.push_str(&format!(
            " {refused} não {} ir para “{}” pelas regras das etapas e {} como {}.",
            if refused == 1 { "pôde" } else { "puderam" },
            to.label(),
            if refused == 1 { "ficou" } else { "ficaram" },
            if refused == 1 { "estava" } else { "estavam" },
        ));
    }
    if moved == 0 {
        // Nothing happened: shown as a problem, not as a success.
        return Err(AppError::invalid(message));
    }
    Ok(message)
}

/// Puts back the leads of the last bulk move that are still where it left them.
async fn undo(who: &SignedIn) -> Result<String, AppError> {
    let Some(last) = bulk_undo::take(&who.session).await else {
        return Err(AppError::invalid(format!(
            "Não há ação em massa para desfazer (ela pode ser desfeita por {} minutos).",
            bulk_undo::UNDO_MINUTES
        )));
    };
    let to = LeadStatus::parse(&last.to).map_err(AppError::invalid)?;
    let mut tx = who.tenant().await?;
    let (mut restored, mut kept) = (0, 0);
    for (id, from) in &last.moved {
        let Ok(from) = LeadStatus::parse(from) else {
            continue;
        };
        if leads::restore_status(&mut tx, *id, from, to).await? {
            restored += 1;
            tenant::audit_in(
                &mut tx,
                &who.meta,
                "lead_status_changed",
                "lead",
                Some(*id),
                serde_json::json!({ "de": to.as_str(), "para": from.as_str(), "desfeito": true }),
            )
            .await?;
        } else {
            kept += 1;
        }
    }
    tx.commit().await?;
    let mut message = match restored {
        1 => "Desfeito: 1 lead voltou para a etapa de antes.".to_string(),
        n => format!("Desfeito: {n} leads voltaram para a etapa de antes."),
    };
    if kept > 0 {
        message.push_str(&format!(
            " {kept} já {} de etapa desde então e {} onde {}.",
            if kept == 1 {
                "tinha mudado"
            } else {
                "tinham mudado"
            },
            if kept == 1 { "ficou" } else { "ficaram" },
            if kept == 1 { "estava" } else { "estavam" },
        ));
    }
    Ok(message)
}
