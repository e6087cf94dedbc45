-- Issue #17 (defect 5): changing the profile address in Settings turned the old link into a
-- 404, and leads have it in ads, bios and old messages. Every address a profile gave up is
-- kept here and redirects (301) to the one it has now. A live address always wins: when
-- another consultant takes an old one, it is theirs. Written by a trigger, so that no path
-- that changes a slug can forget it; security definer, as the application role (which saves
-- Settings) has no rights on this system table.
create table slug_history (
    slug varchar(100) primary key,
    consultant_id uuid not null references consultants(id) on delete cascade,
    replaced_at timestamp with time zone not null default now()
);
create index idx_slug_history_consultant on slug_history (consultant_id);

create or replace function remember_old_slug() returns trigger
language plpgsql security definer set search_path = public as $$
begin
    insert into slug_history (slug, consultant_id) values (old.slug, old.id)
    on conflict (slug) do update
        set consultant_id = excluded.consultant_id, replaced_at = now();
    -- Back to an address it had before: no longer an old one.
    delete from slug_history where slug = new.slug and consultant_id = new.id;
    return new;
end;
$$;
revoke all on function remember_old_slug() from public;

create trigger consultants_slug_history
    after update of slug on consultants
    for each row when (old.slug is distinct from new.slug)
    execute function remember_old_slug();
