//! A month with fairness terms (the hotline's own): a bound and a search, side by side
//! (有公平项的月份：下界与搜索并行).
//!
//! Until issue 23 the month went to HiGHS for 40 % of the limit and then to neighbourhoods
//! re-solved by HiGHS. On the demo months that left rosters at 2-10 times the bound (March
//! 191 against 71.9 at 60 s): HiGHS's root LP took most of its share, its sub-problems closed a
//! few times a second, and the bound at 10 s was 0. Measured on March 2026 (release, this
//! 2-core machine), a simulated annealing of swaps and changes priced incrementally
//! ([`super::anneal`]) reaches 85-105 in 10 s on one thread, and the LP relaxation of the model
//! without its pattern terms ([`super::relaxation_bound`]) proves 71.90 in about 4 s.
//! So the month now runs:
//!
//! 1. the constructive start (greedy tries and fairness swaps, a tenth of the limit at most);
//! 2. on a second thread, the relaxation's LP: the month's bound;
//! 3. on this thread, the annealing from the start until the limit, or until its best meets
//!    the bound (then it is proven optimal and the solve returns at once); the LP's thread,
//!    once the LP is solved, anneals from the same start with another seed, and the better
//!    roster is the answer.
//!
//! The objective is recomputed from the roster, the bound is the LP's (never below the terms'
//! floor 0, never above the objective), and the status is optimal only when they meet. About
//! once a second the search appends a progress line to the caller's solver log
//! ([`crate::progress`]), which the web app's progress bar reads.
//!
//! `threads`: the annealing takes one; HiGHS the others (at least one, so with `threads = 1`
//! the two share the core).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::{anneal, construct, cost, relative_gap, relaxation_bound, SolveOptions};
use crate::error::SolveError;
use crate::problem::{Index, Problem};
use crate::progress::SearchProgress;
use crate::roster::{Roster, SolveStats, SolveStatus};

/// Limits below this go to HiGHS whole (the model's own solve): too short for a bound.
const MIN_LIMIT: f64 = 10.0;
/// Share of the limit the constructive start may take (its first try runs regardless).
const START_SHARE: f64 = 0.1;
/// Seconds kept back at the end for reading the roster back and pricing it.
const MARGIN: f64 = 0.2;

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

/// The start, then the bound and the annealing side by side (see the module's comment).
pub(crate) fn solve(problem: &Problem, opts: &SolveOptions) -> Result<Roster, SolveError> {
    problem.check_inputs()?;
    let started = Instant::now();
    let limit = opts.time_limit_seconds.clamp(0.0, 1e9);
    let deadline = started + Duration::from_secs_f64(limit);
    let ix = Index::new(problem);
    let roles_on = construct::roles_on(&ix);
    let start_until = started + Duration::from_secs_f64(limit * START_SHARE);
    let mut start = construct::best_start_until(&ix, &roles_on, 40, Some(start_until));
    construct::improve_fairness_until(&ix, &mut start, 500, Some(start_until));
    let start_terms = super::objective_terms(problem, &start);
    start.stats.objective = cost::total(&start_terms);
    start.stats.terms = start_terms;
    start.shortfalls = crate::explain::shortfalls(&ix, &start);

    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    };
    // The bound's bits, NaN until the LP is solved.
    let proven = AtomicU64::new(f64::NAN.to_bits());
    let bound_opts = SolveOptions {
        threads: opts.threads.saturating_sub(1).max(1),
        ..opts.clone()
    };
    // Progress lines written (one a second, and a last one with the answer).
    let rounds = std::cell::Cell::new(0usize);
    let search_until = deadline - Duration::from_secs_f64(MARGIN.min(limit / 10.0));
    let (found, relaxed) = std::thread::scope(|scope| {
        let lp = std::thread::Builder::new()
            .name("bound".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, || {
                let out = relaxation_bound(problem, &bound_opts, search_until);
                if let Some((b, _, _)) = out {
                    proven.store(b.to_bits(), Ordering::Relaxed);
                }
                // The LP done, this thread anneals too, from the same start with another seed
                // (one anneal's result on demo March at 10 s ranges 85-107: the better of two
                // is the month's roster).
                let second = anneal::improve(
                    problem,
                    &start,
                    search_until,
                    opts.seed as u64 + 1,
                    &proven,
                    &mut |_| !cancelled(),
                )
                .0;
                (out, second)
            });
        let mut tick = |best: f64| {
            rounds.set(rounds.get() + 1);
            report(opts, rounds.get(), best, &proven, started);
            !cancelled()
        };
        let found = anneal::improve(
            problem,
            &start,
            search_until,
            opts.seed as u64,
            &proven,
            &mut tick,
        )
        .0;
        // The LP keeps to `search_until` (HiGHS left behind past it): a short wait at most.
        let (relaxed, second) = lp.ok().and_then(|h| h.join().ok()).unwrap_or((None, None));
        let price = |r: &Option<Roster>| r.as_ref().map_or(f64::INFINITY, |r| r.stats.objective);
        let found = if price(&second) < price(&found) {
            second
        } else {
            found
        };
        (found, relaxed)
    });
    let mut out = found.unwrap_or(start);
    let terms = super::objective_terms(problem, &out);
    let objective = cost::total(&terms);
    // Every term measures a count, hours or a spread (never below 0): with no negative
    // weight the objective's floor is 0.
    let floor = (cost::plain_terms(&ix).iter().all(|(_, w)| *w >= 0.0)
        && problem.weights.surplus.values().all(|w| *w >= 0.0))
    .then_some(0.0);
    let (bound, optimal) = super::lower_bound(
        objective,
        floor.into_iter().chain(relaxed.map(|r| r.0)),
        false,
    );
    let (variables, constraints) = relaxed.map_or((0, 0), |r| (r.1, r.2));
    out.shortfalls = crate::explain::shortfalls(&ix, &out);
    out.status = if optimal {
        SolveStatus::Optimal
    } else {
        SolveStatus::TimeLimited
    };
    out.stats = SolveStats {
        objective,
        bound,
        gap: relative_gap(objective, bound),
        seconds: started.elapsed().as_secs_f64(),
        variables,
        constraints,
        terms,
    };
    report(opts, rounds.get() + 1, objective, &proven, started);
    Ok(out)
}

/// One progress line in the caller's solver log: the best roster so far, the bound (0 until
/// the LP is solved), the gap, the seconds since the solve began.
/// Also printed when the caller asked for the solver's output (`log`, the CLI without
/// `--quiet`), where HiGHS's own lines used to show the progress.
fn report(opts: &SolveOptions, round: usize, best: f64, proven: &AtomicU64, started: Instant) {
    if opts.solver_log.is_none() && !opts.log {
        return;
    }
    let b = f64::from_bits(proven.load(Ordering::Relaxed));
    let bound = if b.is_finite() {
        b.max(0.0).min(best)
    } else {
        0.0
    };
    let progress = SearchProgress {
        round,
        best,
        bound,
        gap_percent: 100.0 * relative_gap(best, bound),
        seconds: started.elapsed().as_secs_f64(),
    };
    if let Some(path) = &opts.solver_log {
        progress.append_to(path);
    }
    if opts.log {
        println!("{}", progress.line());
    }
}
