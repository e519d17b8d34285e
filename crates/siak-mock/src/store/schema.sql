-- Migration 2: the IKD service on top of the population register.
-- Times are RFC 3339 UTC text; ids are lower-case hex; device keys are base64url (32 bytes).

CREATE TABLE registrations (
    id           TEXT PRIMARY KEY CHECK (length(id) = 32),
    nik          TEXT NOT NULL CHECK (length(nik) = 16),
    email        TEXT NOT NULL,
    phone        TEXT NOT NULL,
    device_key   TEXT NOT NULL,
    liveness     TEXT,                       -- evidence (JSON), slot for the liveness issue
    state        TEXT NOT NULL CHECK (state IN
                   ('submitted', 'awaiting_operator_scan', 'approved', 'activated', 'rejected')),
    reason       TEXT,                       -- RejectionReason code when rejected
    note         TEXT,                       -- operator's note
    decided_by   TEXT,                       -- operator username
    created_at   TEXT NOT NULL,
    decided_at   TEXT
);
CREATE INDEX registrations_by_nik ON registrations (nik);
CREATE INDEX registrations_by_phone ON registrations (phone);
CREATE INDEX registrations_by_state ON registrations (state, created_at);

-- One code per approved registration; only a keyed hash is stored.
CREATE TABLE activation_codes (
    registration_id TEXT PRIMARY KEY REFERENCES registrations (id),
    code_hash       BLOB NOT NULL,
    expires_at      TEXT NOT NULL,
    wrong_tries     INTEGER NOT NULL DEFAULT 0,
    used_at         TEXT,
    burnt_at        TEXT
);

-- One account per NIK; bound to one device while active.
CREATE TABLE accounts (
    nik                 TEXT PRIMARY KEY CHECK (length(nik) = 16),
    registration_id     TEXT NOT NULL REFERENCES registrations (id),
    email               TEXT NOT NULL,
    phone               TEXT NOT NULL,
    device_key          TEXT,                -- NULL once released
    state               TEXT NOT NULL CHECK (state IN ('active', 'released')),
    pin_salt            BLOB,
    pin_hash            BLOB,
    pin_failures        INTEGER NOT NULL DEFAULT 0,
    pin_last_failure_at TEXT,
    pin_latest_seen     TEXT,
    activated_at        TEXT NOT NULL,
    released_at         TEXT
) WITHOUT ROWID;

CREATE TABLE login_challenges (
    id         TEXT PRIMARY KEY,
    nik        TEXT NOT NULL,
    nonce      BLOB NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    nik        TEXT NOT NULL REFERENCES accounts (nik),
    device_key TEXT NOT NULL,
    expires_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE credentials (
    id          TEXT PRIMARY KEY,            -- base64url credential id
    nik         TEXT NOT NULL REFERENCES accounts (nik),
    profile     TEXT NOT NULL CHECK (profile IN ('age17', 'basic', 'full')),
    kid         TEXT NOT NULL,
    device_key  TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX credentials_by_nik ON credentials (nik);

-- What happened to a resident's Digital KTP, for Histori Aktivitas.
CREATE TABLE activity_log (
    id       INTEGER PRIMARY KEY,
    nik      TEXT NOT NULL,
    at       TEXT NOT NULL,
    kind     TEXT NOT NULL,                  -- registered, approved, rejected, activated, login, pin_changed, verified, device_released, ...
    profile  TEXT,
    verifier TEXT,
    detail   TEXT
);
CREATE INDEX activity_by_nik ON activity_log (nik, at);

-- Every mail the server sent or would have sent (the local outbox when no SMTP is configured).
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    kind       TEXT NOT NULL,                -- activation_code, rejection, device_released, ...
    nik        TEXT,
    created_at TEXT NOT NULL,
    delivery   TEXT NOT NULL                 -- 'outbox' or 'smtp'
);

CREATE TABLE operators (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    office        TEXT NOT NULL,
    password_salt BLOB NOT NULL,
    password_hash BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE operator_sessions (
    token_hash BLOB PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES operators (username),
    expires_at TEXT NOT NULL
) WITHOUT ROWID;
