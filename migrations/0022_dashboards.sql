-- CloudWatch dashboards: global per account (their ARNs carry no region). The body is configuration (metric
-- names, Logs Insights query strings), not log text, and is stored as given.
CREATE TABLE dashboards (
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    name           text NOT NULL,
    body           text NOT NULL,
    tags           jsonb NOT NULL DEFAULT '[]',
    last_modified  bigint NOT NULL,
    PRIMARY KEY (account_id, name)
);
