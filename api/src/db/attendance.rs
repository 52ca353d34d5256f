//! Attendance: the imports of a month and the day records they stored (one record per
//! person and date). A new import of a month replaces that month's records of the people in
//! the file, in one transaction with its audit entry; a month whose payroll is approved is
//! frozen (refused here, and by the `attendance_day_frozen_*` triggers of migration 0009).

use anyhow::Context as _;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};
use crate::attendance::{DayRecord, Reported, Source};

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Import id.
    pub import_id: i64,
    /// Records inserted.
    pub inserted: usize,
    /// Records of the same people and month removed first.
    pub replaced: u64,
    /// People in the file.
    pub people: usize,
}

/// One stored import.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportRow {
    /// Id.
    pub id: i64,
    /// Month.
    pub month: String,
    /// File name.
    pub file_name: String,
    /// Format code.
    pub source: String,
    /// Records.
    pub records: i64,
    /// People.
    pub people: i64,
    /// Records replaced.
    pub replaced: i64,
    /// When.
    pub imported_at: String,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for ImportRow {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(ImportRow {
            id: r.try_get("id")?,
            month: r.try_get("month")?,
            file_name: r.try_get("file_name")?,
            source: r.try_get("source")?,
            records: r.try_get("records")?,
            people: r.try_get("people")?,
            replaced: r.try_get("replaced")?,
            imported_at: r.try_get("imported_at")?,
        })
    }
}

/// Why an import was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ImportRefused {
    /// The month's payroll is approved: its attendance is frozen.
    #[error("{month}: the payroll of this month is approved (run #{run}): its attendance is frozen; a change is entered as a correction of the month")]
    Approved {
        /// `YYYY-MM`.
        month: String,
        /// The approved run.
        run: i64,
    },
    /// A record outside the month.
    #[error("record of {employee} on {date} is not in {month}")]
    OutsideMonth {
        /// Employee.
        employee: String,
        /// Date.
        date: NaiveDate,
        /// `YYYY-MM`.
        month: String,
    },
    /// The database failed (then nothing is stored).
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ImportRefused {
    fn from(e: sqlx::Error) -> Self {
        ImportRefused::Database(e.into())
    }
}

impl Store {
    /// Stores an import of `month` by `actor`: the month's records of every person in
    /// `records` are replaced by these, in one transaction with its audit entry. A month whose
    /// payroll is approved is refused (checked in the transaction; the triggers refuse too).
    ///
    /// # Errors
    /// [`ImportRefused`]; nothing is stored then.
    pub async fn replace_attendance(
        &self,
        month: &str,
        file_name: &str,
        source: Source,
        sheet: &str,
        records: &[DayRecord],
        actor: &str,
    ) -> Result<ImportSummary, ImportRefused> {
        let people: std::collections::BTreeSet<&str> =
            records.iter().map(|r| r.employee.as_str()).collect();
        for r in records {
            if r.date.format("%Y-%m").to_string() != month {
                return Err(ImportRefused::OutsideMonth {
                    employee: r.employee.clone(),
                    date: r.date,
                    month: month.to_string(),
                });
            }
        }
        let mut tx = self.begin_locked(&format!("month:{month}")).await?;
        let approved: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM payroll_runs WHERE month = $1 AND status = 'approved'",
        )
        .bind(month)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(run) = approved {
            return Err(ImportRefused::Approved {
                month: month.to_string(),
                run,
            });
        }
        let mut replaced = 0u64;
        for p in &people {
            replaced +=
                sqlx::query("DELETE FROM attendance_day WHERE month = $1 AND employee_id = $2")
                    .bind(month)
                    .bind(*p)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
        }
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO attendance_import (month, file_name, source, sheet, records, people, replaced, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(month)
        .bind(file_name)
        .bind(source.code())
        .bind(sheet)
        .bind(records.len() as i64)
        .bind(people.len() as i64)
        .bind(replaced as i64)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        for r in records {
            let dt =
                |t: Option<NaiveDateTime>| t.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string());
            let reported = r
                .reported
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .context("writing the vendor's day result")?;
            let leave = r.leave.map(|k| {
                serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            });
            sqlx::query(
                "INSERT INTO attendance_day (employee_id, date, month, name, shift, shift_inferred, clock_in, clock_out, leave_kind, leave_hours, reported, note, source, sheet, source_row, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(&r.employee)
            .bind(r.date.to_string())
            .bind(month)
            .bind(&r.name)
            .bind(&r.shift)
            .bind(i64::from(r.shift_inferred))
            .bind(dt(r.clock_in))
            .bind(dt(r.clock_out))
            .bind(leave)
            .bind(r.leave_hours.map(|h| h.to_string()))
            .bind(reported)
            .bind(&r.note)
            .bind(r.source.code())
            .bind(&r.sheet)
            .bind(r.row as i64)
            .bind(import_id)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("storing {} on {}", r.employee, r.date))?;
        }
        audit_tx(
            &mut tx,
            actor,
            "attendance.import",
            &format!("{month} {file_name}"),
            Some(&format!("{replaced} records replaced")),
            Some(&format!(
                "{} records of {} people (import #{import_id})",
                records.len(),
                people.len()
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(ImportSummary {
            import_id,
            inserted: records.len(),
            replaced,
            people: people.len(),
        })
    }

    /// The stored records of a month, by person and date.
    ///
    /// # Errors
    /// A database error or a stored value that does not parse (named).
    pub async fn attendance(&self, month: &str) -> anyhow::Result<Vec<DayRecord>> {
        let rows = sqlx::query(
            "SELECT employee_id, date, name, shift, shift_inferred, clock_in, clock_out, leave_kind, leave_hours, reported, note, source, sheet, source_row FROM attendance_day WHERE month = $1 ORDER BY employee_id, date",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| -> anyhow::Result<DayRecord> {
                let employee: String = row.try_get("employee_id")?;
                let date: String = row.try_get("date")?;
                let bad = |what: &str| format!("stored attendance of {employee} on {date}: {what}");
                let dt = |col: &str| -> anyhow::Result<Option<NaiveDateTime>> {
                    let v: Option<String> = row.try_get(col)?;
                    v.map(|s| {
                        NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S")
                            .with_context(|| bad(col))
                    })
                    .transpose()
                };
                let leave: Option<String> = row.try_get("leave_kind")?;
                let hours: Option<String> = row.try_get("leave_hours")?;
                let reported: Option<String> = row.try_get("reported")?;
                let source: String = row.try_get("source")?;
                Ok(DayRecord {
                    date: date.parse::<NaiveDate>().with_context(|| bad("date"))?,
                    name: row.try_get("name")?,
                    shift: row.try_get("shift")?,
                    shift_inferred: row.try_get::<i64, _>("shift_inferred")? != 0,
                    clock_in: dt("clock_in")?,
                    clock_out: dt("clock_out")?,
                    leave: leave
                        .map(|k| serde_json::from_value(serde_json::Value::String(k)))
                        .transpose()
                        .with_context(|| bad("leave_kind"))?,
                    leave_hours: hours
                        .map(|h| h.parse::<Decimal>())
                        .transpose()
                        .with_context(|| bad("leave_hours"))?,
                    reported: reported
                        .map(|r| serde_json::from_str::<Reported>(&r))
                        .transpose()
                        .with_context(|| bad("reported"))?,
                    note: row.try_get("note")?,
                    source: Source::from_code(&source).with_context(|| bad("source"))?,
                    sheet: row.try_get("sheet")?,
                    row: usize::try_from(row.try_get::<i64, _>("source_row")?).unwrap_or(0),
                    employee: employee.clone(),
                })
            })
            .collect()
    }

    /// The imports of a month, newest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn imports(&self, month: &str) -> anyhow::Result<Vec<ImportRow>> {
        Ok(sqlx::query_as::<_, ImportRow>(
            "SELECT id, month, file_name, source, records, people, replaced, imported_at FROM attendance_import WHERE month = $1 ORDER BY id DESC",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many day records a month holds.
    ///
    /// # Errors
    /// A database error.
    pub async fn attendance_count(&self, month: &str) -> anyhow::Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM attendance_day WHERE month = $1")
                .bind(month)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
