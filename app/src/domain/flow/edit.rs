//! The step editor's changes to a flow definition, pure so that the server (a plain form
//! post, JavaScript off) and the browser (JavaScript on, no reload) make exactly the same
//! ones: the structural changes its buttons ask for (add, remove, reorder steps; add and
//! remove options). Reading the form's fields back into a definition is `form`.

use super::answer::normalise;
use super::definition::{Choice, FlowDefinition, Step, StepKind};

/// Beyond these a form is refused rather than read (WhatsApp shows at most 10 options as a
/// list; past that they go as numbered text, which nobody reads to 50).
pub const MAX_STEPS: usize = 200;
pub const MAX_OPTIONS: usize = 50;

/// A structural change, as the editor's buttons name it (`op` in the form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    /// Only the fields change.
    Save,
    AddStep,
    Remove(usize),
    MoveUp(usize),
    MoveDown(usize),
    /// Dragged (JavaScript): the step at the first index goes to the second.
    Move(usize, usize),
    AddOption(usize),
    RemoveOption(usize, usize),
}

impl EditOp {
    /// `salvar`, `adicionar-etapa`, `remover:2`, `subir:2`, `descer:2`, `mover:2:0`,
    /// `adicionar-opcao:2`, `remover-opcao:2:1`.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split(':');
        let name = parts.next()?;
        let nums: Vec<usize> = parts.map(|p| p.parse().ok()).collect::<Option<_>>()?;
        Some(match (name, nums.as_slice()) {
            ("salvar", []) => EditOp::Save,
            ("adicionar-etapa", []) => EditOp::AddStep,
            ("remover", [i]) => EditOp::Remove(*i),
            ("subir", [i]) => EditOp::MoveUp(*i),
            ("descer", [i]) => EditOp::MoveDown(*i),
            ("mover", [i, j]) => EditOp::Move(*i, *j),
            ("adicionar-opcao", [i]) => EditOp::AddOption(*i),
            ("remover-opcao", [i, j]) => EditOp::RemoveOption(*i, *j),
            _ => return None,
        })
    }

    pub fn code(self) -> String {
        match self {
            EditOp::Save => "salvar".into(),
            EditOp::AddStep => "adicionar-etapa".into(),
            EditOp::Remove(i) => format!("remover:{i}"),
            EditOp::MoveUp(i) => format!("subir:{i}"),
            EditOp::MoveDown(i) => format!("descer:{i}"),
            EditOp::Move(i, j) => format!("mover:{i}:{j}"),
            EditOp::AddOption(i) => format!("adicionar-opcao:{i}"),
            EditOp::RemoveOption(i, j) => format!("remover-opcao:{i}:{j}"),
        }
    }

    /// Applies the change; returns the index of the step to show next (where the change
    /// happened). Out-of-range indexes (a stale page) change nothing.
    pub fn apply(self, def: &mut FlowDefinition) -> Option<usize> {
        let n = def.etapas.len();
        match self {
            EditOp::Save => None,
            EditOp::AddStep => {
                let id = unused_id(def);
                // Before a closing `fim`, leading to it: a new question usually goes just
                // before the goodbye.
                let at = match def.etapas.last() {
                    Some(last) if last.tipo == StepKind::Fim => n - 1,
                    _ => n,
                };
                let proxima = def.etapas.get(at).map(|s| s.id.clone());
                def.etapas.insert(
                    at,
                    Step {
                        id,
                        tipo: StepKind::Texto,
                        pergunta: String::new(),
                        opcoes: Vec::new(),
                        proxima,
                        validacao: None,
                        invalida: None,
                    },
                );
                Some(at)
            }
            EditOp::Remove(i) if i < n => {
                let gone = def.etapas.remove(i).id;
                for s in &mut def.etapas {
                    if s.proxima.as_deref() == Some(gone.as_str()) {
                        s.proxima = None;
                    }
                    for c in &mut s.opcoes {
                        if c.proxima.as_deref() == Some(gone.as_str()) {
                            c.proxima = None;
                        }
                    }
                }
                (!def.etapas.is_empty()).then(|| i.min(def.etapas.len() - 1))
            }
            EditOp::MoveUp(i) if i > 0 && i < n => {
                def.etapas.swap(i, i - 1);
                Some(i - 1)
            }
            EditOp::MoveDown(i) if i + 1 < n => {
                def.etapas.swap(i, i + 1);
                Some(i + 1)
            }
            EditOp::Move(i, j) if i < n && j < n => {
                let step = def.etapas.remove(i);
                def.etapas.insert(j, step);
                Some(j)
            }
            EditOp::AddOption(i) if i < n && def.etapas[i].opcoes.len() < MAX_OPTIONS => {
                def.etapas[i].opcoes.push(Choice {
                    rotulo: String::new(),
                    valor: String::new(),
                    descricao: None,
                    pontos: 0,
                    proxima: None,
                });
                Some(i)
            }
            EditOp::RemoveOption(i, j) if i < n && j < def.etapas[i].opcoes.len() => {
                def.etapas[i].opcoes.remove(j);
                Some(i)
            }
            _ => None,
        }
    }
}

/// Renames the step at `index`; the arrows that pointed at its old id follow it, unless
/// another step still has that id.
pub fn rename_step(def: &mut FlowDefinition, index: usize, new_id: &str) {
    let Some(step) = def.etapas.get_mut(index) else {
        return;
    };
    let old = std::mem::replace(&mut step.id, new_id.to_string());
    if old == new_id || def.step(&old).is_some() {
        return;
    }
    let follow = |target: &mut Option<String>| {
        if target.as_deref() == Some(old.as_str()) {
            *target = Some(new_id.to_string());
        }
    };
    for s in &mut def.etapas {
        follow(&mut s.proxima);
        for c in &mut s.opcoes {
            follow(&mut c.proxima);
        }
    }
}

fn unused_id(def: &FlowDefinition) -> String {
    (def.etapas.len() + 1..)
        .map(|k| format!("etapa_{k}"))
        .find(|id| def.step(id).is_none())
        .expect("some number is free")
}

/// An option's stored value when none was typed: its label, folded ("Só eu" → "so_eu").
pub fn value_from_label(label: &str) -> String {
    normalise(label).replace(' ', "_")
}

/// The placeholders a step's text can use: `{{id}}` of the steps before it that ask something,
/// each with its question as the consultant wrote it (what the picker shows).
pub fn placeholders(def: &FlowDefinition, index: usize) -> Vec<(String, String)> {
    def.etapas
        .iter()
        .take(index)
        .filter(|s| s.waits() && !s.id.trim().is_empty())
        .map(|s| {
            let question = crate::domain::lead_answers::question_title(&s.pergunta, &s.id);
            (format!("{{{{{}}}}}", s.id), question)
        })
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A small flow (name, a choice, the end) for the editor's tests, here and in `form`.
    pub(in crate::domain::flow) fn def() -> FlowDefinition {
        serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "validacao": "nome", "pergunta": "Seu nome?", "proxima": "perfil"},
            {"id": "perfil", "tipo": "escolha", "pergunta": "Para quem?", "opcoes": [
                {"rotulo": "Só eu", "valor": "individual", "proxima": "fim"},
                {"rotulo": "Família", "valor": "familia"}
            ], "proxima": "fim"},
            {"id": "fim", "tipo": "fim", "pergunta": "Obrigado, {{nome}}!"}
        ]}))
        .unwrap()
    }

    #[test]
    fn renaming_in_the_browser_moves_the_arrows_too() {
        let mut d = def();
        rename_step(&mut d, 2, "obrigado");
        assert_eq!(d.etapas[1].proxima.as_deref(), Some("obrigado"));
        assert_eq!(d.etapas[1].opcoes[0].proxima.as_deref(), Some("obrigado"));
        // Typing a name that is taken, then going on typing: the arrows stay on the other step.
        rename_step(&mut d, 0, "obrigado");
        rename_step(&mut d, 0, "obrigado2");
        assert_eq!(d.etapas[1].proxima.as_deref(), Some("obrigado"));
    }

    #[test]
    fn a_new_step_goes_before_the_end_and_leads_to_it() {
        let mut d = def();
        assert_eq!(EditOp::AddStep.apply(&mut d), Some(2));
        assert_eq!(d.etapas[2].id, "etapa_4");
        assert_eq!(d.etapas[2].proxima.as_deref(), Some("fim"));
        // Nothing leads to it yet, and it asks nothing: the validator says so, at the step.
        let issues = crate::domain::flow::validate(&d).unwrap_err();
        assert!(issues.iter().all(|i| i.step.as_deref() == Some("etapa_4")));
    }

    #[test]
    fn removing_a_step_clears_the_arrows_to_it() {
        let mut d = def();
        EditOp::Remove(2).apply(&mut d);
        assert_eq!(d.etapas[1].proxima, None);
        assert_eq!(d.etapas[1].opcoes[0].proxima, None);
        assert!(crate::domain::flow::validate(&d).is_err());
    }

    #[test]
    fn reordering_and_options() {
        let mut d = def();
        assert_eq!(EditOp::MoveDown(0).apply(&mut d), Some(1));
        assert_eq!(d.etapas[1].id, "nome");
        assert_eq!(EditOp::MoveUp(1).apply(&mut d), Some(0));
        assert_eq!(d.etapas[0].id, "nome");
        assert_eq!(EditOp::Move(2, 0).apply(&mut d), Some(0));
        assert_eq!(d.etapas[0].id, "fim");
        assert_eq!(EditOp::MoveUp(0).apply(&mut d), None, "already first");
        assert_eq!(EditOp::Remove(9).apply(&mut d), None, "a stale page");
        EditOp::AddOption(2).apply(&mut d);
        assert_eq!(d.etapas[2].opcoes.len(), 3);
        EditOp::RemoveOption(2, 0).apply(&mut d);
        assert_eq!(d.etapas[2].opcoes[0].valor, "familia");
    }

    #[test]
    fn ops_read_back_from_their_codes() {
        for op in [
            EditOp::Save,
            EditOp::AddStep,
            EditOp::Remove(3),
            EditOp::MoveUp(1),
            EditOp::MoveDown(0),
            EditOp::Move(4, 1),
            EditOp::AddOption(2),
            EditOp::RemoveOption(2, 5),
        ] {
            assert_eq!(EditOp::parse(&op.code()), Some(op));
        }
        assert_eq!(EditOp::parse("remover"), None);
        assert_eq!(EditOp::parse("remover:x"), None);
    }

    #[test]
    fn placeholders_are_the_earlier_questions() {
        let d = def();
        assert_eq!(placeholders(&d, 0), Vec::<(String, String)>::new());
        let all = placeholders(&d, 2);
        let found: Vec<(&str, &str)> = all.iter().map(|(p, q)| (p.as_str(), q.as_str())).collect();
        assert_eq!(
            found,
            vec![("{{nome}}", "Seu nome?"), ("{{perfil}}", "Para quem?")]
        );
    }
}
