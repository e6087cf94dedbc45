//! Query time, per named query: every statement sqlx runs is timed by sqlx itself, which
//! reports it as a `sqlx::query` tracing event (at DEBUG, or WARN past its own threshold).
//! This layer turns those events into the histogram `consultor_db_query_duration_seconds`,
//! labelled with a name read off the SQL ("select leads", "update webhook_events"), and logs
//! the slow ones with that name and their duration. The statement's parameters are never in
//! the event (sqlx binds them apart), and nothing of the SQL but its name is logged.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

pub const QUERY_DURATION: &str = "consultor_db_query_duration_seconds";

/// The slow-query threshold in milliseconds (`SLOW_QUERY_MS`): set by the application when it
/// starts, read by the layer, which is installed before the configuration is.
static SLOW_MS: AtomicU64 = AtomicU64::new(1000);

pub fn set_slow_threshold(threshold: Duration) {
    SLOW_MS.store(threshold.as_millis() as u64, Ordering::Relaxed);
}

/// The tracing layer (installed by `telemetry::init`, filtered to the `sqlx::query` target).
pub struct QueryTimer;

impl<S: Subscriber> Layer<S> for QueryTimer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut fields = QueryFields::default();
        event.record(&mut fields);
        let Some(secs) = fields.elapsed_secs else {
            return;
        };
        // sqlx gives the whole statement only when it is longer than its four-word summary.
        let sql = if fields.statement.trim().is_empty() {
            &fields.summary
        } else {
            &fields.statement
        };
        let name = query_name(sql);
        metrics::histogram!(QUERY_DURATION, "query" => name.clone()).record(secs);
        let millis = (secs * 1000.0) as u64;
        if millis >= SLOW_MS.load(Ordering::Relaxed) {
            tracing::warn!(
                target: "consultor::slow_query",
                query = %name,
                duration_ms = millis,
                "consulta lenta"
            );
        }
    }
}

#[derive(Default)]
struct QueryFields {
    summary: String,
    statement: String,
    elapsed_secs: Option<f64>,
}

impl Visit for QueryFields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.elapsed_secs = Some(value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_string(),
            "db.statement" => self.statement = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        // Strings recorded through `Debug` come quoted; only the two text fields matter.
        if matches!(field.name(), "summary" | "db.statement") {
            let text = format!("{value:?}");
            self.record_str(field, text.trim_matches('"'));
        }
    }
}

/// A short, bounded name for a statement: its verb and the table it is about ("select
/// leads", "insert messages", "delete send_claims"), the function a table-less select calls
/// ("select set_config"), or the verb alone (`begin`, `commit`). Subqueries and CTEs are
/// looked through: the name is the outer statement's.
pub fn query_name(sql: &str) -> String {
    let tokens = tokens(sql);
    let top: Vec<&str> = tokens
        .iter()
        .filter(|(depth, _)| *depth == 0)
        .map(|(_, t)| t.as_str())
        .collect();
    let Some(start) = top
        .iter()
        .position(|t| matches!(*t, "select" | "insert" | "update" | "delete"))
    else {
        return top.first().map_or("(vazia)", |t| word(t)).to_string();
    };
    // `with x as (...) select ...`: the statement after the CTEs is the one named.
    let rest = &top[start..];
    let verb_at = tokens
        .iter()
        .position(|(depth, t)| *depth == 0 && t == rest[0])
        .unwrap_or(0);
    let verb = rest[0];
    let after = |keyword: &str| {
        rest.windows(2)
            .find(|w| w[0] == keyword)
            .map(|w| table(w[1]))
            .filter(|t| !t.is_empty())
    };
    let object = match verb {
        "select" => after("from").or_else(|| {
            // No table at the top: the first one read below it ("select exists (select 1
            // from leads ...)"), else the first function called ("select set_config(...)").
            let inner = &tokens[verb_at..];
            inner
                .windows(2)
                .find(|w| w[0].1 == "from" && is_identifier(&w[1].1))
                .map(|w| table(&w[1].1))
                .or_else(|| {
                    inner
                        .windows(2)
                        .find(|w| w[1].1 == "(" && is_identifier(&w[0].1) && w[0].1 != "select")
                        .map(|w| table(&w[0].1))
                })
        }),
        "insert" => after("into"),
        "delete" => after("from"),
        "update" => rest
            .iter()
            .skip(1)
            .find(|t| **t != "only")
            .map(|t| table(t))
            .filter(|t| !t.is_empty()),
        _ => None,
    };
    match object {
        Some(object) => format!("{verb} {object}"),
        None => verb.to_string(),
    }
}

/// Lower-cased words and single-character punctuation, each with its parenthesis depth;
/// comments and string literals dropped.
fn tokens(sql: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut depth = 0u32;
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<(u32, String)>, depth: u32| {
        if !word.is_empty() {
            out.push((depth, word.to_lowercase()));
            word.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut word, &mut out, depth);
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\'' => {
                flush(&mut word, &mut out, depth);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                }
            }
            '(' => {
                flush(&mut word, &mut out, depth);
                out.push((depth, "(".into()));
                depth += 1;
            }
            ')' => {
                flush(&mut word, &mut out, depth);
                depth = depth.saturating_sub(1);
                out.push((depth, ")".into()));
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '$') => word.push(c),
            _ => flush(&mut word, &mut out, depth),
        }
    }
    flush(&mut word, &mut out, depth);
    out
}

fn is_identifier(token: &str) -> bool {
    token
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '"')
}

/// A table or function name as a label: schema and quotes off, at most 63 characters.
fn table(token: &str) -> String {
    if !is_identifier(token) {
        return String::new();
    }
    let name = token.rsplit('.').next().unwrap_or(token).replace('"', "");
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(63)
        .collect()
}

fn word(token: &str) -> &str {
    if is_identifier(token) {
        token
    } else {
        "(outra)"
    }
}

#[cfg(test)]
mod tests {
    use super::query_name;

    #[test]
    fn statements_are_named_by_verb_and_table() {
        assert_eq!(
            query_name("select id, name from leads where consultant_id = $1"),
            "select leads"
        );
        assert_eq!(
            query_name("SELECT l.id FROM public.leads l JOIN conversations c ON true"),
            "select leads"
        );
        assert_eq!(
            query_name("insert into messages (id, content) values ($1, $2)"),
            "insert messages"
        );
        assert_eq!(
            query_name("update webhook_events set processed = true where id = $1"),
            "update webhook_events"
        );
        assert_eq!(
            query_name("delete from send_claims where claimed_by = $1"),
            "delete send_claims"
        );
        assert_eq!(query_name("begin"), "begin");
        assert_eq!(query_name("COMMIT"), "commit");
        assert_eq!(query_name(""), "(vazia)");
    }

    #[test]
    fn subqueries_ctes_comments_and_literals_are_looked_through() {
        let sql = r#"select m.id,
                  case when m.reply_seq = 0 then
                      (select i.whatsapp_message_id from messages i where i.id = m.reply_to)
                  end as "answers?"
             from send_claims x join messages m on true"#;
        assert_eq!(query_name(sql), "select send_claims");
        let sql = "with due as (select id from webhook_events where processed = false)
                   update webhook_events w set retry_count = 0 from due where w.id = due.id";
        assert_eq!(query_name(sql), "update webhook_events");
        let sql = "-- from the comment\nselect 'from nowhere (' as x from appointments";
        assert_eq!(query_name(sql), "select appointments");
    }

    #[test]
    fn a_select_without_a_table_is_named_by_its_function() {
        assert_eq!(
            query_name("select set_config('app.consultant_id', $1, true)"),
            "select set_config"
        );
        assert_eq!(
            query_name("select pg_try_advisory_xact_lock($1)"),
            "select pg_try_advisory_xact_lock"
        );
        assert_eq!(query_name("select 1"), "select");
        assert_eq!(
            query_name("select exists (select 1 from leads where id = $1) as \"x!\""),
            "select leads"
        );
        let sql = "with dead as (delete from send_claims returning 1), gone as (select 2)
                   select (select count(*) from dead) as \"released!\", (select 3) as y";
        assert_eq!(query_name(sql), "select dead");
    }
}
