-- The minutes of a session (PV de session), signed by each juror present: through their
-- personal link (a drawn signature) or on paper (the signed scan, kept with its SHA-256).
-- A result changed after a signature undoes the signatures: the minutes are signed again.
CREATE TABLE minutes_signatures (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    juror_id TEXT NOT NULL REFERENCES jurors(id),
    signed_at TEXT NOT NULL,
    signed_from TEXT NOT NULL,
    signature BLOB,
    scan_sha256 TEXT,
    PRIMARY KEY (session_id, juror_id)
);

CREATE TABLE minutes_scans (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
);
