-- Files attached to a milestone as its evidence (a CERES screenshot, a signed letter…),
-- checked by their content, with their SHA-256.
CREATE TABLE milestone_files (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    milestone_id TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL
);
CREATE INDEX milestone_files_session ON milestone_files(session_id);
