//! `POST /fluxos/acao`: what the flows page does, as plain forms (the same with or without
//! JavaScript): `acao` names it (`copiar`, `renomear`, `ativar`, `usar-modelo`, `arquivar`,
//! `desarquivar`, `excluir`), `id` the flow, `nome` a new name. The outcome is shown on
//! `/fluxos`; the editor's (`rascunho`, `editar`, `publicar`, `descartar`, `restaurar`) on the
//! flow's page.

use super::door::SignedInForm;
use crate::error::AppError;
use crate::server::{flash, flow_drafts, flows};
use axum::response::Response;
use uuid::Uuid;

pub async fn handle(SignedInForm { who, fields }: SignedInForm) -> Response {
    let field = |name: &str| fields.get(name);
    // The step the editor goes back to (`#etapa-N`) after a change to the steps.
    let mut focus = None;
    let result = async {
        let id = || field("id").parse::<Uuid>().map_err(|_| AppError::NotFound);
        let mut tx = who.tenant().await?;
        let done = match field("acao").as_str() {
            "copiar" => flows::copy(&mut tx, id()?).await,
            "renomear" => flows::rename(&mut tx, id()?, &field("nome")).await,
            "ativar" => flows::make_live(&mut tx, id()?).await,
            "usar-modelo" => flows::use_template(&mut tx).await,
            "arquivar" => flows::archive(&mut tx, id()?, true).await,
            "desarquivar" => flows::archive(&mut tx, id()?, false).await,
            "excluir" => flows::delete(&mut tx, id()?).await,
            "rascunho" => flow_drafts::save_draft(&mut tx, id()?, &field("json")).await,
            "editar" => flow_drafts::save_steps(&mut tx, id()?, &fields.0)
                .await
                .map(|(message, at)| {
                    focus = at;
                    message
                }),
            "publicar" => flow_drafts::publish(&mut tx, id()?).await,
            "descartar" => flow_drafts::discard(&mut tx, id()?).await,
            "restaurar" => {
                let version = field("versao")
                    .parse()
                    .map_err(|_| AppError::invalid("Versão não encontrada."))?;
                flow_drafts::restore(&mut tx, id()?, version).await
            }
            _ => Err(AppError::invalid("Ação desconhecida. Recarregue a página.")),
        };
        let message = match done {
            Err(AppError::NotFound) => {
                return Err(AppError::invalid("Fluxo não encontrado."));
            }
            other => other?,
        };
        tx.commit().await?;
        // "Salvar e publicar": the edits are kept as the draft even when publishing is
        // refused, so it publishes in a transaction of its own.
        if field("acao") == "editar" && field("op") == "publicar" {
            let mut tx = who.tenant().await?;
            let published = flow_drafts::publish(&mut tx, id()?).await?;
            tx.commit().await?;
            return Ok(published);
        }
        Ok(message)
    }
    .await;
    // The editor's actions go back to the editor (with the JSON typed, when it was refused).
    let editor = matches!(
        field("acao").as_str(),
        "rascunho" | "editar" | "publicar" | "descartar" | "restaurar"
    );
    if editor {
        // The door already refused requests without a valid CSRF token or session, so what
        // was typed may come back into the form (see `flash`).
        let typed = match (&result, field("acao").as_str()) {
            (Err(_), "rascunho") => vec![("json".to_string(), field("json"))],
            _ => Vec::new(),
        };
        let anchor = match focus {
            Some(i) => format!("#etapa-{i}"),
            None => String::new(),
        };
        let to = format!(
            "/fluxos/{}{anchor}",
            field("id").parse::<Uuid>().unwrap_or_default()
        );
        return flash::redirect_with(&who.session, "fluxo", typed, result, &to).await;
    }
    flash::redirect_with(&who.session, "fluxos", Vec::new(), result, "/fluxos").await
}
