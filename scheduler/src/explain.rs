//! Explanations (原因说明): the pre-check that catches obvious impossibilities before solving,
//! and the likely cause of each shortfall in a solved roster.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::problem::{Index, Problem};
use crate::roster::{Roster, Shortfall, ShortfallKind};
use crate::zh;

/// An obvious impossibility found before solving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule or need concerned, e.g. `cover`, `daily_capacity`, `standby`.
    pub rule: String,
    /// Date, if about one date.
    pub date: Option<NaiveDate>,
    /// What cannot hold, in words.
    pub message: String,
    /// The same in Chinese, with the same figures.
    #[serde(default)]
    pub message_zh: String,
}

struct Availability {
    holders: u32,
    on_leave: u32,
    available: u32,
}

fn availability(ix: &Index<'_>, d: usize, s: Option<usize>, role: &str) -> Availability {
    let mut a = Availability {
        holders: 0,
        on_leave: 0,
        available: 0,
    };
    for (e, emp) in ix.p.employees.iter().enumerate() {
        if !emp.has_role(role) {
            continue;
        }
        a.holders += 1;
        if ix.leave[e][d].is_some() {
            a.on_leave += 1;
        } else if s.is_none_or(|s| ix.can_work(e, d, s)) {
            a.available += 1;
        }
    }
    a
}

fn mmdd(d: NaiveDate) -> String {
    d.format("%m-%d").to_string()
}

/// Checks what can be seen without solving: per date, shift and role, and per date and role
/// over all shifts (one shift a day), whether enough qualified people are free; and whether
/// enough are left for standby.
pub fn precheck(problem: &Problem) -> Vec<Finding> {
    let ix = Index::new(problem);
    let p = problem;
    let mut out = Vec::new();
    for (d, day) in p.days.iter().enumerate() {
        let mut per_role: BTreeMap<&str, u32> = BTreeMap::new();
        for (s, roles) in ix.req[d].iter().enumerate() {
            for (role, min) in roles {
                *per_role.entry(role.as_str()).or_default() += min;
                let a = availability(&ix, d, Some(s), role);
                if a.available < *min {
                    out.push(Finding {
                        rule: "cover".into(),
                        date: Some(day.date),
                        message: format!(
                            "{} {} on {}: {} needed, {} qualified of whom {} on leave, {} can work it",
                            p.shifts[s].code, role, mmdd(day.date), min, a.holders, a.on_leave, a.available
                        ),
                        message_zh: zh::tidy(&format!(
                            "{} {} 班需 {} {} 人：具备该岗位的 {} 人，其中请假 {} 人，能上此班的 {} 人",
                            mmdd(day.date), p.shifts[s].code, zh::role(role), min, a.holders, a.on_leave, a.available
                        )),
                    });
                }
            }
        }
        for (role, need) in per_role {
            let a = availability(&ix, d, None, role);
            if a.available < need {
                out.push(Finding {
                    rule: "daily_capacity".into(),
                    date: Some(day.date),
                    message: format!(
                        "{role} on {}: {need} places over the day's shifts, {} qualified of whom {} on leave: {} left (one shift a day)",
                        mmdd(day.date), a.holders, a.on_leave, a.available
                    ),
                    message_zh: zh::tidy(&format!(
                        "{} 各班共需 {} {need} 人：具备该岗位的 {} 人，其中请假 {} 人，只剩 {} 人（每人每天只上一个班）",
                        mmdd(day.date), zh::role(role), a.holders, a.on_leave, a.available
                    )),
                });
            }
        }
        let sb_shifts = ix.standby_shifts();
        if !sb_shifts.is_empty() {
            let role = p.rules.standby_role.as_str();
            let working: u32 = ix.req[d]
                .iter()
                .flatten()
                .filter(|(r, _)| r == role)
                .map(|(_, m)| *m)
                .sum();
            let need = working + p.rules.standby_per_shift * sb_shifts.len() as u32;
            let a = availability(&ix, d, None, role);
            if a.available < need {
                out.push(Finding {
                    rule: "standby".into(),
                    date: Some(day.date),
                    message: format!(
                        "{role} on {}: {working} on shift and {} on standby needed, only {} not on leave",
                        mmdd(day.date), need - working, a.available
                    ),
                    message_zh: zh::tidy(&format!(
                        "{} {} 需上班 {working} 人、备班 {} 人，未请假的只有 {} 人",
                        mmdd(day.date), zh::role(role), need - working, a.available
                    )),
                });
            }
        }
    }
    out
}

/// Compares the roster with the needs and names each unmet one with its likely cause.
pub fn shortfalls(ix: &Index<'_>, roster: &Roster) -> Vec<Shortfall> {
    let p = ix.p;
    let mut have: BTreeMap<(usize, usize, &str), u32> = BTreeMap::new();
    let mut busy: BTreeMap<(usize, usize), ()> = BTreeMap::new();
    let mut minutes = vec![0u32; p.employees.len()];
    for a in &roster.assignments {
        if let (Some(e), Some(s), Some(d)) =
            (ix.employee(&a.employee), ix.shift(&a.shift), ix.day(a.date))
        {
            *have.entry((d, s, a.role.as_str())).or_default() += 1;
            busy.insert((e, d), ());
            minutes[e] += p.shifts[s].paid_minutes;
        }
    }
    let mut out = Vec::new();
    for (d, shifts) in ix.req.iter().enumerate() {
        for (s, roles) in shifts.iter().enumerate() {
            for (role, min) in roles {
                let got = have.get(&(d, s, role.as_str())).copied().unwrap_or(0);
                if got >= *min {
                    continue;
                }
                let date = p.days[d].date;
                let a = availability(ix, d, Some(s), role);
                let elsewhere = p
                    .employees
                    .iter()
                    .enumerate()
                    .filter(|(e, emp)| emp.has_role(role) && busy.contains_key(&(*e, d)))
                    .count() as u32;
                let mut cause = format!(
                    "{} {role} on leave on {}, {} qualified left for {} places",
                    a.on_leave,
                    mmdd(date),
                    a.available,
                    min
                );
                let mut cause_zh = format!(
                    "{} {} 请假 {} 人，剩下具备该岗位的 {} 人，需要 {} 人",
                    mmdd(date),
                    zh::role(role),
                    a.on_leave,
                    a.available,
                    min
                );
                if a.available >= *min {
                    cause.push_str(&format!(
                        "; {elsewhere} of them already on a shift that day, the others held back by rest, consecutive-day or hours limits"
                    ));
                    cause_zh.push_str(&format!(
                        "；其中 {elsewhere} 人当天已有排班，其余的受休息间隔、连续上班天数或工时上限所限"
                    ));
                }
                out.push(Shortfall {
                    kind: ShortfallKind::Cover,
                    date: Some(date),
                    shift: Some(p.shifts[s].code.clone()),
                    role: Some(role.clone()),
                    employee: None,
                    missing: min - got,
                    cause,
                    cause_zh: zh::tidy(&cause_zh),
                });
            }
        }
    }
    if let Some(dm) = &p.demand {
        for (n, planned) in crate::demand::staffing::planned(p, roster) {
            if planned >= n.rostered {
                continue;
            }
            let c = crate::demand::staffing::expected(dm, n, planned);
            out.push(Shortfall {
                kind: ShortfallKind::Interval,
                date: Some(n.date),
                shift: Some(interval_label(n.start_minute, n.minutes)),
                role: Some(dm.role.clone()),
                employee: None,
                missing: n.rostered - c.planned,
                cause: format!(
                    "{} of {} {} rostered for {:.1} forecast calls; expected service level {:.0}%",
                    c.planned,
                    n.rostered,
                    dm.role,
                    n.calls,
                    c.service_level * 100.0
                ),
                cause_zh: zh::tidy(&format!(
                    "预测来电 {:.1} 通，应排 {} {} 人，实排 {} 人；预计服务水平 {:.0}%",
                    n.calls,
                    zh::role(&dm.role),
                    n.rostered,
                    c.planned,
                    c.service_level * 100.0
                )),
            });
        }
    }
    let mut sb: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for x in &roster.standby {
        if let (Some(s), Some(d)) = (ix.shift(&x.shift), ix.day(x.date)) {
            *sb.entry((d, s)).or_default() += 1;
        }
    }
    for d in 0..p.num_days() {
        for s in ix.standby_shifts() {
            let got = sb.get(&(d, s)).copied().unwrap_or(0);
            if got < p.rules.standby_per_shift {
                let role = p.rules.standby_role.as_str();
                let a = availability(ix, d, None, role);
                let working = p
                    .employees
                    .iter()
                    .enumerate()
                    .filter(|(e, emp)| emp.has_role(role) && busy.contains_key(&(*e, d)))
                    .count();
                out.push(Shortfall {
                    kind: ShortfallKind::Standby,
                    date: Some(p.days[d].date),
                    shift: Some(p.shifts[s].code.clone()),
                    role: Some(role.to_string()),
                    employee: None,
                    missing: p.rules.standby_per_shift - got,
                    cause: format!(
                        "{} {role} on leave, {working} on shift, {} others could not be called in without breaking rest, consecutive-day or hours limits",
                        a.on_leave,
                        (a.available as usize).saturating_sub(working)
                    ),
                    cause_zh: zh::tidy(&format!(
                        "{} 请假 {} 人、当天上班 {working} 人，其余 {} 人若被调来上班会违反休息间隔、连续上班天数或工时上限",
                        zh::role(role),
                        a.on_leave,
                        (a.available as usize).saturating_sub(working)
                    )),
                });
            }
        }
    }
    for (e, emp) in p.employees.iter().enumerate() {
        let min = ix.min_minutes(e);
        if minutes[e] < min {
            out.push(Shortfall {
                kind: ShortfallKind::Hours,
                date: None,
                shift: None,
                role: None,
                employee: Some(emp.id.clone()),
                missing: min - minutes[e],
                cause: format!(
                    "{} planned {:.0} h, minimum {:.0} h: not enough shifts this person can take",
                    emp.name,
                    minutes[e] as f64 / 60.0,
                    min as f64 / 60.0
                ),
                cause_zh: zh::tidy(&format!(
                    "{} 计划工时 {} 小时，下限 {} 小时：此人能上的班次不够",
                    emp.name,
                    zh::hours(minutes[e]),
                    zh::hours(min)
                )),
            });
        }
    }
    out
}

/// `HH:MM-HH:MM` of an interval.
pub fn interval_label(start: u32, minutes: u32) -> String {
    format!(
        "{}-{}",
        crate::demand::hhmm(start),
        crate::demand::hhmm(start + minutes)
    )
}
