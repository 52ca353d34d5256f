-- The web app: accounts, sessions, the audit log and the rosters it stores.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'ops_manager', 'hr', 'auditor')),
    password_hash TEXT    NOT NULL,            -- argon2id PHC string
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT    NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,            -- BLAKE2s of the cookie token; the token itself is never stored
    user_id    INTEGER NOT NULL REFERENCES users(id),
    csrf       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT    NOT NULL,
    actor  TEXT    NOT NULL,                   -- username, or "cli" / "system"
    action TEXT    NOT NULL,                   -- e.g. attendance.import, user.add, login.failed
    target TEXT    NOT NULL,
    before TEXT,                               -- JSON or text, when something changed
    after  TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
