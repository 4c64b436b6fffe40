-- The order candidates pass the individual épreuves in, as the manager set it (JSON list of
-- candidate ids); alphabetical when none.
ALTER TABLE sessions ADD COLUMN passage_order TEXT;
