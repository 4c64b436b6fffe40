-- The timetable as the manager edited it passage by passage (JSON: épreuve, candidate or
-- none for the group, room, jury pair, parts); none while Jalon lays it out from the starts.
ALTER TABLE sessions ADD COLUMN timetable TEXT;
