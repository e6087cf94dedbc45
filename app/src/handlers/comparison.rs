//! The flow editor's "Imagem comparativa": `POST /fluxos/{id}/comparativo` keeps the offers
//! (a plain form: it works without JavaScript). The preview is drawn by the server crate,
//! where the renderer is (`src/comparison/preview.rs`).

use super::door::SignedInForm;
use crate::api::comparison::DEFAULT_TITLE;
use crate::domain::comparison::{check, Offer, MAX_OFFERS, MAX_TITLE};
use crate::error::AppError;
use crate::server::comparison_offers::{self, Stored};
use crate::server::flash;
use axum::extract::Path;
use axum::response::Response;
use uuid::Uuid;

pub async fn save(Path(flow): Path<Uuid>, SignedInForm { who, fields }: SignedInForm) -> Response {
    let mut values = vec![
        ("titulo".to_string(), fields.get("titulo")),
        ("ativo".to_string(), fields.get("ativo")),
    ];
    for n in 1..=MAX_OFFERS {
        for part in ["nome", "preco", "detalhes", "para", "foto"] {
            let name = format!("o{n}.{part}");
            let v = fields.get(&name);
            values.push((name, v));
        }
    }
    let result: Result<String, AppError> = async {
        let title = fields.get("titulo").trim().to_string();
        let title = if title.is_empty() {
            DEFAULT_TITLE.to_string()
        } else {
            title
        };
        if title.chars().count() > MAX_TITLE {
            return Err(AppError::invalid(format!(
                "O título pode ter até {MAX_TITLE} caracteres."
            )));
        }
        let mut offers = Vec::new();
        for n in 1..=MAX_OFFERS {
            let row = Offer {
                nome: fields.get(&format!("o{n}.nome")),
                preco: fields.get(&format!("o{n}.preco")),
                detalhes: fields.get(&format!("o{n}.detalhes")),
                para: fields.get(&format!("o{n}.para")),
                foto: fields.get(&format!("o{n}.foto")),
            };
            offers.extend(check(n, row).map_err(AppError::invalid)?);
        }
        let enabled = fields.get("ativo") == "1";
        if enabled && offers.is_empty() {
            return Err(AppError::invalid(
                "Preencha ao menos uma opção (nome e preço) para enviar a imagem.",
            ));
        }
        let mut tx = who.tenant().await?;
        if !comparison_offers::own_flow(&mut tx, flow).await? {
            return Err(AppError::NotFound);
        }
        let choices = comparison_offers::choices(&mut tx, flow).await?;
        if let Some(o) = offers
            .iter()
            .find(|o| !o.para.is_empty() && !choices.iter().any(|(v, _)| *v == o.para))
        {
            return Err(AppError::invalid(format!(
                "\"{}\": a resposta escolhida em \"só para quem respondeu\" não existe mais neste fluxo.",
                o.nome
            )));
        }
        let photos: Vec<String> = crate::server::files::library(&mut tx)
            .await?
            .into_iter()
            .filter(|f| f.kind == "image")
            .map(|f| f.id.to_string())
            .collect();
        if let Some(o) = offers
            .iter()
            .find(|o| !o.foto.is_empty() && !photos.contains(&o.foto))
        {
            return Err(AppError::invalid(format!(
                "\"{}\": a foto escolhida não está mais na sua biblioteca.",
                o.nome
            )));
        }
        comparison_offers::save(&mut tx, flow, &Stored { title, enabled, offers }).await?;
        tx.commit().await?;
        Ok(if enabled {
            "Comparativo guardado: a imagem vai para cada lead que concluir o fluxo.".to_string()
        } else {
            "Comparativo guardado, desligado: nenhuma imagem é enviada.".to_string()
        })
    }
    .await;
    let to = format!("/fluxos/{flow}#comparativo");
    flash::redirect_with(&who.session, "comparativo", values, result, &to).await
}
