//! Personal limits (个人约束) beyond the site rules: at most N shifts of a code, minimum run
//! lengths of working days and of days off (runs touching the first or last day of the
//! horizon are exempt), and at most N weekends worked. These carry contracts such as part-time
//! staff, and the rule families of the Curtois-Qu benchmark.

use std::collections::BTreeMap;

use chrono::Datelike;
use good_lp::{constraint, Expression};

use super::{Builder, Vars};
use crate::calendar::is_weekend;

pub(super) fn add(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let (ne, nd) = (p.employees.len(), p.num_days());
    for e in 0..ne {
        let limits = p.employees[e].limits.clone();
        for (code, max) in &limits.max_shifts {
            let Some(s) = b.ix.shift(code) else { continue };
            let count: Expression = (0..nd)
                .filter(|&d| v.has_x(e, d, s))
                .map(|d| v.x(e, d, s))
                .sum();
            if *max > 0 {
                b.constraints.push(constraint!(count <= *max as f64));
            }
        }
        // An interior run of k < min worked days (off before, off after) is forbidden:
        // w[d-1] - sum w[d..d+k) + w[d+k] >= 1 - k.
        if let Some(min) = limits.min_consecutive_days.filter(|m| *m > 1) {
            for k in 1..min as usize {
                for d in 1..nd {
                    if d + k >= nd {
                        break;
                    }
                    let inside: Expression = (d..d + k).map(|j| v.w(e, j)).sum();
                    b.constraints.push(constraint!(
                        v.w(e, d - 1) - inside + v.w(e, d + k) >= 1.0 - k as f64
                    ));
                }
            }
        }
        // An interior run of k < min days off (work before, work after) is forbidden:
        // w[d-1] - sum w[d..d+k) + w[d+k] <= 1.
        if let Some(min) = limits.min_consecutive_days_off.filter(|m| *m > 1) {
            for k in 1..min as usize {
                for d in 1..nd {
                    if d + k >= nd {
                        break;
                    }
                    let inside: Expression = (d..d + k).map(|j| v.w(e, j)).sum();
                    b.constraints
                        .push(constraint!(v.w(e, d - 1) - inside + v.w(e, d + k) <= 1.0));
                }
            }
        }
        if let Some(max) = limits.max_weekends {
            let mut worked = Expression::from(0.0);
            for days in weekends(b).values() {
                let (z, _) = b.add(good_lp::variable().min(0.0).max(1.0));
                for &d in days {
                    b.constraints.push(constraint!(z >= v.w(e, d)));
                }
                worked += z;
            }
            b.constraints.push(constraint!(worked <= max as f64));
        }
    }
}

/// Saturdays and Sundays of the horizon grouped by ISO week (one weekend each).
pub(crate) fn weekends(b: &Builder<'_>) -> BTreeMap<(i32, u32), Vec<usize>> {
    weekend_days(b.ix.p)
}

/// Saturdays and Sundays of a problem's days grouped by ISO week.
pub(crate) fn weekend_days(p: &crate::Problem) -> BTreeMap<(i32, u32), Vec<usize>> {
    let mut out: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for (d, day) in p.days.iter().enumerate() {
        if is_weekend(day.date) {
            let w = day.date.iso_week();
            out.entry((w.year(), w.week())).or_default().push(d);
        }
    }
    out
}
