use super::*;
use app::domain::schedule::parse_local;
use app::domain::template::{TemplateDraft, Variable, VariableSource};

fn sp(s: &str) -> DateTime<Utc> {
    parse_local(s).unwrap()
}

fn template(category: Category) -> (String, TemplateDraft) {
    (
        "retomar".into(),
        TemplateDraft {
            name: "retomar".into(),
            category,
            header_text: None,
            header_variable: None,
            body: "Olá {{1}}, podemos retomar?".into(),
            footer_text: None,
            buttons: Vec::new(),
            variables: vec![Variable { source: VariableSource::FirstName, example: "Ana".into() }],
        },
    )
}

fn follow_up(now: DateTime<Utc>) -> Due {
    Due {
        id: Uuid::nil(),
        consultant_id: Uuid::nil(),
        lead_id: Uuid::nil(),
        automatic: true,
        body: None,
        params: Vec::new(),
        header_params: Vec::new(),
        rule_stage: Some("novo".into()),
        anchor_at: Some(now - Duration::hours(30)),
        anchor_now: now - Duration::hours(30),
        lead_status: "novo".into(),
        opted_out: false,
        marketing_off: false,
        window_open: false,
        quiet: QuietHours::new(21, 8),
        sent_today: false,
        template: Some(template(Category::Marketing)),
        template_status: Some("aprovado".into()),
        name: Some("Maria Souza".into()),
        consultant_name: "Joana".into(),
        answers: serde_json::json!({}),
    }
}

#[test]
fn a_follow_up_is_filled_from_the_lead_and_sent() {
    let now = sp("2026-12-08T10:00");
    match decide(&follow_up(now), None, now) {
        Decision::Send(Outgoing::Template { params, text, .. }) => {
            assert_eq!(params, ["Maria"]);
            assert_eq!(text, "Olá Maria, podemos retomar?");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_follow_up_stops_or_waits_as_the_rules_say() {
    let now = sp("2026-12-08T10:00");
    let skipped = |d: Due| matches!(decide(&d, None, now), Decision::Skip(_));
    let mut d = follow_up(now);
    d.anchor_now = now - Duration::hours(1);
    assert!(skipped(d), "the lead wrote after the quiet period began");
    let mut d = follow_up(now);
    d.lead_status = "em_contato".into();
    assert!(skipped(d), "the stage changed");
    let mut d = follow_up(now);
    d.opted_out = true;
    assert!(skipped(d), "SAIR");
    let mut d = follow_up(now);
    d.marketing_off = true;
    assert!(skipped(d), "marketing opt-out, marketing template");
    let mut d = follow_up(now);
    d.marketing_off = true;
    d.template = Some(template(Category::Utility));
    assert!(!skipped(d), "a utility template still goes");
    let mut d = follow_up(now);
    d.name = None;
    assert!(skipped(d), "no name for {{1}}: nothing half-filled is sent");
    let mut d = follow_up(now);
    d.template_status = Some("pausado".into());
    assert!(skipped(d), "a paused template");

    let night = sp("2026-12-08T22:30");
    assert_eq!(decide(&follow_up(night), None, night), Decision::Later(sp("2026-12-09T08:00")));
    let mut d = follow_up(now);
    d.sent_today = true;
    assert_eq!(decide(&d, None, now), Decision::Later(sp("2026-12-09T08:00")), "one a day");
}

#[test]
fn a_scheduled_text_needs_the_window_and_ignores_quiet_hours() {
    let night = sp("2026-12-08T22:30");
    let mut d = follow_up(night);
    d.automatic = false;
    d.rule_stage = None;
    d.anchor_at = None;
    d.template = None;
    d.body = Some("Oi, tudo certo para amanhã?".into());
    d.window_open = true;
    assert_eq!(
        decide(&d, None, night),
        Decision::Send(Outgoing::Text { body: "Oi, tudo certo para amanhã?".into() }),
        "the consultant chose the time"
    );
    d.window_open = false;
    assert!(matches!(decide(&d, None, night), Decision::Skip(why) if why.contains("janela")));
}
