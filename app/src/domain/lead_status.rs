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
    /// open stage, and a lost lead can be reopened as novo. A closed deal is final, and a
    /// lead may step back one stage (a meeting cancelled goes back to em_contato).
    pub fn can_move_to(self, to: LeadStatus) -> bool {
        use LeadStatus::*;
        matches!(
            (self, to),
            (Novo, EmContato)
                | (EmContato, Agendado)
                | (Agendado, Fechado)
                | (EmContato, Novo)
                | (Agendado, EmContato)
                | (Novo | EmContato | Agendado, Perdido)
                | (Perdido, Novo)
        )
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
        assert!(Perdido.can_move_to(Novo));
        assert!(!Novo.can_move_to(Novo));
        for s in LeadStatus::ALL {
            assert_eq!(LeadStatus::parse(s.as_str()), Ok(s));
        }
    }
}
