//! The dashboard's queries, in the caller's tenant transaction. Period sums read the
//! per-day tables of migration 0021 (at most ~180 rows of one consultant, by primary key);
//! the two medians are read live (`idx_conversations_consultant_started`, index only; and the
//! consultant's own replies by `idx_messages_consultant_replies`).

use crate::domain::dashboard::{
    Compared, DashboardData, Figures, GettingStarted, PlanUsage, RecentLead, StepRow,
};
use crate::domain::flow::{FlowDefinition, StepKind};
use crate::domain::lead_filter::Source;
use crate::domain::period::Period;
use crate::domain::plan::{monthly_limit, plan_label};
use crate::domain::LeadStatus;
use crate::server::db::TenantTx;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::America::Sao_Paulo;
use sqlx::PgConnection;
use uuid::Uuid;

/// The sums of one period.
#[derive(Debug, Default, Clone)]
struct Sums {
    leads: i64,
    status: [i64; 5],
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
) -> Result<DashboardData, sqlx::Error> {
    // The live flow: its steps' reach and its first question's answers (read below).
    let flow = super::leads::current_flow(t).await?;
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
            now.add(r);
        } else if r.day >= before_first {
            before.add(r);
        }
    }
    let used: i64 = rows
        .iter()
        .filter(|r| r.day >= month_first)
        .map(|r| r.leads)
        .sum();
    let daily = daily_series(&rows, first, last);

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
    let median_completion = median(completion.into_iter().map(|r| (r.now, r.median)).collect());
    let median_first_reply = median(first_reply.into_iter().map(|r| (r.now, r.median)).collect());

    // The live flow (read above).
    let (mut flow_name, mut steps, mut other_flows, mut first_question) =
        (None, Vec::new(), false, None);
    if let Some((flow_id, definition)) = flow {
        let def: Option<FlowDefinition> = serde_json::from_value(definition).ok();
        flow_name = sqlx::query_scalar!("select name from flows where id = $1", flow_id)
            .fetch_optional(&mut *db)
            .await?;
        let reach = sqlx::query!(
            r#"select step as "step!", sum(reached)::bigint as "reached!",
                      sum(stopped)::bigint as "stopped!"
                 from dashboard_step_days
                where consultant_id = $1 and day >= $2 and day <= $3 and flow_id = $4
                group by step"#,
            id,
            first as _,
            last as _,
            flow_id as _
        )
        .fetch_all(&mut *db)
        .await?;
        other_flows = sqlx::query_scalar!(
            r#"select exists (select 1 from dashboard_step_days
                               where consultant_id = $1 and day >= $2 and day <= $3
                                 and flow_id <> $4) as "other!""#,
            id,
            first as _,
            last as _,
            flow_id as _
        )
        .fetch_one(&mut *db)
        .await?;
        let mut reach: Vec<(String, i64, i64)> = reach
            .into_iter()
            .map(|r| (r.step, r.reached, r.stopped))
            .collect();
        if let Some(def) = &def {
            // The flow's questions in order, then any step the flow no longer has.
            for s in def.etapas.iter().filter(|s| s.tipo != StepKind::Mensagem) {
                let (reached, stopped) = reach
                    .iter()
                    .position(|r| r.0 == s.id)
                    .map(|i| {
                        let r = reach.remove(i);
                        (r.1, r.2)
                    })
                    .unwrap_or((0, 0));
                steps.push(StepRow {
                    label: step_label(&s.pergunta, s.tipo),
                    reached,
                    stopped,
                });
            }
            let answers = sqlx::query!(
                r#"select answer as "answer!", sum(n)::bigint as "n!"
                     from dashboard_answer_days
                    where consultant_id = $1 and day >= $2 and day <= $3 and flow_id = $4
                    group by answer order by 2 desc, 1"#,
                id,
                first as _,
                last as _,
                flow_id as _
            )
            .fetch_all(&mut *db)
            .await?;
            if let Some(question) = def.etapas.iter().find(|s| s.tipo == StepKind::Escolha) {
                let label_of = |v: &str| {
                    question
                        .opcoes
                        .iter()
                        .find(|o| o.valor == v)
                        .map(|o| o.rotulo.clone())
                        .unwrap_or_else(|| v.to_string())
                };
                first_question = Some((
                    step_label(&question.pergunta, StepKind::Escolha),
                    answers
                        .into_iter()
                        .map(|a| (label_of(&a.answer), a.n))
                        .collect(),
                ));
            }
        }
        for (step, reached, stopped) in reach {
            steps.push(StepRow {
                label: format!("Etapa removida ({step})"),
                reached,
                stopped,
            });
        }
    }

    let updated_at = sqlx::query_scalar!(
        r#"select refreshed_at as "at: DateTime<Utc>" from metrics_refreshes where name = 'dashboard'"#
    )
    .fetch_optional(&mut *db)
    .await?
    .map(|t| t.with_timezone(&Sao_Paulo).format("%H:%M").to_string());
    let recent = recent_leads(db, id).await?;

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
        start: (!me.has_leads).then(|| GettingStarted {
            public_link: format!("{}/c/{}", public_url.trim_end_matches('/'), me.slug),
            whatsapp: crate::domain::phone::display_stored(&me.whatsapp_number),
            flow_name: flow_name.clone().unwrap_or_default(),
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
        flow_name,
        steps,
        other_flows,
        sources: vec![
            (Source::PublicPage.label().into(), now.from_page),
            (Source::Ad.label().into(), now.from_ad),
            (Source::Direct.label().into(), direct),
        ],
        first_question,
        plan: PlanUsage {
            plan: plan_label(&me.tier, me.current).into(),
            used,
            limit: monthly_limit(&me.tier, me.current),
        },
        updated_at,
        recent,
    })
}

/// A step as the charts name it: its question as the answers name it (the last sentence, no
/// `{{placeholders}}`), shortened.
fn step_label(question: &str, kind: StepKind) -> String {
    if kind == StepKind::Fim {
        return "Fim da conversa".into();
    }
    let title = crate::domain::lead_answers::question_title(question, "");
    let q = title.trim();
    if q.chars().count() > 60 {
        format!("{}…", q.chars().take(59).collect::<String>())
    } else if q.is_empty() {
        "(pergunta sem texto)".into()
    } else {
        q.to_string()
    }
}

/// One day's figures, as `dashboard_days` keeps them.
struct DayRow {
    day: NaiveDate,
    leads: i64,
    status: [i64; 5],
    from_page: i64,
    from_ad: i64,
    closings: i64,
    started: i64,
    completed: i64,
    completion_seconds: f64,
    ai_answers: i64,
    ai_tokens: i64,
    ai_latency_ms: i64,
    ai_latency_count: i64,
    replaced: i64,
}

impl Sums {
    fn add(&mut self, d: &DayRow) {
        self.leads += d.leads;
        for (total, n) in self.status.iter_mut().zip(d.status) {
            *total += n;
        }
        self.from_page += d.from_page;
        self.from_ad += d.from_ad;
        self.started += d.started;
        self.completed += d.completed;
        self.completion_seconds += d.completion_seconds;
        self.ai_answers += d.ai_answers;
        self.ai_tokens += d.ai_tokens;
        self.ai_latency_ms += d.ai_latency_ms;
        self.ai_latency_count += d.ai_latency_count;
        self.replaced += d.replaced;
    }
}

/// Each day from `first` to `last`: (day, leads created, moves to "fechado"); days without
/// a row are zeros.
fn daily_series(rows: &[DayRow], first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, i64, i64)> {
    let mut daily = Vec::new();
    let mut in_period = rows.iter().filter(|r| r.day >= first).peekable();
    let mut day = first;
    while day <= last {
        match in_period.next_if(|r| r.day == day) {
            Some(r) => daily.push((day, r.leads, r.closings)),
            None => daily.push((day, 0, 0)),
        }
        day = day.succ_opt().expect("a next day");
    }
    daily
}

/// Every per-day row from `from` to `last`, in one read by primary key: both periods' sums,
/// the daily series and this month's use all come from them.
async fn days(
    db: &mut PgConnection,
    id: Uuid,
    from: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<DayRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select day as "day!: NaiveDate", leads_created, status_novo, status_em_contato,
                  status_agendado, status_fechado, status_perdido, from_page, from_ad, closings,
                  conversations_started, conversations_completed, completion_seconds,
                  ai_answers, ai_tokens, ai_latency_ms, ai_latency_count, compliance_replaced
             from dashboard_days
            where consultant_id = $1 and day >= $2 and day <= $3
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
            leads: r.leads_created,
            status: [
                r.status_novo,
                r.status_em_contato,
                r.status_agendado,
                r.status_fechado,
                r.status_perdido,
            ],
            from_page: r.from_page,
            from_ad: r.from_ad,
            closings: r.closings,
            started: r.conversations_started,
            completed: r.conversations_completed,
            completion_seconds: r.completion_seconds,
            ai_answers: r.ai_answers,
            ai_tokens: r.ai_tokens,
            ai_latency_ms: r.ai_latency_ms,
            ai_latency_count: r.ai_latency_count,
            replaced: r.compliance_replaced,
        })
        .collect())
}

async fn recent_leads(db: &mut PgConnection, id: Uuid) -> Result<Vec<RecentLead>, sqlx::Error> {
    use crate::domain::phone::display_lead;
    use crate::domain::time::format_datetime;
    // The order of idx_leads_consultant_activity: five rows read from the index, not sorted
    // out of every lead.
    let rows = sqlx::query!(
        r#"select name, profile_name, whatsapp_number, status as "status!",
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
