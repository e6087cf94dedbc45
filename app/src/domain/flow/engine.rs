//! The flow engine: `(definition, state, inbound, now) -> (state, messages, effects)`.

use super::answer;
use super::definition::{Choice, FlowDefinition, Step, StepKind};
use super::replies::{
    EMPTY_TEXT, HAND_OFF, NOT_UNDERSTOOD, NOT_UNDERSTOOD_SPOKEN, TEXT_ONLY, UNHEARD,
};
use super::validate::WhatsAppLimits;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::outgoing::{Button, ListRow, Outgoing};

/// Wrong answers in a row to one question before the lead is handed to the consultant.
pub const MAX_WRONG_ANSWERS: u32 = 3;

/// What the conversation remembers between messages (stored in `conversations.state`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationState {
    /// The step waiting for an answer (or the `fim` reached).
    pub current_step: Option<String>,
    /// Step id → stored value (`valor` of a choice, the checked text of a texto step).
    pub answers: BTreeMap<String, String>,
    /// Step id → what the lead saw or typed, for `{{placeholders}}`.
    pub labels: BTreeMap<String, String>,
    /// Wrong answers to the current question.
    pub wrong_answers: u32,
    pub completed: bool,
    pub handed_off: bool,
    /// When the current question was sent (reminders count from here).
    pub asked_at: Option<DateTime<Utc>>,
}

/// A message from the lead, as the engine needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Inbound {
    Text(String),
    /// A tap on a reply button or list row: the id is the option's `valor`.
    Reply {
        id: String,
        title: String,
    },
    /// What a voice note said, as its transcription heard it: a text step takes it as typed
    /// text; a choice step takes the one option it names (`answer::by_speech`).
    Spoken(String),
    /// A voice note that could not be heard (no transcription configured, the file or the
    /// provider failed): the lead is asked to write instead.
    Unheard,
    /// Image, sticker, video...: described, never interpreted.
    Unsupported {
        description: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandOffReason {
    TooManyWrongAnswers,
}

/// What the caller must do besides sending the messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Store this answer (leads.respostas is filled as the flow goes).
    Answered { step: String, value: String },
    /// The flow reached its end: mark the conversation completed, answer with AI.
    Completed { answers: BTreeMap<String, String> },
    /// Stop the bot; the consultant takes over.
    HandOff { reason: HandOffReason },
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    pub state: ConversationState,
    pub messages: Vec<Outgoing>,
    pub effects: Vec<Effect>,
}

/// Starts a conversation: everything up to the first question.
pub fn start(def: &FlowDefinition, now: DateTime<Utc>) -> StepResult {
    let mut result = StepResult {
        state: ConversationState::default(),
        messages: Vec::new(),
        effects: Vec::new(),
    };
    if let Some(first) = def.first() {
        advance(def, &mut result, first.id.clone(), now);
    }
    result
}

/// Takes one message from the lead.
pub fn handle(
    def: &FlowDefinition,
    state: ConversationState,
    inbound: &Inbound,
    now: DateTime<Utc>,
) -> StepResult {
    let mut result = StepResult {
        state,
        messages: Vec::new(),
        effects: Vec::new(),
    };
    if result.state.completed || result.state.handed_off {
        return result; // the bot is done; answering now is the AI's or the consultant's job
    }
    let Some(step) = result
        .state
        .current_step
        .as_deref()
        .and_then(|id| def.step(id))
        .filter(|s| s.waits())
        .cloned()
    else {
        // No question pending (new conversation, or the flow changed under it): begin again.
        let mut fresh = start(def, now);
        fresh.state.answers = result.state.answers;
        fresh.state.labels = result.state.labels;
        return fresh;
    };

    if let Inbound::Unsupported { .. } | Inbound::Unheard = inbound {
        let body = if *inbound == Inbound::Unheard {
            UNHEARD
        } else {
            TEXT_ONLY
        };
        result.messages.push(Outgoing::Text { body: body.into() });
        result.messages.push(question(&step, &result.state));
        result.state.asked_at = Some(now);
        return result;
    }

    match step.tipo {
        StepKind::Escolha => {
            let chosen: Option<&Choice> = match inbound {
                Inbound::Reply { id, title } => {
                    answer::by_id(&step, id).or_else(|| answer::by_text(&step, title))
                }
                Inbound::Text(t) => answer::by_text(&step, t),
                Inbound::Spoken(t) => answer::by_speech(&step, t),
                Inbound::Unheard | Inbound::Unsupported { .. } => None,
            };
            match chosen {
                Some(c) => {
                    record(&mut result, &step.id, c.valor.clone(), c.rotulo.clone());
                    match step.next_after(Some(c)) {
                        Some(next) => advance(def, &mut result, next.to_string(), now),
                        None => finish(&mut result, &step.id),
                    }
                }
                None if matches!(inbound, Inbound::Spoken(_)) => {
                    wrong(&mut result, &step, NOT_UNDERSTOOD_SPOKEN, now)
                }
                None => wrong(&mut result, &step, NOT_UNDERSTOOD, now),
            }
        }
        StepKind::Texto => {
            let text = match inbound {
                Inbound::Text(t) | Inbound::Spoken(t) => t.clone(),
                Inbound::Reply { title, .. } => title.clone(),
                Inbound::Unheard | Inbound::Unsupported { .. } => String::new(),
            };
            let checked = match step.validacao {
                Some(v) => v.check(&text),
                None if text.trim().is_empty() => Err(EMPTY_TEXT),
                None => Ok(text.trim().to_string()),
            };
            match checked {
                Ok(value) => {
                    record(&mut result, &step.id, value.clone(), value);
                    match step.proxima.clone() {
                        Some(next) => advance(def, &mut result, next, now),
                        None => finish(&mut result, &step.id),
                    }
                }
                Err(hint) => wrong(&mut result, &step, hint, now),
            }
        }
        StepKind::Mensagem | StepKind::Fim => unreachable!("filtered by waits()"),
    }
    result
}

fn record(result: &mut StepResult, step: &str, value: String, label: String) {
    result.state.answers.insert(step.to_string(), value.clone());
    result.state.labels.insert(step.to_string(), label);
    result.effects.push(Effect::Answered {
        step: step.to_string(),
        value,
    });
}

/// `hint` is the check's own words; the step's `invalida`, when set, replaces them.
fn wrong(result: &mut StepResult, step: &Step, hint: &str, now: DateTime<Utc>) {
    let hint = step
        .invalida
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or(hint);
    result.state.wrong_answers += 1;
    if result.state.wrong_answers >= MAX_WRONG_ANSWERS {
        result.state.handed_off = true;
        result.messages.push(Outgoing::Text {
            body: HAND_OFF.into(),
        });
        result.effects.push(Effect::HandOff {
            reason: HandOffReason::TooManyWrongAnswers,
        });
    } else {
        result.messages.push(Outgoing::Text { body: hint.into() });
        result.messages.push(question(step, &result.state));
        result.state.asked_at = Some(now);
    }
}

fn finish(result: &mut StepResult, at: &str) {
    result.state.completed = true;
    result.state.current_step = Some(at.to_string());
    result.effects.push(Effect::Completed {
        answers: result.state.answers.clone(),
    });
}

/// Sends `mensagem` steps until a question (which waits) or the end.
fn advance(def: &FlowDefinition, result: &mut StepResult, mut id: String, now: DateTime<Utc>) {
    // A valid flow never loops here (the validator refuses message-only cycles); the bound
    // keeps an unvalidated one from spinning.
    for _ in 0..=def.etapas.len() {
        let Some(step) = def.step(&id) else {
            finish(result, &id);
            return;
        };
        match step.tipo {
            StepKind::Mensagem => {
                result.messages.push(Outgoing::Text {
                    body: render(&step.pergunta, &result.state),
                });
                match &step.proxima {
                    Some(next) => id = next.clone(),
                    None => {
                        finish(result, &step.id);
                        return;
                    }
                }
            }
            StepKind::Escolha | StepKind::Texto => {
                result.messages.push(question(step, &result.state));
                result.state.current_step = Some(step.id.clone());
                result.state.wrong_answers = 0;
                result.state.asked_at = Some(now);
                return;
            }
            StepKind::Fim => {
                if !step.pergunta.trim().is_empty() {
                    result.messages.push(Outgoing::Text {
                        body: render(&step.pergunta, &result.state),
                    });
                }
                finish(result, &step.id);
                return;
            }
        }
    }
    finish(result, &id);
}

/// Fills `{{step_id}}` with what the lead answered there; unknown names become empty.
fn render(template: &str, state: &ConversationState) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}") {
            Some(close) => {
                let key = after[..close].trim();
                if let Some(v) = state.labels.get(key) {
                    out.push_str(v);
                }
                rest = &after[close + 2..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A question as WhatsApp shows it: reply buttons up to 3 options, a list up to 10,
/// numbered text beyond.
/// How a step's question goes out on WhatsApp (buttons up to 3 options, a list up to 10,
/// numbered text beyond), before any answer fills its placeholders: the editor's preview.
/// Placeholders stay as written (`{{nome}}`): there are no answers to fill them with yet.
pub fn preview(step: &Step) -> Outgoing {
    let body = step.pergunta.clone();
    match question(step, &ConversationState::default()) {
        Outgoing::Text { .. } => Outgoing::Text { body },
        Outgoing::Buttons { buttons, .. } => Outgoing::Buttons { body, buttons },
        Outgoing::List { button, rows, .. } => Outgoing::List { body, button, rows },
        other => other,
    }
}

fn question(step: &Step, state: &ConversationState) -> Outgoing {
    let body = render(&step.pergunta, state);
    if step.tipo != StepKind::Escolha {
        return Outgoing::Text { body };
    }
    let n = step.opcoes.len();
    if n <= WhatsAppLimits::MAX_BUTTONS {
        Outgoing::Buttons {
            body,
            buttons: step
                .opcoes
                .iter()
                .map(|c| Button {
                    id: c.valor.clone(),
                    title: c.rotulo.clone(),
                })
                .collect(),
        }
    } else if n <= WhatsAppLimits::MAX_LIST_ROWS {
        Outgoing::List {
            body,
            button: "Ver opções".into(),
            rows: step
                .opcoes
                .iter()
                .map(|c| ListRow {
                    id: c.valor.clone(),
                    title: c.rotulo.clone(),
                    description: c.descricao.clone(),
                })
                .collect(),
        }
    } else {
        let lines: Vec<String> = step
            .opcoes
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. {}", i + 1, c.rotulo))
            .collect();
        Outgoing::Text {
            body: format!(
                "{body}\n\n{}\n\nResponda com o número da opção.",
                lines.join("\n")
            ),
        }
    }
}
