-- The day itself: the session manager recorded present each day (no épreuve is launched
-- without one), each épreuve's official start and end per day, the unused subjects destroyed
-- at the launch, and the candidates admitted late.
CREATE TABLE day_managers (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    day TEXT NOT NULL,
    manager TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (session_id, day)
);

CREATE TABLE launches (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    day TEXT NOT NULL,
    epreuve TEXT NOT NULL,
    started TEXT,
    ended TEXT,
    unused_destroyed_at TEXT,
    unused_destroyed_by TEXT,
    unused_witness TEXT,
    unused_count BIGINT,
    PRIMARY KEY (session_id, day, epreuve)
);

CREATE TABLE late_arrivals (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    day TEXT NOT NULL,
    epreuve TEXT NOT NULL,
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    arrived TEXT NOT NULL,
    admitted_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, day, epreuve, candidate_id)
);
