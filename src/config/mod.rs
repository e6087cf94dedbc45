//! The server's configuration, read once at start-up from environment variables.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` | required | PostgreSQL URL; the role must be superuser or BYPASSRLS (see README) |
//! | `DATABASE_MAX_CONNECTIONS` | `10` | pool size |
//! | `DATABASE_POOLER_URL` | unset | web requests' transactions through PgBouncer in transaction pooling (README "PgBouncer"); `DATABASE_URL` stays the direct door |
//! | `DATABASE_DIRECT_MAX_CONNECTIONS` | `5` | with a pooler: the direct pool's size (session store, monitoring) |
//! | `BIND_ADDR` | `LEPTOS_SITE_ADDR`, else `127.0.0.1:3000` | where the server listens (port 0: any free port) |
//! | `PUBLIC_URL` | `http://` + the bound address | the address users reach; `https://…` turns on `Secure` cookies |
//! | `TRUST_PROXY_HEADERS` | `false` | take the client IP from `X-Forwarded-For` |
//! | `LOGIN_MAX_FAILURES_PER_ACCOUNT` | `5` | wrong passwords for one account from one address (or one known device) per window, since the last success there, before 429 |
//! | `LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES` | `100` | wrong passwords for one account from every address per backstop window before 429 (known devices, and addresses that signed in to it in the last day, are not held) |
//! | `LOGIN_MAX_FAILURES_PER_IP` | `20` | wrong passwords per IP (any account) per window before 429 |
//! | `LOGIN_WINDOW_SECS` | `900` | the throttling window (at most 86400) |
//! | `LOGIN_BACKSTOP_WINDOW_SECS` | `86400` | the per-account backstop's window (at most 86400: attempts are kept a day) |
//! | `KNOWN_DEVICE_DAYS` | `180` | a browser that signed in stays a known device this long after its last sign-in |
//! | `METRICS_REFRESH_SECS` | `300` | how often the analytics views are refreshed (0: never) |
//! | `WHATSAPP_VERIFY_TOKEN` | unset | token Meta sends when subscribing the webhook; unset: every verification is refused |
//! | `WHATSAPP_APP_SECRET` | unset | app secret that signs webhook bodies; unset: every event is refused (401) |
//! | `WEBHOOK_MAX_BODY_BYTES` | `1048576` | larger webhook bodies are refused (413) |
//! | `SENDER_ENABLED` | `true` | send queued messages as soon as they are queued, and release a dead instance's claims within seconds (`false`: this process sends nothing on its own) |
//! | `SCHEDULER_ENABLED` | `true` | the once-a-minute jobs: reminders, the scheduled sends and follow-ups (`jobs::scheduler`), and the sweep of what a failed pass left pending |
//! | `SHUTDOWN_GRACE_SECS` | `20` | on SIGTERM, how long background work in flight may take to finish before it is stopped and its claims released |
//! | `WEBHOOK_WORKERS` | `4` | webhook queue workers in this process (0: none); they mostly wait on the database and the AI provider |
//! | `WHATSAPP_APP_ID` | unset | Meta app id; with `WHATSAPP_APP_SECRET` and `WHATSAPP_SIGNUP_CONFIG_ID`, consultants connect their numbers through Embedded Signup and messages go through the Graph API; unset: the sandbox |
//! | `WHATSAPP_SIGNUP_CONFIG_ID` | unset | the Facebook Login for Business configuration of the Embedded Signup |
//! | `WHATSAPP_GRAPH_URL` | `https://graph.facebook.com/v21.0` | Graph API base |
//! | `WHATSAPP_DIALOG_URL` | `https://www.facebook.com/v21.0/dialog/oauth` | Meta's authorisation dialog |
//! | `REMINDER_DELAY_SECS` | `7200` | a lead quiet this long mid-flow gets one reminder (inside the 24-hour window) |
//! | `AI_BASE_URL` | unset | OpenAI-compatible API base (e.g. `https://api.groq.com/openai/v1`); unset: built-in responder |
//! | `AI_API_KEY` | unset | bearer token for that API |
//! | `AI_MODEL` | `llama-3.1-8b-instant` | model name sent to that API |
//! | `AI_TIMEOUT_MS` | `10000` | after this the built-in responder answers instead |
//! | `TRANSCRIPTION_BASE_URL` | unset | OpenAI-compatible speech-to-text API base, whose `/audio/transcriptions` hears voice notes (e.g. `https://api.groq.com/openai/v1`); unset: voice notes are kept but not transcribed, and the bot asks the lead to write |
//! | `TRANSCRIPTION_API_KEY` | unset | bearer token for that API |
//! | `TRANSCRIPTION_MODEL` | `whisper-large-v3-turbo` | model name sent to that API (`whisper-1` on OpenAI) |
//! | `TRANSCRIPTION_TIMEOUT_MS` | `30000` | after this the voice note counts as not heard |
//! | `SANDBOX_MEDIA_URL` | unset | in the sandbox only: a Graph-API-like server the files of simulated leads are downloaded from (`GET {url}/{media_id}`, then the `url` it gives); unset: the sandbox downloads no file |
//! | `SMTP_URL` | unset | SMTP server for e-mail (password resets): `smtps://user:password@host:465`, or `smtp://user:password@host:587?tls=required` (STARTTLS); unset: messages are written to the server log |
//! | `MAIL_FROM` | `Consultor <nao-responda@consultor.app>` | sender of those e-mails |
//! | `WHATSAPP_PRICE_MARKETING`, `WHATSAPP_PRICE_UTILITY`, `WHATSAPP_PRICE_AUTHENTICATION`, `WHATSAPP_PRICE_SERVICE` | Meta's Brazil rate card (see `app::domain::pricing`) | the estimated price of one delivered message of that category, in reais (`0,3375`) |
//! | `METRICS_TOKEN` | unset | the bearer token of `GET /metrics` (Prometheus' text format; see README "Monitoring"); unset: there is no such route |
//! | `SLOW_QUERY_MS` | `1000` | a statement that takes this long is logged ("consulta lenta", with its name and duration, never its parameters) |
//! | `DATABASE_DISK_BYTES` | unset | the size of the database's volume, for the disk alerts when PostgreSQL runs on another machine; unset: the filesystem of its data directory, read when it runs on this one |
//! | `BACKUP_RECIPIENTS` | unset | age public keys (`age1…`, comma-separated) every backup is encrypted to; unset: no scheduled backups (and `consultor backup` refuses) |
//! | `BACKUP_STORE` | `backups` | where backups go: a directory, or `s3://bucket[/prefix]` |
//! | `BACKUP_S3_ENDPOINT` | unset (AWS) | an S3-compatible server's address (`https://…`; `http://` only on loopback) |
//! | `BACKUP_S3_REGION` | `us-east-1` | the bucket's region |
//! | `BACKUP_S3_ACCESS_KEY_ID`, `BACKUP_S3_SECRET_ACCESS_KEY` | unset | the store's credentials |
//! | `BACKUP_BASE` | `false` | the database archives its WAL into the store (`consultor wal-archive`, see README): make a base backup with each daily copy, and keep 7 days of point-in-time recovery |
//! | `BACKUP_HOUR` | `3` | São Paulo's hour from which the day's backup is made (0–23) |
//! | `BACKUP_DAILY_KEEP_DAYS` | `30` | daily backups are deleted after this many days |
//! | `BACKUP_WEEKLY_KEEP_WEEKS` | `52` | Sunday's copies, kept this many weeks (0: for ever) |
//! | `LEPTOS_SITE_ROOT` | `target/site` | where the built CSS/JS/wasm are served from |
//! | `LEPTOS_OUTPUT_NAME` | `consultor` | the name of the built JS/wasm bundle |

use std::fmt;
use std::net::SocketAddr;

pub mod backup;
pub mod error;

pub use crate::secret::Secret;
pub use error::ConfigError;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    pub database_max_connections: u32,
    pub database_pooler_url: Option<Secret>,
    pub database_direct_max_connections: u32,
    pub bind_addr: SocketAddr,
    /// `None`: `http://` + the address actually bound (known only after binding port 0).
    pub public_url: Option<String>,
    pub trust_proxy_headers: bool,
    pub login_max_failures_per_account: u32,
    pub login_max_failures_per_account_all_addresses: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window_secs: u32,
    pub login_backstop_window_secs: u32,
    pub known_device_days: u32,
    pub metrics_refresh_secs: u64,
    pub whatsapp_verify_token: Option<Secret>,
    pub whatsapp_app_secret: Option<Secret>,
    pub webhook_max_body_bytes: usize,
    pub webhook_workers: usize,
    /// The outbound sender (a consultant's reply goes out at once) and the watcher that
    /// releases a dead instance's claims.
    pub sender_enabled: bool,
    /// The two once-a-minute jobs: reminders, and the sweep of whatever a failed pass left
    /// pending.
    pub scheduler_enabled: bool,
    /// On SIGTERM, how long background work in flight may take to finish.
    pub shutdown_grace_secs: u64,
    pub reminder_delay_secs: u64,
    pub whatsapp_app_id: Option<String>,
    pub whatsapp_signup_config_id: Option<String>,
    pub whatsapp_graph_url: String,
    pub whatsapp_dialog_url: String,
    pub ai_base_url: Option<String>,
    pub ai_api_key: Option<Secret>,
    pub ai_model: String,
    pub ai_timeout_ms: u64,
    pub transcription_base_url: Option<String>,
    pub transcription_api_key: Option<Secret>,
    pub transcription_model: String,
    pub transcription_timeout_ms: u64,
    pub sandbox_media_url: Option<String>,
    /// `smtp://`, `smtps://` URL of the server e-mail goes through; `None`: the server log.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// What one message of each category costs (estimates on the lead page and dashboard).
    pub prices: app::domain::pricing::PriceTable,
    /// The server's Web Push identity (VAPID), checked at start; `None`: no notifications on
    /// phones (Settings says so). `consultor push-keys` makes one.
    pub web_push: Option<WebPushKeys>,
    pub metrics_token: Option<Secret>,
    pub slow_query_ms: u64,
    pub database_disk_bytes: Option<u64>,
    pub backup_recipients: Option<crate::backup::keys::Recipients>,
    pub backup_store: crate::backup::store::StoreConfig,
    /// The database archives its WAL into the store: a base backup a day, 7 days of
    /// point-in-time recovery.
    pub backup_base: bool,
    pub backup_hour: u32,
    pub backup_daily_keep_days: u32,
    pub backup_weekly_keep_weeks: u32,
}

pub use crate::push::keys::WebPushKeys;

/// A Meta app: Embedded Signup (connecting numbers) and the Graph API (sending).
#[derive(Debug, Clone)]
pub struct MetaAppConfig {
    pub app_id: String,
    pub app_secret: Secret,
    pub config_id: String,
    pub graph_url: String,
    pub dialog_url: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Reads through `get`, so tests can supply variables without touching the process.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let database_url = get("DATABASE_URL").ok_or(ConfigError::Missing("DATABASE_URL"))?;
        let bind_raw = get("BIND_ADDR")
            .or_else(|| get("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let bind_addr: SocketAddr = parse_value("BIND_ADDR", &bind_raw)?;
        let public_url = get("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string());
        if let Some(url) = &public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::Invalid {
                    name: "PUBLIC_URL",
                    value: url.clone(),
                    reason: "must start with http:// or https://".into(),
                });
            }
        }
        if let Some(token) = get("WHATSAPP_ACCESS_TOKEN") {
            return Err(ConfigError::Invalid {
                name: "WHATSAPP_ACCESS_TOKEN",
                value: format!("{} caracteres", token.len()),
                reason: "no longer used: set WHATSAPP_APP_ID and WHATSAPP_SIGNUP_CONFIG_ID \
                         and let each consultant connect their number (Embedded Signup)"
                    .into(),
            });
        }
        let app_id = get("WHATSAPP_APP_ID");
        for needed in ["WHATSAPP_APP_SECRET", "WHATSAPP_SIGNUP_CONFIG_ID"] {
            if app_id.is_some() && get(needed).is_none() {
                return Err(ConfigError::Invalid {
                    name: needed,
                    value: String::new(),
                    reason: "required when WHATSAPP_APP_ID is set".into(),
                });
            }
        }
        // Counts and durations are unsigned: "-1" is refused at start-up, naming the variable,
        // instead of wrapping round to a huge number.
        let num = |name: &'static str, default: &str| -> Result<u64, ConfigError> {
            parse_value(name, &get(name).unwrap_or_else(|| default.into()))
        };
        let num32 = |name: &'static str, default: &str| -> Result<u32, ConfigError> {
            parse_value(name, &get(name).unwrap_or_else(|| default.into()))
        };
        let at_most_a_day = |name: &'static str, default: &str| -> Result<u32, ConfigError> {
            let v = num32(name, default)?;
            if v == 0 || v > 86_400 {
                return Err(ConfigError::Invalid {
                    name,
                    value: v.to_string(),
                    reason: "must be between 1 and 86400 (login attempts are kept one day)".into(),
                });
            }
            Ok(v)
        };
        Ok(Self {
            database_url: Secret::new(database_url),
            database_max_connections: num32("DATABASE_MAX_CONNECTIONS", "10")?,
            database_pooler_url: get("DATABASE_POOLER_URL").map(Secret::new),
            database_direct_max_connections: num32("DATABASE_DIRECT_MAX_CONNECTIONS", "5")?,
            bind_addr,
            public_url,
            trust_proxy_headers: parse_value(
                "TRUST_PROXY_HEADERS",
                &get("TRUST_PROXY_HEADERS").unwrap_or_else(|| "false".into()),
            )?,
            login_max_failures_per_account: num32("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5")?,
            login_max_failures_per_account_all_addresses: num32(
                "LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES",
                "100",
            )?,
            login_max_failures_per_ip: num32("LOGIN_MAX_FAILURES_PER_IP", "20")?,
            login_window_secs: at_most_a_day("LOGIN_WINDOW_SECS", "900")?,
            login_backstop_window_secs: at_most_a_day("LOGIN_BACKSTOP_WINDOW_SECS", "86400")?,
            known_device_days: num32("KNOWN_DEVICE_DAYS", "180")?,
            metrics_refresh_secs: num("METRICS_REFRESH_SECS", "300")?,
            whatsapp_verify_token: get("WHATSAPP_VERIFY_TOKEN").map(Secret::new),
            whatsapp_app_secret: get("WHATSAPP_APP_SECRET").map(Secret::new),
            webhook_max_body_bytes: parse_value(
                "WEBHOOK_MAX_BODY_BYTES",
                &get("WEBHOOK_MAX_BODY_BYTES").unwrap_or_else(|| "1048576".into()),
            )?,
            webhook_workers: num32("WEBHOOK_WORKERS", "4")? as usize,
            sender_enabled: parse_value(
                "SENDER_ENABLED",
                &get("SENDER_ENABLED").unwrap_or_else(|| "true".into()),
            )?,
            scheduler_enabled: parse_value(
                "SCHEDULER_ENABLED",
                &get("SCHEDULER_ENABLED").unwrap_or_else(|| "true".into()),
            )?,
            shutdown_grace_secs: num("SHUTDOWN_GRACE_SECS", "20")?,
            reminder_delay_secs: num("REMINDER_DELAY_SECS", "7200")?,
            whatsapp_app_id: app_id,
            whatsapp_signup_config_id: get("WHATSAPP_SIGNUP_CONFIG_ID"),
            whatsapp_graph_url: get("WHATSAPP_GRAPH_URL")
                .unwrap_or_else(|| "https://graph.facebook.com/v21.0".into()),
            whatsapp_dialog_url: get("WHATSAPP_DIALOG_URL")
                .unwrap_or_else(|| "https://www.facebook.com/v21.0/dialog/oauth".into()),
            ai_base_url: get("AI_BASE_URL"),
            ai_api_key: get("AI_API_KEY").map(Secret::new),
            ai_model: get("AI_MODEL").unwrap_or_else(|| "llama-3.1-8b-instant".into()),
            ai_timeout_ms: num("AI_TIMEOUT_MS", "10000")?,
            transcription_base_url: get("TRANSCRIPTION_BASE_URL"),
            transcription_api_key: get("TRANSCRIPTION_API_KEY").map(Secret::new),
            transcription_model: get("TRANSCRIPTION_MODEL")
                .unwrap_or_else(|| "whisper-large-v3-turbo".into()),
            transcription_timeout_ms: num("TRANSCRIPTION_TIMEOUT_MS", "30000")?,
            sandbox_media_url: get("SANDBOX_MEDIA_URL"),
            smtp_url: match get("SMTP_URL") {
                Some(url) if !(url.starts_with("smtp://") || url.starts_with("smtps://")) => {
                    return Err(ConfigError::Invalid {
                        name: "SMTP_URL",
                        value: "(oculto)".into(),
                        reason: "must start with smtp:// or smtps://".into(),
                    })
                }
                url => url.map(Secret::new),
            },
            mail_from: get("MAIL_FROM")
                .unwrap_or_else(|| "Consultor <nao-responda@consultor.app>".into()),
            prices: {
                use app::domain::pricing::{parse_brl, PriceTable};
                let price = |name: &'static str, default: i64| match get(name) {
                    None => Ok(default),
                    Some(v) => parse_brl(&v).ok_or(ConfigError::Invalid {
                        name,
                        value: v,
                        reason: "a price in reais, like 0,3375".into(),
                    }),
                };
                let d = PriceTable::BRAZIL;
                PriceTable {
                    marketing: price("WHATSAPP_PRICE_MARKETING", d.marketing)?,
                    utility: price("WHATSAPP_PRICE_UTILITY", d.utility)?,
                    authentication: price("WHATSAPP_PRICE_AUTHENTICATION", d.authentication)?,
                    service: price("WHATSAPP_PRICE_SERVICE", d.service)?,
                }
            },
            web_push: WebPushKeys::from_values(
                get("WEB_PUSH_PRIVATE_KEY"),
                get("WEB_PUSH_SUBJECT"),
            )?,
            metrics_token: match get("METRICS_TOKEN") {
                // A short token is guessed: Prometheus reads it from a file, length is free.
                Some(token) if token.len() < 16 => {
                    return Err(ConfigError::Invalid {
                        name: "METRICS_TOKEN",
                        value: format!("{} caracteres", token.len()),
                        reason: "must have at least 16 characters".into(),
                    })
                }
                token => token.map(Secret::new),
            },
            slow_query_ms: num("SLOW_QUERY_MS", "1000")?,
            database_disk_bytes: get("DATABASE_DISK_BYTES")
                .map(|v| parse_value("DATABASE_DISK_BYTES", &v))
                .transpose()?,
            backup_recipients: backup::recipients(&get)?,
            backup_store: backup::store(&get)?,
            backup_base: parse_value(
                "BACKUP_BASE",
                &get("BACKUP_BASE").unwrap_or_else(|| "false".into()),
            )?,
            backup_hour: match num32("BACKUP_HOUR", "3")? {
                h if h < 24 => h,
                h => {
                    return Err(ConfigError::Invalid {
                        name: "BACKUP_HOUR",
                        value: h.to_string(),
                        reason: "an hour of the day, 0 to 23".into(),
                    })
                }
            },
            backup_daily_keep_days: match num32("BACKUP_DAILY_KEEP_DAYS", "30")? {
                0 => {
                    return Err(ConfigError::Invalid {
                        name: "BACKUP_DAILY_KEEP_DAYS",
                        value: "0".into(),
                        reason: "at least 1 (today's copy)".into(),
                    })
                }
                d => d,
            },
            backup_weekly_keep_weeks: num32("BACKUP_WEEKLY_KEEP_WEEKS", "52")?,
        })
    }

    /// The Meta app consultants connect their numbers to, when one is configured (all three
    /// of its variables are, `from_lookup` checks).
    pub fn meta_app(&self) -> Option<MetaAppConfig> {
        Some(MetaAppConfig {
            app_id: self.whatsapp_app_id.clone()?,
            app_secret: self.whatsapp_app_secret.clone()?,
            config_id: self.whatsapp_signup_config_id.clone()?,
            graph_url: self.whatsapp_graph_url.clone(),
            dialog_url: self.whatsapp_dialog_url.clone(),
        })
    }

    /// Cookies get `Secure` when users reach us over https.
    /// The backup schedule, when keys to encrypt to are configured.
    pub fn backup_plan(
        &self,
    ) -> Result<Option<crate::backup::scheduled::BackupPlan>, crate::backup::BackupError> {
        let Some(recipients) = &self.backup_recipients else {
            return Ok(None);
        };
        Ok(Some(crate::backup::scheduled::BackupPlan {
            database_url: self.database_url.clone(),
            recipients: recipients.clone(),
            store: crate::backup::store::BackupStore::open(&self.backup_store)?,
            hour: self.backup_hour,
            daily_keep_days: self.backup_daily_keep_days,
            weekly_keep_weeks: self.backup_weekly_keep_weeks,
            base_backups: self.backup_base,
        }))
    }

    pub fn cookies_secure(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

fn parse_value<T: std::str::FromStr>(name: &'static str, raw: &str) -> Result<T, ConfigError>
where
    T::Err: fmt::Display,
{
    raw.trim()
        .parse()
        .map_err(|e: T::Err| ConfigError::Invalid {
            name,
            value: raw.to_string(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests;
