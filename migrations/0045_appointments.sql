-- Appointments (issue #18, part 3): moving a lead to "agendado" books a time (São Paulo
-- wall-clock time is converted on the server; stored as an instant), optionally a place or
-- a video link. A lead has at most one active ("marcado") appointment; the others stay as
-- its history:
-- - 'cancelado': the consultant cancelled it on the lead page;
-- - 'encerrado': the lead left "agendado" (closed, lost, back in contact): kept, no longer
--   upcoming (a bulk move's undo back to "agendado" makes the newest one 'marcado' again).
create table appointments (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants (id) on delete cascade,
    lead_id uuid not null,
    starts_at timestamp with time zone not null,
    place text check (char_length(place) between 1 and 200),
    video_url text check (char_length(video_url) between 1 and 500
                          and video_url ~* '^https?://'),
    status text not null default 'marcado'
        check (status in ('marcado', 'cancelado', 'encerrado')),
    created_at timestamp with time zone not null default now(),
    updated_at timestamp with time zone not null default now(),
    -- As every tenant table (0012): the row's consultant is its lead's consultant; the lead's
    -- erasure (erase_lead) and the account's deletion take its appointments with it.
    foreign key (lead_id, consultant_id) references leads (id, consultant_id) on delete cascade
);
-- One active appointment per lead: a second booking changes it (on conflict) instead.
create unique index idx_appointments_active_lead on appointments (lead_id)
    where status = 'marcado';
-- The dashboard's "Próximos agendamentos": one consultant's active ones by time.
create index idx_appointments_consultant_upcoming on appointments (consultant_id, starts_at)
    where status = 'marcado';
-- A lead's history (the data export), and the foreign keys' deletes, by the tenant key.
create index idx_appointments_consultant_lead on appointments (consultant_id, lead_id, created_at);

alter table appointments enable row level security;
alter table appointments force row level security;
grant select, insert, update on appointments to consultor_app;
create policy "Consultants can view own appointments" on appointments
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can book own appointments" on appointments
    for insert to consultor_app with check (consultant_id = (select auth.uid()));
create policy "Consultants can change own appointments" on appointments
    for update to consultor_app
    using (consultant_id = (select auth.uid())) with check (consultant_id = (select auth.uid()));
