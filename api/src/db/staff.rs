//! The staff list (table `staff_member`): each person's roster entry and HR record as JSON
//! (the serde types of [`crate::staff::Member`]), whether on post, who changed it last.
//! Nobody is deleted: a leaver is deactivated and keeps the HR record.

use anyhow::Context as _;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};
use crate::staff::{Member, Staff};

/// A stored row, its JSON documents still text.
struct MemberRow(Member);

impl<'r> sqlx::FromRow<'r, AnyRow> for MemberRow {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |col: &str, e: serde_json::Error| sqlx::Error::ColumnDecode {
            index: col.to_string(),
            source: Box::new(e),
        };
        let employee: String = r.try_get("employee")?;
        let hr: Option<String> = r.try_get("hr")?;
        Ok(MemberRow(Member {
            employee: serde_json::from_str(&employee).map_err(|e| decode("employee", e))?,
            hr: hr
                .map(|h| serde_json::from_str(&h))
                .transpose()
                .map_err(|e| decode("hr", e))?,
            active: r.try_get::<i64, _>("active")? != 0,
            updated_by: r.try_get("updated_by")?,
            updated_at: r.try_get("updated_at")?,
        }))
    }
}

impl Store {
    /// The staff list, in the order people were added.
    ///
    /// # Errors
    /// A database error or a stored document that does not parse.
    pub async fn staff(&self) -> anyhow::Result<Staff> {
        let rows = sqlx::query_as::<_, MemberRow>(
            "SELECT employee_id, employee, hr, active, updated_by, updated_at FROM staff_member ORDER BY ord, employee_id",
        )
        .fetch_all(&self.pool)
        .await
        .context("reading the staff list")?;
        Ok(Staff {
            members: rows.into_iter().map(|r| r.0).collect(),
        })
    }

    /// How many people the list holds (0: an empty database, to be seeded).
    ///
    /// # Errors
    /// A database error.
    pub async fn staff_count(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff_member")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Stores `members` (new ones appended, existing ones replaced) and one audit entry, in
    /// one transaction. Nobody is ever deleted: leavers are deactivated.
    ///
    /// # Errors
    /// A database error (then nothing is stored).
    pub async fn staff_save(
        &self,
        members: &[Member],
        actor: &str,
        action: &str,
        target: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        let at = now();
        for m in members {
            let next: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(ord), 0) + 1 FROM staff_member")
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO staff_member (employee_id, ord, employee, hr, active, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (employee_id) DO UPDATE SET employee = excluded.employee, hr = excluded.hr, active = excluded.active, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(&m.employee.id)
            .bind(next)
            .bind(serde_json::to_string(&m.employee)?)
            .bind(m.hr.as_ref().map(serde_json::to_string).transpose()?)
            .bind(i64::from(m.active))
            .bind(&m.updated_by)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("storing employee {}", m.employee.id))?;
        }
        audit_tx(&mut tx, actor, action, target, before, after).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The demo list stored and read back in the file's order; an edit replaces the person
    /// and is audited, on every database.
    #[tokio::test]
    async fn the_staff_list_is_stored_and_audited_on_every_database() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo");
        let members = crate::staff::from_folder(&demo).unwrap();
        for store in crate::db::test_stores().await {
            assert_eq!(store.staff_count().await.unwrap(), 0);
            store
                .staff_save(&members, "system", "staff.seed", "53 people", None, None)
                .await
                .unwrap();
            let stored = store.staff().await.unwrap().members;
            assert_eq!(stored.len(), 53);
            assert_eq!(stored[0].employee.id, "M001", "the file's order is kept");
            let mut m = stored[10].clone();
            m.employee.team = Some(2);
            m.updated_by = "hr".into();
            store
                .staff_save(
                    std::slice::from_ref(&m),
                    "hr",
                    "staff.edit",
                    &m.employee.id,
                    None,
                    None,
                )
                .await
                .unwrap();
            let again = store.staff().await.unwrap().members;
            assert_eq!(again.len(), 53);
            assert_eq!(again[10].employee.team, Some(2));
            assert_eq!(again[10].updated_by, "hr");
            let log = store.audit_log(10).await.unwrap();
            let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
            assert_eq!(actions, ["staff.edit", "staff.seed"]);
        }
    }
}
