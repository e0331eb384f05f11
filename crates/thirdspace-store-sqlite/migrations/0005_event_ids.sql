-- Live events: nothing to store on SQLite. One process serves one file, and its event ids come
-- from that process (PostgreSQL keeps a sequence here for several instances).
SELECT 1;
