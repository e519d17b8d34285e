-- Operator security: argon2id hashes, login throttling, idle sessions, the audit trail.
--
-- operators.email: where the office is told that an operator's login was throttled (optional;
-- without it the throttle is only logged). password_hash now holds an argon2id PHC string
-- (`$argon2id$…`, password_salt empty); a PBKDF2 hash of before is re-hashed at its next login.
ALTER TABLE operators ADD COLUMN email TEXT;

-- Wrong passwords per user name (any name asked for, known or not, so the throttle tells nothing
-- about which names exist) in the current 15-minute window; a row whose window ended is reset.
CREATE TABLE operator_login_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TEXT NOT NULL
) WITHOUT ROWID;

-- Sessions slide: expires_at moves 15 minutes past each use, never beyond ends_at (12 hours
-- after login). Sessions of before had neither and end here: operators log in again.
DELETE FROM operator_sessions;
ALTER TABLE operator_sessions ADD COLUMN ends_at TEXT;

-- Who did what, from where: logins (and failed ones, throttles), decisions, unlocks, selfie
-- frames viewed. Never a password or a token. `subject` is the registration id or NIK acted on.
CREATE TABLE operator_audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    username    TEXT NOT NULL,
    office_code TEXT,
    action      TEXT NOT NULL CHECK (action IN
                    ('login', 'login_failed', 'throttled', 'approve', 'reject', 'unlock', 'frame_viewed')),
    subject     TEXT,
    nik         TEXT,
    client_addr TEXT NOT NULL
);

-- The queue by state, office region and age (paging by created_at, id).
CREATE INDEX registrations_by_state_region ON registrations (state, substr(nik, 1, 4), created_at, id);
