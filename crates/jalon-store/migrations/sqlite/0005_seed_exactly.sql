-- The day the session was created in CERES (with its number): it must precede the title's
-- expiry, whatever the day it is looked at.
ALTER TABLE sessions ADD COLUMN ceres_created_on TEXT;
-- « Validation dans CERES ou demande de compléments » : the last request of the
-- departmental service, the day it came and what it asks (history in the journal).
ALTER TABLE sessions ADD COLUMN complements_requested_on TEXT;
ALTER TABLE sessions ADD COLUMN complements_request TEXT;
-- « Un délai de 8 mois est fortement recommandé » : the recommended date, on a working day.
ALTER TABLE session_milestones ADD COLUMN recommended TEXT;
-- The day's welcome: the documents the convocation asks for (an identity document, the
-- dossier professionnel) were shown.
ALTER TABLE candidates ADD COLUMN documents_presented BIGINT NOT NULL DEFAULT 0;
-- The items of a milestone's checklist, each ticked (or marked « sans objet » with a reason)
-- by someone at a time; the days of a session for the trainers' absence.
CREATE TABLE milestone_items (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    milestone_id TEXT NOT NULL,
    item TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('done', 'not_applicable')),
    reason TEXT,
    ticked_at TEXT NOT NULL,
    ticked_by TEXT NOT NULL,
    PRIMARY KEY (session_id, milestone_id, item)
);
