-- A consultant's WhatsApp Business number, connected through Meta's Embedded Signup (issue #7).
-- The consultant authorises the app in Meta's dialog; the server exchanges the code Meta
-- returns for a business token and reads the WhatsApp Business Account and its phone number id
-- from the Graph API with that token. Events are routed by that phone number id only: an id
-- typed into Settings proved nothing (anyone could type a colleague's), so the old column goes
-- and the ids typed there are not carried over.
create table whatsapp_connections (
    consultant_id uuid primary key references consultants(id) on delete cascade,
    waba_id varchar(50) not null,
    phone_number_id varchar(50) not null,
    display_phone_number varchar(30) not null,
    verified_name varchar(255),
    -- The business token Meta gave for this account; sends and downloads use it. Readable by
    -- the privileged path only (see the grants below).
    access_token text not null,
    connected_at timestamp with time zone not null default now(),
    constraint whatsapp_connections_phone_number_id_key unique (phone_number_id)
);

alter table whatsapp_connections enable row level security;
alter table whatsapp_connections force row level security;
create policy "Consultants manage own connection" on whatsapp_connections
    for all to consultor_app
    using (consultant_id = (select auth.uid()))
    with check (consultant_id = (select auth.uid()));
-- The application role sees everything but the token, writes a connection whole and removes
-- it; it never reads a token back.
grant select (consultant_id, waba_id, phone_number_id, display_phone_number, verified_name,
              connected_at),
      insert, delete
    on whatsapp_connections to consultor_app;

-- A closed account's number can be connected by a new account: routing already ignores the
-- closed account, and its connection must not hold the number forever. Row-level security
-- hides other accounts' rows, so this does the one thing needed, and nothing else.
create or replace function release_closed_whatsapp_connection(number_id varchar) returns void
language sql volatile security definer set search_path = public as $$
    delete from whatsapp_connections w
     using consultants c
     where w.phone_number_id = number_id and c.id = w.consultant_id
       and c.is_active is not true
$$;
revoke all on function release_closed_whatsapp_connection(varchar) from public;
grant execute on function release_closed_whatsapp_connection(varchar) to consultor_app;

drop index if exists idx_consultants_phone_number_id;
alter table consultants drop column whatsapp_phone_number_id;
