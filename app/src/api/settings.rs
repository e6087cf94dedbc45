//! The consultant's own profile settings.

// `update_settings` takes one argument per form field, because ActionForm posts them flat.
// The allow is file-wide: on the hydrate side #[server] drops item attributes from the client
// function it generates, so an allow on the function does not reach it.
#![allow(clippy::too_many_arguments)]

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
    /// The WhatsApp Business number connected through Meta's Embedded Signup.
    pub connection: Option<WhatsAppConnection>,
    /// This server has a Meta app, so numbers can be connected (otherwise: the sandbox).
    pub whatsapp_signup: bool,
    /// Days without activity before a lead is marked "parado" on the board.
    pub stale_after_days: i16,
    pub profile_image_url: Option<String>,
    /// The absolute address of the public profile.
    pub public_link: String,
}

/// A connected number, as Settings shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatsAppConnection {
    pub display_phone_number: String,
    pub verified_name: Option<String>,
    pub phone_number_id: String,
    /// `dd/mm/aaaa hh:mm`, São Paulo time.
    pub connected_at: String,
    /// The WhatsApp Business app on the phone shares the number.
    pub coexistence: bool,
}

#[server(prefix = "/api", endpoint = "configuracoes")]
pub async fn get_settings() -> Result<Settings, AppError> {
    use crate::server::{app_state, auth, db};
    let id = auth::require_consultant().await?;
    let state = app_state()?;
    let mut tx = db::tenant_tx(&state.pool, id).await?;
    struct Row {
        name: String,
        email: String,
        bio: Option<String>,
        crm_number: Option<String>,
        whatsapp_number: String,
        vertical: String,
        slug: String,
        stale_after_days: i16,
        profile_image_url: Option<String>,
    }
    let row = sqlx::query_as!(
        Row,
        "select name, email, bio, crm_number, whatsapp_number, vertical, slug,
                stale_after_days, profile_image_url
         from consultants where id = $1",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Unauthenticated)?;
    let connection = sqlx::query!(
        r#"select display_phone_number, verified_name, phone_number_id, coexistence,
                  connected_at as "connected_at: chrono::DateTime<chrono::Utc>"
             from whatsapp_connections where consultant_id = $1"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|c| WhatsAppConnection {
        display_phone_number: c.display_phone_number,
        verified_name: c.verified_name,
        phone_number_id: c.phone_number_id,
        connected_at: crate::domain::time::format_datetime(c.connected_at),
        coexistence: c.coexistence,
    });
    tx.commit().await?;
    let whatsapp = crate::domain::phone::display_stored(&row.whatsapp_number);
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
        connection,
        whatsapp_signup: state.config.whatsapp_signup,
        stale_after_days: row.stale_after_days,
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
    // Optional so that a form from before this field existed still saves.
    stale_after_days: Option<String>,
) -> Result<(), AppError> {
    let values = vec![
        ("name", name.clone()),
        ("bio", bio.clone()),
        ("crm_number", crm_number.clone()),
        ("whatsapp", whatsapp.clone()),
        ("vertical", vertical.clone()),
        ("slug", slug.clone()),
        (
            "stale_after_days",
            stale_after_days.clone().unwrap_or_default(),
        ),
    ];
    let f = SettingsForm {
        name,
        bio,
        crm_number,
        whatsapp,
        vertical,
        slug,
        stale_after_days,
    };
    let result: Result<(), AppError> = async {
        use crate::domain::{Bio, PersonName, PhoneBr, RegistrationNumber, Slug, Vertical};
        use crate::error::FieldErrors;
        use crate::server::request_meta::RequestMeta;
        use crate::server::{app_state, audit, auth, csrf as csrf_check, db};

        let id = auth::require_consultant().await?;
        let session = auth::session().await?;
        csrf_check::verify(&session, &csrf).await?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", PersonName::parse(&f.name));
        let bio = errors.check("bio", Bio::parse(&f.bio));
        let crm = errors.check("crm_number", RegistrationNumber::parse(&f.crm_number));
        let whatsapp = errors.check("whatsapp", PhoneBr::parse(&f.whatsapp));
        let vertical = errors.check("vertical", Vertical::parse(&f.vertical));
        let slug = errors.check("slug", Slug::from_typed(&f.slug));
        let stale = match f.stale_after_days.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => errors.check(
                "stale_after_days",
                v.parse::<i16>()
                    .ok()
                    .filter(|d| (1..=90).contains(d))
                    .map(Some)
                    .ok_or("Informe um número de dias entre 1 e 90."),
            ),
        };
        errors.into_result()?;
        let (Some(name), Some(bio), Some(crm), Some(whatsapp), Some(vertical), Some(slug)) =
            (name, bio, crm, whatsapp, vertical, slug)
        else {
            return Err(AppError::Internal);
        };

        let state = app_state()?;
        let mut tx = db::tenant_tx(&state.pool, id).await?;
        if crate::api::auth::number_taken(&mut *tx, whatsapp.as_str(), Some(id)).await? {
            return Err(crate::api::auth::number_taken_error());
        }
        let updated = sqlx::query!(
            "update consultants
                set name = $2, bio = $3, crm_number = $4, whatsapp_number = $5, vertical = $6, slug = $7,
                    stale_after_days = coalesce($8, stale_after_days)
              where id = $1",
            id,
            name.as_str(),
            bio.as_ref().map(|b| b.as_str()),
            crm.as_ref().map(|c| c.as_str()),
            whatsapp.as_str(),
            vertical.as_str(),
            slug.as_str(),
            stale.flatten()
        )
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(AppError::Unauthenticated);
        }
        tx.commit().await?;
        let mut tx = state.pool.begin().await?;
        audit::record(
            &mut *tx,
            Some(id),
            "settings_updated",
            serde_json::json!({}),
            &RequestMeta::current(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    crate::server::flash::remember("settings", values, "Configurações salvas.", result).await
}

/// The settings form as submitted, before validation.
#[cfg(feature = "ssr")]
struct SettingsForm {
    name: String,
    bio: String,
    crm_number: String,
    whatsapp: String,
    vertical: String,
    slug: String,
    stale_after_days: Option<String>,
}
