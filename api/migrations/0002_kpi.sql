-- KPI evidence (绩效考核依据): imports, the agent report, QA sheets, commendations and
-- complaints, and the manager's adjustments (never deleted: they are the audit trail).
-- Decimals are stored as text (exact), never REAL.
CREATE TABLE kpi_import (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    month       TEXT    NOT NULL,
    kind        TEXT    NOT NULL,            -- agent_report, qa_sheets, feedback
    file_name   TEXT    NOT NULL,
    records     INTEGER NOT NULL,
    people      INTEGER NOT NULL,
    replaced    INTEGER NOT NULL,
    imported_at TEXT    NOT NULL
);

CREATE TABLE kpi_agent_month (
    month             TEXT    NOT NULL,
    employee_id       TEXT    NOT NULL,
    calls_handled     INTEGER,
    answer_rate       TEXT,
    aht_seconds       TEXT,
    satisfaction      TEXT,
    callbacks_on_time INTEGER,
    callbacks_due     INTEGER,
    file_name         TEXT    NOT NULL,
    sheet             TEXT    NOT NULL,
    source_row        INTEGER NOT NULL,
    import_id         INTEGER NOT NULL REFERENCES kpi_import(id),
    PRIMARY KEY (month, employee_id)
);

CREATE TABLE kpi_qa_sheet (
    recording   TEXT    PRIMARY KEY,
    month       TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    employee_id TEXT    NOT NULL,
    items       TEXT    NOT NULL,            -- JSON [[item, score], …]
    total       TEXT    NOT NULL,
    comment     TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    sheet       TEXT    NOT NULL,
    source_row  INTEGER NOT NULL,
    import_id   INTEGER NOT NULL REFERENCES kpi_import(id)
);
CREATE INDEX kpi_qa_sheet_month ON kpi_qa_sheet (month, employee_id);

CREATE TABLE kpi_feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    month       TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    employee_id TEXT    NOT NULL,
    kind        TEXT    NOT NULL,            -- commendation, complaint
    verified    INTEGER NOT NULL,
    description TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    sheet       TEXT    NOT NULL,
    source_row  INTEGER NOT NULL,
    import_id   INTEGER NOT NULL REFERENCES kpi_import(id)
);
CREATE INDEX kpi_feedback_month ON kpi_feedback (month, employee_id);

CREATE TABLE kpi_adjustment (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    month       TEXT    NOT NULL,
    employee_id TEXT    NOT NULL,
    kpi         TEXT    NOT NULL,
    points      TEXT    NOT NULL,
    reason      TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    by_whom     TEXT    NOT NULL,
    at          TEXT    NOT NULL
);
CREATE INDEX kpi_adjustment_month ON kpi_adjustment (month, employee_id);
