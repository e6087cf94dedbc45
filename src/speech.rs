//! Hearing voice notes: any OpenAI-compatible speech-to-text API (`POST /audio/transcriptions`,
//! as Whisper on Groq or OpenAI, or a local server speaking the same API). Configured like the
//! AI provider (`TRANSCRIPTION_*`); unset, no audio is transcribed and the bot asks the lead
//! to write. Each call is bounded by the file's size and by a timeout, and never made inside
//! a transaction (`jobs::voice`).

use crate::config::{Config, Secret};
use std::time::Duration;

/// Largest audio sent to the provider (Whisper APIs take up to 25 MB; a voice note of several
/// minutes is well under 2 MB).
pub const MAX_AUDIO_BYTES: usize = 16 * 1024 * 1024;

/// Longest transcript kept: more than ten minutes of speech. A provider answering with more
/// has its text cut here; the audio itself is kept whole.
pub const MAX_TRANSCRIPT_CHARS: usize = 4_000;

#[derive(Clone, Debug)]
pub struct Transcriber {
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub model: String,
    pub client: reqwest::Client,
}

impl Transcriber {
    /// The configured provider, or `None` (no audio is transcribed).
    pub fn from_config(c: &Config) -> Option<Self> {
        let base = c.transcription_base_url.as_deref()?;
        Some(Transcriber {
            base_url: base.trim_end_matches('/').to_string(),
            api_key: c.transcription_api_key.clone(),
            model: c.transcription_model.clone(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_millis(c.transcription_timeout_ms))
                .build()
                .expect("http client"),
        })
    }

    /// What the audio says, in Portuguese words (`Err`: why not, in Portuguese, for the
    /// consultant's page).
    pub async fn transcribe(&self, audio: &[u8], mime: Option<&str>) -> Result<String, String> {
        if audio.len() > MAX_AUDIO_BYTES {
            return Err(format!(
                "o áudio passa de {} MB",
                MAX_AUDIO_BYTES / (1024 * 1024)
            ));
        }
        let mime = mime
            .and_then(|m| m.split(';').next())
            .map(str::trim)
            .filter(|m| m.starts_with("audio/"))
            .unwrap_or("audio/ogg");
        // A reply that says nothing is heard is the service working: only what failed to
        // answer, or answered an error, counts as the service's error.
        let started = std::time::Instant::now();
        let answer = self.ask(audio, mime).await;
        crate::monitoring::record_call("transcription", started, answer.is_ok());
        let body = answer?;
        let text = body["text"].as_str().map(clean).unwrap_or_default();
        if text.is_empty() {
            return Err("nenhuma fala reconhecida no áudio".into());
        }
        Ok(text)
    }

    /// The service's JSON answer about `audio`.
    async fn ask(&self, audio: &[u8], mime: &str) -> Result<serde_json::Value, String> {
        let (content_type, body) = multipart(&self.model, audio, mime);
        let mut req = self
            .client
            .post(format!("{}/audio/transcriptions", self.base_url))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(key) = &self.api_key {
            req = req.bearer_auth(key.expose());
        }
        let res = req.send().await.map_err(|e| {
            if e.is_timeout() {
                "o serviço de transcrição demorou demais".to_string()
            } else {
                "o serviço de transcrição não respondeu".to_string()
            }
        })?;
        let status = res.status();
        if !status.is_success() {
            return Err(format!(
                "o serviço de transcrição recusou o áudio ({})",
                status.as_u16()
            ));
        }
        res.json()
            .await
            .map_err(|_| "a resposta da transcrição veio ilegível".to_string())
    }
}

/// The transcript as the message's text: control characters (a NUL would refuse the row)
/// and runs of spaces out, capped.
fn clean(raw: &str) -> String {
    let spaced: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    words.join(" ").chars().take(MAX_TRANSCRIPT_CHARS).collect()
}

/// The request's body, `multipart/form-data` (the API's only form): the model, Portuguese
/// as the language (a short note is otherwise sometimes heard as Spanish), JSON back, and
/// the file. Returns the content type with its boundary, and the body.
fn multipart(model: &str, audio: &[u8], mime: &str) -> (String, Vec<u8>) {
    let extension = match mime {
        "audio/mpeg" => "mp3",
        "audio/mp4" | "audio/aac" => "m4a",
        "audio/amr" => "amr",
        "audio/wav" | "audio/x-wav" => "wav",
        "audio/webm" => "webm",
        _ => "ogg",
    };
    crate::multipart::Form::new()
        .text("model", model)
        .text("language", "pt")
        .text("response_format", "json")
        .file("file", &format!("audio.{extension}"), mime, audio)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transcript_is_cleaned_and_capped() {
        assert_eq!(
            clean("  Quero o\u{0}plano\n familiar. "),
            "Quero o plano familiar."
        );
        assert_eq!(
            clean(&"a".repeat(5_000)).chars().count(),
            MAX_TRANSCRIPT_CHARS
        );
        assert_eq!(clean(" \t "), "");
    }
}
