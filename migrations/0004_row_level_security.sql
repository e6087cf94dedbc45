-- Row-level security that holds on plain PostgreSQL (the seed assumed Supabase).
--
-- * auth.uid() reads the consultant id from a transaction-local setting
--   (set_config('app.consultant_id', id, true)), so a pooled connection never carries one
--   consultant's identity into the next request.
-- * consultor_app is the role consultant-facing work switches to (SET LOCAL ROLE): it owns no
--   table and is neither superuser nor BYPASSRLS, so the policies below are its real wall.
-- * Every tenant table has RLS enabled AND forced (FORCE also binds the table owner).
-- * System work (webhook intake, jobs, sign-up and login) runs on the connecting role, which
--   must be a superuser or have BYPASSRLS; see README "Database roles".
--
-- FIX: the seed's policies have no INSERT/UPDATE/DELETE for most of what the UI does, and
-- "System can insert leads WITH CHECK (true)" let any consultant create leads for another.
-- Every policy here is scoped to consultor_app and checks ownership on both USING and
-- WITH CHECK, and auth.uid() is wrapped as (select auth.uid()) so it runs once per query.

create schema if not exists auth;

create or replace function auth.uid()
returns uuid
language sql stable
as $$
    select nullif(current_setting('app.consultant_id', true), '')::uuid
$$;

do $$
begin
    create role consultor_app nologin nosuperuser nobypassrls nocreatedb nocreaterole;
exception
    when duplicate_object then null;  -- roles are cluster-wide; another database made it
end
$$;

-- The login role must be able to SET ROLE consultor_app (a superuser always can).
do $$
begin
    if not exists (
        select 1 from pg_auth_members m
        join pg_roles r on r.oid = m.roleid
        join pg_roles u on u.oid = m.member
        where r.rolname = 'consultor_app' and u.rolname = current_user
    ) and not (select rolsuper from pg_roles where rolname = current_user) then
        execute format('grant consultor_app to %I', current_user);
    end if;
end
$$;

grant usage on schema public to consultor_app;
grant usage on schema auth to consultor_app;
grant execute on function auth.uid() to consultor_app;

-- consultants: a consultant sees, edits and may delete (LGPD) only their own row.
-- Sign-up inserts through the system path, so consultor_app has no INSERT policy.
alter table consultants enable row level security;
alter table consultants force row level security;
grant select, update, delete on consultants to consultor_app;
create policy "Consultants can view own data" on consultants
    for select to consultor_app using (id = (select auth.uid()));
create policy "Consultants can update own data" on consultants
    for update to consultor_app
    using (id = (select auth.uid())) with check (id = (select auth.uid()));
create policy "Consultants can delete own account" on consultants
    for delete to consultor_app using (id = (select auth.uid()));

-- leads
alter table leads enable row level security;
alter table leads force row level security;
grant select, insert, update, delete on leads to consultor_app;
create policy "Consultants can view own leads" on leads
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can insert own leads" on leads
    for insert to consultor_app with check (consultant_id = (select auth.uid()));
create policy "Consultants can update own leads" on leads
    for update to consultor_app
    using (consultant_id = (select auth.uid())) with check (consultant_id = (select auth.uid()));
create policy "Consultants can delete own leads" on leads
    for delete to consultor_app using (consultant_id = (select auth.uid()));

-- flows: templates are readable by everyone signed in, writable by no consultant.
alter table flows enable row level security;
alter table flows force row level security;
grant select, insert, update, delete on flows to consultor_app;
create policy "Consultants can view templates and own flows" on flows
    for select to consultor_app using (is_template = true or created_by = (select auth.uid()));
create policy "Consultants can create own flows" on flows
    for insert to consultor_app
    with check (created_by = (select auth.uid()) and is_template = false);
create policy "Consultants can update own flows" on flows
    for update to consultor_app
    using (created_by = (select auth.uid()) and is_template = false)
    with check (created_by = (select auth.uid()) and is_template = false);
create policy "Consultants can delete own flows" on flows
    for delete to consultor_app using (created_by = (select auth.uid()) and is_template = false);

-- conversations: owned through the lead.
alter table conversations enable row level security;
alter table conversations force row level security;
grant select, insert, update, delete on conversations to consultor_app;
create policy "Consultants can view conversations for own leads" on conversations
    for select to consultor_app using (exists (
        select 1 from leads l where l.id = lead_id and l.consultant_id = (select auth.uid())));
create policy "Consultants can insert conversations for own leads" on conversations
    for insert to consultor_app with check (exists (
        select 1 from leads l where l.id = lead_id and l.consultant_id = (select auth.uid())));
create policy "Consultants can update conversations for own leads" on conversations
    for update to consultor_app
    using (exists (select 1 from leads l where l.id = lead_id and l.consultant_id = (select auth.uid())))
    with check (exists (select 1 from leads l where l.id = lead_id and l.consultant_id = (select auth.uid())));
create policy "Consultants can delete conversations for own leads" on conversations
    for delete to consultor_app using (exists (
        select 1 from leads l where l.id = lead_id and l.consultant_id = (select auth.uid())));

-- messages: owned through conversation and lead. Consultants send replies (insert) and may
-- erase history (delete); they never rewrite what was said, so no UPDATE.
alter table messages enable row level security;
alter table messages force row level security;
grant select, insert, delete on messages to consultor_app;
create policy "Consultants can view messages for own conversations" on messages
    for select to consultor_app using (exists (
        select 1 from conversations c join leads l on c.lead_id = l.id
        where c.id = conversation_id and l.consultant_id = (select auth.uid())));
create policy "Consultants can send messages in own conversations" on messages
    for insert to consultor_app with check (exists (
        select 1 from conversations c join leads l on c.lead_id = l.id
        where c.id = conversation_id and l.consultant_id = (select auth.uid())));
create policy "Consultants can delete messages in own conversations" on messages
    for delete to consultor_app using (exists (
        select 1 from conversations c join leads l on c.lead_id = l.id
        where c.id = conversation_id and l.consultant_id = (select auth.uid())));

-- ai_responses and generated_images are written by the system; consultants only read them.
alter table ai_responses enable row level security;
alter table ai_responses force row level security;
grant select on ai_responses to consultor_app;
create policy "Consultants can view AI responses for own leads" on ai_responses
    for select to consultor_app using (exists (
        select 1 from leads l where l.id = lead_id and l.consultant_id = (select auth.uid())));

alter table generated_images enable row level security;
alter table generated_images force row level security;
grant select on generated_images to consultor_app;
create policy "Consultants can view own generated images" on generated_images
    for select to consultor_app using (consultant_id = (select auth.uid()));

-- consultant_photos
alter table consultant_photos enable row level security;
alter table consultant_photos force row level security;
grant select, insert, update, delete on consultant_photos to consultor_app;
create policy "Consultants can view own photo" on consultant_photos
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can insert own photo" on consultant_photos
    for insert to consultor_app with check (consultant_id = (select auth.uid()));
create policy "Consultants can update own photo" on consultant_photos
    for update to consultor_app
    using (consultant_id = (select auth.uid())) with check (consultant_id = (select auth.uid()));
create policy "Consultants can delete own photo" on consultant_photos
    for delete to consultor_app using (consultant_id = (select auth.uid()));

-- webhook_events and audit_logs are system tables: consultor_app has no grant on them at all.
revoke all on webhook_events from public;
revoke all on audit_logs from public;
