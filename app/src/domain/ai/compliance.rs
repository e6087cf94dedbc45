//! What an answer may not say, per line of business, and the disclaimer it must carry.
//! Health plans (ANS rules): no guaranteed prices, no promises about waiting periods
//! (carência) or coverage. Insurance (SUSEP): no guaranteed payouts or coverage. Real
//! estate and vehicles: no guaranteed appreciation, returns or credit approval.

use crate::domain::flow::normalise;
use crate::domain::Vertical;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceFlag {
    /// A stable code for reports: `preco_garantido`, `disclaimer_ausente`...
    pub code: String,
    /// The words that triggered it, if any.
    pub matched: Option<String>,
}

/// (code, forbidden phrases, already normalised: lower case, no accents).
type Rule = (&'static str, &'static [&'static str]);

fn rules(v: Vertical) -> &'static [Rule] {
    match v {
        Vertical::HealthPlans => &[
            (
                "preco_garantido",
                &[
                    "preco garantido",
                    "valor garantido",
                    "garanto o preco",
                    "garantimos o preco",
                    "mensalidade garantida",
                    "preco fixo para sempre",
                    "nunca vai aumentar",
                ],
            ),
            (
                "promessa_carencia",
                &[
                    "sem carencia",
                    "carencia zero",
                    "zero carencia",
                    "isento de carencia",
                    "isencao de carencia",
                    "nao tem carencia",
                    "nao ha carencia",
                ],
            ),
            (
                "promessa_cobertura",
                &[
                    "cobertura total",
                    "cobre tudo",
                    "cobertura garantida",
                    "100 de cobertura",
                    "cobertura ilimitada",
                    "garantia de cobertura",
                ],
            ),
        ],
        Vertical::Insurance => &[
            (
                "indenizacao_garantida",
                &[
                    "indenizacao garantida",
                    "garantimos a indenizacao",
                    "pagamento garantido",
                ],
            ),
            (
                "promessa_cobertura",
                &[
                    "cobre tudo",
                    "cobertura total",
                    "cobertura garantida",
                    "qualquer sinistro",
                ],
            ),
            ("preco_garantido", &["preco garantido", "valor garantido"]),
        ],
        Vertical::RealEstate => &[
            (
                "retorno_garantido",
                &[
                    "valorizacao garantida",
                    "retorno garantido",
                    "lucro garantido",
                    "rentabilidade garantida",
                ],
            ),
            (
                "credito_garantido",
                &[
                    "aprovacao garantida",
                    "financiamento garantido",
                    "credito garantido",
                ],
            ),
        ],
        Vertical::Automotive => &[
            (
                "credito_garantido",
                &[
                    "aprovacao garantida",
                    "financiamento garantido",
                    "credito garantido",
                    "sem consulta ao spc",
                    "sem consulta ao serasa",
                ],
            ),
            (
                "preco_garantido",
                &["taxa zero garantida", "preco garantido"],
            ),
        ],
    }
}

/// The sentence every answer in this line of business must end with.
pub fn disclaimer(v: Vertical) -> &'static str {
    match v {
        Vertical::HealthPlans => {
            "Valores, carências e coberturas dependem da operadora e do plano escolhido, conforme as regras da ANS."
        }
        Vertical::Insurance => {
            "Coberturas e valores dependem da análise e das condições gerais da seguradora, conforme as regras da SUSEP."
        }
        Vertical::RealEstate => {
            "Valores e condições estão sujeitos a alteração, disponibilidade e análise de crédito."
        }
        Vertical::Automotive => {
            "Valores e condições estão sujeitos a alteração, disponibilidade e análise de crédito."
        }
    }
}

/// Every problem with `answer`; empty means it may be sent.
pub fn check(v: Vertical, answer: &str) -> Vec<ComplianceFlag> {
    let text = normalise(answer);
    let mut flags = Vec::new();
    for (code, phrases) in rules(v) {
        if let Some(p) = phrases.iter().find(|p| text.contains(&normalise(p))) {
            flags.push(ComplianceFlag {
                code: (*code).into(),
                matched: Some((*p).into()),
            });
        }
    }
    if !text.contains(&normalise(disclaimer(v))) {
        flags.push(ComplianceFlag {
            code: "disclaimer_ausente".into(),
            matched: None,
        });
    }
    flags
}

/// What the lead gets instead of an answer that failed the check.
pub fn safe_answer(v: Vertical, lead_name: Option<&str>, consultant_name: &str) -> String {
    let greeting = match lead_name {
        Some(n) => format!("Obrigado pelas respostas, {n}!"),
        None => "Obrigado pelas respostas!".to_string(),
    };
    format!(
        "{greeting} {consultant_name} vai analisar o seu perfil e falar com você por aqui com opções adequadas. {}",
        disclaimer(v)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Vertical::*;

    fn codes(v: Vertical, s: &str) -> Vec<String> {
        check(v, s).into_iter().map(|f| f.code).collect()
    }

    #[test]
    fn health_plan_rules() {
        let ok = format!("Separei opções para você. {}", disclaimer(HealthPlans));
        assert!(check(HealthPlans, &ok).is_empty());
        assert_eq!(
            codes(
                HealthPlans,
                &format!(
                    "Plano SEM CARÊNCIA e com preço garantido! {}",
                    disclaimer(HealthPlans)
                )
            ),
            ["preco_garantido", "promessa_carencia"]
        );
        assert_eq!(
            codes(HealthPlans, "Cobertura total para a família."),
            ["promessa_cobertura", "disclaimer_ausente"]
        );
    }

    #[test]
    fn other_verticals() {
        assert_eq!(
            codes(
                Insurance,
                &format!("Indenização garantida. {}", disclaimer(Insurance))
            ),
            ["indenizacao_garantida"]
        );
        assert_eq!(
            codes(
                RealEstate,
                &format!("Valorização garantida! {}", disclaimer(RealEstate))
            ),
            ["retorno_garantido"]
        );
        assert_eq!(
            codes(
                Automotive,
                &format!("Aprovação garantida. {}", disclaimer(Automotive))
            ),
            ["credito_garantido"]
        );
        // What is forbidden in one line of business may be fine in another.
        assert!(check(
            RealEstate,
            &format!("Sem carência! {}", disclaimer(RealEstate))
        )
        .is_empty());
    }

    #[test]
    fn the_safe_answer_passes() {
        for v in Vertical::ALL {
            let s = safe_answer(v, Some("Ana"), "Joana");
            assert!(check(v, &s).is_empty(), "{v:?}: {s}");
        }
    }
}
