//! Attendance in the pipeline: the import context of a month from the store's staff list,
//! imports (parsed off the async runtime within a time bound; stored in one transaction with
//! the audit entry; refused once the month's payroll is approved), the reconciliation with
//! the month's roster, HR's confirmations of the differences, and the empty template.

use crate::said;
use crate::said::Said;
use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{blocking, Context, Error, Result, YearMonth};
use crate::attendance::{DifferenceKind, Reconciliation};
use crate::db::attendance::{ImportRefused, ImportSummary};
use crate::excel::attendance::{ImportContext, Parsed, StaffEntry};
use crate::staff::Staff;

/// The people an attendance file of `month` may name: everyone employed on a day of it (a
/// leaver until the last day, a joiner from the first).
#[must_use]
pub fn employed_in(staff: &Staff, month: YearMonth) -> Vec<StaffEntry> {
    staff
        .employed_between(month.first_day(), month.last_day())
        .map(|m| StaffEntry {
            id: m.employee.id.clone(),
            name: m.employee.name.clone(),
            clock_ids: m
                .hr
                .as_ref()
                .map(|h| h.clock_ids.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// The import context of a month: its people, the site's shifts, the attendance rules and
/// the month's roster (published, else its draft) to pair undirected punches with.
///
/// # Errors
/// A database error.
pub async fn context(cx: Context<'_>, month: YearMonth) -> Result<ImportContext> {
    let staff = cx.store.staff().await?;
    let ctx = ImportContext::new(
        month.year,
        month.month,
        employed_in(&staff, month),
        &cx.reference.site.shifts,
        cx.reference.attendance.clone(),
    );
    Ok(
        match super::roster::for_pay(cx, &month.to_string()).await? {
            Some(r) => ctx.with_roster(&r.doc.roster),
            None => ctx,
        },
    )
}

/// Refuses a month whose payroll is approved, naming the run.
///
/// # Errors
/// [`Error::Conflict`] for an approved month.
pub async fn ensure_open(cx: Context<'_>, month: YearMonth) -> Result<()> {
    if let Some(r) = cx.store.approved_run(&month.to_string()).await? {
        return Err(Error::Conflict(refused_said(&ImportRefused::Approved {
            month: month.to_string(),
            run: r.id,
        })));
    }
    Ok(())
}

/// Parses a file of `month` (off the async runtime, within the parse bound).
///
/// # Errors
/// [`Error::Conflict`] for an approved month (checked first), [`Error::File`] with every
/// located problem.
pub async fn parse(
    cx: Context<'_>,
    month: YearMonth,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Parsed> {
    ensure_open(cx, month).await?;
    let ctx = context(cx, month).await?;
    let name = file_name.to_string();
    blocking(move || {
        crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
            crate::excel::attendance::parse_named(&bytes, &name, &ctx)
        })
    })
    .await?
    .map_err(Error::File)
}

/// A person whose stored records a file would replace with fewer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Loss {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Records stored now for the month.
    pub stored: usize,
    /// Records in the file.
    pub incoming: usize,
}

impl Loss {
    /// The loss in Chinese, for Chinese pages.
    #[must_use]
    pub fn zh(&self) -> String {
        format!(
            "{} {}：已存 {} 条日考勤记录 → 文件中 {} 条",
            self.employee, self.name, self.stored, self.incoming
        )
    }
}

impl std::fmt::Display for Loss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {} stored day records → {} in the file",
            self.employee, self.name, self.stored, self.incoming
        )
    }
}

/// What storing `parsed` would lose: the people of the file whose stored records of the
/// month outnumber the file's (a file replaces each person's month whole).
///
/// # Errors
/// A database error.
pub async fn losses(cx: Context<'_>, month: YearMonth, parsed: &Parsed) -> Result<Vec<Loss>> {
    let stored = cx.store.attendance(&month.to_string()).await?;
    let mut out = Vec::new();
    for who in parsed.people() {
        let have = stored.iter().filter(|r| r.employee == who).count();
        let incoming = parsed.records.iter().filter(|r| r.employee == who).count();
        if have > incoming {
            let name = parsed
                .records
                .iter()
                .find(|r| r.employee == who)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            out.push(Loss {
                employee: who,
                name,
                stored: have,
                incoming,
            });
        }
    }
    Ok(out)
}

/// Whether a store may replace stored records with fewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Refuse when a person would lose records ([`losses`]).
    Guarded,
    /// The user saw the losses and confirmed them.
    Confirmed,
}

/// Stores a parsed file of `month` by `actor` (one transaction with the audit entry). A
/// file that would replace someone's stored records with fewer is refused, naming them,
/// unless `replace` is [`Replace::Confirmed`]: a broken or partial export must not erase a
/// month of attendance.
///
/// # Errors
/// [`Error::Conflict`] when the month's payroll was approved meanwhile or records would be
/// lost unconfirmed, else a database error; nothing is stored then.
pub async fn store(
    cx: Context<'_>,
    month: YearMonth,
    file_name: &str,
    parsed: &Parsed,
    actor: &str,
    replace: Replace,
) -> Result<ImportSummary> {
    if replace == Replace::Guarded {
        let lost = losses(cx, month, parsed).await?;
        if !lost.is_empty() {
            return Err(Error::Conflict(Said::new(
                format!(
                    "{file_name} would replace stored attendance of {month} with fewer records: {} — check the file; to replace anyway, confirm the replacement",
                    lost.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
                ),
                format!(
                    "{file_name} 会以更少的记录替换 {month} 已存的考勤：{} —— 请检查文件；如确需替换，请确认替换",
                    lost.iter().map(Loss::zh).collect::<Vec<_>>().join("；")
                ),
            )));
        }
    }
    cx.store
        .replace_attendance(
            &month.to_string(),
            file_name,
            parsed.source,
            &parsed.sheet,
            &parsed.records,
            actor,
        )
        .await
        .map_err(|e| match e {
            ImportRefused::Database(e) => Error::Internal(e),
            other => Error::Conflict(refused_said(&other)),
        })
}

/// A refused import in both languages.
fn refused_said(e: &ImportRefused) -> Said {
    let zh = match e {
        ImportRefused::Approved { month, run } => format!(
            "{month}：本月工资已审批（核算 #{run}），考勤已冻结；如需更改，请以本月更正录入"
        ),
        ImportRefused::OutsideMonth {
            employee,
            date,
            month,
        } => format!("{employee} 在 {date} 的记录不属于 {month}"),
        ImportRefused::Database(_) => "数据库错误（已记录）".to_string(),
    };
    Said::new(e.to_string(), zh)
}

/// Parses and stores a file of `month`.
///
/// # Errors
/// As [`parse`] and [`store`].
pub async fn import(
    cx: Context<'_>,
    month: YearMonth,
    file_name: &str,
    bytes: Vec<u8>,
    actor: &str,
) -> Result<(Parsed, ImportSummary)> {
    let parsed = parse(cx, month, file_name, bytes).await?;
    let summary = store(cx, month, file_name, &parsed, actor, Replace::Guarded).await?;
    Ok((parsed, summary))
}

/// The month's stored attendance reconciled with its roster (the store's, published or
/// draft, or `roster` when given); `None` when nothing is stored or there is no roster.
///
/// # Errors
/// A database error.
pub async fn reconcile(
    cx: Context<'_>,
    month: YearMonth,
    roster: Option<scheduler::RosterFile>,
) -> Result<Option<Reconciliation>> {
    let records = cx.store.attendance(&month.to_string()).await?;
    if records.is_empty() {
        return Ok(None);
    }
    let doc = match roster {
        Some(d) => d,
        None => match super::roster::for_pay(cx, &month.to_string()).await? {
            Some(s) => s.doc,
            None => return Ok(None),
        },
    };
    let policy = cx.reference.attendance.clone();
    Ok(Some(
        blocking(move || {
            crate::attendance::reconcile(
                &doc,
                &records,
                &policy,
                Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
            )
        })
        .await?,
    ))
}

/// One difference with its confirmation, if any.
#[derive(Debug, Clone, Serialize)]
pub struct DifferenceRow {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `DifferenceKind` code (snake case).
    pub kind: String,
    /// Chinese label.
    pub label: String,
    /// What the roster says.
    pub rostered: String,
    /// What the attendance says.
    pub recorded: String,
    /// Details.
    pub detail: String,
    /// Who confirmed it.
    pub confirmed_by: Option<String>,
    /// When.
    pub confirmed_at: Option<String>,
    /// HR's note.
    pub note: Option<String>,
}

fn kind_code(k: DifferenceKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The month's differences between roster and attendance, each with its confirmation
/// (`None` when nothing is stored or there is no roster).
///
/// # Errors
/// A database error.
pub async fn differences(cx: Context<'_>, month: YearMonth) -> Result<Option<Vec<DifferenceRow>>> {
    let Some(rec) = reconcile(cx, month, None).await? else {
        return Ok(None);
    };
    let confirmed = cx.store.confirmations(&month.to_string()).await?;
    Ok(Some(
        rec.differences
            .iter()
            .map(|d| {
                let kind = kind_code(d.kind);
                let date = d.date.to_string();
                let c = confirmed.get(&(d.employee.clone(), date.clone(), kind.clone()));
                DifferenceRow {
                    employee: d.employee.clone(),
                    name: d.name.clone(),
                    label: d.kind.label_zh().to_string(),
                    rostered: d.rostered.clone().unwrap_or_default(),
                    recorded: d.recorded.clone().unwrap_or_default(),
                    detail: d.detail.clone(),
                    confirmed_by: c.map(|c| c.confirmed_by.clone()),
                    confirmed_at: c.map(|c| c.confirmed_at.clone()),
                    note: c.map(|c| c.note.clone()),
                    date,
                    kind,
                }
            })
            .collect(),
    ))
}

/// Confirms the differences named by `(employee, date, kind)` (each must be one the month has
/// now), with `note`, in one transaction with its audit entry. Returns how many were new.
///
/// # Errors
/// [`Error::Invalid`] for a difference the month does not have, or none named.
pub async fn confirm(
    cx: Context<'_>,
    month: YearMonth,
    which: &[(String, String, String)],
    note: &str,
    actor: &str,
) -> Result<usize> {
    let rows = differences(cx, month).await?.ok_or_else(|| {
        Error::Invalid(said!(
            "{month}: no stored attendance or no roster to reconcile",
            "{month}：没有已存的考勤或排班可供核对"
        ))
    })?;
    if which.is_empty() {
        return Err(Error::Invalid(said!(
            "name at least one difference",
            "请至少指定一处差异"
        )));
    }
    let have: HashMap<(&str, &str, &str), ()> = rows
        .iter()
        .map(|r| ((r.employee.as_str(), r.date.as_str(), r.kind.as_str()), ()))
        .collect();
    for (e, d, k) in which {
        if !have.contains_key(&(e.as_str(), d.as_str(), k.as_str())) {
            return Err(Error::Invalid(said!(
                "{month} has no difference {k} of {e} on {d}",
                "{month} 没有 {e} 在 {d} 的差异 {k}"
            )));
        }
    }
    Ok(cx
        .store
        .confirm_differences(&month.to_string(), which, note, actor)
        .await?)
}

/// The month's empty import template (考勤导入模板) for the people employed in it.
///
/// # Errors
/// A database or workbook error.
pub async fn template(cx: Context<'_>, month: YearMonth) -> Result<Vec<u8>> {
    let ctx = context(cx, month).await?;
    blocking(move || crate::excel::attendance::template_workbook(&ctx))
        .await?
        .map_err(|e| Error::internal(format!("writing the template workbook: {e}")))
}
