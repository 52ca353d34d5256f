//! A roster mapped into payroll's time sheets (考勤表): hours on working days, rest days and
//! statutory holidays, night shifts and leave, per person, from the calendar kinds the roster
//! file carries; and a staff member's payroll master data (position, grade, working-time
//! system from the roster entry; hire and leaving dates from the HR record).

use std::collections::BTreeMap;

use anyhow::Context as _;
use chrono::NaiveDate;
use payroll::{
    BasicDeduction, BonusTaxMethod, Employee, IitProfile, Kpi, LeaveDays, Position, TimeSheet,
    WorkingTimeSystem,
};
use rust_decimal::Decimal;
use scheduler::{DayKind, LeaveKind, RosterFile};

/// KPI score used when no KPI import exists for the month (issue 10): 85 on every KPI, the
/// bottom of the band with coefficient 1.00 in `data/payroll/performance.toml`.
pub const NEUTRAL_KPI_SCORE: u32 = 85;

/// The pay position of a roster entry (its `position`, else its first role).
///
/// # Errors
/// An unknown pay position, naming the employee.
pub fn pay_position(e: &scheduler::Employee) -> anyhow::Result<Position> {
    let position_text = e.position.clone().unwrap_or_else(|| e.roles[0].clone());
    serde_json::from_value(serde_json::Value::String(position_text.clone()))
        .with_context(|| format!("employee {}: unknown pay position `{position_text}`", e.id))
}

/// Payroll master data of a staff member: the roster entry and the HR record (hire date for
/// the basic deduction of cumulative withholding, leaving date).
///
/// # Errors
/// An unknown pay position.
pub fn payroll_employee_of(
    e: &scheduler::Employee,
    hr: &crate::hr::HrRecord,
) -> anyhow::Result<Employee> {
    let mut out = payroll_employee(e, hr.hired_on)?;
    out.left_on = hr.left_on;
    Ok(out)
}

/// Payroll master data for a roster employee hired on `hired_on`. Shift workers (who work
/// rest days by roster) are on comprehensive hours (综合工时); someone who works on working
/// days only is on standard hours.
///
/// # Errors
/// An unknown pay position.
pub fn payroll_employee(e: &scheduler::Employee, hired_on: NaiveDate) -> anyhow::Result<Employee> {
    let position = pay_position(e)?;
    Ok(Employee {
        id: e.id.clone(),
        name: e.name.clone(),
        position,
        pay_grade: e.grade.unwrap_or(1) as u8,
        working_time: if e.working_days_only {
            WorkingTimeSystem::Standard
        } else {
            WorkingTimeSystem::Comprehensive
        },
        hired_on,
        left_on: None,
        contribution_base: None,
        housing_fund_rate: None,
        iit: IitProfile {
            basic_deduction: BasicDeduction::FromHireMonth,
            special_deductions_monthly: Decimal::ZERO,
            other_deductions_monthly: Decimal::ZERO,
        },
        bonus_tax_method: BonusTaxMethod::default(),
    })
}

/// One time sheet per employee (staff order) from a solved roster.
pub fn time_sheets(doc: &RosterFile) -> Vec<TimeSheet> {
    let p = &doc.problem;
    let kinds: BTreeMap<NaiveDate, DayKind> = p.days.iter().map(|d| (d.date, d.kind)).collect();
    let working_days = p.days.iter().filter(|d| d.kind == DayKind::Working).count() as u32;
    let paid: BTreeMap<&str, Decimal> = p
        .shifts
        .iter()
        .map(|s| {
            (
                s.code.as_str(),
                Decimal::from(s.paid_minutes) / Decimal::from(60),
            )
        })
        .collect();
    p.employees
        .iter()
        .map(|e| {
            let mut ts = TimeSheet {
                standard_hours_of_month: Decimal::from(working_days * 8),
                scheduled_working_days_of_month: working_days,
                working_days_employed: working_days,
                ordinary_day_hours: Decimal::ZERO,
                rest_day_hours: Decimal::ZERO,
                rest_day_hours_in_lieu: Decimal::ZERO,
                statutory_holiday_hours: Decimal::ZERO,
                night_shifts: 0,
                leave: LeaveDays::default(),
                absence_days: Decimal::ZERO,
                kpi: Kpi::ALL
                    .into_iter()
                    .map(|k| (k, Decimal::from(NEUTRAL_KPI_SCORE)))
                    .collect(),
            };
            for a in doc.roster.assignments.iter().filter(|a| a.employee == e.id) {
                let h = paid.get(a.shift.as_str()).copied().unwrap_or_default();
                match kinds.get(&a.date) {
                    Some(DayKind::Statutory) => ts.statutory_holiday_hours += h,
                    Some(DayKind::Rest) => ts.rest_day_hours += h,
                    _ => ts.ordinary_day_hours += h,
                }
                if p.rules.night_shifts.contains(&a.shift) {
                    ts.night_shifts += 1;
                }
            }
            for l in p.leave.iter().filter(|l| l.employee == e.id) {
                // Leave counts on scheduled working days only (a leave week spans a weekend).
                let days = p
                    .days
                    .iter()
                    .filter(|d| d.date >= l.from && d.date <= l.to && d.kind == DayKind::Working)
                    .count();
                let n = Decimal::from(days as u32);
                let slot = match l.kind {
                    LeaveKind::Inactive => {
                        // Not employed: fewer working days employed, not a leave.
                        ts.working_days_employed =
                            ts.working_days_employed.saturating_sub(days as u32);
                        continue;
                    }
                    LeaveKind::Annual => &mut ts.leave.annual,
                    LeaveKind::Sick => &mut ts.leave.sick,
                    LeaveKind::Personal => &mut ts.leave.personal,
                    LeaveKind::Marriage => &mut ts.leave.marriage,
                    LeaveKind::Bereavement => &mut ts.leave.bereavement,
                    LeaveKind::Maternity => &mut ts.leave.maternity,
                    LeaveKind::DayOff => &mut ts.leave.compensatory,
                };
                *slot += n;
            }
            ts
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scheduler::{Assignment, Day, Problem, Roster, SolveStatus};

    /// The demo site for a month of 2026 with the given leave.
    fn demo(month: u32, leave: Vec<scheduler::Leave>) -> Problem {
        let cal =
            scheduler::Calendar::from_toml_strs([include_str!("../../data/calendar/2026.toml")])
                .unwrap();
        let site = scheduler::Site::from_toml_strs(
            include_str!("../../data/demo/site.toml"),
            Some(include_str!("../../data/demo/staff.toml")),
        )
        .unwrap();
        Problem::new(&site, &cal, 2026, month, leave, vec![]).unwrap()
    }

    /// Hand-built: February 2026 has 16 working days. An agent works A on 02-13 (Friday,
    /// working), A on 02-15 (Sunday, rest day in the block), N on 02-17 (statutory) and is on
    /// annual leave 02-24..02-26 (3 working days): 8 h ordinary, 8 h rest day, 8 h statutory,
    /// one night, 3 days annual leave.
    #[test]
    fn hours_fall_on_the_day_kind_of_their_date() {
        let leave = vec![scheduler::Leave {
            employee: "A005".into(),
            from: "2026-02-24".parse().unwrap(),
            to: "2026-02-26".parse().unwrap(),
            kind: LeaveKind::Annual,
        }];
        let problem = demo(2, leave);
        assert!(problem
            .days
            .iter()
            .any(|d: &Day| d.kind == DayKind::Statutory));
        let a = |date: &str, shift: &str| Assignment {
            employee: "A005".into(),
            date: date.parse().unwrap(),
            shift: shift.into(),
            role: "agent".into(),
        };
        let roster = Roster {
            status: SolveStatus::Unsolved,
            assignments: vec![
                a("2026-02-13", "A"),
                a("2026-02-15", "A"),
                a("2026-02-17", "N"),
            ],
            standby: vec![],
            shortfalls: vec![],
            stats: Default::default(),
        };
        let doc = RosterFile { problem, roster };
        let idx = doc
            .problem
            .employees
            .iter()
            .position(|e| e.id == "A005")
            .unwrap();
        let ts = &time_sheets(&doc)[idx];
        assert_eq!(ts.scheduled_working_days_of_month, 16);
        assert_eq!(ts.standard_hours_of_month, Decimal::from(128));
        assert_eq!(ts.ordinary_day_hours, Decimal::from(8));
        assert_eq!(ts.rest_day_hours, Decimal::from(8));
        assert_eq!(ts.statutory_holiday_hours, Decimal::from(8));
        assert_eq!(ts.night_shifts, 1);
        assert_eq!(ts.leave.annual, Decimal::from(3));
    }

    /// A resignation with 03-20 as the last day (repair writes it as `Inactive` leave from
    /// 03-21): March 2026 has 22 working days; 03-21 is a Saturday, so the days not employed
    /// are 03-23..27 and 03-30..31, 7 working days: 15 working days employed, no leave.
    #[test]
    fn days_not_employed_shorten_the_month_not_count_as_leave() {
        let leave = vec![scheduler::Leave {
            employee: "A030".into(),
            from: "2026-03-21".parse().unwrap(),
            to: "2026-03-31".parse().unwrap(),
            kind: LeaveKind::Inactive,
        }];
        let problem = demo(3, leave);
        let idx = problem
            .employees
            .iter()
            .position(|e| e.id == "A030")
            .unwrap();
        let doc = RosterFile {
            problem,
            roster: Roster {
                status: SolveStatus::Unsolved,
                assignments: vec![],
                standby: vec![],
                shortfalls: vec![],
                stats: Default::default(),
            },
        };
        let ts = &time_sheets(&doc)[idx];
        assert_eq!(ts.scheduled_working_days_of_month, 22);
        assert_eq!(ts.working_days_employed, 15);
        assert_eq!(ts.leave, LeaveDays::default());
    }
}
