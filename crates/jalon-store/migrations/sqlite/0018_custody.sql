-- The DTE of each session: the order to the AFPA (J−91), the reception (J−21) with where the
-- packets are kept under lock and who holds its key, the chases, each packet's custody from
-- its reception to its opening, destruction or return; and the incidents of the day.
CREATE TABLE dte_records (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    ordered_on TEXT,
    order_reference TEXT,
    ordered_by TEXT,
    received_at TEXT,
    received_by TEXT,
    storage TEXT,
    key_holders TEXT,
    version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE dte_chases (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    chased_on TEXT NOT NULL,
    chased_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX dte_chases_session ON dte_chases(session_id);

CREATE TABLE packets (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    epreuve TEXT,
    seals_intact BIGINT NOT NULL,
    photo BLOB,
    photo_type TEXT,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    received_at TEXT NOT NULL,
    stored_at TEXT,
    stored_place TEXT,
    opened_at TEXT,
    opened_by TEXT,
    opened_witnesses TEXT,
    opened_before TEXT,
    destroyed_at TEXT,
    destroyed_by TEXT,
    destroyed_witness TEXT,
    destroyed_how TEXT,
    destroyed_reason TEXT,
    returned_at TEXT,
    returned_to TEXT,
    returned_reason TEXT
);
CREATE INDEX packets_session ON packets(session_id, position);

CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    time TEXT NOT NULL,
    epreuve TEXT NOT NULL,
    candidates TEXT NOT NULL,
    description TEXT NOT NULL,
    measure TEXT NOT NULL,
    witnesses TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX incidents_session ON incidents(session_id, day, time);
