//! What the lead page says of the lead beyond its row, as the page shows it: its temperature
//! and why, its summary, and the state of its events for Meta.

use super::view::{SummaryView, TemperatureView};
use crate::domain::flow::FlowDefinition;
use crate::domain::time::format_datetime;
use std::collections::BTreeMap;

/// The temperature scored now (what time did since the last scoring shows at once), with
/// each reason and its points ("+2").
pub(super) fn temperature_view(
    f: &crate::server::leads::ScoreFacts,
    live_def: Option<&FlowDefinition>,
    answers: &BTreeMap<String, String>,
    opted_out: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> TemperatureView {
    use crate::domain::temperature::{score, Facts};
    let s = score(&Facts {
        def: live_def,
        answers,
        completed: f.completed,
        last_inbound_at: f.last_inbound_at,
        opted_out,
        now,
    });
    TemperatureView {
        code: s.temperature.as_str().into(),
        label: s.temperature.label().into(),
        points: s.points,
        reasons: s
            .reasons
            .into_iter()
            .map(|r| (r.label, format!("{:+}", r.points)))
            .collect(),
    }
}

/// One event for Meta in words: (event, "enviado à Meta em …" / "na fila" / why it failed).
pub(super) fn conversion_state(e: crate::server::conversions::EventRow) -> (String, String) {
    let state = match (e.status.as_str(), e.sent_at) {
        ("enviado", Some(at)) => format!("enviado à Meta em {}", format_datetime(at)),
        ("pendente", _) => "na fila para a Meta".to_string(),
        ("cancelado", _) => "não enviado: o lead pediu para sair".to_string(),
        _ => format!(
            "falhou: {}",
            e.last_error.unwrap_or_else(|| "erro desconhecido".into())
        ),
    };
    (e.event_name, state)
}

/// The summary the page shows: the stored one, else the built-in one written now from the
/// answers (the summaries job stores a summary moments later); `None` without answers.
pub(super) fn summary_view(
    stored: crate::server::leads::StoredSummary,
    def: Option<&FlowDefinition>,
    answers: &BTreeMap<String, String>,
) -> Option<SummaryView> {
    use crate::domain::ai::summary::{builtin_summary, SummaryInput};
    match (stored.text, stored.at) {
        (Some(text), Some(at)) => Some(SummaryView {
            text,
            note: match stored.source.as_deref() {
                Some("ia") => format!(
                    "Escrito pela IA a partir das respostas, em {}",
                    format_datetime(at)
                ),
                _ => format!("Montado a partir das respostas, em {}", format_datetime(at)),
            },
        }),
        _ => {
            let vertical = crate::domain::Vertical::parse(&stored.vertical).ok()?;
            let text = builtin_summary(&SummaryInput::new(vertical, def, answers));
            (!text.is_empty()).then(|| SummaryView {
                text,
                note: "Montado agora a partir das respostas".into(),
            })
        }
    }
}
