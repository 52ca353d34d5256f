//! Accounts, sessions and the audit log (stored with [`crate::store::Store`]).
//!
//! - Roles: `admin`, `ops_manager`, `hr`, `auditor` ([`Role`]).
//! - Passwords: argon2id PHC strings (salted, the crate's default parameters); never stored
//!   or logged in clear.
//! - Sessions: a random 32-byte token in an HttpOnly, SameSite=Strict cookie; the database
//!   keeps only its BLAKE2s hash (a stolen database does not give live sessions), a CSRF token
//!   per session, and an expiry (12 h).
//! - Failed logins are slowed per user name ([`LoginThrottle`]): each failure in a row doubles
//!   the wait before the answer, from 250 ms up to 4 s.
//! - Every change is written to `audit_log` with who, when, what, before and after.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use argon2::password_hash::rand_core::{OsRng, RngCore as _};
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::Argon2;
use blake2::{Blake2s256, Digest as _};
use serde::Serialize;
use sqlx::Row as _;

use crate::store::{now, Store};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Accounts, everything.
    Admin,
    /// The operations manager: rosters.
    OpsManager,
    /// HR: staff, attendance, payroll.
    Hr,
    /// The purchaser's auditor: costs, headcount, coverage; never personal fields.
    Auditor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Admin, Role::OpsManager, Role::Hr, Role::Auditor];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::OpsManager => "ops_manager",
            Role::Hr => "hr",
            Role::Auditor => "auditor",
        }
    }

    /// Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::OpsManager => "运营经理",
            Role::Hr => "人事",
            Role::Auditor => "采购方审计",
        }
    }

    /// The role of a code.
    ///
    /// # Errors
    /// An unknown code, naming the four.
    pub fn parse(code: &str) -> anyhow::Result<Self> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .with_context(|| format!("unknown role `{code}`: admin, ops_manager, hr or auditor"))
    }
}

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its user.
    pub user: User,
    /// The CSRF token forms must carry.
    pub csrf: String,
}

/// Session lifetime.
pub const SESSION_HOURS: i64 = 12;

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A random token (128 bits, hex) for one-off references such as an upload awaiting confirmation.
pub fn random_token() -> String {
    random_hex(16)
}

fn token_hash(token: &str) -> String {
    Blake2s256::digest(token.as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// An argon2id hash of a password (PHC string).
///
/// # Errors
/// A hashing error.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Whether `password` matches a stored PHC hash.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Slows repeated failed logins per user name.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginThrottle {
    /// The wait before answering a login for `username`: 0 without recent failures, else
    /// 250 ms doubled per failure in a row (failures older than 15 minutes are forgotten), at
    /// most 4 s.
    pub fn delay(&self, username: &str) -> Duration {
        let map = self.failures.lock().expect("throttle lock");
        match map.get(username) {
            Some((n, at)) if at.elapsed() < Duration::from_secs(900) && *n > 0 => {
                Duration::from_millis((250u64 << (n - 1).min(4)).min(4000))
            }
            _ => Duration::ZERO,
        }
    }

    /// Records a failure.
    pub fn failed(&self, username: &str) {
        let mut map = self.failures.lock().expect("throttle lock");
        let e = map
            .entry(username.to_string())
            .or_insert((0, Instant::now()));
        e.0 += 1;
        e.1 = Instant::now();
    }

    /// Clears after a success.
    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .expect("throttle lock")
            .remove(username);
    }
}

fn user_of(r: &sqlx::any::AnyRow) -> anyhow::Result<User> {
    let role: String = r.try_get("role")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: Role::parse(&role)?,
    })
}

impl Store {
    /// Adds a user (the first admin comes from `workforce user add`).
    ///
    /// # Errors
    /// A taken user name, a short password, or a database error.
    pub async fn add_user(
        &self,
        username: &str,
        display_name: &str,
        role: Role,
        password: &str,
        actor: &str,
    ) -> anyhow::Result<i64> {
        anyhow::ensure!(
            !username.trim().is_empty()
                && username
                    .chars()
                    .all(|c| c.is_alphanumeric() || "._-".contains(c)),
            "user name `{username}`: letters, digits, `.`, `_` or `-` only"
        );
        anyhow::ensure!(
            password.chars().count() >= 10,
            "the password needs at least 10 characters"
        );
        let hash = hash_password(password)?;
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query_scalar("INSERT INTO users (username, display_name, role, password_hash, active, created_at) VALUES ($1, $2, $3, $4, 1, $5) RETURNING id")
            .bind(username)
            .bind(display_name)
            .bind(role.code())
            .bind(&hash)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .with_context(|| format!("adding user `{username}` (is the name taken?)"))?;
        audit_tx(
            &mut tx,
            actor,
            "user.add",
            username,
            None,
            Some(&format!("role {}", role.code())),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a login; on success opens a session and returns `(cookie token, session)`.
    ///
    /// # Errors
    /// A database error. A wrong name or password is `Ok(None)` (and audited).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> anyhow::Result<Option<(String, Session)>> {
        let row = sqlx::query("SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1 AND active = 1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        let ok = match &row {
            Some(r) => {
                let phc: String = r.try_get("password_hash")?;
                verify_password(password, &phc)
            }
            None => {
                // The same work for an unknown name, so timing does not tell names apart.
                let _ = verify_password(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2dMDrHHX0mnYlqAGwuJ3X9o7hr1Z8Eq8DCvHdAd5qjc");
                false
            }
        };
        if !ok {
            self.audit("anonymous", "login.failed", username, None, None)
                .await?;
            return Ok(None);
        }
        let user = user_of(row.as_ref().expect("ok implies a row"))?;
        let token = random_hex(32);
        let csrf = random_hex(16);
        let expires = chrono::Utc::now() + chrono::Duration::hours(SESSION_HOURS);
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&token))
            .bind(user.id)
            .bind(&csrf)
            .bind(now())
            .bind(expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .execute(&self.pool)
            .await?;
        self.audit(&user.username, "login", &user.username, None, None)
            .await?;
        Ok(Some((token, Session { user, csrf })))
    }

    /// The live session of a cookie token.
    ///
    /// # Errors
    /// A database error.
    pub async fn session(&self, token: &str) -> anyhow::Result<Option<Session>> {
        let row = sqlx::query("SELECT u.id, u.username, u.display_name, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = 1")
            .bind(token_hash(token))
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let expires: String = r.try_get("expires_at")?;
        let live =
            chrono::DateTime::parse_from_rfc3339(&expires).is_ok_and(|t| t > chrono::Utc::now());
        if !live {
            return Ok(None);
        }
        Ok(Some(Session {
            user: user_of(&r)?,
            csrf: r.try_get("csrf")?,
        }))
    }

    /// Ends a session.
    ///
    /// # Errors
    /// A database error.
    pub async fn logout(&self, token: &str, actor: &str) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.pool)
            .await?;
        self.audit(actor, "logout", actor, None, None).await
    }

    /// The users.
    ///
    /// # Errors
    /// A database error.
    pub async fn users(&self) -> anyhow::Result<Vec<User>> {
        sqlx::query("SELECT id, username, display_name, role FROM users ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(user_of)
            .collect()
    }

    /// Writes one audit entry.
    ///
    /// # Errors
    /// A database error.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        audit_tx(&mut tx, actor, action, target, before, after).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest audit entries.
    ///
    /// # Errors
    /// A database error.
    pub async fn audit_log(&self, limit: i64) -> anyhow::Result<Vec<AuditEntry>> {
        sqlx::query("SELECT id, at, actor, action, target, before, after FROM audit_log ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    before: r.try_get("before")?,
                    after: r.try_get("after")?,
                })
            })
            .collect()
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Id.
    pub id: i64,
    /// When.
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// Before.
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// Writes one audit entry inside a transaction (so a change and its entry land together).
///
/// # Errors
/// A database error.
pub async fn audit_tx(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, target, before, after) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now())
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(before)
        .bind(after)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterx", &h));
        assert_ne!(h, hash_password("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn failed_logins_wait_longer_each_time() {
        let t = LoginThrottle::default();
        assert_eq!(t.delay("hr1"), Duration::ZERO);
        t.failed("hr1");
        assert_eq!(t.delay("hr1"), Duration::from_millis(250));
        t.failed("hr1");
        assert_eq!(t.delay("hr1"), Duration::from_millis(500));
        for _ in 0..10 {
            t.failed("hr1");
        }
        assert_eq!(t.delay("hr1"), Duration::from_millis(4000));
        assert_eq!(t.delay("other"), Duration::ZERO);
        t.succeeded("hr1");
        assert_eq!(t.delay("hr1"), Duration::ZERO);
    }

    #[test]
    fn sessions_open_check_and_close() {
        let rt = crate::store::runtime().unwrap();
        rt.block_on(async {
            for s in crate::store::test_stores().await {
                sessions_on(&s).await;
            }
        });
    }

    async fn sessions_on(s: &Store) {
        {
            s.add_user("hr1", "人事一", Role::Hr, "hr-password-1", "cli")
                .await
                .unwrap();
            assert!(s
                .add_user("hr1", "again", Role::Hr, "hr-password-1", "cli")
                .await
                .is_err());
            assert!(s
                .add_user("x", "short", Role::Hr, "short", "cli")
                .await
                .is_err());
            assert!(s.login("hr1", "wrong-password").await.unwrap().is_none());
            assert!(s.login("nobody", "hr-password-1").await.unwrap().is_none());
            let (token, session) = s.login("hr1", "hr-password-1").await.unwrap().unwrap();
            assert_eq!(session.user.role, Role::Hr);
            assert_eq!(
                s.session(&token).await.unwrap().unwrap().user.username,
                "hr1"
            );
            assert!(s.session("forged").await.unwrap().is_none());
            s.logout(&token, "hr1").await.unwrap();
            assert!(s.session(&token).await.unwrap().is_none());
            let log = s.audit_log(10).await.unwrap();
            let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
            assert_eq!(
                actions,
                [
                    "user.add",
                    "login.failed",
                    "login.failed",
                    "login",
                    "logout"
                ]
            );
        }
    }
}
