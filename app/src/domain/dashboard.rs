//! The dashboard's figures, as the server computes them (`server::dashboard`) and the page
//! shows them: plain data, below both.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentLead {
    pub id: String,
    pub name: String,
    pub whatsapp: String,
    pub status: String,
    pub status_label: String,
    pub last_interaction: String,
}

/// A figure for the period and for the one before (`None`: nothing to measure).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Compared {
    pub now: Option<f64>,
    pub before: Option<f64>,
}

impl Compared {
    pub fn counts(now: i64, before: i64) -> Self {
        Self {
            now: Some(now as f64),
            before: Some(before as f64),
        }
    }

    /// The change in percent (`None` when there is nothing to compare with).
    pub fn change(&self) -> Option<f64> {
        match (self.now, self.before) {
            (Some(n), Some(b)) if b != 0.0 => Some((n - b) / b * 100.0),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub leads_created: Compared,
    pub conversations_started: Compared,
    pub conversations_completed: Compared,
    /// Percent.
    pub completion_rate: Compared,
    /// Percent of the leads created that are "fechado".
    pub conversion_rate: Compared,
    /// Seconds.
    pub avg_completion: Compared,
    pub median_completion: Compared,
    pub median_first_reply: Compared,
    pub ai_answers: Compared,
    pub ai_tokens: Compared,
    /// Milliseconds.
    pub ai_latency: Compared,
    pub compliance_replaced: Compared,
}

/// One step of the live flow: how many conversations reached it and stopped there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRow {
    pub label: String,
    pub reached: i64,
    pub stopped: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanUsage {
    pub plan: String,
    pub used: i64,
    pub limit: i64,
}

/// What a consultant without leads sees instead of empty charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GettingStarted {
    pub whatsapp: String,
    pub flow_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub name: String,
    pub period: String,
    /// "27/10 a 25/11".
    pub range_label: String,
    /// The public profile's address: shared from the dashboard before and after the first
    /// lead (it was shown only to consultants without leads).
    pub public_link: String,
    pub start: Option<GettingStarted>,
    pub figures: Figures,
    /// Leads created in the period, per status (kanban order): (label, count).
    pub by_status: Vec<(String, i64)>,
    /// Per day: (date, created, moved to fechado).
    pub daily: Vec<(chrono::NaiveDate, i64, i64)>,
    pub flow_name: Option<String>,
    pub steps: Vec<StepRow>,
    /// Some conversations of the period ran on another flow (a copy's template, a flow live
    /// before); `steps` counts them by the step ids they share with the live flow.
    pub other_flows: bool,
    pub sources: Vec<(String, i64)>,
    /// The live flow's first multiple-choice question and its answers: (label, count).
    pub first_question: Option<(String, Vec<(String, i64)>)>,
    pub plan: PlanUsage,
    /// "hh:mm" (São Paulo) of the last refresh of the figures.
    pub updated_at: Option<String>,
    pub recent: Vec<RecentLead>,
    /// The longest-waiting of the leads waiting for the consultant's reply, and how many
    /// there are in all.
    pub waiting: Vec<WaitingLead>,
    pub waiting_count: i64,
    /// The next appointments, soonest first.
    pub upcoming: Vec<UpcomingAppointment>,
    /// This month's WhatsApp messages and their estimated cost.
    pub costs: MonthCosts,
    /// The period's leads per ad (click-to-WhatsApp) and per campaign code (`[ref:código]`),
    /// the most leads first.
    pub ads: Vec<AdRow>,
}

/// One ad or campaign code and how far its leads of the period went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdRow {
    /// "Anúncio no Instagram: Plano família 30% off", or "Código: instagram".
    pub label: String,
    pub leads: i64,
    /// Finished the bot's questions.
    pub completed: i64,
    pub hot: i64,
    /// Reached "agendado" (or closed after).
    pub scheduled: i64,
    pub closed: i64,
}

impl AdRow {
    /// Closed of the leads, in percent.
    pub fn conversion(&self) -> Option<f64> {
        (self.leads > 0).then(|| self.closed as f64 * 100.0 / self.leads as f64)
    }
}

/// The month's estimated WhatsApp cost (see `domain::pricing`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthCosts {
    pub summary: super::pricing::CostSummary,
    /// The month's cost divided by the deals closed in it ("R$ 1,20"), when any closed.
    pub per_deal: Option<String>,
    pub closed: i64,
    /// "Tabela da Meta para o Brasil de 2026-10-01" (or "configurada").
    pub source: String,
}

/// An appointment on the dashboard's "Próximos agendamentos".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpcomingAppointment {
    pub lead_id: String,
    pub name: String,
    /// "qui., 10/12 às 14:30" (São Paulo).
    pub when: String,
    /// "Local: Rua X", "Videochamada", or empty.
    pub where_: String,
    /// The lead's answer to a reminder: "Confirmado", "Pediu para remarcar".
    pub answer: Option<String>,
}

/// A lead that wrote last and waits for the consultant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitingLead {
    pub id: String,
    pub name: String,
    /// Its newest message, shortened.
    pub message: String,
    /// "há 12 min".
    pub waiting: String,
}
