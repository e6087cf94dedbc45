-- The dashboard's figures and charts (issue #9), pre-aggregated per consultant and São Paulo
-- day, so that any period is a sum of at most ~180 small rows whatever the volume. Counted
-- live, the 100,000-lead consultant's 90 days took ~37 ms per query at 1,000,000 leads,
-- several times the page's whole budget.
--
-- Why tables kept up to date rather than more materialized views: the same aggregates as
-- materialized views took 28 s to refresh concurrently at 1,000,000 leads (7 s, 15 s and 7 s;
-- a concurrent refresh recomputes every row and diffs it against the old contents). These
-- tables are refreshed incrementally instead: only the (consultant, day) pairs whose rows
-- changed since the last refresh are recomputed, with the same aggregate, and replaced. A
-- daily full pass also catches deletions (cascades leave no `updated_at` behind). Readers
-- never wait: each refresh is ordinary row writes in one transaction.

create table dashboard_days (
    consultant_id uuid not null references consultants(id) on delete cascade,
    day date not null,
    -- Leads created that day, by their status now and by where they came from.
    leads_created bigint not null default 0,
    status_novo bigint not null default 0,
    status_em_contato bigint not null default 0,
    status_agendado bigint not null default 0,
    status_fechado bigint not null default 0,
    status_perdido bigint not null default 0,
    from_page bigint not null default 0,
    from_ad bigint not null default 0,
    -- Moves to "fechado" made that day.
    closings bigint not null default 0,
    -- Conversations started that day, how many of them are completed, and their total time.
    conversations_started bigint not null default 0,
    conversations_completed bigint not null default 0,
    completion_seconds float8 not null default 0,
    -- AI answers written that day.
    ai_answers bigint not null default 0,
    ai_tokens bigint not null default 0,
    ai_latency_ms bigint not null default 0,
    ai_latency_count bigint not null default 0,
    compliance_replaced bigint not null default 0,
    primary key (consultant_id, day)
);

-- How far conversations went in their flow, per start day: a step is reached when it was
-- answered or is where the conversation waits (or ended, for `fim`); a conversation stopped
-- at the step it waits on if it has not completed.
create table dashboard_step_days (
    consultant_id uuid not null references consultants(id) on delete cascade,
    flow_id uuid not null,
    day date not null,
    step text not null,
    reached bigint not null,
    stopped bigint not null,
    primary key (consultant_id, day, flow_id, step)
);

-- The answers to each flow's first multiple-choice question (option values, never free text:
-- the first question is often the lead's name), per start day.
create table dashboard_answer_days (
    consultant_id uuid not null references consultants(id) on delete cascade,
    flow_id uuid not null,
    day date not null,
    answer text not null,
    n bigint not null,
    primary key (consultant_id, day, flow_id, answer)
);

alter table dashboard_days enable row level security;
alter table dashboard_days force row level security;
alter table dashboard_step_days enable row level security;
alter table dashboard_step_days force row level security;
alter table dashboard_answer_days enable row level security;
alter table dashboard_answer_days force row level security;
create policy "Consultants read own figures" on dashboard_days
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants read own figures" on dashboard_step_days
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants read own figures" on dashboard_answer_days
    for select to consultor_app using (consultant_id = (select auth.uid()));
grant select on dashboard_days, dashboard_step_days, dashboard_answer_days to consultor_app;

-- When the figures were last brought up to date (the dashboard's "Atualizado às"), from
-- which point the next refresh looks for changes, and how long refreshes take.
create table metrics_refreshes (
    name text primary key,
    refreshed_at timestamp with time zone not null,
    -- Changes from this time on are looked at by the next incremental refresh.
    changes_since timestamp with time zone,
    duration_ms integer not null
);
grant select on metrics_refreshes to consultor_app;

-- Finding what changed.
create index idx_leads_updated_at on leads (updated_at);
create index idx_lead_status_history_created on lead_status_history (created_at);

-- The medians are read live: conversations by start time (index-only), and the first reply
-- a consultant wrote by hand (`payload->>'by'`).
create index idx_conversations_consultant_started on conversations (consultant_id, started_at)
    include (completed_at, is_completed);
create index idx_messages_consultant_replies on messages (consultant_id, created_at)
    include (conversation_id) where payload->>'by' = 'consultant';

-- Recomputes figures and replaces their rows: with `everything`, all of them (set-based
-- aggregates over whole tables); otherwise those of the (consultant, day) pairs in
-- `dashboard_dirty` (a temporary table the caller fills), each table read by index ranges.
-- One SQL text serves both: only how each table's rows are picked (`%s`) differs. A planner
-- left to choose between the two ways took 39 s for 398 pairs; each way alone takes well
-- under a second (incremental) or ~30 s (everything) at 1,000,000 leads.
create or replace function dashboard_recompute(everything boolean) returns bigint
language plpgsql as $$
declare
    pairs bigint;
    -- How the rows of table alias `a` whose time column is `t` are picked.
    pick text := case when everything then ''
        else 'join dashboard_dirty d on d.consultant_id = %1$s.consultant_id
                                    and %1$s.%2$s >= d.day_start and %1$s.%2$s < d.day_end' end;
    l_rows text := format(pick, 'l', 'created_at');
    h_rows text := format(pick, 'h', 'created_at');
    c_rows text := format(pick, 'c', 'started_at');
    a_rows text := format(pick, 'a', 'created_at');
begin
    if everything then
        -- Row deletes, not truncate: readers keep the old figures until the commit.
        delete from dashboard_days;
        delete from dashboard_step_days;
        delete from dashboard_answer_days;
    else
        select count(*) into pairs from dashboard_dirty;
        delete from dashboard_days t using dashboard_dirty d
         where t.consultant_id = d.consultant_id and t.day = d.day;
        delete from dashboard_step_days t using dashboard_dirty d
         where t.consultant_id = d.consultant_id and t.day = d.day;
        delete from dashboard_answer_days t using dashboard_dirty d
         where t.consultant_id = d.consultant_id and t.day = d.day;
    end if;

    execute format($sql$
    insert into dashboard_days
    select consultant_id, day, sum(leads_created), sum(status_novo), sum(status_em_contato),
           sum(status_agendado), sum(status_fechado), sum(status_perdido), sum(from_page),
           sum(from_ad), sum(closings), sum(conversations_started),
           sum(conversations_completed), sum(completion_seconds), sum(ai_answers),
           sum(ai_tokens), sum(ai_latency_ms), sum(ai_latency_count), sum(compliance_replaced)
      from (
        select l.consultant_id, (l.created_at at time zone 'America/Sao_Paulo')::date as day,
               count(*) as leads_created,
               count(*) filter (where l.status = 'novo') as status_novo,
               count(*) filter (where l.status = 'em_contato') as status_em_contato,
               count(*) filter (where l.status = 'agendado') as status_agendado,
               count(*) filter (where l.status = 'fechado') as status_fechado,
               count(*) filter (where l.status = 'perdido') as status_perdido,
               -- The same mapping as Source::of_metadata.
               count(*) filter (where l.metadata->>'source' = 'perfil') as from_page,
               count(*) filter (where l.metadata->>'source' in ('ad', 'post')) as from_ad,
               0 as closings, 0 as conversations_started, 0 as conversations_completed,
               0::float8 as completion_seconds, 0 as ai_answers, 0 as ai_tokens,
               0 as ai_latency_ms, 0 as ai_latency_count, 0 as compliance_replaced
          from leads l %1$s
         where l.created_at is not null
         group by 1, 2
        union all
        select h.consultant_id, (h.created_at at time zone 'America/Sao_Paulo')::date,
               0, 0, 0, 0, 0, 0, 0, 0, count(*), 0, 0, 0, 0, 0, 0, 0, 0
          from lead_status_history h %2$s
         where h.to_status = 'fechado'
         group by 1, 2
        union all
        select c.consultant_id, (c.started_at at time zone 'America/Sao_Paulo')::date,
               0, 0, 0, 0, 0, 0, 0, 0, 0, count(*),
               count(*) filter (where c.is_completed),
               coalesce(sum(extract(epoch from c.completed_at - c.started_at))
                            filter (where c.is_completed and c.completed_at >= c.started_at), 0),
               0, 0, 0, 0, 0
          from conversations c %3$s
         where c.started_at is not null and c.consultant_id is not null
         group by 1, 2
        union all
        select a.consultant_id, (a.created_at at time zone 'America/Sao_Paulo')::date,
               0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
               count(*), coalesce(sum(a.tokens_used), 0), coalesce(sum(a.latency_ms), 0),
               count(a.latency_ms), count(*) filter (where a.compliance_check_passed is false)
          from ai_responses a %4$s
         where a.consultant_id is not null and a.created_at is not null
         group by 1, 2
      ) per_table
     group by consultant_id, day
    $sql$, l_rows, h_rows, c_rows, a_rows);
    if everything then
        get diagnostics pairs = row_count;
    end if;

    execute format($sql$
    insert into dashboard_step_days
    select c.consultant_id, c.flow_id, (c.started_at at time zone 'America/Sao_Paulo')::date,
           s.step, count(*), count(*) filter (where s.stopped)
      from conversations c %1$s
     cross join lateral (
            select k.key as step, false as stopped
              from jsonb_object_keys(case when jsonb_typeof(c.state->'answers') = 'object'
                                          then c.state->'answers' else '{}'::jsonb end) as k(key)
            union all
            select c.current_step, not coalesce(c.is_completed, false)
             where c.current_step is not null
               and not coalesce(c.state->'answers' ? c.current_step, false)
           ) s
     where c.started_at is not null and c.consultant_id is not null
     group by 1, 2, 3, 4
    $sql$, c_rows);

    -- Each flow's first multiple-choice step, worked out once per flow. The conversations
    -- are picked first (materialized): left to itself the planner guessed the filter on the
    -- answers kept 50 of 1,000,000 rows and scanned them all for 250 pairs (78 s).
    execute format($sql$
    insert into dashboard_answer_days
    with picked as materialized (
        select c.consultant_id, c.flow_id, c.started_at, c.state->'answers' as answers
          from conversations c %1$s
         where c.started_at is not null and c.consultant_id is not null
           and jsonb_typeof(c.state->'answers') = 'object'
    ), first_choice as materialized (
        select f.id,
               (select e->>'id'
                  from jsonb_array_elements(case when jsonb_typeof(f.definition->'etapas') = 'array'
                                                 then f.definition->'etapas' else '[]'::jsonb end)
                       with ordinality as s(e, i)
                 where e->>'tipo' = 'escolha'
                 order by i limit 1) as step
          from flows f
         where f.id in (select distinct flow_id from picked)
    )
    select c.consultant_id, c.flow_id, (c.started_at at time zone 'America/Sao_Paulo')::date,
           c.answers->>fc.step, count(*)
      from picked c
      join first_choice fc on fc.id = c.flow_id
     where fc.step is not null and c.answers ? fc.step
     group by 1, 2, 3, 4
    $sql$, c_rows);
    return pairs;
end;
$$;

-- Brings the figures up to date: every (consultant, day) with a change since the last
-- refresh (or, with `everything`, every one) is recomputed. Returns how many pairs were. The
-- caller holds the advisory lock that keeps two server instances from refreshing at once.
create or replace function refresh_dashboard(everything boolean default false) returns bigint
language plpgsql as $$
declare
    started timestamp with time zone := clock_timestamp();
    since timestamp with time zone;
    pairs bigint;
begin
    select changes_since into since from metrics_refreshes where name = 'dashboard';
    -- The first refresh has nothing to go from: everything.
    everything := everything or since is null;
    create temporary table if not exists dashboard_dirty (
        consultant_id uuid, day date, day_start timestamptz, day_end timestamptz,
        primary key (consultant_id, day)
    ) on commit drop;
    truncate dashboard_dirty;
    if not everything then
        insert into dashboard_dirty (consultant_id, day)
        select distinct consultant_id, day from (
            select consultant_id, (created_at at time zone 'America/Sao_Paulo')::date as day
              from leads where updated_at >= since
            union all
            select consultant_id, (created_at at time zone 'America/Sao_Paulo')::date
              from leads where created_at >= since
            union all
            select consultant_id, (started_at at time zone 'America/Sao_Paulo')::date
              from conversations where updated_at >= since
            union all
            select consultant_id, (created_at at time zone 'America/Sao_Paulo')::date
              from lead_status_history where created_at >= since
            union all
            select consultant_id, (created_at at time zone 'America/Sao_Paulo')::date
              from ai_responses where created_at >= since
        ) changed
        where consultant_id is not null and day is not null;
        update dashboard_dirty
           set day_start = day::timestamp at time zone 'America/Sao_Paulo',
               day_end = (day + 1)::timestamp at time zone 'America/Sao_Paulo';
        analyze dashboard_dirty;
    end if;
    pairs := dashboard_recompute(everything);
    -- The next refresh looks a little before this one started: a transaction still open then
    -- (statements stop after 30 s, idle transactions after 60 s) may commit older times.
    insert into metrics_refreshes (name, refreshed_at, changes_since, duration_ms)
    values ('dashboard', clock_timestamp(), started - interval '5 minutes',
            (extract(epoch from clock_timestamp() - started) * 1000)::integer)
    on conflict (name) do update
        set refreshed_at = excluded.refreshed_at, changes_since = excluded.changes_since,
            duration_ms = excluded.duration_ms;
    return pairs;
end;
$$;

-- The seed's views, refreshed concurrently (readers never wait), and timed.
create or replace function refresh_metrics()
returns void as $$
declare
    v text;
    started timestamp with time zone;
begin
    foreach v in array array['consultant_metrics', 'daily_lead_stats'] loop
        started := clock_timestamp();
        execute format('refresh materialized view concurrently %I', v);
        insert into metrics_refreshes (name, refreshed_at, duration_ms)
        values (v, clock_timestamp(),
                (extract(epoch from clock_timestamp() - started) * 1000)::integer)
        on conflict (name) do update
            set refreshed_at = excluded.refreshed_at, duration_ms = excluded.duration_ms;
    end loop;
end;
$$ language plpgsql;

select refresh_dashboard(true);
