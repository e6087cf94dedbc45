-- Monitoring (issue #21): `/metrics` counts the messages whose fate is unknown (the call to
-- WhatsApp never answered) at every scrape; without this index that count read the whole
-- messages table.
create index idx_messages_unknown on messages(created_at) where status = 'unknown';
