-- The centre's letter to a candidate after the validation (their result, what comes next),
-- sent by email: when, to which address, by whom (the last sending; each is journaled).
CREATE TABLE result_letters (
    candidate_id TEXT PRIMARY KEY REFERENCES candidates(id),
    session_id TEXT NOT NULL REFERENCES sessions(id),
    sent_at TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    sent_by TEXT NOT NULL
);
CREATE INDEX result_letters_session ON result_letters(session_id);
