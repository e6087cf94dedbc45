//! The server's Web Push identity, from the configuration: the VAPID private key
//! (`WEB_PUSH_PRIVATE_KEY`, base64url of the raw P-256 scalar; `consultor push-keys` makes
//! one) and the contact the push services may write to (`WEB_PUSH_SUBJECT`).

use super::crypto::Vapid;
use crate::config::error::ConfigError;
use std::sync::Arc;

#[derive(Clone)]
pub struct WebPushKeys {
    pub vapid: Arc<Vapid>,
    pub subject: String,
}

impl WebPushKeys {
    /// `None` without a key (no notifications on phones: Settings says so); a key or a
    /// subject that would fail at every send is refused at start.
    pub fn from_values(
        key: Option<String>,
        subject: Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let Some(key) = key else {
            return Ok(None);
        };
        let vapid = Vapid::from_private_base64url(&key).map_err(|e| ConfigError::Invalid {
            name: "WEB_PUSH_PRIVATE_KEY",
            value: "(oculto)".into(),
            reason: format!("{e}; make one with `consultor push-keys`"),
        })?;
        let subject = subject.unwrap_or_else(|| "mailto:suporte@consultor.app".into());
        if !(subject.starts_with("mailto:") || subject.starts_with("https:")) {
            return Err(ConfigError::Invalid {
                name: "WEB_PUSH_SUBJECT",
                value: subject,
                reason: "a mailto: or https: address".into(),
            });
        }
        Ok(Some(Self {
            vapid: Arc::new(vapid),
            subject,
        }))
    }
}

impl std::fmt::Debug for WebPushKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private key.
        write!(
            f,
            "WebPushKeys {{ public: {}, subject: {} }}",
            self.vapid.public_base64url(),
            self.subject
        )
    }
}
