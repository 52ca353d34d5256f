-- Rosters in the web app: one stored roster per month (the RosterFile JSON), a draft until
-- published; a published month is locked (refused in code, and here by triggers).
-- PostgreSQL dialect of ../0004_roster.sql: the triggers call a PL/pgSQL function.
CREATE TABLE roster_month (
    month        TEXT PRIMARY KEY,                 -- YYYY-MM
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    doc          TEXT NOT NULL,                    -- scheduler::RosterFile as JSON
    updated_by   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    published_by TEXT,
    published_at TEXT
);

CREATE FUNCTION roster_month_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'roster month is published and locked';
END;
$$;

CREATE TRIGGER roster_month_published_locked
BEFORE UPDATE ON roster_month
FOR EACH ROW WHEN (OLD.status = 'published')
EXECUTE FUNCTION roster_month_locked();

CREATE TRIGGER roster_month_published_kept
BEFORE DELETE ON roster_month
FOR EACH ROW WHEN (OLD.status = 'published')
EXECUTE FUNCTION roster_month_locked();
