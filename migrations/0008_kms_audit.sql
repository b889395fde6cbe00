-- The key audit trail: every key operation and every cryptographic use, with who, what and the outcome.
-- Never a secret: no plaintext, no key material, no ciphertext.
CREATE TABLE kms_audit (
    account_id     text NOT NULL,
    audit_id       bigint GENERATED ALWAYS AS IDENTITY,
    region         text NOT NULL,
    event_time     bigint NOT NULL,          -- epoch milliseconds
    principal      text NOT NULL,            -- the caller's access key id, or cairn:logs for the log service
    operation      text NOT NULL,
    key_arn        text,
    outcome        text NOT NULL,            -- Success, or the AWS error code
    PRIMARY KEY (account_id, audit_id)
);
CREATE INDEX kms_audit_by_time ON kms_audit (account_id, region, event_time);
