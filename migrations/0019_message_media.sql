-- Media a lead sends (issue #7): the media id, type, caption and file name are kept with the
-- message at once; the file itself is downloaded from the Graph API (Meta keeps it for 7 days)
-- and kept here, up to a size limit, so the consultant can open it from the lead page later.
-- In the sandbox (no Meta credentials) nothing is downloaded and the page says so.
alter table messages add constraint messages_id_consultant_key unique (id, consultant_id);

create table message_media (
    message_id uuid primary key,
    consultant_id uuid not null references consultants(id) on delete cascade,
    media_id varchar(255) not null,
    kind varchar(20) not null check (kind in ('image', 'audio', 'video', 'document', 'sticker')),
    mime_type varchar(255),
    caption text,
    filename varchar(255),
    bytes bytea,
    size_bytes integer,
    fetched_at timestamp with time zone,
    -- Why the file is not here (too large, expired, refused by Meta); no further attempts.
    fetch_error text,
    -- A download under way since then (a lease: a worker that stops leaves it to another).
    fetch_claimed_at timestamp with time zone,
    created_at timestamp with time zone not null default now(),
    foreign key (message_id, consultant_id) references messages (id, consultant_id) on delete cascade
);
create index idx_message_media_to_fetch on message_media (created_at)
    where bytes is null and fetch_error is null;

alter table message_media enable row level security;
alter table message_media force row level security;
create policy "Consultants can view own media" on message_media
    for select to consultor_app using (consultant_id = (select auth.uid()));
grant select on message_media to consultor_app;
