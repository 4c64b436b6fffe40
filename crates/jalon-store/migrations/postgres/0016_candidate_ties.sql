-- What links a candidate to a company or an organisation, for the jury's eligibility (JSON:
-- employer, employer_siret, trained_by, trained_by_siret).
ALTER TABLE candidates ADD COLUMN ties TEXT NOT NULL DEFAULT '{}';
