//! The live flow on the dashboard: how far the period's conversations got in it, and the
//! answers to its first multiple-choice question.
//!
//! Conversations are counted by step id, whatever flow they ran on, not only those of the
//! live flow's id: a copy keeps its source's step ids, so when a consultant makes a copy of
//! the template live (or a duplicate of their own flow), the conversations that ran on the
//! source are the same questions and belong on the same bars. Charting only the live flow's
//! id showed "no conversation started" the day a copy went live, though the leads were there.

use crate::domain::dashboard::StepRow;
use crate::domain::flow::{FlowDefinition, StepKind};
use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

/// The live flow as the charts show it: how far conversations got in it, and the answers to
/// its first multiple-choice question.
#[derive(Default)]
pub(super) struct FlowFigures {
    pub(super) name: Option<String>,
    pub(super) steps: Vec<StepRow>,
    /// Some conversations of the period ran on another flow (the template a copy came from,
    /// or a flow live before this one); they are counted by the steps they share.
    pub(super) other_flows: bool,
    pub(super) first_question: Option<(String, Vec<(String, i64)>)>,
}

/// One step's figures over the period, every flow together.
struct Reach {
    step: String,
    reached: i64,
    stopped: i64,
    /// Reached in a conversation of the live flow itself (else only in other flows).
    on_live: bool,
}

pub(super) async fn flow_figures(
    db: &mut PgConnection,
    id: Uuid,
    flow_id: Uuid,
    definition: serde_json::Value,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<FlowFigures, sqlx::Error> {
    let def: Option<FlowDefinition> = serde_json::from_value(definition).ok();
    let mut steps = Vec::new();
    let name = sqlx::query_scalar!("select name from flows where id = $1", flow_id)
        .fetch_optional(&mut *db)
        .await?;
    // The primary key's range (consultant, day): at most ~180 days of a few rows each.
    let rows = sqlx::query!(
        r#"select step as "step!", sum(reached)::bigint as "reached!",
                  sum(stopped)::bigint as "stopped!",
                  bool_or(flow_id = $4) as "on_live!", bool_or(flow_id <> $4) as "on_other!"
             from dashboard_step_days
            where consultant_id = $1 and day >= $2 and day <= $3
            group by step"#,
        id,
        first as _,
        last as _,
        flow_id as _
    )
    .fetch_all(&mut *db)
    .await?;
    let other_flows = rows.iter().any(|r| r.on_other);
    let mut reach: Vec<Reach> = rows
        .into_iter()
        .map(|r| Reach {
            step: r.step,
            reached: r.reached,
            stopped: r.stopped,
            on_live: r.on_live,
        })
        .collect();
    let mut first_question = None;
    if let Some(def) = &def {
        // The flow's questions in order, then any step the flow does not have.
        for s in def.etapas.iter().filter(|s| s.tipo != StepKind::Mensagem) {
            let (reached, stopped) = reach
                .iter()
                .position(|r| r.step == s.id)
                .map(|i| {
                    let r = reach.remove(i);
                    (r.reached, r.stopped)
                })
                .unwrap_or((0, 0));
            steps.push(StepRow {
                label: step_label(&s.pergunta, s.tipo),
                reached,
                stopped,
            });
        }
        if let Some(question) = def.etapas.iter().find(|s| s.tipo == StepKind::Escolha) {
            let answers = answers(db, id, flow_id, &question.id, first, last).await?;
            let label_of = |v: &str| {
                question
                    .opcoes
                    .iter()
                    .find(|o| o.valor == v)
                    .map(|o| o.rotulo.clone())
                    .unwrap_or_else(|| v.to_string())
            };
            first_question = Some((
                step_label(&question.pergunta, StepKind::Escolha),
                answers
                    .into_iter()
                    .map(|(answer, n)| (label_of(&answer), n))
                    .collect(),
            ));
        }
    }
    for r in reach {
        steps.push(StepRow {
            label: if r.on_live {
                format!("Etapa removida ({})", r.step)
            } else {
                format!("Etapa de outro fluxo ({})", r.step)
            },
            reached: r.reached,
            stopped: r.stopped,
        });
    }
    Ok(FlowFigures {
        name,
        steps,
        other_flows,
        first_question,
    })
}

/// The period's answers to the live flow's first multiple-choice question (`step`): those of
/// the live flow, and of every other flow whose first multiple-choice question is the same
/// step (the template a copy came from); the per-day table keeps only each flow's first
/// question, so a flow that asks another one first is left out.
async fn answers(
    db: &mut PgConnection,
    id: Uuid,
    flow_id: Uuid,
    step: &str,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // The period's rows first (primary key range), then the first question of each of their
    // few flows, once per flow, as `dashboard_recompute` works it out. Flows are read through
    // row-level security's own indexes (templates, the consultant's flows), never scanned.
    let rows = sqlx::query!(
        r#"with period as materialized (
               select flow_id, answer, sum(n)::bigint as n
                 from dashboard_answer_days
                where consultant_id = $1 and day >= $2 and day <= $3
                group by flow_id, answer
           ), same_question as materialized (
               select p.flow_id as id
                 from (select distinct flow_id from period) p
                 join flows f on f.id = p.flow_id
                where p.flow_id = $4
                   or (select e->>'id'
                         from jsonb_array_elements(
                                  case when jsonb_typeof(f.definition->'etapas') = 'array'
                                       then f.definition->'etapas' else '[]'::jsonb end)
                              with ordinality as s(e, i)
                        where e->>'tipo' = 'escolha'
                        order by i limit 1) = $5
           )
           select answer as "answer!", sum(n)::bigint as "n!"
             from period where flow_id in (select id from same_question)
            group by answer order by 2 desc, 1"#,
        id,
        first as _,
        last as _,
        flow_id as _,
        step
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.answer, r.n)).collect())
}

/// A step as the charts name it: its question as the answers name it (the last sentence, no
/// `{{placeholders}}`), shortened.
fn step_label(question: &str, kind: StepKind) -> String {
    if kind == StepKind::Fim {
        return "Fim da conversa".into();
    }
    let title = crate::domain::lead_answers::question_title(question, "");
    let q = title.trim();
    if q.chars().count() > 60 {
        format!("{}…", q.chars().take(59).collect::<String>())
    } else if q.is_empty() {
        "(pergunta sem texto)".into()
    } else {
        q.to_string()
    }
}
