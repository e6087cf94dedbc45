-- Every tenant table carries its owner's consultant_id, and its policies compare that column
-- directly with (select auth.uid()).
--
-- Measured before this migration, with 1,000 consultants and 1,000,000 leads: the policies
-- of conversations, messages and ai_responses were `exists (select ... from leads where
-- consultant_id = auth.uid())`, which PostgreSQL ran as a sequential scan of every tenant's
-- rows (~250 ms for conversations alone, whoever asked, even a consultant with 10 leads).
-- A plain column compared with a constant uses an index that starts with it.
--
-- Consistency with the parent is enforced by composite foreign keys: a conversation's
-- (lead_id, consultant_id) must be a lead's (id, consultant_id), a message's
-- (conversation_id, consultant_id) a conversation's. So a row can never claim one consultant
-- while hanging under another's lead, whoever writes it. A BEFORE INSERT trigger fills the
-- column from the parent when the writer leaves it out.
--
-- The same column is the distribution key a sharded PostgreSQL (Citus) would use: every
-- tenant table is co-located by consultant_id and every consultant-facing query names it.

-- leads: the parent key the children reference.
alter table leads add constraint leads_id_consultant_key unique (id, consultant_id);

-- conversations ------------------------------------------------------------------------
alter table conversations add column consultant_id uuid;
update conversations c set consultant_id = l.consultant_id from leads l where l.id = c.lead_id;
alter table conversations alter column consultant_id set not null;
alter table conversations add constraint conversations_lead_consultant_fkey
    foreign key (lead_id, consultant_id) references leads (id, consultant_id) on delete cascade;
alter table conversations add constraint conversations_id_consultant_key unique (id, consultant_id);
create index idx_conversations_consultant on conversations (consultant_id, is_completed);

-- messages -----------------------------------------------------------------------------
alter table messages add column consultant_id uuid;
update messages m set consultant_id = c.consultant_id from conversations c where c.id = m.conversation_id;
alter table messages alter column consultant_id set not null;
alter table messages add constraint messages_conversation_consultant_fkey
    foreign key (conversation_id, consultant_id) references conversations (id, consultant_id)
    on delete cascade;
-- The chat history, newest first, paged backwards by (created_at, id).
create index idx_messages_conversation_created on messages (conversation_id, created_at desc, id desc);
create index idx_messages_consultant_created on messages (consultant_id, created_at desc);

-- ai_responses -------------------------------------------------------------------------
-- Rows whose lead and conversation are both gone belong to nobody any more (no policy ever
-- showed them to a consultant) and still hold the deleted lead's answers in their prompt:
-- they are removed rather than given an owner they cannot have.
delete from ai_responses where lead_id is null and conversation_id is null;
alter table ai_responses add column consultant_id uuid references consultants (id) on delete cascade;
update ai_responses a set consultant_id = l.consultant_id from leads l where l.id = a.lead_id;
update ai_responses a set consultant_id = c.consultant_id
  from conversations c where c.id = a.conversation_id and a.consultant_id is null;
alter table ai_responses alter column consultant_id set not null;
-- The log outlives the lead (ON DELETE SET NULL of the lead only: PostgreSQL 15's column list).
alter table ai_responses drop constraint ai_responses_lead_id_fkey;
alter table ai_responses add constraint ai_responses_lead_consultant_fkey
    foreign key (lead_id, consultant_id) references leads (id, consultant_id)
    on delete set null (lead_id);
alter table ai_responses drop constraint ai_responses_conversation_id_fkey;
alter table ai_responses add constraint ai_responses_conversation_consultant_fkey
    foreign key (conversation_id, consultant_id) references conversations (id, consultant_id)
    on delete set null (conversation_id);
create index idx_ai_responses_consultant_created on ai_responses (consultant_id, created_at desc);
-- Which logged AI answer a message carries, so the lead page can show its compliance flags.
alter table messages add column ai_response_id uuid references ai_responses (id) on delete set null;
create index idx_messages_ai_response on messages (ai_response_id) where ai_response_id is not null;

-- generated_images already had consultant_id, but nullable and orphaned on account deletion.
delete from generated_images where consultant_id is null;
alter table generated_images alter column consultant_id set not null;
alter table generated_images drop constraint generated_images_consultant_id_fkey;
alter table generated_images add constraint generated_images_consultant_id_fkey
    foreign key (consultant_id) references consultants (id) on delete cascade;
alter table generated_images drop constraint generated_images_lead_id_fkey;
alter table generated_images add constraint generated_images_lead_consultant_fkey
    foreign key (lead_id, consultant_id) references leads (id, consultant_id)
    on delete set null (lead_id);

-- Filling the key from the parent, for writers that name only the parent.
create or replace function fill_consultant_id()
returns trigger language plpgsql as $$
begin
    if new.consultant_id is null then
        if tg_table_name = 'conversations' then
            select consultant_id into new.consultant_id from leads where id = new.lead_id;
        elsif tg_table_name = 'messages' then
            select consultant_id into new.consultant_id from conversations where id = new.conversation_id;
        elsif tg_table_name = 'ai_responses' then
            select consultant_id into new.consultant_id from leads where id = new.lead_id;
            if new.consultant_id is null then
                select consultant_id into new.consultant_id from conversations where id = new.conversation_id;
            end if;
        end if;
    end if;
    return new;
end;
$$;
create trigger conversations_fill_consultant before insert on conversations
    for each row execute function fill_consultant_id();
create trigger messages_fill_consultant before insert on messages
    for each row execute function fill_consultant_id();
create trigger ai_responses_fill_consultant before insert on ai_responses
    for each row execute function fill_consultant_id();

-- Policies: one column, one comparison ------------------------------------------------
drop policy "Consultants can view conversations for own leads" on conversations;
drop policy "Consultants can insert conversations for own leads" on conversations;
drop policy "Consultants can update conversations for own leads" on conversations;
drop policy "Consultants can delete conversations for own leads" on conversations;
create policy "Consultants can view own conversations" on conversations
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can insert own conversations" on conversations
    for insert to consultor_app with check (consultant_id = (select auth.uid()));
create policy "Consultants can update own conversations" on conversations
    for update to consultor_app
    using (consultant_id = (select auth.uid())) with check (consultant_id = (select auth.uid()));
create policy "Consultants can delete own conversations" on conversations
    for delete to consultor_app using (consultant_id = (select auth.uid()));

drop policy "Consultants can view messages for own conversations" on messages;
drop policy "Consultants can send messages in own conversations" on messages;
drop policy "Consultants can delete messages in own conversations" on messages;
create policy "Consultants can view own messages" on messages
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can send messages in own conversations" on messages
    for insert to consultor_app with check (consultant_id = (select auth.uid()));
create policy "Consultants can delete own messages" on messages
    for delete to consultor_app using (consultant_id = (select auth.uid()));

drop policy "Consultants can view AI responses for own leads" on ai_responses;
create policy "Consultants can view own AI responses" on ai_responses
    for select to consultor_app using (consultant_id = (select auth.uid()));

-- The board -------------------------------------------------------------------------------
-- When the lead last wrote, and when the consultant last opened the lead: "não lida" on the
-- card is last_inbound_at > seen_at.
alter table leads add column last_inbound_at timestamp with time zone;
alter table leads add column seen_at timestamp with time zone;
update leads l set last_inbound_at = (
    select max(m.created_at) from messages m
     where m.consultant_id = l.consultant_id and m.direction = 'inbound'
       and m.conversation_id in (select id from conversations c where c.lead_id = l.id));
-- The seed left these nullable although they have defaults; the board sorts and pages on them.
update leads set last_interaction_at = coalesce(last_interaction_at, created_at, now())
 where last_interaction_at is null;
update leads set created_at = now() where created_at is null;
update leads set status = 'novo' where status is null;
alter table leads alter column last_interaction_at set not null;
alter table leads alter column created_at set not null;
alter table leads alter column status set not null;
update leads set respostas = '{}' where respostas is null;
update leads set metadata = '{}' where metadata is null;
alter table leads alter column respostas set not null;
alter table leads alter column metadata set not null;
-- Each column of the board, most recent activity first, paged by (last_interaction_at, id).
create index idx_leads_board on leads (consultant_id, status, last_interaction_at desc, id desc);
-- The list view and the export, all statuses together.
create index idx_leads_consultant_activity on leads (consultant_id, last_interaction_at desc, id desc);

-- Search by name or number, any part of it.
create extension if not exists pg_trgm;
create index idx_leads_search_trgm on leads using gin (
    (coalesce(name, '') || ' ' || coalesce(profile_name, '') || ' ' || whatsapp_number) gin_trgm_ops);

-- The templates of a vertical, without walking every consultant's own flows of that vertical.
create index idx_flows_templates on flows (vertical, updated_at desc) where is_template;
create index idx_flows_own on flows (created_by, updated_at desc) where not is_template;

-- "Parado" after this many days without activity; each consultant chooses.
alter table consultants add column stale_after_days smallint not null default 3
    check (stale_after_days between 1 and 90);

-- A lead's moves on the board: who, when, from, to, why.
create table lead_status_history (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null,
    lead_id uuid not null,
    from_status varchar(20),
    to_status varchar(20) not null,
    reason text check (char_length(reason) <= 500),
    changed_by uuid references consultants (id) on delete set null,
    created_at timestamp with time zone not null default now(),
    foreign key (lead_id, consultant_id) references leads (id, consultant_id) on delete cascade
);
create index idx_lead_status_history_lead on lead_status_history (lead_id, created_at desc);
create index idx_lead_status_history_consultant on lead_status_history (consultant_id);
alter table lead_status_history enable row level security;
alter table lead_status_history force row level security;
grant select, insert on lead_status_history to consultor_app;
create policy "Consultants can view own lead history" on lead_status_history
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can record own lead history" on lead_status_history
    for insert to consultor_app
    with check (consultant_id = (select auth.uid()) and changed_by = (select auth.uid()));

-- Private notes on a lead (never sent to WhatsApp).
create table lead_notes (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null,
    lead_id uuid not null,
    body text not null check (char_length(body) between 1 and 2000),
    created_at timestamp with time zone not null default now(),
    foreign key (lead_id, consultant_id) references leads (id, consultant_id) on delete cascade
);
create index idx_lead_notes_lead on lead_notes (lead_id, created_at desc);
create index idx_lead_notes_consultant on lead_notes (consultant_id);
alter table lead_notes enable row level security;
alter table lead_notes force row level security;
grant select, insert, delete on lead_notes to consultor_app;
create policy "Consultants can view own notes" on lead_notes
    for select to consultor_app using (consultant_id = (select auth.uid()));
create policy "Consultants can write own notes" on lead_notes
    for insert to consultor_app with check (consultant_id = (select auth.uid()));
create policy "Consultants can delete own notes" on lead_notes
    for delete to consultor_app using (consultant_id = (select auth.uid()));

-- Audit rows written inside a consultant's own transaction, so an action and its audit row
-- commit together or not at all. SECURITY DEFINER gives consultor_app this one way into
-- audit_logs (it has no grant on the table), and the row always names auth.uid(): a
-- consultant cannot write an entry in someone else's name.
create or replace function audit_tenant_event(
    p_action varchar(50),
    p_resource_type varchar(50),
    p_resource_id uuid,
    p_details jsonb,
    p_ip_address inet,
    p_user_agent text
)
returns void
language plpgsql security definer set search_path = public, pg_temp
as $$
begin
    if auth.uid() is null then
        raise exception 'audit_tenant_event outside a tenant transaction';
    end if;
    insert into audit_logs (consultant_id, action, resource_type, resource_id, details, ip_address, user_agent)
    values (auth.uid(), p_action, p_resource_type, p_resource_id, coalesce(p_details, '{}'),
            p_ip_address, left(p_user_agent, 500));
end;
$$;
revoke all on function audit_tenant_event(varchar, varchar, uuid, jsonb, inet, text) from public;
grant execute on function audit_tenant_event(varchar, varchar, uuid, jsonb, inet, text) to consultor_app;
