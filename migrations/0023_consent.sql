-- Consent on WhatsApp (LGPD, issue #10). A lead who writes SAIR, PARAR or CANCELAR is opted
-- out until they write VOLTAR: the bot confirms once and then never writes (no flow, no
-- reminders, no AI answers). The first reply of a conversation carries a privacy notice; when
-- it went out and when the lead wrote again after reading it (the acknowledgement) are kept.
alter table leads add column opted_out_at timestamp with time zone;
alter table leads add column privacy_notice_at timestamp with time zone;
alter table leads add column privacy_ack_at timestamp with time zone;
