//! `POST /modelos/regras`: the follow-up rules and the quiet hours, on `/modelos`. `acao`:
//! `criar` (`etapa`, `espera` and `unidade` (horas or dias), `modelo`), `excluir` (`id`),
//! `silencio` (`inicio`, `fim`, whole hours), `lembrete` (`horas`: the appointment's second
//! reminder, 1 to 23 hours before).

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::{flash, scheduled, templates};
use axum::response::Response;
use uuid::Uuid;

pub async fn action(SignedInForm { who, fields }: SignedInForm) -> Response {
    let acao = fields.get("acao");
    let result: Result<String, AppError> = async {
        let mut tx = who.tenant().await?;
        let message = match acao.as_str() {
            "criar" => {
                let stage = fields.get("etapa");
                let label = match stage.as_str() {
                    "novo" => "Novo",
                    "em_contato" => "Em contato",
                    "agendado" => "Agendado",
                    _ => return Err(AppError::invalid("Escolha a etapa: novo, em contato ou agendado.")),
                };
                let amount: i32 = fields
                    .get("espera")
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| AppError::invalid("Diga depois de quanto tempo sem resposta (um número inteiro)."))?;
                let hours = match fields.get("unidade").as_str() {
                    "dias" => amount.checked_mul(24),
                    _ => Some(amount),
                }
                .filter(|h| *h <= 2160)
                .ok_or_else(|| AppError::invalid("O tempo de espera vai até 90 dias."))?;
                let template: Uuid = fields
                    .get("modelo")
                    .parse()
                    .map_err(|_| AppError::invalid("Escolha um modelo aprovado."))?;
                let Some(t) = templates::find(&mut tx, template).await?.filter(|t| t.status == "aprovado") else {
                    return Err(AppError::invalid("Escolha um modelo aprovado pela Meta."));
                };
                scheduled::add_rule(&mut tx, &stage, hours, template).await?;
                format!(
                    "Regra criada: leads em \"{label}\" sem resposta há {} recebem o modelo \"{}\".",
                    crate::api::templates::hours_label(hours),
                    t.draft.name
                )
            }
            "excluir" => {
                let id: Uuid = fields.get("id").parse().map_err(|_| AppError::NotFound)?;
                if !scheduled::delete_rule(&mut tx, id).await? {
                    return Err(AppError::invalid("Esta regra já tinha sido excluída."));
                }
                "Regra excluída: os envios dela que ainda não saíram não saem mais.".into()
            }
            "silencio" => {
                let hour = |name: &str| {
                    fields
                        .get(name)
                        .trim()
                        .parse::<i16>()
                        .ok()
                        .filter(|h| (0..=23).contains(h))
                        .ok_or_else(|| AppError::invalid("Escolha horas cheias, de 0 a 23."))
                };
                let (start, end) = (hour("inicio")?, hour("fim")?);
                scheduled::set_quiet_hours(&mut tx, start, end).await?;
                if start == end {
                    "Sem horário de silêncio: as mensagens automáticas podem sair a qualquer hora.".into()
                } else {
                    format!("Nenhuma mensagem automática sai entre {start}h e {end}h.")
                }
            }
            "lembrete" => {
                let hours = fields
                    .get("horas")
                    .trim()
                    .parse::<i16>()
                    .ok()
                    .filter(|h| (1..=23).contains(h))
                    .ok_or_else(|| AppError::invalid("Escolha de 1 a 23 horas antes."))?;
                crate::server::appointment_reminders::set_hours_before(&mut tx, hours).await?;
                // Already scheduled reminders keep their time; the next bookings use this one.
                format!("O segundo lembrete sai {hours} h antes do encontro (o primeiro, 24 h antes). Vale para os próximos agendamentos.")
            }
            _ => return Err(AppError::invalid("Ação desconhecida. Recarregue a página.")),
        };
        tx.commit().await?;
        Ok(message)
    }
    .await;
    let values = vec![("acao".to_string(), format!("regra-{acao}"))];
    flash::redirect_with(
        &who.session,
        "modelos",
        values,
        result,
        "/modelos#acompanhamento",
    )
    .await
}
