//! Reading a lead: the page, older messages, the poll's fingerprint, the data export.

#[cfg(feature = "ssr")]
use super::timeline::{split_page, timeline};
use super::view::*;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "lead")]
pub async fn lead_detail(id: String, before: String) -> Result<LeadPageData, AppError> {
    use crate::api::leads::{lead_card, parse_lead_id};
    use crate::domain::flow::FlowDefinition;
    use crate::domain::lead_answers;
    use crate::domain::time::{duration_br, format_datetime};
    use crate::domain::{LeadStatus, PhoneBr};
    use crate::server::{appointments, conversations, lead_notes, leads, messages, Tenant};

    let id = parse_lead_id(&id).inspect_err(crate::server::auth::set_error_status)?;
    // Without JavaScript, older messages are a page of their own (`?antes=<cursor>`).
    let before = crate::domain::cursor::Cursor::parse(&before);
    let now = chrono::Utc::now();
    let mut t = Tenant::begin().await?;
    let Some(lead) = leads::find(&mut t.tx, id).await? else {
        let e = AppError::NotFound;
        crate::server::auth::set_error_status(&e);
        return Err(e);
    };
    leads::mark_seen(&mut t.tx, id).await?;
    leads::mark_viewing(&mut t.tx, id).await?;
    let conversation = conversations::current(&mut t.tx, id).await?;
    // The live flow scores the temperature (whatever version this lead's conversation ran, as
    // the intake and the rescoring job score it), and labels the answers of a lead without a
    // conversation.
    let live_def: Option<FlowDefinition> = leads::current_flow(&mut t.tx)
        .await?
        .and_then(|(_, d)| serde_json::from_value(d).ok());
    let def: Option<FlowDefinition> = match &conversation {
        Some(c) => serde_json::from_value(c.definition.clone()).ok(),
        None => live_def.clone(),
    };
    let last_inbound = conversations::last_inbound_at(&mut t.tx, id).await?;
    let rows = messages::page(&mut t.tx, id, before, MESSAGE_PAGE + 1).await?;
    let (rows, older, from) = split_page(rows);
    let notes = lead_notes::between(&mut t.tx, id, from, before.map(|c| c.at)).await?;
    let history = leads::history(&mut t.tx, id).await?;
    let version = messages::fingerprint(&mut t.tx, id).await?;
    let stale_days = leads::stale_after_days(&mut t.tx).await?;
    let tabs_by_name = leads::tabs_by_name(&mut t.tx).await?;
    let opted_out_at = leads::opted_out_at(&mut t.tx, id).await?;
    let score_facts = leads::score_facts(&mut t.tx, id).await?;
    leads::request_summary_if_missing(&mut t.tx, id).await?;
    let stored_summary = leads::summary(&mut t.tx, id).await?;
    let conversions = crate::server::conversions::for_lead(&mut t.tx, id)
        .await?
        .into_iter()
        .map(super::insights::conversion_state)
        .collect();
    let window_open =
        last_inbound.is_some_and(|at| now - at < chrono::Duration::hours(WINDOW_HOURS));
    // Outside the window only a template reaches the lead: the approved ones are offered.
    let approved = if window_open {
        None
    } else {
        let owner = crate::server::templates::owner(&mut t.tx).await?;
        Some((
            crate::server::templates::list(&mut t.tx, true).await?,
            owner.name,
        ))
    };
    let scheduled = crate::server::scheduled::for_lead(&mut t.tx, id).await?;
    let message_counts = crate::server::costs::for_lead(&mut t.tx, id).await?;
    let approved_names: Vec<(String, String)> = match &approved {
        Some((rows, _)) => rows
            .iter()
            .map(|r| (r.id.to_string(), r.draft.name.clone()))
            .collect(),
        None => crate::server::templates::list(&mut t.tx, true)
            .await?
            .into_iter()
            .map(|r| (r.id.to_string(), r.draft.name))
            .collect(),
    };
    let agendado = lead.row.status == LeadStatus::Agendado.as_str();
    let (active, reminders) = if agendado {
        use crate::server::appointment_reminders as r;
        let active = appointments::active_for(&mut t.tx, &[id]).await?.pop();
        let hours = match r::template(&mut t.tx).await? {
            Some(_) => Some(r::hours_before(&mut t.tx).await?),
            None => None,
        };
        (active, hours)
    } else {
        (None, None)
    };
    let library = crate::server::files::library(&mut t.tx).await?;
    let state = t.commit().await?;

    let (row, meta) = (lead.row, lead.metadata);
    let answers = lead_answers::from_json(&row.respostas);
    let wa_digits = row
        .whatsapp_number
        .as_deref()
        .map(|n| {
            PhoneBr::parse(n)
                .map(|p| p.wa_digits().to_string())
                .unwrap_or_else(|_| n.chars().filter(char::is_ascii_digit).collect())
        })
        .unwrap_or_default();
    let window = match last_inbound {
        Some(at) if now - at < chrono::Duration::hours(WINDOW_HOURS) => ReplyWindow::Open {
            left: duration_br(at + chrono::Duration::hours(WINDOW_HOURS) - now),
        },
        Some(at) => ReplyWindow::Closed {
            since: Some(format_datetime(at + chrono::Duration::hours(WINDOW_HOURS))),
        },
        None => ReplyWindow::Closed { since: None },
    };
    let metadata = [
        ("ad_id", "Anúncio (id)"),
        ("source_url", "Endereço do anúncio"),
        ("over_limit", "Acima do limite do plano"),
    ]
    .iter()
    .filter_map(|(k, label)| {
        meta.get(*k).and_then(|v| match v {
            serde_json::Value::String(s) if !s.is_empty() => Some((label.to_string(), s.clone())),
            serde_json::Value::Bool(true) => Some((label.to_string(), "sim".to_string())),
            _ => None,
        })
    })
    .collect();
    let corrections = lead_answers::labelled(def.as_ref(), &answers)
        .into_iter()
        .map(|a| CorrectionField {
            options: def
                .as_ref()
                .and_then(|d| d.step(&a.step))
                .map(|s| {
                    s.opcoes
                        .iter()
                        .map(|o| (o.valor.clone(), o.rotulo.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            step: a.step,
            question: a.question,
            value: a.value,
        })
        .collect();
    let templates = approved
        .map(|(rows, consultant)| {
            let by_step: Vec<(String, String)> = lead_answers::labelled(def.as_ref(), &answers)
                .into_iter()
                .map(|a| (a.step, a.label))
                .collect();
            let facts = crate::domain::template::LeadFacts {
                name: row.name.as_deref().or(row.profile_name.as_deref()),
                consultant: &consultant,
                answers: &by_step,
            };
            rows.into_iter()
                .map(|r| template_choice(r, &facts))
                .collect()
        })
        .unwrap_or_default();
    let stored_name = row.name.clone().unwrap_or_default();
    let tab_title = crate::api::lead_tabs::tab_title(
        tabs_by_name,
        row.name
            .as_deref()
            .or(row.profile_name.as_deref())
            .unwrap_or_default(),
        row.whatsapp_number.as_deref(),
    );
    let deal_value = row
        .deal_value_cents
        .and_then(crate::domain::deal_value::DealValue::from_cents)
        .map(|v| v.plain())
        .unwrap_or_default();
    let temperature = score_facts.filter(|f| f.scored).map(|f| {
        super::insights::temperature_view(&f, live_def.as_ref(), &answers, row.opted_out, now)
    });
    let summary =
        stored_summary.and_then(|s| super::insights::summary_view(s, live_def.as_ref(), &answers));
    let mut card = lead_card(row, def.as_ref(), stale_days, now);
    // What time did since the last scoring shows here at once.
    card.temperature = temperature
        .as_ref()
        .map(|t| (t.code.clone(), t.label.clone()));
    let appointment = active.map(|a| {
        let public_url = crate::server::app_state()
            .map(|s| s.config.public_url.clone())
            .unwrap_or_default();
        appointment_view(&a, &card, &public_url, now)
    });
    card.appointment = appointment.as_ref().map(|a| a.summary.clone());
    Ok(LeadPageData {
        temperature,
        summary,
        conversions,
        agendado,
        appointment,
        reminders,
        form_token: uuid::Uuid::new_v4().to_string(),
        file_token: uuid::Uuid::new_v4().to_string(),
        library: library
            .into_iter()
            .map(|f| (f.id.to_string(), f.name))
            .collect(),
        stored_name,
        deal_value,
        tab_title,
        corrections,
        card,
        wa_digits: Some(wa_digits).filter(|d| !d.is_empty()),
        campaign: meta
            .get("campaign")
            .and_then(|v| v.as_str())
            .map(str::to_string),
        answers: lead_answers::labelled(def.as_ref(), &answers)
            .into_iter()
            .map(|a| (a.question, a.label))
            .collect(),
        metadata,
        history: history
            .into_iter()
            .map(|h| {
                let label = |s: &str| LeadStatus::parse(s).map(|s| s.label()).unwrap_or("—");
                HistoryEntry {
                    text: format!(
                        "{} → {}{}",
                        h.from_status.as_deref().map(label).unwrap_or("—"),
                        label(&h.to_status),
                        h.changed_by_name
                            .map(|n| format!(" (por {n})"))
                            .unwrap_or_default()
                    ),
                    reason: h.reason,
                    at: format_datetime(h.created_at),
                }
            })
            .collect(),
        messages: timeline(id, rows, notes),
        older,
        paged_back: before.is_some(),
        handed_off: conversation
            .as_ref()
            .is_some_and(|c| c.handed_off_at.is_some()),
        opted_out_at: opted_out_at.map(format_datetime),
        window,
        version,
        templates,
        scheduled: scheduled.into_iter().map(scheduled_item).collect(),
        approved: approved_names,
        schedule_default: crate::domain::schedule::to_local_input(
            crate::domain::schedule::day_start(now) + chrono::Duration::hours(33),
        ),
        cost: crate::domain::pricing::summarize(&message_counts, &state.config.prices),
        window_closes: last_inbound
            .filter(|_| window_open)
            .map(|at| format_datetime(at + chrono::Duration::hours(WINDOW_HOURS))),
    })
}

#[cfg(feature = "ssr")]
fn scheduled_item(s: crate::server::scheduled::ScheduledRow) -> ScheduledItem {
    let what = match (&s.template_name, &s.body) {
        (Some(t), _) => format!("Modelo {t}"),
        (None, Some(b)) => format!("Texto: {}", crate::domain::text::preview(b, 80)),
        (None, None) => "Modelo excluído".into(),
    };
    let what = if s.kind == "acompanhamento" {
        format!("{what} (acompanhamento automático)")
    } else {
        what
    };
    ScheduledItem {
        id: s.id.to_string(),
        when: crate::domain::time::format_datetime(s.due_at),
        what,
        status_label: match s.status.as_str() {
            "agendada" => "Agendada",
            "enviada" => "Enviada",
            "cancelada" => "Cancelada",
            _ => "Não enviada",
        }
        .into(),
        can_cancel: s.status == "agendada",
        status: s.status,
        outcome: s.outcome,
    }
}

/// A template with its variables filled from the lead, and its preview with those values.
#[cfg(feature = "ssr")]
fn template_choice(
    r: crate::server::templates::TemplateRow,
    facts: &crate::domain::template::LeadFacts<'_>,
) -> TemplateChoice {
    use crate::domain::template::value_for;
    let values: Vec<String> = r
        .draft
        .variables
        .iter()
        .map(|v| value_for(v, facts))
        .collect();
    let header = r
        .draft
        .header_variable
        .as_ref()
        .map(|v| (v.source.label(), value_for(v, facts)));
    TemplateChoice {
        id: r.id.to_string(),
        name: r.draft.name.clone(),
        category: r.draft.category.label().into(),
        variables: r
            .draft
            .variables
            .iter()
            .zip(&values)
            .map(|(v, value)| (v.source.label(), value.clone()))
            .collect(),
        preview: crate::api::templates::Preview::of(
            &r.draft,
            &values,
            header.as_ref().map(|(_, v)| v.as_str()),
        ),
        header,
        link: r
            .draft
            .link_variable()
            .map(|(_, v)| (v.source.label(), value_for(v, facts))),
        body: r.draft.body.clone(),
        header_text: r.draft.header_text.clone(),
    }
}

/// The page's view of the active appointment: its line, the form's values, Google's link.
#[cfg(feature = "ssr")]
fn appointment_view(
    a: &crate::server::appointments::AppointmentRow,
    card: &crate::api::leads::LeadCard,
    public_url: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppointmentView {
    use crate::domain::appointment::{describe, form_values};
    use crate::domain::calendar::google_calendar_link;
    let event = crate::server::appointments::calendar_event(a, &card.name, &card.phone, public_url);
    let (date, time) = form_values(a.starts_at);
    AppointmentView {
        summary: describe(a.starts_at, a.place.as_deref(), a.video_url.is_some(), now),
        date,
        time,
        place: a.place.clone().unwrap_or_default(),
        link: a.video_url.clone().unwrap_or_default(),
        google_href: google_calendar_link(&event),
        answer: crate::domain::appointment::answer_label(a.lead_answer.as_deref())
            .map(str::to_string),
    }
}

/// Older messages of the chat (oldest first), and the cursor of the ones before them.
#[server(prefix = "/api", endpoint = "lead-mensagens")]
pub async fn older_messages(
    id: String,
    before: String,
) -> Result<(Vec<ChatMessage>, Option<String>), AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::domain::cursor::Cursor;
    use crate::server::{lead_notes, messages, Tenant};
    let id = parse_lead_id(&id)?;
    let before = Cursor::parse(&before)
        .ok_or_else(|| AppError::invalid("Posição da conversa inválida. Recarregue a página."))?;
    let mut t = Tenant::begin().await?;
    let rows = messages::page(&mut t.tx, id, Some(before), MESSAGE_PAGE + 1).await?;
    let (rows, older, from) = split_page(rows);
    let notes = lead_notes::between(&mut t.tx, id, from, Some(before.at)).await?;
    t.commit().await?;
    Ok((timeline(id, rows, notes), older))
}

/// What the poll compares: a changed value means "reload the lead".
#[server(prefix = "/api", endpoint = "lead-versao")]
pub async fn lead_version(id: String) -> Result<String, AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::server::{messages, Tenant};
    let id = parse_lead_id(&id)?;
    let mut t = Tenant::begin().await?;
    crate::server::leads::mark_viewing(&mut t.tx, id).await?;
    let v = messages::fingerprint(&mut t.tx, id).await?;
    t.commit().await?;
    Ok(v)
}

/// Everything held about one lead (the readable, printable form of the JSON export),
/// audited as `lead_exported` like the file.
#[server(prefix = "/api", endpoint = "lead-dados")]
pub async fn lead_data(id: String) -> Result<serde_json::Value, AppError> {
    use crate::api::leads::parse_lead_id;
    use crate::server::request_meta::RequestMeta;
    use crate::server::{lead_data, tenant, Tenant};
    let id = parse_lead_id(&id).inspect_err(crate::server::auth::set_error_status)?;
    let mut t = Tenant::begin().await?;
    let Some(data) = lead_data::gather(&mut t.tx, id).await? else {
        let e = AppError::NotFound;
        crate::server::auth::set_error_status(&e);
        return Err(e);
    };
    tenant::audit_in(
        &mut t.tx,
        &RequestMeta::current(),
        "lead_exported",
        "lead",
        Some(id),
        serde_json::json!({ "formato": "pagina" }),
    )
    .await?;
    t.commit().await?;
    Ok(data)
}
