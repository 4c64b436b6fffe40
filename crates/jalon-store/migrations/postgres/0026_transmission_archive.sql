-- The transmission of a session's documents to the departmental service (`close.transmit`),
-- recorded once: the day, the channel (a transfer link, registered post…), its reference (the
-- link, the registered post's number…) and what was sent.
CREATE TABLE transmissions (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    sent_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    reference TEXT NOT NULL,
    contents TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

-- The secure archive of a session (`close.archive`): for each of the four kinds (minutes,
-- evaluation grids, sign-in sheets, jurors' sworn statements) the pieces kept — a document
-- produced by Jalon once signed, or a scan of the paper checked by its content — each with
-- its SHA-256.
CREATE TABLE archive_pieces (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    kind TEXT NOT NULL,
    origin TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL,
    archived_at TEXT NOT NULL,
    archived_by TEXT NOT NULL
);
CREATE INDEX archive_pieces_session ON archive_pieces(session_id);
