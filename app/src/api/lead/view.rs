//! What the lead page shows, as the server sends it.

use crate::api::leads::LeadCard;
use serde::{Deserialize, Serialize};

/// Messages loaded at a time, newest first.
pub const MESSAGE_PAGE: i64 = 30;

/// WhatsApp's customer-service window: free-form replies only this long after the lead's
/// last message.
pub const WINDOW_HOURS: i64 = 24;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: String,
    /// true: from the lead.
    pub inbound: bool,
    pub text: String,
    /// Buttons or list rows as the lead saw them.
    pub choices: Vec<String>,
    /// "pendente", "enviada", "entregue", "lida", "falhou" (outbound only).
    pub status: String,
    pub status_label: String,
    /// Meta's reason for a failure.
    pub error: Option<String>,
    pub at: String,
    /// An AI answer still being written ("escrevendo…").
    pub writing: bool,
    /// Who wrote it, for outbound: "Você", "Assistente", "Assistente (IA)".
    pub author: String,
    /// Compliance flags of an AI answer (empty: passed).
    pub flags: Vec<String>,
    pub replaced: bool,
    /// A private note of the consultant's, shown in the timeline (never sent).
    pub note: bool,
    /// A file the lead sent: a link to open it, or why it cannot be opened.
    pub media: Option<MediaLink>,
    /// Older than two years, kept in the archive.
    pub archived: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaLink {
    /// Where the file is served; `None` when it is not here.
    pub href: Option<String>,
    pub label: String,
    /// An audio: played in the page.
    pub audio: bool,
    /// For an audio, whether it was heard: "Transcrição automática", "Não transcrito: …",
    /// "Transcrevendo…".
    pub transcript: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub text: String,
    pub reason: Option<String>,
    pub at: String,
}

/// The reply box's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReplyWindow {
    /// Open: how long is left, e.g. "23 h 5 min".
    Open { left: String },
    /// Closed since this time (or the lead never wrote).
    Closed { since: Option<String> },
}

/// The lead's summary at the top of its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryView {
    pub text: String,
    /// Who wrote it and when ("Escrito pela IA a partir das respostas, em 07/12/2026 09:30").
    pub note: String,
}

/// The lead's temperature on its page, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemperatureView {
    pub code: String,
    pub label: String,
    pub points: i16,
    /// (what, "+2"), in the order they count.
    pub reasons: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadPageData {
    pub card: LeadCard,
    /// `None` until the lead is first scored.
    pub temperature: Option<TemperatureView>,
    /// Who this lead is, in one sentence; `None` before any answer.
    pub summary: Option<SummaryView>,
    /// The events sent (or queued) to Meta for the ad it came from: (event, state in words).
    pub conversions: Vec<(String, String)>,
    /// `wa.me` link digits.
    pub wa_digits: Option<String>,
    pub campaign: Option<String>,
    /// Question → answer label.
    pub answers: Vec<(String, String)>,
    /// Other metadata worth showing: (label, value).
    pub metadata: Vec<(String, String)>,
    pub history: Vec<HistoryEntry>,
    /// The timeline, oldest first: the newest page of messages with the private notes written
    /// in that time.
    pub messages: Vec<ChatMessage>,
    /// Cursor of older messages, when there are more.
    pub older: Option<String>,
    /// This page shows older messages (not the newest).
    pub paged_back: bool,
    /// The consultant took the conversation: the bot is quiet.
    pub handed_off: bool,
    /// When the lead opted out (wrote SAIR…), as São Paulo time: the bot is silent.
    pub opted_out_at: Option<String>,
    /// The name as stored (empty: none given), for the correction form.
    pub stored_name: String,
    /// The deal's value as its field shows it ("1.500,00"; empty: none).
    pub deal_value: String,
    /// The browser tab's title, as the consultant chose (Settings).
    pub tab_title: String,
    /// The answers the consultant may correct, in the flow's order.
    pub corrections: Vec<CorrectionField>,
    /// The lead is in "agendado": its page offers the appointment's form.
    pub agendado: bool,
    /// The active appointment, when there is one.
    pub appointment: Option<AppointmentView>,
    /// Reminders go by WhatsApp: the approved "lembrete_agendamento" template exists, and
    /// the second one leaves this many hours before (the first 24 h before).
    pub reminders: Option<i16>,
    pub window: ReplyWindow,
    /// For the poll: changes when anything shown changes.
    pub version: String,
    /// The identity of the reply and note forms as rendered now (a new one each rendering,
    /// and in the browser after each success): the same post twice creates one row.
    pub form_token: String,
    /// The same, for the attachment form (a file and a text are different posts).
    pub file_token: String,
    /// The consultant's file library (id, name), for the reply box's list.
    pub library: Vec<(String, String)>,
    /// Outside the window: the approved templates, their variables filled from this lead.
    pub templates: Vec<TemplateChoice>,
    /// The lead's scheduled messages (coming and past), and what a new one may use.
    pub scheduled: Vec<ScheduledItem>,
    /// Approved templates: (id, name), for a scheduled send outside the window.
    pub approved: Vec<(String, String)>,
    /// The schedule form's default time (`datetime-local`): tomorrow at 9h.
    pub schedule_default: String,
    /// When the window closes, if it is open ("dd/mm/aaaa hh:mm").
    pub window_closes: Option<String>,
    /// The lead's messages and their estimated cost.
    pub cost: crate::domain::pricing::CostSummary,
}

/// A scheduled message on the lead page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduledItem {
    pub id: String,
    pub when: String,
    /// "Texto: …" or "Modelo retomar_conversa", and "acompanhamento automático" for a rule's.
    pub what: String,
    pub status: String,
    pub status_label: String,
    pub outcome: Option<String>,
    pub can_cancel: bool,
}

/// An approved template offered on the lead page, ready to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateChoice {
    pub id: String,
    pub name: String,
    pub category: String,
    /// Per variable of the body: (what it is, its value for this lead).
    pub variables: Vec<(String, String)>,
    /// The header's variable, when it has one.
    pub header: Option<(String, String)>,
    /// The link button's `{{1}}` (the end of its address), when it has one.
    pub link: Option<(String, String)>,
    pub preview: crate::api::templates::Preview,
    /// The body and header as written, with their `{{n}}`: the preview follows the values as
    /// they are edited.
    pub body: String,
    pub header_text: Option<String>,
}

/// One stored answer in the correction form: free text, or one of the step's options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorrectionField {
    pub step: String,
    pub question: String,
    pub value: String,
    /// (value, label) of a multiple-choice step; empty for free text.
    pub options: Vec<(String, String)>,
}

/// The lead's active appointment as its page shows it and fills its form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppointmentView {
    /// "Agendado para qui., 10/12 às 14:30 · Local: …".
    pub summary: String,
    /// The form's values, São Paulo: "2026-12-10", "14:30".
    pub date: String,
    pub time: String,
    pub place: String,
    pub link: String,
    /// Google Agenda's "new event" page, filled in.
    pub google_href: String,
    /// The lead's answer to a reminder: "Confirmado", "Pediu para remarcar".
    pub answer: Option<String>,
}
