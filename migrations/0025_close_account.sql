-- Closing one's own account (issue #10): the account stops at once (the bot, the public
-- page and every session check `is_active`), its WhatsApp connection is released, and the
-- retention job deletes everything 90 days later (0008). The application role may not write
-- `is_active` (0016); this does that one thing for the signed-in consultant only.
create or replace function close_own_account() returns timestamp with time zone
language plpgsql security definer set search_path = public as $$
declare
    me uuid := auth.uid();
    closed_at timestamp with time zone := now();
begin
    update consultants set is_active = false, updated_at = closed_at
     where id = me and is_active;
    if not found then
        raise exception 'conta desativada' using errcode = 'insufficient_privilege';
    end if;
    delete from whatsapp_connections where consultant_id = me;
    return closed_at + interval '90 days';
end;
$$;
revoke all on function close_own_account() from public;
grant execute on function close_own_account() to consultor_app;
