//! The Chinese texts of the validator (`detail_zh`), the pre-check (`message_zh`) and the
//! shortfall causes (`cause_zh`): one hand-made roster breaking nearly every rule, the
//! expected wording of several violations written out by hand, and older JSON without them.
//! No solving: every roster here is built by hand.

use std::collections::BTreeMap;

use chrono::NaiveDate;
mod common;

use common::*;
use scheduler::demand::{Demand, IntervalNeed, ServicePolicy};
use scheduler::site::Limits;
use scheduler::{
    precheck, validate, Assignment, Finding, Index, Leave, LeaveKind, PriorShift, Problem,
    ShiftType, Shortfall, Site, StandbyDuty, Violation,
};

fn march(site: &Site, leave: Vec<Leave>, previous: Vec<PriorShift>) -> Problem {
    Problem::new(site, &cal(), 2026, 3, leave, previous).unwrap()
}

fn sb(e: &str, date: &str, shift: &str) -> StandbyDuty {
    StandbyDuty {
        employee: e.into(),
        date: d(date),
        shift: shift.into(),
    }
}

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Non-empty, some Chinese, and no English word: every run of three or more ASCII letters
/// must be one of `allowed` (codes and ids the case uses).
fn assert_chinese(text: &str, allowed: &[&str], what: &str) {
    assert!(!text.is_empty(), "{what}: empty Chinese text");
    assert!(text.chars().any(is_cjk), "{what}: no Chinese in {text:?}");
    for word in text.split(|c: char| !c.is_ascii_alphabetic()) {
        assert!(
            word.len() < 3 || allowed.contains(&word),
            "{what}: English word {word:?} in {text:?}"
        );
    }
    for bad in ['`', '{', '}', '"'] {
        assert!(!text.contains(bad), "{what}: {bad:?} in {text:?}");
    }
}

fn with_limits(id: &str, limits: Limits) -> scheduler::Employee {
    let mut p = person(id, &["agent"]);
    p.limits = limits;
    p
}

/// Three shifts (A 08-16, P 16-24, N 00-08) and a long L 20:00-10:00 that overlaps the next
/// morning; one agent on A, P and N and one team leader on A each day; standby on P and N;
/// no N → A the next day. Staff each set up to break one or two rules.
fn broken_site() -> Site {
    let mut r = rules();
    r.standby_shifts = vec!["P".into(), "N".into()];
    r.forbidden_successions = vec![("N".into(), "A".into())];
    let mut shifts = three_shifts();
    shifts.push(ShiftType {
        paid_minutes: 720,
        break_minutes: 120,
        ..shift("L", "20:00", "10:00")
    });
    let mut m1 = person("M1", &["manager"]);
    m1.working_days_only = true;
    m1.shifts = vec!["A".into()];
    let staff = vec![
        person("E1", &["agent"]),
        person("E2", &["agent"]),
        person("E3", &["agent"]),
        person("E4", &["agent"]),
        with_limits(
            "E5",
            Limits {
                max_shifts: BTreeMap::from([("P".to_string(), 1)]),
                ..Default::default()
            },
        ),
        with_limits(
            "E6",
            Limits {
                min_consecutive_days: Some(3),
                ..Default::default()
            },
        ),
        with_limits(
            "E7",
            Limits {
                min_consecutive_days_off: Some(2),
                ..Default::default()
            },
        ),
        with_limits(
            "E8",
            Limits {
                max_weekends: Some(1),
                ..Default::default()
            },
        ),
        person("E9", &["agent"]),
        person("E10", &["agent"]),
        person("E11", &["agent"]),
        person("E12", &["agent"]),
        m1,
        person("T1", &["team_leader"]),
    ];
    site(
        shifts,
        vec![
            cover("A", "agent", 1),
            cover("P", "agent", 1),
            cover("N", "agent", 1),
            cover("A", "team_leader", 1),
        ],
        r,
        staff,
    )
}

fn days(e: &str, shift: &str, days: impl IntoIterator<Item = u32>) -> Vec<Assignment> {
    days.into_iter()
        .map(|day| {
            a(
                e,
                &NaiveDate::from_ymd_opt(2026, 3, day).unwrap().to_string(),
                shift,
            )
        })
        .collect()
}

/// March 2026 (22 working days: standard 176 h, cap 176 + 36 = 212 h, floor 176 − 8 = 168 h)
/// on [`broken_site`], with a forecast interval on 03-02 10:00-10:30 that needs 4 agents.
fn broken_case() -> (Problem, Vec<Violation>) {
    let leave = vec![Leave {
        employee: "E3".into(),
        from: d("2026-03-04"),
        to: d("2026-03-04"),
        kind: LeaveKind::Personal,
    }];
    let prev = (25..=28)
        .map(|day| PriorShift {
            employee: "E4".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
            shift: "N".into(),
        })
        .collect();
    let mut p = march(&broken_site(), leave, prev);
    p.demand = Some(Demand {
        role: "agent".into(),
        shifts: vec!["A".into()],
        policy: ServicePolicy::default(),
        patience_seconds: None,
        needs: vec![IntervalNeed {
            date: d("2026-03-02"),
            start_minute: 600,
            minutes: 30,
            calls: 20.0,
            aht_seconds: 300.0,
            on_phones: 3,
            rostered: 4,
        }],
    });
    let mut work = vec![
        // E1: P then A the next morning, 8 h rest; works P on 03-01 while standing by.
        a("E1", "2026-03-01", "P"),
        a("E1", "2026-03-02", "A"),
        // E2: two shifts on one date.
        a("E2", "2026-03-03", "A"),
        a("E2", "2026-03-03", "N"),
        // E3: on a personal-leave day.
        a("E3", "2026-03-04", "A"),
        // E4: a fifth night after four at the end of February.
        a("E4", "2026-03-01", "N"),
        // M1 (manager, A only, working days only) as an agent on P on a Saturday.
        a("M1", "2026-03-07", "P"),
        // E11: N then A the next day (forbidden); an undefined shift; a date in April.
        a("E11", "2026-03-15", "N"),
        a("E11", "2026-03-16", "A"),
        a("E11", "2026-03-20", "XYZ"),
        a("E11", "2026-04-01", "A"),
        // E12: L (to 10:00 the next day) then A at 08:00: two hours of overlap.
        a("E12", "2026-03-17", "L"),
        a("E12", "2026-03-18", "A"),
        // Not on the staff list.
        a("X9", "2026-03-05", "A"),
        Assignment {
            employee: "T1".into(),
            date: d("2026-03-02"),
            shift: "A".into(),
            role: "team_leader".into(),
        },
    ];
    // E5: P twice, at most once.
    work.extend(days("E5", "P", [5, 7]));
    // E6: a lone working day, runs of at least 3.
    work.extend(days("E6", "A", [10]));
    // E7: a lone day off between two working days, runs of at least 2.
    work.extend(days("E7", "A", [10, 12]));
    // E8: three Saturdays, at most one weekend.
    work.extend(days("E8", "A", [7, 14, 21]));
    // E9: seven days in a row.
    work.extend(days("E9", "A", 1..=7));
    // E10: 27 mornings (six on, one off): 216 h.
    work.extend(days(
        "E10",
        "A",
        (1..=6)
            .chain(8..=13)
            .chain(15..=20)
            .chain(22..=27)
            .chain(29..=31),
    ));
    let standby = vec![
        sb("E1", "2026-03-01", "N"),  // working that date
        sb("E5", "2026-03-22", "P"),  // two standbys on one date
        sb("E5", "2026-03-22", "N"),  //
        sb("E5", "2026-03-25", "A"),  // A needs no standby
        sb("E9", "2026-03-08", "N"),  // 8 h after A on 03-07, an eighth day in a row
        sb("E10", "2026-03-07", "P"), // 8 h before A on 03-08, hours above the cap
        sb("M1", "2026-03-25", "N"),  // not an agent, may not work N
        sb("X9", "2026-03-26", "N"),  // unknown
    ];
    let v = validate(&p, &hand(work, standby));
    (p, v)
}

const ALLOWED: &[&str] = &["XYZ"];

#[test]
fn every_violation_has_a_chinese_detail() {
    let (_, v) = broken_case();
    for x in &v {
        assert_chinese(&x.detail_zh, ALLOWED, &x.to_string());
    }
    let seen: std::collections::BTreeSet<&str> = v.iter().map(|x| x.rule.as_str()).collect();
    let expected = [
        "unknown_employee",
        "unknown_shift",
        "outside_month",
        "role_not_held",
        "leave",
        "working_days_only",
        "shift_not_allowed",
        "one_shift_a_day",
        "min_rest",
        "forbidden_succession",
        "max_shifts",
        "min_consecutive_days",
        "min_consecutive_days_off",
        "max_weekends",
        "max_consecutive_days",
        "max_consecutive_shifts",
        "hours_min",
        "hours_max",
        "cover",
        "interval_cover",
        "standby_unknown",
        "standby_role",
        "standby_shift",
        "standby_off_duty",
        "standby_call_in",
        "standby_one_per_day",
        "standby_cover",
    ];
    for rule in expected {
        assert!(seen.contains(rule), "no {rule} violation in {v:#?}");
    }
    // Every kind of standby_call_in: rest before and after, the run, the hours, the shift.
    let call_in: Vec<&str> = v
        .iter()
        .filter(|x| x.rule == "standby_call_in")
        .map(|x| x.detail_zh.as_str())
        .collect();
    for part in [
        "之间休息不足",
        "之前休息不足",
        "将连续上班",
        "计划工时将达",
        "无法调来",
    ] {
        assert!(call_in.iter().any(|t| t.contains(part)), "{call_in:#?}");
    }
}

/// Finds the one violation of `rule` for `who` (or on `date` when `who` is `None`).
fn one<'v>(v: &'v [Violation], rule: &str, who: Option<&str>, date: Option<&str>) -> &'v str {
    let hits: Vec<&Violation> = v
        .iter()
        .filter(|x| {
            x.rule == rule
                && (who.is_none() || x.employee.as_deref() == who)
                && date.is_none_or(|dt| x.date == Some(d(dt)))
        })
        .collect();
    assert_eq!(hits.len(), 1, "{rule} {who:?} {date:?}: {hits:#?}");
    &hits[0].detail_zh
}

/// The wording worked out by hand from the figures of [`broken_case`].
#[test]
fn chinese_details_read_as_written() {
    let (_, v) = broken_case();
    let cases: Vec<(&str, Option<&str>, Option<&str>, &str)> = vec![
        // Three Saturdays (03-07, 03-14, 03-21) are three weekends; at most one.
        ("max_weekends", Some("E8"), None, "周末上班 3 个，最多 1 个"),
        // One working day (03-10) between days off; runs of at least 3.
        (
            "min_consecutive_days",
            Some("E6"),
            None,
            "连续上班只有 1 天，至少 3 天",
        ),
        (
            "min_consecutive_days_off",
            Some("E7"),
            None,
            "连续休息只有 1 天，至少 2 天",
        ),
        // P ends at 24:00, A starts at 08:00: 8 h against 12 h.
        (
            "min_rest",
            Some("E1"),
            None,
            "2026-03-01 P 班与 2026-03-02 A 班之间休息 8 小时，至少 12 小时",
        ),
        // L ends at 10:00 the next day, A starts at 08:00: two hours of overlap.
        (
            "min_rest",
            Some("E12"),
            None,
            "2026-03-17 L 班与 2026-03-18 A 班时间重叠 2 小时，之间至少应休息 12 小时",
        ),
        // 27 × 8 h = 216 h against 176 + 36 = 212 h.
        (
            "hours_max",
            Some("E10"),
            None,
            "计划工时 216 小时，超过上限 212 小时（标准工时 + 加班上限 36 小时）",
        ),
        // One shift, 8 h, against 176 − 8 = 168 h.
        (
            "hours_min",
            Some("T1"),
            None,
            "计划工时 8 小时，低于下限 168 小时（标准工时 176 小时减去请假及允许少排的工时）",
        ),
        ("max_shifts", Some("E5"), None, "P 班 2 次，最多 1 次"),
        (
            "max_consecutive_shifts",
            Some("E4"),
            None,
            "连续 5 个 N 班，最多 4 个",
        ),
        (
            "max_consecutive_days",
            Some("E9"),
            None,
            "连续上班 7 天，最多 6 天",
        ),
        ("leave", Some("E3"), None, "事假期间被排了 A 班"),
        (
            "one_shift_a_day",
            Some("E2"),
            None,
            "同一天排了 A 和 N 两个班",
        ),
        (
            "forbidden_succession",
            Some("E11"),
            None,
            "2026-03-16 的 A 班不能紧接在前一天的 N 班之后",
        ),
        (
            "role_not_held",
            Some("M1"),
            None,
            "计为话务员，但 M1 不具备该岗位",
        ),
        (
            "working_days_only",
            Some("M1"),
            None,
            "只在工作日上班，2026-03-07 是休息日",
        ),
        (
            "shift_not_allowed",
            Some("M1"),
            None,
            "只能上 A 班，却排了 P 班",
        ),
        ("standby_role", Some("M1"), None, "备班须具备话务员岗位"),
        ("unknown_shift", Some("E11"), None, "班次 XYZ 未定义"),
        (
            "outside_month",
            Some("E11"),
            None,
            "日期不在排班月份 2026-03 内",
        ),
        // Nobody is team leader on A on 03-03.
        (
            "cover",
            None,
            Some("2026-03-03"),
            "覆盖不足：A 班班长只有 0 人，至少需要 1 人",
        ),
        // E1, E9 and E10 on A on 03-02 (T1 counts as team leader): 3 of 4.
        (
            "interval_cover",
            None,
            None,
            "时段覆盖不足：10:00-10:30 话务员排了 3 人，需要 4 人",
        ),
        ("standby_one_per_day", Some("E5"), None, "同一天有多个备班"),
    ];
    for (rule, who, date, want) in cases {
        let got = if rule == "cover" {
            // Several cover rows on 03-03 (A agent is covered by E2; P and N are not).
            v.iter()
                .filter(|x| x.rule == "cover" && x.date == date.map(d))
                .map(|x| x.detail_zh.as_str())
                .find(|t| t.contains("班长"))
                .unwrap()
        } else {
            one(&v, rule, who, date)
        };
        assert_eq!(got, want, "{rule} {who:?}");
    }
    // The standby figures for E9 (A on 03-01..07, standby N on 03-08) and E10.
    let e9: Vec<&str> = v
        .iter()
        .filter(|x| x.rule == "standby_call_in" && x.employee.as_deref() == Some("E9"))
        .map(|x| x.detail_zh.as_str())
        .collect();
    assert_eq!(
        e9,
        vec![
            "若调来上 N 班，与 2026-03-07 的 A 班之间休息不足",
            "若调来上班，将连续上班 8 天，最多 6 天",
        ]
    );
    assert!(v.iter().any(|x| x.employee.as_deref() == Some("E10")
        && x.detail_zh == "若调来上班，计划工时将达 224 小时，超过上限 212 小时"));
    assert!(v.iter().any(|x| x.rule == "standby_cover"
        && x.date == Some(d("2026-03-02"))
        && x.detail_zh == "备班不足：P 班备班 0 人，需要 1 人"));
}

/// Two agents for two morning places, one on annual leave 03-10..03-12, and a standby on
/// the morning: the pre-check finds cover, daily capacity and standby short; a hand roster
/// with E2 alone on some mornings gives every kind of shortfall.
#[test]
fn precheck_and_shortfall_causes_in_chinese() {
    let mut r = rules();
    r.standby_shifts = vec!["A".into()];
    let s = site(
        vec![shift("A", "08:00", "16:00"), shift("P", "16:00", "24:00")],
        vec![cover("A", "agent", 2)],
        r,
        vec![person("E1", &["agent"]), person("E2", &["agent"])],
    );
    let leave = vec![Leave {
        employee: "E1".into(),
        from: d("2026-03-10"),
        to: d("2026-03-12"),
        kind: LeaveKind::Annual,
    }];
    let mut p = march(&s, leave, vec![]);
    let found = precheck(&p);
    assert!(!found.is_empty());
    for f in &found {
        assert_chinese(&f.message_zh, &[], &f.message);
    }
    let on = |rule: &str| {
        found
            .iter()
            .find(|f| f.rule == rule && f.date == Some(d("2026-03-10")))
            .map(|f| f.message_zh.as_str())
            .unwrap()
    };
    assert_eq!(
        on("cover"),
        "03-10 A 班需话务员 2 人：具备该岗位的 2 人，其中请假 1 人，能上此班的 1 人"
    );
    assert_eq!(
        on("daily_capacity"),
        "03-10 各班共需话务员 2 人：具备该岗位的 2 人，其中请假 1 人，只剩 1 人（每人每天只上一个班）"
    );
    assert_eq!(
        on("standby"),
        "03-10 话务员需上班 2 人、备班 1 人，未请假的只有 1 人"
    );

    p.demand = Some(Demand {
        role: "agent".into(),
        shifts: vec!["A".into()],
        policy: ServicePolicy::default(),
        patience_seconds: None,
        needs: vec![IntervalNeed {
            date: d("2026-03-02"),
            start_minute: 600,
            minutes: 30,
            calls: 20.0,
            aht_seconds: 300.0,
            on_phones: 3,
            rostered: 4,
        }],
    });
    let roster = hand(
        vec![
            a("E2", "2026-03-02", "A"),
            a("E2", "2026-03-10", "A"),
            a("E2", "2026-03-11", "P"),
        ],
        vec![],
    );
    let short = scheduler::explain::shortfalls(&Index::new(&p), &roster);
    for kind in ["cover", "standby", "interval", "hours"] {
        assert!(
            short
                .iter()
                .any(|x| serde_json::to_value(x.kind).unwrap() == kind),
            "no {kind} shortfall: {short:#?}"
        );
    }
    for x in &short {
        assert_chinese(&x.cause_zh, &[], &x.cause);
    }
    let cover_on = |date: &str| {
        short
            .iter()
            .find(|x| {
                x.role.as_deref() == Some("agent")
                    && x.date == Some(d(date))
                    && x.cause.contains("places")
            })
            .map(|x| x.cause_zh.as_str())
            .unwrap()
    };
    // 03-10: E1 on leave, E2 alone for two places.
    assert_eq!(
        cover_on("2026-03-10"),
        "03-10 话务员请假 1 人，剩下具备该岗位的 1 人，需要 2 人"
    );
    // 03-03: nobody on leave, both free, neither rostered.
    assert_eq!(
        cover_on("2026-03-03"),
        "03-03 话务员请假 0 人，剩下具备该岗位的 2 人，需要 2 人；其中 0 人当天已有排班，其余的受休息间隔、连续上班天数或工时上限所限"
    );
    let e1 = short
        .iter()
        .find(|x| x.employee.as_deref() == Some("E1"))
        .unwrap();
    // 176 − 3 × 8 (leave) − 8 = 144 h.
    assert_eq!(
        e1.cause_zh,
        "E1 计划工时 0 小时，下限 144 小时：此人能上的班次不够"
    );
}

/// Violations, findings and shortfalls stored before the Chinese texts existed still read.
#[test]
fn older_json_without_chinese_texts() {
    let v: Violation = serde_json::from_str(
        r#"{"rule":"cover","employee":null,"date":"2026-03-02","detail":"A agent: 0 of 1 agent required"}"#,
    )
    .unwrap();
    assert_eq!(v.detail, "A agent: 0 of 1 agent required");
    assert_eq!(v.detail_zh, "");
    let f: Finding = serde_json::from_str(
        r#"{"rule":"cover","date":"2026-03-02","message":"A agent on 03-02: 2 needed"}"#,
    )
    .unwrap();
    assert_eq!(f.message_zh, "");
    let s: Shortfall = serde_json::from_str(
        r#"{"kind":"cover","date":"2026-03-02","shift":"A","role":"agent","missing":1,"cause":"x"}"#,
    )
    .unwrap();
    assert_eq!(s.cause_zh, "");
    // And they round-trip with them.
    let back: Violation = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}

/// A violation as one line: the Display form in English, the Chinese detail on `zh` (the
/// English where a stored violation has none).
#[test]
fn a_violation_reads_as_one_line_in_either_language() {
    let v = scheduler::Violation {
        rule: "weekends_max".into(),
        employee: Some("A001".into()),
        date: None,
        detail: "3 weekends worked; at most 2".into(),
        detail_zh: "周末上班 3 个，最多 2 个".into(),
    };
    assert_eq!(
        v.line_in("en"),
        "[weekends_max] A001: 3 weekends worked; at most 2"
    );
    assert_eq!(
        v.line_in("zh"),
        "[weekends_max] A001：周末上班 3 个，最多 2 个"
    );
    let old = scheduler::Violation {
        detail_zh: String::new(),
        ..v
    };
    assert_eq!(old.detail_in("zh"), "3 weekends worked; at most 2");
}
