-- The sender claims, commits, calls the Graph API, and records the outcome in a short
-- transaction of its own (issue #7). No transaction is open during the HTTP call, so a crash
-- or a lost connection cannot roll back a `sent` mark and send the message again.
--
-- A claim is a row per conversation, not a status on the message: the message row is then
-- written once (pending -> sent) as before, instead of twice through every index of
-- `messages`, and "one claim per conversation" (the primary key) is what keeps a lead's
-- messages in order whatever the number of senders and server instances.
-- No foreign key on purpose: a claim lives for one pass, and a conversation deleted meanwhile
-- only leaves a row that the lease clears.
create table send_claims (
    conversation_id uuid primary key,
    -- The sender's pass that holds it: its statements name their claims by this one value
    -- (a scalar parameter, so PostgreSQL plans them once, not on every pass).
    claimed_by uuid not null,
    -- A claim covers its conversation's messages queued up to this moment (and up to the
    -- first AI answer still being written): after a crash, those are the ones whose outcome
    -- is unknown.
    claimed_at timestamp with time zone not null default now()
);
create index idx_send_claims_claimed_by on send_claims (claimed_by);
create index idx_send_claims_claimed_at on send_claims (claimed_at);

-- unknown: the call's outcome was never learned (no answer, or the server stopped while it
-- was under way). Never sent again on its own: the consultant checks it.
alter table messages drop constraint messages_status_check;
alter table messages add constraint messages_status_check
    check (status in ('pending', 'sent', 'delivered', 'read', 'failed', 'unknown'));

-- "Is there an earlier pending message in this conversation": the head of each queue.
create index idx_messages_pending_by_conversation on messages (conversation_id, created_at, reply_seq)
    where status = 'pending' and direction = 'outbound';

-- Meta's status for a message can arrive before the sender has recorded that message's
-- WhatsApp id (the answer to the send and the webhook race). It waits here and is applied
-- when the id is recorded; what never matches is removed after a day.
create table early_statuses (
    wa_message_id varchar(255) not null,
    status varchar(20) not null check (status in ('sent', 'delivered', 'read', 'failed')),
    error text,
    received_at timestamp with time zone not null default now(),
    primary key (wa_message_id, status)
);
create index idx_early_statuses_received on early_statuses (received_at);
