-- What the departmental service decided with a candidate's accommodation: the extra time and
-- the épreuves it applies to, the decision's reference and date, the day it was asked for
-- (JSON: extra_time, extra_time_epreuves, reference, decided_on, requested_on).
ALTER TABLE candidates ADD COLUMN accommodation_details TEXT NOT NULL DEFAULT '{}';
