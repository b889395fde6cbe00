-- Metric filters turn matching log events into metric points in the PutLogEvents transaction;
-- PutMetricData writes the same points. Points are per series (account, region, namespace, name,
-- dimensions) and period (60 s, or 1 s for high-resolution data), pre-aggregated: sample count, sum,
-- minimum, maximum, and the first samples for percentiles.

CREATE TABLE metric_filters (
    account_id        text NOT NULL,
    group_id          bigint NOT NULL,
    filter_name       text NOT NULL,
    filter_pattern    text NOT NULL,
    metric_name       text NOT NULL,
    metric_namespace  text NOT NULL,
    metric_value      text NOT NULL,
    default_value     double precision,
    dimensions        jsonb NOT NULL DEFAULT '{}'::jsonb,
    unit              text,
    creation_time     bigint NOT NULL,
    PRIMARY KEY (account_id, group_id, filter_name),
    FOREIGN KEY (account_id, group_id) REFERENCES log_groups (account_id, group_id) ON DELETE CASCADE
);
CREATE INDEX metric_filters_by_metric ON metric_filters (account_id, metric_namespace, metric_name);

CREATE TABLE metric_series (
    series_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region          text NOT NULL,
    namespace       text NOT NULL,
    metric_name     text NOT NULL,
    -- [{"Name": …, "Value": …}] sorted by name; dimensions_key is its canonical text.
    dimensions      jsonb NOT NULL,
    dimensions_key  text NOT NULL,
    created_at      bigint NOT NULL,
    UNIQUE (account_id, region, namespace, metric_name, dimensions_key)
);

-- Writers only append (one row per series, period and unit per batch), so concurrent PutLogEvents never
-- wait for each other here; MetricRollup later merges the rows of a period into one.
CREATE TABLE metric_points (
    series_id     bigint NOT NULL REFERENCES metric_series (series_id) ON DELETE CASCADE,
    period_start  bigint NOT NULL,            -- epoch seconds
    resolution    integer NOT NULL,           -- seconds: 60 or 1
    unit          text NOT NULL,
    sample_count  double precision NOT NULL,
    sum           double precision NOT NULL,
    minimum       double precision NOT NULL,
    maximum       double precision NOT NULL,
    samples       double precision[] NOT NULL
);
CREATE INDEX metric_points_by_period ON metric_points (series_id, period_start);

-- The id of a series, created on first use. Safe under concurrency: a racing insert waits for the
-- other transaction and then finds its row.
CREATE FUNCTION cairn_metric_series(p_account text, p_region text, p_namespace text, p_name text,
                                    p_dimensions jsonb, p_key text, p_now bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    found_id bigint;
BEGIN
    SELECT series_id INTO found_id FROM metric_series
    WHERE account_id = p_account AND region = p_region AND namespace = p_namespace
      AND metric_name = p_name AND dimensions_key = p_key;
    IF found_id IS NULL THEN
        INSERT INTO metric_series (account_id, region, namespace, metric_name, dimensions, dimensions_key, created_at)
        VALUES (p_account, p_region, p_namespace, p_name, p_dimensions, p_key, p_now)
        ON CONFLICT DO NOTHING
        RETURNING series_id INTO found_id;
        IF found_id IS NULL THEN
            SELECT series_id INTO found_id FROM metric_series
            WHERE account_id = p_account AND region = p_region AND namespace = p_namespace
              AND metric_name = p_name AND dimensions_key = p_key;
        END IF;
    END IF;
    RETURN found_id;
END
$$;
