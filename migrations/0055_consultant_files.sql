-- Files the consultant sends (issue #20): an image or document attached to a reply, and the
-- small library of files sent often (a price table, a brochure). Each is stored once, with
-- the type read from its bytes; a message that sends it names it in its payload
-- (`{"kind": "file", "file": <id>, ...}`). The sender uploads it to the Graph API's media
-- endpoint outside any transaction and keeps Meta's media id (valid 30 days) for the next
-- send of the same file on the same number. Every stored file counts against the plan's
-- storage limit (`app::domain::attachment::storage_limit`).
create table consultant_files (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    name varchar(255) not null check (char_length(name) between 1 and 255),
    mime_type varchar(100) not null,
    kind varchar(10) not null check (kind in ('image', 'document')),
    size_bytes integer not null check (size_bytes > 0),
    bytes bytea not null,
    -- Offered in the reply box's list and in Settings; otherwise kept for the conversation.
    in_library boolean not null default false,
    wa_media_id varchar(255),
    wa_media_phone_id varchar(64),
    wa_media_at timestamp with time zone,
    created_at timestamp with time zone not null default now()
);
create index idx_consultant_files_library on consultant_files (consultant_id, created_at desc)
    where in_library;
create index idx_consultant_files_consultant on consultant_files (consultant_id);

alter table consultant_files enable row level security;
alter table consultant_files force row level security;
create policy "Consultants manage own files" on consultant_files
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
grant select, insert, delete on consultant_files to consultor_app;
grant update (name, in_library) on consultant_files to consultor_app;

-- A message that sends one of these files is a document (an image keeps 'image').
alter table messages drop constraint messages_message_type_check;
alter table messages add constraint messages_message_type_check
    check (message_type in ('text', 'image', 'button', 'list', 'template', 'document'));
