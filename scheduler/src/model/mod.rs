//! The roster MILP (排班模型) on HiGHS through good_lp.
//!
//! Reading order: [`vars`] declares the decision variables, then one file per constraint
//! family: [`cover`] (minimum cover with shortfall variables), [`sequence`] (one shift a day,
//! rest between shifts, run lengths), [`hours`] (comprehensive-hours range), [`runs`]
//! (personal limits: shifts per code, minimum runs, weekends), [`standby`]
//! (备班), [`soft`] (fairness, preferences, pattern quality, the spreads' cuts). [`solve`] runs
//! HiGHS and reads the roster back; a month with fairness terms then goes on in [`lns`]
//! (neighbourhoods re-solved by HiGHS). Every figure reported for a roster is recomputed from
//! its assignments in [`cost`].
//!
//! Every cover and standby need has a shortfall variable and the hours floor a slack, so the
//! model is always feasible: an impossible month comes back as a roster with named gaps.

pub(crate) mod anchor;
mod anneal;
mod construct;
mod cost;
pub use cost::objective_terms;

/// The names of a plain month's objective terms (those of weight 0 left out).
#[cfg(test)]
pub(crate) fn cost_term_names<'a>(ix: &crate::problem::Index<'a>) -> Vec<&'static str> {
    cost::plain_terms(ix).into_iter().map(|(n, _)| n).collect()
}
mod cover;
pub(crate) mod handover;
mod hours;
mod interrupt;
mod search;
pub(crate) use hours::gcd;
pub(crate) mod runs;
mod sequence;
mod soft;
mod standby;
mod vars;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use good_lp::{
    Constraint, Expression, IntoAffineExpression, ProblemVariables, SolverModel, Variable,
};
use highs::HighsModelStatus;

use crate::error::SolveError;
use crate::explain;
use crate::problem::{Index, Problem};
use crate::roster::{Assignment, Roster, SolveStats, SolveStatus, StandbyDuty};

pub(crate) use vars::Vars;

/// Solver settings.
#[derive(Debug, Clone)]
pub struct SolveOptions {
    /// Wall-clock limit in seconds.
    pub time_limit_seconds: f64,
    /// HiGHS threads (pin in tests).
    pub threads: u32,
    /// Relative MIP gap at which to stop as optimal.
    pub mip_rel_gap: f64,
    /// Print HiGHS progress to standard output.
    pub log: bool,
    /// HiGHS random seed.
    pub seed: i32,
    /// A file HiGHS appends its log to while it solves (its branch-and-bound table carries the
    /// best roster so far, the bound and the gap, which a caller may read for live progress).
    /// The scheduler itself writes nothing: the path is only handed to the solver.
    pub solver_log: Option<String>,
    /// Raised from another thread to stop the solve early: HiGHS is interrupted (through its
    /// interrupt callback) and the roster is its best so far, reported as time-limited. A
    /// flag already raised stops it at once. `None`: run to the time limit.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit_seconds: 60.0,
            threads: 1,
            mip_rel_gap: 0.001,
            log: false,
            seed: 0,
            solver_log: None,
            cancel: None,
        }
    }
}

/// A named, weighted part of the objective, kept to report it by name.
pub(crate) struct Term {
    pub name: &'static str,
    pub measure: Expression,
    pub weight: f64,
}

/// The model under construction: variables, constraints and named objective terms.
pub(crate) struct Builder<'p> {
    pub ix: Index<'p>,
    pub pv: ProblemVariables,
    pub count: usize,
    pub columns: HashMap<Variable, usize>,
    pub constraints: Vec<Constraint>,
    pub terms: Vec<Term>,
    /// Cover's helper variables by place, for the cuts that tie the spreads to them
    /// (`soft`): `surplus[(d, s)]` (people above the minimum on a priced shift),
    /// `short[(d, s, role)]` (missing people of a role), `standby_short[(d, s)]`.
    pub surplus: HashMap<(usize, usize), Variable>,
    pub short: HashMap<(usize, usize, String), Variable>,
    pub standby_short: HashMap<(usize, usize), Variable>,
    /// Binaries declared as continuous in [0, 1] (the LP relaxation, for a bound).
    relaxed: bool,
}

impl<'p> Builder<'p> {
    fn new(p: &'p Problem) -> Self {
        Builder {
            relaxed: false,
            ix: Index::new(p),
            pv: ProblemVariables::new(),
            count: 0,
            columns: HashMap::new(),
            constraints: Vec::new(),
            terms: Vec::new(),
            surplus: HashMap::new(),
            short: HashMap::new(),
            standby_short: HashMap::new(),
        }
    }

    /// Adds a variable and returns it with its column index (good_lp adds columns in order).
    pub fn add(&mut self, def: good_lp::VariableDefinition) -> (Variable, usize) {
        let v = self.pv.add(def);
        self.columns.insert(v, self.count);
        self.count += 1;
        (v, self.count - 1)
    }

    pub fn binary(&mut self) -> (Variable, usize) {
        if self.relaxed {
            self.add(good_lp::variable().min(0.0).max(1.0))
        } else {
            self.add(good_lp::variable().binary())
        }
    }

    pub fn nonneg(&mut self) -> (Variable, usize) {
        self.add(good_lp::variable().min(0.0))
    }

    pub fn term(&mut self, name: &'static str, measure: Expression, weight: f64) {
        if weight != 0.0 {
            self.terms.push(Term {
                name,
                measure,
                weight,
            });
        }
    }
}

/// The month's model: its variables and every constraint family with its terms (a repair's
/// anchor and the objective are added by the caller).
fn build(problem: &Problem) -> (Builder<'_>, Vars) {
    build_as(problem, false)
}

/// [`build`], with every binary continuous in [0, 1] when `relaxed`.
fn build_as(problem: &Problem, relaxed: bool) -> (Builder<'_>, Vars) {
    let mut b = Builder::new(problem);
    b.relaxed = relaxed;
    let v = Vars::declare(&mut b);
    cover::add(&mut b, &v);
    sequence::add(&mut b, &v);
    hours::add(&mut b, &v);
    runs::add(&mut b, &v);
    standby::add(&mut b, &v);
    soft::add(&mut b, &v);
    handover::add(&mut b, &v);
    (b, v)
}

/// Builds and solves the month. Never fails for an impossible month: unmet needs come back as
/// [`crate::Shortfall`]s with their likely cause.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Result<Roster, SolveError> {
    if search::applies(problem, opts) {
        return search::solve(problem, opts);
    }
    run(problem, opts, None, None)
}

/// Solves with `start` as HiGHS's first incumbent instead of the constructive roster, with
/// the cells `pinned` (employee index, day index) held at their value in `start` (the
/// large-neighbourhood search hands each sub-problem the current rows and pins what it does
/// not free, so a sub-solve never returns worse than it started).
pub(crate) fn solve_from(
    problem: &Problem,
    opts: &SolveOptions,
    start: &Roster,
    pinned: &[(usize, usize)],
) -> Result<Roster, SolveError> {
    run(problem, opts, None, Some((start, pinned)))
}

/// Terms that a repair keeps at full weight: the unmet needs. Every other soft term is
/// scaled by [`REPAIR_SOFT_SCALE`] so that the number of changes comes before them.
const NEEDS: [&str; 5] = [
    "cover_shortfall",
    "standby_shortfall",
    "hours_shortfall",
    "handover_shortfall",
    "handover_seats",
];

/// Scale of the soft terms in a repair. With the demo weights the largest soft unit (a night
/// spread step, 100) becomes 1, below the cheapest change (0.25 x 100 for a reserve called
/// from standby three weeks out).
pub(crate) const REPAIR_SOFT_SCALE: f64 = 0.01;

/// Solves with the published roster as anchor (pinned before the change date, changes priced
/// after it) and as the first incumbent.
pub(crate) fn solve_anchored(
    problem: &Problem,
    opts: &SolveOptions,
    published: &Roster,
    from: usize,
) -> Result<Roster, SolveError> {
    run(
        problem,
        opts,
        Some((published, from)),
        Some((published, &[])),
    )
}

/// When a call into [`run_planned`] must be over, and how long HiGHS may take within it.
///
/// Issue 23: the limit is the whole call's wall clock, not HiGHS's alone. On the 265-person
/// site the model build and the constructive start took 9 s in release (100 s in a debug
/// build) before HiGHS was handed the full limit, so `roster --time-limit 30` ran for minutes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    /// The end of the call: model build, construction, HiGHS and reading the roster back.
    pub deadline: Instant,
    /// HiGHS's own limit, cut to what is left before `deadline` when it starts.
    pub highs_seconds: f64,
}

impl Plan {
    /// The whole limit from now, all of it HiGHS's once the model is built and started.
    pub(crate) fn whole(opts: &SolveOptions) -> Plan {
        let limit = opts.time_limit_seconds.max(0.0);
        Plan {
            deadline: Instant::now() + Duration::from_secs_f64(limit.min(1e9)),
            highs_seconds: limit,
        }
    }

    /// Seconds from now to the deadline (0 once it has passed).
    pub(crate) fn left(&self) -> f64 {
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
    }
}

/// Share of the time left at its start that the constructive start may take (its greedy tries
/// and the fairness swaps); its first try runs whatever the clock says. On the demo months it
/// takes 0.2-2.3 s in a debug build and a tenth of that in release, within the share of any
/// limit the tests and the web app use, so the demo keeps its 40 tries and its swaps.
const CONSTRUCT_SHARE: f64 = 0.3;

/// HiGHS is not started with less than this left (it would spend it on the start's LP and
/// presolve and return the start unchanged): the start is the roster.
const MIN_HIGHS_SECONDS: f64 = 0.05;

fn run(
    problem: &Problem,
    opts: &SolveOptions,
    anchored: Option<(&Roster, usize)>,
    given_start: Option<(&Roster, &[(usize, usize)])>,
) -> Result<Roster, SolveError> {
    run_planned(problem, opts, anchored, given_start, Plan::whole(opts))
}

/// Builds and solves the model within `plan`: whatever the model build and the constructive
/// start take is spent from the plan's deadline, and HiGHS gets what is left (at most its own
/// share). When nothing is left, or HiGHS stops before it holds a roster, the start is the
/// answer (time-limited, priced like any roster): a month solved from scratch always comes
/// back with a roster, the constructive one at worst.
pub(crate) fn run_planned(
    problem: &Problem,
    opts: &SolveOptions,
    anchored: Option<(&Roster, usize)>,
    given_start: Option<(&Roster, &[(usize, usize)])>,
    plan: Plan,
) -> Result<Roster, SolveError> {
    problem.check_inputs()?;
    let (mut b, v) = build(problem);
    let roles_on = construct::roles_on(&b.ix);
    let anchor = match anchored {
        Some((published, from)) => {
            let a = anchor::Anchor::new(&b.ix, &roles_on, published, from)
                .map_err(|e| SolveError::Config(crate::ConfigError::Invalid(e)))?;
            anchor::add(&mut b, &v, &a)
                .map_err(|e| SolveError::Config(crate::ConfigError::Invalid(e)))?;
            for t in b.terms.iter_mut() {
                if !NEEDS.contains(&t.name) && t.name != "repair_changes" {
                    t.weight *= REPAIR_SOFT_SCALE;
                }
            }
            Some(a)
        }
        None => None,
    };

    // Warm start (binary variables; HiGHS completes the rest): the published roster in a
    // repair, a given start, else the constructive roster.
    let start = match given_start {
        Some((given, _)) => construct::from_roster(&b.ix, &roles_on, given),
        None => {
            // Under interval cover the greedy fills the day's shift counts of the cheapest
            // cover of the curve (a small set-covering solve) as if they were minimums.
            let mut gix = b.ix.clone();
            if let Some(dm) = &problem.demand {
                // On a thread of its own: HiGHS keeps its thread pool per calling thread,
                // sized by the first solve there, and refuses a later solve asking for
                // another size ("the scheduler has already been initialized to use 1
                // threads"): this one-thread solve made `--need --threads 2` fail.
                let plan = std::thread::scope(|sc| {
                    sc.spawn(|| crate::demand::staffing::least_paid_hours(problem, dm, &dm.shifts))
                        .join()
                });
                if let Ok(Ok(plan)) = plan {
                    for (d, counts) in plan.per_day.iter().enumerate() {
                        for (code, n) in counts {
                            if let Some(s) = gix.shift(code) {
                                gix.req[d][s].push((dm.role.clone(), *n));
                            }
                        }
                    }
                }
            }
            // The greedy's tries and the swaps stop at their share of what is left (see
            // `CONSTRUCT_SHARE`); HiGHS improves on the start and needs the rest.
            let until = Instant::now() + Duration::from_secs_f64(CONSTRUCT_SHARE * plan.left());
            let mut first = construct::best_start_until(&gix, &roles_on, 40, Some(until));
            construct::improve_fairness_until(&b.ix, &mut first, 500, Some(until));
            construct::from_roster(&b.ix, &roles_on, &first)
        }
    };
    // Pinned cells take the start's value.
    if let Some((_, pinned)) = given_start {
        let (ne, nd) = (problem.employees.len(), problem.num_days());
        for &(e, d) in pinned.iter().filter(|(e, d)| *e < ne && *d < nd) {
            anchor::pin(&mut b, &v, e, d, anchor::Cell::of_start(&start, e, d));
        }
    }

    let objective: Expression = b.terms.iter().fold(Expression::from(0.0), |acc, t| {
        acc + t.measure.clone() * t.weight
    });
    let num_vars = b.count;
    let num_cons = b.constraints.len();
    let Builder {
        ix,
        pv,
        constraints,
        terms,
        columns,
        ..
    } = b;
    let mut initial = vec![0.0; num_vars];
    for (e, days) in start.shift.iter().enumerate() {
        for (d, choice) in days.iter().enumerate() {
            if let Some((s, r)) = choice {
                if let Some((_, _, col)) = v.y[e][d][*s].get(*r) {
                    initial[*col] = 1.0;
                    if let Some(w) = v.work[e][d] {
                        initial[columns[&w]] = 1.0;
                    }
                }
            }
        }
    }
    for (e, days) in start.standby.iter().enumerate() {
        for (d, choice) in days.iter().enumerate() {
            if let Some(Some((_, col))) = choice.map(|s| v.sb[e][d][s]) {
                initial[col] = 1.0;
            }
        }
    }
    // HiGHS gets what the build and the start left of the plan (at most its share).
    let highs_limit = plan.highs_seconds.min(plan.left());
    // good_lp hands HiGHS the objective without its constant (from wanted preferences):
    // HiGHS's objective and bound are on the rest.
    let constant = objective.constant();
    let job = HighsJob {
        pv,
        objective,
        constraints,
        initial: initial.clone(),
        opts: opts.clone(),
        time_limit: highs_limit.max(MIN_HIGHS_SECONDS),
        ipm: root_by_interior_point(
            &terms,
            num_cons,
            anchored.is_some() || given_start.is_some(),
        ),
        lp: false,
    };
    let started = Instant::now();
    let outcome = if highs_limit >= MIN_HIGHS_SECONDS || initial.is_empty() {
        solve_guarded(
            job,
            plan.deadline + Duration::from_secs_f64(HIGHS_GRACE_SECONDS),
        )?
    } else {
        None
    };
    let seconds = started.elapsed().as_secs_f64();
    // A status that means no roster at all (a solver fault; a repair without a feasible
    // point) is an error whether or not HiGHS holds a solution.
    if let Some(out) = &outcome {
        highs_status(out.status, anchored.is_some())?;
    }
    let found = outcome.filter(|out| num_vars == 0 || out.feasible);
    if found.is_none() && anchored.is_some() {
        // A repair's start is the published roster, which the change made wrong: no answer.
        return Err(SolveError::Solver(format!(
            "no roster found within {} s; allow more time (--time-limit)",
            opts.time_limit_seconds
        )));
    }
    let (status, values, highs_value, highs_bound) = match found {
        Some(out) => (
            highs_status(out.status, anchored.is_some())?,
            out.values,
            Some(out.objective + constant),
            out.bound.map(|b| b + constant),
        ),
        // The start is the roster: no time was left for HiGHS, HiGHS was still in its
        // presolve at the deadline, or it stopped before it held a roster of its own. Its
        // binaries are all `read_roster` reads (the assignment and standby columns).
        None => (SolveStatus::TimeLimited, initial, None, None),
    };
    let mut roster = read_roster(&ix, &v, &values, status, SolveStats::default());
    // Every figure from the roster itself: helper variables bounded from one side may be
    // slack in an incumbent (see `cost`).
    let named: Vec<(&str, f64)> = terms.iter().map(|t| (t.name, t.weight)).collect();
    let by_term = cost::evaluate(&ix, &roster, anchor.as_ref(), &named);
    let objective_value = cost::total(&by_term);
    // The helpers sit at or above the roster's own figures, so HiGHS's value of its incumbent
    // is never below the recomputation; above it means a term is defined differently there.
    if let Some(highs_value) = highs_value {
        debug_assert!(
            objective_value <= highs_value + 1e-4 * objective_value.max(1.0),
            "recomputed objective {objective_value} above HiGHS's {highs_value} (constant {constant} included)"
        );
    }
    // Every term measures a count, hours or a spread (never below 0): with no negative
    // weight the objective's floor is 0.
    let floor = named.iter().all(|(_, w)| *w >= 0.0).then_some(0.0);
    let (bound, proven) = lower_bound(
        objective_value,
        floor.into_iter().chain(highs_bound),
        status == SolveStatus::Optimal,
    );
    roster.status = if proven {
        SolveStatus::Optimal
    } else {
        SolveStatus::TimeLimited
    };
    roster.stats = SolveStats {
        objective: objective_value,
        bound,
        gap: relative_gap(objective_value, bound),
        seconds,
        variables: num_vars,
        constraints: num_cons,
        terms: by_term,
    };
    Ok(roster)
}

/// The roster's status from HiGHS's model status; an error for a status that means no roster
/// (a repair whose pinned days leave no feasible point, or a solver fault).
fn highs_status(status: HighsModelStatus, anchored: bool) -> Result<SolveStatus, SolveError> {
    match status {
        // A month with nothing to decide (no cover, no standby, no hours floor).
        HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty => Ok(SolveStatus::Optimal),
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::ReachedInterrupt => Ok(SolveStatus::TimeLimited),
        HighsModelStatus::Infeasible if anchored => Err(SolveError::Solver(
            "no roster keeps the days before the change date as published and every hard rule from it on (a run or rest rule crosses the change date); repair from an earlier date".into(),
        )),
        other => Err(SolveError::Solver(format!(
            "HiGHS ended with status {other:?}; the model always has a feasible point, so this is a solver fault"
        ))),
    }
}

/// Seconds past the plan's deadline that HiGHS may still take before the start is used
/// without it. HiGHS keeps its time limit in the search, the simplex and the interior-point
/// method, but its presolve looks at the clock only in places: on the 265-person site with 2
/// threads on a busy machine (load 4-5 on the 2 cores; HiGHS's idle workers spin while they
/// wait for the other core) its presolve took 10-21 s under a 12-s limit. The grace leaves
/// the rest of the 5 s a caller allows past the limit for reading the roster back and
/// storing it.
const HIGHS_GRACE_SECONDS: f64 = 2.0;

/// Everything HiGHS needs, owned, to build and solve the model on a thread of its own.
struct HighsJob {
    pv: ProblemVariables,
    objective: Expression,
    constraints: Vec<Constraint>,
    /// The start's values of the binary columns (HiGHS completes the rest).
    initial: Vec<f64>,
    opts: SolveOptions,
    /// HiGHS's `time_limit`.
    time_limit: f64,
    /// Root LP by interior point (see `root_by_interior_point`).
    ipm: bool,
    /// A linear programme (no integer column): solved by interior point and crossover.
    lp: bool,
}

/// What a HiGHS solve returns, as plain data.
struct HighsOutcome {
    status: HighsModelStatus,
    /// Whether HiGHS holds a primal feasible solution (`values` is it).
    feasible: bool,
    values: Vec<f64>,
    /// HiGHS's objective of `values`, without the objective's constant.
    objective: f64,
    /// HiGHS's dual bound, without the objective's constant, when finite.
    bound: Option<f64>,
}

/// Runs `job` on a thread of its own and waits for it until `until`. Past it, the solve is
/// left to end by itself (its own time limit has passed, so it stops as soon as its presolve
/// returns) and `None` says the start stands: the month keeps its deadline even when HiGHS
/// does not. A thread per solve also gives each solve its own HiGHS thread pool (HiGHS keeps
/// one per calling thread, sized by the first solve there).
fn solve_guarded(job: HighsJob, until: Instant) -> Result<Option<HighsOutcome>, SolveError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("highs".into())
        .stack_size(64 << 20)
        .spawn(move || {
            // The receiver may be gone (the caller gave up): nothing to tell.
            let _ = tx.send(solve_job(job));
        })
        .map_err(|e| SolveError::Solver(format!("cannot start the solver's thread: {e}")))?;
    let wait = until.saturating_duration_since(Instant::now());
    match rx.recv_timeout(wait) {
        Ok(result) => result.map(Some),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Ok(None),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => Err(SolveError::Solver(
            "the solver's thread ended without an answer".into(),
        )),
    }
}

/// Builds the HiGHS model of `job`, sets its options and its start, and solves it.
fn solve_job(job: HighsJob) -> Result<HighsOutcome, SolveError> {
    let HighsJob {
        pv,
        objective,
        constraints,
        initial,
        opts,
        time_limit,
        ipm,
        lp,
    } = job;
    let mut unsolved = pv.minimise(objective).using(good_lp::solvers::highs::highs);
    for c in constraints {
        unsolved.add_constraint(c);
    }
    // good_lp applies its option map only inside its own `solve`, which hides the MIP bound
    // and gap; we take the HiGHS model and set the options on it directly.
    let mut model = unsolved
        .try_into_inner()
        .map_err(|e| SolveError::Solver(e.to_string()))?;
    let option_error = |k: &str| SolveError::Solver(format!("cannot set HiGHS option {k}"));
    model
        .try_set_option("time_limit", time_limit)
        .map_err(|_| option_error("time_limit"))?;
    model
        .try_set_option("threads", opts.threads.max(1) as i32)
        .map_err(|_| option_error("threads"))?;
    model
        .try_set_option("mip_rel_gap", opts.mip_rel_gap)
        .map_err(|_| option_error("mip_rel_gap"))?;
    model
        .try_set_option("random_seed", opts.seed)
        .map_err(|_| option_error("random_seed"))?;
    model
        .try_set_option("output_flag", opts.log || opts.solver_log.is_some())
        .map_err(|_| option_error("output_flag"))?;
    if let Some(path) = &opts.solver_log {
        model
            .try_set_option("log_file", path.as_str())
            .map_err(|_| option_error("log_file"))?;
    }
    model
        .try_set_option("log_to_console", opts.log)
        .map_err(|_| option_error("log_to_console"))?;
    // A refused start (HiGHS rejects one for a model without columns, e.g. a month with no
    // cover at all) only means a cold start.
    if !initial.is_empty() {
        let _ = model.try_set_solution(Some(&initial), None, None, None);
    }
    // A month's root LP (about 30,000 rows) took the dual simplex 35-55 s of a 60-s limit on
    // the demo months (2 threads, a busy machine), interior point 8-20 s; the cuts after it
    // warm-start from the crossover basis either way. Only for a month solved from scratch
    // with fairness terms: a repair or a neighbourhood pins most cells (presolve leaves a
    // small LP), and the Curtois-Qu cell models were tuned with the simplex.
    if ipm {
        model
            .try_set_option("mip_lp_solver", "ipm")
            .map_err(|_| option_error("mip_lp_solver"))?;
    }
    // Only for a model without integer columns: on a MIP, HiGHS's `solver` = "ipm" would
    // drop the integrality.
    if lp {
        model
            .try_set_option("solver", "ipm")
            .map_err(|_| option_error("solver"))?;
    }
    if let Some(flag) = &opts.cancel {
        interrupt::watch(&mut model, flag);
    }
    let solved = model
        .try_solve()
        .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
    // A model without columns (a month with nothing to decide) has no solution status: the
    // bindings panic reading it (-1), so it is not asked for there (the caller treats a
    // model without variables as solved).
    let feasible = !initial.is_empty()
        && solved.primal_solution_status() == highs::HighsSolutionStatus::Feasible;
    Ok(HighsOutcome {
        status: solved.status(),
        feasible,
        values: if feasible || initial.is_empty() {
            solved.get_solution().columns().to_vec()
        } else {
            Vec::new()
        },
        objective: solved.objective_value(),
        bound: solved
            .double_info_value(c"mip_dual_bound")
            .ok()
            .filter(|b| b.is_finite()),
    })
}

/// A true lower bound on a month's objective, in the seconds before `until`: the LP
/// relaxation of the month's model without its pattern terms (isolated days off, shift
/// changes), with the sizes of that model (columns, rows).
///
/// Why it is a bound: dropping terms of non-negative weight from a minimisation and relaxing
/// its binaries can only lower its optimum. Why these terms: at the relaxation's optimum they
/// are 0 anyway (a fraction of a shift has no pattern), but their variables and rows made the
/// full model's root LP 13 s on the demo's March against about 4 s without them, for the
/// same 71.90 (measured with `cargo bench -p scheduler --bench demo_months`,
/// ROSTER_NO_PATTERN). `None` when the LP is not solved to optimality in time.
pub(crate) fn relaxation_bound(
    problem: &Problem,
    opts: &SolveOptions,
    until: Instant,
) -> Option<(f64, usize, usize)> {
    let mut p = problem.clone();
    let w = &mut p.weights;
    w.isolated_day_off = w.isolated_day_off.min(0.0);
    w.shift_change = w.shift_change.min(0.0);
    let (b, _) = build_as(&p, true);
    let objective: Expression = b.terms.iter().fold(Expression::from(0.0), |acc, t| {
        acc + t.measure.clone() * t.weight
    });
    let constant = objective.constant();
    let (cols, rows) = (b.count, b.constraints.len());
    let left = until
        .saturating_duration_since(Instant::now())
        .as_secs_f64();
    if left < MIN_HIGHS_SECONDS || cols == 0 {
        return None;
    }
    let job = HighsJob {
        pv: b.pv,
        objective,
        constraints: b.constraints,
        initial: Vec::new(),
        opts: SolveOptions {
            log: opts.log,
            solver_log: None,
            ..opts.clone()
        },
        time_limit: left,
        ipm: false,
        lp: true,
    };
    let out = solve_guarded(job, until).ok()??;
    (out.status == HighsModelStatus::Optimal).then_some((out.objective + constant, cols, rows))
}

/// Rows from which a month's root LP goes to the interior-point solver (see `run`).
const IPM_ROOT_ROWS: usize = 10_000;

/// Whether HiGHS solves the root LP by interior point: a large model solved from scratch
/// whose objective carries a fairness spread.
fn root_by_interior_point(terms: &[Term], rows: usize, started: bool) -> bool {
    !started
        && rows >= IPM_ROOT_ROWS
        && terms
            .iter()
            .any(|t| t.name.ends_with("_spread") && t.weight > 0.0)
}

/// The best lower bound on the month's objective and whether the roster is proven optimal.
///
/// `bounds` are valid lower bounds: HiGHS's dual bound (with the objective's constant), the
/// sum of the terms' own floors, any bound proved outside the solver. The best of them is
/// reported, never above the roster's objective (HiGHS stops within its relative gap, so its
/// bound may pass a roster that the recomputation priced below HiGHS's incumbent value).
/// Proven: HiGHS said optimal (within its gap), or the bound meets the objective.
fn lower_bound(
    objective: f64,
    bounds: impl IntoIterator<Item = f64>,
    highs_optimal: bool,
) -> (f64, bool) {
    let best = bounds
        .into_iter()
        .filter(|b| b.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    let bound = if best.is_finite() {
        cost::round6(best.min(objective))
    } else {
        best
    };
    let proven = highs_optimal || objective - bound <= 1e-6;
    (bound, proven)
}

/// (objective − bound) / objective; 0 when they meet (a zero objective included).
fn relative_gap(objective: f64, bound: f64) -> f64 {
    let diff = (objective - bound).max(0.0);
    if diff <= 1e-6 {
        0.0
    } else {
        diff / objective.abs().max(1e-9)
    }
}

fn read_roster(
    ix: &Index<'_>,
    v: &Vars,
    values: &[f64],
    status: SolveStatus,
    stats: SolveStats,
) -> Roster {
    let p = ix.p;
    let on = |c: usize| values[c] > 0.5;
    let mut assignments = Vec::new();
    let mut standby = Vec::new();
    for (e, days) in v.y.iter().enumerate() {
        for (d, shifts) in days.iter().enumerate() {
            for (s, roles) in shifts.iter().enumerate() {
                for (role, _, col) in roles {
                    if on(*col) {
                        assignments.push(Assignment {
                            employee: p.employees[e].id.clone(),
                            date: p.days[d].date,
                            shift: p.shifts[s].code.clone(),
                            role: role.clone(),
                        });
                    }
                }
            }
        }
    }
    for (e, days) in v.sb.iter().enumerate() {
        for (d, shifts) in days.iter().enumerate() {
            for (s, x) in shifts.iter().enumerate() {
                if matches!(x, Some((_, col)) if on(*col)) {
                    standby.push(StandbyDuty {
                        employee: p.employees[e].id.clone(),
                        date: p.days[d].date,
                        shift: p.shifts[s].code.clone(),
                    });
                }
            }
        }
    }
    assignments.sort();
    standby.sort();
    let mut roster = Roster {
        status,
        assignments,
        standby,
        shortfalls: Vec::new(),
        stats,
    };
    roster.shortfalls = explain::shortfalls(ix, &roster);
    roster
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The trivial bound before the root LP (−3,700 on the demo) gives way to the terms'
    /// floor 0; a bound within HiGHS's gap above a roster priced lower is brought down to it;
    /// non-finite bounds are ignored; the gap is relative to the objective, 0 when they meet.
    #[test]
    fn the_bound_is_the_best_valid_one_and_never_above_the_objective() {
        assert_eq!(lower_bound(210.0, [0.0, -3700.0], false), (0.0, false));
        assert_eq!(lower_bound(210.0, [0.0, 73.9], false), (73.9, false));
        assert_eq!(lower_bound(209.9, [0.0, 210.0], true), (209.9, true));
        assert_eq!(
            lower_bound(50.0, [0.0, f64::NAN, f64::NEG_INFINITY], false),
            (0.0, false)
        );
        assert_eq!(lower_bound(50.0, [50.0], false), (50.0, true));
        assert_eq!(lower_bound(0.0, [0.0], false), (0.0, true));
        assert!((relative_gap(210.0, 73.5) - 0.65).abs() < 1e-12);
        assert!((relative_gap(210.0, 0.0) - 1.0).abs() < 1e-12);
        assert!(relative_gap(0.0, 0.0).abs() < 1e-12);
    }
}
