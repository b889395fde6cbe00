-- KMS keys other than SYMMETRIC_DEFAULT: the key spec decides the material (HMAC keys: 28–64 bytes) and what the
-- key may do (KeyUsage). Existing keys are symmetric encryption keys.
ALTER TABLE kms_keys ADD COLUMN key_spec text NOT NULL DEFAULT 'SYMMETRIC_DEFAULT';
