-- Ids of live events, shared by every instance on this database: events published by one
-- instance and received by all (LISTEN/NOTIFY) keep one order.
CREATE SEQUENCE event_ids;
