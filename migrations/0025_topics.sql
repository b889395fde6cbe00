-- The SNS-compatible topic service: topics, their subscriptions, and the key that signs notifications.
CREATE TABLE sns_topics (
    account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region      text NOT NULL,
    topic_name  text NOT NULL,
    -- The attributes set by CreateTopic and SetTopicAttributes (DisplayName, Policy, DeliveryPolicy), as given.
    attributes  jsonb NOT NULL DEFAULT '{}',
    tags        jsonb NOT NULL DEFAULT '{}',
    created_at  bigint NOT NULL,
    PRIMARY KEY (account_id, region, topic_name)
);

-- A subscription belongs to its topic's account; `owner_account` is who subscribed. A pending HTTP subscription
-- keeps the SHA-256 of its confirmation token (the token itself is a bearer secret sent to the endpoint only).
CREATE TABLE sns_subscriptions (
    subscription_id   uuid PRIMARY KEY,
    account_id        text NOT NULL,
    region            text NOT NULL,
    topic_name        text NOT NULL,
    owner_account     text NOT NULL,
    protocol          text NOT NULL,
    endpoint          text NOT NULL,
    confirmed         boolean NOT NULL,
    token_hash        text,
    token_expires_at  bigint,
    attributes        jsonb NOT NULL DEFAULT '{}',
    created_at        bigint NOT NULL,
    FOREIGN KEY (account_id, region, topic_name) REFERENCES sns_topics (account_id, region, topic_name)
        ON DELETE CASCADE,
    UNIQUE (account_id, region, topic_name, protocol, endpoint)
);
CREATE INDEX sns_subscriptions_owner ON sns_subscriptions (owner_account, region, subscription_id);

-- The RSA key that signs notifications (SignatureVersion 2), sealed by the root key, and its certificate, served
-- at SigningCertURL.
CREATE TABLE notification_signing_keys (
    key_id              text PRIMARY KEY,
    private_key_sealed  bytea NOT NULL,
    root_key_id         text NOT NULL,
    certificate         text NOT NULL,
    created_at          bigint NOT NULL
);
