-- One-time links sent by e-mail: log in without a password, or choose a new password. Only a
-- hash of the link's secret is kept; a link works once, until it expires.

CREATE TABLE login_links (
    token_hash TEXT PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('log_in', 'reset_password')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX login_links_user ON login_links(user_id, created_at);
