//! Managing a consultant's message templates on Meta (the business account's
//! `message_templates`): creating one for review, uploading its header image for the review
//! (the Resumable Upload API, which answers a handle), editing one, and deleting one. Each
//! is one call with the consultant's business token, made outside any transaction by the
//! templates job. A refusal is `Permanent` with Meta's own words for the person; a busy Meta
//! (429, 5xx) is `Exhausted` (the job tries again later); no answer is `Unknown`.

use super::graph::{GraphClient, SendError};
use crate::config::Secret;
use reqwest::StatusCode;
use serde_json::Value;

/// Meta's refusal in words (`error_user_msg` is written for the person), and whether a later
/// try may pass.
fn refusal(status: StatusCode, payload: &Value) -> SendError {
    let e = &payload["error"];
    let words = e["error_user_msg"]
        .as_str()
        .or(e["message"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| status.to_string());
    let detail = app::domain::meta_error::describe(e["code"].as_i64(), &words);
    if status.as_u16() == 429 || status.is_server_error() {
        SendError::Exhausted(detail)
    } else {
        SendError::Permanent(detail)
    }
}

fn no_answer(e: reqwest::Error) -> SendError {
    // Without the URL: it may carry a session id.
    SendError::Unknown(format!(
        "sem resposta da API do WhatsApp: {}",
        e.without_url()
    ))
}

impl GraphClient {
    /// Submits a template for review: `POST {base}/{waba_id}/message_templates`. Returns
    /// Meta's id for it and the status it answered (`PENDING`, or `APPROVED` at once).
    /// A refusal is `Permanent` with Meta's own words for the person (`error_user_msg`).
    pub async fn create_template(
        &self,
        waba_id: &str,
        token: &Secret,
        body: &Value,
    ) -> Result<(String, String), SendError> {
        let (status, payload) = self
            .post(&format!("{waba_id}/message_templates"), token, body)
            .await
            .map_err(|e| SendError::Unknown(format!("sem resposta da API do WhatsApp: {e}")))?;
        if status.is_success() {
            let id = payload["id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| SendError::Unknown("resposta sem id do modelo".into()))?;
            let state = payload["status"].as_str().unwrap_or("PENDING").to_string();
            return Ok((id, state));
        }
        Err(refusal(status, &payload))
    }

    /// Uploads a header image for a template's review and returns Meta's handle for it
    /// (`4::aW…`): `POST {base}/{app_id}/uploads` opens a session, `POST {base}/{session}`
    /// (`Authorization: OAuth`, `file_offset: 0`) sends the bytes in one go (they are small).
    pub async fn upload_handle(
        &self,
        app_id: &str,
        token: &Secret,
        name: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String, SendError> {
        let res = self
            .client
            .post(self.url(&format!("{app_id}/uploads")))
            .bearer_auth(token.expose())
            .query(&[
                ("file_name", name),
                ("file_length", &bytes.len().to_string()),
                ("file_type", mime),
            ])
            .send()
            .await
            .map_err(no_answer)?;
        let status = res.status();
        let session: Value = res.json().await.unwrap_or(Value::Null);
        let Some(session_id) = session["id"].as_str().filter(|_| status.is_success()) else {
            return Err(refusal(status, &session));
        };
        let res = self
            .client
            .post(self.url(session_id))
            .header(
                reqwest::header::AUTHORIZATION,
                format!("OAuth {}", token.expose()),
            )
            .header("file_offset", "0")
            .body(bytes.to_vec())
            .send()
            .await
            .map_err(no_answer)?;
        let status = res.status();
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        match answer["h"].as_str() {
            Some(handle) if status.is_success() => Ok(handle.to_string()),
            _ => Err(refusal(status, &answer)),
        }
    }

    /// Sends a changed template for review again: `POST {base}/{template_id}` with its
    /// components (and its category, while it was never approved). Meta allows an approved
    /// one to change once a day and 10 times in 30 days; it is in review until approved.
    pub async fn edit_template(
        &self,
        template_id: &str,
        token: &Secret,
        body: &Value,
    ) -> Result<(), SendError> {
        let (status, payload) = self
            .post(template_id, token, body)
            .await
            .map_err(no_answer)?;
        if status.is_success() && payload["success"] != Value::Bool(false) {
            Ok(())
        } else {
            Err(refusal(status, &payload))
        }
    }

    /// Deletes one template from the business account: `DELETE
    /// {base}/{waba_id}/message_templates?hsm_id=…&name=…` (by id, so only this language).
    /// Meta keeps delivering what was already sent; the name is not reusable for 30 days.
    pub async fn delete_template(
        &self,
        waba_id: &str,
        token: &Secret,
        template_id: &str,
        name: &str,
    ) -> Result<(), SendError> {
        let res = self
            .client
            .delete(self.url(&format!("{waba_id}/message_templates")))
            .bearer_auth(token.expose())
            .query(&[("hsm_id", template_id), ("name", name)])
            .send()
            .await
            .map_err(no_answer)?;
        let status = res.status();
        let payload: Value = res.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            Ok(())
        } else {
            Err(refusal(status, &payload))
        }
    }
}
