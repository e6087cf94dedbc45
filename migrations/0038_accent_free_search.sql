-- Issue #17 (defect 6): search was accent-sensitive ("marcia" did not find "Márcia"), and
-- people type without accents on a phone. Name, profile name and number are searched as one
-- text without accents, lower case, through a trigram index on exactly that expression.
-- `unaccent(text)` is only stable (its dictionary could change), so the indexed function names
-- the dictionary and is declared immutable, the usual wrapper. unaccent is a trusted extension:
-- a database owner without superuser can create it.
create extension if not exists unaccent;

create or replace function search_text(name text, profile_name text, whatsapp_number text)
returns text language sql immutable parallel safe as $$
    select lower(public.unaccent('public.unaccent'::regdictionary,
        coalesce(name, '') || ' ' || coalesce(profile_name, '') || ' ' || coalesce(whatsapp_number, '')))
$$;

-- What a person typed, folded the same way (a LIKE pattern: its escapes are left as they are).
create or replace function search_pattern(typed text) returns text
language sql immutable parallel safe as $$
    select lower(public.unaccent('public.unaccent'::regdictionary, typed))
$$;

drop index idx_leads_search_trgm;
create index idx_leads_search_trgm on leads
    using gin (search_text(name, profile_name, whatsapp_number) gin_trgm_ops);
