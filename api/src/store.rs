//! Storage (sqlx). SQLite by default — a file created on first use — with the schema in
//! `api/migrations/*.sql`, applied in order at open and recorded in `schema_migrations`.
//!
//! Why not `sqlx::migrate!`: it needs sqlx's proc-macro feature (and with it a build-time
//! database or `.sqlx` offline data); a list of embedded SQL files applied in a transaction
//! does the same job without either.
//!
//! Every write that belongs together is one transaction: an attendance import removes the
//! month's records of the people in the file and inserts the new ones, or does nothing.

use std::str::FromStr as _;

use anyhow::Context as _;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row as _;

use crate::attendance::{DayRecord, Reported, Source};
use crate::excel::kpi_import::{KpiFile, KpiFileKind};
use crate::kpi::{Adjustment, AgentMonth, Evidence, Feedback, FeedbackKind, Origin, QaSheet};

/// The embedded migrations, in order.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "attendance",
        include_str!("../migrations/0001_attendance.sql"),
    ),
    (2, "kpi", include_str!("../migrations/0002_kpi.sql")),
    (3, "web", include_str!("../migrations/0003_web.sql")),
    (4, "roster", include_str!("../migrations/0004_roster.sql")),
    (5, "payroll", include_str!("../migrations/0005_payroll.sql")),
    (6, "staff", include_str!("../migrations/0006_staff.sql")),
];

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
}

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

/// The database URL to use: `DATABASE_URL` if set, else the given default.
pub fn database_url(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://out/workforce.db".to_string())
}

/// A single-threaded runtime for the command line's blocking calls.
///
/// # Errors
/// The runtime cannot start.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

impl Store {
    /// Opens (creating if missing) a SQLite database and applies pending migrations.
    ///
    /// # Errors
    /// A bad URL, an unreachable file, or a failing migration (named).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            url.starts_with("sqlite:"),
            "database URL `{url}`: only SQLite (sqlite:PATH or sqlite::memory:) is supported so far"
        );
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|p| !p.starts_with(':'))
        {
            let path = path.split('?').next().unwrap_or(path);
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating folder {}", dir.display()))?;
                }
            }
        }
        let opts = SqliteConnectOptions::from_str(url)
            .with_context(|| format!("database URL `{url}`"))?
            .create_if_missing(true)
            .foreign_keys(true);
        // One connection for an in-memory database (each connection would be its own).
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(opts)
            .await
            .with_context(|| format!("opening database {url}"))?;
        let store = Store { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        for &(version, name, sql) in MIGRATIONS {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?")
                    .bind(version)
                    .fetch_optional(&self.pool)
                    .await?;
            if done.is_some() {
                continue;
            }
            let mut tx = self.pool.begin().await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .with_context(|| format!("migration {version} ({name})"))?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            )
            .bind(version)
            .bind(name)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// Stores an import of `month`: the month's records of every person in `records` are
    /// replaced by these, in one transaction.
    ///
    /// # Errors
    /// A record outside the month, or a database error (then nothing is stored).
    pub async fn replace_attendance(
        &self,
        month: &str,
        file_name: &str,
        source: Source,
        sheet: &str,
        records: &[DayRecord],
    ) -> anyhow::Result<ImportSummary> {
        let people: std::collections::BTreeSet<&str> =
            records.iter().map(|r| r.employee.as_str()).collect();
        for r in records {
            anyhow::ensure!(
                r.date.format("%Y-%m").to_string() == month,
                "record of {} on {} is not in {month}",
                r.employee,
                r.date
            );
        }
        let mut tx = self.pool.begin().await?;
        let mut replaced = 0u64;
        for p in &people {
            replaced +=
                sqlx::query("DELETE FROM attendance_day WHERE month = ? AND employee_id = ?")
                    .bind(month)
                    .bind(*p)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
        }
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO attendance_import (month, file_name, source, sheet, records, people, replaced, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
            let reported = r.reported.as_ref().map(serde_json::to_string).transpose()?;
            let leave = r.leave.map(|k| {
                serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            });
            sqlx::query(
                "INSERT INTO attendance_day (employee_id, date, month, name, shift, shift_inferred, clock_in, clock_out, leave_kind, leave_hours, reported, note, source, sheet, source_row, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&r.employee)
            .bind(r.date.to_string())
            .bind(month)
            .bind(&r.name)
            .bind(&r.shift)
            .bind(r.shift_inferred)
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
            "SELECT employee_id, date, name, shift, shift_inferred, clock_in, clock_out, leave_kind, leave_hours, reported, note, source, sheet, source_row FROM attendance_day WHERE month = ? ORDER BY employee_id, date",
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
                    shift_inferred: row.try_get("shift_inferred")?,
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
        let rows = sqlx::query(
            "SELECT id, month, file_name, source, records, people, replaced, imported_at FROM attendance_import WHERE month = ? ORDER BY id DESC",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
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
            })
            .collect()
    }

    /// Stores a KPI file of `month`: that kind's records of the month for every person in the
    /// file are replaced by these, in one transaction (QA sheets are also unique by recording
    /// across months: a recording stored for another month fails the import, naming it).
    ///
    /// # Errors
    /// A record outside the month, a clash, or a database error (then nothing is stored).
    pub async fn replace_kpi(
        &self,
        month: &str,
        file_name: &str,
        file: &KpiFile,
    ) -> anyhow::Result<ImportSummary> {
        let people = file.people();
        let kind = file.kind();
        let table = match kind {
            KpiFileKind::AgentReport => {
                "DELETE FROM kpi_agent_month WHERE month = ? AND employee_id = ?"
            }
            KpiFileKind::QaSheets => "DELETE FROM kpi_qa_sheet WHERE month = ? AND employee_id = ?",
            KpiFileKind::Feedback => "DELETE FROM kpi_feedback WHERE month = ? AND employee_id = ?",
        };
        let mut tx = self.pool.begin().await?;
        let mut replaced = 0u64;
        for p in &people {
            replaced += sqlx::query(table)
                .bind(month)
                .bind(p)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let import_id: i64 = sqlx::query_scalar(
            "INSERT INTO kpi_import (month, kind, file_name, records, people, replaced, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(month)
        .bind(kind.code())
        .bind(file_name)
        .bind(file.len() as i64)
        .bind(people.len() as i64)
        .bind(replaced as i64)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let dec = |d: Option<Decimal>| d.map(|d| d.to_string());
        match file {
            KpiFile::AgentReport(rows) => {
                for r in rows {
                    sqlx::query("INSERT INTO kpi_agent_month (month, employee_id, calls_handled, answer_rate, aht_seconds, satisfaction, callbacks_on_time, callbacks_due, file_name, sheet, source_row, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(month)
                        .bind(&r.employee)
                        .bind(r.calls_handled.map(i64::from))
                        .bind(dec(r.answer_rate))
                        .bind(dec(r.aht_seconds))
                        .bind(dec(r.satisfaction))
                        .bind(r.callbacks_on_time.map(i64::from))
                        .bind(r.callbacks_due.map(i64::from))
                        .bind(&r.origin.file)
                        .bind(&r.origin.sheet)
                        .bind(r.origin.row as i64)
                        .bind(import_id)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| format!("storing the agent report line of {}", r.employee))?;
                }
            }
            KpiFile::QaSheets(rows) => {
                for r in rows {
                    sqlx::query("INSERT INTO kpi_qa_sheet (recording, month, date, employee_id, items, total, comment, file_name, sheet, source_row, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(&r.recording)
                        .bind(month)
                        .bind(r.date.to_string())
                        .bind(&r.employee)
                        .bind(serde_json::to_string(&r.items)?)
                        .bind(r.total.to_string())
                        .bind(&r.comment)
                        .bind(&r.origin.file)
                        .bind(&r.origin.sheet)
                        .bind(r.origin.row as i64)
                        .bind(import_id)
                        .execute(&mut *tx)
                        .await
                        .with_context(|| {
                            format!(
                                "storing QA sheet {} ({} row {}): the recording is already stored for another month or person",
                                r.recording, r.origin.sheet, r.origin.row
                            )
                        })?;
                }
            }
            KpiFile::Feedback(rows) => {
                for r in rows {
                    sqlx::query("INSERT INTO kpi_feedback (month, date, employee_id, kind, verified, description, file_name, sheet, source_row, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .bind(month)
                        .bind(r.date.to_string())
                        .bind(&r.employee)
                        .bind(match r.kind {
                            FeedbackKind::Commendation => "commendation",
                            FeedbackKind::Complaint => "complaint",
                        })
                        .bind(r.verified)
                        .bind(&r.description)
                        .bind(&r.origin.file)
                        .bind(&r.origin.sheet)
                        .bind(r.origin.row as i64)
                        .bind(import_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(ImportSummary {
            import_id,
            inserted: file.len(),
            replaced,
            people: people.len(),
        })
    }

    /// Records a manager's adjustment (kept for good: the audit trail).
    ///
    /// # Errors
    /// An empty reason, or a database error.
    pub async fn add_adjustment(&self, month: &str, a: &Adjustment) -> anyhow::Result<i64> {
        anyhow::ensure!(
            !a.reason.trim().is_empty(),
            "an adjustment needs a written reason"
        );
        let id: i64 = sqlx::query_scalar("INSERT INTO kpi_adjustment (month, employee_id, kpi, points, reason, by_whom, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id")
            .bind(month)
            .bind(&a.employee)
            .bind(a.kpi.name())
            .bind(a.points.to_string())
            .bind(&a.reason)
            .bind(&a.by)
            .bind(&a.at)
            .fetch_one(&self.pool)
            .await?;
        Ok(id)
    }

    /// The month's KPI evidence.
    ///
    /// # Errors
    /// A database error or a stored value that does not parse.
    pub async fn kpi_evidence(&self, month: &str) -> anyhow::Result<Evidence> {
        let origin = |r: &sqlx::sqlite::SqliteRow| -> anyhow::Result<Origin> {
            Ok(Origin {
                file: r.try_get("file_name")?,
                sheet: r.try_get("sheet")?,
                row: usize::try_from(r.try_get::<i64, _>("source_row")?).unwrap_or(0),
            })
        };
        let dec = |v: Option<String>| -> anyhow::Result<Option<Decimal>> {
            v.map(|s| s.parse::<Decimal>().context("stored decimal"))
                .transpose()
        };
        let count = |v: Option<i64>| v.and_then(|n| u32::try_from(n).ok());
        let mut ev = Evidence::default();
        for r in sqlx::query("SELECT * FROM kpi_agent_month WHERE month = ? ORDER BY employee_id")
            .bind(month)
            .fetch_all(&self.pool)
            .await?
        {
            ev.agent_months.push(AgentMonth {
                employee: r.try_get("employee_id")?,
                calls_handled: count(r.try_get("calls_handled")?),
                answer_rate: dec(r.try_get("answer_rate")?)?,
                aht_seconds: dec(r.try_get("aht_seconds")?)?,
                satisfaction: dec(r.try_get("satisfaction")?)?,
                callbacks_on_time: count(r.try_get("callbacks_on_time")?),
                callbacks_due: count(r.try_get("callbacks_due")?),
                origin: origin(&r)?,
            });
        }
        for r in sqlx::query(
            "SELECT * FROM kpi_qa_sheet WHERE month = ? ORDER BY employee_id, date, recording",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await?
        {
            let items: String = r.try_get("items")?;
            let total: String = r.try_get("total")?;
            let date: String = r.try_get("date")?;
            ev.qa.push(QaSheet {
                recording: r.try_get("recording")?,
                date: date.parse().context("stored QA date")?,
                employee: r.try_get("employee_id")?,
                items: serde_json::from_str(&items).context("stored QA items")?,
                total: total.parse().context("stored QA total")?,
                comment: r.try_get("comment")?,
                origin: origin(&r)?,
            });
        }
        for r in
            sqlx::query("SELECT * FROM kpi_feedback WHERE month = ? ORDER BY employee_id, date, id")
                .bind(month)
                .fetch_all(&self.pool)
                .await?
        {
            let kind: String = r.try_get("kind")?;
            let date: String = r.try_get("date")?;
            ev.feedback.push(Feedback {
                date: date.parse().context("stored feedback date")?,
                employee: r.try_get("employee_id")?,
                kind: if kind == "commendation" {
                    FeedbackKind::Commendation
                } else {
                    FeedbackKind::Complaint
                },
                verified: r.try_get("verified")?,
                description: r.try_get("description")?,
                origin: origin(&r)?,
            });
        }
        for r in sqlx::query("SELECT * FROM kpi_adjustment WHERE month = ? ORDER BY id")
            .bind(month)
            .fetch_all(&self.pool)
            .await?
        {
            let kpi: String = r.try_get("kpi")?;
            let points: String = r.try_get("points")?;
            ev.adjustments.push(Adjustment {
                employee: r.try_get("employee_id")?,
                kpi: payroll::Kpi::ALL
                    .into_iter()
                    .find(|k| k.name() == kpi)
                    .with_context(|| format!("stored adjustment: unknown KPI {kpi}"))?,
                points: points.parse().context("stored adjustment points")?,
                reason: r.try_get("reason")?,
                by: r.try_get("by_whom")?,
                at: r.try_get("at")?,
            });
        }
        Ok(ev)
    }

    /// Closes the pool (flushes SQLite's WAL).
    pub async fn close(self) {
        self.pool.close().await;
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
