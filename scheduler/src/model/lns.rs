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
        // Alternate: a few people over the month, everyone over a few days.
        let by_people = round % 2 == 0;
        round += 1;
        let mut free = vec![vec![false; nd]; ne];
        if by_people {
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
        let sub = SolveOptions {
            time_limit_seconds: SUB_SECONDS.min(left),
            ..sub_opts.clone()
        };
        // A sub-problem that fails leaves the roster as it is.
        let Ok(r) = run(problem, &sub, None, Some((&best, &pinned))) else {
            continue;
        };
        let gained = r.stats.objective < best.stats.objective - 1e-9;
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
