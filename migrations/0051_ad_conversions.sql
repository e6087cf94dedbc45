-- From the ad to the closed deal (issue #19): Meta's Conversions API for business messaging.
-- A lead that came from a click-to-WhatsApp ad carries Meta's click id (`ctwa_clid`, in
-- `leads.metadata`); when it reaches a stage the consultant maps to an event (by default:
-- the flow finished → QualifiedLead, fechado → Purchase), one event is queued for it and
-- the conversions job sends it to the connection's dataset, outside any transaction, with
-- retries. Nothing is queued for a lead that did not come from an ad or that opted out.

-- The dataset and its token, per connection. The token is written by the app and read only
-- by the privileged path (as the connection's own token).
alter table whatsapp_connections add column capi_dataset_id varchar(30)
    check (capi_dataset_id ~ '^[0-9]{5,30}$');
alter table whatsapp_connections add column capi_token text
    check (char_length(capi_token) between 20 and 1000);
grant select (capi_dataset_id) on whatsapp_connections to consultor_app;
grant update (capi_dataset_id, capi_token) on whatsapp_connections to consultor_app;
-- Whether the consultant's token is stored (Settings shows "configurado"), without reading it.
create function conversions_token_set(consultant uuid) returns boolean
language sql stable security definer set search_path = public as $$
    select coalesce((select capi_token is not null from whatsapp_connections
                      where consultant_id = consultant and consultant = (select auth.uid())), false)
$$;
revoke all on function conversions_token_set(uuid) from public;
grant execute on function conversions_token_set(uuid) to consultor_app;

-- Which stage sends which event: {"fluxo_concluido": "QualifiedLead", "fechado": "Purchase"}
-- (a key absent: that stage sends nothing).
alter table consultants add column capi_events jsonb not null
    default '{"fluxo_concluido": "QualifiedLead", "fechado": "Purchase"}'
    check (jsonb_typeof(capi_events) = 'object');
grant update (capi_events) on consultants to consultor_app;

create table conversion_events (
    id bigint generated always as identity primary key,
    consultant_id uuid not null references consultants(id) on delete cascade,
    lead_id uuid not null,
    -- What happened: the flow finished, or the lead reached a stage.
    trigger text not null
        check (trigger in ('fluxo_concluido', 'em_contato', 'agendado', 'fechado')),
    event_name text not null
        check (event_name in ('LeadSubmitted', 'QualifiedLead', 'InitiateCheckout', 'Purchase')),
    ctwa_clid text not null check (char_length(ctwa_clid) <= 500),
    status text not null default 'pendente'
        check (status in ('pendente', 'enviado', 'falhou', 'cancelado')),
    attempts integer not null default 0,
    next_attempt_at timestamp with time zone not null default now(),
    last_error text,
    -- What was sent (the LGPD export lists it).
    sent_payload jsonb,
    created_at timestamp with time zone not null default now(),
    sent_at timestamp with time zone,
    foreign key (lead_id, consultant_id) references leads (id, consultant_id) on delete cascade,
    -- One event of each name per lead, however often its stage is reached.
    constraint conversion_events_once unique (lead_id, event_name)
);
create index idx_conversion_events_due on conversion_events (next_attempt_at)
    where status = 'pendente';
create index idx_conversion_events_lead on conversion_events (consultant_id, lead_id);
alter table conversion_events enable row level security;
alter table conversion_events force row level security;
create policy "Consultants see and queue own conversions" on conversion_events
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
grant select on conversion_events to consultor_app;
grant insert (consultant_id, lead_id, trigger, event_name, ctwa_clid) on conversion_events
    to consultor_app;
