-- A log group may use another account's KMS key where that key's policy allows it: the key's owner is
-- recorded next to the key id (NULL means the group's own account).
ALTER TABLE log_groups ADD COLUMN kms_key_account text;
ALTER TABLE data_keys ADD COLUMN key_account text;
