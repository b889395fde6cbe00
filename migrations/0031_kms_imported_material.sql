-- Keys with imported key material (Origin EXTERNAL): they start PendingImport without material; an import gives
-- them material that may expire (material_valid_to), after which it is deleted and the key is PendingImport again.
-- imported_material_id identifies the material once imported: a later import must bring the same material.
ALTER TABLE kms_keys ADD COLUMN origin text NOT NULL DEFAULT 'AWS_KMS';
ALTER TABLE kms_keys ADD COLUMN expiration_model text;
ALTER TABLE kms_keys ADD COLUMN material_valid_to timestamptz;
ALTER TABLE kms_keys ADD COLUMN imported_material_id text;
CREATE INDEX kms_keys_material_valid_to ON kms_keys (material_valid_to) WHERE material_valid_to IS NOT NULL;

-- GetParametersForImport's wrapping key pairs (the private key sealed by the root key) and their tokens, valid
-- for 24 hours. A token is its id and a secret; only the secret's hash is kept.
CREATE TABLE kms_import_tokens (
    token_id             uuid PRIMARY KEY,
    account_id           text NOT NULL,
    key_id               uuid NOT NULL,
    wrapping_algorithm   text NOT NULL,
    wrapping_key_sealed  bytea NOT NULL,
    root_key_id          text NOT NULL,
    secret_hash          bytea NOT NULL,
    valid_to             timestamptz NOT NULL,
    FOREIGN KEY (account_id, key_id) REFERENCES kms_keys (account_id, key_id) ON DELETE CASCADE
);
CREATE INDEX kms_import_tokens_valid_to ON kms_import_tokens (valid_to);
