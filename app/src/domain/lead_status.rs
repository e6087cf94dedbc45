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

    /// The path is novo → em_contato → agendado → fechado, and sales skip stages forward
    /// (a lead books at once; a call closes the deal), except that a lead nobody has talked
    /// to yet is not closed. A lead steps back one stage (a meeting cancelled), is lost from
    /// any open stage, and a lost lead is reopened as em_contato (someone is talking to it
    /// again). A closed deal is reopened as em_contato too, with a reason that stays in its
    /// history ([`LeadStatus::refusal_with_reason`]).
    pub fn can_move_to(self, to: LeadStatus) -> bool {
        self.refusal(to).is_none()
    }

    /// Why a move is not allowed, in words for the consultant; `None` when it is (a reopened
    /// deal's reason is checked by [`LeadStatus::refusal_with_reason`]).
    pub fn refusal(self, to: LeadStatus) -> Option<String> {
        use LeadStatus::*;
        let allowed = matches!(
            (self, to),
            (Novo, EmContato | Agendado)
                | (EmContato, Agendado | Fechado)
                | (Agendado, Fechado)
                | (EmContato, Novo)
                | (Agendado, EmContato)
                | (Novo | EmContato | Agendado, Perdido)
                | (Perdido | Fechado, EmContato)
        );
        if allowed {
            return None;
        }
        Some(match (self, to) {
            (a, b) if a == b => format!("O lead já está em “{}”.", a.label()),
            (Fechado, _) => {
                "Um negócio fechado só pode ser reaberto em “Em contato”, com o motivo.".into()
            }
            (Perdido, _) => "Um lead perdido só pode ser reaberto em “Em contato”.".into(),
            (Novo, Fechado) => "Ninguém falou com este lead ainda: mova-o para “Em contato” ou                                 “Agendado” antes de fechar."
                .into(),
            (_, Novo) => "Só um lead em contato pode voltar para “Novo”.".into(),
            _ => format!(
                "Não é possível mover de “{}” para “{}”.",
                self.label(),
                to.label()
            ),
        })
    }

    /// As [`LeadStatus::refusal`], with the reason given: reopening a closed deal needs one.
    pub fn refusal_with_reason(self, to: LeadStatus, reason: Option<&str>) -> Option<String> {
        if let Some(why) = self.refusal(to) {
            return Some(why);
        }
        let given = reason.is_some_and(|r| !r.trim().is_empty());
        (self == LeadStatus::Fechado && !given).then(|| {
            "Para reabrir um negócio fechado, escreva o motivo: ele fica no histórico do lead."
                .into()
        })
    }

    /// The usual next stage: what the move form offers first.
    pub fn next(self) -> LeadStatus {
        match self {
            LeadStatus::Novo => LeadStatus::EmContato,
            LeadStatus::EmContato => LeadStatus::Agendado,
            LeadStatus::Agendado => LeadStatus::Fechado,
            LeadStatus::Fechado | LeadStatus::Perdido => LeadStatus::EmContato,
        }
    }

    /// Where a lead in this stage may go: the next stage first, then the rest in board order.
    pub fn moves(self) -> Vec<LeadStatus> {
        let next = self.next();
        std::iter::once(next)
            .chain(Self::ALL.into_iter().filter(|s| *s != next))
            .filter(|s| self.can_move_to(*s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::LeadStatus::*;
    use super::*;

    #[test]
    fn follows_the_path_and_the_jumps_sales_make() {
        assert!(Novo.can_move_to(EmContato));
        assert!(EmContato.can_move_to(Agendado));
        assert!(Agendado.can_move_to(Fechado));
        // Forward jumps (#17): booked at once, closed on the call.
        assert!(Novo.can_move_to(Agendado));
        assert!(EmContato.can_move_to(Fechado));
        assert!(!Novo.can_move_to(Fechado));
        assert!(Novo.refusal(Fechado).unwrap().contains("antes de fechar"));
        assert!(!Fechado.can_move_to(Perdido));
        assert!(!Fechado.can_move_to(Novo));
        assert!(Perdido.can_move_to(EmContato));
        assert!(!Perdido.can_move_to(Novo));
        assert!(!Novo.can_move_to(Novo));
        for s in LeadStatus::ALL {
            assert_eq!(LeadStatus::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn a_closed_deal_reopens_with_a_reason() {
        assert!(Fechado.can_move_to(EmContato));
        assert!(Fechado
            .refusal_with_reason(EmContato, None)
            .unwrap()
            .contains("motivo"));
        assert!(Fechado.refusal_with_reason(EmContato, Some("  ")).is_some());
        assert_eq!(
            Fechado.refusal_with_reason(EmContato, Some("Cliente desistiu do contrato")),
            None
        );
        assert_eq!(Perdido.refusal_with_reason(EmContato, None), None);
    }

    #[test]
    fn the_form_offers_the_next_stage_first() {
        assert_eq!(Novo.moves(), vec![EmContato, Agendado, Perdido]);
        assert_eq!(EmContato.moves(), vec![Agendado, Novo, Fechado, Perdido]);
        assert_eq!(Agendado.moves(), vec![Fechado, EmContato, Perdido]);
        assert_eq!(Fechado.moves(), vec![EmContato]);
        assert_eq!(Perdido.moves(), vec![EmContato]);
    }
}
