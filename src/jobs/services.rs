//! What background processing talks to besides the database, built once from the
//! configuration: the WhatsApp transport (the Graph API, or the sandbox), the AI provider,
//! the speech-to-text provider and, in the sandbox, the stand-in for Meta's media endpoints.

use super::sender::Transport;
use crate::config::Config;
use crate::whatsapp::{http_client, GraphClient};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Services {
    pub transport: Transport,
    pub ai: crate::ai::AiProvider,
    /// Where users reach the site: the privacy notice of a first reply links the
    /// consultant's privacy page there (`None`: no notice; tests of other things).
    pub public_url: Option<String>,
    /// Hears voice notes (`None`: not configured; the bot asks the lead to write).
    pub transcriber: Option<crate::speech::Transcriber>,
    /// In the sandbox, where the files of simulated leads come from (`SANDBOX_MEDIA_URL`).
    pub sandbox_media: Option<GraphClient>,
}

impl Services {
    pub fn from_config(config: &Config, public_url: &str) -> Self {
        Services {
            public_url: Some(public_url.to_string()),
            transport: transport(config),
            ai: crate::ai::AiProvider::from_config(config),
            transcriber: crate::speech::Transcriber::from_config(config),
            sandbox_media: sandbox_media(config),
        }
    }
}

/// In the sandbox, a server standing in for Meta's media endpoints (a fake in the tests).
fn sandbox_media(config: &Config) -> Option<GraphClient> {
    let url = config.sandbox_media_url.as_deref()?;
    config.meta_app().is_none().then(|| GraphClient {
        base_url: url.trim_end_matches('/').to_string(),
        client: http_client(),
        retry_delays: Vec::new(),
        app_id: None,
    })
}

/// The Graph API when a Meta app is configured (each consultant's connection brings its
/// token), else the sandbox.
fn transport(config: &Config) -> Transport {
    match config.meta_app() {
        None => Transport::Sandbox,
        Some(meta) => Transport::Graph(GraphClient {
            base_url: meta.graph_url,
            client: http_client(),
            retry_delays: vec![
                Duration::from_millis(500),
                Duration::from_secs(2),
                Duration::from_secs(5),
            ],
            app_id: Some(meta.app_id),
        }),
    }
}
