-- CloudWatch Logs resource policies: account-scoped ones by name (at most 10 per account and region), and one
-- per log group, scoped to its ARN; each write gets a new revision id.
CREATE TABLE log_resource_policies (
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region         text NOT NULL,
    scope          text NOT NULL CHECK (scope IN ('ACCOUNT', 'RESOURCE')),
    -- The policy's name (ACCOUNT) or the log group ARN it is attached to (RESOURCE).
    policy_key     text NOT NULL,
    policy_name    text,
    resource_arn   text,
    document       text NOT NULL,
    revision_id    text NOT NULL,
    last_updated   bigint NOT NULL,
    PRIMARY KEY (account_id, region, scope, policy_key)
);
