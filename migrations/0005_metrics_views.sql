-- Section 5 of the seed: the analytics materialized views.
--
-- FIX (exactness): the seed joined leads x conversations x ai_responses in one GROUP BY, so a
-- lead with two conversations counted each AI response's tokens twice, and a lead with two AI
-- responses counted each conversation's duration twice in the average. Each table is now
-- aggregated on its own and joined on consultant_id, one row per consultant on each side.
-- FIX: leads_perdido was missing although 'perdido' is a status.
-- FIX: totals are 0 rather than NULL for a consultant with no rows.
-- FIX: "refresh materialized view concurrently" needs a unique index; both views have one.
-- FIX: daily_lead_stats grouped by the UTC date; our consultants' day is America/Sao_Paulo's.
-- Materialized views cannot carry RLS, so consultor_app is given no access to them; it reads
-- them through the my_* views below, which filter on auth.uid().

create materialized view consultant_metrics as
select
    c.id as consultant_id,
    c.name,
    c.vertical,
    coalesce(l.total_leads, 0) as total_leads,
    coalesce(l.leads_novo, 0) as leads_novo,
    coalesce(l.leads_em_contato, 0) as leads_em_contato,
    coalesce(l.leads_agendado, 0) as leads_agendado,
    coalesce(l.leads_fechado, 0) as leads_fechado,
    coalesce(l.leads_perdido, 0) as leads_perdido,
    coalesce(cv.total_conversations, 0) as total_conversations,
    coalesce(cv.completed_conversations, 0) as completed_conversations,
    cv.avg_conversation_duration_minutes,
    coalesce(ai.total_tokens_used, 0) as total_tokens_used,
    ai.avg_ai_latency_ms
from consultants c
left join (
    select consultant_id,
           count(*) as total_leads,
           count(*) filter (where status = 'novo') as leads_novo,
           count(*) filter (where status = 'em_contato') as leads_em_contato,
           count(*) filter (where status = 'agendado') as leads_agendado,
           count(*) filter (where status = 'fechado') as leads_fechado,
           count(*) filter (where status = 'perdido') as leads_perdido
    from leads
    group by consultant_id
) l on l.consultant_id = c.id
left join (
    select ld.consultant_id,
           count(*) as total_conversations,
           count(*) filter (where conv.is_completed) as completed_conversations,
           avg(extract(epoch from (conv.completed_at - conv.started_at)) / 60) as avg_conversation_duration_minutes
    from conversations conv
    join leads ld on ld.id = conv.lead_id
    group by ld.consultant_id
) cv on cv.consultant_id = c.id
left join (
    select ld.consultant_id,
           sum(a.tokens_used) as total_tokens_used,
           avg(a.latency_ms) as avg_ai_latency_ms
    from ai_responses a
    join leads ld on ld.id = a.lead_id
    group by ld.consultant_id
) ai on ai.consultant_id = c.id
where c.is_active = true;

create unique index idx_consultant_metrics_consultant_id on consultant_metrics(consultant_id);

create materialized view daily_lead_stats as
select
    consultant_id,
    (created_at at time zone 'America/Sao_Paulo')::date as date,
    count(*) as leads_created,
    count(*) filter (where status = 'fechado') as leads_closed,
    round(
        count(*) filter (where status = 'fechado')::numeric / nullif(count(*), 0) * 100,
        2
    ) as conversion_rate
from leads
group by consultant_id, (created_at at time zone 'America/Sao_Paulo')::date;

create unique index idx_daily_lead_stats_consultant on daily_lead_stats(consultant_id, date desc);

revoke all on consultant_metrics from public;
revoke all on daily_lead_stats from public;

-- Views run with their owner's rights, so these read the materialized views while showing
-- consultor_app only the signed-in consultant's row(s).
create view my_consultant_metrics with (security_barrier) as
    select * from consultant_metrics where consultant_id = (select auth.uid());
create view my_daily_lead_stats with (security_barrier) as
    select * from daily_lead_stats where consultant_id = (select auth.uid());
grant select on my_consultant_metrics to consultor_app;
grant select on my_daily_lead_stats to consultor_app;

-- One call for the scheduler and for tests.
create or replace function refresh_metrics()
returns void as $$
begin
    refresh materialized view concurrently consultant_metrics;
    refresh materialized view concurrently daily_lead_stats;
end;
$$ language plpgsql;
