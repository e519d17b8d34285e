//! The Digital KTP card as a screen shows it: the KTP-el's fields in the card's order, each with
//! its label in the reader's language and its value as the KTP-el prints it (dates `DD-MM-YYYY`,
//! `-` for no blood type, `SEUMUR HIDUP` for a card valid for life).

use crate::credential::KtpRecord;
use crate::i18n::{Lang, pick};

/// One labelled line of the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardLine {
    /// Stable key (`nik`, `name`, `birth`, `sex`, …).
    pub key: &'static str,
    /// The label in the reader's language.
    pub label: String,
    /// The value as printed.
    pub value: String,
}

/// Every line of `record`'s card, in KTP-el order, labelled in `lang`.
pub fn lines(record: &KtpRecord, lang: Lang) -> Vec<CardLine> {
    let r = record;
    let date = |d: chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
    let rows: [(&'static str, &str, &str, String); 16] = [
        ("nik", "NIK", "NIK", r.nik.clone()),
        ("name", "Nama", "Name", r.name.clone()),
        (
            "birth",
            "Tempat/Tgl Lahir",
            "Place/date of birth",
            format!("{}, {}", r.place_of_birth, date(r.birth_date)),
        ),
        ("sex", "Jenis Kelamin", "Sex", r.sex.label(lang)),
        (
            "blood_type",
            "Gol. Darah",
            "Blood type",
            r.blood_type.clone().unwrap_or_else(|| "-".into()),
        ),
        ("address", "Alamat", "Address", r.address.clone()),
        ("rt_rw", "RT/RW", "RT/RW", format!("{}/{}", r.rt, r.rw)),
        ("village", "Kel/Desa", "Village", r.village.clone()),
        ("district", "Kecamatan", "District", r.district.clone()),
        (
            "regency",
            "Kabupaten/Kota",
            "Regency/City",
            r.regency.clone(),
        ),
        ("province", "Provinsi", "Province", r.province.clone()),
        ("religion", "Agama", "Religion", r.religion.clone()),
        (
            "marital_status",
            "Status Perkawinan",
            "Marital status",
            r.marital_status.label(lang),
        ),
        (
            "occupation",
            "Pekerjaan",
            "Occupation",
            r.occupation.clone(),
        ),
        (
            "citizenship",
            "Kewarganegaraan",
            "Citizenship",
            r.citizenship.clone(),
        ),
        (
            "valid_until",
            "Berlaku Hingga",
            "Valid until",
            r.valid_until
                .map(date)
                .unwrap_or_else(|| "SEUMUR HIDUP".into()),
        ),
    ];
    rows.into_iter()
        .map(|(key, id, en, value)| CardLine {
            key,
            label: pick(lang, id.into(), en.into()),
            value,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_card_prints_as_the_ktp_el_does() {
        let record = KtpRecord::example();
        let id = lines(&record, Lang::Id);
        let en = lines(&record, Lang::En);
        assert_eq!(id.len(), 16);
        assert_eq!(
            id.iter().map(|l| l.key).collect::<Vec<_>>(),
            en.iter().map(|l| l.key).collect::<Vec<_>>()
        );
        let value = |key: &str| {
            id.iter()
                .find(|l| l.key == key)
                .map(|l| l.value.clone())
                .expect("line")
        };
        assert_eq!(value("sex"), "Perempuan");
        assert_eq!(value("birth"), "PROBOLINGGO, 17-08-1995");
        let mut for_life = record.clone();
        for_life.valid_until = None;
        for_life.blood_type = None;
        let lines = lines(&for_life, Lang::En);
        assert!(
            lines
                .iter()
                .any(|l| l.key == "valid_until" && l.value == "SEUMUR HIDUP")
        );
        assert!(
            lines
                .iter()
                .any(|l| l.key == "blood_type" && l.value == "-")
        );
        assert!(lines.iter().any(|l| l.label == "Marital status"));
    }
}
