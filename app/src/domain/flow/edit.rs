//! The step editor's changes to a flow definition, pure so that the server (a plain form
//! post, JavaScript off) and the browser (JavaScript on, no reload) make exactly the same
//! ones: the form's fields read back into a definition, and the structural changes its
//! buttons ask for (add, remove, reorder steps; add and remove options).

use super::answer::normalise;
use super::definition::{Choice, FlowDefinition, Step, StepKind};
use crate::domain::validators::Validation;
use std::collections::HashMap;

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

/// A step form's field as the consultant sees it: `e2.pergunta` is "Etapa 3 (pergunta)".
fn field_label(name: &str) -> String {
    let step = name
        .strip_prefix('e')
        .and_then(|rest| rest.split_once('.'))
        .and_then(|(n, what)| Some((n.parse::<usize>().ok()?, what)));
    match step {
        Some((n, what)) => format!("Etapa {} ({what})", n + 1),
        None => format!("Campo {name}"),
    }
}

/// Reads the step editor's form (`etapas`, `e0.id`, `e0.tipo`, `e0.o1.rotulo`, … as
/// `form_fields` lists them) back into a definition. What a step of its type does not use is
/// dropped (options of a `texto`, the validation of a `escolha`); a step renamed in the same
/// post keeps the arrows that pointed at it (`e0.id_antes` is its id when the page was drawn).
pub fn from_form(fields: &[(String, String)]) -> Result<FlowDefinition, String> {
    let map: HashMap<&str, &str> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let get = |k: &str| map.get(k).copied().unwrap_or("");
    // Every text of every step, before anything else: an invisible character named at its
    // step (a question or message may have several lines).
    for (name, value) in fields {
        if let Err(why) = crate::domain::text::check(value, crate::domain::text::Lines::Many) {
            return Err(format!("{}: {why}", field_label(name)));
        }
    }
    let count = |k: &str, max: usize, what: &str| -> Result<usize, String> {
        let n: usize = get(k).parse().map_err(|_| {
            "O formulário do fluxo veio incompleto. Recarregue a página.".to_string()
        })?;
        if n > max {
            return Err(format!("Um fluxo tem no máximo {max} {what}."));
        }
        Ok(n)
    };
    let steps = count("etapas", MAX_STEPS, "etapas")?;
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut etapas = Vec::with_capacity(steps);
    for i in 0..steps {
        let f = |name: &str| get(&format!("e{i}.{name}"));
        let id = f("id").trim().to_string();
        let before = f("id_antes").trim();
        if !before.is_empty() && before != id {
            renamed.insert(before.to_string(), id.clone());
        }
        let tipo = StepKind::parse(f("tipo"))
            .ok_or_else(|| format!("Etapa {}: escolha o tipo da etapa.", i + 1))?;
        let optional = |v: &str| {
            let v = v.trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let waits = matches!(tipo, StepKind::Escolha | StepKind::Texto);
        let mut opcoes = Vec::new();
        if tipo == StepKind::Escolha {
            let n = count(&format!("e{i}.opcoes"), MAX_OPTIONS, "opções por etapa")?;
            for j in 0..n {
                let o = |name: &str| get(&format!("e{i}.o{j}.{name}"));
                let rotulo = o("rotulo").trim().to_string();
                let valor = match o("valor").trim() {
                    "" => value_from_label(&rotulo),
                    typed => typed.to_string(),
                };
                opcoes.push(Choice {
                    rotulo,
                    valor,
                    descricao: optional(o("descricao")),
                    proxima: optional(o("proxima")),
                });
            }
        }
        etapas.push(Step {
            id,
            tipo,
            // Line ends as the browser sends them (CRLF) would count twice against the limits.
            pergunta: f("pergunta").replace("\r\n", "\n").trim().to_string(),
            opcoes,
            proxima: (tipo != StepKind::Fim)
                .then(|| optional(f("proxima")))
                .flatten(),
            validacao: (tipo == StepKind::Texto)
                .then(|| Validation::parse(f("validacao")))
                .flatten(),
            invalida: waits
                .then(|| optional(&f("invalida").replace("\r\n", "\n")))
                .flatten(),
        });
    }
    // Arrows follow a renamed step (unless another step took its old name).
    let ids: Vec<String> = etapas.iter().map(|s| s.id.clone()).collect();
    let follow = |target: &mut Option<String>| {
        if let Some(t) = target.as_ref() {
            if let Some(new) = renamed.get(t) {
                if !ids.contains(t) {
                    *target = Some(new.clone());
                }
            }
        }
    };
    for s in &mut etapas {
        follow(&mut s.proxima);
        for c in &mut s.opcoes {
            follow(&mut c.proxima);
        }
    }
    Ok(FlowDefinition { etapas })
}

/// The fields the step editor renders for `def`: what a browser without JavaScript posts
/// back when nothing was changed (`from_form` reads them).
pub fn form_fields(def: &FlowDefinition) -> Vec<(String, String)> {
    let mut out = vec![("etapas".to_string(), def.etapas.len().to_string())];
    for (i, s) in def.etapas.iter().enumerate() {
        let mut push = |k: String, v: &str| out.push((k, v.to_string()));
        push(format!("e{i}.id"), &s.id);
        push(format!("e{i}.id_antes"), &s.id);
        push(format!("e{i}.tipo"), s.tipo.code());
        push(format!("e{i}.pergunta"), &s.pergunta);
        push(format!("e{i}.proxima"), s.proxima.as_deref().unwrap_or(""));
        push(
            format!("e{i}.validacao"),
            s.validacao.map(|v| v.code()).unwrap_or(""),
        );
        push(
            format!("e{i}.invalida"),
            s.invalida.as_deref().unwrap_or(""),
        );
        push(format!("e{i}.opcoes"), &s.opcoes.len().to_string());
        for (j, c) in s.opcoes.iter().enumerate() {
            push(format!("e{i}.o{j}.rotulo"), &c.rotulo);
            push(format!("e{i}.o{j}.valor"), &c.valor);
            push(
                format!("e{i}.o{j}.descricao"),
                c.descricao.as_deref().unwrap_or(""),
            );
            push(
                format!("e{i}.o{j}.proxima"),
                c.proxima.as_deref().unwrap_or(""),
            );
        }
    }
    out
}

/// The placeholders a step's text can use: `{{id}}` of the steps before it that ask something.
pub fn placeholders(def: &FlowDefinition, index: usize) -> Vec<String> {
    def.etapas
        .iter()
        .take(index)
        .filter(|s| s.waits() && !s.id.trim().is_empty())
        .map(|s| format!("{{{{{}}}}}", s.id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> FlowDefinition {
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

    fn set(fields: &mut [(String, String)], key: &str, value: &str) {
        fields.iter_mut().find(|(k, _)| k == key).unwrap().1 = value.into();
    }

    #[test]
    fn the_form_reads_back_into_the_same_definition() {
        let d = def();
        assert_eq!(from_form(&form_fields(&d)).unwrap(), d);
    }

    #[test]
    fn a_renamed_step_keeps_the_arrows_pointing_at_it() {
        let mut f = form_fields(&def());
        set(&mut f, "e2.id", "obrigado");
        let d = from_form(&f).unwrap();
        assert_eq!(d.etapas[1].proxima.as_deref(), Some("obrigado"));
        assert_eq!(d.etapas[1].opcoes[0].proxima.as_deref(), Some("obrigado"));
        assert!(crate::domain::flow::validate(&d).is_ok());
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
    fn what_a_type_does_not_use_is_dropped_and_blank_values_come_from_labels() {
        let mut f = form_fields(&def());
        set(&mut f, "e1.o1.valor", "");
        set(
            &mut f,
            "e0.invalida",
            "Só o primeiro nome já serve.\r\nObrigado!",
        );
        let d = from_form(&f).unwrap();
        assert_eq!(d.etapas[1].opcoes[1].valor, "familia");
        assert_eq!(
            d.etapas[0].invalida.as_deref(),
            Some("Só o primeiro nome já serve.\nObrigado!")
        );
        set(&mut f, "e1.tipo", "texto");
        set(&mut f, "e1.validacao", "cpf");
        set(&mut f, "e0.tipo", "mensagem");
        let d = from_form(&f).unwrap();
        assert!(d.etapas[1].opcoes.is_empty());
        assert_eq!(
            d.etapas[1].validacao,
            Some(crate::domain::validators::Validation::Cpf)
        );
        assert_eq!(d.etapas[0].validacao, None);
        assert_eq!(d.etapas[0].invalida, None);
    }

    #[test]
    fn broken_or_oversized_forms_are_refused_with_a_message() {
        assert!(from_form(&[]).is_err());
        let mut f = form_fields(&def());
        set(&mut f, "etapas", "100000");
        assert_eq!(
            from_form(&f).unwrap_err(),
            "Um fluxo tem no máximo 200 etapas."
        );
        let mut f = form_fields(&def());
        set(&mut f, "e1.tipo", "qualquer");
        assert!(from_form(&f).unwrap_err().contains("Etapa 2"));
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
        assert_eq!(placeholders(&d, 0), Vec::<String>::new());
        assert_eq!(placeholders(&d, 2), vec!["{{nome}}", "{{perfil}}"]);
    }
}
