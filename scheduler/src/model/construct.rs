//! A constructive start (初始解): a greedy roster built day by day under every hard rule, given
//! to HiGHS as its first incumbent.
//!
//! Why: on the demo month the MIP's own primal heuristics find nothing better than a roster
//! full of shortfalls within a minute (measured with `benches/demo_months.rs`), while the
//! relaxation already proves that full cover is possible. Starting from a rule-abiding roster
//! lets the solver spend its time on fairness and pattern quality instead. Only the binary
//! variables are given; HiGHS completes the continuous ones by solving the LP with them fixed.

use std::time::Instant;

use crate::calendar::{is_weekend, DayKind};
use crate::problem::Index;

/// Greedy choices: `shift[e][d]` = (shift, role index in `y[e][d][shift]`), `standby[e][d]`.
pub(crate) struct Start {
    pub shift: Vec<Vec<Option<(usize, usize)>>>,
    pub standby: Vec<Vec<Option<usize>>>,
}

struct Person {
    minutes: u32,
    nights: u32,
    holidays: u32,
    weekends: u32,
    standby: u32,
}

/// Runs the greedy with `tries` different tie-breaks and keeps the first start that breaks no
/// hard rule, else the one with the fewest violations (as counted by the validator). No
/// clock: for a caller that runs the start alone (the tests); a solve uses
/// [`best_start_until`].
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn best_start(
    ix: &Index<'_>,
    roles_on: &[Vec<Vec<String>>],
    tries: u64,
) -> crate::Roster {
    best_start_until(ix, roles_on, tries, None)
}

/// [`best_start`] that starts no further try once `until` has passed. The first try always
/// runs: its roster is the solve's fallback, whatever the clock says. One try takes about
/// 0.02 s on the 53-person demo and 0.4 s on the 265-person site in a debug build (under a
/// tenth of that in release), so the 40 tries of the demo fit any limit's share while a large
/// site stops after the tries its share allows (issue 23: the 40 tries alone took 100 s there
/// in debug before the greedy was made linear per seat).
pub(crate) fn best_start_until(
    ix: &Index<'_>,
    roles_on: &[Vec<Vec<String>>],
    tries: u64,
    until: Option<Instant>,
) -> crate::Roster {
    let mut best: Option<(usize, crate::Roster)> = None;
    for seed in 0..tries.max(1) {
        if seed > 0 && until.is_some_and(|u| Instant::now() >= u) {
            break;
        }
        let r = to_roster(ix, roles_on, &build(ix, roles_on, seed));
        let n = crate::validate(ix.p, &r).len();
        if best.as_ref().is_none_or(|(b, _)| n < *b) {
            best = Some((n, r));
        }
        if n == 0 {
            break;
        }
    }
    best.expect("at least one try").1
}

/// `roles_on[e][s]`: the roles in which `e` can count on shift `s` ([`Index::roles_on_shift`]),
/// for every person and shift: the start's and the anneal's options.
pub(crate) fn roles_on(ix: &Index<'_>) -> Vec<Vec<Vec<String>>> {
    (0..ix.p.employees.len())
        .map(|e| {
            (0..ix.p.shifts.len())
                .map(|s| ix.roles_on_shift(e, s))
                .collect()
        })
        .collect()
}

/// A small deterministic pseudo-random number in [0, 1) (no dependency needed for tie-breaks).
fn jitter(seed: u64, a: usize, b: usize, c: usize) -> f64 {
    let mut x = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((a as u64) << 32 ^ (b as u64) << 16 ^ c as u64);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) fn build(ix: &Index<'_>, roles_on: &[Vec<Vec<String>>], seed: u64) -> Start {
    let p = ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let hd = p.rules.history_days as usize;
    let max_gap = ix.max_rest_gap();
    let night: Vec<bool> = p
        .shifts
        .iter()
        .map(|s| p.rules.night_shifts.contains(&s.code))
        .collect();
    let mut g = Greedy {
        ix,
        hd,
        max_gap,
        work: ix.worked_grid(),
        duty: vec![vec![None; hd + nd]; ne],
        // Once per build: `Index` computes them from the calendar on every call, which the
        // greedy made per candidate and seat.
        min_minutes: (0..ne).map(|e| ix.min_minutes(e)).collect(),
        max_minutes: (0..ne).map(|e| ix.max_minutes(e)).collect(),
        people: (0..ne)
            .map(|_| Person {
                minutes: 0,
                nights: 0,
                holidays: 0,
                weekends: 0,
                standby: 0,
            })
            .collect(),
    };
    let mut start = Start {
        shift: vec![vec![None; nd]; ne],
        standby: vec![vec![None; nd]; ne],
    };

    // Fair shares: nobody takes more nights or statutory-holiday shifts than the group's
    // average rounded up while someone else can.
    let group: Vec<bool> = p
        .employees
        .iter()
        .map(|e| !e.reserve && e.has_role(crate::site::roles::AGENT))
        .collect();
    let group_size = group.iter().filter(|x| **x).count().max(1) as f64;
    let group_demand = |pick: &dyn Fn(usize, usize) -> bool| -> f64 {
        let mut total = 0u32;
        for d in 0..nd {
            for s in 0..ns {
                if pick(d, s) {
                    for (r, m) in &ix.req[d][s] {
                        if p.employees
                            .iter()
                            .zip(&group)
                            .any(|(e, g)| *g && e.has_role(r))
                        {
                            total += m;
                        }
                    }
                }
            }
        }
        total as f64
    };
    let night_cap = (group_demand(&|_, s| night[s]) / group_size).ceil() as u32;
    let holiday_cap =
        (group_demand(&|d, _| p.days[d].kind == DayKind::Statutory) / group_size).ceil() as u32;
    let holders = |role: &str| p.employees.iter().filter(|e| e.has_role(role)).count();
    let leader_capable: Vec<bool> = p
        .employees
        .iter()
        .map(|e| e.has_role(crate::site::roles::TEAM_LEADER))
        .collect();

    for d in 0..nd {
        let j = hd + d;
        let days_left = (nd - d) as f64;
        let holiday = p.days[d].kind == DayKind::Statutory;
        let weekend = is_weekend(p.days[d].date);
        // Needs of the day, scarcest role first, nights before days.
        let mut needs: Vec<(usize, String, u32)> = Vec::new();
        for s in 0..ns {
            for (role, min) in &ix.req[d][s] {
                needs.push((s, role.clone(), *min));
            }
        }
        needs.sort_by_key(|(s, role, _)| (holders(role), !night[*s], *s));
        for (s, role, min) in needs {
            for _ in 0..min {
                // Leader-capable people free of late shifts today, counted once per seat (a
                // count per candidate made the greedy quadratic in the staff: 2.3 s a try on
                // the 265-person site in a debug build, 40 tries before HiGHS started).
                let free_leaders = (0..ne)
                    .filter(|&o| leader_capable[o])
                    .filter(|&o| g.work[o][j].is_none_or(|x| night[x]))
                    .count();
                let mut best: Option<(f64, usize, usize)> = None;
                for e in 0..ne {
                    let Some(r) = roles_on[e][s].iter().position(|x| *x == role) else {
                        continue;
                    };
                    if !g.can_take(e, d, s) {
                        continue;
                    }
                    let emp = &p.employees[e];
                    let pe = &g.people[e];
                    // Hours: favour people with most headroom under the cap and most hours
                    // still owed, per day left, so tight months do not run dry at the end.
                    let need = (g.min_minutes[e] as f64 - pe.minutes as f64).max(0.0);
                    let headroom = g.max_minutes[e].saturating_sub(pe.minutes) as f64;
                    let mut score = if seed % 2 == 0 {
                        -(headroom + need) / days_left / 60.0
                    } else {
                        -need / days_left / 60.0
                    };
                    if seed > 0 {
                        score += 2.0 * jitter(seed, e, d, s);
                    }
                    if emp.reserve {
                        score += 1000.0;
                    }
                    let over_share = group[e]
                        && ((night[s] && pe.nights >= night_cap)
                            || (holiday && pe.holidays >= holiday_cap));
                    if over_share {
                        score += 100.0;
                    }
                    // Tomorrow's night needs a leader who is not on A/P today (rest rule):
                    // keep at least three leader-capable people free of late shifts.
                    if leader_capable[e] && !night[s] {
                        // The others: `e` itself is free (it passed `can_take`), so counted.
                        let free = free_leaders.saturating_sub(1);
                        if free < 3 {
                            score += 50.0;
                        }
                    }
                    if emp.roles.len() > 1 && role == crate::site::roles::AGENT {
                        // Keep team-leader-capable people for the TL seat, above all at night,
                        // where the few of them already carry every night's leader seat.
                        score += if night[s] { 15.0 } else { 3.0 };
                    }
                    if night[s] {
                        score += 10.0 * pe.nights as f64;
                    }
                    if holiday {
                        score += 10.0 * pe.holidays as f64;
                    }
                    if weekend {
                        score += 0.5 * pe.weekends as f64;
                    }
                    if g.work[e][j - 1] == Some(s) {
                        score -= 1.0;
                    }
                    // Stagger days off: everybody starting the month fresh would otherwise hit
                    // the consecutive-day limit on the same date.
                    score += 0.7 * g.work_run(e, j) as f64;
                    if best.is_none_or(|(b, _, _)| score < b) {
                        best = Some((score, e, r));
                    }
                }
                let Some((_, e, r)) = best else { break };
                g.assign(e, d, s, night[s], holiday, weekend);
                start.shift[e][d] = Some((s, r));
            }
        }
        // Standby for this date among those off today, checked against the days before;
        // later days are filled around it (see `Greedy::duty`).
        // Night standby is the hardest to place (nobody off a late shift yesterday qualifies).
        let mut sb_shifts = ix.standby_shifts();
        sb_shifts.sort_by_key(|&s| !night[s]);
        for s in sb_shifts {
            for _ in 0..p.rules.standby_per_shift {
                let mut best: Option<(f64, usize)> = None;
                for e in 0..ne {
                    if !ix.standby_qualified(e) || g.duty[e][j].is_some() || !g.can_take(e, d, s) {
                        continue;
                    }
                    let spare = g.max_minutes[e].saturating_sub(g.people[e].minutes) as f64 / 60.0;
                    // Half of the tries spread duties evenly; the other half keep them with
                    // people who already have one, whose hours already leave room for a
                    // call-in: in tight months that room is what runs out.
                    let count = g.people[e].standby as f64;
                    let score = if p.employees[e].reserve {
                        -1000.0
                    } else if seed % 4 >= 2 {
                        -10.0 * count.min(1.0) - spare / days_left
                    } else {
                        10.0 * count - spare / days_left
                    };
                    if best.is_none_or(|(b, _)| score < b) {
                        best = Some((score, e));
                    }
                }
                if let Some((_, e)) = best {
                    g.duty[e][j] = Some(s);
                    g.people[e].standby += 1;
                    start.standby[e][d] = Some(s);
                }
            }
        }
        // Extra shifts for people who would otherwise end the month below their minimum.
        for e in 0..ne {
            let emp = &p.employees[e];
            if emp.reserve || g.work[e][j].is_some() || g.duty[e][j].is_some() {
                continue;
            }
            let need = g.min_minutes[e] as f64 - g.people[e].minutes as f64;
            let max_run = ix.max_consecutive_days(e) as f64;
            let later = (days_left - 1.0) * 480.0 * max_run / (max_run + 1.0);
            if need <= 0.0 || need < later * 0.9 {
                continue;
            }
            let choice = (0..ns)
                .filter(|&s| !night[s] && !roles_on[e][s].is_empty() && !ix.req[d][s].is_empty())
                .find(|&s| g.can_take(e, d, s));
            if let Some(s) = choice {
                g.assign(e, d, s, false, holiday, weekend);
                start.shift[e][d] = Some((s, 0));
            }
        }
    }
    start
}

/// The greedy's running state. `duty[e][hd + d]` holds a standby designated on day `d`: it
/// counts as a possible shift when later days are filled, so that calling the person in stays
/// within the rest, run-length and hours rules.
struct Greedy<'a, 'p> {
    ix: &'a Index<'p>,
    hd: usize,
    max_gap: i64,
    work: Vec<Vec<Option<usize>>>,
    duty: Vec<Vec<Option<usize>>>,
    /// `Index::min_minutes` and `Index::max_minutes` of each person.
    min_minutes: Vec<u32>,
    max_minutes: Vec<u32>,
    people: Vec<Person>,
}

impl Greedy<'_, '_> {
    /// Days worked in a row just before column `j`.
    fn work_run(&self, e: usize, j: usize) -> u32 {
        (0..j)
            .rev()
            .take_while(|&i| self.work[e][i].is_some())
            .count() as u32
    }

    /// Whether working column `j` keeps every earlier standby duty callable under the
    /// consecutive-day limit (worked days around the duty + the call-in itself).
    fn duties_stay_callable(&self, e: usize, j: usize) -> bool {
        let max = self.ix.max_consecutive_days(e) as usize;
        let from = j.saturating_sub(max);
        (from..j).filter(|&k| self.duty[e][k].is_some()).all(|k| {
            let left = self.work_run(e, k) as usize;
            // Work from k+1 up to j must be contiguous for j to extend the run after k.
            let contiguous = (k + 1..j).all(|i| self.work[e][i].is_some());
            let right = if contiguous { j - k } else { 0 };
            left + 1 + right <= max
        })
    }

    fn assign(&mut self, e: usize, d: usize, s: usize, night: bool, holiday: bool, weekend: bool) {
        self.work[e][self.hd + d] = Some(s);
        let pe = &mut self.people[e];
        pe.minutes += self.ix.p.shifts[s].paid_minutes;
        pe.nights += night as u32;
        pe.holidays += holiday as u32;
        pe.weekends += weekend as u32;
    }

    /// Whether `e` may work (or be called in for) shift `s` on day `d`.
    fn can_take(&self, e: usize, d: usize, s: usize) -> bool {
        let p = self.ix.p;
        let j = self.hd + d;
        if self.work[e][j].is_some() || !self.ix.can_work(e, d, s) {
            return false;
        }
        // A person with standby duties keeps room for one call-in.
        let call_in = if self.people[e].standby > 0 {
            p.shifts[s].paid_minutes
        } else {
            0
        };
        if self.people[e].minutes + p.shifts[s].paid_minutes + call_in > self.max_minutes[e] {
            return false;
        }
        for g in 1..=self.max_gap {
            let gu = g as usize;
            if j >= gu {
                if let Some(a) = self.work[e][j - gu].or(self.duty[e][j - gu]) {
                    if !self.ix.rest_ok(a, g, s) {
                        return false;
                    }
                }
            }
        }
        if self.work_run(e, j) >= self.ix.max_consecutive_days(e)
            || !self.duties_stay_callable(e, j)
        {
            return false;
        }
        if let Some(max) = p.rules.max_consecutive_shifts.get(&p.shifts[s].code) {
            let run = (0..j)
                .rev()
                .take_while(|&i| self.work[e][i] == Some(s))
                .count() as u32;
            if run >= *max {
                return false;
            }
        }
        true
    }
}

/// The constructive start as a roster (for tests and diagnostics).
pub(crate) fn to_roster(
    ix: &Index<'_>,
    roles_on: &[Vec<Vec<String>>],
    start: &Start,
) -> crate::Roster {
    let p = ix.p;
    let mut assignments = Vec::new();
    let mut standby = Vec::new();
    for (e, days) in start.shift.iter().enumerate() {
        for (d, c) in days.iter().enumerate() {
            if let Some((s, r)) = c {
                assignments.push(crate::Assignment {
                    employee: p.employees[e].id.clone(),
                    date: p.days[d].date,
                    shift: p.shifts[*s].code.clone(),
                    role: roles_on[e][*s][*r].clone(),
                });
            }
        }
    }
    for (e, days) in start.standby.iter().enumerate() {
        for (d, c) in days.iter().enumerate() {
            if let Some(s) = c {
                standby.push(crate::StandbyDuty {
                    employee: p.employees[e].id.clone(),
                    date: p.days[d].date,
                    shift: p.shifts[*s].code.clone(),
                });
            }
        }
    }
    crate::Roster {
        status: crate::SolveStatus::Unsolved,
        assignments,
        standby,
        shortfalls: Vec::new(),
        stats: Default::default(),
    }
}

/// Fairness repair on a rule-abiding roster: swaps two comparable people's whole day
/// (shift and standby) when the result still passes the independent validator and lowers the
/// spread of nights and statutory-holiday shifts (max − min first, then the sum of squares).
/// Cheap next to the MIP, and it fixes what a day-by-day greedy cannot see coming. No clock
/// (see [`best_start`]); a solve uses [`improve_fairness_until`].
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn improve_fairness(ix: &Index<'_>, roster: &mut crate::Roster, max_swaps: usize) {
    improve_fairness_until(ix, roster, max_swaps, None);
}

/// [`improve_fairness`] that stops trying swaps once `until` has passed, keeping the swaps
/// made so far (each leaves a roster the validator passes). A trial clones and validates the
/// whole roster: about 2 s of trials on a demo month in a debug build, but on a large site
/// the rounds of up to hundreds of trials each would run far past any limit.
pub(crate) fn improve_fairness_until(
    ix: &Index<'_>,
    roster: &mut crate::Roster,
    max_swaps: usize,
    until: Option<Instant>,
) {
    let out_of_time = || until.is_some_and(|u| Instant::now() >= u);
    let p = ix.p;
    let groups = crate::fairness::comparison_groups(ix);
    let Some(members) = groups.get(crate::site::roles::AGENT) else {
        return;
    };
    let members: Vec<&str> = members
        .iter()
        .map(|&e| p.employees[e].id.as_str())
        .collect();
    let score = |r: &crate::Roster| -> (u32, u64) {
        let sum = crate::summarize(p, r);
        let spread = sum.spread("agent", "nights").unwrap_or(0) * 10
            + sum.spread("agent", "holiday_shifts").unwrap_or(0) * 10;
        let sq: u64 = sum
            .people
            .iter()
            .filter(|x| members.contains(&x.employee.as_str()))
            .map(|x| (x.nights as u64).pow(2) + (x.holiday_shifts as u64).pow(2))
            .sum();
        (spread, sq)
    };
    if !crate::validate(p, roster).is_empty() {
        return;
    }
    let mut best = score(roster);
    let mut swaps = 0;
    let mut improved = true;
    while improved && swaps < max_swaps && !out_of_time() {
        improved = false;
        let sum = crate::summarize(p, roster);
        let mut order: Vec<(&str, u32)> = sum
            .people
            .iter()
            .filter(|x| members.contains(&x.employee.as_str()))
            .map(|x| (x.employee.as_str(), x.nights * 4 + x.holiday_shifts))
            .collect();
        order.sort_by_key(|x| std::cmp::Reverse(x.1));
        let heavy: Vec<String> = order.iter().take(6).map(|x| x.0.to_string()).collect();
        let light: Vec<String> = order
            .iter()
            .rev()
            .take(12)
            .map(|x| x.0.to_string())
            .collect();
        'outer: for x in &heavy {
            // Someone whose nights include team-leader seats can only swap with people who
            // hold the same roles: take those too, lightest first.
            let xe = &p.employees[ix.employee(x).expect("member")];
            let mut light = light.clone();
            for (id, _) in order.iter().rev() {
                let ye = &p.employees[ix.employee(id).expect("member")];
                if xe.roles.len() > 1
                    && xe.roles.iter().all(|r| ye.has_role(r))
                    && !light.iter().any(|l| l == id)
                {
                    light.push(id.to_string());
                }
            }
            let dates: Vec<chrono::NaiveDate> = roster
                .assignments
                .iter()
                .filter(|a| &a.employee == x)
                .filter(|a| {
                    p.rules.night_shifts.contains(&a.shift)
                        || ix
                            .day(a.date)
                            .is_some_and(|d| p.days[d].kind == DayKind::Statutory)
                })
                .map(|a| a.date)
                .collect();
            for y in &light {
                for &date in &dates {
                    if out_of_time() {
                        break 'outer;
                    }
                    let mut trial = roster.clone();
                    swap_day(&mut trial, x, y, date);
                    let sc = score(&trial);
                    if sc < best && crate::validate(p, &trial).is_empty() {
                        *roster = trial;
                        best = sc;
                        swaps += 1;
                        improved = true;
                        break 'outer;
                    }
                }
            }
        }
    }
}

fn swap_day(r: &mut crate::Roster, x: &str, y: &str, date: chrono::NaiveDate) {
    let flip = |e: &mut String| {
        if e == x {
            *e = y.to_string();
        } else if e == y {
            *e = x.to_string();
        }
    };
    for a in r.assignments.iter_mut().filter(|a| a.date == date) {
        flip(&mut a.employee);
    }
    for s in r.standby.iter_mut().filter(|s| s.date == date) {
        flip(&mut s.employee);
    }
}

/// Maps a roster back to the start's indexes (assignments whose role or shift the model has
/// no variable for are dropped; the validator-checked repair never produces such).
pub(crate) fn from_roster(
    ix: &Index<'_>,
    roles_on: &[Vec<Vec<String>>],
    r: &crate::Roster,
) -> Start {
    let p = ix.p;
    let (ne, nd) = (p.employees.len(), p.num_days());
    let mut start = Start {
        shift: vec![vec![None; nd]; ne],
        standby: vec![vec![None; nd]; ne],
    };
    for a in &r.assignments {
        if let (Some(e), Some(d), Some(s)) =
            (ix.employee(&a.employee), ix.day(a.date), ix.shift(&a.shift))
        {
            if let Some(k) = roles_on[e][s].iter().position(|x| *x == a.role) {
                start.shift[e][d] = Some((s, k));
            }
        }
    }
    for sb in &r.standby {
        if let (Some(e), Some(d), Some(s)) = (
            ix.employee(&sb.employee),
            ix.day(sb.date),
            ix.shift(&sb.shift),
        ) {
            start.standby[e][d] = Some(s);
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{summarize, validate, Problem};

    fn demo(month: u32) -> Problem {
        crate::testing::demo(month, vec![])
    }

    /// The greedy start (best of its tries, fairness-repaired) already breaks no hard rule on
    /// any 2026 demo month, so HiGHS always starts from a publishable roster; in February it
    /// already meets the fair-share targets (nights spread <= 2, holiday shifts spread <= 1).
    #[test]
    fn the_constructive_start_is_valid_on_the_demo() {
        for month in 1..=12 {
            let p = demo(month);
            let ix = Index::new(&p);
            let roles_on = roles_on(&ix);
            let mut r = best_start(&ix, &roles_on, 40);
            improve_fairness(&ix, &mut r, 200);
            let v = validate(&p, &r);
            let s = summarize(&p, &r);
            eprintln!(
                "2026-{month:02}: nights spread {:?}, holiday spread {:?}",
                s.spread("agent", "nights"),
                s.spread("agent", "holiday_shifts")
            );
            // Fair-share targets of the roster issue, met before HiGHS even starts.
            if month == 2 {
                assert!(s.spread("agent", "nights").unwrap() <= 2);
                assert!(s.spread("agent", "holiday_shifts").unwrap() <= 1);
            }
            assert!(
                v.is_empty(),
                "2026-{month:02}: {} violations, first {:?}",
                v.len(),
                v.iter().take(5).collect::<Vec<_>>()
            );
        }
    }
}
