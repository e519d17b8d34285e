//! Writing the generated population and the queries over residents and family cards.
//!
//! The bulk insert runs in one transaction with prepared statements while another thread
//! generates, so the generator and SQLite each get a core. The sample queries restate
//! [`Resident::expected_outcome`] in SQL; the tests check both agree.

use std::sync::mpsc;
use std::thread;

use chrono::{NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, named_params, params};
use serde::Serialize;

use super::{Store, StoreError};
use crate::population::{
    Address, BloodType, Citizenship, FamilyCard, IdentityStatus, LifeStatus, PopulationSpec,
    Relationship, Religion, Resident, SampleReason, born_on_or_before_for_17, marital_from_text,
    marital_text, sex_from_text, sex_text,
};

/// Version of the generator's output; bump when the same spec would give different records.
pub const GENERATOR_VERSION: u32 = 1;

/// What the register's population was generated from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PopulationInfo {
    /// The spec (seed, count, reference date).
    pub spec: PopulationSpec,
    /// Number of family cards.
    pub families: u32,
    /// Generator version that wrote it.
    pub generator_version: u32,
    /// When it was written (UTC, RFC 3339; informational only).
    pub generated_at: String,
}

/// A resident with the address of their family card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResidentRecord {
    /// The resident.
    pub resident: Resident,
    /// Their family card's address.
    pub address: Address,
}

/// A resident found for a test case by [`Store::sample`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// NIK.
    pub nik: String,
    /// Full name.
    pub name: String,
    /// Email, if any.
    pub email: Option<String>,
    /// Phone (E.164), if any.
    pub phone: Option<String>,
    /// The expected outcome of a registration.
    pub reason: SampleReason,
    /// Regency (kabupaten/kota) of the family card.
    pub regency: String,
}

/// SQL condition for each outcome; `:adult_born_by` is the latest birth date of a 17-year-old.
fn reason_condition(reason: SampleReason) -> &'static str {
    match reason {
        // The date does not matter here, but every condition takes the same parameters.
        SampleReason::DeceasedOrInactive => "r.life_status <> 'alive' AND :adult_born_by <> ''",
        SampleReason::Under17Unmarried => {
            "r.life_status = 'alive' AND r.birth_date > :adult_born_by \
             AND r.marital_status = 'belum_kawin'"
        }
        SampleReason::KtpElNotRecorded => {
            "r.life_status = 'alive' AND r.ktp_el_recorded = 0 \
             AND (r.birth_date <= :adult_born_by OR r.marital_status <> 'belum_kawin')"
        }
        SampleReason::DuplicateIdentity => {
            "r.life_status = 'alive' AND r.ktp_el_recorded = 1 AND r.identity_status = 'duplicate' \
             AND (r.birth_date <= :adult_born_by OR r.marital_status <> 'belum_kawin')"
        }
        SampleReason::Eligible => {
            "r.life_status = 'alive' AND r.ktp_el_recorded = 1 AND r.identity_status = 'single' \
             AND r.birth_date <= :adult_born_by"
        }
        SampleReason::MarriedMinor => {
            "r.life_status = 'alive' AND r.ktp_el_recorded = 1 AND r.identity_status = 'single' \
             AND r.birth_date > :adult_born_by AND r.marital_status <> 'belum_kawin'"
        }
    }
}

fn text<T>(
    row: &Row<'_>,
    column: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let value: String = row.get(column)?;
    parse(&value).ok_or(StoreError::InvalidStoredValue {
        field: column,
        value,
    })
}

fn resident_from_row(row: &Row<'_>) -> Result<Resident, StoreError> {
    Ok(Resident {
        nik: row.get("nik")?,
        kk: row.get("kk")?,
        relationship: text(row, "relationship", Relationship::from_text)?,
        full_name: row.get("full_name")?,
        sex: text(row, "sex", sex_from_text)?,
        place_of_birth: row.get("place_of_birth")?,
        birth_date: text(row, "birth_date", |s| s.parse::<NaiveDate>().ok())?,
        blood_type: text(row, "blood_type", BloodType::from_text)?,
        religion: text(row, "religion", Religion::from_text)?,
        marital_status: text(row, "marital_status", marital_from_text)?,
        occupation: row.get("occupation")?,
        citizenship: text(row, "citizenship", Citizenship::from_text)?,
        ktp_el_recorded: row.get("ktp_el_recorded")?,
        identity: text(row, "identity_status", IdentityStatus::from_text)?,
        life_status: text(row, "life_status", LifeStatus::from_text)?,
        email: row.get("email")?,
        phone: row.get("phone")?,
    })
}

fn address_from_row(row: &Row<'_>) -> Result<Address, StoreError> {
    Ok(Address {
        street: row.get("street")?,
        rt: row.get("rt")?,
        rw: row.get("rw")?,
        village_code: row.get("village_code")?,
        village: row.get("village")?,
        district_code: row.get("district_code")?,
        district: row.get("district")?,
        regency: row.get("regency")?,
        province: row.get("province")?,
    })
}

const INSERT_FAMILY: &str = "INSERT INTO family_cards (kk, issued_on, street, rt, rw, \
    village_code, village, district_code, district, regency, province) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
const INSERT_RESIDENT: &str = "INSERT INTO residents (nik, kk, member_order, relationship, \
    full_name, sex, place_of_birth, birth_date, blood_type, religion, marital_status, occupation, \
    citizenship, ktp_el_recorded, identity_status, life_status, email, phone) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

impl Store {
    /// What the register's population was generated from, or `None` if it has none yet.
    pub fn population(&self) -> Result<Option<PopulationInfo>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT seed, resident_count, family_count, reference_date, generator_version, \
                 generated_at FROM population_meta WHERE id = 1",
                [],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, u32>(1)?,
                        row.get::<_, u32>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, u32>(4)?,
                        row.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?;
        let Some((seed, count, families, reference, generator_version, generated_at)) = row else {
            return Ok(None);
        };
        let reference_date =
            reference
                .parse::<NaiveDate>()
                .map_err(|_| StoreError::InvalidStoredValue {
                    field: "reference_date",
                    value: reference.clone(),
                })?;
        Ok(Some(PopulationInfo {
            // Stored as SQLite's signed 64-bit integer; the bits are the seed.
            spec: PopulationSpec {
                seed: seed as u64,
                count,
                reference_date,
            },
            families,
            generator_version,
            generated_at,
        }))
    }

    /// Generates `spec`'s population into an empty register, in one transaction.
    pub fn populate(&mut self, spec: PopulationSpec) -> Result<PopulationInfo, StoreError> {
        if let Some(info) = self.population()? {
            return Err(StoreError::AlreadyPopulated {
                seed: info.spec.seed,
                count: info.spec.count,
            });
        }
        // A large page cache keeps the random-order index inserts from spilling to the WAL.
        let cache_size: i64 = self
            .conn
            .query_row("PRAGMA cache_size", [], |row| row.get(0))?;
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        let result = self.populate_in_transaction(spec);
        self.conn.pragma_update(None, "cache_size", cache_size)?;
        result
    }

    fn populate_in_transaction(
        &mut self,
        spec: PopulationSpec,
    ) -> Result<PopulationInfo, StoreError> {
        let tx = self.conn.transaction()?;
        let mut families = 0u32;
        thread::scope(|scope| -> Result<(), StoreError> {
            let (sender, receiver) = mpsc::sync_channel::<FamilyCard>(4096);
            scope.spawn(move || {
                for family in spec.families() {
                    if sender.send(family).is_err() {
                        break; // The writer stopped on an error.
                    }
                }
            });
            let mut insert_family = tx.prepare(INSERT_FAMILY)?;
            let mut insert_resident = tx.prepare(INSERT_RESIDENT)?;
            for family in receiver {
                families += 1;
                let a = &family.address;
                insert_family.execute(params![
                    family.kk,
                    family.issued_on.to_string(),
                    a.street,
                    a.rt,
                    a.rw,
                    a.village_code,
                    a.village,
                    a.district_code,
                    a.district,
                    a.regency,
                    a.province,
                ])?;
                for (order, r) in family.members.iter().enumerate() {
                    insert_resident.execute(params![
                        r.nik,
                        r.kk,
                        order as u32,
                        r.relationship.as_str(),
                        r.full_name,
                        sex_text(r.sex),
                        r.place_of_birth,
                        r.birth_date.to_string(),
                        r.blood_type.as_str(),
                        r.religion.as_str(),
                        marital_text(r.marital_status),
                        r.occupation,
                        r.citizenship.as_str(),
                        r.ktp_el_recorded,
                        r.identity.as_str(),
                        r.life_status.as_str(),
                        r.email,
                        r.phone,
                    ])?;
                }
            }
            Ok(())
        })?;
        let generated_at = Utc::now().to_rfc3339();
        tx.execute(
            "INSERT INTO population_meta (id, seed, resident_count, family_count, reference_date, \
             generator_version, generated_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                spec.seed as i64,
                spec.count,
                families,
                spec.reference_date.to_string(),
                GENERATOR_VERSION,
                generated_at,
            ],
        )?;
        tx.commit()?;
        Ok(PopulationInfo {
            spec,
            families,
            generator_version: GENERATOR_VERSION,
            generated_at,
        })
    }

    /// The resident with `nik` (16 digits as stored) and their address.
    pub fn resident(&self, nik: &str) -> Result<Option<ResidentRecord>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.*, f.* FROM residents r JOIN family_cards f ON f.kk = r.kk WHERE r.nik = ?1",
        )?;
        let mut rows = stmt.query([nik])?;
        match rows.next()? {
            Some(row) => Ok(Some(ResidentRecord {
                resident: resident_from_row(row)?,
                address: address_from_row(row)?,
            })),
            None => Ok(None),
        }
    }

    /// The family card `kk` with its members, head first.
    pub fn family(&self, kk: &str) -> Result<Option<FamilyCard>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT * FROM family_cards WHERE kk = ?1")?;
        let mut rows = stmt.query([kk])?;
        let Some(row) = rows.next()? else {
            return Ok(None);
        };
        let address = address_from_row(row)?;
        let issued_on = text(row, "issued_on", |s| s.parse::<NaiveDate>().ok())?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT * FROM residents r WHERE kk = ?1 ORDER BY member_order")?;
        let mut rows = stmt.query([kk])?;
        let mut members = Vec::new();
        while let Some(row) = rows.next()? {
            members.push(resident_from_row(row)?);
        }
        Ok(Some(FamilyCard {
            kk: kk.to_string(),
            issued_on,
            address,
            members,
        }))
    }

    /// Up to `limit` residents whose registration on `today` should end in `reason`, in
    /// generation order (the showcase families first), optionally only in regency `PPRR`.
    pub fn sample(
        &self,
        reason: SampleReason,
        today: NaiveDate,
        limit: u32,
        regency: Option<u16>,
    ) -> Result<Vec<Sample>, StoreError> {
        let sql = format!(
            "SELECT r.nik, r.full_name, r.email, r.phone, f.regency \
             FROM residents r JOIN family_cards f ON f.kk = r.kk \
             WHERE {} AND (:prefix IS NULL OR substr(r.nik, 1, 4) = :prefix) \
             ORDER BY r.rowid LIMIT :limit",
            reason_condition(reason)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let prefix = regency.map(|code| format!("{code:04}"));
        let rows = stmt.query_map(
            named_params! {
                ":adult_born_by": born_on_or_before_for_17(today).to_string(),
                ":prefix": prefix,
                ":limit": limit,
            },
            |row| {
                Ok(Sample {
                    nik: row.get(0)?,
                    name: row.get(1)?,
                    email: row.get(2)?,
                    phone: row.get(3)?,
                    reason,
                    regency: row.get(4)?,
                })
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many residents fall in each outcome on `today`.
    pub fn count_by_reason(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<(SampleReason, u64)>, StoreError> {
        let adult_born_by = born_on_or_before_for_17(today).to_string();
        SampleReason::ALL
            .iter()
            .map(|&reason| {
                let sql = format!(
                    "SELECT count(*) FROM residents r WHERE {}",
                    reason_condition(reason)
                );
                let count: i64 = self.conn.query_row(
                    &sql,
                    named_params! { ":adult_born_by": adult_born_by },
                    |row| row.get(0),
                )?;
                Ok((reason, count.unsigned_abs()))
            })
            .collect()
    }
}
