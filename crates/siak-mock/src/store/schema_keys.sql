-- Per-purpose keys: which key made each stored PIN verifier and code hash. 1 = the root secret
-- (every row written before this migration), 2 = the purpose's own key (`Secrets::key`), the
-- default, so every row written from now on has it. A verifier is re-keyed to 2 at the next
-- successful PIN check; codes of version 1 simply expire (24 hours, 30 minutes).
ALTER TABLE accounts ADD COLUMN pin_key_version INTEGER NOT NULL DEFAULT 2;
UPDATE accounts SET pin_key_version = 1;
ALTER TABLE activation_codes ADD COLUMN key_version INTEGER NOT NULL DEFAULT 2;
UPDATE activation_codes SET key_version = 1;
ALTER TABLE recoveries ADD COLUMN key_version INTEGER NOT NULL DEFAULT 2;
UPDATE recoveries SET key_version = 1;

-- Perceptual replay check: the perceptual hash of each stored frame (64 bytes: 256 bits and
-- which of them are sure), looked up by the face box (size, then position): a picture sent again
-- shows its face where the stored one did, so only the frames with a face box near the new one's
-- are compared. NULL for frames stored before this migration (their SHA-256 still counts).
ALTER TABLE liveness_frames ADD COLUMN phash BLOB;
CREATE INDEX liveness_frames_by_face ON liveness_frames (w, x, y) WHERE phash IS NOT NULL;

-- Online verifications written into a resident's history: one per presentation (its credential
-- and the second it was made). Rows older than a day are deleted as new ones come.
CREATE TABLE verified_presentations (
    credential_id TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    verified_at   TEXT NOT NULL,
    PRIMARY KEY (credential_id, created_at)
) WITHOUT ROWID;
CREATE INDEX verified_presentations_by_time ON verified_presentations (verified_at);
