//! The templates repository: the consultant's WhatsApp message templates, as `/modelos`
//! lists them and the lead page offers them. Meta's reviews are written by the webhook side
//! (`consultor::intake::templates`), submissions by the job (`consultor::jobs::templates`).

use crate::domain::template::{Button, Category, TemplateDraft, Variable};
use crate::server::db::TenantTx;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub id: Uuid,
    pub draft: TemplateDraft,
    pub status: String,
    pub status_reason: Option<String>,
    pub quality: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// When it was changed (newest first, the last ten): Meta's limit on approved ones.
    pub edits: Vec<DateTime<Utc>>,
    /// Meta knows it (its id came back): a change edits it there, a deletion deletes it there.
    pub on_meta: bool,
    pub library_key: Option<String>,
}

/// Said of a template approved at once on a server without a Meta app.
pub const SANDBOX_APPROVAL: &str =
    "Aprovado na hora: este servidor está em modo de teste, sem um app da Meta. Com o WhatsApp conectado, a Meta analisa cada modelo.";

struct Raw {
    id: Uuid,
    name: String,
    category: String,
    header_text: Option<String>,
    header_variable: Option<serde_json::Value>,
    body: String,
    footer_text: Option<String>,
    buttons: serde_json::Value,
    variables: serde_json::Value,
    header_file_id: Option<Uuid>,
    status: String,
    status_reason: Option<String>,
    quality: Option<String>,
    updated_at: DateTime<Utc>,
    edits: Vec<DateTime<Utc>>,
    on_meta: bool,
    library_key: Option<String>,
}

/// A stored template's columns as the draft they were written from (the submission job
/// reads them too).
#[allow(clippy::too_many_arguments)]
pub fn draft_of(
    name: String,
    category: &str,
    header_text: Option<String>,
    header_variable: Option<serde_json::Value>,
    body: String,
    footer_text: Option<String>,
    buttons: serde_json::Value,
    variables: serde_json::Value,
    header_file: Option<Uuid>,
) -> TemplateDraft {
    TemplateDraft {
        name,
        category: Category::parse(category).unwrap_or(Category::Marketing),
        header_text,
        header_variable: header_variable.and_then(|v| serde_json::from_value::<Variable>(v).ok()),
        header_image: header_file.map(|f| f.to_string()),
        body,
        footer_text,
        buttons: serde_json::from_value::<Vec<Button>>(buttons).unwrap_or_default(),
        variables: serde_json::from_value::<Vec<Variable>>(variables).unwrap_or_default(),
    }
}

impl Raw {
    fn row(self) -> TemplateRow {
        TemplateRow {
            id: self.id,
            draft: draft_of(
                self.name,
                &self.category,
                self.header_text,
                self.header_variable,
                self.body,
                self.footer_text,
                self.buttons,
                self.variables,
                self.header_file_id,
            ),
            status: self.status,
            status_reason: self.status_reason,
            quality: self.quality,
            updated_at: self.updated_at,
            edits: self.edits,
            on_meta: self.on_meta,
            library_key: self.library_key,
        }
    }
}

/// Every template of the consultant, newest first (approved ones only with `approved`).
pub async fn list(t: &mut TenantTx, approved: bool) -> Result<Vec<TemplateRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    let rows = sqlx::query_as!(
        Raw,
        r#"select id, name, category, header_text, header_variable, body, footer_text, buttons,
                  variables, header_file_id, status, status_reason, quality,
                  updated_at as "updated_at: DateTime<Utc>",
                  edits as "edits: Vec<DateTime<Utc>>",
                  meta_template_id is not null as "on_meta!", library_key
             from message_templates
            where consultant_id = $1 and (not $2 or status = 'aprovado')
            order by created_at desc
            limit 200"#,
        consultant,
        approved
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Raw::row).collect())
}

pub async fn find(t: &mut TenantTx, id: Uuid) -> Result<Option<TemplateRow>, sqlx::Error> {
    let (db, consultant) = t.split();
    let row = sqlx::query_as!(
        Raw,
        r#"select id, name, category, header_text, header_variable, body, footer_text, buttons,
                  variables, header_file_id, status, status_reason, quality,
                  updated_at as "updated_at: DateTime<Utc>",
                  edits as "edits: Vec<DateTime<Utc>>",
                  meta_template_id is not null as "on_meta!", library_key
             from message_templates
            where consultant_id = $1 and id = $2"#,
        consultant,
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(Raw::row))
}

/// The header image's file, as stored (a draft's checks refuse one that is not an id).
pub fn header_file(draft: &TemplateDraft) -> Option<Uuid> {
    draft
        .header_image
        .as_deref()
        .and_then(|f| Uuid::parse_str(f).ok())
}

/// A draft's JSON columns as stored: the header's variable, the buttons, the variables.
pub struct JsonColumns {
    pub header_variable: Option<serde_json::Value>,
    pub buttons: serde_json::Value,
    pub variables: serde_json::Value,
}

pub fn json_columns(draft: &TemplateDraft) -> Result<JsonColumns, sqlx::Error> {
    let encode = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
    Ok(JsonColumns {
        header_variable: draft
            .header_variable
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(encode)?,
        buttons: serde_json::to_value(&draft.buttons).map_err(encode)?,
        variables: serde_json::to_value(&draft.variables).map_err(encode)?,
    })
}

/// Stores a checked draft: waiting for the job to submit it to Meta, or, on a server without
/// a Meta app, approved at once.
pub async fn create(
    t: &mut TenantTx,
    draft: &TemplateDraft,
    library_key: Option<&str>,
    sandbox: bool,
) -> Result<Uuid, sqlx::Error> {
    let (db, consultant) = t.split();
    let columns = json_columns(draft)?;
    let (status, reason) = if sandbox {
        ("aprovado", Some(SANDBOX_APPROVAL))
    } else {
        ("enviando", None)
    };
    sqlx::query_scalar!(
        "insert into message_templates (consultant_id, name, language, category, header_text,
                                        header_variable, body, footer_text, buttons, variables,
                                        status, status_reason, library_key, header_file_id)
         values ($1, $2, 'pt_BR', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         returning id",
        consultant,
        draft.name,
        draft.category.as_str(),
        draft.header_text,
        columns.header_variable,
        draft.body,
        draft.footer_text,
        columns.buttons,
        columns.variables,
        status,
        reason,
        library_key,
        header_file(draft)
    )
    .fetch_one(db)
    .await
}

/// Submits a failed template again.
pub async fn retry(t: &mut TenantTx, id: Uuid) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    Ok(sqlx::query!(
        "update message_templates
            set status = 'enviando', status_reason = null, submit_claimed_at = null
          where consultant_id = $1 and id = $2 and status = 'erro'",
        consultant,
        id
    )
    .execute(db)
    .await?
    .rows_affected()
        == 1)
}

/// What the templates page and the lead page need of the consultant: their name (a
/// variable's value), their area (the ready templates) and whether a number is connected.
pub struct Owner {
    pub name: String,
    pub vertical: String,
    pub connected: bool,
}

pub async fn owner(t: &mut TenantTx) -> Result<Owner, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_as!(
        Owner,
        r#"select c.name, c.vertical,
                  exists (select 1 from whatsapp_connections w where w.consultant_id = c.id) as "connected!"
             from consultants c where c.id = $1"#,
        consultant
    )
    .fetch_one(db)
    .await
}
