//! Notifications for the consultant's devices, queued in the transaction of the event that
//! causes them (`push_messages`, one row per device): the push job sends them afterwards,
//! outside any transaction. `dedupe_key` makes each event notify a device once, however
//! often it is seen.

use app::domain::ai::summary::{builtin_summary, SummaryInput};
use app::domain::flow::FlowDefinition;
use app::domain::lead_answers::from_json;
use app::domain::person_name::display_name;
use app::domain::Vertical;
use app::server::db::SystemTx;
use sqlx::PgConnection;
use uuid::Uuid;

/// What a notification is about: each kind can be turned off in Settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// "Novo lead quente": the lead's temperature reached quente.
    HotLead,
    /// The lead wrote in a conversation the consultant took over.
    LeadReplied,
    /// An appointment starts within the hour, or its lead asked to reschedule it.
    Appointment,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::HotLead => "lead_quente",
            Kind::LeadReplied => "lead_respondeu",
            Kind::Appointment => "agendamento",
        }
    }
}

pub struct Notice {
    pub kind: Kind,
    /// The lead it is about: nothing is queued while the consultant has its page open.
    pub lead: Option<Uuid>,
    /// Once per device for this key.
    pub dedupe_key: String,
    pub title: String,
    pub body: String,
    /// The page it opens (a path of this site).
    pub url: String,
}

/// Queues `notice` for each of the consultant's devices, if they want its kind and do not
/// have its lead's page open right now. Returns how many rows were added.
pub async fn queue(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    notice: &Notice,
) -> Result<u64, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let added = sqlx::query!(
        "insert into push_messages (consultant_id, subscription_id, kind, dedupe_key, title, body, url)
         select $1, s.id, $2, $3, left($4, 200), left($5, 500), $6
           from push_subscriptions s join consultants c on c.id = s.consultant_id
          where s.consultant_id = $1
            and case $2 when 'lead_quente' then c.push_hot_lead
                        when 'lead_respondeu' then c.push_lead_replied
                        else c.push_appointment end
            and not exists (select 1 from leads l where l.id = $7 and l.viewed_until > now())
         on conflict (subscription_id, dedupe_key) do nothing",
        consultant,
        notice.kind.code(),
        notice.dedupe_key,
        notice.title,
        notice.body,
        notice.url,
        notice.lead
    )
    .execute(db)
    .await?;
    Ok(added.rows_affected())
}

/// The lead became hot: its name, and the first line of its summary (the built-in one,
/// ready at once: the provider's comes later and a hot lead should not wait for it).
pub async fn hot_lead(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    lead: Uuid,
    def: Option<&FlowDefinition>,
    vertical: Vertical,
) -> Result<u64, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let row = sqlx::query!(
        "select name, profile_name, respostas from leads where id = $1",
        lead
    )
    .fetch_one(db)
    .await?;
    let name = display_name(row.name, row.profile_name);
    let summary = builtin_summary(&SummaryInput::new(
        vertical,
        def,
        &from_json(&row.respostas),
    ));
    let notice = Notice {
        kind: Kind::HotLead,
        lead: Some(lead),
        dedupe_key: format!("lead_quente:{lead}"),
        title: format!("Lead quente: {name}"),
        body: summary
            .lines()
            .next()
            .filter(|l| !l.is_empty())
            .unwrap_or("Acabou de responder ao bot. Chame enquanto o interesse está alto.")
            .to_string(),
        url: format!("/leads/{lead}"),
    };
    queue(sys, consultant, &notice).await
}

/// The lead wrote in a conversation the consultant took over: who, and what (shortened).
pub async fn lead_replied(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    lead: Uuid,
    message: Uuid,
    what: &str,
) -> Result<u64, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let row = sqlx::query!("select name, profile_name from leads where id = $1", lead)
        .fetch_one(db)
        .await?;
    let name = display_name(row.name, row.profile_name);
    let notice = Notice {
        kind: Kind::LeadReplied,
        lead: Some(lead),
        dedupe_key: format!("lead_respondeu:{message}"),
        title: format!("{name} respondeu"),
        body: app::domain::text::preview(what, 120),
        url: format!("/leads/{lead}"),
    };
    queue(sys, consultant, &notice).await
}

/// The lead tapped "remarcar" on an appointment's reminder: the consultant's phone hears it
/// at once (it was only on the board before), under the appointments switch. `None` when the
/// appointment is not this lead's (nothing was recorded either).
pub async fn reschedule_requested(
    sys: &mut SystemTx<'_>,
    consultant: Uuid,
    lead: Uuid,
    appointment: Uuid,
    message: Uuid,
) -> Result<u64, sqlx::Error> {
    let db: &mut PgConnection = sys;
    let row = sqlx::query!(
        "select l.name, l.profile_name, a.starts_at as \"starts_at: chrono::DateTime<chrono::Utc>\"
           from appointments a join leads l on l.id = a.lead_id and l.consultant_id = a.consultant_id
          where a.id = $1 and a.lead_id = $2 and a.consultant_id = $3",
        appointment,
        lead,
        consultant
    )
    .fetch_optional(db)
    .await?;
    let Some(row) = row else {
        return Ok(0);
    };
    let name = display_name(row.name, row.profile_name);
    let notice = Notice {
        kind: Kind::Appointment,
        lead: Some(lead),
        dedupe_key: format!("remarcar:{message}"),
        title: format!("{name} pediu para remarcar"),
        body: format!(
            "O horário de {} não serve mais. Combine um novo pela conversa.",
            app::domain::time::format_datetime(row.starts_at)
        ),
        url: format!("/leads/{lead}"),
    };
    queue(sys, consultant, &notice).await
}
