//! What the resident's activity history (Histori Aktivitas) records: the kinds of entry the
//! server writes and sends, with their stable codes and the title a screen shows for each. The
//! server stores and sends [`ActivityKind::code`]; serde reads and writes the same code and
//! refuses one this version does not know.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::{Lang, UnknownCode, pick};

/// A kind of activity-history entry. (Its JSON form is [`ActivityKind::code`], the variant's name
/// in snake case: the TypeScript union says the same.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename_all = "snake_case"))]
pub enum ActivityKind {
    /// A registration was sent.
    Registered,
    /// The operator approved the registration.
    RegistrationApproved,
    /// The registration was rejected (by the central checks or the operator).
    RegistrationRejected,
    /// The account was activated on a device.
    Activated,
    /// Signed in with the PIN.
    Login,
    /// A wrong PIN was entered.
    PinWrong,
    /// The PIN was locked for a while after wrong entries.
    PinLocked,
    /// The PIN was changed.
    PinChanged,
    /// A verifier checked the Digital KTP.
    Verified,
    /// The device was released (Lepas Perangkat).
    DeviceReleased,
    /// Fresh credentials were issued to the device.
    CredentialsIssued,
    /// A device change or PIN reset was started on a new device (a code was mailed).
    DeviceChangeStarted,
    /// The account moved to a new device.
    DeviceChanged,
    /// Online checks beyond the hourly limit were answered but not listed one by one; the
    /// entry's detail is how many.
    VerificationsNotRecorded,
    /// A device change was confirmed with the emailed code and now waits (the old device and the
    /// mailbox can cancel it until it completes).
    DeviceChangeWaiting,
    /// A waiting device change was cancelled (by the old device, the mailed link or an office).
    DeviceChangeCancelled,
}

impl ActivityKind {
    /// Every kind, in a stable order.
    pub const ALL: [ActivityKind; 16] = [
        ActivityKind::Registered,
        ActivityKind::RegistrationApproved,
        ActivityKind::RegistrationRejected,
        ActivityKind::Activated,
        ActivityKind::Login,
        ActivityKind::PinWrong,
        ActivityKind::PinLocked,
        ActivityKind::PinChanged,
        ActivityKind::Verified,
        ActivityKind::DeviceReleased,
        ActivityKind::CredentialsIssued,
        ActivityKind::DeviceChangeStarted,
        ActivityKind::DeviceChanged,
        ActivityKind::VerificationsNotRecorded,
        ActivityKind::DeviceChangeWaiting,
        ActivityKind::DeviceChangeCancelled,
    ];

    /// Stable code, as the server sends it (`registered`, `pin_wrong`, …).
    pub fn code(self) -> &'static str {
        match self {
            ActivityKind::Registered => "registered",
            ActivityKind::RegistrationApproved => "registration_approved",
            ActivityKind::RegistrationRejected => "registration_rejected",
            ActivityKind::Activated => "activated",
            ActivityKind::Login => "login",
            ActivityKind::PinWrong => "pin_wrong",
            ActivityKind::PinLocked => "pin_locked",
            ActivityKind::PinChanged => "pin_changed",
            ActivityKind::Verified => "verified",
            ActivityKind::DeviceReleased => "device_released",
            ActivityKind::CredentialsIssued => "credentials_issued",
            ActivityKind::DeviceChangeStarted => "device_change_started",
            ActivityKind::DeviceChanged => "device_changed",
            ActivityKind::VerificationsNotRecorded => "verifications_not_recorded",
            ActivityKind::DeviceChangeWaiting => "device_change_waiting",
            ActivityKind::DeviceChangeCancelled => "device_change_cancelled",
        }
    }

    /// The kind of code `code`; a code this version does not know is an [`UnknownCode`].
    pub fn from_code(code: &str) -> Result<ActivityKind, UnknownCode> {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or_else(|| UnknownCode {
                what: "activity kind",
                value: code.to_owned(),
            })
    }

    /// The entry's title in `lang`.
    pub fn label(self, lang: Lang) -> String {
        let (id, en) = match self {
            ActivityKind::Registered => ("Pendaftaran dikirim", "Registration sent"),
            ActivityKind::RegistrationApproved => {
                ("Pendaftaran disetujui", "Registration approved")
            }
            ActivityKind::RegistrationRejected => ("Pendaftaran ditolak", "Registration rejected"),
            ActivityKind::Activated => ("Akun diaktifkan", "Account activated"),
            ActivityKind::Login => ("Masuk dengan PIN", "Signed in with the PIN"),
            ActivityKind::PinWrong => ("PIN salah dimasukkan", "Wrong PIN entered"),
            ActivityKind::PinLocked => ("PIN dikunci sementara", "PIN temporarily locked"),
            ActivityKind::PinChanged => ("PIN diubah", "PIN changed"),
            ActivityKind::Verified => (
                "KTP Digital diperiksa oleh verifikator",
                "Digital KTP checked by a verifier",
            ),
            ActivityKind::DeviceReleased => ("Perangkat dilepas", "Device released"),
            ActivityKind::CredentialsIssued => (
                "KTP Digital diperbarui di perangkat",
                "Digital KTP refreshed on the device",
            ),
            ActivityKind::DeviceChangeStarted => (
                "Pindah perangkat dimulai, kode dikirim ke email",
                "Device change started, a code was emailed",
            ),
            ActivityKind::DeviceChanged => (
                "KTP Digital dipindahkan ke perangkat baru",
                "Digital KTP moved to a new device",
            ),
            ActivityKind::VerificationsNotRecorded => (
                "Pemeriksaan online lain dalam jam ini tidak dicatat satu per satu (lebih dari 20); jumlahnya:",
                "Further online checks within this hour not listed one by one (over 20); how many:",
            ),
            ActivityKind::DeviceChangeWaiting => (
                "Pindah perangkat dikonfirmasi, menunggu masa tunggu",
                "Device change confirmed, waiting period running",
            ),
            ActivityKind::DeviceChangeCancelled => {
                ("Pindah perangkat dibatalkan", "Device change cancelled")
            }
        };
        pick(lang, id.into(), en.into())
    }
}

impl std::str::FromStr for ActivityKind {
    type Err = UnknownCode;

    /// As [`ActivityKind::from_code`].
    fn from_str(code: &str) -> Result<ActivityKind, UnknownCode> {
        ActivityKind::from_code(code)
    }
}

impl Serialize for ActivityKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ActivityKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = std::borrow::Cow::<'de, str>::deserialize(d)?;
        ActivityKind::from_code(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ActivityKind {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("What happened (a kind of activity-history entry)."))
            .enum_values(Some(ActivityKind::ALL.map(ActivityKind::code)))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ActivityKind {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_code_and_has_both_languages() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::from_code(kind.code()), Ok(kind));
            assert_ne!(kind.label(Lang::Id), kind.label(Lang::En));
        }
        let mut codes: Vec<_> = ActivityKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ActivityKind::ALL.len());
        let unknown = ActivityKind::from_code("moon_landing").expect_err("unknown");
        assert_eq!(
            (unknown.what, unknown.value.as_str()),
            ("activity kind", "moon_landing")
        );
    }

    #[test]
    fn the_json_form_is_the_code_and_unknown_codes_are_refused() {
        for kind in ActivityKind::ALL {
            let json = serde_json::to_string(&kind).expect("json");
            assert_eq!(json, format!("\"{}\"", kind.code()));
            assert_eq!(
                serde_json::from_str::<ActivityKind>(&json).expect("back"),
                kind
            );
        }
        let err = serde_json::from_str::<ActivityKind>("\"moon_landing\"").expect_err("unknown");
        assert!(err.to_string().contains("moon_landing"), "{err}");
    }

    proptest! {
        #[test]
        fn a_code_parses_only_to_the_kind_it_names(code in "[a-z_]{0,24}") {
            match ActivityKind::from_code(&code) {
                Ok(kind) => prop_assert_eq!(kind.code(), code.as_str()),
                Err(e) => prop_assert_eq!(e.value, code),
            }
        }
    }
}
