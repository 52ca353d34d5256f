//! Neighbourhood search after HiGHS on a month (邻域搜索).
//!
//! On the demo months HiGHS spends the whole limit at the root: the LP (by interior point)
//! and then rounds of cuts that no longer move the bound, so its roster stays the first one
//! its feasibility jump found. The month's solve therefore gives HiGHS a share of the limit
//! (the root LP and its bound) and spends the rest re-solving neighbourhoods of its roster
//! with the same model: a few people over the whole month, or everyone over a few days, every
//! other cell pinned to its value (`solve_from`). Each sub-problem starts from the current
//! roster, so it never returns a worse one; a roster is kept when its cost, recomputed from
//! its assignments, is lower. The bound stays HiGHS's from the first part (the neighbourhoods
//! prove nothing about the month). Each round appends a line of progress to the caller's
//! solver log ([`crate::progress`]), which HiGHS no longer writes to.

use std::time::{Duration, Instant};

use super::{run, run_planned, Plan, SolveOptions};
use crate::error::SolveError;
use crate::problem::Problem;
use crate::progress::SearchProgress;
use crate::roster::{Roster, SolveStatus};

/// Share of the limit HiGHS has on the whole month: the root LP (by interior point, 8-20 s
/// on the demo months on this machine) and its cuts, whose bound is the month's.
pub(crate) const HIGHS_SHARE: f64 = 0.4;
/// Seconds each neighbourhood may take.
const SUB_SECONDS: f64 = 3.0;
/// Limits below this go to HiGHS whole (its share would not reach a roster of its own).
const MIN_LIMIT: f64 = 10.0;
/// No neighbourhood search under this many seconds left.
const MIN_LEFT: f64 = 1.0;
/// People freed over the month in a neighbourhood of people: first, fewest, most.
const PEOPLE: (usize, usize, usize) = (5, 3, 15);
/// Days freed for everyone in a neighbourhood of days: first, fewest, most.
const DAYS: (usize, usize, usize) = (4, 2, 10);

/// Whether a month is solved this way: a roster with fairness terms among enough people for
/// HiGHS's root to be slow (the Curtois-Qu instances price no fairness and keep their plan).
pub(crate) fn applies(problem: &Problem, opts: &SolveOptions) -> bool {
    let w = &problem.weights;
    problem.employees.len() >= 20
        && [
            w.night_spread,
            w.holiday_spread,
            w.weekend_spread,
            w.standby_spread,
        ]
        .iter()
        .any(|x| *x > 0.0)
        && opts.time_limit_seconds >= MIN_LIMIT
}

/// HiGHS on the month for its share of the limit, then neighbourhoods for the rest.
pub(crate) fn solve(problem: &Problem, opts: &SolveOptions) -> Result<Roster, SolveError> {
    let started = Instant::now();
    // HiGHS's share counts from when HiGHS starts, as it did on the demo (whose model and
    // constructive start take a fraction of a second in release); the plan's deadline is the
    // whole limit, so on a large site a slow build or start cuts HiGHS's share instead of
    // pushing the month past its limit (issue 23). The neighbourhoods have whatever is left.
    let plan = Plan {
        deadline: started + Duration::from_secs_f64(opts.time_limit_seconds.clamp(0.0, 1e9)),
        highs_seconds: opts.time_limit_seconds * HIGHS_SHARE,
    };
    let first = run_planned(problem, opts, None, None, plan)?;
    if first.status == SolveStatus::Optimal {
        return Ok(first);
    }
    let (ne, nd) = (problem.employees.len(), problem.num_days());
    let sub_opts = SolveOptions {
        log: false,
        solver_log: None,
        ..opts.clone()
    };
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    };
    let mut best = first.clone();
    let mut rng = Lcg(0x9E37_79B9_7F4A_7C15 ^ opts.seed as u64);
    // Sizes adapt: a neighbourhood solved to optimality grows, one cut short without a gain
    // shrinks (March's sub-problems close in about a second, October's need the 3 s).
    let (mut people, mut days) = (PEOPLE.0, DAYS.0);
    let mut round = 0usize;
    loop {
        let elapsed = started.elapsed().as_secs_f64();
        report(opts, &first, &best, round, elapsed);
        let left = opts.time_limit_seconds - elapsed;
        if left < MIN_LEFT || cancelled() || best.stats.objective <= first.stats.bound + 1e-6 {
            break;
        }
        // Every third round, first the direct lift of the nights' spread (below): cheap, and
        // HiGHS rarely closes the 17-person sub-problem of the demo's nights in its seconds.
        if round % 3 == 2 {
            if let Some(r) = lift_nights(problem, &best) {
                best = r;
                round += 1;
                continue;
            }
        }
        // Alternate: a few people over the month, everyone over a few days; every third
        // round, the people who hold the dearest spread up (below).
        let fair = if round % 3 == 2 {
            spread_people(problem, &best, SPREAD_PEOPLE)
        } else {
            None
        };
        let by_people = fair.is_none() && round % 2 == 0;
        round += 1;
        let mut free = vec![vec![false; nd]; ne];
        if let Some(group) = &fair {
            for &e in group {
                free[e].iter_mut().for_each(|c| *c = true);
            }
        } else if by_people {
            for e in rng.pick(ne, people.min(ne)) {
                free[e].iter_mut().for_each(|c| *c = true);
            }
        } else {
            let len = days.min(nd);
            // While the roster leaves a need open, the window covers one of its dates: a
            // random window rarely lands on it (the 265-person site's constructive start
            // lacks team leaders on one night of March, which only everyone's days around
            // it can fix). A roster without gaps (the demo's after HiGHS) draws as before.
            let open: Vec<usize> = best
                .shortfalls
                .iter()
                .filter_map(|s| s.date)
                .filter_map(|date| problem.days.iter().position(|d| d.date == date))
                .collect();
            let a = if open.is_empty() {
                rng.below(nd - len + 1)
            } else {
                let d = open[rng.below(open.len())];
                d.saturating_sub(rng.below(len)).min(nd - len)
            };
            for row in free.iter_mut() {
                row[a..a + len].iter_mut().for_each(|c| *c = true);
            }
        }
        let pinned: Vec<(usize, usize)> = (0..ne)
            .flat_map(|e| (0..nd).map(move |d| (e, d)))
            .filter(|&(e, d)| !free[e][d])
            .collect();
        let sub_seconds = if fair.is_some() {
            SPREAD_SECONDS
        } else {
            SUB_SECONDS
        };
        let sub = SolveOptions {
            time_limit_seconds: sub_seconds.min(left),
            ..sub_opts.clone()
        };
        // A sub-problem that fails leaves the roster as it is.
        let Ok(r) = run(problem, &sub, None, Some((&best, &pinned))) else {
            continue;
        };
        let gained = r.stats.objective < best.stats.objective - 1e-9;
        if fair.is_some() {
            if gained {
                best = r;
            }
            continue;
        }
        let size = if by_people { &mut people } else { &mut days };
        let (_, lo, hi) = if by_people { PEOPLE } else { DAYS };
        if r.status == SolveStatus::Optimal {
            *size = (*size + 1).min(hi);
        } else if !gained {
            *size = size.saturating_sub(1).max(lo);
        }
        if gained {
            best = r;
        }
    }
    let mut out = best;
    let bound = first.stats.bound.min(out.stats.objective);
    out.stats.bound = bound;
    out.stats.gap = super::relative_gap(out.stats.objective, bound);
    out.stats.seconds = started.elapsed().as_secs_f64();
    out.stats.variables = first.stats.variables;
    out.stats.constraints = first.stats.constraints;
    out.status = if out.stats.gap == 0.0 {
        SolveStatus::Optimal
    } else {
        SolveStatus::TimeLimited
    };
    Ok(out)
}

/// One progress line in the caller's solver log (HiGHS writes nothing there while the
/// neighbourhoods run): the best roster so far, HiGHS's bound, the gap, the seconds since the
/// solve began. Before each round, so the line moves on even when a round gains nothing.
fn report(opts: &SolveOptions, first: &Roster, best: &Roster, round: usize, seconds: f64) {
    let Some(path) = &opts.solver_log else {
        return;
    };
    let objective = best.stats.objective;
    let bound = first.stats.bound.min(objective);
    SearchProgress {
        round,
        best: objective,
        bound,
        gap_percent: 100.0 * super::relative_gap(objective, bound),
        seconds,
    }
    .append_to(path);
}

/// Most people a spread neighbourhood frees over the month.
const SPREAD_PEOPLE: usize = 20;
/// Seconds a spread neighbourhood may take (more people than the others').
const SPREAD_SECONDS: f64 = 5.0;

/// The people who hold up the spread that costs most in `roster`: of its group, those at the
/// smallest count (all of them must gain one for the spread to fall) or, when fewer, those at
/// the largest, if at most `cap`. Why: a spread is a plateau for the other neighbourhoods — on
/// the demo months the agents' nights were 3-4 (a spread of 1 at weight 100) and no random
/// handful of people can lift every 3 to a 4; freeing exactly those people can.
fn spread_people(problem: &Problem, roster: &Roster, cap: usize) -> Option<Vec<usize>> {
    let (term, cost) = roster
        .stats
        .terms
        .iter()
        .filter(|t| t.name.ends_with("_spread") && t.cost > 0.0)
        .map(|t| (t.name.as_str(), t.cost))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    if cost <= 0.0 {
        return None;
    }
    let measure = match term {
        "night_spread" => "nights",
        "holiday_spread" => "holiday_shifts",
        "weekend_spread" => "weekend_shifts",
        "standby_spread" => "standby",
        _ => return None,
    };
    let ix = crate::problem::Index::new(problem);
    let groups = crate::fairness::comparison_groups(&ix);
    let summary = crate::fairness::summarize(problem, roster);
    let count = |e: usize| summary.people[e].measure(measure).unwrap_or(0);
    // The group with the widest spread of this measure.
    let spread = summary
        .spreads
        .iter()
        .filter(|s| s.measure == measure && s.spread() > 0)
        .max_by_key(|s| s.spread())?;
    let members = groups.get(&spread.group)?;
    let at_min: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&e| count(e) <= spread.min && ix.leave[e].iter().all(Option::is_none))
        .collect();
    let at_max: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&e| count(e) >= spread.max)
        .collect();
    let pick = if at_min.len() <= at_max.len() {
        at_min
    } else {
        at_max
    };
    (!pick.is_empty() && pick.len() <= cap).then_some(pick)
}

/// Most people the nights' lift moves (each change is checked by the validator).
const LIFT_PEOPLE: usize = 30;

/// Lifts every agent at the fewest nights by one night, lowering the nights' spread by one: each
/// takes the cheapest of turning one of their day shifts into a night or working a night on a
/// day off, among the changes that break no rule (checked by the validator) and priced by the
/// roster's recomputed objective. The roster comes back only when the whole lift lowers the
/// objective (each call lowers the spread by one; demo April's 60-s roster had 4). Why:
/// lowering a spread needs all of them at once (17 of 43 agents on demo
/// March); one night each, as surplus (2 a night on the demo), costs less than the spread
/// (100), but neither the people nor the day neighbourhoods can reach it step by step.
fn lift_nights(problem: &Problem, roster: &Roster) -> Option<Roster> {
    let ix = crate::problem::Index::new(problem);
    let night = problem.rules.night_shifts.first()?.clone();
    let n = ix.shift(&night)?;
    let groups = crate::fairness::comparison_groups(&ix);
    let summary = crate::fairness::summarize(problem, roster);
    let spread = summary
        .spreads
        .iter()
        .find(|s| s.measure == "nights" && s.spread() >= 1)?;
    let members = groups.get(&spread.group)?;
    let low: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&e| {
            summary.people[e].nights <= spread.min && ix.leave[e].iter().all(Option::is_none)
        })
        .collect();
    if low.is_empty() || low.len() > LIFT_PEOPLE {
        return None;
    }
    let price = |r: &Roster| super::cost::total(&super::objective_terms(problem, r));
    let start_cost = price(roster);
    let broken = crate::validate(problem, roster).len();
    let mut current = roster.clone();
    for e in low {
        let emp = &problem.employees[e];
        let role = ix
            .roles_on_shift(e, n)
            .into_iter()
            .find(|r| r == crate::site::roles::AGENT)?;
        let mut best: Option<(f64, Roster)> = None;
        for (d, day) in problem.days.iter().enumerate() {
            if !ix.can_work(e, d, n) {
                continue;
            }
            if current
                .assignments
                .iter()
                .any(|a| a.employee == emp.id && a.date == day.date && a.shift == night)
            {
                continue;
            }
            // The night alone, or with the day before off (a night needs rest after a day
            // or evening shift).
            for clear_before in [false, true] {
                if clear_before && d == 0 {
                    continue;
                }
                let before = problem.days[d.saturating_sub(1)].date;
                let mut trial = current.clone();
                trial.standby.retain(|sb| {
                    !(sb.employee == emp.id
                        && (sb.date == day.date || (clear_before && sb.date == before)))
                });
                trial.assignments.retain(|a| {
                    !(a.employee == emp.id
                        && (a.date == day.date || (clear_before && a.date == before)))
                });
                trial.assignments.push(crate::Assignment {
                    employee: emp.id.clone(),
                    date: day.date,
                    shift: night.clone(),
                    role: role.clone(),
                });
                trial.assignments.sort();
                if crate::validate(problem, &trial).len() > broken {
                    continue;
                }
                let c = price(&trial);
                if best.as_ref().is_none_or(|(b, _)| c < *b) {
                    best = Some((c, trial));
                }
            }
        }
        current = best?.1;
    }
    let c = price(&current);
    if c >= start_cost - 1e-9 {
        return None;
    }
    current.shortfalls = crate::explain::shortfalls(&ix, &current);
    current.stats = super::SolveStats {
        objective: c,
        terms: super::objective_terms(problem, &current),
        ..roster.stats.clone()
    };
    Some(current)
}

/// A small deterministic generator (the search repeats with the same seed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// `k` distinct indexes below `n`.
    fn pick(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k.min(n) {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k.min(n));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assignment, Calendar, Site};

    /// April 2026 (30 days), one shift N (00-08) with one agent a night, four agents, nights'
    /// spread at 100 and a night above the minimum at 2, isolated day off 2 (weekend, holiday
    /// and standby spreads off; no hours floor).
    fn april() -> Problem {
        let cal = Calendar::from_toml_strs([include_str!("../../../data/calendar/2026.toml")])
            .expect("calendar");
        let site = r#"
name = "lift"
[[shifts]]
code = "N"
name = "夜班"
start = "00:00"
end = "08:00"
paid_minutes = 480
[[cover]]
shift = "N"
role = "agent"
min = 1
[rules]
min_rest_minutes = 720
max_consecutive_days = 6
max_consecutive_shifts = { N = 4 }
overtime_cap_minutes = 2160
under_standard_minutes = 20000
leave_day_minutes = 480
night_shifts = ["N"]
[weights]
night_spread = 100.0
holiday_spread = 0.0
weekend_spread = 0.0
standby_spread = 0.0
isolated_day_off = 2.0
shift_change = 1.0
surplus = { N = 2.0 }
"#;
        let staff: String = (1..=4)
            .map(|i| {
                format!("[[employees]]\nid = \"E{i}\"\nname = \"E{i}\"\nroles = [\"agent\"]\n")
            })
            .collect();
        let site = Site::from_toml_strs(site, Some(&staff)).expect("site");
        Problem::new(&site, &cal, 2026, 4, vec![], vec![]).expect("problem")
    }

    /// Worked by hand. Night d of April goes to E(d mod 4 + 1): E1 and E2 work 8 nights, E3
    /// and E4 7, every night three days apart (no isolated day off, no surplus): the objective
    /// is the spread alone, 1 × 100 = 100. Lifting E3 and E4 by a night each, next to one of
    /// their nights (no isolated day off), costs 2 × 2 of surplus and ends the spread: 4.
    /// A roster at spread 0 is left alone.
    #[test]
    fn the_lift_takes_every_agent_at_the_fewest_nights_up_by_one() {
        let p = april();
        let mut roster = Roster {
            status: SolveStatus::TimeLimited,
            assignments: p
                .days
                .iter()
                .enumerate()
                .map(|(d, day)| Assignment {
                    employee: format!("E{}", d % 4 + 1),
                    date: day.date,
                    shift: "N".into(),
                    role: "agent".into(),
                })
                .collect(),
            standby: vec![],
            shortfalls: vec![],
            stats: Default::default(),
        };
        roster.assignments.sort();
        assert!(crate::validate(&p, &roster).is_empty());
        let cost = super::super::cost::total(&super::super::objective_terms(&p, &roster));
        assert!((cost - 100.0).abs() < 1e-9, "{cost}");
        let lifted = lift_nights(&p, &roster).expect("a cheaper roster");
        assert!(crate::validate(&p, &lifted).is_empty());
        let s = crate::fairness::summarize(&p, &lifted);
        let nights: Vec<u32> = s.people.iter().map(|x| x.nights).collect();
        assert_eq!(nights, vec![8, 8, 8, 8]);
        assert!(
            (lifted.stats.objective - 4.0).abs() < 1e-9,
            "{}",
            lifted.stats.objective
        );
        assert!(lift_nights(&p, &lifted).is_none());
    }
}
