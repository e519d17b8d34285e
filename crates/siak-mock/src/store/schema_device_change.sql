-- A confirmed device change waits before it binds the account; the old phone, the mailed link
-- and the resident's office can cancel it, an office can approve it early.
ALTER TABLE recoveries ADD COLUMN state TEXT NOT NULL DEFAULT 'awaiting_code'
    CHECK (state IN ('awaiting_code', 'waiting', 'completed', 'cancelled'));
ALTER TABLE recoveries ADD COLUMN confirmed_at TEXT;
ALTER TABLE recoveries ADD COLUMN completes_at TEXT;
ALTER TABLE recoveries ADD COLUMN approved_by TEXT;       -- the operator who approved it early
ALTER TABLE recoveries ADD COLUMN ended_at TEXT;          -- completed or cancelled
ALTER TABLE recoveries ADD COLUMN cancelled_by TEXT;      -- 'old_device', 'mail_link' or 'operator:<username>'
ALTER TABLE recoveries ADD COLUMN cancel_token_hash BLOB; -- SHA-256 of the mailed cancel token, until it ends
-- Changes confirmed before the wait existed bound the account at once.
UPDATE recoveries SET state = 'completed', ended_at = used_at WHERE used_at IS NOT NULL;
CREATE UNIQUE INDEX recoveries_by_cancel_token ON recoveries (cancel_token_hash)
    WHERE cancel_token_hash IS NOT NULL;
CREATE INDEX recoveries_waiting ON recoveries (completes_at) WHERE state = 'waiting';

-- The answer to a device-change start whose NIK and email are not an account's (or whose account
-- already has a change waiting): an id that takes codes like a real one and never accepts one, so
-- the start and the confirm answer alike either way. No code is mailed for it.
CREATE TABLE recovery_decoys (
    id          TEXT PRIMARY KEY CHECK (length(id) = 32),
    nik         TEXT NOT NULL CHECK (length(nik) = 16),
    device_key  TEXT NOT NULL,
    code_hash   BLOB NOT NULL,                -- random bytes: no code matches
    expires_at  TEXT NOT NULL,
    wrong_tries INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    used_at     TEXT,
    burnt_at    TEXT,
    key_version INTEGER NOT NULL DEFAULT 2     -- as the real codes' (a decoy's hash is random)
);
CREATE INDEX recovery_decoys_by_time ON recovery_decoys (created_at);
