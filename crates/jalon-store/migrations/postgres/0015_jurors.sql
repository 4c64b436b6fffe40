-- The centre's jurors: identity, contact, trade, employer, status, and their habilitations
-- and licences (JSON lists), checked against the centre's titles when recorded.
CREATE TABLE jurors (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    last_name TEXT NOT NULL,
    first_names TEXT NOT NULL,
    details TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX jurors_centre ON jurors(centre_id, last_name);
