//! Comprehensive working hours (综合计算工时): planned minutes per person between
//! (standard − leave credit − tolerance) and (standard + overtime cap, 36 h). The floor has a
//! slack priced per hour so that a month with too little work is still solved and reported;
//! the cap is hard (the law's 36 h a month).

use good_lp::{constraint, Expression};

use super::{Builder, Vars};

/// Planned paid minutes of `e`.
pub(super) fn minutes(b: &Builder<'_>, v: &Vars, e: usize) -> Expression {
    let p = b.ix.p;
    let mut m = Expression::from(0.0);
    for d in 0..p.num_days() {
        for (s, shift) in p.shifts.iter().enumerate() {
            if v.has_x(e, d, s) {
                m += v.x(e, d, s) * shift.paid_minutes as f64;
            }
        }
    }
    m
}

pub(super) fn add(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let mut short_hours = Expression::from(0.0);
    for e in 0..p.employees.len() {
        let max = b.ix.max_minutes(e) as f64;
        let m = minutes(b, v, e);
        b.constraints.push(constraint!(m.clone() <= max));
        let min = b.ix.min_minutes(e) as f64;
        if min > 0.0 && p.rules.hours_floor_hard {
            b.constraints.push(constraint!(m >= min));
        } else if min > 0.0 {
            let (slack, _) = b.nonneg();
            b.constraints.push(constraint!(m + slack >= min));
            short_hours += slack * (1.0 / 60.0);
        }
    }
    b.term(
        "hours_shortfall",
        short_hours,
        p.weights.hours_shortfall_per_hour,
    );
}
