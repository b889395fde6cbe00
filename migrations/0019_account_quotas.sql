-- Per-account quotas an administrator changed; a quota not listed here has its default (AccountQuota).
CREATE TABLE account_quotas (
    account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    quota       text NOT NULL,
    value       bigint NOT NULL CHECK (value >= 0),
    PRIMARY KEY (account_id, quota)
);
