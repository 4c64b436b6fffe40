-- After the validation, the departmental service launches the edition and sending of the
-- candidates' documents (parchemin, livret, courrier d'information): the day it did, and
-- for each candidate the day they received or collected theirs.
ALTER TABLE validations ADD COLUMN documents_launched_on TEXT;
CREATE TABLE candidate_documents (
    candidate_id TEXT PRIMARY KEY REFERENCES candidates(id),
    session_id TEXT NOT NULL REFERENCES sessions(id),
    received_on TEXT NOT NULL,
    how TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX candidate_documents_session ON candidate_documents(session_id);
