//! `POST /leads/{lead}/modelo`: an approved template, its variables as the consultant left
//! them (`v1`…, `h1` for the header, `u1` for the link's end), sent to a lead outside the 24-hour window. Like a reply,
//! it takes the conversation over from the bot, and the form's token (`envio`) makes a second
//! post (a double tap, the back button) send nothing more.

use super::door::SignedInForm;
use crate::domain::flow::{LinkValue, Outgoing};
use crate::domain::template::{check_link_value, check_values, history_text, MAX_BODY};
use crate::error::AppError;
use crate::server::{conversations, flash, leads, messages, templates, tenant};
use axum::extract::Path;
use axum::response::Response;
use uuid::Uuid;

pub async fn send(Path(lead): Path<Uuid>, SignedInForm { who, fields }: SignedInForm) -> Response {
    let chosen = fields.get("modelo");
    let result: Result<String, AppError> = async {
        let template: Uuid = chosen
            .parse()
            .map_err(|_| AppError::invalid("Escolha um modelo aprovado."))?;
        let mut tx = who.tenant().await?;
        let Some(found) = leads::find(&mut tx, lead).await? else {
            return Err(AppError::NotFound);
        };
        if found.row.opted_out {
            return Err(AppError::invalid(
                "Este lead pediu para não receber mensagens (escreveu SAIR): nenhum modelo é enviado a ele.",
            ));
        }
        let Some(t) = templates::find(&mut tx, template)
            .await?
            .filter(|t| t.status == "aprovado")
        else {
            return Err(AppError::invalid(
                "Este modelo não está aprovado pela Meta (ou foi pausado). Escolha outro.",
            ));
        };
        let values: Vec<String> = (1..=t.draft.variables.len())
            .map(|n| fields.get(&format!("v{n}")).trim().to_string())
            .collect();
        check_values(&values).map_err(AppError::invalid)?;
        let header: Vec<String> = match &t.draft.header_variable {
            Some(_) => vec![fields.get("h1").trim().to_string()],
            None => Vec::new(),
        };
        check_values(&header).map_err(|e| AppError::invalid(format!("Cabeçalho: {e}")))?;
        let link = match t.draft.link_variable() {
            Some((index, _)) => {
                let value = fields.get("u1").trim().to_string();
                check_link_value(&value).map_err(AppError::invalid)?;
                Some(LinkValue { index, value })
            }
            None => None,
        };
        let body = t.draft.body_with(&values);
        if body.chars().count() > MAX_BODY {
            return Err(AppError::invalid(format!(
                "Com as variáveis preenchidas, o texto passa de {MAX_BODY} caracteres (limite da Meta): encurte-as."
            )));
        }
        // A lead who never wrote (a number left on the public page) gets a conversation now.
        let conversation = match conversations::latest_for_update(&mut tx, lead).await? {
            Some((c, _, _)) => c,
            None => conversations::open_for_outreach(&mut tx, lead)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("Ative um fluxo em Fluxos antes de escrever a este lead.")
                })?,
        };
        let header_line = t
            .draft
            .header_text
            .as_deref()
            .map(|h| crate::domain::template::render(h, &header));
        let text = history_text(&t.draft, header_line.as_deref(), &body);
        let message = Outgoing::Template {
            name: t.draft.name.clone(),
            language: "pt_BR".into(),
            header,
            params: values,
            buttons: Vec::new(),
            header_image: t.draft.header_image.clone(),
            link,
            text,
        };
        let token = fields.get("envio").trim().parse::<Uuid>().ok();
        if messages::queue_template(&mut tx, conversation, &message, t.draft.category, token)
            .await?
            .is_some()
        {
            conversations::take_over(&mut tx, conversation).await?;
            leads::touch(&mut tx, lead).await?;
            tenant::audit_in(
                &mut tx,
                &who.meta,
                "lead_template_sent",
                "lead",
                Some(lead),
                serde_json::json!({ "template": t.draft.name }),
            )
            .await?;
        }
        tx.commit().await?;
        who.state.outbox.wake();
        Ok(format!("Modelo \"{}\" enviado.", t.draft.name))
    }
    .await;
    let mut values = vec![
        ("origem".to_string(), "modelo".to_string()),
        ("modelo".to_string(), chosen.clone()),
        ("h1".to_string(), fields.get("h1")),
        ("u1".to_string(), fields.get("u1")),
    ];
    for n in 1..=crate::domain::template::MAX_VARIABLES {
        let name = format!("v{n}");
        let v = fields.get(&name);
        values.push((name, v));
    }
    let to = format!("/leads/{lead}#resposta");
    flash::redirect_with(&who.session, "lead", values, result, &to).await
}
