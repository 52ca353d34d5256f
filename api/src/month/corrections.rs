//! Corrections of approved months (更正). An approved month never changes: a change found
//! later — an attendance record, a sick day, overtime, a KPI adjustment — is entered as a
//! correction of that month and stored beside it. The next payroll run (of a later month)
//! pays the differences as arrears lines (补发/补扣, one per pay line, naming the month they
//! correct), taxed in the month paid; its approval settles the corrections.
//!
//! The differences are the corrected month paid twice now, from the same roster, attendance
//! and KPI evidence it was approved with — once as it was, once with the correction — so
//! that they are the correction's effect alone, whatever else changed since.

use crate::said;
use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context as _;

use super::pay::{compute_core, ArrearsByPerson, RosterSource};
use super::{blocking, Context, Error, Result, YearMonth};
use crate::attendance::DayRecord;
use crate::db::corrections::{CorrectionKind, CorrectionRow, NewCorrection};
use crate::kpi::Adjustment;

/// Enters a corrected attendance file of an approved `month`: each person's records in the
/// file replace theirs on the dates the file gives (one correction per person, one
/// transaction, audited `correction.add`). Returns the corrections' ids.
///
/// # Errors
/// [`Error::Conflict`] when `month` is not approved (import the file normally then),
/// [`Error::File`] with every located problem, [`Error::Invalid`] without a reason.
pub async fn enter_attendance(
    cx: Context<'_>,
    month: YearMonth,
    file_name: &str,
    bytes: Vec<u8>,
    reason: &str,
    actor: &str,
) -> Result<Vec<i64>> {
    if reason.trim().is_empty() {
        return Err(Error::Invalid(said!(
            "a correction needs a written reason",
            "更正须写明原因"
        )));
    }
    if cx.store.approved_run(&month.to_string()).await?.is_none() {
        return Err(Error::Conflict(said!(
            "{month} is not approved: import the attendance normally",
            "{month} 尚未审批：请按正常流程导入考勤"
        )));
    }
    let ctx = super::attendance::context(cx, month).await?;
    let name = file_name.to_string();
    let parsed = blocking(move || {
        crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
            crate::excel::attendance::parse_named(&bytes, &name, &ctx)
        })
    })
    .await?
    .map_err(Error::File)?;
    let mut by_person: BTreeMap<String, Vec<DayRecord>> = BTreeMap::new();
    for r in parsed.records {
        by_person.entry(r.employee.clone()).or_default().push(r);
    }
    let items = by_person
        .into_iter()
        .map(|(employee, records)| {
            Ok(NewCorrection {
                employee,
                kind: CorrectionKind::Attendance,
                doc: serde_json::to_string(&records).context("writing the correction")?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let reason = format!("{reason} ({file_name})");
    Ok(cx
        .store
        .corrections_add(&month.to_string(), &items, &reason, actor)
        .await?)
}

/// Enters a KPI adjustment of an approved `month` as a correction; its id.
///
/// # Errors
/// [`Error::Invalid`] for an unknown employee or an empty reason, [`Error::Conflict`] when the
/// month is not approved.
pub async fn enter_kpi(cx: Context<'_>, month: YearMonth, a: Adjustment) -> Result<i64> {
    if a.reason.trim().is_empty() {
        return Err(Error::Invalid(said!(
            "a correction needs a written reason",
            "更正须写明原因"
        )));
    }
    if cx.store.approved_run(&month.to_string()).await?.is_none() {
        return Err(Error::Conflict(said!(
            "{month} is not approved: record the adjustment normally",
            "{month} 尚未审批：请按正常流程录入调整"
        )));
    }
    let staff = cx.store.staff().await?;
    if staff.get(&a.employee).is_none() {
        return Err(Error::Invalid(said!(
            "unknown employee {}",
            "查无此人 {}",
            a.employee
        )));
    }
    let ids = cx
        .store
        .corrections_add(
            &month.to_string(),
            &[NewCorrection {
                employee: a.employee.clone(),
                kind: CorrectionKind::Kpi,
                doc: serde_json::to_string(&a).context("writing the correction")?,
            }],
            &a.reason,
            &a.by,
        )
        .await?;
    Ok(ids[0])
}

/// The arrears a run of `paying` pays: the open corrections of earlier months, their
/// differences per person and pay line. Returns the arrears by person, the corrections they
/// settle, and warnings (a correction of someone not employed in `paying` stays open).
///
/// # Errors
/// A corrected month without its approved run or roster, or the computation's errors.
pub async fn arrears_for(
    cx: Context<'_>,
    paying: YearMonth,
    doc: &scheduler::RosterFile,
) -> Result<(ArrearsByPerson, Vec<i64>, Vec<String>)> {
    let open = cx
        .store
        .corrections_open_before(&paying.to_string())
        .await?;
    let mut arrears = ArrearsByPerson::new();
    let mut settles = Vec::new();
    let mut warnings = Vec::new();
    if open.is_empty() {
        return Ok((arrears, settles, warnings));
    }
    let staff = cx.store.staff().await?;
    let employed: BTreeSet<String> = staff
        .employed_between(paying.first_day(), paying.last_day())
        .map(|m| m.employee.id.clone())
        .chain(doc.problem.employees.iter().map(|e| e.id.clone()))
        .collect();
    let mut by_month: BTreeMap<String, Vec<CorrectionRow>> = BTreeMap::new();
    for c in open {
        if employed.contains(&c.employee) {
            by_month.entry(c.month.clone()).or_default().push(c);
        } else {
            warnings.push(format!(
                "correction #{} of {} ({}) is not paid in {paying}: {} is not employed then",
                c.id, c.employee, c.month, c.employee
            ));
        }
    }
    for (month_text, corrections) in by_month {
        let month = YearMonth::parse(&month_text)?;
        let diffs = differences(cx, month, &corrections).await?;
        for (person, a) in diffs {
            arrears.entry(person).or_default().push(a);
        }
        settles.extend(corrections.iter().map(|c| c.id));
    }
    Ok((arrears, settles, warnings))
}

/// The differences `corrections` make to the approved `month`, per person.
async fn differences(
    cx: Context<'_>,
    month: YearMonth,
    corrections: &[CorrectionRow],
) -> Result<Vec<(String, payroll::Arrears)>> {
    let month_text = month.to_string();
    let run = cx.store.approved_run(&month_text).await?.ok_or_else(|| {
        Error::internal(format!("{month_text} has corrections but no approved run"))
    })?;
    let stored = match run.roster_version_id {
        Some(id) => cx.store.roster_version(id).await?,
        None => super::roster::for_pay(cx, &month_text).await?,
    }
    .ok_or_else(|| Error::internal(format!("the roster {month_text} was paid from is gone")))?;
    let source = if stored.meta.published() {
        RosterSource::Published {
            id: stored.meta.id,
            version: stored.meta.version,
        }
    } else {
        RosterSource::Draft {
            id: stored.meta.id,
            version: stored.meta.version,
        }
    };
    let mut records = cx.store.attendance(&month_text).await?;
    // Someone corrected who was paid from the roster (no records stored) gets their month
    // "worked as rostered" as the baseline of both computations, so that only the days
    // corrected differ.
    for c in corrections {
        if c.kind == CorrectionKind::Attendance && !records.iter().any(|r| r.employee == c.employee)
        {
            records.extend(crate::attendance::as_rostered(&stored.doc, &c.employee));
        }
    }
    records.sort_by(|a, b| (&a.employee, a.date).cmp(&(&b.employee, b.date)));
    let mut corrected = records.clone();
    let mut adjustments = Vec::new();
    let mut people = BTreeSet::new();
    for c in corrections {
        people.insert(c.employee.clone());
        match c.kind {
            CorrectionKind::Attendance => {
                let days: Vec<DayRecord> = serde_json::from_str(&c.doc)
                    .with_context(|| format!("stored correction #{} does not parse", c.id))?;
                corrected.retain(|r| {
                    !(r.employee == c.employee && days.iter().any(|d| d.date == r.date))
                });
                corrected.extend(days);
            }
            CorrectionKind::Kpi => {
                adjustments.push(
                    serde_json::from_str::<Adjustment>(&c.doc)
                        .with_context(|| format!("stored correction #{} does not parse", c.id))?,
                );
            }
        }
    }
    corrected.sort_by(|a, b| (&a.employee, a.date).cmp(&(&b.employee, b.date)));
    let as_was = compute_core(
        cx,
        month,
        stored.doc.clone(),
        source.clone(),
        records,
        &[],
        ArrearsByPerson::new(),
    )
    .await?;
    let revised = compute_core(
        cx,
        month,
        stored.doc,
        source,
        corrected,
        &adjustments,
        ArrearsByPerson::new(),
    )
    .await?;
    let mut out = Vec::new();
    for person in people {
        let slip = |p: &payroll::MonthPayroll| {
            p.payslips.iter().find(|s| s.employee_id == person).cloned()
        };
        let (Some(a), Some(b)) = (slip(&as_was.run.pay), slip(&revised.run.pay)) else {
            continue;
        };
        let d = payroll::arrears_between(&a, &b)
            .map_err(|e| Error::internal(format!("arrears of {person} for {month}: {e}")))?;
        if !(d.earnings.is_empty()
            && d.employee_contributions.is_empty()
            && d.employer_contributions.is_empty())
        {
            out.push((person, d));
        }
    }
    Ok(out)
}
