-- A lead's deal value (#17, "cards"): typed by the consultant on the lead's page, shown on its
-- card, and summed per column of the board. Whole centavos; empty until the consultant types
-- one. Capped at R$ 1 bilhão, far above any consultant's deal, so a typo of extra zeros is
-- refused rather than stored.
alter table leads add column deal_value_cents bigint
    constraint leads_deal_value_range check (deal_value_cents between 0 and 100000000000);

-- The column totals read only the leads that have a value, from this index alone: the
-- board's counts of a consultant with 100,000 leads are not slowed by it.
create index idx_leads_deal_value on leads (consultant_id, status) include (deal_value_cents)
    where deal_value_cents is not null;
