-- Composite alarms live beside metric alarms (one namespace of alarm names per account and region, as in AWS):
-- `children` are the alarm names the rule reads (a child's transition makes its parents due at once), and the
-- actions-suppression state a composite shows in DescribeAlarms.
ALTER TABLE metric_alarms
    ADD COLUMN alarm_type text NOT NULL DEFAULT 'MetricAlarm' CHECK (alarm_type IN ('MetricAlarm', 'CompositeAlarm')),
    ADD COLUMN children text[] NOT NULL DEFAULT '{}',
    ADD COLUMN actions_suppressed_by text CHECK (actions_suppressed_by IN ('WaitPeriod', 'ExtensionPeriod', 'Alarm')),
    ADD COLUMN actions_suppressed_reason text;
-- Which composites read which alarm, by the alarm (the child): a transition finds its parents by this key. The
-- parents' rows themselves are not touched when a metric alarm is evaluated.
CREATE TABLE alarm_children (
    account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region      text NOT NULL,
    child       text NOT NULL,
    parent      text NOT NULL,
    PRIMARY KEY (account_id, region, child, parent)
);

-- Composites to evaluate because a child changed state. A transition adds rows here (never waiting: no key, no
-- lock on the composites' rows, which another evaluator may hold); each evaluator round first makes them due.
CREATE TABLE alarm_wakeups (
    account_id  text NOT NULL,
    region      text NOT NULL,
    alarm_name  text NOT NULL
);
