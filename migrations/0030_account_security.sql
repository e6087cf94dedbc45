-- The account's own security (issue #15).
--
-- Throttling by account + address instead of by account alone: five wrong passwords from a
-- stranger no longer lock the owner out. An attempt made from a browser that signed in to the
-- account before (a "known device", proved by a cookie whose token is kept here only as a
-- hash) is counted in that device's own bucket instead of its address's.
alter table login_attempts add column device_id uuid;
create index idx_login_attempts_device on login_attempts (device_id, created_at desc)
    where device_id is not null;

create table known_devices (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    -- sha256 of the cookie's token.
    token_hash bytea not null unique,
    created_at timestamp with time zone not null default now(),
    last_used_at timestamp with time zone not null default now()
);
create index idx_known_devices_consultant on known_devices (consultant_id);

-- Which consultant each signed-in session belongs to: the session store keeps its data
-- serialized, so "end every other session of this consultant" needs this map. Written at
-- sign-in; a row whose session is gone is harmless and goes with the next password change.
create table consultant_sessions (
    session_id text primary key,
    consultant_id uuid not null references consultants(id) on delete cascade,
    created_at timestamp with time zone not null default now()
);
create index idx_consultant_sessions_consultant on consultant_sessions (consultant_id);
