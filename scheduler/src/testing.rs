//! Fixtures shared by the unit tests: the calendars, the demo site's month and a small site
//! written in TOML for a test of its own.

use crate::{Calendar, Leave, Problem, Site};

/// The 2025 and 2026 calendars of `data/calendar`.
pub(crate) fn calendar() -> Calendar {
    Calendar::from_toml_strs([
        include_str!("../../data/calendar/2025.toml"),
        include_str!("../../data/calendar/2026.toml"),
    ])
    .unwrap()
}

/// The demo site (`data/demo`) for a month of 2026 with `leave`, without a previous month.
pub(crate) fn demo(month: u32, leave: Vec<Leave>) -> Problem {
    let site = Site::from_toml_strs(
        include_str!("../../data/demo/site.toml"),
        Some(include_str!("../../data/demo/staff.toml")),
    )
    .unwrap();
    Problem::new(&site, &calendar(), 2026, month, leave, vec![]).unwrap()
}

/// A site given as TOML (`site`, `staff`) for a month of 2026 with `leave`.
pub(crate) fn month_of(site: &str, staff: &str, month: u32, leave: Vec<Leave>) -> Problem {
    let site = Site::from_toml_strs(site, Some(staff)).unwrap();
    Problem::new(&site, &calendar(), 2026, month, leave, vec![]).unwrap()
}
