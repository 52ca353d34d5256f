-- One store, one month pipeline (issue 20).
--
-- Roster versions replace roster_month: a month has at most one draft (edited in place) and
-- any number of published versions (1, 2, … : a repair after publishing is published as the
-- next version). Every version carries the validator's verdict, checked with the history it
-- names (the previous month's published roster, or its draft, or none), and the figures the
-- overview shows, so no page parses a roster to list the months. A published version is
-- immutable (refused in code, and here by triggers); the one exception is a version migrated
-- from roster_month, whose verdict is filled in once (verdict IS NULL).
CREATE TABLE roster_version (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    month           TEXT    NOT NULL CHECK (length(month) = 7),
    version         INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
    origin          TEXT    NOT NULL,       -- generate, edit, import, repair, migrated
    doc             TEXT    NOT NULL,       -- scheduler::RosterFile as JSON
    history         TEXT    NOT NULL,       -- JSON: what the month boundary was checked against
    verdict         TEXT,                   -- JSON array of scheduler::Violation; NULL: not checked yet
    violations      INTEGER,
    assignments     INTEGER NOT NULL,
    shortfalls      INTEGER NOT NULL,
    seats_required  INTEGER NOT NULL,
    seats_missing   INTEGER NOT NULL,
    solve_status    TEXT    NOT NULL,       -- optimal, time_limited, unsolved
    summary         TEXT    NOT NULL,
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_by      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    published_by    TEXT,
    published_at    TEXT,
    override_reason TEXT,                   -- published although the verdict named violations: why
    UNIQUE (month, version)
);

CREATE UNIQUE INDEX roster_version_one_draft ON roster_version (month) WHERE status = 'draft';

INSERT INTO roster_version (month, version, status, origin, doc, history, verdict, violations,
    assignments, shortfalls, seats_required, seats_missing, solve_status, summary,
    created_by, created_at, updated_by, updated_at, published_by, published_at)
SELECT month, 1, status, 'migrated', doc, '{"source":"unknown"}', NULL, NULL,
    0, 0, 0, 0, 'unsolved', '', updated_by, updated_at, updated_by, updated_at,
    published_by, published_at
FROM roster_month;

DROP TABLE roster_month;

CREATE TRIGGER roster_version_published_locked
BEFORE UPDATE ON roster_version
WHEN OLD.status = 'published' AND OLD.verdict IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'roster version is published and locked');
END;

CREATE TRIGGER roster_version_published_kept
BEFORE DELETE ON roster_version
WHEN OLD.status = 'published'
BEGIN
    SELECT RAISE(ABORT, 'roster version is published and locked');
END;

-- Leave and swap requests (请假 / 换班): the request book, one row per request, the
-- scheduler::Request as JSON; the first and last day touched, so a month's approved leave
-- is one indexed query.
CREATE TABLE request (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT NOT NULL CHECK (kind IN ('leave', 'swap')),
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    first_day  TEXT NOT NULL,
    last_day   TEXT NOT NULL,
    doc        TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX request_days ON request (status, first_day, last_day);

-- The roster version a payroll run was paid from.
ALTER TABLE payroll_runs ADD COLUMN roster_version_id INTEGER;

-- An approved payroll month is frozen: its attendance and KPI evidence no longer change
-- (corrections are entered against a later month).
CREATE TRIGGER attendance_day_frozen_insert BEFORE INSERT ON attendance_day
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = NEW.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its attendance is frozen');
END;

CREATE TRIGGER attendance_day_frozen_update BEFORE UPDATE ON attendance_day
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = OLD.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its attendance is frozen');
END;

CREATE TRIGGER attendance_day_frozen_delete BEFORE DELETE ON attendance_day
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = OLD.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its attendance is frozen');
END;

CREATE TRIGGER kpi_agent_month_frozen_insert BEFORE INSERT ON kpi_agent_month
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = NEW.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;

CREATE TRIGGER kpi_agent_month_frozen_delete BEFORE DELETE ON kpi_agent_month
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = OLD.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;

CREATE TRIGGER kpi_qa_sheet_frozen_insert BEFORE INSERT ON kpi_qa_sheet
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = NEW.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;

CREATE TRIGGER kpi_qa_sheet_frozen_delete BEFORE DELETE ON kpi_qa_sheet
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = OLD.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;

CREATE TRIGGER kpi_feedback_frozen_insert BEFORE INSERT ON kpi_feedback
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = NEW.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;

CREATE TRIGGER kpi_feedback_frozen_delete BEFORE DELETE ON kpi_feedback
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = OLD.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;

CREATE TRIGGER kpi_adjustment_frozen_insert BEFORE INSERT ON kpi_adjustment
WHEN EXISTS (SELECT 1 FROM payroll_runs WHERE month = NEW.month AND status = 'approved')
BEGIN
    SELECT RAISE(ABORT, 'the payroll of this month is approved: its KPI evidence is frozen');
END;
