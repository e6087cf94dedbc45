-- Issue #17 (defect 1): a reply tapped twice reached the lead twice. Each rendered reply and
-- note form carries a token of its own (a UUID); the row it creates keeps it, and a second
-- row with the same token is refused by the database (the second post, a double tap, a
-- resubmission after the back button, changes nothing and answers like the first).
alter table messages add column form_token uuid;
create unique index idx_messages_form_token on messages (consultant_id, form_token)
    where form_token is not null;
grant insert (form_token) on messages to consultor_app;
-- The archive keeps the same columns, in the same order (retention copies `messages.*`).
alter table messages_archive add column form_token uuid;

alter table lead_notes add column form_token uuid;
create unique index idx_lead_notes_form_token on lead_notes (consultant_id, form_token)
    where form_token is not null;
