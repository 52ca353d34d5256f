//! Storage (sqlx). SQLite by default — a file created on first use — or PostgreSQL when the
//! URL (`DATABASE_URL` or `--db`) names one (`postgres://…`). The same queries run on both:
//! sqlx's `Any` driver, checked at run time, portable SQL only (`$1` placeholders, which
//! SQLite reads too; `RETURNING id`; `ON CONFLICT … DO UPDATE`; integers for flags, text for
//! dates and decimals, never a float). The schema is the one place the two differ (identity
//! columns, triggers): `api/migrations/*.sql` for SQLite and `api/migrations/postgres/*.sql`
//! for PostgreSQL, applied in order at open and recorded in `schema_migrations`; a test
//! checks that both define the same tables and columns.
//!
//! Why not `sqlx::migrate!`: it needs sqlx's proc-macro feature (and with it a build-time
//! database or `.sqlx` offline data); a list of embedded SQL files applied in a transaction
//! does the same job without either.
//!
//! Every write that belongs together is one transaction: an attendance import removes the
//! month's records of the people in the file and inserts the new ones, or does nothing.

use anyhow::Context as _;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;

/// Accounts, sessions and the audit log.
pub mod accounts;
/// Attendance imports and day records.
pub mod attendance;
/// HR's confirmations of the differences between roster and attendance.
pub mod confirmations;
/// Corrections of approved months, paid as arrears by a later run.
pub mod corrections;
/// KPI evidence and adjustments.
pub mod kpi;
/// Payroll runs (draft, approved and immutable) and their documents.
pub mod payroll;
/// Replacement requests (clause 2.3.7).
pub mod replacements;
/// Leave and swap requests (the request book).
pub mod requests;
/// Roster versions (draft, published) with the validator's verdict.
pub mod roster;
/// The staff list (人员名单).
pub mod staff;

pub use accounts::{audit_tx, AuditEntry};
pub use attendance::{ImportRow, ImportSummary};

/// One migration: version, name, SQLite text, PostgreSQL text.
type Migration = (i64, &'static str, &'static str, &'static str);

macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        (
            $version,
            $name,
            include_str!(concat!("../../migrations/", $file)),
            include_str!(concat!("../../migrations/postgres/", $file)),
        )
    };
}

/// The embedded migrations, in order.
const MIGRATIONS: &[Migration] = &[
    migration!(1, "attendance", "0001_attendance.sql"),
    migration!(2, "kpi", "0002_kpi.sql"),
    migration!(3, "web", "0003_web.sql"),
    migration!(4, "roster", "0004_roster.sql"),
    migration!(5, "payroll", "0005_payroll.sql"),
    migration!(6, "staff", "0006_staff.sql"),
    migration!(7, "staff_member", "0007_staff_member.sql"),
    migration!(
        8,
        "attendance_confirmation",
        "0008_attendance_confirmation.sql"
    ),
    migration!(9, "month_store", "0009_month_store.sql"),
    migration!(10, "corrections", "0010_corrections.sql"),
];

/// Which database a store is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite (a file, or in memory).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
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
    /// Opens a database and applies pending migrations: SQLite (`sqlite:PATH`, the file and
    /// its folder created if missing, or `sqlite::memory:`) or PostgreSQL (`postgres://…`,
    /// the database must exist).
    ///
    /// # Errors
    /// A bad or unsupported URL, an unreachable database, or a failing migration (named).
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_string())
        } else if url.starts_with("sqlite:") {
            (Backend::Sqlite, sqlite_url(url)?)
        } else {
            anyhow::bail!(
                "database URL `{url}`: expected sqlite:PATH, sqlite::memory: or postgres://USER@HOST/DB"
            );
        };
        // One connection for an in-memory database (each connection would be its own).
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .connect(&url)
            .await
            .with_context(|| format!("opening database {}", redacted(&url)))?;
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    /// The database this store is on.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that writes `key`'s data (a month's attendance, a month's runs),
    /// serialised with every other writer of the same key. On PostgreSQL two imports of one
    /// month would each delete and insert the same people's days and one would fail on the
    /// unique key (a 500): a transaction-scoped advisory lock makes the second wait for the
    /// first's commit. On SQLite (one writer at a time) the write lock is taken at once.
    pub(crate) async fn begin_locked(
        &self,
        key: &str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        match self.backend {
            Backend::Postgres => {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(lock_id(key))
                    .execute(&mut *tx)
                    .await?;
            }
            // SQLite begins a transaction deferred: two that read first and write next would
            // each hold a read lock and wait for the other's — SQLite answers the second
            // "database is locked" at once, without waiting. A write first (that changes no
            // row) takes the write lock now, so the second waits its turn (busy timeout).
            Backend::Sqlite => {
                sqlx::query("UPDATE schema_migrations SET name = name WHERE 1 = 0")
                    .execute(&mut *tx)
                    .await?;
            }
        }
        Ok(tx)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        for &(version, name, sqlite, postgres) in MIGRATIONS {
            let mut tx = self.pool.begin().await?;
            if self.backend == Backend::Postgres {
                // Two servers starting at once on a new database: one applies, one waits.
                sqlx::query("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
            }
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(version)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite => sqlite,
                Backend::Postgres => postgres,
            };
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .with_context(|| format!("migration {version} ({name})"))?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
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

    /// Closes the pool (flushes SQLite's WAL).
    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Creates a new, empty PostgreSQL database on the server `admin_url` names (connected to
/// as a user allowed to create databases) and returns its URL. Each test gets its own
/// database this way; the name is `prefix`, the process id and a counter.
///
/// # Errors
/// The server cannot be reached, or refuses.
pub async fn create_postgres_database(admin_url: &str, prefix: &str) -> anyhow::Result<String> {
    use sqlx::Connection as _;
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    sqlx::any::install_default_drivers();
    anyhow::ensure!(
        prefix.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "database name prefix `{prefix}`: lower-case letters and _ only"
    );
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stamp = chrono::Utc::now().timestamp_micros() % 1_000_000_000;
    let name = format!("{prefix}_{}_{n}_{stamp}", std::process::id());
    let mut admin = sqlx::AnyConnection::connect(admin_url)
        .await
        .with_context(|| format!("connecting to {}", redacted(admin_url)))?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .with_context(|| format!("creating database {name}"))?;
    admin.close().await?;
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (admin_url, String::new()),
    };
    let server = base
        .rsplit_once('/')
        .filter(|(head, _)| head.contains("://") && !head.ends_with('/'))
        .map_or(base, |(head, _)| head);
    Ok(format!("{server}/{name}{query}"))
}

/// The stores the storage tests run on: SQLite in memory, and a fresh PostgreSQL database
/// when `WORKFORCE_TEST_POSTGRES` names a server (`scripts/postgres.sh start` prints it). In
/// CI (`CI` set) the PostgreSQL server is required.
#[cfg(test)]
pub(crate) async fn test_stores() -> Vec<Store> {
    let mut stores = vec![Store::open("sqlite::memory:").await.unwrap()];
    match std::env::var("WORKFORCE_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => {
            let url = create_postgres_database(&admin, "wf_unit").await.unwrap();
            stores.push(Store::open(&url).await.unwrap());
        }
        _ => assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the storage tests on PostgreSQL too: set WORKFORCE_TEST_POSTGRES (eval \"$(scripts/postgres.sh start)\")"
        ),
    }
    stores
}

/// A SQLite URL that creates the file (and its folder) when missing: `mode=rwc` unless the
/// URL sets a mode.
fn sqlite_url(url: &str) -> anyhow::Result<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if rest.starts_with(':') {
        return Ok(url.to_string());
    }
    let path = rest.split('?').next().unwrap_or(rest);
    anyhow::ensure!(!path.is_empty(), "database URL `{url}`: no file named");
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating folder {}", dir.display()))?;
        }
    }
    if !rest.contains("mode=") || rest.contains("mode=rwc") {
        create_private(std::path::Path::new(path))?;
    }
    Ok(if rest.contains("mode=") {
        url.to_string()
    } else if rest.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Creates a missing database file readable and writable by its owner only (0600): it holds
/// ID numbers, bank accounts and pay. SQLite gives its journal and WAL files the main file's
/// permissions. An existing file is left as it is.
fn create_private(path: &std::path::Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating the database {}", path.display())),
    }
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &url[scheme + 3..at];
            match user.split_once(':') {
                Some((name, _)) => format!("{}{name}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A stable 64-bit id of a lock key (FNV-1a): the same on every server and version.
fn lock_id(key: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// The storage tests: each runs on SQLite and, where a server is given, on PostgreSQL
/// ([`test_stores`]); expected values are the records written, read back exactly.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::{DayRecord, Reported, Source};
    use crate::excel::kpi_import::KpiFile;
    use crate::kpi::{Adjustment, AgentMonth, Feedback, FeedbackKind, Origin, QaSheet};
    use ::payroll::Kpi;
    use sqlx::Row as _;

    fn day(employee: &str, name: &str, date: &str) -> DayRecord {
        DayRecord {
            employee: employee.into(),
            name: name.into(),
            date: date.parse().unwrap(),
            shift: None,
            shift_inferred: false,
            clock_in: None,
            clock_out: None,
            leave: None,
            leave_hours: None,
            reported: None,
            note: String::new(),
            source: Source::Template,
            sheet: "考勤".into(),
            row: 2,
        }
    }

    fn records() -> Vec<DayRecord> {
        let mut worked = day("A001", "黎明", "2026-03-02");
        worked.shift = Some("N".into());
        worked.shift_inferred = true;
        worked.clock_in = Some("2026-03-02T23:55:00".parse().unwrap());
        worked.clock_out = Some("2026-03-03T08:02:00".parse().unwrap());
        worked.reported = Some(Reported {
            present: true,
            late_minutes: Some(8),
            ..Reported::default()
        });
        worked.note = "迟到8分钟".into();
        worked.source = Source::DingTalkSummary;
        worked.row = 7;
        let mut leave = day("A001", "黎明", "2026-03-03");
        leave.leave = Some(scheduler::LeaveKind::Personal);
        leave.leave_hours = Some("4.50".parse().unwrap());
        leave.row = 8;
        vec![worked, leave, day("A002", "符海燕", "2026-03-02")]
    }

    #[tokio::test]
    async fn attendance_is_stored_exactly_and_replaced_per_person() {
        for store in test_stores().await {
            let first = store
                .replace_attendance(
                    "2026-03",
                    "三月.xlsx",
                    Source::Template,
                    "考勤",
                    &records(),
                    "hr",
                )
                .await
                .unwrap();
            assert_eq!((first.inserted, first.replaced, first.people), (3, 0, 2));
            assert_eq!(store.attendance("2026-03").await.unwrap(), records());
            assert!(store.attendance("2026-04").await.unwrap().is_empty());
            // A second file with A001 only: A001's two records go, A002's stays.
            let again = vec![day("A001", "黎明", "2026-03-09")];
            let second = store
                .replace_attendance(
                    "2026-03",
                    "补.csv",
                    Source::Template,
                    "Sheet1",
                    &again,
                    "hr",
                )
                .await
                .unwrap();
            assert_eq!((second.inserted, second.replaced, second.people), (1, 2, 1));
            let now: Vec<(String, String)> = store
                .attendance("2026-03")
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.employee, r.date.to_string()))
                .collect();
            assert_eq!(
                now,
                [
                    ("A001".to_string(), "2026-03-09".to_string()),
                    ("A002".to_string(), "2026-03-02".to_string())
                ]
            );
            let imports = store.imports("2026-03").await.unwrap();
            let seen: Vec<(&str, i64, i64, i64)> = imports
                .iter()
                .map(|i| (i.file_name.as_str(), i.records, i.people, i.replaced))
                .collect();
            assert_eq!(seen, [("补.csv", 1, 1, 2), ("三月.xlsx", 3, 2, 0)]);
            assert!(imports[0].id > imports[1].id);
        }
    }

    /// An import that fails half-way (the second record of a person and date clashes with
    /// the first) leaves the month as it was, import row included.
    #[tokio::test]
    async fn a_failing_import_stores_nothing() {
        for store in test_stores().await {
            store
                .replace_attendance(
                    "2026-03",
                    "a.xlsx",
                    Source::Template,
                    "考勤",
                    &records(),
                    "hr",
                )
                .await
                .unwrap();
            let mut clash = records();
            clash.push(day("A002", "符海燕", "2026-03-02"));
            let err = store
                .replace_attendance("2026-03", "b.xlsx", Source::Template, "考勤", &clash, "hr")
                .await
                .unwrap_err();
            assert!(
                format!("{err:#}").contains("storing A002 on 2026-03-02"),
                "{err:#}"
            );
            let outside = vec![day("A001", "黎明", "2026-04-01")];
            let err = store
                .replace_attendance(
                    "2026-03",
                    "c.xlsx",
                    Source::Template,
                    "考勤",
                    &outside,
                    "hr",
                )
                .await
                .unwrap_err();
            assert!(err.to_string().contains("not in 2026-03"), "{err}");
            assert_eq!(store.attendance("2026-03").await.unwrap(), records());
            assert_eq!(store.imports("2026-03").await.unwrap().len(), 1);
        }
    }

    fn origin(file: &str, row: usize) -> Origin {
        Origin {
            file: file.into(),
            sheet: "Sheet1".into(),
            row,
        }
    }

    #[tokio::test]
    async fn kpi_evidence_round_trips_with_exact_decimals() {
        let agents = vec![AgentMonth {
            employee: "A001".into(),
            calls_handled: Some(1234),
            answer_rate: Some("92.35".parse().unwrap()),
            aht_seconds: Some("187.5".parse().unwrap()),
            satisfaction: Some("98.10".parse().unwrap()),
            callbacks_on_time: Some(40),
            callbacks_due: None,
            origin: origin("report.xlsx", 3),
        }];
        let qa = vec![QaSheet {
            recording: "R-0001".into(),
            date: "2026-03-04".parse().unwrap(),
            employee: "A001".into(),
            items: vec![("服务用语".into(), "38.5".parse().unwrap())],
            total: "38.5".parse().unwrap(),
            comment: "语速偏快".into(),
            origin: origin("qa.xlsx", 2),
        }];
        let feedback = vec![Feedback {
            date: "2026-03-05".parse().unwrap(),
            employee: "A001".into(),
            kind: FeedbackKind::Complaint,
            verified: true,
            description: "态度".into(),
            origin: origin("fb.xlsx", 4),
        }];
        let adjustment = Adjustment {
            employee: "A001".into(),
            kpi: Kpi::ALL[0],
            points: "-2.5".parse().unwrap(),
            reason: "系统故障期间的通话不计".into(),
            by: "ops".into(),
            at: "2026-04-01T09:00:00Z".into(),
        };
        for store in test_stores().await {
            for file in [
                KpiFile::AgentReport(agents.clone()),
                KpiFile::QaSheets(qa.clone()),
                KpiFile::Feedback(feedback.clone()),
            ] {
                store.replace_kpi("2026-03", "f.xlsx", &file).await.unwrap();
            }
            store.add_adjustment("2026-03", &adjustment).await.unwrap();
            let ev = store.kpi_evidence("2026-03").await.unwrap();
            assert_eq!(ev.agent_months, agents);
            assert_eq!(ev.qa, qa);
            assert_eq!(ev.feedback, feedback);
            assert_eq!(ev.adjustments, std::slice::from_ref(&adjustment));
            // A recording is unique across months: storing it for April fails, and April
            // stays empty.
            let mut april = qa.clone();
            april[0].date = "2026-04-02".parse().unwrap();
            assert!(store
                .replace_kpi("2026-04", "qa.xlsx", &KpiFile::QaSheets(april))
                .await
                .is_err());
            assert!(store.kpi_evidence("2026-04").await.unwrap().qa.is_empty());
        }
    }

    /// The two dialects of the schema define the same tables with the same columns.
    #[tokio::test]
    async fn both_schemas_define_the_same_tables_and_columns() {
        let stores = test_stores().await;
        let mut seen = Vec::new();
        for store in &stores {
            let sql = match store.backend() {
                Backend::Sqlite => "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY t, c",
                Backend::Postgres => "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns WHERE table_schema = 'public' ORDER BY t, c",
            };
            let cols: Vec<(String, String)> = sqlx::query(sql)
                .fetch_all(&store.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get("t"), r.get("c")))
                .collect();
            assert!(cols.contains(&("payroll_runs".into(), "payroll_json".into())));
            seen.push(cols);
        }
        if let [sqlite, postgres] = &seen[..] {
            assert_eq!(sqlite, postgres);
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            redacted("postgres://hr:secret@db.local/wf"),
            "postgres://hr:***@db.local/wf"
        );
        assert_eq!(
            redacted("postgres://postgres@127.0.0.1:5432/wf"),
            "postgres://postgres@127.0.0.1:5432/wf"
        );
        let dir = std::env::temp_dir().join(format!("wf-url-{}", std::process::id()));
        let url = format!("sqlite://{}/sub/w.db", dir.display());
        assert_eq!(sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.join("sub").is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.join("sub/w.db"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "the database file is its owner's only");
        }
        assert_eq!(sqlite_url("sqlite::memory:").unwrap(), "sqlite::memory:");
        assert_eq!(
            sqlite_url(&format!("{url}?mode=ro")).unwrap(),
            format!("{url}?mode=ro")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
