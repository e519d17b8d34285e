//! Region names for the codes inside a NIK, from the embedded administrative area table
//! (`regions_table.rs`, generated from `idn-area-data`, ODbL), plus the few code changes in its
//! history that make an old NIK name a different place than today's table says.

use super::regions_table::{DISTRICTS, PROVINCES, REGENCIES};

/// Looks a code up in a table sorted by code.
fn find<K: Ord + Copy>(table: &'static [(K, &'static str)], code: K) -> Option<&'static str> {
    table
        .binary_search_by_key(&code, |&(c, _)| c)
        .ok()
        .map(|i| table[i].1)
}

/// Today's name of province `pp`, if the code exists today.
pub fn province_name(pp: u8) -> Option<&'static str> {
    find(PROVINCES, pp)
}

/// Today's name of regency (kabupaten/kota) `pprr`, if the code exists today.
pub fn regency_name(pprr: u16) -> Option<&'static str> {
    find(REGENCIES, pprr)
}

/// Today's name of district (kecamatan) `pprrdd`, if the code exists today.
pub fn district_name(pprrdd: u32) -> Option<&'static str> {
    find(DISTRICTS, pprrdd)
}

/// A province code whose meaning changed: NIKs registered before `changed_in` used it for
/// `former_name`. NIKs keep the code of first registration, and the NIK itself does not say when
/// that was, so a verifier cannot tell which one is meant; we say so instead of guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProvinceCodeChange {
    /// The province code.
    pub code: u8,
    /// What the code named before the change.
    pub former_name: &'static str,
    /// Year of the change.
    pub changed_in: u16,
}

/// Known reassignments of province codes.
///
/// * 2022: Papua was split (Papua Selatan, Papua Tengah, Papua Pegunungan, then Papua Barat Daya)
///   and the codes 91–96 renumbered: 91 was Papua Barat and is now Papua; 94 was Papua and is now
///   Papua Tengah.
/// * 2012: Kalimantan Utara (65) was split off Kalimantan Timur (64). The code 65 is new, so it is
///   unambiguous, but NIKs from Bulungan, Malinau, Nunukan, Tana Tidung and Tarakan registered
///   before 2012 carry 64 with regency codes that today's table no longer lists under 64.
pub const PROVINCE_CODE_CHANGES: &[ProvinceCodeChange] = &[
    ProvinceCodeChange {
        code: 64,
        former_name: "Kalimantan Timur (termasuk wilayah Kalimantan Utara sekarang)",
        changed_in: 2012,
    },
    ProvinceCodeChange {
        code: 91,
        former_name: "Papua Barat",
        changed_in: 2022,
    },
    ProvinceCodeChange {
        code: 94,
        former_name: "Papua",
        changed_in: 2022,
    },
];

/// The change that affects province `pp`, if any.
pub fn province_code_change(pp: u8) -> Option<&'static ProvinceCodeChange> {
    PROVINCE_CODE_CHANGES.iter().find(|c| c.code == pp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(PROVINCES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(REGENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(DISTRICTS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_five_seed_offices_are_in_the_table() {
        assert_eq!(regency_name(3574), Some("Kota Probolinggo"));
        assert_eq!(regency_name(1223), Some("Kabupaten Labuhanbatu Utara"));
        assert_eq!(regency_name(1376), Some("Kota Payakumbuh"));
        assert_eq!(regency_name(1207), Some("Kabupaten Deli Serdang"));
        assert_eq!(regency_name(5171), Some("Kota Denpasar"));
    }

    #[test]
    fn every_regency_and_district_belongs_to_a_listed_parent() {
        assert!(
            REGENCIES
                .iter()
                .all(|&(c, _)| province_name((c / 100) as u8).is_some())
        );
        assert!(
            DISTRICTS
                .iter()
                .all(|&(c, _)| regency_name((c / 100) as u16).is_some())
        );
    }

    #[test]
    fn papua_codes_today_follow_the_2022_renumbering() {
        assert_eq!(province_name(91), Some("Papua"));
        assert_eq!(province_name(94), Some("Papua Tengah"));
        assert_eq!(province_name(65), Some("Kalimantan Utara"));
        assert_eq!(
            province_code_change(91).map(|c| c.former_name),
            Some("Papua Barat")
        );
        assert!(province_code_change(32).is_none());
    }
}
