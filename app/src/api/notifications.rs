//! Settings › "Notificações no celular": whether the server can push, the key browsers
//! subscribe with, which kinds the consultant wants, and the devices that receive them (the
//! forms are `handlers::notifications`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushDevice {
    pub id: String,
    /// "Chrome no Android".
    pub device: String,
    pub since: String,
    pub last_sent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationPrefs {
    /// The server's public key (`None`: this server sends no notifications).
    pub public_key: Option<String>,
    pub hot_lead: bool,
    pub lead_replied: bool,
    pub appointment: bool,
    pub devices: Vec<PushDevice>,
}

#[server(prefix = "/api", endpoint = "notificacoes")]
pub async fn notification_settings() -> Result<NotificationPrefs, AppError> {
    use crate::domain::time::format_datetime;
    use crate::server::{push_devices, Tenant};
    let mut t = Tenant::begin().await?;
    let kinds = push_devices::kinds(&mut t.tx).await?;
    let devices = push_devices::list(&mut t.tx).await?;
    let state = t.commit().await?;
    Ok(NotificationPrefs {
        public_key: state.config.push_public_key.clone(),
        hot_lead: kinds.hot_lead,
        lead_replied: kinds.lead_replied,
        appointment: kinds.appointment,
        devices: devices
            .into_iter()
            .map(|d| PushDevice {
                id: d.id.to_string(),
                device: if d.device.is_empty() {
                    "Navegador desconhecido".into()
                } else {
                    d.device
                },
                since: format_datetime(d.created_at),
                last_sent: d.last_sent_at.map(format_datetime),
            })
            .collect(),
    })
}
