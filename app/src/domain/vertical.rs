//! The consultant's line of business.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vertical {
    HealthPlans,
    RealEstate,
    Automotive,
    Insurance,
}

impl Vertical {
    pub const ALL: [Vertical; 4] = [
        Vertical::HealthPlans,
        Vertical::RealEstate,
        Vertical::Automotive,
        Vertical::Insurance,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Vertical::HealthPlans => "health_plans",
            Vertical::RealEstate => "real_estate",
            Vertical::Automotive => "automotive",
            Vertical::Insurance => "insurance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Vertical::HealthPlans => "Planos de saúde",
            Vertical::RealEstate => "Imóveis",
            Vertical::Automotive => "Veículos",
            Vertical::Insurance => "Seguros",
        }
    }

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == input)
            .ok_or("Escolha sua área de atuação.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for v in Vertical::ALL {
            assert_eq!(Vertical::parse(v.as_str()), Ok(v));
        }
        assert!(Vertical::parse("banking").is_err());
    }
}
