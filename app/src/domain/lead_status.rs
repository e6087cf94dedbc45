//! A lead's place on the kanban and the moves allowed between places.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    Novo,
    EmContato,
    Agendado,
    Fechado,
    Perdido,
}

impl LeadStatus {
    pub const ALL: [LeadStatus; 5] = [
        LeadStatus::Novo,
        LeadStatus::EmContato,
        LeadStatus::Agendado,
        LeadStatus::Fechado,
        LeadStatus::Perdido,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::Novo => "novo",
            LeadStatus::EmContato => "em_contato",
            LeadStatus::Agendado => "agendado",
            LeadStatus::Fechado => "fechado",
            LeadStatus::Perdido => "perdido",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LeadStatus::Novo => "Novo",
            LeadStatus::EmContato => "Em contato",
            LeadStatus::Agendado => "Agendado",
            LeadStatus::Fechado => "Fechado",
            LeadStatus::Perdido => "Perdido",
        }
    }

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == input)
            .ok_or("Status de lead desconhecido.")
    }

    /// The seed's path is novo → em_contato → agendado → fechado. A lead can be lost from any
    /// open stage (with an optional reason), and a lost lead is reopened as em_contato (someone
    /// is talking to it again). A closed deal is final, and a lead may step back one stage (a
    /// meeting cancelled goes back to em_contato).
    pub fn can_move_to(self, to: LeadStatus) -> bool {
        self.refusal(to).is_none()
    }

    /// Why a move is not allowed, in words for the consultant; `None` when it is.
    pub fn refusal(self, to: LeadStatus) -> Option<String> {
        use LeadStatus::*;
        let allowed = matches!(
            (self, to),
            (Novo, EmContato)
                | (EmContato, Agendado)
                | (Agendado, Fechado)
                | (EmContato, Novo)
                | (Agendado, EmContato)
                | (Novo | EmContato | Agendado, Perdido)
                | (Perdido, EmContato)
        );
        if allowed {
            return None;
        }
        Some(match (self, to) {
            (a, b) if a == b => format!("O lead já está em “{}”.", a.label()),
            (Fechado, _) => "Um negócio fechado é definitivo e não muda mais de etapa.".into(),
            (Perdido, _) => "Um lead perdido só pode ser reaberto em “Em contato”.".into(),
            (_, Fechado) => "Só um lead agendado pode ser marcado como fechado.".into(),
            (_, Agendado) => "Só um lead em contato pode ser agendado.".into(),
            (_, EmContato) => {
                "Só um lead novo, agendado ou perdido pode ir para “Em contato”.".into()
            }
            (_, Novo) => "Só um lead em contato pode voltar para “Novo”.".into(),
            _ => format!(
                "Não é possível mover de “{}” para “{}”.",
                self.label(),
                to.label()
            ),
        })
    }

    /// Where a lead in this stage may go, in board order.
    pub fn moves(self) -> Vec<LeadStatus> {
        Self::ALL
            .into_iter()
            .filter(|s| self.can_move_to(*s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::LeadStatus::*;
    use super::*;

    #[test]
    fn follows_the_path() {
        assert!(Novo.can_move_to(EmContato));
        assert!(EmContato.can_move_to(Agendado));
        assert!(Agendado.can_move_to(Fechado));
        assert!(!Novo.can_move_to(Fechado));
        assert!(!Fechado.can_move_to(Perdido));
        assert!(!Fechado.can_move_to(Novo));
        assert!(Perdido.can_move_to(EmContato));
        assert!(!Perdido.can_move_to(Novo));
        assert_eq!(Novo.moves(), vec![EmContato, Perdido]);
        assert!(Fechado.moves().is_empty());
        assert!(Fechado.refusal(Perdido).unwrap().contains("definitivo"));
        assert!(Novo.refusal(Fechado).unwrap().contains("agendado"));
        assert!(!Novo.can_move_to(Novo));
        for s in LeadStatus::ALL {
            assert_eq!(LeadStatus::parse(s.as_str()), Ok(s));
        }
    }
}
