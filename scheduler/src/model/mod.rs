//! The roster MILP (排班模型) on HiGHS through good_lp.
//!
//! Reading order: [`vars`] declares the decision variables, then one file per constraint
//! family: [`cover`] (minimum cover with shortfall variables), [`sequence`] (one shift a day,
//! rest between shifts, run lengths), [`hours`] (comprehensive-hours range), [`runs`]
//! (personal limits: shifts per code, minimum runs, weekends), [`standby`]
//! (备班), [`soft`] (fairness, preferences, pattern quality). [`solve`] runs HiGHS and reads the
//! roster back.
//!
//! Every cover and standby need has a shortfall variable and the hours floor a slack, so the
//! model is always feasible: an impossible month comes back as a roster with named gaps.

pub(crate) mod anchor;
mod construct;
mod cover;
mod hours;
mod interrupt;
pub(crate) use hours::gcd;
pub(crate) mod runs;
mod sequence;
mod soft;
mod standby;
mod vars;

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

use good_lp::{Constraint, Expression, ProblemVariables, SolverModel, Variable};
use highs::HighsModelStatus;

use crate::error::SolveError;
use crate::explain;
use crate::problem::{Index, Problem};
use crate::roster::{Assignment, ObjectiveTerm, Roster, SolveStats, SolveStatus, StandbyDuty};

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
}

impl<'p> Builder<'p> {
    fn new(p: &'p Problem) -> Self {
        Builder {
            ix: Index::new(p),
            pv: ProblemVariables::new(),
            count: 0,
            columns: HashMap::new(),
            constraints: Vec::new(),
            terms: Vec::new(),
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
        self.add(good_lp::variable().binary())
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

/// Builds and solves the month. Never fails for an impossible month: unmet needs come back as
/// [`crate::Shortfall`]s with their likely cause.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Result<Roster, SolveError> {
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
const NEEDS: [&str; 3] = ["cover_shortfall", "standby_shortfall", "hours_shortfall"];

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

fn run(
    problem: &Problem,
    opts: &SolveOptions,
    anchored: Option<(&Roster, usize)>,
    given_start: Option<(&Roster, &[(usize, usize)])>,
) -> Result<Roster, SolveError> {
    problem.check_inputs()?;
    let mut b = Builder::new(problem);
    let v = Vars::declare(&mut b);
    cover::add(&mut b, &v);
    sequence::add(&mut b, &v);
    hours::add(&mut b, &v);
    runs::add(&mut b, &v);
    standby::add(&mut b, &v);
    soft::add(&mut b, &v);
    let roles_on: Vec<Vec<Vec<String>>> = (0..problem.employees.len())
        .map(|e| {
            (0..problem.shifts.len())
                .map(|s| b.ix.roles_on_shift(e, s))
                .collect()
        })
        .collect();
    if let Some((published, from)) = anchored {
        let a = anchor::Anchor::new(&b.ix, &roles_on, published, from)
            .map_err(|e| SolveError::Config(crate::ConfigError::Invalid(e)))?;
        anchor::add(&mut b, &v, &a)
            .map_err(|e| SolveError::Config(crate::ConfigError::Invalid(e)))?;
        for t in b.terms.iter_mut() {
            if !NEEDS.contains(&t.name) && t.name != "repair_changes" {
                t.weight *= REPAIR_SOFT_SCALE;
            }
        }
    }

    // Warm start (binary variables; HiGHS completes the rest): the published roster in a
    // repair, a given start, else the constructive roster.
    let start = match given_start {
        Some((given, _)) => construct::from_roster(&b.ix, &roles_on, given),
        None => {
            // Under interval cover the greedy fills the day's shift counts of the cheapest
            // cover of the curve (a small set-covering solve) as if they were minimums.
            let mut gix = b.ix.clone();
            if let Some(dm) = &problem.demand {
                if let Ok(plan) = crate::demand::staffing::least_paid_hours(problem, dm, &dm.shifts)
                {
                    for (d, counts) in plan.per_day.iter().enumerate() {
                        for (code, n) in counts {
                            if let Some(s) = gix.shift(code) {
                                gix.req[d][s].push((dm.role.clone(), *n));
                            }
                        }
                    }
                }
            }
            let mut first = construct::best_start(&gix, &roles_on, 40);
            construct::improve_fairness(&b.ix, &mut first, 500);
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
    let mut unsolved = pv
        .minimise(objective.clone())
        .using(good_lp::solvers::highs::highs);
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
        .try_set_option("time_limit", opts.time_limit_seconds)
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
    // A refused start (HiGHS rejects one for a model without columns, e.g. a month with no
    // cover at all) only means a cold start.
    if !initial.is_empty() {
        let _ = model.try_set_solution(Some(&initial), None, None, None);
    }
    if let Some(flag) = &opts.cancel {
        interrupt::watch(&mut model, flag);
    }
    let started = Instant::now();
    let solved = model
        .try_solve()
        .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
    let seconds = started.elapsed().as_secs_f64();
    let status = match solved.status() {
        // A month with nothing to decide (no cover, no standby, no hours floor).
        HighsModelStatus::Optimal | HighsModelStatus::ModelEmpty => SolveStatus::Optimal,
        HighsModelStatus::ReachedTimeLimit
        | HighsModelStatus::ReachedIterationLimit
        | HighsModelStatus::ReachedSolutionLimit
        | HighsModelStatus::ObjectiveBound
        | HighsModelStatus::ObjectiveTarget
        | HighsModelStatus::ReachedInterrupt => SolveStatus::TimeLimited,
        HighsModelStatus::Infeasible if anchored.is_some() => {
            return Err(SolveError::Solver(
                "no roster keeps the days before the change date as published and every hard rule from it on (a run or rest rule crosses the change date); repair from an earlier date".into(),
            ))
        }
        other => {
            return Err(SolveError::Solver(format!(
                "HiGHS ended with status {other:?}; the model always has a feasible point, so this is a solver fault"
            )))
        }
    };
    if num_vars > 0 && solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Err(SolveError::Solver(format!(
            "no roster found within {} s; allow more time (--time-limit)",
            opts.time_limit_seconds
        )));
    }
    let values = solved.get_solution().columns().to_vec();
    let objective_value = objective.eval_with(&Values(&columns, &values));
    // HiGHS drops the objective's constant; shift its bound by the same offset.
    let offset = objective_value - solved.objective_value();
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .map(|b| b + offset)
        .unwrap_or(objective_value);
    let gap = match solved.mip_gap() {
        g if g.is_finite() => g.max(0.0),
        _ => 0.0,
    };
    let stats = SolveStats {
        objective: objective_value,
        bound,
        gap,
        seconds,
        variables: num_vars,
        constraints: num_cons,
        terms: terms
            .iter()
            .map(|t| {
                let m = t.measure.eval_with(&Values(&columns, &values));
                ObjectiveTerm {
                    name: t.name.to_string(),
                    measure: round6(m),
                    cost: round6(m * t.weight),
                }
            })
            .collect(),
    };
    Ok(read_roster(&ix, &v, &values, status, stats))
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Looks variable values up by our own column index.
struct Values<'a>(&'a HashMap<Variable, usize>, &'a [f64]);

impl good_lp::solvers::Solution for Values<'_> {
    fn status(&self) -> good_lp::SolutionStatus {
        good_lp::SolutionStatus::Optimal
    }
    fn value(&self, variable: Variable) -> f64 {
        self.0.get(&variable).map(|c| self.1[*c]).unwrap_or(0.0)
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
