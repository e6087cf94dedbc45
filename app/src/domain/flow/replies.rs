//! What the bot says when an answer does not fit: the engine's own words, which a step's
//! `invalida` replaces (the editor shows them as that field's default).

use super::definition::{Step, StepKind};

/// What the lead is told when an answer does not fit `step`, unless the step says otherwise
/// (`invalida`); the editor shows it as the field's default.
pub fn default_invalid_message(step: &Step) -> &'static str {
    match (step.tipo, step.validacao) {
        (StepKind::Texto, Some(v)) => v.default_hint(),
        (StepKind::Texto, None) => EMPTY_TEXT,
        _ => NOT_UNDERSTOOD,
    }
}

pub(super) const EMPTY_TEXT: &str = "Pode escrever sua resposta, por favor?";
pub(super) const NOT_UNDERSTOOD: &str =
    "Não entendi sua resposta. Toque em uma das opções ou responda com o número dela.";
pub(super) const TEXT_ONLY: &str =
    "Por enquanto só consigo ler mensagens de texto. Pode escrever sua resposta, por favor?";
/// What a lead whose voice note could not be heard is told (before the question again, or
/// alone once the flow is done).
pub const UNHEARD: &str =
    "Desculpe, não consegui ouvir seu áudio. Pode escrever sua resposta, por favor?";
/// A voice note heard, but naming no single option.
pub(super) const NOT_UNDERSTOOD_SPOKEN: &str =
    "Ouvi seu áudio, mas não consegui saber qual opção você \
     escolheu. Toque em uma das opções ou responda com o número dela.";
pub(super) const HAND_OFF: &str =
    "Vou chamar um especialista para continuar o atendimento com você. É só aguardar um pouquinho!";
