-- Logs Insights: queries with their state and statistics, results sealed under a per-query key that is itself
-- sealed under the data key of every group the query read (the results die with any of those keys), and saved
-- query definitions.
CREATE TABLE insights_queries (
    query_id        uuid PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region          text NOT NULL,
    principal       text NOT NULL,
    query_string    text NOT NULL,
    query_language  text NOT NULL DEFAULT 'CWLI',
    -- The groups read, in order: [{"owner":…, "group":…, "name":…}]; names are the ones the request used.
    sources         jsonb NOT NULL,
    start_time      bigint NOT NULL,
    end_time        bigint NOT NULL,
    row_limit       integer NOT NULL,
    status          text NOT NULL CHECK (status IN ('Scheduled', 'Running', 'Complete', 'Failed', 'Cancelled', 'Timeout')),
    created_at      bigint NOT NULL,
    started_at      bigint,
    finished_at     bigint,
    records_matched double precision NOT NULL DEFAULT 0,
    records_scanned double precision NOT NULL DEFAULT 0,
    bytes_scanned   double precision NOT NULL DEFAULT 0,
    -- AES-GCM(results JSON) under the query key; the query key sealed layer by layer under each group's data
    -- key, whose versions `key_layers` lists ([{"owner":…, "group":…, "version":…}]).
    results         bytea,
    results_key     bytea,
    key_layers      jsonb,
    failure         text
);
CREATE INDEX insights_queries_by_account ON insights_queries (account_id, region, created_at DESC, query_id);
CREATE INDEX insights_queries_active ON insights_queries (account_id, region)
    WHERE status IN ('Scheduled', 'Running');

CREATE TABLE query_definitions (
    definition_id   uuid PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region          text NOT NULL,
    name            text NOT NULL,
    query_string    text NOT NULL,
    query_language  text NOT NULL DEFAULT 'CWLI',
    log_group_names text[] NOT NULL DEFAULT '{}',
    parameters      jsonb,
    last_modified   bigint NOT NULL
);
CREATE INDEX query_definitions_by_name ON query_definitions (account_id, region, name, definition_id);
