//! How a message finds its consultant: by the phone number id connected through Embedded
//! Signup, or (in the sandbox only) by the display number one account claims.

use sqlx::PgConnection;
use uuid::Uuid;

/// How a message finds its consultant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Routing {
    /// Only by a phone number id connected through Embedded Signup (the Graph API is
    /// configured: anything else could be anyone's claim).
    Connected,
    /// Also by the display number, when exactly one active account without a connection
    /// has it as its WhatsApp number: the sandbox (no Meta credentials), for the demo and
    /// local use.
    Sandbox,
}

pub(super) enum Route {
    To(Consultant),
    Nobody,
    /// Several accounts without a connected number claim the display number (sandbox
    /// only): nobody gets the lead (no account can take a colleague's leads by typing their
    /// number first).
    Ambiguous,
}

/// Whose number a message was sent to: the account connected to the event's phone number
/// id (unique; nobody's while that account is closed), or else, in the sandbox, the one
/// active account without a connection whose WhatsApp number is the display number.
pub(super) async fn route(
    db: &mut PgConnection,
    to_phone_number_id: &str,
    to_display_number: &str,
    routing: Routing,
) -> Result<Route, sqlx::Error> {
    // One round trip for both ways (this runs for every message): the connected account
    // first, then up to two display-number claimants.
    let mut found = sqlx::query!(
        r#"select id as "id!", name as "name!", bio, vertical as "vertical!", slug as "slug!",
                  active as "active!", connected as "connected!"
             from (select c.id, c.name, c.bio, c.vertical, c.slug, coalesce(c.is_active, false) as active,
                          true as connected
                     from whatsapp_connections w
                     join consultants c on c.id = w.consultant_id
                    where w.phone_number_id = $1
                   union all
                   (select c.id, c.name, c.bio, c.vertical, c.slug, true, false
                      from consultants c
                     where $3 and c.is_active and c.whatsapp_number = $2
                       and not exists (select 1 from whatsapp_connections w
                                        where w.consultant_id = c.id)
                     limit 2)) found
            order by connected desc"#,
        to_phone_number_id,
        e164(to_display_number),
        routing == Routing::Sandbox
    )
    .fetch_all(&mut *db)
    .await?;
    let claimants = found.iter().filter(|c| !c.connected).count();
    Ok(match found.first() {
        Some(c) if c.connected && !c.active => Route::Nobody,
        Some(c) if c.connected || claimants == 1 => {
            let c = found.swap_remove(0);
            Route::To(Consultant {
                id: c.id,
                name: c.name,
                bio: c.bio,
                vertical: c.vertical,
                slug: c.slug,
            })
        }
        Some(_) => Route::Ambiguous,
        None => Route::Nobody,
    })
}

/// The consultant a message was sent to.
pub(super) struct Consultant {
    pub id: Uuid,
    pub name: String,
    pub bio: Option<String>,
    pub vertical: String,
    pub slug: String,
}

fn e164(raw: &str) -> String {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    format!("+{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_numbers_as_e164() {
        assert_eq!(e164("55 11 91234-5678"), "+5511912345678");
    }
}
