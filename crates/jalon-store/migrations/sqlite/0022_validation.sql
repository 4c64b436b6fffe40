-- The departmental service's validation of a session, recorded once with its date: the act
-- that lifts the embargo on results. The request for complements gains the day it is due
-- and the centre's answer (when, what, who).
CREATE TABLE validations (
    session_id TEXT PRIMARY KEY REFERENCES sessions(id),
    validated_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
ALTER TABLE sessions ADD COLUMN complements_due_on TEXT;
ALTER TABLE sessions ADD COLUMN complements_answered_on TEXT;
ALTER TABLE sessions ADD COLUMN complements_answer TEXT;
ALTER TABLE sessions ADD COLUMN complements_answered_by TEXT;
