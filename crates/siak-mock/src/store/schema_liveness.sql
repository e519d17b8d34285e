-- Liveness challenges (single use) and the frames of the evidence that passed.
CREATE TABLE liveness_challenges (
    id          TEXT PRIMARY KEY CHECK (length(id) = 32),
    nik         TEXT NOT NULL CHECK (length(nik) = 16),
    device_key  TEXT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('register', 'recover')),
    actions     TEXT NOT NULL,               -- comma-separated action codes, in order
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,                        -- spent by the first evidence sent, pass or fail
    result      TEXT,                        -- 'passed' or the failure code
    duration_ms INTEGER
);

CREATE TABLE liveness_frames (
    challenge_id TEXT NOT NULL REFERENCES liveness_challenges (id),
    idx          INTEGER NOT NULL,
    t_ms         INTEGER NOT NULL,
    jpeg         BLOB NOT NULL,
    sha256       BLOB NOT NULL UNIQUE,       -- a frame seen before is a replay
    x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL,
    PRIMARY KEY (challenge_id, idx)
) WITHOUT ROWID;

-- Device change / PIN reset: liveness passed, code mailed, waiting for the code.
CREATE TABLE recoveries (
    id           TEXT PRIMARY KEY CHECK (length(id) = 32),
    nik          TEXT NOT NULL REFERENCES accounts (nik),
    device_key   TEXT NOT NULL,
    challenge_id TEXT NOT NULL REFERENCES liveness_challenges (id),
    code_hash    BLOB NOT NULL,
    expires_at   TEXT NOT NULL,
    wrong_tries  INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    used_at      TEXT,
    burnt_at     TEXT
);
CREATE INDEX recoveries_by_nik ON recoveries (nik, created_at);
