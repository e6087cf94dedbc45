//! Refuses flow definitions that would misbehave with a lead, with messages (in Portuguese,
//! for the flow editor) that name the step.

use super::definition::{Choice, FlowDefinition, StepKind};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet, VecDeque};

/// WhatsApp Cloud API limits on interactive messages.
pub struct WhatsAppLimits;

impl WhatsAppLimits {
    pub const MAX_BUTTONS: usize = 3;
    pub const BUTTON_TITLE: usize = 20;
    pub const MAX_LIST_ROWS: usize = 10;
    pub const LIST_ROW_TITLE: usize = 24;
    pub const LIST_ROW_DESCRIPTION: usize = 72;
    pub const INTERACTIVE_BODY: usize = 1024;
    pub const TEXT_BODY: usize = 4096;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowIssue {
    /// The step concerned, when there is one.
    pub step: Option<String>,
    pub message: String,
}

impl FlowIssue {
    fn at(step: &str, message: String) -> Self {
        Self {
            step: Some(step.to_string()),
            message: format!("Etapa \"{step}\": {message}"),
        }
    }

    fn general(message: impl Into<String>) -> Self {
        Self {
            step: None,
            message: message.into(),
        }
    }
}

/// Parses JSON (as stored in `flows.definition`) and validates it.
pub fn parse_and_validate(json: &serde_json::Value) -> Result<FlowDefinition, Vec<FlowIssue>> {
    let def: FlowDefinition = serde_json::from_value(json.clone()).map_err(|e| {
        vec![FlowIssue::general(format!(
            "O fluxo não está no formato esperado: {e}"
        ))]
    })?;
    validate(&def)?;
    Ok(def)
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// All problems at once, so the editor can show them together.
pub fn validate(def: &FlowDefinition) -> Result<(), Vec<FlowIssue>> {
    let mut issues = Vec::new();
    if def.etapas.is_empty() {
        return Err(vec![FlowIssue::general("O fluxo não tem nenhuma etapa.")]);
    }

    let mut seen = HashSet::new();
    for step in &def.etapas {
        if step.id.trim().is_empty() {
            issues.push(FlowIssue::general("Há uma etapa sem identificador."));
        } else if !seen.insert(step.id.as_str()) {
            issues.push(FlowIssue::at(
                &step.id,
                "o identificador aparece mais de uma vez.".into(),
            ));
        }
    }
    let ids: HashSet<&str> = def.etapas.iter().map(|s| s.id.as_str()).collect();

    for step in &def.etapas {
        let id = step.id.as_str();
        let needs_question = step.tipo != StepKind::Fim;
        if needs_question && step.pergunta.trim().is_empty() {
            issues.push(FlowIssue::at(
                id,
                "falta o texto da pergunta ou mensagem.".into(),
            ));
        }
        match step.tipo {
            StepKind::Fim => {
                if step.proxima.is_some() || !step.opcoes.is_empty() {
                    issues.push(FlowIssue::at(
                        id,
                        "uma etapa de fim não pode ter próxima etapa nem opções.".into(),
                    ));
                }
            }
            StepKind::Texto | StepKind::Mensagem => {
                if !step.opcoes.is_empty() {
                    issues.push(FlowIssue::at(id, "só etapas de escolha têm opções.".into()));
                }
                match step.proxima.as_deref() {
                    None => issues.push(FlowIssue::at(id, "falta a próxima etapa.".into())),
                    Some(n) if !ids.contains(n) => issues.push(FlowIssue::at(
                        id,
                        format!("a próxima etapa \"{n}\" não existe."),
                    )),
                    _ => {}
                }
            }
            StepKind::Escolha => {
                if step.opcoes.len() < 2 {
                    issues.push(FlowIssue::at(
                        id,
                        "uma escolha precisa de pelo menos 2 opções.".into(),
                    ));
                }
                let mut valores = HashSet::new();
                for c in &step.opcoes {
                    if c.rotulo.trim().is_empty() || c.valor.trim().is_empty() {
                        issues.push(FlowIssue::at(
                            id,
                            "há uma opção sem rótulo ou sem valor.".into(),
                        ));
                    }
                    if !(Choice::MIN_POINTS..=Choice::MAX_POINTS).contains(&c.pontos) {
                        issues.push(FlowIssue::at(
                            id,
                            format!(
                                "os pontos da opção \"{}\" vão de {} a +{}.",
                                c.rotulo,
                                Choice::MIN_POINTS,
                                Choice::MAX_POINTS
                            ),
                        ));
                    }
                    if !valores.insert(c.valor.as_str()) {
                        issues.push(FlowIssue::at(
                            id,
                            format!("o valor \"{}\" aparece em mais de uma opção.", c.valor),
                        ));
                    }
                    match step.next_after(Some(c)) {
                        None => issues.push(FlowIssue::at(
                            id,
                            format!("falta a próxima etapa da opção \"{}\".", c.rotulo),
                        )),
                        Some(n) if !ids.contains(n) => issues.push(FlowIssue::at(
                            id,
                            format!("a próxima etapa \"{n}\" não existe."),
                        )),
                        _ => {}
                    }
                }
                whatsapp_limits(step, &mut issues);
            }
        }
        let body_limit = if step.tipo == StepKind::Escolha
            && step.opcoes.len() <= WhatsAppLimits::MAX_LIST_ROWS
        {
            WhatsAppLimits::INTERACTIVE_BODY
        } else {
            WhatsAppLimits::TEXT_BODY
        };
        if step
            .invalida
            .as_deref()
            .is_some_and(|m| chars(m) > WhatsAppLimits::TEXT_BODY)
        {
            issues.push(FlowIssue::at(
                id,
                format!(
                    "a mensagem de resposta inválida passa de {} caracteres.",
                    WhatsAppLimits::TEXT_BODY
                ),
            ));
        }
        if chars(&step.pergunta) > body_limit {
            issues.push(FlowIssue::at(
                id,
                format!("o texto passa de {body_limit} caracteres, o limite do WhatsApp."),
            ));
        }
    }

    // Structure checks assume every reference resolves; report those problems first.
    if issues.is_empty() {
        reachability(def, &mut issues);
        silent_loops(def, &mut issues);
    }
    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

fn whatsapp_limits(step: &super::definition::Step, issues: &mut Vec<FlowIssue>) {
    // How the choices are sent decides the limits; more than 10 go as numbered text, which
    // has no per-option limit.
    let (title_limit, kind, is_list) = match step.opcoes.len() {
        n if n <= WhatsAppLimits::MAX_BUTTONS => {
            (WhatsAppLimits::BUTTON_TITLE, "dos botões", false)
        }
        n if n <= WhatsAppLimits::MAX_LIST_ROWS => {
            (WhatsAppLimits::LIST_ROW_TITLE, "das listas", true)
        }
        _ => return,
    };
    for c in &step.opcoes {
        if chars(&c.rotulo) > title_limit {
            issues.push(FlowIssue::at(
                &step.id,
                format!(
                    "o rótulo \"{}\" passa de {title_limit} caracteres (limite {kind} do WhatsApp).",
                    c.rotulo
                ),
            ));
        }
        if is_list
            && c.descricao.as_deref().map(chars).unwrap_or(0) > WhatsAppLimits::LIST_ROW_DESCRIPTION
        {
            issues.push(FlowIssue::at(
                &step.id,
                format!(
                    "a descrição da opção \"{}\" passa de {} caracteres.",
                    c.rotulo,
                    WhatsAppLimits::LIST_ROW_DESCRIPTION
                ),
            ));
        }
    }
}

fn reachability(def: &FlowDefinition, issues: &mut Vec<FlowIssue>) {
    let by_id: HashMap<&str, &super::definition::Step> =
        def.etapas.iter().map(|s| (s.id.as_str(), s)).collect();
    let first = def.etapas[0].id.as_str();
    let mut reached = HashSet::from([first]);
    let mut queue = VecDeque::from([first]);
    while let Some(id) = queue.pop_front() {
        for next in by_id[id].successors() {
            if reached.insert(next) {
                queue.push_back(next);
            }
        }
    }
    for step in &def.etapas {
        if !reached.contains(step.id.as_str()) {
            issues.push(FlowIssue::at(
                &step.id,
                "nunca é alcançada a partir do início.".into(),
            ));
        }
    }
    if !def
        .etapas
        .iter()
        .any(|s| s.tipo == StepKind::Fim && reached.contains(s.id.as_str()))
    {
        issues.push(FlowIssue::general(
            "O fluxo não tem uma etapa de fim alcançável.",
        ));
    }
}

/// A cycle made only of `mensagem` steps would send messages forever without waiting.
fn silent_loops(def: &FlowDefinition, issues: &mut Vec<FlowIssue>) {
    for start in def.etapas.iter().filter(|s| s.tipo == StepKind::Mensagem) {
        let mut path = vec![start.id.as_str()];
        let mut current = start;
        while let Some(next) = current.proxima.as_deref().and_then(|n| def.step(n)) {
            if next.tipo != StepKind::Mensagem {
                break;
            }
            if next.id == start.id {
                // Report each cycle once, from its first step in definition order.
                let first_in_order = def
                    .etapas
                    .iter()
                    .find(|s| path.contains(&s.id.as_str()))
                    .map(|s| s.id.as_str());
                if first_in_order == Some(start.id.as_str()) {
                    path.push(start.id.as_str());
                    issues.push(FlowIssue::at(
                        &start.id,
                        format!(
                            "as etapas {} formam um ciclo sem nenhuma pergunta.",
                            path.join(" → ")
                        ),
                    ));
                }
                break;
            }
            if path.contains(&next.id.as_str()) {
                break; // a cycle that does not pass through `start`; found from its own steps
            }
            path.push(next.id.as_str());
            current = next;
        }
    }
}
