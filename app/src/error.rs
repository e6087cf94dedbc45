//! The error type of every server function: what the browser may see.
//!
//! 4xx variants carry words meant for the user, in Portuguese. Database and internal failures
//! become `Internal`, whose message is generic; the cause is logged on the server (see
//! `server::error`), never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message about one form field (`field` is the input's `name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input: a summary plus per-field messages.
    #[error("{message}")]
    Invalid {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("Sua sessão expirou. Entre novamente.")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("Página não encontrada.")]
    NotFound,
    /// The page lives at another address now (a profile's old address): the path.
    #[error("Esta página mudou de endereço.")]
    Moved(String),
    #[error("{0}")]
    TooManyRequests(String),
    #[error("Algo deu errado do nosso lado. Tente de novo em instantes.")]
    Internal,
    /// Transport-level failures (network down, server unreachable).
    #[error("Não foi possível falar com o servidor. Verifique sua conexão.")]
    Transport(String),
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid {
            message: message.into(),
            fields: Vec::new(),
        }
    }

    /// A form error with the given per-field messages and a summary that names how many.
    pub fn fields(fields: Vec<FieldError>) -> Self {
        let message = if fields.len() == 1 {
            fields[0].message.clone()
        } else {
            "Corrija os campos destacados.".to_string()
        };
        AppError::Invalid { message, fields }
    }

    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            AppError::Invalid { fields, .. } => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid { .. } => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden(_) => 403,
            AppError::NotFound => 404,
            AppError::Moved(_) => 301,
            AppError::TooManyRequests(_) => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Transport(e),
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::invalid("Formulário incompleto. Recarregue a página e tente de novo.")
            }
            _ => AppError::Internal,
        }
    }
}

/// Collects field errors while parsing a form, so the user sees all of them at once.
#[derive(Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Keeps the value, or records the message against `field`.
    pub fn check<T, E: ToString>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::fields(self.0))
        }
    }
}
