//! How a lead's page names its browser tab: by the final digits of the lead's number (the
//! default, for screens others see) or by the lead's first name, as the consultant chooses in
//! Settings.

use crate::error::AppError;
use leptos::prelude::*;

/// The consultant's choice: `true` names tabs by the lead's first name.
#[server(prefix = "/api", endpoint = "abas-dos-leads")]
pub async fn lead_tabs_by_name() -> Result<bool, AppError> {
    use crate::server::{leads, Tenant};
    let mut t = Tenant::begin().await?;
    let by_name = leads::tabs_by_name(&mut t.tx).await?;
    t.commit().await?;
    Ok(by_name)
}

#[server(prefix = "/api", endpoint = "mudar-abas-dos-leads")]
pub async fn set_lead_tabs(csrf: String, abas: String) -> Result<(), AppError> {
    let result = async {
        use crate::server::{leads, Tenant};
        let by_name = match abas.as_str() {
            "nome" => true,
            "numero" => false,
            _ => {
                return Err(AppError::invalid(
                    "Escolha como as abas dos leads aparecem.",
                ))
            }
        };
        let mut t = Tenant::begin_with_csrf(&csrf).await?;
        leads::set_tabs_by_name(&mut t.tx, by_name).await?;
        t.audit(
            "settings_updated",
            "consultant",
            None,
            serde_json::json!({ "campos": ["abas_dos_leads"] }),
        )
        .await?;
        t.commit().await?;
        Ok(())
    }
    .await;
    let values = vec![("abas", abas)];
    crate::server::flash::remember_at("abas", "abas", values, "Preferência salva.", result).await
}

/// A lead page's tab title: "Márcia · Lead | Consultor", or "Lead …4321 | Consultor".
pub fn tab_title(by_name: bool, display_name: &str, number: Option<&str>) -> String {
    let first: String = crate::domain::person_name::first_name(display_name)
        .chars()
        .take(30)
        .collect();
    if by_name && !first.trim().is_empty() {
        return format!("{first} · Lead | Consultor");
    }
    let digits: String = number
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if digits.len() >= 4 {
        format!("Lead …{} | Consultor", &digits[digits.len() - 4..])
    } else {
        "Lead | Consultor".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::tab_title;

    #[test]
    fn tabs_tell_leads_apart_as_the_consultant_chose() {
        assert_eq!(
            tab_title(true, "Márcia Souza", Some("+5511987654321")),
            "Márcia · Lead | Consultor"
        );
        assert_eq!(
            tab_title(false, "Márcia Souza", Some("+5511987654321")),
            "Lead …4321 | Consultor"
        );
        assert_eq!(tab_title(false, "Márcia", None), "Lead | Consultor");
        assert_eq!(
            tab_title(true, "", Some("5511987654321")),
            "Lead …4321 | Consultor"
        );
    }
}
