-- Rosters in the web app (reserved; filled by the roster pages).
SELECT 1;
