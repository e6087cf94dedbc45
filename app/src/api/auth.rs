//! Sign-up, login, logout and "who is signed in".

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedInConsultant {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    /// Leads that wrote after the consultant last opened them (counted up to
    /// [`UNREAD_CAP`]): the navigation's badge.
    pub unread: i64,
}

/// Past this the badge says "99+".
pub const UNREAD_CAP: i64 = 100;

/// The signed-in consultant, or `None`.
#[server(prefix = "/api", endpoint = "sessao")]
pub async fn current_consultant() -> Result<Option<SignedInConsultant>, AppError> {
    use crate::server::{app_state, auth, db};
    let Some(id) = auth::session_consultant_id().await? else {
        return Ok(None);
    };
    let state = app_state()?;
    let mut tx = db::tenant_tx(&state.pool, id).await?;
    let row = sqlx::query_as!(
        SignedInConsultant,
        r#"select id, name, slug,
                  (select count(*) from (
                       select 1 from leads
                        where consultant_id = $1
                          and last_inbound_at > coalesce(seen_at, '-infinity'::timestamptz)
                        limit $2) u) as "unread!"
             from consultants where id = $1 and is_active"#,
        id,
        UNREAD_CAP
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row)
}

#[server(prefix = "/api", endpoint = "entrar")]
pub async fn login(csrf: String, email: String, password: String) -> Result<(), AppError> {
    let values = vec![("email", email.clone())];
    let result: Result<(), AppError> = async {
        use crate::domain::Email;
        use crate::server::request_meta::RequestMeta;
        use crate::server::{
            app_state, audit, auth, csrf as csrf_check, db, known_device, password_attempts,
            password_hash, two_factor,
        };
        use serde_json::json;

        let state = app_state()?;
        let session = auth::session().await?;
        csrf_check::verify(&session, &csrf).await?;
        let meta = RequestMeta::current();
        let wrong = || AppError::Invalid {
            message: "E-mail ou senha incorretos.".into(),
            fields: Vec::new(),
        };
        // A malformed address cannot belong to an account; answer exactly like a wrong password.
        let email = Email::parse(&email)
            .map(|e| e.as_str().to_string())
            .unwrap_or_else(|_| email.trim().to_lowercase());

        // Nothing longer than an address can be (RFC 5321) gets any work, nor a password longer
        // than any passphrase (argon2 reads all of it).
        if email.len() > 254 || password.len() > crate::domain::password::MAX_CHECKED_BYTES {
            return Err(wrong());
        }
        // No address holds an invisible character: said at the field, before any work.
        crate::domain::text::check(&email, crate::domain::text::Lines::One).map_err(|why| {
            AppError::fields(vec![crate::error::FieldError {
                field: "email".into(),
                message: why.into(),
            }])
        })?;

        let cfg = &state.config;
        let token = known_device::current_token();
        let device = {
            let mut tx = db::system_tx(&state.pool).await?;
            let device = known_device::lookup(&mut *tx, cfg, &email, token.as_deref()).await?;
            tx.commit().await?;
            device
        };
        let asker = password_attempts::Asker {
            email: &email,
            ip: meta.throttle_key(),
            device,
        };
        let attempt = match password_attempts::reserve(&state.pool, cfg, &asker).await? {
            Ok(attempt) => attempt,
            Err(limit) => return Err(password_attempts::refusal(cfg, limit, "de entrada")),
        };

        let account = {
            let mut tx = db::system_tx(&state.pool).await?;
            let account = sqlx::query!(
                "select id, password_hash from consultants where email = $1 and is_active",
                &email
            )
            .fetch_optional(&mut *tx)
            .await?
            .map(|a| (a.id, a.password_hash));
            tx.commit().await?;
            account
        };
        // argon2 runs with no transaction open, behind the hasher's own concurrency limit.
        let ok = password_hash::verify(password, account.as_ref().map(|a| a.1.clone())).await;
        let signed_in = account.filter(|_| ok).map(|(id, _)| id);

        let mut tx = db::system_tx(&state.pool).await?;
        password_attempts::settle(&mut *tx, attempt, signed_in.is_some()).await?;
        match signed_in {
            // Two-step verification on: the password was right, the code is still owed. The
            // browser becomes a known device only once the code is right too.
            Some(id) if two_factor::enabled(&mut tx, id).await? => {
                tx.commit().await?;
                two_factor::begin_login(&session, id, device).await?;
                leptos_axum::redirect("/entrar/codigo");
                Ok(())
            }
            Some(id) => {
                audit::record(&mut *tx, Some(id), "login", json!({}), &meta).await?;
                let cookie = known_device::remember(&mut *tx, cfg, id, device).await?;
                tx.commit().await?;
                auth::sign_in(&session, &state.pool, id, &meta).await?;
                if let Some(cookie) = cookie {
                    known_device::set_cookie(&cookie);
                }
                leptos_axum::redirect("/painel");
                Ok(())
            }
            None => {
                audit::record(
                    &mut *tx,
                    None,
                    "login_failed",
                    json!({ "email": email }),
                    &meta,
                )
                .await?;
                tx.commit().await?;
                Err(wrong())
            }
        }
    }
    .await;
    crate::server::flash::remember("login", values, "", result).await
}
#[server(prefix = "/api", endpoint = "cadastro")]
pub async fn signup(
    csrf: String,
    name: String,
    email: String,
    password: String,
    whatsapp: String,
    vertical: String,
    // Optional: blank (or a form from before the field) suggests it from the name.
    #[server(default)] slug: String,
) -> Result<(), AppError> {
    let values = vec![
        ("name", name.clone()),
        ("email", email.clone()),
        ("whatsapp", whatsapp.clone()),
        ("vertical", vertical.clone()),
        ("slug", slug.clone()),
    ];
    let result: Result<(), AppError> = async {
        use crate::domain::{Email, Password, PersonName, PhoneBr, Vertical};
        use crate::error::FieldErrors;
        use crate::server::request_meta::RequestMeta;
        use crate::server::{
            app_state, audit, auth, csrf as csrf_check, db, error, known_device, password_hash,
        };
        use serde_json::json;

        let state = app_state()?;
        let session = auth::session().await?;
        csrf_check::verify(&session, &csrf).await?;

        let mut errors = FieldErrors::default();
        let name_address = crate::domain::slug::normalise(&name);
        let name = errors.check("name", PersonName::parse(&name));
        let email = errors.check("email", Email::parse(&email));
        let password = errors.check("password", Password::parse(password));
        let whatsapp = errors.check("whatsapp", PhoneBr::parse(&whatsapp));
        let vertical = errors.check("vertical", Vertical::parse(&vertical));
        // An address typed, or left as the name made it (the page prefills it so): the name's
        // address is taken the way `generate_slug` takes it, with a number added when another
        // account has it; an address of the person's own is theirs or refused.
        let slug = match crate::domain::slug::normalise(&slug) {
            typed if typed.is_empty() || typed == name_address => None,
            typed => errors.check("slug", crate::domain::Slug::parse(&typed)),
        };
        errors.into_result()?;
        let (Some(name), Some(email), Some(password), Some(whatsapp), Some(vertical)) =
            (name, email, password, whatsapp, vertical)
        else {
            return Err(AppError::Internal);
        };

        let taken = {
            let mut tx = db::system_tx(&state.pool).await?;
            let taken = number_taken(&mut *tx, whatsapp.as_str(), None).await?;
            tx.commit().await?;
            taken
        };
        if taken {
            return Err(number_taken_error());
        }
        let hash = password_hash::hash(password.expose().to_string())
            .await
            .map_err(|e| error::internal("password hash", e))?;
        let meta = RequestMeta::current();

        // generate_slug picks a free slug, but two sign-ups with the same name can race for it;
        // the unique constraint catches the loser, who simply tries again.
        let mut attempt = 0;
        let id = loop {
            attempt += 1;
            let mut tx = db::system_tx(&state.pool).await?;
            let inserted = sqlx::query_scalar!(
                "insert into consultants (email, password_hash, name, whatsapp_number, vertical, slug)
                 values ($1, $2, $3, $4, $5, coalesce($6, generate_slug($3::varchar)))
                 returning id",
                email.as_str(),
                &hash,
                name.as_str(),
                whatsapp.as_str(),
                vertical.as_str(),
                slug.as_ref().map(|s| s.as_str())
            )
            .fetch_one(&mut *tx)
            .await;
            match inserted {
                Ok(id) => {
                    audit::record(&mut *tx, Some(id), "signup", json!({}), &meta).await?;
                    tx.commit().await?;
                    break id;
                }
                Err(e)
                    if attempt < 5
                        && slug.is_none()
                        && e.as_database_error().and_then(|d| d.constraint())
                            == Some("consultants_slug_key") =>
                {
                    continue
                }
                Err(e) => return Err(e.into()),
            }
        };
        auth::sign_in(&session, &state.pool, id, &meta).await?;
        // The browser that made the account is one of its known devices.
        let mut tx = db::system_tx(&state.pool).await?;
        let cookie = known_device::remember(&mut *tx, &state.config, id, None).await?;
        tx.commit().await?;
        if let Some(cookie) = cookie {
            known_device::set_cookie(&cookie);
        }
        leptos_axum::redirect("/painel");
        Ok(())
    }
    .await;
    crate::server::flash::remember("signup", values, "", result).await
}
#[server(prefix = "/api", endpoint = "sair")]
pub async fn logout(csrf: String) -> Result<(), AppError> {
    use crate::server::request_meta::RequestMeta;
    use crate::server::{app_state, audit, auth, csrf as csrf_check};
    let state = app_state()?;
    let session = auth::session().await?;
    csrf_check::verify(&session, &csrf).await?;
    if let Some(id) = auth::consultant_id_of(&session).await? {
        let mut tx = state.pool.begin().await?;
        audit::record(
            &mut *tx,
            Some(id),
            "logout",
            serde_json::json!({}),
            &RequestMeta::current(),
        )
        .await?;
        tx.commit().await?;
    }
    auth::sign_out(&session).await?;
    leptos_axum::redirect("/entrar");
    Ok(())
}

/// Whether another active account has this WhatsApp number (one number, one account: the
/// sandbox routes leads by it).
#[cfg(feature = "ssr")]
pub(crate) async fn number_taken(
    db: impl sqlx::PgExecutor<'_>,
    number: &str,
    asker: Option<Uuid>,
) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select whatsapp_number_taken($1, $2) as "taken!""#,
        number,
        asker
    )
    .fetch_one(db)
    .await?)
}

#[cfg(feature = "ssr")]
pub(crate) fn number_taken_error() -> AppError {
    AppError::fields(vec![crate::error::FieldError {
        field: "whatsapp".into(),
        message: "Este número de WhatsApp já está ligado a outra conta.".into(),
    }])
}
