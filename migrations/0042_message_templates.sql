-- Issue #18 (part 2): WhatsApp message templates. Outside the 24-hour window a lead can only be
-- written to with a template Meta approved. The consultant writes one in the app (`/modelos`);
-- a job submits it to Meta on the consultant's connected business account
-- (`POST /{waba_id}/message_templates`, never inside a transaction); its review arrives by
-- webhook (`message_template_status_update`, `template_category_update`,
-- `message_template_quality_update`) and is shown with Meta's reason. On a server without a
-- Meta app (the sandbox) a template is approved at once, and says so.
create table message_templates (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    -- Meta's rules: lowercase letters, digits and underscores; unique per language in the
    -- business account (here: per consultant, who has one account).
    name varchar(512) not null check (name ~ '^[a-z0-9_]+$'),
    language varchar(10) not null default 'pt_BR',
    category varchar(20) not null check (category in ('utility', 'marketing')),
    header_text varchar(60),
    body varchar(1024) not null,
    footer_text varchar(60),
    -- [{"kind": "quick_reply", "text": "..."} | {"kind": "url", "text": "...", "url": "https://..."}]
    buttons jsonb not null default '[]',
    -- One per {{n}} of the body, in order, then the header's: {"source": "...", "example": "..."}
    -- (see app::domain::template::VariableSource).
    variables jsonb not null default '[]',
    header_variable jsonb,
    -- enviando: waiting for the job to submit it; em_analise: Meta is reviewing it.
    status varchar(20) not null default 'enviando'
        check (status in ('enviando', 'em_analise', 'aprovado', 'rejeitado', 'pausado',
                          'desativado', 'erro')),
    -- Meta's reason (a rejection, a pause), or why the submission failed, in words.
    status_reason text,
    -- GREEN / YELLOW / RED from Meta's quality updates.
    quality varchar(20),
    meta_template_id varchar(64),
    -- A submission under way (a lease: a job that stops leaves it to another after a while).
    submit_claimed_at timestamp with time zone,
    -- Whether this one came from the ready library (its key), for the page.
    library_key varchar(60),
    created_at timestamp with time zone not null default now(),
    updated_at timestamp with time zone not null default now(),
    constraint message_templates_name_key unique (consultant_id, name, language)
);
create index idx_message_templates_list on message_templates (consultant_id, created_at desc);
-- Meta's webhooks name a template by its id only.
create unique index idx_message_templates_meta_id on message_templates (meta_template_id)
    where meta_template_id is not null;
-- The submission job's queue: tiny.
create index idx_message_templates_to_submit on message_templates (created_at)
    where status = 'enviando';
create trigger update_message_templates_updated_at
    before update on message_templates
    for each row execute function update_updated_at_column();

alter table message_templates enable row level security;
alter table message_templates force row level security;
create policy "Consultants manage own templates" on message_templates
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
grant select, insert, delete on message_templates to consultor_app;
-- The application only retries a failed submission; reviews are written by the webhook side.
grant update (status, status_reason, submit_claimed_at) on message_templates to consultor_app;

-- A template sent is a message of its own type (the history shows it as such; its payload
-- names the template and its values).
alter table messages drop constraint messages_message_type_check;
alter table messages add constraint messages_message_type_check
    check (message_type in ('text', 'image', 'button', 'list', 'template'));
