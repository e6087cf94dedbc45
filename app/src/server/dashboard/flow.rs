//! The live flow on the dashboard: how far conversations got in it, and the answers to its
//! first multiple-choice question.

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
    /// Conversations of the period ran on another flow (the flow changed).
    pub(super) other_flows: bool,
    pub(super) first_question: Option<(String, Vec<(String, i64)>)>,
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
    let mut first_question = None;
    let name = sqlx::query_scalar!("select name from flows where id = $1", flow_id)
        .fetch_optional(&mut *db)
        .await?;
    let reach = sqlx::query!(
        r#"select step as "step!", sum(reached)::bigint as "reached!",
                  sum(stopped)::bigint as "stopped!"
             from dashboard_step_days
            where consultant_id = $1 and day >= $2 and day <= $3 and flow_id = $4
            group by step"#,
        id,
        first as _,
        last as _,
        flow_id as _
    )
    .fetch_all(&mut *db)
    .await?;
    let other_flows = sqlx::query_scalar!(
        r#"select exists (select 1 from dashboard_step_days
                           where consultant_id = $1 and day >= $2 and day <= $3
                             and flow_id <> $4) as "other!""#,
        id,
        first as _,
        last as _,
        flow_id as _
    )
    .fetch_one(&mut *db)
    .await?;
    let mut reach: Vec<(String, i64, i64)> = reach
        .into_iter()
        .map(|r| (r.step, r.reached, r.stopped))
        .collect();
    if let Some(def) = &def {
        // The flow's questions in order, then any step the flow no longer has.
        for s in def.etapas.iter().filter(|s| s.tipo != StepKind::Mensagem) {
            let (reached, stopped) = reach
                .iter()
                .position(|r| r.0 == s.id)
                .map(|i| {
                    let r = reach.remove(i);
                    (r.1, r.2)
                })
                .unwrap_or((0, 0));
            steps.push(StepRow {
                label: step_label(&s.pergunta, s.tipo),
                reached,
                stopped,
            });
        }
        let answers = sqlx::query!(
            r#"select answer as "answer!", sum(n)::bigint as "n!"
                 from dashboard_answer_days
                where consultant_id = $1 and day >= $2 and day <= $3 and flow_id = $4
                group by answer order by 2 desc, 1"#,
            id,
            first as _,
            last as _,
            flow_id as _
        )
        .fetch_all(&mut *db)
        .await?;
        if let Some(question) = def.etapas.iter().find(|s| s.tipo == StepKind::Escolha) {
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
                    .map(|a| (label_of(&a.answer), a.n))
                    .collect(),
            ));
        }
    }
    for (step, reached, stopped) in reach {
        steps.push(StepRow {
            label: format!("Etapa removida ({step})"),
            reached,
            stopped,
        });
    }
    Ok(FlowFigures {
        name,
        steps,
        other_flows,
        first_question,
    })
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
