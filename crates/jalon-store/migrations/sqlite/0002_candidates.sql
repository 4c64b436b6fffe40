-- Candidates of a session. `identity` (folded names and birth date) finds the same person
-- registered twice.
CREATE TABLE candidates (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    identity TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_names TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    access_route TEXT NOT NULL CHECK (access_route IN ('training', 'vae', 'apprenticeship')),
    training_end TEXT,
    accommodation TEXT NOT NULL DEFAULT '',
    accommodation_granted_by TEXT NOT NULL DEFAULT '',
    accommodation_plan TEXT NOT NULL DEFAULT '',
    presence TEXT NOT NULL DEFAULT 'expected' CHECK (presence IN ('expected', 'present', 'absent')),
    -- The day's welcome: identity checked, convocation shown, sign-in sheet signed.
    identity_checked BIGINT NOT NULL DEFAULT 0,
    convocation_presented BIGINT NOT NULL DEFAULT 0,
    signed BIGINT NOT NULL DEFAULT 0,
    checked_in_at TEXT,
    checked_in_by TEXT,
    registered_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (session_id, identity)
);
CREATE INDEX candidates_session ON candidates(session_id);
