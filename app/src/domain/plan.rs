//! The plans' monthly lead limits, as the dashboard shows them.

/// New leads a plan takes each month before the bot stops answering new leads (they are
/// kept). The same figures as `leads::flag_if_over_monthly_limit`; an expired subscription
/// counts as free.
pub fn monthly_limit(tier: &str, subscription_current: bool) -> i64 {
    match (tier, subscription_current) {
        ("agency", true) => 1000,
        ("pro", true) => 200,
        _ => 20,
    }
}

pub fn plan_label(tier: &str, subscription_current: bool) -> &'static str {
    match (tier, subscription_current) {
        ("agency", true) => "Agência",
        ("pro", true) => "Pro",
        _ => "Gratuito",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_plan_while_it_is_paid() {
        assert_eq!(monthly_limit("free", true), 20);
        assert_eq!(monthly_limit("pro", true), 200);
        assert_eq!(monthly_limit("pro", false), 20);
        assert_eq!(monthly_limit("agency", true), 1000);
    }
}
