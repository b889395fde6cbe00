-- KMS aliases: a friendly name per account and region pointing at one key.
CREATE TABLE kms_aliases (
    account_id  text NOT NULL,
    region      text NOT NULL,
    alias_name  text NOT NULL,
    key_id      uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, region, alias_name),
    FOREIGN KEY (account_id, key_id) REFERENCES kms_keys (account_id, key_id) ON DELETE CASCADE
);
CREATE INDEX kms_aliases_by_key ON kms_aliases (account_id, key_id);
