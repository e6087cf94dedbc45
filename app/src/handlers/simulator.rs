//! `POST /fluxos/simulador`: one turn of the flow simulator, or a restart, as a plain form (a
//! form per turn: it works without JavaScript). The simulated conversation is kept in the
//! session under the flow's id; nothing is written to the database.

use super::door::SignedInForm;
use crate::domain::flow::parse_and_validate;
use crate::domain::simulator::{session_key as key, Simulation};
use crate::domain::turn::ConsultantInfo;
use crate::domain::Vertical;
use crate::error::AppError;
use crate::server::{flash, flow_drafts};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;
use uuid::Uuid;

pub async fn handle(SignedInForm { who, fields }: SignedInForm) -> Response {
    let (consultant, state, session) = (who.id, &who.state, &who.session);
    let field = |name: &str| fields.get(name);
    let id = field("id").parse::<Uuid>().unwrap_or_default();
    let result = async {
        let version = if field("versao") == "publicada" {
            "publicada"
        } else {
            "rascunho"
        };
        if field("acao") == "reiniciar" {
            let fresh = Simulation {
                version: version.into(),
                ..Default::default()
            };
            store(session, id, &fresh).await?;
            return Ok("Simulação reiniciada.".to_string());
        }
        let text = field("texto");
        let text = text.trim();
        if text.is_empty() {
            return Err(AppError::invalid("Escreva a mensagem do lead."));
        }
        if text.chars().count() > 4096 {
            return Err(AppError::invalid(
                "Uma mensagem do WhatsApp tem até 4.096 caracteres.",
            ));
        }
        let mut tx = who.tenant().await?;
        let flow = flow_drafts::detail(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::invalid("Fluxo não encontrado."))?;
        let me = sqlx::query!(
            "select name, bio, vertical from consultants where id = $1",
            consultant
        )
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let definition = match (&flow.draft, version) {
            (Some(draft), "rascunho") => draft.clone(),
            _ => flow.definition.clone(),
        };
        let def = parse_and_validate(&definition).map_err(|_| {
            AppError::invalid(format!(
                "O rascunho ainda tem erros: {}. Corrija-o ou simule a versão publicada.",
                flow_drafts::issues_text(&definition).unwrap_or_default()
            ))
        })?;
        let info = ConsultantInfo {
            name: me.name,
            bio: me.bio,
            vertical: Vertical::parse(&me.vertical).unwrap_or(Vertical::HealthPlans),
        };
        let mut sim: Simulation = session
            .get(&key(id))
            .await
            .ok()
            .flatten()
            .filter(|s: &Simulation| s.version == version)
            .unwrap_or_else(|| Simulation {
                version: version.into(),
                ..Default::default()
            });
        if let Some(ctx) = sim.turn(&def, &info, text, chrono::Utc::now()) {
            // The provider is an outside HTTP call: the transaction above is already over.
            let words = match &state.answers {
                Some(writer) => writer.write(&ctx).await,
                None => crate::domain::ai::builtin_answer(&ctx),
            };
            sim.answer(&ctx, words);
        }
        store(session, id, &sim).await?;
        Ok(String::new())
    }
    .await;
    let to = format!("/fluxos/{id}#simulador");
    match result {
        // A turn shows itself in the chat; only problems need a message.
        Ok(m) if m.is_empty() => Redirect::to(&to).into_response(),
        other => flash::redirect_with(session, "simulador", Vec::new(), other, &to).await,
    }
}

async fn store(session: &Session, id: Uuid, sim: &Simulation) -> Result<(), AppError> {
    session
        .insert(&key(id), sim)
        .await
        .map_err(|e| crate::server::error::internal("session write", e))
}
