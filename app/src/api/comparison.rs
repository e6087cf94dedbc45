//! The flow editor's "Imagem comparativa": the offers a flow's image shows, for the form
//! (`handlers::comparison`) and its preview (`GET /fluxos/{id}/comparativo.png`).

use crate::api::feedback::FormFeedback;
use crate::domain::comparison::Offer;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonSettings {
    pub flow: String,
    /// A template: nobody sets offers on it (the consultant copies it first).
    pub own: bool,
    pub title: String,
    pub enabled: bool,
    /// Always `MAX_OFFERS` rows, the empty ones blank.
    pub rows: Vec<Offer>,
    /// (value, "step: option") of the flow's choices, for "só para quem respondeu".
    pub choices: Vec<(String, String)>,
    /// (id, name) of the library's images, for an offer's photo.
    pub photos: Vec<(String, String)>,
    pub csrf: String,
    pub feedback: Option<FormFeedback>,
    /// Changes when the offers do: the preview's address carries it.
    pub version: String,
}

/// The title an image gets until the consultant writes one.
pub const DEFAULT_TITLE: &str = "Opções para você";

#[server(prefix = "/api", endpoint = "comparativo")]
pub async fn comparison_form(flow: String) -> Result<ComparisonSettings, AppError> {
    use crate::domain::comparison::MAX_OFFERS;
    use crate::server::{auth, comparison_offers, csrf, flash, Tenant};
    let id: uuid::Uuid = flow.parse().map_err(|_| AppError::NotFound)?;
    let session = auth::session().await?;
    let feedback = flash::take(&session, "comparativo").await?;
    let mut t = Tenant::begin().await?;
    let own = comparison_offers::own_flow(&mut t.tx, id).await?;
    let stored = comparison_offers::get(&mut t.tx, id).await?;
    let choices = comparison_offers::choices(&mut t.tx, id).await?;
    let photos = crate::server::files::library(&mut t.tx)
        .await?
        .into_iter()
        .filter(|f| f.kind == "image")
        .map(|f| (f.id.to_string(), f.name))
        .collect();
    t.commit().await?;
    let typed = feedback.as_ref().filter(|f| f.error.is_some());
    let (title, enabled, mut rows) = match (typed, stored) {
        // What a refused post had typed comes back into the form.
        (Some(f), _) => (
            f.value("titulo").unwrap_or_default(),
            f.value("ativo").as_deref() == Some("1"),
            (1..=MAX_OFFERS)
                .map(|n| Offer {
                    nome: f.value(&format!("o{n}.nome")).unwrap_or_default(),
                    preco: f.value(&format!("o{n}.preco")).unwrap_or_default(),
                    detalhes: f.value(&format!("o{n}.detalhes")).unwrap_or_default(),
                    para: f.value(&format!("o{n}.para")).unwrap_or_default(),
                    foto: f.value(&format!("o{n}.foto")).unwrap_or_default(),
                })
                .collect(),
        ),
        (None, Some(s)) => (s.title, s.enabled, s.offers),
        (None, None) => (DEFAULT_TITLE.to_string(), true, Vec::new()),
    };
    let version = format!("{:x}", {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (&title, enabled, &rows).hash(&mut h);
        h.finish()
    });
    rows.resize(MAX_OFFERS, Offer::default());
    Ok(ComparisonSettings {
        flow,
        own,
        title,
        enabled,
        rows,
        choices,
        photos,
        csrf: csrf::token(&session).await?,
        feedback,
        version,
    })
}
