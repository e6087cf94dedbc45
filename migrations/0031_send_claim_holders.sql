-- Issue #15: after a crash mid-send, the dead process's claims blocked their conversations
-- for the whole 10-minute lease (replies to new messages included), and then every message a
-- claim covered became "unknown", even those never handed to WhatsApp (a lead never got the
-- name question).
--
-- `holder`: the key of a session-level advisory lock that the sending process holds on a
-- connection of its own for as long as it lives (see src/jobs/sender.rs). PostgreSQL drops the
-- lock the moment that process dies (its connections close), so a claim whose holder's lock
-- is gone is a dead sender's, recognised in seconds instead of at the lease. Null: no holder
-- recorded (only the lease applies).
-- `attempted`: the claimed messages whose Graph API call may have started, written before
-- each call. Only those become "unknown" when a claim is abandoned; the rest go back to the
-- queue and are sent by the next pass.
alter table send_claims add column holder bigint;
alter table send_claims add column attempted uuid[] not null default '{}';
