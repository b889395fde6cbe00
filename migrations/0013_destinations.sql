-- Destinations: a named target (a log group or function of the owner) that subscriptions of other accounts
-- may point at when the destination's access policy allows their account.
CREATE TABLE destinations (
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region         text NOT NULL,
    name           text NOT NULL,
    target_arn     text NOT NULL,
    role_arn       text NOT NULL,
    access_policy  text,
    tags           jsonb NOT NULL DEFAULT '{}'::jsonb,
    creation_time  bigint NOT NULL,
    PRIMARY KEY (account_id, region, name)
);
