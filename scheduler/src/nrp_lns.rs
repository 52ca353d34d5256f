//! Large-neighbourhood search by the MIP itself: free a few employees' whole rows, keep every
//! other row as it is, and re-solve the freed rows with HiGHS on the general roster model.
//!
//! Why rows: every hard rule of the Curtois-Qu format is about one employee's row (runs,
//! totals, weekends, successions), so with the other rows fixed the sub-problem is exactly the
//! same model on fewer people, and the fixed rows only shift each cover requirement: a cover
//! row needing `r` people with `f` already there needs `max(0, r - f)` more, and every freed
//! person beyond that costs the over-cover weight (as each one beyond `r` would). The
//! sub-problem therefore goes through [`Instance::to_problem`] and [`crate::solve`]'s model,
//! not a separate solver, and it starts from the current rows (handed to HiGHS as its first
//! incumbent), so a sub-solve never returns a worse roster than it was given.
//!
//! Two kinds of neighbourhood, both exact sub-problems of the same model:
//! - **rows**: a few employees over the whole horizon (half the time at random, half around a
//!   flaw of the roster: a cover row under or over its requirement, or an unmet request, with
//!   the people who could mend it and others who share a shift type with them);
//! - **window**: every employee over a window of days (placed around a flaw), the cells
//!   outside the window pinned to their values (see `model::solve_from`).
//!
//! and a third kind of move, a short burst of simulated annealing on the whole roster
//! ([`super::nrp_search::improve`]), which makes many small exchanges cheaply where a MIP
//! sub-problem would be slow.
//!
//! The neighbourhoods' sizes adapt: one grows after a few sub-problems solved to optimality
//! without a gain and shrinks when one runs into its time limit. The kind that has lately
//! lowered the objective more per second is tried more often. A sub-problem that frees every
//! row over the whole horizon and is solved to optimality proves the roster optimal, and the
//! search stops.

use std::time::Instant;

use super::nrp::{grid_of, score, worked_of, Grid, Instance, NrpCover, Worked};
use crate::{Assignment, Roster, SolveOptions, SolveStats, SolveStatus};

/// The instance restricted to the employees `free`, with every cover requirement reduced by
/// the people the other (fixed) rows of `grid` already put there.
pub fn sub_instance(inst: &Instance, grid: &[Vec<Option<usize>>], free: &[usize]) -> Instance {
    let ns = inst.shifts.len();
    let mut fixed = vec![vec![0u32; ns]; inst.horizon];
    for (e, row) in grid.iter().enumerate() {
        if free.contains(&e) {
            continue;
        }
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                fixed[d][*s] += 1;
            }
        }
    }
    let ids: Vec<&str> = free.iter().map(|&e| inst.staff[e].id.as_str()).collect();
    let keep = |id: &str| ids.contains(&id);
    let sx = |id: &str| inst.shifts.iter().position(|s| s.id == id);
    Instance {
        horizon: inst.horizon,
        shifts: inst.shifts.clone(),
        staff: free.iter().map(|&e| inst.staff[e].clone()).collect(),
        days_off: inst
            .days_off
            .iter()
            .filter(|(id, _)| keep(id))
            .map(|(id, d)| (id.clone(), d.clone()))
            .collect(),
        on_requests: inst
            .on_requests
            .iter()
            .filter(|r| keep(&r.employee))
            .cloned()
            .collect(),
        off_requests: inst
            .off_requests
            .iter()
            .filter(|r| keep(&r.employee))
            .cloned()
            .collect(),
        cover: inst
            .cover
            .iter()
            .map(|c| {
                let f = match sx(&c.shift) {
                    Some(s) if c.day < inst.horizon => fixed[c.day][s],
                    _ => 0,
                };
                NrpCover {
                    requirement: c.requirement.saturating_sub(f),
                    ..c.clone()
                }
            })
            .collect(),
    }
}

/// Re-solves the rows `free` of `grid` by HiGHS within `seconds`, starting from their current
/// values; with `window = Some((a, b))` only days `a..b` of those rows may change (the rest
/// are pinned). Returns the new rows (in the order of `free`) and whether HiGHS proved them
/// optimal for the sub-problem; `None` when the sub-solve failed (the caller keeps its rows).
pub fn resolve_rows(
    inst: &Instance,
    grid: &Grid,
    free: &[usize],
    window: Option<(usize, usize)>,
    seconds: f64,
    seed: i32,
) -> Option<(Vec<Vec<Option<usize>>>, bool)> {
    let opts = SolveOptions {
        time_limit_seconds: seconds.max(0.05),
        threads: 1,
        mip_rel_gap: 0.0,
        log: false,
        seed,
        solver_log: None,
        cancel: None,
    };
    resolve_with(inst, grid, free, window, &opts).map(|(g, optimal, _)| (g, optimal))
}

/// [`resolve_rows`] with the solver options given; also returns the bound HiGHS proved for the
/// sub-problem (the whole instance's bound when every row is free).
pub fn resolve_with(
    inst: &Instance,
    grid: &Grid,
    free: &[usize],
    window: Option<(usize, usize)>,
    opts: &SolveOptions,
) -> Option<(Grid, bool, f64)> {
    let sub = sub_instance(inst, grid, free);
    let problem = sub.to_problem().ok()?;
    let start = Roster {
        status: SolveStatus::TimeLimited,
        assignments: free
            .iter()
            .flat_map(|&e| {
                grid[e].iter().enumerate().filter_map(move |(d, x)| {
                    x.map(|s| Assignment {
                        employee: inst.staff[e].id.clone(),
                        date: super::nrp::day_zero() + chrono::Duration::days(d as i64),
                        shift: inst.shifts[s].id.clone(),
                        role: super::nrp::ROLE.into(),
                    })
                })
            })
            .collect(),
        standby: vec![],
        shortfalls: vec![],
        stats: SolveStats::default(),
    };
    let pinned: Vec<(usize, usize)> = match window {
        Some((a, b)) => (0..free.len())
            .flat_map(|i| {
                (0..inst.horizon)
                    .filter(move |d| *d < a || *d >= b)
                    .map(move |d| (i, d))
            })
            .collect(),
        None => vec![],
    };
    let solved = crate::model::solve_from(&problem, opts, &start, &pinned).ok()?;
    let sub_grid = grid_of(&sub, &super::nrp::worked(&solved))?;
    Some((
        sub_grid,
        solved.status == SolveStatus::Optimal,
        solved.stats.bound,
    ))
}

/// What a search run did, for the benchmark's report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LnsStats {
    /// Sub-problems solved.
    pub iterations: usize,
    /// Sub-problems that lowered the objective.
    pub improvements: usize,
    /// Rows freed per sub-problem at the end.
    pub rows: usize,
    /// A sub-problem freeing every row over the whole horizon was solved to optimality: the
    /// roster is optimal.
    pub proven: bool,
}

/// Improves a roster that breaks no hard rule by re-solving groups of rows until `seconds`
/// have passed; returns the best roster (never worse than the start; a start that breaks a
/// hard rule or names unknown ids comes back unchanged).
pub fn improve(
    inst: &Instance,
    roster: &[Worked],
    seconds: f64,
    seed: u64,
) -> (Vec<Worked>, LnsStats) {
    let started = Instant::now();
    let mut stats = LnsStats::default();
    let ne = inst.staff.len();
    let Some(mut grid) = grid_of(inst, roster) else {
        return (roster.to_vec(), stats);
    };
    let first = score(inst, roster);
    if !first.violations.is_empty() || ne < 2 {
        return (roster.to_vec(), stats);
    }
    let mut cost = first.objective();
    let mut rng = super::nrp_search::Rng::new(seed);
    let skills: Vec<Vec<bool>> = inst
        .staff
        .iter()
        .map(|st| {
            inst.shifts
                .iter()
                .map(|s| st.max_shifts.get(&s.id).copied().unwrap_or(0) > 0)
                .collect()
        })
        .collect();
    let h = inst.horizon;
    // Sizes adapt per kind: rows freed over the whole horizon, and days of the window.
    let mut k = initial_rows(inst);
    let mut w = WINDOW.min(h);
    let mut idle = [0usize; KINDS];
    // Objective gained and seconds spent per kind, decayed so that the recent past counts.
    let mut gain = [0.0f64; KINDS];
    let mut spent = [0.0f64; KINDS];
    while cost > 0 {
        let left = seconds - started.elapsed().as_secs_f64();
        if left < 0.05 {
            break;
        }
        let kind = choose_kind(&gain, &spent, &mut rng);
        let t = Instant::now();
        let mut optimal = false;
        let mut whole = false;
        let mut limit = left.min(SUB_LIMIT);
        let next = if kind == ANNEAL {
            let now = worked_of(inst, &grid);
            let seed = rng.next();
            let better = super::nrp_search::improve(inst, &now, left.min(ANNEAL_BURST), seed);
            grid_of(inst, &better)
        } else {
            let (free, window) = if kind == ROWS {
                let free = if rng.below(2) == 0 {
                    random_rows(&mut rng, ne, k)
                } else {
                    flaw_rows(inst, &grid, &skills, &mut rng, k).0
                };
                (free, None)
            } else {
                let (_, day) = flaw_rows(inst, &grid, &skills, &mut rng, 1);
                let a = day
                    .map(|d| d.saturating_sub(rng.below(w)))
                    .unwrap_or_else(|| rng.below(h - w + 1))
                    .min(h - w);
                ((0..ne).collect(), Some((a, a + w)))
            };
            whole = free.len() == ne && window.is_none_or(|(a, b)| a == 0 && b >= h);
            // The whole model, reached when every smaller neighbourhood came back without a
            // gain: HiGHS gets half the time left with the current roster as incumbent (a
            // small instance is often proved optimal so).
            if whole {
                limit = left.min(SUB_LIMIT.max(left / 2.0));
            }
            resolve_rows(inst, &grid, &free, window, limit, rng.below(1 << 20) as i32).map(
                |(rows, opt)| {
                    optimal = opt;
                    let mut next = grid.clone();
                    for (i, &e) in free.iter().enumerate() {
                        next[e] = rows[i].clone();
                    }
                    next
                },
            )
        };
        let Some(next) = next else { continue };
        stats.iterations += 1;
        let s = score(inst, &worked_of(inst, &next));
        for i in 0..KINDS {
            gain[i] *= DECAY;
            spent[i] *= DECAY;
        }
        spent[kind] += t.elapsed().as_secs_f64();
        if s.violations.is_empty() && s.objective() <= cost {
            if s.objective() < cost {
                gain[kind] += (cost - s.objective()) as f64;
                stats.improvements += 1;
                idle[kind] = 0;
            } else {
                idle[kind] += 1;
            }
            cost = s.objective();
            grid = next;
        } else {
            idle[kind] += 1;
        }
        // Every row over the whole horizon, solved to optimality: nothing better exists.
        if whole && optimal {
            stats.proven = true;
            break;
        }
        let (size, most, step) = match kind {
            ROWS => (&mut k, ne, 1),
            WINDOWS => (&mut w, h, 2),
            _ => continue,
        };
        if !optimal && t.elapsed().as_secs_f64() >= limit * 0.95 {
            *size = (*size - 1).max(2);
            idle[kind] = 0;
        } else if idle[kind] >= GROW_AFTER {
            *size = (*size + step).min(most);
            idle[kind] = 0;
        }
    }
    stats.rows = k;
    (worked_of(inst, &grid), stats)
}

/// The kinds of move: rows over the whole horizon, every row over a window, a burst of
/// simulated annealing ([`super::nrp_search::improve`]) on the whole roster.
const ROWS: usize = 0;
const WINDOWS: usize = 1;
const ANNEAL: usize = 2;
const KINDS: usize = 3;
/// Seconds of one annealing burst.
const ANNEAL_BURST: f64 = 2.0;

/// The kind that has lately lowered the objective more per second is tried more often; each
/// kind keeps at least a tenth of the tries.
fn choose_kind(
    gain: &[f64; KINDS],
    spent: &[f64; KINDS],
    rng: &mut super::nrp_search::Rng,
) -> usize {
    let rate: Vec<f64> = (0..KINDS)
        .map(|i| (gain[i] + 1.0) / (spent[i] + 1.0))
        .collect();
    let total: f64 = rate.iter().sum();
    let share: Vec<f64> = rate.iter().map(|r| (r / total).max(0.1)).collect();
    let mut pick = rng.unit() * share.iter().sum::<f64>();
    for (i, p) in share.iter().enumerate() {
        if pick < *p {
            return i;
        }
        pick -= p;
    }
    KINDS - 1
}

/// Time limit of one sub-problem, seconds.
const SUB_LIMIT: f64 = 4.0;
/// Decay per sub-problem of the gain and time records that choose the kind.
const DECAY: f64 = 0.95;
/// Days of a window neighbourhood at first.
const WINDOW: usize = 7;
/// Sub-problems without a gain before one more row is freed.
const GROW_AFTER: usize = 4;

/// Rows freed at first: about a fifth of the staff, at least 2 and at most 8.
fn initial_rows(inst: &Instance) -> usize {
    (inst.staff.len() / 5).clamp(2, 8).min(inst.staff.len())
}

fn random_rows(rng: &mut super::nrp_search::Rng, ne: usize, k: usize) -> Vec<usize> {
    let mut all: Vec<usize> = (0..ne).collect();
    for i in 0..k.min(ne) {
        let j = i + rng.below(ne - i);
        all.swap(i, j);
    }
    all.truncate(k.min(ne));
    all
}

/// Rows around one flaw of the roster: an unmet request (its employee) or a cover row off its
/// requirement (people who work it when over, people free that day who can work it when
/// under), then others with a skill in common, at random.
fn flaw_rows(
    inst: &Instance,
    grid: &Grid,
    skills: &[Vec<bool>],
    rng: &mut super::nrp_search::Rng,
    k: usize,
) -> (Vec<usize>, Option<usize>) {
    let ne = inst.staff.len();
    let ns = inst.shifts.len();
    let sx = |id: &str| inst.shifts.iter().position(|s| s.id == id);
    let ex = |id: &str| inst.staff.iter().position(|s| s.id == id);
    let mut count = vec![vec![0u32; ns]; inst.horizon];
    for row in grid {
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                count[d][*s] += 1;
            }
        }
    }
    // Candidate flaws: (day, shift, people who could mend it).
    let mut flaws: Vec<(usize, Vec<usize>)> = Vec::new();
    for c in &inst.cover {
        let Some(s) = sx(&c.shift) else { continue };
        if c.day >= inst.horizon {
            continue;
        }
        let n = count[c.day][s];
        if n < c.requirement {
            flaws.push((
                c.day,
                (0..ne)
                    .filter(|&e| skills[e][s] && grid[e][c.day] != Some(s))
                    .collect(),
            ));
        } else if n > c.requirement {
            flaws.push((
                c.day,
                (0..ne).filter(|&e| grid[e][c.day] == Some(s)).collect(),
            ));
        }
    }
    for r in &inst.on_requests {
        if let (Some(e), Some(s)) = (ex(&r.employee), sx(&r.shift)) {
            if r.day < inst.horizon && grid[e][r.day] != Some(s) {
                flaws.push((r.day, vec![e]));
            }
        }
    }
    for r in &inst.off_requests {
        if let (Some(e), Some(s)) = (ex(&r.employee), sx(&r.shift)) {
            if r.day < inst.horizon && grid[e][r.day] == Some(s) {
                flaws.push((r.day, vec![e]));
            }
        }
    }
    flaws.retain(|f| !f.1.is_empty());
    if flaws.is_empty() {
        return (random_rows(rng, ne, k), None);
    }
    let (day, mut pool) = flaws[rng.below(flaws.len())].clone();
    let mut free = Vec::with_capacity(k);
    while free.len() < k.min(ne) / 2 + 1 && !pool.is_empty() {
        let e = pool.swap_remove(rng.below(pool.len()));
        free.push(e);
    }
    // Fill up with others sharing a skill with the first, at random.
    let anchor = free[0];
    let mut others: Vec<usize> = (0..ne)
        .filter(|e| !free.contains(e))
        .filter(|&e| (0..ns).any(|s| skills[e][s] && skills[anchor][s]))
        .collect();
    while free.len() < k.min(ne) && !others.is_empty() {
        let e = others.swap_remove(rng.below(others.len()));
        free.push(e);
    }
    if free.len() < k.min(ne) {
        for e in random_rows(rng, ne, ne) {
            if free.len() >= k.min(ne) {
                break;
            }
            if !free.contains(&e) {
                free.push(e);
            }
        }
    }
    (free, Some(day))
}
