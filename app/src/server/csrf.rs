//! CSRF protection: a random token per session (synchronizer token pattern), rendered into
//! every state-changing form as a hidden `csrf` field and checked before any change.
//! SameSite=Lax cookies already stop most cross-site posts; the token covers the rest
//! (older browsers, same-site subdomains).

use crate::error::AppError;
use rand::RngCore;
use tower_sessions::Session;

const KEY: &str = "csrf_token";

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session
        .get::<String>(KEY)
        .await
        .map_err(|e| super::error::internal("csrf read", e))?
    {
        return Ok(t);
    }
    let t = new_token();
    session
        .insert(KEY, &t)
        .await
        .map_err(|e| super::error::internal("csrf insert", e))?;
    Ok(t)
}

/// A fresh token, after the session's privilege changes (login).
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session
        .insert(KEY, new_token())
        .await
        .map_err(|e| super::error::internal("csrf rotate", e))
}

pub async fn verify(session: &Session, submitted: &str) -> Result<(), AppError> {
    let expected = session
        .get::<String>(KEY)
        .await
        .map_err(|e| super::error::internal("csrf read", e))?;
    match expected {
        Some(expected) if constant_time_eq(expected.as_bytes(), submitted.as_bytes()) => Ok(()),
        _ => Err(AppError::Forbidden(
            "Este formulário expirou. Recarregue a página e tente de novo.".into(),
        )),
    }
}

/// Equality whose time does not depend on where two secrets differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert_eq!(new_token().len(), 64);
    }
}
