-- Issue #7, "accounts under attack".

-- A deactivated (or deleted) account's sessions stop working at once: every tenant
-- transaction starts with auth.enter(), which refuses an account that is not active. The
-- server maps this error to "not signed in".
create or replace function auth.enter(consultant uuid) returns boolean
language plpgsql stable security definer set search_path = public as $$
begin
    if not exists (select 1 from consultants where id = consultant and is_active) then
        raise exception 'conta desativada' using errcode = 'insufficient_privilege';
    end if;
    return true;
end;
$$;
revoke all on function auth.enter(uuid) from public;
grant execute on function auth.enter(uuid) to consultor_app;

-- The application role writes only the columns the UI edits. Row-level security already
-- limits it to the consultant's own row; these keep the settings path (or a bug in it) from
-- touching the plan, the account state, the password or the e-mail.
revoke update on consultants from consultor_app;
grant update (name, bio, crm_number, whatsapp_number, vertical, slug, whatsapp_phone_number_id,
              stale_after_days, profile_image_url)
    on consultants to consultor_app;

-- A consultant's own messages are queued replies: they cannot carry a WhatsApp id (which
-- could take over another message's delivery statuses) nor point `reply_to` at a message of
-- another consultant's conversation. The bot's rows are written on the system path.
revoke insert on messages from consultor_app;
grant insert (consultant_id, conversation_id, direction, content, message_type, status, payload)
    on messages to consultor_app;

-- Text limits held by the database too (the domain types check them first, with a message).
-- A bio counts 200 characters as a person counts them; no more than 800 code points.
alter table consultants add constraint consultants_bio_length check (char_length(bio) <= 800);
