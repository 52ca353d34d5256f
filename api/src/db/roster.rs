//! Roster versions (table `roster_version`, migration 0009).
//!
//! A month has at most one draft, edited in place (a generation or a cell edit replaces it),
//! and any number of published versions: publishing turns the draft into version N; a repair
//! after publishing is a new draft N+1, published in turn. A published version never changes
//! (refused here and by the table's triggers). Every version carries the validator's verdict,
//! the history it was checked with, and the figures the overview lists, so listing the
//! months never parses a roster document.

use anyhow::Context as _;
use scheduler::{RosterFile, Violation};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{audit_tx, now, Store};

/// Draft or published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterStatus {
    /// Being worked on; replaced by the next generation or edit.
    Draft,
    /// Published: locked for good.
    Published,
}

impl RosterStatus {
    /// Stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            RosterStatus::Draft => "draft",
            RosterStatus::Published => "published",
        }
    }
}

/// What the month boundary of a roster was checked against: the previous month's roster,
/// published or (said so) its draft, or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum History {
    /// The previous month's published roster, version `version`.
    Published {
        /// `YYYY-MM`.
        month: String,
        /// Version number.
        version: i64,
    },
    /// The previous month's draft (it was not published when this was checked).
    Draft {
        /// `YYYY-MM`.
        month: String,
        /// Version number the draft will get.
        version: i64,
    },
    /// A file given on the command line (`--previous`).
    File {
        /// The file's name.
        name: String,
    },
    /// No roster of the previous month in the store: the boundary was not checked.
    None {
        /// `YYYY-MM` of the previous month.
        month: String,
    },
    /// Unknown (a roster stored before versions kept their history).
    Unknown,
}

impl History {
    /// In words, Chinese.
    #[must_use]
    pub fn label_zh(&self) -> String {
        match self {
            History::Published { month, version } => format!("{month} 已发布第 {version} 版"),
            History::Draft { month, version } => {
                format!("{month} 草稿（第 {version} 版，尚未发布）")
            }
            History::File { name } => format!("文件 {name}"),
            History::None { month } => format!("无 {month} 排班：月初衔接未校验"),
            History::Unknown => "未知（旧数据）".to_string(),
        }
    }

    /// In words, English.
    #[must_use]
    pub fn label_en(&self) -> String {
        match self {
            History::Published { month, version } => format!("{month} published version {version}"),
            History::Draft { month, version } => {
                format!("{month} draft (version {version}, not published)")
            }
            History::File { name } => format!("file {name}"),
            History::None { month } => {
                format!("no roster of {month}: the month boundary is unchecked")
            }
            History::Unknown => "unknown (stored before histories were kept)".to_string(),
        }
    }
}

/// The figures of a version the overview and the month list show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterFigures {
    /// Shift assignments.
    pub assignments: i64,
    /// Open shortfalls.
    pub shortfalls: i64,
    /// Cover seats required (the sum of the cover minimums).
    pub seats_required: i64,
    /// Cover seats left empty.
    pub seats_missing: i64,
    /// optimal, time_limited or unsolved.
    pub solve_status: String,
    /// The solver's one-line summary.
    pub summary: String,
}

/// A stored version without its document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterVersion {
    /// Row id.
    pub id: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// 1, 2, … within the month.
    pub version: i64,
    /// Draft or published.
    pub status: RosterStatus,
    /// generate, edit, import, repair, migrated.
    pub origin: String,
    /// What the month boundary was checked against.
    pub history: History,
    /// The validator's verdict (`None`: not checked yet, a migrated version).
    pub verdict: Option<Vec<Violation>>,
    /// Assignments, shortfalls, seats, solve status and summary.
    #[serde(skip)]
    pub figures: RosterFigures,
    /// Who created the version.
    pub created_by: String,
    /// When.
    pub created_at: String,
    /// Who changed it last.
    pub updated_by: String,
    /// When.
    pub updated_at: String,
    /// Who published it.
    pub published_by: Option<String>,
    /// When.
    pub published_at: Option<String>,
    /// Why it was published although its verdict named violations.
    pub override_reason: Option<String>,
}

impl RosterVersion {
    /// Whether published.
    #[must_use]
    pub fn published(&self) -> bool {
        self.status == RosterStatus::Published
    }
}

const META: &str = "id, month, version, status, origin, history, verdict, assignments, shortfalls, seats_required, seats_missing, solve_status, summary, created_by, created_at, updated_by, updated_at, published_by, published_at, override_reason";

impl<'r> sqlx::FromRow<'r, AnyRow> for RosterVersion {
    fn from_row(r: &'r AnyRow) -> Result<Self, sqlx::Error> {
        let decode = |col: &str, e: serde_json::Error| sqlx::Error::ColumnDecode {
            index: col.to_string(),
            source: Box::new(e),
        };
        let status: String = r.try_get("status")?;
        let history: String = r.try_get("history")?;
        let verdict: Option<String> = r.try_get("verdict")?;
        Ok(RosterVersion {
            id: r.try_get("id")?,
            month: r.try_get("month")?,
            version: r.try_get("version")?,
            status: if status == "published" {
                RosterStatus::Published
            } else {
                RosterStatus::Draft
            },
            origin: r.try_get("origin")?,
            history: serde_json::from_str(&history).map_err(|e| decode("history", e))?,
            verdict: verdict
                .map(|v| serde_json::from_str(&v))
                .transpose()
                .map_err(|e| decode("verdict", e))?,
            figures: RosterFigures {
                assignments: r.try_get("assignments")?,
                shortfalls: r.try_get("shortfalls")?,
                seats_required: r.try_get("seats_required")?,
                seats_missing: r.try_get("seats_missing")?,
                solve_status: r.try_get("solve_status")?,
                summary: r.try_get("summary")?,
            },
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            updated_by: r.try_get("updated_by")?,
            updated_at: r.try_get("updated_at")?,
            published_by: r.try_get("published_by")?,
            published_at: r.try_get("published_at")?,
            override_reason: r.try_get("override_reason")?,
        })
    }
}

/// A version with its document.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRoster {
    /// The version.
    pub meta: RosterVersion,
    /// The roster (problem and assignments).
    pub doc: RosterFile,
}

/// A draft to store: the document, its verdict and history, and the audit entry.
#[derive(Debug, Clone)]
pub struct DraftSave<'a> {
    /// The roster.
    pub doc: &'a RosterFile,
    /// Figures for the month list.
    pub figures: RosterFigures,
    /// What it was checked against.
    pub history: &'a History,
    /// The validator's verdict.
    pub verdict: &'a [Violation],
    /// generate, edit, import, repair, swap.
    pub origin: &'a str,
    /// Who.
    pub actor: &'a str,
    /// Audit action, e.g. `roster.generate`.
    pub action: &'a str,
    /// Audit: before.
    pub before: Option<&'a str>,
    /// Audit: after.
    pub after: Option<&'a str>,
}

impl RosterWriteError {
    /// The refusal in both languages.
    #[must_use]
    pub fn said(&self) -> crate::said::Said {
        let zh = match self {
            RosterWriteError::Published { month, version } => {
                format!("{month} 已发布（第 {version} 版）并锁定；更改须通过排班调整")
            }
            RosterWriteError::NoDraft(month) => format!("{month}：没有可发布的草稿"),
            RosterWriteError::Database(_) => "数据库错误（已记录）".to_string(),
        };
        crate::said::Said::new(self.to_string(), zh)
    }
}

/// Why a roster write was refused.
#[derive(Debug, thiserror::Error)]
pub enum RosterWriteError {
    /// The month has a published version (a draft after publishing comes from a repair).
    #[error("{month} is published (version {version}) and locked; changes go through a repair")]
    Published {
        /// `YYYY-MM`.
        month: String,
        /// The latest published version.
        version: i64,
    },
    /// No draft to publish.
    #[error("{0}: no draft to publish")]
    NoDraft(String),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] anyhow::Error),
}

impl From<sqlx::Error> for RosterWriteError {
    fn from(e: sqlx::Error) -> Self {
        RosterWriteError::Database(e.into())
    }
}

impl Store {
    /// Every version of every month (newest first within a month), without documents.
    ///
    /// # Errors
    /// A database error.
    pub async fn roster_versions(&self) -> anyhow::Result<Vec<RosterVersion>> {
        Ok(
            sqlx::query_as::<_, RosterVersion>(sqlx::AssertSqlSafe(format!(
                "SELECT {META} FROM roster_version ORDER BY month, version DESC"
            )))
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// The months with a roster, ascending.
    ///
    /// # Errors
    /// A database error.
    pub async fn roster_months(&self) -> anyhow::Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT month FROM roster_version ORDER BY month")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The versions of one month, newest first.
    ///
    /// # Errors
    /// A database error.
    pub async fn roster_versions_of(&self, month: &str) -> anyhow::Result<Vec<RosterVersion>> {
        Ok(
            sqlx::query_as::<_, RosterVersion>(sqlx::AssertSqlSafe(format!(
                "SELECT {META} FROM roster_version WHERE month = $1 ORDER BY version DESC"
            )))
            .bind(month)
            .fetch_all(&self.pool)
            .await?,
        )
    }

    /// One version with its document.
    ///
    /// # Errors
    /// A database error, or a stored document that does not parse (named).
    pub async fn roster_version(&self, id: i64) -> anyhow::Result<Option<StoredRoster>> {
        let Some(r) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {META}, doc FROM roster_version WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let meta: RosterVersion = sqlx::FromRow::from_row(&r)?;
        let doc: String = r.try_get("doc")?;
        let doc = serde_json::from_str(&doc).with_context(|| {
            format!(
                "stored roster {} version {} does not parse",
                meta.month, meta.version
            )
        })?;
        Ok(Some(StoredRoster { meta, doc }))
    }

    /// The newest version of a month with `status` (any status when `None`), with its document.
    ///
    /// # Errors
    /// A database error, or a stored document that does not parse.
    pub async fn roster_latest(
        &self,
        month: &str,
        status: Option<RosterStatus>,
    ) -> anyhow::Result<Option<StoredRoster>> {
        let id: Option<i64> = match status {
            Some(s) => sqlx::query_scalar(
                "SELECT id FROM roster_version WHERE month = $1 AND status = $2 ORDER BY version DESC LIMIT 1",
            )
            .bind(month)
            .bind(s.code())
            .fetch_optional(&self.pool)
            .await?,
            None => sqlx::query_scalar(
                "SELECT id FROM roster_version WHERE month = $1 ORDER BY version DESC LIMIT 1",
            )
            .bind(month)
            .fetch_optional(&self.pool)
            .await?,
        };
        match id {
            Some(id) => self.roster_version(id).await,
            None => Ok(None),
        }
    }

    /// Stores `save.doc` as its month's draft, audited in the same transaction: the existing
    /// draft is replaced, or a new one made with the next version number. A month with a
    /// published version takes a draft only from a repair or an approved swap (`origin` is
    /// `"repair"` or `"swap"`).
    ///
    /// # Errors
    /// [`RosterWriteError::Published`], or a database error (then nothing is stored).
    pub async fn roster_save_draft(&self, save: &DraftSave<'_>) -> Result<i64, RosterWriteError> {
        let mut tx = self.pool.begin().await?;
        let id = Self::roster_save_draft_in(&mut tx, save).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// [`Store::roster_save_draft`] inside the caller's transaction (the caller commits), so
    /// that another record (an approved swap request) is stored with the draft or not at all.
    ///
    /// # Errors
    /// [`RosterWriteError::Published`], or a database error.
    pub(crate) async fn roster_save_draft_in(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        save: &DraftSave<'_>,
    ) -> Result<i64, RosterWriteError> {
        let month = save.doc.problem.month.clone();
        let json = serde_json::to_string(save.doc).context("writing the roster JSON")?;
        let history = serde_json::to_string(save.history).context("writing the history")?;
        let verdict = serde_json::to_string(save.verdict).context("writing the verdict")?;
        let at = now();
        let f = &save.figures;
        let published: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM roster_version WHERE month = $1 AND status = 'published'",
        )
        .bind(&month)
        .fetch_one(&mut **tx)
        .await?;
        if let Some(version) = published {
            if save.origin != "repair" && save.origin != "swap" {
                return Err(RosterWriteError::Published { month, version });
            }
        }
        let draft: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM roster_version WHERE month = $1 AND status = 'draft'",
        )
        .bind(&month)
        .fetch_optional(&mut **tx)
        .await?;
        let id = match draft {
            Some(id) => {
                sqlx::query(
                    "UPDATE roster_version SET origin = $1, doc = $2, history = $3, verdict = $4, violations = $5, assignments = $6, shortfalls = $7, seats_required = $8, seats_missing = $9, solve_status = $10, summary = $11, updated_by = $12, updated_at = $13 WHERE id = $14 AND status = 'draft'",
                )
                .bind(save.origin)
                .bind(&json)
                .bind(&history)
                .bind(&verdict)
                .bind(save.verdict.len() as i64)
                .bind(f.assignments)
                .bind(f.shortfalls)
                .bind(f.seats_required)
                .bind(f.seats_missing)
                .bind(&f.solve_status)
                .bind(&f.summary)
                .bind(save.actor)
                .bind(&at)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                id
            }
            None => {
                let next: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM roster_version WHERE month = $1",
                )
                .bind(&month)
                .fetch_one(&mut **tx)
                .await?;
                sqlx::query_scalar(
                    "INSERT INTO roster_version (month, version, status, origin, doc, history, verdict, violations, assignments, shortfalls, seats_required, seats_missing, solve_status, summary, created_by, created_at, updated_by, updated_at) \
                     VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
                )
                .bind(&month)
                .bind(next)
                .bind(save.origin)
                .bind(&json)
                .bind(&history)
                .bind(&verdict)
                .bind(save.verdict.len() as i64)
                .bind(f.assignments)
                .bind(f.shortfalls)
                .bind(f.seats_required)
                .bind(f.seats_missing)
                .bind(&f.solve_status)
                .bind(&f.summary)
                .bind(save.actor)
                .bind(&at)
                .bind(save.actor)
                .bind(&at)
                .fetch_one(&mut **tx)
                .await?
            }
        };
        audit_tx(tx, save.actor, save.action, &month, save.before, save.after).await?;
        Ok(id)
    }

    /// Publishes the month's draft `id` with its (fresh) verdict and history, audited. An
    /// override reason is stored when the verdict names violations.
    ///
    /// # Errors
    /// [`RosterWriteError::NoDraft`] when `id` is not the month's draft any more, or a
    /// database error.
    #[allow(clippy::too_many_arguments)]
    pub async fn roster_publish(
        &self,
        id: i64,
        month: &str,
        history: &History,
        verdict: &[Violation],
        override_reason: Option<&str>,
        actor: &str,
        audit_after: &str,
    ) -> Result<(), RosterWriteError> {
        let history = serde_json::to_string(history).context("writing the history")?;
        let verdict_json = serde_json::to_string(verdict).context("writing the verdict")?;
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE roster_version SET status = 'published', history = $1, verdict = $2, violations = $3, override_reason = $4, published_by = $5, published_at = $6 WHERE id = $7 AND month = $8 AND status = 'draft'",
        )
        .bind(&history)
        .bind(&verdict_json)
        .bind(verdict.len() as i64)
        .bind(override_reason)
        .bind(actor)
        .bind(now())
        .bind(id)
        .bind(month)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(RosterWriteError::NoDraft(month.to_string()));
        }
        audit_tx(
            &mut tx,
            actor,
            if override_reason.is_some() {
                "roster.publish.override"
            } else {
                "roster.publish"
            },
            month,
            Some("draft"),
            Some(audit_after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records the verdict of a version stored without one (migrated from before versions
    /// kept verdicts): the triggers allow this one update of a published version.
    ///
    /// # Errors
    /// A database error.
    pub async fn roster_fill_verdict(
        &self,
        id: i64,
        history: &History,
        verdict: &[Violation],
        figures: &RosterFigures,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "UPDATE roster_version SET history = $1, verdict = $2, violations = $3, assignments = $4, shortfalls = $5, seats_required = $6, seats_missing = $7, solve_status = $8, summary = $9 WHERE id = $10 AND verdict IS NULL",
        )
        .bind(serde_json::to_string(history)?)
        .bind(serde_json::to_string(verdict)?)
        .bind(verdict.len() as i64)
        .bind(figures.assignments)
        .bind(figures.shortfalls)
        .bind(figures.seats_required)
        .bind(figures.seats_missing)
        .bind(&figures.solve_status)
        .bind(&figures.summary)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ids of the versions stored without a verdict.
    ///
    /// # Errors
    /// A database error.
    pub async fn roster_unchecked(&self) -> anyhow::Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM roster_version WHERE verdict IS NULL ORDER BY month, version",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scheduler::{Roster, SolveStats, SolveStatus};

    fn tiny_doc() -> RosterFile {
        let cal = scheduler::Calendar::from_toml_strs(["year = 2026\nstatutory = []\n"]).unwrap();
        let site = scheduler::Site::from_toml_strs(
            r#"
            name = "tiny"
            shifts = [{ code = "A", name = "早班", start = "08:00", end = "16:00", paid_minutes = 480 }]
            cover = [{ shift = "A", role = "agent", min = 1 }]
            [rules]
            min_rest_minutes = 720
            max_consecutive_days = 6
            overtime_cap_minutes = 2160
            under_standard_minutes = 480
            leave_day_minutes = 480
            [[employees]]
            id = "E1"
            name = "甲"
            roles = ["agent"]
            reserve = true
            "#,
            None,
        )
        .unwrap();
        let problem = scheduler::Problem::new(&site, &cal, 2026, 3, vec![], vec![]).unwrap();
        RosterFile {
            problem,
            roster: Roster {
                status: SolveStatus::Unsolved,
                assignments: vec![],
                standby: vec![],
                shortfalls: vec![],
                stats: SolveStats::default(),
            },
        }
    }

    fn save<'a>(doc: &'a RosterFile, history: &'a History, origin: &'a str) -> DraftSave<'a> {
        DraftSave {
            doc,
            figures: RosterFigures {
                assignments: 0,
                shortfalls: 0,
                seats_required: 31,
                seats_missing: 31,
                solve_status: "unsolved".into(),
                summary: String::new(),
            },
            history,
            verdict: &[],
            origin,
            actor: "ops",
            action: "roster.generate",
            before: None,
            after: None,
        }
    }

    /// A month's draft is replaced in place; publishing makes it version 1, locked for good
    /// (refused here and by the triggers); a draft after that comes from a repair only, as
    /// version 2.
    #[tokio::test]
    async fn versions_drafts_and_locks_on_every_database() {
        for store in crate::db::test_stores().await {
            let doc = tiny_doc();
            let none = History::None {
                month: "2026-02".into(),
            };
            let a = store
                .roster_save_draft(&save(&doc, &none, "generate"))
                .await
                .unwrap();
            let b = store
                .roster_save_draft(&save(&doc, &none, "edit"))
                .await
                .unwrap();
            assert_eq!(a, b, "one draft per month, replaced in place");
            let v = store.roster_versions_of("2026-03").await.unwrap();
            assert_eq!(v.len(), 1);
            assert_eq!(
                (v[0].version, v[0].status, v[0].origin.as_str()),
                (1, RosterStatus::Draft, "edit")
            );
            assert_eq!(v[0].verdict.as_deref(), Some(&[][..]));
            assert_eq!(v[0].history, none);
            store
                .roster_publish(a, "2026-03", &none, &[], None, "ops", "published")
                .await
                .unwrap();
            assert!(matches!(
                store
                    .roster_publish(a, "2026-03", &none, &[], None, "ops", "again")
                    .await,
                Err(RosterWriteError::NoDraft(_))
            ));
            assert!(matches!(
                store
                    .roster_save_draft(&save(&doc, &none, "generate"))
                    .await,
                Err(RosterWriteError::Published { version: 1, .. })
            ));
            assert!(sqlx::query("UPDATE roster_version SET status = 'draft'")
                .execute(&store.pool)
                .await
                .is_err());
            assert!(sqlx::query("DELETE FROM roster_version")
                .execute(&store.pool)
                .await
                .is_err());
            let repair = store
                .roster_save_draft(&save(&doc, &none, "repair"))
                .await
                .unwrap();
            let latest = store.roster_latest("2026-03", None).await.unwrap().unwrap();
            assert_eq!((latest.meta.id, latest.meta.version), (repair, 2));
            let published = store
                .roster_latest("2026-03", Some(RosterStatus::Published))
                .await
                .unwrap()
                .unwrap();
            assert_eq!((published.meta.id, published.meta.version), (a, 1));
            assert_eq!(published.doc, doc);
            let audit = store.audit_log(10).await.unwrap();
            let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
            assert_eq!(
                actions,
                [
                    "roster.generate",
                    "roster.publish",
                    "roster.generate",
                    "roster.generate"
                ]
            );
        }
    }
}
