//! Real administrative areas for synthetic addresses: every village (kelurahan/desa) of every
//! district (kecamatan), embedded from `idn-area-data` 4.0.1 (ODbL, see `data/NOTICE.md`; built by
//! `scripts/gen-villages.py`), with province, regency and district names from
//! `ikd_core::nik::regions`. Never use this to validate a NIK: that is `ikd-core`'s job.

use std::io::Read;
use std::sync::OnceLock;

use flate2::read::GzDecoder;
use ikd_core::nik::regions;

/// The gzip-compressed village table (format documented in `scripts/gen-villages.py`).
static VILLAGES_GZ: &[u8] = include_bytes!("../../data/villages.txt.gz");

/// A village (kelurahan or desa).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Village {
    /// The 10-digit code `PPRRDDSSSS` as a number.
    pub code: u64,
    /// The name as published (mixed case).
    pub name: &'static str,
}

impl Village {
    /// Whether it is a kelurahan (urban, serial `1xxx`) rather than a desa (rural, `2xxx`).
    pub fn is_kelurahan(&self) -> bool {
        (1000..2000).contains(&(self.code % 10_000))
    }
}

/// A district (kecamatan) and its villages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    /// The code `PPRRDD`.
    pub code: u32,
    /// Its villages, sorted by code (never empty).
    pub villages: Vec<Village>,
}

impl District {
    /// The regency code `PPRR`.
    pub fn regency_code(&self) -> u16 {
        (self.code / 100) as u16
    }

    /// The province code `PP`.
    pub fn province_code(&self) -> u8 {
        (self.code / 10_000) as u8
    }
}

/// The embedded area table: districts sorted by code, each with its villages.
#[derive(Debug)]
pub struct AreaTable {
    districts: Vec<District>,
    regencies: Vec<u16>,
}

/// The area table, decoded once per process (a few milliseconds).
pub fn areas() -> &'static AreaTable {
    static TABLE: OnceLock<AreaTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut text = String::new();
        GzDecoder::new(VILLAGES_GZ)
            .read_to_string(&mut text)
            .expect("the embedded village table is valid gzip-compressed UTF-8");
        AreaTable::parse(text.leak())
    })
}

impl AreaTable {
    /// Parses the decompressed table; lines that do not follow the format are skipped (the tests
    /// check that none are).
    fn parse(text: &'static str) -> AreaTable {
        let mut districts = Vec::new();
        for line in text.lines() {
            let Some((code, entries)) = line.split_once('\t') else {
                continue;
            };
            let Ok(code) = code.parse::<u32>() else {
                continue;
            };
            let mut villages = Vec::new();
            let mut serial = 0u64;
            for entry in entries.split('|') {
                let name = match entry.split_once('=') {
                    Some((explicit, name)) => {
                        serial = explicit.parse().unwrap_or(serial + 1);
                        name
                    }
                    None => {
                        serial += 1;
                        entry
                    }
                };
                villages.push(Village {
                    code: u64::from(code) * 10_000 + serial,
                    name,
                });
            }
            if !villages.is_empty() {
                districts.push(District { code, villages });
            }
        }
        districts.sort_by_key(|d| d.code);
        let mut regencies: Vec<u16> = districts.iter().map(District::regency_code).collect();
        regencies.dedup();
        AreaTable {
            districts,
            regencies,
        }
    }

    /// Every district that has villages, sorted by code.
    pub fn districts(&self) -> &[District] {
        &self.districts
    }

    /// Every regency code (`PPRR`) that has districts, sorted.
    pub fn regencies(&self) -> &[u16] {
        &self.regencies
    }

    /// The districts whose code starts with `prefix` of `digits` digits (2: province, 4: regency).
    pub fn districts_under(&self, prefix: u32, digits: u32) -> &[District] {
        let scale = 10u32.pow(6u32.saturating_sub(digits));
        let lo = prefix * scale;
        let hi = lo + scale;
        let start = self.districts.partition_point(|d| d.code < lo);
        let end = self.districts.partition_point(|d| d.code < hi);
        &self.districts[start..end]
    }

    /// The district with `code`.
    pub fn district(&self, code: u32) -> Option<&District> {
        self.districts
            .binary_search_by_key(&code, |d| d.code)
            .ok()
            .map(|i| &self.districts[i])
    }

    /// The village with the 10-digit `code`.
    pub fn village(&self, code: u64) -> Option<&Village> {
        let district = self.district((code / 10_000) as u32)?;
        district
            .villages
            .binary_search_by_key(&code, |v| v.code)
            .ok()
            .map(|i| &district.villages[i])
    }
}

/// A regency's name as written for a place of birth: without `Kabupaten`/`Kota`, in capitals.
pub fn place_name(regency: u16) -> String {
    let name = regions::regency_name(regency).unwrap_or("INDONESIA");
    let short = name
        .strip_prefix("Kabupaten ")
        .or_else(|| name.strip_prefix("Kota "))
        .unwrap_or(name);
    short.to_uppercase()
}
