-- A site's rooms and plateaux techniques, with their equipment (JSON: name, plateau,
-- equipment), booked by the timetables of its sessions.
ALTER TABLE sites ADD COLUMN rooms TEXT NOT NULL DEFAULT '[]';
