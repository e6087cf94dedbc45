-- The comparison image (issue #20, the seed's `generated_images`). Per flow, the consultant
-- sets up to six offers (name, price, details), each for everyone or only for leads who gave
-- one answer (an option's value); the image shows the first three that fit the lead.
create table comparison_offers (
    flow_id uuid primary key references flows(id) on delete cascade,
    consultant_id uuid not null references consultants(id) on delete cascade,
    enabled boolean not null default true,
    title varchar(80) not null,
    -- [{"nome", "preco", "detalhes", "para"}], checked by app::domain::comparison.
    offers jsonb not null default '[]',
    updated_at timestamp with time zone not null default now()
);
create index idx_comparison_offers_consultant on comparison_offers (consultant_id);
alter table comparison_offers enable row level security;
alter table comparison_offers force row level security;
create policy "Consultants manage own offers" on comparison_offers
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid())
                and exists (select 1 from flows f where f.id = flow_id
                             and f.created_by = (select auth.uid())));
grant select, insert, update, delete on comparison_offers to consultor_app;

-- One image per completed conversation: queued ('pendente') in the transaction that completes
-- the flow, drawn by the comparisons job outside it, stored as one of the consultant's files
-- (sent like any file) and sent once.
alter table generated_images
    add column conversation_id uuid references conversations(id) on delete cascade,
    add column status varchar(20) not null default 'pronta'
        check (status in ('pendente', 'pronta', 'falhou')),
    add column error text,
    add column file_id uuid references consultant_files(id) on delete set null,
    add column width integer,
    add column height integer,
    add column claimed_at timestamp with time zone;
create unique index generated_images_once_per_conversation on generated_images (conversation_id, template_id)
    where conversation_id is not null;
create index idx_generated_images_pending on generated_images (created_at) where status = 'pendente';
