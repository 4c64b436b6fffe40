-- The centre's logo, printed on the letterhead of its documents (PNG or JPEG, 1 Mio at most).
ALTER TABLE centres ADD COLUMN logo BLOB;
ALTER TABLE centres ADD COLUMN logo_type TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN logo_sha256 TEXT NOT NULL DEFAULT '';
