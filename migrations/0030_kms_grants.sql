-- KMS grants: a key's owner (or a principal its policy allows kms:CreateGrant) lets a grantee principal use the
-- key for some operations, optionally only with a given encryption context. Grants go with their key.
CREATE TABLE kms_grants (
    account_id          text NOT NULL,
    region              text NOT NULL,
    key_id              uuid NOT NULL,
    grant_id            text NOT NULL,
    name                text,
    grantee_principal   text NOT NULL,
    retiring_principal  text,
    issuing_account     text NOT NULL,
    operations          text[] NOT NULL,
    context_subset      jsonb,
    context_equals      jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key_id, grant_id),
    FOREIGN KEY (account_id, key_id) REFERENCES kms_keys (account_id, key_id) ON DELETE CASCADE
);
CREATE INDEX kms_grants_grantee ON kms_grants (account_id, key_id, grantee_principal);
CREATE INDEX kms_grants_retiring ON kms_grants (retiring_principal) WHERE retiring_principal IS NOT NULL;
CREATE UNIQUE INDEX kms_grants_id ON kms_grants (grant_id);
