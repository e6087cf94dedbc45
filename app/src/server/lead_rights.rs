//! A lead's rights under the LGPD (arts. 18-19), from the lead page, as plain links and forms:
//! - `GET /leads/{lead}/dados.json`: everything held about the lead, as a JSON file
//!   (access and portability), audited as `lead_exported`;
//! - `POST /leads/{lead}/corrigir`: corrects the lead's name and answers (`r_<step>`),
//!   audited as `lead_corrected` with the fields changed (not their values);
//! - `POST /leads/{lead}/excluir-dados`: erases the lead and everything about it
//!   (`erase_lead`, migration 0022) after a confirmation box, audited as `data_deleted`
//!   without personal data.

use super::flash;
use super::request_meta::RequestMeta;
use super::{auth, csrf, db, tenant, AppState};
use crate::error::AppError;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Path(lead): Path<Uuid>,
) -> Response {
    let Ok(Some(consultant)) = auth::consultant_id_of(&session).await else {
        return Redirect::to("/entrar").into_response();
    };
    let meta = RequestMeta::from_parts(&parts, state.config.trust_proxy_headers);
    let result = async {
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        let data = gather(&mut tx, lead).await?.ok_or(AppError::NotFound)?;
        tenant::audit_in(
            &mut tx,
            &meta,
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
        Err(e) => {
            tracing::warn!(error = %e, "lead export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
        }
    }
}

/// Everything held about one lead, as the export gives it (`None`: not this consultant's).
pub async fn gather(
    t: &mut super::db::TenantTx,
    lead: Uuid,
) -> Result<Option<serde_json::Value>, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        r#"select jsonb_build_object(
                   'exportado_em', now(),
                   'lead', jsonb_build_object(
                       'id', l.id, 'nome', l.name, 'nome_no_whatsapp', l.profile_name,
                       'whatsapp', l.whatsapp_number, 'usuario_whatsapp', l.whatsapp_user_id,
                       'etapa', l.status, 'respostas', l.respostas, 'origem', l.metadata,
                       'criado_em', l.created_at, 'ultima_atividade', l.last_interaction_at),
                   'consentimento', jsonb_build_object(
                       'aviso_de_privacidade_enviado_em', l.privacy_notice_at,
                       'aviso_lido_em', l.privacy_ack_at,
                       'pediu_para_sair_em', l.opted_out_at),
                   'conversas', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'inicio', c.started_at, 'concluida_em', c.completed_at,
                                  'respostas', c.state->'answers') order by c.started_at)
                         from conversations c where c.lead_id = l.id), '[]'::jsonb),
                   'mensagens', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', m.created_at, 'direcao', m.direction,
                                  'texto', m.content, 'situacao', m.status,
                                  'arquivada', m.archived)
                                  order by m.created_at, m.reply_seq)
                         from (select conversation_id, created_at, direction, content, status,
                                      reply_seq, false as archived from messages
                               union all
                               select conversation_id, created_at, direction, content, status,
                                      reply_seq, true from messages_archive) m
                         join conversations c on c.id = m.conversation_id
                        where c.lead_id = l.id), '[]'::jsonb),
                   'respostas_da_ia', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', a.created_at, 'texto', a.response, 'modelo', a.model,
                                  'conformidade_ok', a.compliance_check_passed,
                                  'alertas', a.compliance_flags) order by a.created_at)
                         from ai_responses a where a.lead_id = l.id), '[]'::jsonb),
                   'historico_de_etapas', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', h.created_at, 'de', h.from_status, 'para', h.to_status,
                                  'motivo', h.reason) order by h.created_at)
                         from lead_status_history h where h.lead_id = l.id), '[]'::jsonb),
                   'notas', coalesce((
                       select jsonb_agg(jsonb_build_object('em', n.created_at, 'texto', n.body)
                                        order by n.created_at)
                         from lead_notes n where n.lead_id = l.id), '[]'::jsonb)
               ) as "data!"
               from leads l where l.id = $1 and l.consultant_id = $2"#,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirmar: String,
}

pub async fn erase(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Path(lead): Path<Uuid>,
    Form(form): Form<EraseForm>,
) -> Response {
    let Ok(Some(consultant)) = auth::consultant_id_of(&session).await else {
        return Redirect::to("/entrar").into_response();
    };
    let meta = RequestMeta::from_parts(&parts, state.config.trust_proxy_headers);
    let result = async {
        csrf::verify(&session, &form.csrf).await?;
        if form.confirmar != "sim" {
            return Err(AppError::invalid(
                "Marque a confirmação para excluir os dados deste lead.",
            ));
        }
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
        let erased = sqlx::query_scalar!(r#"select erase_lead($1) as "erased!""#, lead)
            .fetch_one(&mut *tx)
            .await?;
        if !erased {
            return Err(AppError::NotFound);
        }
        tenant::audit_in(
            &mut tx,
            &meta,
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
            flash::redirect_with(&session, "mover", origin, Ok(message), "/leads").await
        }
        Err(e) => {
            let origin = vec![("origem".to_string(), "excluir".to_string())];
            flash::redirect_with(&session, "lead", origin, Err(e), &format!("/leads/{lead}")).await
        }
    }
}

pub async fn correct(
    State(state): State<AppState>,
    session: Session,
    parts: axum::http::request::Parts,
    Path(lead): Path<Uuid>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    use crate::domain::flow::FlowDefinition;
    use crate::domain::{lead_answers, PersonName};
    let Ok(Some(consultant)) = auth::consultant_id_of(&session).await else {
        return Redirect::to("/entrar").into_response();
    };
    let meta = RequestMeta::from_parts(&parts, state.config.trust_proxy_headers);
    let field = |name: &str| super::form_field(&fields, name);
    let result = async {
        csrf::verify(&session, &field("csrf")).await?;
        let name = match field("nome").trim() {
            "" => None,
            typed => Some(
                PersonName::parse(typed).map_err(|e| AppError::invalid(format!("Nome: {e}")))?,
            ),
        };
        let submitted: Vec<(String, String)> = fields
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("r_").map(|s| (s.to_string(), v.clone())))
            .collect();
        let mut tx = db::tenant_tx(&state.pool, consultant).await?;
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
            "update leads set name = coalesce($3, name), respostas = respostas || $4
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
            &meta,
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
    flash::redirect_with(&session, "lead", origin, result, &format!("/leads/{lead}")).await
}
