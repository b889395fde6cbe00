-- KMS key rotation, tags and key policies.
ALTER TABLE kms_keys ADD COLUMN rotation_period_days integer;   -- NULL: automatic rotation off
ALTER TABLE kms_keys ADD COLUMN next_rotation_date timestamptz;
ALTER TABLE kms_keys ADD COLUMN policy text;                    -- NULL: the default key policy
ALTER TABLE kms_keys ADD COLUMN tags jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE kms_key_versions ADD COLUMN rotation_type text CHECK (rotation_type IN ('AUTOMATIC', 'ON_DEMAND'));
CREATE INDEX kms_keys_rotation_due ON kms_keys (next_rotation_date) WHERE next_rotation_date IS NOT NULL;
CREATE INDEX kms_keys_deletion_due ON kms_keys (deletion_date) WHERE deletion_date IS NOT NULL;
