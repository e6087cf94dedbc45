//! A lead's rights under the LGPD (arts. 18-19), from the lead page, as plain links and forms:
//! - `GET /leads/{lead}/dados.json`: everything held about the lead, as a JSON file
//!   (access and portability), audited as `lead_exported`;
//! - `POST /leads/{lead}/excluir-dados`: erases the lead and everything about it
//!   (`erase_lead`, migration 0022) after a confirmation box, audited as `data_deleted`
//!   without personal data.

use super::flash;
use super::request_meta::RequestMeta;
use super::{auth, csrf, db, tenant, AppState};
use crate::api::feedback::FormFeedback;
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
        let data = sqlx::query_scalar!(
            r#"select jsonb_build_object(
                   'exportado_em', now(),
                   'lead', jsonb_build_object(
                       'id', l.id, 'nome', l.name, 'nome_no_whatsapp', l.profile_name,
                       'whatsapp', l.whatsapp_number, 'usuario_whatsapp', l.whatsapp_user_id,
                       'etapa', l.status, 'respostas', l.respostas, 'origem', l.metadata,
                       'criado_em', l.created_at, 'ultima_atividade', l.last_interaction_at),
                   'conversas', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'inicio', c.started_at, 'concluida_em', c.completed_at,
                                  'respostas', c.state->'answers') order by c.started_at)
                         from conversations c where c.lead_id = l.id), '[]'::jsonb),
                   'mensagens', coalesce((
                       select jsonb_agg(jsonb_build_object(
                                  'em', m.created_at, 'direcao', m.direction,
                                  'texto', m.content, 'situacao', m.status)
                                  order by m.created_at, m.reply_seq)
                         from messages m join conversations c on c.id = m.conversation_id
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
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
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
        Ok(message) => back_with(&session, "mover", Ok(message), "/leads").await,
        Err(e) => back_with(&session, "lead", Err(e), &format!("/leads/{lead}")).await,
    }
}

/// Leaves the outcome for the page it goes back to (`origem=excluir` on the lead page).
async fn back_with(
    session: &Session,
    form: &str,
    result: Result<String, AppError>,
    to: &str,
) -> Response {
    flash::put(
        session,
        FormFeedback {
            form: form.into(),
            error: result.as_ref().err().cloned(),
            success: result.ok(),
            values: vec![("origem".into(), "excluir".into())],
        },
    )
    .await;
    Redirect::to(to).into_response()
}
