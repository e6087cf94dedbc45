//! Pure domain types: values that refuse bad input at construction, so the rest of the code
//! can rely on them. No I/O here; everything compiles for the browser too.

pub mod ai;
pub mod appointment;
pub mod attribution;
pub mod bio;
pub mod calendar;
pub mod chart;
pub mod consent;
pub mod cpf;
pub mod cursor;
pub mod dashboard;
pub mod deal_value;
pub mod device;
pub mod email;
pub mod flow;
pub mod lead_answers;
pub mod lead_filter;
pub mod lead_status;
pub mod password;
pub mod percent;
pub mod period;
pub mod person_name;
pub mod phone;
pub mod plan;
pub mod registration;
pub mod simulator;
pub mod slug;
pub mod text;
pub mod time;
pub mod turn;
pub mod validators;
pub mod vertical;

pub use bio::Bio;
pub use cpf::Cpf;
pub use email::Email;
pub use lead_status::LeadStatus;
pub use password::Password;
pub use person_name::PersonName;
pub use phone::PhoneBr;
pub use registration::RegistrationNumber;
pub use slug::Slug;
pub use vertical::Vertical;
