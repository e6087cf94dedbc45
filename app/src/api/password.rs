//! Changing the password from Settings: the current one is asked (and counted like a login
//! attempt), the new one follows sign-up's rules, and every other session of the consultant
//! ends.

use crate::error::AppError;
use leptos::prelude::*;

/// What the form says once the password has changed.
pub const CHANGED: &str = "Senha alterada. Suas outras sessões foram encerradas.";

#[server(prefix = "/api", endpoint = "alterar-senha")]
pub async fn change_password(
    csrf: String,
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    let result: Result<(), AppError> = async {
        use crate::domain::Password;
        use crate::error::{FieldError, FieldErrors};
        use crate::server::request_meta::RequestMeta;
        use crate::server::{
            app_state, audit, auth, csrf as csrf_check, db, error, known_device, password_attempts,
            password_hash,
        };

        let (current, new, confirm) = (current_password, new_password, confirm_password);
        let id = auth::require_consultant().await?;
        let session = auth::session().await?;
        csrf_check::verify(&session, &csrf).await?;
        let state = app_state()?;
        let wrong_current = || {
            AppError::fields(vec![FieldError {
                field: "current_password".into(),
                message: "Senha atual incorreta.".into(),
            }])
        };

        // The new password is checked first: a typo there costs no attempt and no hash.
        let mut errors = FieldErrors::default();
        let new = errors.check("new_password", Password::parse(new));
        if new.as_ref().is_some_and(|p| p.expose() != confirm) {
            errors.add(
                "confirm_password",
                "A confirmação não é igual à nova senha.",
            );
        }
        errors.into_result()?;
        let Some(new) = new else {
            return Err(AppError::Internal);
        };
        let meta = RequestMeta::current();
        let token = known_device::current_token();
        let password_attempts::Checked { ok, device } = password_attempts::check_again(
            &state,
            id,
            &current,
            token.as_deref(),
            &meta,
            "alterar_senha",
        )
        .await?;
        if !ok {
            return Err(wrong_current());
        }
        let hash = password_hash::hash(new.expose().to_string())
            .await
            .map_err(|e| error::internal("password hash", e))?;

        // The application role may not touch the password: this is system work.
        let keep = session.id().map(|s| s.to_string());
        let mut tx = db::system_tx(&state.pool).await?;
        let updated = sqlx::query!(
            "update consultants set password_hash = $2 where id = $1 and is_active",
            id,
            &hash
        )
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(AppError::Unauthenticated);
        }
        let ended = auth::end_other_sessions(&mut tx, id, keep.as_deref()).await?;
        // Other browsers stop being known devices: if the password leaked, so may have they.
        sqlx::query!(
            "delete from known_devices where consultant_id = $1 and id is distinct from $2",
            id,
            device
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            Some(id),
            "password_changed",
            serde_json::json!({ "sessions_ended": ended }),
            &meta,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
    .await;
    // Nothing typed is kept: every field is a password.
    crate::server::flash::remember("senha", Vec::new(), CHANGED, result).await
}
