//! The objective of a roster recomputed from its assignments (目标值复算).
//!
//! The model prices several terms through helper variables bounded from one side only
//! (surplus over the minimum, the largest and smallest count of a spread, an isolated day
//! off, a change of shift). At an optimum they sit on their bound, but a heuristic incumbent
//! or a solve stopped by the time limit may leave them slack, so their values overstate the
//! roster's cost. Every figure reported for a roster — the objective, the table by term, the
//! gap — is computed here from the roster itself, with the model's own definitions and
//! weights: the spread is the largest count minus the smallest, the surplus the people above
//! the minimum, and so on.

use crate::calendar::{is_weekend, DayKind};
use crate::fairness::comparison_groups;
use crate::problem::{Index, Problem};
use crate::roster::{ObjectiveTerm, Roster};

use super::anchor::{day_factor, Anchor, Cell};

/// A roster read onto the model's indexes.
struct Grid {
    /// `shift[e][d]`: the shift worked and the role counted in (one a day; a second entry
    /// of a hand-edited roster is ignored, the validator reports it).
    shift: Vec<Vec<Option<(usize, String)>>>,
    /// `standby[e][d]`: the shifts stood by for.
    standby: Vec<Vec<Vec<usize>>>,
    /// The handover's (cover seats, all seats) lost, read by two terms, worked out once.
    handover: std::cell::OnceCell<(u32, u32)>,
}

impl Grid {
    fn new(ix: &Index<'_>, roster: &Roster) -> Grid {
        let p = ix.p;
        let (ne, nd) = (p.employees.len(), p.num_days());
        let mut shift = vec![vec![None; nd]; ne];
        let mut standby = vec![vec![Vec::new(); nd]; ne];
        for a in &roster.assignments {
            if let (Some(e), Some(d), Some(s)) =
                (ix.employee(&a.employee), ix.day(a.date), ix.shift(&a.shift))
            {
                if shift[e][d].is_none() {
                    shift[e][d] = Some((s, a.role.clone()));
                }
            }
        }
        for sb in &roster.standby {
            if let (Some(e), Some(d), Some(s)) = (
                ix.employee(&sb.employee),
                ix.day(sb.date),
                ix.shift(&sb.shift),
            ) {
                if !standby[e][d].contains(&s) {
                    standby[e][d].push(s);
                }
            }
        }
        Grid {
            shift,
            standby,
            handover: std::cell::OnceCell::new(),
        }
    }

    fn works(&self, e: usize, d: usize) -> bool {
        self.shift[e][d].is_some()
    }

    fn on(&self, e: usize, d: usize, s: usize) -> bool {
        matches!(&self.shift[e][d], Some((x, _)) if *x == s)
    }

    fn w(&self, e: usize, d: usize) -> f64 {
        f64::from(u8::from(self.works(e, d)))
    }
}

/// The terms of a month solved without an anchor, in the model's order, with their weights
/// (a term of weight 0 is not in the model). The model's own list is checked against this
/// one in the tests.
pub(crate) fn plain_terms(ix: &Index<'_>) -> Vec<(&'static str, f64)> {
    let w = &ix.p.weights;
    let mut out = vec![("cover_shortfall", w.shortfall)];
    if !w.surplus.is_empty() {
        out.push(("cover_surplus", 1.0));
    }
    out.push(("reserve_shifts", w.reserve_shift));
    out.push(("hours_shortfall", w.hours_shortfall_per_hour));
    if !ix.standby_shifts().is_empty() {
        out.push(("standby_shortfall", w.standby_shortfall));
        out.push(("standby_non_reserve", w.standby_non_reserve));
    }
    out.extend([
        ("night_spread", w.night_spread),
        ("holiday_spread", w.holiday_spread),
        ("weekend_spread", w.weekend_spread),
        ("standby_spread", w.standby_spread),
        ("preferences", w.preference),
        ("isolated_day_off", w.isolated_day_off),
        ("shift_change", w.shift_change),
    ]);
    if super::handover::Handover::new(ix).is_some() {
        out.push(("handover_shortfall", w.shortfall));
        out.push(("handover_seats", w.standby_shortfall));
    }
    out.retain(|(name, weight)| *weight != 0.0 || *name == "cover_surplus");
    out
}

/// The objective of `roster` by term, for the terms `terms` (name, weight) of the model that
/// solved it; `anchor` prices a repair's changes.
pub(crate) fn evaluate(
    ix: &Index<'_>,
    roster: &Roster,
    anchor: Option<&Anchor>,
    terms: &[(&str, f64)],
) -> Vec<ObjectiveTerm> {
    let g = Grid::new(ix, roster);
    terms
        .iter()
        .map(|&(name, weight)| {
            let m = measure(ix, &g, anchor, name);
            ObjectiveTerm {
                name: name.to_string(),
                measure: round6(m),
                cost: round6(m * weight),
            }
        })
        .collect()
}

/// The objective of a month's roster by term, recomputed from its assignments with the
/// weights of the problem (the same definitions the model optimises). The sum of the costs is
/// the roster's objective.
pub fn objective_terms(problem: &Problem, roster: &Roster) -> Vec<ObjectiveTerm> {
    let ix = Index::new(problem);
    evaluate(&ix, roster, None, &plain_terms(&ix))
}

/// Sum of the costs (rounded as the terms are).
pub(crate) fn total(terms: &[ObjectiveTerm]) -> f64 {
    round6(terms.iter().map(|t| t.cost).sum())
}

pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn measure(ix: &Index<'_>, g: &Grid, anchor: Option<&Anchor>, name: &str) -> f64 {
    match name {
        "cover_shortfall" => cover_shortfall(ix, g),
        "cover_surplus" => cover_surplus(ix, g),
        "reserve_shifts" => reserve_shifts(ix, g),
        "hours_shortfall" => hours_shortfall(ix, g),
        "standby_shortfall" => standby_shortfall(ix, g),
        "standby_non_reserve" => standby_non_reserve(ix, g),
        "night_spread" | "holiday_spread" | "weekend_spread" | "standby_spread" => {
            spread(ix, g, name)
        }
        "preferences" => preferences(ix, g),
        "isolated_day_off" => isolated_days_off(ix, g),
        "shift_change" => shift_changes(ix, g),
        "handover_shortfall" => f64::from(handover(ix, g).0),
        "handover_seats" => f64::from(handover(ix, g).1),
        "repair_changes" => anchor.map_or(0.0, |a| repair_changes(ix, g, a)),
        // A term this file does not know would make the reported objective wrong.
        other => panic!("objective term `{other}` has no recomputation"),
    }
}

/// People counted in `role` on shift `s` of day `d`.
fn count_role(ix: &Index<'_>, g: &Grid, d: usize, s: usize, role: &str) -> u32 {
    (0..ix.p.employees.len())
        .filter(|&e| matches!(&g.shift[e][d], Some((x, r)) if *x == s && r == role))
        .count() as u32
}

/// Minimum cover by role, and interval cover pro rata of an 8-hour shift.
fn cover_shortfall(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let mut short = 0.0;
    for d in 0..nd {
        for s in 0..ns {
            for (role, min) in ix.req[d][s].iter().filter(|(_, m)| *m > 0) {
                short += f64::from(min.saturating_sub(count_role(ix, g, d, s, role)));
            }
        }
    }
    if let Some(dm) = &p.demand {
        for need in dm.needs.iter().filter(|n| n.rostered > 0) {
            let Some(d) = ix.day(need.date) else { continue };
            let mut have = 0u32;
            for offset in 0..=1usize.min(d) {
                for s in 0..ns {
                    if !crate::demand::staffing::covers(
                        &p.shifts[s],
                        offset as i64,
                        need.start_minute,
                        need.minutes,
                    ) {
                        continue;
                    }
                    have += (0..ne)
                        .filter(|&e| {
                            matches!(&g.shift[e][d - offset], Some((x, r)) if *x == s && *r == dm.role)
                        })
                        .count() as u32;
                }
            }
            short +=
                f64::from(need.rostered.saturating_sub(have)) * f64::from(need.minutes) / 480.0;
        }
    }
    short
}

/// People above the day's total minimum on a priced shift, times the shift's price.
fn cover_surplus(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    let (ne, nd) = (p.employees.len(), p.num_days());
    let mut over = 0.0;
    for d in 0..nd {
        for (s, shift) in p.shifts.iter().enumerate() {
            let w = p.weights.surplus.get(&shift.code).copied().unwrap_or(0.0);
            let reqs = &ix.req[d][s];
            if w == 0.0 || reqs.is_empty() {
                continue;
            }
            let total_min: u32 = reqs.iter().map(|(_, m)| *m).sum();
            let people = (0..ne).filter(|&e| g.on(e, d, s)).count() as u32;
            over += f64::from(people.saturating_sub(total_min)) * w;
        }
    }
    over
}

fn reserve_shifts(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    (0..p.employees.len())
        .filter(|&e| p.employees[e].reserve)
        .map(|e| (0..p.num_days()).map(|d| g.w(e, d)).sum::<f64>())
        .sum()
}

/// Hours below the floor (a soft floor only).
fn hours_shortfall(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    if p.rules.hours_floor_hard {
        return 0.0;
    }
    let mut short = 0.0;
    for e in 0..p.employees.len() {
        let min = ix.min_minutes(e);
        if min == 0 {
            continue;
        }
        let worked: u32 = (0..p.num_days())
            .filter_map(|d| g.shift[e][d].as_ref())
            .map(|(s, _)| p.shifts[*s].paid_minutes)
            .sum();
        short += f64::from(min.saturating_sub(worked)) / 60.0;
    }
    short
}

fn standby_shortfall(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    let per = p.rules.standby_per_shift;
    let mut short = 0.0;
    for d in 0..p.num_days() {
        for s in ix.standby_shifts() {
            let have = (0..p.employees.len())
                .filter(|&e| g.standby[e][d].contains(&s))
                .count() as u32;
            short += f64::from(per.saturating_sub(have));
        }
    }
    short
}

fn standby_non_reserve(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    (0..p.employees.len())
        .filter(|&e| !p.employees[e].reserve)
        .map(|e| {
            (0..p.num_days())
                .map(|d| g.standby[e][d].len() as f64)
                .sum::<f64>()
        })
        .sum()
}

/// The count a spread measures for person `e`.
fn metric(ix: &Index<'_>, g: &Grid, name: &str, e: usize, night: &[usize]) -> f64 {
    let p = ix.p;
    (0..p.num_days())
        .map(|d| match name {
            "night_spread" => f64::from(u8::from(night.iter().any(|&s| g.on(e, d, s)))),
            "holiday_spread" if p.days[d].kind == DayKind::Statutory => g.w(e, d),
            "weekend_spread" if is_weekend(p.days[d].date) => g.w(e, d),
            "standby_spread" => g.standby[e][d].len() as f64,
            _ => 0.0,
        })
        .sum()
}

/// Sum over the comparison groups of the largest count minus the smallest among members
/// without leave (a group without such members has no spread).
fn spread(ix: &Index<'_>, g: &Grid, name: &str) -> f64 {
    let p = ix.p;
    let night: Vec<usize> = p
        .rules
        .night_shifts
        .iter()
        .filter_map(|c| ix.shift(c))
        .collect();
    let mut total = 0.0;
    for members in comparison_groups(ix).values() {
        let full: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&e| ix.leave[e].iter().all(Option::is_none))
            .collect();
        if full.is_empty() {
            continue;
        }
        let hi = members
            .iter()
            .map(|&e| metric(ix, g, name, e, &night))
            .fold(f64::MIN, f64::max);
        let lo = full
            .iter()
            .map(|&e| metric(ix, g, name, e, &night))
            .fold(f64::MAX, f64::min);
        total += (hi - lo).max(0.0);
    }
    total
}

fn preferences(ix: &Index<'_>, g: &Grid) -> f64 {
    let p = ix.p;
    let mut unmet = 0.0;
    for (e, emp) in p.employees.iter().enumerate() {
        for pref in &emp.preferences {
            for (d, day) in p.days.iter().enumerate() {
                if !pref.applies_on(day.date) {
                    continue;
                }
                let x = match &pref.shift {
                    Some(code) => ix.shift(code).is_some_and(|s| g.on(e, d, s)),
                    None => g.works(e, d),
                };
                if x != pref.want {
                    unmet += pref.weight as f64;
                }
            }
        }
    }
    unmet
}

/// Whether the pattern terms apply to `e` (the model leaves the reserve and working-days-only
/// staff out).
fn patterned(ix: &Index<'_>, e: usize) -> bool {
    let emp = &ix.p.employees[e];
    !emp.reserve && !emp.working_days_only
}

/// Single days off between two worked days (the previous month's last day included).
fn isolated_days_off(ix: &Index<'_>, g: &Grid) -> f64 {
    let nd = ix.p.num_days();
    let mut n = 0.0;
    for e in (0..ix.p.employees.len()).filter(|&e| patterned(ix, e)) {
        for d in 0..nd.saturating_sub(1) {
            let before = if d == 0 {
                ix.history_shift(e, -1).is_some()
            } else {
                g.works(e, d - 1)
            };
            if before && !g.works(e, d) && g.works(e, d + 1) {
                n += 1.0;
            }
        }
    }
    n
}

/// Consecutive worked days on different shifts.
fn shift_changes(ix: &Index<'_>, g: &Grid) -> f64 {
    let nd = ix.p.num_days();
    let mut n = 0.0;
    for e in (0..ix.p.employees.len()).filter(|&e| patterned(ix, e)) {
        for d in 0..nd.saturating_sub(1) {
            if let (Some((a, _)), Some((b, _))) = (&g.shift[e][d], &g.shift[e][d + 1]) {
                if a != b {
                    n += 1.0;
                }
            }
        }
    }
    n
}

/// (cover seats, all seats) of the next month's first day the month's end leaves unfilled,
/// against a fresh team (see [`super::handover`]).
fn handover(ix: &Index<'_>, g: &Grid) -> (u32, u32) {
    *g.handover.get_or_init(|| {
        let Some(h) = super::handover::Handover::new(ix) else {
            return (0, 0);
        };
        let nd = ix.p.num_days() as i64;
        let masks: Vec<u64> = (0..ix.p.employees.len())
            .map(|e| {
                h.mask(e, |k| {
                    let d = nd - k as i64;
                    if d >= 0 {
                        g.shift[e][d as usize].as_ref().map(|(s, _)| *s)
                    } else {
                        ix.history_shift(e, d)
                    }
                })
            })
            .collect();
        h.deficit(&masks)
    })
}

/// A repair's changed cells from the change date on, priced as the model prices them.
fn repair_changes(ix: &Index<'_>, g: &Grid, anchor: &Anchor) -> f64 {
    let p = ix.p;
    let mut total = 0.0;
    for e in 0..p.employees.len() {
        for d in anchor.from..p.num_days() {
            let (changed, standby_factor) = match anchor.cells[e][d] {
                Cell::Shift(s, _) => (!g.on(e, d, s), 1.0),
                Cell::Standby(s) => (!g.standby[e][d].contains(&s), 0.5),
                Cell::Off => (g.works(e, d) || !g.standby[e][d].is_empty(), 1.0),
            };
            if changed {
                total += anchor.person_factor[e] * standby_factor * day_factor(d - anchor.from);
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::super::build;
    use super::*;

    fn demo(month: u32) -> Problem {
        crate::testing::demo(month, vec![])
    }

    /// The list of terms a plain month is priced with is the model's own, name by name and
    /// weight by weight (the public recomputation relies on it).
    #[test]
    fn plain_terms_are_the_models_terms() {
        let mut cases = vec![demo(3), demo(10)];
        let mut other = demo(4);
        other.rules.standby_shifts.clear();
        other.weights.surplus.clear();
        other.weights.isolated_day_off = 0.0;
        other.weights.preference = 0.0;
        cases.push(other);
        for p in &cases {
            let (b, _) = build(p);
            let model: Vec<(&str, f64)> = b.terms.iter().map(|t| (t.name, t.weight)).collect();
            assert_eq!(model, plain_terms(&b.ix), "{}", p.month);
        }
    }
}
