-- One convocation per candidate, with its mode and the proof the regulation asks for:
-- hand delivery against signature; email with receipt and read acknowledgement; email with
-- receipt and the signed document returned.
CREATE TABLE convocations (
    candidate_id TEXT PRIMARY KEY REFERENCES candidates(id),
    session_id TEXT NOT NULL REFERENCES sessions(id),
    mode TEXT NOT NULL CHECK (mode IN ('hand', 'email_receipts', 'email_signed_return')),
    send_status TEXT NOT NULL DEFAULT 'pending' CHECK (send_status IN ('pending', 'sending', 'sent', 'failed')),
    send_error TEXT,
    sent_at TEXT,
    -- Hand delivery: signed by the candidate (ticked by the person who handed it over).
    hand_signed_at TEXT,
    hand_signed_by TEXT,
    -- Email: the personal acknowledgement link, opened when, from where.
    ack_token_hash TEXT UNIQUE,
    read_at TEXT,
    read_from TEXT,
    -- The signed copy (hand delivery) or the signed document returned (email).
    document_name TEXT,
    document_type TEXT,
    document BLOB,
    document_at TEXT,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX convocations_session ON convocations(session_id);
