-- RGPD: how many years a centre keeps the personal data of a session's candidates and
-- jurors after its validation (or its last day), and when a session's personal data was
-- anonymised once that period was over (`jalon purge`).
ALTER TABLE centres ADD COLUMN retention_years BIGINT NOT NULL DEFAULT 5;
ALTER TABLE sessions ADD COLUMN purged_at TEXT;
