//! `/modelos`: the consultant's WhatsApp templates with Meta's verdict, the ready ones of
//! their area, and what the creation form needs. The forms post to plain routes
//! (`handlers::templates`), the same with or without JavaScript.

use crate::api::feedback::FormContext;
use crate::domain::template::{Button, TemplateDraft};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A template as WhatsApp shows it: bold header, body, grey footer, buttons under it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// The header image's address (the consultant's file), instead of a header text.
    pub image: Option<String>,
    pub header: Option<String>,
    pub body: String,
    pub footer: Option<String>,
    pub buttons: Vec<String>,
}

impl Preview {
    /// With `values` in the body's variables and `header_value` in the header's.
    pub fn of(d: &TemplateDraft, values: &[String], header_value: Option<&str>) -> Self {
        use crate::domain::template::render;
        Preview {
            image: d.header_image.as_ref().map(|f| format!("/arquivos/{f}")),
            header: d.header_text.as_ref().map(|h| match header_value {
                Some(v) => render(h, &[v.to_string()]),
                None => h.clone(),
            }),
            body: d.body_with(values),
            footer: d.footer_text.clone(),
            buttons: d
                .buttons
                .iter()
                .map(|b| match b {
                    Button::QuickReply { text } => text.clone(),
                    Button::Url { text, .. } => format!("↗ {text}"),
                })
                .collect(),
        }
    }

    /// With the examples the consultant gave.
    pub fn example(d: &TemplateDraft) -> Self {
        let header = d.header_variable.as_ref().map(|v| v.example.as_str());
        Self::of(d, &d.examples(), header)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateItem {
    pub id: String,
    pub name: String,
    pub category: String,
    pub status: String,
    pub status_label: String,
    pub reason: Option<String>,
    pub quality: Option<String>,
    pub updated_at: String,
    pub preview: Preview,
    pub can_delete: bool,
    pub can_retry: bool,
    pub can_edit: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryItem {
    pub key: String,
    pub title: String,
    pub category: String,
    pub preview: Preview,
    /// A template of this name exists already.
    pub added: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplatesData {
    pub items: Vec<TemplateItem>,
    pub library: Vec<LibraryItem>,
    pub form: FormContext,
    /// No Meta app on this server: templates are approved at once.
    pub sandbox: bool,
    /// A Meta app, but no number connected: nothing can be submitted yet.
    pub needs_connection: bool,
    /// A variable's possible origins: (form value, label), the live flow's questions too.
    pub sources: Vec<(String, String)>,
    pub rules: Vec<RuleItem>,
    /// Quiet hours (start, end), São Paulo time.
    pub quiet: (i16, i16),
    /// An appointment's second reminder, hours before (the first is 24 h before).
    pub reminder_hours: i16,
    /// The library's images a header may show: (id, name).
    pub images: Vec<(String, String)>,
    /// The template being changed (`/modelos?alterar=<id>`), its form's values.
    pub editing: Option<Editing>,
}

/// A template opened for a change: the creation form, filled with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Editing {
    pub id: String,
    pub name: String,
    pub values: Vec<(String, String)>,
}

/// A follow-up rule as `/modelos` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleItem {
    pub id: String,
    pub stage: String,
    pub after: String,
    pub template: String,
    /// The template is no longer approved: the rule sends nothing until it is.
    pub paused: bool,
}

/// "24 horas", "3 dias".
pub fn hours_label(hours: i32) -> String {
    match (hours % 24, hours / 24) {
        (0, 1) => "1 dia".into(),
        (0, d) => format!("{d} dias"),
        _ if hours == 1 => "1 hora".into(),
        _ => format!("{hours} horas"),
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "enviando" => "Enviando para a Meta",
        "em_analise" => "Em análise pela Meta",
        "aprovado" => "Aprovado",
        "rejeitado" => "Rejeitado",
        "pausado" => "Pausado pela Meta",
        "desativado" => "Desativado pela Meta",
        "excluindo" => "Excluindo na Meta",
        _ => "Erro no envio",
    }
}

#[cfg(feature = "ssr")]
fn quality_label(q: &str) -> Option<String> {
    match q {
        "GREEN" => Some("Qualidade alta".into()),
        "YELLOW" => Some("Qualidade média: os leads estão bloqueando ou denunciando".into()),
        "RED" => Some("Qualidade baixa: a Meta pode pausar este modelo".into()),
        _ => None,
    }
}

#[server(prefix = "/api", endpoint = "modelos")]
pub async fn templates_page(alterar: Option<String>) -> Result<TemplatesData, AppError> {
    use crate::domain::flow::FlowDefinition;
    use crate::domain::template::changes::{delete_refusal, edit_refusal};
    use crate::domain::template::VariableSource;
    use crate::domain::template_library;
    use crate::domain::time::format_datetime;
    use crate::domain::vertical::Vertical;
    use crate::server::{shared_reads, templates, Tenant};
    let form = crate::api::feedback::form_state("modelos".into()).await?;
    let mut t = Tenant::begin().await?;
    let rows = templates::list(&mut t.tx, false).await?;
    let owner = templates::owner(&mut t.tx).await?;
    let rules = crate::server::scheduled::rules(&mut t.tx).await?;
    let quiet = crate::server::scheduled::quiet_hours(&mut t.tx).await?;
    let reminder_hours = crate::server::appointment_reminders::hours_before(&mut t.tx).await?;
    let images = crate::server::template_changes::header_images(&mut t.tx).await?;
    let flow = {
        let (db, consultant) = t.tx.split();
        shared_reads::live_flow(db, consultant).await?
    };
    let state = t.commit().await?;
    let vertical = Vertical::parse(&owner.vertical).ok();
    let library = template_library::for_vertical(vertical)
        .map(|r| {
            let d = (r.draft)();
            LibraryItem {
                key: r.key.into(),
                title: r.title.into(),
                category: d.category.label().into(),
                added: rows.iter().any(|row| row.draft.name == d.name),
                preview: Preview::example(&d),
            }
        })
        .collect();
    let mut sources: Vec<(String, String)> = [
        VariableSource::FirstName,
        VariableSource::FullName,
        VariableSource::Consultant,
        VariableSource::Typed,
    ]
    .iter()
    .map(|s| (s.form_value(), s.label()))
    .collect();
    if let Some(def) = flow.and_then(|(_, d)| serde_json::from_value::<FlowDefinition>(d).ok()) {
        for step in def.etapas.iter().filter(|s| !s.pergunta.trim().is_empty()) {
            let question: String = step.pergunta.chars().take(60).collect();
            sources.push((
                VariableSource::Answer(step.id.clone()).form_value(),
                format!("Resposta: {question}"),
            ));
        }
    }
    let now = chrono::Utc::now();
    let editing = alterar
        .and_then(|id| rows.iter().find(|r| r.id.to_string() == id))
        .filter(|r| edit_refusal(&r.status, &r.edits, now).is_none())
        .map(|r| Editing {
            id: r.id.to_string(),
            name: r.draft.name.clone(),
            values: form_values(&r.draft),
        });
    let items = rows
        .into_iter()
        .map(|r| TemplateItem {
            id: r.id.to_string(),
            name: r.draft.name.clone(),
            category: r.draft.category.label().into(),
            status_label: status_label(&r.status).into(),
            can_delete: delete_refusal(&r.status).is_none(),
            can_retry: r.status == "erro",
            can_edit: edit_refusal(&r.status, &r.edits, now).is_none(),
            status: r.status,
            reason: r.status_reason,
            quality: r.quality.as_deref().and_then(quality_label),
            updated_at: format_datetime(r.updated_at),
            preview: Preview::example(&r.draft),
        })
        .collect();
    Ok(TemplatesData {
        items,
        library,
        form,
        sandbox: !state.config.whatsapp_signup,
        needs_connection: state.config.whatsapp_signup && !owner.connected,
        sources,
        rules: rules
            .into_iter()
            .map(|r| RuleItem {
                id: r.id.to_string(),
                stage: crate::domain::LeadStatus::parse(&r.stage)
                    .map(|s| s.label())
                    .unwrap_or("—")
                    .into(),
                after: hours_label(r.after_hours),
                paused: r.template_status != "aprovado",
                template: r.template_name,
            })
            .collect(),
        quiet,
        reminder_hours,
        images: images
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect(),
        editing,
    })
}

/// The names of the creation form's fields, so a refused or previewed form comes back whole.
pub fn form_fields() -> Vec<String> {
    let mut names: Vec<String> = [
        "nome",
        "categoria",
        "cabecalho",
        "cabecalho_fonte",
        "cabecalho_exemplo",
        "cabecalho_imagem",
        "corpo",
        "rodape",
        "resposta1",
        "resposta2",
        "resposta3",
        "link_texto",
        "link_url",
        "link_fonte",
        "link_exemplo",
        "id",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for n in 1..=crate::domain::template::MAX_VARIABLES {
        names.push(format!("var{n}_fonte"));
        names.push(format!("var{n}_exemplo"));
    }
    names
}

/// Reads the creation form into a draft; a field that cannot be read (an unknown category or
/// origin) is a problem of its own, beside the draft's.
pub fn draft_from_form(get: &dyn Fn(&str) -> String) -> (TemplateDraft, Vec<String>) {
    use crate::domain::template::{
        normalize_name, placeholders, Category, Variable, VariableSource,
    };
    let mut problems = Vec::new();
    let text = |name: &str| {
        let v = get(name);
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_string())
    };
    let category = Category::parse(&get("categoria")).unwrap_or_else(|| {
        problems.push("Escolha a categoria: utilidade ou marketing.".to_string());
        Category::Utility
    });
    let body = get("corpo").trim().replace("\r\n", "\n");
    let mut count = placeholders(&body).unwrap_or_default();
    count.sort_unstable();
    count.dedup();
    let variables = (1..=count.len().min(crate::domain::template::MAX_VARIABLES))
        .map(|n| {
            let source =
                VariableSource::parse(&get(&format!("var{n}_fonte"))).unwrap_or_else(|| {
                    problems.push(format!("Escolha de onde vem a variável {{{{{n}}}}}."));
                    VariableSource::Typed
                });
            Variable {
                source,
                example: get(&format!("var{n}_exemplo")).trim().to_string(),
            }
        })
        .collect();
    let header_text = text("cabecalho");
    let header_variable = header_text
        .as_deref()
        .filter(|h| h.contains("{{"))
        .map(|_| Variable {
            source: VariableSource::parse(&get("cabecalho_fonte")).unwrap_or(VariableSource::Typed),
            example: get("cabecalho_exemplo").trim().to_string(),
        });
    if header_variable
        .as_ref()
        .is_some_and(|v| v.example.is_empty())
    {
        problems.push("Dê um exemplo para a variável do cabeçalho.".into());
    }
    let mut buttons: Vec<Button> = ["resposta1", "resposta2", "resposta3"]
        .iter()
        .filter_map(|f| text(f))
        .map(|text| Button::QuickReply { text })
        .collect();
    match (text("link_texto"), text("link_url")) {
        (Some(text), Some(url)) => {
            // The address's `{{1}}` (if any) takes its value from the chosen origin.
            let variable = url.contains("{{").then(|| Variable {
                source: VariableSource::parse(&get("link_fonte")).unwrap_or(VariableSource::Typed),
                example: get("link_exemplo").trim().to_string(),
            });
            buttons.push(Button::Url {
                text,
                url,
                variable,
            })
        }
        (None, None) => {}
        _ => problems.push("O botão de link precisa de um texto e de um endereço.".into()),
    }
    let draft = TemplateDraft {
        name: normalize_name(&get("nome")),
        category,
        header_text,
        header_variable,
        header_image: text("cabecalho_imagem"),
        body,
        footer_text: text("rodape"),
        buttons,
        variables,
    };
    (draft, problems)
}

/// A stored draft as the creation form's values (the inverse of [`draft_from_form`]), to
/// change it.
pub fn form_values(d: &TemplateDraft) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("nome".into(), d.name.clone()),
        ("categoria".into(), d.category.as_str().into()),
        (
            "cabecalho".into(),
            d.header_text.clone().unwrap_or_default(),
        ),
        (
            "cabecalho_imagem".into(),
            d.header_image.clone().unwrap_or_default(),
        ),
        ("corpo".into(), d.body.clone()),
        ("rodape".into(), d.footer_text.clone().unwrap_or_default()),
    ];
    if let Some(h) = &d.header_variable {
        v.push(("cabecalho_fonte".into(), h.source.form_value()));
        v.push(("cabecalho_exemplo".into(), h.example.clone()));
    }
    for (i, var) in d.variables.iter().enumerate() {
        v.push((format!("var{}_fonte", i + 1), var.source.form_value()));
        v.push((format!("var{}_exemplo", i + 1), var.example.clone()));
    }
    let mut quick = 0;
    for b in &d.buttons {
        match b {
            Button::QuickReply { text } => {
                quick += 1;
                v.push((format!("resposta{quick}"), text.clone()));
            }
            Button::Url {
                text,
                url,
                variable,
            } => {
                v.push(("link_texto".into(), text.clone()));
                v.push(("link_url".into(), url.clone()));
                if let Some(var) = variable {
                    v.push(("link_fonte".into(), var.source.form_value()));
                    v.push(("link_exemplo".into(), var.example.clone()));
                }
            }
        }
    }
    v
}
