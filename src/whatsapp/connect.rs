//! The Settings routes that connect and disconnect a consultant's WhatsApp number, as plain
//! forms and redirects (Meta's dialog is a page of its own, so this works without JavaScript):
//! - `POST /configuracoes/whatsapp/conectar`: remembers a one-time `state` (and the PIN) in
//!   the session and sends the browser to Meta's dialog;
//! - `GET /configuracoes/whatsapp/retorno`: Meta sends the browser back here with a code;
//!   the state must be the one this session started, once, recently, for this consultant.
//!   The Graph API calls run with no transaction open; the connection is then stored under
//!   row-level security;
//! - `POST /configuracoes/whatsapp/desconectar`: removes the connection; events for the
//!   number stop routing to the account at once.
//!
//! Each ends back on `/configuracoes` with a message for the "whatsapp" form.

use super::signup::{Connection, MetaApp};
use app::error::AppError;
use app::handlers::door::{SignedIn, SignedInForm};
use app::server::request_meta::RequestMeta;
use app::server::{csrf, db, flash, tenant, AppState};
use axum::extract::{FromRef, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower_sessions::Session;
use uuid::Uuid;

/// The form whose messages these routes leave.
pub const FORM: &str = "whatsapp";
const PENDING_KEY: &str = "whatsapp_signup";
/// How long the consultant has to finish Meta's dialog.
const PENDING_SECS: i64 = 30 * 60;
const BACK: &str = "/configuracoes#whatsapp";

#[derive(Clone)]
pub struct ConnectState {
    pub app: AppState,
    /// `None`: no Meta app configured (the sandbox); connecting is refused with a message.
    pub meta: Option<Arc<MetaApp>>,
}

/// A connection under way, kept in the session until Meta sends the browser back.
#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    consultant: Uuid,
    pin: String,
    started_at: i64,
    /// Keep the WhatsApp Business app on the phone (coexistence).
    #[serde(default)]
    coexistence: bool,
}

pub fn routes<S>(state: ConnectState) -> Router<S> {
    Router::new()
        .route("/configuracoes/whatsapp/conectar", post(start))
        .route("/configuracoes/whatsapp/retorno", get(finish))
        .route("/configuracoes/whatsapp/desconectar", post(disconnect))
        .with_state(state)
}

impl FromRef<ConnectState> for AppState {
    fn from_ref(st: &ConnectState) -> AppState {
        st.app.clone()
    }
}

async fn start(
    State(st): State<ConnectState>,
    SignedInForm { who, fields }: SignedInForm,
) -> Response {
    let (consultant, session) = (who.id, &who.session);
    let outcome = async {
        let meta = st.meta.as_ref().ok_or_else(not_configured)?;
        // "celular": the number of the WhatsApp Business app, which stays on the phone (no PIN:
        // it is not registered); otherwise a number for the API only, registered with a PIN.
        let coexistence = fields.get("modo") == "celular";
        let pin = if coexistence {
            String::new()
        } else {
            parse_pin(&fields.get("pin"))?
        };
        let pending = Pending {
            state: Uuid::new_v4().simple().to_string(),
            consultant,
            pin,
            started_at: chrono::Utc::now().timestamp(),
            coexistence,
        };
        let url = meta.dialog_url(&redirect_uri(&st.app), &pending.state, coexistence);
        session
            .insert(PENDING_KEY, pending)
            .await
            .map_err(|e| app::server::error::internal("session write", e))?;
        Ok::<_, AppError>(url)
    }
    .await;
    match outcome {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => back(session, Err(e)).await,
    }
}

#[derive(Deserialize)]
struct Return {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn finish(
    State(st): State<ConnectState>,
    who: SignedIn,
    Query(ret): Query<Return>,
) -> Response {
    let (consultant, session, meta) = (who.id, &who.session, &who.meta);
    // Taken, not read: a state works once.
    let pending: Option<Pending> = session.remove(PENDING_KEY).await.ok().flatten();
    let result = async {
        let meta_app = st.meta.as_ref().ok_or_else(not_configured)?;
        let pending = pending
            .filter(|p| {
                ret.state
                    .as_deref()
                    .is_some_and(|s| csrf::constant_time_eq(s.as_bytes(), p.state.as_bytes()))
                    && p.consultant == consultant
                    && chrono::Utc::now().timestamp() - p.started_at <= PENDING_SECS
            })
            .ok_or_else(|| {
                AppError::invalid(
                    "Este pedido de conexão expirou ou não começou neste navegador. \
                     Clique em “Conectar WhatsApp” de novo.",
                )
            })?;
        if ret.error.is_some() {
            return Err(AppError::invalid(
                "A conexão foi cancelada no diálogo da Meta. Nada foi alterado.",
            ));
        }
        let code = ret
            .code
            .filter(|c| !c.is_empty() && c.len() <= 2048)
            .ok_or_else(|| {
                AppError::invalid("A Meta não devolveu a autorização. Tente de novo.")
            })?;
        let wanted = settings_number(&st.app, consultant).await?;
        // Outside any transaction: these are calls to Meta.
        let connection = meta_app
            .connect(&code, &redirect_uri(&st.app), &wanted, &pending.pin, pending.coexistence)
            .await
            .map_err(|e| AppError::invalid(e.to_string()))?;
        store(&st.app, consultant, &connection, meta).await?;
        let phone = match (connection.coexistence, connection.sync_requested) {
            (false, _) => "",
            (true, true) => " Continue usando o app WhatsApp Business no celular: o que você enviar por lá aparece aqui, e seus contatos e conversas (se você aceitou compartilhar) chegam em alguns minutos.",
            (true, false) => " Continue usando o app WhatsApp Business no celular: o que você enviar por lá aparece aqui. A Meta não aceitou agora o pedido de trazer seus contatos e conversas antigas.",
        };
        Ok(format!(
            "WhatsApp conectado: {}. As mensagens enviadas a esse número chegam ao seu bot.{phone}",
            connection.display_phone_number
        ))
    }
    .await;
    back(session, result).await
}

async fn disconnect(SignedInForm { who, .. }: SignedInForm) -> Response {
    let (consultant, meta) = (who.id, &who.meta);
    let result = async {
        let mut tx = who.tenant().await?;
        let removed = sqlx::query_scalar!(
            "delete from whatsapp_connections where consultant_id = $1 returning phone_number_id",
            consultant
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(number_id) = removed else {
            return Err(AppError::invalid(
                "Nenhum número do WhatsApp está conectado.",
            ));
        };
        tenant::audit_in(
            &mut tx,
            meta,
            "whatsapp_disconnected",
            "consultant",
            Some(consultant),
            serde_json::json!({ "phone_number_id": number_id }),
        )
        .await?;
        tx.commit().await?;
        Ok("WhatsApp desconectado. O bot deixou de receber as mensagens desse número.".to_string())
    }
    .await;
    back(&who.session, result).await
}

/// Stores the connection in place of any earlier one. A number another account holds is
/// refused (by its unique key); one a closed account held is released first.
async fn store(
    app: &AppState,
    consultant: Uuid,
    c: &Connection,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let mut tx = db::tenant_tx(&app.pool, consultant).await?;
    sqlx::query!(
        "select release_closed_whatsapp_connection($1)",
        c.phone_number_id.as_str()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "delete from whatsapp_connections where consultant_id = $1",
        consultant
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into whatsapp_connections
             (consultant_id, waba_id, phone_number_id, display_phone_number, verified_name,
              access_token, coexistence)
         values ($1, $2, $3, $4, $5, $6, $7)",
        consultant,
        c.waba_id.as_str(),
        c.phone_number_id.as_str(),
        c.display_phone_number,
        c.verified_name,
        c.access_token,
        c.coexistence
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| match app::server::error::unique_violation_field(&e) {
        Some(taken) => AppError::invalid(taken.message),
        None => e.into(),
    })?;
    tenant::audit_in(
        &mut tx,
        meta,
        "whatsapp_connected",
        "consultant",
        Some(consultant),
        serde_json::json!({
            "phone_number_id": c.phone_number_id.as_str(),
            "waba_id": c.waba_id.as_str(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The consultant's WhatsApp number from Settings: it picks among several numbers.
async fn settings_number(app: &AppState, consultant: Uuid) -> Result<String, AppError> {
    let mut tx = db::tenant_tx(&app.pool, consultant).await?;
    let number = sqlx::query_scalar!(
        "select whatsapp_number from consultants where id = $1",
        consultant
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    tx.commit().await?;
    Ok(number)
}

/// Where Meta sends the browser back (registered in the Meta app's settings).
fn redirect_uri(app: &AppState) -> String {
    format!(
        "{}/configuracoes/whatsapp/retorno",
        app.config.public_url.trim_end_matches('/')
    )
}

/// The two-step verification PIN a number is registered with: six digits.
fn parse_pin(raw: &str) -> Result<String, AppError> {
    let pin = raw.trim();
    if pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(pin.to_string())
    } else {
        Err(AppError::fields(vec![app::error::FieldError {
            field: "pin".into(),
            message: "O PIN tem exatamente 6 algarismos.".into(),
        }]))
    }
}

fn not_configured() -> AppError {
    AppError::invalid(
        "Este servidor não tem um aplicativo da Meta configurado: o bot funciona no modo de \
         demonstração, pelo número das suas configurações.",
    )
}

async fn back(session: &Session, result: Result<String, AppError>) -> Response {
    flash::redirect_with(session, FORM, Vec::new(), result, BACK).await
}

#[cfg(test)]
mod tests {
    use super::parse_pin;

    #[test]
    fn a_pin_is_six_digits() {
        assert_eq!(parse_pin(" 123456 ").unwrap(), "123456");
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６"] {
            assert!(parse_pin(bad).is_err(), "{bad}");
        }
    }
}
