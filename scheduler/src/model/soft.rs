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
            let (hi, _) = b.nonneg();
            let (lo, _) = b.nonneg();
            for (_, x) in &values {
                b.constraints.push(constraint!(x.clone() <= hi));
            }
            for (_, x) in full {
                b.constraints.push(constraint!(x.clone() >= lo));
            }
            spread += hi - lo;
        }
        b.term(name, spread, weight);
    }
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
