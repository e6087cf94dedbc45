//! Integration tests: the real server against a real PostgreSQL.
//! `TEST_DATABASE_URL` (or `DATABASE_URL`) names a role that may create databases;
//! `make test` starts a throwaway cluster and sets it.

mod account_close;
mod accounts;
mod ai_answers;
mod backup;
mod consent;
mod conversation;
mod crash_recovery;
mod dashboard;
mod delivery;
mod escaping;
mod flows;
mod graph_api;
mod handler_door;
mod helpers;
mod hostile_forms;
mod hostile_payloads;
mod identities;
mod lead_replies;
mod lead_rights;
mod leads;
mod limits_and_reminders;
mod logs;
mod media;
mod metrics;
mod pages;
mod password_change;
mod password_reset;
mod query_plans;
mod rls;
mod sessions;
mod settings;
mod support;
mod two_factor;
mod webhooks;
mod whatsapp_connect;
