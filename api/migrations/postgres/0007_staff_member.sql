-- PostgreSQL dialect of ../0007_staff_member.sql (BIGINT); keep the two in step.
-- The staff list of the web app (人员名单): each person's staff.toml entry and hr.toml record
-- as JSON (the same serde types the files use), whether on post. Nobody is deleted: a leaver
-- is deactivated and keeps the HR record (with the leaving date) for past months' payroll.
CREATE TABLE staff_member (
    employee_id TEXT    PRIMARY KEY,
    ord         BIGINT   NOT NULL,              -- list order (the seed file's, then added)
    employee    TEXT    NOT NULL,              -- scheduler::Employee as JSON
    hr          TEXT,                          -- hr::HrRecord as JSON
    active      BIGINT   NOT NULL DEFAULT 1,
    updated_by  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
