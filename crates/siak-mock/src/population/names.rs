//! Indonesian personal names for synthetic residents, from embedded word lists.
//!
//! Names follow the customs of the region and religion a family is drawn in: Balinese birth-order
//! names, Batak clan names (marga, `BR` for daughters), Minahasa and eastern family names,
//! Chinese-Indonesian surnames, and otherwise one to three given names as in most of the country.
//! All names are ASCII capitals, as printed on a KTP-el. Any match with a real person is chance.

use ikd_core::Sex;

use super::dice::Dice;
use super::model::Religion;

const MALE: &[&str] = &[
    "AHMAD", "MUHAMMAD", "ABDUL", "AGUS", "BUDI", "DEDI", "DIMAS", "EKO", "FAJAR", "HENDRA",
    "IRWAN", "JOKO", "RIZKY", "SLAMET", "BAMBANG", "ANDI", "ARIF", "BAYU", "DANI", "FIRMAN",
    "HADI", "ILHAM", "IMAM", "KURNIA", "LUTFI", "RAHMAT", "RIDWAN", "SUGENG", "TAUFIK", "WAHYU",
    "YUSUF", "ZAINAL", "ADITYA", "ARDI", "BAGUS", "DWI", "GALIH", "HERU", "INDRA", "NUR", "RUDI",
    "SAIFUL", "SYAHRUL", "TEGUH", "YOGI", "FADLI", "HASAN", "HUSEIN", "IKHSAN", "REZA",
];
const FEMALE: &[&str] = &[
    "SITI", "NUR", "DEWI", "SRI", "PUTRI", "AYU", "RINA", "WATI", "YULI", "FITRI", "INDAH",
    "LESTARI", "MEGA", "NOVI", "RATNA", "SARI", "TRI", "WULAN", "YANTI", "ANISA", "DIAH", "ELIS",
    "FARAH", "HANA", "IKA", "INTAN", "KARTIKA", "LINDA", "MAYA", "NINGSIH", "NURUL", "RAHMA",
    "RINI", "SUSI", "TITIN", "UMI", "WIDYA", "YUNI", "AISYAH", "ANDINI", "CITRA", "DINDA",
];
const MALE_LAST: &[&str] = &[
    "SANTOSO",
    "SAPUTRA",
    "PRATAMA",
    "HIDAYAT",
    "SETIAWAN",
    "NUGROHO",
    "KURNIAWAN",
    "WIBOWO",
    "FIRMANSYAH",
    "RAMADHAN",
    "HAKIM",
    "SUSANTO",
    "GUNAWAN",
    "PURNOMO",
    "SUPRIYADI",
    "HARTONO",
    "SYAHPUTRA",
    "MAULANA",
    "ARDIANSYAH",
    "PRASETYO",
    "SUTRISNO",
    "SUDARSO",
    "EFENDI",
    "RAHMAN",
];
const FEMALE_LAST: &[&str] = &[
    "LESTARI",
    "RAHMAWATI",
    "WULANDARI",
    "SAPUTRI",
    "PRATIWI",
    "HANDAYANI",
    "KURNIASIH",
    "ANGGRAINI",
    "PUSPITASARI",
    "SETIAWATI",
    "SUSANTI",
    "MARLINA",
    "FITRIANI",
    "NURHAYATI",
    "KUSUMAWATI",
    "PERMATASARI",
    "HASANAH",
    "SURYANI",
    "MULYANI",
    "AMALIA",
];
const CHRISTIAN_MALE: &[&str] = &[
    "YOHANES",
    "PETRUS",
    "PAULUS",
    "STEFANUS",
    "MARKUS",
    "YOSEF",
    "ANDREAS",
    "BERNARD",
    "DANIEL",
    "FRANSISKUS",
    "GABRIEL",
    "IMANUEL",
    "MIKAEL",
    "SAMUEL",
    "TIMOTIUS",
    "YAKOBUS",
];
const CHRISTIAN_FEMALE: &[&str] = &[
    "MARIA",
    "MARTHA",
    "ELISABETH",
    "KRISTINA",
    "MAGDALENA",
    "YOHANA",
    "AGNES",
    "ROSALINA",
    "DEBORA",
    "EVA",
    "LIDIA",
    "MONIKA",
    "RUTH",
    "SANTI",
    "VERONIKA",
    "GRACE",
];
const BATAK_MARGA: &[&str] = &[
    "SIREGAR",
    "NASUTION",
    "HARAHAP",
    "LUBIS",
    "SIMANJUNTAK",
    "SITOMPUL",
    "SIMATUPANG",
    "SINAGA",
    "SIAHAAN",
    "PANJAITAN",
    "HUTAGALUNG",
    "MANURUNG",
    "SIHOMBING",
    "TAMPUBOLON",
    "SITORUS",
    "PASARIBU",
    "GINTING",
    "TARIGAN",
    "SEMBIRING",
    "DAULAY",
    "RITONGA",
    "POHAN",
];
const MINAHASA: &[&str] = &[
    "WENAS",
    "LUMENTUT",
    "PANGEMANAN",
    "MANDAGI",
    "RUMENGAN",
    "SUMUAL",
    "TAMBUNAN",
    "KAWILARANG",
    "RONDONUWU",
    "SUMAMPOUW",
    "WALANDOUW",
    "MAMAHIT",
];
const EASTERN: &[&str] = &[
    "RUMBIAK",
    "WAMEA",
    "KAMBU",
    "MANDACAN",
    "YOMAN",
    "KOGOYA",
    "WENDA",
    "TABUNI",
    "LAKE",
    "BATAONA",
    "KOTEN",
    "LEWAR",
    "NGGADAS",
    "DA COSTA",
    "FERNANDEZ",
    "SOARES",
    "LATUMAHINA",
    "PATTIASINA",
    "TUHUMURY",
    "NANLOHY",
];
const CHINESE: &[&str] = &[
    "WIJAYA",
    "GUNAWAN",
    "HALIM",
    "TANJAYA",
    "KUSUMA",
    "HARTONO",
    "LIMANTO",
    "SALIM",
    "TANUWIJAYA",
    "SUSANTO",
    "LIEM",
    "TANOTO",
    "SETIADI",
    "WIRAWAN",
    "CHANDRA",
    "LIMAN",
];
const CHINESE_MALE: &[&str] = &[
    "HENDRA", "WILLIAM", "KEVIN", "STEVEN", "FELIX", "JONATHAN", "ALBERT", "EDWIN", "HARRY",
    "RICHARD", "VINCENT", "JOHAN",
];
const CHINESE_FEMALE: &[&str] = &[
    "MELISA",
    "JESSICA",
    "VERONICA",
    "SHERLY",
    "LILY",
    "MEILANI",
    "CINDY",
    "FELICIA",
    "MICHELLE",
    "NATALIA",
    "STEPHANIE",
    "LINDA",
];
const BALI_ORDER: &[&[&str]] = &[
    &["WAYAN", "PUTU", "GEDE"],
    &["MADE", "KADEK", "NENGAH"],
    &["NYOMAN", "KOMANG"],
    &["KETUT"],
];
/// Daughters: `GEDE` is for sons, `LUH` often stands for the first-born's order name.
const BALI_ORDER_FEMALE: &[&[&str]] = &[
    &["WAYAN", "PUTU", "LUH", "LUH PUTU"],
    &["MADE", "KADEK", "LUH MADE"],
    &["NYOMAN", "KOMANG"],
    &["KETUT"],
];
const BALI_MALE: &[&str] = &[
    "AGUS",
    "BUDIARTA",
    "SUDARSANA",
    "ARTAWAN",
    "SUARDANA",
    "DARMAWAN",
    "MERTA",
    "SUKADANA",
    "WIRAWAN",
    "ARSANA",
    "PARWATA",
    "ADNYANA",
    "SUDIARTA",
    "ASTAWA",
    "YASA",
    "GUNAWAN",
];
const BALI_FEMALE: &[&str] = &[
    "SRI",
    "ARYANI",
    "SUARNI",
    "ASTUTI",
    "DEWI",
    "PUSPITA",
    "SUASTINI",
    "WIDIASTUTI",
    "KARTIKA",
    "ARIANI",
    "SUCIPTAWATI",
    "YUNIARI",
    "MAHAYANI",
    "SUKMAWATI",
];

/// How the names of one family are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameStyle {
    /// Balinese Hindu: `I`/`NI` + birth-order name + given name.
    Bali,
    /// Batak: given name + the father's marga (`BR` + marga for women).
    Batak,
    /// Christian given name + a regional family name.
    Christian(&'static [&'static str]),
    /// Chinese-Indonesian given name + family surname.
    Chinese,
    /// One to three given names, the most common pattern.
    General,
}

impl NameStyle {
    /// The style for a family of `religion` in province `province`.
    pub(crate) fn for_family(dice: &mut Dice, province: u8, religion: Religion) -> NameStyle {
        let christian = matches!(religion, Religion::Kristen | Religion::Katolik);
        match (province, religion) {
            (51, Religion::Hindu) => NameStyle::Bali,
            (_, Religion::Buddha | Religion::Konghucu) => NameStyle::Chinese,
            (12, _) if christian || dice.chance(300) => NameStyle::Batak,
            (71, _) if christian => NameStyle::Christian(MINAHASA),
            (53 | 81 | 82 | 91..=96, _) if christian => NameStyle::Christian(EASTERN),
            _ if christian && dice.chance(300) => NameStyle::Christian(BATAK_MARGA),
            _ if christian => NameStyle::Christian(&[]),
            _ => NameStyle::General,
        }
    }
}

/// Picks family names for one family card so that children carry their father's marga/surname.
pub(crate) struct FamilyNames {
    style: NameStyle,
    surname: Option<&'static str>,
    religion: Religion,
}

impl FamilyNames {
    /// Names for a family of `style`.
    pub(crate) fn new(dice: &mut Dice, style: NameStyle, religion: Religion) -> FamilyNames {
        let surname = match style {
            NameStyle::Batak => Some(*dice.pick(BATAK_MARGA)),
            NameStyle::Christian(list) if !list.is_empty() => Some(*dice.pick(list)),
            NameStyle::Chinese => Some(*dice.pick(CHINESE)),
            _ => None,
        };
        FamilyNames {
            style,
            surname,
            religion,
        }
    }

    /// A name for a member; `blood` is false for someone who married into the family (own
    /// surname), and `birth_order` (0-based) matters for Balinese names.
    pub(crate) fn name(&self, dice: &mut Dice, sex: Sex, blood: bool, birth_order: u32) -> String {
        let surname = if blood {
            self.surname
        } else {
            match self.style {
                NameStyle::Batak => Some(*dice.pick(BATAK_MARGA)),
                NameStyle::Chinese => Some(*dice.pick(CHINESE)),
                NameStyle::Christian(list) if !list.is_empty() => Some(*dice.pick(list)),
                _ => None,
            }
        };
        let male = sex == Sex::Male;
        match self.style {
            NameStyle::Bali => {
                let orders = if male { BALI_ORDER } else { BALI_ORDER_FEMALE };
                let order = dice.pick(orders[(birth_order % 4) as usize]);
                let given = dice.pick(if male { BALI_MALE } else { BALI_FEMALE });
                let honorific = if male { "I" } else { "NI" };
                format!("{honorific} {order} {given}")
            }
            NameStyle::Batak => {
                let given = if self.religion == Religion::Islam {
                    general_given(dice, male)
                } else {
                    christian_given(dice, male)
                };
                let marga = surname.unwrap_or("SIREGAR");
                if male {
                    format!("{given} {marga}")
                } else {
                    format!("{given} BR {marga}")
                }
            }
            NameStyle::Christian(_) => {
                let given = christian_given(dice, male);
                match surname {
                    Some(family) => format!("{given} {family}"),
                    None => format!("{given} {}", last_name(dice, male)),
                }
            }
            NameStyle::Chinese => {
                let given = dice.pick(if male { CHINESE_MALE } else { CHINESE_FEMALE });
                format!("{given} {}", surname.unwrap_or("WIJAYA"))
            }
            NameStyle::General => match dice.below(10) {
                0..=2 => general_given(dice, male).to_string(),
                3..=7 => format!("{} {}", general_given(dice, male), last_name(dice, male)),
                _ => format!(
                    "{} {} {}",
                    general_given(dice, male),
                    general_given(dice, male),
                    last_name(dice, male)
                ),
            },
        }
    }
}

fn general_given(dice: &mut Dice, male: bool) -> &'static str {
    dice.pick::<&str>(if male { MALE } else { FEMALE })
}

fn christian_given(dice: &mut Dice, male: bool) -> &'static str {
    dice.pick::<&str>(if male {
        CHRISTIAN_MALE
    } else {
        CHRISTIAN_FEMALE
    })
}

fn last_name(dice: &mut Dice, male: bool) -> &'static str {
    dice.pick::<&str>(if male { MALE_LAST } else { FEMALE_LAST })
}
