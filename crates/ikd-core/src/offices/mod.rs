//! Service information and complaint channels ("Layanan & Pengaduan") of the resident's own
//! Disdukcapil (Dinas Kependudukan dan Pencatatan Sipil) office, chosen from the regency
//! (kabupaten/kota) code of the NIK, with the national Ditjen Dukcapil as the fallback.
//!
//! Pure data: every office below is copied from its published public service card (standar
//! pelayanan) for the Digital KTP, as printed, without filling in anything the card does not say.
//! Where each datum comes from, and how to add an office, is in `docs/offices.md`.

use serde::Serialize;

use crate::Nik;
use crate::i18n::Lang;

/// A Disdukcapil office and what it publishes about the Digital KTP service.
#[derive(Debug, Clone, Serialize)]
pub struct Office {
    /// Regency (kabupaten/kota) code `PPRR` as in the NIK, e.g. `"3574"`; `None` for the national
    /// fallback.
    pub regency_code: Option<&'static str>,
    /// Full name of the office, e.g. "Dinas Kependudukan dan Pencatatan Sipil Kota Probolinggo".
    pub name: &'static str,
    /// Street address as printed on the service card.
    pub address: Option<&'static str>,
    /// Opening hours, if the card gives them (none of the current cards does).
    pub hours: Option<&'static str>,
    /// Completion time for the Digital KTP as the card states it, in Bahasa Indonesia.
    pub service_level_id: &'static str,
    /// The same in English.
    pub service_level_en: &'static str,
    /// Cost of the service as the card states it, in Bahasa Indonesia.
    pub cost_id: &'static str,
    /// The same in English.
    pub cost_en: &'static str,
    /// Every complaint and contact channel the card lists, in the card's order.
    pub channels: &'static [Channel],
}

impl Office {
    /// The completion time in `lang`.
    pub fn service_level(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.service_level_id,
            Lang::En => self.service_level_en,
        }
    }

    /// The cost in `lang`.
    pub fn cost(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Id => self.cost_id,
            Lang::En => self.cost_en,
        }
    }

    /// Whether this is the national fallback rather than a regency's own office.
    pub fn is_national(&self) -> bool {
        self.regency_code.is_none()
    }
}

/// One way to reach an office.
#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    /// What kind of channel it is.
    pub kind: ChannelKind,
    /// The contact as printed on the card, e.g. `"(0335) 4438894"`, or a short description for
    /// channels without an address (a complaint box, the front office).
    pub label: &'static str,
    /// A link that opens it: `tel:+62…` (E.164; national short numbers such as `1500537` as
    /// dialled), `sms:`, `mailto:`, `https://wa.me/62…`, `http(s)://`. `None` when the card gives
    /// nothing to link to.
    pub href: Option<&'static str>,
}

/// The kind of a [`Channel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Coming to the office (front office, complaint desk).
    InPerson,
    /// A telephone number.
    Phone,
    /// A fax number.
    Fax,
    /// Text messages (SMS).
    Sms,
    /// WhatsApp.
    #[serde(rename = "whatsapp")]
    WhatsApp,
    /// Email.
    Email,
    /// A website or web form.
    Website,
    /// Instagram account.
    Instagram,
    /// Facebook page.
    Facebook,
    /// Twitter / X account.
    Twitter,
    /// SP4N-LAPOR!, the national public complaint service (lapor.go.id, SMS 1708).
    Lapor,
    /// A suggestion or complaint box at the office.
    ComplaintBox,
    /// Anything else the card lists (a local radio station, a city app, a survey kiosk).
    Other,
}

impl ChannelKind {
    /// A short heading for the kind in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (id, en) = match self {
            ChannelKind::InPerson => ("Datang langsung", "In person"),
            ChannelKind::Phone => ("Telepon", "Phone"),
            ChannelKind::Fax => ("Faksimili", "Fax"),
            ChannelKind::Sms => ("SMS", "SMS"),
            ChannelKind::WhatsApp => ("WhatsApp", "WhatsApp"),
            ChannelKind::Email => ("Email", "Email"),
            ChannelKind::Website => ("Situs web", "Website"),
            ChannelKind::Instagram => ("Instagram", "Instagram"),
            ChannelKind::Facebook => ("Facebook", "Facebook"),
            ChannelKind::Twitter => ("Twitter/X", "Twitter/X"),
            ChannelKind::Lapor => ("SP4N-LAPOR!", "SP4N-LAPOR!"),
            ChannelKind::ComplaintBox => ("Kotak saran/pengaduan", "Suggestion/complaint box"),
            ChannelKind::Other => ("Lainnya", "Other"),
        };
        match lang {
            Lang::Id => id,
            Lang::En => en,
        }
    }
}

/// Shorthand for the table below.
const fn ch(kind: ChannelKind, label: &'static str, href: Option<&'static str>) -> Channel {
    Channel { kind, label, href }
}

use ChannelKind::*;

const FREE_ID: &str = "Tidak dipungut biaya";
const FREE_EN: &str = "Free of charge";

/// The national fallback: Direktorat Jenderal Kependudukan dan Pencatatan Sipil, Kementerian
/// Dalam Negeri. Only channels that are well-known public facts (see `docs/offices.md`).
static NATIONAL: Office = Office {
    regency_code: None,
    name: "Direktorat Jenderal Kependudukan dan Pencatatan Sipil, Kementerian Dalam Negeri",
    address: None,
    hours: None,
    service_level_id: "Sesuai standar pelayanan Dinas Kependudukan dan Pencatatan Sipil \
                       kabupaten/kota tempat Anda terdaftar",
    service_level_en: "As set by the service standard of the Disdukcapil office of the regency \
                       or city where you are registered",
    cost_id: FREE_ID,
    cost_en: FREE_EN,
    channels: &[
        ch(Phone, "Call center Dukcapil 1500537", Some("tel:1500537")),
        ch(
            Website,
            "dukcapil.kemendagri.go.id",
            Some("https://dukcapil.kemendagri.go.id"),
        ),
        ch(Lapor, "www.lapor.go.id", Some("https://www.lapor.go.id")),
        ch(Lapor, "SMS 1708", Some("sms:1708")),
    ],
};

/// The regional offices, sorted by regency code; the seed numbers refer to `docs/offices.md`.
static OFFICES: &[Office] = &[
    // Seed 003.
    Office {
        regency_code: Some("1207"),
        name: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Deli Serdang",
        address: Some("Jalan Karya Usaha No.3 20514"),
        hours: None,
        service_level_id: "20 menit",
        service_level_en: "20 minutes",
        cost_id: FREE_ID,
        cost_en: FREE_EN,
        channels: &[
            ch(
                InPerson,
                "Layanan Informasi dan Konsultasi Pengaduan di front office dan ruangan konsultasi",
                None,
            ),
            // The card prints the number without an area code; we do not guess one.
            ch(Phone, "7951489", None),
            // Listed on the card under "Telepon".
            ch(
                Website,
                "www.disdukcapil.deliserdangkab.go.id",
                Some("https://www.disdukcapil.deliserdangkab.go.id"),
            ),
            ch(
                Facebook,
                "disdukcapil.deliserdang",
                Some("https://www.facebook.com/disdukcapil.deliserdang"),
            ),
            ch(
                Instagram,
                "dukcapil_delisedang",
                Some("https://www.instagram.com/dukcapil_delisedang"),
            ),
            ch(ComplaintBox, "Kotak Pengaduan di Area Kantor", None),
        ],
    },
    // Seed 001.
    Office {
        regency_code: Some("1223"),
        name: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Labuhan Batu Utara",
        address: Some("Jl. Lintas Sumatera No. 01 Desa Sidua-dua Kecamatan Kualuh Selatan 21458"),
        hours: None,
        service_level_id: "1 (satu) jam kerja setelah persyaratan lengkap dan benar \
                           (jika JARKOMDAT normal)",
        service_level_en: "1 working hour after the requirements are complete and correct \
                           (if the data communication network, JARKOMDAT, is working normally)",
        cost_id: FREE_ID,
        cost_en: FREE_EN,
        channels: &[
            ch(
                InPerson,
                "Layanan Informasi dan Konsultasi Pengaduan di Front Office dan Ruang Konsultasi",
                None,
            ),
            ch(Phone, "(0624) 92421", Some("tel:+6262492421")),
            ch(Fax, "(0624) 92421", None),
            ch(Sms, "0822 7233 6080", Some("sms:+6282272336080")),
            ch(
                WhatsApp,
                "0822 7233 6080",
                Some("https://wa.me/6282272336080"),
            ),
            ch(
                Website,
                "disdukcapil.labura.go.id",
                Some("https://disdukcapil.labura.go.id"),
            ),
            ch(
                Email,
                "disdukcapil@labura.go.id",
                Some("mailto:disdukcapil@labura.go.id"),
            ),
            // The card links the name to nothing; we do not guess the page address.
            ch(Facebook, "Disdukcapillabura", None),
            ch(
                Instagram,
                "@disdukcapillabura",
                Some("https://www.instagram.com/disdukcapillabura"),
            ),
            ch(Lapor, "lapor.go.id", Some("https://www.lapor.go.id")),
            ch(Lapor, "SMS 1708", Some("sms:1708")),
            // Printed like this on the card (not an email address); kept as printed, no link.
            ch(Lapor, "Email: kontak.lapor.go.id", None),
        ],
    },
    // Seed 002.
    Office {
        regency_code: Some("1376"),
        name: "Dinas Kependudukan dan Pencatatan Sipil Kota Payakumbuh",
        address: Some("Jalan Jambu 26213"),
        hours: None,
        service_level_id: "1 hari",
        service_level_en: "1 day",
        cost_id: FREE_ID,
        cost_en: FREE_EN,
        channels: &[
            ch(
                ComplaintBox,
                "Kotak saran dan aduan; saran dan pengaduan tertulis kepada Kepala Dinas \
                 Kependudukan dan Pencatatan Sipil dengan mencantumkan nama dan alamat yang \
                 mengadukan",
                None,
            ),
            ch(Phone, "0752-796135", Some("tel:+62752796135")),
            ch(
                Instagram,
                "Disdukcapilkotapayakumbuh",
                Some("https://www.instagram.com/disdukcapilkotapayakumbuh"),
            ),
            ch(Lapor, "Twitter @lapor1708", Some("https://x.com/lapor1708")),
            ch(
                Website,
                "www.disdukcapil.payakumbuhkota.go.id",
                Some("https://www.disdukcapil.payakumbuhkota.go.id"),
            ),
        ],
    },
    // Seed 000.
    Office {
        regency_code: Some("3574"),
        name: "Dinas Kependudukan dan Pencatatan Sipil Kota Probolinggo",
        address: Some("Jl. Basuki Rahmat No.23, Mangunharjo, Kota Probolinggo, Jawa Timur 67217"),
        hours: None,
        service_level_id: "1 hari kerja sejak pengisian identitas kependudukan dinyatakan \
                           lengkap oleh petugas verifikasi, dengan catatan proses penerbitan \
                           berjalan lancar",
        service_level_en: "1 working day from when the verification officer declares the \
                           identity data complete, provided issuance runs smoothly",
        cost_id: FREE_ID,
        cost_en: FREE_EN,
        channels: &[
            ch(InPerson, "Mengadu langsung pada petugas pengaduan", None),
            ch(ComplaintBox, "Kotak saran", None),
            ch(Phone, "(0335) 4438894", Some("tel:+623354438894")),
            ch(
                Email,
                "dispendukkotaprob@gmail.com",
                Some("mailto:dispendukkotaprob@gmail.com"),
            ),
            ch(
                WhatsApp,
                "082350657770",
                Some("https://wa.me/6282350657770"),
            ),
            ch(Other, "Radio Suara Kota Probolinggo", None),
            ch(Lapor, "Lapor SP4N", Some("https://www.lapor.go.id")),
            ch(Other, "VIEW Probolinggo", None),
            ch(Other, "Media Sosial Pemerintah Kota Probolinggo", None),
            ch(
                Instagram,
                "dispendukcapil.probolinggokota",
                Some("https://www.instagram.com/dispendukcapil.probolinggokota"),
            ),
            // The card gives the page name only; we do not guess the page address.
            ch(
                Facebook,
                "Dinas Kependudukan dan Pencatatan Sipil Kota Probolinggo",
                None,
            ),
            ch(
                Website,
                "dispenduk.probolinggokota.go.id",
                Some("http://dispenduk.probolinggokota.go.id"),
            ),
        ],
    },
    // Seed 004.
    Office {
        regency_code: Some("5171"),
        name: "Dinas Kependudukan dan Pencatatan Sipil Kota Denpasar",
        address: Some("Jl. Majapahit Nomor 1 Denpasar 80231"),
        hours: None,
        service_level_id: "1 hari kerja; produk pelayanan dapat diambil apabila sudah dianggap \
                           lengkap, benar dan selesai oleh petugas",
        service_level_en: "1 working day; the result can be collected once the officer deems \
                           it complete, correct and finished",
        cost_id: FREE_ID,
        cost_en: FREE_EN,
        channels: &[
            ch(
                InPerson,
                "Kantor Dinas Kependudukan dan Pencatatan Sipil Kota Denpasar, \
                 Jl. Majapahit No. 1 Lumintang, Denpasar",
                None,
            ),
            ch(Phone, "(0361) 428597", Some("tel:+62361428597")),
            ch(Phone, "(0361) 428510", Some("tel:+62361428510")),
            ch(
                Website,
                "taringdukcapil.denpasarkota.go.id (Survei Kepuasan Masyarakat)",
                Some("https://taringdukcapil.denpasarkota.go.id"),
            ),
            ch(
                Email,
                "dukcapildenpasar@gmail.com",
                Some("mailto:dukcapildenpasar@gmail.com"),
            ),
            ch(
                Email,
                "kependudukan@denpasarkota.go.id",
                Some("mailto:kependudukan@denpasarkota.go.id"),
            ),
            ch(
                Website,
                "www.pengaduan.denpasarkota.go.id",
                Some("https://www.pengaduan.denpasarkota.go.id"),
            ),
            ch(Other, "Aplikasi mobile DPS (Denpasar Prama Sewaka)", None),
            ch(Phone, "087-727-366-547", Some("tel:+6287727366547")),
            ch(
                WhatsApp,
                "087-860-892-401",
                Some("https://wa.me/6287860892401"),
            ),
            ch(ComplaintBox, "Kotak saran", None),
            ch(
                Website,
                "kependudukan.denpasarkota.go.id",
                Some("https://kependudukan.denpasarkota.go.id"),
            ),
        ],
    },
];

/// The office of regency `regency_code` (`PPRR`, e.g. `"3574"`), or the national fallback when we
/// have no card for that regency.
pub fn office_for_regency(regency_code: &str) -> &'static Office {
    OFFICES
        .iter()
        .find(|o| o.regency_code == Some(regency_code))
        .unwrap_or(&NATIONAL)
}

/// The office of the regency of first registration in `nik`, or the national fallback.
pub fn office_for(nik: &Nik) -> &'static Office {
    office_for_regency(&format!("{:04}", nik.regency_code()))
}

/// The national fallback (Ditjen Dukcapil Kemendagri).
pub fn national() -> &'static Office {
    &NATIONAL
}

/// Every regional office we have, sorted by regency code (the national fallback is not included).
pub fn all() -> &'static [Office] {
    OFFICES
}

#[cfg(test)]
mod tests;
