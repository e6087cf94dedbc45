-- Issue #18, the rest of part 2: a template's header may be an image, a template can be
-- changed and sent for review again, and deleted, on Meta as here.
--
-- The image is one of the consultant's files (`consultant_files`, an image of their library):
-- the templates job uploads it to Meta for the review (a handle), the sender uploads it as
-- media when a lead receives the template. A file a template shows is kept: taking it out of
-- the library hides it there, and it goes when no template shows it any more (no cascade:
-- both rows go together when the consultant's account does).
alter table message_templates add column header_file_id uuid references consultant_files(id);
create index idx_message_templates_header_file on message_templates (header_file_id)
    where header_file_id is not null;
alter table message_templates add constraint message_templates_one_header
    check (header_text is null or header_file_id is null);

-- A change goes back through 'enviando' with Meta's id kept: the job edits that template
-- (`POST /{template_id}`) instead of creating one. Meta allows an approved template one
-- change a day and ten in thirty days: the times of the changes, newest first (at most ten).
alter table message_templates add column edits timestamp with time zone[] not null default '{}';

-- excluindo: the job is deleting it on Meta; the row goes when Meta agrees. Refused, it
-- returns to the status it had (`previous_status`) with Meta's words.
alter table message_templates drop constraint message_templates_status_check;
alter table message_templates add constraint message_templates_status_check
    check (status in ('enviando', 'em_analise', 'aprovado', 'rejeitado', 'pausado',
                      'desativado', 'erro', 'excluindo'));
alter table message_templates add column previous_status varchar(20);
create index idx_message_templates_to_delete on message_templates (updated_at)
    where status = 'excluindo';

grant update (category, header_text, header_variable, header_file_id, body, footer_text,
              buttons, variables, edits, previous_status)
    on message_templates to consultor_app;

-- Whether a template is in use (a deletion asks first), and the foreign keys' own work when
-- one is deleted, by index rather than by reading every consultant's rules and sends.
create index idx_follow_up_rules_template on follow_up_rules (consultant_id, template_id);
create index idx_scheduled_template on scheduled_messages (template_id)
    where template_id is not null;
