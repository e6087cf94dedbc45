//! The dashboard's queries, in the caller's tenant transaction. Period sums read the
//! per-day tables of migration 0021 (at most ~180 rows of one consultant, by primary key);
//! the two medians are read live (`idx_conversations_consultant_started`, index only; and the
//! consultant's own replies by `idx_messages_consultant_replies`).

use crate::domain::dashboard::{
    Compared, DashboardData, Figures, GettingStarted, PlanUsage, RecentLead,
};
use crate::domain::lead_filter::Source;
use crate::domain::period::Period;
use crate::domain::plan::{monthly_limit, plan_label};
use crate::domain::LeadStatus;
use crate::server::db::TenantTx;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;
use sqlx::PgConnection;
use uuid::Uuid;

mod ads;
mod days;
mod flow;
mod waiting;

use days::{daily_series, days, Sums};
use flow::{flow_figures, FlowFigures};

/// When a São Paulo day starts, as an instant.
pub fn day_start(d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).expect("midnight");
    Sao_Paulo
        .from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // São Paulo has had no DST since 2019; a gap at midnight was an old DST start.
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

pub async fn load(
    t: &mut TenantTx,
    period: Period,
    today: NaiveDate,
    public_url: &str,
    prices: &crate::domain::pricing::PriceTable,
) -> Result<DashboardData, sqlx::Error> {
    // The live flow: its steps' reach and its first question's answers (read below).
    let flow = super::leads::current_flow(t).await?;
    let month_start = crate::domain::schedule::day_start(chrono::TimeZone::from_utc_datetime(
        &Utc,
        &today
            .with_day0(0)
            .unwrap_or(today)
            .and_hms_opt(12, 0, 0)
            .unwrap_or_default(),
    ));
    let month_messages = super::costs::since(t, month_start).await?;
    let (db, id) = t.split();
    let me = sqlx::query!(
        r#"select name, slug, whatsapp_number, coalesce(subscription_tier, 'free') as "tier!",
                  coalesce(subscription_expires_at > now(), true) as "current!",
                  -- Not `exists`: expecting many rows, the planner would scan the table
                  -- for the first one; this walks idx_leads_consultant_created.
                  (select created_at from leads where consultant_id = $1
                    order by created_at limit 1) is not null as "has_leads!"
             from consultants where id = $1"#,
        id
    )
    .fetch_one(&mut *db)
    .await?;
    let (first, last) = period.range(today);
    let (before_first, _) = period.previous(today);
    let month_first = today.with_day0(0).unwrap_or(today);
    let rows = days(db, id, before_first.min(month_first), last).await?;
    let (mut now, mut before) = (Sums::default(), Sums::default());
    for r in &rows {
        if r.day >= first {
            now.add(&r.sums);
        } else if r.day >= before_first {
            before.add(&r.sums);
        }
    }
    let used: i64 = rows
        .iter()
        .filter(|r| r.day >= month_first)
        .map(|r| r.sums.leads)
        .sum();
    let daily = daily_series(&rows, first, last);

    let (median_completion, median_first_reply) =
        medians(db, id, before_first, first, last).await?;

    let flow = match flow {
        Some((flow_id, definition)) => {
            flow_figures(db, id, flow_id, definition, first, last).await?
        }
        None => FlowFigures::default(),
    };

    let updated_at = sqlx::query_scalar!(
        r#"select refreshed_at as "at: DateTime<Utc>" from metrics_refreshes where name = 'dashboard'"#
    )
    .fetch_optional(&mut *db)
    .await?
    .map(|t| t.with_timezone(&Sao_Paulo).format("%H:%M").to_string());
    let recent = recent_leads(db, id).await?;
    let (waiting, waiting_count) = waiting::waiting_leads(db, id, Utc::now()).await?;
    let upcoming = upcoming_appointments(db, id, Utc::now()).await?;
    let ads = ads::ad_rows(
        db,
        id,
        day_start(first),
        day_start(last.succ_opt().unwrap_or(last)),
    )
    .await?;

    let rate = |part: i64, whole: i64| (whole > 0).then(|| part as f64 * 100.0 / whole as f64);
    let avg = |total: f64, n: i64| (n > 0).then(|| total / n as f64);
    let figures = Figures {
        leads_created: Compared::counts(now.leads, before.leads),
        conversations_started: Compared::counts(now.started, before.started),
        conversations_completed: Compared::counts(now.completed, before.completed),
        completion_rate: Compared {
            now: rate(now.completed, now.started),
            before: rate(before.completed, before.started),
        },
        conversion_rate: Compared {
            now: rate(now.status[3], now.leads),
            before: rate(before.status[3], before.leads),
        },
        avg_completion: Compared {
            now: avg(now.completion_seconds, now.completed),
            before: avg(before.completion_seconds, before.completed),
        },
        median_completion,
        median_first_reply,
        ai_answers: Compared::counts(now.ai_answers, before.ai_answers),
        ai_tokens: Compared::counts(now.ai_tokens, before.ai_tokens),
        ai_latency: Compared {
            now: avg(now.ai_latency_ms as f64, now.ai_latency_count),
            before: avg(before.ai_latency_ms as f64, before.ai_latency_count),
        },
        compliance_replaced: Compared::counts(now.replaced, before.replaced),
    };
    let direct = now.leads - now.from_page - now.from_ad;
    Ok(DashboardData {
        public_link: format!("{}/c/{}", public_url.trim_end_matches('/'), me.slug),
        start: (!me.has_leads).then(|| GettingStarted {
            whatsapp: crate::domain::phone::display_stored(&me.whatsapp_number),
            flow_name: flow.name.clone().unwrap_or_default(),
        }),
        name: me.name,
        period: period.as_str().into(),
        range_label: format!("{} a {}", first.format("%d/%m"), last.format("%d/%m")),
        figures,
        by_status: LeadStatus::ALL
            .iter()
            .zip(now.status)
            .map(|(s, n)| (s.label().to_string(), n))
            .collect(),
        daily,
        flow_name: flow.name,
        steps: flow.steps,
        other_flows: flow.other_flows,
        sources: vec![
            (Source::PublicPage.label().into(), now.from_page),
            (Source::Ad.label().into(), now.from_ad),
            (Source::Direct.label().into(), direct),
        ],
        first_question: flow.first_question,
        plan: PlanUsage {
            plan: plan_label(&me.tier, me.current).into(),
            used,
            limit: monthly_limit(&me.tier, me.current),
        },
        updated_at,
        recent,
        waiting,
        waiting_count,
        upcoming,
        ads,
        costs: {
            let closed: i64 = rows
                .iter()
                .filter(|r| r.day >= month_first)
                .map(|r| r.closings)
                .sum();
            let summary = crate::domain::pricing::summarize(&month_messages, prices);
            crate::domain::dashboard::MonthCosts {
                per_deal: (closed > 0).then(|| {
                    crate::domain::pricing::format_brl(summary.total_ten_thousandths / closed)
                }),
                closed,
                source: if *prices == crate::domain::pricing::PriceTable::BRAZIL {
                    format!(
                        "tabela da Meta para o Brasil de {}",
                        crate::domain::pricing::SOURCE_DATE
                    )
                } else {
                    "preços configurados neste servidor".into()
                },
                summary,
            }
        },
    })
}

/// How many appointments the dashboard lists.
const UPCOMING_SHOWN: i64 = 10;

/// The next appointments, soonest first: from an hour ago on (one going on now is still
/// "next"), only active ones, so neither a cancelled one nor one of a lead that left
/// "agendado" (`appointments::close_on_leaving`).
async fn upcoming_appointments(
    db: &mut PgConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<crate::domain::dashboard::UpcomingAppointment>, sqlx::Error> {
    use crate::domain::appointment::describe_when;
    let rows =
        super::appointments::upcoming(db, id, now - chrono::Duration::hours(1), UPCOMING_SHOWN)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::domain::dashboard::UpcomingAppointment {
            lead_id: r.lead_id.to_string(),
            name: crate::domain::person_name::display_name(r.name, r.profile_name),
            when: describe_when(r.starts_at, now),
            answer: crate::domain::appointment::answer_label(r.lead_answer.as_deref())
                .map(str::to_string),
            where_: match (r.place, r.video) {
                (Some(p), true) => format!("Local: {p} · Videochamada"),
                (Some(p), false) => format!("Local: {p}"),
                (None, true) => "Videochamada".into(),
                (None, false) => String::new(),
            },
        })
        .collect())
}

/// The two medians, for the period (`first` to `last`) and the one before (from
/// `before_first`), read live from the indexes: minutes to complete a conversation, and to the
/// consultant's first reply.
async fn medians(
    db: &mut PgConnection,
    id: Uuid,
    before_first: NaiveDate,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<(Compared, Compared), sqlx::Error> {
    let (from, until, split) = (
        day_start(before_first),
        day_start(last.succ_opt().expect("a next day")),
        day_start(first),
    );
    let completion = sqlx::query!(
        r#"select started_at >= $3 as "now!",
                  percentile_cont(0.5) within group
                      (order by extract(epoch from completed_at - started_at)) as "median"
             from conversations
            where consultant_id = $1 and started_at >= $2 and started_at < $4
              and is_completed and completed_at >= started_at
            group by 1"#,
        id,
        from as _,
        split as _,
        until as _
    )
    .fetch_all(&mut *db)
    .await?;
    let first_reply = sqlx::query!(
        r#"select cv.started_at >= $3 as "now!",
                  percentile_cont(0.5) within group
                      (order by extract(epoch from r.first_reply - cv.started_at)) as "median"
             from (select conversation_id, min(created_at) as first_reply
                     from messages
                    where consultant_id = $1 and payload->>'by' = 'consultant' and created_at >= $2
                    group by conversation_id) r
             join conversations cv on cv.id = r.conversation_id
            where cv.consultant_id = $1 and cv.started_at >= $2 and cv.started_at < $4
              and r.first_reply >= cv.started_at
            group by 1"#,
        id,
        from as _,
        split as _,
        until as _
    )
    .fetch_all(&mut *db)
    .await?;
    let median = |rows: Vec<(bool, Option<f64>)>| Compared {
        now: rows.iter().find(|r| r.0).and_then(|r| r.1),
        before: rows.iter().find(|r| !r.0).and_then(|r| r.1),
    };
    Ok((
        median(completion.into_iter().map(|r| (r.now, r.median)).collect()),
        median(first_reply.into_iter().map(|r| (r.now, r.median)).collect()),
    ))
}

async fn recent_leads(db: &mut PgConnection, id: Uuid) -> Result<Vec<RecentLead>, sqlx::Error> {
    use crate::domain::phone::display_lead;
    use crate::domain::time::format_datetime;
    // The order of idx_leads_consultant_activity: five rows read from the index, not sorted
    // out of every lead.
    let rows = sqlx::query!(
        r#"select id, name, profile_name, whatsapp_number, status as "status!",
                  last_interaction_at as "last_interaction_at!: DateTime<Utc>"
             from leads where consultant_id = $1
            order by last_interaction_at desc, id desc limit 5"#,
        id
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|l| {
            let s = LeadStatus::parse(&l.status).unwrap_or(LeadStatus::Novo);
            RecentLead {
                id: l.id.to_string(),
                name: crate::domain::person_name::display_name(l.name, l.profile_name),
                whatsapp: display_lead(l.whatsapp_number.as_deref()),
                status: s.as_str().into(),
                status_label: s.label().into(),
                last_interaction: format_datetime(l.last_interaction_at),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sao_paulo_days_start_at_three_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(day_start(d).to_rfc3339(), "2026-11-25T03:00:00+00:00");
    }
}
