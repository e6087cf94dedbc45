//! Turning server-side failures into `AppError` without leaking their text.

use crate::error::{AppError, FieldError};

/// Logs the full cause chain and returns the generic error the user sees.
pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
    tracing::error!(context, error = %err, "internal error");
    AppError::Internal
}

/// Sets the HTTP status of a server function's error response. Skipped for plain form posts
/// (JavaScript off): those answer with a redirect back to the form, which a 4xx would break.
pub fn set_error_status(err: &AppError) {
    if super::request_meta::is_plain_form_post() {
        return;
    }
    if let (Some(opts), Ok(code)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(err.status()),
    ) {
        opts.set_status(code);
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if super::db::is_inactive_account(&err) {
            set_error_status(&AppError::Unauthenticated);
            return AppError::Unauthenticated;
        }
        if let Some(field) = unique_violation_field(&err) {
            return AppError::fields(vec![field]);
        }
        if let Some(message) = refused_text(&err) {
            tracing::warn!(error = %err, "text refused by the database");
            return AppError::invalid(message);
        }
        internal("database", err)
    }
}

/// Text the database refused as such: a last net under the forms' own checks (which name the
/// field), so that what a browser can send never becomes a 500.
fn refused_text(err: &sqlx::Error) -> Option<&'static str> {
    match err.as_database_error()?.code()?.as_ref() {
        // NUL in text (character_not_in_repertoire) or in JSON (untranslatable_character).
        "22021" | "22P05" => Some(
            "O texto tem um caractere invisível que não pode ser salvo. Apague-o (ou digite o \
             texto de novo) e tente outra vez.",
        ),
        "22001" => Some("Um dos textos é longo demais. Encurte-o e tente de novo."),
        _ => None,
    }
}

/// Maps a unique-constraint violation, by constraint name, to a message on the form field
/// it concerns. Unknown constraints fall through to the generic error.
pub fn unique_violation_field(err: &sqlx::Error) -> Option<FieldError> {
    let db = err.as_database_error()?;
    if !db.is_unique_violation() {
        return None;
    }
    let (field, message) = match db.constraint()? {
        "consultants_email_key" => ("email", "Já existe uma conta com este e-mail."),
        "consultants_slug_key" => ("slug", "Este endereço já está em uso. Escolha outro."),
        "whatsapp_connections_phone_number_id_key" => (
            "whatsapp",
            "Este número do WhatsApp já está conectado a outra conta do Consultor. Desconecte-o \
             lá antes de conectá-lo aqui.",
        ),
        "follow_up_rules_once" => (
            "espera",
            "Você já tem uma regra com essa etapa e esse tempo. Escolha outro tempo.",
        ),
        "message_templates_name_key" => (
            "nome",
            "Você já tem um modelo com este nome. Escolha outro nome.",
        ),
        _ => return None,
    };
    Some(FieldError {
        field: field.into(),
        message: message.into(),
    })
}

/// A handler's error as the browser gets it: a sign-in page for `Unauthenticated`, a
/// permanent redirect for `Moved`, otherwise its status with its Portuguese message (never
/// the cause, which `internal` logged).
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        use axum::response::Redirect;
        match self {
            AppError::Unauthenticated => Redirect::to("/entrar").into_response(),
            AppError::Moved(to) => Redirect::permanent(&to).into_response(),
            other => other.status_response(),
        }
    }
}

impl AppError {
    /// The error's status with its Portuguese message as plain text.
    pub fn status_response(&self) -> axum::response::Response {
        use axum::http::{header, StatusCode};
        use axum::response::IntoResponse;
        (
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.to_string(),
        )
            .into_response()
    }
}
