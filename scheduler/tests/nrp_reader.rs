//! The Curtois-Qu reader on everything the format allows (issue 23): signed zeros, blank and
//! comment lines anywhere, CRLF line ends, trailing separators and whitespace. Each case is a
//! small hand-written instance whose parsed values are spelled out (or equal those of the
//! plain text), and truly bad input still names its line, section and field.

use std::collections::BTreeMap;

use scheduler::nrp::{self, Instance, NrpCover, NrpRequest, NrpShift, NrpStaff};

/// Two weeks, shifts D (480 min) and N (600 min, no D the day after an N); employees A and B;
/// A has days off 3 and 10, an on-request and B an off-request; cover: day 0 D needs 2, every
/// other row 0 or 1.
const PLAIN: &str = "# This is a comment. Comments start with #
SECTION_HORIZON
# The horizon length in days:
14

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
D,480,
N,600,D

SECTION_STAFF
# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends
A,D=14|N=3,4800,960,5,2,2,1
B,D=14|N=0,2880,0,4,1,1,2

SECTION_DAYS_OFF
# EmployeeID, DayIndexes (start at zero)
A,3,10

SECTION_SHIFT_ON_REQUESTS
# EmployeeID, Day, ShiftID, Weight
A,0,D,2

SECTION_SHIFT_OFF_REQUESTS
# EmployeeID, Day, ShiftID, Weight
B,1,D,3

SECTION_COVER
# Day, ShiftID, Requirement, Weight for under, Weight for over
0,D,2,100,1
0,N,0,100,1
1,D,1,100,1
1,N,1,100,1
";

/// The values of [`PLAIN`], spelled out.
fn expected() -> Instance {
    let staff = |id: &str, d: u32, n: u32, nums: [u32; 6]| NrpStaff {
        id: id.into(),
        max_shifts: BTreeMap::from([("D".to_string(), d), ("N".to_string(), n)]),
        max_total: nums[0],
        min_total: nums[1],
        max_consecutive: nums[2],
        min_consecutive: nums[3],
        min_days_off: nums[4],
        max_weekends: nums[5],
    };
    let cover = |day: usize, shift: &str, requirement: u32| NrpCover {
        day,
        shift: shift.into(),
        requirement,
        under: 100,
        over: 1,
    };
    let request = |employee: &str, day: usize, weight: u32| NrpRequest {
        employee: employee.into(),
        day,
        shift: "D".into(),
        weight,
    };
    Instance {
        horizon: 14,
        shifts: vec![
            NrpShift {
                id: "D".into(),
                minutes: 480,
                forbid_next: vec![],
            },
            NrpShift {
                id: "N".into(),
                minutes: 600,
                forbid_next: vec!["D".into()],
            },
        ],
        staff: vec![
            staff("A", 14, 3, [4800, 960, 5, 2, 2, 1]),
            staff("B", 14, 0, [2880, 0, 4, 1, 1, 2]),
        ],
        days_off: BTreeMap::from([("A".to_string(), vec![3, 10])]),
        on_requests: vec![request("A", 0, 2)],
        off_requests: vec![request("B", 1, 3)],
        cover: vec![
            cover(0, "D", 2),
            cover(0, "N", 0),
            cover(1, "D", 1),
            cover(1, "N", 1),
        ],
    }
}

#[test]
fn the_plain_text_reads_as_spelled_out() {
    assert_eq!(nrp::parse(PLAIN).unwrap(), expected());
}

/// `-0` and `+0` are 0 wherever a number is allowed (the tester's file had a cover
/// requirement written `-0`), and `+n` is n: requirement, weights, maxima, minutes, limits,
/// day indexes and request weights.
#[test]
fn signed_zeros_and_plus_signs_are_numbers() {
    let text = PLAIN
        .replace("0,N,0,100,1", "-0,N,-0,+100,+1")
        .replace(
            "A,D=14|N=3,4800,960,5,2,2,1",
            "A,D=+14|N=+3,+4800,+960,+5,+2,+2,+1",
        )
        .replace("B,D=14|N=0,2880,0,4,1,1,2", "B,D=14|N=-0,2880,-0,4,1,1,+2")
        .replace("A,0,D,2", "A,-0,D,+2")
        .replace("\n14\n", "\n+14\n");
    assert_ne!(text, PLAIN);
    let inst = nrp::parse(&text).unwrap();
    assert_eq!(inst, expected());
    assert_eq!(inst.cover[1].requirement, 0);
    assert_eq!(inst.cover[1].day, 0);
    assert_eq!(inst.staff[1].max_shifts["N"], 0);
    assert_eq!(inst.staff[1].min_total, 0);
    assert_eq!(inst.on_requests[0].day, 0);
}

/// Blank lines and comment lines (indented or not) between the rows of every section, before
/// the first section and at the end, read as if they were not there.
#[test]
fn blank_and_comment_lines_anywhere() {
    let mut text = String::from("\n# a comment before anything\n\n");
    for line in PLAIN.lines() {
        text.push_str(line);
        text.push('\n');
        if !line.is_empty() && !line.starts_with('#') {
            text.push_str("# a comment after a row\n\n   # an indented one\n\t\n");
        }
    }
    text.push_str("\n# the end\n\n");
    assert_eq!(nrp::parse(&text).unwrap(), expected());
}

/// Windows line ends (CRLF) throughout, with a byte-order mark, read like LF.
#[test]
fn crlf_line_ends_and_a_byte_order_mark() {
    let text = format!("\u{feff}{}", PLAIN.replace('\n', "\r\n"));
    assert!(text.contains("\r\n14\r\n"));
    assert_eq!(nrp::parse(&text).unwrap(), expected());
    // CRLF with every other liberty at once.
    let text = PLAIN
        .replace("0,N,0,100,1", "0,N,-0,100,1,")
        .replace("A,3,10", "A,3,10,  ")
        .replace('\n', " \r\n");
    assert_eq!(nrp::parse(&text).unwrap(), expected());
}

/// Trailing separators and whitespace: after the horizon, a shift (an empty forbidden list
/// written out or left off), a staff row, days off, requests and cover rows; spaces and tabs
/// around fields, `|` lists and `=` pairs; a section header followed by separators.
#[test]
fn trailing_separators_and_whitespace() {
    let text = PLAIN
        .replace("\n14\n", "\n14,\n")
        .replace("D,480,\n", "D,480\n")
        .replace("N,600,D\n", "N , 600 , D| ,,\n")
        .replace("A,D=14|N=3,4800", "A,D = 14 | N=3 |,4800")
        .replace("B,D=14|N=0,2880,0,4,1,1,2", "B,D=14|N=0,2880,0,4,1,1,2,")
        .replace("A,3,10", "A,\t3,10,")
        .replace("A,0,D,2", "A,0,D,2,\t")
        .replace("B,1,D,3", "B,1,D,3 ,")
        .replace("1,N,1,100,1", "1,N,1,100,1,,")
        .replace("SECTION_COVER\n", "SECTION_COVER,,,,\n")
        .replace('\n', "  \t\n");
    assert_eq!(nrp::parse(&text).unwrap(), expected());
}

/// Truly bad input is still refused, with the line, the section and the field: a negative
/// requirement, a fraction, a sign alone, a number with a sign inside, a missing field in the
/// middle of a row, an unknown shift.
#[test]
fn bad_input_names_line_section_and_field() {
    let line_of = |text: &str, needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("needle")
            + 1
    };
    for (from, to, section, says) in [
        (
            "0,N,0,100,1",
            "0,N,-1,100,1",
            "SECTION_COVER",
            "requirement: expected a whole number, found `-1`",
        ),
        (
            "1,D,1,100,1",
            "1,D,1.5,100,1",
            "SECTION_COVER",
            "requirement: expected a whole number, found `1.5`",
        ),
        (
            "1,N,1,100,1",
            "1,N,1,-,1",
            "SECTION_COVER",
            "weight for under: expected a whole number, found `-`",
        ),
        (
            "A,0,D,2",
            "A,0,D,+-2",
            "SECTION_SHIFT_ON_REQUESTS",
            "weight: expected a whole number, found `+-2`",
        ),
        (
            "B,D=14|N=0,2880,0,4,1,1,2",
            "B,D=14|N=0,2880,,4,1,1,2",
            "SECTION_STAFF",
            "MinTotalMinutes: expected a whole number, found ``",
        ),
        (
            "A,3,10",
            "A,3,-10",
            "SECTION_DAYS_OFF",
            "day: expected a whole number, found `-10`",
        ),
        ("N,600,D", "N,600,X", "SECTION_SHIFTS", "unknown shift `X`"),
    ] {
        let text = PLAIN.replace(from, to);
        let e = nrp::parse(&text).unwrap_err();
        assert_eq!(e.section, section, "{to}: {e}");
        assert_eq!(e.line, line_of(&text, to), "{to}: {e}");
        assert!(e.message.contains(says), "{to}: {e}");
    }
}

/// The writer's text reads back to the same instance (also after CRLF and the liberties).
#[test]
fn the_writer_round_trips() {
    let inst = expected();
    assert_eq!(nrp::parse(&inst.to_text()).unwrap(), inst);
    assert_eq!(
        nrp::parse(&inst.to_text().replace('\n', "\r\n")).unwrap(),
        inst
    );
}
