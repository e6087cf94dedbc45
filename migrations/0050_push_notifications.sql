-- Notifications on the consultant's phone (issue #19): Web Push subscriptions per device,
-- which kinds the consultant wants, and the push messages to send (a durable queue the
-- push job sends from, outside any transaction).

create table push_subscriptions (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    -- The push service's address for this browser and its keys (base64url). Browsers give
    -- https addresses (the subscribe form takes nothing else); the tests' loopback push
    -- service is http.
    endpoint text not null unique
        check (char_length(endpoint) <= 1000 and endpoint ~ '^https?://'),
    p256dh text not null check (char_length(p256dh) between 80 and 100),
    auth text not null check (char_length(auth) between 16 and 30),
    -- "Chrome no Android", from the browser that subscribed.
    device text not null default '' check (char_length(device) <= 100),
    created_at timestamp with time zone not null default now(),
    last_sent_at timestamp with time zone
);
create index idx_push_subscriptions_consultant on push_subscriptions (consultant_id);
alter table push_subscriptions enable row level security;
alter table push_subscriptions force row level security;
create policy "Consultants manage own devices" on push_subscriptions
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
grant select, insert, delete on push_subscriptions to consultor_app;
-- A browser subscribing again (new keys) keeps its row.
grant update (p256dh, auth, device) on push_subscriptions to consultor_app;

-- Which kinds of notification the consultant wants (each on by default).
alter table consultants add column push_hot_lead boolean not null default true;
alter table consultants add column push_lead_replied boolean not null default true;
alter table consultants add column push_appointment boolean not null default true;
grant update (push_hot_lead, push_lead_replied, push_appointment) on consultants to consultor_app;

-- One row per device and event: `dedupe_key` ("lead_quente:<lead>") makes an event push
-- once per device, however many times the intake or a job sees it.
create table push_messages (
    id bigint generated always as identity primary key,
    consultant_id uuid not null references consultants(id) on delete cascade,
    subscription_id uuid not null references push_subscriptions(id) on delete cascade,
    -- 'teste': the "Enviar um teste" button of Settings.
    kind text not null
        check (kind in ('lead_quente', 'lead_respondeu', 'agendamento', 'teste')),
    dedupe_key text not null,
    title text not null check (char_length(title) <= 200),
    body text not null check (char_length(body) <= 500),
    url text not null check (url like '/%'),
    status text not null default 'pendente'
        check (status in ('pendente', 'enviada', 'falhou')),
    attempts integer not null default 0,
    next_attempt_at timestamp with time zone not null default now(),
    last_error text,
    created_at timestamp with time zone not null default now(),
    sent_at timestamp with time zone,
    constraint push_messages_once unique (subscription_id, dedupe_key)
);
create index idx_push_messages_due on push_messages (next_attempt_at) where status = 'pendente';
create index idx_push_messages_consultant on push_messages (consultant_id, created_at desc);
alter table push_messages enable row level security;
alter table push_messages force row level security;
create policy "Consultants see own notifications" on push_messages
    for select to consultor_app
    using (consultant_id = (select auth.uid()));
-- The app queues only the test notification, to its own devices.
create policy "Consultants test own devices" on push_messages
    for insert to consultor_app
    with check (consultant_id = (select auth.uid()) and kind = 'teste'
                and exists (select 1 from push_subscriptions s
                             where s.id = subscription_id and s.consultant_id = (select auth.uid())));
grant select on push_messages to consultor_app;
grant insert (consultant_id, subscription_id, kind, dedupe_key, title, body, url)
    on push_messages to consultor_app;

-- The push job's "agendamento em 1 hora": the active appointments starting soon, across
-- consultants.
create index idx_appointments_starting on appointments (starts_at) where status = 'marcado';
