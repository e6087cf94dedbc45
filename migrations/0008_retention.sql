-- Section 11 of the seed (retention) and 12.2 (IP anonymisation), as one function the
-- server's maintenance loop calls (the seed planned pg_cron; this needs no extension).
--   * processed webhook events: kept 30 days;
--   * audit logs: kept (5 years minimum), but IP addresses are cut to their network
--     (/24 for IPv4, /48 for IPv6) after 90 days; a shorter mask marks a row as done;
--   * closed accounts (is_active = false): deleted 90 days after closure, with their data;
--     each deletion leaves a `data_deleted` audit row (LGPD asks for deletions to be tracked).
create or replace function apply_retention(
    out webhook_events_deleted bigint,
    out audit_ips_anonymised bigint,
    out consultants_deleted bigint
) as $$
begin
    delete from webhook_events
     where processed and received_at < now() - interval '30 days';
    get diagnostics webhook_events_deleted = row_count;

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
