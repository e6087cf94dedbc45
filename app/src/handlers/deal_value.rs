//! `POST /leads/{lead}/valor`: what the lead's deal is worth, typed on its page ("1.500,00";
//! empty clears it). A plain form: the page comes back at the field (`#valor`), with its
//! message, with or without JavaScript.

use super::door::SignedInForm;
use crate::domain::deal_value::DealValue;
use crate::error::AppError;
use crate::server::{flash, leads, tenant};
use axum::extract::Path;
use axum::response::Response;
use uuid::Uuid;

pub async fn set(Path(lead): Path<Uuid>, SignedInForm { who, fields }: SignedInForm) -> Response {
    let typed = fields.get("valor").to_string();
    let result = async {
        let value = DealValue::parse(&typed).map_err(AppError::invalid)?;
        let mut tx = who.tenant().await?;
        if !leads::set_deal_value(&mut tx, lead, value.map(DealValue::cents)).await? {
            return Err(AppError::NotFound);
        }
        tenant::audit_in(
            &mut tx,
            &who.meta,
            "lead_value_set",
            "lead",
            Some(lead),
            serde_json::json!({ "centavos": value.map(DealValue::cents) }),
        )
        .await?;
        tx.commit().await?;
        Ok(match value {
            Some(v) => format!("Valor do negócio: {}.", v.short()),
            None => "Valor do negócio apagado.".to_string(),
        })
    }
    .await;
    let values = vec![
        ("origem".to_string(), "valor".to_string()),
        ("valor".to_string(), typed),
    ];
    let to = format!("/leads/{lead}#valor");
    flash::redirect_with(&who.session, "lead", values, result, &to).await
}
