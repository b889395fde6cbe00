-- Keys and encrypted event chunks.
--
-- root key (outside the database)
--   └─ kms_key_versions.material_sealed: KMS key material, sealed by the root key
--        └─ data_keys.dek_sealed: one data key version per log group, sealed by a KMS key version
--             └─ event_chunks.payload: AES-256-GCM(zstd(events)) under the group's data key

CREATE TABLE kms_keys (
    account_id   text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region       text NOT NULL,
    key_id       uuid NOT NULL,
    -- SERVICE_DEFAULT: the account's service-managed default key for log groups in this region.
    key_manager  text NOT NULL CHECK (key_manager IN ('SERVICE_DEFAULT', 'AWS', 'CUSTOMER')),
    key_state    text NOT NULL DEFAULT 'Enabled',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key_id)
);
CREATE UNIQUE INDEX kms_keys_service_default ON kms_keys (account_id, region) WHERE key_manager = 'SERVICE_DEFAULT';

CREATE TABLE kms_key_versions (
    account_id       text NOT NULL,
    key_id           uuid NOT NULL,
    version          integer NOT NULL,
    material_sealed  bytea NOT NULL,
    root_key_id      text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key_id, version),
    FOREIGN KEY (account_id, key_id) REFERENCES kms_keys (account_id, key_id) ON DELETE CASCADE
);

-- Deleting a log group deletes its data keys in the same transaction (crypto-shredding); the chunks
-- become unreadable at once and are removed later by the retention sweeper.
CREATE TABLE data_keys (
    account_id   text NOT NULL,
    group_id     bigint NOT NULL,
    version      integer NOT NULL,
    key_id       uuid NOT NULL,
    key_version  integer NOT NULL,
    dek_sealed   bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, group_id, version),
    FOREIGN KEY (account_id, group_id) REFERENCES log_groups (account_id, group_id) ON DELETE CASCADE
);

ALTER TABLE log_streams ADD COLUMN stored_bytes bigint NOT NULL DEFAULT 0;

CREATE SEQUENCE event_chunks_chunk_id_seq AS bigint;

-- One row per stream per batch (later, per compacted run of batches). Partitioned by the UTC day of
-- min_ts; day partitions are created ahead by the partition maintainer, and the default partition takes
-- whatever has no partition of its own, so no write is ever refused.
CREATE TABLE event_chunks (
    account_id      text NOT NULL,
    group_id        bigint NOT NULL,
    stream_id       bigint NOT NULL,
    chunk_id        bigint NOT NULL DEFAULT nextval('event_chunks_chunk_id_seq'),
    day             date NOT NULL,
    min_ts          bigint NOT NULL,
    max_ts          bigint NOT NULL,
    first_seq       bigint NOT NULL,
    event_count     integer NOT NULL,
    raw_bytes       integer NOT NULL,
    ingestion_time  bigint NOT NULL,
    dek_version     integer NOT NULL,
    payload         bytea NOT NULL,
    PRIMARY KEY (account_id, chunk_id, day)
) PARTITION BY RANGE (day);
ALTER SEQUENCE event_chunks_chunk_id_seq OWNED BY event_chunks.chunk_id;
CREATE TABLE event_chunks_default PARTITION OF event_chunks DEFAULT;
CREATE INDEX event_chunks_by_stream_time ON event_chunks (account_id, stream_id, min_ts);
CREATE INDEX event_chunks_by_stream_end ON event_chunks (account_id, stream_id, max_ts);

-- storedBytes of a group is the sum over its streams (kept per stream, so that writers to different
-- streams of one group never contend on the group's row).
ALTER TABLE log_groups DROP COLUMN stored_bytes;
CREATE INDEX event_chunks_by_group_time ON event_chunks (account_id, group_id, min_ts);
