//! The built-in responder's summary of a lead's answers, worded as a person would write it:
//! each answer by what its question asked ("plano para família", "idade do titular entre 31
//! e 45 anos", "aceita coparticipação para…", "cidade São Paulo"), not a list of raw labels
//! ("família, 31 a 45 anos, sim, são paulo").
//!
//! Flows are the consultants' own, so the rules read the shape of the question rather than a
//! table of known steps: a yes/no question becomes its own statement, an interrogative
//! ("qual", "em qual", "quantos") gives the topic the answer is put after, a sentence ending
//! in a colon or a preposition is completed by the answer. Anything else reads
//! "question: answer", which is never wrong.

use crate::domain::flow::{normalise, Step, StepKind};
use crate::domain::lead_answers::question_title;
use crate::domain::person_name::proper_case;
use crate::domain::validators::Validation;
use serde::{Deserialize, Serialize};

/// What one step asked, as much as wording its answer needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asked {
    pub step: String,
    /// The question as a short title ([`question_title`]: last sentence, no placeholders).
    pub question: String,
    /// The question ends in a colon: the answer completes it ("Você quer:" → "quer comprar").
    #[serde(default)]
    pub lead_in: bool,
    /// Typed by the lead (a text step), not one of the options.
    #[serde(default)]
    pub free_text: bool,
    #[serde(default)]
    pub validation: Option<Validation>,
}

impl Asked {
    pub fn of(step: &Step) -> Self {
        let first_line = step.pergunta.lines().find(|l| !l.trim().is_empty());
        Self {
            step: step.id.clone(),
            question: question_title(&step.pergunta, &step.id),
            lead_in: first_line.is_some_and(|l| l.trim_end().ends_with(':')),
            free_text: step.tipo == StepKind::Texto,
            validation: step.validacao,
        }
    }
}

/// Words after which a question's topic starts ("em qual cidade…" → "cidade").
const ARTICLES: &[&str] = &[
    "é", "e", "são", "o", "a", "os", "as", "seu", "sua", "seus", "suas",
];
/// Where a question's topic ends: the subject or a verb ("qual seguro você procura").
const TOPIC_ENDS: &[&str] = &[
    "você", "voce", "que", "procura", "prefere", "pretende", "mora", "quer", "busca", "tem",
    "deseja", "precisa", "gostaria", "vai", "está", "usa", "possui", "trabalha",
];
/// A sentence ending in one of these is completed by the answer ("plano para" + "família").
const PREPOSITIONS: &[&str] = &["para", "com", "de", "em", "por", "no", "na", "a", "ao"];
/// Topics whose free-text answer is a name or a place, written in proper case.
const PROPER: &[&str] = &[
    "cidade",
    "bairro",
    "região",
    "município",
    "estado",
    "nome",
    "rua",
    "endereço",
    "empresa",
];
/// First person in an option becomes the lead's second person ("Só eu" → "só você").
const PERSON: &[(&str, &str)] = &[
    ("eu", "você"),
    ("mim", "você"),
    ("meu", "seu"),
    ("minha", "sua"),
    ("meus", "seus"),
    ("minhas", "suas"),
];

/// The lead's answers as phrases, in flow order, personal data (name, e-mail, phone, CPF)
/// left out: the greeting already has the name, and the rest is not for a chat message.
/// Answers with no [`Asked`] (an answer queued before it existed) read as their label.
pub fn phrases(asked: &[Asked], answers: &[(String, String)]) -> Vec<String> {
    answers
        .iter()
        .filter(|(step, _)| !step.eq_ignore_ascii_case("nome"))
        .filter_map(
            |(step, label)| match asked.iter().find(|a| &a.step == step) {
                Some(a) => phrase(a, label),
                None => Some(lower_first(label.trim())).filter(|l| !l.is_empty()),
            },
        )
        .collect()
}

/// "a, b e c"; with "; " between them when a phrase has a colon of its own.
pub fn join_br(items: &[String]) -> String {
    let sep = if items.iter().any(|i| i.contains(':')) {
        "; "
    } else {
        ", "
    };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} e {last}", init.join(sep)),
    }
}

/// One answer worded by its question; `None` when it is not to be repeated.
pub fn phrase(asked: &Asked, label: &str) -> Option<String> {
    use Validation::*;
    if matches!(asked.validation, Some(Nome | Email | Telefone | Cpf)) {
        return None;
    }
    let label = label.trim().trim_end_matches('.').trim();
    if label.is_empty() {
        return None;
    }
    let q = asked.question.trim().trim_end_matches(['?', ':']).trim();
    let words: Vec<&str> = q.split_whitespace().collect();
    let low: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    if words.is_empty() {
        return Some(lower_first(label));
    }
    let proper = low.iter().any(|w| PROPER.contains(&w.as_str()));
    // A typed name or place is written properly; an option as the consultant wrote it, inside
    // the sentence.
    let answer = match (asked.free_text, proper) {
        (true, true) => proper_case(label),
        (true, false) | (false, true) => label.to_string(),
        (false, false) => second_person(&lower_first(label)),
    };
    let fallback = || format!("{}: {answer}", lower_first(q));

    // "Qual…", "Em qual…", "Quantos…": the topic, then the answer.
    let skip = match low.as_slice() {
        [p, i, ..] if ["em", "de", "para"].contains(&p.as_str()) && is_interrogative(i) => 2,
        [i, ..] if is_interrogative(i) => 1,
        _ => 0,
    };
    if skip > 0 {
        let counting = matches!(low[skip - 1].as_str(), "quantos" | "quantas");
        let mut start = skip;
        while start < words.len() && ARTICLES.contains(&low[start].as_str()) {
            start += 1;
        }
        let end = (start..words.len())
            .find(|&i| TOPIC_ENDS.contains(&low[i].as_str()))
            .unwrap_or(words.len());
        let topic = words[start..end].join(" ");
        if topic.is_empty() {
            return Some(fallback());
        }
        let topic = lower_first(&topic);
        let topic = ["faixa de ", "tipo de "]
            .iter()
            .find_map(|p| topic.strip_prefix(p))
            .filter(|t| !t.is_empty())
            .unwrap_or(&topic)
            .to_string();
        if counting {
            return Some(format!("{answer} {topic}"));
        }
        return Some(format!("{topic} {}", amount(&answer, !asked.free_text)));
    }

    // A yes/no question becomes a statement: "Aceita coparticipação?" + "Não" → "não aceita
    // coparticipação".
    let statement = || {
        let from = usize::from(matches!(low[0].as_str(), "você" | "voce"));
        lower_first(&words[from..].join(" "))
    };
    if low[0] != "como" {
        match normalise(label).as_str() {
            "sim" => return Some(statement()),
            "nao" => return Some(format!("não {}", statement())),
            "nao sei" => return Some(format!("ainda não sabe se {}", statement())),
            _ => {}
        }
    }

    // A sentence the answer completes: "Você busca plano para:" + "Família".
    let last = low.last().map(String::as_str).unwrap_or("");
    if asked.lead_in || PREPOSITIONS.contains(&last) {
        let mut pred = statement();
        // "busca plano para" reads "plano para"; a lone "quer" stays.
        for verb in ["busca ", "procura "] {
            if let Some(rest) = pred.strip_prefix(verb) {
                pred = rest.to_string();
            }
        }
        // "plano para" + "só você" → "plano só para você".
        if let (Some(rest), true) = (answer.strip_prefix("só "), PREPOSITIONS.contains(&last)) {
            let head = pred.strip_suffix(last).unwrap_or(&pred).trim_end();
            return Some(format!("{head} só {last} {rest}"));
        }
        return Some(format!("{pred} {answer}"));
    }

    // A bare topic as the question ("Idade do titular", "Cidade").
    if !low.iter().any(|w| TOPIC_ENDS.contains(&w.as_str())) && words.len() <= 5 {
        return Some(format!(
            "{} {}",
            lower_first(q),
            amount(&answer, !asked.free_text)
        ));
    }
    Some(fallback())
}

fn is_interrogative(word: &str) -> bool {
    matches!(
        word,
        "qual" | "quais" | "que" | "quanto" | "quantos" | "quantas"
    )
}

/// An option that is an amount reads after its topic: "31 a 45 anos" → "entre 31 e 45
/// anos", "60 anos ou mais" → "de 60 anos ou mais" ("de" only for options: a typed CEP or
/// number stands alone).
fn amount(answer: &str, option: bool) -> String {
    let has_digit = |s: &str| s.chars().any(|c| c.is_ascii_digit());
    if let Some((from, to)) = answer.split_once(" a ") {
        if has_digit(from) && has_digit(to) {
            return format!("entre {from} e {to}");
        }
    }
    let starts_with_amount =
        answer.starts_with(|c: char| c.is_ascii_digit()) || answer.starts_with("R$");
    if option && starts_with_amount {
        format!("de {answer}")
    } else {
        answer.to_string()
    }
}

/// An option's label inside a sentence: its first letter in lower case ("Família" →
/// "família"), unless it opens with an acronym ("CNPJ", "R$") or is a proper name (another
/// capitalised word: "Rio de Janeiro").
fn lower_first(text: &str) -> String {
    let acronym = |w: &str| w.chars().filter(|c| c.is_uppercase()).count() >= 2 || w == "R$";
    let words: Vec<&str> = text.split_whitespace().collect();
    let proper = words.iter().skip(1).any(|w| {
        !w.starts_with('(') && w.starts_with(char::is_uppercase) && !acronym(w.trim_matches(','))
    });
    match words.first() {
        Some(first) if !acronym(first) && !proper => {
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or_default()
        }
        _ => text.to_string(),
    }
}

/// "vender meu imóvel" → "vender seu imóvel": the option spoke for the lead, the summary
/// speaks to them.
fn second_person(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            PERSON
                .iter()
                .find(|(first, _)| *first == w)
                .map(|(_, second)| second.to_string())
                .unwrap_or_else(|| w.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(question: &str, free_text: bool, validation: Option<Validation>) -> Asked {
        Asked {
            step: "x".into(),
            question: question_title(question, "x"),
            lead_in: question.trim_end().ends_with(':'),
            free_text,
            validation,
        }
    }

    fn choice(question: &str, label: &str) -> String {
        phrase(&asked(question, false, None), label).unwrap()
    }

    fn typed(question: &str, answer: &str) -> String {
        phrase(&asked(question, true, None), answer).unwrap()
    }

    #[test]
    fn the_health_plan_template_reads_as_a_person_writes() {
        let perfil = "Prazer, {{nome}}! Você busca plano para:";
        assert_eq!(choice(perfil, "Família"), "plano para família");
        assert_eq!(choice(perfil, "Só eu"), "plano só para você");
        assert_eq!(
            choice(perfil, "Empresa (CNPJ)"),
            "plano para empresa (CNPJ)"
        );
        let idade = "Qual a faixa de idade do titular?";
        assert_eq!(
            choice(idade, "31 a 45 anos"),
            "idade do titular entre 31 e 45 anos"
        );
        assert_eq!(choice(idade, "Até 30 anos"), "idade do titular até 30 anos");
        assert_eq!(
            choice(idade, "60 anos ou mais"),
            "idade do titular de 60 anos ou mais"
        );
        let copart = "Aceita coparticipação para pagar menos na mensalidade?";
        assert_eq!(
            choice(copart, "Sim"),
            "aceita coparticipação para pagar menos na mensalidade"
        );
        assert!(choice(copart, "Não").starts_with("não aceita coparticipação"));
        assert!(choice(copart, "Não sei").starts_with("ainda não sabe se aceita"));
        let cidade = "Em qual cidade você mora?";
        assert_eq!(typed(cidade, "são paulo"), "cidade São Paulo");
        assert_eq!(typed(cidade, "RIO DE JANEIRO."), "cidade Rio de Janeiro");
    }

    #[test]
    fn the_other_templates_too() {
        // Real estate.
        assert_eq!(choice("{{nome}}, você quer:", "Comprar"), "quer comprar");
        assert_eq!(
            choice("{{nome}}, você quer:", "Vender meu imóvel"),
            "quer vender seu imóvel"
        );
        let valor = "Qual o valor aproximado que pretende investir?";
        assert_eq!(
            choice(valor, "R$ 300 a 600 mil"),
            "valor aproximado entre R$ 300 e 600 mil"
        );
        assert_eq!(
            choice(valor, "Acima de R$ 1 milhão"),
            "valor aproximado acima de R$ 1 milhão"
        );
        assert_eq!(
            typed("Qual bairro ou região você prefere?", "vila mariana"),
            "bairro ou região Vila Mariana"
        );
        // Vehicles.
        let tipo = "{{nome}}, que tipo de veículo procura?";
        assert_eq!(choice(tipo, "Seminovo"), "veículo seminovo");
        assert_eq!(
            choice("Tem um veículo para dar na troca?", "Não"),
            "não tem um veículo para dar na troca"
        );
        assert_eq!(
            choice("Como pretende pagar?", "Financiamento"),
            "como pretende pagar: financiamento"
        );
        // Insurance: a CEP stays as typed.
        assert_eq!(
            choice("{{nome}}, qual seguro você procura?", "Auto"),
            "seguro auto"
        );
        let cep = asked("Qual o seu CEP?", true, Some(Validation::Cep));
        assert_eq!(phrase(&cep, "01310-100").unwrap(), "CEP 01310-100");
    }

    #[test]
    fn counts_bare_topics_proper_names_and_personal_data() {
        assert_eq!(typed("Quantos dependentes você tem?", "2"), "2 dependentes");
        assert_eq!(
            choice("Idade do titular", "46 a 59 anos"),
            "idade do titular entre 46 e 59 anos"
        );
        assert_eq!(
            choice("Em qual cidade você mora?", "Rio de Janeiro"),
            "cidade Rio de Janeiro"
        );
        for v in [
            Validation::Nome,
            Validation::Email,
            Validation::Cpf,
            Validation::Telefone,
        ] {
            assert_eq!(
                phrase(&asked("Qual o seu dado?", true, Some(v)), "x@y.com"),
                None
            );
        }
        assert_eq!(phrase(&asked("Cidade?", true, None), "   "), None);
    }

    #[test]
    fn lists_join_as_a_sentence() {
        let s = |v: &[&str]| join_br(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b", "c"]), "a, b e c");
        assert_eq!(s(&["a", "como pagar: b", "c"]), "a; como pagar: b e c");
    }

    #[test]
    fn answers_queued_before_the_questions_were_kept_read_as_labels() {
        let answers = vec![
            ("nome".to_string(), "Maria".to_string()),
            ("perfil".to_string(), "Família".to_string()),
        ];
        assert_eq!(phrases(&[], &answers), vec!["família".to_string()]);
    }
}
