//! A constructive start (初始解): a greedy roster built day by day under every hard rule, given
//! to HiGHS as its first incumbent.
//!
//! Why: on the demo month the MIP's own primal heuristics find nothing better than a roster
//! full of shortfalls within a minute (measured with `benches/demo_months.rs`), while the
//! relaxation already proves that full cover is possible. Starting from a rule-abiding roster
//! lets the solver spend its time on fairness and pattern quality instead. Only the binary
//! variables are given; HiGHS completes the continuous ones by solving the LP with them fixed.

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

pub(crate) fn build(ix: &Index<'_>, roles_on: &[Vec<Vec<String>>]) -> Start {
    let p = ix.p;
    let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
    let hd = p.rules.history_days as i64;
    let max_gap = ix.max_rest_gap();
    let cap = ix.max_minutes();
    let night: Vec<bool> = p
        .shifts
        .iter()
        .map(|s| p.rules.night_shifts.contains(&s.code))
        .collect();
    // work[e][hd + d]
    let mut work: Vec<Vec<Option<usize>>> = vec![vec![None; hd as usize + nd]; ne];
    for (e, row) in work.iter_mut().enumerate() {
        for k in 0..hd {
            row[(hd - 1 - k) as usize] = ix.history_shift(e, -1 - k);
        }
    }
    let mut start = Start {
        shift: vec![vec![None; nd]; ne],
        standby: vec![vec![None; nd]; ne],
    };
    let mut people: Vec<Person> = (0..ne)
        .map(|_| Person {
            minutes: 0,
            nights: 0,
            holidays: 0,
            weekends: 0,
            standby: 0,
        })
        .collect();

    let run_before =
        |work: &Vec<Vec<Option<usize>>>, e: usize, j: usize, code: Option<usize>| -> u32 {
            (0..j)
                .rev()
                .take_while(|&i| match code {
                    None => work[e][i].is_some(),
                    Some(s) => work[e][i] == Some(s),
                })
                .count() as u32
        };
    let can_take = |work: &Vec<Vec<Option<usize>>>,
                    people: &Vec<Person>,
                    e: usize,
                    d: usize,
                    s: usize|
     -> bool {
        let j = hd as usize + d;
        if work[e][j].is_some() || !ix.can_work(e, d, s) {
            return false;
        }
        if people[e].minutes + p.shifts[s].paid_minutes > cap {
            return false;
        }
        for g in 1..=max_gap {
            let gu = g as usize;
            if j >= gu {
                if let Some(a) = work[e][j - gu] {
                    if !ix.rest_ok(a, g, s) {
                        return false;
                    }
                }
            }
        }
        if run_before(work, e, j, None) >= p.rules.max_consecutive_days {
            return false;
        }
        if let Some(max) = p.rules.max_consecutive_shifts.get(&p.shifts[s].code) {
            if run_before(work, e, j, Some(s)) >= *max {
                return false;
            }
        }
        true
    };

    for d in 0..nd {
        let j = hd as usize + d;
        let days_left = (nd - d) as f64;
        let holiday = p.days[d].kind == DayKind::Statutory;
        let weekend = is_weekend(p.days[d].date);
        // Needs of the day, scarcest first: roles held by few people before common ones.
        let mut needs: Vec<(usize, String, u32)> = Vec::new();
        for s in 0..ns {
            for (role, min) in &ix.req[d][s] {
                needs.push((s, role.clone(), *min));
            }
        }
        let holders = |role: &str| p.employees.iter().filter(|e| e.has_role(role)).count();
        needs.sort_by_key(|(s, role, _)| (holders(role), !night[*s], *s));
        for (s, role, min) in needs {
            for _ in 0..min {
                let mut best: Option<(f64, usize, usize)> = None;
                for e in 0..ne {
                    let Some(r) = roles_on[e][s].iter().position(|x| *x == role) else {
                        continue;
                    };
                    if !can_take(&work, &people, e, d, s) {
                        continue;
                    }
                    let emp = &p.employees[e];
                    let pe = &people[e];
                    let need = ix.min_minutes(e) as f64 - pe.minutes as f64;
                    let mut score = -need / days_left / 60.0;
                    if emp.reserve {
                        score += 1000.0;
                    }
                    if emp.roles.len() > 1 && role == crate::site::roles::AGENT {
                        score += 0.5; // keep team-leader-capable people for the TL seat
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
                    if j > 0 && work[e][j - 1] == Some(s) {
                        score -= 1.0;
                    }
                    if best.is_none_or(|(b, _, _)| score < b) {
                        best = Some((score, e, r));
                    }
                }
                let Some((_, e, r)) = best else { break };
                work[e][j] = Some(s);
                start.shift[e][d] = Some((s, r));
                let pe = &mut people[e];
                pe.minutes += p.shifts[s].paid_minutes;
                pe.nights += night[s] as u32;
                pe.holidays += holiday as u32;
                pe.weekends += weekend as u32;
            }
        }
        // Extra shifts for people who would otherwise end the month below their minimum.
        for e in 0..ne {
            let emp = &p.employees[e];
            if emp.reserve || work[e][j].is_some() {
                continue;
            }
            let need = ix.min_minutes(e) as f64 - people[e].minutes as f64;
            let later = (days_left - 1.0) * 480.0 * p.rules.max_consecutive_days as f64
                / (p.rules.max_consecutive_days + 1) as f64;
            if need <= 0.0 || need < later * 0.9 {
                continue;
            }
            let choice = (0..ns)
                .filter(|&s| !night[s] && !roles_on[e][s].is_empty() && !ix.req[d][s].is_empty())
                .find(|&s| can_take(&work, &people, e, d, s));
            if let Some(s) = choice {
                work[e][j] = Some(s);
                start.shift[e][d] = Some((s, 0));
                people[e].minutes += p.shifts[s].paid_minutes;
                people[e].holidays += holiday as u32;
                people[e].weekends += weekend as u32;
            }
        }
    }

    // Standby, once every shift is known (calling in is checked against both neighbours).
    let sb_shifts = ix.standby_shifts();
    for d in 0..nd {
        let j = hd as usize + d;
        for &s in &sb_shifts {
            for _ in 0..p.rules.standby_per_shift {
                let mut best: Option<(f64, usize)> = None;
                for e in 0..ne {
                    if !ix.standby_qualified(e)
                        || start.standby[e][d].is_some()
                        || work[e][j].is_some()
                    {
                        continue;
                    }
                    if !ix.can_work(e, d, s) || people[e].minutes + p.shifts[s].paid_minutes > cap {
                        continue;
                    }
                    let rest_ok = (1..=max_gap).all(|g| {
                        let gu = g as usize;
                        let before =
                            j >= gu && work[e][j - gu].is_some_and(|a| !ix.rest_ok(a, g, s));
                        let after = work[e]
                            .get(j + gu)
                            .copied()
                            .flatten()
                            .is_some_and(|b| !ix.rest_ok(s, g, b));
                        !before && !after
                    });
                    let left = run_before(&work, e, j, None);
                    let right = (j + 1..work[e].len())
                        .take_while(|&i| work[e][i].is_some())
                        .count() as u32;
                    if !rest_ok || left + 1 + right > p.rules.max_consecutive_days {
                        continue;
                    }
                    let score = if p.employees[e].reserve {
                        -100.0
                    } else {
                        people[e].standby as f64
                    };
                    if best.is_none_or(|(b, _)| score < b) {
                        best = Some((score, e));
                    }
                }
                if let Some((_, e)) = best {
                    start.standby[e][d] = Some(s);
                    people[e].standby += 1;
                }
            }
        }
    }
    start
}
