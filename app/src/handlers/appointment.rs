//! A lead's appointment, from its page, as plain forms and a download:
//! - `POST /leads/{lead}/agendamento`: changes the date, time, place or link (`acao=salvar`)
//!   or cancels it (`acao=cancelar`), for a lead in "agendado"; the page comes back at the
//!   section (`#agendamento`) with its message, with or without JavaScript;
//! - `GET /leads/{lead}/agendamento.ics`: the active appointment as an iCalendar file.
//!
//! Cancelling keeps the lead in "agendado" (the consultant may book another time, or move
//! the lead: a stage move is a decision of its own) and the row, as 'cancelado'.

use super::door::{SignedIn, SignedInForm};
use crate::domain::appointment::{describe_when, AppointmentInput};
use crate::domain::calendar::ics;
use crate::domain::phone::display_lead;
use crate::error::AppError;
use crate::server::{appointments, flash, tenant};
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

pub async fn change(
    Path(lead): Path<Uuid>,
    SignedInForm { who, fields }: SignedInForm,
) -> Response {
    let typed: Vec<(String, String)> = ["data", "hora", "local", "link"]
        .into_iter()
        .map(|k| (k.to_string(), fields.get(k)))
        .collect();
    let cancelling = fields.get("acao") == "cancelar";
    let result = async {
        let now = chrono::Utc::now();
        let input = if cancelling {
            None
        } else {
            let f = |k: &str| fields.get(k);
            Some(
                AppointmentInput::parse(&f("data"), &f("hora"), &f("local"), &f("link"), now)
                    .map_err(AppError::invalid)?,
            )
        };
        let mut tx = who.tenant().await?;
        let status = appointments::lead_status_for_update(&mut tx, lead)
            .await?
            .ok_or(AppError::NotFound)?;
        let message = match &input {
            None => {
                if !appointments::cancel(&mut tx, lead).await? {
                    return Err(AppError::invalid("Este lead não tem agendamento para cancelar."));
                }
                tenant::audit_in(&mut tx, &who.meta, "appointment_cancelled", "lead", Some(lead), serde_json::json!({}))
                    .await?;
                "Agendamento cancelado. O lead continua em “Agendado”: marque outro horário ou mova-o de etapa.".to_string()
            }
            Some(a) => {
                if status != "agendado" {
                    return Err(AppError::invalid(
                        "Para marcar um horário, mova o lead para “Agendado”.",
                    ));
                }
                appointments::book(&mut tx, lead, a).await?;
                tenant::audit_in(
                    &mut tx,
                    &who.meta,
                    "appointment_set",
                    "lead",
                    Some(lead),
                    serde_json::json!({ "agendado_para": a.starts_at }),
                )
                .await?;
                format!("Agendamento salvo: {}.", describe_when(a.starts_at, now))
            }
        };
        tx.commit().await?;
        Ok(message)
    }
    .await;
    let mut values = vec![("origem".to_string(), "agendamento".to_string())];
    if !cancelling {
        values.extend(typed);
    }
    let to = format!("/leads/{lead}#agendamento");
    flash::redirect_with(&who.session, "lead", values, result, &to).await
}

pub async fn calendar_file(who: SignedIn, Path(lead): Path<Uuid>) -> Response {
    let result = async {
        let mut tx = who.tenant().await?;
        let found = appointments::for_calendar(&mut tx, lead).await?;
        tx.commit().await?;
        Ok::<_, AppError>(found)
    }
    .await;
    match result {
        Ok(Some(c)) => {
            let name = crate::domain::person_name::display_name(c.name, c.profile_name);
            let phone = display_lead(c.whatsapp_number.as_deref());
            let event = appointments::calendar_event(
                &c.appointment,
                &name,
                &phone,
                &who.state.config.public_url,
            );
            (
                [
                    (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"agendamento.ics\"",
                    ),
                    (header::CACHE_CONTROL, "private, no-store"),
                ],
                ics(&event, chrono::Utc::now()),
            )
                .into_response()
        }
        // Another consultant's lead, an erased one, or no active appointment: the same 404.
        Ok(None) | Err(AppError::NotFound) => (
            StatusCode::NOT_FOUND,
            "Nenhum agendamento marcado para este lead.",
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
