//! Accounts, sessions and the audit log (stored by [`crate::db::accounts`]).
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

pub(crate) fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A random token (128 bits, hex) for one-off references such as an upload awaiting confirmation.
pub fn random_token() -> String {
    random_hex(16)
}

pub(crate) fn token_hash(token: &str) -> String {
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
}
