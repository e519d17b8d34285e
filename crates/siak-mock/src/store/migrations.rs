//! Versioned schema migrations, tracked in SQLite's `user_version`.
//!
//! Each migration runs once, in its own transaction, in order; a database whose version is newer
//! than this binary knows is refused rather than guessed at. Never edit a released migration:
//! append a new one.
//!
//! Migration 1 is the population register (inline below); migrations 2 and 3 are the IKD
//! service's tables, in `schema.sql` and `schema_liveness.sql` beside this file (registrations,
//! activation codes, accounts, login challenges, sessions, credentials, activity log, outbox,
//! operators and their sessions; liveness challenges and frames, recoveries); migration 5
//! (`schema_operators.sql`) gives operators an office code and the time an administrator set
//! their password; migration 6 (`schema_operator_security.sql`) adds the operators' email, the
//! wrong-password counts per user name, sliding operator sessions and the audit trail. Migration 7 lets a
//! registration be `expired` (no operator within the pending expiry); migration 8 counts wrong
//! registration-QR scans. Migration 9
//! (`schema_keys.sql`) records which key made each PIN verifier and code hash, the perceptual
//! hash of each liveness frame and the presentations verified online. Migration 10
//! (`schema_device_change.sql`) gives recoveries their waiting state and adds the decoys of
//! unknown pairs. The functions that read and write them are this module's siblings in `store`.

use rusqlite::Connection;

use super::StoreError;

/// One schema step.
struct Migration {
    name: &'static str,
    sql: &'static str,
}

/// Every migration, oldest first; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "population register: meta, family cards, residents",
        sql: r"
CREATE TABLE population_meta (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    seed              INTEGER NOT NULL,
    resident_count    INTEGER NOT NULL,
    family_count      INTEGER NOT NULL,
    reference_date    TEXT    NOT NULL,
    generator_version INTEGER NOT NULL,
    generated_at      TEXT    NOT NULL
);

CREATE TABLE family_cards (
    kk            TEXT    PRIMARY KEY CHECK (length(kk) = 16),
    issued_on     TEXT    NOT NULL,
    street        TEXT    NOT NULL,
    rt            TEXT    NOT NULL CHECK (length(rt) = 3),
    rw            TEXT    NOT NULL CHECK (length(rw) = 3),
    village_code  TEXT    NOT NULL CHECK (length(village_code) = 10),
    village       TEXT    NOT NULL,
    district_code INTEGER NOT NULL,
    district      TEXT    NOT NULL,
    regency       TEXT    NOT NULL,
    province      TEXT    NOT NULL
) WITHOUT ROWID;

CREATE TABLE residents (
    nik             TEXT    NOT NULL UNIQUE CHECK (length(nik) = 16),
    kk              TEXT    NOT NULL REFERENCES family_cards (kk),
    member_order    INTEGER NOT NULL,
    relationship    TEXT    NOT NULL,
    full_name       TEXT    NOT NULL,
    sex             TEXT    NOT NULL CHECK (sex IN ('male', 'female')),
    place_of_birth  TEXT    NOT NULL,
    birth_date      TEXT    NOT NULL,
    blood_type      TEXT    NOT NULL,
    religion        TEXT    NOT NULL,
    marital_status  TEXT    NOT NULL
        CHECK (marital_status IN ('belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati')),
    occupation      TEXT    NOT NULL,
    citizenship     TEXT    NOT NULL,
    ktp_el_recorded INTEGER NOT NULL CHECK (ktp_el_recorded IN (0, 1)),
    identity_status TEXT    NOT NULL CHECK (identity_status IN ('single', 'duplicate')),
    life_status     TEXT    NOT NULL CHECK (life_status IN ('alive', 'deceased', 'inactive')),
    email           TEXT,
    phone           TEXT,
    UNIQUE (kk, member_order)
);

CREATE INDEX residents_by_phone ON residents (phone) WHERE phone IS NOT NULL;
CREATE INDEX residents_by_email ON residents (email) WHERE email IS NOT NULL;
",
    },
    Migration {
        name: "IKD service: registrations, accounts, codes, sessions, credentials, activity, outbox, operators",
        sql: include_str!("schema.sql"),
    },
    Migration {
        name: "liveness: challenges, evidence frames; device change and PIN reset",
        sql: include_str!("schema_liveness.sql"),
    },
    Migration {
        name: "liveness: challenges by NIK and time (the per-NIK limit)",
        sql: "CREATE INDEX liveness_challenges_by_nik ON liveness_challenges (nik, issued_at);",
    },
    Migration {
        name: "operators: office code (regency PPRR or pusat) and when the password was set",
        sql: include_str!("schema_operators.sql"),
    },
    Migration {
        name: "operators: email, login throttling, sliding sessions, audit trail, queue by region",
        sql: include_str!("schema_operator_security.sql"),
    },
    Migration {
        // SQLite cannot alter a CHECK; widening one in place (SQLite's documented procedure for
        // loosening constraints, "Making Other Kinds Of Table Schema Changes") keeps every column
        // other migrations may have added, whatever their order. RESET reloads the schema.
        name: "registrations: state `expired` (a registration no operator scanned in time)",
        sql: r"PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''activated'', ''rejected'')', '''activated'', ''rejected'', ''expired'')')
 WHERE type = 'table' AND name = 'registrations';
PRAGMA writable_schema = RESET;",
    },
    Migration {
        name: "registration QR: wrong scans per registration and the approval lock",
        sql: "CREATE TABLE IF NOT EXISTS registration_scans (
                  registration_id TEXT PRIMARY KEY NOT NULL,
                  wrong INTEGER NOT NULL DEFAULT 0,
                  locked_until TEXT
              );",
    },
    Migration {
        name: "keys and replays: key versions of verifiers and codes, perceptual frame hashes, verified presentations",
        sql: include_str!("schema_keys.sql"),
    },
    Migration {
        name: "device change: the wait, cancel and early approval; decoys for unknown pairs",
        sql: include_str!("schema_device_change.sql"),
    },
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The schema version of the database behind `conn` (0 for a new file).
pub fn schema_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Applies every migration the database has not seen yet; returns how many ran.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let found = schema_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found,
            known: SCHEMA_VERSION,
        });
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)
            .map_err(|source| StoreError::Migration {
                version,
                name: migration.name,
                source,
            })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(SCHEMA_VERSION - found)
}
