//! Sequence rules per person: at most one shift a day; the minimum rest between the end of one
//! shift and the start of the next, from clock times (so P→A, P→N, A→next-day N are out with
//! 12 h); at most `max_consecutive_days` working days in a row; at most N consecutive shifts of
//! a code. The previous month's last days enter as constants.

use good_lp::{constraint, Expression};

use super::{Builder, Vars};

pub(super) fn add(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let max_gap = b.ix.max_rest_gap();
    // One shift a day: work[e][d] = the day's sum of y, bounded by 1 (see `vars`).
    for e in 0..ne {
        // Rest: shift a on d and any too-close shift on d+g exclude each other. The later
        // shifts of one day are summed (at most one of them is worked), one row per (d, a, g).
        for d in 0..nd {
            for a in 0..ns {
                if !v.has_x(e, d, a) {
                    continue;
                }
                for g in 1..=max_gap {
                    let later = d + g as usize;
                    if later >= nd {
                        break;
                    }
                    let bad: Vec<usize> = (0..ns)
                        .filter(|&s| v.has_x(e, later, s) && !b.ix.rest_ok(a, g, s))
                        .collect();
                    if bad.is_empty() {
                        continue;
                    }
                    let next: Expression = bad.iter().map(|&s| v.x(e, later, s)).sum();
                    b.constraints.push(constraint!(v.x(e, d, a) + next <= 1));
                }
            }
        }
        // Consecutive working days over windows of max+1 days, history included.
        let max = b.ix.max_consecutive_days(e) as i64;
        let hist_days = p.rules.history_days as i64;
        for start in (-hist_days).max(-max)..nd as i64 - max {
            let mut worked = Expression::from(0.0);
            let mut fixed = 0.0;
            let mut any_var = false;
            for d in start..=start + max {
                if d < 0 {
                    if b.ix.history_shift(e, d).is_some() {
                        fixed += 1.0;
                    }
                } else {
                    worked += v.w(e, d as usize);
                    any_var |= (0..ns).any(|s| v.has_x(e, d as usize, s));
                }
            }
            if any_var {
                // A previous month that already broke the rule must not make the model infeasible.
                b.constraints
                    .push(constraint!(worked <= (max as f64 - fixed).max(0.0)));
            }
        }
        for (code, max_run) in &p.rules.max_consecutive_shifts {
            let Some(s) = b.ix.shift(code) else { continue };
            let max_run = *max_run as i64;
            for start in (-hist_days).max(-max_run)..nd as i64 - max_run {
                let mut worked = Expression::from(0.0);
                let mut fixed = 0.0;
                let mut any_var = false;
                for d in start..=start + max_run {
                    if d < 0 {
                        if b.ix.history_shift(e, d) == Some(s) {
                            fixed += 1.0;
                        }
                    } else if v.has_x(e, d as usize, s) {
                        worked += v.x(e, d as usize, s);
                        any_var = true;
                    }
                }
                if any_var {
                    b.constraints
                        .push(constraint!(worked <= (max_run as f64 - fixed).max(0.0)));
                }
            }
        }
    }
}
