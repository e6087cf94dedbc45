//! Meta's word on a template (its review, a category change, its quality), written on the
//! template it names. The template is found by Meta's id; one whose submission's answer was
//! lost (see `jobs::templates`) by its business account, name and language, and its id kept.

use crate::webhooks::payload::{TemplateChange, TemplateUpdate};
use app::server::db::SystemTx;
use sqlx::PgConnection;

/// Meta's reason codes for a rejection or a pause, in words.
fn reason_words(reason: &str) -> Option<&'static str> {
    Some(match reason {
        "NONE" | "" => return None,
        "INVALID_FORMAT" => "formato inválido (variáveis, exemplos ou tamanho)",
        "PROMOTIONAL" => "conteúdo promocional numa categoria que não é marketing",
        "TAG_CONTENT_MISMATCH" | "INCORRECT_CATEGORY" => {
            "o texto não combina com a categoria escolhida"
        }
        "ABUSIVE_CONTENT" => "conteúdo considerado abusivo pela Meta",
        "SCAM" => "conteúdo considerado golpe pela Meta",
        "LOW_QUALITY" => "muitos leads bloquearam ou denunciaram as mensagens",
        _ => return None,
    })
}

fn status_of(event: &str) -> Option<&'static str> {
    Some(match event {
        "APPROVED" | "REINSTATED" | "UNARCHIVED" => "aprovado",
        "REJECTED" => "rejeitado",
        "PAUSED" | "FLAGGED" => "pausado",
        "DISABLED" | "ARCHIVED" | "PENDING_DELETION" | "DELETED" | "LOCKED" => "desativado",
        "PENDING" | "IN_APPEAL" | "UNLOCKED" => "em_analise",
        _ => return None,
    })
}

/// Applies one update; `false` when no template of this app is named (another app's, or one
/// deleted here), which is not an error.
pub async fn apply(sys: &mut SystemTx<'_>, u: &TemplateUpdate) -> Result<bool, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let found = sqlx::query_scalar!(
        r#"select t.id as "id!" from message_templates t where t.meta_template_id = $1
           union all
           (select t.id from message_templates t
              join whatsapp_connections w on w.consultant_id = t.consultant_id
             where w.waba_id = $2 and t.name = $3 and t.language = coalesce($4, t.language)
               and t.meta_template_id is null
             limit 1)
           limit 1"#,
        u.meta_id,
        u.waba_id,
        u.name.as_deref().unwrap_or_default(),
        u.language.as_deref()
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some(id) = found else {
        return Ok(false);
    };
    match &u.change {
        TemplateChange::Status {
            event,
            reason,
            info,
        } => {
            let words = reason.as_deref().map(|r| match reason_words(r) {
                Some(w) => w.to_string(),
                None => r.to_string(),
            });
            let words = words.filter(|w| w != "NONE" && !w.is_empty());
            let explained = info
                .as_ref()
                .map(|i| {
                    [i.title.as_deref(), i.description.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(": ")
                })
                .filter(|t| !t.is_empty());
            let reason = match (words, explained) {
                (Some(w), Some(e)) => Some(format!("{w} ({e})")),
                (w, e) => w.or(e),
            };
            let status = status_of(event);
            sqlx::query!(
                // One being deleted stays so (the job's deletion decides what becomes of it).
                "update message_templates
                    set status = case when status = 'excluindo' then status
                                      else coalesce($2, status) end,
                        status_reason = $3, meta_template_id = $4,
                        submit_claimed_at = case when status = 'excluindo' then submit_claimed_at end
                  where id = $1",
                id,
                status,
                reason,
                u.meta_id
            )
            .execute(&mut *db)
            .await?;
        }
        TemplateChange::Category { from, to } => {
            let to_ours = match to.as_str() {
                "UTILITY" => Some("utility"),
                "MARKETING" => Some("marketing"),
                _ => None,
            };
            let label = |c: &str| match c {
                "UTILITY" => "utilidade".to_string(),
                "MARKETING" => "marketing".to_string(),
                "AUTHENTICATION" => "autenticação".to_string(),
                other => other.to_lowercase(),
            };
            let note = format!(
                "A Meta mudou a categoria{} para {}.",
                from.as_deref()
                    .map(|f| format!(" de {}", label(f)))
                    .unwrap_or_default(),
                label(to)
            );
            sqlx::query!(
                "update message_templates
                    set category = coalesce($2, category), status_reason = $3, meta_template_id = $4
                  where id = $1",
                id,
                to_ours,
                note,
                u.meta_id
            )
            .execute(&mut *db)
            .await?;
        }
        TemplateChange::Quality(score) => {
            sqlx::query!(
                "update message_templates set quality = $2, meta_template_id = $3 where id = $1",
                id,
                score.chars().take(20).collect::<String>(),
                u.meta_id
            )
            .execute(&mut *db)
            .await?;
        }
    }
    Ok(true)
}
