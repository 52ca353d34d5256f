//! Replacement requests (clause 2.3.7): the purchaser asks for a worker to be replaced; the
//! deadline is 15 working days later by the holiday calendar.

use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};

/// One stored request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacementRow {
    /// Id.
    pub id: i64,
    /// The worker to be replaced.
    pub employee: String,
    /// `YYYY-MM-DD`.
    pub requested_on: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    /// The purchaser's reason.
    pub reason: String,
    /// open or done.
    pub status: String,
    /// The new person, once done.
    pub replaced_by: Option<String>,
    /// When done.
    pub done_on: Option<String>,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for ReplacementRow {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(ReplacementRow {
            id: r.try_get("id")?,
            employee: r.try_get("employee_id")?,
            requested_on: r.try_get("requested_on")?,
            deadline: r.try_get("deadline")?,
            reason: r.try_get("reason")?,
            status: r.try_get("status")?,
            replaced_by: r.try_get("replaced_by")?,
            done_on: r.try_get("done_on")?,
        })
    }
}

impl Store {
    /// The requests, open first, by deadline.
    ///
    /// # Errors
    /// A database error.
    pub async fn replacements(&self) -> anyhow::Result<Vec<ReplacementRow>> {
        Ok(sqlx::query_as::<_, ReplacementRow>(
            "SELECT id, employee_id, requested_on, deadline, reason, status, replaced_by, done_on FROM replacement_request ORDER BY status DESC, deadline, id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records a request with its audit entry.
    ///
    /// # Errors
    /// A database error.
    pub async fn replacement_add(
        &self,
        employee: &str,
        requested_on: &str,
        deadline: &str,
        reason: &str,
        actor: &str,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO replacement_request (employee_id, requested_on, deadline, reason, status, created_by, created_at) VALUES ($1, $2, $3, $4, 'open', $5, $6)")
            .bind(employee)
            .bind(requested_on)
            .bind(deadline)
            .bind(reason)
            .bind(actor)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        audit_tx(
            &mut tx,
            actor,
            "staff.replacement.request",
            employee,
            None,
            Some(&format!(
                "requested {requested_on}, deadline {deadline}: {reason}"
            )),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Closes open request `id` (`replaced_by` the new person, on `done_on`), audited; false
    /// when there is no open request with that id.
    ///
    /// # Errors
    /// A database error.
    pub async fn replacement_done(
        &self,
        id: i64,
        replaced_by: &str,
        done_on: &str,
        actor: &str,
    ) -> anyhow::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query("UPDATE replacement_request SET status = 'done', replaced_by = $1, done_on = $2 WHERE id = $3 AND status = 'open'")
            .bind(replaced_by)
            .bind(done_on)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit_tx(
            &mut tx,
            actor,
            "staff.replacement.done",
            &format!("request #{id}"),
            Some("open"),
            Some(&format!("done {done_on}, replaced by {replaced_by}")),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
