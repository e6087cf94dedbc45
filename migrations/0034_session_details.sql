-- Settings › "Sessões abertas" (issue #15): each signed-in session with the browser and the
-- network it signed in from, ended one by one or all but this one. The session's id is its
-- cookie's secret and never reaches a page: rows are named by `id` instead.
alter table consultant_sessions add column id uuid not null default gen_random_uuid();
create unique index idx_consultant_sessions_id on consultant_sessions (id);
alter table consultant_sessions add column user_agent text;
alter table consultant_sessions add column ip_address inet;
