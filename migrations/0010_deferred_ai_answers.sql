-- AI answers are written after the event that asked for them is committed, not inside it:
-- a provider can take seconds, and the event's transaction holds the lead's conversation
-- lock. The event queues the answer's row (pending, in its place among the replies) with
-- what the answer is about; a worker then writes the text, logs it in ai_responses, clears
-- ai_context and lets the sender deliver it. Nothing later in that conversation is sent
-- before it (see jobs/sender.rs), so the lead reads the messages in order.
alter table messages add column ai_context jsonb;
create index idx_messages_ai_pending on messages(created_at)
    where status = 'pending' and ai_context is not null;
