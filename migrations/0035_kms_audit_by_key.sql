-- GetKeyLastUsage reads a key's latest successful cryptographic use from the audit trail.
CREATE INDEX kms_audit_by_key ON kms_audit (account_id, key_arn, audit_id DESC) WHERE outcome = 'Success';
