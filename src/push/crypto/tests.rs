//! RFC 8291's own test vector, a decryptor written from the RFC (not from the module), and
//! the VAPID header checked as a push service would.

use super::browser::decrypt;
use super::*;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::VerifyingKey;

// RFC 8291 §5 and Appendix A (whitespace from the RFC's line wrapping removed).
const RFC_PLAINTEXT: &[u8] = b"When I grow up, I want to be a watermelon";
const RFC_AS_PRIVATE: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
const RFC_AS_PUBLIC: &str =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
const RFC_UA_PRIVATE: &str = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
const RFC_UA_PUBLIC: &str =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const RFC_AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const RFC_SALT: &str = "DGv6ra1nlYgDCS1FRnbzlw";
const RFC_BODY: &str = concat!(
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml",
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT",
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN",
);

fn d(s: &str) -> Vec<u8> {
    B64.decode(s).unwrap()
}

fn rfc_keys() -> SubscriptionKeys {
    SubscriptionKeys {
        p256dh: RFC_UA_PUBLIC.into(),
        auth: RFC_AUTH.into(),
    }
}

#[test]
fn rfc8291_appendix_a_vector() {
    let sender: [u8; 32] = d(RFC_AS_PRIVATE).try_into().unwrap();
    let salt: [u8; 16] = d(RFC_SALT).try_into().unwrap();
    let body = encrypt_with(&rfc_keys(), RFC_PLAINTEXT, &sender, &salt).unwrap();
    assert_eq!(B64.encode(&body), RFC_BODY);
    assert_eq!(body, d(RFC_BODY));
    assert_eq!(&body[21..86], d(RFC_AS_PUBLIC).as_slice());
    // The test decryptor must also read the RFC's own body, or test 2 proves nothing.
    let ua = SecretKey::from_slice(&d(RFC_UA_PRIVATE)).unwrap();
    assert_eq!(
        decrypt(&ua, &d(RFC_AUTH), &d(RFC_BODY)).unwrap(),
        RFC_PLAINTEXT
    );
}

#[test]
fn encrypt_round_trips_and_is_randomized() {
    let ua = SecretKey::random(&mut OsRng);
    let mut auth = [0u8; 16];
    OsRng.fill_bytes(&mut auth);
    let keys = SubscriptionKeys {
        p256dh: B64.encode(ua.public_key().to_encoded_point(false).as_bytes()),
        auth: B64.encode(auth),
    };
    let msg = br#"{"title":"Hello","body":"world"}"#;
    let a = encrypt(&keys, msg).unwrap();
    let b = encrypt(&keys, msg).unwrap();
    assert_eq!(a.len(), 86 + msg.len() + 1 + 16);
    assert_eq!(&a[16..21], &[0, 0, 0x10, 0, 65]);
    assert_ne!(a[..16], b[..16], "salt must differ");
    assert_ne!(a[21..86], b[21..86], "ephemeral key must differ");
    assert_ne!(a, b);
    assert_eq!(decrypt(&ua, &auth, &a).unwrap(), msg);
    assert_eq!(decrypt(&ua, &auth, &b).unwrap(), msg);
    // Wrong auth secret must not decrypt.
    assert!(decrypt(&ua, &[0u8; 16], &a).is_none());
    // Largest allowed payload still fits a 4096-byte body and decrypts.
    let big = vec![b'x'; MAX_PLAINTEXT];
    let body = encrypt(&keys, &big).unwrap();
    assert_eq!(body.len(), 4096);
    assert_eq!(decrypt(&ua, &auth, &body).unwrap(), big);
}

#[test]
fn padded_base64_is_accepted() {
    let keys = SubscriptionKeys {
        p256dh: format!("{RFC_UA_PUBLIC}="),
        auth: format!("{RFC_AUTH}=="),
    };
    let sender: [u8; 32] = d(RFC_AS_PRIVATE).try_into().unwrap();
    let salt: [u8; 16] = d(RFC_SALT).try_into().unwrap();
    let body = encrypt_with(&keys, RFC_PLAINTEXT, &sender, &salt).unwrap();
    assert_eq!(body, d(RFC_BODY));
}

#[test]
fn bad_keys_and_long_plaintexts_are_refused() {
    let bad = |p256dh: String, auth: &str| {
        let keys = SubscriptionKeys {
            p256dh,
            auth: auth.into(),
        };
        matches!(encrypt(&keys, b"hi"), Err(PushCryptoError::BadKey(_)))
    };
    let ua = d(RFC_UA_PUBLIC);
    // Compressed form of the same point: valid P-256, but not what RFC 8291 allows.
    let compressed = PublicKey::from_sec1_bytes(&ua)
        .unwrap()
        .to_encoded_point(true);
    assert!(bad(B64.encode(compressed.as_bytes()), RFC_AUTH));
    let mut off_curve = ua.clone();
    off_curve[64] ^= 1;
    assert!(bad(B64.encode(&off_curve), RFC_AUTH));
    let mut not_uncompressed = ua.clone();
    not_uncompressed[0] = 0x05;
    assert!(bad(B64.encode(&not_uncompressed), RFC_AUTH));
    assert!(bad(B64.encode(&ua[..64]), RFC_AUTH));
    assert!(bad("not base64!".into(), RFC_AUTH));
    assert!(bad(RFC_UA_PUBLIC.into(), &B64.encode([7u8; 15])));
    assert!(bad(RFC_UA_PUBLIC.into(), &B64.encode([7u8; 17])));
    assert!(bad(RFC_UA_PUBLIC.into(), "%%%"));
    assert!(!bad(RFC_UA_PUBLIC.into(), RFC_AUTH));

    assert!(matches!(
        encrypt(&rfc_keys(), &vec![0u8; MAX_PLAINTEXT + 1]),
        Err(PushCryptoError::TooLong)
    ));
    assert!(encrypt(&rfc_keys(), &vec![0u8; MAX_PLAINTEXT]).is_ok());
    // An all-zero sender scalar is not a private key.
    assert!(matches!(
        encrypt_with(&rfc_keys(), b"hi", &[0u8; 32], &[0u8; 16]),
        Err(PushCryptoError::BadKey(_))
    ));
}

#[test]
fn vapid_authorization_is_a_valid_es256_jwt() {
    let vapid = Vapid::generate();
    let now = 1_700_000_000;
    let header_value = vapid
        .authorization(
            "https://fcm.googleapis.com/fcm/send/abc",
            "mailto:ops@example.com",
            now,
        )
        .unwrap();
    let rest = header_value.strip_prefix("vapid t=").unwrap();
    let (jwt, k) = rest.split_once(", k=").unwrap();
    assert_eq!(k, vapid.public_base64url());

    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: serde_json::Value = serde_json::from_slice(&d(parts[0])).unwrap();
    assert_eq!(header, serde_json::json!({"typ": "JWT", "alg": "ES256"}));
    let claims: serde_json::Value = serde_json::from_slice(&d(parts[1])).unwrap();
    assert_eq!(claims["aud"], "https://fcm.googleapis.com");
    assert_eq!(claims["exp"], now + 12 * 3600);
    assert_eq!(claims["sub"], "mailto:ops@example.com");

    // Verify with the key from k=, as the push service would.
    let verifier = VerifyingKey::from_sec1_bytes(&d(k)).unwrap();
    let sig_bytes = d(parts[2]);
    assert_eq!(sig_bytes.len(), 64);
    let sig = Signature::from_slice(&sig_bytes).unwrap();
    let signed = format!("{}.{}", parts[0], parts[1]);
    assert!(verifier.verify(signed.as_bytes(), &sig).is_ok());
    assert!(verifier.verify(b"tampered.claims", &sig).is_err());
    let other = VerifyingKey::from(&SigningKey::random(&mut OsRng));
    assert!(other.verify(signed.as_bytes(), &sig).is_err());
}

#[test]
fn vapid_keys_round_trip_and_validate() {
    let vapid = Vapid::generate();
    let again = Vapid::from_private_base64url(&vapid.private_base64url()).unwrap();
    assert_eq!(again.private_base64url(), vapid.private_base64url());
    assert_eq!(again.public_base64url(), vapid.public_base64url());
    assert_eq!(d(&vapid.public_base64url()).len(), 65);
    // Known pair from RFC 8291: private scalar -> uncompressed public point.
    let rfc = Vapid::from_private_base64url(RFC_AS_PRIVATE).unwrap();
    assert_eq!(rfc.public_base64url(), RFC_AS_PUBLIC);
    assert!(Vapid::from_private_base64url(&B64.encode([1u8; 31])).is_err());
    assert!(Vapid::from_private_base64url(&B64.encode([0u8; 32])).is_err());
    assert!(Vapid::from_private_base64url(&B64.encode([0xffu8; 32])).is_err());
}

#[test]
fn audience_is_the_endpoint_origin() {
    assert_eq!(
        origin("https://fcm.googleapis.com/fcm/send/abc").unwrap(),
        "https://fcm.googleapis.com"
    );
    assert_eq!(
        origin("https://Push.Example:8443/x?y").unwrap(),
        "https://push.example:8443"
    );
    assert_eq!(
        origin("https://web.push.apple.com:443/Q").unwrap(),
        "https://web.push.apple.com"
    );
    assert_eq!(origin("http://localhost:80/x").unwrap(), "http://localhost");
    assert_eq!(
        origin("http://localhost:8080").unwrap(),
        "http://localhost:8080"
    );
    assert!(origin("fcm.googleapis.com/fcm/send").is_err());
    assert!(origin("ftp://example.com/").is_err());
    assert!(origin("https:///path").is_err());
    assert!(origin("https://user@host/").is_err());
    let vapid = Vapid::generate();
    assert!(vapid
        .authorization("https://a.example/x", "ops@example.com", 0)
        .is_err());
}
