//! The prompt sent to an OpenAI-compatible chat model. Its text is also the cache key:
//! identical prompts are answered from `ai_responses`.

use super::compliance::disclaimer;
use crate::domain::Vertical;
use serde::{Deserialize, Serialize};

/// What the answer is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerContext {
    pub vertical: Vertical,
    pub consultant_name: String,
    pub consultant_bio: Option<String>,
    pub lead_name: Option<String>,
    /// (question, answer as the lead saw it), in flow order.
    pub answers: Vec<(String, String)>,
    /// A later free-text question from the lead, when there is one.
    pub question: Option<String>,
    /// What each answer's step asked, so the built-in responder can word the answer by its
    /// meaning. Not in the prompt (its text is the cache key); missing from answers queued
    /// before it existed, which then read as their labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<super::Asked>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub system: String,
    pub user: String,
}

impl Prompt {
    /// The whole prompt as stored in `ai_responses.prompt` (and used as the cache key).
    pub fn as_stored(&self) -> String {
        format!("[system]\n{}\n[user]\n{}", self.system, self.user)
    }
}

pub fn build_prompt(ctx: &AnswerContext) -> Prompt {
    let system = format!(
        "Você é o assistente de {name}, consultor(a) de {area} no Brasil. Responda em português \
         do Brasil, em no máximo 4 frases curtas, em tom cordial e profissional, pelo WhatsApp. \
         Nunca prometa preços, aprovação, prazos de carência ou coberturas. Diga que {name} vai \
         entrar em contato. Termine sempre com a frase: \"{disclaimer}\"",
        name = ctx.consultant_name,
        area = ctx.vertical.label().to_lowercase(),
        disclaimer = disclaimer(ctx.vertical),
    );
    let mut user = String::new();
    if let Some(bio) = &ctx.consultant_bio {
        user.push_str(&format!("Sobre {}: {bio}\n", ctx.consultant_name));
    }
    if let Some(n) = &ctx.lead_name {
        user.push_str(&format!("Nome do cliente: {n}\n"));
    }
    user.push_str("Respostas do cliente:\n");
    for (q, a) in &ctx.answers {
        user.push_str(&format!("- {q}: {a}\n"));
    }
    match &ctx.question {
        Some(q) => user.push_str(&format!("Pergunta do cliente agora: {q}\n")),
        None => {
            user.push_str("Escreva uma resposta personalizada agradecendo e resumindo o perfil.\n")
        }
    }
    Prompt { system, user }
}
