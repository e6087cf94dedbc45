-- How warm a lead is (issue #19): a score of points (`app::domain::temperature`) from the
-- answers (each option of the live flow may carry `pontos`), finishing the flow, how recently
-- the lead wrote, and opting out. Quente, morno and frio are ranges of the score, so one
-- index serves both the temperature filter and the "mais quentes primeiro" order.
--
-- The score is written by the intake after each answer and by the rescoring job: a lead is
-- due (`score_due_at`) when time will move it across a recency step, when its consultant's
-- rules change (a flow made live or published), and, at first, every lead (null
-- `scored_at`: never scored, shown without a temperature until the job reaches it).
alter table leads add column score smallint not null default 0;
alter table leads add column scored_at timestamp with time zone;
alter table leads add column score_due_at timestamp with time zone default now();

create index idx_leads_score_due on leads (score_due_at) where score_due_at is not null;
-- The board's columns and the list, hottest first (then the most recent activity).
create index idx_leads_board_score
    on leads (consultant_id, status, score desc, last_interaction_at desc, id desc);
create index idx_leads_consultant_score
    on leads (consultant_id, score desc, last_interaction_at desc, id desc);

-- The templates' points: what a lead's answers say about buying soon, per vertical.
create function pg_temp.with_points(def jsonb, points jsonb) returns jsonb
language sql immutable as $$
    select jsonb_set(def, '{etapas}', coalesce((
        select jsonb_agg(
                   case when points ? (e->>'id') and jsonb_typeof(e->'opcoes') = 'array' then
                       jsonb_set(e, '{opcoes}', (
                           select jsonb_agg(
                                      case when (points->(e->>'id')) ? (o->>'valor')
                                           then o || jsonb_build_object('pontos', points->(e->>'id')->(o->>'valor'))
                                           else o end
                                      order by oi)
                             from jsonb_array_elements(e->'opcoes') with ordinality as x(o, oi)))
                   else e end
                   order by ei)
          from jsonb_array_elements(def->'etapas') with ordinality as y(e, ei)), def->'etapas'))
$$;

create temporary table template_points (vertical text, points jsonb);
insert into template_points values
    ('health_plans', '{"perfil": {"familia": 2, "empresa": 2},
                       "copart": {"sim": 1}}'),
    ('real_estate',  '{"objetivo": {"comprar": 1, "vender": 1},
                       "orcamento": {"300k_600k": 1, "600k_1m": 2, "acima_1m": 2}}'),
    ('automotive',     '{"tipo": {"novo": 1},
                       "pagamento": {"a_vista": 2, "financiamento": 1},
                       "troca": {"sim": 1}}'),
    ('insurance',    '{"seguro": {"auto": 1, "vida": 1, "empresarial": 2}}');

-- The template's current definition and the version that records it (templates are the
-- system's, and the points change nothing a conversation does).
update flow_versions v set definition = pg_temp.with_points(v.definition, p.points)
  from flows f join template_points p on p.vertical = f.vertical
 where f.is_template and v.flow_id = f.id and v.version = coalesce(f.version, 1);
update flows f set definition = pg_temp.with_points(f.definition, p.points)
  from template_points p
 where f.is_template and p.vertical = f.vertical;
