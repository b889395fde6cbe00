-- Metric dimension values come from log events (a metric filter's {"user": "$.user"}): they are log text, and log
-- text is never stored in clear. Each account and region has a metrics key (random, sealed by the root key); a
-- series' dimensions are sealed under it (dimensions_sealed), its lookup key is an HMAC of their canonical text
-- (dimensions_key), and dimension_tags hold HMACs of each name and value (and the names) for ListMetrics' filters.
-- Series written before are converted when their account's metrics key is made.
CREATE TABLE metrics_keys (
    account_id   text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region       text NOT NULL,
    key_sealed   bytea NOT NULL,
    root_key_id  text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, region)
);

ALTER TABLE metric_series ADD COLUMN dimensions_sealed bytea;
ALTER TABLE metric_series ADD COLUMN dimension_tags text[] NOT NULL DEFAULT '{}';
ALTER TABLE metric_series ALTER COLUMN dimensions DROP NOT NULL;
CREATE INDEX metric_series_dimension_tags ON metric_series USING gin (dimension_tags);

DROP FUNCTION cairn_metric_series(text, text, text, text, jsonb, text, bigint);
CREATE FUNCTION cairn_metric_series(p_account text, p_region text, p_namespace text, p_name text,
                                    p_sealed bytea, p_tags text[], p_key text, p_now bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    found_id bigint;
BEGIN
    SELECT series_id INTO found_id FROM metric_series
    WHERE account_id = p_account AND region = p_region AND namespace = p_namespace
      AND metric_name = p_name AND dimensions_key = p_key;
    IF found_id IS NULL THEN
        INSERT INTO metric_series (account_id, region, namespace, metric_name, dimensions_sealed, dimension_tags,
                                   dimensions_key, created_at)
        VALUES (p_account, p_region, p_namespace, p_name, p_sealed, p_tags, p_key, p_now)
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
