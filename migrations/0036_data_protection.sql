-- Data protection policies (one per log group) and the originals of the events they masked: at ingestion the
-- matching text is replaced by asterisks in what is stored and what every reader, filter and subscription sees;
-- the original messages are kept here, sealed under the group's data key, for admins who read with unmask.
-- Originals go with their group and stream, and with retention (max_event_time).
ALTER TABLE log_groups ADD COLUMN data_protection_policy text;
ALTER TABLE log_groups ADD COLUMN data_protection_updated bigint;
ALTER TABLE log_groups ADD COLUMN data_protection_status text;

-- One row per batch that had masked events: their originals (sequence offset and message), compressed and sealed
-- together, found by the batch's range of sequence numbers (which compaction keeps).
CREATE TABLE masked_originals (
    account_id      text NOT NULL,
    group_id        bigint NOT NULL,
    stream_id       bigint NOT NULL,
    first_sequence  bigint NOT NULL,
    last_sequence   bigint NOT NULL,
    max_event_time  bigint NOT NULL,
    dek_version     integer NOT NULL,
    sealed          bytea NOT NULL,
    PRIMARY KEY (account_id, group_id, stream_id, first_sequence),
    FOREIGN KEY (account_id, group_id) REFERENCES log_groups (account_id, group_id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, stream_id) REFERENCES log_streams (account_id, stream_id) ON DELETE CASCADE
);
CREATE INDEX masked_originals_time ON masked_originals (account_id, group_id, max_event_time);
