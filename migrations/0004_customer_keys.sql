-- Customer managed KMS keys (the KMS-compatible API): description, usage, and the deletion schedule.
ALTER TABLE kms_keys ADD COLUMN description text NOT NULL DEFAULT '';
ALTER TABLE kms_keys ADD COLUMN key_usage text NOT NULL DEFAULT 'ENCRYPT_DECRYPT';
ALTER TABLE kms_keys ADD COLUMN deletion_date timestamptz;
ALTER TABLE kms_keys ADD COLUMN pending_window_days integer;
CREATE INDEX kms_keys_by_account ON kms_keys (account_id, region, created_at);
