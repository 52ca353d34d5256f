//! Soft terms (软约束), each weighted and reported by name:
//! fairness as the spread (max − min) within comparable staff of night shifts, shifts on
//! statutory holidays, weekend shifts and standby duties; preferences; isolated single days
//! off; changes of shift type between consecutive working days.
//!
//! Comparable staff: non-reserve people grouped by primary role, where everyone holding
//! `agent` forms one group (team leaders also take calls). The minimum of a spread is taken
//! over members without leave in the month, so that leave does not force others' counts down.

use std::collections::BTreeMap;

use good_lp::{constraint, Expression, IntoAffineExpression};

use super::{Builder, Vars};
use crate::calendar::{is_weekend, DayKind};
use crate::fairness::comparison_groups;

pub(super) fn add(b: &mut Builder<'_>, v: &Vars) {
    fairness(b, v);
    preferences(b, v);
    patterns(b, v);
}

fn fairness(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let night: Vec<usize> = p
        .rules
        .night_shifts
        .iter()
        .filter_map(|c| b.ix.shift(c))
        .collect();
    let groups: BTreeMap<String, Vec<usize>> = comparison_groups(&b.ix);
    type Metric = fn(&Builder<'_>, &Vars, usize, &[usize]) -> Expression;
    let metrics: [(&'static str, f64, Metric); 4] = [
        ("night_spread", p.weights.night_spread, |b, v, e, night| {
            (0..b.ix.p.num_days())
                .flat_map(|d| night.iter().map(move |&s| (d, s)))
                .filter(|&(d, s)| v.has_x(e, d, s))
                .map(|(d, s)| v.x(e, d, s))
                .sum()
        }),
        ("holiday_spread", p.weights.holiday_spread, |b, v, e, _| {
            (0..b.ix.p.num_days())
                .filter(|&d| b.ix.p.days[d].kind == DayKind::Statutory)
                .map(|d| v.w(e, d))
                .sum()
        }),
        ("weekend_spread", p.weights.weekend_spread, |b, v, e, _| {
            (0..b.ix.p.num_days())
                .filter(|&d| is_weekend(b.ix.p.days[d].date))
                .map(|d| v.w(e, d))
                .sum()
        }),
        ("standby_spread", p.weights.standby_spread, |b, v, e, _| {
            (0..b.ix.p.num_days()).map(|d| v.sb_any(e, d)).sum()
        }),
    ];
    for (name, weight, metric) in metrics {
        if weight == 0.0 {
            continue;
        }
        let mut spread = Expression::from(0.0);
        for members in groups.values() {
            let values: Vec<(usize, Expression)> = members
                .iter()
                .map(|&e| (e, metric(b, v, e, &night)))
                .collect();
            if values
                .iter()
                .all(|(_, x)| x.linear_coefficients().next().is_none())
            {
                continue;
            }
            // The minimum is taken over members without leave; with none, there is no
            // spread to measure (and an unconstrained `lo` would make the model unbounded).
            let full: Vec<&(usize, Expression)> = values
                .iter()
                .filter(|(e, _)| b.ix.leave[*e].iter().all(Option::is_none))
                .collect();
            if full.is_empty() {
                continue;
            }
            // The spread is a variable of its own over the group's floor `lo`: every member
            // is at most `lo + spread`, every member without leave at least `lo`. Priced as
            // `hi - lo` (every member at most `hi`), the objective had a negative cost on
            // `lo`, whose only bound before the root LP is solved is what presolve finds (a
            // month's days): HiGHS's first dual bound was then thousands below zero and
            // stayed there when the root LP did not finish within the limit.
            let (lo, _) = b.nonneg();
            let (sp, _) = b.nonneg();
            for (_, x) in &values {
                b.constraints.push(constraint!(x.clone() <= lo + sp));
            }
            let all_full = full.len() == values.len();
            for (_, x) in full {
                b.constraints.push(constraint!(x.clone() >= lo));
            }
            if all_full {
                divisibility_cut(b, v, name, members, &night, sp);
            }
            spread += sp;
        }
        b.term(name, spread, weight);
    }
}

/// A group's spread can be 0 only when the group's total is a multiple of its size; a cover
/// that forces a total in between must be paid for by a spread of 1, by surplus above the
/// minimum (up to the next multiple), or by cover left to others or short (down to the
/// previous one). The LP relaxation spreads the total evenly at no cost; this cut makes it
/// pay the cheapest of the three.
///
/// With `T` the group's total, `T_lo` a floor of it, `M` the first multiple of the group's
/// size `n` at or above `T_lo`, `k = M - T_lo` and `j = T_lo - (M - n)` (both > 0 when `T_lo`
/// is not a multiple), and expressions `P >= T - T_lo`, `Q >= T_lo - T`, `P >= -Q`, `Q >= 0`:
///
/// `k * spread + P + (1 + k / j) * Q >= k`
///
/// holds at every integer point: a spread below 1 means every member (all without leave)
/// has the same count, so `T` is a multiple of `n`: either `T >= M` (`P >= k`) or
/// `T <= M - n` (`Q >= j`, and `P + Q >= 0`); a spread of 1 or more gives `k` alone.
///
/// - Cover measures (nights, holiday and weekend shifts) over their places `(d, s)`: `T_lo`
///   the minimums of the roles members hold; `P` the surplus there plus the shortfalls of
///   other roles (members above their roles' minimums are surplus unless others' roles are
///   short), `Q` the shortfalls of members' roles plus non-members counted in those roles.
///   Only when every such place has a surplus variable (else people above the minimum are
///   free and `P` has nothing to bound).
/// - Standby: `T_lo` the duties asked for less what non-members can take (one a day on
///   their possible days), `P = T - T_lo` (the duties themselves are priced), `Q` the
///   standby shortfalls.
fn divisibility_cut(
    b: &mut Builder<'_>,
    v: &Vars,
    name: &str,
    members: &[usize],
    night: &[usize],
    sp: good_lp::Variable,
) {
    let p = b.ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let n = members.len() as i64;
    let in_group = |e: usize| members.contains(&e);
    // Whether `P` bounds the people above the minimum everywhere (a surplus variable at every
    // place); without it only the capacity cut applies.
    let mut p_complete = true;
    let (t_lo, big_p, big_q): (i64, Expression, Expression) = if name == "standby_spread" {
        let shifts = b.ix.standby_shifts();
        let asked = (nd * shifts.len()) as i64 * p.rules.standby_per_shift as i64;
        let others: i64 = (0..ne)
            .filter(|&e| !in_group(e))
            .map(|e| {
                (0..nd)
                    .filter(|&d| v.sb[e][d].iter().any(Option::is_some))
                    .count() as i64
            })
            .sum();
        let t_lo = asked - others;
        let total: Expression = members
            .iter()
            .flat_map(|&e| (0..nd).map(move |d| (e, d)))
            .map(|(e, d)| v.sb_any(e, d))
            .sum();
        let q: Expression = (0..nd)
            .flat_map(|d| shifts.iter().map(move |&s| (d, s)))
            .filter_map(|k| b.standby_short.get(&k).copied())
            .sum();
        (t_lo, total - t_lo as f64, q)
    } else {
        let days: Vec<usize> = (0..nd)
            .filter(|&d| match name {
                "holiday_spread" => p.days[d].kind == DayKind::Statutory,
                "weekend_spread" => is_weekend(p.days[d].date),
                _ => true,
            })
            .collect();
        let shifts: Vec<usize> = if name == "night_spread" {
            night.to_vec()
        } else {
            (0..ns).collect()
        };
        let roles: Vec<String> = {
            let mut r: Vec<String> = members
                .iter()
                .flat_map(|&e| p.employees[e].roles.iter().cloned())
                .collect();
            r.sort();
            r.dedup();
            r
        };
        let mut t_lo = 0i64;
        let mut big_p = Expression::from(0.0);
        let mut big_q = Expression::from(0.0);
        for &d in &days {
            for &s in &shifts {
                let members_can = members.iter().any(|&e| v.has_x(e, d, s));
                if !members_can {
                    // Nobody of the group can be there: its minimums are others' (or short).
                    continue;
                }
                match b.surplus.get(&(d, s)) {
                    Some(&o) => big_p += o,
                    None => p_complete = false,
                }
                for (role, min) in &b.ix.req[d][s] {
                    let short = b.short.get(&(d, s, role.clone())).copied();
                    if roles.contains(role) {
                        t_lo += *min as i64;
                        if let Some(x) = short {
                            big_q += x;
                        }
                        for e in (0..ne).filter(|&e| !in_group(e)) {
                            for (r, var, _) in &v.y[e][d][s] {
                                if r == role {
                                    big_q += *var;
                                }
                            }
                        }
                    } else if let Some(x) = short {
                        big_p += x;
                    }
                }
            }
        }
        (t_lo, big_p, big_q)
    };
    if t_lo <= 0 || t_lo % n == 0 {
        return;
    }
    let m = (t_lo + n - 1) / n * n;
    let (k, j) = ((m - t_lo) as f64, (t_lo - (m - n)) as f64);
    if name != "standby_spread" {
        capacity_cut(b, v, name, members, m, j, big_q.clone(), sp);
    }
    if p_complete {
        b.constraints
            .push(constraint!(sp * k + big_p + big_q * (1.0 + k / j) >= k));
    }
}

/// The divisibility cut's way up (to the next multiple `M` of the group's size) may be closed:
/// a member standing by is off duty all day (`standby_off_duty`), and on a day whose standby
/// duties outnumber the non-members who can take one, members must take the rest. So the
/// members' count over the measure's days is at most `U = Σ_d (n − m_d)`, `m_d` = duties
/// asked on day `d` less the non-members who can stand by that day (at least 0), unless
/// standby is left short. When `M > U`, a spread below 1 needs the total at or below
/// `M − n` (`Q >= j`, as in the divisibility cut) or standby short by `M − U` on those days:
///
/// `spread + Q / j + Y / (M − U) >= 1`, `Y` the standby shortfalls on days with `m_d > 0`.
///
/// Valid at every integer point: a spread of 1 or more gives it alone; a spread below 1 makes
/// the total a multiple of `n`, so `<= M − n` (`Q >= j`) or `>= M` (then each `Y_d` makes up
/// for a member not on standby: `M <= U + Y`). Why (issue 23): a month with one statutory
/// holiday (demo January) asks 29 agent-group shifts of 43 agents on it; a spread of 0 needs
/// all 43 at work, but two of the day's three standby duties fall to agents (the one reserve
/// takes one): the spread is at least 1, which the LP did not see (bound 71.5, every roster
/// 170 or more).
#[allow(clippy::too_many_arguments)]
fn capacity_cut(
    b: &mut Builder<'_>,
    v: &Vars,
    name: &str,
    members: &[usize],
    m: i64,
    j: f64,
    big_q: Expression,
    sp: good_lp::Variable,
) {
    let p = b.ix.p;
    let (ne, nd) = (p.employees.len(), p.num_days());
    let shifts = b.ix.standby_shifts();
    let asked = shifts.len() as i64 * p.rules.standby_per_shift as i64;
    let n = members.len() as i64;
    let mut cap = 0i64;
    let mut short = Expression::from(0.0);
    for d in (0..nd).filter(|&d| match name {
        "holiday_spread" => p.days[d].kind == DayKind::Statutory,
        "weekend_spread" => is_weekend(p.days[d].date),
        _ => true,
    }) {
        let others = (0..ne)
            .filter(|e| !members.contains(e))
            .filter(|&e| v.sb[e][d].iter().any(Option::is_some))
            .count() as i64;
        let must = (asked - others).max(0);
        cap += n - must;
        if must > 0 {
            for &s in &shifts {
                if let Some(&y) = b.standby_short.get(&(d, s)) {
                    short += y;
                }
            }
        }
    }
    if m <= cap {
        return;
    }
    let over = (m - cap) as f64;
    b.constraints
        .push(constraint!(sp + big_q / j + short / over >= 1.0));
}

fn preferences(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let mut unmet = Expression::from(0.0);
    for (e, emp) in p.employees.iter().enumerate() {
        for pref in &emp.preferences {
            for (d, day) in p.days.iter().enumerate() {
                if !pref.applies_on(day.date) {
                    continue;
                }
                let x = match &pref.shift {
                    Some(code) => match b.ix.shift(code) {
                        Some(s) if v.has_x(e, d, s) => v.x(e, d, s),
                        _ => Expression::from(0.0),
                    },
                    None => v.w(e, d),
                };
                let w = pref.weight as f64;
                unmet += if pref.want { (1.0 - x) * w } else { x * w };
            }
        }
    }
    b.term("preferences", unmet, p.weights.preference);
}

fn patterns(b: &mut Builder<'_>, v: &Vars) {
    let p = b.ix.p;
    let (nd, ns) = (p.num_days(), p.shifts.len());
    let mut isolated = Expression::from(0.0);
    let mut changes = Expression::from(0.0);
    for (e, emp) in p.employees.iter().enumerate() {
        if emp.reserve || emp.working_days_only {
            continue;
        }
        let worked_last_month = b.ix.history_shift(e, -1).map_or(0.0, |_| 1.0);
        let worked_before = |d: usize| -> Expression {
            if d == 0 {
                Expression::from(worked_last_month)
            } else {
                v.w(e, d - 1)
            }
        };
        if p.weights.isolated_day_off != 0.0 {
            for d in 0..nd.saturating_sub(1) {
                let (iso, _) = b.nonneg();
                b.constraints.push(constraint!(
                    iso >= worked_before(d) + v.w(e, d + 1) - v.w(e, d) - 1.0
                ));
                isolated += iso;
            }
        }
        let usable: Vec<usize> = (0..ns)
            .filter(|&s| (0..nd).any(|d| v.has_x(e, d, s)))
            .collect();
        if p.weights.shift_change != 0.0 && usable.len() > 1 {
            for d in 0..nd - 1 {
                let (chg, _) = b.nonneg();
                for &s in &usable {
                    if !v.has_x(e, d, s) {
                        continue;
                    }
                    let same_next = if v.has_x(e, d + 1, s) {
                        v.x(e, d + 1, s)
                    } else {
                        Expression::from(0.0)
                    };
                    b.constraints.push(constraint!(
                        chg >= v.x(e, d, s) + v.w(e, d + 1) - same_next - 1.0
                    ));
                }
                changes += chg;
            }
        }
    }
    b.term("isolated_day_off", isolated, p.weights.isolated_day_off);
    b.term("shift_change", changes, p.weights.shift_change);
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::{Problem, SolveOptions};

    /// January 2026 (1 January a statutory holiday), shift A with two agents a day, four
    /// agents and a reserve who also holds `agent`; `per` standby duties for A every day.
    /// Priced: the holiday spread (100), a reserve's shift (200), the needs.
    fn january(per: u32) -> Problem {
        let site = format!(
            r#"
name = "capacity"
[[shifts]]
code = "A"
name = "早班"
start = "08:00"
end = "16:00"
paid_minutes = 480
[[cover]]
shift = "A"
role = "agent"
min = 2
[rules]
min_rest_minutes = 720
max_consecutive_days = 6
overtime_cap_minutes = 2160
under_standard_minutes = 20000
leave_day_minutes = 480
standby_shifts = ["A"]
standby_per_shift = {per}
standby_role = "agent"
[weights]
shortfall = 10000.0
standby_shortfall = 2000.0
reserve_shift = 200.0
night_spread = 0.0
holiday_spread = 100.0
weekend_spread = 0.0
standby_spread = 0.0
isolated_day_off = 0.0
shift_change = 0.0
standby_non_reserve = 0.0
"#
        );
        let mut staff: String = (1..=4)
            .map(|i| {
                format!("[[employees]]\nid = \"E{i}\"\nname = \"E{i}\"\nroles = [\"agent\"]\n")
            })
            .collect();
        staff += "[[employees]]\nid = \"R1\"\nname = \"R1\"\nroles = [\"agent\"]\nreserve = true\n";
        crate::testing::month_of(&site, &staff, 1, vec![])
    }

    fn opts() -> SolveOptions {
        SolveOptions {
            time_limit_seconds: 30.0,
            threads: 1,
            mip_rel_gap: 0.0,
            ..Default::default()
        }
    }

    /// Worked by hand. With two standby duties a day and one reserve, one agent stands by
    /// on 1 January (off duty all day), so at most 3 of the 4 agents work it: their holiday
    /// counts (0 or 1) cannot all be equal without leaving standby short (2,000) or the day's
    /// cover short (10,000 a person), or giving the reserve agents' shifts (200 each, two to
    /// replace both agents' places): the optimum is a spread of 1, 100. The LP relaxation sees
    /// it only through the capacity cut (without it, 4 agents at 3/4 of the day each cost 0).
    /// With one duty a day the reserve takes them all, all four agents can work the holiday:
    /// the optimum and the bound are 0.
    #[test]
    fn the_capacity_cut_proves_a_holiday_spread_that_standby_forces() {
        let p = january(2);
        let until = Instant::now() + Duration::from_secs(30);
        let (bound, _, _) = super::super::relaxation_bound(&p, &opts(), until).unwrap();
        assert!((bound - 100.0).abs() < 1e-6, "{bound}");
        let roster = crate::solve(&p, &opts()).unwrap();
        assert!(crate::validate(&p, &roster).is_empty());
        assert!(
            (roster.stats.objective - 100.0).abs() < 1e-9,
            "{:?}",
            roster.stats
        );

        let p = january(1);
        let until = Instant::now() + Duration::from_secs(30);
        let (bound, _, _) = super::super::relaxation_bound(&p, &opts(), until).unwrap();
        assert!(bound.abs() < 1e-6, "{bound}");
        let roster = crate::solve(&p, &opts()).unwrap();
        assert!(crate::validate(&p, &roster).is_empty());
        assert!(roster.stats.objective.abs() < 1e-9, "{:?}", roster.stats);
    }
}
