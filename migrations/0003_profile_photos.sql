-- Profile photos uploaded in Settings. Kept in the database (not on local disk) so that
-- every server instance can serve them and a backup holds them; consultants.profile_image_url
-- points at the route that serves this row. Not in the seed, which assumed an object store.
create table consultant_photos (
    consultant_id uuid primary key references consultants(id) on delete cascade,
    content_type varchar(50) not null check (content_type in ('image/jpeg', 'image/png', 'image/webp')),
    bytes bytea not null check (octet_length(bytes) between 1 and 2097152),
    updated_at timestamp with time zone default now()
);
create trigger update_consultant_photos_updated_at
    before update on consultant_photos
    for each row execute function update_updated_at_column();
