-- Login attempts are reserved before the password is checked (issue #7: 60 simultaneous
-- wrong passwords got 12 checks under a limit of 5, because each request counted the
-- failures and only then, after argon2, recorded its own). A reservation is a row here,
-- taken under a per-e-mail and a per-address advisory lock, so the count a request sees
-- includes every attempt still in flight. The audit trail (login, login_failed) is unchanged.
create table login_attempts (
    id uuid primary key default gen_random_uuid(),
    email varchar(255) not null,
    ip_address inet,
    -- null while the password is being checked; then true or false.
    succeeded boolean,
    created_at timestamp with time zone not null default now()
);
create index idx_login_attempts_email on login_attempts (email, created_at desc);
create index idx_login_attempts_ip on login_attempts (ip_address, created_at desc)
    where ip_address is not null;
create index idx_login_attempts_created on login_attempts (created_at);

-- The retention job (0008) also clears old attempts.
create or replace function apply_retention(
    out webhook_events_deleted bigint,
    out audit_ips_anonymised bigint,
    out consultants_deleted bigint
) as $$
begin
    delete from webhook_events
     where processed and received_at < now() - interval '30 days';
    get diagnostics webhook_events_deleted = row_count;

    -- Login attempts only serve the throttle's window (the audit log keeps the history).
    delete from login_attempts where created_at < now() - interval '1 day';

    update audit_logs
       set ip_address = network(set_masklen(ip_address, case family(ip_address) when 4 then 24 else 48 end))
     where created_at < now() - interval '90 days'
       and ip_address is not null
       and masklen(ip_address) = case family(ip_address) when 4 then 32 else 128 end;
    get diagnostics audit_ips_anonymised = row_count;

    with gone as (
        delete from consultants
         where is_active = false and updated_at < now() - interval '90 days'
        returning id
    )
    insert into audit_logs (action, resource_type, resource_id, details)
    select 'data_deleted', 'consultant', id, '{"reason": "retention_90_days"}' from gone;
    get diagnostics consultants_deleted = row_count;
end;
$$ language plpgsql;
