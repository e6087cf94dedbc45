//! The consultant's own phone on a coexistence number: an echo (a message sent from the
//! phone) is stored in the lead's conversation as "enviada pelo celular" and takes the
//! conversation over from the bot; shared history fills in a lead's past without touching
//! the reply window (those messages did not come through the API); a saved contact's name
//! names a lead that has none. All of it only for people who are leads already.

use super::outcome::Outcome;
use super::routing::{route, Route, Routing};
use crate::intake::{conversations, phone};
use crate::webhooks::payload::Events;
use app::server::db::SystemTx;
use std::collections::HashMap;
use uuid::Uuid;

pub(super) async fn apply(
    db: &mut SystemTx<'_>,
    events: &Events,
    routing: Routing,
    outcome: &mut Outcome,
) -> Result<(), sqlx::Error> {
    outcome.history_left_out += events.history_left_out;
    // One route per business number, however many messages a history chunk holds.
    let mut consultants: HashMap<(String, String), Option<Uuid>> = HashMap::new();
    let mut consultant_of = async |db: &mut SystemTx<'_>, id: &str, display: &str| {
        let key = (id.to_string(), display.to_string());
        if let Some(found) = consultants.get(&key) {
            return Ok::<_, sqlx::Error>(*found);
        }
        let found = match route(db, id, display, routing).await? {
            Route::To(c) => Some(c.id),
            Route::Nobody | Route::Ambiguous => None,
        };
        consultants.insert(key, found);
        Ok(found)
    };
    for m in &events.phone {
        let Some(consultant) =
            consultant_of(db, &m.to_phone_number_id, &m.to_display_number).await?
        else {
            outcome
                .unrouted
                .push(app::domain::phone::mask_phone(&m.to_display_number));
            continue;
        };
        let Some(lead) = phone::lead_by_number(db, consultant, &m.counterpart).await? else {
            outcome.phone_not_leads += 1;
            continue;
        };
        let Some((conversation, _, _)) = conversations::latest_for_update(db, lead).await? else {
            // A lead from the public page who never wrote on WhatsApp: nothing to add to.
            outcome.phone_not_leads += 1;
            continue;
        };
        match phone::store_once(db, consultant, conversation, m).await? {
            Some(_) => {
                outcome.phone_messages += 1;
                if !outcome.consultants.contains(&consultant) {
                    outcome.consultants.push(consultant);
                }
                if m.live && m.outbound {
                    phone::take_over(db, conversation, lead).await?;
                }
            }
            None => outcome.phone_duplicates += 1,
        }
    }
    for m in &events.marketing {
        let Some(consultant) =
            consultant_of(db, &m.to_phone_number_id, &m.to_display_number).await?
        else {
            continue;
        };
        phone::marketing_choice(db, consultant, &m.number, m.stop).await?;
    }
    for c in &events.contacts {
        let Some(consultant) =
            consultant_of(db, &c.to_phone_number_id, &c.to_display_number).await?
        else {
            continue;
        };
        if phone::name_from_contact(db, consultant, &c.number, &c.name).await? {
            outcome.contacts_named += 1;
        }
    }
    Ok(())
}
