//! The month's KPI evaluation (绩效考核) from the evidence in the store.

use std::collections::BTreeMap;

use super::{Context, Result, YearMonth};
use crate::kpi::{evaluate, Evaluation, Evidence, Person};

/// The people of a roster (or the staff list) with their pay positions and attendance KPIs.
///
/// # Errors
/// An employee without a known pay position.
pub fn people(
    employees: &[scheduler::Employee],
    attendance: &BTreeMap<String, u32>,
) -> anyhow::Result<Vec<Person>> {
    employees
        .iter()
        .map(|e| {
            Ok(Person {
                id: e.id.clone(),
                name: e.name.clone(),
                position: crate::timesheet::pay_position(e)?,
                attendance_kpi: attendance.get(&e.id).copied(),
            })
        })
        .collect()
}

/// Evaluates a month from the stored evidence, if any KPI evidence is stored for it (else
/// `None`: the time sheets keep their scores). `attendance` maps employee ids to the
/// reconciliation's attendance KPI.
///
/// # Errors
/// Database, policy or rating errors.
pub async fn evaluations(
    cx: Context<'_>,
    month: YearMonth,
    employees: &[scheduler::Employee],
    attendance: &BTreeMap<String, u32>,
) -> Result<Option<Vec<Evaluation>>> {
    evaluations_with(cx, month, employees, attendance, &[]).await
}

/// [`evaluations`] with `extra` adjustments on top of the stored ones (a correction of an
/// approved month).
///
/// # Errors
/// Database, policy or rating errors.
pub async fn evaluations_with(
    cx: Context<'_>,
    month: YearMonth,
    employees: &[scheduler::Employee],
    attendance: &BTreeMap<String, u32>,
    extra: &[crate::kpi::Adjustment],
) -> Result<Option<Vec<Evaluation>>> {
    let mut evidence = cx.store.kpi_evidence(&month.to_string()).await?;
    evidence.adjustments.extend(extra.iter().cloned());
    if evidence == Evidence::default() {
        return Ok(None);
    }
    let people = people(employees, attendance)?;
    Ok(Some(evaluate(
        &people,
        &evidence,
        &cx.reference.kpi_scoring,
        &cx.reference.payroll.performance,
        month.first_day(),
    )?))
}

/// The month's evaluation with the attendance KPI from the stored attendance reconciled with
/// the month's roster (from the store, or `roster` when given); `None` without evidence.
///
/// # Errors
/// Database, policy or rating errors.
pub async fn evaluate_month(
    cx: Context<'_>,
    month: YearMonth,
    roster: Option<scheduler::RosterFile>,
) -> Result<Option<Vec<Evaluation>>> {
    let doc = match roster {
        Some(d) => Some(d),
        None => super::roster::for_pay(cx, &month.to_string())
            .await?
            .map(|s| s.doc),
    };
    let mut attendance = BTreeMap::new();
    let employees = match &doc {
        Some(doc) => {
            let records = cx.store.attendance(&month.to_string()).await?;
            if !records.is_empty() {
                let rec = crate::attendance::reconcile(
                    doc,
                    &records,
                    &cx.reference.attendance,
                    rust_decimal::Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
                );
                for p in rec.people {
                    attendance.insert(p.employee, p.attendance_kpi);
                }
            }
            doc.problem.employees.clone()
        }
        None => cx
            .store
            .staff()
            .await?
            .on_post()
            .map(|m| m.employee.clone())
            .collect(),
    };
    evaluations(cx, month, &employees, &attendance).await
}
