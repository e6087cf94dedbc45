use super::*;
use app::domain::schedule::parse_local;
use app::domain::template::{Button, Category, TemplateDraft, Variable, VariableSource};
use chrono::Duration;

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
            header_image: None,
            body: "Olá {{1}}, podemos retomar?".into(),
            footer_text: None,
            buttons: Vec::new(),
            variables: vec![Variable {
                source: VariableSource::FirstName,
                example: "Ana".into(),
            }],
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
        reminder: None,
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
fn a_scheduled_template_changed_since_is_skipped_and_its_link_comes_from_the_lead() {
    let now = sp("2026-12-08T10:00");
    let mut d = follow_up(now);
    d.automatic = false;
    d.params = vec!["Maria".into(), "Ana".into()];
    assert!(
        matches!(decide(&d, None, now), Decision::Skip(why) if why.contains("mudou depois do agendamento"))
    );
    d.params = vec!["Maria".into()];
    if let Some((_, draft)) = d.template.as_mut() {
        draft.buttons = vec![Button::Url {
            text: "Ver".into(),
            url: "https://imob.com.br/{{1}}".into(),
            variable: Some(Variable {
                source: VariableSource::FirstName,
                example: "ana".into(),
            }),
        }];
    }
    match decide(&d, None, now) {
        Decision::Send(Outgoing::Template { link, .. }) => {
            let link = link.unwrap();
            assert_eq!((link.index, link.value.as_str()), (0, "Maria"));
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
    assert_eq!(
        decide(&follow_up(night), None, night),
        Decision::Later(sp("2026-12-09T08:00"))
    );
    let mut d = follow_up(now);
    d.sent_today = true;
    assert_eq!(
        decide(&d, None, now),
        Decision::Later(sp("2026-12-09T08:00")),
        "one a day"
    );
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
        Decision::Send(Outgoing::Text {
            body: "Oi, tudo certo para amanhã?".into()
        }),
        "the consultant chose the time"
    );
    d.window_open = false;
    assert!(matches!(decide(&d, None, night), Decision::Skip(why) if why.contains("janela")));
}

/// A reminder of the appointment at `starts_at`, with the ready template.
fn reminder(now: DateTime<Utc>, starts_at: DateTime<Utc>) -> Due {
    let mut d = follow_up(now);
    d.rule_stage = None;
    d.anchor_at = None;
    d.lead_status = "agendado".into();
    let (_, mut draft) = template(Category::Utility);
    draft.name = "lembrete_agendamento".into();
    draft.header_text = Some("Lembrete do seu horário".into());
    draft.body = "Olá {{1}}, lembrando do nosso horário marcado para {{2}}. Você confirma?".into();
    draft.buttons = ["Confirmar", "Remarcar"]
        .map(|t| Button::QuickReply { text: t.into() })
        .into();
    draft.variables.push(Variable {
        source: VariableSource::Typed,
        example: "amanhã às 14h".into(),
    });
    d.template = Some(("lembrete_agendamento".into(), draft));
    d.reminder = Some(Reminder {
        appointment: Uuid::nil(),
        status: "marcado".into(),
        starts_at,
    });
    d
}

#[test]
fn a_reminder_says_the_time_in_words_and_carries_the_payloads() {
    let now = sp("2026-12-09T14:30");
    let mut d = reminder(now, sp("2026-12-10T14:30"));
    d.sent_today = true;
    match decide(&d, None, now) {
        Decision::Send(Outgoing::Template {
            params,
            buttons,
            text,
            ..
        }) => {
            assert_eq!(params, ["Maria", "amanhã, qui. 10/12 às 14:30"]);
            assert_eq!(text, "*Lembrete do seu horário*\nOlá Maria, lembrando do nosso horário marcado para amanhã, qui. 10/12 às 14:30. Você confirma?");
            let id = Uuid::nil();
            assert_eq!(
                buttons,
                [
                    format!("agenda:confirmar:{id}"),
                    format!("agenda:remarcar:{id}")
                ]
            );
        }
        other => panic!("not capped by a follow-up of the day: {other:?}"),
    }
}

#[test]
fn a_reminder_skips_a_changed_appointment_and_waits_out_the_night_only_before_it() {
    let now = sp("2026-12-09T10:00");
    let skipped = |d: Due, at: DateTime<Utc>| matches!(decide(&d, None, at), Decision::Skip(_));
    let mut d = reminder(now, sp("2026-12-10T10:00"));
    d.reminder.as_mut().unwrap().status = "cancelado".into();
    assert!(skipped(d, now), "cancelled");
    assert!(
        skipped(reminder(now, now - Duration::minutes(5)), now),
        "already started"
    );
    // 22h the evening before a 10h meeting: goes at 8h.
    let night = sp("2026-12-09T22:00");
    assert_eq!(
        decide(&reminder(night, sp("2026-12-10T10:00")), None, night),
        Decision::Later(sp("2026-12-10T08:00"))
    );
    // 6h for a 7h30 meeting: the quiet hours end after it.
    let early = sp("2026-12-10T06:00");
    assert!(
        matches!(decide(&reminder(early, sp("2026-12-10T07:30")), None, early),
        Decision::Skip(why) if why.contains("silêncio"))
    );
}
