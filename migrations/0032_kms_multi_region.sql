-- Multi-Region keys: a primary and its replicas in other regions of the same account share an id (mrk_id, shown
-- as mrk-<32 hex digits>) and their key material, version by version; each row keeps its own key_id inside
-- Cairn (the primary's key_id is the shared id). primary_region names the set's primary on every row.
ALTER TABLE kms_keys ADD COLUMN mrk_id uuid;
ALTER TABLE kms_keys ADD COLUMN primary_region text;
CREATE UNIQUE INDEX kms_keys_mrk ON kms_keys (account_id, region, mrk_id) WHERE mrk_id IS NOT NULL;
CREATE INDEX kms_keys_mrk_set ON kms_keys (account_id, mrk_id) WHERE mrk_id IS NOT NULL;
