//! Local search on a benchmark roster (large-neighbourhood polishing after the MIP).
//!
//! Why: within 60 s HiGHS usually holds a good incumbent of the Curtois-Qu instances but spends
//! the rest of the time on the bound; the incumbent is then improved here by simulated
//! annealing over the instance's own terms. Every hard rule of the format is about one
//! employee's row, so a move is checked by re-checking the rows it touches (O(horizon)), and
//! its cost by the requests of those rows and the cover counts of the days it touches.
//! Moves: change one cell (to another allowed shift or off); exchange the cells of two
//! employees over one or two blocks of 1-4 consecutive days (cover is unchanged by an
//! exchange; two blocks let both keep their total minutes when those are tight); and exchange
//! two days within one employee's row (a shift moves to another day, minutes unchanged). A move breaking
//! a hard rule is never taken, so the result is as feasible as the start.

use std::time::Instant;

use super::nrp::{Instance, Worked};
use crate::problem::{Index, Problem};

pub(crate) struct Data {
    pub(crate) h: usize,
    pub(crate) ns: usize,
    pub(crate) minutes: Vec<u32>,
    /// forbid[a][b]: b may not follow a on the next day.
    pub(crate) forbid: Vec<Vec<bool>>,
    /// max_shifts[e][s]: at most this many shifts `s` (0 = `e` cannot work it).
    pub(crate) max_shifts: Vec<Vec<u32>>,
    /// off_day[e][d]: no shift that day (leave, a fixed day off).
    pub(crate) off_day: Vec<Vec<bool>>,
    /// off_cost[e][d]: preference penalty of `e` being off on day `d`; on_cost[e][d][s]: of
    /// working `s` that day.
    pub(crate) off_cost: Vec<Vec<i64>>,
    pub(crate) on_cost: Vec<Vec<Vec<i64>>>,
    /// cover[d][s] = (requirement, under, over).
    pub(crate) cover: Vec<Vec<(u32, u32, u32)>>,
    pub(crate) limits: Vec<RowLimits>,
    /// weekend[d]: the weekend (Saturday and Sunday of one ISO week) day `d` belongs to.
    pub(crate) weekend: Vec<Option<usize>>,
}

/// One employee's row limits, resolved from the problem.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RowLimits {
    pub(crate) max_total: u32,
    pub(crate) min_total: u32,
    pub(crate) max_consecutive: u32,
    pub(crate) min_consecutive: u32,
    pub(crate) min_days_off: u32,
    pub(crate) max_weekends: u32,
}

impl Data {
    /// The row form of a general roster [`Problem`], read through the same [`Index`] the cell
    /// model ([`crate::model`]) is built from: which cells a person may work (`can_work`,
    /// roles), the rest rule and forbidden successions (`rest_ok`), the minute range
    /// (`min_minutes`, `max_minutes`), run lengths, weekends as the cell model groups them,
    /// preferences as `model::soft` prices them and cover as `model::cover` prices it.
    ///
    /// This is the form the column generation ([`crate::nrp_cg`]) and the annealing work on:
    /// every hard rule about one person's row, cover the only tie between rows. A problem
    /// with more than that (several roles counted, standby, interval demand, history before
    /// the first day, fairness or pattern terms, a rest rule reaching past the next day) is
    /// declined with the reason, and the cell model alone takes it. The hotline's months have
    /// all of these, so they go to the cell model; the Curtois-Qu instances have none.
    pub(crate) fn from_problem(p: &Problem) -> Result<Data, String> {
        p.check_inputs().map_err(|e| e.to_string())?;
        let ix = Index::new(p);
        let (h, ns, ne) = (p.num_days(), p.shifts.len(), p.employees.len());
        if p.demand.is_some() {
            return Err("interval demand".into());
        }
        if !p.previous.is_empty() {
            return Err("shifts before the first day".into());
        }
        if !ix.standby_shifts().is_empty() && p.rules.standby_per_shift > 0 {
            return Err("standby duties".into());
        }
        if !p.rules.max_consecutive_shifts.is_empty() {
            return Err("runs limited per shift code".into());
        }
        // The row form knows only the day before; a rest rule that forbids a shift two or more
        // days after another (long shifts, long rests) is beyond it.
        let beyond = (2..=ix.max_rest_gap().max(1))
            .any(|g| (0..ns).any(|a| (0..ns).any(|b| !ix.rest_ok(a, g, b))));
        if beyond {
            return Err("a rest rule reaching past the next day".into());
        }
        let mut roles: Vec<&str> = p.requirements.iter().map(|r| r.role.as_str()).collect();
        roles.sort_unstable();
        roles.dedup();
        if roles.len() > 1 {
            return Err(format!("cover counted in {} roles", roles.len()));
        }
        let w = &p.weights;
        let reserve = p.employees.iter().any(|e| e.reserve);
        for (name, weight) in [
            ("night_spread", w.night_spread),
            ("holiday_spread", w.holiday_spread),
            ("weekend_spread", w.weekend_spread),
            ("standby_spread", w.standby_spread),
            ("isolated_day_off", w.isolated_day_off),
            ("shift_change", w.shift_change),
            ("standby_non_reserve", w.standby_non_reserve),
            ("reserve_shift", if reserve { w.reserve_shift } else { 0.0 }),
        ] {
            if weight != 0.0 {
                return Err(format!("the {name} term"));
            }
        }
        // The column generation's bound is the ceiling of its LP value: integer weights only.
        let integer = |x: f64| x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64;
        if !integer(w.shortfall)
            || !integer(w.preference)
            || w.surplus.values().any(|x| !integer(*x))
        {
            return Err("weights that are not whole numbers".into());
        }
        let floor_soft = !p.rules.hours_floor_hard && w.hours_shortfall_per_hour != 0.0;
        if floor_soft && (0..ne).any(|e| ix.min_minutes(e) > 0) {
            return Err("a priced hours floor".into());
        }
        let mut forbid = vec![vec![false; ns]; ns];
        for (a, row) in forbid.iter_mut().enumerate() {
            for (b, f) in row.iter_mut().enumerate() {
                *f = !ix.rest_ok(a, 1, b);
            }
        }
        // Who may work what: `can_work` and a role that counts on the shift (the cell model
        // creates no variable otherwise). It must split into whole days and whole shifts,
        // which the row form holds apart.
        let mut max_shifts = vec![vec![0u32; ns]; ne];
        let mut off_day = vec![vec![false; h]; ne];
        for e in 0..ne {
            let lim = &p.employees[e].limits;
            // Per shift whether a role of `e` counts on it, and per day and shift `can_work`:
            // each asked once (`roles_on_shift` walks the month's requirements).
            let counts: Vec<bool> = (0..ns)
                .map(|s| !ix.roles_on_shift(e, s).is_empty())
                .collect();
            let can: Vec<Vec<bool>> = (0..h)
                .map(|d| (0..ns).map(|s| ix.can_work(e, d, s)).collect())
                .collect();
            for s in 0..ns {
                if counts[s] && (0..h).any(|d| can[d][s]) {
                    let code = &p.shifts[s].code;
                    max_shifts[e][s] = lim.max_shifts.get(code).copied().unwrap_or(h as u32);
                }
            }
            for d in 0..h {
                off_day[e][d] = can[d].iter().all(|c| !c);
                for s in 0..ns {
                    let row_form = !off_day[e][d] && max_shifts[e][s] > 0;
                    if row_form != (can[d][s] && counts[s]) {
                        return Err(format!(
                            "{} may work {} on some days only",
                            p.employees[e].id, p.shifts[s].code
                        ));
                    }
                }
            }
        }
        let pw = w.preference as i64;
        let mut off_cost = vec![vec![0i64; h]; ne];
        let mut on_cost = vec![vec![vec![0i64; ns]; h]; ne];
        for (e, emp) in p.employees.iter().enumerate() {
            for pref in &emp.preferences {
                for (d, day) in p.days.iter().enumerate() {
                    if !pref.applies_on(day.date) {
                        continue;
                    }
                    let weight = pref.weight as i64 * pw;
                    // The shift `x` meets the preference when it is the one named (any work
                    // if none is named); unmet wishes and met aversions cost the weight.
                    let shift = pref.shift.as_ref().map(|c| ix.shift(c));
                    let meets = |x: Option<usize>| match (&shift, x) {
                        (Some(named), Some(s)) => *named == Some(s),
                        (Some(_), None) => false,
                        (None, x) => x.is_some(),
                    };
                    if meets(None) != pref.want {
                        off_cost[e][d] += weight;
                    }
                    for s in 0..ns {
                        if meets(Some(s)) != pref.want {
                            on_cost[e][d][s] += weight;
                        }
                    }
                }
            }
        }
        let under = w.shortfall as u32;
        let mut cover = vec![vec![(0, 0, 0); ns]; h];
        for (d, row) in cover.iter_mut().enumerate() {
            for (s, c) in row.iter_mut().enumerate() {
                let reqs = &ix.req[d][s];
                if reqs.len() > 1 {
                    // The cell model prices each row's shortfall apart; one count cannot.
                    return Err(format!("{} cover rows for one date and shift", reqs.len()));
                }
                let min: u32 = reqs.iter().map(|(_, m)| *m).sum();
                // Surplus is priced where the shift has a requirement row (model::cover).
                let over = if reqs.is_empty() {
                    0
                } else {
                    w.surplus.get(&p.shifts[s].code).copied().unwrap_or(0.0) as u32
                };
                *c = (min, if min > 0 { under } else { 0 }, over);
            }
        }
        let limits = (0..ne)
            .map(|e| {
                let lim = &p.employees[e].limits;
                RowLimits {
                    max_total: ix.max_minutes(e),
                    min_total: if p.rules.hours_floor_hard {
                        ix.min_minutes(e)
                    } else {
                        0
                    },
                    max_consecutive: ix.max_consecutive_days(e),
                    min_consecutive: lim.min_consecutive_days.unwrap_or(0),
                    min_days_off: lim.min_consecutive_days_off.unwrap_or(0),
                    max_weekends: lim.max_weekends.unwrap_or(h as u32),
                }
            })
            .collect();
        let mut weekend = vec![None; h];
        for (k, days) in crate::model::runs::weekend_days(p).values().enumerate() {
            for &d in days {
                weekend[d] = Some(k);
            }
        }
        Ok(Data {
            h,
            ns,
            minutes: p.shifts.iter().map(|s| s.paid_minutes).collect(),
            forbid,
            max_shifts,
            off_day,
            off_cost,
            on_cost,
            cover,
            limits,
            weekend,
        })
    }

    /// The row form of a benchmark instance, through the general problem it maps to.
    pub(crate) fn of_instance(inst: &Instance) -> Result<Data, String> {
        Data::from_problem(&inst.to_problem().map_err(|e| e.to_string())?)
    }

    /// Whether employee `e`'s row breaks no hard rule (format.md §3).
    pub(crate) fn row_ok(&self, e: usize, row: &[Option<usize>]) -> bool {
        let st = &self.limits[e];
        let h = self.h;
        let mut count = [0u32; 64];
        let mut total = 0u32;
        for d in 0..h {
            if let Some(s) = row[d] {
                if self.off_day[e][d] {
                    return false;
                }
                count[s.min(63)] += 1;
                total += self.minutes[s];
                if d + 1 < h {
                    if let Some(t) = row[d + 1] {
                        if self.forbid[s][t] {
                            return false;
                        }
                    }
                }
            }
        }
        if (0..self.ns).any(|s| count[s.min(63)] > self.max_shifts[e][s]) {
            return false;
        }
        if total > st.max_total || total < st.min_total {
            return false;
        }
        for (worked, d, end) in super::nrp::runs(row) {
            let len = (end - d + 1) as u32;
            let interior = d > 0 && end + 1 < h;
            if worked && len > st.max_consecutive {
                return false;
            }
            if interior && worked && len < st.min_consecutive {
                return false;
            }
            if interior && !worked && len < st.min_days_off {
                return false;
            }
        }
        // Weekend numbers rise with the days, so equal ones are adjacent.
        let mut worked: Vec<usize> = (0..h)
            .filter(|&d| row[d].is_some())
            .filter_map(|d| self.weekend[d])
            .collect();
        worked.dedup();
        worked.len() as u32 <= st.max_weekends
    }

    /// Request penalty of `e` working `x` on day `d`.
    pub(crate) fn request_cost(&self, e: usize, d: usize, x: Option<usize>) -> i64 {
        match x {
            None => self.off_cost[e][d],
            Some(s) => self.on_cost[e][d][s],
        }
    }

    /// Request penalties of employee `e`'s whole row.
    pub(crate) fn row_request_cost(&self, e: usize, row: &[Option<usize>]) -> i64 {
        row.iter()
            .enumerate()
            .map(|(d, x)| self.request_cost(e, d, *x))
            .sum()
    }

    /// The objective of a whole roster: requests plus cover (what the cell model's
    /// `preferences`, `cover_shortfall` and `cover_surplus` terms price).
    pub(crate) fn objective(&self, grid: &[Vec<Option<usize>>]) -> i64 {
        let mut count = vec![vec![0u32; self.ns]; self.h];
        for row in grid {
            for (d, x) in row.iter().enumerate() {
                if let Some(s) = x {
                    count[d][*s] += 1;
                }
            }
        }
        let requests: i64 = (0..grid.len())
            .map(|e| self.row_request_cost(e, &grid[e]))
            .sum();
        let cover: i64 = (0..self.h)
            .flat_map(|d| (0..self.ns).map(move |s| (d, s)))
            .map(|(d, s)| self.cover_cost(d, s, count[d][s]))
            .sum();
        requests + cover
    }

    /// Cover penalty of `n` people on (d, s).
    pub(crate) fn cover_cost(&self, d: usize, s: usize, n: u32) -> i64 {
        let (req, under, over) = self.cover[d][s];
        (under as i64) * req.saturating_sub(n) as i64 + (over as i64) * n.saturating_sub(req) as i64
    }
}

/// Cover count changes of a move, as (day, shift, ±1): each (day, old, new) cell leaves
/// (day, old) and joins (day, new).
fn count_changes(cells: &[(usize, Option<usize>, Option<usize>)]) -> Vec<(usize, usize, i64)> {
    let mut out = Vec::with_capacity(4);
    for &(d, old, new) in cells {
        if let Some(a) = old {
            out.push((d, a, -1));
        }
        if let Some(b) = new {
            out.push((d, b, 1));
        }
    }
    out
}

/// A small xorshift generator (deterministic by seed; no dependency for a search).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Improves a roster that breaks no hard rule by simulated annealing until `seconds` have
/// passed; returns the best roster seen (never worse than the start). A start that breaks a
/// hard rule is returned unchanged.
pub fn improve(inst: &Instance, roster: &[Worked], seconds: f64, seed: u64) -> Vec<Worked> {
    improve_with(inst, roster, seconds, seed, (T0, T1), 1)
}

/// Starting and final temperature of the annealing (in objective units: an over-cover person
/// costs 1, an unmet request its weight, an under-cover person 100).
pub const T0: f64 = 5.0;
/// See [`T0`].
pub const T1: f64 = 0.2;

/// [`improve`] with its temperatures given, on `threads` independent chains (seeds differ)
/// at once, keeping the best: the annealing is serial, and on the benchmark machine's two
/// cores the second would otherwise idle while it runs (its result varies run to run, so the
/// best of two chains is also steadier than one).
pub fn improve_with(
    inst: &Instance,
    roster: &[Worked],
    seconds: f64,
    seed: u64,
    temps: (f64, f64),
    threads: u32,
) -> Vec<Worked> {
    let Ok(data) = Data::of_instance(inst) else {
        return roster.to_vec();
    };
    let (h, ns, ne) = (data.h, data.ns, inst.staff.len());
    if ne == 0 || h == 0 || ns == 0 || ns > 63 {
        return roster.to_vec();
    }
    let Some(grid) = super::nrp::grid_of(inst, roster) else {
        return roster.to_vec();
    };
    if !(0..ne).all(|e| data.row_ok(e, &grid[e])) {
        return roster.to_vec();
    }
    let chains = threads.max(1) as u64;
    let (data, grid) = (&data, &grid);
    let best = std::thread::scope(|sc| {
        let runs: Vec<_> = (0..chains)
            .map(|i| {
                let seed = seed.wrapping_add(i.wrapping_mul(0x9E37_79B9));
                sc.spawn(move || anneal(data, grid.clone(), seconds, seed, temps))
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("annealing chain"))
            .min_by_key(|(cost, _)| *cost)
    });
    match best {
        Some((_, g)) => super::nrp::worked_of(inst, &g),
        None => roster.to_vec(),
    }
}

/// One annealing chain from `grid` (every row feasible): the best cost and roster seen.
fn anneal(
    data: &Data,
    mut grid: super::nrp::Grid,
    seconds: f64,
    seed: u64,
    (t0, t1): (f64, f64),
) -> (i64, super::nrp::Grid) {
    let (h, ns, ne) = (data.h, data.ns, grid.len());
    let mut count = vec![vec![0u32; ns]; h];
    for row in &grid {
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                count[d][*s] += 1;
            }
        }
    }
    let mut cost = data.objective(&grid);
    let mut best = (cost, grid.clone());
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut temp = t0;
    let mut iter: u64 = 0;
    loop {
        iter += 1;
        if iter % 1024 == 0 {
            let f = started.elapsed().as_secs_f64() / seconds.max(1e-9);
            if f >= 1.0 {
                break;
            }
            temp = t0 * (t1 / t0).powf(f);
        }
        let kind = rng.below(3);
        if kind == 2 {
            // Move within one row: exchange two days of one employee (a shift moves to a day
            // off, or two shifts trade days), which keeps the row's minutes and counts.
            let e = rng.below(ne);
            let d1 = rng.below(h);
            let d2 = (d1 + 1 + rng.below(6)).min(h - 1);
            let (x1, x2) = (grid[e][d1], grid[e][d2]);
            if d1 == d2 || x1 == x2 {
                continue;
            }
            let mut delta = data.request_cost(e, d1, x2) + data.request_cost(e, d2, x1)
                - data.request_cost(e, d1, x1)
                - data.request_cost(e, d2, x2);
            let moved = count_changes(&[(d1, x1, x2), (d2, x2, x1)]);
            for &(d, s, change) in &moved {
                delta += data.cover_cost(d, s, (count[d][s] as i64 + change) as u32)
                    - data.cover_cost(d, s, count[d][s]);
            }
            if delta > 0 && rng.unit() >= (-(delta as f64) / temp).exp() {
                continue;
            }
            grid[e][d1] = x2;
            grid[e][d2] = x1;
            if !data.row_ok(e, &grid[e]) {
                grid[e][d1] = x1;
                grid[e][d2] = x2;
                continue;
            }
            for (d, s, change) in moved {
                count[d][s] = (count[d][s] as i64 + change) as u32;
            }
            cost += delta;
        } else if kind == 0 {
            // Change one cell: at random, or (one time in three) aimed at a shift of a day
            // that is under its requirement, given to someone off that day.
            let (e, d, new) = if rng.below(3) == 0 {
                let (d, k) = (rng.below(h), rng.below(ns));
                if count[d][k] >= data.cover[d][k].0 {
                    continue;
                }
                let e = rng.below(ne);
                if grid[e][d].is_some() {
                    continue;
                }
                (e, d, Some(k))
            } else {
                let k = rng.below(ns + 1);
                (
                    rng.below(ne),
                    rng.below(h),
                    if k == ns { None } else { Some(k) },
                )
            };
            let old = grid[e][d];
            if new == old {
                continue;
            }
            let mut delta = data.request_cost(e, d, new) - data.request_cost(e, d, old);
            if let Some(a) = old {
                delta +=
                    data.cover_cost(d, a, count[d][a] - 1) - data.cover_cost(d, a, count[d][a]);
            }
            if let Some(b) = new {
                delta +=
                    data.cover_cost(d, b, count[d][b] + 1) - data.cover_cost(d, b, count[d][b]);
            }
            if delta > 0 && rng.unit() >= (-(delta as f64) / temp).exp() {
                continue;
            }
            grid[e][d] = new;
            if !data.row_ok(e, &grid[e]) {
                grid[e][d] = old;
                continue;
            }
            if let Some(a) = old {
                count[d][a] -= 1;
            }
            if let Some(b) = new {
                count[d][b] += 1;
            }
            cost += delta;
        } else {
            // Exchange two employees' cells over one block of days, or over two blocks at
            // once (keeps both people's totals when the rows are tight on minutes).
            let (a, b) = (rng.below(ne), rng.below(ne));
            if a == b {
                continue;
            }
            let mut days: Vec<usize> = Vec::with_capacity(8);
            let blocks = 1 + rng.below(2);
            for _ in 0..blocks {
                let len = 1 + rng.below(4);
                let d0 = rng.below(h);
                for d in d0..(d0 + len).min(h) {
                    if !days.contains(&d) {
                        days.push(d);
                    }
                }
            }
            if days.iter().all(|&d| grid[a][d] == grid[b][d]) {
                continue;
            }
            let delta: i64 = days
                .iter()
                .map(|&d| {
                    data.request_cost(a, d, grid[b][d]) + data.request_cost(b, d, grid[a][d])
                        - data.request_cost(a, d, grid[a][d])
                        - data.request_cost(b, d, grid[b][d])
                })
                .sum();
            if delta > 0 && rng.unit() >= (-(delta as f64) / temp).exp() {
                continue;
            }
            let exchange = |grid: &mut Vec<Vec<Option<usize>>>| {
                for &d in &days {
                    let x = grid[a][d];
                    grid[a][d] = grid[b][d];
                    grid[b][d] = x;
                }
            };
            exchange(&mut grid);
            if !data.row_ok(a, &grid[a]) || !data.row_ok(b, &grid[b]) {
                exchange(&mut grid);
                continue;
            }
            cost += delta;
        }
        if cost < best.0 {
            best = (cost, grid.clone());
        }
    }
    best
}

/// A benchmark solve: the roster, whether it is proven optimal, the bound and the time.
#[derive(Debug, Clone)]
pub struct NrpResult {
    /// Worked shifts.
    pub worked: Vec<Worked>,
    /// Proven optimal, by HiGHS on the whole model or by a neighbourhood that freed all of it.
    pub optimal: bool,
    /// Best bound proved.
    pub bound: f64,
    /// Wall seconds, MIP and search.
    pub seconds: f64,
    /// What the large-neighbourhood search by the cell model did.
    pub lns: crate::nrp_lns::LnsStats,
    /// What column generation did, when it ran.
    pub cg: Option<crate::nrp_cg::CgResult>,
}

/// How a benchmark solve spends its time limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plan {
    /// Share of the limit for column generation ([`crate::nrp_cg`]); 0 skips it.
    pub cg_share: f64,
    /// Whether column generation makes the rosters; if not, it only proves the bound (within
    /// its share) and the cell model's path makes the rosters.
    pub cg_rosters: bool,
    /// Share of the limit for HiGHS on the whole model (when column generation is skipped or
    /// cannot take the instance).
    pub mip_share: f64,
    /// Share of the limit for simulated annealing on HiGHS's incumbent (quick local gains).
    pub anneal_share: f64,
    /// Annealing temperatures.
    pub temps: (f64, f64),
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            cg_share: CG_SHARE,
            cg_rosters: true,
            mip_share: MIP_SHARE,
            anneal_share: ANNEAL_SHARE,
            temps: (T0, T1),
        }
    }
}

impl Plan {
    /// The default plan for an instance: HiGHS on the whole model gets [`MIP_SHARE_SMALL`] of
    /// the limit when the model is small (at most [`SMALL_CELLS`] employee × day × shift
    /// cells), where it often proves the optimum (instance 4, 560 cells, took 40 s of 60 on
    /// the benchmark machine), else [`MIP_SHARE`]: on larger models the neighbourhoods gain
    /// more per second than HiGHS's own search (docs/benchmarks.md).
    pub fn for_instance(inst: &Instance) -> Plan {
        let cells = inst.staff.len() * inst.horizon * inst.shifts.len();
        let small = cells <= SMALL_CELLS;
        let large = cells > LARGE_CELLS;
        Plan {
            cg_share: if small {
                CG_SHARE_SMALL
            } else if large {
                CG_BOUND_SHARE
            } else {
                CG_SHARE
            },
            cg_rosters: !large,
            mip_share: if small { MIP_SHARE_SMALL } else { MIP_SHARE },
            anneal_share: if large {
                ANNEAL_SHARE_LARGE
            } else {
                ANNEAL_SHARE
            },
            ..Plan::default()
        }
    }
}

/// Share of the time limit given to column generation; the cell model, warm-started from its
/// roster, gets the rest unless the roster was proven optimal.
pub const CG_SHARE: f64 = 0.9;
/// The same on a small model: the cell model proves small instances whose set-partitioning
/// LP bound is weak (instance 1: bound 558, optimum 607) within seconds.
pub const CG_SHARE_SMALL: f64 = 0.1;
/// Largest model, in employee × day × shift cells, on which column generation makes the
/// rosters. Above it (instance 12: 60 × 28 × 10 = 16,800 cells) its dives and neighbourhoods
/// were too slow on two cores (300 s: 4676, +15.7 %, against 4064-4100, +0.6 to +1.5 %, by
/// the cell model's path; docs/benchmarks.md), so there it proves the bound only.
pub const LARGE_CELLS: usize = 10_000;
/// Share of the limit column generation may take for the bound alone on a large model (the
/// root converged in 6 s on instance 12).
pub const CG_BOUND_SHARE: f64 = 0.1;
/// Share of the time limit given to HiGHS on the whole model.
pub const MIP_SHARE: f64 = 0.25;
/// Share for a small model (see [`Plan::for_instance`]).
pub const MIP_SHARE_SMALL: f64 = 0.75;
/// Largest model, in employee × day × shift cells, that counts as small.
pub const SMALL_CELLS: usize = 600;
/// Share of the time limit given to annealing after it; the rest goes to the
/// large-neighbourhood search by the MIP ([`crate::nrp_lns`]).
pub const ANNEAL_SHARE: f64 = 0.05;
/// The same on a large model (over [`LARGE_CELLS`]), where the neighbourhood search gained
/// nothing (13-96 neighbourhoods a run on instance 12) and the annealing's longer, slower
/// cooling gains on the requests. 300 s on instance 12 (docs/benchmarks.md): with 5 % 4091,
/// 4099, 4100; with 50 % 4074, 4076, 4082 (one chain) and 4073 (two); with 75 % 4070 (one
/// chain) and 4068 (two). So the annealing takes what HiGHS leaves; one run with 65 % gave
/// 4310, its HiGHS incumbent one under-cover worse, which neither search mends.
pub const ANNEAL_SHARE_LARGE: f64 = 0.75;

/// Solves an instance, mapped once into the general [`Problem`] that both engines read.
/// First column generation ([`crate::nrp_cg`]) for `plan.cg_share` of the
/// time limit; unless its roster meets its bound, HiGHS on the cell model (the hotline's own
/// model, [`Instance::to_problem`]) warm-started from that roster for the rest, which proves
/// small instances and may still improve large ones.
/// With `plan.cg_rosters` false, column generation only proves the bound and the cell
/// model's path below makes the rosters.
/// Without column generation (share 0, or rules its pricer cannot hold): HiGHS on the cell
/// model for `plan.mip_share`; unless it proved optimality, simulated annealing on its
/// incumbent for `plan.anneal_share`, then re-solving groups of rows by HiGHS
/// ([`crate::nrp_lns`]) for the rest.
pub fn solve(
    inst: &Instance,
    opts: &crate::SolveOptions,
    plan: &Plan,
) -> Result<NrpResult, crate::SolveError> {
    let started = Instant::now();
    // The general roster problem: the cell model is built from it, and column generation reads
    // its row form from it ([`Data::from_problem`]). (The cell model's neighbourhood search,
    // `nrp_lns`, cuts sub-instances out of the instance and maps each through the same
    // `to_problem`.)
    let problem = inst
        .to_problem()
        .map_err(|e| crate::SolveError::Config(crate::ConfigError::Invalid(e.to_string())))?;
    if plan.cg_share > 0.0 && !plan.cg_rosters {
        // Column generation for the bound only, then the cell model's path.
        let bound = crate::nrp_cg::root_bound(
            &problem,
            opts.time_limit_seconds * plan.cg_share.min(1.0),
            opts.threads,
        );
        let mut res = solve_cell_model(inst, &problem, opts, plan, started)?;
        if let Some(b) = bound {
            res.bound = res.bound.max(b);
            let objective = super::nrp::score(inst, &res.worked).objective() as f64;
            res.optimal |= objective <= res.bound;
        }
        return Ok(res);
    }
    if plan.cg_share > 0.0 {
        let seconds = opts.time_limit_seconds * plan.cg_share.min(1.0);
        if let Some(cg) =
            crate::nrp_cg::solve(&problem, seconds, opts.threads, opts.seed as u64, opts.log)
        {
            if let (Some(grid), Some(objective)) = (cg.grid.clone(), cg.objective) {
                return Ok(finish_cell_model(inst, opts, started, grid, objective, cg));
            }
        }
    }
    solve_cell_model(inst, &problem, opts, plan, started)
}

/// After column generation: the cell model from its roster for the time left, unless the
/// roster is already proven optimal.
fn finish_cell_model(
    inst: &Instance,
    opts: &crate::SolveOptions,
    started: Instant,
    mut grid: super::nrp::Grid,
    mut objective: u64,
    cg: crate::nrp_cg::CgResult,
) -> NrpResult {
    let mut bound = cg.bound;
    let mut optimal = objective as f64 <= bound;
    let left = opts.time_limit_seconds - started.elapsed().as_secs_f64();
    if !optimal && left > 0.1 {
        let all: Vec<usize> = (0..inst.staff.len()).collect();
        if let Some((g, proved, cell_bound)) = crate::nrp_lns::resolve_with(
            inst,
            &grid,
            &all,
            None,
            &crate::SolveOptions {
                time_limit_seconds: left,
                ..opts.clone()
            },
        ) {
            let obj = super::nrp::score(inst, &super::nrp::worked_of(inst, &g)).objective();
            if obj < objective {
                (grid, objective) = (g, obj);
            }
            if proved {
                optimal = true;
                bound = objective as f64;
            } else if cell_bound.is_finite() {
                bound = bound.max(cell_bound.ceil());
            }
        }
    }
    NrpResult {
        worked: super::nrp::worked_of(inst, &grid),
        optimal,
        bound,
        seconds: started.elapsed().as_secs_f64(),
        lns: crate::nrp_lns::LnsStats::default(),
        cg: Some(cg),
    }
}

/// The cell model alone: HiGHS, annealing, then the neighbourhood search by HiGHS.
fn solve_cell_model(
    inst: &Instance,
    problem: &Problem,
    opts: &crate::SolveOptions,
    plan: &Plan,
    started: Instant,
) -> Result<NrpResult, crate::SolveError> {
    // Column generation may have used part of the limit already.
    let left = (opts.time_limit_seconds - started.elapsed().as_secs_f64()).max(0.05);
    let mip = crate::SolveOptions {
        time_limit_seconds: (opts.time_limit_seconds * plan.mip_share.clamp(0.05, 1.0)).min(left),
        ..opts.clone()
    };
    let roster = crate::solve(problem, &mip)?;
    let mut worked = super::nrp::worked(&roster);
    let mut optimal = roster.status == crate::SolveStatus::Optimal;
    let mut bound = roster.stats.bound;
    let mut lns = crate::nrp_lns::LnsStats::default();
    if !optimal {
        let left = opts.time_limit_seconds - started.elapsed().as_secs_f64();
        let anneal = (opts.time_limit_seconds * plan.anneal_share.max(0.0)).min(left);
        if anneal > 0.0 {
            worked = improve_with(
                inst,
                &worked,
                anneal,
                opts.seed as u64 + 1,
                plan.temps,
                opts.threads,
            );
        }
        let left = opts.time_limit_seconds - started.elapsed().as_secs_f64();
        if left > 0.0 {
            (worked, lns) = crate::nrp_lns::improve(inst, &worked, left, opts.seed as u64 + 2);
            if lns.proven {
                optimal = true;
                bound = super::nrp::score(inst, &worked).objective() as f64;
            }
        }
    }
    Ok(NrpResult {
        worked,
        optimal,
        bound,
        seconds: started.elapsed().as_secs_f64(),
        lns,
        cg: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nrp_cg::Pricer;

    /// Instance `n` of the Curtois-Qu benchmark, from `CURTOIS_DIR`, else
    /// `../shared/bench-data/curtois` beside the repository; `None` (the test says it was
    /// skipped) when the files are not there — they are not part of the repository.
    fn bench(n: usize) -> Option<Instance> {
        let dir = std::env::var("CURTOIS_DIR").unwrap_or_else(|_| {
            format!(
                "{}/../../shared/bench-data/curtois",
                env!("CARGO_MANIFEST_DIR")
            )
        });
        let path = format!("{dir}/Instance{n}.txt");
        match std::fs::read_to_string(&path) {
            Ok(text) => Some(super::super::nrp::parse(&text).unwrap()),
            Err(e) => {
                eprintln!("SKIPPED: {path}: {e} (the benchmark instances are not in the repository: set CURTOIS_DIR, or put shared/ beside it)");
                None
            }
        }
    }

    /// The row form read from the general problem against the independent scorer, which reads
    /// the instance file's own sections: on instances 1-12, rows made by the pricer under
    /// random costs (so that most pass every rule) and the same rows with one cell changed
    /// at random (so that many break one). For every row the row check must agree with the
    /// scorer's verdict on that employee, and for every roster the objective must equal the
    /// scorer's. A mapping that lost a rule, a weekend, a request or a cover weight on the
    /// way through `to_problem` and `from_problem` fails here.
    #[test]
    fn the_row_form_of_the_general_problem_agrees_with_the_scorer() {
        let mut rng = Rng::new(5);
        for n in 1..=12 {
            let Some(inst) = bench(n) else { return };
            let data = Data::of_instance(&inst).unwrap();
            let ne = inst.staff.len();
            let (mut passed, mut broken) = (0, 0);
            for round in 0..2 {
                let mut grid: Vec<Vec<Option<usize>>> = (0..ne)
                    .map(|e| {
                        let table: Vec<Vec<f64>> = (0..data.h)
                            .map(|_| (0..=data.ns).map(|_| rng.below(9) as f64 - 4.0).collect())
                            .collect();
                        let pricer = Pricer::new(&data, e).unwrap();
                        let cost = |d: usize, x: Option<usize>| table[d][x.map_or(0, |s| s + 1)];
                        pricer.price(cost, 1, f64::INFINITY).remove(0).1
                    })
                    .collect();
                if round == 1 {
                    for row in grid.iter_mut() {
                        let d = rng.below(data.h);
                        let k = rng.below(data.ns + 1);
                        row[d] = (k < data.ns).then_some(k);
                    }
                }
                let score =
                    super::super::nrp::score(&inst, &super::super::nrp::worked_of(&inst, &grid));
                assert_eq!(
                    data.objective(&grid),
                    score.objective() as i64,
                    "instance {n}"
                );
                for (e, row) in grid.iter().enumerate() {
                    // Each violation reads "rule: employee ...".
                    let tag = format!("{} ", inst.staff[e].id);
                    let clean = !score.violations.iter().any(|v| {
                        v.split_once(": ")
                            .is_some_and(|(_, rest)| rest.starts_with(&tag))
                    });
                    assert_eq!(data.row_ok(e, row), clean, "instance {n} {tag}: {row:?}");
                    if clean {
                        passed += 1;
                    } else {
                        broken += 1;
                    }
                }
            }
            assert!(
                passed >= ne && broken > 0,
                "instance {n}: {passed}/{broken}"
            );
        }
    }

    /// What the row form cannot hold is declined with the reason (the cell model then takes
    /// the problem alone): the hotline's demo month (standby is the first it meets), and a
    /// benchmark problem given, one at a time, a shift before the first day, a fairness term,
    /// a second role, a second cover row for one date and shift (the cell model prices their
    /// shortfalls apart), or a rest rule that reaches two days on.
    #[test]
    fn the_row_form_declines_what_it_cannot_hold() {
        let cal = crate::Calendar::from_toml_strs([include_str!("../../data/calendar/2026.toml")])
            .unwrap();
        let site = crate::Site::from_toml_strs(
            include_str!("../../data/demo/site.toml"),
            Some(include_str!("../../data/demo/staff.toml")),
        )
        .unwrap();
        let month = Problem::new(&site, &cal, 2026, 3, vec![], vec![]).unwrap();
        assert_eq!(Data::from_problem(&month).err().unwrap(), "standby duties");

        let Some(base) = bench(1) else { return };
        let base = base.to_problem().unwrap();
        assert!(Data::from_problem(&base).is_ok());
        let first = base.first_date();
        let mut p = base.clone();
        p.previous.push(crate::PriorShift {
            employee: p.employees[0].id.clone(),
            date: first - chrono::Duration::days(1),
            shift: p.shifts[0].code.clone(),
        });
        assert_eq!(
            Data::from_problem(&p).err().unwrap(),
            "shifts before the first day"
        );
        let mut p = base.clone();
        p.weights.night_spread = 100.0;
        assert_eq!(
            Data::from_problem(&p).err().unwrap(),
            "the night_spread term"
        );
        let mut p = base.clone();
        let mut second = p.requirements[0].clone();
        second.role = "leader".into();
        p.requirements.push(second);
        assert_eq!(
            Data::from_problem(&p).err().unwrap(),
            "cover counted in 2 roles"
        );
        let mut p = base.clone();
        p.requirements.push(p.requirements[0].clone());
        assert_eq!(
            Data::from_problem(&p).err().unwrap(),
            "2 cover rows for one date and shift"
        );
        // Instance 1's shift runs 00:00-08:00. A rest of 39 h after its end forbids only the
        // next day's shift (the day after next begins 40 h after it), a next-day rule the row
        // form holds; one of 40 h 1 min reaches the day after next.
        let mut p = base.clone();
        p.rules.min_rest_minutes = 39 * 60;
        assert!(Data::from_problem(&p).is_ok());
        p.rules.min_rest_minutes = 40 * 60 + 1;
        assert_eq!(
            Data::from_problem(&p).err().unwrap(),
            "a rest rule reaching past the next day"
        );
    }
}
