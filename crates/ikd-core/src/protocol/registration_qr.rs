//! The **registration QR**: what the app shows while a registration waits for its operator, and
//! the operator scans at the office (or over a video call) to approve it. It is a proof of
//! presence: only the phone holding the registered device key can make it, and only for the
//! current 30-second window, so approving needs the resident's phone in front of the officer —
//! the registration id alone (what the operator's queue shows) makes no QR.
//!
//! Text: `IKDREG2:<registration id, 32 hex>.<window, decimal>.<signature, 86 base64url>` where
//! `window = floor(unix_time / 30)` and the signature is a [`DeviceProof`] with purpose
//! [`ProofPurpose::Presence`] over [`presence_challenge`] (the 16 id bytes, then the window as 8
//! big-endian bytes). The NIK is inside the signed bytes too (every device proof names it), so
//! the server checks it against the registration's NIK and key. Version 1 (`IKDREG1:` + the id
//! alone) was no proof of anything and is refused as [`RegistrationQrError::Outdated`].

use std::fmt;

use chrono::{DateTime, Utc};
use thiserror::Error;

use super::device_proof::{DeviceProof, ProofPurpose};
use crate::RegistrationId;
use crate::credential::{DevicePublicKey, DeviceSigningKey};
use crate::i18n::{Lang, Localized, pick};

/// Seconds in one window: the QR the app shows changes this often.
pub const WINDOW_SECS: i64 = 30;

/// Longest window text accepted (a `u64` has at most 20 digits).
const MAX_WINDOW_DIGITS: usize = 20;

/// The window `now` falls in: `floor(unix_time / 30)` (0 before 1970).
pub fn window_of(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp().div_euclid(WINDOW_SECS)).unwrap_or(0)
}

/// Seconds until the window `now` falls in ends (1 to 30): when the app remakes the QR.
pub fn seconds_left(now: DateTime<Utc>) -> u32 {
    let left = WINDOW_SECS - now.timestamp().rem_euclid(WINDOW_SECS);
    u32::try_from(left).unwrap_or(30)
}

/// The challenge a presence proof signs: the 16 registration id bytes, then the window as 8
/// big-endian bytes (always 24 bytes).
pub fn presence_challenge(registration_id: RegistrationId, window: u64) -> [u8; 24] {
    let mut challenge = [0u8; 24];
    challenge[..16].copy_from_slice(&registration_id.bytes());
    challenge[16..].copy_from_slice(&window.to_be_bytes());
    challenge
}

/// A parsed registration QR: well formed, not yet checked against a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationQr {
    registration_id: RegistrationId,
    window: u64,
    proof: DeviceProof,
}

/// Why a scanned registration QR is refused. The first five are about the text, the rest about
/// the registration it was scanned for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RegistrationQrError {
    /// `IKDREG1:`: made by an app from before proofs of presence.
    #[error("registration QR of version 1: the app needs an update")]
    Outdated,
    /// Does not start with `IKDREG2:` (or is not three dot-separated parts after it).
    #[error("not an IKD registration QR")]
    NotRegistrationQr,
    /// The id part is not 32 hex digits.
    #[error("registration QR: the id is not 32 hex digits")]
    BadId,
    /// The window part is not a decimal number without leading zeros.
    #[error("registration QR: the window is not a number")]
    BadWindow,
    /// The signature part is not 64 bytes of unpadded base64url.
    #[error("registration QR: the signature is not 64 bytes of base64url")]
    BadSignature,
    /// The QR names another registration than the one being approved.
    #[error("registration QR of another registration")]
    Mismatch,
    /// Made more than one window (30 s) before now.
    #[error("registration QR expired")]
    Expired,
    /// Made for a window after now's: the phone's clock is ahead.
    #[error("registration QR made for a later time")]
    ClockAhead,
    /// The signature is not the registered device's over this registration and window.
    #[error("registration QR not signed by the registered phone")]
    Invalid,
}

impl RegistrationQrError {
    /// Whether the text itself is at fault (`registration_qr_malformed`).
    pub fn is_malformed(self) -> bool {
        matches!(
            self,
            Self::NotRegistrationQr | Self::BadId | Self::BadWindow | Self::BadSignature
        )
    }
}

impl Localized for RegistrationQrError {
    fn code(&self) -> &'static str {
        match self {
            Self::Outdated => "registration_qr_outdated",
            Self::NotRegistrationQr | Self::BadId | Self::BadWindow | Self::BadSignature => {
                "registration_qr_malformed"
            }
            Self::Mismatch => "registration_qr_mismatch",
            Self::Expired => "registration_qr_expired",
            Self::ClockAhead => "registration_qr_clock_ahead",
            Self::Invalid => "registration_qr_invalid",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let (id, en) = match self {
            Self::Outdated => (
                "QR ini dibuat oleh aplikasi IKD versi lama. Minta penduduk memperbarui aplikasi, lalu pindai QR yang baru.",
                "This QR was made by an old version of the IKD app. Ask the resident to update the app, then scan the new QR.",
            ),
            Self::NotRegistrationQr => (
                "Ini bukan kode QR pendaftaran IKD.",
                "This is not an IKD registration QR code.",
            ),
            Self::BadId | Self::BadWindow | Self::BadSignature => (
                "Kode QR pendaftaran tidak terbaca utuh. Pindai lagi QR di layar HP penduduk.",
                "The registration QR was not read whole. Scan the QR on the resident's phone again.",
            ),
            Self::Mismatch => (
                "Kode QR yang dipindai milik pendaftaran lain. Pindai QR di layar HP penduduk ini.",
                "The scanned QR belongs to another registration. Scan the QR on this resident's phone.",
            ),
            Self::Expired => (
                "Kode QR sudah kedaluwarsa. Minta penduduk menampilkan QR lagi, lalu pindai segera.",
                "The QR has expired. Ask the resident to show the QR again, then scan it at once.",
            ),
            Self::ClockAhead => (
                "Jam di HP penduduk lebih cepat dari jam server. Minta penduduk mengatur waktu HP secara otomatis, lalu pindai lagi.",
                "The resident's phone clock is ahead of the server's. Ask the resident to set the phone's time automatically, then scan again.",
            ),
            Self::Invalid => (
                "Kode QR ini tidak dibuat oleh HP yang mendaftar. Pindai QR langsung dari HP penduduk.",
                "This QR was not made by the phone that registered. Scan the QR directly from the resident's phone.",
            ),
        };
        pick(lang, id.into(), en.into())
    }
}

impl RegistrationQr {
    /// Prefix of the QR text.
    pub const PREFIX: &'static str = "IKDREG2:";
    /// Prefix of version 1, refused as [`RegistrationQrError::Outdated`].
    pub const PREFIX_V1: &'static str = "IKDREG1:";

    /// The QR the phone shows at `now`: the device key signs the registration id and the
    /// current window for the resident `nik`.
    pub fn make(
        key: &DeviceSigningKey,
        nik: &str,
        registration_id: RegistrationId,
        now: DateTime<Utc>,
    ) -> Self {
        let window = window_of(now);
        let challenge = presence_challenge(registration_id, window);
        RegistrationQr {
            registration_id,
            window,
            proof: DeviceProof::sign(key, ProofPurpose::Presence, nik, &challenge),
        }
    }

    /// Parses a scanned or pasted text. Surrounding whitespace is ignored; the prefix is upper
    /// case, the id hex of either case, the window decimal without leading zeros, the signature
    /// canonical unpadded base64url (case matters).
    pub fn parse(text: &str) -> Result<Self, RegistrationQrError> {
        let text = text.trim();
        if text.starts_with(Self::PREFIX_V1) {
            return Err(RegistrationQrError::Outdated);
        }
        let rest = text
            .strip_prefix(Self::PREFIX)
            .ok_or(RegistrationQrError::NotRegistrationQr)?;
        let mut parts = rest.split('.');
        let (Some(id), Some(window), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(RegistrationQrError::NotRegistrationQr);
        };
        let registration_id = id.parse().map_err(|_| RegistrationQrError::BadId)?;
        let canonical = !window.is_empty()
            && window.len() <= MAX_WINDOW_DIGITS
            && window.bytes().all(|b| b.is_ascii_digit())
            && (window == "0" || !window.starts_with('0'));
        let window = canonical
            .then(|| window.parse::<u64>().ok())
            .flatten()
            .ok_or(RegistrationQrError::BadWindow)?;
        let proof = signature
            .parse()
            .map_err(|_| RegistrationQrError::BadSignature)?;
        Ok(RegistrationQr {
            registration_id,
            window,
            proof,
        })
    }

    /// Checks the QR for the registration `registration_id` of `nik` with device `key` at `now`:
    /// the id must be that registration's, the window now's or the one before (up to 60 s), the
    /// signature the device's. Checked in that order; the first failure is the answer.
    pub fn verify(
        &self,
        key: &DevicePublicKey,
        nik: &str,
        registration_id: RegistrationId,
        now: DateTime<Utc>,
    ) -> Result<(), RegistrationQrError> {
        if self.registration_id != registration_id {
            return Err(RegistrationQrError::Mismatch);
        }
        let current = window_of(now);
        if self.window > current {
            return Err(RegistrationQrError::ClockAhead);
        }
        if current - self.window > 1 {
            return Err(RegistrationQrError::Expired);
        }
        let challenge = presence_challenge(registration_id, self.window);
        self.proof
            .verify(key, ProofPurpose::Presence, nik, &challenge)
            .map_err(|_| RegistrationQrError::Invalid)
    }

    /// The registration the QR names.
    pub fn registration_id(&self) -> RegistrationId {
        self.registration_id
    }

    /// The window it was made for.
    pub fn window(&self) -> u64 {
        self.window
    }
}

impl fmt::Display for RegistrationQr {
    /// `IKDREG2:` + the id in upper-case hex + `.` + the window + `.` + the signature.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::PREFIX)?;
        self.registration_id
            .bytes()
            .iter()
            .try_for_each(|b| write!(f, "{b:02X}"))?;
        write!(f, ".{}.{}", self.window, self.proof)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;
    use crate::protocol::device_proof::proof_message;

    const NIK: &str = "3574015708950002";

    fn id() -> RegistrationId {
        RegistrationId::from_bytes([0xab; 16])
    }

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).single().expect("time")
    }

    fn key() -> DeviceSigningKey {
        DeviceSigningKey::from_seed(&[7; 32])
    }

    #[test]
    fn windows_are_30_seconds_and_count_down() {
        assert_eq!(window_of(at(0)), 0);
        assert_eq!(window_of(at(29)), 0);
        assert_eq!(window_of(at(30)), 1);
        assert_eq!(window_of(at(-5)), 0);
        assert_eq!(seconds_left(at(30)), 30);
        assert_eq!(seconds_left(at(59)), 1);
    }

    #[test]
    fn the_text_has_the_documented_form() {
        let qr = RegistrationQr::make(&key(), NIK, id(), at(1_800_000_000));
        let text = qr.to_string();
        let (head, signature) = text.rsplit_once('.').expect("three parts");
        assert_eq!(head, format!("IKDREG2:{}.60000000", "AB".repeat(16)));
        assert_eq!(signature.len(), 86);
        assert_eq!(RegistrationQr::parse(&format!("  {text}\n")), Ok(qr));
        let lower_id = text.replace(&"AB".repeat(16), &"ab".repeat(16));
        assert_eq!(RegistrationQr::parse(&lower_id), Ok(qr));
        assert_eq!(qr.registration_id(), id());
        assert_eq!(qr.window(), 60_000_000);
        // 136 characters: a version-8 symbol (49 × 49 modules) at level M.
        assert_eq!(text.len(), 136);
        let image = crate::qr::QrImage::any_text(&text).expect("encodes");
        assert!(image.version() <= 8, "{}", image.version());
    }

    #[test]
    fn the_signed_bytes_are_the_presence_purpose_over_id_and_window() {
        let challenge = presence_challenge(id(), 0x0102);
        assert_eq!(&challenge[..16], &[0xab; 16]);
        assert_eq!(&challenge[16..], &[0, 0, 0, 0, 0, 0, 1, 2]);
        let message = proof_message(ProofPurpose::Presence, NIK, &challenge);
        assert!(message.starts_with(b"IKD-DEVICE-PROOF-v1\0presence\x003574015708950002\0"));
        // The same bytes under another purpose are another message.
        assert_ne!(
            message,
            proof_message(ProofPurpose::Activate, NIK, &challenge)
        );
    }

    #[test]
    fn every_malformed_form_gets_its_error() {
        let good = RegistrationQr::make(&key(), NIK, id(), at(1_800_000_000)).to_string();
        let (_, sig) = good.rsplit_once('.').expect("parts");
        let hex = "AB".repeat(16);
        let cases: Vec<(String, RegistrationQrError)> = vec![
            (format!("IKDREG1:{hex}"), RegistrationQrError::Outdated),
            (String::new(), RegistrationQrError::NotRegistrationQr),
            ("IKD1:ABCD".into(), RegistrationQrError::NotRegistrationQr),
            (good.to_lowercase(), RegistrationQrError::NotRegistrationQr),
            (
                format!("IKDREG3:{hex}.1.{sig}"),
                RegistrationQrError::NotRegistrationQr,
            ),
            (
                format!("IKDREG2:{hex}.1"),
                RegistrationQrError::NotRegistrationQr,
            ),
            (
                format!("IKDREG2:{hex}.1.{sig}.x"),
                RegistrationQrError::NotRegistrationQr,
            ),
            (
                format!("IKDREG2:{}.1.{sig}", "G".repeat(32)),
                RegistrationQrError::BadId,
            ),
            (
                format!("IKDREG2:{}.1.{sig}", "A".repeat(31)),
                RegistrationQrError::BadId,
            ),
            (
                format!("IKDREG2:{hex}..{sig}"),
                RegistrationQrError::BadWindow,
            ),
            (
                format!("IKDREG2:{hex}.01.{sig}"),
                RegistrationQrError::BadWindow,
            ),
            (
                format!("IKDREG2:{hex}.+1.{sig}"),
                RegistrationQrError::BadWindow,
            ),
            (
                format!("IKDREG2:{hex}.-1.{sig}"),
                RegistrationQrError::BadWindow,
            ),
            (
                format!("IKDREG2:{hex}.99999999999999999999.{sig}"),
                RegistrationQrError::BadWindow,
            ),
            (
                format!("IKDREG2:{hex}.1.{}", &sig[1..]),
                RegistrationQrError::BadSignature,
            ),
            (
                format!("IKDREG2:{hex}.1.{sig}=="),
                RegistrationQrError::BadSignature,
            ),
            (
                format!("IKDREG2:{hex}.1.{}", sig.replace(['-', '_'], "+")),
                RegistrationQrError::BadSignature,
            ),
            (
                format!("IKDREG2:{hex}.1."),
                RegistrationQrError::BadSignature,
            ),
        ];
        for (text, error) in cases {
            assert_eq!(RegistrationQr::parse(&text), Err(error), "{text}");
        }
        // The last character carries 4 padding bits, all zero; a non-zero one is a second
        // spelling of the same signature: refused.
        let last = sig.chars().last().expect("char");
        let respelt = char::from(u8::try_from(u32::from(last) + 1).expect("ascii"));
        let text = format!("IKDREG2:{hex}.1.{}{respelt}", &sig[..85]);
        assert_eq!(
            RegistrationQr::parse(&text),
            Err(RegistrationQrError::BadSignature)
        );
    }

    #[test]
    fn verification_takes_this_registration_this_device_now_or_the_window_before() {
        let t = at(1_800_000_000);
        let key = key();
        let public = key.public_key();
        let qr = RegistrationQr::make(&key, NIK, id(), t);
        assert_eq!(qr.verify(&public, NIK, id(), t), Ok(()));
        assert_eq!(qr.verify(&public, NIK, id(), at(1_800_000_059)), Ok(()));
        assert_eq!(
            qr.verify(&public, NIK, id(), at(1_800_000_060)),
            Err(RegistrationQrError::Expired)
        );
        assert_eq!(
            qr.verify(&public, NIK, id(), at(1_799_999_999)),
            Err(RegistrationQrError::ClockAhead)
        );
        let other_id = RegistrationId::from_bytes([0xcd; 16]);
        assert_eq!(
            qr.verify(&public, NIK, other_id, t),
            Err(RegistrationQrError::Mismatch)
        );
        let other_key = DeviceSigningKey::from_seed(&[8; 32]).public_key();
        assert_eq!(
            qr.verify(&other_key, NIK, id(), t),
            Err(RegistrationQrError::Invalid)
        );
        assert_eq!(
            qr.verify(&public, "3574015708950003", id(), t),
            Err(RegistrationQrError::Invalid)
        );
        // A window moved in the text no longer matches the signature.
        let moved = qr.to_string().replace(".60000000.", ".60000001.");
        let moved = RegistrationQr::parse(&moved).expect("well formed");
        assert_eq!(
            moved.verify(&public, NIK, id(), t + chrono::TimeDelta::seconds(30)),
            Err(RegistrationQrError::Invalid)
        );
    }

    #[test]
    fn every_error_has_a_code_and_two_languages() {
        use RegistrationQrError::*;
        for e in [
            Outdated,
            NotRegistrationQr,
            BadId,
            BadWindow,
            BadSignature,
            Mismatch,
            Expired,
            ClockAhead,
            Invalid,
        ] {
            assert!(e.code().starts_with("registration_qr_"));
            assert_ne!(e.message(Lang::Id), e.message(Lang::En));
            assert_eq!(e.code() == "registration_qr_malformed", e.is_malformed());
        }
    }

    proptest! {
        #[test]
        fn made_qrs_round_trip(id in any::<[u8; 16]>(), secs in 0i64..4_000_000_000, seed in any::<[u8; 32]>()) {
            let key = DeviceSigningKey::from_seed(&seed);
            let id = RegistrationId::from_bytes(id);
            let now = at(secs);
            let qr = RegistrationQr::make(&key, NIK, id, now);
            prop_assert_eq!(RegistrationQr::parse(&qr.to_string()), Ok(qr));
            prop_assert_eq!(qr.verify(&key.public_key(), NIK, id, now), Ok(()));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,160}") {
            let _ = RegistrationQr::parse(&s);
        }

        #[test]
        fn arbitrary_parts_after_the_prefix_never_panic(id in "[0-9A-Fa-g]{0,34}", w in "[0-9+-]{0,22}", sig in "[A-Za-z0-9_=+/-]{0,90}") {
            if let Ok(qr) = RegistrationQr::parse(&format!("IKDREG2:{id}.{w}.{sig}")) {
                prop_assert_eq!(RegistrationQr::parse(&qr.to_string()), Ok(qr));
            }
        }
    }
}
