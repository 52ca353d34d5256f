//! Simulated annealing on a whole month's roster (模拟退火).
//!
//! Why: on the hotline's month the cost above the bound is in the patterns (isolated days off,
//! shift changes) and the spreads, which HiGHS's sub-problems (`lns`) improve a few times a
//! second. A swap of two people's cells over a few days keeps every day's cover, standby and
//! surplus exactly as they were, so it only has to be checked and priced for the two people;
//! checked and priced incrementally, the search makes hundreds of thousands of moves a second
//! on the demo month. This is the move the nurse-rostering literature's local searches are
//! built on (swap and block-swap neighbourhoods); here it is written against this model's
//! own rules and cost.
//!
//! Two moves:
//! - **block swap**: people `a` and `b` exchange their cells (shift and role, standby, day
//!   off) over 1-7 consecutive days;
//! - **change**: one person's cell on one day becomes another shift, another role or a day
//!   off (this moves surplus between shifts and hours between people; the day's cover is
//!   priced, so a change that opens a gap costs its shortfall weight).
//!
//! Each person's row is checked against the same rules as [`crate::validate`]'s (role held,
//! leave, allowed shifts and days, rest including the previous month, run limits, hours
//! range, personal limits, standby off duty and callable), and priced with the same terms as
//! [`super::cost`]. A person whose starting row breaks a rule is left as it is. The result is
//! returned only when the validator accepts it and its recomputed objective is lower.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::calendar::{is_weekend, DayKind};
use crate::fairness::comparison_groups;
use crate::problem::{Index, Problem};
use crate::roster::{Assignment, Roster, StandbyDuty};

/// A person's day.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cell {
    Off,
    /// Shift index, role index.
    Work(u8, u8),
    /// Off duty, standing by for a shift.
    Standby(u8),
}

impl Cell {
    fn shift(self) -> Option<usize> {
        match self {
            Cell::Work(s, _) => Some(s as usize),
            _ => None,
        }
    }
}

/// The metrics the spreads compare, per person.
const METRICS: usize = 4;
const NIGHTS: usize = 0;
const HOLIDAY: usize = 1;
const WEEKEND: usize = 2;
const STANDBY: usize = 3;

#[derive(Clone, Copy, Debug, Default)]
struct Eval {
    cost: f64,
    metrics: [u16; METRICS],
}

/// An interval need dated on a day: people rostered, minutes, and the (day offset, shift)
/// pairs that cover it.
type Need = (u32, u32, Vec<(usize, usize)>);

/// Per-person facts read once.
struct Person {
    hist: Vec<Option<usize>>,
    /// `work_ok[d * ns + s]`: may work (or be called in for) shift `s` on day `d`.
    work_ok: Vec<bool>,
    role_ok: Vec<bool>,
    standby_ok: bool,
    min_minutes: u32,
    max_minutes: u32,
    /// Starts below `min_minutes` (a leaver's short month, a roster edited by hand): may stay
    /// below it, each hour short priced as the soft floor prices it; everyone else keeps the
    /// floor (the validator's `hours_min` is about the person, not a date, so the final check
    /// accepts the same person still short, never a new one).
    below_floor: bool,
    max_days: u32,
    patterned: bool,
    reserve: bool,
    /// (day, shift or any, want, weight).
    prefs: Vec<(usize, Option<usize>, bool, f64)>,
    /// (shift, max) of the personal limits.
    max_shifts: Vec<(usize, u32)>,
    min_days: Option<u32>,
    min_off: Option<u32>,
    max_weekends: Option<u32>,
    /// (shift, role) a change may give.
    options: Vec<(u8, u8)>,
    group: Option<usize>,
    /// Counts at the spread's low end (no leave in the month).
    full: bool,
}

struct Rules {
    ne: usize,
    nd: usize,
    ns: usize,
    /// Roles (the second index of a worked cell).
    nr: usize,
    hd: usize,
    max_gap: usize,
    /// `rest[(a * ns + b) * (max_gap + 1) + g]`.
    rest: Vec<bool>,
    paid: Vec<u32>,
    night: Vec<bool>,
    /// Per shift: run limit.
    max_run: Vec<Option<u32>>,
    statutory: Vec<bool>,
    weekend: Vec<bool>,
    /// Weekend number of a day (for max_weekends).
    weekend_no: Vec<Option<usize>>,
    weekends: usize,
    people: Vec<Person>,
    groups: usize,
    /// Spread weights per metric.
    spread_w: [f64; METRICS],
    /// Day terms.
    req: Vec<Vec<Vec<(u8, u32)>>>,
    surplus_w: Vec<f64>,
    standby_shifts: Vec<usize>,
    standby_per: u32,
    w_short: f64,
    w_standby_short: f64,
    w_iso: f64,
    w_change: f64,
    w_pref: f64,
    w_reserve: f64,
    w_non_reserve: f64,
    /// Per hour below the floor (0 for a hard floor: the validator's rule only).
    w_hours: f64,
    /// Interval needs by day: (rostered, minutes, covering (offset, shift) pairs).
    needs: Vec<Vec<Need>>,
    need_role: Option<u8>,
    /// The handover to the next month, and the first day whose cells it reads.
    handover: Option<super::handover::Handover>,
    tail_from: usize,
}

impl Rules {
    /// Person `e`'s open seats of the next month's first day after `row` (see
    /// [`super::handover`]).
    fn tail_mask(&self, e: usize, row: &[Cell]) -> u64 {
        let Some(h) = &self.handover else { return 0 };
        let hist = &self.people[e].hist;
        h.mask(e, |k| {
            if k <= self.nd {
                row[self.nd - k].shift()
            } else {
                let j = k - self.nd;
                (j <= hist.len()).then(|| hist[hist.len() - j]).flatten()
            }
        })
    }

    /// The handover's price for everyone's open seats `masks`.
    fn handover_cost(&self, masks: &[u64]) -> f64 {
        let Some(h) = &self.handover else { return 0.0 };
        let (c, t) = h.deficit(masks);
        f64::from(c) * self.w_short + f64::from(t) * self.w_standby_short
    }

    fn rest_ok(&self, a: usize, g: usize, b: usize) -> bool {
        self.rest[(a * self.ns + b) * (self.max_gap + 1) + g]
    }

    /// Checks and prices person `e`'s row (`None` when a rule is broken; with `check` false,
    /// priced whatever it breaks: a person left as it is).
    fn person(
        &self,
        e: usize,
        row: &[Cell],
        buf: &mut Vec<Option<usize>>,
        check: bool,
    ) -> Option<Eval> {
        let p = &self.people[e];
        let (nd, ns, hd) = (self.nd, self.ns, self.hd);
        buf.clear();
        buf.extend_from_slice(&p.hist);
        buf.extend(row.iter().map(|c| c.shift()));
        let work = &buf[..];
        let mut minutes = 0u32;
        let mut ev = Eval::default();
        for (d, c) in row.iter().enumerate() {
            match *c {
                Cell::Off => {}
                Cell::Work(s, r) => {
                    let s = s as usize;
                    if check && (!p.work_ok[d * ns + s] || !p.role_ok[r as usize]) {
                        return None;
                    }
                    minutes += self.paid[s];
                    if self.night[s] {
                        ev.metrics[NIGHTS] += 1;
                    }
                    if self.statutory[d] {
                        ev.metrics[HOLIDAY] += 1;
                    }
                    if self.weekend[d] {
                        ev.metrics[WEEKEND] += 1;
                    }
                }
                Cell::Standby(s) => {
                    if check && (!p.standby_ok || !p.work_ok[d * ns + s as usize]) {
                        return None;
                    }
                    ev.metrics[STANDBY] += 1;
                }
            }
        }
        if check && ((minutes < p.min_minutes && !p.below_floor) || minutes > p.max_minutes) {
            return None;
        }
        // Rest (pairs ending in the month), runs of days and of a shift.
        // `same`: consecutive days on the shift worked today (only today's shift has a run).
        let (mut run, mut same) = (0u32, 0u32);
        for j in 0..work.len() {
            match work[j] {
                Some(b) => {
                    run += 1;
                    if j >= hd {
                        for g in 1..=self.max_gap.min(j) {
                            if let Some(a) = work[j - g] {
                                if check && (!self.rest_ok(a, g, b)) {
                                    return None;
                                }
                            }
                        }
                    }
                    same = if j > 0 && work[j - 1] == Some(b) {
                        same + 1
                    } else {
                        1
                    };
                    if let Some(max) = self.max_run[b] {
                        if check && (same == max + 1 && j >= hd) {
                            return None;
                        }
                    }
                }
                None => {
                    run = 0;
                    same = 0;
                }
            }
            if check && (run == p.max_days + 1 && j >= hd) {
                return None;
            }
        }
        // Personal limits.
        for &(s, max) in &p.max_shifts {
            if check && (row.iter().filter(|c| c.shift() == Some(s)).count() as u32 > max) {
                return None;
            }
        }
        if p.min_days.is_some() || p.min_off.is_some() {
            let mut start = 0;
            while start < nd {
                let worked = work[hd + start].is_some();
                let mut end = start;
                while end < nd && work[hd + end].is_some() == worked {
                    end += 1;
                }
                let interior = start > 0 && end < nd;
                let min = if worked { p.min_days } else { p.min_off };
                if let Some(min) = min {
                    if check && (interior && ((end - start) as u32) < min) {
                        return None;
                    }
                }
                start = end;
            }
        }
        if let Some(max) = p.max_weekends {
            let mut seen = vec![false; self.weekends];
            for d in 0..nd {
                if let (Some(w), true) = (self.weekend_no[d], work[hd + d].is_some()) {
                    seen[w] = true;
                }
            }
            if check && (seen.iter().filter(|x| **x).count() as u32 > max) {
                return None;
            }
        }
        // Standby: callable without breaking rest, the run limit or the hours cap.
        for (d, c) in row.iter().enumerate() {
            let Cell::Standby(s) = *c else { continue };
            let s = s as usize;
            let j = hd + d;
            for g in 1..=self.max_gap {
                if j >= g {
                    if let Some(a) = work[j - g] {
                        if check && (!self.rest_ok(a, g, s)) {
                            return None;
                        }
                    }
                }
                if j + g < work.len() {
                    if let Some(b) = work[j + g] {
                        if check && (!self.rest_ok(s, g, b)) {
                            return None;
                        }
                    }
                }
            }
            let left = (0..j).rev().take_while(|&i| work[i].is_some()).count() as u32;
            let right = (j + 1..work.len())
                .take_while(|&i| work[i].is_some())
                .count() as u32;
            if check && (left + 1 + right > p.max_days || minutes + self.paid[s] > p.max_minutes) {
                return None;
            }
        }
        // Costs.
        let mut cost = 0.0;
        if p.patterned {
            let (mut iso, mut change) = (0u32, 0u32);
            for d in 0..nd.saturating_sub(1) {
                // Day 0 reads the previous month's last day (none without history).
                let before = hd + d >= 1 && work[hd + d - 1].is_some();
                if before && work[hd + d].is_none() && work[hd + d + 1].is_some() {
                    iso += 1;
                }
                if let (Some(a), Some(b)) = (work[hd + d], work[hd + d + 1]) {
                    if a != b {
                        change += 1;
                    }
                }
            }
            cost += f64::from(iso) * self.w_iso + f64::from(change) * self.w_change;
        }
        for &(d, s, want, weight) in &p.prefs {
            let x = match s {
                Some(s) => work[hd + d] == Some(s),
                None => work[hd + d].is_some(),
            };
            if x != want {
                cost += weight * self.w_pref;
            }
        }
        // A soft floor's shortfall, in hours (below the floor only for a person who starts
        // there, see `below_floor`).
        if self.w_hours != 0.0 && minutes < p.min_minutes {
            cost += f64::from(p.min_minutes - minutes) / 60.0 * self.w_hours;
        }
        let worked = row.iter().filter(|c| matches!(c, Cell::Work(..))).count();
        if p.reserve {
            cost += worked as f64 * self.w_reserve;
        } else {
            cost += f64::from(ev.metrics[STANDBY]) * self.w_non_reserve;
        }
        ev.cost = cost;
        Some(ev)
    }

    /// Cover shortfall, surplus and standby shortfall of day `d`, and the interval needs
    /// dated `d` (which also read day `d - 1`).
    /// The day terms of day `d`. Called on every single-cell move: the counts live on the
    /// stack when the site is small enough (the demo: 5 shifts, 6 roles), else on the heap.
    fn day(&self, cells: &[Vec<Cell>], d: usize) -> f64 {
        const STACK: usize = 512;
        let need = self.ns * (self.nr + 2);
        if need <= STACK {
            self.day_in(cells, d, &mut [0u32; STACK][..need])
        } else {
            self.day_in(cells, d, &mut vec![0u32; need])
        }
    }

    /// [`Rules::day`] with `counts` (zeroed, `ns * (nr + 2)` long) as its scratch: per shift
    /// the people on it, then per shift those on standby for it, then per shift and role.
    fn day_in(&self, cells: &[Vec<Cell>], d: usize, counts: &mut [u32]) -> f64 {
        let mut cost = 0.0;
        let (ns, nr) = (self.ns, self.nr);
        let (count, rest) = counts.split_at_mut(ns);
        let (standby, by_role) = rest.split_at_mut(ns);
        for row in cells {
            match row[d] {
                Cell::Work(s, r) => {
                    count[s as usize] += 1;
                    by_role[s as usize * nr + r as usize] += 1;
                }
                Cell::Standby(s) => standby[s as usize] += 1,
                Cell::Off => {}
            }
        }
        let have = |s: usize, r: u8| by_role[s * nr + r as usize];
        for s in 0..ns {
            let reqs = &self.req[d][s];
            let mut total_min = 0;
            for &(r, min) in reqs {
                total_min += min;
                if min > 0 {
                    cost += f64::from(min.saturating_sub(have(s, r))) * self.w_short;
                }
            }
            if self.surplus_w[s] != 0.0 && !reqs.is_empty() {
                cost += f64::from(count[s].saturating_sub(total_min)) * self.surplus_w[s];
            }
        }
        for &s in &self.standby_shifts {
            cost += f64::from(self.standby_per.saturating_sub(standby[s])) * self.w_standby_short;
        }
        if let Some(role) = self.need_role {
            for (rostered, minutes, covering) in &self.needs[d] {
                let mut have = 0u32;
                for &(offset, s) in covering {
                    have += cells
                        .iter()
                        .filter(|row| row[d - offset] == Cell::Work(s as u8, role))
                        .count() as u32;
                }
                cost += f64::from(rostered.saturating_sub(have)) * f64::from(*minutes) / 480.0
                    * self.w_short;
            }
        }
        cost
    }

    /// The spread of metric `k` among `members` (largest minus the smallest of those without
    /// leave), and how many sit at its nearer end.
    fn spread(&self, metrics: &[[u16; METRICS]], members: &[usize], k: usize) -> (u16, usize) {
        let mut hi = None::<u16>;
        let mut lo = None::<u16>;
        for &e in members {
            let v = metrics[e][k];
            hi = Some(hi.map_or(v, |h| h.max(v)));
            if self.people[e].full {
                lo = Some(lo.map_or(v, |l| l.min(v)));
            }
        }
        let (Some(h), Some(l)) = (hi, lo) else {
            return (0, 0);
        };
        if h <= l {
            return (0, 0);
        }
        let at_hi = members.iter().filter(|&&e| metrics[e][k] == h).count();
        let at_lo = members
            .iter()
            .filter(|&&e| self.people[e].full && metrics[e][k] == l)
            .count();
        (h - l, at_hi.min(at_lo))
    }

    /// A group's spread cost, and the search's guide: the cost plus, per spread, a fraction
    /// of its weight for the people at its nearer end (`n / (members + 1)`, below 1, so the
    /// guide orders rosters as the cost does where the spreads differ). A stronger guide
    /// (`n / (members / 2 + 1)`) was tried on demo March: it pushed on the spreads that cannot
    /// reach 0 (93 standby duties among 43 agents) and left 19-34 shift changes against 1-6. A spread of 1 among 43
    /// people is a plateau for the cost until the last of its 17 people at the low end moves;
    /// the guide rewards each of the 17 steps (issue 23: the demo's nights).
    fn group_cost(&self, metrics: &[[u16; METRICS]], members: &[usize]) -> (f64, f64) {
        let (mut cost, mut guide) = (0.0, 0.0);
        for k in (0..METRICS).filter(|&k| self.spread_w[k] != 0.0) {
            let (spread, near) = self.spread(metrics, members, k);
            cost += f64::from(spread) * self.spread_w[k];
            guide +=
                (f64::from(spread) + near as f64 / (members.len() + 1) as f64) * self.spread_w[k];
        }
        (cost, guide)
    }
}

fn read_rules(ix: &Index<'_>, roles: &[String]) -> Rules {
    let p = ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let hd = p.rules.history_days as usize;
    let max_gap = ix.max_rest_gap().max(1) as usize;
    let mut rest = vec![false; ns * ns * (max_gap + 1)];
    for a in 0..ns {
        for b in 0..ns {
            for g in 1..=max_gap {
                rest[(a * ns + b) * (max_gap + 1) + g] = ix.rest_ok(a, g as i64, b);
            }
        }
    }
    let night_codes = &p.rules.night_shifts;
    let night = p
        .shifts
        .iter()
        .map(|s| night_codes.contains(&s.code))
        .collect();
    let max_run = p
        .shifts
        .iter()
        .map(|s| p.rules.max_consecutive_shifts.get(&s.code).copied())
        .collect();
    let weekend_map = super::runs::weekend_days(p);
    let mut weekend_no = vec![None; nd];
    for (i, days) in weekend_map.values().enumerate() {
        for &d in days {
            weekend_no[d] = Some(i);
        }
    }
    let groups_map = comparison_groups(ix);
    let mut group_of = vec![None; ne];
    for (g, members) in groups_map.values().enumerate() {
        for &e in members {
            group_of[e] = Some(g);
        }
    }
    let role_ix = |r: &str| roles.iter().position(|x| x == r).map(|i| i as u8);
    let people = (0..ne)
        .map(|e| {
            let emp = &p.employees[e];
            let mut hist = vec![None; hd];
            for (k, h) in hist.iter_mut().enumerate() {
                *h = ix.history_shift(e, k as i64 - hd as i64);
            }
            let mut work_ok = vec![false; nd * ns];
            for d in 0..nd {
                for s in 0..ns {
                    work_ok[d * ns + s] = ix.can_work(e, d, s);
                }
            }
            let role_ok = roles.iter().map(|r| emp.has_role(r)).collect();
            let mut prefs = Vec::new();
            for pref in &emp.preferences {
                for (d, day) in p.days.iter().enumerate() {
                    if pref.applies_on(day.date) {
                        let s = match &pref.shift {
                            Some(code) => match ix.shift(code) {
                                Some(s) => Some(s),
                                // An unknown code is never worked: `want = false` is met.
                                None => Some(usize::MAX),
                            },
                            None => None,
                        };
                        prefs.push((d, s, pref.want, pref.weight as f64));
                    }
                }
            }
            let max_shifts = emp
                .limits
                .max_shifts
                .iter()
                .filter_map(|(c, m)| ix.shift(c).map(|s| (s, *m)))
                .collect();
            let mut options = Vec::new();
            for s in 0..ns {
                for r in ix.roles_on_shift(e, s) {
                    if let Some(r) = role_ix(&r) {
                        options.push((s as u8, r));
                    }
                }
            }
            Person {
                hist,
                work_ok,
                role_ok,
                standby_ok: ix.standby_qualified(e),
                min_minutes: ix.min_minutes(e),
                max_minutes: ix.max_minutes(e),
                below_floor: false,
                max_days: ix.max_consecutive_days(e),
                patterned: !emp.reserve && !emp.working_days_only,
                reserve: emp.reserve,
                prefs,
                max_shifts,
                min_days: emp.limits.min_consecutive_days,
                min_off: emp.limits.min_consecutive_days_off,
                max_weekends: emp.limits.max_weekends,
                options,
                group: group_of[e],
                full: ix.leave[e].iter().all(Option::is_none),
            }
        })
        .collect();
    let w = &p.weights;
    let req = (0..nd)
        .map(|d| {
            (0..ns)
                .map(|s| {
                    ix.req[d][s]
                        .iter()
                        .map(|(r, m)| (role_ix(r).unwrap_or(u8::MAX), *m))
                        .collect()
                })
                .collect()
        })
        .collect();
    let mut needs = vec![Vec::new(); nd];
    let mut need_role = None;
    if let Some(dm) = &p.demand {
        need_role = role_ix(&dm.role);
        for need in dm.needs.iter().filter(|n| n.rostered > 0) {
            let Some(d) = ix.day(need.date) else { continue };
            let mut covering = Vec::new();
            for offset in 0..=1usize.min(d) {
                for s in 0..ns {
                    if crate::demand::staffing::covers(
                        &p.shifts[s],
                        offset as i64,
                        need.start_minute,
                        need.minutes,
                    ) {
                        covering.push((offset, s));
                    }
                }
            }
            needs[d].push((need.rostered, need.minutes, covering));
        }
    }
    let handover = super::handover::Handover::new(ix);
    // A role no one can hold still needs counting as unmet: u8::MAX never matches a cell.
    Rules {
        ne,
        nd,
        ns,
        nr: roles.len(),
        hd,
        max_gap,
        rest,
        paid: p.shifts.iter().map(|s| s.paid_minutes).collect(),
        night,
        max_run,
        statutory: p
            .days
            .iter()
            .map(|d| d.kind == DayKind::Statutory)
            .collect(),
        weekend: p.days.iter().map(|d| is_weekend(d.date)).collect(),
        weekend_no,
        weekends: weekend_map.len(),
        people,
        groups: groups_map.len(),
        spread_w: [
            w.night_spread,
            w.holiday_spread,
            w.weekend_spread,
            w.standby_spread,
        ],
        req,
        surplus_w: p
            .shifts
            .iter()
            .map(|s| w.surplus.get(&s.code).copied().unwrap_or(0.0))
            .collect(),
        standby_shifts: ix.standby_shifts(),
        standby_per: p.rules.standby_per_shift,
        w_short: w.shortfall,
        w_standby_short: w.standby_shortfall,
        w_iso: w.isolated_day_off,
        w_change: w.shift_change,
        w_pref: w.preference,
        w_reserve: w.reserve_shift,
        w_non_reserve: w.standby_non_reserve,
        w_hours: if p.rules.hours_floor_hard {
            0.0
        } else {
            w.hours_shortfall_per_hour
        },
        needs,
        need_role,
        tail_from: nd.saturating_sub(handover.as_ref().map_or(0, |h| h.lookback + 1)),
        handover,
    }
}

/// The search's state: cells, each person's price and metrics, each day's price.
struct State {
    cells: Vec<Vec<Cell>>,
    person: Vec<Eval>,
    day: Vec<f64>,
    members: Vec<Vec<usize>>,
    /// Per group: spread cost and guide.
    group: Vec<(f64, f64)>,
    metrics: Vec<[u16; METRICS]>,
    total: f64,
    /// `total` with the guide in place of the spreads' cost.
    guided: f64,
    /// Whether each person's row keeps every rule (a start may not: a rest across the month
    /// boundary from a hand-edited history, a person short of the floor with no valid move).
    valid: Vec<bool>,
    broken: usize,
    /// Shifts worked, everyone's (among rosters of equal cost the search keeps the one with
    /// fewer: less overtime).
    shifts: usize,
    /// Everyone's open seats of the next month's first day, and their price.
    tail: Vec<u64>,
    handover: f64,
}

/// Bias against a change that adds a shift, in the search's acceptance only (never in the
/// objective or in the choice of the best roster). Why: the demo prices no surplus on the
/// morning shift (calls peak there), so a morning shift on a day off often costs nothing,
/// and without the bias the search drifted towards everyone at the overtime cap (the 36 h
/// above standard): overtime paid for nothing, and no one left to call in (`roster
/// candidates` found none for a February day in the acceptance test).
const ADD_BIAS: f64 = 0.05;

/// What a person whose row breaks a rule weighs in the search's comparisons (never in the
/// objective): a roster with fewer such people is better whatever its cost.
const BROKEN: f64 = 1e7;

impl State {
    /// The search's comparisons: cost, and the people whose rows break a rule first.
    fn score(&self) -> f64 {
        self.total + BROKEN * self.broken as f64
    }
}

impl State {
    fn new(r: &Rules, cells: Vec<Vec<Cell>>) -> State {
        let mut buf = Vec::new();
        let mut person = vec![Eval::default(); r.ne];
        let mut valid = vec![true; r.ne];
        for e in 0..r.ne {
            match r.person(e, &cells[e], &mut buf, true) {
                Some(ev) => person[e] = ev,
                None => {
                    // Priced as it stands; a move may only give it a row that keeps the rules.
                    valid[e] = false;
                    person[e] = r.person(e, &cells[e], &mut buf, false).unwrap_or_default();
                }
            }
        }
        let broken = valid.iter().filter(|v| !**v).count();
        let shifts = cells
            .iter()
            .flatten()
            .filter(|c| matches!(c, Cell::Work(..)))
            .count();
        let mut members = vec![Vec::new(); r.groups];
        for (e, p) in r.people.iter().enumerate() {
            if let Some(g) = p.group {
                members[g].push(e);
            }
        }
        let metrics: Vec<[u16; METRICS]> = person.iter().map(|p| p.metrics).collect();
        let group: Vec<(f64, f64)> = members.iter().map(|m| r.group_cost(&metrics, m)).collect();
        let day: Vec<f64> = (0..r.nd).map(|d| r.day(&cells, d)).collect();
        let tail: Vec<u64> = (0..r.ne).map(|e| r.tail_mask(e, &cells[e])).collect();
        let handover = r.handover_cost(&tail);
        let base = person.iter().map(|p| p.cost).sum::<f64>() + day.iter().sum::<f64>() + handover;
        let total = base + group.iter().map(|g| g.0).sum::<f64>();
        let guided = base + group.iter().map(|g| g.1).sum::<f64>();
        State {
            cells,
            person,
            day,
            members,
            group,
            metrics,
            total,
            guided,
            valid,
            broken,
            shifts,
            tail,
            handover,
        }
    }

    /// The handover's price with the open seats `changed` (person, mask) in place of the
    /// current ones.
    fn handover_with<const N: usize>(&mut self, r: &Rules, changed: [(usize, u64); N]) -> f64 {
        if changed.iter().all(|&(e, m)| self.tail[e] == m) {
            return self.handover;
        }
        // On the search's hot path (a move touching the last days): no allocation.
        let saved = changed.map(|(e, m)| std::mem::replace(&mut self.tail[e], m));
        let c = r.handover_cost(&self.tail);
        for (&(e, _), m) in changed.iter().zip(saved).rev() {
            self.tail[e] = m;
        }
        c
    }
}

/// Fast xorshift; the search needs many cheap draws, not cryptographic ones.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How the search went.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AnnealReport {
    pub(crate) moves: u64,
    pub(crate) accepted: u64,
    pub(crate) start: f64,
    pub(crate) best: f64,
    /// People whose rows break a rule, at the start and in the best roster.
    pub(crate) broken: (usize, usize),
}

/// Starting and final temperatures (in objective units: an isolated day off costs 2 on the
/// demo, a shift change 1, a night of spread 100). Tried on demo March at 10 s: 1 → 0.02 and
/// 3 → 0.05 alike (85-105); 6 → 0.1 left the nights' spread at 1 (170-174).
const T_START: f64 = 3.0;
const T_END: f64 = 0.05;

/// Anneals `roster` until `until`; returns the best roster found when the validator accepts
/// it and its recomputed objective is below the start's, with how the search went. The search
/// stops early once its best meets `bound` (an `f64`'s bits, NaN while unknown: a lower bound
/// proved meanwhile by another thread), or when `tick` (called about once a second with the
/// best objective so far) returns false.
pub(crate) fn improve(
    problem: &Problem,
    roster: &Roster,
    until: Instant,
    seed: u64,
    bound: &AtomicU64,
    tick: &mut dyn FnMut(f64) -> bool,
) -> (Option<Roster>, AnnealReport) {
    let ix = Index::new(problem);
    let p = problem;
    let (ne, nd) = (p.employees.len(), p.num_days());
    let mut report = AnnealReport::default();
    if ne < 2 || nd == 0 || p.shifts.len() > u8::MAX as usize {
        return (None, report);
    }
    let roles = roles_of(p);
    if roles.len() >= u8::MAX as usize {
        return (None, report);
    }
    let mut rules = read_rules(&ix, &roles);
    let Some(cells) = read_cells(&ix, &roles, roster) else {
        return (None, report);
    };
    for (e, row) in cells.iter().enumerate() {
        let minutes: u32 = row
            .iter()
            .filter_map(|c| c.shift())
            .map(|s| rules.paid[s])
            .sum();
        rules.people[e].below_floor = minutes < rules.people[e].min_minutes;
    }
    let mut st = State::new(&rules, cells);
    report.start = st.total;
    report.best = st.total;
    let mut best_cells = st.cells.clone();
    let mut best_total = st.total;
    let mut best_score = st.score();
    let mut best_shifts = st.shifts;
    let start_score = best_score;
    report.broken = (st.broken, st.broken);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let started = Instant::now();
    let span = until.saturating_duration_since(started).as_secs_f64();
    if span <= 0.0 {
        return (None, report);
    }
    let (t_start, t_end) = (T_START, T_END);
    let mut t = t_start;
    let (mut buf, mut row_a, mut row_b) = (Vec::new(), vec![Cell::Off; nd], vec![Cell::Off; nd]);
    let mut metrics_tmp = st.metrics.clone();
    let mut next_tick = started + Duration::from_secs(1);
    loop {
        if report.moves % 512 == 0 {
            let now = Instant::now();
            if now >= until {
                break;
            }
            let proven = f64::from_bits(bound.load(Ordering::Relaxed));
            if best_total <= proven + 1e-6 && best_score < BROKEN {
                break;
            }
            if now >= next_tick {
                next_tick = now + Duration::from_secs(1);
                if !tick(best_total) {
                    break;
                }
                // Once a second, the nights' lift (below) on the current roster.
                lift_nights(&rules, &mut st, &mut buf);
                metrics_tmp.clone_from(&st.metrics);
                if better(&st, best_score, best_shifts) {
                    best_score = st.score();
                    best_shifts = st.shifts;
                    best_total = st.total;
                    best_cells.clone_from(&st.cells);
                }
            }
            let frac = (now - started).as_secs_f64() / span;
            t = t_start * (t_end / t_start).powf(frac.min(1.0));
        }
        report.moves += 1;
        // One move in eight aims at a spread: someone at its high end and someone at its
        // low end, on a day the spread counts.
        let aim = if rng.below(8) == 0 {
            aimed(&rules, &st, &mut rng)
        } else {
            None
        };
        // While a row breaks a rule, one move in four starts from its person.
        let a = match aim {
            Some(x) => x.0,
            None if st.broken > 0 && rng.below(4) == 0 => {
                let broken: Vec<usize> = (0..ne).filter(|&e| !st.valid[e]).collect();
                broken[rng.below(broken.len())]
            }
            None => rng.below(ne),
        };
        let swap = rng.below(10) < 8;
        if swap {
            // Block swap.
            let mut b = aim.map_or_else(|| rng.below(ne), |x| x.1);
            if b == a {
                b = (a + 1) % ne;
            }
            let len = if rng.below(3) == 0 {
                1
            } else {
                2 + rng.below(6)
            }
            .min(nd);
            let d0 = match aim {
                Some((_, _, day)) => day.saturating_sub(rng.below(len)).min(nd - len),
                None => rng.below(nd - len + 1),
            };
            if st.cells[a][d0..d0 + len] == st.cells[b][d0..d0 + len] {
                continue;
            }
            row_a.copy_from_slice(&st.cells[a]);
            row_b.copy_from_slice(&st.cells[b]);
            row_a[d0..d0 + len].copy_from_slice(&st.cells[b][d0..d0 + len]);
            row_b[d0..d0 + len].copy_from_slice(&st.cells[a][d0..d0 + len]);
            let Some(ea) = rules.person(a, &row_a, &mut buf, true) else {
                continue;
            };
            let Some(eb) = rules.person(b, &row_b, &mut buf, true) else {
                continue;
            };
            let mut delta = ea.cost + eb.cost - st.person[a].cost - st.person[b].cost;
            let tail = (d0 + len > rules.tail_from).then(|| {
                let (ma, mb) = (rules.tail_mask(a, &row_a), rules.tail_mask(b, &row_b));
                (ma, mb, st.handover_with(&rules, [(a, ma), (b, mb)]))
            });
            if let Some((_, _, h)) = tail {
                delta += h - st.handover;
            }
            let repaired = usize::from(!st.valid[a]) + usize::from(!st.valid[b]);
            let mut guided = delta - BROKEN * repaired as f64;
            let (ga, gb) = (rules.people[a].group, rules.people[b].group);
            let mut new_groups: [(usize, (f64, f64)); 2] = [(usize::MAX, (0.0, 0.0)); 2];
            if ea.metrics != st.person[a].metrics || eb.metrics != st.person[b].metrics {
                metrics_tmp[a] = ea.metrics;
                metrics_tmp[b] = eb.metrics;
                for (i, g) in [ga, gb].into_iter().enumerate() {
                    let Some(g) = g else { continue };
                    if i == 1 && Some(g) == ga {
                        continue;
                    }
                    let c = rules.group_cost(&metrics_tmp, &st.members[g]);
                    delta += c.0 - st.group[g].0;
                    guided += c.1 - st.group[g].1;
                    new_groups[i] = (g, c);
                }
                metrics_tmp[a] = st.metrics[a];
                metrics_tmp[b] = st.metrics[b];
            }
            if guided <= 0.0 || rng.unit() < (-guided / t).exp() {
                report.accepted += 1;
                st.cells[a].copy_from_slice(&row_a);
                st.cells[b].copy_from_slice(&row_b);
                st.valid[a] = true;
                st.valid[b] = true;
                st.broken -= repaired;
                st.person[a] = ea;
                st.person[b] = eb;
                st.metrics[a] = ea.metrics;
                st.metrics[b] = eb.metrics;
                metrics_tmp[a] = ea.metrics;
                metrics_tmp[b] = eb.metrics;
                if let Some((ma, mb, h)) = tail {
                    st.tail[a] = ma;
                    st.tail[b] = mb;
                    st.handover = h;
                }
                for (g, c) in new_groups {
                    if g != usize::MAX {
                        st.group[g] = c;
                    }
                }
                st.total += delta;
                st.guided += guided;
            }
        } else {
            // Change one cell (an aimed change: the low end's person, on a day that counts).
            // Tried and left: giving them the high end's shift of that day (demo March at
            // 10 s, three runs each: 101-124 against 105-109 and one 184, within the noise).
            let (a, d) = match aim {
                Some((_, lo, day)) => (lo, day),
                None => (a, rng.below(nd)),
            };
            let cur = st.cells[a][d];
            if matches!(cur, Cell::Standby(_)) {
                continue;
            }
            let opts = &rules.people[a].options;
            let k = rng.below(opts.len() + 1);
            let new = if k == opts.len() {
                Cell::Off
            } else {
                Cell::Work(opts[k].0, opts[k].1)
            };
            if new == cur {
                continue;
            }
            row_a.copy_from_slice(&st.cells[a]);
            row_a[d] = new;
            let Some(ea) = rules.person(a, &row_a, &mut buf, true) else {
                continue;
            };
            let mut delta = ea.cost - st.person[a].cost;
            let tail = (d >= rules.tail_from).then(|| {
                let ma = rules.tail_mask(a, &row_a);
                (ma, st.handover_with(&rules, [(a, ma)]))
            });
            if let Some((_, h)) = tail {
                delta += h - st.handover;
            }
            st.cells[a][d] = new;
            // Days whose price changes: the edited one, and the next (interval needs).
            let days = [d, d + 1];
            let n = if rules.need_role.is_some() && d + 1 < nd {
                2
            } else {
                1
            };
            let mut priced = [0.0f64; 2];
            for i in 0..n {
                priced[i] = rules.day(&st.cells, days[i]);
                delta += priced[i] - st.day[days[i]];
            }
            let repaired = usize::from(!st.valid[a]);
            let mut guided = delta - BROKEN * repaired as f64;
            let mut new_group = None;
            if let Some(g) = rules.people[a].group {
                if ea.metrics != st.person[a].metrics {
                    metrics_tmp[a] = ea.metrics;
                    let c = rules.group_cost(&metrics_tmp, &st.members[g]);
                    metrics_tmp[a] = st.metrics[a];
                    delta += c.0 - st.group[g].0;
                    guided += c.1 - st.group[g].1;
                    new_group = Some((g, c));
                }
            }
            // A shift added must pay for itself (see `ADD_BIAS`).
            let worked = |c: Cell| matches!(c, Cell::Work(..));
            let added = i32::from(worked(new)) - i32::from(worked(cur));
            let guided = guided + ADD_BIAS * f64::from(added);
            if guided <= 0.0 || rng.unit() < (-guided / t).exp() {
                report.accepted += 1;
                st.shifts = (st.shifts as i64 + i64::from(added)) as usize;
                st.person[a] = ea;
                st.metrics[a] = ea.metrics;
                metrics_tmp[a] = ea.metrics;
                st.valid[a] = true;
                st.broken -= repaired;
                if let Some((ma, h)) = tail {
                    st.tail[a] = ma;
                    st.handover = h;
                }
                for i in 0..n {
                    st.day[days[i]] = priced[i];
                }
                if let Some((g, c)) = new_group {
                    st.group[g] = c;
                }
                st.total += delta;
                st.guided += guided;
            } else {
                st.cells[a][d] = cur;
            }
        }
        if better(&st, best_score, best_shifts) {
            best_score = st.score();
            best_shifts = st.shifts;
            best_total = st.total;
            best_cells.clone_from(&st.cells);
        }
    }
    report.best = best_total;
    report.broken.1 = ((best_score - best_total) / BROKEN).round() as usize;
    if best_total >= report.start - 1e-9 && best_score >= start_score - 1e-9 {
        return (None, report);
    }
    let mut out = to_roster(problem, &roles, roster, &best_cells);
    // The validator has the last word: the result may break no rule the start did not
    // already break, but for the day's cover (priced as a shortfall, never hidden); it is
    // better than the start when it breaks fewer rules, or as few at a lower cost (the
    // objective recomputed from the roster itself).
    let key = |v: &crate::validate::Violation| (v.rule.clone(), v.employee.clone(), v.date);
    let day_level = ["cover", "standby_cover", "interval_cover"];
    let personal = |r: &Roster| -> Vec<_> {
        crate::validate::validate(problem, r)
            .iter()
            .filter(|v| !day_level.contains(&v.rule.as_str()))
            .map(key)
            .collect()
    };
    let before: std::collections::BTreeSet<_> = personal(roster).into_iter().collect();
    let after = personal(&out);
    if after.iter().any(|k| !before.contains(k)) {
        return (None, report);
    }
    let terms = super::objective_terms(problem, &out);
    let objective = super::cost::total(&terms);
    let start = super::cost::total(&super::objective_terms(problem, roster));
    if after.len() == before.len() && objective >= start - 1e-9 {
        return (None, report);
    }
    out.shortfalls = crate::explain::shortfalls(&ix, &out);
    out.stats.objective = objective;
    out.stats.terms = terms;
    (Some(out), report)
}

/// Every role a person holds or a requirement names, in a fixed order (a cell's role index).
fn roles_of(p: &Problem) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    let held = p.employees.iter().flat_map(|e| e.roles.iter());
    for r in held.chain(p.requirements.iter().map(|q| &q.role)) {
        if !roles.contains(r) {
            roles.push(r.clone());
        }
    }
    roles
}

/// The roster's cells; `None` when a person has two entries on one day (a shift and a
/// standby, or two of either: the validator's `one_shift_a_day`, `standby_off_duty`), which
/// one cell a day cannot hold, or an entry names an unknown person, shift, date or role.
fn read_cells(ix: &Index<'_>, roles: &[String], roster: &Roster) -> Option<Vec<Vec<Cell>>> {
    let p = ix.p;
    let mut cells = vec![vec![Cell::Off; p.num_days()]; p.employees.len()];
    for a in &roster.assignments {
        let (e, d, s) = (
            ix.employee(&a.employee)?,
            ix.day(a.date)?,
            ix.shift(&a.shift)?,
        );
        let r = roles.iter().position(|x| *x == a.role)?;
        if cells[e][d] != Cell::Off {
            return None;
        }
        cells[e][d] = Cell::Work(s as u8, r as u8);
    }
    for sb in &roster.standby {
        let (e, d, s) = (
            ix.employee(&sb.employee)?,
            ix.day(sb.date)?,
            ix.shift(&sb.shift)?,
        );
        if cells[e][d] != Cell::Off {
            return None;
        }
        cells[e][d] = Cell::Standby(s as u8);
    }
    Some(cells)
}

/// Whether the state beats the best so far: a lower score, or the same with fewer shifts.
fn better(st: &State, best_score: f64, best_shifts: usize) -> bool {
    let s = st.score();
    s < best_score - 1e-9 || (s <= best_score + 1e-9 && st.shifts < best_shifts)
}

/// Sets person `e`'s row to `row` if it keeps the rules, repricing the person, the days
/// whose cells changed (and the next, for interval needs) and the person's group; returns
/// the change of the objective, or `None` (state unchanged) when the row breaks a rule.
fn set_row(
    r: &Rules,
    st: &mut State,
    e: usize,
    row: &[Cell],
    buf: &mut Vec<Option<usize>>,
) -> Option<f64> {
    let ev = r.person(e, row, buf, true)?;
    let old = std::mem::replace(&mut st.cells[e], row.to_vec());
    let count = |r: &[Cell]| r.iter().filter(|c| matches!(c, Cell::Work(..))).count();
    st.shifts = st.shifts + count(row) - count(&old);
    let mut delta = ev.cost - st.person[e].cost;
    let mut guided = delta;
    for d in 0..r.nd {
        let changed =
            old[d] != row[d] || (d > 0 && r.need_role.is_some() && old[d - 1] != row[d - 1]);
        if changed {
            let c = r.day(&st.cells, d);
            delta += c - st.day[d];
            guided += c - st.day[d];
            st.day[d] = c;
        }
    }
    st.metrics[e] = ev.metrics;
    let mask = r.tail_mask(e, row);
    if mask != st.tail[e] {
        st.tail[e] = mask;
        let h = r.handover_cost(&st.tail);
        delta += h - st.handover;
        guided += h - st.handover;
        st.handover = h;
    }
    if let Some(g) = r.people[e].group {
        let c = r.group_cost(&st.metrics, &st.members[g]);
        delta += c.0 - st.group[g].0;
        guided += c.1 - st.group[g].1;
        st.group[g] = c;
    }
    if !st.valid[e] {
        st.valid[e] = true;
        st.broken -= 1;
    }
    st.person[e] = ev;
    st.total += delta;
    st.guided += guided;
    Some(delta)
}

/// Lifts everyone at the fewest nights of a group by one night, when that lowers the objective
/// (else the roster is left as it was). Each takes the cheapest of: a night on one of their
/// days (a day shift turned into a night, or a night on a day off, with the day before
/// cleared when the rest rule needs it), among the rows that keep the rules. Why: a nights'
/// spread of 1 at weight 100 ends only when all of the group's people at the low end (17 of
/// 43 agents on demo March) gain a night, each as surplus (2 on the demo); the annealing's
/// guide rewards each step by 100 / 44, about the surplus, so the plateau often held: at 10 s
/// on the chained demo months, 9 of 12 ended with a nights' spread of 1.
fn lift_nights(r: &Rules, st: &mut State, buf: &mut Vec<Option<usize>>) {
    if r.spread_w[NIGHTS] == 0.0 {
        return;
    }
    let Some(n) = (0..r.ns).find(|&s| r.night[s]) else {
        return;
    };
    for g in 0..st.members.len() {
        let members = st.members[g].clone();
        if r.spread(&st.metrics, &members, NIGHTS).0 == 0 {
            continue;
        }
        let Some(lo) = members
            .iter()
            .filter(|&&e| r.people[e].full)
            .map(|&e| st.metrics[e][NIGHTS])
            .min()
        else {
            continue;
        };
        let low: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&e| r.people[e].full && st.metrics[e][NIGHTS] == lo)
            .collect();
        // Rows that break a rule are the search's to mend (they could not be set back).
        if low.iter().any(|&e| !st.valid[e]) {
            continue;
        }
        let mut saved: Vec<(usize, Vec<Cell>)> =
            low.iter().map(|&e| (e, st.cells[e].clone())).collect();
        let before = st.total;
        let mut done = true;
        for &e in &low {
            let row = st.cells[e].clone();
            let Some(&(_, role)) = r.people[e].options.iter().find(|(s, _)| *s as usize == n)
            else {
                done = false;
                break;
            };
            let mut best: Option<(f64, Vec<Cell>, Vec<Cover>)> = None;
            for d in 0..r.nd {
                if matches!(row[d], Cell::Standby(_)) || row[d] == Cell::Work(n as u8, role) {
                    continue;
                }
                for clear in [false, true] {
                    if clear && (d == 0 || !matches!(row[d - 1], Cell::Work(..))) {
                        continue;
                    }
                    let mut trial = row.clone();
                    trial[d] = Cell::Work(n as u8, role);
                    if clear {
                        trial[d - 1] = Cell::Off;
                    }
                    // Priced by setting it and setting the row back.
                    if let Some(delta) = set_row(r, st, e, &trial, buf) {
                        let (delta, cover) = if delta >= r.w_short / 2.0 {
                            cover_given_up(r, st, e, &row, &trial, delta, buf)
                        } else {
                            (delta, Vec::new())
                        };
                        set_row(r, st, e, &row, buf);
                        if best.as_ref().is_none_or(|(b, ..)| delta < *b) {
                            best = Some((delta, trial, cover));
                        }
                    }
                }
            }
            match best {
                Some((_, trial, cover)) => {
                    set_row(r, st, e, &trial, buf);
                    for (f, j, cell) in cover {
                        let mut rf = st.cells[f].clone();
                        saved.push((f, rf.clone()));
                        rf[j] = cell;
                        set_row(r, st, f, &rf, buf);
                    }
                }
                None => {
                    done = false;
                    break;
                }
            }
        }
        if !done || st.total >= before - 1e-9 {
            for (e, row) in saved.iter().rev() {
                set_row(r, st, *e, row, buf);
            }
        }
    }
}

/// Someone off on a day who takes the shift a lift gives up there: (person, day, cell).
type Cover = (usize, usize, Cell);

/// With person `e`'s row set to `trial` (from `row`) at a price of `delta` that includes a
/// gap, for each shift `trial` gives up (at most two: the day turned into a night and the
/// day before, cleared for the rest), the cheapest person off that day who takes it, one
/// after the other, priced with them: (the combined change, who). The state is as it was on
/// return. Why: on demo May at 10 s the nights' lift always failed: 10-16 agents at the low
/// end, and for several of them every night meant giving up a morning or a late shift at its
/// minimum (their hours at the cap ruled out a night on a day off), a gap of 10,000 each;
/// on demo October the cheapest night of several needed the day before cleared as well.
fn cover_given_up(
    r: &Rules,
    st: &mut State,
    e: usize,
    row: &[Cell],
    trial: &[Cell],
    delta: f64,
    buf: &mut Vec<Option<usize>>,
) -> (f64, Vec<Cover>) {
    let lost: Vec<usize> = (0..r.nd)
        .filter(|&j| row[j] != trial[j] && matches!(row[j], Cell::Work(..)))
        .collect();
    if lost.is_empty() || lost.len() > 2 {
        return (delta, Vec::new());
    }
    let mut total = delta;
    let mut covers: Vec<Cover> = Vec::new();
    let mut undo: Vec<(usize, Vec<Cell>)> = Vec::new();
    for &j in &lost {
        let Cell::Work(s0, role0) = row[j] else {
            continue;
        };
        let mut best: Option<(f64, usize)> = None;
        for f in 0..r.ne {
            if f == e
                || st.cells[f][j] != Cell::Off
                || !st.valid[f]
                || !r.people[f].options.contains(&(s0, role0))
            {
                continue;
            }
            let mut rf = st.cells[f].clone();
            rf[j] = row[j];
            if let Some(d2) = set_row(r, st, f, &rf, buf) {
                rf[j] = Cell::Off;
                set_row(r, st, f, &rf, buf);
                if best.is_none_or(|(b, _)| d2 < b) {
                    best = Some((d2, f));
                }
            }
        }
        // Taken only when it pays (it closes the gap); kept in place for the next one.
        if let Some((d2, f)) = best.filter(|(d2, _)| *d2 < 0.0) {
            let mut rf = st.cells[f].clone();
            undo.push((f, rf.clone()));
            rf[j] = row[j];
            set_row(r, st, f, &rf, buf);
            total += d2;
            covers.push((f, j, row[j]));
        }
    }
    for (f, rf) in undo.iter().rev() {
        set_row(r, st, *f, rf, buf);
    }
    if covers.is_empty() {
        return (delta, covers);
    }
    (total, covers)
}

/// A move aimed at a spread: (someone at the high end, someone at the low end, a day the
/// spread counts on which the high one has what the low one lacks), both movable.
fn aimed(r: &Rules, st: &State, rng: &mut Rng) -> Option<(usize, usize, usize)> {
    let g = rng.below(st.members.len().max(1));
    let members = st.members.get(g)?;
    let open: Vec<usize> = (0..METRICS)
        .filter(|&k| r.spread_w[k] != 0.0 && r.spread(&st.metrics, members, k).0 > 0)
        .collect();
    if open.is_empty() {
        return None;
    }
    let k = open[rng.below(open.len())];
    let hi = members.iter().map(|&e| st.metrics[e][k]).max()?;
    let lo = members
        .iter()
        .filter(|&&e| r.people[e].full)
        .map(|&e| st.metrics[e][k])
        .min()?;
    let pick = |rng: &mut Rng, v: u16, full: bool| {
        let set: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&e| st.metrics[e][k] == v && (!full || r.people[e].full))
            .collect();
        (!set.is_empty()).then(|| set[rng.below(set.len())])
    };
    let a = pick(rng, hi, false)?;
    let b = pick(rng, lo, true)?;
    let counts = |c: Cell, d: usize| match (k, c) {
        (NIGHTS, Cell::Work(s, _)) => r.night[s as usize],
        (HOLIDAY, Cell::Work(..)) => r.statutory[d],
        (WEEKEND, Cell::Work(..)) => r.weekend[d],
        (STANDBY, Cell::Standby(_)) => true,
        _ => false,
    };
    let days: Vec<usize> = (0..r.nd)
        .filter(|&d| counts(st.cells[a][d], d) && !counts(st.cells[b][d], d))
        .collect();
    (!days.is_empty()).then(|| (a, b, days[rng.below(days.len())]))
}

fn to_roster(p: &Problem, roles: &[String], template: &Roster, cells: &[Vec<Cell>]) -> Roster {
    let mut assignments = Vec::new();
    let mut standby = Vec::new();
    for (e, row) in cells.iter().enumerate() {
        let id = &p.employees[e].id;
        for (d, c) in row.iter().enumerate() {
            let date = p.days[d].date;
            match *c {
                Cell::Off => {}
                Cell::Work(s, r) => assignments.push(Assignment {
                    employee: id.clone(),
                    date,
                    shift: p.shifts[s as usize].code.clone(),
                    role: roles[r as usize].clone(),
                }),
                Cell::Standby(s) => standby.push(StandbyDuty {
                    employee: id.clone(),
                    date,
                    shift: p.shifts[s as usize].code.clone(),
                }),
            }
        }
    }
    assignments.sort();
    standby.sort();
    Roster {
        status: template.status,
        assignments,
        standby,
        shortfalls: template.shortfalls.clone(),
        stats: template.stats.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Assignment;

    fn demo(month: u32) -> Problem {
        demo_with(month, vec![])
    }

    fn demo_with(month: u32, leave: Vec<crate::Leave>) -> Problem {
        crate::testing::demo(month, leave)
    }

    /// The constructive start of `tries` greedy tries.
    fn start_of(p: &Problem, tries: u64) -> Roster {
        let ix = Index::new(p);
        super::super::construct::best_start(&ix, &super::super::construct::roles_on(&ix), tries)
    }

    /// The search for `secs` seconds, no bound known, never stopped by its tick.
    fn anneal(p: &Problem, start: &Roster, secs: f64, seed: u64) -> (Option<Roster>, AnnealReport) {
        let nan = AtomicU64::new(f64::NAN.to_bits());
        let until = Instant::now() + Duration::from_secs_f64(secs);
        improve(p, start, until, seed, &nan, &mut |_| true)
    }

    /// The objective recomputed from the roster.
    fn price(p: &Problem, r: &Roster) -> f64 {
        super::super::cost::total(&super::super::objective_terms(p, r))
    }

    /// The search's own total and the objective recomputed by `cost` agree, on the start and
    /// on every roster it returns.
    #[test]
    fn incremental_price_agrees_with_the_recomputed_objective() {
        let p = demo(3);
        let start = start_of(&p, 1);
        let (out, rep) = anneal(&p, &start, 2.0, 1);
        let recomputed = price(&p, &start);
        assert!(
            (rep.start - recomputed).abs() < 1e-6,
            "{} vs {recomputed}",
            rep.start
        );
        let out = out.expect("an improvement in 2 s");
        let after = price(&p, &out);
        assert!((rep.best - after).abs() < 1e-6, "{} vs {after}", rep.best);
        assert!(after < recomputed);
        let before = crate::validate::validate(&p, &start).len();
        assert!(crate::validate::validate(&p, &out).len() <= before);
        eprintln!("{rep:?}");
    }

    /// A leaver (A005, not employed from 16 March: floor 72 h) who starts with two shifts
    /// (16 h, below the floor, the validator's `hours_min`): the search may keep him below the
    /// floor while it must, priced at the soft floor's 500 an hour, and brings him up to it;
    /// the search's total and the recomputed objective agree throughout (issue 23: the
    /// store's acceptance test got back its start, because a person left below the floor
    /// was priced at 0 by the search and at 28,000 by the recomputation).
    #[test]
    fn a_person_below_the_floor_is_priced_and_brought_up_to_it() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let leave = vec![crate::Leave {
            employee: "A005".into(),
            from: d("2026-03-16"),
            to: d("2026-03-31"),
            kind: crate::LeaveKind::Inactive,
        }];
        let p = demo_with(3, leave);
        let mut start = start_of(&p, 1);
        let mut kept = 0;
        start.assignments.retain(|a| {
            if a.employee != "A005" {
                return true;
            }
            kept += 1;
            kept <= 2
        });
        let short = |r: &Roster| {
            crate::validate::validate(&p, r)
                .iter()
                .any(|v| v.rule == "hours_min" && v.employee.as_deref() == Some("A005"))
        };
        assert!(short(&start));
        let (out, rep) = anneal(&p, &start, 3.0, 1);
        let recomputed = price(&p, &start);
        assert!(
            (rep.start - recomputed).abs() < 1e-6,
            "{} vs {recomputed}",
            rep.start
        );
        let out = out.expect("a cheaper roster");
        let after = price(&p, &out);
        assert!((rep.best - after).abs() < 1e-6, "{} vs {after}", rep.best);
        assert!(!short(&out));
        let rules: Vec<String> = crate::validate::validate(&p, &out)
            .into_iter()
            .filter(|v| v.employee.is_some())
            .map(|v| v.rule)
            .collect();
        assert!(rules.is_empty(), "{rules:?}");
    }

    /// A start that breaks a rule for one person (a history of P on 28 February before A on
    /// 1 March: 8 h rest, 12 h required) comes back with the rule kept: the person's row
    /// takes only moves that mend it, and a roster breaking fewer rules beats any cost.
    #[test]
    fn a_row_that_breaks_a_rule_is_mended() {
        let plain = demo(3);
        let start = start_of(&plain, 1);
        let first = plain.days[0].date;
        let who = start
            .assignments
            .iter()
            .find(|a| a.date == first && a.shift == "A" && a.employee.starts_with('A'))
            .unwrap()
            .employee
            .clone();
        let mut p = plain.clone();
        p.previous = vec![crate::PriorShift {
            employee: who.clone(),
            date: first.pred_opt().unwrap(),
            shift: "P".into(),
        }];
        let rest = |r: &Roster| {
            crate::validate::validate(&p, r)
                .iter()
                .any(|v| v.rule == "min_rest" && v.employee.as_deref() == Some(who.as_str()))
        };
        assert!(rest(&start));
        let (out, _) = anneal(&p, &start, 3.0, 1);
        let out = out.expect("a mended roster");
        assert!(!rest(&out));
        let personal: Vec<String> = crate::validate::validate(&p, &out)
            .into_iter()
            .filter(|v| v.employee.is_some())
            .map(|v| v.line_in("en"))
            .collect();
        assert!(personal.is_empty(), "{personal:?}");
    }

    /// The search's check of one person's row and the validator agree. From the demo's
    /// constructive March, 600 random single-cell edits (a day off, another shift or role, a
    /// standby), each judged by both: the row check passes exactly when the validator finds
    /// nothing about that person.
    #[test]
    fn the_row_check_agrees_with_the_validator() {
        let p = demo(3);
        let ix = Index::new(&p);
        let roles = roles_of(&p);
        let rules = read_rules(&ix, &roles);
        let start = start_of(&p, 1);
        let cells = read_cells(&ix, &roles, &start).unwrap();
        let standby = ix.standby_shifts();
        let mut rng = Rng(7);
        let mut buf = Vec::new();
        let (mut passed, mut failed) = (0, 0);
        for _ in 0..600 {
            let e = rng.below(p.employees.len());
            let d = rng.below(p.num_days());
            let new = match rng.below(4) {
                0 => Cell::Off,
                1 => Cell::Standby(standby[rng.below(standby.len())] as u8),
                _ => Cell::Work(
                    rng.below(p.shifts.len()) as u8,
                    rng.below(roles.len()) as u8,
                ),
            };
            let mut edited = cells.clone();
            edited[e][d] = new;
            let ours = rules.person(e, &edited[e], &mut buf, true).is_some();
            let roster = to_roster(&p, &roles, &start, &edited);
            let id = &p.employees[e].id;
            let theirs = !crate::validate::validate(&p, &roster)
                .iter()
                .any(|v| v.employee.as_ref() == Some(id));
            assert_eq!(ours, theirs, "{id} day {d} {new:?}");
            if ours {
                passed += 1;
            } else {
                failed += 1;
            }
        }
        // Both kinds of edit were tried.
        assert!(passed > 50 && failed > 50, "{passed} {failed}");
    }

    /// April 2026 (30 days), one shift N (00-08) with one agent a night, four agents, nights'
    /// spread at 100 and a night above the minimum at 2, isolated day off 2, shift change 1
    /// (no other spread; no hours floor).
    fn april() -> Problem {
        let site = r#"
name = "four"
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
        crate::testing::month_of(site, &agents(&["E1", "E2", "E3", "E4"]), 4, vec![])
    }

    /// Agents `ids`, in that order, as the staff file's entries.
    fn agents(ids: &[&str]) -> String {
        ids.iter()
            .map(|id| {
                format!("[[employees]]\nid = \"{id}\"\nname = \"{id}\"\nroles = [\"agent\"]\n")
            })
            .collect()
    }

    /// The roster of `p` in which, on day index `d`, each (employee, shift) of `cells(d)` is
    /// worked as an agent.
    fn agents_roster<'a, const K: usize>(
        p: &Problem,
        cells: impl Fn(usize) -> [(&'a str, &'a str); K],
    ) -> Roster {
        let mut assignments: Vec<Assignment> = p
            .days
            .iter()
            .enumerate()
            .flat_map(|(d, day)| {
                cells(d).map(|(who, shift)| Assignment {
                    employee: who.into(),
                    date: day.date,
                    shift: shift.into(),
                    role: "agent".into(),
                })
            })
            .collect();
        assignments.sort();
        Roster {
            status: crate::SolveStatus::TimeLimited,
            assignments,
            standby: vec![],
            shortfalls: vec![],
            stats: Default::default(),
        }
    }

    /// The site of the nights' lift tests: April, shifts A (08-16) and N (00-08), one agent
    /// each a day; nights' spread at 100, surplus on N at 2, nothing else priced.
    const LIFT_SITE: &str = r#"
name = "lift"
[[shifts]]
code = "A"
name = "早班"
start = "08:00"
end = "16:00"
paid_minutes = 480
[[shifts]]
code = "N"
name = "夜班"
start = "00:00"
end = "08:00"
paid_minutes = 480
[[cover]]
shift = "A"
role = "agent"
min = 1
[[cover]]
shift = "N"
role = "agent"
min = 1
[rules]
min_rest_minutes = 720
max_consecutive_days = 30
history_days = 30
overtime_cap_minutes = 100000
under_standard_minutes = 100000
leave_day_minutes = 480
night_shifts = ["N"]
[weights]
night_spread = 100.0
holiday_spread = 0.0
weekend_spread = 0.0
standby_spread = 0.0
isolated_day_off = 0.0
shift_change = 0.0
surplus = { N = 2.0 }
"#;

    /// `roster` after one nights' lift under `rules`: the search's total and the roster.
    fn lifted(p: &Problem, rules: &Rules, roster: &Roster) -> (f64, Roster) {
        let ix = Index::new(p);
        let roles = roles_of(p);
        let mut st = State::new(rules, read_cells(&ix, &roles, roster).unwrap());
        lift_nights(rules, &mut st, &mut Vec::new());
        let out = to_roster(p, &roles, roster, &st.cells);
        (st.total, out)
    }

    /// Worked by hand. Night d of April goes to E(d mod 4 + 1): E1 and E2 work 8 nights, E3
    /// and E4 7, every night four days apart (no isolated day off: three days off between):
    /// the objective is the spread alone, 1 × 100 = 100. The optimum is 4: a spread of 0
    /// needs a multiple of 4 nights, so at least 32, two above the 30 needed (2 × 2), and a
    /// roster at 4 exists (E3 and E4 each take the night after one of theirs: two nights in a
    /// row, no day off made single). The search must reach it and keep the rules.
    /// April, shifts A (08-16) and N (00-08), one agent each a day; nights' spread at 100,
    /// surplus on N at 2, nothing else priced. E1 has nights on days 1-11 (11), E2 on 12-21
    /// (10), E3 on 22-30 (9); mornings: E2 1-10, E3 11-20, E1 21-30. E3 is at its hours cap
    /// (19 shifts), so its only way to a tenth night is its morning of day 11 (day 10 off; a
    /// night after a morning breaks the 12 h rest), which leaves day 11 without a morning.
    /// E4 (off all month, on leave on day 30: not at the spread's low end) can take it (E2,
    /// off that day too, has a night on day 12). Spread 2 (200) → 1 (100), plus E3's night as
    /// surplus (2): 102, hand-worked. Without someone to take the shift given up the lift
    /// costs a gap (10,000) and is not made.
    #[test]
    fn the_nights_lift_has_someone_off_take_the_shift_it_gives_up() {
        // E3 at its hours cap: 19 shifts.
        let staff = agents(&["E1", "E2", "E3"])
            + "[employees.limits]\nmax_minutes = 9120\n"
            + &agents(&["E4"]);
        let leave = vec![crate::Leave {
            employee: "E4".into(),
            from: chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            to: chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            kind: crate::LeaveKind::Annual,
        }];
        let p = crate::testing::month_of(LIFT_SITE, &staff, 4, leave);
        let roster = agents_roster(&p, |d| {
            let night = ["E1", "E2", "E3"][usize::from(d >= 11) + usize::from(d >= 21)];
            let morning = ["E2", "E3", "E1"][usize::from(d >= 10) + usize::from(d >= 20)];
            [(night, "N"), (morning, "A")]
        });
        assert!(
            crate::validate(&p, &roster).is_empty(),
            "{:?}",
            crate::validate(&p, &roster)
        );
        assert!((price(&p, &roster) - 200.0).abs() < 1e-9);
        let ix = Index::new(&p);
        let roles = roles_of(&p);
        let rules = read_rules(&ix, &roles);
        let (total, out) = lifted(&p, &rules, &roster);
        assert!((total - 102.0).abs() < 1e-9, "{total}");
        assert!(crate::validate(&p, &out).is_empty());
        assert!((price(&p, &out) - 102.0).abs() < 1e-9);
        let has = |who: &str, day: u32, shift: &str| {
            out.assignments.iter().any(|a| {
                a.employee == who
                    && a.date == chrono::NaiveDate::from_ymd_opt(2026, 4, day).unwrap()
                    && a.shift == shift
            })
        };
        assert!(has("E3", 11, "N") && has("E4", 11, "A"));
        // (As cheap: a night on day 21, E3's day off, with its morning of day 20 cleared for
        // the hours cap and E1, off on day 20, taking it. The first found is kept.)
        // No one but E3 able to take a shift: the lift is not made.
        let mut alone = read_rules(&ix, &roles);
        for id in ["E1", "E2", "E4"] {
            alone.people[ix.employee(id).unwrap()].options.clear();
        }
        let (total, _) = lifted(&p, &alone, &roster);
        assert!((total - 200.0).abs() < 1e-9, "{total}");
    }

    /// Worked by hand: the lift gives up two shifts (the day turned into a night and the day
    /// before, cleared for the 12 h rest) and both are taken by someone off. April, A (08-16)
    /// and N (00-08), one agent each a day; nights' spread at 100, surplus on N at 2, nothing
    /// else priced. E1 has the nights of days 1-15, E2 of days 16-30, E3 the mornings of every
    /// day (no night: the spread is 15, 1500). E4 is off all month, on leave on days 1 and 30
    /// (so not at the spread's low end); only E4 may take a shift the lift gives up (E1's and
    /// E2's options are cleared). E3's night needs a morning given up; on day 1 no one can
    /// take it (E4 on leave), and on every later day the night after the morning before
    /// breaks the rest rule, so that morning goes too: two shifts given up. The first day on
    /// which E4 can take both is day 3 (days 2 and 3). Spread 15 → 14 (1400) plus E3's night
    /// as surplus (2): 1402. With E4 unable as well, the lift is not made (1500).
    #[test]
    fn the_nights_lift_has_both_shifts_it_gives_up_taken() {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 4, d).unwrap();
        let leave = [1, 30]
            .into_iter()
            .map(|d| crate::Leave {
                employee: "E4".into(),
                from: day(d),
                to: day(d),
                kind: crate::LeaveKind::Annual,
            })
            .collect();
        let staff = agents(&["E1", "E2", "E3", "E4"]);
        let p = crate::testing::month_of(LIFT_SITE, &staff, 4, leave);
        let roster = agents_roster(&p, |d| {
            [(if d < 15 { "E1" } else { "E2" }, "N"), ("E3", "A")]
        });
        assert!(crate::validate(&p, &roster).is_empty());
        assert!((price(&p, &roster) - 1500.0).abs() < 1e-9);
        let ix = Index::new(&p);
        let roles = roles_of(&p);
        let mut rules = read_rules(&ix, &roles);
        for id in ["E1", "E2"] {
            rules.people[ix.employee(id).unwrap()].options.clear();
        }
        let (total, out) = lifted(&p, &rules, &roster);
        assert!((total - 1402.0).abs() < 1e-9, "{total}");
        assert!(crate::validate(&p, &out).is_empty());
        assert!((price(&p, &out) - 1402.0).abs() < 1e-9);
        let on = |who: &str, d: u32| {
            out.assignments
                .iter()
                .find(|a| a.employee == who && a.date == day(d))
                .map(|a| a.shift.as_str())
        };
        assert_eq!(
            (on("E3", 2), on("E3", 3), on("E4", 2), on("E4", 3)),
            (None, Some("N"), Some("A"), Some("A"))
        );
        rules.people[ix.employee("E4").unwrap()].options.clear();
        let (total, _) = lifted(&p, &rules, &roster);
        assert!((total - 1500.0).abs() < 1e-9, "{total}");
    }

    #[test]
    fn the_search_reaches_the_hand_worked_optimum_of_four_agents() {
        let p = april();
        let roster = agents_roster(&p, |d| [(["E1", "E2", "E3", "E4"][d % 4], "N")]);
        assert!(crate::validate(&p, &roster).is_empty());
        let start = price(&p, &roster);
        assert!((start - 100.0).abs() < 1e-9, "{start}");
        let (out, rep) = anneal(&p, &roster, 3.0, 1);
        let out = out.expect("a cheaper roster");
        assert!(crate::validate(&p, &out).is_empty());
        let cost = price(&p, &out);
        assert!((cost - 4.0).abs() < 1e-9, "{cost} {rep:?}");
        let s = crate::fairness::summarize(&p, &out);
        assert!(s.people.iter().all(|x| x.nights == 8));
        // Told the bound is 4, the search stops as soon as it meets it.
        let four = AtomicU64::new(4.0f64.to_bits());
        let t = Instant::now();
        let (again, _) = improve(
            &p,
            &roster,
            Instant::now() + Duration::from_secs(30),
            1,
            &four,
            &mut |_| true,
        );
        assert!(t.elapsed() < Duration::from_secs(25));
        let again = again.unwrap();
        assert!((again.stats.objective - 4.0).abs() < 1e-9);
    }

    /// Experiment (not a test): ANNEAL_SECS, ANNEAL_MONTH, ANNEAL_RUNS (seeds).
    #[test]
    #[ignore]
    fn experiment() {
        let env = |k: &str, d: f64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        let p = demo(env("ANNEAL_MONTH", 3.0) as u32);
        let start = start_of(&p, 40);
        for seed in 0..env("ANNEAL_RUNS", 1.0) as u64 {
            let secs = env("ANNEAL_SECS", 5.0);
            let (out, rep) = anneal(&p, &start, secs, seed);
            eprintln!("{rep:?}");
            if let Some(out) = out {
                for t in super::super::objective_terms(&p, &out) {
                    if t.cost != 0.0 {
                        eprint!("{}={} ", t.name, t.cost);
                    }
                }
                eprintln!();
            }
        }
    }
}
