//! The published roster as an anchor (repair, 排班调整): days before the change date are
//! pinned to what was published, and every (person, date) from the change date on whose duty
//! differs from the published one is a priced change.
//!
//! A cell's duty is one of off, a shift, or a standby; its change variable `c` is at least each
//! way the new cell can differ, so a moved person costs one change however the cell changed:
//! - published shift `s`: `c >= 1 - x[s]` (off, another shift or standby all lose `x[s]`);
//! - published standby `s`: `c >= 1 - sb[s]`;
//! - published off: `c >= work + standby`.
//!
//! `c` is continuous in [0, 1]; with a positive price it settles at the largest of its lower
//! bounds, which are 0 or 1 at every integer point.

use good_lp::{constraint, Expression};

use super::{Builder, Vars};
use crate::problem::Index;
use crate::roster::Roster;

/// What a person does on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    Off,
    /// Shift index, with the role index in `y[e][d][s]`.
    Shift(usize, usize),
    /// Standby for shift index.
    Standby(usize),
}

/// The published roster in the model's indexes, and where the change window starts.
pub(crate) struct Anchor {
    /// First day index that may change.
    pub from: usize,
    /// `cells[e][d]`.
    pub cells: Vec<Vec<Cell>>,
    /// Price factor per person: the reserve is a first candidate (half price).
    pub person_factor: Vec<f64>,
}

/// Days over which the price of a change falls from three times to once the base weight.
pub(crate) const CHANGE_HORIZON_DAYS: usize = 21;

/// The price of changing a cell `k` days after the change date, as a multiple of the base
/// weight: 3 on the change date, falling linearly to 1 at three weeks and after.
pub(crate) fn day_factor(k: usize) -> f64 {
    let left = CHANGE_HORIZON_DAYS.saturating_sub(k) as f64;
    1.0 + 2.0 * left / CHANGE_HORIZON_DAYS as f64
}

impl Anchor {
    /// Maps a published roster onto `ix`. A published entry the model cannot express (the
    /// person is no longer allowed that shift or role on that date) is returned as an error
    /// when it lies before `from`, and read as "off" from `from` on (the repair then changes
    /// it, counted as a change).
    pub fn new(
        ix: &Index<'_>,
        roles_on: &[Vec<Vec<String>>],
        published: &Roster,
        from: usize,
    ) -> Result<Anchor, String> {
        let p = ix.p;
        let (ne, nd) = (p.employees.len(), p.num_days());
        let mut cells = vec![vec![Cell::Off; nd]; ne];
        for a in &published.assignments {
            let (Some(e), Some(d), Some(s)) =
                (ix.employee(&a.employee), ix.day(a.date), ix.shift(&a.shift))
            else {
                return Err(format!(
                    "published assignment {} {} {}: unknown person, date or shift",
                    a.employee, a.date, a.shift
                ));
            };
            let role = roles_on[e][s].iter().position(|r| *r == a.role);
            match role {
                Some(k) if ix.can_work(e, d, s) => cells[e][d] = Cell::Shift(s, k),
                _ if d >= from => {}
                _ => {
                    return Err(format!(
                        "published assignment {} {} {} ({}) is before the change date but no longer allowed",
                        a.employee, a.date, a.shift, a.role
                    ))
                }
            }
        }
        for sb in &published.standby {
            let (Some(e), Some(d), Some(s)) = (
                ix.employee(&sb.employee),
                ix.day(sb.date),
                ix.shift(&sb.shift),
            ) else {
                return Err(format!(
                    "published standby {} {} {}: unknown person, date or shift",
                    sb.employee, sb.date, sb.shift
                ));
            };
            if ix.leave[e][d].is_none() || d < from {
                cells[e][d] = Cell::Standby(s);
            }
        }
        let person_factor = p
            .employees
            .iter()
            .map(|emp| if emp.reserve { 0.5 } else { 1.0 })
            .collect();
        Ok(Anchor {
            from,
            cells,
            person_factor,
        })
    }
}

impl Cell {
    /// The cell `(e, d)` of a warm start (a shift before a standby, as the model cannot hold
    /// both).
    pub(crate) fn of_start(start: &super::construct::Start, e: usize, d: usize) -> Cell {
        match (start.shift[e][d], start.standby[e][d]) {
            (Some((s, k)), _) => Cell::Shift(s, k),
            (None, Some(s)) => Cell::Standby(s),
            (None, None) => Cell::Off,
        }
    }
}

/// Holds every variable of person `e` on day `d` at its value in `cell` (HiGHS's presolve
/// removes them): the published days before a repair's change date, the cells a
/// neighbourhood search does not free.
pub(super) fn pin(b: &mut Builder<'_>, v: &Vars, e: usize, d: usize, cell: Cell) {
    for s in 0..b.ix.p.shifts.len() {
        for (k, (_, var, _)) in v.y[e][d][s].iter().enumerate() {
            let on = if cell == Cell::Shift(s, k) { 1.0 } else { 0.0 };
            b.constraints.push(constraint!(*var == on));
        }
        if let Some((var, _)) = v.sb[e][d][s] {
            let on = if cell == Cell::Standby(s) { 1.0 } else { 0.0 };
            b.constraints.push(constraint!(var == on));
        }
    }
}

/// Pins the days before the change date and prices the changes after it. A cell's price is
/// halved for the reserve and halved again when the person was on standby that date: those
/// who stand ready are the first candidates.
pub(super) fn add(b: &mut Builder<'_>, v: &Vars, anchor: &Anchor) -> Result<(), String> {
    let p = b.ix.p;
    let (ne, nd) = (p.employees.len(), p.num_days());
    let mut changes = Expression::from(0.0);
    for e in 0..ne {
        for d in 0..nd {
            let cell = anchor.cells[e][d];
            if d < anchor.from {
                let missing = match cell {
                    Cell::Shift(s, k) => v.y[e][d][s].get(k).is_none(),
                    Cell::Standby(s) => v.sb[e][d][s].is_none(),
                    Cell::Off => false,
                };
                if missing {
                    return Err(format!(
                        "{} on {}: the published duty before the change date breaks a rule after the previous month (rest or qualification)",
                        p.employees[e].id, p.days[d].date
                    ));
                }
                pin(b, v, e, d, cell);
                continue;
            }
            let (c, _) = b.add(good_lp::variable().min(0.0).max(1.0));
            match cell {
                Cell::Shift(s, _) => b.constraints.push(constraint!(c >= 1.0 - v.x(e, d, s))),
                Cell::Standby(s) => {
                    let kept: Expression = v.sb[e][d][s]
                        .map_or_else(|| Expression::from(0.0), |(x, _)| Expression::from(x));
                    b.constraints.push(constraint!(c >= 1.0 - kept));
                }
                Cell::Off => {
                    let busy = v.w(e, d) + v.sb_any(e, d);
                    b.constraints.push(constraint!(c >= busy));
                }
            }
            let standby_factor = if matches!(cell, Cell::Standby(_)) {
                0.5
            } else {
                1.0
            };
            changes += c * (anchor.person_factor[e] * standby_factor * day_factor(d - anchor.from));
        }
    }
    b.term("repair_changes", changes, p.weights.repair_change);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 3x the base on the change date, 2x at 10.5 days, 1x from three weeks on.
    #[test]
    fn a_change_tomorrow_costs_more_than_one_in_three_weeks() {
        assert!((day_factor(0) - 3.0).abs() < 1e-12);
        assert!((day_factor(7) - (1.0 + 2.0 * 14.0 / 21.0)).abs() < 1e-12);
        assert!((day_factor(21) - 1.0).abs() < 1e-12);
        assert!((day_factor(30) - 1.0).abs() < 1e-12);
        assert!(day_factor(1) > day_factor(20));
    }
}
