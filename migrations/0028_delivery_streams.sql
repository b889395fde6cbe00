-- Delivery streams (Firehose-style), created by administrators: subscription filters deliver to them by their
-- ARN `arn:aws:firehose:<region>:<account>:deliverystream/<name>`. Each delivery becomes a record (gzip of the
-- DATA_MESSAGE, as CloudWatch Logs sends Firehose), sealed under its source group's data key and buffered here
-- until the stream's size or interval is reached; then a flush job on the queue writes the records to a bucket
-- as one object or POSTs them to an HTTP endpoint in Firehose's HTTP endpoint delivery format.

CREATE TABLE delivery_streams (
    account_id          text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region              text NOT NULL,
    name                text NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('bucket', 'http')),
    bucket              text,
    prefix              text NOT NULL DEFAULT '',
    url                 text,
    access_key_sealed   bytea,              -- X-Amz-Firehose-Access-Key, sealed by the root key
    root_key_id         text,
    allow_private_network boolean NOT NULL DEFAULT false,
    buffer_bytes        integer NOT NULL,
    buffer_seconds      integer NOT NULL,
    created_at          bigint NOT NULL,
    queued_through      bigint NOT NULL DEFAULT 0,   -- records up to this id have a flush job
    PRIMARY KEY (account_id, region, name),
    CHECK ((kind = 'bucket') = (bucket IS NOT NULL)),
    CHECK ((kind = 'http') = (url IS NOT NULL))
);

CREATE TABLE delivery_stream_records (
    account_id    text NOT NULL,
    region        text NOT NULL,
    stream_name   text NOT NULL,
    record_id     bigint GENERATED ALWAYS AS IDENTITY,
    created_at    bigint NOT NULL,
    bytes         integer NOT NULL,
    group_account text NOT NULL,            -- the source group's owner (another account, through a destination)
    group_id      bigint NOT NULL,
    dek_version   integer NOT NULL,
    payload       bytea NOT NULL,               -- AES-256-GCM under the group's data key
    PRIMARY KEY (account_id, record_id),
    FOREIGN KEY (account_id, region, stream_name) REFERENCES delivery_streams (account_id, region, name)
        ON DELETE CASCADE
);
CREATE INDEX delivery_stream_records_by_stream ON delivery_stream_records (account_id, region, stream_name, record_id);
