//! `POST /leads/{lead}/agendar` and `POST /leads/{lead}/agendadas/cancelar`: a message that
//! leaves later, scheduled from the lead page, and cancelled before it goes. Free text only
//! if the 24-hour window will still be open at that time (checked again when it is due);
//! otherwise an approved template, its variables filled from the lead now. The form's token
//! (`envio`) makes a second post schedule nothing more.

use super::door::SignedInForm;
use crate::domain::schedule::parse_local;
use crate::domain::template::{check_values, value_for, LeadFacts};
use crate::domain::text::{printable, Lines};
use crate::domain::time::format_datetime;
use crate::error::AppError;
use crate::server::scheduled::{self, Content};
use crate::server::{conversations, flash, leads, templates, tenant};
use axum::extract::Path;
use axum::response::Response;
use chrono::{Duration, Utc};
use uuid::Uuid;

/// How far ahead a send may be scheduled.
const MAX_DAYS_AHEAD: i64 = 60;

pub async fn add(Path(lead): Path<Uuid>, SignedInForm { who, fields }: SignedInForm) -> Response {
    let (quando, texto, modelo) = (
        fields.get("quando"),
        fields.get("texto"),
        fields.get("modelo"),
    );
    let result: Result<String, AppError> = async {
        let now = Utc::now();
        let due = parse_local(&quando)
            .ok_or_else(|| AppError::invalid("Escolha a data e a hora do envio."))?;
        if due < now + Duration::minutes(1) {
            return Err(AppError::invalid("Esse horário já passou: escolha um horário futuro."));
        }
        if due > now + Duration::days(MAX_DAYS_AHEAD) {
            return Err(AppError::invalid(format!(
                "Agende para no máximo {MAX_DAYS_AHEAD} dias à frente."
            )));
        }
        let text = texto.trim();
        let mut tx = who.tenant().await?;
        let Some(found) = leads::find(&mut tx, lead).await? else {
            return Err(AppError::NotFound);
        };
        if found.row.opted_out {
            return Err(AppError::invalid(
                "Este lead pediu para não receber mensagens (escreveu SAIR): nada é agendado para ele.",
            ));
        }
        let token = fields.get("envio").trim().parse::<Uuid>().ok();
        let what;
        let added = if modelo.trim().is_empty() {
            if text.is_empty() {
                return Err(AppError::invalid("Escreva o texto ou escolha um modelo aprovado."));
            }
            printable("Mensagem", text, Lines::Many).map_err(AppError::invalid)?;
            if text.chars().count() > 4096 {
                return Err(AppError::invalid("A mensagem pode ter até 4096 caracteres (limite do WhatsApp)."));
            }
            let closes = conversations::last_inbound_at(&mut tx, lead)
                .await?
                .map(|at| at + Duration::hours(24));
            match closes {
                Some(at) if at > due => {}
                Some(at) => {
                    return Err(AppError::invalid(format!(
                        "Em {} a janela de 24 horas do WhatsApp já terá fechado ({}): para esse horário, escolha um modelo aprovado.",
                        format_datetime(due),
                        format_datetime(at)
                    )))
                }
                None => {
                    return Err(AppError::invalid(
                        "A janela de 24 horas do WhatsApp está fechada: escolha um modelo aprovado.",
                    ))
                }
            }
            what = "Mensagem agendada".to_string();
            scheduled::add(&mut tx, lead, due, Content::Text(text), token).await?
        } else {
            if !text.is_empty() {
                return Err(AppError::invalid(
                    "Escolha texto livre ou um modelo, não os dois: apague o texto ou volte a \"Texto livre\".",
                ));
            }
            let id: Uuid = modelo.trim().parse().map_err(|_| AppError::invalid("Escolha um modelo aprovado."))?;
            let Some(t) = templates::find(&mut tx, id).await?.filter(|t| t.status == "aprovado") else {
                return Err(AppError::invalid("Este modelo não está aprovado pela Meta. Escolha outro."));
            };
            let consultant = templates::owner(&mut tx).await?.name;
            let def = leads::current_flow(&mut tx)
                .await?
                .and_then(|(_, d)| serde_json::from_value(d).ok());
            let answers: Vec<(String, String)> = crate::domain::lead_answers::labelled(
                def.as_ref(),
                &crate::domain::lead_answers::from_json(&found.row.respostas),
            )
            .into_iter()
            .map(|a| (a.step, a.label))
            .collect();
            let facts = LeadFacts {
                name: found.row.name.as_deref().or(found.row.profile_name.as_deref()),
                consultant: &consultant,
                answers: &answers,
            };
            let params: Vec<String> = t.draft.variables.iter().map(|v| value_for(v, &facts)).collect();
            let header: Vec<String> = t.draft.header_variable.iter().map(|v| value_for(v, &facts)).collect();
            check_values(&params).and(check_values(&header)).map_err(|e| {
                AppError::invalid(format!(
                    "{e} Este lead não tem esse dado: envie o modelo agora pela caixa de resposta, onde dá para preencher."
                ))
            })?;
            what = format!("Modelo \"{}\" agendado", t.draft.name);
            scheduled::add(&mut tx, lead, due, Content::Template { id, params: &params, header: &header }, token).await?
        };
        if let Some(row) = added {
            tenant::audit_in(
                &mut tx,
                &who.meta,
                "message_scheduled",
                "scheduled_message",
                Some(row),
                serde_json::json!({ "lead": lead }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(format!("{what} para {}.", format_datetime(due)))
    }
    .await;
    let values = vec![
        ("origem".to_string(), "agendar".to_string()),
        ("quando".to_string(), quando.clone()),
        ("texto".to_string(), texto.clone()),
        ("modelo".to_string(), modelo.clone()),
    ];
    flash::redirect_with(
        &who.session,
        "lead",
        values,
        result,
        &format!("/leads/{lead}#agendar"),
    )
    .await
}

pub async fn cancel(
    Path(lead): Path<Uuid>,
    SignedInForm { who, fields }: SignedInForm,
) -> Response {
    let result: Result<String, AppError> = async {
        let id: Uuid = fields.get("id").parse().map_err(|_| AppError::NotFound)?;
        let mut tx = who.tenant().await?;
        if !scheduled::cancel(&mut tx, lead, id).await? {
            return Err(AppError::invalid(
                "Esta mensagem já saiu (ou já tinha sido cancelada): veja a situação na lista.",
            ));
        }
        tx.commit().await?;
        Ok("Envio cancelado: a mensagem não vai sair.".into())
    }
    .await;
    let values = vec![("origem".to_string(), "agendar".to_string())];
    flash::redirect_with(
        &who.session,
        "lead",
        values,
        result,
        &format!("/leads/{lead}#agendar"),
    )
    .await
}
