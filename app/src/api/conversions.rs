//! Settings › "Anúncios (API de Conversões da Meta)": the dataset, whether a token is
//! stored, and which stage sends which event (the form is `handlers::conversions`).

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversionPrefs {
    /// A number is connected through Meta (the events name its WhatsApp Business account).
    pub connected: bool,
    pub dataset_id: String,
    pub has_token: bool,
    /// (trigger, its words, the event it sends, "" for none).
    pub mapping: Vec<(String, String, String)>,
    /// (event, its words).
    pub events: Vec<(String, String)>,
}

#[server(prefix = "/api", endpoint = "conversoes")]
pub async fn conversion_settings() -> Result<ConversionPrefs, AppError> {
    use crate::server::conversions::{settings, EVENTS, TRIGGERS};
    use crate::server::Tenant;
    let mut t = Tenant::begin().await?;
    let s = settings(&mut t.tx).await?;
    t.commit().await?;
    Ok(ConversionPrefs {
        connected: s.connected,
        dataset_id: s.dataset_id.unwrap_or_default(),
        has_token: s.has_token,
        mapping: TRIGGERS
            .iter()
            .map(|(trigger, words)| {
                let event = s.events[*trigger].as_str().unwrap_or_default().to_string();
                (trigger.to_string(), words.to_string(), event)
            })
            .collect(),
        events: EVENTS
            .iter()
            .map(|(e, w)| (e.to_string(), w.to_string()))
            .collect(),
    })
}
