//! Repair scenarios: a published roster, an event, and the fewest changes that restore every
//! rule. Published rosters are built by hand so the expected changes can be counted by hand.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use scheduler::{repair, validate, Duty, Event, LeaveKind, Roster, ShortfallKind, SolveOptions};

fn opts() -> SolveOptions {
    SolveOptions {
        time_limit_seconds: 20.0,
        threads: 1,
        ..Default::default()
    }
}

fn change(who: &str, day: u32, before: Duty, after: Duty) -> scheduler::Change {
    scheduler::Change {
        employee: who.into(),
        date: on(day),
        before,
        after,
    }
}

/// Published: E1, E2, E3 take turns two days each (E1 on 1-2, E2 on 3-4, E3 on 5-6, E1 on
/// 7-8, ...), so on day d the worker is number ((d-1)/2) mod 3. At most 3 days in a row.
/// E1 is ill 04-13..04-15: E1 loses 13 and 14 (15 is E2's). Who fills them?
/// - E2 worked 9-10 and works 15-16; E3 worked 11-12 and works 17-18.
/// - E2 on both 13 and 14 makes 13-16 four days in a row; E3 on both makes 11-14: both break
///   the 3-day rule. So each fills one day: (E3 13, E2 14) runs 11-13 and 14-16, or
///   (E2 13, E3 14), which leaves each an isolated day off (work, off, work), a soft cost.
///
/// Hence exactly four changes: E1's two shifts dropped, E3 takes 13 and E2 takes 14. Nothing
/// before 04-13 changes.
#[test]
fn one_agent_ill_for_three_days_changes_only_the_shifts_needed() {
    let doc = rotation(3);
    let events = [Event::Absence {
        employee: "E1".into(),
        from: on(13),
        to: on(15),
        kind: LeaveKind::Sick,
    }];
    let r = repair(&doc, &events, on(13), &opts()).unwrap();
    let off = || Duty::Off;
    let d = || Duty::Shift("D".into());
    assert_eq!(
        r.changes,
        vec![
            change("E1", 13, d(), off()),
            change("E1", 14, d(), off()),
            change("E2", 14, off(), d()),
            change("E3", 13, off(), d()),
        ]
    );
    assert_eq!(r.affected, vec!["E1", "E2", "E3"]);
    assert!(r.roster.roster.shortfalls.is_empty());
    assert!(validate(&r.roster.problem, &r.roster.roster).is_empty());
    // Nothing before the change date moved.
    let before = |ro: &Roster| {
        ro.assignments
            .iter()
            .filter(|x| x.date < on(13))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(before(&doc.roster), before(&r.roster.roster));
    // The absence is in the repaired roster's own problem (payroll reads it from there).
    assert!(r
        .roster
        .problem
        .leave
        .iter()
        .any(|l| l.employee == "E1" && l.kind == LeaveKind::Sick));
}

/// Cover 3 agents every day with four people (E1, E2, E3 and the reserve R1). Published: on
/// day d the person number (d mod 4) is off (1 → E1, 2 → E2, 3 → E3, 0 → R1), everyone else
/// works: runs of three, within the 6-day rule. E3 resigns with 04-15 as the last day.
/// From 04-16 three people must fill 3 places on 15 days = 45 shifts, and each can work at
/// most 13 of those 15 days under the 6-day rule given the run carried in from 04-15:
/// - E1 (off 04-13, carries 2): 16-19, off 20, 21-26, off 27, 28-30 → 13;
/// - E2 (off 04-14, carries 1): 16-20, off 21, 22-27, off 28, 29-30 → 13;
/// - R1 (off 04-12, carries 3): 16-18, off 19, 20-25, off 26, 27-30 → 13.
///
/// So at least 45 − 39 = 6 places stay empty, named as cover shortfalls on or after 04-16,
/// and the reserve works every day it can.
#[test]
fn a_resignation_without_a_joiner_leaves_named_shortfalls() {
    let s = day_site(&["E1", "E2", "E3", "R1"], 3, 6, &["R1"]);
    let names = ["R1", "E1", "E2", "E3"];
    let assignments = (1..=30u32)
        .flat_map(|day| {
            names
                .iter()
                .enumerate()
                .filter(move |(k, _)| *k as u32 != day % 4)
                .map(move |(_, n)| a(n, &on(day).to_string(), "D"))
        })
        .collect();
    let doc = published(april(&s), assignments);
    let events = [Event::Resignation {
        employee: "E3".into(),
        last_day: on(15),
    }];
    let r = repair(&doc, &events, on(16), &opts()).unwrap();
    let short = &r.roster.roster.shortfalls;
    assert!(short.iter().all(|x| x.kind == ShortfallKind::Cover
        && x.date.unwrap() >= on(16)
        && x.shift.as_deref() == Some("D")
        && x.role.as_deref() == Some("agent")
        && !x.cause.is_empty()));
    assert_eq!(short.iter().map(|x| x.missing).sum::<u32>(), 6);
    let v = validate(&r.roster.problem, &r.roster.roster);
    assert!(v.iter().all(|x| x.rule == "cover"), "{v:?}");
    assert_eq!(v.len(), short.len());
    let worked = |who: &str| {
        r.roster
            .roster
            .assignments
            .iter()
            .filter(|x| x.employee == who && x.date >= on(16))
            .count()
    };
    assert_eq!(
        (worked("E1"), worked("E2"), worked("R1"), worked("E3")),
        (13, 13, 13, 0)
    );
}

/// A joiner from 04-20 takes shifts only from that date; a changed cover (two agents on
/// 04-25) is met; days before the change date are untouched.
#[test]
fn a_joiner_and_a_cover_change() {
    let doc = rotation(3);
    let events = [
        Event::Resignation {
            employee: "E2".into(),
            last_day: on(19),
        },
        Event::Joiner {
            from: on(20),
            employee: person("N1", &["agent"]),
        },
        Event::Cover {
            from: on(25),
            to: on(25),
            shift: "D".into(),
            role: "agent".into(),
            min: 2,
        },
    ];
    let r = repair(&doc, &events, on(18), &opts()).unwrap();
    let ro = &r.roster.roster;
    assert!(ro.shortfalls.is_empty(), "{:?}", ro.shortfalls);
    assert!(validate(&r.roster.problem, ro).is_empty());
    assert!(ro
        .assignments
        .iter()
        .filter(|x| x.employee == "N1")
        .all(|x| x.date >= on(20)));
    assert!(ro
        .assignments
        .iter()
        .filter(|x| x.employee == "E2")
        .all(|x| x.date <= on(19)));
    assert_eq!(
        ro.assignments.iter().filter(|x| x.date == on(25)).count(),
        2
    );
    assert!(r.changes.iter().all(|c| c.date >= on(18)));
}

/// Events before the change date, unknown people and dates outside the month are refused
/// with the event named.
#[test]
fn bad_events_are_refused_by_name() {
    let doc = rotation(3);
    let err = |events: Vec<Event>, from: u32| {
        repair(&doc, &events, on(from), &opts())
            .unwrap_err()
            .to_string()
    };
    let absence = |who: &str, from: NaiveDate| Event::Absence {
        employee: who.into(),
        from,
        to: from + Duration::days(1),
        kind: LeaveKind::Sick,
    };
    let e = err(vec![absence("E1", on(10))], 12);
    assert!(
        e.contains("event 1") && e.contains("before the change date"),
        "{e}"
    );
    let e = err(vec![absence("E1", on(12)), absence("X9", on(12))], 12);
    assert!(e.contains("X9") && e.contains("event 2"), "{e}");
    let e = err(
        vec![Event::Joiner {
            from: on(15),
            employee: person("E1", &["agent"]),
        }],
        12,
    );
    assert!(e.contains("already on the staff"), "{e}");
    let e = repair(
        &doc,
        &[],
        NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        &opts(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("outside the roster's month"), "{e}");
}
