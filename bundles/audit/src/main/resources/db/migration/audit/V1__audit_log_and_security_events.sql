-- The audit trail: one row per audited action, hash-chained in seq order (see docs/persistence-audit.md).
CREATE TABLE audit_log (
    seq            BIGINT      PRIMARY KEY,
    event_id       UUID        NOT NULL UNIQUE,
    time           TIMESTAMPTZ NOT NULL,
    actor          TEXT        NOT NULL,
    action         TEXT        NOT NULL,
    target         TEXT        NOT NULL,
    outcome        TEXT        NOT NULL,
    client_address TEXT        NOT NULL,
    request_id     TEXT        NOT NULL,
    hash           CHAR(64)    NOT NULL,
    stored_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- the admin API's queries: newest first, by actor, by action (the audit event's type)
CREATE INDEX audit_log_time ON audit_log (time DESC);
CREATE INDEX audit_log_actor_time ON audit_log (actor, time DESC);
CREATE INDEX audit_log_action_time ON audit_log (action, time DESC);

-- The end of the chain: the last seq and hash written. Writers lock this row, so containers sharing the database
-- extend one chain in turn; a deleted last row is detected against it.
CREATE TABLE audit_chain_head (
    id   SMALLINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT   NOT NULL,
    hash CHAR(64) NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- Security events: failed logins, rate-limit hits, CSRF failures, access denials, invalid tokens.
CREATE TABLE security_events (
    event_id       UUID        PRIMARY KEY,
    time           TIMESTAMPTZ NOT NULL,
    type           TEXT        NOT NULL,
    subject        TEXT        NOT NULL,
    client_address TEXT        NOT NULL,
    request_id     TEXT        NOT NULL,
    detail         TEXT        NOT NULL,
    stored_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX security_events_time ON security_events (time DESC);
CREATE INDEX security_events_type_time ON security_events (type, time DESC);
CREATE INDEX security_events_subject_time ON security_events (subject, time DESC);
CREATE INDEX security_events_client_time ON security_events (client_address, time DESC);
