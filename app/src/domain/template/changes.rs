//! When a template may be changed or deleted. Meta reviews a changed template again; it
//! allows an approved one one change a day and ten in thirty days (a rejected or paused one,
//! any number), and never a change of an approved one's category.

use super::Category;
use crate::domain::time::format_datetime;
use chrono::{DateTime, Duration, Utc};

/// Changes of an approved template Meta allows in 30 days.
pub const EDITS_PER_30_DAYS: usize = 10;

/// Why a template in `status`, changed at `edits` (any order), cannot be changed at `now`,
/// in words; `None`: it can.
pub fn edit_refusal(status: &str, edits: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<String> {
    match status {
        "aprovado" => {
            if let Some(last) = edits
                .iter()
                .max()
                .filter(|t| now - **t < Duration::hours(24))
            {
                return Some(format!(
                    "A Meta permite alterar um modelo aprovado uma vez por dia: altere de novo a partir de {}.",
                    format_datetime(*last + Duration::hours(24))
                ));
            }
            let recent = edits
                .iter()
                .filter(|t| now - **t < Duration::days(30))
                .count();
            (recent >= EDITS_PER_30_DAYS).then(|| {
                format!(
                    "A Meta permite {EDITS_PER_30_DAYS} alterações de um modelo aprovado em 30 dias, e este já teve todas: crie outro modelo."
                )
            })
        }
        "rejeitado" | "pausado" | "erro" => None,
        "enviando" | "em_analise" => {
            Some("Este modelo está em análise pela Meta: espere a resposta para alterá-lo.".into())
        }
        "excluindo" => Some("Este modelo está sendo excluído.".into()),
        _ => Some("A Meta desativou este modelo: ele não pode ser alterado. Crie outro.".into()),
    }
}

/// Why a change from `was` to `now` (categories) of a template Meta knows is refused.
pub fn category_refusal(on_meta: bool, was: Category, now: Category) -> Option<String> {
    (on_meta && was != now).then(|| {
        "A categoria de um modelo já enviado à Meta não muda: para outra categoria, crie outro modelo.".into()
    })
}

/// Why a template in `status` cannot be deleted now; `None`: it can.
pub fn delete_refusal(status: &str) -> Option<String> {
    match status {
        "enviando" => Some(
            "Este modelo está sendo enviado para a Meta: espere a resposta para excluí-lo.".into(),
        ),
        "excluindo" => Some("Este modelo já está sendo excluído.".into()),
        _ => None,
    }
}

/// Why a template in use cannot be deleted: `rules` follow-up rules and `scheduled` sends
/// waiting would lose it.
pub fn in_use_refusal(rules: i64, scheduled: i64) -> Option<String> {
    let plural = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let parts: Vec<String> = [
        (rules > 0).then(|| plural(rules, "regra de acompanhamento", "regras de acompanhamento")),
        (scheduled > 0).then(|| plural(scheduled, "envio agendado", "envios agendados")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "Este modelo está em uso: {}. Remova as regras e cancele os envios antes de excluí-lo.",
            parts.join(" e ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn an_approved_template_changes_once_a_day_and_ten_times_a_month() {
        assert_eq!(edit_refusal("aprovado", &[], at(0)), None);
        let once = edit_refusal("aprovado", &[at(-23)], at(0)).unwrap();
        assert!(once.contains("uma vez por dia"), "{once}");
        // Changed at 13:00 UTC the day before: again from 13:00 UTC, 10:00 in São Paulo.
        assert!(once.contains("01/12/2026 10:00"), "{once}");
        assert_eq!(edit_refusal("aprovado", &[at(-25)], at(0)), None);
        let ten: Vec<_> = (1..=10).map(|d| at(-24 * 2 * d)).collect();
        assert!(edit_refusal("aprovado", &ten, at(0))
            .unwrap()
            .contains("10 alterações"));
        // Older than 30 days no longer count.
        let old: Vec<_> = (1..=10).map(|d| at(-24 * (30 + d))).collect();
        assert_eq!(edit_refusal("aprovado", &old, at(0)), None);
    }

    #[test]
    fn refused_paused_and_failed_ones_change_freely_others_wait_or_never() {
        let many: Vec<_> = (0..20).map(|h| at(-h)).collect();
        for s in ["rejeitado", "pausado", "erro"] {
            assert_eq!(edit_refusal(s, &many, at(0)), None, "{s}");
        }
        assert!(edit_refusal("em_analise", &[], at(0))
            .unwrap()
            .contains("em análise"));
        assert!(edit_refusal("desativado", &[], at(0))
            .unwrap()
            .contains("desativou"));
        assert!(edit_refusal("excluindo", &[], at(0)).is_some());
    }

    #[test]
    fn deleting_waits_for_a_submission_and_refuses_what_is_in_use() {
        assert!(delete_refusal("enviando").is_some());
        assert_eq!(delete_refusal("aprovado"), None);
        assert_eq!(in_use_refusal(0, 0), None);
        assert_eq!(
            in_use_refusal(1, 3).unwrap(),
            "Este modelo está em uso: 1 regra de acompanhamento e 3 envios agendados. Remova as regras e cancele os envios antes de excluí-lo."
        );
        assert!(in_use_refusal(0, 1)
            .unwrap()
            .contains(": 1 envio agendado."));
        assert!(category_refusal(true, Category::Utility, Category::Marketing).is_some());
        assert_eq!(
            category_refusal(false, Category::Utility, Category::Marketing),
            None
        );
    }
}
