//! The bot's turns that wait for a voice note to be heard. An audio's turn is put off until
//! its transcript is stored (or it is known that none will come: `voice`), and whatever the
//! lead writes meanwhile waits behind it, so that answers are taken in the order they were
//! given. Each turn is then taken in a transaction of its own, oldest first in each
//! conversation, with the conversation locked as for any message (`bot_turn`).

use super::bot_turn::{self, LockedConversation, Turn};
use super::process_error::ProcessError;
use super::routing::Consultant;
use super::Services;
use crate::intake::conversations;
use app::domain::flow::Inbound;
use app::server::db::SystemTx;
use serde_json::{json, Value};
use sqlx::PgPool;
use uuid::Uuid;

/// How long a turn waits for its voice note before it goes on without it (a download or a
/// provider stuck past its lease): the lead is then asked to write.
const HEARING_DEADLINE_SECS: f64 = 180.0;

/// Whether a turn of this conversation is waiting (a new message then waits behind it).
pub(super) async fn waiting(
    db: &mut SystemTx<'_>,
    conversation: Uuid,
) -> Result<bool, sqlx::Error> {
    let db: &mut sqlx::PgConnection = db;
    sqlx::query_scalar!(
        r#"select exists (select 1 from pending_turns where conversation_id = $1) as "waiting!""#,
        conversation
    )
    .fetch_one(db)
    .await
}

/// Puts the turn on this message off (`audio`: it waits for its transcript).
pub(super) async fn defer(
    db: &mut SystemTx<'_>,
    consultant: Uuid,
    conversation: Uuid,
    message: Uuid,
    inbound: &Inbound,
    audio: bool,
) -> Result<(), sqlx::Error> {
    let db: &mut sqlx::PgConnection = db;
    sqlx::query!(
        "insert into pending_turns (message_id, consultant_id, conversation_id, inbound)
         values ($1, $2, $3, $4)
         on conflict (message_id) do nothing",
        message,
        consultant,
        conversation,
        if audio {
            json!({"kind": "audio"})
        } else {
            stored(inbound)
        }
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The message as the engine takes it, for the row.
fn stored(inbound: &Inbound) -> Value {
    match inbound {
        Inbound::Text(t) => json!({"kind": "text", "text": t}),
        Inbound::Reply { id, title } => json!({"kind": "reply", "id": id, "title": title}),
        Inbound::Spoken(t) => json!({"kind": "spoken", "text": t}),
        Inbound::Unheard => json!({"kind": "audio"}),
        Inbound::Unsupported { description } => {
            json!({"kind": "unsupported", "description": description})
        }
    }
}

/// The message back from the row; an audio is what its transcription heard.
fn restored(v: &Value, transcript: Option<String>) -> Inbound {
    let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    match v["kind"].as_str() {
        Some("text") => Inbound::Text(text("text")),
        Some("reply") => Inbound::Reply {
            id: text("id"),
            title: text("title"),
        },
        Some("spoken") => Inbound::Spoken(text("text")),
        Some("audio") => transcript.map_or(Inbound::Unheard, Inbound::Spoken),
        _ => Inbound::Unsupported {
            description: text("description"),
        },
    }
}

/// What a pass took.
#[derive(Debug, Default, Clone, Copy)]
pub struct Taken {
    pub turns: usize,
    /// AI answers queued, to be written now.
    pub ai_answers: usize,
}

/// Takes every turn that is ready, each conversation's in order.
pub async fn take_ready(pool: &PgPool, services: &Services) -> Result<Taken, sqlx::Error> {
    let mut taken = Taken::default();
    loop {
        let mut tx = SystemTx::begin(pool).await?;
        // Ready: the oldest of its conversation, and not an audio still being heard. A turn
        // another worker holds keeps the ones behind it waiting (its row is still there).
        let next = sqlx::query!(
            r#"select p.message_id, p.conversation_id, p.inbound,
                      mm.transcript_status as "transcript_status?", mm.transcript as "transcript?"
                 from pending_turns p
                 left join message_media mm on mm.message_id = p.message_id
                where not exists (select 1 from pending_turns q
                                   where q.conversation_id = p.conversation_id
                                     and (q.created_at, q.message_id) < (p.created_at, p.message_id))
                  and (p.inbound->>'kind' <> 'audio'
                       or mm.transcript_status is distinct from 'pendente'
                       or p.created_at < now() - make_interval(secs => $1))
                order by p.created_at
                limit 1
                for update of p skip locked"#,
            HEARING_DEADLINE_SECS
        )
        .fetch_optional(&mut *tx)
        .await?;
        let Some(p) = next else {
            tx.rollback().await?;
            return Ok(taken);
        };
        let heard = p
            .transcript
            .filter(|_| p.transcript_status.as_deref() == Some("transcrito"));
        let inbound = restored(&p.inbound, heard);
        let mut savepoint = tx.savepoint().await?;
        match take_one(
            &mut savepoint,
            p.conversation_id,
            p.message_id,
            &inbound,
            services,
        )
        .await
        {
            Ok(ai) => {
                savepoint.commit().await?;
                taken.ai_answers += usize::from(ai);
            }
            // A flow that can never be run must not hold the conversation's turns forever.
            Err(e) if e.is_permanent() => {
                savepoint.rollback().await?;
                tracing::warn!(message = %p.message_id, error = %e, "deferred turn dropped");
            }
            Err(ProcessError::Database(e)) => return Err(e),
            Err(e) => return Err(sqlx::Error::Protocol(e.to_string())),
        }
        sqlx::query!(
            "delete from pending_turns where message_id = $1",
            p.message_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        taken.turns += 1;
    }
}

/// The turn on one message, now that it can be taken: with the consultant, the lead's
/// consent and the conversation locked as they are now. Nothing when the conversation is no
/// longer the lead's current one.
async fn take_one(
    db: &mut SystemTx<'_>,
    conversation: Uuid,
    message: Uuid,
    inbound: &Inbound,
    services: &Services,
) -> Result<bool, ProcessError> {
    let who = {
        let db: &mut sqlx::PgConnection = db;
        sqlx::query!(
            r#"select c.id, c.name, c.bio, c.vertical, c.slug, l.id as lead, l.profile_name,
                      (l.opted_out_at is not null) as "opted_out!",
                      (l.privacy_notice_at is not null and l.privacy_ack_at is null) as "awaiting_ack!"
                 from conversations cv
                 join consultants c on c.id = cv.consultant_id
                 join leads l on l.id = cv.lead_id and l.consultant_id = cv.consultant_id
                where cv.id = $1"#,
            conversation
        )
        .fetch_optional(db)
        .await?
    };
    let Some(who) = who else {
        return Ok(false);
    };
    let current = conversations::latest_for_update(db, who.lead).await?;
    let Some((id, flow_id, state)) = current.filter(|(id, _, _)| *id == conversation) else {
        return Ok(false);
    };
    let consultant = Consultant {
        id: who.id,
        name: who.name,
        bio: who.bio,
        vertical: who.vertical,
        slug: who.slug,
    };
    bot_turn::take(
        db,
        Turn {
            consultant: &consultant,
            lead: who.lead,
            opted_out: who.opted_out,
            awaiting_ack: who.awaiting_ack,
            conversation: LockedConversation {
                id,
                flow_id,
                state,
                is_new: false,
            },
            inbound_id: message,
            inbound,
            profile_name: who.profile_name.as_deref(),
            over_limit: false,
        },
        services.public_url.as_deref(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_waits_as_the_engine_takes_it() {
        for m in [
            Inbound::Text("Maria".into()),
            Inbound::Reply {
                id: "familia".into(),
                title: "Família".into(),
            },
            Inbound::Spoken("oi".into()),
            Inbound::Unsupported {
                description: "[imagem]".into(),
            },
        ] {
            assert_eq!(restored(&stored(&m), None), m);
        }
        let audio = json!({"kind": "audio"});
        assert_eq!(restored(&audio, None), Inbound::Unheard);
        assert_eq!(
            restored(&audio, Some("quero o familiar".into())),
            Inbound::Spoken("quero o familiar".into())
        );
    }
}
