//! Corrections of approved months (table `correction`, migration 0010): entered against the
//! month they correct, paid as arrears lines by the next run, settled by its approval.

use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};

/// What a correction changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// The person's day records for the dates given replace the stored ones.
    Attendance,
    /// A KPI adjustment added to the month's evaluation.
    Kpi,
}

impl CorrectionKind {
    fn code(self) -> &'static str {
        match self {
            CorrectionKind::Attendance => "attendance",
            CorrectionKind::Kpi => "kpi",
        }
    }
}

/// One stored correction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CorrectionRow {
    /// Id.
    pub id: i64,
    /// The approved month corrected.
    pub month: String,
    /// Employee id.
    pub employee: String,
    /// Attendance or KPI.
    pub kind: CorrectionKind,
    /// The payload as JSON (day records, or an adjustment).
    #[serde(skip)]
    pub doc: String,
    /// Why.
    pub reason: String,
    /// Who entered it.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// The approved run that paid it.
    pub settled_run_id: Option<i64>,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for CorrectionRow {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        let kind: String = r.try_get("kind")?;
        Ok(CorrectionRow {
            id: r.try_get("id")?,
            month: r.try_get("month")?,
            employee: r.try_get("employee_id")?,
            kind: if kind == "kpi" {
                CorrectionKind::Kpi
            } else {
                CorrectionKind::Attendance
            },
            doc: r.try_get("doc")?,
            reason: r.try_get("reason")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            settled_run_id: r.try_get("settled_run_id")?,
        })
    }
}

/// A correction to store.
#[derive(Debug, Clone)]
pub struct NewCorrection {
    /// Employee id.
    pub employee: String,
    /// Attendance or KPI.
    pub kind: CorrectionKind,
    /// The payload as JSON.
    pub doc: String,
}

const COLUMNS: &str =
    "id, month, employee_id, kind, doc, reason, created_by, created_at, settled_run_id";

impl Store {
    /// Stores corrections of `month` (one per person) with one audit entry, in one
    /// transaction; their ids. Refused unless the month's payroll is approved.
    ///
    /// # Errors
    /// A month not approved, or a database error (then nothing is stored).
    pub async fn corrections_add(
        &self,
        month: &str,
        items: &[NewCorrection],
        reason: &str,
        actor: &str,
    ) -> anyhow::Result<Vec<i64>> {
        anyhow::ensure!(
            !reason.trim().is_empty(),
            "a correction needs a written reason"
        );
        let mut tx = self.pool.begin().await?;
        let approved: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM payroll_runs WHERE month = $1 AND status = 'approved'",
        )
        .bind(month)
        .fetch_optional(&mut *tx)
        .await?;
        anyhow::ensure!(
            approved.is_some(),
            "{month} is not approved: change its attendance or KPI evidence directly"
        );
        let at = now();
        let mut ids = Vec::new();
        for c in items {
            ids.push(
                sqlx::query_scalar(
                    "INSERT INTO correction (month, employee_id, kind, doc, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(month)
                .bind(&c.employee)
                .bind(c.kind.code())
                .bind(&c.doc)
                .bind(reason)
                .bind(actor)
                .bind(&at)
                .fetch_one(&mut *tx)
                .await?,
            );
        }
        let people: Vec<&str> = items.iter().map(|c| c.employee.as_str()).collect();
        audit_tx(
            &mut tx,
            actor,
            "correction.add",
            &format!("{month}: {}", people.join(" ")),
            None,
            Some(&format!(
                "{} correction(s) #{}: {reason}",
                ids.len(),
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" #")
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// The corrections not yet settled of months before `month`, oldest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn corrections_open_before(&self, month: &str) -> anyhow::Result<Vec<CorrectionRow>> {
        Ok(sqlx::query_as::<_, CorrectionRow>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM correction WHERE settled_run_id IS NULL AND month < $1 ORDER BY month, id"
        )))
        .bind(month)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The corrections of a month (open and settled), newest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn corrections_of(&self, month: &str) -> anyhow::Result<Vec<CorrectionRow>> {
        Ok(
            sqlx::query_as::<_, CorrectionRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM correction WHERE month = $1 ORDER BY id DESC"
            )))
            .bind(month)
            .fetch_all(&self.pool)
            .await?,
        )
    }
}
