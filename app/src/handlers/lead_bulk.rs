//! `POST /leads/em-massa`: actions on many leads from the list view, as a plain form (works
//! the same with or without JavaScript). The checkboxes name the selection (`ids`); the
//! button says what to do:
//! - `mover-selecionados` / `mover-filtrados`: each lead is moved by the same rules as one at
//!   a time (`leads::move_status`), with its history and audit rows, in one transaction;
//!   leads whose stage cannot go there are counted and left as they are; every filtered lead
//!   at once only with `confirmar-todos` ticked;
//! - `exportar-selecionados`: the CSV of the selection (the whole filtered set is the export
//!   link beside the filters).

use super::door::{SignedIn, SignedInForm};
use super::lead_export::{self, Selection};
use crate::domain::lead_filter::LeadFilter;
use crate::domain::LeadStatus;
use crate::error::AppError;
use crate::feedback::FormFeedback;
use crate::server::flash;
use crate::server::leads::{self, FilterParams, MoveRefused};
use crate::server::tenant;
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
                Ok(to) => {
                    let selected = (action == "mover-selecionados").then_some(ids);
                    move_many(&who, to, selected, &filter).await
                }
            }
        }
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
    for id in ids {
        match leads::move_status(&mut tx, id, to, None).await? {
            Ok(from) => {
                moved += 1;
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
