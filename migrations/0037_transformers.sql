-- Log transformers (one per log group): the processors' configuration as GetTransformer returns it (compact
-- JSON, configuration and not log text), and when it was created and last changed. Events ingested while a group
-- has one carry their transformed version inside their chunk (EventChunk format 3), sealed with the message.
ALTER TABLE log_groups ADD COLUMN transformer_config text;
ALTER TABLE log_groups ADD COLUMN transformer_created bigint;
ALTER TABLE log_groups ADD COLUMN transformer_updated bigint;

-- Metric and subscription filters that read the transformed versions instead of the original messages.
ALTER TABLE metric_filters ADD COLUMN apply_on_transformed boolean NOT NULL DEFAULT false;
ALTER TABLE subscription_filters ADD COLUMN apply_on_transformed boolean NOT NULL DEFAULT false;

-- Account-level policies (PutAccountPolicy): one data protection policy per account and region, applied to every
-- log group with the group's own; up to 20 transformer policies, each for the groups whose names start with one of
-- its prefixes (none overlapping), used where a group has no transformer of its own.
CREATE TABLE log_account_policies (
    account_id          text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region              text NOT NULL,
    policy_type         text NOT NULL,
    policy_name         text NOT NULL,
    document            text NOT NULL,
    scope               text NOT NULL,
    selection_criteria  text,
    -- The LogGroupNamePrefix values of a transformer policy's selection criteria (empty: every group), and its
    -- processors as GetTransformer would return them.
    prefixes            text[] NOT NULL DEFAULT '{}',
    transformer_config  text,
    last_updated        bigint NOT NULL,
    PRIMARY KEY (account_id, region, policy_type, policy_name)
);
