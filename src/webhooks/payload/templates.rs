//! A template's review, category or quality change (`message_template_status_update`,
//! `template_category_update`, `message_template_quality_update`): the entry names the
//! business account, the value the template by Meta's id (and its name and language).

use super::Change;
use crate::webhooks::clean::cap_chars;
use serde::Deserialize;

#[derive(Debug, Deserialize, Default, Clone, PartialEq)]
pub struct OtherInfo {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// What Meta said of one template.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateUpdate {
    pub waba_id: String,
    pub meta_id: String,
    pub name: Option<String>,
    pub language: Option<String>,
    pub change: TemplateChange,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplateChange {
    /// APPROVED, REJECTED, PAUSED, DISABLED…, with Meta's reason and any explanation.
    Status {
        event: String,
        reason: Option<String>,
        info: Option<OtherInfo>,
    },
    Category {
        from: Option<String>,
        to: String,
    },
    Quality(String),
}

/// A template's review, category or quality change, when `change` is one.
pub(super) fn template_update(waba_id: &str, change: &Change) -> Option<TemplateUpdate> {
    let v = &change.value;
    let capped = |t: &Option<String>| t.as_deref().map(|t| cap_chars(t, 1000).to_owned());
    let change = match change.field.as_str() {
        "message_template_status_update" => TemplateChange::Status {
            event: v.event.clone()?,
            reason: capped(&v.reason),
            info: v.other_info.clone().map(|i| OtherInfo {
                title: capped(&i.title),
                description: capped(&i.description),
            }),
        },
        "template_category_update" => TemplateChange::Category {
            from: v.previous_category.clone(),
            to: v.new_category.clone()?,
        },
        "message_template_quality_update" => TemplateChange::Quality(v.new_quality_score.clone()?),
        _ => return None,
    };
    if v.message_template_id.is_empty() || v.message_template_id.len() > 64 {
        return None;
    }
    Some(TemplateUpdate {
        waba_id: waba_id.to_string(),
        meta_id: v.message_template_id.clone(),
        name: capped(&v.message_template_name),
        language: capped(&v.message_template_language),
        change,
    })
}
