//! Leave and swap requests (请假 / 换班): the request book in the store, one row per request
//! ([`scheduler::Request`] as JSON, its id the row's). A month's approved leave is what the
//! month's roster is solved and checked with.

use anyhow::Context as _;
use chrono::NaiveDate;
use scheduler::{Leave, Request, RequestBook, RequestKind, Status};
use sqlx::Row as _;

use super::roster::{DraftSave, RosterWriteError};
use super::{audit_tx, now, Store};

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Pending => "pending",
        Status::Approved => "approved",
        Status::Rejected => "rejected",
    }
}

fn days(kind: &RequestKind) -> (NaiveDate, NaiveDate) {
    match kind {
        RequestKind::Leave { from, to, .. } => (*from, *to),
        RequestKind::Swap { dates, .. } => (
            dates.iter().min().copied().unwrap_or_default(),
            dates.iter().max().copied().unwrap_or_default(),
        ),
    }
}

impl Store {
    /// Every request, as a book (in the order received).
    ///
    /// # Errors
    /// A database error or a stored request that does not parse (named).
    pub async fn request_book(&self) -> anyhow::Result<RequestBook> {
        let rows = sqlx::query("SELECT id, doc FROM request ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let requests = rows
            .iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let doc: String = r.try_get("doc")?;
                let mut q: Request = serde_json::from_str(&doc)
                    .with_context(|| format!("stored request #{id} does not parse"))?;
                q.id = u32::try_from(id).context("request id")?;
                Ok(q)
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(RequestBook { requests })
    }

    /// Approved leave touching `first..=last`.
    ///
    /// # Errors
    /// A database error or a stored request that does not parse.
    pub async fn approved_leave(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> anyhow::Result<Vec<Leave>> {
        let rows = sqlx::query(
            "SELECT id, doc FROM request WHERE status = 'approved' AND kind = 'leave' AND first_day <= $1 AND last_day >= $2 ORDER BY id",
        )
        .bind(last.to_string())
        .bind(first.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut book = RequestBook::default();
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let doc: String = r.try_get("doc")?;
            book.requests.push(
                serde_json::from_str(&doc)
                    .with_context(|| format!("stored request #{id} does not parse"))?,
            );
        }
        Ok(book.approved_leave())
    }

    /// Records a new pending request with its audit entry; its id.
    ///
    /// # Errors
    /// A database error.
    pub async fn request_add(
        &self,
        kind: RequestKind,
        requested_by: &str,
        note: &str,
        actor: &str,
    ) -> anyhow::Result<u32> {
        let (first, last) = days(&kind);
        let code = match kind {
            RequestKind::Leave { .. } => "leave",
            RequestKind::Swap { .. } => "swap",
        };
        let mut q = Request {
            id: 0,
            kind,
            requested_by: requested_by.to_string(),
            note: note.to_string(),
            status: Status::Pending,
            decided_by: None,
            reason: None,
        };
        let at = now();
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO request (kind, status, first_day, last_day, doc, created_by, created_at, updated_at) VALUES ($1, 'pending', $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(code)
        .bind(first.to_string())
        .bind(last.to_string())
        .bind(serde_json::to_string(&q)?)
        .bind(actor)
        .bind(&at)
        .fetch_one(&mut *tx)
        .await?;
        q.id = u32::try_from(id).context("request id")?;
        sqlx::query("UPDATE request SET doc = $1 WHERE id = $2")
            .bind(serde_json::to_string(&q)?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit_tx(
            &mut tx,
            actor,
            "request.add",
            &format!("request #{id}"),
            None,
            Some(&serde_json::to_string(&q.kind)?),
        )
        .await?;
        tx.commit().await?;
        Ok(q.id)
    }

    /// Stores a decided request (status, decider, reason), audited; false when it was no
    /// longer pending.
    ///
    /// # Errors
    /// A database error.
    pub async fn request_decide(&self, q: &Request, actor: &str) -> anyhow::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE request SET status = $1, doc = $2, updated_at = $3 WHERE id = $4 AND status = 'pending'",
        )
        .bind(status_code(q.status))
        .bind(serde_json::to_string(q)?)
        .bind(now())
        .bind(i64::from(q.id))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        audit_tx(
            &mut tx,
            actor,
            &format!("request.{}", status_code(q.status)),
            &format!("request #{}", q.id),
            Some("pending"),
            q.reason.as_deref(),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores an approved swap request together with the roster draft that carries it out,
    /// in one transaction (both audited): `None`, with nothing stored, when the request was
    /// no longer pending; else the draft's row id.
    ///
    /// # Errors
    /// [`RosterWriteError::Published`] for a draft the month may not take, or a database
    /// error (then nothing is stored).
    pub async fn request_approve_swap(
        &self,
        q: &Request,
        actor: &str,
        draft: &DraftSave<'_>,
    ) -> Result<Option<i64>, RosterWriteError> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE request SET status = $1, doc = $2, updated_at = $3 WHERE id = $4 AND status = 'pending'",
        )
        .bind(status_code(q.status))
        .bind(serde_json::to_string(q).context("writing the request")?)
        .bind(now())
        .bind(i64::from(q.id))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        audit_tx(
            &mut tx,
            actor,
            &format!("request.{}", status_code(q.status)),
            &format!("request #{}", q.id),
            Some("pending"),
            q.reason.as_deref(),
        )
        .await?;
        let id = Store::roster_save_draft_in(&mut tx, draft).await?;
        tx.commit().await?;
        Ok(Some(id))
    }
}
