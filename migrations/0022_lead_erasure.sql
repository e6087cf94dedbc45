-- A lead's right to deletion (LGPD art. 18, issue #10): everything held about one lead goes
-- in one call, including what cascades do not reach. AI answers and generated images only
-- lose their lead when it is deleted (`on delete set null`), yet their prompts and data hold
-- the lead's answers; the raw webhook payloads hold the lead's number, name and words. What
-- the law asks to keep stays: the audit rows (their details emptied), and the server adds a
-- `data_deleted` row without personal data.
--
-- The signed-in consultant's own leads only (`auth.uid()`); webhook events are not tenant
-- rows, hence security definer. Events still waiting to be processed are left alone: they
-- may hold other leads' messages.
create or replace function erase_lead(target uuid) returns boolean
language plpgsql security definer set search_path = public as $$
declare
    me uuid := auth.uid();
    found_lead record;
    needles text[];
begin
    select id, whatsapp_number, whatsapp_id, whatsapp_user_id into found_lead
      from leads where id = target and consultant_id = me;
    if not found then
        return false;
    end if;
    needles := array_remove(array[
        nullif(regexp_replace(coalesce(found_lead.whatsapp_number, ''), '\D', '', 'g'), ''),
        nullif(found_lead.whatsapp_id, ''),
        nullif(found_lead.whatsapp_user_id, '')
    ], null);
    delete from ai_responses
     where consultant_id = me
       and (lead_id = target
            or conversation_id in (select id from conversations where lead_id = target));
    delete from generated_images where lead_id = target;
    delete from webhook_events w
     where w.processed
       and exists (select 1 from unnest(needles) n where strpos(w.payload::text, n) > 0);
    update audit_logs set details = '{}'::jsonb
     where resource_id = target and consultant_id = me;
    -- Conversations, messages, files, notes and the status history go with the lead.
    delete from leads where id = target;
    return true;
end;
$$;
revoke all on function erase_lead(uuid) from public;
grant execute on function erase_lead(uuid) to consultor_app;
