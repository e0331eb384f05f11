-- The outbox: each change of state writes its event here in the same transaction, and wakes
-- every instance with NOTIFY when it commits. Its ids replace the sequence of live events.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    type TEXT NOT NULL,
    version INTEGER NOT NULL,
    venue_id UUID,
    subject_id UUID NOT NULL,
    data JSONB NOT NULL,
    occurred_at BIGINT NOT NULL
);
DROP SEQUENCE event_ids;
