-- Issue #15: erasing one consultant's lead deleted every processed webhook event that
-- mentioned the same number, other consultants' included (two consultants can each have a
-- lead with one number, and one delivery can carry several accounts' messages). Events now
-- record whose messages they held (`consultant_ids`, 0028), and erasure takes:
-- - whole, the events that held only this consultant's messages, or nobody's known (a status
--   for no message of ours, a message to an unknown number);
-- - from an event that also held other accounts' messages, only the changes sent to this
--   consultant's number that mention the lead, and the raw body (which holds everything as it
--   came, so it cannot be kept in part).
-- Events processed before 0028 have no owners recorded and are taken whole, as before.
create index idx_webhook_events_consultants on webhook_events using gin (consultant_ids)
    where processed;

create or replace function erase_lead(target uuid) returns boolean
language plpgsql security definer set search_path = public as $$
declare
    me uuid := auth.uid();
    found_lead record;
    needles text[];
    my_numbers text[];
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
       and w.consultant_ids <@ array[me]
       and exists (select 1 from unnest(needles) n where strpos(w.payload::text, n) > 0);

    -- The numbers this consultant's messages arrive on: the connected number's id, and the
    -- display number (digits), as in each change's metadata.
    my_numbers := array_remove(array[
        (select w.phone_number_id::text from whatsapp_connections w where w.consultant_id = me),
        (select nullif(regexp_replace(c.whatsapp_number, '\D', '', 'g'), '')
           from consultants c where c.id = me)
    ], null);
    update webhook_events w
       set raw_body = null,
           payload = jsonb_set(w.payload, '{entry}', coalesce((
               select jsonb_agg(case when jsonb_typeof(e -> 'changes') = 'array'
                   then jsonb_set(e, '{changes}', coalesce((
                       select jsonb_agg(c) from jsonb_array_elements(e -> 'changes') c
                        where not (
                              (c #>> '{value,metadata,phone_number_id}' = any(my_numbers)
                               or regexp_replace(coalesce(c #>> '{value,metadata,display_phone_number}', ''),
                                                 '\D', '', 'g') = any(my_numbers))
                              and exists (select 1 from unnest(needles) n where strpos(c::text, n) > 0))
                   ), '[]'::jsonb))
                   else e end)
                 from jsonb_array_elements(w.payload -> 'entry') e), '[]'::jsonb))
     where w.processed
       and w.consultant_ids && array[me]
       and not (w.consultant_ids <@ array[me])
       and jsonb_typeof(w.payload -> 'entry') = 'array'
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
