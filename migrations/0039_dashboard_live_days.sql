-- The dashboard's figures agree with the board at the moment of reading (#17, defect 8).
-- `dashboard_days` is brought up to date every minute; until then, the days of one
-- consultant that changed since the last refresh looked back from (`changes_since`, five
-- minutes before it started) are recomputed live, by the same rules as
-- `dashboard_recompute`, and the dashboard reads those instead of the stored rows. Each
-- table is read by the consultant's own index ranges (a day's leads, conversations, moves
-- and AI answers), so a consultant with 100,000 leads pays for today's rows only.
-- Invoker's rights: row-level security applies as for any other read of the dashboard.
-- From when the stored figures may be behind (the whole history before the first refresh).
create or replace function dashboard_changes_since() returns timestamptz
language sql stable as $$
    select coalesce((select changes_since from metrics_refreshes where name = 'dashboard'),
                    '-infinity'::timestamptz)
$$;

create or replace function dashboard_live_days(p_consultant uuid)
returns setof dashboard_days
language sql stable as $$
    -- `since` as a scalar (not a joined row): the planner then reads each table by its time
    -- index from that point, a few minutes' rows, instead of all of the consultant's.
    with changed as (
        select (l.created_at at time zone 'America/Sao_Paulo')::date as day
          from leads l
         where l.consultant_id = p_consultant and l.updated_at >= dashboard_changes_since()
        union
        select (l.created_at at time zone 'America/Sao_Paulo')::date
          from leads l
         where l.consultant_id = p_consultant and l.created_at >= dashboard_changes_since()
        union
        select (c.started_at at time zone 'America/Sao_Paulo')::date
          from conversations c
         where c.consultant_id = p_consultant and c.updated_at >= dashboard_changes_since()
        union
        select (h.created_at at time zone 'America/Sao_Paulo')::date
          from lead_status_history h
         where h.consultant_id = p_consultant and h.created_at >= dashboard_changes_since()
        union
        select (a.created_at at time zone 'America/Sao_Paulo')::date
          from ai_responses a
         where a.consultant_id = p_consultant and a.created_at >= dashboard_changes_since()
    ), dirty as (
        select day, day::timestamp at time zone 'America/Sao_Paulo' as day_start,
               (day + 1)::timestamp at time zone 'America/Sao_Paulo' as day_end
          from changed
         where day is not null
    )
    select p_consultant, d.day,
           l.leads_created, l.status_novo, l.status_em_contato, l.status_agendado,
           l.status_fechado, l.status_perdido, l.from_page, l.from_ad,
           h.closings, c.started, c.completed, c.seconds,
           a.answers, a.tokens, a.latency_ms, a.latency_count, a.replaced
      from dirty d
     cross join lateral (
            select count(*) as leads_created,
                   count(*) filter (where status = 'novo') as status_novo,
                   count(*) filter (where status = 'em_contato') as status_em_contato,
                   count(*) filter (where status = 'agendado') as status_agendado,
                   count(*) filter (where status = 'fechado') as status_fechado,
                   count(*) filter (where status = 'perdido') as status_perdido,
                   -- The same mapping as Source::of_metadata.
                   count(*) filter (where metadata->>'source' = 'perfil') as from_page,
                   count(*) filter (where metadata->>'source' in ('ad', 'post')) as from_ad
              from leads
             where consultant_id = p_consultant
               and created_at >= d.day_start and created_at < d.day_end
           ) l
     cross join lateral (
            select count(*) as closings
              from lead_status_history
             where consultant_id = p_consultant and to_status = 'fechado'
               and created_at >= d.day_start and created_at < d.day_end
           ) h
     cross join lateral (
            select count(*) as started,
                   count(*) filter (where is_completed) as completed,
                   coalesce(sum(extract(epoch from completed_at - started_at))
                                filter (where is_completed and completed_at >= started_at),
                            0)::float8 as seconds
              from conversations
             where consultant_id = p_consultant
               and started_at >= d.day_start and started_at < d.day_end
           ) c
     cross join lateral (
            select count(*) as answers, coalesce(sum(tokens_used), 0)::bigint as tokens,
                   coalesce(sum(latency_ms), 0)::bigint as latency_ms,
                   count(latency_ms) as latency_count,
                   count(*) filter (where compliance_check_passed is false) as replaced
              from ai_responses
             where consultant_id = p_consultant
               and created_at >= d.day_start and created_at < d.day_end
           ) a
$$;
