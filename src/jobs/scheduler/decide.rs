//! What becomes of one due row ([`decide`]): pure, so its rules are tested alone
//! (`tests.rs`); the pass in `scheduler.rs` reads the rows and applies the decisions.

use app::domain::appointment::in_words;
use app::domain::flow::{FlowDefinition, LinkValue, Outgoing};
use app::domain::lead_answers;
use app::domain::schedule::{day_start, QuietHours};
use app::domain::template::{
    check_link_value, check_values, history_text, value_for, Button, Category, LeadFacts, Variable,
    VariableSource, MAX_BODY,
};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// The payload of a reminder's tap: `agenda:confirmar:<appointment>`; the webhook side
/// (`jobs::appointment_answers`) reads it back.
pub const ANSWER_PREFIX: &str = "agenda:";

/// The quick replies' payloads, by index: the ready template's buttons are Confirmar, then
/// Remarcar (`template_library`); any further button keeps Meta's default.
fn payloads(buttons: &[Button], appointment: Uuid) -> Vec<String> {
    buttons
        .iter()
        .zip(["confirmar", "remarcar"])
        .map_while(|(b, what)| {
            matches!(b, Button::QuickReply { .. })
                .then(|| format!("{ANSWER_PREFIX}{what}:{appointment}"))
        })
        .collect()
}

/// What becomes of one due row.
#[derive(Debug, PartialEq)]
pub(super) enum Decision {
    Send(Outgoing),
    Later(DateTime<Utc>),
    Skip(String),
}

pub(super) struct Due {
    pub(super) id: Uuid,
    pub(super) consultant_id: Uuid,
    pub(super) lead_id: Uuid,
    pub(super) automatic: bool,
    pub(super) body: Option<String>,
    pub(super) params: Vec<String>,
    pub(super) header_params: Vec<String>,
    pub(super) rule_stage: Option<String>,
    pub(super) anchor_at: Option<DateTime<Utc>>,
    pub(super) anchor_now: DateTime<Utc>,
    pub(super) lead_status: String,
    pub(super) opted_out: bool,
    pub(super) marketing_off: bool,
    pub(super) window_open: bool,
    pub(super) quiet: QuietHours,
    pub(super) sent_today: bool,
    pub(super) template: Option<(String, app::domain::template::TemplateDraft)>,
    pub(super) template_status: Option<String>,
    pub(super) name: Option<String>,
    pub(super) consultant_name: String,
    pub(super) answers: serde_json::Value,
    /// An appointment's reminder (kind `lembrete`): its appointment as it is now.
    pub(super) reminder: Option<Reminder>,
}

/// The appointment a reminder is about.
#[derive(Debug, Clone)]
pub(super) struct Reminder {
    pub(super) appointment: Uuid,
    /// 'marcado' while it stands.
    pub(super) status: String,
    pub(super) starts_at: DateTime<Utc>,
}

/// The rules of the issue, in order: whom not to write to at all, then when not to write
/// now, then what to send.
pub(super) fn decide(d: &Due, def: Option<&FlowDefinition>, now: DateTime<Utc>) -> Decision {
    if d.opted_out {
        return Decision::Skip("o lead pediu para não receber mensagens (SAIR)".into());
    }
    if let Some(r) = &d.reminder {
        if r.status != "marcado" {
            return Decision::Skip("o agendamento foi cancelado ou encerrado".into());
        }
        if r.starts_at <= now {
            return Decision::Skip("o horário do agendamento já tinha chegado".into());
        }
    }
    if d.automatic {
        if d.anchor_at.is_some_and(|a| d.anchor_now > a) {
            return Decision::Skip(
                "o lead ou você escreveram, ou a etapa mudou, antes do envio".into(),
            );
        }
        if d.rule_stage.as_deref().is_some_and(|s| s != d.lead_status) {
            return Decision::Skip("o lead mudou de etapa".into());
        }
        if d.quiet.contains(now) {
            let next = d.quiet.next_allowed(now);
            // A reminder after the appointment would be pointless: it waits only if the
            // quiet hours end before it.
            if d.reminder.as_ref().is_some_and(|r| next >= r.starts_at) {
                return Decision::Skip(format!(
                    "caiu no horário de silêncio ({}), que só termina depois do encontro",
                    d.quiet.label()
                ));
            }
            return Decision::Later(next);
        }
        // Reminders are expected (utility): the one-a-day cap is for follow-ups only.
        if d.sent_today && d.reminder.is_none() {
            // Tomorrow, at the end of the quiet hours (or just after midnight without any).
            let tomorrow = day_start(now) + Duration::days(1);
            return Decision::Later(d.quiet.next_allowed(tomorrow));
        }
    }
    match (&d.template, &d.body) {
        (Some((name, draft)), _) => {
            if d.template_status.as_deref() != Some("aprovado") {
                return Decision::Skip(format!(
                    "o modelo \"{name}\" não está aprovado pela Meta (pausado ou desativado)"
                ));
            }
            if draft.category == Category::Marketing && d.marketing_off {
                return Decision::Skip(
                    "o lead desativou as mensagens de marketing no WhatsApp".into(),
                );
            }
            let answers: Vec<(String, String)> =
                lead_answers::labelled(def, &lead_answers::from_json(&d.answers))
                    .into_iter()
                    .map(|a| (a.step, a.label))
                    .collect();
            let facts = LeadFacts {
                name: d.name.as_deref(),
                consultant: &d.consultant_name,
                answers: &answers,
            };
            // The link's end is the lead's own (a scheduled send keeps no value for it).
            let link = draft.link_variable().map(|(index, v)| LinkValue {
                index,
                value: value_for(v, &facts),
            });
            if let Some(Err(e)) = link.as_ref().map(|l| check_link_value(&l.value)) {
                return Decision::Skip(format!("o link ficou sem valor para este lead ({e})"));
            }
            let (params, header) = if d.automatic && d.params.is_empty() {
                // A reminder's typed value is the appointment's time, in words.
                let value = |v: &Variable| match (&d.reminder, &v.source) {
                    (Some(r), VariableSource::Typed) => in_words(r.starts_at, now),
                    _ => value_for(v, &facts),
                };
                (
                    draft.variables.iter().map(value).collect::<Vec<_>>(),
                    draft.header_variable.iter().map(value).collect::<Vec<_>>(),
                )
            } else {
                (d.params.clone(), d.header_params.clone())
            };
            // Values kept when it was scheduled no longer fit a template changed since.
            if params.len() != draft.variables.len()
                || header.len() != usize::from(draft.header_variable.is_some())
            {
                return Decision::Skip(format!(
                    "o modelo \"{name}\" mudou depois do agendamento: agende de novo"
                ));
            }
            if let Err(e) = check_values(&params).and(check_values(&header)) {
                return Decision::Skip(format!(
                    "uma variável ficou sem valor para este lead ({e})"
                ));
            }
            let body = draft.body_with(&params);
            if body.chars().count() > MAX_BODY {
                return Decision::Skip("o texto com as variáveis passa do limite da Meta".into());
            }
            let header_line = draft
                .header_text
                .as_deref()
                .map(|h| app::domain::template::render(h, &header));
            let text = history_text(draft, header_line.as_deref(), &body);
            Decision::Send(Outgoing::Template {
                name: name.clone(),
                language: "pt_BR".into(),
                header,
                params,
                buttons: d
                    .reminder
                    .as_ref()
                    .map(|r| payloads(&draft.buttons, r.appointment))
                    .unwrap_or_default(),
                header_image: draft.header_image.clone(),
                link,
                text,
            })
        }
        (None, Some(body)) if d.window_open => {
            Decision::Send(Outgoing::Text { body: body.clone() })
        }
        (None, Some(_)) => Decision::Skip(
            "a janela de 24 horas do WhatsApp estava fechada e a mensagem era texto livre".into(),
        ),
        (None, None) => Decision::Skip("o modelo escolhido foi excluído".into()),
    }
}
