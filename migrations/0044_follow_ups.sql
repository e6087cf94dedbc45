-- Issue #18 (part 2): messages that leave later. A consultant schedules one from a lead's page
-- ("enviar amanhã às 9h"), or sets follow-up rules per stage ("novo, sem resposta há 24 h →
-- modelo X"); a scheduler queues each one for the sender when it is due, once.

-- When the lead entered its current stage: a rule's quiet period starts again then (as it
-- does when either side writes, `last_interaction_at`).
alter table leads add column stage_changed_at timestamp with time zone;
create function leads_stage_changed() returns trigger language plpgsql as $$
begin
    if new.status is distinct from old.status then
        new.stage_changed_at := now();
    end if;
    return new;
end $$;
create trigger leads_stage_changed before update of status on leads
    for each row execute function leads_stage_changed();
-- Meta's `user_preferences` webhook: the person stopped marketing messages in WhatsApp.
-- Marketing templates are no longer sent to them; utility ones (a reminder) still are.
alter table leads add column marketing_opt_out_at timestamp with time zone;

-- The rules' pass reads, per rule, the leads of one consultant in one stage that went quiet
-- within a bounded span: a range of this index, whatever the number of leads.
create index idx_leads_follow_up on leads (consultant_id, status, last_interaction_at)
    where opted_out_at is null;

-- No automatic message between these hours, São Paulo time (the end is the hour they start
-- again).
alter table consultants add column quiet_start smallint not null default 21
    check (quiet_start between 0 and 23);
alter table consultants add column quiet_end smallint not null default 8
    check (quiet_end between 0 and 23);
grant update (quiet_start, quiet_end) on consultants to consultor_app;

create table follow_up_rules (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    stage varchar(20) not null check (stage in ('novo', 'em_contato', 'agendado')),
    -- Quiet this long (no message from either side, no stage change) before it fires.
    after_hours integer not null check (after_hours between 1 and 2160),
    template_id uuid not null references message_templates(id) on delete cascade,
    created_at timestamp with time zone not null default now(),
    constraint follow_up_rules_once unique (consultant_id, stage, after_hours)
);
alter table follow_up_rules enable row level security;
alter table follow_up_rules force row level security;
create policy "Consultants manage own rules" on follow_up_rules
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
grant select, insert, delete on follow_up_rules to consultor_app;

create table scheduled_messages (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    lead_id uuid not null references leads(id) on delete cascade,
    -- agendada: by the consultant; acompanhamento: a follow-up rule's.
    kind varchar(20) not null check (kind in ('agendada', 'acompanhamento')),
    due_at timestamp with time zone not null,
    -- Free text (only while the window is open), or a template with its values.
    body text check (char_length(body) <= 4096),
    template_id uuid references message_templates(id) on delete set null,
    params jsonb not null default '[]',
    header_params jsonb not null default '[]',
    rule_id uuid references follow_up_rules(id) on delete set null,
    -- A follow-up answers one quiet period (its start): once per rule and period.
    anchor_at timestamp with time zone,
    status varchar(20) not null default 'agendada'
        check (status in ('agendada', 'enviada', 'cancelada', 'pulada')),
    -- Why it was skipped, in words.
    outcome text,
    message_id uuid,
    sent_at timestamp with time zone,
    form_token uuid,
    created_at timestamp with time zone not null default now()
);
create index idx_scheduled_due on scheduled_messages (due_at) where status = 'agendada';
create index idx_scheduled_lead on scheduled_messages (consultant_id, lead_id, due_at desc);
create unique index idx_scheduled_follow_up_once on scheduled_messages (lead_id, rule_id, anchor_at)
    where rule_id is not null;
-- The daily cap on automatic messages reads a lead's recent sends.
create index idx_scheduled_sent on scheduled_messages (lead_id, sent_at)
    where status = 'enviada' and kind = 'acompanhamento';
create unique index idx_scheduled_form_token on scheduled_messages (consultant_id, form_token)
    where form_token is not null;
alter table scheduled_messages enable row level security;
alter table scheduled_messages force row level security;
create policy "Consultants manage own scheduled messages" on scheduled_messages
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
grant select, insert on scheduled_messages to consultor_app;
-- The consultant only cancels; the scheduler (system path) writes the rest.
grant update (status, outcome) on scheduled_messages to consultor_app;
