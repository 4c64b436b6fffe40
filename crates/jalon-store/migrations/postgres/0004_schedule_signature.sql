-- The schedule of a session's épreuves as the manager set it (JSON: name, date, start,
-- minutes of each épreuve); NULL while Jalon's proposal stands.
ALTER TABLE sessions ADD COLUMN schedule TEXT;
-- The signature a candidate drew on the tablet at the day's welcome (PNG).
ALTER TABLE candidates ADD COLUMN signature BYTEA;
