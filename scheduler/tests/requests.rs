//! Leave and swap requests checked against a published roster, and the candidates for an
//! open shift. Expected verdicts are worked out by hand from the rules.

mod common;

use common::*;
use scheduler::{
    assess, candidates, LeaveKind, Problem, RequestBook, RequestKind, RosterFile, Status,
};

/// Two shifts, A 08-16 and P 16-24, one agent each; rest 12 h. Published (partial, so cover
/// is short on most days before and after, which a request must not be blamed for):
/// E1 works P on 04-10; E2 works A on 04-11; E3 is off both days.
fn two_shift_doc() -> RosterFile {
    let mut r = rules();
    r.under_standard_minutes = 20_000;
    let s = site(
        vec![shift("A", "08:00", "16:00"), shift("P", "16:00", "24:00")],
        vec![cover("A", "agent", 1), cover("P", "agent", 1)],
        r,
        ["E1", "E2", "E3"]
            .iter()
            .map(|n| person(n, &["agent"]))
            .collect(),
    );
    let p = Problem::new(&s, &cal(), 2026, 4, vec![], vec![]).unwrap();
    RosterFile {
        problem: p,
        roster: hand(
            vec![a("E1", "2026-04-10", "P"), a("E2", "2026-04-11", "A")],
            vec![],
        ),
    }
}

/// E1 and E2 swap 04-11: E1 would work A at 08:00 after P ending at 24:00 the day before,
/// 8 h of rest against 12 h: rejected, with `min_rest` named. E3 taking E2's A on 04-11
/// breaks nothing (E3 is off around it): approved.
#[test]
fn a_swap_that_breaks_the_rest_rule_is_rejected_with_the_rule_named() {
    let doc = two_shift_doc();
    let mut book = RequestBook::default();
    let bad = RequestKind::Swap {
        first: "E1".into(),
        second: "E2".into(),
        dates: vec![on(11)],
    };
    let id = book.add(bad.clone(), "E1", "family visit");
    let check = assess(&doc, &bad).unwrap();
    assert!(check.blocking);
    assert_eq!(check.rules(), vec!["min_rest"]);
    let v = &check.new_violations[0];
    assert_eq!((v.employee.as_deref(), v.date), (Some("E1"), Some(on(11))));
    assert_eq!(
        book.approve(id, "manager", &check, None),
        Ok(Status::Rejected)
    );
    let r = book.get(id).unwrap();
    assert!(r.reason.as_deref().unwrap().contains("min_rest"), "{r:?}");
    // A decided request cannot be decided again.
    assert!(book.reject(id, "manager", "again").is_err());

    let good = RequestKind::Swap {
        first: "E2".into(),
        second: "E3".into(),
        dates: vec![on(11)],
    };
    let id = book.add(good.clone(), "E2", "");
    let check = assess(&doc, &good).unwrap();
    assert!(!check.blocking && check.new_violations.is_empty());
    assert!(check
        .roster
        .roster
        .assignments
        .iter()
        .any(|x| x.employee == "E3" && x.date == on(11) && x.shift == "A"));
    assert!(!check
        .roster
        .roster
        .assignments
        .iter()
        .any(|x| x.employee == "E2"));
    assert_eq!(
        book.approve(id, "manager", &check, None),
        Ok(Status::Approved)
    );
}

/// E2 asks for annual leave 04-11..04-12: the A shift of 04-11 loses its only agent (a new
/// `cover` violation on 04-11; 04-12 was already short, so nothing new there). Leave is not
/// blocked by cover: the manager approves, and the approved leave becomes an absence event
/// for the repair and a leave row for the next solve. A rejection needs a reason.
#[test]
fn leave_is_checked_then_feeds_the_repair_and_the_next_solve() {
    let doc = two_shift_doc();
    let mut book = RequestBook::default();
    let leave = RequestKind::Leave {
        employee: "E2".into(),
        from: on(11),
        to: on(12),
        kind: LeaveKind::Annual,
    };
    let id = book.add(leave.clone(), "E2", "");
    let check = assess(&doc, &leave).unwrap();
    assert!(!check.blocking);
    assert_eq!(check.rules(), vec!["cover"]);
    assert_eq!(check.new_violations.len(), 1);
    assert_eq!(check.new_violations[0].date, Some(on(11)));
    assert_eq!(
        book.approve(id, "manager", &check, Some("ok")),
        Ok(Status::Approved)
    );
    let events = book.absence_events(&doc, on(5));
    assert_eq!(events.len(), 1);
    assert_eq!(book.approved_leave().len(), 1);
    assert_eq!(book.approved_leave()[0].kind, LeaveKind::Annual);

    let other = book.add(leave, "E2", "");
    assert!(book.reject(other, "manager", "  ").is_err());
    book.reject(other, "manager", "duplicate").unwrap();
    assert_eq!(book.get(other).unwrap().status, Status::Rejected);
    assert_eq!(book.approved_leave().len(), 1);
}

/// One D shift a day, at most 2 days in a row, rotation E1 1-2, E2 3-4, E3 5-6, ...
/// An extra agent on 04-14 (E1's day; E1 works 13-14): E1 is already on D. E2 works 15-16,
/// so 14 would make three in a row: `max_consecutive_days`. E3 works 11-12 and is off 13:
/// possible, at the day-off cost of 30 with rest of 16 h and more around it.
#[test]
fn candidates_for_an_open_shift_are_ranked_with_reasons() {
    let doc = rotation(2);
    let c = candidates(&doc, on(14), "D", "agent").unwrap();
    let ids: Vec<(&str, bool)> = c
        .iter()
        .map(|x| (x.employee.as_str(), x.possible))
        .collect();
    assert_eq!(ids, vec![("E3", true), ("E1", false), ("E2", false)]);
    assert!((c[0].cost - 30.0).abs() < 1e-9, "{:?}", c[0]);
    assert!(c[1].reasons[0].contains("already on D"));
    assert!(c[2]
        .reasons
        .iter()
        .any(|r| r.contains("max_consecutive_days")));
    assert!(candidates(&doc, on(14), "X", "agent").is_err());
}
