//! The independent validator (排班校验): recomputes every hard rule from the roster itself, not
//! from the MILP, and names each violation with person, date and rule. It accepts hand-edited
//! rosters too.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::problem::{Index, Problem};
use crate::roster::Roster;
use crate::zh;

/// A broken rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Violation {
    /// Rule name, e.g. `min_rest`, `cover`, `hours_max`.
    pub rule: String,
    /// Employee, where the rule is about one person.
    pub employee: Option<String>,
    /// Date, where the rule is about one date.
    pub date: Option<NaiveDate>,
    /// What is wrong, in words.
    pub detail: String,
    /// The same in Chinese, with the same figures (empty in rosters checked before it existed).
    #[serde(default)]
    pub detail_zh: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}]", self.rule)?;
        if let Some(e) = &self.employee {
            write!(f, " {e}")?;
        }
        if let Some(d) = &self.date {
            write!(f, " {d}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl Violation {
    /// What is wrong in a page language: the Chinese detail on `zh` pages (a violation
    /// stored before it existed has none: the English is shown), else the English.
    #[must_use]
    pub fn detail_in(&self, lang: &str) -> &str {
        if lang == "zh" && !self.detail_zh.is_empty() {
            &self.detail_zh
        } else {
            &self.detail
        }
    }

    /// The violation as one line in a page language (English: as [`Display`]).
    #[must_use]
    pub fn line_in(&self, lang: &str) -> String {
        if lang != "zh" {
            return self.to_string();
        }
        let mut s = format!("[{}]", self.rule);
        if let Some(e) = &self.employee {
            s += &format!(" {e}");
        }
        if let Some(d) = &self.date {
            s += &format!(" {d}");
        }
        s + "：" + self.detail_in(lang)
    }
}

struct Out(Vec<Violation>);

impl Out {
    fn push(
        &mut self,
        rule: &str,
        employee: Option<&str>,
        date: Option<NaiveDate>,
        detail: String,
        detail_zh: String,
    ) {
        self.0.push(Violation {
            rule: rule.to_string(),
            employee: employee.map(str::to_string),
            date,
            detail,
            detail_zh: zh::tidy(&detail_zh),
        });
    }
}

/// Personal limits of `e` on the month's row (`row[d]` = shift worked on day `d`).
fn personal_limits(ix: &Index<'_>, e: usize, row: &[Option<usize>], out: &mut Out) {
    let p = ix.p;
    let emp = &p.employees[e];
    let l = &emp.limits;
    let id = Some(emp.id.as_str());
    for (code, max) in &l.max_shifts {
        let Some(s) = ix.shift(code) else { continue };
        let n = row.iter().filter(|x| **x == Some(s)).count() as u32;
        if n > *max {
            out.push(
                "max_shifts",
                id,
                None,
                format!("{n} {code} shifts; at most {max}"),
                format!("{code} 班 {n} 次，最多 {max} 次"),
            );
        }
    }
    // Maximal runs of worked days and of days off, with their first index.
    let mut runs: Vec<(bool, usize, usize)> = Vec::new();
    for (d, x) in row.iter().enumerate() {
        match runs.last_mut() {
            Some((w, _, len)) if *w == x.is_some() => *len += 1,
            _ => runs.push((x.is_some(), d, 1)),
        }
    }
    let last = row.len();
    for (worked, start, len) in runs {
        let interior = start > 0 && start + len < last;
        let (min, rule, what, what_zh) = if worked {
            (
                l.min_consecutive_days,
                "min_consecutive_days",
                "working days",
                "连续上班",
            )
        } else {
            (
                l.min_consecutive_days_off,
                "min_consecutive_days_off",
                "days off",
                "连续休息",
            )
        };
        if let Some(min) = min {
            if interior && (len as u32) < min {
                out.push(
                    rule,
                    id,
                    Some(p.days[start].date),
                    format!("a run of {len} {what}; at least {min}"),
                    format!("{what_zh}只有 {len} 天，至少 {min} 天"),
                );
            }
        }
    }
    if let Some(max) = l.max_weekends {
        let worked = crate::model::runs::weekend_days(p)
            .values()
            .filter(|days| days.iter().any(|&d| row[d].is_some()))
            .count() as u32;
        if worked > max {
            out.push(
                "max_weekends",
                id,
                None,
                format!("{worked} weekends worked; at most {max}"),
                format!("周末上班 {worked} 个，最多 {max} 个"),
            );
        }
    }
}

/// Checks every hard rule of `problem` on `roster`. An empty list means the roster breaks no
/// rule; unmet cover shows up here as `cover` / `standby_cover` violations even when the
/// roster reported it as a shortfall.
pub fn validate(problem: &Problem, roster: &Roster) -> Vec<Violation> {
    let ix = Index::new(problem);
    let p = problem;
    let ne = p.employees.len();
    let nd = p.num_days();
    let hd = p.rules.history_days as i64;
    let mut out = Out(Vec::new());
    let date_of = |d: i64| p.first_date() + chrono::Duration::days(d);

    // work[e][hd + d] for d in -hd..nd
    let mut work = ix.worked_grid();
    // counted[(d, s, role)] = people
    let mut counted: BTreeMap<(usize, usize, String), u32> = BTreeMap::new();

    for a in &roster.assignments {
        let Some(e) = ix.employee(&a.employee) else {
            out.push(
                "unknown_employee",
                Some(&a.employee),
                Some(a.date),
                "not in the staff list".into(),
                "不在人员名单中".into(),
            );
            continue;
        };
        let Some(s) = ix.shift(&a.shift) else {
            out.push(
                "unknown_shift",
                Some(&a.employee),
                Some(a.date),
                format!("shift `{}` is not defined", a.shift),
                format!("班次 {} 未定义", a.shift),
            );
            continue;
        };
        let Some(d) = ix.day(a.date) else {
            out.push(
                "outside_month",
                Some(&a.employee),
                Some(a.date),
                format!("date is not in {}", p.month),
                format!("日期不在排班月份 {} 内", p.month),
            );
            continue;
        };
        let emp = &p.employees[e];
        if !emp.has_role(&a.role) {
            out.push(
                "role_not_held",
                Some(&a.employee),
                Some(a.date),
                format!("counted as `{}`, which {} does not hold", a.role, emp.name),
                format!("计为 {}，但 {} 不具备该岗位", zh::role(&a.role), emp.name),
            );
        }
        if let Some(k) = ix.leave[e][d] {
            out.push(
                "leave",
                Some(&a.employee),
                Some(a.date),
                format!(
                    "on approved {} ({:?}) but rostered {}",
                    k.label_zh(),
                    k,
                    a.shift
                ),
                format!("{}期间被排了 {} 班", k.label_zh(), a.shift),
            );
        }
        if emp.working_days_only && p.days[d].kind != crate::calendar::DayKind::Working {
            out.push(
                "working_days_only",
                Some(&a.employee),
                Some(a.date),
                format!(
                    "works on working days only; {} is a {:?} day",
                    a.date, p.days[d].kind
                ),
                format!(
                    "只在工作日上班，{} 是{}",
                    a.date,
                    zh::day_kind(p.days[d].kind)
                ),
            );
        }
        if !emp.shifts.is_empty() && !emp.shifts.contains(&a.shift) {
            out.push(
                "shift_not_allowed",
                Some(&a.employee),
                Some(a.date),
                format!("may work only {:?}, rostered {}", emp.shifts, a.shift),
                format!("只能上 {} 班，却排了 {} 班", emp.shifts.join("、"), a.shift),
            );
        }
        let slot = &mut work[e][hd as usize + d];
        if let Some(prev) = slot {
            out.push(
                "one_shift_a_day",
                Some(&a.employee),
                Some(a.date),
                format!(
                    "rostered {} and {} on the same date",
                    p.shifts[*prev].code, a.shift
                ),
                format!("同一天排了 {} 和 {} 两个班", p.shifts[*prev].code, a.shift),
            );
        } else {
            *slot = Some(s);
        }
        *counted.entry((d, s, a.role.clone())).or_default() += 1;
    }

    // Rest between shifts, consecutive days, consecutive shifts of a code, hours.
    let max_gap = ix.max_rest_gap();
    for e in 0..ne {
        let id = p.employees[e].id.as_str();
        let row = &work[e];
        let at = |i: usize| row[i];
        for j in hd as usize..row.len() {
            let Some(b) = at(j) else { continue };
            for g in 1..=max_gap {
                if (j as i64) - g < 0 {
                    break;
                }
                let i = j - g as usize;
                if let Some(a) = at(i) {
                    let rest = ix.rest_minutes(0, a, g, b);
                    if rest < p.rules.min_rest_minutes as i64 {
                        out.push(
                            "min_rest",
                            Some(id),
                            Some(date_of(j as i64 - hd)),
                            format!(
                                "{} on {} after {} on {}: {} h {} min rest, {} h required",
                                p.shifts[b].code,
                                date_of(j as i64 - hd),
                                p.shifts[a].code,
                                date_of(i as i64 - hd),
                                rest / 60,
                                rest % 60,
                                p.rules.min_rest_minutes / 60
                            ),
                            format!(
                                "{} {} 班与 {} {} 班{}",
                                date_of(i as i64 - hd),
                                p.shifts[a].code,
                                date_of(j as i64 - hd),
                                p.shifts[b].code,
                                if rest < 0 {
                                    format!(
                                        "时间重叠 {}，之间至少应休息 {}",
                                        zh::duration(rest.unsigned_abs() as u32),
                                        zh::duration(p.rules.min_rest_minutes)
                                    )
                                } else {
                                    format!(
                                        "之间休息 {}，至少 {}",
                                        zh::duration(rest as u32),
                                        zh::duration(p.rules.min_rest_minutes)
                                    )
                                }
                            ),
                        );
                    }
                    if g == 1 && ix.forbidden_succession(a, b) {
                        out.push(
                            "forbidden_succession",
                            Some(id),
                            Some(date_of(j as i64 - hd)),
                            format!(
                                "{} on {} may not follow {} the day before",
                                p.shifts[b].code,
                                date_of(j as i64 - hd),
                                p.shifts[a].code
                            ),
                            format!(
                                "{} 的 {} 班不能紧接在前一天的 {} 班之后",
                                date_of(j as i64 - hd),
                                p.shifts[b].code,
                                p.shifts[a].code
                            ),
                        );
                    }
                }
            }
        }
        personal_limits(&ix, e, &row[hd as usize..], &mut out);
        let mut run = 0u32;
        for (j, x) in row.iter().enumerate() {
            run = if x.is_some() { run + 1 } else { 0 };
            if run == ix.max_consecutive_days(e) + 1 && j >= hd as usize {
                out.push(
                    "max_consecutive_days",
                    Some(id),
                    Some(date_of(j as i64 - hd)),
                    format!(
                        "{} consecutive working days; at most {}",
                        run,
                        ix.max_consecutive_days(e)
                    ),
                    format!(
                        "连续上班 {} 天，最多 {} 天",
                        run,
                        ix.max_consecutive_days(e)
                    ),
                );
            }
        }
        for (code, max) in &p.rules.max_consecutive_shifts {
            let Some(s) = ix.shift(code) else { continue };
            let mut run = 0u32;
            for (j, x) in row.iter().enumerate() {
                run = if *x == Some(s) { run + 1 } else { 0 };
                if run == max + 1 && j >= hd as usize {
                    out.push(
                        "max_consecutive_shifts",
                        Some(id),
                        Some(date_of(j as i64 - hd)),
                        format!("{run} consecutive {code} shifts; at most {max}"),
                        format!("连续 {run} 个 {code} 班，最多 {max} 个"),
                    );
                }
            }
        }
        let minutes: u32 = row[hd as usize..]
            .iter()
            .flatten()
            .map(|s| p.shifts[*s].paid_minutes)
            .sum();
        let (lo, hi) = (ix.min_minutes(e), ix.max_minutes(e));
        if minutes < lo {
            out.push("hours_min", Some(id), None, format!(
                "planned {:.1} h, below the minimum {:.1} h (standard {:.1} h less leave and tolerance)",
                minutes as f64 / 60.0, lo as f64 / 60.0, p.standard_minutes as f64 / 60.0),
                format!(
                    "计划工时 {} 小时，低于下限 {} 小时（标准工时 {} 小时减去请假及允许少排的工时）",
                    zh::hours(minutes),
                    zh::hours(lo),
                    zh::hours(p.standard_minutes)
                ));
        }
        if minutes > hi {
            out.push(
                "hours_max",
                Some(id),
                None,
                format!(
                    "planned {:.1} h, above the maximum {:.1} h (standard + {} h overtime cap)",
                    minutes as f64 / 60.0,
                    hi as f64 / 60.0,
                    p.rules.overtime_cap_minutes / 60
                ),
                format!(
                    "计划工时 {} 小时，超过上限 {} 小时（标准工时 + 加班上限 {} 小时）",
                    zh::hours(minutes),
                    zh::hours(hi),
                    zh::hours(p.rules.overtime_cap_minutes)
                ),
            );
        }
    }

    // Cover.
    for (d, shifts) in ix.req.iter().enumerate() {
        for (s, roles) in shifts.iter().enumerate() {
            for (role, min) in roles {
                let have = counted.get(&(d, s, role.clone())).copied().unwrap_or(0);
                if have < *min {
                    out.push(
                        "cover",
                        None,
                        Some(p.days[d].date),
                        format!(
                            "{} {}: {} of {} {} required",
                            p.shifts[s].code, role, have, min, role
                        ),
                        format!(
                            "覆盖不足：{} 班 {} 只有 {} 人，至少需要 {} 人",
                            p.shifts[s].code,
                            zh::role(role),
                            have,
                            min
                        ),
                    );
                }
            }
        }
    }

    // Interval cover (from a call forecast).
    if let Some(dm) = &p.demand {
        for (n, planned) in crate::demand::staffing::planned(p, roster) {
            if planned < n.rostered {
                out.push(
                    "interval_cover",
                    None,
                    Some(n.date),
                    format!(
                        "{} {}: {} of {} {} rostered",
                        crate::explain::interval_label(n.start_minute, n.minutes),
                        dm.role,
                        planned,
                        n.rostered,
                        dm.role
                    ),
                    format!(
                        "时段覆盖不足：{} {} 排了 {} 人，需要 {} 人",
                        crate::explain::interval_label(n.start_minute, n.minutes),
                        zh::role(&dm.role),
                        planned,
                        n.rostered
                    ),
                );
            }
        }
    }

    // Standby.
    let standby_shifts = ix.standby_shifts();
    let mut standby_count: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let mut standby_per_person_day: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    for sb in &roster.standby {
        let (Some(e), Some(s), Some(d)) = (
            ix.employee(&sb.employee),
            ix.shift(&sb.shift),
            ix.day(sb.date),
        ) else {
            out.push(
                "standby_unknown",
                Some(&sb.employee),
                Some(sb.date),
                format!("unknown employee, shift `{}` or date", sb.shift),
                format!("人员、班次 {} 或日期不存在", sb.shift),
            );
            continue;
        };
        let id = sb.employee.as_str();
        if !ix.standby_qualified(e) {
            out.push(
                "standby_role",
                Some(id),
                Some(sb.date),
                format!("standby needs role `{}`", p.rules.standby_role),
                format!("备班须具备 {} 岗位", zh::role(&p.rules.standby_role)),
            );
        }
        if !standby_shifts.contains(&s) {
            out.push(
                "standby_shift",
                Some(id),
                Some(sb.date),
                format!("shift {} needs no standby", sb.shift),
                format!("{} 班不需要备班", sb.shift),
            );
        }
        let j = hd as usize + d;
        if work[e][j].is_some() || ix.leave[e][d].is_some() {
            out.push(
                "standby_off_duty",
                Some(id),
                Some(sb.date),
                "a standby must be off duty (not working, not on leave) all date".into(),
                "备班当天须整天不上班、不请假".into(),
            );
        } else if !ix.can_work(e, d, s) {
            out.push(
                "standby_call_in",
                Some(id),
                Some(sb.date),
                format!(
                    "could not be called in for {}: shift or day not allowed",
                    sb.shift
                ),
                format!("无法调来上 {} 班：此人不能上该班次或当天不能上班", sb.shift),
            );
        } else {
            // Being called in must keep the rest rule with neighbours.
            for g in 1..=max_gap {
                let gi = g as usize;
                if j >= gi {
                    if let Some(a) = work[e][j - gi] {
                        if !ix.rest_ok(a, g, s) {
                            out.push("standby_call_in", Some(id), Some(sb.date), format!(
                                "called in for {} it would follow {} on {} with too little rest", sb.shift, p.shifts[a].code, date_of(j as i64 - hd - g)),
                                format!("若调来上 {} 班，与 {} 的 {} 班之间休息不足", sb.shift, date_of(j as i64 - hd - g), p.shifts[a].code));
                        }
                    }
                }
                if j + gi < work[e].len() {
                    if let Some(b) = work[e][j + gi] {
                        if !ix.rest_ok(s, g, b) {
                            out.push("standby_call_in", Some(id), Some(sb.date), format!(
                                "called in for {} it would leave too little rest before {} on {}", sb.shift, p.shifts[b].code, date_of(j as i64 - hd + g)),
                                format!("若调来上 {} 班，到 {} 的 {} 班之前休息不足", sb.shift, date_of(j as i64 - hd + g), p.shifts[b].code));
                        }
                    }
                }
            }
            // …and the consecutive-days limit.
            let left = (0..j).rev().take_while(|&i| work[e][i].is_some()).count() as u32;
            let right = (j + 1..work[e].len())
                .take_while(|&i| work[e][i].is_some())
                .count() as u32;
            if left + 1 + right > ix.max_consecutive_days(e) {
                out.push(
                    "standby_call_in",
                    Some(id),
                    Some(sb.date),
                    format!(
                        "called in it would make {} consecutive working days; at most {}",
                        left + 1 + right,
                        ix.max_consecutive_days(e)
                    ),
                    format!(
                        "若调来上班，将连续上班 {} 天，最多 {} 天",
                        left + 1 + right,
                        ix.max_consecutive_days(e)
                    ),
                );
            }
            // …and the hours cap.
            let minutes: u32 = work[e][hd as usize..]
                .iter()
                .flatten()
                .map(|x| p.shifts[*x].paid_minutes)
                .sum();
            if minutes + p.shifts[s].paid_minutes > ix.max_minutes(e) {
                out.push(
                    "standby_call_in",
                    Some(id),
                    Some(sb.date),
                    format!(
                        "called in it would bring planned hours to {:.1} h, above the cap {:.1} h",
                        (minutes + p.shifts[s].paid_minutes) as f64 / 60.0,
                        ix.max_minutes(e) as f64 / 60.0
                    ),
                    format!(
                        "若调来上班，计划工时将达 {} 小时，超过上限 {} 小时",
                        zh::hours(minutes + p.shifts[s].paid_minutes),
                        zh::hours(ix.max_minutes(e))
                    ),
                );
            }
        }
        *standby_count.entry((d, s)).or_default() += 1;
        let c = standby_per_person_day.entry((e, d)).or_default();
        *c += 1;
        if *c == 2 {
            out.push(
                "standby_one_per_day",
                Some(id),
                Some(sb.date),
                "more than one standby duty on one date".into(),
                "同一天有多个备班".into(),
            );
        }
    }
    for d in 0..nd {
        for &s in &standby_shifts {
            let have = standby_count.get(&(d, s)).copied().unwrap_or(0);
            if have < p.rules.standby_per_shift {
                out.push(
                    "standby_cover",
                    None,
                    Some(p.days[d].date),
                    format!(
                        "{}: {} of {} standby designated",
                        p.shifts[s].code, have, p.rules.standby_per_shift
                    ),
                    format!(
                        "备班不足：{} 班备班 {} 人，需要 {} 人",
                        p.shifts[s].code, have, p.rules.standby_per_shift
                    ),
                );
            }
        }
    }
    let mut v = out.0;
    v.sort();
    v
}
