-- Issue #18 (part 3): appointment reminders. Booking (or changing) an appointment schedules
-- two WhatsApp reminders to the lead, 24 h before and `reminder_hours_before` before, with the
-- consultant's approved ready template "lembrete_agendamento" (Confirmar / Remarcar). The
-- lead's tap is recorded on the appointment, for the lead page and the dashboard.

-- lembrete: an appointment's reminder (automatic, utility: quiet hours apply, the one-a-day
-- cap on follow-ups does not).
alter table scheduled_messages drop constraint scheduled_messages_kind_check;
alter table scheduled_messages add constraint scheduled_messages_kind_check
    check (kind in ('agendada', 'acompanhamento', 'lembrete'));
-- A reminder belongs to its appointment; an erased appointment takes its reminders.
alter table scheduled_messages add column appointment_id uuid
    references appointments (id) on delete cascade;
-- A change or cancellation cancels the appointment's pending reminders; the foreign key's
-- delete reads them by appointment too.
create index idx_scheduled_appointment on scheduled_messages (appointment_id)
    where appointment_id is not null;

-- The lead's answer to a reminder, by its buttons; cleared when the time changes.
alter table appointments add column lead_answer text
    check (lead_answer in ('confirmado', 'remarcar'));
alter table appointments add column answered_at timestamp with time zone;

-- The second reminder, this many hours before (the first is always 24 h before).
alter table consultants add column reminder_hours_before smallint not null default 2
    check (reminder_hours_before between 1 and 23);
grant update (reminder_hours_before) on consultants to consultor_app;
