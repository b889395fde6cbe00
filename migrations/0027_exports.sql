-- Buckets: the places an administrator maps an account's bucket names to, either an S3-compatible store (its
-- secret sealed by the root key) or a local directory with the same layout. Export tasks write there.

CREATE TABLE buckets (
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    name           text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('directory', 's3')),
    directory      text,
    endpoint       text,
    region         text,
    remote_name    text,
    addressing     text CHECK (addressing IN ('path', 'virtual')),
    access_key_id  text,
    secret_sealed  bytea,                   -- the S3 secret access key, sealed by the root key
    root_key_id    text,
    created_at     bigint NOT NULL,
    PRIMARY KEY (account_id, name),
    CHECK ((kind = 'directory') = (directory IS NOT NULL)),
    CHECK ((kind = 's3') = (endpoint IS NOT NULL AND secret_sealed IS NOT NULL))
);

-- Export tasks (CreateExportTask). `checkpoint` records the objects already written, so that a worker taking
-- the task over resumes after them; it names positions (stream, timestamp, sequence), never log text.
CREATE TABLE export_tasks (
    account_id          text NOT NULL,
    region              text NOT NULL,
    task_id             uuid NOT NULL,
    task_name           text,
    group_id            bigint NOT NULL,
    log_group_name      text NOT NULL,
    stream_prefix       text,
    from_time           bigint NOT NULL,
    to_time             bigint NOT NULL,
    destination         text NOT NULL,
    destination_prefix  text,               -- as given: NULL means AWS's default, exportedlogs
    status              text NOT NULL CHECK (status IN
                            ('PENDING', 'RUNNING', 'PENDING_CANCEL', 'COMPLETED', 'CANCELLED', 'FAILED')),
    status_message      text,
    created_at          bigint NOT NULL,
    completed_at        bigint,
    checkpoint          jsonb,
    exported_events     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, task_id)
);

-- AWS runs one active (pending or running) export task per account and region.
CREATE UNIQUE INDEX export_tasks_one_active ON export_tasks (account_id, region)
    WHERE status IN ('PENDING', 'RUNNING', 'PENDING_CANCEL');
CREATE INDEX export_tasks_by_time ON export_tasks (account_id, region, created_at DESC, task_id);
