//! The flow simulator (issue #8): the consultant plays the lead against a flow and sees what
//! the bot would answer, through the same pure `turn::decide` the webhook worker uses, the
//! same rendering of buttons and lists, and the built-in AI answer after the compliance
//! check. Nothing here touches leads, messages or metrics: the conversation lives in the
//! consultant's session.

use super::ai::{builtin_answer, check, safe_answer};
use super::flow::{ConversationState, FlowDefinition, Inbound};
use super::turn::{self, ConsultantInfo, TurnInput};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Lines kept: a simulation is a test, not an archive.
pub const MAX_LINES: usize = 120;

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
    /// One message of the "lead", and what the bot answers.
    pub fn turn(
        &mut self,
        def: &FlowDefinition,
        consultant: &ConsultantInfo,
        text: &str,
        now: DateTime<Utc>,
    ) {
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
        if let Some(ctx) = &decision.ai_answer {
            let answer = builtin_answer(ctx);
            let flags: Vec<String> = check(ctx.vertical, &answer)
                .into_iter()
                .map(|f| f.code.replace('_', " "))
                .collect();
            let text = if flags.is_empty() {
                answer
            } else {
                safe_answer(ctx.vertical, ctx.lead_name.as_deref(), &ctx.consultant_name)
            };
            self.lines.push(Line {
                from_lead: false,
                text,
                flags,
                ai: true,
            });
        }
        self.state = decision.step.state;
        let excess = self.lines.len().saturating_sub(MAX_LINES);
        self.lines.drain(..excess);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        s.turn(&def, &c, "Oi", Utc::now());
        assert_eq!(s.lines[1].text, "Qual é o seu nome?");
        s.turn(&def, &c, "Maria", Utc::now());
        assert_eq!(s.lines[3].text, "Maria, para quem?\n[Só eu] [Família]");
        s.turn(&def, &c, "xyz", Utc::now());
        assert!(
            !s.lines[5].ai,
            "an invalid answer is handled like on WhatsApp"
        );
        s.turn(&def, &c, "2", Utc::now());
        assert!(s.state.completed);
        let last = s.lines.last().unwrap();
        assert!(last.ai, "the AI answer closes the flow");
        assert!(
            last.text.contains("ANS") || !last.flags.is_empty(),
            "{last:?}"
        );
    }
}
