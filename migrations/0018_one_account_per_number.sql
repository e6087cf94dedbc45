-- Who owns a WhatsApp number (issue #7). Events are routed by the phone number id a
-- consultant connected, or, in the sandbox (no Meta credentials), by the display number. A
-- WhatsApp number belongs to one active account: sign-up and settings refuse a number another
-- active account has, so nobody can take a colleague's leads (or stop them) by typing their
-- number first; and the router refuses to choose between claimants left from before.
-- Settings run under row-level security, which hides other accounts: this answers the one
-- question they need, and nothing else.
create or replace function whatsapp_number_taken(number varchar, asker uuid) returns boolean
language sql stable security definer set search_path = public as $$
    select exists (
        select 1 from consultants
         where whatsapp_number = number and is_active and id is distinct from asker)
$$;
revoke all on function whatsapp_number_taken(varchar, uuid) from public;
grant execute on function whatsapp_number_taken(varchar, uuid) to consultor_app;
