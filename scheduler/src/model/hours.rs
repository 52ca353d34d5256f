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
        // Planned minutes are a sum of the lengths of the shifts `e` can work, so the hard
        // bounds may be rounded to multiples of their greatest common divisor: the same
        // integer rosters, a tighter LP (e.g. 480-minute shifts and a 7,560-minute floor: at
        // least 16 shifts, not 15.75).
        let step = (0..p.shifts.len())
            .filter(|&s| (0..p.num_days()).any(|d| v.has_x(e, d, s)))
            .map(|s| p.shifts[s].paid_minutes)
            .fold(0, gcd);
        let min = b.ix.min_minutes(e);
        let (hard_min, max) = on_grid(min, b.ix.max_minutes(e), step);
        let m = minutes(b, v, e);
        b.constraints.push(constraint!(m.clone() <= max as f64));
        if min > 0 && p.rules.hours_floor_hard {
            b.constraints.push(constraint!(m >= hard_min as f64));
        } else if min > 0 {
            let (slack, _) = b.nonneg();
            b.constraints.push(constraint!(m + slack >= min as f64));
            short_hours += slack * (1.0 / 60.0);
        }
    }
    b.term(
        "hours_shortfall",
        short_hours,
        p.weights.hours_shortfall_per_hour,
    );
}

/// Greatest common divisor (0 with n gives n).
pub(crate) fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// `(min, max)` rounded inwards to multiples of `step` (unchanged when `step` is 0).
fn on_grid(min: u32, max: u32, step: u32) -> (u32, u32) {
    if step == 0 {
        return (min, max);
    }
    (min.div_ceil(step) * step, max / step * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: 480-minute shifts, 7,560-8,640 minutes → 16-18 shifts = 7,680-8,640;
    /// 480 and 600 (gcd 120), 1,000-1,500 → 1,080-1,440; 720 and 480 (gcd 240), 0-1,000 →
    /// 0-960; no shift (step 0) leaves the bounds alone.
    #[test]
    fn hard_minute_bounds_round_to_the_shift_length_grid() {
        assert_eq!(on_grid(7560, 8640, 480), (7680, 8640));
        assert_eq!(gcd(gcd(0, 480), 600), 120);
        assert_eq!(on_grid(1000, 1500, 120), (1080, 1440));
        assert_eq!(gcd(gcd(0, 720), 480), 240);
        assert_eq!(on_grid(0, 1000, 240), (0, 960));
        assert_eq!(on_grid(7, 9, 0), (7, 9));
    }
}
