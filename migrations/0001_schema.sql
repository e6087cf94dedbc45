-- The seed design document's schema (section 3), table by table, in dependency order.
-- Deviations from the seed are marked "FIX:" with the reason.

create extension if not exists "uuid-ossp";
create extension if not exists "pgcrypto";

create or replace function update_updated_at_column()
returns trigger as $$
begin
    new.updated_at = now();
    return new;
end;
$$ language plpgsql;

-- 3.1 consultants -----------------------------------------------------------
create table consultants (
    id uuid primary key default gen_random_uuid(),
    email varchar(255) not null unique,
    password_hash varchar(255) not null,
    name varchar(100) not null,
    bio text,
    crm_number varchar(50),
    whatsapp_number varchar(20) not null,
    vertical varchar(50) not null check (vertical in ('health_plans', 'real_estate', 'automotive', 'insurance')),
    slug varchar(100) not null unique,
    profile_image_url text,
    is_active boolean default true,
    subscription_tier varchar(20) default 'free' check (subscription_tier in ('free', 'pro', 'agency')),
    subscription_expires_at timestamp with time zone,
    created_at timestamp with time zone default now(),
    updated_at timestamp with time zone default now()
);
create index idx_consultants_email on consultants(email);
create index idx_consultants_slug on consultants(slug);
create index idx_consultants_whatsapp on consultants(whatsapp_number);
create index idx_consultants_vertical on consultants(vertical);
create trigger update_consultants_updated_at
    before update on consultants
    for each row execute function update_updated_at_column();

-- 3.2 leads -----------------------------------------------------------------
create table leads (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    whatsapp_number varchar(20) not null,
    name varchar(100),
    profile_name varchar(100),
    status varchar(20) default 'novo' check (status in ('novo', 'em_contato', 'agendado', 'fechado', 'perdido')),
    respostas jsonb default '{}',
    metadata jsonb default '{}',
    last_interaction_at timestamp with time zone default now(),
    created_at timestamp with time zone default now(),
    updated_at timestamp with time zone default now(),
    unique (consultant_id, whatsapp_number)
);
create index idx_leads_consultant_id on leads(consultant_id);
create index idx_leads_whatsapp on leads(whatsapp_number);
create index idx_leads_status on leads(status);
create index idx_leads_created_at on leads(created_at desc);
create index idx_leads_last_interaction on leads(last_interaction_at desc);
create index idx_leads_respostas_gin on leads using gin (respostas);
create trigger update_leads_updated_at
    before update on leads
    for each row execute function update_updated_at_column();

-- 3.3 flows -----------------------------------------------------------------
create table flows (
    id uuid primary key default gen_random_uuid(),
    name varchar(100) not null,
    vertical varchar(50) not null check (vertical in ('health_plans', 'real_estate', 'automotive', 'insurance')),
    description text,
    definition jsonb not null,
    version integer default 1,
    is_active boolean default true,
    is_template boolean default false,
    created_by uuid references consultants(id) on delete set null,
    created_at timestamp with time zone default now(),
    updated_at timestamp with time zone default now(),
    constraint valid_flow_definition check (jsonb_typeof(definition) = 'object')
);
create index idx_flows_vertical on flows(vertical);
create index idx_flows_is_active on flows(is_active);
create index idx_flows_created_by on flows(created_by);
create index idx_flows_definition_gin on flows using gin (definition);
-- FIX: the seed declares flows.updated_at but gives it no trigger, unlike every other table.
create trigger update_flows_updated_at
    before update on flows
    for each row execute function update_updated_at_column();

-- 3.4 conversations ---------------------------------------------------------
create table conversations (
    id uuid primary key default gen_random_uuid(),
    lead_id uuid not null references leads(id) on delete cascade,
    flow_id uuid not null references flows(id) on delete restrict,
    current_step varchar(50),
    state jsonb default '{}',
    is_completed boolean default false,
    started_at timestamp with time zone default now(),
    completed_at timestamp with time zone,
    updated_at timestamp with time zone default now()
);
create index idx_conversations_lead_id on conversations(lead_id);
create index idx_conversations_flow_id on conversations(flow_id);
create index idx_conversations_is_completed on conversations(is_completed);
create index idx_conversations_updated_at on conversations(updated_at desc);
create trigger update_conversations_updated_at
    before update on conversations
    for each row execute function update_updated_at_column();

-- 3.5 messages --------------------------------------------------------------
create table messages (
    id uuid primary key default gen_random_uuid(),
    conversation_id uuid not null references conversations(id) on delete cascade,
    direction varchar(10) not null check (direction in ('inbound', 'outbound')),
    content text not null,
    message_type varchar(20) default 'text' check (message_type in ('text', 'image', 'button', 'list')),
    media_url text,
    whatsapp_message_id varchar(100),
    status varchar(20) default 'sent' check (status in ('sent', 'delivered', 'read', 'failed')),
    error_message text,
    created_at timestamp with time zone default now()
);
create index idx_messages_conversation_id on messages(conversation_id);
create index idx_messages_whatsapp_id on messages(whatsapp_message_id);
create index idx_messages_created_at on messages(created_at desc);
create index idx_messages_direction on messages(direction);
create unique index idx_messages_whatsapp_id_unique on messages(whatsapp_message_id)
    where whatsapp_message_id is not null;

-- 3.6 ai_responses ----------------------------------------------------------
create table ai_responses (
    id uuid primary key default gen_random_uuid(),
    lead_id uuid references leads(id) on delete set null,
    conversation_id uuid references conversations(id) on delete set null,
    prompt text not null,
    response text not null,
    model varchar(50) not null,
    tokens_used integer,
    latency_ms integer,
    was_cached boolean default false,
    compliance_check_passed boolean default true,
    compliance_flags jsonb default '[]',
    created_at timestamp with time zone default now()
);
create index idx_ai_responses_lead_id on ai_responses(lead_id);
create index idx_ai_responses_conversation_id on ai_responses(conversation_id);
create index idx_ai_responses_created_at on ai_responses(created_at desc);
create index idx_ai_responses_model on ai_responses(model);
create index idx_ai_responses_compliance on ai_responses(compliance_check_passed);

-- 3.7 generated_images ------------------------------------------------------
create table generated_images (
    id uuid primary key default gen_random_uuid(),
    lead_id uuid references leads(id) on delete set null,
    consultant_id uuid references consultants(id) on delete set null,
    template_id varchar(100) not null,
    template_data jsonb not null,
    image_url text not null,
    file_size_bytes integer,
    generation_time_ms integer,
    created_at timestamp with time zone default now()
);
create index idx_generated_images_lead_id on generated_images(lead_id);
create index idx_generated_images_consultant_id on generated_images(consultant_id);
create index idx_generated_images_created_at on generated_images(created_at desc);

-- 3.8 webhook_events (system table: no consultant ever reads it) ------------
create table webhook_events (
    id uuid primary key default gen_random_uuid(),
    event_type varchar(50) not null,
    payload jsonb not null,
    signature varchar(255),
    processed boolean default false,
    processing_error text,
    retry_count integer default 0,
    received_at timestamp with time zone default now(),
    processed_at timestamp with time zone
);
create index idx_webhook_events_event_type on webhook_events(event_type);
create index idx_webhook_events_processed on webhook_events(processed);
create index idx_webhook_events_received_at on webhook_events(received_at desc);

-- 3.9 audit_logs (system table, written only through the privileged path) ---
create table audit_logs (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid references consultants(id) on delete set null,
    action varchar(50) not null,
    resource_type varchar(50),
    resource_id uuid,
    details jsonb default '{}',
    ip_address inet,
    user_agent text,
    created_at timestamp with time zone default now()
);
create index idx_audit_logs_consultant_id on audit_logs(consultant_id);
create index idx_audit_logs_action on audit_logs(action);
create index idx_audit_logs_created_at on audit_logs(created_at desc);
create index idx_audit_logs_resource on audit_logs(resource_type, resource_id);
-- FIX: login throttling counts recent failures per e-mail and per IP; without these
-- indexes every login attempt would scan the whole (five-year) audit log.
create index idx_audit_logs_failed_login_email on audit_logs((details->>'email'), created_at)
    where action = 'login_failed';
create index idx_audit_logs_failed_login_ip on audit_logs(ip_address, created_at)
    where action = 'login_failed';

-- 6.2 composite indexes -----------------------------------------------------
create index idx_leads_consultant_status_date on leads(consultant_id, status, created_at desc);
create index idx_conversations_lead_flow_completed on conversations(lead_id, flow_id, is_completed);
