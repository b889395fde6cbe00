-- Live Tail: which groups open sessions watch, in any `cairn serve` process. PutLogEvents looks a group up here
-- in its transaction and, when a session watches it, notifies channel `cairn_live_tail` with the batch's stream
-- and sequence numbers (never log text). A process renews its sessions' rows while they run; rows of a process
-- that died expire.
CREATE TABLE live_tail_watches (
    session_id  uuid NOT NULL,
    -- The account that opened the session (its 15-session limit); the group may be a linked account's.
    account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    group_id    bigint NOT NULL,
    expires_at  bigint NOT NULL,
    PRIMARY KEY (group_id, session_id)
);
CREATE INDEX live_tail_watches_account ON live_tail_watches (account_id);
CREATE INDEX live_tail_watches_session ON live_tail_watches (session_id);
