//! The flow definition format: the seed's (`etapas` with `id`, `tipo`, `pergunta`, `opcoes`
//! of `rotulo`/`valor`, `proxima`), extended with per-option `proxima`, option `descricao`,
//! step types `texto` (with `validacao`), `mensagem` and `fim`, and `{{placeholders}}`.

use crate::domain::validators::Validation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlowDefinition {
    /// The first step is where every conversation starts.
    pub etapas: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Multiple choice: waits for one of `opcoes`.
    Escolha,
    /// Free text, optionally validated.
    Texto,
    /// A message; the flow goes on at once without waiting.
    Mensagem,
    /// The end: `pergunta`, if any, is the goodbye.
    Fim,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub tipo: StepKind,
    #[serde(default)]
    pub pergunta: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub opcoes: Vec<Choice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxima: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validacao: Option<Validation>,
    /// What the lead is told when the answer does not fit (a choice not among the options, a
    /// text its validation refuses); none: the engine's default for the step's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalida: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub rotulo: String,
    pub valor: String,
    /// Shown under the title when the choices go as a list message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descricao: Option<String>,
    /// Branching: overrides the step's `proxima` when this option is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxima: Option<String>,
    /// What choosing this option adds to the lead's temperature (`domain::temperature`),
    /// from [`Choice::MIN_POINTS`] to [`Choice::MAX_POINTS`]; 0 (the default) adds nothing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pontos: i16,
}

fn is_zero(n: &i16) -> bool {
    *n == 0
}

impl Choice {
    pub const MIN_POINTS: i16 = -5;
    pub const MAX_POINTS: i16 = 5;
}

impl StepKind {
    pub const ALL: [StepKind; 4] = [
        StepKind::Escolha,
        StepKind::Texto,
        StepKind::Mensagem,
        StepKind::Fim,
    ];

    /// The name in flow definitions (`"tipo": "escolha"`).
    pub fn code(self) -> &'static str {
        match self {
            StepKind::Escolha => "escolha",
            StepKind::Texto => "texto",
            StepKind::Mensagem => "mensagem",
            StepKind::Fim => "fim",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// For the flow editor's select.
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Escolha => "Escolha (opções)",
            StepKind::Texto => "Texto livre",
            StepKind::Mensagem => "Mensagem (sem resposta)",
            StepKind::Fim => "Fim",
        }
    }
}

impl FlowDefinition {
    pub fn step(&self, id: &str) -> Option<&Step> {
        self.etapas.iter().find(|s| s.id == id)
    }

    pub fn first(&self) -> Option<&Step> {
        self.etapas.first()
    }
}

impl Step {
    /// Where the flow goes after this step when `choice` was picked.
    pub fn next_after<'a>(&'a self, choice: Option<&'a Choice>) -> Option<&'a str> {
        choice
            .and_then(|c| c.proxima.as_deref())
            .or(self.proxima.as_deref())
    }

    /// Every step this one can lead to.
    pub fn successors(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        match self.tipo {
            StepKind::Fim => {}
            StepKind::Escolha => {
                for c in &self.opcoes {
                    if let Some(n) = self.next_after(Some(c)) {
                        if !out.contains(&n) {
                            out.push(n);
                        }
                    }
                }
            }
            StepKind::Texto | StepKind::Mensagem => out.extend(self.proxima.as_deref()),
        }
        out
    }

    /// Whether the lead is asked something here (the flow stops and waits).
    pub fn waits(&self) -> bool {
        matches!(self.tipo, StepKind::Escolha | StepKind::Texto)
    }
}
