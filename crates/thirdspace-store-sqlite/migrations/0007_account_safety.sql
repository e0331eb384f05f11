-- A member proves they hold their e-mail address by using a link sent to it; a staff invitation
-- is accepted only by a member who proved the invited address. Members who already used a log-in
-- or reset link have proven it.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
UPDATE users SET email_verified_at =
    (SELECT MIN(used_at) FROM login_links WHERE login_links.user_id = users.id AND used_at IS NOT NULL);

-- Links may also confirm an address. SQLite cannot change a CHECK constraint in place.
CREATE TABLE login_links_new (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('log_in', 'reset_password', 'verify_email')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
INSERT INTO login_links_new (token_hash, user_id, purpose, created_at, expires_at, used_at)
    SELECT token_hash, user_id, purpose, created_at, expires_at, used_at FROM login_links;
DROP TABLE login_links;
ALTER TABLE login_links_new RENAME TO login_links;
CREATE INDEX login_links_user ON login_links(user_id, created_at);

-- Attempts counted in windows, per key: failed log-ins of an address from one client and from
-- all clients, e-mails asked for an address and by a client. Kept in the database so that every
-- instance counts the same attempts. Replaces the count per address alone.
DROP TABLE login_failures;
CREATE TABLE attempts (
    key      TEXT PRIMARY KEY,
    count    INTEGER NOT NULL,
    -- When the window of these attempts began, UTC seconds since the epoch.
    since    INTEGER NOT NULL
);
CREATE INDEX attempts_since ON attempts(since);
