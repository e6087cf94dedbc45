//! `POST /modelos/acao`: the templates page's forms, plain posts with or without JavaScript.
//! `acao` names the step: `previa` (check and show the preview, nothing saved), `criar`,
//! `biblioteca` (a ready template, `modelo` its key), `alterar` (`id`: the form's draft
//! replaces that template's and goes for review again), `reenviar` and `excluir` (`id`). The
//! outcome, and what was typed when it was refused, are shown on `/modelos`.

use super::door::{SignedIn, SignedInForm};
use crate::api::templates::{draft_from_form, form_fields};
use crate::domain::template::TemplateDraft;
use crate::domain::template_library;
use crate::error::AppError;
use crate::server::template_changes::{self, Deletion};
use crate::server::{flash, templates, tenant};

use axum::response::Response;
use uuid::Uuid;

pub async fn action(SignedInForm { who, fields }: SignedInForm) -> Response {
    let acao = fields.get("acao");
    let from_form = matches!(acao.as_str(), "previa" | "criar" | "alterar");
    let result: Result<String, AppError> = async {
        let checked = || -> Result<TemplateDraft, AppError> {
            let (draft, mut problems) = draft_from_form(&|n| fields.get(n));
            problems.extend(draft.problems());
            if problems.is_empty() {
                Ok(draft)
            } else {
                Err(AppError::invalid(problems.join(" ")))
            }
        };
        let sandbox = !who.state.config.whatsapp_signup;
        let (draft, key) = match acao.as_str() {
            "previa" => {
                checked()?;
                return Ok("Tudo certo com as regras da Meta. Veja abaixo como o lead recebe a mensagem.".into());
            }
            "criar" => (checked()?, None),
            "alterar" => return change(&who, &fields.get("id"), checked()?).await,
            "biblioteca" => {
                let ready = template_library::find(&fields.get("modelo"))
                    .ok_or_else(|| AppError::invalid("Modelo pronto não encontrado. Recarregue a página."))?;
                ((ready.draft)(), Some(ready.key))
            }
            "excluir" => return delete(&who, &fields.get("id")).await,
            "reenviar" => {
                let id: Uuid = fields.get("id").parse().map_err(|_| AppError::NotFound)?;
                let mut tx = who.tenant().await?;
                if !templates::retry(&mut tx, id).await? {
                    return Err(changed_meanwhile());
                }
                tx.commit().await?;
                who.state.outbox.wake();
                return Ok("O modelo será enviado de novo para a Meta.".into());
            }
            _ => return Err(AppError::invalid("Ação desconhecida. Recarregue a página.")),
        };
        let mut tx = who.tenant().await?;
        if !sandbox && !templates::owner(&mut tx).await?.connected {
            return Err(not_connected());
        }
        if !template_changes::header_image_ok(&mut tx, &draft, None).await? {
            return Err(image_refused());
        }
        let id = templates::create(&mut tx, &draft, key, sandbox).await?;
        tenant::audit_in(
            &mut tx,
            &who.meta,
            "template_created",
            "message_template",
            Some(id),
            serde_json::json!({ "name": draft.name, "category": draft.category.as_str() }),
        )
        .await?;
        tx.commit().await?;
        if sandbox {
            Ok(format!("Modelo \"{}\" aprovado (modo de teste, sem a Meta).", draft.name))
        } else {
            who.state.outbox.wake();
            Ok(format!(
                "Modelo \"{}\" enviado para análise da Meta. A resposta costuma chegar em minutos e aparece aqui.",
                draft.name
            ))
        }
    }
    .await;
    // The form comes back as typed when refused or previewed; a created one leaves it empty.
    let keep = from_form && (result.is_err() || acao == "previa");
    let mut values: Vec<(String, String)> = vec![("acao".into(), acao.clone())];
    if keep {
        values.extend(form_fields().into_iter().map(|n| {
            let v = fields.get(&n);
            (n, v)
        }));
    }
    let to = if from_form && !(acao == "alterar" && result.is_ok()) {
        "/modelos#novo-modelo"
    } else {
        "/modelos"
    };
    flash::redirect_with(&who.session, "modelos", values, result, to).await
}

fn changed_meanwhile() -> AppError {
    AppError::invalid("Este modelo mudou enquanto isso. Veja como ele está agora.")
}

fn not_connected() -> AppError {
    AppError::invalid(
        "Conecte seu número do WhatsApp em Configurações antes de enviar modelos para a Meta.",
    )
}

fn image_refused() -> AppError {
    AppError::invalid(
        "A imagem do cabeçalho deve ser uma imagem JPEG ou PNG de até 5 MB da sua biblioteca de arquivos: escolha outra.",
    )
}

/// A changed draft replaces the template's and goes for review again (approved at once in
/// the sandbox). Its name stays; Meta's rules on changes are checked first.
async fn change(who: &SignedIn, id: &str, draft: TemplateDraft) -> Result<String, AppError> {
    use crate::domain::template::changes::{category_refusal, edit_refusal};
    use crate::domain::template::Button;
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let sandbox = !who.state.config.whatsapp_signup;
    let mut tx = who.tenant().await?;
    let Some(row) = templates::find(&mut tx, id).await? else {
        return Err(AppError::NotFound);
    };
    if let Some(why) = edit_refusal(&row.status, &row.edits, chrono::Utc::now()) {
        return Err(AppError::invalid(why));
    }
    if let Some(why) = category_refusal(row.on_meta, row.draft.category, draft.category) {
        return Err(AppError::invalid(why));
    }
    if draft.name != row.draft.name {
        return Err(AppError::invalid(
            "O nome de um modelo não muda: para outro nome, crie outro modelo.",
        ));
    }
    // The reminder's answers are read by its buttons' order: Confirmar, then Remarcar.
    let quick = |d: &TemplateDraft| -> Vec<String> {
        d.buttons
            .iter()
            .filter_map(|b| match b {
                Button::QuickReply { text } => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    if row.library_key.as_deref() == Some(crate::server::appointment_reminders::REMINDER_TEMPLATE)
        && quick(&draft) != quick(&row.draft)
    {
        return Err(AppError::invalid(
            "Os botões de resposta do lembrete de agendamento não mudam: o sistema lê por eles se o lead confirmou ou quer remarcar.",
        ));
    }
    if !sandbox && !templates::owner(&mut tx).await?.connected {
        return Err(not_connected());
    }
    if !template_changes::header_image_ok(&mut tx, &draft, Some(id)).await? {
        return Err(image_refused());
    }
    if !template_changes::edit(&mut tx, id, &draft, sandbox).await? {
        return Err(changed_meanwhile());
    }
    tenant::audit_in(
        &mut tx,
        &who.meta,
        "template_changed",
        "message_template",
        Some(id),
        serde_json::json!({ "name": draft.name }),
    )
    .await?;
    tx.commit().await?;
    if sandbox {
        Ok(format!(
            "Modelo \"{}\" alterado e aprovado (modo de teste, sem a Meta).",
            draft.name
        ))
    } else {
        who.state.outbox.wake();
        Ok(format!(
            "Alteração do modelo \"{}\" enviada para análise da Meta. Até a resposta, ele não é enviado.",
            draft.name
        ))
    }
}

/// Deletes a template nothing uses any more: here at once when Meta never knew it, else on
/// Meta first (the job), then here.
async fn delete(who: &SignedIn, id: &str) -> Result<String, AppError> {
    use crate::domain::template::changes::{delete_refusal, in_use_refusal};
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let sandbox = !who.state.config.whatsapp_signup;
    let mut tx = who.tenant().await?;
    let Some(row) = templates::find(&mut tx, id).await? else {
        return Err(AppError::NotFound);
    };
    if let Some(why) = delete_refusal(&row.status) {
        return Err(AppError::invalid(why));
    }
    let (rules, scheduled) = template_changes::usage(&mut tx, id).await?;
    if let Some(why) = in_use_refusal(rules, scheduled) {
        return Err(AppError::invalid(why));
    }
    let done = template_changes::delete(&mut tx, id, sandbox).await?;
    if done == Deletion::Changed {
        return Err(changed_meanwhile());
    }
    tenant::audit_in(
        &mut tx,
        &who.meta,
        "template_deleted",
        "message_template",
        Some(id),
        serde_json::json!({ "name": row.draft.name }),
    )
    .await?;
    tx.commit().await?;
    if done == Deletion::OnMeta {
        who.state.outbox.wake();
        return Ok(format!(
            "O modelo \"{}\" está sendo excluído na Meta; some daqui quando ela confirmar. O nome fica reservado por 30 dias.",
            row.draft.name
        ));
    }
    Ok(format!("Modelo \"{}\" excluído.", row.draft.name))
}
