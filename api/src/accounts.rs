//! Accounts, sessions and the audit log (stored by [`crate::db::accounts`]).
//!
//! - Roles: `admin`, `ops_manager`, `hr`, `auditor` ([`Role`]).
//! - Passwords: argon2id PHC strings (salted, the crate's default parameters); never stored
//!   or logged in clear.
//! - Sessions: a random 32-byte token in an HttpOnly, SameSite=Strict cookie; the database
//!   keeps only its BLAKE2s hash (a stolen database does not give live sessions), a CSRF token
//!   per session, and an expiry (12 h).
//! - Failed logins are slowed per account and per address ([`LoginThrottle`]), one attempt
//!   at a time per account: each failure in a row doubles the wait before the answer, from
//!   250 ms up to 4 s; password checks run off the async runtime, bounded
//!   ([`verify_password_bounded`]). Failures are counted, and audited at the first and every
//!   tenth in a row, not one row each.
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

/// Argon2 verifications at once: all but one core, at least one. A password check costs tens
/// of milliseconds of CPU; run on the async workers, a flood of anonymous log-ins would stall
/// every signed-in page. They run on the blocking pool instead, this many at a time.
fn hashers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .saturating_sub(1)
        .max(1)
}

/// [`verify_password`] off the async runtime, bounded to [`hashers`] at a time.
pub async fn verify_password_bounded(password: &str, phc: &str) -> bool {
    static GATE: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let gate = GATE.get_or_init(|| tokio::sync::Semaphore::new(hashers()));
    let Ok(_permit) = gate.acquire().await else {
        return false;
    };
    let (password, phc) = (password.to_string(), phc.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .unwrap_or(false)
}

/// How long failures are remembered.
const FORGET_AFTER: Duration = Duration::from_secs(900);

/// Slows repeated failed log-ins, per account and per address, and holds under parallel
/// requests: the attempts on one account (and from one address) go through a gate one at a
/// time, each waiting the delay its failures in a row have earned — 40 guesses sent at once
/// take as long as 40 sent one after another.
///
/// - Per account: the base delay (250 ms) doubled per failure in a row, at most 16 × base (4 s).
/// - Per address: the same once an address has failed more than [`ADDRESS_FREE_FAILURES`]
///   times (an office behind one gateway mistyping now and then is not slowed).
#[derive(Debug)]
pub struct LoginThrottle {
    base: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    gates: Mutex<HashMap<String, std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

/// Failures an address may have before its attempts are slowed.
pub const ADDRESS_FREE_FAILURES: u32 = 10;

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::with_base(Duration::from_millis(250))
    }
}

/// The throttle's key of an account.
#[must_use]
pub fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

/// The throttle's key of an address.
#[must_use]
pub fn address_key(ip: std::net::IpAddr) -> String {
    format!("addr:{ip}")
}

impl LoginThrottle {
    /// A throttle whose first delay is `base` (the site may set it; tests use a short one).
    #[must_use]
    pub fn with_base(base: Duration) -> Self {
        LoginThrottle {
            base,
            failures: Mutex::new(HashMap::new()),
            gates: Mutex::new(HashMap::new()),
        }
    }

    /// The wait the `n`-th failure in a row earns: base × 2^(n−1), at most 16 × base.
    #[must_use]
    pub fn delay_after(&self, n: u32) -> Duration {
        if n == 0 {
            return Duration::ZERO;
        }
        self.base * (1u32 << (n - 1).min(4))
    }

    /// Failures in a row of `key` (forgotten after 15 minutes).
    #[must_use]
    pub fn failures(&self, key: &str) -> u32 {
        let map = self.failures.lock().expect("throttle lock");
        match map.get(key) {
            Some((n, at)) if at.elapsed() < FORGET_AFTER => *n,
            _ => 0,
        }
    }

    /// The wait before answering an attempt on `key`: an account's earned delay; an address's
    /// once it is past [`ADDRESS_FREE_FAILURES`].
    #[must_use]
    pub fn delay(&self, key: &str) -> Duration {
        let n = self.failures(key);
        if key.starts_with("addr:") {
            self.delay_after(n.saturating_sub(ADDRESS_FREE_FAILURES))
        } else {
            self.delay_after(n)
        }
    }

    /// Waits for `key`'s gate: one attempt at a time per account and per address. Keep the
    /// guard until the attempt is answered and recorded.
    pub async fn gate(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let gate = {
            let mut gates = self.gates.lock().expect("throttle lock");
            // Gates nobody waits on are dropped now and then, so the map stays small.
            if gates.len() > 10_000 {
                gates.retain(|_, g| std::sync::Arc::strong_count(g) > 1);
            }
            gates
                .entry(key.to_string())
                .or_insert_with(|| std::sync::Arc::new(tokio::sync::Mutex::new(())))
                .clone()
        };
        gate.lock_owned().await
    }

    /// Records a failure; returns the failures in a row now.
    pub fn failed(&self, key: &str) -> u32 {
        let mut map = self.failures.lock().expect("throttle lock");
        if map.len() > 100_000 {
            map.retain(|_, (_, at)| at.elapsed() < FORGET_AFTER);
        }
        let e = map.entry(key.to_string()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= FORGET_AFTER {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = Instant::now();
        e.0
    }

    /// Clears after a success.
    pub fn succeeded(&self, key: &str) {
        self.failures.lock().expect("throttle lock").remove(key);
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
