//! Minimum cover (最低在岗人数): for every date, shift and role, the people counted in that role
//! plus a shortfall variable reach the minimum. A person counts once per shift in one role
//! (one `y` per role, and at most one shift a day, see `sequence`).
//! Reserve (预备人员) shifts and surplus over the minimum are priced here too.

use good_lp::{constraint, Expression};

use super::{Builder, Vars};

pub(super) fn add(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let mut shortfall = Expression::from(0.0);
    let mut over = Expression::from(0.0);
    for d in 0..nd {
        for s in 0..ns {
            let reqs = b.ix.req[d][s].clone();
            for (role, min) in reqs.iter().filter(|(_, m)| *m > 0) {
                let have: Expression = (0..ne)
                    .flat_map(|e| v.y[e][d][s].iter())
                    .filter(|(r, _, _)| r == role)
                    .map(|(_, var, _)| *var)
                    .sum();
                let (short, _) = b.nonneg();
                b.constraints.push(constraint!(have + short >= *min as f64));
                b.short.insert((d, s, role.clone()), short);
                shortfall += short;
            }
            // People above the minimum, priced per shift code: over >= people - minimum.
            let w = p
                .weights
                .surplus
                .get(&p.shifts[s].code)
                .copied()
                .unwrap_or(0.0);
            // Under interval cover the demand role has no per-shift minimum here, so each of
            // its people on a priced shift counts as surplus: nights stay as few as the
            // curve needs and the hours everyone must work go to the day, where calls are.
            if w != 0.0 && !reqs.is_empty() {
                let total_min: u32 = reqs.iter().map(|(_, m)| *m).sum();
                let people: Expression = (0..ne).map(|e| v.x(e, d, s)).sum();
                let (o, _) = b.nonneg();
                b.constraints
                    .push(constraint!(o >= people - total_min as f64));
                b.surplus.insert((d, s), o);
                over += o * w;
            }
        }
    }
    // Interval cover (话务需求): the people of the demand role on shifts covering the whole
    // interval, counting shifts that started the day before; a missing agent for an interval
    // costs the shortfall weight pro rata of an 8-hour shift.
    if let Some(dm) = &p.demand {
        for need in dm.needs.iter().filter(|n| n.rostered > 0) {
            let Some(d) = b.ix.day(need.date) else {
                continue;
            };
            let mut have = Expression::from(0.0);
            for offset in 0..=1usize.min(d) {
                for s in 0..ns {
                    if !crate::demand::staffing::covers(
                        &p.shifts[s],
                        offset as i64,
                        need.start_minute,
                        need.minutes,
                    ) {
                        continue;
                    }
                    for e in 0..ne {
                        for (r, var, _) in &v.y[e][d - offset][s] {
                            if *r == dm.role {
                                have += *var;
                            }
                        }
                    }
                }
            }
            let (short, _) = b.nonneg();
            b.constraints
                .push(constraint!(have + short >= need.rostered as f64));
            shortfall += short * (need.minutes as f64 / 480.0);
        }
    }
    b.term("cover_shortfall", shortfall, p.weights.shortfall);
    // `over` already carries the per-shift weights, so its own weight is 1.
    if !p.weights.surplus.is_empty() {
        b.terms.push(super::Term {
            name: "cover_surplus",
            measure: over,
            weight: 1.0,
        });
    }
    let reserve_shifts: Expression = (0..ne)
        .filter(|&e| p.employees[e].reserve)
        .flat_map(|e| (0..nd).map(move |d| (e, d)))
        .map(|(e, d)| v.w(e, d))
        .sum();
    b.term("reserve_shifts", reserve_shifts, p.weights.reserve_shift);
}
