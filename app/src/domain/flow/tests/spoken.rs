//! The engine with voice notes: what a transcript answers, and what a note not heard gets.

use super::*;

#[test]
fn a_transcript_answers_a_text_step_through_its_validation() {
    let d = sample();
    let r = start(&d, now());
    let r = handle(&d, r.state, &Inbound::Spoken("Ana Paula".into()), now());
    assert_eq!(r.state.answers["nome"], "Ana Paula");
    assert_eq!(r.state.current_step.as_deref(), Some("perfil"));
    // The step's validation applies: a name is not a number.
    let r = start(&d, now());
    let r = handle(&d, r.state, &Inbound::Spoken("12345".into()), now());
    assert_eq!(r.state.current_step.as_deref(), Some("nome"));
    assert_eq!(r.state.wrong_answers, 1);
}

#[test]
fn a_transcript_naming_one_option_chooses_it() {
    let d = sample();
    let said = Inbound::Spoken("Eu quero o plano pra família, tá?".into());
    let r = handle(&d, at_perfil(), &said, now());
    assert_eq!(r.state.answers["perfil"], "familia");
    assert_eq!(r.state.labels["perfil"], "Família");
    assert!(r.state.completed);
}

#[test]
fn an_ambiguous_transcript_asks_again_in_words_about_the_audio() {
    let d = sample();
    let said = Inbound::Spoken("Só eu, ou talvez a família".into());
    let r = handle(&d, at_perfil(), &said, now());
    assert!(!r.state.answers.contains_key("perfil"));
    assert_eq!(r.state.wrong_answers, 1);
    let t = texts(&r.messages);
    assert!(
        t[0].starts_with("Ouvi seu áudio, mas não consegui saber qual opção"),
        "{t:?}"
    );
    assert!(matches!(r.messages[1], Outgoing::Buttons { .. }));
}

#[test]
fn a_voice_note_not_heard_asks_to_write_and_does_not_count() {
    let d = sample();
    let r = handle(&d, at_perfil(), &Inbound::Unheard, now());
    assert_eq!(r.state.wrong_answers, 0);
    assert_eq!(texts(&r.messages)[0], UNHEARD);
    assert!(matches!(r.messages[1], Outgoing::Buttons { .. }));
    assert_eq!(r.messages.len(), 2);
}
