//! One lead: its header, answers, status history, notes and conversation; replies, taking
//! over from the bot and handing back, notes, and the page's light poll.

mod actions;
#[cfg(feature = "ssr")]
mod insights;
mod page;
#[cfg(feature = "ssr")]
mod timeline;
mod view;

pub use actions::*;
pub use page::*;
pub use view::*;
