//! Ready templates, a few per area: the consultant submits one as it is (or copies it into
//! the form to change it). Written to pass Meta's review: a clear purpose, fixed words around
//! each variable, utility only where the lead asked for the thing it is about.

use super::template::{Button, Category, TemplateDraft, Variable, VariableSource};
use super::vertical::Vertical;

pub struct Ready {
    /// Stable key (the form posts it).
    pub key: &'static str,
    pub title: &'static str,
    pub verticals: &'static [Vertical],
    pub draft: fn() -> TemplateDraft,
}

fn var(source: VariableSource, example: &str) -> Variable {
    Variable {
        source,
        example: example.into(),
    }
}

fn quick(texts: &[&str]) -> Vec<Button> {
    texts
        .iter()
        .map(|t| Button::QuickReply { text: (*t).into() })
        .collect()
}

const ALL: &[Vertical] = &[
    Vertical::HealthPlans,
    Vertical::RealEstate,
    Vertical::Automotive,
    Vertical::Insurance,
];

pub const LIBRARY: &[Ready] = &[
    Ready {
        key: "retomar_conversa",
        title: "Retomar a conversa",
        verticals: ALL,
        draft: || {
            TemplateDraft {
            name: "retomar_conversa".into(),
            category: Category::Marketing,
            header_text: None,
            header_variable: None,
            header_image: None,
            body: "Olá {{1}}, aqui é {{2}}. Ficou alguma dúvida sobre o que conversamos? Posso te ajudar a seguir de onde paramos.".into(),
            footer_text: Some("Responda SAIR para não receber mais".into()),
            buttons: quick(&["Quero continuar", "Agora não"]),
            variables: vec![var(VariableSource::FirstName, "Maria"), var(VariableSource::Consultant, "Joana")],
        }
        },
    },
    Ready {
        key: "lembrete_agendamento",
        title: "Lembrete de agendamento",
        verticals: ALL,
        draft: || TemplateDraft {
            name: "lembrete_agendamento".into(),
            category: Category::Utility,
            header_text: Some("Lembrete do seu horário".into()),
            header_variable: None,
            header_image: None,
            body: "Olá {{1}}, lembrando do nosso horário marcado para {{2}}. Você confirma?".into(),
            footer_text: None,
            buttons: quick(&["Confirmar", "Remarcar"]),
            variables: vec![
                var(VariableSource::FirstName, "Maria"),
                var(VariableSource::Typed, "amanhã às 14h"),
            ],
        },
    },
    Ready {
        key: "cotacao_pronta",
        title: "Cotação pronta",
        verticals: &[Vertical::HealthPlans, Vertical::Insurance],
        draft: || {
            TemplateDraft {
            name: "cotacao_pronta".into(),
            category: Category::Utility,
            header_text: None,
            header_variable: None,
            header_image: None,
            body: "Olá {{1}}, a cotação que você pediu já está pronta. Quer que eu envie os valores por aqui?".into(),
            footer_text: None,
            buttons: quick(&["Pode enviar", "Prefiro ligação"]),
            variables: vec![var(VariableSource::FirstName, "Maria")],
        }
        },
    },
    Ready {
        key: "novos_imoveis",
        title: "Novos imóveis no seu perfil",
        verticals: &[Vertical::RealEstate],
        draft: || {
            TemplateDraft {
            name: "novos_imoveis".into(),
            category: Category::Marketing,
            header_text: None,
            header_variable: None,
            header_image: None,
            body: "Olá {{1}}, chegaram imóveis novos com o perfil que você procura. Quer ver as opções desta semana?".into(),
            footer_text: Some("Responda SAIR para não receber mais".into()),
            buttons: quick(&["Quero ver", "Agora não"]),
            variables: vec![var(VariableSource::FirstName, "Maria")],
        }
        },
    },
    Ready {
        key: "test_drive",
        title: "Convite para test drive",
        verticals: &[Vertical::Automotive],
        draft: || {
            TemplateDraft {
            name: "convite_test_drive".into(),
            category: Category::Marketing,
            header_text: None,
            header_variable: None,
            header_image: None,
            body: "Olá {{1}}, o carro que você procurava está disponível para test drive. Quer marcar um horário esta semana?".into(),
            footer_text: Some("Responda SAIR para não receber mais".into()),
            buttons: quick(&["Quero marcar", "Agora não"]),
            variables: vec![var(VariableSource::FirstName, "Maria")],
        }
        },
    },
];

/// The ready templates for an area.
pub fn for_vertical(v: Option<Vertical>) -> impl Iterator<Item = &'static Ready> {
    LIBRARY
        .iter()
        .filter(move |r| v.is_none_or(|v| r.verticals.contains(&v)))
}

pub fn find(key: &str) -> Option<&'static Ready> {
    LIBRARY.iter().find(|r| r.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ready_template_passes_the_checks() {
        for r in LIBRARY {
            assert_eq!((r.draft)().problems(), Vec::<String>::new(), "{}", r.key);
        }
        assert!(for_vertical(Some(Vertical::Automotive)).any(|r| r.key == "test_drive"));
        assert!(!for_vertical(Some(Vertical::HealthPlans)).any(|r| r.key == "test_drive"));
    }
}
