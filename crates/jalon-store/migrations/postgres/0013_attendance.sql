-- Presence at each épreuve, day by day, as the sign-in sheets record it: present (identity
-- checked, sheet signed) or absent, with who noted it and when.
CREATE TABLE attendance (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    day TEXT NOT NULL,
    epreuve TEXT NOT NULL,
    present BIGINT NOT NULL,
    identity_checked BIGINT NOT NULL,
    signed BIGINT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (candidate_id, day, epreuve)
);
CREATE INDEX attendance_session ON attendance(session_id);
