//! The backup settings, read apart from the rest: `wal-archive`, `wal-fetch` and
//! `restore --to-time` need them without a database (PostgreSQL runs the first two).

use super::error::ConfigError;
use crate::backup::keys::Recipients;
use crate::backup::store::StoreConfig;
use crate::secret::Secret;

pub fn recipients(
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<Recipients>, ConfigError> {
    get("BACKUP_RECIPIENTS")
        .map(|list| {
            Recipients::parse(&list).map_err(|e| ConfigError::Invalid {
                name: "BACKUP_RECIPIENTS",
                value: "(oculto)".into(),
                reason: e.to_string(),
            })
        })
        .transpose()
}

pub fn store(get: &impl Fn(&str) -> Option<String>) -> Result<StoreConfig, ConfigError> {
    Ok(StoreConfig {
        location: get("BACKUP_STORE").unwrap_or_else(|| "backups".into()),
        s3_endpoint: match get("BACKUP_S3_ENDPOINT") {
            // Plain HTTP would carry the store's credentials in the clear: only to a server
            // on this machine.
            Some(url) if url.starts_with("http://") && !loopback(&url) => {
                return Err(ConfigError::Invalid {
                    name: "BACKUP_S3_ENDPOINT",
                    value: url,
                    reason: "https:// (http:// only for a server on loopback)".into(),
                })
            }
            url => url,
        },
        s3_region: get("BACKUP_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
        s3_access_key_id: get("BACKUP_S3_ACCESS_KEY_ID"),
        s3_secret_access_key: get("BACKUP_S3_SECRET_ACCESS_KEY").map(Secret::new),
    })
}

fn loopback(url: &str) -> bool {
    ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|l| {
            url == *l || url.starts_with(&format!("{l}:")) || url.starts_with(&format!("{l}/"))
        })
}

/// `KEY=VALUE` lines (`#` comments, blank lines, quotes around a value allowed): the
/// settings file `wal-archive` and `wal-fetch` are given, since PostgreSQL runs them
/// without the server's environment.
pub fn settings_file(text: &str) -> std::collections::HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            (k.trim().to_string(), v.to_string())
        })
        .collect()
}
