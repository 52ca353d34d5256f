//! KPI evidence (绩效考核依据): the agent report, QA sheets, commendations and complaints,
//! and the manager's adjustments (never deleted: the audit trail). A month whose payroll is
//! approved is frozen.

use anyhow::Context as _;
use rust_decimal::Decimal;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::attendance::ImportSummary;
use super::{now, Store};
use crate::excel::kpi_import::{KpiFile, KpiFileKind};
use crate::kpi::{Adjustment, AgentMonth, Evidence, Feedback, FeedbackKind, Origin, QaSheet};

/// Refuses a change to a month whose payroll is approved (the triggers refuse it too; this
/// names the run).
async fn frozen(tx: &mut sqlx::Transaction<'_, sqlx::Any>, month: &str) -> anyhow::Result<()> {
    let approved: Option<i64> =
        sqlx::query_scalar("SELECT id FROM payroll_runs WHERE month = $1 AND status = 'approved'")
            .bind(month)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(run) = approved {
        anyhow::bail!(
            "{month}: the payroll of this month is approved (run #{run}): its KPI evidence is frozen"
        );
    }
    Ok(())
}

impl Store {
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
                "DELETE FROM kpi_agent_month WHERE month = $1 AND employee_id = $2"
            }
            KpiFileKind::QaSheets => {
                "DELETE FROM kpi_qa_sheet WHERE month = $1 AND employee_id = $2"
            }
            KpiFileKind::Feedback => {
                "DELETE FROM kpi_feedback WHERE month = $1 AND employee_id = $2"
            }
        };
        let mut tx = self.pool.begin().await?;
        frozen(&mut tx, month).await?;
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
            "INSERT INTO kpi_import (month, kind, file_name, records, people, replaced, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
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
                    sqlx::query("INSERT INTO kpi_agent_month (month, employee_id, calls_handled, answer_rate, aht_seconds, satisfaction, callbacks_on_time, callbacks_due, file_name, sheet, source_row, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
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
                    sqlx::query("INSERT INTO kpi_qa_sheet (recording, month, date, employee_id, items, total, comment, file_name, sheet, source_row, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
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
                    sqlx::query("INSERT INTO kpi_feedback (month, date, employee_id, kind, verified, description, file_name, sheet, source_row, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                        .bind(month)
                        .bind(r.date.to_string())
                        .bind(&r.employee)
                        .bind(match r.kind {
                            FeedbackKind::Commendation => "commendation",
                            FeedbackKind::Complaint => "complaint",
                        })
                        .bind(i64::from(r.verified))
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
        let mut tx = self.pool.begin().await?;
        frozen(&mut tx, month).await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO kpi_adjustment (month, employee_id, kpi, points, reason, by_whom, at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(month)
            .bind(&a.employee)
            .bind(a.kpi.name())
            .bind(a.points.to_string())
            .bind(&a.reason)
            .bind(&a.by)
            .bind(&a.at)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The month's KPI evidence.
    ///
    /// # Errors
    /// A database error or a stored value that does not parse.
    pub async fn kpi_evidence(&self, month: &str) -> anyhow::Result<Evidence> {
        let origin = |r: &AnyRow| -> anyhow::Result<Origin> {
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
        for r in sqlx::query("SELECT * FROM kpi_agent_month WHERE month = $1 ORDER BY employee_id")
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
            "SELECT * FROM kpi_qa_sheet WHERE month = $1 ORDER BY employee_id, date, recording",
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
        for r in sqlx::query(
            "SELECT * FROM kpi_feedback WHERE month = $1 ORDER BY employee_id, date, id",
        )
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
                verified: r.try_get::<i64, _>("verified")? != 0,
                description: r.try_get("description")?,
                origin: origin(&r)?,
            });
        }
        for r in sqlx::query("SELECT * FROM kpi_adjustment WHERE month = $1 ORDER BY id")
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
}
