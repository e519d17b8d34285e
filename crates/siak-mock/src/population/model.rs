//! The records of the population register: residents, their family card (KK) and its address.
//!
//! Coded fields are small enums whose text is what the register stores and prints (the words on a
//! KTP-el where there are such words). The NIK and KK are kept as the 16-digit text the register
//! holds; `ikd_core::Nik::parse` is how anyone reading them gets a checked NIK.

use chrono::NaiveDate;
use ikd_core::{MaritalStatus, Sex};
use serde::{Deserialize, Serialize};

/// Declares a field enum with its stored text, `ALL`, `as_str` and `from_text`.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &[$name] = &[$($name::$variant),+];

            /// The text stored in the register.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value whose stored text is `text`.
            pub fn from_text(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use text_enum;

text_enum! {
    /// Religion (agama) as printed on the KTP-el.
    Religion {
        /// Islam.
        Islam => "ISLAM",
        /// Protestant Christianity.
        Kristen => "KRISTEN",
        /// Catholicism.
        Katolik => "KATOLIK",
        /// Hinduism.
        Hindu => "HINDU",
        /// Buddhism.
        Buddha => "BUDDHA",
        /// Confucianism.
        Konghucu => "KONGHUCU",
    }
}

text_enum! {
    /// Blood type (golongan darah); `-` when never recorded, as on many KTP-el.
    BloodType {
        /// A.
        A => "A",
        /// B.
        B => "B",
        /// AB.
        Ab => "AB",
        /// O.
        O => "O",
        /// Not recorded.
        Unknown => "-",
    }
}

text_enum! {
    /// Relationship to the head of the family (status hubungan dalam keluarga) on the KK.
    Relationship {
        /// Head of the family.
        KepalaKeluarga => "KEPALA KELUARGA",
        /// Husband (of a female head).
        Suami => "SUAMI",
        /// Wife.
        Istri => "ISTRI",
        /// Child.
        Anak => "ANAK",
        /// Child-in-law.
        Menantu => "MENANTU",
        /// Grandchild.
        Cucu => "CUCU",
        /// Parent of the head.
        OrangTua => "ORANG TUA",
        /// Parent-in-law of the head.
        Mertua => "MERTUA",
        /// Other relative.
        FamiliLain => "FAMILI LAIN",
    }
}

text_enum! {
    /// Citizenship (kewarganegaraan).
    Citizenship {
        /// Warga Negara Indonesia.
        Wni => "WNI",
        /// Warga Negara Asing (a foreign resident with a KITAP).
        Wna => "WNA",
    }
}

text_enum! {
    /// Whether the record is of a living, active resident.
    LifeStatus {
        /// Alive and active.
        Alive => "alive",
        /// Deceased (a death certificate was recorded).
        Deceased => "deceased",
        /// Inactive (nonaktif): e.g. moved abroad or record suspended.
        Inactive => "inactive",
    }
}

text_enum! {
    /// Whether the person is "identified as single" in the register (one record per person).
    IdentityStatus {
        /// One record for this person.
        Single => "single",
        /// Flagged as one of several records for the same person (data ganda).
        Duplicate => "duplicate",
    }
}

/// The address of a family card: every member lives there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// Street and house number, e.g. `JL. MERDEKA NO. 12`.
    pub street: String,
    /// Rukun Tetangga (neighbourhood), 3 digits.
    pub rt: String,
    /// Rukun Warga (community), 3 digits.
    pub rw: String,
    /// Village (kelurahan/desa) code, 10 digits `PPRRDDSSSS`.
    pub village_code: String,
    /// Village name.
    pub village: String,
    /// District (kecamatan) code `PPRRDD`.
    pub district_code: u32,
    /// District name.
    pub district: String,
    /// Regency (kabupaten/kota) name.
    pub regency: String,
    /// Province name.
    pub province: String,
}

/// A resident's record in the population register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resident {
    /// NIK, 16 digits, consistent with the district, birth date and sex below.
    pub nik: String,
    /// Family card (KK) number, 16 digits.
    pub kk: String,
    /// Relationship to the head of the family.
    pub relationship: Relationship,
    /// Full name in capitals, as on the KTP-el.
    pub full_name: String,
    /// Sex.
    pub sex: Sex,
    /// Place of birth (a regency name in capitals).
    pub place_of_birth: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Blood type.
    pub blood_type: BloodType,
    /// Religion.
    pub religion: Religion,
    /// Marital status.
    pub marital_status: MaritalStatus,
    /// Occupation (pekerjaan) as printed on the KTP-el.
    pub occupation: String,
    /// Citizenship.
    pub citizenship: Citizenship,
    /// Whether the KTP-el was recorded (biometrics taken at the office).
    pub ktp_el_recorded: bool,
    /// Single identity or flagged duplicate.
    pub identity: IdentityStatus,
    /// Alive, deceased or inactive.
    pub life_status: LifeStatus,
    /// Email address known to the register, if any.
    pub email: Option<String>,
    /// Mobile phone in E.164 (`+628…`), if any; family members may share the head's.
    pub phone: Option<String>,
}

/// A family card (Kartu Keluarga) with its members; the head is always the first member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCard {
    /// KK number, 16 digits: district of issue, issue date `DDMMYY`, serial.
    pub kk: String,
    /// Date the card was issued.
    pub issued_on: NaiveDate,
    /// Where the family lives.
    pub address: Address,
    /// The members, head first.
    pub members: Vec<Resident>,
}

impl FamilyCard {
    /// The head of the family (kepala keluarga).
    pub fn head(&self) -> Option<&Resident> {
        self.members.first()
    }
}

/// Text of a [`Sex`] in the register.
pub fn sex_text(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

/// The [`Sex`] whose register text is `text`.
pub fn sex_from_text(text: &str) -> Option<Sex> {
    match text {
        "male" => Some(Sex::Male),
        "female" => Some(Sex::Female),
        _ => None,
    }
}

/// Text of a [`MaritalStatus`] in the register (its serde name).
pub fn marital_text(status: MaritalStatus) -> &'static str {
    match status {
        MaritalStatus::BelumKawin => "belum_kawin",
        MaritalStatus::Kawin => "kawin",
        MaritalStatus::CeraiHidup => "cerai_hidup",
        MaritalStatus::CeraiMati => "cerai_mati",
    }
}

/// The [`MaritalStatus`] whose register text is `text`.
pub fn marital_from_text(text: &str) -> Option<MaritalStatus> {
    match text {
        "belum_kawin" => Some(MaritalStatus::BelumKawin),
        "kawin" => Some(MaritalStatus::Kawin),
        "cerai_hidup" => Some(MaritalStatus::CeraiHidup),
        "cerai_mati" => Some(MaritalStatus::CeraiMati),
        _ => None,
    }
}
