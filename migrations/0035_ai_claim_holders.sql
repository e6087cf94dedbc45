-- Issue #15, the same class as 0031: an AI answer being written is claimed by a timestamp,
-- and a worker that died mid-call left it (and every later message of its conversation,
-- held behind it) for the whole two-minute lease. The claim now names its holder, the key of
-- the process's liveness lock (src/jobs/sender.rs): a claim whose holder's lock is gone is
-- taken over at once. Composing an answer twice sends nothing twice (it goes out only once
-- written), so taking over early is always safe. Null: no holder recorded (lease only).
alter table messages add column ai_claimed_by bigint;
-- The archive keeps the same columns, in the same order (retention copies `messages.*`).
alter table messages_archive add column ai_claimed_by bigint;
