//! The door of every plain axum handler: who is signed in, and, for a form, that it came from
//! one of this site's pages (the CSRF token). Handlers name what they need in their
//! arguments ([`SignedIn`] for a download, [`SignedInForm`] for a form that changes
//! something) and never read the session by hand.
//!
//! - Nobody signed in: a page the person asked for (a link, a form) goes to `/entrar`; a file
//!   fetched by a page (an image, an audio note) is a 401.
//! - The session store failing is a 500, never a sign-in page (which would hide the outage).
//! - A form whose token does not match goes back to the page it came from, with "Este
//!   formulário expirou…" at the top of it; nothing else runs.

use crate::error::AppError;
use crate::server::db::TenantTx;
use crate::server::request_meta::RequestMeta;
use crate::server::{auth, csrf, flash, AppState};
use axum::extract::{Form, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;
use uuid::Uuid;

/// A request from the signed-in consultant.
#[derive(Clone)]
pub struct SignedIn {
    pub id: Uuid,
    pub session: Session,
    pub state: AppState,
    /// Where the request came from, for the audit log.
    pub meta: RequestMeta,
    pub headers: HeaderMap,
}

impl SignedIn {
    /// The consultant's tenant transaction: the only way a handler reaches their data.
    pub async fn tenant(&self) -> Result<TenantTx, AppError> {
        Ok(TenantTx::begin(&self.state.pool, self.id).await?)
    }
}

/// Any router whose state holds the [`AppState`] can use the door (the WhatsApp connection's
/// routes have a state of their own).
impl<S> FromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let state = AppState::from_ref(state);
        let session = Session::from_request_parts(parts, &state)
            .await
            .map_err(IntoResponse::into_response)?;
        let id = match auth::consultant_id_of(&session).await {
            Ok(Some(id)) => id,
            Ok(None) if wants_page(&parts.headers) => {
                return Err(Redirect::to("/entrar").into_response())
            }
            Ok(None) => return Err(AppError::Unauthenticated.status_response()),
            Err(e) => return Err(e.into_response()),
        };
        Ok(SignedIn {
            id,
            session,
            meta: RequestMeta::from_parts(parts, state.config.trust_proxy_headers),
            state,
            headers: parts.headers.clone(),
        })
    }
}

/// A plain form's fields, in order; repeated names (checkboxes) are all kept.
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name` (empty when absent).
    pub fn get(&self, name: &str) -> String {
        crate::server::form_field(&self.0, name)
    }

    /// Every value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A form posted by the signed-in consultant from one of this site's pages: the CSRF token
/// (field `csrf`) is checked before the handler runs.
pub struct SignedInForm {
    pub who: SignedIn,
    pub fields: Fields,
}

impl<S> FromRequest<S> for SignedInForm
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let who = SignedIn::from_request_parts(&mut parts, state).await?;
        let back = back_to(&parts.headers);
        let method = parts.method.clone();
        let Form(fields) =
            Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), state)
                .await
                .map_err(IntoResponse::into_response)?;
        let fields = Fields(fields);
        if method != Method::GET && method != Method::HEAD {
            if let Err(e) = csrf::verify(&who.session, &fields.get("csrf")).await {
                return Err(flash::redirect_with_notice(&who.session, e, &back).await);
            }
        }
        Ok(SignedInForm { who, fields })
    }
}

/// Whether the browser asked for a page (a navigation or a form post), not a file for one.
fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// The page a form was posted from (a path on this site), else the dashboard. Posts from
/// other sites never reach a handler (`same_origin`), so the referrer is one of ours; only
/// its path is kept, and never a scheme-relative `//host`.
fn back_to(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/painel".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_back_only_to_a_path_of_this_site() {
        let with = |r: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::REFERER, r.parse().unwrap());
            back_to(&h)
        };
        assert_eq!(with("http://127.0.0.1:3000/fluxos/1?x=2"), "/fluxos/1?x=2");
        assert_eq!(with("/leads"), "/leads");
        assert_eq!(with("//evil.example/x"), "/painel");
        assert_eq!(back_to(&HeaderMap::new()), "/painel");
    }
}
