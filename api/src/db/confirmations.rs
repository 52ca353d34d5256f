//! HR's confirmations of the differences between roster and attendance (待确认差异): one per
//! person, date and kind of difference, with who confirmed it, when, and a note.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};

/// One confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    /// Employee id.
    pub employee: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `DifferenceKind` code.
    pub kind: String,
    /// Who.
    pub confirmed_by: String,
    /// When.
    pub confirmed_at: String,
    /// HR's note.
    pub note: String,
}

impl<'r> sqlx::FromRow<'r, AnyRow> for Confirmation {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        Ok(Confirmation {
            employee: r.try_get("employee_id")?,
            date: r.try_get("date")?,
            kind: r.try_get("kind")?,
            confirmed_by: r.try_get("confirmed_by")?,
            confirmed_at: r.try_get("confirmed_at")?,
            note: r.try_get("note")?,
        })
    }
}

impl Store {
    /// The month's confirmations by (employee, date, kind).
    ///
    /// # Errors
    /// A database error.
    pub async fn confirmations(
        &self,
        month: &str,
    ) -> anyhow::Result<HashMap<(String, String, String), Confirmation>> {
        let rows = sqlx::query_as::<_, Confirmation>(
            "SELECT employee_id, date, kind, note, confirmed_by, confirmed_at FROM attendance_confirmation WHERE month = $1",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|c| ((c.employee.clone(), c.date.clone(), c.kind.clone()), c))
            .collect())
    }

    /// Confirms `(employee, date, kind)` differences with `note`, in one transaction with its
    /// audit entry; how many were new.
    ///
    /// # Errors
    /// A database error (then nothing is stored).
    pub async fn confirm_differences(
        &self,
        month: &str,
        which: &[(String, String, String)],
        note: &str,
        actor: &str,
    ) -> anyhow::Result<usize> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        let mut new = 0;
        for (e, d, k) in which {
            new += sqlx::query(
                "INSERT INTO attendance_confirmation (month, employee_id, date, kind, note, confirmed_by, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (month, employee_id, date, kind) DO NOTHING",
            )
            .bind(month)
            .bind(e)
            .bind(d)
            .bind(k)
            .bind(note)
            .bind(actor)
            .bind(&at)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        let target = which
            .iter()
            .map(|(e, d, k)| format!("{e} {d} {k}"))
            .collect::<Vec<_>>()
            .join("; ");
        audit_tx(
            &mut tx,
            actor,
            "attendance.difference.confirm",
            &format!("{month}: {target}"),
            None,
            Some(note),
        )
        .await?;
        tx.commit().await?;
        Ok(new)
    }
}
