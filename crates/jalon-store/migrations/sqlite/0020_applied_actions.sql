-- The actions a day-of page queued while offline and sent again when the network came back:
-- each carries an id chosen by the browser, so that one sent twice is applied once.
CREATE TABLE applied_actions (
    id TEXT PRIMARY KEY,
    centre_id TEXT NOT NULL REFERENCES centres(id),
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    applied_at TEXT NOT NULL
);
