-- A group's metric and subscription filter counts are counted from the filter tables when needed,
-- not kept beside them.
ALTER TABLE log_groups DROP COLUMN metric_filter_count;
ALTER TABLE log_groups DROP COLUMN subscription_filter_count;
