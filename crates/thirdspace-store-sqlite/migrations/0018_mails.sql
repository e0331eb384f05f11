-- E-mails to send: written in the same transaction as the change they tell of, sent by whichever
-- instance claims them first, and kept as sent (or given up) so that none goes twice.
CREATE TABLE mail_jobs (
    id             TEXT PRIMARY KEY,
    -- One e-mail per key: a reminder is queued once however often its booking or answer changes.
    key            TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject_id     TEXT NOT NULL,
    due_at         INTEGER NOT NULL,
    -- Held by the instance sending it until then.
    claimed_until  INTEGER NOT NULL DEFAULT 0,
    attempts       INTEGER NOT NULL DEFAULT 0,
    -- When it was sent, skipped (no longer true, or switched off) or given up.
    done_at        INTEGER,
    outcome        TEXT CHECK (outcome IN ('sent', 'skipped', 'failed')),
    created_at     INTEGER NOT NULL
);
CREATE INDEX mail_jobs_due ON mail_jobs(due_at) WHERE done_at IS NULL;
CREATE INDEX mail_jobs_user ON mail_jobs(user_id);

-- The kinds of e-mail a member switched off.
CREATE TABLE mail_off (
    user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);
