-- Retention as the seed describes it, every rule enforced by the maintenance job (issue #10):
--   * webhook events: processed ones after 30 days (0008), and now failed ones too (given up
--     after their retries and not replayed) 30 days after they arrived;
--   * messages older than 2 years move to `messages_archive` (seed §11.2); the lead page
--     still shows them, marked archived. A bot reply goes with the message it answers, so
--     no cascade (`reply_to`) takes a message that was not archived. Files a lead sent are
--     kept for as long as their message is not archived;
--   * audit IPs cut after 90 days, closed accounts deleted after 90 days (0008).
create table messages_archive (like messages including defaults);
alter table messages_archive add primary key (id);
alter table messages_archive
    add constraint messages_archive_consultant_fk
        foreign key (consultant_id) references consultants (id) on delete cascade,
    add constraint messages_archive_conversation_fk
        foreign key (conversation_id) references conversations (id) on delete cascade;
create index idx_messages_archive_conversation on messages_archive (conversation_id, created_at desc, id desc);
create index idx_messages_archive_consultant on messages_archive (consultant_id);

alter table messages_archive enable row level security;
alter table messages_archive force row level security;
create policy "Consultants can view own archived messages" on messages_archive
    for select to consultor_app using (consultant_id = (select auth.uid()));
grant select on messages_archive to consultor_app;

drop function apply_retention();
create function apply_retention(
    out webhook_events_deleted bigint,
    out audit_ips_anonymised bigint,
    out consultants_deleted bigint,
    out messages_archived bigint
) as $$
begin
    delete from webhook_events
     where received_at < now() - interval '30 days'
       and (processed or next_attempt_at is null);
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

    -- Old messages with the replies to them, whatever the replies' own age.
    create temporary table archiving on commit drop as
    select m.id from messages m
     where m.created_at < now() - interval '2 years' and m.status <> 'pending'
       and (m.reply_to is null
            or exists (select 1 from messages o where o.id = m.reply_to
                        and o.created_at < now() - interval '2 years'))
    union
    select r.id from messages r join messages o on o.id = r.reply_to
     where o.created_at < now() - interval '2 years';
    insert into messages_archive select m.* from messages m where m.id in (select id from archiving);
    get diagnostics messages_archived = row_count;
    delete from messages where id in (select id from archiving);
    drop table archiving;
end;
$$ language plpgsql;
