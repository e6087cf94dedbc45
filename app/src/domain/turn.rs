//! One turn of a WhatsApp conversation, decided without I/O: what the bot says, what the
//! conversation remembers, what to record, and whether an AI answer is due. The webhook
//! worker gathers the inputs, calls [`decide`] and performs the result; the flow simulator
//! can call the same function.

use super::ai::AnswerContext;
use super::consent::{self, Keyword};
use super::flow::{self, ConversationState, Effect, FlowDefinition, Inbound, Outgoing, StepResult};
use super::person_name::first_name;
use super::Vertical;
use chrono::{DateTime, Utc};

/// Everything a turn depends on.
pub struct TurnInput<'a> {
    pub def: &'a FlowDefinition,
    /// The conversation's state before this message (ignored for a new conversation).
    pub state: ConversationState,
    pub inbound: &'a Inbound,
    /// This message opened the conversation.
    pub is_new: bool,
    /// The lead is new and over the plan's monthly limit: kept, but the bot does not run.
    pub over_limit: bool,
    pub consultant: &'a ConsultantInfo,
    /// WhatsApp's profile name of the lead.
    pub profile_name: Option<&'a str>,
    pub now: DateTime<Utc>,
    /// The lead wrote SAIR (or the like) and has not written VOLTAR since.
    pub opted_out: bool,
    /// The consultant's privacy page, for the notice of a first reply (`None`: no notice,
    /// as in the simulator).
    pub privacy_url: Option<&'a str>,
}

/// What the turn needs to know of the consultant (for the over-limit message and the AI).
#[derive(Debug, Clone)]
pub struct ConsultantInfo {
    pub name: String,
    pub bio: Option<String>,
    pub vertical: Vertical,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TurnDecision {
    pub step: StepResult,
    /// An AI answer to queue after the flow's messages.
    pub ai_answer: Option<AnswerContext>,
    /// The lead opted out (`Stop`) or back in (`Resume`) with this message.
    pub consent: Option<Keyword>,
    /// The privacy notice went with this reply.
    pub privacy_notice: bool,
}

impl TurnDecision {
    pub fn completed(&self) -> bool {
        self.step
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Completed { .. }))
    }
}

pub fn decide(input: TurnInput<'_>) -> TurnDecision {
    let keyword = match input.inbound {
        Inbound::Text(t) | Inbound::Spoken(t) => consent::keyword(t),
        _ => None,
    };
    // Consent first: a lead who asked the bot to stop gets one confirmation, then silence
    // (no flow, no reminders, no AI) until VOLTAR. The conversation stays where it was.
    let unchanged = |messages: Vec<Outgoing>, consent: Option<Keyword>| TurnDecision {
        step: StepResult {
            state: if input.is_new {
                ConversationState::default()
            } else {
                input.state.clone()
            },
            messages,
            effects: Vec::new(),
        },
        ai_answer: None,
        consent,
        privacy_notice: false,
    };
    match (keyword, input.opted_out) {
        (Some(Keyword::Stop), _) => {
            let body = consent::stopped_message(first_name(&input.consultant.name));
            return unchanged(vec![Outgoing::Text { body }], Some(Keyword::Stop));
        }
        (Some(Keyword::Resume), true) => {
            let body = consent::resumed_message();
            return unchanged(vec![Outgoing::Text { body }], Some(Keyword::Resume));
        }
        (_, true) => return unchanged(Vec::new(), None),
        _ => {}
    }
    let mut step = if input.over_limit {
        // Over the plan's monthly limit: the lead is kept (nothing lost) and flagged, gets a
        // short message, and waits for the consultant instead of running the flow.
        StepResult {
            state: ConversationState {
                handed_off: true,
                ..Default::default()
            },
            messages: vec![Outgoing::Text {
                body: format!(
                    "Obrigado pelo contato! {} vai falar com você pessoalmente em breve por aqui.",
                    first_name(&input.consultant.name)
                ),
            }],
            effects: Vec::new(),
        }
    } else if input.is_new {
        flow::start(input.def, input.now)
    } else {
        flow::handle(input.def, input.state, input.inbound, input.now)
    };
    // The first reply of a conversation says how the lead's data are used, before the first
    // question (which stays the last thing the lead reads).
    let privacy_notice = match input.privacy_url {
        Some(url) if input.is_new && !input.over_limit => {
            let body = consent::privacy_notice(first_name(&input.consultant.name), url);
            step.messages.insert(0, Outgoing::Text { body });
            true
        }
        _ => false,
    };

    // The AI answers once the flow is done: right after completion, and later whenever the
    // lead writes, unless the conversation was handed to the consultant.
    let completed_now = step
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Completed { .. }));
    let later_question = match input.inbound {
        Inbound::Text(t) | Inbound::Spoken(t)
            if !input.is_new
                && step.state.completed
                && !step.state.handed_off
                && step.messages.is_empty()
                && !completed_now =>
        {
            Some(t.clone())
        }
        _ => None,
    };
    // A voice note after the flow that could not be heard: the AI has nothing to read, and
    // the lead is asked to write it instead of being left unanswered.
    if *input.inbound == Inbound::Unheard
        && !input.is_new
        && step.state.completed
        && !step.state.handed_off
        && step.messages.is_empty()
    {
        step.messages.push(Outgoing::Text {
            body: flow::UNHEARD.into(),
        });
    }
    let ai_answer = (completed_now || later_question.is_some()).then(|| AnswerContext {
        vertical: input.consultant.vertical,
        consultant_name: input.consultant.name.clone(),
        consultant_bio: input.consultant.bio.clone(),
        lead_name: step
            .state
            .labels
            .get("nome")
            .cloned()
            .or_else(|| input.profile_name.map(str::to_string)),
        answers: input
            .def
            .etapas
            .iter()
            .filter_map(|s| {
                step.state
                    .labels
                    .get(&s.id)
                    .map(|l| (s.id.clone(), l.clone()))
            })
            .collect(),
        asked: input
            .def
            .etapas
            .iter()
            .filter(|s| step.state.labels.contains_key(&s.id))
            .map(super::ai::Asked::of)
            .collect(),
        question: later_question,
    });
    TurnDecision {
        step,
        ai_answer,
        consent: None,
        privacy_notice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> FlowDefinition {
        serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "pergunta": "Qual é o seu nome?", "proxima": "fim"},
            {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}!"}
        ]}))
        .unwrap()
    }

    fn consultant() -> ConsultantInfo {
        ConsultantInfo {
            name: "Joana Conceição".into(),
            bio: None,
            vertical: Vertical::HealthPlans,
        }
    }

    fn input<'a>(
        def: &'a FlowDefinition,
        state: ConversationState,
        inbound: &'a Inbound,
        is_new: bool,
        c: &'a ConsultantInfo,
    ) -> TurnInput<'a> {
        TurnInput {
            def,
            state,
            inbound,
            is_new,
            over_limit: false,
            consultant: c,
            profile_name: Some("Maria Zap"),
            now: Utc::now(),
            opted_out: false,
            privacy_url: None,
        }
    }

    #[test]
    fn a_new_conversation_starts_the_flow_without_ai() {
        let (d, c) = (def(), consultant());
        let hi = Inbound::Text("Oi".into());
        let t = decide(input(&d, Default::default(), &hi, true, &c));
        assert_eq!(t.step.messages.len(), 1);
        assert!(t.ai_answer.is_none());
    }

    #[test]
    fn completing_the_flow_asks_for_an_ai_answer_with_the_answers() {
        let (d, c) = (def(), consultant());
        let hi = Inbound::Text("Oi".into());
        let first = decide(input(&d, Default::default(), &hi, true, &c));
        let name = Inbound::Text("Maria".into());
        let t = decide(input(&d, first.step.state, &name, false, &c));
        assert!(t.completed());
        let ai = t.ai_answer.expect("an AI answer is due");
        assert_eq!(ai.lead_name.as_deref(), Some("Maria"));
        assert_eq!(ai.answers, vec![("nome".into(), "Maria".into())]);
        assert_eq!(ai.question, None);

        // A later question gets an answer of its own...
        let q = Inbound::Text("Tem carência?".into());
        let later = decide(input(&d, t.step.state.clone(), &q, false, &c));
        assert_eq!(
            later.ai_answer.unwrap().question.as_deref(),
            Some("Tem carência?")
        );
        // ...unless the consultant took the conversation over.
        let mut taken = t.step.state;
        taken.handed_off = true;
        assert!(decide(input(&d, taken, &q, false, &c)).ai_answer.is_none());
    }

    #[test]
    fn after_the_flow_a_heard_voice_note_is_a_question_and_one_not_heard_asks_to_write() {
        let (d, c) = (def(), consultant());
        let hi = Inbound::Text("Oi".into());
        let first = decide(input(&d, Default::default(), &hi, true, &c));
        let name = Inbound::Spoken("Maria".into());
        let done = decide(input(&d, first.step.state, &name, false, &c));
        assert!(done.completed());
        let q = Inbound::Spoken("E a carência?".into());
        let later = decide(input(&d, done.step.state.clone(), &q, false, &c));
        assert_eq!(
            later.ai_answer.unwrap().question.as_deref(),
            Some("E a carência?")
        );
        let unheard = decide(input(
            &d,
            done.step.state.clone(),
            &Inbound::Unheard,
            false,
            &c,
        ));
        assert!(unheard.ai_answer.is_none());
        assert_eq!(unheard.step.messages.len(), 1);
        assert_eq!(unheard.step.messages[0].as_text(), flow::UNHEARD);
        // A spoken SAIR stops the bot as a typed one does.
        let stop = decide(input(
            &d,
            done.step.state,
            &Inbound::Spoken("Sair.".into()),
            false,
            &c,
        ));
        assert_eq!(stop.consent, Some(Keyword::Stop));
    }

    #[test]
    fn over_the_limit_the_lead_is_told_the_consultant_will_answer() {
        let (d, c) = (def(), consultant());
        let hi = Inbound::Text("Oi".into());
        let mut i = input(&d, Default::default(), &hi, true, &c);
        i.over_limit = true;
        let t = decide(i);
        assert!(t.step.state.handed_off);
        assert_eq!(
            t.step.messages[0].as_text(),
            "Obrigado pelo contato! Joana vai falar com você pessoalmente em breve por aqui."
        );
        assert!(t.ai_answer.is_none());
    }

    #[test]
    fn the_first_reply_carries_the_privacy_notice_before_the_question() {
        let (d, c) = (def(), consultant());
        let hi = Inbound::Text("Oi".into());
        let mut i = input(&d, Default::default(), &hi, true, &c);
        i.privacy_url = Some("https://x/c/joana/privacidade");
        let t = decide(i);
        assert!(t.privacy_notice);
        assert_eq!(t.step.messages.len(), 2);
        assert!(t.step.messages[0]
            .as_text()
            .contains("https://x/c/joana/privacidade"));
        assert_eq!(t.step.messages[1].as_text(), "Qual é o seu nome?");
        // Later replies do not repeat it.
        let name = Inbound::Text("Maria".into());
        let mut later = input(&d, t.step.state, &name, false, &c);
        later.privacy_url = Some("https://x/c/joana/privacidade");
        assert!(!decide(later).privacy_notice);
    }

    #[test]
    fn sair_stops_the_bot_until_voltar() {
        let (d, c) = (def(), consultant());
        let hi = Inbound::Text("Oi".into());
        let first = decide(input(&d, Default::default(), &hi, true, &c));
        let state = first.step.state.clone();

        let stop = Inbound::Text("Sair".into());
        let t = decide(input(&d, state.clone(), &stop, false, &c));
        assert_eq!(t.consent, Some(Keyword::Stop));
        assert_eq!(t.step.messages.len(), 1);
        assert!(t.step.messages[0].as_text().contains("VOLTAR"));
        assert_eq!(t.step.state, state, "the conversation stays where it was");

        // Opted out: an answer, even the one the flow waits for, gets nothing back.
        let name = Inbound::Text("Maria".into());
        let mut quiet = input(&d, state.clone(), &name, false, &c);
        quiet.opted_out = true;
        let t = decide(quiet);
        assert!(t.step.messages.is_empty() && t.ai_answer.is_none() && t.consent.is_none());
        assert!(t.step.effects.is_empty());

        let back = Inbound::Text("VOLTAR".into());
        let mut resume = input(&d, state.clone(), &back, false, &c);
        resume.opted_out = true;
        let t = decide(resume);
        assert_eq!(t.consent, Some(Keyword::Resume));
        assert_eq!(t.step.messages.len(), 1);
        // VOLTAR from a lead who never left is just text to the flow.
        let t = decide(input(&d, state, &back, false, &c));
        assert_eq!(t.consent, None);
    }
}
