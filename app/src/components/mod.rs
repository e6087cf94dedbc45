//! Reusable views, one per file.

mod app_shell;
pub mod chart_svg;
mod costs;
mod field;
mod follow_up_rules;
mod form_alert;
mod hydrated;
pub mod lead;
mod lead_card;
mod lead_filters;
mod lead_tabs_section;
mod loading;
mod move_form;
mod public_link;
mod raw_text;
mod redirect_to;
mod sessions_section;
mod slug_field;
mod step_editor;
mod template_preview;
mod two_factor_section;
mod upcoming;
mod waiting;

pub use app_shell::AppShell;
pub use costs::{LeadCost, MonthCostCard};
pub use field::{SelectField, TextField};
pub use follow_up_rules::FollowUpRules;
pub use form_alert::{error_view, FormAlert, FormErrors};
pub use hydrated::hydrated;
pub use lead_card::{question_label, LeadCardView};
pub use lead_filters::LeadFilters;
pub use lead_tabs_section::LeadTabsSection;
pub use loading::Loading;
pub use move_form::{remember_moves, MoveForm};
pub use public_link::PublicLinkTools;
pub use raw_text::{escape_text, idle_hydration_script, textarea_text, PageTitle};
pub use redirect_to::RedirectTo;
pub use sessions_section::SessionsSection;
pub use slug_field::SlugField;
#[cfg(feature = "hydrate")]
pub use step_editor::guard_leaving;
pub use step_editor::{flow_action_fields, StepEditor, StepPreviews, Unsaved};
pub use template_preview::TemplatePreview;
pub use two_factor_section::TwoFactorSection;
pub use upcoming::Upcoming;
pub use waiting::Waiting;
