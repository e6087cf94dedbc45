-- Two-step sign-in with an authenticator app (issue #15): after the password, a 6-digit code
-- that changes every 30 seconds (TOTP, RFC 6238), or one of ten single-use recovery codes.
-- Account security, like the login throttle: read and written only on the privileged path
-- (the server checks the signed-in consultant itself), never through the tenant role.
alter table consultants add column totp_secret bytea;
alter table consultants add column totp_enabled_at timestamp with time zone;
-- The last 30-second step a code was accepted for: a code works once.
alter table consultants add column totp_last_step bigint;

create table recovery_codes (
    id uuid primary key default gen_random_uuid(),
    consultant_id uuid not null references consultants(id) on delete cascade,
    -- sha256 of the code (ten random letters and digits: no slow hash needed).
    code_hash bytea not null,
    used_at timestamp with time zone,
    created_at timestamp with time zone not null default now()
);
create index idx_recovery_codes_consultant on recovery_codes (consultant_id);
