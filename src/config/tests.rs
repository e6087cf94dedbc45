//! The configuration's parsing: defaults, refusals naming the variable, secrets kept out of `Debug`.

use super::*;
use std::collections::HashMap;

fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn names_the_missing_variable() {
    let err = Config::from_lookup(lookup(&[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing required environment variable DATABASE_URL"
    );
}

#[test]
fn defaults_and_overrides() {
    let c = Config::from_lookup(lookup(&[("DATABASE_URL", "postgres://x")])).unwrap();
    assert_eq!(c.bind_addr.to_string(), "127.0.0.1:3000");
    assert_eq!(c.public_url, None);
    assert!(!c.cookies_secure());
    assert_eq!(format!("{:?}", c.database_url), "Secret(***)");
    let c = Config::from_lookup(lookup(&[
        ("DATABASE_URL", "postgres://x"),
        ("PUBLIC_URL", "https://consultor.example"),
        ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "3"),
    ]))
    .unwrap();
    assert!(c.cookies_secure());
    assert_eq!(c.login_max_failures_per_account, 3);
    let err =
        Config::from_lookup(lookup(&[("DATABASE_URL", "x"), ("BIND_ADDR", "nope")])).unwrap_err();
    assert!(err.to_string().contains("BIND_ADDR"));
}

#[test]
fn counts_are_unsigned_and_named_when_wrong() {
    let base = ("DATABASE_URL", "postgres://x");
    for name in [
        "LOGIN_MAX_FAILURES_PER_ACCOUNT",
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES",
        "LOGIN_MAX_FAILURES_PER_IP",
        "LOGIN_WINDOW_SECS",
        "KNOWN_DEVICE_DAYS",
        "WEBHOOK_WORKERS",
        "DATABASE_MAX_CONNECTIONS",
        "SHUTDOWN_GRACE_SECS",
    ] {
        let err = Config::from_lookup(lookup(&[base, (name, "-1")])).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
    }
    let err =
        Config::from_lookup(lookup(&[base, ("LOGIN_BACKSTOP_WINDOW_SECS", "172800")])).unwrap_err();
    assert!(
        err.to_string().contains("LOGIN_BACKSTOP_WINDOW_SECS"),
        "{err}"
    );
    let c = Config::from_lookup(lookup(&[base])).unwrap();
    assert_eq!(
        (
            c.login_max_failures_per_account,
            c.login_max_failures_per_account_all_addresses,
            c.login_max_failures_per_ip,
            c.login_window_secs,
            c.login_backstop_window_secs,
            c.known_device_days
        ),
        (5, 100, 20, 900, 86_400, 180)
    );
}

#[test]
fn a_meta_app_needs_all_three_values() {
    let base = [("DATABASE_URL", "x"), ("WHATSAPP_APP_ID", "123")];
    let err = Config::from_lookup(lookup(&base)).unwrap_err();
    assert!(err.to_string().contains("WHATSAPP_APP_SECRET"), "{err}");
    let err =
        Config::from_lookup(lookup(&[base[0], base[1], ("WHATSAPP_APP_SECRET", "s")])).unwrap_err();
    assert!(
        err.to_string().contains("WHATSAPP_SIGNUP_CONFIG_ID"),
        "{err}"
    );
    let c = Config::from_lookup(lookup(&[
        base[0],
        base[1],
        ("WHATSAPP_APP_SECRET", "s"),
        ("WHATSAPP_SIGNUP_CONFIG_ID", "cfg"),
    ]))
    .unwrap();
    assert_eq!(c.meta_app().unwrap().config_id, "cfg");
    assert!(Config::from_lookup(lookup(&[base[0]]))
        .unwrap()
        .meta_app()
        .is_none());
    // The old single token is refused by name rather than silently ignored.
    let err =
        Config::from_lookup(lookup(&[base[0], ("WHATSAPP_ACCESS_TOKEN", "EAAG")])).unwrap_err();
    assert!(err.to_string().contains("Embedded Signup"), "{err}");
}

#[test]
fn monitoring_and_backup_settings_are_checked() {
    let refused = |name: &str, value: &str| {
        let err = Config::from_lookup(lookup(&[("DATABASE_URL", "postgres://x"), (name, value)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(name), "{err}");
        err
    };
    let err = refused("METRICS_TOKEN", "curto-demais");
    assert!(
        !err.contains("curto-demais"),
        "the token is not echoed: {err}"
    );
    refused("BACKUP_HOUR", "24");
    refused("BACKUP_DAILY_KEEP_DAYS", "0");
    refused("BACKUP_S3_ENDPOINT", "http://s3.exemplo.com");
    refused("BACKUP_S3_ENDPOINT", "http://127.0.0.1.exemplo.com");
    let (private, _) = crate::backup::keys::generate();
    let err = refused("BACKUP_RECIPIENTS", &private);
    assert!(
        !err.contains(&private[20..]),
        "a private key is not echoed: {err}"
    );

    let (_, public) = crate::backup::keys::generate();
    let c = Config::from_lookup(lookup(&[
        ("DATABASE_URL", "postgres://x"),
        ("METRICS_TOKEN", "um-token-bem-comprido"),
        ("BACKUP_RECIPIENTS", &public),
        ("BACKUP_S3_ENDPOINT", "http://127.0.0.1:9000"),
    ]))
    .unwrap();
    assert_eq!(format!("{:?}", c.metrics_token), "Some(Secret(***))");
    assert_eq!(c.backup_hour, 3);
    assert_eq!(c.backup_daily_keep_days, 30);
    assert_eq!(c.backup_store.location, "backups");
    assert!(c.backup_recipients.is_some());
}
