//! The lead page's parts.

mod appointment_section;
mod attach_box;
mod chat;
mod chat_bubble;
mod lead_notes;
mod reply_box;
mod schedule_box;
mod submission;
mod template_picker;

pub use appointment_section::AppointmentSection;
pub use attach_box::AttachBox;
pub use chat::Chat;
pub use chat_bubble::ChatBubble;
pub use lead_notes::LeadNotes;
pub use reply_box::ReplyBox;
pub use schedule_box::ScheduleBox;
pub use template_picker::TemplatePicker;
