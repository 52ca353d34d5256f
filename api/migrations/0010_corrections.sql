-- A real contract year (issue 21). Corrections of approved months: an approved month never
-- changes; a change found later (attendance, a sick day, overtime, a KPI adjustment) is
-- entered against it here, and the next payroll run carries the differences as arrears lines
-- (补发/补扣), taxed in the month paid. A correction is settled by the approved run that paid
-- it.
CREATE TABLE correction (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    month          TEXT    NOT NULL CHECK (length(month) = 7),   -- the approved month corrected
    employee_id    TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('attendance', 'kpi')),
    doc            TEXT    NOT NULL,   -- attendance: the person's corrected day records; kpi: an adjustment
    reason         TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    created_by     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    settled_run_id INTEGER            -- the approved run that paid the difference
);
CREATE INDEX correction_open ON correction (settled_run_id, month);

-- A settled correction stays as it was.
CREATE TRIGGER correction_settled_kept
BEFORE UPDATE ON correction
WHEN OLD.settled_run_id IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a settled correction is kept as it was');
END;
