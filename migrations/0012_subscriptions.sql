-- Subscription filters send matching events to a destination: an HTTP function of the account
-- (Cairn's stand-in for a Lambda function). The delivery job for a batch is enqueued in the PutLogEvents
-- transaction and names the events by stream and sequence numbers, never by their text.

CREATE TABLE functions (
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region         text NOT NULL,
    name           text NOT NULL,
    url            text NOT NULL,
    secret_sealed  bytea NOT NULL,          -- the HMAC key that signs deliveries, sealed by the root key
    root_key_id    text NOT NULL,
    created_at     bigint NOT NULL,
    PRIMARY KEY (account_id, region, name)
);

CREATE TABLE subscription_filters (
    account_id       text NOT NULL,
    group_id         bigint NOT NULL,
    filter_name      text NOT NULL,
    filter_pattern   text NOT NULL,
    destination_arn  text NOT NULL,
    role_arn         text,
    distribution     text NOT NULL DEFAULT 'ByLogStream',
    creation_time    bigint NOT NULL,
    PRIMARY KEY (account_id, group_id, filter_name),
    FOREIGN KEY (account_id, group_id) REFERENCES log_groups (account_id, group_id) ON DELETE CASCADE
);

ALTER TABLE log_groups ADD COLUMN subscription_filter_count integer NOT NULL DEFAULT 0;
