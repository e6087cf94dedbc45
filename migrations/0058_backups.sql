-- Backups (issue #21): one row per copy made, by the server's schedule or by hand. The row
-- counts are taken in the copy's own snapshot, so a restore drill can compare them exactly.
-- A system table: consultor_app has no grant on it.
create table backups (
    id uuid primary key default gen_random_uuid(),
    kind varchar(10) not null check (kind in ('daily', 'weekly', 'manual')),
    object_key text not null,
    -- São Paulo's date of the copy (one daily and one weekly a day at most).
    day date not null,
    started_at timestamp with time zone not null default now(),
    finished_at timestamp with time zone,
    bytes bigint,
    row_counts jsonb,
    error text
);
create unique index idx_backups_one_a_day on backups (kind, day)
    where kind <> 'manual' and error is null;
create index idx_backups_finished on backups (finished_at desc) where error is null;
revoke all on backups from public;
