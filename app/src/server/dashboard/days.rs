//! The per-day figures of `dashboard_days` (migration 0021), with the days changed since the
//! last refresh recomputed live (migration 0039): one read gives both periods' sums, the
//! daily series and this month's use.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// The per-day figures of `dashboard_days`, and their sums over a period: one list of
/// fields for the struct and its addition.
macro_rules! sums {
    ($($field:ident: $ty:ty),* $(,)?) => {
        #[derive(Debug, Default, Clone)]
        pub(super) struct Sums {
            /// Leads created per status, in kanban order.
            pub(super) status: [i64; 5],
            $(pub(super) $field: $ty,)*
        }

        impl Sums {
            pub(super) fn add(&mut self, d: &Sums) {
                for (total, n) in self.status.iter_mut().zip(d.status) {
                    *total += n;
                }
                $(self.$field += d.$field;)*
            }
        }
    };
}

sums! {
    leads: i64,
    from_page: i64,
    from_ad: i64,
    started: i64,
    completed: i64,
    completion_seconds: f64,
    ai_answers: i64,
    ai_tokens: i64,
    ai_latency_ms: i64,
    ai_latency_count: i64,
    replaced: i64,
}

/// One day of `dashboard_days`.
pub(super) struct DayRow {
    pub(super) day: NaiveDate,
    /// Leads moved to "fechado" that day (the daily chart's line).
    pub(super) closings: i64,
    pub(super) sums: Sums,
}

/// Each day from `first` to `last`: (day, leads created, moves to "fechado"); days without
/// a row are zeros.
pub(super) fn daily_series(
    rows: &[DayRow],
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<(NaiveDate, i64, i64)> {
    let mut daily = Vec::new();
    let mut in_period = rows.iter().filter(|r| r.day >= first).peekable();
    let mut day = first;
    while day <= last {
        match in_period.next_if(|r| r.day == day) {
            Some(r) => daily.push((day, r.sums.leads, r.closings)),
            None => daily.push((day, 0, 0)),
        }
        day = day.succ_opt().expect("a next day");
    }
    daily
}

/// Every per-day row from `from` to `last`, in one read by primary key: both periods' sums,
/// the daily series and this month's use all come from them.
pub(super) async fn days(
    db: &mut PgConnection,
    id: Uuid,
    from: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<DayRow>, sqlx::Error> {
    // Stored days, except those changed since the last refresh, which are recomputed live
    // (migration 0039): what the board shows now is what the figures count.
    let rows = sqlx::query!(
        r#"with live as materialized (select * from dashboard_live_days($1))
           select day as "day!: NaiveDate", leads_created as "leads_created!",
                  status_novo as "status_novo!", status_em_contato as "status_em_contato!",
                  status_agendado as "status_agendado!", status_fechado as "status_fechado!",
                  status_perdido as "status_perdido!", from_page as "from_page!",
                  from_ad as "from_ad!", closings as "closings!",
                  conversations_started as "conversations_started!",
                  conversations_completed as "conversations_completed!",
                  completion_seconds as "completion_seconds!", ai_answers as "ai_answers!",
                  ai_tokens as "ai_tokens!", ai_latency_ms as "ai_latency_ms!",
                  ai_latency_count as "ai_latency_count!",
                  compliance_replaced as "compliance_replaced!"
             from (select s.* from dashboard_days s
                    where s.consultant_id = $1 and s.day >= $2 and s.day <= $3
                      and not exists (select 1 from live where live.day = s.day)
                   union all
                   select * from live where day >= $2 and day <= $3) days
            order by day"#,
        id,
        from as _,
        last as _
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DayRow {
            day: r.day,
            closings: r.closings,
            sums: Sums {
                status: [
                    r.status_novo,
                    r.status_em_contato,
                    r.status_agendado,
                    r.status_fechado,
                    r.status_perdido,
                ],
                leads: r.leads_created,
                from_page: r.from_page,
                from_ad: r.from_ad,
                started: r.conversations_started,
                completed: r.conversations_completed,
                completion_seconds: r.completion_seconds,
                ai_answers: r.ai_answers,
                ai_tokens: r.ai_tokens,
                ai_latency_ms: r.ai_latency_ms,
                ai_latency_count: r.ai_latency_count,
                replaced: r.compliance_replaced,
            },
        })
        .collect())
}
