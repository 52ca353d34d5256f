//! The periodic HR reports (人力资源日报 / 周报 / 月报 / 季报) from the store: staffing and
//! attrition from the staff list's employment dates; hours from each month's roster (the
//! store's, published or draft) reconciled with the stored attendance of the period's dates;
//! KPI results and labour cost from each month's approved payroll run, or, before approval, the
//! month paid now as a preview (said in the notes); the service figures from the call history
//! given.

use crate::said;
use anyhow::Context as _;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use scheduler::RosterFile;

use super::{Context, Error, Result, YearMonth};
use crate::report::{
    cost_table, kpi_by_team, person_hours, quality, staffing, Attendance, AttendanceSource,
    Employment, KpiReport, Period, PersonHours, PersonKpi, Report, Service, CONTRACTED_SEATS,
};
use crate::staff::Staff;
use scheduler::demand::HistoryRow as IntervalRow;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 人员: headcount, joiners, leavers, attrition.
    Staffing,
    /// 考勤: hours, overtime, nights and holiday work.
    Attendance,
    /// 话务: calls and answer rate; satisfaction and callback timeliness by month.
    Service,
    /// 绩效: KPI scores by person and team (month, quarter).
    Kpi,
    /// 人工费: labour cost by item by month (month, quarter).
    Cost,
    /// Every report of the period.
    All,
}

/// The call history for the service report.
#[derive(Debug, Clone)]
pub enum History {
    /// Read: its name and rows.
    Rows {
        /// The file's name, for the gaps.
        label: String,
        /// The interval rows.
        rows: Vec<IntervalRow>,
    },
    /// Could not be read (the report says so, or fails when only the service report was asked).
    Unreadable {
        /// The file's name.
        label: String,
        /// Why.
        error: String,
    },
}

/// A report built, with what it could not include.
#[derive(Debug, Clone)]
pub struct Built {
    /// The report (its `gaps` are on the sheets).
    pub report: Report,
    /// Warnings for the console (months without a roster).
    pub warnings: Vec<String>,
    /// Notes for the console.
    pub notes: Vec<String>,
}

/// Joins the staff list (team, reserve) with the HR records (employment dates). A leaver off
/// post counts with no team.
///
/// # Errors
/// A person without an HR record (named): their hire date is unknown.
pub fn employment(staff: &Staff) -> anyhow::Result<Vec<Employment>> {
    let mut out = Vec::new();
    for m in &staff.members {
        let Some(r) = &m.hr else {
            if m.active {
                anyhow::bail!(
                    "employee {} ({}) has no HR record (hr.toml): the staffing report needs the hire date",
                    m.employee.id,
                    m.employee.name
                );
            }
            continue;
        };
        out.push(Employment {
            id: m.employee.id.clone(),
            name: m.employee.name.clone(),
            team: if m.active { m.employee.team } else { None },
            reserve: m.active && m.employee.reserve,
            hired_on: r.hired_on,
            left_on: r.left_on,
        });
    }
    Ok(out)
}

/// The roster cut to the dates of the period (days, assignments, standby), so that the
/// reconciliation and the time sheets count those dates only.
#[must_use]
pub fn clip(doc: &RosterFile, period: &Period) -> RosterFile {
    let mut out = doc.clone();
    out.problem.days.retain(|d| period.contains(d.date));
    out.roster.assignments.retain(|a| period.contains(a.date));
    out.roster.standby.retain(|s| period.contains(s.date));
    out
}

/// `2026-03-01 至 2026-03-04、2026-03-09` from sorted dates.
#[must_use]
pub fn date_ranges(dates: &[NaiveDate]) -> String {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in dates {
        match spans.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(*d) => *last = *d,
            _ => spans.push((*d, *d)),
        }
    }
    spans
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} 至 {b}")
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn wants(kind: Kind, k: Kind) -> bool {
    kind == Kind::All || kind == k
}

/// Builds the report of `kind` for `period`.
///
/// # Errors
/// [`Error::Invalid`] for a KPI or cost report of a day or week, [`Error::NotFound`] when
/// no month of the period has a roster and the report needs one, payroll or database errors.
pub async fn build(
    cx: Context<'_>,
    kind: Kind,
    period: Period,
    history: Option<History>,
) -> Result<Built> {
    if matches!(kind, Kind::Kpi | Kind::Cost) && !period.whole_months() {
        let (en, zh) = if kind == Kind::Kpi {
            ("kpi", "绩效")
        } else {
            ("cost", "成本")
        };
        return Err(Error::Invalid(said!(
            "the {en} report is settled by the month (KPI scores and pay): give a month (2026-03) or a quarter (2026-Q1), not `{period}`",
            "{zh}报表按月结算（绩效得分与工资）：请给出月份（2026-03）或季度（2026-Q1），而不是“{period}”"
        )));
    }
    let staff = cx.store.staff().await?;
    let mut gaps: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let needs_rosters = wants(kind, Kind::Attendance)
        || (period.whole_months()
            && (wants(kind, Kind::Kpi) || wants(kind, Kind::Cost) || wants(kind, Kind::Service)));
    let mut rosters: Vec<(String, Option<RosterFile>)> = Vec::new();
    if needs_rosters {
        for key in period.month_keys() {
            let doc = super::roster::for_pay(cx, &key).await?.map(|s| s.doc);
            rosters.push((key, doc));
        }
    }
    for (key, _) in rosters.iter().filter(|(_, d)| d.is_none()) {
        warnings.push(format!(
            "no roster for {key} in the store: the month is reported as missing, not solved"
        ));
        gaps.push(format!(
            "{key} 无排班，该月考勤、绩效、人工费及满意度、回访得分未计入"
        ));
    }
    let any_roster = rosters.iter().any(|(_, d)| d.is_some());
    if needs_rosters && !any_roster && matches!(kind, Kind::Attendance | Kind::Kpi | Kind::Cost) {
        let files = rosters
            .iter()
            .map(|(k, _)| format!("roster-{k}.json"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::NotFound(said!(
            "no roster for any month of {period}: expected {files} (generate the months, or import the roster files)",
            "{period} 的各月都没有排班：应有 {files}（请生成各月排班，或导入排班文件）"
        )));
    }

    let staffing_section = if wants(kind, Kind::Staffing) {
        Some(staffing(&period, &employment(&staff)?, CONTRACTED_SEATS))
    } else {
        None
    };

    let attendance = if wants(kind, Kind::Attendance) {
        attendance_section(cx, &period, &rosters).await?
    } else {
        None
    };

    let paid = wants(kind, Kind::Kpi) || wants(kind, Kind::Cost) || wants(kind, Kind::Service);
    let (kpis, costs) = if paid && period.whole_months() && any_roster {
        pay_section(cx, &rosters, &mut notes).await?
    } else {
        (Vec::new(), Vec::new())
    };

    let service = match (wants(kind, Kind::Service), history) {
        (true, Some(History::Rows { label, rows })) => {
            let q = (period.whole_months() && !kpis.is_empty()).then(|| quality(&kpis));
            let s = Service::new(&rows, &period, q);
            if !s.days_without_data.is_empty() {
                gaps.push(format!(
                    "话务历史 {label} 无 {} 天数据：{}",
                    s.days_without_data.len(),
                    date_ranges(&s.days_without_data)
                ));
            }
            Some(s)
        }
        (true, Some(History::Unreadable { label, error })) => {
            if kind == Kind::Service {
                return Err(Error::Invalid(said!(
                    "reading the call history {label}: {error}",
                    "话务历史 {label} 无法读取：{error}"
                )));
            }
            gaps.push(format!("话务历史 {label} 无法读取（{error}），话务未计入"));
            None
        }
        _ => None,
    };
    if kind == Kind::All && !period.whole_months() {
        notes.push("KPI results and labour cost are settled by the month: see the month or quarter report (绩效与人工费按月核算)".to_string());
    }
    let kpi = (wants(kind, Kind::Kpi) && !kpis.is_empty()).then(|| KpiReport {
        teams: kpi_by_team(&kpis),
        people: kpis,
    });
    let cost = (wants(kind, Kind::Cost) && !costs.is_empty()).then(|| cost_table(&costs));
    Ok(Built {
        report: Report {
            site: cx.reference.site.name.clone(),
            period,
            staffing: staffing_section,
            attendance,
            service,
            kpi,
            cost,
            gaps,
        },
        warnings,
        notes,
    })
}

/// Hours per person over the period from each month's roster, reconciled with the stored
/// attendance of the period's dates.
async fn attendance_section(
    cx: Context<'_>,
    period: &Period,
    rosters: &[(String, Option<RosterFile>)],
) -> Result<Option<Attendance>> {
    let present: Vec<(&str, &RosterFile)> = rosters
        .iter()
        .filter_map(|(k, d)| d.as_ref().map(|d| (k.as_str(), d)))
        .collect();
    if present.is_empty() {
        return Ok(None);
    }
    let mut parts: Vec<PersonHours> = Vec::new();
    let mut sources = Vec::new();
    for (key, doc) in present {
        let records: Vec<_> = cx
            .store
            .attendance(key)
            .await?
            .into_iter()
            .filter(|r| period.contains(r.date))
            .collect();
        let clipped = clip(doc, period);
        let whole = clipped.problem.days.len() == doc.problem.days.len();
        let rec = crate::attendance::reconcile(
            &clipped,
            &records,
            &cx.reference.attendance,
            Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
        );
        for ((pm, ts), e) in rec
            .people
            .iter()
            .zip(&rec.time_sheets)
            .zip(&clipped.problem.employees)
        {
            parts.push(person_hours(pm, ts, e, whole));
        }
        sources.push(AttendanceSource {
            month: key.to_owned(),
            records: records.len(),
            from_roster: rec.people.iter().filter(|p| p.from_roster).count(),
        });
    }
    Ok(Some(Attendance::from_parts(&parts, sources)))
}

/// Each month with a roster: its approved run's payslips and cost, or the month paid now as a
/// preview (said in the notes). KPI rows in the roster's staff order.
async fn pay_section(
    cx: Context<'_>,
    rosters: &[(String, Option<RosterFile>)],
    notes: &mut Vec<String>,
) -> Result<(Vec<PersonKpi>, Vec<payroll::MonthCost>)> {
    let mut kpis = Vec::new();
    let mut costs = Vec::new();
    for (key, doc) in rosters {
        let Some(doc) = doc else { continue };
        let (pay, cost) = match cx.store.approved_run(key).await? {
            Some(run) => {
                let stored = super::pay::stored(cx, run.id)
                    .await?
                    .ok_or_else(|| Error::internal(format!("run #{} vanished", run.id)))?;
                (stored.pay, stored.cost.cost)
            }
            None => {
                let paid = super::pay::compute(cx, YearMonth::parse(key)?, None)
                    .await
                    .map_err(|e| match e {
                        Error::Internal(e) => {
                            Error::Internal(e.context(format!("paying {key} for the report")))
                        }
                        other => other,
                    })?;
                notes.push(format!(
                    "{key}: payroll not approved yet: KPI and labour cost are a preview from the current data (工资尚未审批，绩效与人工费为预览)"
                ));
                (paid.run.pay, paid.run.cost)
            }
        };
        for e in &doc.problem.employees {
            let Some(slip) = pay.payslips.iter().find(|p| p.employee_id == e.id) else {
                continue;
            };
            let rating = crate::report::paid_rating(slip).with_context(|| {
                format!(
                    "{key} {}: the payslip has no readable performance line (PERF)",
                    e.id
                )
            })?;
            kpis.push(PersonKpi {
                month: key.clone(),
                employee: e.id.clone(),
                name: e.name.clone(),
                position: slip.position.name().to_owned(),
                team: e.team,
                reserve: e.reserve,
                rating,
            });
        }
        costs.push(cost);
    }
    Ok((kpis, costs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn missing_dates_are_shown_as_ranges() {
        let dates = [
            d("2026-03-01"),
            d("2026-03-02"),
            d("2026-03-03"),
            d("2026-03-09"),
            d("2026-03-30"),
            d("2026-03-31"),
        ];
        assert_eq!(
            date_ranges(&dates),
            "2026-03-01 至 2026-03-03、2026-03-09、2026-03-30 至 2026-03-31"
        );
        assert_eq!(date_ranges(&[]), "");
    }

    #[test]
    fn employment_joins_staff_and_hr_and_names_a_missing_record() {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo"));
        let mut staff = Staff {
            members: crate::staff::from_folder(dir).unwrap(),
        };
        let people = employment(&staff).unwrap();
        assert_eq!(people.len(), 53);
        assert_eq!(people.iter().filter(|p| p.reserve).count(), 1);
        let t001 = people.iter().find(|p| p.id == "T001").unwrap();
        assert_eq!((t001.team, t001.hired_on), (Some(1), d("2026-01-01")));
        // A leaver off post still counts, with no team; someone on post without a record is
        // named.
        let a5 = staff
            .members
            .iter_mut()
            .find(|m| m.employee.id == "A005")
            .unwrap();
        a5.active = false;
        a5.hr.as_mut().unwrap().left_on = Some(d("2026-02-10"));
        let people = employment(&staff).unwrap();
        let x = people.iter().find(|p| p.id == "A005").unwrap();
        assert_eq!(
            (x.team, x.reserve, x.left_on),
            (None, false, Some(d("2026-02-10")))
        );
        staff.members[0].hr = None;
        let err = employment(&staff).unwrap_err().to_string();
        assert!(err.contains("M001") && err.contains("hr.toml"), "{err}");
    }
}
