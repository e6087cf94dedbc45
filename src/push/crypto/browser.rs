//! The browser's side of RFC 8291, written straight from the RFC with the primitives (not
//! from the module's encryption code), so that a derivation bug in the module cannot cancel
//! itself out in the tests that use it.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hkdf::Hkdf;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use sha2::Sha256;

/// Decrypts a push message body as the browser does: the tests and the loopback push service
/// of the integration tests read what was sent with it.
pub fn decrypt(ua_private: &SecretKey, auth: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    if body.len() < 21 {
        return None;
    }
    let salt = &body[..16];
    let rs = u32::from_be_bytes(body[16..20].try_into().ok()?);
    let idlen = body[20] as usize;
    let as_public = body.get(21..21 + idlen)?;
    let record = &body[21 + idlen..];
    if record.len() > rs as usize {
        return None;
    }
    let as_key = PublicKey::from_sec1_bytes(as_public).ok()?;
    let ecdh = p256::ecdh::diffie_hellman(ua_private.to_nonzero_scalar(), as_key.as_affine());
    let ua_public = ua_private.public_key().to_encoded_point(false);
    let info = [
        b"WebPush: info\0".as_slice(),
        ua_public.as_bytes(),
        as_public,
    ]
    .concat();
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(auth), ecdh.raw_secret_bytes())
        .expand(&info, &mut ikm)
        .ok()?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .ok()?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce).ok()?;
    let mut padded = Aes128Gcm::new_from_slice(&cek)
        .ok()?
        .decrypt(&Nonce::from(nonce), record)
        .ok()?;
    // Strip trailing zero padding, then the delimiter must be 0x02 (last record).
    while padded.last() == Some(&0) {
        padded.pop();
    }
    (padded.pop()? == 0x02).then_some(padded)
}
