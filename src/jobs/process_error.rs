//! What can stop a webhook event's processing (the error of the processing boundary), and
//! whether trying again could help. Shared by the event's processing (`process`), the bot's
//! turn (`bot_turn`) and the turns that waited (`pending_turns`).

use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("banco de dados: {0}")]
    Database(#[from] sqlx::Error),
    #[error("payload ilegível: {0}")]
    Payload(String),
    /// A message whose sender has neither digits nor a user id: nobody to answer.
    #[error("remetente sem número nem usuário")]
    NoSender,
    /// The consultant has no live flow, and no template serves their vertical.
    #[error("nenhum fluxo para a vertical {0}")]
    NoFlow(String),
    #[error("área desconhecida: {0}")]
    UnknownVertical(String),
    #[error("fluxo {flow} inválido: {reason}")]
    InvalidFlow { flow: Uuid, reason: String },
    /// The event's only message can never be processed (`wamid: why`): the worker rolls
    /// the event back, marks it processed and keeps this as its note, without retrying.
    #[error("mensagens não processadas: {0}")]
    Rejected(String),
}

impl ProcessError {
    /// Whether retrying could help: a database error may pass (a lost connection, a
    /// deadlock), unless the database refused the data itself (SQLSTATE class 22: a value
    /// too long for its column, say), which the same message will always be; the rest never
    /// will.
    pub fn is_permanent(&self) -> bool {
        match self {
            ProcessError::Database(e) => e
                .as_database_error()
                .and_then(|d| d.code())
                .is_some_and(|code| code.starts_with("22")),
            _ => true,
        }
    }
}
