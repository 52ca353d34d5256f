//! Standby (备班): for every date and each standby shift, `standby_per_shift` qualified people
//! off duty that whole date are designated, so that calling one in would break neither the
//! rest rule, the consecutive-days limit nor the hours cap. At most one standby duty per
//! person per date. The reserve is the first candidate: duties of others carry a small price.

use good_lp::{constraint, Expression};

use super::{hours, Builder, Vars};

pub(super) fn add(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let shifts = b.ix.standby_shifts();
    if shifts.is_empty() {
        return;
    }
    let max_gap = b.ix.max_rest_gap();
    let mut shortfall = Expression::from(0.0);
    let mut non_reserve = Expression::from(0.0);
    for d in 0..nd {
        for &s in &shifts {
            let have: Expression = (0..ne).filter_map(|e| v.sb[e][d][s].map(|(x, _)| x)).sum();
            let (short, _) = b.nonneg();
            // Exactly the number asked for: extra duties would only game the fairness spread.
            b.constraints.push(constraint!(
                have.clone() <= p.rules.standby_per_shift as f64
            ));
            b.constraints.push(constraint!(
                have + short >= p.rules.standby_per_shift as f64
            ));
            b.standby_short.insert((d, s), short);
            shortfall += short;
        }
    }
    for e in 0..ne {
        if v.sb[e].iter().all(|day| day.iter().all(Option::is_none)) {
            continue;
        }
        let max_run = b.ix.max_consecutive_days(e) as i64;
        let cap = b.ix.max_minutes(e) as f64;
        // has_duty = 1 if e stands by at least once; calling e in adds one shift's minutes.
        let (has_duty, _) = b.add(good_lp::variable().min(0.0).max(1.0));
        let longest = shifts
            .iter()
            .map(|&s| p.shifts[s].paid_minutes)
            .max()
            .unwrap_or(0) as f64;
        let total = hours::minutes(b, v, e);
        b.constraints
            .push(constraint!(total + has_duty * longest <= cap));
        // window_duty[start] >= any duty inside the window of max+1 days starting at `start`.
        let hist = p.rules.history_days as i64;
        let mut window_duty: std::collections::BTreeMap<i64, good_lp::Variable> =
            Default::default();
        for d in 0..nd {
            if v.sb[e][d].iter().all(Option::is_none) {
                continue;
            }
            let any = v.sb_any(e, d);
            if !p.employees[e].reserve {
                non_reserve += any.clone();
            }
            // Off duty all date, and one duty at most.
            b.constraints
                .push(constraint!(any.clone() + v.w(e, d) <= 1));
            // Hours cap if called in: any duty at all marks the person (one row a day: at
            // most one duty a day, so the day's sum is the duty).
            b.constraints.push(constraint!(any.clone() <= has_duty));
            for (s, sbv) in v.sb[e][d].iter().enumerate() {
                let Some((sbv, _)) = sbv else { continue };
                // Rest with the shifts before and after, as if called in.
                for g in 1..=max_gap {
                    let gu = g as usize;
                    if d >= gu {
                        let before: Vec<usize> = (0..ns)
                            .filter(|&a| v.has_x(e, d - gu, a) && !b.ix.rest_ok(a, g, s))
                            .collect();
                        if !before.is_empty() {
                            let x: Expression = before.iter().map(|&a| v.x(e, d - gu, a)).sum();
                            b.constraints.push(constraint!(*sbv + x <= 1));
                        }
                    } else if let Some(a) = b.ix.history_shift(e, d as i64 - g) {
                        if !b.ix.rest_ok(a, g, s) {
                            b.constraints.push(constraint!(*sbv <= 0));
                        }
                    }
                    if d + gu < nd {
                        let after: Vec<usize> = (0..ns)
                            .filter(|&c| v.has_x(e, d + gu, c) && !b.ix.rest_ok(s, g, c))
                            .collect();
                        if !after.is_empty() {
                            let x: Expression = after.iter().map(|&c| v.x(e, d + gu, c)).sum();
                            b.constraints.push(constraint!(*sbv + x <= 1));
                        }
                    }
                }
            }
            // Consecutive days if called in: every window of max+1 days through d.
            for start in (d as i64 - max_run).max(-hist)..=d as i64 {
                if start + max_run >= nd as i64 {
                    break;
                }
                let u = *window_duty
                    .entry(start)
                    .or_insert_with(|| b.add(good_lp::variable().min(0.0).max(1.0)).0);
                b.constraints.push(constraint!(any.clone() <= u));
            }
        }
        // A standby day is off duty, so the window's worked days plus one call-in stay
        // within the limit: worked(window) + duty(window) <= max.
        for (start, u) in window_duty {
            let mut worked = Expression::from(0.0);
            let mut fixed = 0.0;
            for k in start..=start + max_run {
                if k < 0 {
                    if b.ix.history_shift(e, k).is_some() {
                        fixed += 1.0;
                    }
                } else {
                    worked += v.w(e, k as usize);
                }
            }
            b.constraints
                .push(constraint!(worked + u <= (max_run as f64 - fixed).max(0.0)));
        }
    }
    b.term("standby_shortfall", shortfall, p.weights.standby_shortfall);
    b.term(
        "standby_non_reserve",
        non_reserve,
        p.weights.standby_non_reserve,
    );
}
