-- Jobs that share an ordering key run one at a time, in the order they were enqueued: a job is claimable
-- only when no earlier job with its key is left. Subscription deliveries use their stream as the key.
ALTER TABLE jobs ADD COLUMN ordering_key text;
ALTER TABLE dead_jobs ADD COLUMN ordering_key text;
CREATE INDEX jobs_ordering ON jobs (queue, ordering_key, job_id) WHERE ordering_key IS NOT NULL;
