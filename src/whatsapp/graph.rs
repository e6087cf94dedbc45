//! Sending through the Graph API: `POST {base}/{phone_number_id}/messages`, with the business
//! token Meta gave when the consultant connected the number (Embedded Signup).
//!
//! 429 and 5xx answers mean the message was not accepted, so they are retried with backoff.
//! A timeout or dropped connection is ambiguous (Meta may have accepted it): it is never
//! retried, so a lead never gets the same message twice.

use crate::config::Secret;
use app::domain::flow::Outgoing;
use serde_json::{json, Value};
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct GraphClient {
    pub base_url: String,
    pub client: reqwest::Client,
    /// Waits before each retry of a 429/5xx; its length is the number of retries.
    pub retry_delays: Vec<Duration>,
    /// The Meta app's id: uploads for a template's review are made to it.
    pub app_id: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SendError {
    /// Refused for good (bad number, outside the 24-hour window, bad token...).
    #[error("{0}")]
    Permanent(String),
    /// Still failing after every retry.
    #[error("{0}")]
    Exhausted(String),
    /// No answer: it may or may not have been delivered, and is not sent again.
    #[error("{0}")]
    Unknown(String),
}

/// Whom a message goes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Recipient<'a> {
    /// A WhatsApp number, digits only, as Meta wants them (`to`).
    Number(&'a str),
    /// A business-scoped user id, for a user known only by a username (`recipient`).
    User(&'a str),
}

/// The request body for one message.
pub fn body(to: Recipient<'_>, message: &Outgoing) -> Value {
    let base = match to {
        Recipient::Number(n) => {
            json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": n})
        }
        Recipient::User(u) => {
            json!({"messaging_product": "whatsapp", "recipient_type": "individual", "recipient": u})
        }
    };
    let specific = match message {
        Outgoing::Text { body } => {
            json!({"type": "text", "text": {"preview_url": false, "body": body}})
        }
        Outgoing::Buttons { body, buttons } => json!({
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body},
                "action": {"buttons": buttons.iter().map(|b| json!({
                    "type": "reply", "reply": {"id": b.id, "title": b.title}
                })).collect::<Vec<_>>()}
            }
        }),
        Outgoing::List { body, button, rows } => json!({
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": body},
                "action": {"button": button, "sections": [{"title": "Opções", "rows": rows.iter().map(|r| {
                    let mut row = json!({"id": r.id, "title": r.title});
                    if let Some(d) = &r.description { row["description"] = json!(d); }
                    row
                }).collect::<Vec<_>>()}]}
            }
        }),
        // An image with an optional caption (comparison images, profile cards).
        Outgoing::Image { link, caption } => {
            let mut image = json!({"link": link});
            if let Some(c) = caption {
                image["caption"] = json!(c);
            }
            json!({"type": "image", "image": image})
        }
        Outgoing::File {
            file,
            media,
            name,
            caption,
        } => {
            // Only a document carries its name; a caption is optional on both.
            let mut object = json!({"id": file});
            if media == "document" {
                object["filename"] = json!(name);
            }
            if let Some(c) = caption {
                object["caption"] = json!(c);
            }
            let kind = if media == "image" {
                "image"
            } else {
                "document"
            };
            let mut v = json!({"type": kind});
            v[kind] = object;
            v
        }
        Outgoing::Template {
            name,
            language,
            header,
            params,
            buttons,
            header_image,
            link,
            ..
        } => {
            let text = |values: &Vec<String>| -> Vec<Value> {
                values
                    .iter()
                    .map(|v| json!({"type": "text", "text": v}))
                    .collect()
            };
            let mut components = Vec::new();
            if let Some(media) = header_image {
                components.push(json!({"type": "header", "parameters": [
                    {"type": "image", "image": {"id": media}}
                ]}));
            }
            if !header.is_empty() {
                components.push(json!({"type": "header", "parameters": text(header)}));
            }
            if !params.is_empty() {
                components.push(json!({"type": "body", "parameters": text(params)}));
            }
            // Our payload for each quick reply, by the button's index: the tap comes back as
            // an inbound `button` message carrying it.
            for (i, payload) in buttons.iter().enumerate() {
                components.push(json!({
                    "type": "button", "sub_type": "quick_reply", "index": i.to_string(),
                    "parameters": [{"type": "payload", "payload": payload}]
                }));
            }
            if let Some(l) = link {
                components.push(json!({
                    "type": "button", "sub_type": "url", "index": l.index.to_string(),
                    "parameters": [{"type": "text", "text": l.value}]
                }));
            }
            json!({"type": "template", "template": {
                "name": name, "language": {"code": language}, "components": components
            }})
        }
    };
    let mut out = base;
    if let (Value::Object(o), Value::Object(s)) = (&mut out, specific) {
        o.extend(s);
    }
    out
}

impl GraphClient {
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base_url.trim_end_matches('/'))
    }

    /// One JSON call with the business token: Meta's status and answer (null when not JSON).
    pub(super) async fn post(
        &self,
        path: &str,
        token: &Secret,
        body: &Value,
    ) -> Result<(reqwest::StatusCode, Value), reqwest::Error> {
        let res = self
            .client
            .post(self.url(path))
            .bearer_auth(token.expose())
            .json(body)
            .send()
            .await?;
        let status = res.status();
        Ok((status, res.json().await.unwrap_or(Value::Null)))
    }

    /// Downloads a file a lead sent: `GET {base}/{media_id}` gives a short-lived URL (and
    /// the size), which is then fetched with the same token. Refuses, before or while
    /// reading, a file over `max` bytes. Returns the bytes and Meta's MIME type.
    pub async fn download_media(
        &self,
        media_id: &str,
        token: &Secret,
        max: usize,
    ) -> Result<(Vec<u8>, Option<String>), String> {
        let url = self.url(media_id);
        let res = self
            .client
            .get(&url)
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| format!("sem resposta da API do WhatsApp: {e}"))?;
        let status = res.status();
        let info: Value = res.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(info["error"]["message"]
                .as_str()
                .map(|m| format!("{status}: {m}"))
                .unwrap_or_else(|| status.to_string()));
        }
        let too_big = || format!("o arquivo passa de {} MB", max / (1024 * 1024));
        if info["file_size"].as_u64().is_some_and(|s| s > max as u64) {
            return Err(too_big());
        }
        let file_url = info["url"]
            .as_str()
            .ok_or("a API do WhatsApp não deu o endereço do arquivo")?;
        let mut res = self
            .client
            .get(file_url)
            .bearer_auth(token.expose())
            .send()
            .await
            .map_err(|e| format!("o arquivo não pôde ser baixado: {e}"))?;
        if !res.status().is_success() {
            return Err(format!("o arquivo não pôde ser baixado: {}", res.status()));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = res
            .chunk()
            .await
            .map_err(|e| format!("o arquivo não pôde ser baixado: {e}"))?
        {
            if bytes.len() + chunk.len() > max {
                return Err(too_big());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok((bytes, info["mime_type"].as_str().map(str::to_string)))
    }

    /// Uploads a file for sending: `POST {base}/{phone_number_id}/media` (a multipart form:
    /// `messaging_product`, the type, the file). Returns Meta's media id (valid 30 days).
    pub async fn upload_media(
        &self,
        phone_number_id: &str,
        token: &Secret,
        name: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String, String> {
        let (content_type, body) = crate::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", mime)
            .file("file", name, mime, bytes)
            .finish();
        let res = self
            .client
            .post(self.url(&format!("{phone_number_id}/media")))
            .bearer_auth(token.expose())
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(|e| format!("sem resposta da API do WhatsApp ao enviar o arquivo: {e}"))?;
        let status = res.status();
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        match answer["id"].as_str() {
            Some(id) if status.is_success() => Ok(id.to_string()),
            _ => {
                let e = &answer["error"];
                let words = e["message"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| status.to_string());
                Err(format!(
                    "o WhatsApp recusou o arquivo: {}",
                    app::domain::meta_error::describe(e["code"].as_i64(), &words)
                ))
            }
        }
    }

    /// Marks a lead's message read (the blue ticks) and, with `typing`, shows "digitando…"
    /// until the answer is sent or 25 seconds pass: `POST /{phone_number_id}/messages` with
    /// `status: read` (Meta's read receipt and typing indicator). One call, not retried.
    pub async fn mark_read(
        &self,
        phone_number_id: &str,
        token: &Secret,
        wa_message_id: &str,
        typing: bool,
    ) -> Result<(), String> {
        let mut body =
            json!({"messaging_product": "whatsapp", "status": "read", "message_id": wa_message_id});
        if typing {
            body["typing_indicator"] = json!({"type": "text"});
        }
        let (status, _) = self
            .post(&format!("{phone_number_id}/messages"), token, &body)
            .await
            .map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(())
        } else {
            Err(status.to_string())
        }
    }

    /// Sends one request body; returns the WhatsApp message id.
    pub async fn send(
        &self,
        phone_number_id: &str,
        token: &Secret,
        body: &Value,
    ) -> Result<String, SendError> {
        let path = format!("{phone_number_id}/messages");
        let mut attempt = 0;
        loop {
            let (status, payload) = self
                .post(&path, token, body)
                .await
                .map_err(|e| SendError::Unknown(format!("sem resposta da API do WhatsApp: {e}")))?;
            if status.is_success() {
                return payload["messages"][0]["id"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| SendError::Unknown("resposta sem id de mensagem".into()));
            }
            // Meta's code in words (131047: the window closed…), else its own text.
            let code = payload["error"]["code"].as_i64();
            let detail = match code.filter(|c| app::domain::meta_error::explain(*c).is_some()) {
                Some(code) => app::domain::meta_error::describe(
                    Some(code),
                    payload["error"]["message"].as_str().unwrap_or_default(),
                ),
                None => payload["error"]["message"]
                    .as_str()
                    .map(|m| format!("{status}: {m}"))
                    .unwrap_or_else(|| status.to_string()),
            };
            let transient = status.as_u16() == 429 || status.is_server_error();
            if !transient {
                return Err(SendError::Permanent(detail));
            }
            match self.retry_delays.get(attempt) {
                Some(delay) => {
                    tokio::time::sleep(*delay).await;
                    attempt += 1;
                }
                None => return Err(SendError::Exhausted(detail)),
            }
        }
    }
}

#[cfg(test)]
mod tests;
