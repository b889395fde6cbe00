-- Composite alarms live beside metric alarms (one namespace of alarm names per account and region, as in AWS):
-- `children` are the alarm names the rule reads (a child's transition makes its parents due at once), and the
-- actions-suppression state a composite shows in DescribeAlarms.
ALTER TABLE metric_alarms
    ADD COLUMN alarm_type text NOT NULL DEFAULT 'MetricAlarm' CHECK (alarm_type IN ('MetricAlarm', 'CompositeAlarm')),
    ADD COLUMN children text[] NOT NULL DEFAULT '{}',
    ADD COLUMN actions_suppressed_by text CHECK (actions_suppressed_by IN ('WaitPeriod', 'ExtensionPeriod', 'Alarm')),
    ADD COLUMN actions_suppressed_reason text;
CREATE INDEX metric_alarms_children ON metric_alarms USING gin (children);
