-- Jalon schema, SQLite. Same shape as migrations/postgres: ids are text (UUID v7), dates
-- are ISO-8601 text, timestamps RFC 3339 text, booleans 0/1 in BIGINT columns (the one type
-- sqlx's Any driver decodes alike on both backends).

-- Facts about the database itself (`demo` = 1 for a demonstration database).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE centres (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    journal_seq BIGINT NOT NULL DEFAULT 0,
    journal_hash TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'inspector')),
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX users_centre ON users(centre_id);

CREATE TABLE auth_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);

CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    city TEXT NOT NULL,
    zone TEXT NOT NULL CHECK (zone IN ('metropole', 'alsace-moselle')),
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX sites_centre ON sites(centre_id);

CREATE TABLE titles (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    rncp_code TEXT NOT NULL,
    name TEXT NOT NULL,
    domain TEXT NOT NULL CHECK (domain IN ('btp', 'industry', 'tertiary')),
    transport BIGINT NOT NULL DEFAULT 0,
    expiry TEXT NOT NULL,
    structure TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (centre_id, rncp_code)
);

CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    title_id TEXT NOT NULL REFERENCES titles(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    number TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX approvals_centre ON approvals(centre_id);

CREATE TABLE approval_managers (
    approval_id TEXT NOT NULL REFERENCES approvals(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (approval_id, user_id)
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    title_id TEXT NOT NULL REFERENCES titles(id),
    approval_id TEXT REFERENCES approvals(id),
    site_id TEXT NOT NULL REFERENCES sites(id),
    kind TEXT NOT NULL CHECK (kind IN ('title', 'ccp', 'ccs')),
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    ceres_number TEXT,
    manager_id TEXT REFERENCES users(id),
    cancelled_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX sessions_centre ON sessions(centre_id, start_date);

CREATE TABLE session_milestones (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    milestone_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    applicable BIGINT NOT NULL,
    opens TEXT,
    deadline TEXT,
    advised TEXT,
    state TEXT NOT NULL CHECK (state IN ('todo', 'done', 'not_applicable')),
    done_at TEXT,
    done_by TEXT,
    evidence TEXT,
    override_justification TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (session_id, milestone_id)
);

-- The journal only grows: every change appends an entry chained to the previous one of the
-- same centre by SHA-256. The triggers refuse any UPDATE or DELETE.
CREATE TABLE journal (
    centre_id TEXT NOT NULL REFERENCES centres(id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (centre_id, seq)
);
CREATE INDEX journal_subject ON journal(subject_id);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
    SELECT RAISE(ABORT, 'le journal ne se modifie pas');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
    SELECT RAISE(ABORT, 'le journal ne se supprime pas');
END;
