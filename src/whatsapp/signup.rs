//! Embedded Signup: how a consultant connects their WhatsApp Business number.
//!
//! The consultant authorises our Meta app in Meta's dialog (Facebook Login for Business with
//! the Embedded Signup configuration), which sends the browser back with a one-time code.
//! Everything else is server to server, and nothing the browser says is taken on trust:
//! 1. the code is exchanged for a business token (`GET /oauth/access_token`);
//! 2. the token says which WhatsApp Business Accounts it reaches (`GET /debug_token`,
//!    checked to be ours and valid);
//! 3. the account's numbers are read (`GET /{waba}/phone_numbers`);
//! 4. a number not yet on the Cloud API is registered (`POST /{number}/register`, with the
//!    two-step PIN the consultant chose);
//! 5. the app is subscribed to the account's webhooks (`POST /{waba}/subscribed_apps`).
//!
//! Only then is the connection stored; a phone number id therefore routes to an account only
//! if that account was granted it by Meta.

use crate::config::{MetaAppConfig, Secret};
use serde_json::Value;

/// The Meta app, with the HTTP client that talks to it.
#[derive(Debug, Clone)]
pub struct MetaApp {
    pub config: MetaAppConfig,
    pub client: reqwest::Client,
}

/// A number connected to an account, as Meta reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub waba_id: GraphId,
    pub phone_number_id: GraphId,
    /// As Meta shows it, e.g. `+55 11 91234-5678`.
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub access_token: String,
    /// Kept on the WhatsApp Business app too (coexistence).
    pub coexistence: bool,
    /// Whether Meta accepted the requests to sync the phone's contacts and chat history
    /// (coexistence only; what they send arrives by webhook).
    pub sync_requested: bool,
}

/// An id the Graph API gave (accounts, numbers): digits only, so it is safe in a URL path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphId(String);

impl GraphId {
    pub fn parse(value: &str) -> Option<Self> {
        (!value.is_empty() && value.len() <= 50 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Self(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a connection failed, in words for the consultant.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SignupError {
    #[error("A Meta recusou a conexão ({0}). Tente de novo.")]
    Meta(String),
    #[error("A Meta não respondeu. Tente de novo em alguns minutos.")]
    Unreachable,
    #[error(
        "A autorização não deu acesso a uma conta do WhatsApp Business. Conecte de novo e \
         escolha a conta e o número no diálogo da Meta."
    )]
    NoAccount,
    #[error(
        "A conta do WhatsApp Business escolhida não tem um número. Adicione um no diálogo da Meta."
    )]
    NoNumber,
    #[error(
        "A conta do WhatsApp Business tem vários números e nenhum é o WhatsApp das suas \
         configurações. Informe nelas o número que quer conectar e tente de novo."
    )]
    SeveralNumbers,
}

/// One of the account's numbers, from `GET /{waba}/phone_numbers`.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub waba_id: GraphId,
    pub id: GraphId,
    pub display: String,
    pub verified_name: Option<String>,
    /// Already registered for the Cloud API (`platform_type` `CLOUD_API`).
    pub on_cloud_api: bool,
}

impl MetaApp {
    /// Where to send the consultant to authorise: Meta's dialog, which comes back to
    /// `redirect_uri` with `code` and our `state`.
    /// With `coexistence`, the dialog offers to connect the number of the WhatsApp Business
    /// app the consultant already uses, which stays on the phone.
    pub fn dialog_url(&self, redirect_uri: &str, state: &str, coexistence: bool) -> String {
        let extras = if coexistence {
            r#"{"setup":{},"featureType":"whatsapp_business_app_onboarding","sessionInfoVersion":"3"}"#
        } else {
            r#"{"setup":{},"featureType":"","sessionInfoVersion":"3"}"#
        };
        reqwest::Url::parse_with_params(
            &self.config.dialog_url,
            &[
                ("client_id", self.config.app_id.as_str()),
                ("config_id", self.config.config_id.as_str()),
                ("redirect_uri", redirect_uri),
                ("state", state),
                ("response_type", "code"),
                ("override_default_response_type", "true"),
                ("extras", extras),
            ],
        )
        .map(String::from)
        .unwrap_or_else(|_| self.config.dialog_url.clone())
    }

    /// Steps 1 to 5 above. `wanted` is the consultant's WhatsApp number (digits), which
    /// picks among several numbers; `pin` registers a number not yet on the Cloud API.
    pub async fn connect(
        &self,
        code: &str,
        redirect_uri: &str,
        wanted: &str,
        pin: &str,
        coexistence: bool,
    ) -> Result<Connection, SignupError> {
        let token = self.exchange(code, redirect_uri).await?;
        let token = Secret::new(token);
        let accounts = self.accounts(&token).await?;
        let mut numbers = Vec::new();
        for waba in &accounts {
            numbers.extend(self.numbers(waba, &token).await?);
        }
        let number = choose(numbers, wanted)?;
        // A number kept on the WhatsApp Business app is never registered: the app holds it.
        if !number.on_cloud_api && !coexistence {
            let body = serde_json::json!({"messaging_product": "whatsapp", "pin": pin});
            self.post(&format!("{}/register", number.id.as_str()), &token, &body)
                .await?;
        }
        let subscribed = self
            .post(
                &format!("{}/subscribed_apps", number.waba_id.as_str()),
                &token,
                &Value::Null,
            )
            .await?;
        if subscribed["success"] != Value::Bool(true) {
            return Err(SignupError::Meta(
                "inscrição nos webhooks não confirmada".into(),
            ));
        }
        // The phone's contacts, then its chat history (if the consultant agreed to share it in
        // the app): Meta accepts these once, within 24 hours of onboarding, and sends what
        // they hold by webhook. A refusal here does not undo the connection.
        let mut sync_requested = coexistence;
        if coexistence {
            for sync in ["smb_app_state_sync", "history"] {
                let body = serde_json::json!({"messaging_product": "whatsapp", "sync_type": sync});
                if let Err(e) = self
                    .post(
                        &format!("{}/smb_app_data", number.id.as_str()),
                        &token,
                        &body,
                    )
                    .await
                {
                    tracing::warn!(error = %e, sync, "coexistence sync request refused");
                    sync_requested = false;
                }
            }
        }
        Ok(Connection {
            waba_id: number.waba_id,
            phone_number_id: number.id,
            display_phone_number: number.display,
            verified_name: number.verified_name,
            access_token: token.expose().to_string(),
            coexistence,
            sync_requested,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.config.graph_url.trim_end_matches('/'))
    }

    async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<String, SignupError> {
        let res = self
            .client
            .get(self.url("oauth/access_token"))
            .query(&[
                ("client_id", self.config.app_id.as_str()),
                ("client_secret", self.config.app_secret.expose()),
                ("redirect_uri", redirect_uri),
                ("code", code),
            ])
            .send()
            .await;
        let body = answer(res).await?;
        body["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .ok_or_else(|| SignupError::Meta("resposta sem token".into()))
    }

    /// The accounts the token reaches, from the token's own description.
    async fn accounts(&self, token: &Secret) -> Result<Vec<GraphId>, SignupError> {
        let app_token = format!("{}|{}", self.config.app_id, self.config.app_secret.expose());
        let res = self
            .client
            .get(self.url("debug_token"))
            .query(&[("input_token", token.expose())])
            .bearer_auth(app_token)
            .send()
            .await;
        let body = answer(res).await?;
        accounts_in(&body["data"], &self.config.app_id)
    }

    async fn numbers(&self, waba: &GraphId, token: &Secret) -> Result<Vec<Number>, SignupError> {
        let res = self
            .client
            .get(self.url(&format!("{}/phone_numbers", waba.as_str())))
            .query(&[(
                "fields",
                "id,display_phone_number,verified_name,platform_type",
            )])
            .bearer_auth(token.expose())
            .send()
            .await;
        let body = answer(res).await?;
        Ok(numbers_in(waba, &body))
    }

    async fn post(&self, path: &str, token: &Secret, body: &Value) -> Result<Value, SignupError> {
        let mut req = self.client.post(self.url(path)).bearer_auth(token.expose());
        if !body.is_null() {
            req = req.json(body);
        }
        answer(req.send().await).await
    }
}

/// A Graph API answer's JSON, or why it failed (Meta's own message when it gave one).
async fn answer(res: Result<reqwest::Response, reqwest::Error>) -> Result<Value, SignupError> {
    let res = res.map_err(|e| {
        tracing::warn!(error = %e, "Graph API unreachable during Embedded Signup");
        SignupError::Unreachable
    })?;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    let detail = body["error"]["message"]
        .as_str()
        .map(|m| m.chars().take(200).collect::<String>())
        .unwrap_or_else(|| status.to_string());
    tracing::warn!(%status, %detail, "Graph API refused an Embedded Signup step");
    Err(SignupError::Meta(detail))
}

/// The WhatsApp Business Accounts a valid token of our app may manage.
fn accounts_in(data: &Value, app_id: &str) -> Result<Vec<GraphId>, SignupError> {
    if data["is_valid"] != Value::Bool(true) || data["app_id"].as_str() != Some(app_id) {
        return Err(SignupError::Meta(
            "token inválido para este aplicativo".into(),
        ));
    }
    let accounts: Vec<GraphId> = data["granular_scopes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["scope"] == "whatsapp_business_management")
        .flat_map(|s| s["target_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|id| id.as_str().and_then(GraphId::parse))
        .collect();
    if accounts.is_empty() {
        return Err(SignupError::NoAccount);
    }
    Ok(accounts)
}

fn numbers_in(waba: &GraphId, body: &Value) -> Vec<Number> {
    body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| {
            Some(Number {
                waba_id: waba.clone(),
                id: n["id"].as_str().and_then(GraphId::parse)?,
                display: n["display_phone_number"]
                    .as_str()
                    .map(|d| d.chars().take(30).collect())?,
                verified_name: n["verified_name"]
                    .as_str()
                    .map(|v| v.chars().take(255).collect()),
                on_cloud_api: n["platform_type"] == "CLOUD_API",
            })
        })
        .collect()
}

/// The number to connect: the only one, or among several the consultant's own (compared by
/// digits, with or without Brazil's ninth digit).
fn choose(numbers: Vec<Number>, wanted: &str) -> Result<Number, SignupError> {
    use app::domain::phone::whatsapp_canonical;
    let canonical = |n: &str| whatsapp_canonical(n);
    match numbers.len() {
        0 => Err(SignupError::NoNumber),
        1 => Ok(numbers.into_iter().next().expect("one number")),
        _ => numbers
            .into_iter()
            .find(|n| canonical(&n.display) == canonical(wanted))
            .ok_or(SignupError::SeveralNumbers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn number(id: &str, display: &str) -> Number {
        Number {
            waba_id: GraphId::parse("77").unwrap(),
            id: GraphId::parse(id).unwrap(),
            display: display.into(),
            verified_name: None,
            on_cloud_api: false,
        }
    }

    #[test]
    fn graph_ids_are_digits() {
        assert!(GraphId::parse("106540352242922").is_some());
        for bad in ["", "12a", "../me", "1/2", &"9".repeat(51)] {
            assert!(GraphId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn accounts_come_from_a_valid_token_of_this_app() {
        let data = json!({"app_id": "1", "is_valid": true, "granular_scopes": [
            {"scope": "whatsapp_business_messaging", "target_ids": ["9"]},
            {"scope": "whatsapp_business_management", "target_ids": ["42", "x/../1"]}
        ]});
        assert_eq!(
            accounts_in(&data, "1").unwrap(),
            vec![GraphId::parse("42").unwrap()]
        );
        assert!(matches!(accounts_in(&data, "2"), Err(SignupError::Meta(_))));
        let mut invalid = data.clone();
        invalid["is_valid"] = json!(false);
        assert!(matches!(
            accounts_in(&invalid, "1"),
            Err(SignupError::Meta(_))
        ));
        let none = json!({"app_id": "1", "is_valid": true, "granular_scopes": []});
        assert_eq!(accounts_in(&none, "1"), Err(SignupError::NoAccount));
    }

    #[test]
    fn numbers_skip_entries_without_usable_ids() {
        let waba = GraphId::parse("77").unwrap();
        let body = json!({"data": [
            {"id": "1065", "display_phone_number": "+55 11 91234-5678", "verified_name": "Ana", "platform_type": "CLOUD_API"},
            {"id": "abc", "display_phone_number": "+55 11 90000-0000"},
            {"id": "2077"}
        ]});
        let found = numbers_in(&waba, &body);
        assert_eq!(found.len(), 1);
        assert!(found[0].on_cloud_api);
        assert_eq!(found[0].verified_name.as_deref(), Some("Ana"));
    }

    #[test]
    fn chooses_the_only_number_or_the_consultants_own() {
        assert_eq!(choose(vec![], "5511912345678"), Err(SignupError::NoNumber));
        let only = choose(vec![number("1", "+1 555 0100")], "5511912345678").unwrap();
        assert_eq!(only.id.as_str(), "1");
        let two = vec![
            number("1", "+55 21 98888-7777"),
            number("2", "+55 11 8765-4321"),
        ];
        // The settings number matches with or without the ninth digit.
        assert_eq!(
            choose(two.clone(), "+5511987654321").unwrap().id.as_str(),
            "2"
        );
        assert_eq!(
            choose(two.clone(), "551187654321").unwrap().id.as_str(),
            "2"
        );
        assert_eq!(
            choose(two, "5531999990000"),
            Err(SignupError::SeveralNumbers)
        );
    }
}
