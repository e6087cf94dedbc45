//! The provider: any OpenAI-compatible chat-completions endpoint (Groq, OpenAI, a local
//! Ollama), or none, in which case the built-in responder answers.

use app::domain::ai::Prompt;
use serde_json::json;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum AiProvider {
    BuiltIn,
    OpenAi(OpenAiCompatible),
}

#[derive(Clone, Debug)]
pub struct OpenAiCompatible {
    pub base_url: String,
    pub api_key: Option<crate::config::Secret>,
    pub model: String,
    pub client: reqwest::Client,
}

pub struct Completion {
    pub text: String,
    pub tokens: Option<i32>,
}

impl AiProvider {
    pub fn from_config(c: &crate::config::Config) -> Self {
        match &c.ai_base_url {
            None => AiProvider::BuiltIn,
            Some(base) => AiProvider::OpenAi(OpenAiCompatible {
                base_url: base.trim_end_matches('/').to_string(),
                api_key: c.ai_api_key.clone(),
                model: c.ai_model.clone(),
                client: reqwest::Client::builder()
                    .timeout(Duration::from_millis(c.ai_timeout_ms))
                    .build()
                    .expect("http client"),
            }),
        }
    }

    pub fn model(&self) -> &str {
        match self {
            AiProvider::BuiltIn => super::BUILTIN_MODEL,
            AiProvider::OpenAi(p) => &p.model,
        }
    }

    /// `None` for the built-in responder; `Some(Err(reason))` when the provider failed.
    pub async fn complete(&self, prompt: &Prompt) -> Option<Result<Completion, String>> {
        match self {
            AiProvider::BuiltIn => None,
            AiProvider::OpenAi(p) => {
                let started = std::time::Instant::now();
                let answer = p.complete(prompt).await;
                crate::monitoring::record_call("ai", started, answer.is_ok());
                Some(answer)
            }
        }
    }
}

impl OpenAiCompatible {
    async fn complete(&self, prompt: &Prompt) -> Result<Completion, String> {
        let mut req = self
            .client
            .post(format!("{}/chat/completions", self.base_url))
            .json(&json!({
                "model": self.model,
                "temperature": 0.3,
                "max_tokens": 300,
                "messages": [
                    {"role": "system", "content": prompt.system},
                    {"role": "user", "content": prompt.user},
                ],
            }));
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key.expose());
        }
        let res = req.send().await.map_err(|e| format!("request: {e}"))?;
        let status = res.status();
        if !status.is_success() {
            return Err(format!("status {status}"));
        }
        let body: serde_json::Value = res.json().await.map_err(|e| format!("body: {e}"))?;
        let text = body["choices"][0]["message"]["content"]
            .as_str()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or("no content in the response")?;
        Ok(Completion {
            text: text.to_string(),
            tokens: body["usage"]["total_tokens"].as_i64().map(|t| t as i32),
        })
    }
}
