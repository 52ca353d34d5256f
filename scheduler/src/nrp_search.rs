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
//!
//! Also the benchmark solve's time plan ([`solve`], [`Plan`]) and its first roster: the
//! constructive (`construct`: a beam search per row over the rules' state, then passes that
//! rebuild one row at a time), which every solve has before anything else, so that a solve
//! always answers with a roster by its time limit ([`solve_guarded`]; issue 23).

use std::collections::HashMap;
use std::time::Instant;

use super::nrp::{Grid, Instance, Worked};
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

    /// The row form of a benchmark instance, through the general problem it maps to; read
    /// from the instance alone ([`Data::direct`]) when it maps to none (cover rows weighted
    /// differently) or the general problem declines (a shift without cover rows on some
    /// days), so that every instance the reader accepts has a row form.
    pub(crate) fn of_instance(inst: &Instance) -> Result<Data, String> {
        match inst.to_problem().map(|p| Data::from_problem(&p)) {
            Ok(Ok(data)) => Ok(data),
            _ => Data::direct(inst),
        }
    }

    /// The row form read from the instance's sections as the scorer reads them (format.md
    /// §3-4), without the general problem. `Err` only past the counters (a shift type or
    /// day index beyond `usize` tables, never from the reader's output).
    pub(crate) fn direct(inst: &Instance) -> Result<Data, String> {
        let (h, ns, ne) = (inst.horizon, inst.shifts.len(), inst.staff.len());
        let sx: HashMap<&str, usize> = inst
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let ex: HashMap<&str, usize> = inst
            .staff
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        let mut forbid = vec![vec![false; ns]; ns];
        for (a, s) in inst.shifts.iter().enumerate() {
            for t in &s.forbid_next {
                let b = *sx.get(t.as_str()).ok_or("unknown shift")?;
                forbid[a][b] = true;
            }
        }
        let max_shifts: Vec<Vec<u32>> = inst
            .staff
            .iter()
            .map(|st| {
                inst.shifts
                    .iter()
                    .map(|s| st.max_shifts.get(&s.id).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        let mut off_day = vec![vec![false; h]; ne];
        for (id, days) in &inst.days_off {
            if let Some(&e) = ex.get(id.as_str()) {
                for &d in days.iter().filter(|d| **d < h) {
                    off_day[e][d] = true;
                }
            }
        }
        let mut off_cost = vec![vec![0i64; h]; ne];
        let mut on_cost = vec![vec![vec![0i64; ns]; h]; ne];
        for (want, list) in [(true, &inst.on_requests), (false, &inst.off_requests)] {
            for r in list {
                let (Some(&e), Some(&s)) = (ex.get(r.employee.as_str()), sx.get(r.shift.as_str()))
                else {
                    continue;
                };
                if r.day >= h {
                    continue;
                }
                let w = r.weight as i64;
                if want {
                    off_cost[e][r.day] += w;
                    for t in (0..ns).filter(|&t| t != s) {
                        on_cost[e][r.day][t] += w;
                    }
                } else {
                    on_cost[e][r.day][s] += w;
                }
            }
        }
        // One row per day and shift in the format; a repeated row keeps the first.
        let mut cover = vec![vec![(0, 0, 0); ns]; h];
        let mut set = vec![vec![false; ns]; h];
        for c in &inst.cover {
            if let Some(&s) = sx.get(c.shift.as_str()) {
                if c.day < h && !set[c.day][s] {
                    set[c.day][s] = true;
                    // Under-cover of a row needing nobody costs nothing (as the general
                    // problem has it).
                    let under = if c.requirement > 0 { c.under } else { 0 };
                    cover[c.day][s] = (c.requirement, under, c.over);
                }
            }
        }
        let limits = inst
            .staff
            .iter()
            .map(|st| RowLimits {
                max_total: st.max_total,
                min_total: st.min_total,
                max_consecutive: st.max_consecutive,
                min_consecutive: st.min_consecutive,
                min_days_off: st.min_days_off,
                max_weekends: st.max_weekends,
            })
            .collect();
        let weekend = (0..h).map(|d| (d % 7 >= 5).then_some(d / 7)).collect();
        Ok(Data {
            h,
            ns,
            minutes: inst.shifts.iter().map(|s| s.minutes).collect(),
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
    let best = anneal_chains(&data, &grid, seconds, seed, temps, threads);
    super::nrp::worked_of(inst, &best)
}

/// `threads` annealing chains from `grid` at once (seeds differ); the best roster seen.
/// Moves never break a row's rules (a row that breaks one keeps its cells).
fn anneal_chains(
    data: &Data,
    grid: &Grid,
    seconds: f64,
    seed: u64,
    temps: (f64, f64),
    threads: u32,
) -> Grid {
    let (h, ns, ne) = (data.h, data.ns, grid.len());
    if ne == 0 || h == 0 || ns == 0 || ns > 63 || seconds <= 0.0 {
        return grid.clone();
    }
    let chains = threads.max(1) as u64;
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
    best.map_or_else(|| grid.clone(), |(_, g)| g)
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

/// Most shift types with a binding maximum that the constructive's row state counts per
/// employee; further capped types are left out of that employee's rows (a row it builds never
/// breaks a maximum).
const ROW_CAPPED: usize = 8;

/// The state of a row under construction after some day (the rules' view of its past).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct RowKey {
    /// 0 off, 1 + s shift s.
    last: u8,
    /// The current run (worked or off) began on day 0 (border runs are exempt from minimums).
    start: bool,
    /// Length of the current run; off runs counted up to the minimum days off.
    run: u16,
    weekends: u16,
    minutes: u32,
    counts: [u16; ROW_CAPPED],
}

impl std::hash::Hash for RowKey {
    /// Two words, not field by field (hashing took most of the constructive's time).
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // The counts are left out: states that differ only there are few (equal keys still
        // hash equally).
        state.write_u64(
            self.last as u64
                | (self.start as u64) << 8
                | (self.run as u64) << 16
                | (self.weekends as u64) << 32,
        );
        state.write_u64(self.minutes as u64);
    }
}

/// A multiplicative hash of [`RowKey`]s (not attacker-chosen).
#[derive(Default, Clone, Copy)]
struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(*b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(29) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

/// One node of the beam: its state, cost so far, parent in the previous layer and choice.
#[derive(Clone, Copy)]
struct RowNode {
    key: RowKey,
    cost: f64,
    parent: u32,
    choice: u8,
}

/// Builds one employee's row, under per-day costs, by a beam search over the row's states:
/// every row it returns keeps every hard rule of the row (format.md §3), checked again by
/// [`Data::row_ok`].
struct RowBuilder<'d> {
    data: &'d Data,
    e: usize,
    ns: usize,
    /// Shifts without a binding maximum, in groups no rule tells apart (the same successions
    /// both ways and the same minutes): on each day the cheapest of a group stands for all.
    groups: Vec<Vec<usize>>,
    /// Shifts with a binding maximum (slot in `RowKey::counts`, cap), taken one by one.
    capped: Vec<(usize, usize, u16)>,
    /// Longest and shortest usable shift, minutes; average usable shift, minutes.
    longest: u32,
    shortest: u32,
    average: f64,
    max_consecutive: u16,
    min_consecutive: u16,
    min_off: u16,
    /// reach[(d × phases + phase) × wdim + w]: most days that can be worked from day `d`
    /// on, given the run phase after day `d - 1` and (when `wdim` > 1) the weekends worked
    /// so far (runs, fixed days off and weekends only; an upper bound of any completion).
    reach: Vec<u16>,
    phases_n: usize,
    wdim: usize,
    /// weekdays[d], weekend_days[d]: workable days from `d` on outside and inside weekends
    /// (a second bound: weekends beyond the maximum cannot be worked).
    weekdays: Vec<u32>,
    weekend_days: Vec<u32>,
}

impl<'d> RowBuilder<'d> {
    fn new(data: &'d Data, e: usize) -> RowBuilder<'d> {
        let (h, ns) = (data.h, data.ns);
        let st = &data.limits[e];
        let workable_days = (0..h).filter(|&d| !data.off_day[e][d]).count() as u32;
        let mut capped = Vec::new();
        let mut free = Vec::new();
        for s in 0..ns {
            let cap = data.max_shifts[e][s];
            if cap == 0 {
                continue;
            }
            if cap >= workable_days {
                free.push(s);
            } else if capped.len() < ROW_CAPPED {
                capped.push((s, capped.len(), cap.min(u16::MAX as u32) as u16));
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for &s in &free {
            let same = |t: usize| {
                data.minutes[t] == data.minutes[s]
                    && data.forbid[t] == data.forbid[s]
                    && (0..ns).all(|a| data.forbid[a][t] == data.forbid[a][s])
            };
            match groups.iter_mut().find(|g| same(g[0])) {
                Some(g) => g.push(s),
                None => groups.push(vec![s]),
            }
        }
        let usable: Vec<usize> = free
            .iter()
            .copied()
            .chain(capped.iter().map(|c| c.0))
            .collect();
        let longest = usable.iter().map(|&s| data.minutes[s]).max().unwrap_or(0);
        let shortest = usable.iter().map(|&s| data.minutes[s]).min().unwrap_or(0);
        let average = if usable.is_empty() {
            1.0
        } else {
            usable.iter().map(|&s| data.minutes[s] as f64).sum::<f64>() / usable.len() as f64
        };
        let cap16 = |x: u32| x.min(h as u32 + 1).min(u16::MAX as u32) as u16;
        let mut b = RowBuilder {
            data,
            e,
            ns,
            groups,
            capped,
            longest,
            shortest,
            average,
            max_consecutive: cap16(st.max_consecutive),
            min_consecutive: cap16(st.min_consecutive),
            min_off: cap16(st.min_days_off).max(1),
            reach: Vec::new(),
            phases_n: 1,
            wdim: 1,
            weekdays: vec![0; h + 1],
            weekend_days: vec![0; h + 1],
        };
        let workable: Vec<bool> = (0..h)
            .map(|d| !data.off_day[e][d] && !usable.is_empty())
            .collect();
        // With long runs allowed the phases are many (a run up to the horizon): the days left
        // that may be worked bound the completion instead (one phase).
        let phases = if b.max_consecutive as usize > REACH_RUNS {
            1
        } else {
            b.phases()
        };
        // Weekends used so far join the state where the table stays small (28-day rows
        // tight on minutes, runs and weekends at once, as instance 8's).
        let weekends = data.weekend.iter().flatten().max().map_or(0, |w| w + 1);
        let most = (st.max_weekends as usize).min(weekends);
        let wdim = if phases > 1 && (h + 1) * phases * (most + 1) <= REACH_CELLS {
            most + 1
        } else {
            1
        };
        b.phases_n = phases;
        b.wdim = wdim;
        let mut reach = vec![0u16; (h + 1) * phases * wdim];
        let at = |d: usize, p: usize, w: usize| (d * phases + p) * wdim + w;
        for d in (0..h).rev() {
            if phases == 1 {
                reach[at(d, 0, 0)] = reach[at(d + 1, 0, 0)] + u16::from(workable[d]);
                continue;
            }
            for p in 0..phases {
                let (worked, run, start) = b.phase_parts(p);
                for w in 0..wdim {
                    let mut best: Option<u16> = None;
                    for work in [false, true] {
                        if work && !workable[d] {
                            continue;
                        }
                        let Some((w2, r2, s2)) = b.run_step(d, worked, run, start, work) else {
                            continue;
                        };
                        let mut used = w;
                        let new_weekend = data.weekend[d].is_some()
                            && (d == 0 || !worked || data.weekend[d - 1] != data.weekend[d]);
                        if work && wdim > 1 && new_weekend {
                            used += 1;
                            if used >= wdim {
                                continue;
                            }
                        }
                        let v = reach[at(d + 1, b.phase(w2, r2, s2), used)] + u16::from(work);
                        best = Some(best.map_or(v, |x| x.max(v)));
                    }
                    // A state no row reaches has no completion: 0 is as good as any bound.
                    reach[at(d, p, w)] = best.unwrap_or(0);
                }
            }
        }
        b.reach = reach;
        for d in (0..h).rev() {
            let w = u32::from(workable[d]);
            let weekend = data.weekend[d].is_some();
            b.weekdays[d] = b.weekdays[d + 1] + if weekend { 0 } else { w };
            b.weekend_days[d] = b.weekend_days[d + 1] + if weekend { w } else { 0 };
        }
        b
    }

    /// Phases of a run: worked runs of 1..=max consecutive, off runs of 1..=min off (longer
    /// ones count as the minimum), each begun on day 0 or not.
    fn phases(&self) -> usize {
        2 * (self.max_consecutive.max(1) as usize + self.min_off as usize + 1)
    }

    fn phase(&self, worked: bool, run: u16, start: bool) -> usize {
        if self.max_consecutive as usize > REACH_RUNS {
            return 0;
        }
        let base = if worked {
            run.min(self.max_consecutive.max(1)) as usize
        } else {
            self.max_consecutive.max(1) as usize + run.min(self.min_off) as usize
        };
        2 * base + usize::from(start)
    }

    fn phase_parts(&self, p: usize) -> (bool, u16, bool) {
        let (base, start) = (p / 2, p % 2 == 1);
        let c = self.max_consecutive.max(1) as usize;
        if base <= c {
            (true, base as u16, start)
        } else {
            (false, (base - c) as u16, start)
        }
    }

    /// The run after day `d` worked (`work`) or not, given the run after day `d - 1`; `None`
    /// if a run rule breaks. Run 0 (phase 0) stands for "before the first day".
    fn run_step(
        &self,
        d: usize,
        worked: bool,
        run: u16,
        start: bool,
        work: bool,
    ) -> Option<(bool, u16, bool)> {
        if d == 0 {
            return Some((work, 1, true));
        }
        match (worked, work) {
            (false, false) => Some((false, (run + 1).min(self.min_off), start)),
            (true, true) => {
                let r = run + 1;
                (r <= self.max_consecutive).then_some((true, r, start))
            }
            (true, false) => (start || run >= self.min_consecutive).then_some((false, 1, false)),
            (false, true) => (start || run >= self.min_off)
                .then_some((true, 1, false))
                .filter(|_| self.max_consecutive >= 1),
        }
    }

    /// The state after day `d` with `x` on it, or `None` if a rule breaks or the minimum
    /// minutes can no longer be reached.
    fn step(
        &self,
        k: &RowKey,
        d: usize,
        x: Option<usize>,
        slot: Option<(usize, u16)>,
    ) -> Option<RowKey> {
        let data = self.data;
        let st = &data.limits[self.e];
        let mut n = *k;
        let (worked, run, start) = self.run_step(d, k.last != 0, k.run, k.start, x.is_some())?;
        n.run = run;
        n.start = start;
        match x {
            None => n.last = 0,
            Some(s) => {
                if data.off_day[self.e][d] {
                    return None;
                }
                if d > 0 && k.last != 0 && data.forbid[(k.last - 1) as usize][s] {
                    return None;
                }
                n.minutes = k.minutes + data.minutes[s];
                if n.minutes > st.max_total {
                    return None;
                }
                if let Some((i, cap)) = slot {
                    if k.counts[i] >= cap {
                        return None;
                    }
                    n.counts[i] += 1;
                }
                let new_weekend = data.weekend[d]
                    .is_some_and(|w| d == 0 || k.last == 0 || data.weekend[d - 1] != Some(w));
                if new_weekend {
                    n.weekends += 1;
                    if n.weekends as u32 > st.max_weekends {
                        return None;
                    }
                }
                n.last = 1 + s as u8;
            }
        }
        if !self.can_finish_run(&n, d) {
            return None;
        }
        let w = (n.weekends as usize).min(self.wdim - 1);
        let runs = self.reach
            [((d + 1) * self.phases_n + self.phase(worked, run, start)) * self.wdim + w]
            as u32;
        // Weekends still allowed, one more for the rest of a weekend already counted.
        let weekends = (st.max_weekends.saturating_sub(n.weekends as u32) + 1).saturating_mul(2);
        let can = runs.min(self.weekdays[d + 1] + self.weekend_days[d + 1].min(weekends));
        if n.minutes + can * self.longest < st.min_total {
            return None;
        }
        Some(n)
    }

    /// Whether a work run shorter than the minimum, as in `n` after day `d`, can go on to its
    /// minimum (or to the end of the horizon): no fixed day off, weekend beyond the maximum or
    /// minute beyond the maximum in the days it must still work. (A beam otherwise keeps
    /// states such as one day worked on a Friday with no weekend left and runs of at least
    /// two: every continuation breaks a rule.)
    fn can_finish_run(&self, n: &RowKey, d: usize) -> bool {
        if n.last == 0 || n.start || n.run >= self.min_consecutive {
            return true;
        }
        let data = self.data;
        let st = &data.limits[self.e];
        let (mut weekends, mut minutes) = (n.weekends as u32, n.minutes);
        for day in d + 1..=d + (self.min_consecutive - n.run) as usize {
            if day >= data.h {
                return true;
            }
            if data.off_day[self.e][day] {
                return false;
            }
            if data.weekend[day].is_some() && data.weekend[day] != data.weekend[day - 1] {
                weekends += 1;
                if weekends > st.max_weekends {
                    return false;
                }
            }
            minutes += self.shortest;
            if minutes > st.max_total {
                return false;
            }
        }
        true
    }

    /// The cheapest row found under `cost[d][x]` (x = 0 off, 1 + s shift s) by a beam of
    /// `width` states a day, ranked by cost plus `pace` per shift the row lags behind its
    /// minimum minutes or runs ahead of its maximum (spread over the days), and per weekend
    /// ahead of its maximum; `None` if every state died.
    fn build(&self, cost: &[Vec<f64>], width: usize, pace: f64) -> Option<Vec<Option<usize>>> {
        let data = self.data;
        let (h, ns) = (data.h, self.ns);
        let st = &data.limits[self.e];
        if ns > 254 {
            return None;
        }
        let weeks = (h as f64 / 7.0).max(1.0);
        let rank = |n: &RowNode, d: usize| -> f64 {
            let f = (d + 1) as f64 / h as f64;
            let m = n.key.minutes as f64;
            let lag = (st.min_total as f64 * f - m - self.average).max(0.0);
            let ahead = (m - st.max_total as f64 * f - self.average).max(0.0);
            let weekends = (n.key.weekends as f64
                - st.max_weekends as f64 * (d + 1) as f64 / 7.0 / weeks
                - 1.0)
                .max(0.0);
            n.cost + pace * ((lag + ahead) / self.average + weekends)
        };
        let root = RowNode {
            key: RowKey {
                last: 0,
                start: true,
                run: 0,
                weekends: 0,
                minutes: 0,
                counts: [0; ROW_CAPPED],
            },
            cost: 0.0,
            parent: 0,
            choice: 0,
        };
        let mut layers: Vec<Vec<RowNode>> = vec![vec![root]];
        // Narrow beams dedupe the few best candidates by comparison; wide ones (the exact
        // test) by a hash of every candidate.
        let hashed = width > 64;
        let mut index: HashMap<RowKey, usize, KeyHash> = HashMap::with_hasher(KeyHash);
        let mut next: Vec<RowNode> = Vec::new();
        let mut ranked: Vec<(f64, usize)> = Vec::new();
        for d in 0..h {
            let c = &cost[d];
            // The cheapest shift of each group today.
            let picks: Vec<usize> = self
                .groups
                .iter()
                .map(|g| {
                    *g.iter()
                        .min_by(|a, b| c[1 + **a].total_cmp(&c[1 + **b]))
                        .expect("groups are not empty")
                })
                .collect();
            index.clear();
            next.clear();
            let prev = layers.last().expect("a layer");
            for (pi, node) in prev.iter().enumerate() {
                let mut offer = |x: Option<usize>, slot: Option<(usize, u16)>| {
                    let Some(key) = self.step(&node.key, d, x, slot) else {
                        return;
                    };
                    let choice = x.map_or(0, |s| s + 1);
                    let n = RowNode {
                        key,
                        cost: node.cost + c[choice],
                        parent: pi as u32,
                        choice: choice as u8,
                    };
                    if !hashed {
                        next.push(n);
                        return;
                    }
                    match index.get(&key) {
                        Some(&i) if next[i].cost <= n.cost => {}
                        Some(&i) => next[i] = n,
                        None => {
                            index.insert(key, next.len());
                            next.push(n);
                        }
                    }
                };
                offer(None, None);
                for &s in &picks {
                    offer(Some(s), None);
                }
                for &(s, slot, cap) in &self.capped {
                    offer(Some(s), Some((slot, cap)));
                }
            }
            if next.is_empty() {
                return None;
            }
            let layer: Vec<RowNode> = if hashed {
                if next.len() > width {
                    ranked.clear();
                    ranked.extend(next.iter().enumerate().map(|(i, n)| (rank(n, d), i)));
                    ranked.select_nth_unstable_by(width - 1, |a, b| a.0.total_cmp(&b.0));
                    ranked[..width].iter().map(|&(_, i)| next[i]).collect()
                } else {
                    next.clone()
                }
            } else {
                // The best-ranked candidates, twice the width at most, in rank order; equal
                // states rank in cost order, so the first of each is the cheapest.
                ranked.clear();
                ranked.extend(next.iter().enumerate().map(|(i, n)| (rank(n, d), i)));
                let take = ranked.len().min(2 * width);
                if take < ranked.len() {
                    ranked.select_nth_unstable_by(take - 1, |a, b| a.0.total_cmp(&b.0));
                    ranked.truncate(take);
                }
                ranked.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                let mut layer: Vec<RowNode> = Vec::with_capacity(width);
                for &(_, i) in ranked.iter() {
                    if layer.len() == width {
                        break;
                    }
                    if !layer.iter().any(|k| k.key == next[i].key) {
                        layer.push(next[i]);
                    }
                }
                layer
            };
            layers.push(layer);
        }
        let last = layers.last().expect("a layer");
        let (mut at, _) = last
            .iter()
            .enumerate()
            .filter(|(_, n)| n.key.minutes >= st.min_total)
            .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))?;
        let mut row = vec![None; h];
        for d in (0..h).rev() {
            let n = layers[d + 1][at];
            row[d] = (n.choice > 0).then(|| n.choice as usize - 1);
            at = n.parent as usize;
        }
        data.row_ok(self.e, &row).then_some(row)
    }
}

/// Largest completion table (days × run phases × weekends) of one employee for which
/// [`RowBuilder`] follows the weekends in it.
const REACH_CELLS: usize = 100_000;

/// Longest maximum run for which [`RowBuilder`]'s completion bound follows the runs.
const REACH_RUNS: usize = 42;

/// Weight, per shift of lag or lead on the minutes (and per weekend ahead), of the
/// constructive's ranking of partial rows: about a third of an under-cover person (100), so
/// that the greedy's cover gains steer a row but do not drive it off its pace.
const PACE: f64 = 30.0;

/// A roster that keeps every hard rule of every row it can, built quickly, row by row: each
/// employee (the fewest usable shift types first) gets the cheapest row a beam search finds
/// under its own requests and the cover the rows before it left (a person where a cover row
/// is short earns the under weight, one more where it is met costs the over weight). A row
/// the beam cannot complete is tried again wider, by the rules alone; an employee without
/// one gets an empty row (the scorer then names what it breaks). Then, while the time
/// `seconds` lasts, passes over the employees rebuild each row with every other row as it is
/// (the costs are then exactly the row's share of the objective), keeping the new row when
/// it is cheaper: the objective only falls.
/// The beam's width follows the instance's size and the time: this is the start every solve
/// has before anything else, so it must be cheap (150 staff × 364 days × 32 shift types in
/// about 3 s in a debug build, a fraction of that in a release build).
/// With `log`, says how the first rows were found.
pub(crate) fn construct(data: &Data, seconds: f64, log: bool) -> Grid {
    let started = Instant::now();
    let (h, ns, ne) = (data.h, data.ns, data.limits.len());
    let mut grid: Grid = vec![vec![None; h]; ne];
    if h == 0 || ne == 0 {
        return grid;
    }
    let mut count = vec![vec![0u32; ns]; h];
    let skilled = |e: usize| (0..ns).filter(|&s| data.max_shifts[e][s] > 0).count();
    let mut order: Vec<usize> = (0..ne).collect();
    order.sort_by_key(|&e| (skilled(e), e));
    // Beam width: about 4 million state expansions in all, 4 to 32 states a day.
    let per_state = 1 + ns.min(12);
    let mut width = (4_000_000 / (ne * h * per_state).max(1)).clamp(4, 32);
    let builders: Vec<RowBuilder<'_>> = (0..ne).map(|e| RowBuilder::new(data, e)).collect();
    let add = |count: &mut Vec<Vec<u32>>, row: &[Option<usize>], by: i64| {
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                count[d][*s] = (count[d][*s] as i64 + by) as u32;
            }
        }
    };
    let mut feasible = vec![false; ne];
    let mut ways = [0usize; 4];
    let mut second = 0.0;
    let first = Instant::now();
    for (i, &e) in order.iter().enumerate() {
        // Behind time (the first rows may take half of it): narrower beams for the rest.
        let spent = first.elapsed().as_secs_f64();
        if i > 0 && spent > seconds * 0.5 * i as f64 / ne as f64 {
            width = (width / 2).max(2);
        }
        let cost = marginal_costs(data, e, &count);
        let (row, way) = first_row(&builders[e], &cost, width, seconds, &mut second);
        ways[way] += 1;
        feasible[e] = row.is_some();
        let row = row.unwrap_or_else(|| vec![None; h]);
        add(&mut count, &row, 1);
        grid[e] = row;
    }
    if log {
        eprintln!(
            "nrp: first rows in {:.2}s (beam width {width}): {} by the beam, {} by the pricer, {} by a wide beam, {} none",
            started.elapsed().as_secs_f64(),
            ways[0],
            ways[1],
            ways[2],
            ways[3]
        );
    }
    // Passes that rebuild one row at a time against all the others.
    let row_cost = |cost: &[Vec<f64>], row: &[Option<usize>]| -> f64 {
        row.iter()
            .enumerate()
            .map(|(d, x)| cost[d][x.map_or(0, |s| s + 1)])
            .sum()
    };
    let mut gained = true;
    while gained && started.elapsed().as_secs_f64() < seconds {
        gained = false;
        for &e in &order {
            if !feasible[e] || started.elapsed().as_secs_f64() >= seconds {
                continue;
            }
            add(&mut count, &grid[e], -1);
            let cost = marginal_costs(data, e, &count);
            if let Some(row) = builders[e].build(&cost, width, PACE) {
                if row_cost(&cost, &row) < row_cost(&cost, &grid[e]) - 1e-9 {
                    grid[e] = row;
                    gained = true;
                }
            }
            add(&mut count, &grid[e], 1);
        }
    }
    grid
}

/// A first row for the builder's employee under `cost`: the beam of `width`; where it finds
/// none (rows tight on minutes, weekends and runs at once, as instance 8's 17-18 shifts in 28
/// days with 2 weekends), the exact labelling of column generation's pricer (given a share
/// of `seconds`, at least half a second; it declines horizons of 255 days or more), then a
/// wide beam by the rules alone.
/// Also which way found it: 0 the beam, 1 the pricer, 2 the wide beam, 3 none. `spent`
/// adds up the seconds of these second tries: past `seconds` (at least 1 s) the pricer is
/// skipped and the wide beam narrower (many employees without a row by the beam would
/// otherwise cost their half second each).
fn first_row(
    b: &RowBuilder<'_>,
    cost: &[Vec<f64>],
    width: usize,
    seconds: f64,
    spent: &mut f64,
) -> (Option<Vec<Option<usize>>>, usize) {
    if let Some(row) = b.build(cost, width, PACE) {
        return (Some(row), 0);
    }
    let t = Instant::now();
    let found = second_try(b, cost, width, seconds, *spent > seconds.max(1.0));
    *spent += t.elapsed().as_secs_f64();
    found
}

fn second_try(
    b: &RowBuilder<'_>,
    cost: &[Vec<f64>],
    width: usize,
    seconds: f64,
    late: bool,
) -> (Option<Vec<Option<usize>>>, usize) {
    let (data, e) = (b.data, b.e);
    let pricer = if late {
        None
    } else {
        crate::nrp_cg::Pricer::new(data, e)
    };
    if let Some(pricer) = pricer {
        let stop = Instant::now()
            + std::time::Duration::from_secs_f64(
                (seconds / data.limits.len().max(1) as f64).max(0.5),
            );
        let rows = pricer.price_until(
            |d, x| cost[d][x.map_or(0, |s| s + 1)],
            1,
            f64::INFINITY,
            Some(stop),
        );
        if let Some((_, row)) = rows.and_then(|r| r.into_iter().next()) {
            if data.row_ok(e, &row) {
                return (Some(row), 1);
            }
        }
    }
    let zero = vec![vec![0.0; data.ns + 1]; data.h];
    let wide = if late {
        (width * 8).clamp(16, 128)
    } else {
        width.max(256)
    };
    match b.build(&zero, wide, PACE * 10.0) {
        Some(row) => (Some(row), 2),
        None => (None, 3),
    }
}

/// Employee `e`'s cost of each choice on each day (0 off, 1 + s shift s) with the rows
/// counted in `count` fixed: its request penalty, less the under weight where the shift is
/// short of its requirement, plus the over weight where it is met (so a row's cost is its
/// exact share of the objective).
fn marginal_costs(data: &Data, e: usize, count: &[Vec<u32>]) -> Vec<Vec<f64>> {
    (0..data.h)
        .map(|d| {
            std::iter::once(data.off_cost[e][d] as f64)
                .chain((0..data.ns).map(|s| {
                    let (req, under, over) = data.cover[d][s];
                    let cover = if count[d][s] < req {
                        -(under as f64)
                    } else {
                        over as f64
                    };
                    data.on_cost[e][d][s] as f64 + cover
                }))
                .collect()
        })
        .collect()
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
    ///
    /// Past [`CG_MAX_DAYS`] days (the benchmark's instances 13-24 have 28-364) column
    /// generation is skipped and HiGHS on the whole model gets [`MIP_SHARE_LONG`] of the limit,
    /// the annealing [`ANNEAL_SHARE`] and the cell model's neighbourhoods the rest (on models
    /// over [`CELL_MODEL_MAX`] cells the constructive passes and the annealing take it all).
    pub fn for_instance(inst: &Instance) -> Plan {
        let cells = inst.staff.len() * inst.horizon * inst.shifts.len();
        if inst.horizon > CG_MAX_DAYS {
            return Plan {
                cg_share: 0.0,
                cg_rosters: false,
                mip_share: MIP_SHARE_LONG,
                anneal_share: ANNEAL_SHARE,
                ..Plan::default()
            };
        }
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

/// Longest horizon on which the plan runs column generation. Its labels grow with the days:
/// on a generated 32 × 42 × 4 instance (release build, 2 threads, 30 s) its root LP had not
/// converged after 13.5 s and its dive found no roster, while HiGHS on the whole model, from
/// the constructive roster, proved the optimum (53) in 10.8 s with half the limit; on 40 × 84
/// × 5 the plan below gave 139 (bound 137) against 142 (bound 131), on 50 × 182 × 6 324
/// against 333 (docs/benchmarks.md).
pub const CG_MAX_DAYS: usize = 28;
/// Share of the limit for HiGHS on the whole model past [`CG_MAX_DAYS`] days.
pub const MIP_SHARE_LONG: f64 = 0.5;

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

/// Share of the time limit the constructive roster may take (its beam narrows when it runs
/// late; it always finishes, since it is the roster every solve can fall back on).
pub const CONSTRUCT_SHARE: f64 = 0.2;
/// The same on a model over [`CELL_MODEL_MAX`] cells, where no HiGHS phase follows and the
/// constructive's passes (a whole row rebuilt at a time) gain more than the annealing's small
/// moves at first: on a generated 150 × 364 × 32 instance (debug build, 30 s) they took the
/// first roster from 531,240 to 58,877 in 6 s, where the annealing had reached 325,719 in 7 s
/// from 531,240.
pub const CONSTRUCT_SHARE_LARGE: f64 = 0.5;
/// Largest model, in employee × day × shift cells, on which HiGHS's cell model runs (the
/// whole model and the cell model's neighbourhoods, which build it over every employee).
/// Building a model of this size takes about a second in a release build; the benchmark's
/// instances 13-24 go up to 1.75 million cells (150 × 364 × 32), whose model would take
/// longer to build than most time limits, so there the constructive roster and the
/// annealing make the rosters.
pub const CELL_MODEL_MAX: usize = 60_000;
/// Largest model on which the cell model starts from its own constructive roster
/// (`model::construct`, as the hotline months do: instance 12 is 16,800 cells) instead of
/// this solve's; its 40 tie-breaks are not bounded by the time limit, so larger models start
/// from this solve's roster.
pub const OWN_START_CELLS: usize = 20_000;
/// Longest horizon on which the cell model starts from its own constructive roster (that
/// roster's cost grows with the days: 40 × 84 × 5 = 16,800 cells took 4.9 s before HiGHS
/// started in a debug build, 60 × 28 × 10 = 16,800 cells 2.9 s; the benchmark's instances
/// 1-12 have 14 or 28 days).
pub const OWN_START_DAYS: usize = 28;

/// How a solve ended: what the roster returned is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NrpStatus {
    /// Proven optimal.
    Optimal,
    /// Found by a search that ended before the time limit without a proof.
    Feasible,
    /// The best found by a search the time limit ended.
    TimeLimit,
    /// The constructive roster: nothing better was found in the time.
    Constructive,
}

impl NrpStatus {
    /// `optimal`, `feasible`, `time_limit` or `constructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            NrpStatus::Optimal => "optimal",
            NrpStatus::Feasible => "feasible",
            NrpStatus::TimeLimit => "time_limit",
            NrpStatus::Constructive => "constructive",
        }
    }
}

/// A benchmark solve: the roster, whether it is proven optimal, the bound and the time.
#[derive(Debug, Clone)]
pub struct NrpResult {
    /// Worked shifts.
    pub worked: Vec<Worked>,
    /// Proven optimal, by HiGHS on the whole model or by a neighbourhood that freed all of it.
    pub optimal: bool,
    /// What the roster is (proven, found by a search, or the constructive start).
    pub status: NrpStatus,
    /// Best bound proved.
    pub bound: f64,
    /// Wall seconds, MIP and search.
    pub seconds: f64,
    /// Objective of the constructive roster every solve starts from (by the scorer), and
    /// the hard violations it had (0 unless an employee has no row the beam could build).
    pub constructive: (u64, usize),
    /// Which phase found the roster: `constructive`, `column generation`, `cell model`,
    /// `annealing` or `neighbourhoods`.
    pub found_by: &'static str,
    /// What the large-neighbourhood search by the cell model did.
    pub lns: crate::nrp_lns::LnsStats,
    /// What column generation did, when it ran.
    pub cg: Option<crate::nrp_cg::CgResult>,
}

/// The best roster of a running solve so far, kept where a caller that must answer by a
/// deadline can take it ([`solve_guarded`]).
#[derive(Debug, Default)]
pub struct Incumbent(std::sync::Mutex<Option<NrpResult>>);

impl Incumbent {
    /// The best roster so far, if the constructive one is done.
    pub fn get(&self) -> Option<NrpResult> {
        self.0.lock().map(|g| g.clone()).unwrap_or(None)
    }

    fn set(&self, r: NrpResult) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(r);
        }
    }
}

/// The best roster so far: fewest hard violations first (0 but where an employee has no row
/// at all), then the scorer's objective. Every phase offers its roster here, so no phase can
/// lose what an earlier one found.
struct Best<'a> {
    inst: &'a Instance,
    grid: Grid,
    objective: u64,
    violations: usize,
    found_by: &'static str,
    constructive: (u64, usize),
    bound: f64,
    optimal: bool,
    lns: crate::nrp_lns::LnsStats,
    cg: Option<crate::nrp_cg::CgResult>,
    started: Instant,
    limit: f64,
    log: bool,
    slot: Option<&'a Incumbent>,
}

impl<'a> Best<'a> {
    fn new(
        inst: &'a Instance,
        grid: Grid,
        started: Instant,
        limit: f64,
        log: bool,
        slot: Option<&'a Incumbent>,
    ) -> Best<'a> {
        let s = super::nrp::score(inst, &super::nrp::worked_of(inst, &grid));
        let b = Best {
            inst,
            grid,
            objective: s.objective(),
            violations: s.violations.len(),
            found_by: "constructive",
            constructive: (s.objective(), s.violations.len()),
            bound: 0.0,
            optimal: false,
            lns: crate::nrp_lns::LnsStats::default(),
            cg: None,
            started,
            limit,
            log,
            slot,
        };
        b.note("constructive");
        b.publish();
        b
    }

    fn note(&self, what: &str) {
        if self.log {
            eprintln!(
                "nrp: {what}: best {} ({} violations, by {}) bound {} at {:.2}s",
                self.objective,
                self.violations,
                self.found_by,
                self.bound,
                self.started.elapsed().as_secs_f64()
            );
        }
    }

    /// Takes `grid` if it is better; whether it was.
    fn offer(&mut self, grid: Grid, by: &'static str) -> bool {
        if grid.len() != self.inst.staff.len() {
            return false;
        }
        let s = super::nrp::score(self.inst, &super::nrp::worked_of(self.inst, &grid));
        let better = (s.violations.len(), s.objective()) < (self.violations, self.objective);
        if better {
            self.grid = grid;
            self.objective = s.objective();
            self.violations = s.violations.len();
            self.found_by = by;
            self.publish();
        }
        self.note(by);
        better
    }

    /// Raises the bound; the roster is optimal once it meets it.
    fn bound_by(&mut self, bound: f64) {
        if bound.is_finite() && bound > self.bound {
            self.bound = bound;
        }
        if self.violations == 0 && self.objective as f64 <= self.bound {
            self.optimal = true;
        }
    }

    /// The roster was proven optimal (by HiGHS over the whole model).
    fn proven(&mut self) {
        if self.violations == 0 {
            self.optimal = true;
            self.bound = self.objective as f64;
        }
    }

    fn left(&self) -> f64 {
        self.limit - self.started.elapsed().as_secs_f64()
    }

    fn result(&self) -> NrpResult {
        let seconds = self.started.elapsed().as_secs_f64();
        let status = if self.optimal {
            NrpStatus::Optimal
        } else if self.found_by == "constructive" {
            NrpStatus::Constructive
        } else if seconds >= self.limit - 0.25 {
            NrpStatus::TimeLimit
        } else {
            NrpStatus::Feasible
        };
        NrpResult {
            worked: super::nrp::worked_of(self.inst, &self.grid),
            optimal: self.optimal,
            status,
            bound: self.bound,
            seconds,
            constructive: self.constructive,
            found_by: self.found_by,
            lns: self.lns.clone(),
            cg: self.cg.clone(),
        }
    }

    fn publish(&self) {
        if let Some(slot) = self.slot {
            slot.set(self.result());
        }
    }
}

/// Solves an instance within `opts.time_limit_seconds`, always with a roster: first a
/// constructive roster (`construct`, at most [`CONSTRUCT_SHARE`] of the limit), which every
/// later phase can only replace by a better one; then the search, on the general [`Problem`]
/// the instance maps to once (both engines read it):
/// - column generation ([`crate::nrp_cg`]) for `plan.cg_share` of the time limit; unless its
///   roster meets its bound, HiGHS on the cell model (the hotline's own model,
///   [`Instance::to_problem`]) warm-started from the best roster for the rest, which proves
///   small instances and may still improve large ones;
/// - with `plan.cg_rosters` false, column generation only proves the bound and the cell
///   model's path below makes the rosters;
/// - without column generation (share 0, or rules its pricer cannot hold, or no roster from
///   it in time): HiGHS on the cell model for `plan.mip_share`; unless it proved optimality,
///   simulated annealing on the best roster for `plan.anneal_share`, then re-solving groups
///   of rows by HiGHS ([`crate::nrp_lns`]) for the rest.
///
/// Models over [`CELL_MODEL_MAX`] cells skip HiGHS on the cell model (building it would take
/// longer than the limit): the annealing has the time. Every phase ends by the time limit:
/// each HiGHS call, pricing and LP is given the time left. Never an `Err` (the `Result` is
/// kept for the callers): an instance that maps to no general problem (mixed cover weights)
/// gets the constructive roster and the annealing.
pub fn solve(
    inst: &Instance,
    opts: &crate::SolveOptions,
    plan: &Plan,
) -> Result<NrpResult, crate::SolveError> {
    Ok(solve_shared(inst, opts, plan, None))
}

/// [`solve`] on a thread of its own, answered by `time_limit + grace` seconds whatever
/// happens: if the solve has not returned by then (a phase that overran its time), the best
/// roster it has published so far is returned, as [`NrpStatus::TimeLimit`] (or
/// [`NrpStatus::Constructive`]), and the thread is left to finish on its own (a command line
/// exits after printing, which ends it). Waits for the constructive roster if it is not done
/// by then (it always finishes).
pub fn solve_guarded(
    inst: &Instance,
    opts: &crate::SolveOptions,
    plan: &Plan,
    grace: f64,
) -> NrpResult {
    let started = Instant::now();
    let slot = std::sync::Arc::new(Incumbent::default());
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = {
        let (inst, opts, plan, slot) = (inst.clone(), opts.clone(), *plan, slot.clone());
        std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                let r = solve_shared(&inst, &opts, &plan, Some(&slot));
                let _ = tx.send(r);
            })
    };
    if spawned.is_err() {
        return solve_shared(inst, opts, plan, None);
    }
    let wait = (opts.time_limit_seconds.max(0.0) + grace.max(0.0)).min(1e9);
    if let Ok(r) = rx.recv_timeout(std::time::Duration::from_secs_f64(wait)) {
        return r;
    }
    loop {
        if let Some(mut r) = slot.get() {
            r.seconds = started.elapsed().as_secs_f64();
            if r.status != NrpStatus::Constructive && !r.optimal {
                r.status = NrpStatus::TimeLimit;
            }
            return r;
        }
        match rx.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(r) => return r,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                // The solve thread died without a roster (a panic): an empty one.
                return NrpResult {
                    worked: vec![],
                    optimal: false,
                    status: NrpStatus::Constructive,
                    bound: 0.0,
                    seconds: started.elapsed().as_secs_f64(),
                    constructive: (0, 0),
                    found_by: "constructive",
                    lns: crate::nrp_lns::LnsStats::default(),
                    cg: None,
                };
            }
            Err(_) => {}
        }
    }
}

fn solve_shared(
    inst: &Instance,
    opts: &crate::SolveOptions,
    plan: &Plan,
    slot: Option<&Incumbent>,
) -> NrpResult {
    let started = Instant::now();
    let limit = if opts.time_limit_seconds.is_nan() {
        0.0
    } else {
        opts.time_limit_seconds.clamp(0.0, 1e9)
    };
    let (ne, h, ns) = (inst.staff.len(), inst.horizon, inst.shifts.len());
    let cells = ne * h * ns;
    let data = Data::of_instance(inst).ok();
    let share = if cells > CELL_MODEL_MAX {
        CONSTRUCT_SHARE_LARGE
    } else {
        CONSTRUCT_SHARE
    };
    let first = match &data {
        Some(data) => construct(data, limit * share, opts.log),
        None => vec![vec![None; h]; ne],
    };
    let mut best = Best::new(inst, first, started, limit, opts.log, slot);
    let problem = match inst.to_problem() {
        Ok(p) if best.left() > 0.0 => p,
        _ => {
            if let Some(data) = &data {
                let left = best.left();
                anneal_best(&mut best, data, left, opts, plan);
            }
            return best.result();
        }
    };
    let share = |s: f64| limit * s.clamp(0.0, 1.0);
    // Column generation's pricer holds horizons up to `nrp_cg::MAX_DAYS` only.
    let cg_share = if h > crate::nrp_cg::MAX_DAYS {
        0.0
    } else {
        plan.cg_share
    };
    if cg_share > 0.0 && !plan.cg_rosters {
        // Column generation for the bound only, then the cell model's path.
        let seconds = share(cg_share).min(best.left());
        let stop = started + std::time::Duration::from_secs_f64(limit);
        if let Some(b) = crate::nrp_cg::root_bound_until(&problem, seconds, stop, opts.threads) {
            best.bound_by(b);
        }
        best.note("root bound");
    } else if cg_share > 0.0 {
        let seconds = share(cg_share).min(best.left());
        let start = (best.violations == 0).then(|| best.grid.clone());
        if let Some(cg) = crate::nrp_cg::solve_from(
            &problem,
            seconds,
            opts.threads,
            opts.seed as u64,
            opts.log,
            start.as_ref(),
        ) {
            let grid = cg.grid.clone();
            best.bound_by(cg.bound);
            best.cg = Some(cg);
            if let Some(g) = grid {
                best.offer(g, "column generation");
                best.bound_by(0.0);
                finish_cell_model(&mut best, data.as_ref(), opts, plan, cells);
                return best.result();
            }
        }
    }
    if !best.optimal {
        solve_cell_model(&mut best, data.as_ref(), &problem, opts, plan, cells);
    }
    best.result()
}

/// After column generation: the cell model from the best roster for the time left, unless
/// it is proven optimal (the annealing instead on a model too large to build).
fn finish_cell_model(
    best: &mut Best<'_>,
    data: Option<&Data>,
    opts: &crate::SolveOptions,
    plan: &Plan,
    cells: usize,
) {
    let left = best.left();
    if best.optimal || left <= 0.1 {
        return;
    }
    if cells <= CELL_MODEL_MAX && best.violations == 0 {
        let opts = crate::SolveOptions {
            time_limit_seconds: left,
            ..opts.clone()
        };
        if let Some((g, proved, cell_bound)) = whole_model(best, None, &opts) {
            best.offer(g, "cell model");
            if proved {
                // Proven over the whole model, the best roster its incumbent: nothing better
                // exists.
                best.proven();
            } else {
                best.bound_by(cell_bound.ceil());
            }
        }
    }
    if let Some(data) = data {
        if !best.optimal && best.left() > 0.1 {
            let left = best.left();
            anneal_best(best, data, left, opts, plan);
        }
    }
}

/// The cell model's path: HiGHS, annealing, then the neighbourhood search by HiGHS; on a
/// model over [`CELL_MODEL_MAX`] cells the annealing alone.
fn solve_cell_model(
    best: &mut Best<'_>,
    data: Option<&Data>,
    problem: &Problem,
    opts: &crate::SolveOptions,
    plan: &Plan,
    cells: usize,
) {
    let inst = best.inst;
    let limit = best.limit;
    let mip_seconds = (limit * plan.mip_share.clamp(0.05, 1.0)).min(best.left());
    if cells <= CELL_MODEL_MAX && mip_seconds > 0.05 {
        let mip = crate::SolveOptions {
            time_limit_seconds: mip_seconds,
            ..opts.clone()
        };
        let own =
            (cells <= OWN_START_CELLS && inst.horizon <= OWN_START_DAYS) || best.violations > 0;
        if let Some((g, proved, bound)) = whole_model(best, own.then_some(problem), &mip) {
            best.offer(g, "cell model");
            if proved {
                best.proven();
            } else {
                best.bound_by(bound);
            }
        }
    }
    if best.optimal {
        return;
    }
    let Some(data) = data else { return };
    let anneal = if cells <= CELL_MODEL_MAX {
        (limit * plan.anneal_share.max(0.0)).min(best.left())
    } else {
        best.left()
    };
    if anneal > 0.0 {
        anneal_best(best, data, anneal, opts, plan);
    }
    let left = best.left();
    if left > 0.05 && cells <= CELL_MODEL_MAX && best.violations == 0 {
        let worked = super::nrp::worked_of(inst, &best.grid);
        let (owned, seed) = (inst.clone(), opts.seed as u64 + 2);
        let until = best.started + std::time::Duration::from_secs_f64(best.limit + OVERRUN);
        if let Some((w, lns)) = bounded(until, move || {
            crate::nrp_lns::improve(&owned, &worked, left, seed)
        }) {
            best.lns = lns.clone();
            if let Some(g) = super::nrp::grid_of(inst, &w) {
                best.offer(g, "neighbourhoods");
            }
            if lns.proven {
                best.proven();
            }
        }
    }
    // Whatever time is left (the neighbourhoods skipped, or ended early): the annealing.
    let left = best.left();
    if !best.optimal && left > 0.1 {
        anneal_best(best, data, left, opts, plan);
    }
}

/// Seconds past the time limit a HiGHS phase is waited for (its model is built before
/// HiGHS's own time limit starts); one still running then is left to end by that limit on
/// its own thread, and the solve goes on without it.
const OVERRUN: f64 = 1.0;

/// `f` on a thread of its own, waited for until `until`; `None` if it has not returned by
/// then (the thread is left to finish, unseen).
fn bounded<T: Send + 'static>(until: Instant, f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .ok()?;
    rx.recv_timeout(until.saturating_duration_since(Instant::now()))
        .ok()
}

/// Stack of the threads a solve runs its phases on: the main thread's size (a spawned
/// thread has 2 MiB by default; HiGHS and the searches ran on the main thread before).
const STACK: usize = 8 << 20;

/// HiGHS on the whole cell model within `opts`' time limit: from its own constructive
/// roster when `own` gives the problem ([`crate::solve`], as the hotline months), else
/// warm-started from the best roster ([`crate::nrp_lns::resolve_with`] over every row). The
/// roster, whether HiGHS proved it optimal, and its bound; `None` when HiGHS found none, or
/// has not answered by the time limit plus [`OVERRUN`].
fn whole_model(
    best: &Best<'_>,
    own: Option<&Problem>,
    opts: &crate::SolveOptions,
) -> Option<(Grid, bool, f64)> {
    let until = best.started + std::time::Duration::from_secs_f64(best.limit + OVERRUN);
    let inst = best.inst.clone();
    let opts = opts.clone();
    match own {
        Some(problem) => {
            let problem = problem.clone();
            bounded(until, move || {
                let roster = crate::solve(&problem, &opts).ok()?;
                let g = super::nrp::grid_of(&inst, &super::nrp::worked(&roster))?;
                Some((
                    g,
                    roster.status == crate::SolveStatus::Optimal,
                    roster.stats.bound,
                ))
            })
            .flatten()
        }
        None => {
            let grid = best.grid.clone();
            bounded(until, move || {
                let all: Vec<usize> = (0..inst.staff.len()).collect();
                crate::nrp_lns::resolve_with(&inst, &grid, &all, None, &opts)
            })
            .flatten()
        }
    }
}

/// Simulated annealing from the best roster for `seconds`, on one chain per thread.
fn anneal_best(
    best: &mut Best<'_>,
    data: &Data,
    seconds: f64,
    opts: &crate::SolveOptions,
    plan: &Plan,
) {
    if seconds <= 0.0 || data.ns > 63 || data.limits.len() != best.grid.len() {
        return;
    }
    let seed = opts.seed as u64 + 1;
    let g = anneal_chains(data, &best.grid, seconds, seed, plan.temps, opts.threads);
    best.offer(g, "annealing");
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
        let month = crate::testing::demo(3, vec![]);
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

    /// Every row of `h` days over `ns` shifts.
    fn all_rows(h: usize, ns: usize) -> Vec<Vec<Option<usize>>> {
        let mut rows = vec![vec![]];
        for _ in 0..h {
            let mut next = Vec::new();
            for r in &rows {
                for x in 0..=ns {
                    let mut r2: Vec<Option<usize>> = r.clone();
                    r2.push(if x == 0 { None } else { Some(x - 1) });
                    next.push(r2);
                }
            }
            rows = next;
        }
        rows
    }

    /// One employee's instance: `shifts` lines, the staff line, fixed days off; a cover row
    /// of requirement 0 for every day and shift.
    fn one(h: usize, shifts: &str, staff: &str, off: &str) -> Instance {
        let cover: String = (0..h)
            .flat_map(|d| {
                shifts
                    .lines()
                    .map(move |l| (d, l.split(',').next().unwrap()))
            })
            .map(|(d, s)| format!("{d},{s},0,100,1\n"))
            .collect();
        let text = format!(
            "SECTION_HORIZON\n{h}\n\nSECTION_SHIFTS\n{shifts}\n\nSECTION_STAFF\n{staff}\n\n\
             SECTION_DAYS_OFF\n{off}\n\nSECTION_COVER\n{cover}"
        );
        super::super::nrp::parse(&text).unwrap()
    }

    /// The constructive's row builder against brute force, on one-employee instances that
    /// exercise every row rule (runs and days off with the border exemption, minutes of
    /// unequal shifts, weekends, a binding maximum, successions, fixed days off): under random
    /// costs, a beam wide enough to keep every state finds the cheapest row the independent
    /// row check accepts; a row it returns at any width passes that check; an employee with no
    /// feasible row gets none.
    #[test]
    fn the_row_builder_is_exact_with_a_wide_beam() {
        let cases = [
            one(14, "D,480,", "A,D=14,3840,2400,3,2,2,1", "A,6"),
            one(7, "D,480,\nN,480,D", "A,D=3|N=2,2880,960,4,2,1,1", ""),
            one(7, "D,480,\nN,600,D", "A,D=7|N=7,2640,1560,3,1,2,1", "A,2"),
            one(7, "E,480,\nL,600,E", "A,E=7|L=2,3360,1920,3,3,3,1", "A,4"),
            // No feasible row: 5 shifts needed, at most 2 in a row with 3 days off between.
            one(7, "D,480,", "A,D=7,2400,2400,2,1,3,1", ""),
        ];
        let mut rng = Rng::new(3);
        for (i, inst) in cases.iter().enumerate() {
            let data = Data::of_instance(inst).unwrap();
            let feasible: Vec<Vec<Option<usize>>> = all_rows(data.h, data.ns)
                .into_iter()
                .filter(|r| data.row_ok(0, r))
                .collect();
            assert_eq!(feasible.is_empty(), i == 4, "case {i}");
            let b = RowBuilder::new(&data, 0);
            for _ in 0..20 {
                let cost: Vec<Vec<f64>> = (0..data.h)
                    .map(|_| (0..=data.ns).map(|_| rng.below(21) as f64 - 10.0).collect())
                    .collect();
                let row_cost = |r: &[Option<usize>]| -> f64 {
                    (0..data.h)
                        .map(|d| cost[d][r[d].map_or(0, |s| s + 1)])
                        .sum()
                };
                let least = feasible
                    .iter()
                    .map(|r| row_cost(r))
                    .fold(f64::INFINITY, f64::min);
                match b.build(&cost, 1_000_000, 0.0) {
                    Some(row) => {
                        assert!(data.row_ok(0, &row), "case {i}: {row:?}");
                        assert!((row_cost(&row) - least).abs() < 1e-9, "case {i}");
                    }
                    None => assert!(feasible.is_empty(), "case {i}: a row exists"),
                }
                for width in [1, 2, 5] {
                    if let Some(row) = b.build(&cost, width, PACE) {
                        assert!(data.row_ok(0, &row), "case {i} width {width}: {row:?}");
                    }
                }
            }
        }
    }

    /// The row form read from the instance alone (for instances that map to no general
    /// problem) equals the one read through the general problem, on a generated instance and
    /// on instances 1-12 when they are there.
    #[test]
    fn the_direct_row_form_equals_the_general_one() {
        let mut all =
            vec![super::super::nrp::parse(&super::super::nrp::generate(9, 20, 28, 6)).unwrap()];
        all.extend((1..=12).filter_map(bench));
        for inst in &all {
            let a = Data::from_problem(&inst.to_problem().unwrap()).unwrap();
            let b = Data::direct(inst).unwrap();
            assert_eq!((a.h, a.ns), (b.h, b.ns));
            assert_eq!(a.minutes, b.minutes);
            assert_eq!(a.forbid, b.forbid);
            assert_eq!(a.max_shifts, b.max_shifts);
            assert_eq!(a.off_day, b.off_day);
            assert_eq!(a.off_cost, b.off_cost);
            assert_eq!(a.on_cost, b.on_cost);
            assert_eq!(a.cover, b.cover);
            assert_eq!(a.limits, b.limits);
            assert_eq!(a.weekend, b.weekend);
        }
    }

    /// The constructive roster of instances 1-12 (when they are there) and of generated
    /// instances breaks no rule, and its passes never make it worse than the first pass.
    #[test]
    fn the_constructive_roster_keeps_every_rule() {
        let mut all: Vec<Instance> = (1..=12).filter_map(bench).collect();
        for (seed, ne, h, ns) in [(1, 30, 42, 4), (2, 20, 84, 5), (3, 8, 14, 1)] {
            all.push(
                super::super::nrp::parse(&super::super::nrp::generate(seed, ne, h, ns)).unwrap(),
            );
        }
        for inst in &all {
            let data = Data::of_instance(inst).unwrap();
            let first = construct(&data, 0.0, false);
            let more = construct(&data, 1.0, false);
            for g in [&first, &more] {
                let s = super::super::nrp::score(inst, &super::super::nrp::worked_of(inst, g));
                assert!(s.violations.is_empty(), "{:?}", s.violations);
            }
            assert!(data.objective(&more) <= data.objective(&first));
        }
    }
}
