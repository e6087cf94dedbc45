-- "Esqueci minha senha" (issue #15). Every request is a row, whether or not an account has
-- the e-mail (the page answers the same either way): the throttle counts them per e-mail and
-- per address. A request for an account gets a token: 32 random bytes sent by e-mail, kept
-- here only as their SHA-256, valid for 30 minutes and once (`used_at`). A system table: no
-- consultant reads it; the server writes it on the privileged path.
create table password_resets (
    id uuid primary key default gen_random_uuid(),
    email varchar(255) not null,
    ip_address inet,
    consultant_id uuid references consultants(id) on delete cascade,
    token_hash bytea unique,
    created_at timestamp with time zone not null default now(),
    expires_at timestamp with time zone not null default now() + interval '30 minutes',
    used_at timestamp with time zone
);
create index idx_password_resets_email on password_resets (email, created_at desc);
create index idx_password_resets_ip on password_resets (ip_address, created_at desc)
    where ip_address is not null;
create index idx_password_resets_created on password_resets (created_at);
