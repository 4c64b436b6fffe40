-- The journal is sealed by a key kept outside the database (issue « Trust under attack »):
-- each entry is signed (Ed25519) over its centre, number and hash, and the key that signs is
-- recorded here once. A signature is never changed nor removed.
CREATE TABLE journal_seal (
    one BIGINT PRIMARY KEY CHECK (one = 1),
    instance_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sealed_at TEXT NOT NULL
);

CREATE TABLE journal_signatures (
    centre_id TEXT NOT NULL REFERENCES centres(id),
    seq BIGINT NOT NULL,
    sig TEXT NOT NULL,
    PRIMARY KEY (centre_id, seq)
);

CREATE TRIGGER journal_signatures_no_update BEFORE UPDATE ON journal_signatures
BEGIN
    SELECT RAISE(ABORT, 'les signatures du journal ne se modifient pas');
END;

CREATE TRIGGER journal_signatures_no_delete BEFORE DELETE ON journal_signatures
BEGIN
    SELECT RAISE(ABORT, 'les signatures du journal ne se suppriment pas');
END;
