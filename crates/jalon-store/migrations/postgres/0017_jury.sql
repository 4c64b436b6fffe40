-- The jury of each session: the jurors appointed, with their convocation and their sworn
-- statement; the seat each takes day by day (jury 1, 2…) with their presence on the day;
-- and the links with candidates, declared by the manager or by the juror (« aucun lien »
-- too).
CREATE TABLE session_jurors (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    juror_id TEXT NOT NULL REFERENCES jurors(id),
    convoked_at TEXT,
    convoked_how TEXT,
    convoked_by TEXT,
    read_at TEXT,
    read_from TEXT,
    links_declared_at TEXT,
    signed_at TEXT,
    signed_from TEXT,
    signature BYTEA,
    PRIMARY KEY (session_id, juror_id)
);
CREATE INDEX session_jurors_juror ON session_jurors(juror_id);

CREATE TABLE jury_seats (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    juror_id TEXT NOT NULL REFERENCES jurors(id),
    day TEXT NOT NULL,
    jury BIGINT NOT NULL,
    presence TEXT NOT NULL DEFAULT 'expected',
    noted_at TEXT,
    noted_by TEXT,
    PRIMARY KEY (session_id, juror_id, day)
);
CREATE INDEX jury_seats_juror ON jury_seats(juror_id, day);

CREATE TABLE jury_links (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    juror_id TEXT NOT NULL REFERENCES jurors(id),
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    linked BIGINT NOT NULL,
    what TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (session_id, juror_id, candidate_id, declared_by)
);

-- A juror's personal links (only the hash of each is kept): valid until revoked.
CREATE TABLE juror_tokens (
    token_hash TEXT PRIMARY KEY,
    juror_id TEXT NOT NULL REFERENCES jurors(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX juror_tokens_juror ON juror_tokens(juror_id);

ALTER TABLE sessions ADD COLUMN jury_version BIGINT NOT NULL DEFAULT 0;
