//! What processing one webhook event did, as its row records it.

use uuid::Uuid;

/// What happened, for the event's row. Problems that retrying cannot fix are notes here,
/// not errors (the event is marked processed).
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub messages: usize,
    pub duplicates: usize,
    pub statuses: usize,
    /// AI answers queued, to be written after the commit.
    pub ai_answers: usize,
    pub unrouted: Vec<String>,
    /// Display numbers more than one account claims (no connected number id).
    pub ambiguous: Vec<String>,
    /// Messages refused for a reason retrying cannot fix (`wamid: why`). The rest of their
    /// event is processed; these are recorded here, on the event's row.
    pub rejected: Vec<String>,
    /// The consultants whose messages and statuses the event held (for a lead's erasure).
    pub consultants: Vec<Uuid>,
    /// Template reviews (and category or quality changes) applied.
    pub templates: usize,
    /// Template updates naming no template of this app.
    pub unknown_templates: Vec<String>,
    /// Messages of the consultant's phone (echoes, history) stored; those already stored;
    /// those to or from someone who is not a lead (not stored: see `intake::phone`).
    pub phone_messages: usize,
    pub phone_duplicates: usize,
    pub phone_not_leads: usize,
    /// History messages left out past the per-delivery bound.
    pub history_left_out: usize,
    /// Leads named from the phone's contacts.
    pub contacts_named: usize,
}

impl Outcome {
    pub fn note(&self) -> Option<String> {
        let mut notes = Vec::new();
        if !self.unrouted.is_empty() {
            notes.push(format!(
                "número de destino desconhecido: {}",
                self.unrouted.join(", ")
            ));
        }
        if !self.ambiguous.is_empty() {
            notes.push(format!(
                "número de destino em mais de uma conta: {}",
                self.ambiguous.join(", ")
            ));
        }
        if !self.rejected.is_empty() {
            notes.push(format!(
                "mensagens não processadas: {}",
                self.rejected.join("; ")
            ));
        }
        if !self.unknown_templates.is_empty() {
            notes.push(format!(
                "modelo desconhecido: {}",
                self.unknown_templates.join(", ")
            ));
        }
        if self.history_left_out > 0 {
            notes.push(format!(
                "histórico: {} mensagens além do limite por entrega não foram guardadas",
                self.history_left_out
            ));
        }
        (!notes.is_empty()).then(|| notes.join(" | "))
    }
}
