//! Row-level security is the wall between consultants: these tests try to climb it.

mod rows;

use super::helpers::{fresh_db, insert_consultant};
use app::server::db::tenant_tx;
use rows::{insert_for_a, key_column, row_count, row_json, seed_tenant, update_sql};
use sqlx::PgPool;

/// Every table that holds one consultant's data.
pub(super) const TENANT_TABLES: &[&str] = &[
    "consultants",
    "leads",
    "flows",
    "conversations",
    "messages",
    "ai_responses",
    "generated_images",
    "consultant_photos",
    "lead_status_history",
    "lead_notes",
    "message_templates",
    "follow_up_rules",
    "scheduled_messages",
    "appointments",
    "push_subscriptions",
    "push_messages",
    "conversion_events",
    "consultant_files",
    "comparison_offers",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_tenant_table_has_forced_rls_and_the_app_role_cannot_bypass_it() {
    let pool = fresh_db().await;
    for table in TENANT_TABLES {
        let (enabled, forced): (bool, bool) = sqlx::query_as(
            "select relrowsecurity, relforcerowsecurity from pg_class
             where relname = $1 and relnamespace = 'public'::regnamespace",
        )
        .bind(table)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            enabled && forced,
            "{table}: rls enabled={enabled} forced={forced}"
        );
    }
    let (superuser, bypass, login): (bool, bool, bool) = sqlx::query_as(
        "select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = 'consultor_app'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!superuser && !bypass && !login);
    let owned: i64 = sqlx::query_scalar(
        "select count(*) from pg_class where relowner = 'consultor_app'::regrole",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(owned, 0, "consultor_app must own no table");

    // Inside the tenant helper the effective role really is consultor_app.
    let id = insert_consultant(&pool, "a@exemplo.com", "Ana").await;
    let mut tx = tenant_tx(&pool, id).await.unwrap();
    let role: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(role, "consultor_app");
    tx.rollback().await.unwrap();
    // ...and the setting does not outlive the transaction on the pooled connection.
    let mut conn = pool.acquire().await.unwrap();
    let leaked: Option<String> =
        sqlx::query_scalar("select nullif(current_setting('app.consultant_id', true), '')")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(leaked, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consultant_b_can_neither_see_nor_touch_consultant_a_rows() {
    let pool = fresh_db().await;
    b_can_neither_see_nor_touch_a(&pool, &pool).await;
}

/// Rows seeded and checked on `pool`; every tenant transaction opened on `app` (the same
/// pool, or one through PgBouncer: `tests::pooler`).
pub async fn b_can_neither_see_nor_touch_a(pool: &PgPool, app: &PgPool) {
    let a = insert_consultant(pool, "a@exemplo.com", "Ana").await;
    let b = insert_consultant(pool, "b@exemplo.com", "Bia").await;
    let rows = seed_tenant(pool, a).await;
    let mut snapshot = Vec::new();
    for (table, id) in &rows {
        snapshot.push(row_json(pool, table, *id).await);
    }
    let counts_before: Vec<i64> = {
        let mut v = Vec::new();
        for t in TENANT_TABLES {
            v.push(row_count(pool, t).await);
        }
        v
    };

    for (table, id) in &rows {
        let key = key_column(table);
        // A sees the row: proves the queries below could find it if RLS allowed.
        let mut tx = tenant_tx(app, a).await.unwrap();
        let seen_by_a: i64 =
            sqlx::query_scalar(&format!("select count(*) from {table} where {key} = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        assert_eq!(seen_by_a, 1, "A must see its own {table} row");
        tx.rollback().await.unwrap();

        // SELECT as B.
        let mut tx = tenant_tx(app, b).await.unwrap();
        let seen: i64 =
            sqlx::query_scalar(&format!("select count(*) from {table} where {key} = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .unwrap();
        assert_eq!(seen, 0, "B sees A's {table} row");
        tx.rollback().await.unwrap();

        // UPDATE as B: either refused outright or zero rows; committed to prove nothing stuck.
        let mut tx = tenant_tx(app, b).await.unwrap();
        match sqlx::query(&update_sql(table))
            .bind(id)
            .execute(&mut *tx)
            .await
        {
            Ok(r) => {
                assert_eq!(r.rows_affected(), 0, "B updated A's {table} row");
                tx.commit().await.unwrap();
            }
            Err(_) => tx.rollback().await.unwrap(),
        }

        // DELETE as B.
        let mut tx = tenant_tx(app, b).await.unwrap();
        match sqlx::query(&format!("delete from {table} where {key} = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await
        {
            Ok(r) => {
                assert_eq!(r.rows_affected(), 0, "B deleted A's {table} row");
                tx.commit().await.unwrap();
            }
            Err(_) => tx.rollback().await.unwrap(),
        }

        // INSERT a row for A, as B: must be refused.
        let (sql, bind) = insert_for_a(table, &rows);
        let mut tx = tenant_tx(app, b).await.unwrap();
        let inserted = sqlx::query(&sql).bind(bind).execute(&mut *tx).await;
        assert!(inserted.is_err(), "B inserted a {table} row for A");
        tx.rollback().await.unwrap();
    }

    // Nothing of A's changed, and no row was added anywhere.
    for ((table, id), before) in rows.iter().zip(&snapshot) {
        assert_eq!(
            &row_json(pool, table, *id).await,
            before,
            "{table} row changed"
        );
    }
    for (t, before) in TENANT_TABLES.iter().zip(&counts_before) {
        assert_eq!(row_count(pool, t).await, *before, "{t} row count changed");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_consultant_set_nothing_is_visible() {
    let pool = fresh_db().await;
    nothing_is_visible_without_a_consultant(&pool, &pool).await;
}

/// Seeded on `pool`; read on `app` as the application role with no consultant set.
pub async fn nothing_is_visible_without_a_consultant(pool: &PgPool, app: &PgPool) {
    let a = insert_consultant(pool, "a@exemplo.com", "Ana").await;
    seed_tenant(pool, a).await;
    let mut tx = app.begin().await.unwrap();
    sqlx::query("set local role consultor_app")
        .execute(&mut *tx)
        .await
        .unwrap();
    for table in TENANT_TABLES {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table} t where not coalesce((to_jsonb(t)->>'is_template')::boolean, false)"))
            .fetch_one(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("{table}: {e}"));
        assert_eq!(n, 0, "{table} visible with no consultant");
    }
    let n: i64 = sqlx::query_scalar("select count(*) from my_consultant_metrics")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(n, 0);
    tx.rollback().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_are_shared_read_only_and_system_tables_are_closed() {
    let pool = fresh_db().await;
    let b = insert_consultant(&pool, "b@exemplo.com", "Bia").await;
    let mut tx = tenant_tx(&pool, b).await.unwrap();
    let templates: i64 = sqlx::query_scalar("select count(*) from flows where is_template")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(templates, 4, "one template per vertical");
    let changed = sqlx::query("update flows set name = 'meu' where is_template")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 0);
    tx.rollback().await.unwrap();

    for sql in [
        "select count(*) from audit_logs",
        "select count(*) from webhook_events",
        "select count(*) from consultant_metrics",
        "select count(*) from daily_lead_stats",
        "select count(*) from send_claims",
        "select count(*) from early_statuses",
        "select count(*) from login_attempts",
    ] {
        let mut tx = tenant_tx(&pool, b).await.unwrap();
        let r: Result<i64, _> = sqlx::query_scalar(sql).fetch_one(&mut *tx).await;
        assert!(r.is_err(), "consultor_app could run: {sql}");
        tx.rollback().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_role_writes_only_what_the_ui_edits() {
    let pool = fresh_db().await;
    let a = insert_consultant(&pool, "a@exemplo.com", "Ana").await;
    let b = insert_consultant(&pool, "b@exemplo.com", "Bia").await;
    let rows = seed_tenant(&pool, a).await;
    let a_message = rows.iter().find(|(t, _)| *t == "messages").unwrap().1;
    let denied = |e: sqlx::Error| {
        e.as_database_error()
            .and_then(|d| d.code())
            .is_some_and(|c| c == "42501")
    };
    // Own row, but not a column the settings page edits.
    for set in [
        "subscription_tier = 'agency'",
        "is_active = true",
        "password_hash = 'x'",
        "email = 'outro@exemplo.com'",
    ] {
        let mut tx = tenant_tx(&pool, a).await.unwrap();
        let err = sqlx::query(&format!("update consultants set {set} where id = $1"))
            .bind(a)
            .execute(&mut *tx)
            .await
            .unwrap_err();
        assert!(denied(err), "{set}");
    }
    let mut tx = tenant_tx(&pool, a).await.unwrap();
    sqlx::query("update consultants set name = 'Ana Souza', bio = 'oi' where id = $1")
        .bind(a)
        .execute(&mut *tx)
        .await
        .expect("what the settings page edits");
    tx.rollback().await.unwrap();

    // B's own conversation, but a reply_to into A's, or a WhatsApp id: refused.
    let b_rows = seed_tenant(&pool, b).await;
    let b_conversation = b_rows
        .iter()
        .find(|(t, _)| *t == "conversations")
        .unwrap()
        .1;
    for (column, value) in [
        ("reply_to", format!("'{a_message}'")),
        ("whatsapp_message_id", "'wamid.A'".to_string()),
    ] {
        let mut tx = tenant_tx(&pool, b).await.unwrap();
        let err = sqlx::query(&format!(
            "insert into messages (consultant_id, conversation_id, direction, content, {column})
             values ($1, $2, 'outbound', 'x', {value})"
        ))
        .bind(b)
        .bind(b_conversation)
        .execute(&mut *tx)
        .await
        .unwrap_err();
        assert!(denied(err), "{column}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_account_gets_no_tenant_transaction() {
    let pool = fresh_db().await;
    let a = insert_consultant(&pool, "a@exemplo.com", "Ana").await;
    tenant_tx(&pool, a).await.expect("active");
    sqlx::query("update consultants set is_active = false where id = $1")
        .bind(a)
        .execute(&pool)
        .await
        .unwrap();
    let err = tenant_tx(&pool, a).await.unwrap_err();
    assert!(app::server::db::is_inactive_account(&err), "{err}");
    let err = tenant_tx(&pool, uuid::Uuid::new_v4()).await.unwrap_err();
    assert!(
        app::server::db::is_inactive_account(&err),
        "an unknown id too"
    );
}

/// The board counts and lists in separate statements: in a snapshot transaction a lead that
/// arrives between them shows in neither, so a column never says "1" above two cards. It is
/// also read-only, so a page read through it cannot write by mistake.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_transaction_sees_one_moment_and_writes_nothing() {
    let pool = fresh_db().await;
    let a = insert_consultant(&pool, "a@exemplo.com", "Ana").await;
    let new_lead = |number: &'static str| {
        sqlx::query("insert into leads (consultant_id, whatsapp_number) values ($1, $2)")
            .bind(a)
            .bind(number)
    };
    new_lead("+5511900000001").execute(&pool).await.unwrap();
    let count = "select count(*) from leads";

    let mut snap = app::server::db::TenantTx::begin_snapshot(&pool, a)
        .await
        .unwrap();
    let before: i64 = sqlx::query_scalar(count)
        .fetch_one(&mut *snap)
        .await
        .unwrap();
    new_lead("+5511900000002").execute(&pool).await.unwrap();
    let after: i64 = sqlx::query_scalar(count)
        .fetch_one(&mut *snap)
        .await
        .unwrap();
    assert_eq!(
        (before, after),
        (1, 1),
        "one moment for the whole transaction"
    );
    let write = new_lead("+5511900000003")
        .execute(&mut *snap)
        .await
        .unwrap_err();
    assert_eq!(
        write.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("25006"),
        "read only: {write}"
    );
    drop(snap);

    // The ordinary tenant transaction sees each statement's own moment (and the new lead).
    let mut tx = tenant_tx(&pool, a).await.unwrap();
    let now: i64 = sqlx::query_scalar(count).fetch_one(&mut *tx).await.unwrap();
    assert_eq!(now, 2);
}
