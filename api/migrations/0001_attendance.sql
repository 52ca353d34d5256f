-- Attendance imports and the day records they stored. One record per person and date: a
-- new import of a month replaces that month's records of the people in the file.
CREATE TABLE attendance_import (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    month       TEXT    NOT NULL,            -- YYYY-MM
    file_name   TEXT    NOT NULL,
    source      TEXT    NOT NULL,            -- template, dingtalk_summary, …
    sheet       TEXT    NOT NULL,
    records     INTEGER NOT NULL,
    people      INTEGER NOT NULL,
    replaced    INTEGER NOT NULL,            -- records of the same people and month removed
    imported_at TEXT    NOT NULL             -- RFC 3339, UTC
);

CREATE TABLE attendance_day (
    employee_id   TEXT    NOT NULL,
    date          TEXT    NOT NULL,          -- YYYY-MM-DD, the date the shift starts
    month         TEXT    NOT NULL,          -- YYYY-MM of date
    name          TEXT    NOT NULL,
    shift         TEXT,
    shift_inferred INTEGER NOT NULL,         -- 1: inferred from the times, 0: stated
    clock_in      TEXT,                      -- YYYY-MM-DDTHH:MM:SS
    clock_out     TEXT,
    leave_kind    TEXT,                      -- annual, sick, … (scheduler::LeaveKind)
    leave_hours   TEXT,                      -- decimal as text (no REAL for exact figures)
    reported      TEXT,                      -- JSON of the vendor's day result, if any
    note          TEXT    NOT NULL,
    source        TEXT    NOT NULL,
    sheet         TEXT    NOT NULL,
    source_row    INTEGER NOT NULL,
    import_id     INTEGER NOT NULL REFERENCES attendance_import(id),
    PRIMARY KEY (employee_id, date)
);

CREATE INDEX attendance_day_month ON attendance_day (month, employee_id);
