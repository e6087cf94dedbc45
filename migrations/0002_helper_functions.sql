-- Section 4 of the seed: generate_slug and log_audit_event.

-- FIX: the seed's version strips every non-ASCII letter ("João Conceição" became
-- "joo-conceio"). Accents are folded first, runs of separators collapse into one hyphen,
-- leading/trailing hyphens go, an empty result falls back to "consultor", and the base is
-- cut so that a numeric suffix still fits in varchar(100).
create or replace function generate_slug(input_name text)
returns text as $$
declare
    base_slug text;
    final_slug text;
    counter integer := 1;
begin
    -- Upper-case accented letters are listed too: lower() leaves them alone under the C locale.
    base_slug := lower(translate(
        coalesce(input_name, ''),
        'áàâãäåāéèêëēíìîïīóòôõöøōúùûüūçñýÿÁÀÂÃÄÅĀÉÈÊËĒÍÌÎÏĪÓÒÔÕÖØŌÚÙÛÜŪÇÑÝ',
        'aaaaaaaeeeeeiiiiiooooooouuuuucnyyaaaaaaaeeeeeiiiiiooooooouuuuucny'
    ));
    base_slug := regexp_replace(base_slug, '[^a-z0-9\s-]', '', 'g');
    base_slug := regexp_replace(base_slug, '[\s-]+', '-', 'g');
    base_slug := trim(both '-' from left(trim(both '-' from base_slug), 80));
    if base_slug = '' then
        base_slug := 'consultor';
    end if;

    final_slug := base_slug;
    while exists (select 1 from consultants where slug = final_slug) loop
        final_slug := base_slug || '-' || counter;
        counter := counter + 1;
    end loop;

    return final_slug;
end;
$$ language plpgsql;

-- FIX: the seed's helper cannot record the IP address and user agent that the audit_logs
-- table has columns for (and that LGPD audits ask for); both are optional parameters here.
create or replace function log_audit_event(
    p_consultant_id uuid,
    p_action varchar(50),
    p_resource_type varchar(50) default null,
    p_resource_id uuid default null,
    p_details jsonb default '{}',
    p_ip_address inet default null,
    p_user_agent text default null
)
returns void as $$
begin
    insert into audit_logs (consultant_id, action, resource_type, resource_id, details, ip_address, user_agent)
    values (p_consultant_id, p_action, p_resource_type, p_resource_id, p_details, p_ip_address, p_user_agent);
end;
$$ language plpgsql;
