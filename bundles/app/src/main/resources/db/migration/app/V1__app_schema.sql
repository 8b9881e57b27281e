-- Gatehouse application tables, owned by the app bundle (migration owner "app").

CREATE TABLE roles (
    name        varchar(32) PRIMARY KEY
);
INSERT INTO roles (name) VALUES ('admin'), ('editor'), ('viewer');

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      varchar(64)  NOT NULL UNIQUE,
    password_hash varchar(255) NOT NULL,
    failed_logins integer      NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE user_roles (
    user_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    varchar(32) NOT NULL REFERENCES roles (name),
    PRIMARY KEY (user_id, role)
);

-- One row per login. Every token carries its session id (sid); a token is honoured only while its row is
-- neither revoked nor expired, so a logout or an admin revocation takes effect at once in every app container.
CREATE TABLE user_sessions (
    id             uuid        PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_hash      varchar(64) NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    client_address varchar(64) NOT NULL DEFAULT ''
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE INDEX user_sessions_live ON user_sessions (expires_at) WHERE revoked_at IS NULL;

CREATE TABLE records (
    id         bigserial     PRIMARY KEY,
    title      varchar(200)  NOT NULL,
    body       varchar(10000) NOT NULL DEFAULT '',
    owner_id   bigint        NOT NULL REFERENCES users (id),
    created_at timestamptz   NOT NULL DEFAULT now(),
    updated_at timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX records_owner ON records (owner_id);
