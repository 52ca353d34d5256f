-- HR's confirmations of the differences between roster and attendance (待确认差异): one per
-- person, date and kind of difference, with who confirmed it, when, and a note. A difference
-- that a later import no longer produces simply has nothing to match any more.
CREATE TABLE attendance_confirmation (
    month        TEXT NOT NULL,
    employee_id  TEXT NOT NULL,
    date         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    note         TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    PRIMARY KEY (month, employee_id, date, kind)
);
