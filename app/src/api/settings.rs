//! The consultant's own profile settings.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub name: String,
    pub email: String,
    pub bio: String,
    pub crm_number: String,
    /// Shown as `+55 (11) 91234-5678`.
    pub whatsapp: String,
    pub vertical: String,
    pub slug: String,
    pub profile_image_url: Option<String>,
    /// The absolute address of the public profile.
    pub public_link: String,
}

#[server(prefix = "/api", endpoint = "configuracoes")]
pub async fn get_settings() -> Result<Settings, AppError> {
    use crate::domain::PhoneBr;
    use crate::server::{app_state, auth, db};
    let id = auth::require_consultant().await?;
    let state = app_state()?;
    let mut tx = db::tenant_tx(&state.pool, id).await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        name: String,
        email: String,
        bio: Option<String>,
        crm_number: Option<String>,
        whatsapp_number: String,
        vertical: String,
        slug: String,
        profile_image_url: Option<String>,
    }
    let row: Row = sqlx::query_as(
        "select name, email, bio, crm_number, whatsapp_number, vertical, slug, profile_image_url
         from consultants where id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    tx.commit().await?;
    let whatsapp = PhoneBr::parse(&row.whatsapp_number)
        .map(|p| p.display())
        .unwrap_or(row.whatsapp_number);
    Ok(Settings {
        public_link: format!(
            "{}/c/{}",
            state.config.public_url.trim_end_matches('/'),
            row.slug
        ),
        name: row.name,
        email: row.email,
        bio: row.bio.unwrap_or_default(),
        crm_number: row.crm_number.unwrap_or_default(),
        whatsapp,
        vertical: row.vertical,
        slug: row.slug,
        profile_image_url: row.profile_image_url,
    })
}

#[server(prefix = "/api", endpoint = "salvar-configuracoes")]
pub async fn update_settings(
    csrf: String,
    name: String,
    bio: String,
    crm_number: String,
    whatsapp: String,
    vertical: String,
    slug: String,
) -> Result<(), AppError> {
    let values = vec![
        ("name", name.clone()),
        ("bio", bio.clone()),
        ("crm_number", crm_number.clone()),
        ("whatsapp", whatsapp.clone()),
        ("vertical", vertical.clone()),
        ("slug", slug.clone()),
    ];
    let result = update_inner(csrf, name, bio, crm_number, whatsapp, vertical, slug).await;
    crate::server::flash::remember("settings", values, "Configurações salvas.", result).await
}

#[cfg(feature = "ssr")]
async fn update_inner(
    csrf: String,
    name: String,
    bio: String,
    crm_number: String,
    whatsapp: String,
    vertical: String,
    slug: String,
) -> Result<(), AppError> {
    use crate::domain::{Bio, PersonName, PhoneBr, RegistrationNumber, Slug, Vertical};
    use crate::error::FieldErrors;
    use crate::server::request_meta::RequestMeta;
    use crate::server::{app_state, audit, auth, csrf as csrf_check, db};

    let id = auth::require_consultant().await?;
    let session = auth::session().await?;
    csrf_check::verify(&session, &csrf).await?;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&name));
    let bio = errors.check("bio", Bio::parse(&bio));
    let crm = errors.check("crm_number", RegistrationNumber::parse(&crm_number));
    let whatsapp = errors.check("whatsapp", PhoneBr::parse(&whatsapp));
    let vertical = errors.check("vertical", Vertical::parse(&vertical));
    let slug = errors.check("slug", Slug::parse(&slug));
    errors.into_result()?;
    let (Some(name), Some(bio), Some(crm), Some(whatsapp), Some(vertical), Some(slug)) =
        (name, bio, crm, whatsapp, vertical, slug)
    else {
        return Err(AppError::Internal);
    };

    let state = app_state()?;
    let mut tx = db::tenant_tx(&state.pool, id).await?;
    let updated = sqlx::query(
        "update consultants
            set name = $2, bio = $3, crm_number = $4, whatsapp_number = $5, vertical = $6, slug = $7
          where id = $1",
    )
    .bind(id)
    .bind(name.as_str())
    .bind(bio.as_ref().map(|b| b.as_str()))
    .bind(crm.as_ref().map(|c| c.as_str()))
    .bind(whatsapp.as_str())
    .bind(vertical.as_str())
    .bind(slug.as_str())
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::Unauthenticated);
    }
    tx.commit().await?;
    audit::record(
        &state.pool,
        Some(id),
        "settings_updated",
        serde_json::json!({}),
        &RequestMeta::current(),
    )
    .await?;
    Ok(())
}
