-- An AI answer being written is claimed by a timestamp, not by a row lock held across the
-- call to the AI provider (no transaction stays open across an outside HTTP call). A claim
-- older than the lease belongs to a worker that stopped: another takes the answer over (the
-- answer goes to the lead only once it is written, so composing it twice sends nothing twice).
alter table messages add column ai_claimed_at timestamp with time zone;
