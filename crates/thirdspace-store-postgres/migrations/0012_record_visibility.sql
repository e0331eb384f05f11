-- Who sees a person's record of social capital: 'public', 'venue' (people checked in where they
-- are) or 'hidden' (only them). Private until they choose.
ALTER TABLE profiles ADD COLUMN record_visibility TEXT NOT NULL DEFAULT 'hidden'
    CHECK (record_visibility IN ('public', 'venue', 'hidden'));
