//! Moving a lead to another column; a move to "agendado" books its appointment (date and
//! time required, place or video link optional) in the same tenant transaction, so neither
//! happens without the other.

// `move_lead` takes one argument per form field (ActionForm posts them flat). File-wide, as
// in `api::settings`: on the hydrate side #[server] drops the function's own attributes.
#![allow(clippy::too_many_arguments)]

use crate::error::AppError;
use leptos::prelude::*;

/// Moves a lead to another column. A refused move says why and changes nothing. `data`,
/// `hora`, `local` and `link` are read only for a move to "agendado" (the form always has
/// them; a drag on the board sends them empty, and is refused for "agendado").
#[server(prefix = "/api", endpoint = "mover-lead")]
pub async fn move_lead(
    csrf: String,
    lead: String,
    to: String,
    reason: String,
    #[server(default)] data: String,
    #[server(default)] hora: String,
    #[server(default)] local: String,
    #[server(default)] link: String,
    #[server(default)] valor: String,
) -> Result<String, AppError> {
    let values = vec![
        ("lead", lead.clone()),
        ("to", to.clone()),
        ("reason", reason.clone()),
        ("data", data.clone()),
        ("hora", hora.clone()),
        ("local", local.clone()),
        ("link", link.clone()),
        ("valor", valor.clone()),
    ];
    let result: Result<String, AppError> = async {
        use crate::api::leads::parse_lead_id;
        use crate::domain::appointment::{describe_when, AppointmentInput};
        use crate::domain::LeadStatus;
        use crate::server::leads::{self, MoveRefused};
        use crate::server::{appointments, Tenant};

        let id = parse_lead_id(&lead)?;
        let to = LeadStatus::parse(&to)
            .map_err(|_| AppError::invalid("Escolha para qual etapa mover o lead."))?;
        let reason = reason.trim();
        crate::domain::text::printable("Motivo", reason, crate::domain::text::Lines::Many)
            .map_err(AppError::invalid)?;
        if reason.chars().count() > 500 {
            return Err(AppError::invalid("O motivo pode ter até 500 caracteres."));
        }
        let now = chrono::Utc::now();
        let appointment = if to == LeadStatus::Agendado {
            Some(
                AppointmentInput::parse(&data, &hora, &local, &link, now)
                    .map_err(AppError::invalid)?,
            )
        } else {
            None
        };
        // Closing may say what the deal is worth (what a Purchase tells Meta, and the column's
        // sum); a blank field leaves the value as it was.
        let value = match (to, crate::domain::deal_value::DealValue::parse(&valor)) {
            (LeadStatus::Fechado, Ok(v)) => v,
            (LeadStatus::Fechado, Err(why)) => return Err(AppError::invalid(why)),
            _ => None,
        };
        // A reason is kept for a loss, and for reopening a closed deal (which needs one).
        let reason = (to == LeadStatus::Perdido || to == LeadStatus::EmContato)
            .then_some(reason)
            .filter(|r| !r.is_empty());
        let mut t = Tenant::begin_with_csrf(&csrf).await?;
        let from = match leads::move_status(&mut t.tx, id, to, reason).await? {
            Ok(from) => from,
            Err(MoveRefused::NotFound) => return Err(AppError::NotFound),
            Err(MoveRefused::Rule(why)) => return Err(AppError::invalid(why)),
        };
        if let Some(a) = &appointment {
            appointments::book(&mut t.tx, id, a).await?;
        }
        if let Some(v) = value {
            leads::set_deal_value(&mut t.tx, id, Some(v.cents())).await?;
        }
        t.audit(
            "lead_status_changed",
            "lead",
            Some(id),
            serde_json::json!({
                "de": from.as_str(),
                "para": to.as_str(),
                "motivo": reason,
                "agendado_para": appointment.as_ref().map(|a| a.starts_at),
                "valor_centavos": value.map(|v| v.cents()),
            }),
        )
        .await?;
        t.commit().await?;
        Ok(match &appointment {
            Some(a) => format!(
                "Lead movido para “{}”: {}.",
                to.label(),
                describe_when(a.starts_at, now)
            ),
            None => format!("Lead movido para “{}”.", to.label()),
        })
    }
    .await;
    let success = result.clone().unwrap_or_default();
    // On the board, the page comes back at the column the card went to; after a refusal, at
    // the card itself, its form open with what was typed.
    let anchor = match (&result, crate::domain::LeadStatus::parse(&to)) {
        (Ok(_), Ok(s)) => format!("coluna-{}", s.as_str()),
        // Only a stage and a well-formed id go into the redirect's address.
        (Err(_), Ok(_)) => uuid::Uuid::parse_str(lead.trim())
            .map(|u| format!("card-{u}"))
            .unwrap_or_default(),
        _ => String::new(),
    };
    crate::server::flash::remember_at(&anchor, "mover", values, &success, result).await
}
