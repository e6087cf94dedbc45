//! `POST /modelos/acao`: the templates page's forms, plain posts with or without JavaScript.
//! `acao` names the step: `previa` (check and show the preview, nothing saved), `criar`,
//! `biblioteca` (a ready template, `modelo` its key), `reenviar` and `excluir` (`id`). The
//! outcome, and what was typed when it was refused, are shown on `/modelos`.

use super::door::SignedInForm;
use crate::api::templates::{draft_from_form, form_fields};
use crate::domain::template::TemplateDraft;
use crate::domain::template_library;
use crate::error::AppError;
use crate::server::{flash, templates, tenant};
use axum::response::Response;
use uuid::Uuid;

pub async fn action(SignedInForm { who, fields }: SignedInForm) -> Response {
    let acao = fields.get("acao");
    let from_form = matches!(acao.as_str(), "previa" | "criar");
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
            "biblioteca" => {
                let ready = template_library::find(&fields.get("modelo"))
                    .ok_or_else(|| AppError::invalid("Modelo pronto não encontrado. Recarregue a página."))?;
                ((ready.draft)(), Some(ready.key))
            }
            "excluir" | "reenviar" => {
                let id: Uuid = fields.get("id").parse().map_err(|_| AppError::NotFound)?;
                let mut tx = who.tenant().await?;
                let done = if acao == "excluir" {
                    templates::delete_unused(&mut tx, id).await?
                } else {
                    templates::retry(&mut tx, id).await?
                };
                if !done {
                    return Err(AppError::invalid("Este modelo mudou enquanto isso. Veja como ele está agora."));
                }
                tx.commit().await?;
                if acao == "reenviar" {
                    who.state.outbox.wake();
                    return Ok("O modelo será enviado de novo para a Meta.".into());
                }
                return Ok("Modelo excluído.".into());
            }
            _ => return Err(AppError::invalid("Ação desconhecida. Recarregue a página.")),
        };
        let mut tx = who.tenant().await?;
        if !sandbox && !templates::owner(&mut tx).await?.connected {
            return Err(AppError::invalid(
                "Conecte seu número do WhatsApp em Configurações antes de enviar modelos para a Meta.",
            ));
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
    let to = if from_form {
        "/modelos#novo-modelo"
    } else {
        "/modelos"
    };
    flash::redirect_with(&who.session, "modelos", values, result, to).await
}
