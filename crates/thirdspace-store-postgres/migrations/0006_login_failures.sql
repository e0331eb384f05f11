-- Failed log-ins per e-mail address, kept in the database so that every instance counts the same
-- failures and refuses an address after too many, wherever the attempts landed.

CREATE TABLE login_failures (
    email    TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    -- When the window of these failures began, UTC seconds since the epoch.
    since    BIGINT NOT NULL
);
CREATE INDEX login_failures_since ON login_failures(since);
