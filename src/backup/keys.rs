//! The operator's keys (age, post-quantum): backups are encrypted to one or more public keys
//! (`BACKUP_RECIPIENTS`, `age1pq1…`), and only the private key (`AGE-SECRET-KEY-PQ-1…`, which
//! the server never holds) opens them. `consultor backup-keys` makes a pair; `age-keygen -pq`
//! makes the same kind.

use age::pq;
use age::secrecy::ExposeSecret;
use std::io::{Read, Write};
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("chave pública de backup inválida ({0}): use a linha \"age1pq1…\" de `consultor backup-keys` ou do `age-keygen -pq`")]
    BadRecipient(String),
    #[error("nenhuma chave privada (AGE-SECRET-KEY-…) encontrada")]
    NoIdentity,
    #[error("a chave privada não abre esta cópia (foi cifrada para outra chave?)")]
    WrongKey,
    #[error("cópia cifrada ilegível: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The public keys backups are encrypted to: age's post-quantum keys (`age1pq1…`, from
/// `consultor backup-keys` or `age-keygen -pq`). Classic X25519 keys are refused: health
/// data kept a year in the weekly copies should not be readable by whoever records the
/// files today and holds a quantum computer later (the age crate deprecates them too).
#[derive(Clone, Debug)]
pub struct Recipients(Vec<String>);

impl Recipients {
    /// From `BACKUP_RECIPIENTS`: keys separated by commas or spaces.
    pub fn parse(list: &str) -> Result<Self, KeyError> {
        let keys: Vec<String> = list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect();
        if keys.is_empty() {
            return Err(KeyError::BadRecipient("lista vazia".into()));
        }
        let parsed = Self(keys);
        parsed.keys()?;
        Ok(parsed)
    }

    fn keys(&self) -> Result<Vec<Box<dyn age::Recipient + Send>>, KeyError> {
        let keys: Vec<Box<dyn age::Recipient + Send>> = self
            .0
            .iter()
            .map(|k| -> Result<Box<dyn age::Recipient + Send>, KeyError> {
                if let Ok(r) = pq::Recipient::from_str(k) {
                    return Ok(Box::new(r));
                }
                // Never echo a private key pasted by mistake.
                let shown = if k.to_ascii_uppercase().starts_with("AGE-SECRET-KEY") {
                    "uma chave privada".to_string()
                } else {
                    k.chars().take(12).collect::<String>() + "…"
                };
                Err(KeyError::BadRecipient(shown))
            })
            .collect::<Result<_, _>>()?;
        Ok(keys)
    }

    /// Encrypts everything written to the returned writer into `output`; `finish()` it.
    pub fn encrypt<W: Write>(&self, output: W) -> Result<age::stream::StreamWriter<W>, KeyError> {
        let keys = self.keys()?;
        let encryptor = age::Encryptor::with_recipients(keys.iter().map(|r| r.as_ref() as _))
            .map_err(|e| KeyError::Corrupt(e.to_string()))?;
        Ok(encryptor.wrap_output(output)?)
    }
}

/// The operator's private keys (never printed).
#[derive(Clone)]
pub struct Identities(Vec<String>);

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identities({} chaves)", self.0.len())
    }
}

impl Identities {
    pub fn none() -> Self {
        Self(Vec::new())
    }

    fn keys(&self) -> Vec<Box<dyn age::Identity>> {
        self.0
            .iter()
            .filter_map(|k| pq::Identity::from_str(k).ok())
            .map(|i| Box::new(i) as Box<dyn age::Identity>)
            .collect()
    }
}

/// The private keys in `text` (an age identity file, or the key itself): comment lines and
/// anything else are skipped.
pub fn identities(text: &str) -> Result<Identities, KeyError> {
    let found = Identities(
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("AGE-SECRET-KEY-"))
            .map(str::to_string)
            .collect(),
    );
    if found.keys().is_empty() {
        return Err(KeyError::NoIdentity);
    }
    Ok(found)
}

/// The plaintext of an age file, read as it is decrypted.
pub fn decrypt<R: Read>(
    input: R,
    identities: &Identities,
) -> Result<age::stream::StreamReader<R>, KeyError> {
    let decryptor = age::Decryptor::new(input).map_err(|e| KeyError::Corrupt(e.to_string()))?;
    let keys = identities.keys();
    decryptor
        .decrypt(keys.iter().map(|i| i.as_ref()))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => KeyError::WrongKey,
            other => KeyError::Corrupt(other.to_string()),
        })
}

/// Whether `head` (a file's first bytes) is an age file's header.
pub fn is_encrypted(head: &[u8]) -> bool {
    head.starts_with(b"age-encryption.org/v1")
}

/// A new post-quantum key pair: (private, public).
pub fn generate() -> (String, String) {
    let identity = pq::Identity::generate();
    let public = identity.to_public().to_string();
    (identity.to_string().expose_secret().to_string(), public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_encrypted_to_a_key_opens_with_its_private_key_only() {
        let (private, public) = generate();
        let (other_private, _) = generate();
        let recipients = Recipients::parse(&format!(" {public} ,")).unwrap();
        let mut out = Vec::new();
        let mut w = recipients.encrypt(&mut out).unwrap();
        w.write_all(b"Maria 5521999990001").unwrap();
        w.finish().unwrap();
        assert!(is_encrypted(&out));
        assert!(!out.windows(5).any(|w| w == b"Maria"));

        let mut plain = String::new();
        decrypt(
            &out[..],
            &identities(&format!("# comentário\n{private}\n")).unwrap(),
        )
        .unwrap()
        .read_to_string(&mut plain)
        .unwrap();
        assert_eq!(plain, "Maria 5521999990001");
        assert!(matches!(
            decrypt(&out[..], &identities(&other_private).unwrap()),
            Err(KeyError::WrongKey)
        ));
    }

    #[test]
    fn bad_keys_are_refused_without_echoing_a_private_one() {
        let (private, _) = generate();
        let err = Recipients::parse(&private).unwrap_err().to_string();
        assert!(!err.contains(&private[15..]), "{err}");
        assert!(Recipients::parse("").is_err());
        assert!(Recipients::parse("age1nada").is_err());
        // A classic X25519 key (age-keygen without -pq) is refused.
        let classic = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
        assert!(Recipients::parse(classic).is_err());
        assert!(matches!(identities("age1abc"), Err(KeyError::NoIdentity)));
    }
}
