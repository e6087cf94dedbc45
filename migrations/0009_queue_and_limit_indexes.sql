-- Indexes for the webhook hot path, found with pg_stat_statements under `make bench`.
--
-- The monthly new-lead limit counts one consultant's leads since the start of the São Paulo
-- month; with this index that is a short range scan that stops at the limit, instead of a
-- pass over every lead the consultant ever had.
create index idx_leads_consultant_created on leads(consultant_id, created_at);
