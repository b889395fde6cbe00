-- The job queue: jobs are inserted in the transaction of the data they concern (transactional outbox);
-- workers claim them with FOR UPDATE SKIP LOCKED, are woken by NOTIFY on cairn_jobs, and hold a job
-- until visible_at (the visibility timeout). A failed job waits visible_at out again (exponential backoff
-- with jitter); after its last attempt it moves to dead_jobs with its last error.

CREATE TABLE jobs (
    job_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue         text NOT NULL,
    payload       jsonb NOT NULL,
    attempts      integer NOT NULL DEFAULT 0,
    max_attempts  integer NOT NULL,
    created_at    bigint NOT NULL,            -- epoch milliseconds
    available_at  bigint NOT NULL,            -- when it first became (or becomes again) claimable
    visible_at    bigint NOT NULL,            -- claimable from this time on
    claimed_by    text,
    last_error    text
);
CREATE INDEX jobs_claimable ON jobs (queue, visible_at, job_id);
-- Jobs on their last attempt: the only ones a timed-out claim can send to the dead letters.
CREATE INDEX jobs_last_attempt ON jobs (queue, visible_at) WHERE attempts >= max_attempts;

CREATE TABLE dead_jobs (
    job_id        bigint PRIMARY KEY,
    queue         text NOT NULL,
    payload       jsonb NOT NULL,
    attempts      integer NOT NULL,
    max_attempts  integer NOT NULL,
    created_at    bigint NOT NULL,
    failed_at     bigint NOT NULL,
    last_error    text
);
CREATE INDEX dead_jobs_by_queue ON dead_jobs (queue, failed_at);
