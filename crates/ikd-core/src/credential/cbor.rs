//! Small strict CBOR and COSE_Sign1 helpers shared by issuing, presenting and verifying.
//!
//! Decoding here is for untrusted bytes: it must never panic, never trust a declared length and
//! never accept duplicate or unknown map keys. Signatures are always checked over the bytes as
//! received, never over a re-encoding.

use ciborium::Value;
use coset::iana;
use coset::{AsCborValue, CoseSign1, CoseSign1Builder, HeaderBuilder};

use super::error::{FormatError, MalformedLayer};
use super::keys::verify_with_checked_key;

/// CBOR tag 18: COSE_Sign1.
pub(crate) const COSE_SIGN1_TAG: u64 = 18;

/// No map of this format has more entries; bounding it keeps the duplicate check cheap.
const MAX_MAP_ENTRIES: usize = 32;

/// Our own structure could not be encoded (cannot happen with well-formed values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EncodeError;

/// Encodes a CBOR value.
pub(crate) fn encode(value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).map_err(|_| EncodeError)?;
    Ok(out)
}

/// Decodes exactly one CBOR item, refusing trailing bytes.
pub(crate) fn decode(mut bytes: &[u8], layer: MalformedLayer) -> Result<Value, FormatError> {
    let value: Value = ciborium::de::from_reader(&mut bytes)
        .map_err(|_| FormatError::at(layer, "not well-formed CBOR"))?;
    if bytes.is_empty() {
        Ok(value)
    } else {
        Err(FormatError::at(layer, "trailing bytes after the CBOR item"))
    }
}

/// An integer-keyed (`i64`) or text-keyed CBOR map being taken apart field by field.
pub(crate) struct Fields<K> {
    entries: Vec<(K, Value)>,
    layer: MalformedLayer,
}

impl Fields<i64> {
    /// A map whose keys are all integers, without duplicates.
    pub(crate) fn int_keys(value: Value, layer: MalformedLayer) -> Result<Self, FormatError> {
        Self::collect(value, layer, |key| match key {
            Value::Integer(i) => i64::try_from(i).ok(),
            _ => None,
        })
    }
}

impl Fields<String> {
    /// A map whose keys are all text, without duplicates.
    pub(crate) fn text_keys(value: Value, layer: MalformedLayer) -> Result<Self, FormatError> {
        Self::collect(value, layer, |key| match key {
            Value::Text(t) => Some(t),
            _ => None,
        })
    }
}

impl<K: PartialEq> Fields<K> {
    fn collect(
        value: Value,
        layer: MalformedLayer,
        key_of: impl Fn(Value) -> Option<K>,
    ) -> Result<Self, FormatError> {
        let Value::Map(pairs) = value else {
            return Err(FormatError::at(layer, "expected a map"));
        };
        if pairs.len() > MAX_MAP_ENTRIES {
            return Err(FormatError::at(layer, "map has too many entries"));
        }
        let mut entries: Vec<(K, Value)> = Vec::with_capacity(pairs.len());
        for (key, val) in pairs {
            let key = key_of(key).ok_or(FormatError::at(layer, "unexpected map key type"))?;
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(FormatError::at(layer, "duplicate map key"));
            }
            entries.push((key, val));
        }
        Ok(Fields { entries, layer })
    }

    /// Removes and returns an optional field.
    pub(crate) fn take<Q>(&mut self, key: &Q) -> Option<Value>
    where
        K: PartialEq<Q>,
        Q: ?Sized,
    {
        let index = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.swap_remove(index).1)
    }

    /// Removes and returns a required field.
    pub(crate) fn require<Q>(&mut self, key: &Q, reason: &'static str) -> Result<Value, FormatError>
    where
        K: PartialEq<Q>,
        Q: ?Sized,
    {
        self.take(key).ok_or(FormatError::at(self.layer, reason))
    }

    /// Fails if any field was not taken.
    pub(crate) fn finish(self) -> Result<(), FormatError> {
        if self.entries.is_empty() {
            Ok(())
        } else {
            Err(FormatError::at(self.layer, "unknown map key"))
        }
    }
}

/// Typed views of a CBOR value, failing at `layer` with `reason`.
pub(crate) fn as_int(
    v: Value,
    layer: MalformedLayer,
    reason: &'static str,
) -> Result<i64, FormatError> {
    match v {
        Value::Integer(i) => i64::try_from(i).map_err(|_| FormatError::at(layer, reason)),
        _ => Err(FormatError::at(layer, reason)),
    }
}

/// See [`as_int`].
pub(crate) fn as_bytes(
    v: Value,
    layer: MalformedLayer,
    reason: &'static str,
) -> Result<Vec<u8>, FormatError> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(FormatError::at(layer, reason)),
    }
}

/// See [`as_int`].
pub(crate) fn as_text(
    v: Value,
    layer: MalformedLayer,
    reason: &'static str,
) -> Result<String, FormatError> {
    match v {
        Value::Text(t) => Ok(t),
        _ => Err(FormatError::at(layer, reason)),
    }
}

/// Reads the format version (key 1) and refuses anything but `1`.
pub(crate) fn check_version(fields: &mut Fields<i64>) -> Result<(), FormatError> {
    let layer = fields.layer;
    match fields.require(&1, "missing version")? {
        Value::Integer(i) => match u64::try_from(i) {
            Ok(1) => Ok(()),
            Ok(found) => Err(FormatError::UnsupportedVersion { found }),
            Err(_) => Err(FormatError::at(layer, "version is not an unsigned integer")),
        },
        _ => Err(FormatError::at(layer, "version is not an unsigned integer")),
    }
}

/// Builds and signs a tagged COSE_Sign1 with `alg: EdDSA` and, when given, `kid` in the
/// protected header; external AAD is empty.
pub(crate) fn sign1(
    kid: Option<&[u8]>,
    payload: Vec<u8>,
    sign: impl FnOnce(&[u8]) -> Vec<u8>,
) -> Result<Vec<u8>, EncodeError> {
    let mut header = HeaderBuilder::new().algorithm(iana::Algorithm::EdDSA);
    if let Some(kid) = kid {
        header = header.key_id(kid.to_vec());
    }
    let sign1 = CoseSign1Builder::new()
        .protected(header.build())
        .payload(payload)
        .create_signature(b"", sign)
        .build();
    let value = sign1.to_cbor_value().map_err(|_| EncodeError)?;
    encode(&Value::Tag(COSE_SIGN1_TAG, Box::new(value)))
}

/// Parses a COSE_Sign1 (tag 18 optional) and checks what this format requires of it: protected
/// `alg` = EdDSA (-8), no critical headers, an attached payload.
pub(crate) fn parse_sign1(bytes: &[u8]) -> Result<CoseSign1, FormatError> {
    let cose = MalformedLayer::Cose;
    let value = match decode(bytes, MalformedLayer::Cbor)? {
        Value::Tag(COSE_SIGN1_TAG, inner) => *inner,
        Value::Tag(..) => return Err(FormatError::at(cose, "unexpected CBOR tag")),
        other => other,
    };
    let sign1 =
        CoseSign1::from_cbor_value(value).map_err(|_| FormatError::at(cose, "not a COSE_Sign1"))?;
    let protected = &sign1.protected.header;
    if protected.alg != Some(coset::Algorithm::Assigned(iana::Algorithm::EdDSA)) {
        return Err(FormatError::at(cose, "protected alg is not EdDSA (-8)"));
    }
    if !protected.crit.is_empty() {
        return Err(FormatError::at(
            cose,
            "critical header parameters are not supported",
        ));
    }
    if sign1.payload.is_none() {
        return Err(FormatError::at(cose, "detached payload"));
    }
    Ok(sign1)
}

/// Checks the Ed25519 signature of a parsed COSE_Sign1 (Sig_structure with empty external AAD)
/// under a key the caller has already refused if weak (the issuer key set holds no weak key; the
/// device key is checked before its signature).
pub(crate) fn verify_sign1(sign1: &CoseSign1, public_key: &[u8; 32]) -> bool {
    sign1
        .verify_signature(b"", |signature, data| {
            if verify_with_checked_key(public_key, data, signature) {
                Ok(())
            } else {
                Err(())
            }
        })
        .is_ok()
}
