//! The lead's tap on a reminder's button (`agenda:confirmar:<appointment>` or
//! `agenda:remarcar:<appointment>`, the payloads the scheduler gave them): recorded on the
//! appointment and acknowledged in a short text, never fed to the flow. Runs in the event's
//! transaction after the inbound message was stored once, so a redelivered webhook never gets
//! here twice; the answer is also written only if it changes, for a second tap.

use super::scheduler::ANSWER_PREFIX;
use crate::intake::messages;
use app::domain::flow::Outgoing;
use app::server::db::SystemTx;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Confirm,
    Reschedule,
}

impl Answer {
    fn stored(self) -> &'static str {
        match self {
            Answer::Confirm => "confirmado",
            Answer::Reschedule => "remarcar",
        }
    }
}

/// A reminder's payload; `None` for any other tap (a flow's button), left to the flow.
pub fn parse(payload: &str) -> Option<(Answer, Uuid)> {
    let rest = payload.strip_prefix(ANSWER_PREFIX)?;
    let (what, id) = rest.split_once(':')?;
    let answer = match what {
        "confirmar" => Answer::Confirm,
        "remarcar" => Answer::Reschedule,
        _ => return None,
    };
    Some((answer, Uuid::parse_str(id).ok()?))
}

/// What the lead is told.
pub fn acknowledgement(answer: Answer, consultant: &str) -> String {
    match answer {
        Answer::Confirm => "Obrigado! Seu horário está confirmado.".into(),
        Answer::Reschedule => {
            format!("Certo! {consultant} vai falar com você para combinar um novo horário.")
        }
    }
}

/// Records the answer on the appointment, only if it is this lead's and this consultant's
/// and still active, and queues the acknowledgement as the reply to the tap. The lead is
/// already unread (the tap is an inbound message: `last_inbound_at`), so a request to
/// reschedule reaches the consultant on the board as any message does, and their phone too
/// (a push, under the appointments switch). A tap on a stale or foreign appointment records
/// nothing and is answered all the same: the lead did answer.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    db: &mut SystemTx<'_>,
    consultant: Uuid,
    consultant_name: &str,
    lead: Uuid,
    opted_out: bool,
    conversation: Uuid,
    inbound: Uuid,
    (answer, appointment): (Answer, Uuid),
) -> Result<(), sqlx::Error> {
    let conn: &mut PgConnection = db;
    let recorded = sqlx::query!(
        "update appointments set lead_answer = $4, answered_at = now()
          where id = $1 and consultant_id = $2 and lead_id = $3 and status = 'marcado'
            and lead_answer is distinct from $4",
        appointment,
        consultant,
        lead,
        answer.stored()
    )
    .execute(conn)
    .await?
    .rows_affected();
    if recorded == 1 && answer == Answer::Reschedule {
        crate::intake::push::reschedule_requested(db, consultant, lead, appointment, inbound)
            .await?;
    }
    // The conversation's own `last_inbound_at` is left alone: it times the flow's "ainda
    // está por aí?" nudge, which a button tap must not set off.
    if opted_out {
        return Ok(());
    }
    let reply = Outgoing::Text {
        body: acknowledgement(answer, consultant_name),
    };
    messages::queue_bot_replies(db, consultant, conversation, inbound, &[reply], None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_our_payloads() {
        let id = Uuid::new_v4();
        assert_eq!(
            parse(&format!("agenda:confirmar:{id}")),
            Some((Answer::Confirm, id))
        );
        assert_eq!(
            parse(&format!("agenda:remarcar:{id}")),
            Some((Answer::Reschedule, id))
        );
        for other in [
            "sim",
            "agenda:talvez:x",
            "agenda:confirmar:nope",
            "Confirmar",
        ] {
            assert_eq!(parse(other), None, "{other}");
        }
        assert!(acknowledgement(Answer::Reschedule, "Joana").contains("Joana vai falar"));
    }
}
