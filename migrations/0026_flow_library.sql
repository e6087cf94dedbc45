-- The consultant's flows (issue #8, first part): exactly one live own flow per consultant,
-- held by the database (two "make live" at once cannot leave two), and archiving for flows
-- that conversations used (the seed's ON DELETE RESTRICT keeps those from being deleted).
-- Without a live own flow, the vertical's template runs (`leads::current_flow`).

-- Accounts that already have several live own flows keep the newest (the one
-- `current_flow` was already choosing).
update flows f set is_active = false
 where not f.is_template and f.is_active
   and exists (select 1 from flows g
                where g.created_by = f.created_by and not g.is_template and g.is_active
                  and (g.updated_at, g.id) > (f.updated_at, f.id));
create unique index idx_flows_one_live_per_consultant on flows (created_by)
    where is_active and not is_template;

alter table flows add column archived_at timestamp with time zone;
alter table flows add constraint flows_archived_not_live
    check (archived_at is null or not is_active or is_template);
