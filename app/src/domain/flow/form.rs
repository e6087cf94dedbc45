//! The step editor as a plain form: the fields it renders for a definition, and those fields
//! read back into one (what a browser without JavaScript posts).

use super::definition::{Choice, FlowDefinition, Step, StepKind};
use super::edit::{value_from_label, MAX_OPTIONS, MAX_STEPS};
use crate::domain::validators::Validation;
use std::collections::HashMap;

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
                let pontos = match o("pontos").trim().replace('+', "").as_str() {
                    "" => 0,
                    typed => typed
                        .parse::<i16>()
                        .ok()
                        .filter(|p| (Choice::MIN_POINTS..=Choice::MAX_POINTS).contains(p))
                        .ok_or_else(|| {
                            format!(
                                "Etapa {}, opção {}: os pontos são um número inteiro de {} a +{}.",
                                i + 1,
                                j + 1,
                                Choice::MIN_POINTS,
                                Choice::MAX_POINTS
                            )
                        })?,
                };
                opcoes.push(Choice {
                    rotulo,
                    valor,
                    descricao: optional(o("descricao")),
                    proxima: optional(o("proxima")),
                    pontos,
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
            push(format!("e{i}.o{j}.pontos"), &c.pontos.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::edit::tests::def;
    use super::*;

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
        for bad in ["6", "-6", "dois", "1.5"] {
            let mut f = form_fields(&def());
            set(&mut f, "e1.o0.pontos", bad);
            assert_eq!(
                from_form(&f).unwrap_err(),
                "Etapa 2, opção 1: os pontos são um número inteiro de -5 a +5.",
                "{bad}"
            );
        }
    }

    #[test]
    fn option_points_are_read_signed_or_blank() {
        for (typed, points) in [("+2", 2), ("-3", -3), ("", 0), (" 5 ", 5)] {
            let mut f = form_fields(&def());
            set(&mut f, "e1.o1.pontos", typed);
            assert_eq!(
                from_form(&f).unwrap().etapas[1].opcoes[1].pontos,
                points,
                "{typed}"
            );
        }
    }
}
