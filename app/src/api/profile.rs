//! The public profile page's data, by slug. Public: no session needed.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    pub name: String,
    pub slug: String,
    pub bio: Option<String>,
    pub vertical: String,
    pub vertical_label: String,
    pub registration: Option<String>,
    pub photo_url: Option<String>,
    /// The absolute page address, for Open Graph.
    pub page_url: String,
    /// Absolute photo address, for Open Graph.
    pub photo_absolute_url: Option<String>,
    /// The `wa.me` link with a prefilled message that carries a ref code.
    pub whatsapp_link: String,
}

#[server(prefix = "/api", endpoint = "perfil")]
pub async fn public_profile(slug: String) -> Result<ProfileView, AppError> {
    use crate::domain::{PhoneBr, Vertical};
    use crate::server::{app_state, db};
    let state = app_state()?;
    let slug = slug.trim().to_lowercase();
    let mut tx = db::system_tx(&state.pool).await?;
    struct Row {
        name: String,
        slug: String,
        bio: Option<String>,
        vertical: String,
        crm_number: Option<String>,
        profile_image_url: Option<String>,
        whatsapp_number: String,
    }
    let row = sqlx::query_as!(
        Row,
        "select name, slug, bio, vertical, crm_number, profile_image_url, whatsapp_number
             from consultants where slug = $1 and is_active",
        &slug
    )
    .fetch_optional(&mut *tx)
    .await?;
    // An address the profile gave up (its links live on in ads and bios): the one it has now.
    let moved = match &row {
        Some(_) => None,
        None => {
            sqlx::query_scalar!(
                "select c.slug from slug_history h join consultants c on c.id = h.consultant_id
              where h.slug = $1 and c.is_active",
                &slug
            )
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    tx.commit().await?;
    if let Some(now) = moved {
        return Err(AppError::Moved(moved_permanently(&slug, &now)));
    }
    let Some(Row {
        name,
        slug,
        bio,
        vertical,
        crm_number: registration,
        profile_image_url: photo_url,
        whatsapp_number: whatsapp,
    }) = row
    else {
        crate::server::auth::set_error_status(&AppError::NotFound);
        return Err(AppError::NotFound);
    };
    let v = Vertical::parse(&vertical).map_err(|_| AppError::Internal)?;
    let digits = PhoneBr::parse(&whatsapp)
        .map(|p| p.wa_digits().to_string())
        .unwrap_or_else(|_| whatsapp.chars().filter(char::is_ascii_digit).collect());
    let first_name = crate::domain::person_name::first_name(&name);
    // Recognised by its words when the lead sends it (`domain::attribution`): no code, no
    // platform name in what the lead writes.
    let message = format!(
        "Olá, {first_name}! {}",
        crate::domain::attribution::PROFILE_MESSAGE
    );
    let base = state.config.public_url.trim_end_matches('/').to_string();
    Ok(ProfileView {
        page_url: format!("{base}/c/{slug}"),
        photo_absolute_url: photo_url.as_ref().map(|p| format!("{base}{p}")),
        whatsapp_link: format!(
            "https://wa.me/{digits}?text={}",
            crate::domain::percent::encode(&message)
        ),
        name,
        slug,
        bio,
        vertical: v.as_str().into(),
        vertical_label: v.label().into(),
        registration,
        photo_url,
    })
}

/// Sends the browser from the page of the address `old` (the profile, or a page below it such
/// as its privacy notice) to the same page under `now`: for good (301) when the page itself
/// was asked for; through the server function's redirect when the hydrated app asked.
/// Returns the new path.
#[cfg(feature = "ssr")]
fn moved_permanently(old: &str, now: &str) -> String {
    use leptos::prelude::use_context;
    let page = use_context::<http::request::Parts>()
        .map(|p| p.uri.path().to_string())
        .unwrap_or_default();
    if page.starts_with("/api/") {
        let to = format!("/c/{now}");
        leptos_axum::redirect(&to);
        return to;
    }
    let rest = page
        .strip_prefix(&format!("/c/{old}"))
        .filter(|r| r.is_empty() || r.starts_with('/'))
        .unwrap_or("");
    let to = format!("/c/{now}{rest}");
    if let (Some(res), Ok(location)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&to),
    ) {
        res.set_status(http::StatusCode::MOVED_PERMANENTLY);
        res.insert_header(http::header::LOCATION, location);
    }
    to
}
