-- WhatsApp identities as Meta sends them in 2026 (issue #7).
--
-- Brazil's ninth digit: WhatsApp writes many Brazilian mobiles without it (55 + DDD + 8
-- digits). A lead's `whatsapp_number` is now the number as a person dials it (with the
-- ninth digit), so one person is one lead however WhatsApp writes them; `whatsapp_id` keeps
-- WhatsApp's own id, the address replies go to.
alter table leads add column whatsapp_id varchar(32);
update leads set whatsapp_id = regexp_replace(whatsapp_number, '\D', '', 'g');

-- Existing leads written without the ninth digit get it, unless the same consultant already
-- has the number with it (such a pair is left as it was, for the consultant to see).
with without_nine as (
    select id, consultant_id,
           '+55' || substr(d, 3, 2) || '9' || substr(d, 5) as canonical
      from (select id, consultant_id, regexp_replace(whatsapp_number, '\D', '', 'g') as d
              from leads) x
     where length(d) = 12 and d like '55%'
       and substr(d, 3, 2) in ('11','12','13','14','15','16','17','18','19','21','22','24','27',
           '28','31','32','33','34','35','37','38','41','42','43','44','45','46','47','48','49',
           '51','53','54','55','61','62','63','64','65','66','67','68','69','71','73','74','75',
           '77','79','81','82','83','84','85','86','87','88','89','91','92','93','94','95','96',
           '97','98','99')
       and substr(d, 5, 1) in ('6', '7', '8', '9')
)
update leads l set whatsapp_number = w.canonical
  from without_nine w
 where l.id = w.id
   and not exists (select 1 from leads o
                    where o.consultant_id = w.consultant_id and o.whatsapp_number = w.canonical);

-- WhatsApp usernames: every message carries a business-scoped user id (BSUID), and a lead
-- who uses a username may arrive with no phone number at all. A lead is then known by the
-- BSUID alone, and is recognised by either identity when it comes back.
alter table leads add column whatsapp_user_id varchar(128);
alter table leads alter column whatsapp_number drop not null;
alter table leads add constraint leads_has_an_identity
    check (whatsapp_number is not null or whatsapp_user_id is not null);
create unique index idx_leads_whatsapp_user on leads (consultant_id, whatsapp_user_id)
    where whatsapp_user_id is not null;
-- The search index's expression, now that the number may be missing (a null would hide the
-- lead's name from the search too).
drop index idx_leads_search_trgm;
create index idx_leads_search_trgm on leads using gin (
    (coalesce(name, '') || ' ' || coalesce(profile_name, '') || ' ' || coalesce(whatsapp_number, '')) gin_trgm_ops);
