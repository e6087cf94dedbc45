-- Drafts and published versions of a consultant's flows (issue #8). `flows.definition` is
-- the published version `flows.version`, which new conversations use; `flows.draft` is what
-- the consultant is editing (null: nothing unpublished). Every published version is kept in
-- `flow_versions` (who published it and when), so any of them can be read or restored as
-- the draft, and a conversation keeps running the version it started with.
alter table flows add column draft jsonb;
alter table flows add constraint flows_draft_object
    check (draft is null or jsonb_typeof(draft) = 'object');

create table flow_versions (
    flow_id uuid not null references flows(id) on delete cascade,
    version integer not null,
    definition jsonb not null,
    published_by uuid references consultants(id) on delete set null,
    published_at timestamp with time zone not null default now(),
    primary key (flow_id, version)
);
alter table flow_versions enable row level security;
alter table flow_versions force row level security;
-- Readable with its flow (templates' versions are everyone's); written with an own flow.
create policy "Versions of visible flows" on flow_versions
    for select to consultor_app
    using (exists (select 1 from flows f where f.id = flow_id
                    and (f.is_template or f.created_by = (select auth.uid()))));
create policy "Consultants publish own flows" on flow_versions
    for insert to consultor_app
    with check (exists (select 1 from flows f where f.id = flow_id
                         and not f.is_template and f.created_by = (select auth.uid()))
                and published_by = (select auth.uid()));
grant select, insert on flow_versions to consultor_app;

-- What every flow has published so far is its first kept version.
insert into flow_versions (flow_id, version, definition, published_by, published_at)
select id, coalesce(version, 1), definition, created_by, coalesce(updated_at, created_at, now())
  from flows;

-- The version a conversation runs (null: from before versions, the flow's current one).
alter table conversations add column flow_version integer;
