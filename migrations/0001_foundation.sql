-- Accounts, access keys, log groups and log streams.
-- Every table is keyed by account_id first so that it can be distributed by account.

CREATE TABLE accounts (
    account_id  text PRIMARY KEY CHECK (account_id ~ '^[0-9]{12}$'),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Secrets are sealed with AES-256-GCM under a key derived from the root key;
-- root_key_id names which root key sealed them.
CREATE TABLE access_keys (
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    access_key_id  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'writer', 'reader')),
    secret_sealed  bytea NOT NULL,
    root_key_id    text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    PRIMARY KEY (account_id, access_key_id)
);
CREATE UNIQUE INDEX access_keys_by_id ON access_keys (access_key_id);

CREATE TABLE log_groups (
    account_id           text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region               text NOT NULL,
    group_id             bigint GENERATED ALWAYS AS IDENTITY,
    name                 text NOT NULL,
    creation_time        bigint NOT NULL,
    retention_days       integer,
    log_group_class      text NOT NULL DEFAULT 'STANDARD',
    kms_key_id           text,
    deletion_protection  boolean NOT NULL DEFAULT false,
    stored_bytes         bigint NOT NULL DEFAULT 0,
    metric_filter_count  integer NOT NULL DEFAULT 0,
    tags                 jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (account_id, group_id),
    UNIQUE (account_id, region, name)
);

CREATE TABLE log_streams (
    account_id            text NOT NULL,
    group_id              bigint NOT NULL,
    stream_id             bigint GENERATED ALWAYS AS IDENTITY,
    name                  text NOT NULL,
    creation_time         bigint NOT NULL,
    first_event_time      bigint,
    last_event_time       bigint,
    last_ingestion_time   bigint,
    next_sequence         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, stream_id),
    UNIQUE (account_id, group_id, name),
    FOREIGN KEY (account_id, group_id) REFERENCES log_groups (account_id, group_id) ON DELETE CASCADE
);
CREATE INDEX log_streams_by_last_event ON log_streams (account_id, group_id, last_event_time);
