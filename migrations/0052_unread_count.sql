-- The navigation's count of unread leads (issue #19): the leads that wrote after the
-- consultant last opened them, counted from an index of those only (a consultant with
-- 100,000 leads and 30 unread reads 30 index entries, not 100,000 rows).
create index idx_leads_unread on leads (consultant_id)
    where last_inbound_at > coalesce(seen_at, '-infinity'::timestamptz);
