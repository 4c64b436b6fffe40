-- The jury's result for each candidate (`close.enter_results`): each épreuve done or absent
-- and each CCP acquired or not (JSON objects by name), the decision, the day it was entered
-- in CERES, the dossier professionnel handed in; who recorded it, when, and its version.
CREATE TABLE results (
    candidate_id TEXT PRIMARY KEY REFERENCES candidates(id),
    session_id TEXT NOT NULL REFERENCES sessions(id),
    epreuves TEXT NOT NULL,
    ccps TEXT NOT NULL,
    decision TEXT NOT NULL,
    ceres_entered_on TEXT,
    dp_handed BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX results_session ON results(session_id);
