//! Payroll runs (table `payroll_runs`): a month is run as a draft, reviewed, then approved.
//! An approved run is immutable (also in the database: the triggers refuse any change or
//! deletion), at most one per month; its attendance and KPI evidence are frozen with it.

use anyhow::Context as _;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};

/// A stored run, without its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRow {
    /// Id.
    pub id: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// draft or approved.
    pub status: String,
    /// Who ran it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// Who approved it.
    pub approved_by: Option<String>,
    /// When.
    pub approved_at: Option<String>,
    /// The roster version it was paid from (runs before versions: none).
    pub roster_version_id: Option<i64>,
}

impl RunRow {
    /// Whether approved.
    #[must_use]
    pub fn approved(&self) -> bool {
        self.status == "approved"
    }
}

impl<'r> sqlx::FromRow<'r, AnyRow> for RunRow {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(RunRow {
            id: r.try_get("id")?,
            month: r.try_get("month")?,
            status: r.try_get("status")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            approved_by: r.try_get("approved_by")?,
            approved_at: r.try_get("approved_at")?,
            roster_version_id: r.try_get("roster_version_id")?,
        })
    }
}

/// A run with its cost document (small: the month's cost and the facts it was paid from).
#[derive(Debug, Clone)]
pub struct RunCost {
    /// The run.
    pub row: RunRow,
    /// `cost_json`, parsed by the caller.
    pub cost_json: String,
}

const ROW: &str =
    "id, month, status, created_by, created_at, approved_by, approved_at, roster_version_id";

/// What a draft run stores.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    /// `YYYY-MM`.
    pub month: &'a str,
    /// The payroll (`payroll::MonthPayroll` as JSON).
    pub payroll_json: &'a str,
    /// The cost document as JSON.
    pub cost_json: &'a str,
    /// The roster version paid from.
    pub roster_version_id: Option<i64>,
    /// Who.
    pub actor: &'a str,
    /// The audit entry's `after`.
    pub audit_after: &'a str,
}

/// Why a payroll write was refused.
#[derive(Debug, thiserror::Error)]
pub enum RunWriteError {
    /// The month already has an approved run.
    #[error("{month}: approved runs are immutable; corrections become arrears lines in a later month (run #{id} approved)")]
    Approved {
        /// `YYYY-MM`.
        month: String,
        /// The approved run.
        id: i64,
    },
    /// No draft run with this id.
    #[error("no draft payroll run #{0}")]
    NoDraft(i64),
    /// A newer draft of the month exists.
    #[error("{month}: draft run #{id} is superseded by the newer draft #{newer}; approve the newest (本月已有更新的草稿 #{newer}，请审批最新草稿)")]
    Superseded {
        /// `YYYY-MM`.
        month: String,
        /// The run asked for.
        id: i64,
        /// The newest draft.
        newer: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

impl From<sqlx::Error> for RunWriteError {
    fn from(e: sqlx::Error) -> Self {
        RunWriteError::Database(e.into())
    }
}

impl Store {
    /// Stores a draft run with its audit entry, in one transaction; refused when the month
    /// has an approved run (checked inside the transaction).
    ///
    /// # Errors
    /// [`RunWriteError::Approved`], or a database error (then nothing is stored).
    pub async fn run_insert(&self, run: &NewRun<'_>) -> Result<i64, RunWriteError> {
        let mut tx = self.begin_locked(&format!("month:{}", run.month)).await?;
        let approved: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM payroll_runs WHERE month = $1 AND status = 'approved'",
        )
        .bind(run.month)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = approved {
            return Err(RunWriteError::Approved {
                month: run.month.to_string(),
                id,
            });
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO payroll_runs (month, status, payroll_json, cost_json, created_by, created_at, roster_version_id) VALUES ($1, 'draft', $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(run.month)
        .bind(run.payroll_json)
        .bind(run.cost_json)
        .bind(run.actor)
        .bind(now())
        .bind(run.roster_version_id)
        .fetch_one(&mut *tx)
        .await
        .context("storing the payroll run")?;
        audit_tx(
            &mut tx,
            run.actor,
            "payroll.run",
            &format!("{} run #{id}", run.month),
            None,
            Some(run.audit_after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Approves draft run `id`, audited in the same transaction with the settlement of the
    /// corrections it pays (`settles`); its month (which the approval freezes).
    ///
    /// # Errors
    /// [`RunWriteError::Approved`] when the month has an approved run,
    /// [`RunWriteError::NoDraft`] when `id` is no draft, or a database error.
    pub async fn run_approve(
        &self,
        id: i64,
        actor: &str,
        audit_after: &str,
        settles: &[i64],
    ) -> Result<String, RunWriteError> {
        let mut tx = self.begin_locked("payroll.approve").await?;
        let row = sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW} FROM payroll_runs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(RunWriteError::NoDraft(id))?;
        if row.approved() {
            return Err(RunWriteError::Approved {
                month: row.month,
                id,
            });
        }
        let other: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM payroll_runs WHERE month = $1 AND status = 'approved'",
        )
        .bind(&row.month)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(other) = other {
            return Err(RunWriteError::Approved {
                month: row.month,
                id: other,
            });
        }
        // Only the month's newest draft can be approved: an older one was computed before
        // something the newer one includes.
        let newer: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(id) FROM payroll_runs WHERE month = $1 AND status = 'draft' AND id > $2",
        )
        .bind(&row.month)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(newer) = newer {
            return Err(RunWriteError::Superseded {
                month: row.month,
                id,
                newer,
            });
        }
        let done = sqlx::query(
            "UPDATE payroll_runs SET status = 'approved', approved_by = $1, approved_at = $2 WHERE id = $3 AND status = 'draft'",
        )
        .bind(actor)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await;
        match done {
            Ok(r) if r.rows_affected() == 1 => {}
            // Another approval of the month won the race (the unique index).
            _ => {
                return Err(RunWriteError::Approved {
                    month: row.month,
                    id,
                })
            }
        }
        // The corrections this run pays are settled by its approval, in the same transaction.
        for c in settles {
            sqlx::query(
                "UPDATE correction SET settled_run_id = $1 WHERE id = $2 AND settled_run_id IS NULL",
            )
            .bind(id)
            .bind(c)
            .execute(&mut *tx)
            .await?;
        }
        audit_tx(
            &mut tx,
            actor,
            "payroll.approve",
            &format!("{} run #{id}", row.month),
            Some("draft"),
            Some(audit_after),
        )
        .await?;
        tx.commit().await?;
        Ok(row.month)
    }

    /// The runs of a month, newest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn runs_of_month(&self, month: &str) -> anyhow::Result<Vec<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW} FROM payroll_runs WHERE month = $1 ORDER BY id DESC"
        )))
        .bind(month)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The months with a run, newest first (at most `limit`).
    ///
    /// # Errors
    /// A database error.
    pub async fn run_months(&self, limit: i64) -> anyhow::Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT month FROM payroll_runs ORDER BY month DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The approved run of a month.
    ///
    /// # Errors
    /// A database error.
    pub async fn approved_run(&self, month: &str) -> anyhow::Result<Option<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW} FROM payroll_runs WHERE month = $1 AND status = 'approved'"
        )))
        .bind(month)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// One run.
    ///
    /// # Errors
    /// A database error.
    pub async fn run_row(&self, id: i64) -> anyhow::Result<Option<RunRow>> {
        Ok(sqlx::query_as::<_, RunRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW} FROM payroll_runs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// One run's payroll.
    ///
    /// # Errors
    /// A database error, or a stored payroll that does not parse (named).
    pub async fn run_payroll(
        &self,
        id: i64,
    ) -> anyhow::Result<Option<(RunRow, payroll::MonthPayroll)>> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW}, payroll_json FROM payroll_runs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let row: RunRow = sqlx::FromRow::from_row(&r)?;
        let json: String = r.try_get("payroll_json")?;
        let pay = serde_json::from_str(&json)
            .with_context(|| format!("stored payroll of run #{id} does not parse"))?;
        Ok(Some((row, pay)))
    }

    /// One run's cost document.
    ///
    /// # Errors
    /// A database error.
    pub async fn run_cost(&self, id: i64) -> anyhow::Result<Option<RunCost>> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW}, cost_json FROM payroll_runs WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some(RunCost {
            row: sqlx::FromRow::from_row(&r)?,
            cost_json: r.try_get("cost_json")?,
        }))
    }

    /// The runs of a year with their cost documents, by month then newest first: what the
    /// compliance view is computed from (never the payrolls themselves).
    ///
    /// # Errors
    /// A database error.
    pub async fn year_run_costs(&self, year: i32) -> anyhow::Result<Vec<RunCost>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ROW}, cost_json FROM payroll_runs WHERE month LIKE $1 ORDER BY month, id DESC"
        )))
        .bind(format!("{year:04}-%"))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RunCost {
                    row: sqlx::FromRow::from_row(r)?,
                    cost_json: r.try_get("cost_json")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::db::Store;

    /// The database itself refuses to change or delete an approved run, and holds at most one
    /// approved run per month.
    #[tokio::test]
    async fn approved_runs_are_immutable_in_the_database() {
        for store in crate::db::test_stores().await {
            immutable_on(&store).await;
        }
    }

    async fn immutable_on(store: &Store) {
        let insert = |status: &'static str| {
            sqlx::query("INSERT INTO payroll_runs (month, status, payroll_json, cost_json, created_by, created_at) VALUES ('2026-03', $1, '{}', '{}', 'hr', 'now')")
                .bind(status)
                .execute(&store.pool)
        };
        insert("draft").await.unwrap();
        insert("approved").await.unwrap();
        assert!(
            insert("approved").await.is_err(),
            "one approved run a month"
        );
        let err =
            sqlx::query("UPDATE payroll_runs SET payroll_json = '[]' WHERE status = 'approved'")
                .execute(&store.pool)
                .await
                .unwrap_err();
        assert!(err.to_string().contains("immutable"), "{err}");
        assert!(
            sqlx::query("DELETE FROM payroll_runs WHERE status = 'approved'")
                .execute(&store.pool)
                .await
                .is_err()
        );
        // Drafts stay editable.
        sqlx::query("DELETE FROM payroll_runs WHERE status = 'draft'")
            .execute(&store.pool)
            .await
            .unwrap();
        // The approved month's attendance is frozen by the triggers too.
        let err = sqlx::query("INSERT INTO attendance_import (month, file_name, source, sheet, records, people, replaced, imported_at) VALUES ('2026-03', 'f', 'template', 's', 1, 1, 0, 'now') RETURNING id")
            .fetch_one(&store.pool)
            .await
            .map(|r| sqlx::Row::get::<i64, _>(&r, 0))
            .unwrap();
        let frozen = sqlx::query("INSERT INTO attendance_day (employee_id, date, month, name, shift_inferred, note, source, sheet, source_row, import_id) VALUES ('A001', '2026-03-02', '2026-03', 'x', 0, '', 'template', 's', 2, $1)")
            .bind(err)
            .execute(&store.pool)
            .await
            .unwrap_err();
        assert!(frozen.to_string().contains("frozen"), "{frozen}");
    }
}
