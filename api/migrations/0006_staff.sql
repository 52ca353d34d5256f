-- Replacement requests (clause 2.3.7): the purchaser asks for a worker to be replaced; the
-- deadline is 15 working days later by the holiday calendar.
CREATE TABLE replacement_request (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    employee_id  TEXT    NOT NULL,
    requested_on TEXT    NOT NULL,
    deadline     TEXT    NOT NULL,
    reason       TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    status       TEXT    NOT NULL CHECK (status IN ('open', 'done')),
    replaced_by  TEXT,
    done_on      TEXT,
    created_by   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL
);
