-- Payroll runs in the web app: a month is run as a draft, reviewed, then approved. An approved
-- run is immutable (also here: the triggers refuse any change or deletion), at most one per
-- month; later corrections become arrears lines in a later month. Money stays exact: the
-- JSON documents hold every amount as a decimal string, never REAL.
CREATE TABLE payroll_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    month TEXT NOT NULL CHECK (length(month) = 7),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved')),
    -- payroll::MonthPayroll (serde JSON; Decimal as strings)
    payroll_json TEXT NOT NULL,
    -- the month's cost, the months of the year, the year against the floor, the floor, and
    -- the roster facts (on post, reserve, shortfalls) the run was paid from
    cost_json TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT
);

CREATE INDEX payroll_runs_month ON payroll_runs (month, id);

CREATE UNIQUE INDEX payroll_runs_one_approved ON payroll_runs (month) WHERE status = 'approved';

CREATE TRIGGER payroll_runs_approved_no_update BEFORE UPDATE ON payroll_runs
WHEN OLD.status = 'approved'
BEGIN
    SELECT RAISE(ABORT, 'approved runs are immutable; corrections become arrears lines in a later month');
END;

CREATE TRIGGER payroll_runs_approved_no_delete BEFORE DELETE ON payroll_runs
WHEN OLD.status = 'approved'
BEGIN
    SELECT RAISE(ABORT, 'approved runs are immutable; corrections become arrears lines in a later month');
END;
