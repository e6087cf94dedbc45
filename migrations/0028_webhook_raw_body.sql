-- Issue #15: one bad field lost a whole delivery. The body is now stored as it came (after
-- its signature is verified), beside the payload PostgreSQL can hold: jsonb refuses the NUL
-- character and unpaired surrogates, so those are replaced in `payload` (see
-- src/webhooks/clean.rs) while `raw_body` keeps the original bytes for inspection.
alter table webhook_events add column raw_body bytea;

-- Which consultants an event's messages and statuses belonged to, written when it is
-- processed: a lead's erasure reaches only events of that lead's consultant (a delivery can
-- carry several accounts' messages, and two consultants can have leads with the same number).
alter table webhook_events add column consultant_ids uuid[] not null default '{}';
