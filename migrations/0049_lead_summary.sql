-- The lead's summary at the top of its page (issue #19): written by the AI provider (or the
-- built-in writer from the answers) outside any transaction, by the summaries job, for the
-- leads `summary_due_at` marks: a finished flow, answers changed after a summary, a
-- consultant opening a lead that has none. A summary is stored only while the answers are
-- still the ones it was written from.
alter table leads add column summary text;
alter table leads add constraint leads_summary_length check (char_length(summary) <= 600);
alter table leads add column summary_source text;
alter table leads add constraint leads_summary_source
    check (summary_source is null or summary_source in ('ia', 'respostas'));
alter table leads add column summary_at timestamp with time zone;
alter table leads add column summary_due_at timestamp with time zone;
create index idx_leads_summary_due on leads (summary_due_at) where summary_due_at is not null;
