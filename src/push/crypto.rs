//! Web Push crypto: RFC 8291 message encryption using the RFC 8188
//! `aes128gcm` content coding, plus the RFC 8292 VAPID `Authorization` header.
//!
//! The caller POSTs the body from [`encrypt`] to the subscription endpoint with
//! `Content-Encoding: aes128gcm`, a `TTL` header and the header value from
//! [`Vapid::authorization`].

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use hkdf::Hkdf;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{FieldBytes, PublicKey, SecretKey};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use std::fmt;

/// Browsers hand out keys as unpadded base64url, but keys that went through
/// other tooling sometimes come back padded; accept both, always emit unpadded.
const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Record size written into the header. Push services only promise to carry
/// 4096-byte payloads (RFC 8030 §7.2), so one record of at most this size.
const RECORD_SIZE: u32 = 4096;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;
/// Largest plaintext that fits one 4096-byte record: 4096 - 16 (tag) - 1
/// (the 0x02 padding delimiter) = 4079 would fit the record alone, but RFC 8291
/// §4 counts the 86-byte header against the 4096 bytes a push service must
/// accept, giving 4096 - 86 - 1 - 16 = 3993. We use that, so any body we
/// produce is at most 4096 bytes in total.
pub const MAX_PLAINTEXT: usize = 3993;
/// VAPID tokens are valid for at most 24 h (RFC 8292 §2); 12 h leaves room
/// for clock skew between us and the push service.
const VAPID_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// A browser's subscription keys, as PushSubscription.toJSON() gives them (base64url, no padding).
pub struct SubscriptionKeys {
    pub p256dh: String,
    pub auth: String,
}

#[derive(Debug)]
pub enum PushCryptoError {
    /// A key (or, for VAPID, the endpoint/subject) is malformed; the text says which.
    BadKey(&'static str),
    /// The plaintext is over [`MAX_PLAINTEXT`] bytes.
    TooLong,
    /// A primitive failed; not expected with validated inputs.
    Crypto,
}

impl fmt::Display for PushCryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushCryptoError::BadKey(why) => write!(f, "bad push key: {why}"),
            PushCryptoError::TooLong => {
                write!(f, "push payload longer than {MAX_PLAINTEXT} bytes")
            }
            PushCryptoError::Crypto => write!(f, "push encryption failed"),
        }
    }
}

impl std::error::Error for PushCryptoError {}

/// Encrypts `plaintext` for one subscription: the whole HTTP body (RFC 8188 header: salt(16) | rs u32 BE 4096 | idlen=65 | sender public key (65 bytes uncompressed) | one record ciphertext with the 0x02 padding delimiter). Random salt and ephemeral key each call.
pub fn encrypt(keys: &SubscriptionKeys, plaintext: &[u8]) -> Result<Vec<u8>, PushCryptoError> {
    // A fresh key and salt per message are what make the derived key/nonce
    // unique; reusing either with the same subscription would break GCM.
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let sender: [u8; 32] = SecretKey::random(&mut OsRng).to_bytes().into();
    encrypt_with(keys, plaintext, &sender, &salt)
}

/// The same with a given sender private key (32 bytes) and salt, for the RFC's test vector.
pub fn encrypt_with(
    keys: &SubscriptionKeys,
    plaintext: &[u8],
    sender_private: &[u8; 32],
    salt: &[u8; 16],
) -> Result<Vec<u8>, PushCryptoError> {
    let ua_bytes = B64
        .decode(keys.p256dh.trim())
        .map_err(|_| PushCryptoError::BadKey("p256dh is not base64url"))?;
    // RFC 8291 §3.1 requires the uncompressed form; from_sec1_bytes alone would
    // also take a compressed point, so check the shape first, then let it check
    // that the point is on the curve (invalid-curve attacks leak our key).
    if ua_bytes.len() != 65 || ua_bytes[0] != 0x04 {
        return Err(PushCryptoError::BadKey(
            "p256dh is not a 65-byte uncompressed point",
        ));
    }
    let ua_public = PublicKey::from_sec1_bytes(&ua_bytes)
        .map_err(|_| PushCryptoError::BadKey("p256dh is not a point on P-256"))?;
    let auth = B64
        .decode(keys.auth.trim())
        .map_err(|_| PushCryptoError::BadKey("auth is not base64url"))?;
    if auth.len() != 16 {
        return Err(PushCryptoError::BadKey("auth is not 16 bytes"));
    }
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(PushCryptoError::TooLong);
    }

    let sender = SecretKey::from_bytes(&FieldBytes::from(*sender_private))
        .map_err(|_| PushCryptoError::BadKey("sender private key is not a valid scalar"))?;
    let as_public = sender.public_key().to_encoded_point(false);
    let as_public = as_public.as_bytes();
    let ecdh = p256::ecdh::diffie_hellman(sender.to_nonzero_scalar(), ua_public.as_affine());

    // RFC 8291 §3.3-3.4: mix the auth secret and both public keys into the
    // input keying material, so only this subscription can derive the key.
    let mut key_info = Vec::with_capacity(14 + 65 + 65);
    key_info.extend_from_slice(b"WebPush: info\0");
    key_info.extend_from_slice(&ua_bytes);
    key_info.extend_from_slice(as_public);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&auth), ecdh.raw_secret_bytes())
        .expand(&key_info, &mut ikm)
        .map_err(|_| PushCryptoError::Crypto)?;

    // RFC 8188 §2.2-2.3: content key and nonce from the salt and the IKM.
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| PushCryptoError::Crypto)?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| PushCryptoError::Crypto)?;

    // A single record is also the last one, so it ends with delimiter 0x02 and
    // no further padding; its sequence number is 0, so the nonce is used as is.
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(0x02);
    let ciphertext = Aes128Gcm::new_from_slice(&cek)
        .map_err(|_| PushCryptoError::Crypto)?
        .encrypt(&Nonce::from(nonce), record.as_slice())
        .map_err(|_| PushCryptoError::Crypto)?;

    // RFC 8188 §2.1 header; RFC 8291 §4 puts the sender public key in keyid.
    let mut body = Vec::with_capacity(16 + 4 + 1 + 65 + ciphertext.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_public.len() as u8);
    body.extend_from_slice(as_public);
    body.extend_from_slice(&ciphertext);
    debug_assert_eq!(body.len(), 86 + plaintext.len() + 1 + TAG_LEN);
    Ok(body)
}

/// VAPID keys: the application server's P-256 private key as base64url of the raw 32-byte scalar.
pub struct Vapid {
    key: SigningKey,
}

impl Vapid {
    pub fn from_private_base64url(s: &str) -> Result<Vapid, PushCryptoError> {
        let raw = B64
            .decode(s.trim())
            .map_err(|_| PushCryptoError::BadKey("VAPID private key is not base64url"))?;
        // Check the length ourselves: SigningKey::from_slice would quietly
        // left-pad short input, hiding a truncated key.
        let raw: [u8; 32] = raw
            .try_into()
            .map_err(|_| PushCryptoError::BadKey("VAPID private key is not 32 bytes"))?;
        let key = SigningKey::from_bytes(&FieldBytes::from(raw))
            .map_err(|_| PushCryptoError::BadKey("VAPID private key is not a valid scalar"))?;
        Ok(Vapid { key })
    }

    pub fn generate() -> Vapid {
        Vapid {
            key: SigningKey::random(&mut OsRng),
        }
    }

    pub fn private_base64url(&self) -> String {
        B64.encode(self.key.to_bytes())
    }

    /// The public key, base64url of the 65-byte uncompressed point: what the browser's pushManager.subscribe({applicationServerKey}) takes, and the `k=` of the header.
    pub fn public_base64url(&self) -> String {
        B64.encode(self.key.verifying_key().to_encoded_point(false).as_bytes())
    }

    /// `vapid t=<jwt>, k=<public key>` for a push service endpoint: JWT header {"typ":"JWT","alg":"ES256"}, claims {"aud": the endpoint's origin (scheme://host[:port]), "exp": now_unix + 12 h, "sub": subject (a mailto: or https: URL)}, ES256 signature as raw r||s (64 bytes) base64url.
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        now_unix: i64,
    ) -> Result<String, PushCryptoError> {
        // Apple rejects tokens whose sub is not a mailto:/https: URL, so fail
        // here where the cause is obvious rather than as a 403 later.
        if !(subject.starts_with("mailto:") || subject.starts_with("https:")) {
            return Err(PushCryptoError::BadKey(
                "VAPID subject must be a mailto: or https: URL",
            ));
        }
        let aud = origin(endpoint)?;
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        // serde_json escapes the subject; building JSON by hand would not.
        let claims = serde_json::json!({
            "aud": aud,
            "exp": now_unix + VAPID_LIFETIME_SECS,
            "sub": subject,
        });
        let claims = B64.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        // JWS ES256 wants the fixed 64-byte r||s form (RFC 7518 §3.4), not DER.
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        let jwt = format!("{signing_input}.{}", B64.encode(signature.to_bytes()));
        Ok(format!("vapid t={jwt}, k={}", self.public_base64url()))
    }
}

/// The origin (RFC 6454 serialization) of an absolute http(s) URL: push
/// services compare `aud` to their own origin, so path, query, userinfo and a
/// default port must not leak into it, and scheme/host are lowercased.
fn origin(endpoint: &str) -> Result<String, PushCryptoError> {
    const BAD: PushCryptoError = PushCryptoError::BadKey("endpoint is not an http(s) URL");
    let (scheme, rest) = endpoint.trim().split_once("://").ok_or(BAD)?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => ":443",
        "http" => ":80",
        _ => return Err(BAD),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(BAD);
    }
    let authority = authority.to_ascii_lowercase();
    let host = authority.strip_suffix(default_port).unwrap_or(&authority);
    Ok(format!("{scheme}://{host}"))
}

pub mod browser;
#[cfg(test)]
mod tests;
