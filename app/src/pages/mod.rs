//! One routed page per file.

mod account_closed_page;
mod dashboard_page;
mod flow_editor_page;
mod flows_page;
mod forgot_password_page;
mod home_page;
mod lead_data_page;
mod lead_page;
mod leads_page;
mod login_code_page;
mod login_page;
mod not_found_page;
mod privacy_page;
mod public_profile_page;
mod reset_password_page;
mod settings_page;
mod signup_page;
mod templates_page;

pub use account_closed_page::AccountClosedPage;
pub use dashboard_page::DashboardPage;
pub use flow_editor_page::FlowEditorPage;
pub use flows_page::FlowsPage;
pub use forgot_password_page::ForgotPasswordPage;
pub use home_page::HomePage;
pub use lead_data_page::LeadDataPage;
pub use lead_page::LeadPage;
pub use leads_page::LeadsPage;
pub use login_code_page::LoginCodePage;
pub use login_page::LoginPage;
pub use not_found_page::NotFoundPage;
pub use privacy_page::PrivacyPage;
pub use public_profile_page::PublicProfilePage;
pub use reset_password_page::ResetPasswordPage;
pub use settings_page::SettingsPage;
pub use signup_page::SignupPage;
pub use templates_page::TemplatesPage;
