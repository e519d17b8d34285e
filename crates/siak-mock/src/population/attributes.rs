//! Draws for a resident's other fields: religion by province, blood type, occupation by age and
//! sex, street address, and contact details that are unique across the population and always
//! accepted by `ikd_core::PhoneNumber::parse` and `ikd_core::Email::parse`.

use ikd_core::Sex;

use super::dice::Dice;
use super::model::{BloodType, Religion};

/// Religion of a family in province `province`, roughly in the shares of the 2010–2020 censuses.
pub(crate) fn religion(dice: &mut Dice, province: u8) -> Religion {
    use Religion::*;
    let shares: &[(Religion, u32)] = match province {
        51 => &[
            (Hindu, 870),
            (Islam, 100),
            (Kristen, 15),
            (Katolik, 8),
            (Buddha, 7),
        ],
        53 => &[(Katolik, 530), (Kristen, 360), (Islam, 100), (Hindu, 10)],
        12 => &[
            (Islam, 640),
            (Kristen, 270),
            (Katolik, 60),
            (Buddha, 25),
            (Konghucu, 5),
        ],
        71 | 91..=96 => &[
            (Kristen, 620),
            (Islam, 300),
            (Katolik, 70),
            (Hindu, 5),
            (Buddha, 5),
        ],
        61 | 81 | 82 => &[
            (Islam, 560),
            (Kristen, 220),
            (Katolik, 150),
            (Buddha, 60),
            (Konghucu, 10),
        ],
        _ => &[
            (Islam, 885),
            (Kristen, 60),
            (Katolik, 30),
            (Hindu, 10),
            (Buddha, 12),
            (Konghucu, 3),
        ],
    };
    dice.weighted(shares)
}

/// Blood type; about a third of records never had it entered.
pub(crate) fn blood_type(dice: &mut Dice) -> BloodType {
    use BloodType::*;
    dice.weighted(&[(Unknown, 300), (O, 260), (B, 200), (A, 180), (Ab, 60)])
}

/// Occupation as printed on the KTP-el, by age and sex.
pub(crate) fn occupation(dice: &mut Dice, age: u32, sex: Sex) -> &'static str {
    const WORK: &[(&str, u32)] = &[
        ("KARYAWAN SWASTA", 220),
        ("WIRASWASTA", 200),
        ("PETANI/PEKEBUN", 160),
        ("BURUH HARIAN LEPAS", 90),
        ("PEDAGANG", 70),
        ("NELAYAN/PERIKANAN", 30),
        ("PEGAWAI NEGERI SIPIL (PNS)", 40),
        ("GURU", 30),
        ("SOPIR", 20),
        ("TENTARA NASIONAL INDONESIA (TNI)", 8),
        ("KEPOLISIAN RI (POLRI)", 8),
        ("PERAWAT", 10),
        ("DOKTER", 3),
        ("KARYAWAN BUMN", 12),
        ("BELUM/TIDAK BEKERJA", 40),
    ];
    match age {
        0..=4 => "BELUM/TIDAK BEKERJA",
        5..=17 => "PELAJAR/MAHASISWA",
        18..=22 if dice.chance(500) => "PELAJAR/MAHASISWA",
        60.. if dice.chance(400) => "PENSIUNAN",
        _ if sex == Sex::Female && dice.chance(450) => "MENGURUS RUMAH TANGGA",
        _ => dice.weighted(WORK),
    }
}

const STREETS: &[&str] = &[
    "MERDEKA",
    "SUDIRMAN",
    "DIPONEGORO",
    "GAJAH MADA",
    "AHMAD YANI",
    "PAHLAWAN",
    "MELATI",
    "MAWAR",
    "KENANGA",
    "CEMPAKA",
    "ANGGREK",
    "FLAMBOYAN",
    "HASANUDDIN",
    "IMAM BONJOL",
    "KARTINI",
    "DEWI SARTIKA",
    "CUT NYAK DIEN",
    "TEUKU UMAR",
    "SISINGAMANGARAJA",
    "PATIMURA",
    "RAYA",
    "PEMUDA",
    "VETERAN",
    "PERINTIS KEMERDEKAAN",
    "SURAPATI",
    "SUPRAPTO",
    "GATOT SUBROTO",
    "HAYAM WURUK",
    "KH. WAHID HASYIM",
    "MANGGA",
    "DURIAN",
    "NANGKA",
    "KELAPA",
    "SINGOSARI",
    "MAJAPAHIT",
    "SRIWIJAYA",
    "MATARAM",
    "PELITA",
    "SEJAHTERA",
];

/// A street line, e.g. `JL. MERDEKA NO. 12` or `DUSUN II` for rural villages.
pub(crate) fn street(dice: &mut Dice, rural: bool) -> String {
    if rural && dice.chance(250) {
        const ROMAN: &[&str] = &["I", "II", "III", "IV", "V", "VI"];
        return format!("DUSUN {}", dice.pick(ROMAN));
    }
    let name = dice.pick(STREETS);
    match dice.below(10) {
        0 => format!("JL. {name} GG. {}", dice.range(1, 15)),
        1 => format!("JL. {name}"),
        _ => format!("JL. {name} NO. {}", dice.range(1, 250)),
    }
}

/// A 3-digit RT or RW number.
pub(crate) fn rt_rw(dice: &mut Dice, max: u32) -> String {
    format!("{:03}", dice.range(1, max))
}

const OPERATORS: &[&str] = &[
    "811", "812", "813", "821", "822", "823", "851", "852", "853", "814", "815", "816", "855",
    "856", "857", "858", "817", "818", "819", "859", "877", "878", "831", "832", "833", "838",
    "881", "882", "895", "896", "897", "898", "899",
];

/// The `sequence`-th phone number of the population, in E.164 (`+628…`, 11 national digits).
///
/// The last 8 digits are a bijection of `sequence` modulo 10^8, so numbers never repeat for the
/// first 100 million phones whatever operator prefix is drawn.
pub(crate) fn phone(dice: &mut Dice, sequence: u32) -> String {
    let subscriber = (u64::from(sequence) * 7_654_321 + 31_415_926) % 100_000_000;
    format!("+62{}{subscriber:08}", dice.pick(OPERATORS))
}

const DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 700),
    ("yahoo.co.id", 120),
    ("yahoo.com", 60),
    ("outlook.com", 50),
    ("ymail.com", 20),
    ("mail.example.id", 50),
];

/// An email for `full_name`, made unique by the population-wide `sequence`.
pub(crate) fn email(dice: &mut Dice, full_name: &str, sequence: u32) -> String {
    let mut words = full_name
        .split(' ')
        .filter(|w| !w.is_empty() && *w != "BR" && *w != "I" && *w != "NI");
    let first = words.next().unwrap_or("warga");
    let last = words.next_back();
    let local: String = match (last, dice.below(3)) {
        (Some(last), 0) => format!("{first}.{last}{sequence}"),
        (Some(last), 1) => format!("{first}{last}.{sequence}"),
        _ => format!("{first}{sequence}"),
    };
    let local: String = local
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect::<String>()
        .to_lowercase();
    format!("{local}@{}", dice.weighted(DOMAINS))
}
