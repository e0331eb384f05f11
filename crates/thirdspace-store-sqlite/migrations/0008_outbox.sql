-- The outbox: each change of state writes its event here in the same transaction. The id is the
-- events' one order (AUTOINCREMENT: never reused, even after the latest rows are gone).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    venue_id TEXT,
    subject_id TEXT NOT NULL,
    data TEXT NOT NULL,
    occurred_at INTEGER NOT NULL
);
