-- WhatsApp intake and the conversation loop (issue #3).

-- Routing: a consultant's Cloud API phone number id, when configured, picks them for events
-- sent to that number (display_phone_number is the fallback).
alter table consultants add column whatsapp_phone_number_id varchar(50);
create unique index idx_consultants_phone_number_id on consultants(whatsapp_phone_number_id)
    where whatsapp_phone_number_id is not null;

-- The durable queue is webhook_events itself: a row is stored before the 200 is sent, and
-- workers claim due rows with FOR UPDATE SKIP LOCKED. next_attempt_at null means "given up,
-- left for inspection" (retry_count reached the maximum); `consultor webhooks replay` resets it.
alter table webhook_events add column next_attempt_at timestamp with time zone default now();
create index idx_webhook_events_due on webhook_events(next_attempt_at)
    where processed = false and next_attempt_at is not null;

-- Outbound messages are written first (pending) and sent after; the sender records the
-- WhatsApp id or the error. FIX: the seed's status list had no state for "not sent yet".
alter table messages drop constraint messages_status_check;
alter table messages add constraint messages_status_check
    check (status in ('pending', 'sent', 'delivered', 'read', 'failed'));
-- Which inbound message a bot reply answers, and its place among the replies: a reply can
-- exist only once per inbound message and position, whatever retries happen.
alter table messages add column reply_to uuid references messages(id) on delete cascade;
alter table messages add column reply_seq smallint;
create unique index idx_messages_reply_once on messages(reply_to, reply_seq)
    where reply_to is not null;
create index idx_messages_pending on messages(created_at) where status = 'pending';
-- The structured form of an outbound message (buttons, list rows) for the sender; content
-- keeps the readable text for the history.
alter table messages add column payload jsonb;

-- One active conversation per lead, enforced by the database (the seed left it to the app).
create unique index idx_conversations_one_active_per_lead on conversations(lead_id)
    where is_completed = false;
alter table conversations add column handed_off_at timestamp with time zone;
alter table conversations add column last_inbound_at timestamp with time zone;
alter table conversations add column reminder_sent_at timestamp with time zone;
