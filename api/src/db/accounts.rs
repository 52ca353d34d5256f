//! Users, sessions and the audit log. Passwords are argon2id PHC strings; the database keeps
//! only a BLAKE2s hash of each session token; every change is written to `audit_log` with
//! who, when, what, before and after, in the transaction of the change.

use anyhow::Context as _;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::{now, Store};
use crate::accounts::{
    hash_password, random_hex, token_hash, verify_password_bounded, Role, Session, User,
    SESSION_HOURS,
};

fn user_of(r: &AnyRow) -> anyhow::Result<User> {
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
        // Checked off the async runtime, a bounded number at a time.
        let ok = match &row {
            Some(r) => {
                let phc: String = r.try_get("password_hash")?;
                verify_password_bounded(password, &phc).await
            }
            None => {
                // The same work for an unknown name, so timing does not tell names apart.
                let _ = verify_password_bounded(password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2dMDrHHX0mnYlqAGwuJ3X9o7hr1Z8Eq8DCvHdAd5qjc").await;
                false
            }
        };
        // A failure is counted by the caller's throttle and audited there (the first and every
        // tenth in a row), not a row each.
        if !ok {
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
        // Expired sessions are removed as new ones begin: the table holds live ones only.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
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

    /// The newest audit entry's id: every change of the store is audited in its own
    /// transaction, so this moves with every write (a cache key for derived pages).
    ///
    /// # Errors
    /// A database error.
    pub async fn change_counter(&self) -> anyhow::Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
                .fetch_one(&self.pool)
                .await?,
        )
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
    fn sessions_open_check_and_close() {
        let rt = crate::db::runtime().unwrap();
        rt.block_on(async {
            for s in crate::db::test_stores().await {
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
            // Failed log-ins are counted and audited by the web handler's throttle (the first
            // and every tenth in a row), not a row each here.
            let log = s.audit_log(10).await.unwrap();
            let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
            assert_eq!(actions, ["user.add", "login", "logout"]);
            // An expired session is removed when the next one begins.
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ('expired', $1, 'x', '2000-01-01T00:00:00Z', '2000-01-01T12:00:00Z')")
                .bind(session.user.id)
                .execute(&s.pool)
                .await
                .unwrap();
            let count = || async {
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM sessions WHERE token_hash = 'expired'",
                )
                .fetch_one(&s.pool)
                .await
                .unwrap()
            };
            assert_eq!(count().await, 1);
            s.login("hr1", "hr-password-1").await.unwrap().unwrap();
            assert_eq!(count().await, 0);
        }
    }
}
