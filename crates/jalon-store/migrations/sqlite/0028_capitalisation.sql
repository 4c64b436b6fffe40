-- A candidate by capitalisation of their CCPs (« parcours de capitalisation ») holds every CCP
-- of the title already: in a session of the full title, they take the entretien final alone.
ALTER TABLE candidates ADD COLUMN capitalisation BIGINT NOT NULL DEFAULT 0;
