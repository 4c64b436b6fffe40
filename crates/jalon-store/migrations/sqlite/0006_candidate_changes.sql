-- A candidate's civility (« Madame », « Monsieur », or none given), and their withdrawal
-- (« désistement ») : the day and the reason; a withdrawn candidate leaves the documents,
-- the sign-in sheets and the checks, and the convocation already given is void.
ALTER TABLE candidates ADD COLUMN civility TEXT NOT NULL DEFAULT '';
ALTER TABLE candidates ADD COLUMN withdrawn_on TEXT;
ALTER TABLE candidates ADD COLUMN withdrawal_reason TEXT;
ALTER TABLE convocations ADD COLUMN voided_at TEXT;
