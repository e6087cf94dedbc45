//! Outgoing e-mail (the password reset), as the server functions see it: a trait whose
//! implementations live in the server crate (SMTP through `lettre`, or the server log when no
//! SMTP server is configured). Sending is never done inside a transaction, and never on the
//! request's own time: the page answers the same whether or not an e-mail went out.

use std::future::Future;
use std::pin::Pin;

/// A plain-text message to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
}

pub trait Mailer: Send + Sync {
    fn send<'a>(
        &'a self,
        email: &'a Email,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

    /// Whether messages really leave the server (an SMTP server is configured). Without one
    /// they are written to the server log, and the pages say so.
    fn delivers(&self) -> bool;
}
