-- Personal links that do one job on an account (issue 16, « Accounts »): an invitation, by
-- which the invited person chooses their password and so creates their account, or a
-- password reset asked from the login page. Only the SHA-256 of a link's secret is kept; a
-- link serves once (used_at) and expires (expires_at); an invitation can be cancelled.
CREATE TABLE account_links (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    user_id TEXT REFERENCES users(id),
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'inspector')),
    invited_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    cancelled_at TEXT
);
CREATE INDEX account_links_centre ON account_links(centre_id, kind);
CREATE INDEX account_links_email ON account_links(email);
