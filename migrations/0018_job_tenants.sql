-- The account a job works for: claims take due jobs round-robin across tenants, so one account's backlog
-- (a slow destination) cannot delay everyone's deliveries.
ALTER TABLE jobs ADD COLUMN tenant text;
ALTER TABLE dead_jobs ADD COLUMN tenant text;
