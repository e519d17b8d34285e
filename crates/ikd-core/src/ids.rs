//! The ids the SIAK server hands out and the app keeps: a registration, a challenge (login or
//! liveness) and a device change (recovery). Each is 16 random bytes written as 32 hex digits;
//! each has its own type so one can never be passed where another is meant.
//!
//! Parse, don't validate: [`str::parse`] is the only way in from text, it accepts upper or lower
//! case and keeps the id in canonical lower case ([`fmt::Display`] writes it back), and serde
//! reads and writes the same string, refusing a malformed one. The server parses the ids a person
//! or a client sends with [`str::parse`] and answers a malformed one as it answers an unknown one.
//! With the `ts` feature each is a TypeScript `string` (the app's views carry them).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

/// The regular expression every id matches (the OpenAPI document's `pattern`).
pub const ID_PATTERN: &str = "^[0-9a-fA-F]{32}$";

/// Text that is not an id of the expected kind: not exactly 32 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("not a {what} (32 hex digits)")]
pub struct MalformedId {
    /// Which id was expected (`registration id`, `challenge id`, `recovery id`).
    pub what: &'static str,
}

/// The 16 bytes of a 32-hex-digit id, or why the text is not one.
fn parse_hex16(text: &str, what: &'static str) -> Result<[u8; 16], MalformedId> {
    let malformed = MalformedId { what };
    let raw = text.as_bytes();
    if raw.len() != 32 {
        return Err(malformed);
    }
    let nibble = |c: u8| (c as char).to_digit(16).ok_or(malformed);
    let mut bytes = [0u8; 16];
    for (byte, pair) in bytes.iter_mut().zip(raw.chunks_exact(2)) {
        *byte = u8::try_from((nibble(pair[0])? << 4) | nibble(pair[1])?).map_err(|_| malformed)?;
    }
    Ok(bytes)
}

/// Writes `bytes` as lower-case hex.
fn write_hex(bytes: &[u8; 16], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    bytes.iter().try_for_each(|b| write!(f, "{b:02x}"))
}

macro_rules! hex_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        pub struct $name([u8; 16]);

        impl $name {
            /// The id of these 16 bytes (the server draws them at random).
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                $name(bytes)
            }

            /// The 16 bytes (not the text a device proof signs: that is the hex, `to_string()`).
            pub fn bytes(&self) -> [u8; 16] {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = MalformedId;

            /// 32 hex digits, upper or lower case.
            fn from_str(text: &str) -> Result<Self, MalformedId> {
                parse_hex16(text, $what).map($name)
            }
        }

        impl fmt::Display for $name {
            /// 32 lower-case hex digits.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_hex(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({self})", stringify!($name))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                id_schema($what)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

/// The OpenAPI schema of an id: a string of 32 hex digits.
#[cfg(feature = "openapi")]
fn id_schema(what: &str) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(format!("A {what}: 32 hex digits.")))
        .pattern(Some(ID_PATTERN))
        .into()
}

hex_id!(
    /// A registration (`POST /v1/registrations`), as the app follows it and the operator decides it.
    RegistrationId,
    "registration id"
);

hex_id!(
    /// A single-use challenge: a login challenge (`POST /v1/login/challenge`) or a liveness
    /// challenge (`POST /v1/liveness/challenges`); both are drawn the same way.
    ChallengeId,
    "challenge id"
);

hex_id!(
    /// A device change or PIN reset waiting for its emailed code (`POST /v1/recovery`).
    RecoveryId,
    "recovery id"
);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn an_id_reads_in_either_case_and_writes_lower_case() {
        let id: RegistrationId = "00FFab0123456789abcdefABCDEF0a1b".parse().expect("id");
        assert_eq!(id.to_string(), "00ffab0123456789abcdefabcdef0a1b");
        assert_eq!(id.bytes()[1], 0xff);
        assert_eq!(
            serde_json::to_string(&id).expect("json"),
            "\"00ffab0123456789abcdefabcdef0a1b\""
        );
        assert_eq!(
            format!("{:?}", ChallengeId::from_bytes([1; 16])),
            "ChallengeId(01010101010101010101010101010101)"
        );
    }

    #[test]
    fn malformed_ids_are_refused_with_what_was_expected() {
        for bad in [
            "",
            "00",
            "0123456789abcdef0123456789abcde",
            "0123456789abcdef0123456789abcdef0",
            "0123456789abcdef0123456789abcdeg",
            "+123456789abcdef0123456789abcdef",
            " 0123456789abcdef0123456789abcde",
            "0123456789abcdéf0123456789abcde",
        ] {
            assert_eq!(
                bad.parse::<RecoveryId>(),
                Err(MalformedId {
                    what: "recovery id"
                }),
                "{bad:?}"
            );
            let json = serde_json::to_string(bad).expect("json");
            let err = serde_json::from_str::<RegistrationId>(&json).expect_err("malformed");
            assert!(err.to_string().contains("registration id"), "{err}");
        }
        assert!(serde_json::from_str::<ChallengeId>("7").is_err());
    }

    proptest! {
        #[test]
        fn every_id_round_trips_through_text_and_json(bytes in any::<[u8; 16]>()) {
            let id = ChallengeId::from_bytes(bytes);
            let text = id.to_string();
            prop_assert_eq!(text.len(), 32);
            prop_assert_eq!(text.parse::<ChallengeId>(), Ok(id));
            prop_assert_eq!(text.to_uppercase().parse::<ChallengeId>(), Ok(id));
            let json = serde_json::to_string(&id).expect("json");
            prop_assert_eq!(serde_json::from_str::<ChallengeId>(&json).expect("back"), id);
        }

        #[test]
        fn text_parses_only_when_it_is_32_hex_digits(text in "\\PC{0,40}|[0-9a-fA-F]{30,34}|[0-9a-gA-G]{32}") {
            let is_id = text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit());
            match text.parse::<RegistrationId>() {
                Ok(id) => {
                    prop_assert!(is_id);
                    prop_assert_eq!(id.to_string(), text.to_ascii_lowercase());
                }
                Err(e) => {
                    prop_assert!(!is_id);
                    prop_assert_eq!(e.what, "registration id");
                }
            }
        }
    }
}
