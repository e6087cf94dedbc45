//! Where a lead came from, read off the words of its first message (a click-to-WhatsApp ad
//! brings its own referral data; see the webhook worker). The public page's WhatsApp button
//! writes a greeting for the lead, recognised by its words: no code shows in what the lead
//! sends (#17: it carried a visible `[ref:perfil]` and the platform's name). A consultant's own
//! links may still carry a `[ref:código]`, and old links to the page carry `[ref:perfil]`.

/// What the public page's button writes after "Olá, {first name}! ".
pub const PROFILE_MESSAGE: &str = "Vi seu perfil e gostaria de atendimento.";

/// The source of a lead that came through the public page.
pub const PROFILE_SOURCE: &str = "perfil";

/// The source a message names: a `[ref:código]`, or the public page's greeting.
pub fn source_in(text: &str) -> Option<&str> {
    ref_code(text).or_else(|| text.contains(PROFILE_MESSAGE).then_some(PROFILE_SOURCE))
}

fn ref_code(text: &str) -> Option<&str> {
    let start = text.find("[ref:")? + 5;
    let end = text[start..].find(']')? + start;
    Some(text[start..end].trim()).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_codes_and_the_public_pages_greeting() {
        assert_eq!(
            source_in("Olá! Vi seu perfil. [ref:perfil]"),
            Some("perfil")
        );
        assert_eq!(source_in("[ref: instagram ] oi"), Some("instagram"));
        assert_eq!(
            source_in(&format!("Olá, Joana! {PROFILE_MESSAGE}")),
            Some(PROFILE_SOURCE)
        );
        assert_eq!(source_in("sem código"), None);
        assert_eq!(source_in("[ref:]"), None);
    }
}
