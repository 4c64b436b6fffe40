-- How the centre is reached, for the emails and the documents: its address, phone, email,
-- and the address candidates reply to (a signed convocation returned).
ALTER TABLE centres ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE centres ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';
