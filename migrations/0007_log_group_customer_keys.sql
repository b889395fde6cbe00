-- A log group may be encrypted under a customer managed KMS key (CreateLogGroup kmsKeyId, AssociateKmsKey).
-- kms_key_id keeps the key ARN shown to clients; kms_key_uuid names the key for the key ring.
ALTER TABLE log_groups ADD COLUMN kms_key_uuid uuid;
