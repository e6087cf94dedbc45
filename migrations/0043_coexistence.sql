-- Issue #18 (part 1): a number can be connected with the WhatsApp Business app kept on the
-- consultant's phone (Meta's coexistence onboarding): the app and the API share it, and the
-- phone's messages arrive as echoes. Recorded per connection, for the settings page and for
-- support (such a number is never registered with a PIN).
alter table whatsapp_connections add column coexistence boolean not null default false;
grant select (coexistence) on whatsapp_connections to consultor_app;
