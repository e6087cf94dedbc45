-- Issue #18 (part 4): what each message costs. Meta bills per delivered template message by
-- category since July 2025; a reply inside the 24-hour window (service) is free. The category
-- is known when the message is queued (a template's, or service for a reply) and Meta's status
-- webhook then says how it was billed (`pricing.category`, `pricing.billable`), which wins.
-- Prices are not stored: they are applied when shown (app::domain::pricing).
alter table messages add column billing_category varchar(20)
    check (billing_category in ('service', 'utility', 'marketing', 'authentication',
                                'authentication_international', 'referral_conversion'));
alter table messages add column billable boolean;
alter table messages_archive add column billing_category varchar(20);
alter table messages_archive add column billable boolean;
-- The dashboard's month of a consultant's outbound messages, by category.
create index idx_messages_consultant_outbound on messages (consultant_id, created_at)
    include (billing_category, billable, status, message_type)
    where direction = 'outbound';
-- The lead page queues a template with its category (the consultant's reply box).
grant insert (billing_category, billable) on messages to consultor_app;
