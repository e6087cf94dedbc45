//! The offers a flow's comparison image shows: up to six per flow, each for every lead or only
//! for leads who gave one answer, and the first three that fit a lead. Pure.

use serde::{Deserialize, Serialize};

/// Offers a flow keeps.
pub const MAX_OFFERS: usize = 6;
/// Offers one image shows.
pub const SHOWN: usize = 3;
pub const MAX_TITLE: usize = 60;
pub const MAX_NAME: usize = 40;
pub const MAX_PRICE: usize = 24;
pub const MAX_DETAILS: usize = 160;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Offer {
    pub nome: String,
    pub preco: String,
    #[serde(default)]
    pub detalhes: String,
    /// Only for leads who answered this option's value (empty: everyone).
    #[serde(default)]
    pub para: String,
    /// A photo from the consultant's file library (its id; empty: none): a property, a car.
    #[serde(default)]
    pub foto: String,
}

/// An offer as typed in the editor; a row left blank is no offer.
pub fn check(n: usize, o: Offer) -> Result<Option<Offer>, String> {
    let o = Offer {
        nome: o.nome.trim().to_string(),
        preco: o.preco.trim().to_string(),
        detalhes: o.detalhes.split_whitespace().collect::<Vec<_>>().join(" "),
        para: o.para.trim().to_string(),
        foto: o.foto.trim().to_string(),
    };
    if o.nome.is_empty() && o.preco.is_empty() && o.detalhes.is_empty() {
        return Ok(None);
    }
    let long = |what: &str, max: usize| format!("Opção {n}: {what} pode ter até {max} caracteres.");
    if o.nome.is_empty() {
        return Err(format!(
            "Opção {n}: escreva o nome (por exemplo, o plano ou o imóvel)."
        ));
    }
    if o.preco.is_empty() {
        return Err(format!(
            "Opção {n}: escreva o preço (por exemplo, R$ 489,90/mês)."
        ));
    }
    if o.nome.chars().count() > MAX_NAME {
        return Err(long("o nome", MAX_NAME));
    }
    if o.preco.chars().count() > MAX_PRICE {
        return Err(long("o preço", MAX_PRICE));
    }
    if o.detalhes.chars().count() > MAX_DETAILS {
        return Err(long("o detalhe", MAX_DETAILS));
    }
    for field in [&o.nome, &o.preco, &o.detalhes] {
        if field.chars().any(char::is_control) {
            return Err(format!(
                "Opção {n}: use só texto, sem caracteres de controle."
            ));
        }
    }
    Ok(Some(o))
}

/// The offers for a lead whose answers' values are `answered`: theirs first (in the
/// consultant's order), then everyone's, at most three.
pub fn for_lead<'a>(offers: &'a [Offer], answered: &[&str]) -> Vec<&'a Offer> {
    let theirs = offers
        .iter()
        .filter(|o| !o.para.is_empty() && answered.contains(&o.para.as_str()));
    let everyone = offers.iter().filter(|o| o.para.is_empty());
    theirs.chain(everyone).take(SHOWN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(nome: &str, para: &str) -> Offer {
        Offer {
            nome: nome.into(),
            preco: "R$ 1".into(),
            para: para.into(),
            ..Default::default()
        }
    }

    #[test]
    fn rows_are_checked_in_words() {
        assert_eq!(check(1, Offer::default()), Ok(None));
        let e = check(
            2,
            Offer {
                nome: "Plano".into(),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e, "Opção 2: escreva o preço (por exemplo, R$ 489,90/mês).");
        let ok = check(
            1,
            Offer {
                nome: " Plano ".into(),
                preco: "R$ 9".into(),
                detalhes: "a\n b".into(),
                ..Default::default()
            },
        );
        assert_eq!(ok.unwrap().unwrap().detalhes, "a b");
        let long = check(
            3,
            Offer {
                nome: "x".repeat(41),
                preco: "1".into(),
                ..Default::default()
            },
        );
        assert_eq!(
            long.unwrap_err(),
            "Opção 3: o nome pode ter até 40 caracteres."
        );
    }

    #[test]
    fn a_lead_sees_their_offers_first_then_everyones() {
        let offers = [
            offer("Geral 1", ""),
            offer("Família A", "familia"),
            offer("Empresa", "empresa"),
            offer("Geral 2", ""),
            offer("Família B", "familia"),
        ];
        let names = |a: &[&str]| -> Vec<String> {
            for_lead(&offers, a)
                .iter()
                .map(|o| o.nome.clone())
                .collect()
        };
        assert_eq!(
            names(&["familia", "31_45"]),
            ["Família A", "Família B", "Geral 1"]
        );
        assert_eq!(names(&["individual"]), ["Geral 1", "Geral 2"]);
    }
}
