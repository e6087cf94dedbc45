//! The consultant's settings for the leads pages: how a lead page names its browser tab, and
//! after how many quiet days a card is "parado". In the caller's tenant transaction.

use crate::server::db::TenantTx;

/// Whether the consultant's lead pages name their tab by the lead's first name (otherwise by
/// the final digits of its number).
pub async fn tabs_by_name(t: &mut TenantTx) -> Result<bool, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        r#"select lead_tab_title = 'nome' as "by_name!" from consultants where id = $1"#,
        consultant
    )
    .fetch_optional(db)
    .await
    .map(|found| found.unwrap_or(false))
}

pub async fn set_tabs_by_name(t: &mut TenantTx, by_name: bool) -> Result<(), sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query!(
        "update consultants set lead_tab_title = case when $2 then 'nome' else 'numero' end where id = $1",
        consultant,
        by_name
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Days without activity after which a card is marked "parado".
pub async fn stale_after_days(t: &mut TenantTx) -> Result<i16, sqlx::Error> {
    let (db, consultant) = t.split();
    sqlx::query_scalar!(
        "select stale_after_days from consultants where id = $1",
        consultant
    )
    .fetch_optional(db)
    .await
    .map(|d| d.unwrap_or(3))
}
