-- Voice notes are heard (issue #20). An audio a lead sends is transcribed by an
-- OpenAI-compatible speech-to-text API once its file is downloaded, outside any transaction
-- (jobs/voice.rs); the transcript is kept with the file, and becomes the message's text.
alter table message_media
    -- 'pendente': to transcribe; 'transcrito': `transcript` holds it; 'falhou': why in
    -- `transcript_error` (no provider, the file or the provider failed). Null: not an audio.
    add column transcript_status varchar(20)
        check (transcript_status in ('pendente', 'transcrito', 'falhou')),
    add column transcript text,
    add column transcript_error text,
    add column transcribed_at timestamp with time zone,
    -- A transcription under way since then (a lease: a worker that stops leaves it to another).
    add column transcribe_claimed_at timestamp with time zone;
create index idx_message_media_to_transcribe on message_media (created_at)
    where transcript_status = 'pendente';

-- The bot's turns that wait for a voice note to be heard, in the order the lead wrote: an
-- audio's turn waits for its transcript, and any message of that conversation that arrives
-- meanwhile waits behind it (a typed answer must not overtake the spoken one before it).
-- `inbound` is the message as the engine takes it (jobs/pending_turns.rs). System work only:
-- no policy and no grant for the app's role.
create table pending_turns (
    message_id uuid primary key,
    consultant_id uuid not null references consultants(id) on delete cascade,
    conversation_id uuid not null references conversations(id) on delete cascade,
    inbound jsonb not null,
    -- The clock, not the transaction's start: two messages of one event keep their order.
    created_at timestamp with time zone not null default clock_timestamp(),
    foreign key (message_id, consultant_id) references messages (id, consultant_id) on delete cascade
);
create index idx_pending_turns_conversation on pending_turns (conversation_id, created_at, message_id);
create index idx_pending_turns_created on pending_turns (created_at);
alter table pending_turns enable row level security;
alter table pending_turns force row level security;
