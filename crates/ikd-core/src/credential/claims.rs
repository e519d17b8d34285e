//! The claims a credential carries: the KTP-el record and what each [`Profile`] discloses of it,
//! with their CBOR encoding (a map with text keys, documented in `docs/qr-format.md`).
//!
//! This module must never put a field into a profile that does not list it: `age17` carries only
//! the age claim and the opaque holder id.

use chrono::NaiveDate;
use ciborium::Value;
use serde::{Deserialize, Serialize};

use super::cbor::{Fields, as_bytes, as_text};
use super::error::{FormatError, MalformedLayer};
use super::ids::HolderId;
use super::profile::Profile;
use crate::nik::{MaritalStatus, Sex};

/// The age a resident must reach to hold a KTP-el (Wajib KTP).
pub const KTP_AGE: u32 = 17;

/// The fields printed on a KTP-el (Kartu Tanda Penduduk elektronik), as the population register
/// (SIAK, Sistem Informasi Administrasi Kependudukan) holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KtpRecord {
    /// NIK (Nomor Induk Kependudukan): 16 ASCII digits.
    pub nik: String,
    /// Full name (Nama).
    pub name: String,
    /// Place of birth (Tempat lahir).
    pub place_of_birth: String,
    /// Date of birth (Tanggal lahir).
    pub birth_date: NaiveDate,
    /// Sex (Jenis kelamin).
    pub sex: Sex,
    /// Blood type (Gol. darah): `"A"`, `"B"`, `"AB"`, `"O"` (optionally with `+`/`-`); `None`
    /// is printed as "-".
    pub blood_type: Option<String>,
    /// Street address (Alamat).
    pub address: String,
    /// RT (Rukun Tetangga, neighbourhood unit), e.g. `"003"`.
    pub rt: String,
    /// RW (Rukun Warga, community unit), e.g. `"011"`.
    pub rw: String,
    /// Kelurahan/Desa (urban or rural village).
    pub village: String,
    /// Kecamatan (district).
    pub district: String,
    /// Kabupaten/Kota (regency or city).
    pub regency: String,
    /// Provinsi (province).
    pub province: String,
    /// Religion or belief (Agama/Kepercayaan).
    pub religion: String,
    /// Marital status (Status perkawinan).
    pub marital_status: MaritalStatus,
    /// Occupation (Pekerjaan).
    pub occupation: String,
    /// Citizenship (Kewarganegaraan): `"WNI"` (Indonesian) or the foreign nationality.
    pub citizenship: String,
    /// Card validity (Berlaku hingga); `None` means "SEUMUR HIDUP" (for life).
    pub valid_until: Option<NaiveDate>,
}

impl KtpRecord {
    /// A fictional resident of Kota Probolinggo for demos, benchmarks and documentation; the NIK
    /// is well-formed but belongs to nobody.
    pub fn example() -> KtpRecord {
        KtpRecord {
            nik: "3574015708950002".into(),
            name: "SITI NURHALIZA BINTI AHMAD SYAHPUTRA".into(),
            place_of_birth: "PROBOLINGGO".into(),
            birth_date: NaiveDate::from_ymd_opt(1995, 8, 17).unwrap_or_default(),
            sex: Sex::Female,
            blood_type: Some("O".into()),
            address: "JL. BASUKI RAHMAT GG. MELATI NO. 23".into(),
            rt: "003".into(),
            rw: "005".into(),
            village: "KADEMANGAN".into(),
            district: "KADEMANGAN".into(),
            regency: "KOTA PROBOLINGGO".into(),
            province: "JAWA TIMUR".into(),
            religion: "ISLAM".into(),
            marital_status: MaritalStatus::Kawin,
            occupation: "KARYAWAN SWASTA".into(),
            citizenship: "WNI".into(),
            valid_until: None,
        }
    }
}

/// What one credential discloses; the variant is its [`Profile`].
// `Full` is larger than the others; boxing it would only make matching clumsier for a value
// that is built once per credential.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "profile")]
pub enum Disclosed {
    /// `age17`: only whether the holder is 17 or over, and an opaque per-credential holder id.
    Age17 {
        /// Aged [`KTP_AGE`] or more on the day the credential was issued.
        age_over_17: bool,
        /// Opaque identifier; reveals nothing about the holder.
        holder_id: HolderId,
    },
    /// `basic`: NIK, name, birth date and sex.
    Basic {
        /// NIK, 16 digits.
        nik: String,
        /// Full name.
        name: String,
        /// Date of birth.
        birth_date: NaiveDate,
        /// Sex.
        sex: Sex,
    },
    /// `full`: the whole KTP-el record.
    Full(KtpRecord),
}

impl Disclosed {
    /// The claims `profile` discloses of `record`. `holder_id` is used by `age17` only; `today`
    /// (the issuing date) decides `age_over_17`.
    pub fn from_record(
        profile: Profile,
        record: &KtpRecord,
        holder_id: HolderId,
        today: NaiveDate,
    ) -> Disclosed {
        match profile {
            Profile::Age17 => Disclosed::Age17 {
                age_over_17: today
                    .years_since(record.birth_date)
                    .is_some_and(|age| age >= KTP_AGE),
                holder_id,
            },
            Profile::Basic => Disclosed::Basic {
                nik: record.nik.clone(),
                name: record.name.clone(),
                birth_date: record.birth_date,
                sex: record.sex,
            },
            Profile::Full => Disclosed::Full(record.clone()),
        }
    }

    /// The profile these claims belong to.
    pub fn profile(&self) -> Profile {
        match self {
            Disclosed::Age17 { .. } => Profile::Age17,
            Disclosed::Basic { .. } => Profile::Basic,
            Disclosed::Full(_) => Profile::Full,
        }
    }

    /// The NIK, when the profile discloses it.
    pub fn nik(&self) -> Option<&str> {
        match self {
            Disclosed::Age17 { .. } => None,
            Disclosed::Basic { nik, .. } => Some(nik),
            Disclosed::Full(record) => Some(&record.nik),
        }
    }
}

/// A NIK as the format carries it: exactly 16 ASCII digits.
pub(crate) fn is_nik_text(nik: &str) -> bool {
    nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn date(d: NaiveDate) -> Value {
    Value::Text(d.format("%Y-%m-%d").to_string())
}

fn sex_text(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn marital_text(status: MaritalStatus) -> &'static str {
    match status {
        MaritalStatus::BelumKawin => "belum_kawin",
        MaritalStatus::Kawin => "kawin",
        MaritalStatus::CeraiHidup => "cerai_hidup",
        MaritalStatus::CeraiMati => "cerai_mati",
    }
}

fn optional(value: Option<Value>) -> Value {
    value.unwrap_or(Value::Null)
}

/// Encodes the claims map (text keys, in the documented order).
pub(crate) fn encode_claims(claims: &Disclosed) -> Value {
    let entries: Vec<(&str, Value)> = match claims {
        Disclosed::Age17 {
            age_over_17,
            holder_id,
        } => vec![
            ("age_over_17", Value::Bool(*age_over_17)),
            ("holder_id", Value::Bytes(holder_id.as_bytes().to_vec())),
        ],
        Disclosed::Basic {
            nik,
            name,
            birth_date,
            sex,
        } => vec![
            ("nik", text(nik)),
            ("name", text(name)),
            ("birth_date", date(*birth_date)),
            ("sex", text(sex_text(*sex))),
        ],
        Disclosed::Full(r) => vec![
            ("nik", text(&r.nik)),
            ("name", text(&r.name)),
            ("place_of_birth", text(&r.place_of_birth)),
            ("birth_date", date(r.birth_date)),
            ("sex", text(sex_text(r.sex))),
            ("blood_type", optional(r.blood_type.as_deref().map(text))),
            ("address", text(&r.address)),
            ("rt", text(&r.rt)),
            ("rw", text(&r.rw)),
            ("village", text(&r.village)),
            ("district", text(&r.district)),
            ("regency", text(&r.regency)),
            ("province", text(&r.province)),
            ("religion", text(&r.religion)),
            ("marital_status", text(marital_text(r.marital_status))),
            ("occupation", text(&r.occupation)),
            ("citizenship", text(&r.citizenship)),
            ("ktp_valid_until", optional(r.valid_until.map(date))),
        ],
    };
    Value::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect())
}

const CLAIMS: MalformedLayer = MalformedLayer::Claims;

struct ClaimReader(Fields<String>);

impl ClaimReader {
    fn text(&mut self, key: &'static str) -> Result<String, FormatError> {
        as_text(
            self.0.require(key, "missing claim")?,
            CLAIMS,
            "claim is not text",
        )
    }

    fn optional_text(&mut self, key: &'static str) -> Result<Option<String>, FormatError> {
        match self.0.require(key, "missing claim")? {
            Value::Null => Ok(None),
            v => as_text(v, CLAIMS, "claim is not text or null").map(Some),
        }
    }

    fn nik(&mut self) -> Result<String, FormatError> {
        let nik = self.text("nik")?;
        if is_nik_text(&nik) {
            Ok(nik)
        } else {
            Err(FormatError::at(CLAIMS, "nik is not 16 digits"))
        }
    }

    fn date(&mut self, key: &'static str) -> Result<NaiveDate, FormatError> {
        parse_date(&self.text(key)?)
    }

    fn sex(&mut self) -> Result<Sex, FormatError> {
        match self.text("sex")?.as_str() {
            "male" => Ok(Sex::Male),
            "female" => Ok(Sex::Female),
            _ => Err(FormatError::at(CLAIMS, "sex is not male or female")),
        }
    }

    fn marital_status(&mut self) -> Result<MaritalStatus, FormatError> {
        match self.text("marital_status")?.as_str() {
            "belum_kawin" => Ok(MaritalStatus::BelumKawin),
            "kawin" => Ok(MaritalStatus::Kawin),
            "cerai_hidup" => Ok(MaritalStatus::CeraiHidup),
            "cerai_mati" => Ok(MaritalStatus::CeraiMati),
            _ => Err(FormatError::at(CLAIMS, "unknown marital_status")),
        }
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, FormatError> {
    let bad = || FormatError::at(CLAIMS, "date is not YYYY-MM-DD");
    if s.len() != 10 || !s.is_ascii() {
        return Err(bad());
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad())
}

/// Decodes the claims map of a credential whose payload says `profile`.
pub(crate) fn decode_claims(profile: Profile, value: Value) -> Result<Disclosed, FormatError> {
    let mut r = ClaimReader(Fields::text_keys(value, CLAIMS)?);
    let claims = match profile {
        Profile::Age17 => {
            let age_over_17 = match r.0.require("age_over_17", "missing claim")? {
                Value::Bool(b) => b,
                _ => return Err(FormatError::at(CLAIMS, "age_over_17 is not a boolean")),
            };
            let holder_id = as_bytes(
                r.0.require("holder_id", "missing claim")?,
                CLAIMS,
                "holder_id is not bytes",
            )?;
            let holder_id = HolderId::from_slice(&holder_id)
                .ok_or(FormatError::at(CLAIMS, "holder_id is not 16 bytes"))?;
            Disclosed::Age17 {
                age_over_17,
                holder_id,
            }
        }
        Profile::Basic => Disclosed::Basic {
            nik: r.nik()?,
            name: r.text("name")?,
            birth_date: r.date("birth_date")?,
            sex: r.sex()?,
        },
        Profile::Full => Disclosed::Full(KtpRecord {
            nik: r.nik()?,
            name: r.text("name")?,
            place_of_birth: r.text("place_of_birth")?,
            birth_date: r.date("birth_date")?,
            sex: r.sex()?,
            blood_type: r.optional_text("blood_type")?,
            address: r.text("address")?,
            rt: r.text("rt")?,
            rw: r.text("rw")?,
            village: r.text("village")?,
            district: r.text("district")?,
            regency: r.text("regency")?,
            province: r.text("province")?,
            religion: r.text("religion")?,
            marital_status: r.marital_status()?,
            occupation: r.text("occupation")?,
            citizenship: r.text("citizenship")?,
            valid_until: r
                .optional_text("ktp_valid_until")?
                .map(|d| parse_date(&d))
                .transpose()?,
        }),
    };
    r.0.finish()?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(birth_date: NaiveDate) -> KtpRecord {
        KtpRecord {
            nik: "3171234567890001".to_owned(),
            name: "SITI".to_owned(),
            place_of_birth: "JAKARTA".to_owned(),
            birth_date,
            sex: Sex::Female,
            blood_type: None,
            address: "JL. MAWAR 1".to_owned(),
            rt: "001".to_owned(),
            rw: "002".to_owned(),
            village: "MENTENG".to_owned(),
            district: "MENTENG".to_owned(),
            regency: "JAKARTA PUSAT".to_owned(),
            province: "DKI JAKARTA".to_owned(),
            religion: "ISLAM".to_owned(),
            marital_status: MaritalStatus::BelumKawin,
            occupation: "PELAJAR/MAHASISWA".to_owned(),
            citizenship: "WNI".to_owned(),
            valid_until: None,
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn age_over_17_turns_true_on_the_seventeenth_birthday() {
        let r = record(day(2008, 3, 10));
        let id = HolderId::from_bytes([0; 16]);
        let on = |today| match Disclosed::from_record(Profile::Age17, &r, id, today) {
            Disclosed::Age17 { age_over_17, .. } => age_over_17,
            _ => unreachable!(),
        };
        assert!(!on(day(2025, 3, 9)));
        assert!(on(day(2025, 3, 10)));
    }

    #[test]
    fn every_profile_round_trips_through_cbor() {
        let r = record(day(2000, 1, 31));
        for profile in Profile::ALL {
            let claims =
                Disclosed::from_record(profile, &r, HolderId::from_bytes([9; 16]), day(2025, 1, 1));
            assert_eq!(decode_claims(profile, encode_claims(&claims)), Ok(claims));
        }
    }

    #[test]
    fn dates_must_be_zero_padded() {
        assert!(parse_date("2000-1-31").is_err());
        assert!(parse_date("+2000-01-31").is_err());
        assert_eq!(parse_date("2000-01-31"), Ok(day(2000, 1, 31)));
    }

    #[test]
    fn an_extra_claim_is_refused() {
        let claims = Disclosed::from_record(
            Profile::Basic,
            &record(day(2000, 1, 1)),
            HolderId::from_bytes([0; 16]),
            day(2025, 1, 1),
        );
        let Value::Map(mut map) = encode_claims(&claims) else {
            unreachable!()
        };
        map.push((text("religion"), text("ISLAM")));
        assert!(decode_claims(Profile::Basic, Value::Map(map)).is_err());
    }
}
