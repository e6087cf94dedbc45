//! Settings › "Notificações no celular":
//! - `POST /notificacoes/aparelhos`: the browser's push subscription, sent by `public/push.js`
//!   (a form body with the page's CSRF token); answers 204, or 400 with the reason in words;
//! - `POST /configuracoes/notificacoes`: the plain form: `acao` = `tipos` (the checkboxes),
//!   `remover` (`id`), `testar`.

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::{audit, db, flash, push_devices};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

/// `POST /notificacoes/aparelhos`.
pub async fn subscribe(SignedInForm { who, fields }: SignedInForm) -> Response {
    let endpoint = fields.get("endpoint");
    let p256dh = fields.get("p256dh");
    let auth = fields.get("auth");
    if who.state.config.push_public_key.is_none() {
        return refuse("As notificações não estão configuradas neste servidor.");
    }
    // What a push service gives is an https address and two base64url keys; anything else
    // is not a subscription (and would only fail at every send).
    let base64url = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !endpoint.starts_with("https://")
        || endpoint.len() > 1000
        || crate::domain::text::check(&endpoint, crate::domain::text::Lines::One).is_err()
    {
        return refuse("O navegador não entregou um endereço de notificação válido.");
    }
    if !(80..=100).contains(&p256dh.len())
        || !(16..=30).contains(&auth.len())
        || !base64url(&p256dh)
        || !base64url(&auth)
    {
        return refuse("O navegador não entregou chaves de notificação válidas.");
    }
    let device = crate::domain::device::describe(
        who.headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    );
    let result: Result<(), AppError> = async {
        let mut sys = db::system_tx(&who.state.pool).await?;
        push_devices::subscribe(
            &mut sys,
            who.id,
            &push_devices::Subscription {
                endpoint: &endpoint,
                p256dh: &p256dh,
                auth: &auth,
                device: &device,
            },
        )
        .await?;
        audit::record(
            &mut *sys,
            Some(who.id),
            "push_subscribed",
            serde_json::json!({ "aparelho": device }),
            &who.meta,
        )
        .await?;
        sys.commit().await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => e.into_response(),
    }
}

fn refuse(why: &'static str) -> Response {
    (StatusCode::BAD_REQUEST, why).into_response()
}

/// `POST /configuracoes/notificacoes`.
pub async fn action(SignedInForm { who, fields }: SignedInForm) -> Response {
    let result: Result<String, AppError> = async {
        let mut t = who.tenant().await?;
        let message = match fields.get("acao").as_str() {
            "tipos" => {
                let on = |name: &str| fields.all(name).any(|v| v == "1");
                push_devices::set_kinds(
                    &mut t,
                    push_devices::Kinds {
                        hot_lead: on("lead_quente"),
                        lead_replied: on("lead_respondeu"),
                        appointment: on("agendamento"),
                    },
                )
                .await?;
                "Preferências de notificação salvas.".to_string()
            }
            "remover" => {
                let id: Uuid = fields.get("id").parse().map_err(|_| AppError::NotFound)?;
                if !push_devices::remove(&mut t, id).await? {
                    return Err(AppError::NotFound);
                }
                "Este aparelho não recebe mais notificações.".to_string()
            }
            "testar" => match push_devices::queue_test(&mut t).await? {
                0 => {
                    return Err(AppError::invalid(
                        "Nenhum aparelho recebe notificações ainda.",
                    ))
                }
                1 => "Teste enviado: deve chegar em alguns segundos.".to_string(),
                n => format!("Teste enviado para {n} aparelhos: deve chegar em alguns segundos."),
            },
            _ => return Err(AppError::invalid("Ação desconhecida.")),
        };
        t.commit().await?;
        Ok(message)
    }
    .await;
    flash::redirect_with(
        &who.session,
        "notificacoes",
        Vec::new(),
        result,
        "/configuracoes#notificacoes",
    )
    .await
}
