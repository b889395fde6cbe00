-- Linked (monitoring) accounts: a monitoring account reads the log groups of its source accounts.
CREATE TABLE account_links (
    monitoring_account  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    source_account      text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    created_at          bigint NOT NULL,
    PRIMARY KEY (monitoring_account, source_account),
    CHECK (monitoring_account <> source_account)
);
CREATE INDEX account_links_by_source ON account_links (source_account);
