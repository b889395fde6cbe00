-- Chunk payloads are already compressed and encrypted: store them out of line without PostgreSQL's own
-- (pglz) compression, which could only waste CPU on them.
ALTER TABLE event_chunks ALTER COLUMN payload SET STORAGE EXTERNAL;
