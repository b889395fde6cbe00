-- CloudWatch metric alarms: the configuration as PutMetricAlarm gave it (JSON), the state and its reason, and
-- when the alarm is next evaluated (the evaluator claims due rows with FOR UPDATE SKIP LOCKED, so one process
-- evaluates an alarm at a time and writes its transition and history in one transaction).
CREATE TABLE metric_alarms (
    account_id                text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region                    text NOT NULL,
    alarm_name                text NOT NULL,
    config                    jsonb NOT NULL,
    actions_enabled           boolean NOT NULL,
    state_value               text NOT NULL CHECK (state_value IN ('OK', 'ALARM', 'INSUFFICIENT_DATA')),
    state_reason              text NOT NULL,
    state_reason_data         text,
    state_updated_at          bigint NOT NULL,
    state_transitioned_at     bigint NOT NULL,
    configuration_updated_at  bigint NOT NULL,
    evaluate_at               bigint NOT NULL,
    tags                      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (account_id, region, alarm_name)
);
CREATE INDEX metric_alarms_due ON metric_alarms (evaluate_at);

-- Every alarm's history (kept 30 days, also after the alarm is deleted, as AWS keeps it; AlarmEvaluator prunes older items).
CREATE TABLE alarm_history (
    history_id   bigserial PRIMARY KEY,
    account_id   text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region       text NOT NULL,
    alarm_name   text NOT NULL,
    alarm_type   text NOT NULL,
    item_type    text NOT NULL CHECK (item_type IN ('ConfigurationUpdate', 'StateUpdate', 'Action')),
    summary      text NOT NULL,
    data         text NOT NULL,
    recorded_at  bigint NOT NULL
);
CREATE INDEX alarm_history_by_account ON alarm_history (account_id, region, recorded_at, history_id);
CREATE INDEX alarm_history_by_time ON alarm_history (recorded_at);
