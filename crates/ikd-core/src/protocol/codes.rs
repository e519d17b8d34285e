//! The emailed **activation code** the resident types (the registration QR the operator scans is
//! in [`super::registration_qr`]).

use std::fmt;

use thiserror::Error;

use crate::i18n::{Lang, Localized, pick};

/// Letters and digits that cannot be confused when read from an email: no 0/O, 1/I/L.
pub const ACTIVATION_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in an activation code (31^8 ≈ 8.5 × 10^11 codes; 5 wrong tries burn a code).
pub const ACTIVATION_CODE_LEN: usize = 8;

/// An activation code, normalised to 8 upper-case characters; shown as `ABCD-EFGH`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActivationCode(String);

impl fmt::Debug for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ActivationCode(…)")
    }
}

impl fmt::Display for ActivationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..4], &self.0[4..])
    }
}

/// Why a typed activation code is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    /// Not 8 characters after removing spaces and dashes.
    #[error("activation code must have 8 characters, found {found}")]
    ActivationWrongLength {
        /// Characters found.
        found: usize,
    },
    /// A character that never appears in a code.
    #[error("activation code cannot contain {0:?}")]
    ActivationBadCharacter(char),
}

impl Localized for CodeError {
    fn code(&self) -> &'static str {
        match self {
            CodeError::ActivationWrongLength { .. } => "activation_code_wrong_length",
            CodeError::ActivationBadCharacter(_) => "activation_code_bad_character",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            CodeError::ActivationWrongLength { found } => pick(
                lang,
                format!(
                    "Kode aktivasi terdiri dari 8 huruf/angka (contoh ABCD-EFGH); yang dimasukkan {found}."
                ),
                format!(
                    "The activation code has 8 letters/digits (like ABCD-EFGH); you entered {found}."
                ),
            ),
            CodeError::ActivationBadCharacter(c) => pick(
                lang,
                format!("Kode aktivasi tidak memuat \"{c}\". Salin kode persis dari email."),
                format!(
                    "Activation codes never contain \"{c}\". Copy the code exactly from the email."
                ),
            ),
        }
    }
}

impl ActivationCode {
    /// Parses a code as typed: case-insensitive, spaces and dashes ignored.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let mut code = String::with_capacity(ACTIVATION_CODE_LEN);
        let mut found = 0usize;
        for c in input.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let upper = c.to_ascii_uppercase();
            if !upper.is_ascii() || !ACTIVATION_ALPHABET.contains(&(upper as u8)) {
                return Err(CodeError::ActivationBadCharacter(c));
            }
            found += 1;
            if found <= ACTIVATION_CODE_LEN {
                code.push(upper);
            }
        }
        if found != ACTIVATION_CODE_LEN {
            return Err(CodeError::ActivationWrongLength { found });
        }
        Ok(ActivationCode(code))
    }

    /// Makes a code from random bytes (the caller's random source); rejection sampling keeps it
    /// uniform. Returns `None` if the bytes ran out (give at least 16).
    pub fn from_random(bytes: &[u8]) -> Option<Self> {
        let n = ACTIVATION_ALPHABET.len() as u8;
        let limit = 256 - 256 % u16::from(n);
        let code: String = bytes
            .iter()
            .filter(|&&b| u16::from(b) < limit)
            .take(ACTIVATION_CODE_LEN)
            .map(|&b| char::from(ACTIVATION_ALPHABET[usize::from(b % n)]))
            .collect();
        (code.len() == ACTIVATION_CODE_LEN).then_some(ActivationCode(code))
    }

    /// The 8 characters without the dash (what is hashed and stored).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        let code = ActivationCode::parse(" abcd-efgh ").expect("valid");
        assert_eq!(code.as_str(), "ABCDEFGH");
        assert_eq!(code.to_string(), "ABCD-EFGH");
        assert_eq!(
            ActivationCode::parse("ABCD EFG"),
            Err(CodeError::ActivationWrongLength { found: 7 })
        );
        assert_eq!(
            ActivationCode::parse("ABCD-EFG0"),
            Err(CodeError::ActivationBadCharacter('0'))
        );
        assert_eq!(
            ActivationCode::parse("ABCDEFGHJ"),
            Err(CodeError::ActivationWrongLength { found: 9 })
        );
    }

    #[test]
    fn random_codes_use_only_the_alphabet() {
        let code =
            ActivationCode::from_random(&(0u8..=255).collect::<Vec<_>>()).expect("enough bytes");
        assert!(
            code.as_str()
                .bytes()
                .all(|b| ACTIVATION_ALPHABET.contains(&b))
        );
        assert_eq!(
            ActivationCode::from_random(&[255; 64]),
            None,
            "all rejected"
        );
    }

    proptest! {
        #[test]
        fn parsed_codes_reparse_to_themselves(s in "\\PC{0,20}") {
            if let Ok(code) = ActivationCode::parse(&s) {
                prop_assert_eq!(ActivationCode::parse(&code.to_string()), Ok(code));
            }
        }

        #[test]
        fn random_bytes_make_valid_codes(bytes in proptest::collection::vec(any::<u8>(), 16..64)) {
            if let Some(code) = ActivationCode::from_random(&bytes) {
                prop_assert_eq!(ActivationCode::parse(code.as_str()), Ok(code));
            }
        }
    }
}
