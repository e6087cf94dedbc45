//! A lead's rights under the LGPD (arts. 18-19), from the lead page, as plain links and forms:
//! - `GET /leads/{lead}/dados.json`: everything held about the lead, as a JSON file
//!   (access and portability), audited as `lead_exported`;
//! - `POST /leads/{lead}/corrigir`: corrects the lead's name and answers (`r_<step>`),
//!   audited as `lead_corrected` with the fields changed (not their values);
//! - `POST /leads/{lead}/excluir-dados`: erases the lead and everything about it
//!   (`erase_lead`, migration 0022) after a confirmation box, audited as `data_deleted`
//!   without personal data.

use super::door::{SignedIn, SignedInForm};
use crate::error::AppError;
use crate::server::lead_data::gather;
use crate::server::{flash, tenant};
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

pub async fn export(who: SignedIn, Path(lead): Path<Uuid>) -> Response {
    let result = async {
        let mut tx = who.tenant().await?;
        let data = gather(&mut tx, lead).await?.ok_or(AppError::NotFound)?;
        tenant::audit_in(
            &mut tx,
            &who.meta,
            "lead_exported",
            "lead",
            Some(lead),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, AppError>(data)
    }
    .await;
    match result {
        Ok(data) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/json; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"lead-{lead}.json\""),
                ),
            ],
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        )
            .into_response(),
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, "Lead não encontrado.").into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn erase(Path(lead): Path<Uuid>, SignedInForm { who, fields }: SignedInForm) -> Response {
    let result = async {
        if fields.get("confirmar") != "sim" {
            return Err(AppError::invalid(
                "Marque a confirmação para excluir os dados deste lead.",
            ));
        }
        let mut tx = who.tenant().await?;
        // Files sent only to this lead (not kept in the library) go with its messages.
        crate::server::files::erase_sent_only_to(&mut tx, lead).await?;
        let erased = sqlx::query_scalar!(r#"select erase_lead($1) as "erased!""#, lead)
            .fetch_one(&mut *tx)
            .await?;
        if !erased {
            return Err(AppError::NotFound);
        }
        tenant::audit_in(
            &mut tx,
            &who.meta,
            "data_deleted",
            "lead",
            Some(lead),
            serde_json::json!({ "pedido": "titular" }),
        )
        .await?;
        tx.commit().await?;
        Ok(
            "Os dados do lead foram excluídos: conversa, respostas, notas, arquivos e \
            registros do WhatsApp."
                .to_string(),
        )
    }
    .await;
    match result {
        // Which form of the lead page it was (`origem`): its messages show there.
        Ok(message) => {
            let origin = vec![("origem".to_string(), "excluir".to_string())];
            flash::redirect_with(&who.session, "mover", origin, Ok(message), "/leads").await
        }
        Err(e) => {
            let origin = vec![("origem".to_string(), "excluir".to_string())];
            let to = format!("/leads/{lead}");
            flash::redirect_with(&who.session, "lead", origin, Err(e), &to).await
        }
    }
}

pub async fn correct(
    Path(lead): Path<Uuid>,
    SignedInForm { who, fields }: SignedInForm,
) -> Response {
    use crate::domain::flow::FlowDefinition;
    use crate::domain::{lead_answers, PersonName};
    let consultant = who.id;
    let field = |name: &str| fields.get(name);
    let result = async {
        let name = match field("nome").trim() {
            "" => None,
            typed => Some(
                PersonName::parse(typed).map_err(|e| AppError::invalid(format!("Nome: {e}")))?,
            ),
        };
        let submitted: Vec<(String, String)> = fields
            .0
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("r_").map(|s| (s.to_string(), v.clone())))
            .collect();
        let mut tx = who.tenant().await?;
        let row = sqlx::query!(
            r#"select l.name, l.respostas as "respostas!",
                      (select coalesce(v.definition, f.definition)
                         from conversations c join flows f on f.id = c.flow_id
                         left join flow_versions v on v.flow_id = c.flow_id and v.version = c.flow_version
                        where c.lead_id = l.id order by c.started_at desc limit 1) as definition
                 from leads l where l.id = $1 and l.consultant_id = $2
                 for update of l"#,
            lead,
            consultant
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
        let def: Option<FlowDefinition> =
            row.definition.and_then(|d| serde_json::from_value(d).ok());
        let current = lead_answers::from_json(&row.respostas);
        let changed =
            lead_answers::correct(def.as_ref(), &current, &submitted).map_err(|refused| {
                AppError::invalid(
                    refused
                        .into_iter()
                        .map(|(step, why)| format!("{step}: {why}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            })?;
        let name_changed = name
            .as_ref()
            .is_some_and(|n| row.name.as_deref() != Some(n.as_str()));
        if changed.is_empty() && !name_changed {
            return Ok("Nada mudou.".to_string());
        }
        sqlx::query!(
            // New answers: the temperature is scored again, and a summary written again.
            "update leads set name = coalesce($3, name), respostas = respostas || $4,
                              score_due_at = now(),
                              summary_due_at = case when summary is not null then now()
                                                    else summary_due_at end
              where id = $1 and consultant_id = $2",
            lead,
            consultant,
            name.as_ref().map(|n| n.as_str()),
            serde_json::to_value(&changed).unwrap_or_default()
        )
        .execute(&mut *tx)
        .await?;
        let mut fields: Vec<&str> = changed.keys().map(String::as_str).collect();
        if name_changed {
            fields.insert(0, "nome do lead");
        }
        tenant::audit_in(
            &mut tx,
            &who.meta,
            "lead_corrected",
            "lead",
            Some(lead),
            serde_json::json!({ "campos": fields }),
        )
        .await?;
        tx.commit().await?;
        Ok("Dados corrigidos.".to_string())
    }
    .await;
    let origin = vec![("origem".to_string(), "corrigir".to_string())];
    let to = format!("/leads/{lead}");
    flash::redirect_with(&who.session, "lead", origin, result, &to).await
}
