//! Agents per interval (人力测算), the reverse calculation on a roster, and the least paid
//! hours a set of shift types needs to follow a curve.

use std::collections::BTreeMap;

use good_lp::{constraint, Expression, SolverModel};
use serde::{Deserialize, Serialize};

use super::erlang::{agents_needed, performance, Target, Traffic};
use super::forecast::IntervalForecast;
use super::{Demand, IntervalNeed, ServicePolicy};
use crate::error::SolveError;
use crate::problem::{Index, Problem};
use crate::roster::Roster;
use crate::site::ShiftType;

fn traffic(calls: f64, minutes: u32, aht: f64, patience: Option<f64>) -> Traffic {
    Traffic {
        calls,
        interval_seconds: minutes as f64 * 60.0,
        aht_seconds: aht,
        patience_seconds: patience,
    }
}

/// Agents on the phones and rostered for each forecast interval.
pub fn needs(
    forecast: &[IntervalForecast],
    policy: &ServicePolicy,
    patience_seconds: Option<f64>,
) -> Vec<IntervalNeed> {
    let target = Target {
        service_level: policy.service_level,
        answer_seconds: policy.answer_seconds,
        occupancy_cap: policy.occupancy_cap,
    };
    forecast
        .iter()
        .map(|f| {
            let t = traffic(f.calls, f.minutes, f.aht_seconds, patience_seconds);
            let on_phones = agents_needed(&t, &target);
            IntervalNeed {
                date: f.date,
                start_minute: f.start_minute,
                minutes: f.minutes,
                calls: f.calls,
                aht_seconds: f.aht_seconds,
                on_phones,
                rostered: rostered(on_phones, policy.shrinkage),
            }
        })
        .collect()
}

/// Agents to roster for `on_phones` at `shrinkage`: ⌈on_phones ÷ (1 − shrinkage)⌉.
pub fn rostered(on_phones: u32, shrinkage: f64) -> u32 {
    if on_phones == 0 {
        return 0;
    }
    let keep = (1.0 - shrinkage).clamp(0.05, 1.0);
    // The small tolerance keeps 7 ÷ 0.7 at 10, not 11 by a rounding error.
    (on_phones as f64 / keep - 1e-9).ceil() as u32
}

/// Agents on the phones out of `rostered` at `shrinkage` (the reverse of [`rostered`]).
pub fn on_phones(rostered: u32, shrinkage: f64) -> u32 {
    (rostered as f64 * (1.0 - shrinkage) + 1e-9).floor() as u32
}

/// Whether shift `s` worked on a day `offset` days before the interval's date covers the whole
/// interval `[start, start + minutes)`.
pub fn covers(s: &ShiftType, offset: i64, start: u32, minutes: u32) -> bool {
    let from = s.start_minute() as i64 - offset * 1440;
    let to = s.end_minute() as i64 - offset * 1440;
    from <= start as i64 && start as i64 + minutes as i64 <= to
}

/// One interval of a roster against its need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalCoverage {
    /// The need.
    #[serde(flatten)]
    pub need: IntervalNeed,
    /// Agents rostered on shifts covering the interval.
    pub planned: u32,
    /// Service level expected with the planned agents (after shrinkage).
    pub service_level: f64,
    /// Answer rate expected (Erlang A; 1 under Erlang C when stable).
    pub answer_rate: f64,
}

/// Planned agents per interval of a roster and the service they are expected to give.
pub fn coverage(problem: &Problem, roster: &Roster) -> Vec<IntervalCoverage> {
    let Some(demand) = &problem.demand else {
        return Vec::new();
    };
    planned(problem, roster)
        .into_iter()
        .map(|(n, planned)| expected(demand, n, planned))
        .collect()
}

/// The expected service of `planned` agents on an interval need.
pub fn expected(demand: &Demand, n: &IntervalNeed, planned: u32) -> IntervalCoverage {
    let t = traffic(n.calls, n.minutes, n.aht_seconds, demand.patience_seconds);
    let p = performance(
        &t,
        on_phones(planned, demand.policy.shrinkage),
        demand.policy.answer_seconds,
    );
    IntervalCoverage {
        need: n.clone(),
        planned,
        service_level: p.service_level,
        answer_rate: p.answer_rate,
    }
}

/// Agents of the demand role rostered on shifts covering each interval need of the month.
/// Cheap: it is what the validator checks; [`coverage`] adds the queueing figures.
pub fn planned<'p>(problem: &'p Problem, roster: &Roster) -> Vec<(&'p IntervalNeed, u32)> {
    let Some(demand) = &problem.demand else {
        return Vec::new();
    };
    let ix = Index::new(problem);
    // people[(day, shift)] counted in the demand role.
    let mut people: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for a in roster.assignments.iter().filter(|a| a.role == demand.role) {
        if let (Some(d), Some(s)) = (ix.day(a.date), ix.shift(&a.shift)) {
            *people.entry((d, s)).or_default() += 1;
        }
    }
    demand
        .needs
        .iter()
        .filter_map(|n| {
            let d = ix.day(n.date)? as i64;
            Some((
                n,
                covering_people(problem, &people, d, n.start_minute, n.minutes),
            ))
        })
        .collect()
}

fn covering_people(
    p: &Problem,
    people: &BTreeMap<(usize, usize), u32>,
    d: i64,
    start: u32,
    minutes: u32,
) -> u32 {
    let mut n = 0;
    for offset in 0..=1i64 {
        let day = d - offset;
        if day < 0 {
            continue;
        }
        for (s, shift) in p.shifts.iter().enumerate() {
            if covers(shift, offset, start, minutes) {
                n += people.get(&(day as usize, s)).copied().unwrap_or(0);
            }
        }
    }
    n
}

/// The least paid hours that shift types `codes` need to roster every interval's need, and
/// how many of each shift start per day. A set-covering integer programme (the classic
/// shift-scheduling model), without the people: it answers what a shift pattern costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaidHours {
    /// Shift codes allowed.
    pub shifts: Vec<String>,
    /// Least paid hours over the month.
    pub hours: f64,
    /// Shifts started, per code, over the month.
    pub starts: BTreeMap<String, u32>,
    /// Shifts started per day of the month, per code.
    pub per_day: Vec<BTreeMap<String, u32>>,
}

/// Solves [`PaidHours`] for the problem's demand with the given shift codes.
pub fn least_paid_hours(
    problem: &Problem,
    demand: &Demand,
    codes: &[String],
) -> Result<PaidHours, SolveError> {
    let shifts: Vec<&ShiftType> = problem
        .shifts
        .iter()
        .filter(|s| codes.contains(&s.code))
        .collect();
    let nd = problem.num_days();
    let ix = Index::new(problem);
    let mut pv = good_lp::ProblemVariables::new();
    let n: Vec<Vec<good_lp::Variable>> = (0..nd)
        .map(|_| {
            shifts
                .iter()
                .map(|_| pv.add(good_lp::variable().integer().min(0.0)))
                .collect()
        })
        .collect();
    let cost: Expression = (0..nd)
        .flat_map(|d| {
            shifts
                .iter()
                .enumerate()
                .map(move |(k, s)| (d, k, s.paid_minutes as f64 / 60.0))
        })
        .map(|(d, k, h)| n[d][k] * h)
        .sum();
    let mut model = pv
        .minimise(cost.clone())
        .using(good_lp::solvers::highs::highs)
        .set_threads(1)
        .set_time_limit(60.0);
    for need in demand.needs.iter().filter(|x| x.rostered > 0) {
        let Some(d) = ix.day(need.date) else { continue };
        let mut have = Expression::from(0.0);
        let mut any = false;
        for offset in 0..=1usize {
            if d < offset {
                continue;
            }
            for (k, s) in shifts.iter().enumerate() {
                if covers(s, offset as i64, need.start_minute, need.minutes) {
                    have += n[d - offset][k];
                    any = true;
                }
            }
        }
        if !any {
            return Err(SolveError::Solver(format!(
                "no shift among {} covers {} {}",
                codes.join(", "),
                need.date,
                super::hhmm(need.start_minute)
            )));
        }
        model.add_constraint(constraint!(have >= need.rostered as f64));
    }
    let sol = model
        .solve()
        .map_err(|e| SolveError::Solver(e.to_string()))?;
    use good_lp::Solution as _;
    let mut starts = BTreeMap::new();
    let mut per_day = vec![BTreeMap::new(); nd];
    for d in 0..nd {
        for (k, s) in shifts.iter().enumerate() {
            let x = sol.value(n[d][k]).round() as u32;
            *starts.entry(s.code.clone()).or_insert(0) += x;
            if x > 0 {
                per_day[d].insert(s.code.clone(), x);
            }
        }
    }
    let hours = (0..nd)
        .flat_map(|d| (0..shifts.len()).map(move |k| (d, k)))
        .map(|(d, k)| sol.value(n[d][k]).round() * shifts[k].paid_minutes as f64 / 60.0)
        .sum();
    Ok(PaidHours {
        shifts: codes.to_vec(),
        hours,
        starts,
        per_day,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 7 on the phones at 30% shrinkage: 7 ÷ 0.7 = 10 exactly (not 11); 8 → 11.43 → 12.
    #[test]
    fn shrinkage_rounds_up_once() {
        assert_eq!(rostered(7, 0.3), 10);
        assert_eq!(rostered(8, 0.3), 12);
        assert_eq!(rostered(0, 0.3), 0);
        assert_eq!(on_phones(10, 0.3), 7);
        assert_eq!(on_phones(12, 0.3), 8);
    }

    /// A night shift 22:00-06:00 covers 23:00 of its own date and 02:00 of the next, not
    /// 07:00; a day shift 08:00-16:00 covers 15:30-16:00 but not 16:00-16:30.
    #[test]
    fn which_shift_covers_which_interval() {
        let s = |start: &str, end: &str| ShiftType {
            code: "X".into(),
            name: "X".into(),
            start: start.into(),
            end: end.into(),
            paid_minutes: 480,
            break_minutes: 0,
            staggered: false,
        };
        let night = s("22:00", "06:00");
        assert!(covers(&night, 0, 23 * 60, 30));
        assert!(covers(&night, 1, 2 * 60, 30));
        assert!(!covers(&night, 1, 7 * 60, 30));
        assert!(!covers(&night, 0, 2 * 60, 30));
        let day = s("08:00", "16:00");
        assert!(covers(&day, 0, 15 * 60 + 30, 30));
        assert!(!covers(&day, 0, 16 * 60, 30));
    }
}
