//! `GET /fluxos/{id}/comparativo.png`: the flow's comparison image as a lead would get it, with
//! the consultant's own name and photo, an example lead who gave the first option of each
//! question, and the offers that lead would see. Drawn off the async threads; never cached.

use super::{render, Comparison, Offer};
use app::domain::comparison::for_lead;
use app::error::AppError;
use app::handlers::door::SignedIn;
use app::server::comparison_offers;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

pub async fn preview(who: SignedIn, Path(flow): Path<Uuid>) -> Response {
    let input = async {
        let mut tx = who.tenant().await?;
        if !comparison_offers::own_flow(&mut tx, flow).await? {
            return Err(AppError::NotFound);
        }
        let stored = comparison_offers::get(&mut tx, flow).await?;
        let choices = comparison_offers::choices(&mut tx, flow).await?;
        let me = comparison_offers::consultant(&mut tx).await?;
        tx.commit().await?;
        Ok::<_, AppError>((stored, choices, me))
    }
    .await;
    let (stored, choices, (name, registration, photo)) = match input {
        Ok(found) => found,
        Err(e) => return e.status_response(),
    };
    let (title, offers) = stored
        .map(|s| (s.title, s.offers))
        .unwrap_or_else(|| (app::api::comparison::DEFAULT_TITLE.into(), Vec::new()));
    // The example lead: the first option of each question ("perfil: Só eu").
    let mut seen = Vec::new();
    let mut answers = Vec::new();
    for (value, label) in &choices {
        let (step, option) = label.split_once(": ").unwrap_or(("", label));
        if !seen.contains(&step) {
            seen.push(step);
            answers.push((value.as_str(), (step.to_string(), option.to_string())));
        }
    }
    let values: Vec<&str> = answers.iter().map(|(v, _)| *v).collect();
    let comparison = Comparison {
        consultant_name: name,
        registration,
        photo,
        title,
        lead_name: Some("Maria (exemplo)".into()),
        answers: answers.into_iter().map(|(_, a)| a).take(3).collect(),
        offers: Vec::new(),
    };
    let mut comparison = comparison;
    for o in for_lead(&offers, &values) {
        let photo = match o.foto.parse::<Uuid>() {
            Ok(id) => read_photo(&who, id).await,
            Err(_) => None,
        };
        comparison.offers.push(Offer {
            name: o.nome.clone(),
            price: o.preco.clone(),
            details: o.detalhes.clone(),
            photo_file: photo.as_ref().map(|_| o.foto.clone()),
            photo,
        });
    }
    match tokio::task::spawn_blocking(move || render(&comparison)).await {
        Ok(Ok(image)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            image.png,
        )
            .into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A library image of the consultant's, as (type, bytes).
async fn read_photo(who: &SignedIn, id: Uuid) -> Option<(String, Vec<u8>)> {
    let mut tx = who.tenant().await.ok()?;
    let found = app::server::files::read(&mut tx, id).await.ok()?;
    tx.commit().await.ok()?;
    found
        .filter(|(_, mime, _)| mime.starts_with("image/"))
        .map(|(_, mime, bytes)| (mime, bytes))
}
