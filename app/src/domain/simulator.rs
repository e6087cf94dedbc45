//! The flow simulator (issue #8): the consultant plays the lead against a flow and sees what
//! the bot would answer, through the same pure `turn::decide` the webhook worker uses, the
//! same rendering of buttons and lists, and the AI answer (the configured provider's words,
//! which the caller fetches, or the built-in responder's) after the compliance check. Nothing here touches leads, messages or metrics: the conversation lives in the
//! consultant's session.

use super::ai::{check, safe_answer, AnswerContext};
use super::flow::{ConversationState, FlowDefinition, Inbound};
use super::turn::{self, ConsultantInfo, TurnInput};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Lines kept: a simulation is a test, not an archive.
pub const MAX_LINES: usize = 120;

/// Where a flow's simulation lives in the consultant's session (written by the simulator's
/// form, read by the flow editor's page).
pub fn session_key(flow: uuid::Uuid) -> String {
    format!("simulador:{flow}")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Simulation {
    /// Which version it runs: `rascunho` or `publicada`.
    pub version: String,
    pub state: ConversationState,
    pub started: bool,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// true: what the consultant typed as the lead.
    pub from_lead: bool,
    pub text: String,
    /// "Assistente (IA)" lines: the compliance flags found (the answer was then replaced).
    pub flags: Vec<String>,
    pub ai: bool,
}

impl Simulation {
    /// One message of the "lead", and what the flow answers. When the flow ends the AI
    /// answers too: the context is returned, and the caller passes the model's words to
    /// `answer` (no outside call happens here).
    #[must_use]
    pub fn turn(
        &mut self,
        def: &FlowDefinition,
        consultant: &ConsultantInfo,
        text: &str,
        now: DateTime<Utc>,
    ) -> Option<AnswerContext> {
        let inbound = Inbound::Text(text.to_string());
        let decision = turn::decide(TurnInput {
            def,
            state: std::mem::take(&mut self.state),
            inbound: &inbound,
            is_new: !self.started,
            over_limit: false,
            consultant,
            profile_name: Some("Lead de teste"),
            now,
            opted_out: false,
            privacy_url: None,
        });
        self.started = true;
        self.lines.push(Line {
            from_lead: true,
            text: text.to_string(),
            flags: Vec::new(),
            ai: false,
        });
        for m in &decision.step.messages {
            self.lines.push(Line {
                from_lead: false,
                text: m.as_text(),
                flags: Vec::new(),
                ai: false,
            });
        }
        self.state = decision.step.state;
        self.trim();
        decision.ai_answer
    }

    /// The AI's answer to the lead, as the compliance gate lets it through: `words` when they
    /// pass, else the safe answer, with the flags shown.
    pub fn answer(&mut self, ctx: &AnswerContext, words: String) {
        let flags: Vec<String> = check(ctx.vertical, &words)
            .into_iter()
            .map(|f| f.code.replace('_', " "))
            .collect();
        let text = if flags.is_empty() {
            words
        } else {
            safe_answer(ctx.vertical, ctx.lead_name.as_deref(), &ctx.consultant_name)
        };
        self.lines.push(Line {
            from_lead: false,
            text,
            flags,
            ai: true,
        });
        self.trim();
    }

    fn trim(&mut self) {
        let excess = self.lines.len().saturating_sub(MAX_LINES);
        self.lines.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ai::builtin_answer;
    use crate::domain::Vertical;

    #[test]
    fn a_simulation_runs_the_flow_to_the_ai_answer() {
        let def: FlowDefinition = serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "pergunta": "Qual é o seu nome?", "proxima": "perfil"},
            {"id": "perfil", "tipo": "escolha", "pergunta": "{{nome}}, para quem?",
             "opcoes": [{"rotulo": "Só eu", "valor": "individual"}, {"rotulo": "Família", "valor": "familia"}],
             "proxima": "fim"},
            {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}!"}
        ]}))
        .unwrap();
        let c = ConsultantInfo {
            name: "Joana Lima".into(),
            bio: None,
            vertical: Vertical::HealthPlans,
        };
        let mut s = Simulation::default();
        assert!(s.turn(&def, &c, "Oi", Utc::now()).is_none());
        assert_eq!(s.lines[1].text, "Qual é o seu nome?");
        assert!(s.turn(&def, &c, "Maria", Utc::now()).is_none());
        assert_eq!(s.lines[3].text, "Maria, para quem?\n[Só eu] [Família]");
        assert!(s.turn(&def, &c, "xyz", Utc::now()).is_none());
        assert!(
            !s.lines[5].ai,
            "an invalid answer is handled like on WhatsApp"
        );
        let ctx = s.turn(&def, &c, "2", Utc::now()).expect("the flow ended");
        assert!(s.state.completed);
        s.answer(&ctx, builtin_answer(&ctx));
        let last = s.lines.last().unwrap();
        assert!(last.ai, "the AI answer closes the flow");
        assert!(
            last.text.contains("ANS") || !last.flags.is_empty(),
            "{last:?}"
        );
        // A provider's words that break the rules are replaced, and the flags say why.
        s.answer(&ctx, "Garanto aprovação imediata, sem carência!".into());
        let last = s.lines.last().unwrap();
        assert!(!last.flags.is_empty(), "{last:?}");
        assert!(!last.text.contains("Garanto"), "{last:?}");
    }
}
