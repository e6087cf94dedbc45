//! How warm a lead is: quente, morno or frio, from a score of points the consultant can read
//! back ("por quê"). The points come from
//!
//! * the answers: each option of the live flow may add or take points (set in the flow
//!   editor; the templates ship some, e.g. "Família" +2);
//! * finishing the flow (+2);
//! * how recently the lead wrote: +1 within a day, −2 after a week, −4 after a month;
//! * asking not to be messaged (−10: nobody chases a lead who said SAIR).
//!
//! Pure: the intake (after each answer), the rescoring job (when time moves a lead across a
//! recency step, or the rules change) and the lead page's explanation all call [`score`], so
//! the three always agree.

use super::flow::{FlowDefinition, StepKind};
use super::lead_answers::question_title;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// From this score up, a lead is hot.
pub const HOT_FROM: i16 = 4;
/// Up to this score, a lead is cold.
pub const COLD_UP_TO: i16 = 0;

pub const COMPLETED_POINTS: i16 = 2;
pub const OPTED_OUT_POINTS: i16 = -10;

/// The recency steps: (how long since the lead last wrote, points), the newest first. A lead
/// older than every step gets the last one's points.
const RECENCY: [(i64, i16); 4] = [(24, 1), (24 * 7, 0), (24 * 30, -2), (i64::MAX, -4)];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Temperature {
    Quente,
    Morno,
    Frio,
}

impl Temperature {
    pub const ALL: [Temperature; 3] = [Temperature::Quente, Temperature::Morno, Temperature::Frio];

    pub fn of_score(score: i16) -> Self {
        if score >= HOT_FROM {
            Temperature::Quente
        } else if score <= COLD_UP_TO {
            Temperature::Frio
        } else {
            Temperature::Morno
        }
    }

    /// The code in URLs (`temperatura=quente`) and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Temperature::Quente => "quente",
            Temperature::Morno => "morno",
            Temperature::Frio => "frio",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Temperature::Quente => "Quente",
            Temperature::Morno => "Morno",
            Temperature::Frio => "Frio",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The scores of this temperature as an inclusive range (what the filter asks the
    /// database, where the score is indexed).
    pub fn score_range(self) -> (i16, i16) {
        match self {
            Temperature::Quente => (HOT_FROM, i16::MAX),
            Temperature::Morno => (COLD_UP_TO + 1, HOT_FROM - 1),
            Temperature::Frio => (i16::MIN, COLD_UP_TO),
        }
    }
}

/// What the score is made of.
pub struct Facts<'a> {
    /// The consultant's live flow (its options' points); `None`: no flow, no answer points.
    pub def: Option<&'a FlowDefinition>,
    /// `leads.respostas`: step id → stored value.
    pub answers: &'a BTreeMap<String, String>,
    /// A conversation of the lead reached the flow's end.
    pub completed: bool,
    /// When the lead last wrote (`None`: never; counts as long ago).
    pub last_inbound_at: Option<DateTime<Utc>>,
    pub opted_out: bool,
    pub now: DateTime<Utc>,
}

/// One line of the explanation: "Para quem é o plano: Família" +2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub label: String,
    pub points: i16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    pub points: i16,
    pub temperature: Temperature,
    /// Every part that added or took points, in the order above.
    pub reasons: Vec<Reason>,
    /// When time alone will change the score (the next recency step); `None`: never.
    pub changes_at: Option<DateTime<Utc>>,
}

pub fn score(f: &Facts) -> Score {
    let mut reasons = Vec::new();
    if let Some(def) = f.def {
        for step in def.etapas.iter().filter(|s| s.tipo == StepKind::Escolha) {
            let Some(value) = f.answers.get(&step.id) else {
                continue;
            };
            if let Some(c) = step.opcoes.iter().find(|c| &c.valor == value) {
                if c.pontos != 0 {
                    reasons.push(Reason {
                        label: format!(
                            "{}: {}",
                            question_title(&step.pergunta, &step.id),
                            c.rotulo
                        ),
                        points: c.pontos,
                    });
                }
            }
        }
    }
    if f.completed {
        reasons.push(Reason {
            label: "Respondeu todas as perguntas do bot".into(),
            points: COMPLETED_POINTS,
        });
    }
    let (recency, changes_at) = recency(f.last_inbound_at, f.now);
    if let Some(r) = recency {
        reasons.push(r);
    }
    if f.opted_out {
        reasons.push(Reason {
            label: "Pediu para não receber mensagens".into(),
            points: OPTED_OUT_POINTS,
        });
    }
    let points = reasons
        .iter()
        .fold(0i16, |sum, r| sum.saturating_add(r.points));
    Score {
        points,
        temperature: Temperature::of_score(points),
        reasons,
        changes_at,
    }
}

/// The recency part, and when the next step begins.
fn recency(
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> (Option<Reason>, Option<DateTime<Utc>>) {
    let Some(last) = last else {
        let (_, points) = RECENCY[RECENCY.len() - 1];
        return (
            Some(Reason {
                label: "Ainda não escreveu".into(),
                points,
            }),
            None,
        );
    };
    let age = now - last;
    let mut lower = 0;
    for (hours, points) in RECENCY {
        if hours == i64::MAX || age < Duration::hours(hours) {
            let label = match (lower, hours) {
                (0, h) => format!("Escreveu nas últimas {h} horas"),
                (l, _) if l >= 24 * 30 => "Sem escrever há mais de 30 dias".to_string(),
                (l, _) => format!("Sem escrever há mais de {} dias", l / 24),
            };
            let ends = (hours != i64::MAX).then(|| last + Duration::hours(hours));
            let reason = (points != 0).then_some(Reason { label, points });
            return (reason, ends);
        }
        lower = hours;
    }
    unreachable!("the last recency step has no end")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def() -> FlowDefinition {
        serde_json::from_value(serde_json::json!({"etapas": [
            {"id": "nome", "tipo": "texto", "pergunta": "Seu nome?", "proxima": "perfil"},
            {"id": "perfil", "tipo": "escolha", "pergunta": "Você busca plano para:", "opcoes": [
                {"rotulo": "Só eu", "valor": "individual"},
                {"rotulo": "Família", "valor": "familia", "pontos": 2},
                {"rotulo": "Só pesquisando", "valor": "pesquisa", "pontos": -2}
            ], "proxima": "fim"},
            {"id": "fim", "tipo": "fim"}
        ]}))
        .unwrap()
    }

    fn answers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn at(
        now: DateTime<Utc>,
        hours_ago: i64,
        d: &FlowDefinition,
        a: &BTreeMap<String, String>,
        completed: bool,
    ) -> Score {
        score(&Facts {
            def: Some(d),
            answers: a,
            completed,
            last_inbound_at: Some(now - Duration::hours(hours_ago)),
            opted_out: false,
            now,
        })
    }

    #[test]
    fn a_family_lead_who_finished_just_now_is_hot_and_says_why() {
        let now = Utc::now();
        let d = def();
        let s = at(
            now,
            0,
            &d,
            &answers(&[("nome", "Ana"), ("perfil", "familia")]),
            true,
        );
        assert_eq!(s.points, 5);
        assert_eq!(s.temperature, Temperature::Quente);
        let labels: Vec<(&str, i16)> = s
            .reasons
            .iter()
            .map(|r| (r.label.as_str(), r.points))
            .collect();
        assert_eq!(
            labels,
            [
                ("Você busca plano para: Família", 2),
                ("Respondeu todas as perguntas do bot", 2),
                ("Escreveu nas últimas 24 horas", 1)
            ]
        );
        assert_eq!(s.changes_at, Some(now + Duration::hours(24)));
    }

    #[test]
    fn just_looking_and_unfinished_is_cold_and_time_cools_a_lead_step_by_step() {
        let now = Utc::now();
        let d = def();
        let looking = answers(&[("perfil", "pesquisa")]);
        assert_eq!(
            at(now, 1, &d, &looking, false).temperature,
            Temperature::Frio
        );
        let family = answers(&[("perfil", "familia")]);
        let cases = [
            (1, 5, Temperature::Quente),
            (30, 4, Temperature::Quente),
            (24 * 8, 2, Temperature::Morno),
            (24 * 31, 0, Temperature::Frio),
        ];
        for (hours, points, t) in cases {
            let s = at(now, hours, &d, &family, true);
            assert_eq!((s.points, s.temperature), (points, t), "{hours} h");
        }
        let last = now - Duration::hours(24 * 8);
        assert_eq!(
            at(now, 24 * 8, &d, &family, true).changes_at,
            Some(last + Duration::hours(24 * 30))
        );
        assert_eq!(at(now, 24 * 31, &d, &family, true).changes_at, None);
        assert_eq!(
            at(now, 24 * 8, &d, &family, true)
                .reasons
                .last()
                .unwrap()
                .label,
            "Sem escrever há mais de 7 dias"
        );
    }

    #[test]
    fn opting_out_and_unknown_answers_and_no_flow() {
        let now = Utc::now();
        let d = def();
        let a = answers(&[("perfil", "familia"), ("perdida", "x")]);
        let s = score(&Facts {
            def: Some(&d),
            answers: &a,
            completed: true,
            last_inbound_at: Some(now),
            opted_out: true,
            now,
        });
        assert_eq!((s.points, s.temperature), (-5, Temperature::Frio));
        // An answer the flow no longer offers adds nothing; without a flow, only the rest counts.
        let a = answers(&[("perfil", "removida")]);
        assert_eq!(at(now, 0, &d, &a, false).points, 1);
        let s = score(&Facts {
            def: None,
            answers: &a,
            completed: false,
            last_inbound_at: None,
            opted_out: false,
            now,
        });
        assert_eq!((s.points, s.changes_at), (-4, None));
    }

    #[test]
    fn temperatures_cover_every_score_once() {
        for score in [i16::MIN, -1, 0, 1, 3, 4, 40, i16::MAX] {
            let t = Temperature::of_score(score);
            let hits: Vec<_> = Temperature::ALL
                .into_iter()
                .filter(|t| (t.score_range().0..=t.score_range().1).contains(&score))
                .collect();
            assert_eq!(hits, [t], "{score}");
            assert_eq!(Temperature::parse(t.as_str()), Some(t));
        }
    }
}
