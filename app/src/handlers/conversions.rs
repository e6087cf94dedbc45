//! `POST /configuracoes/conversoes`: Settings › "Anúncios (API de Conversões da Meta)", a
//! plain form: the dataset id, the token (blank keeps the stored one) and, per trigger
//! (`evento_<trigger>`), the event it sends ("" for none).

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::conversions::{save, EVENTS, TRIGGERS};
use crate::server::flash;
use axum::response::Response;

pub async fn save_settings(SignedInForm { who, fields }: SignedInForm) -> Response {
    let dataset = fields.get("dataset").trim().to_string();
    let token = fields.get("token").trim().to_string();
    let result: Result<String, AppError> = async {
        let digits_only = dataset.bytes().all(|b| b.is_ascii_digit());
        if !dataset.is_empty() && (!(5..=30).contains(&dataset.len()) || !digits_only) {
            return Err(AppError::invalid(
                "O ID do conjunto de dados tem só números (de 5 a 30), como aparece no Gerenciador de Eventos da Meta.",
            ));
        }
        if !token.is_empty()
            && (!(20..=1000).contains(&token.len())
                || token.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(AppError::invalid(
                "O token não parece completo: copie de novo o token de acesso da API de Conversões.",
            ));
        }
        let mut events = serde_json::Map::new();
        for (trigger, _) in TRIGGERS {
            let chosen = fields.get(&format!("evento_{trigger}"));
            if chosen.is_empty() {
                continue;
            }
            if !EVENTS.iter().any(|(e, _)| *e == chosen) {
                return Err(AppError::invalid("Escolha um dos eventos da lista."));
            }
            events.insert(trigger.to_string(), serde_json::Value::String(chosen));
        }
        let mut t = who.tenant().await?;
        let connected = save(
            &mut t,
            &serde_json::Value::Object(events),
            (!dataset.is_empty()).then_some(dataset.as_str()),
            (!token.is_empty()).then_some(token.as_str()),
        )
        .await?;
        if !connected && (!dataset.is_empty() || !token.is_empty()) {
            return Err(AppError::invalid(
                "Conecte o número do WhatsApp pela Meta (acima) antes de ligar os anúncios à API de Conversões.",
            ));
        }
        t.commit().await?;
        Ok(if dataset.is_empty() {
            "Salvo. Sem conjunto de dados, nenhum evento vai para a Meta.".to_string()
        } else {
            "Salvo: os leads de anúncios mandam seus eventos para a Meta.".to_string()
        })
    }
    .await;
    flash::redirect_with(
        &who.session,
        "conversoes",
        vec![("dataset".into(), dataset.clone())],
        result,
        "/configuracoes#conversoes",
    )
    .await
}
