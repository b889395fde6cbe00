-- Logs Insights queries split by time slice across workers. `slices` is how many slice jobs the query's job
-- enqueued (NULL: the query runs whole in one job). Each slice stores its partial state once — the stats groups
-- it gathered, which can hold log text, sealed under the query's results key — and the slice that completes the
-- set merges them into the results.
ALTER TABLE insights_queries ADD COLUMN slices integer;

CREATE TABLE insights_query_slices (
    query_id        uuid NOT NULL REFERENCES insights_queries (query_id) ON DELETE CASCADE,
    slice           integer NOT NULL,
    state           bytea NOT NULL,
    records_scanned double precision NOT NULL,
    bytes_scanned   double precision NOT NULL,
    PRIMARY KEY (query_id, slice)
);
