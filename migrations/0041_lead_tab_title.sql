-- How a lead's page names its browser tab (#17 "empty states"): every tab read
-- "Lead | Consultor", so a consultant with five leads open could not tell them apart. The
-- consultant chooses: the final digits of the lead's number (the default: nothing a person
-- chose, little for a shared screen to show) or the lead's first name.
alter table consultants add column lead_tab_title text not null default 'numero'
    constraint consultants_lead_tab_title check (lead_tab_title in ('numero', 'nome'));

-- Consultants update only the columns that are theirs to change (migration 0003's grants).
grant update (lead_tab_title) on consultants to consultor_app;
