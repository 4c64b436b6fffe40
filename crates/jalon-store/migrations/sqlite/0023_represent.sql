-- A candidate presented again after a failure or a partial success names their first
-- presentation (`followup.represent`): the person is linked across sessions, and each new
-- presentation counts.
ALTER TABLE candidates ADD COLUMN first_presentation_id TEXT REFERENCES candidates(id);
CREATE INDEX candidates_first_presentation ON candidates(first_presentation_id);
