//! The issuer key set verifiers trust: a JSON Web Key Set (RFC 7517) of Ed25519 keys (RFC 8037),
//! published by the SIAK server at `/.well-known/ikd-issuer-keys`.
//!
//! Entries of other key types or curves are **skipped**, as RFC 7517 §5 asks ("ignore JWKs that
//! use `kty` values that are not understood"), so the issuer can add e.g. post-quantum keys later
//! without breaking old verifiers. An Ed25519 entry that is itself wrong (bad `x`, a `kid` that is
//! not the derived one, `alg`/`use` other than `EdDSA`/`sig`, a duplicate) is an error: a set that
//! lies about a key must never be half-trusted. This module must never fetch the set itself.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::ids::{KeyId, decode_b64url, encode_b64url};
use super::keys::{check_public_key, key_id_of};
use crate::i18n::{Lang, Localized, pick};

/// One issuer public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerPublicKey {
    kid: KeyId,
    public_key: [u8; 32],
}

impl IssuerPublicKey {
    /// Wraps a raw Ed25519 public key; its `kid` is derived.
    pub fn new(public_key: [u8; 32]) -> Self {
        IssuerPublicKey {
            kid: key_id_of(&public_key),
            public_key,
        }
    }

    /// The key id.
    pub fn kid(&self) -> KeyId {
        self.kid
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }
}

/// The set of issuer keys a verifier trusts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuerKeySet {
    keys: Vec<IssuerPublicKey>,
}

/// A key set that cannot be trusted as published.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeySetError {
    /// Not JSON of the shape `{"keys":[...]}`.
    #[error("key set is not a JSON Web Key Set")]
    NotJwks,
    /// An Ed25519 entry is wrong; `index` is its position in `keys`.
    #[error("key {index}: {reason}")]
    InvalidKey {
        /// Position in the `keys` array.
        index: usize,
        /// What is wrong, in fixed words.
        reason: &'static str,
    },
    /// Two entries with the same `kid`.
    #[error("duplicate kid {kid}")]
    DuplicateKid {
        /// The repeated key id.
        kid: KeyId,
    },
    /// No usable Ed25519 key at all.
    #[error("key set has no Ed25519 key")]
    Empty,
}

impl Localized for KeySetError {
    fn code(&self) -> &'static str {
        match self {
            KeySetError::NotJwks => "key_set_not_jwks",
            KeySetError::InvalidKey { .. } => "key_set_invalid_key",
            KeySetError::DuplicateKid { .. } => "key_set_duplicate_kid",
            KeySetError::Empty => "key_set_empty",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            KeySetError::NotJwks => pick(
                lang,
                "Daftar kunci penerbit bukan JSON Web Key Set yang sah.".to_owned(),
                "The issuer key list is not a valid JSON Web Key Set.".to_owned(),
            ),
            KeySetError::InvalidKey { index, reason } => pick(
                lang,
                format!("Kunci penerbit ke-{} tidak sah ({reason}).", index + 1),
                format!("Issuer key number {} is invalid ({reason}).", index + 1),
            ),
            KeySetError::DuplicateKid { kid } => pick(
                lang,
                format!("Daftar kunci penerbit memuat kid {kid} dua kali."),
                format!("The issuer key list contains kid {kid} twice."),
            ),
            KeySetError::Empty => pick(
                lang,
                "Daftar kunci penerbit tidak memuat kunci Ed25519.".to_owned(),
                "The issuer key list contains no Ed25519 key.".to_owned(),
            ),
        }
    }
}

/// One JWK as it appears on the wire; unknown members are ignored.
#[derive(Debug, Serialize, Deserialize)]
struct Jwk {
    kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    alg: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    use_: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Jwks {
    keys: Vec<serde_json::Value>,
}

impl IssuerKeySet {
    /// A set of the given keys (duplicates are kept once).
    pub fn new(keys: impl IntoIterator<Item = IssuerPublicKey>) -> Self {
        let mut set = IssuerKeySet::default();
        for key in keys {
            set.insert(key);
        }
        set
    }

    /// Adds a key unless one with the same `kid` is present. A small-order or non-canonical key
    /// ([`check_public_key`]) is never trusted and is not added.
    pub fn insert(&mut self, key: IssuerPublicKey) {
        if check_public_key(&key.public_key).is_ok() && self.find(key.kid).is_none() {
            self.keys.push(key);
        }
    }

    /// The key with this `kid`, if trusted.
    pub fn find(&self, kid: KeyId) -> Option<&IssuerPublicKey> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    /// All keys, in published order.
    pub fn keys(&self) -> &[IssuerPublicKey] {
        &self.keys
    }

    /// Reads a published JWKS (see the module docs for what is skipped and what is refused).
    pub fn from_json(json: &str) -> Result<Self, KeySetError> {
        let jwks: Jwks = serde_json::from_str(json).map_err(|_| KeySetError::NotJwks)?;
        let mut keys: Vec<IssuerPublicKey> = Vec::new();
        for (index, raw) in jwks.keys.into_iter().enumerate() {
            let jwk: Jwk = serde_json::from_value(raw).map_err(|_| KeySetError::NotJwks)?;
            let Some(key) =
                ed25519_key(&jwk).map_err(|reason| KeySetError::InvalidKey { index, reason })?
            else {
                continue;
            };
            if keys.iter().any(|k| k.kid == key.kid) {
                return Err(KeySetError::DuplicateKid { kid: key.kid });
            }
            keys.push(key);
        }
        if keys.is_empty() {
            return Err(KeySetError::Empty);
        }
        Ok(IssuerKeySet { keys })
    }

    /// The JWKS to publish: `{"keys":[{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"}]}`.
    pub fn to_json(&self) -> String {
        let keys: Vec<serde_json::Value> = self
            .keys
            .iter()
            .map(|k| {
                serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": encode_b64url(&k.public_key),
                    "kid": k.kid.to_base64url(),
                    "alg": "EdDSA",
                    "use": "sig",
                })
            })
            .collect();
        serde_json::json!({ "keys": keys }).to_string()
    }
}

/// `Ok(None)` for a JWK of another type or curve (skipped); `Err` for a broken Ed25519 JWK.
fn ed25519_key(jwk: &Jwk) -> Result<Option<IssuerPublicKey>, &'static str> {
    if jwk.kty != "OKP" || jwk.crv.as_deref() != Some("Ed25519") {
        return Ok(None);
    }
    let x = jwk.x.as_deref().ok_or("missing x")?;
    let public_key = decode_b64url::<32>(x).ok_or("x is not base64url of 32 bytes")?;
    check_public_key(&public_key).map_err(|_| "x is a small-order or non-canonical point")?;
    let key = IssuerPublicKey::new(public_key);
    match jwk.kid.as_deref() {
        None => return Err("missing kid"),
        Some(kid) if kid != key.kid.to_base64url() => {
            return Err("kid is not the first 8 bytes of SHA-256(x)");
        }
        Some(_) => {}
    }
    if jwk.alg.as_deref().is_some_and(|alg| alg != "EdDSA") {
        return Err("alg is not EdDSA");
    }
    if jwk.use_.as_deref().is_some_and(|u| u != "sig") {
        return Err("use is not sig");
    }
    Ok(Some(key))
}

impl Serialize for IssuerKeySet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let value: serde_json::Value =
            serde_json::from_str(&self.to_json()).map_err(serde::ser::Error::custom)?;
        value.serialize(s)
    }
}

impl<'de> Deserialize<'de> for IssuerKeySet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        IssuerKeySet::from_json(&value.to_string()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::IssuerSigningKey;

    #[test]
    fn a_key_set_never_trusts_a_small_order_key() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let good = IssuerPublicKey::new(IssuerSigningKey::from_seed(&[1; 32]).public_key());
        let weak = IssuerPublicKey::new(identity);
        let set = IssuerKeySet::new([weak, good]);
        assert_eq!(set.keys().len(), 1);
        assert!(set.find(weak.kid()).is_none());
        assert!(set.find(good.kid()).is_some());
    }

    fn one_key_set() -> IssuerKeySet {
        IssuerKeySet::new([IssuerPublicKey::new(
            IssuerSigningKey::from_seed(&[1; 32]).public_key(),
        )])
    }

    #[test]
    fn published_json_reads_back() {
        let set = one_key_set();
        assert_eq!(IssuerKeySet::from_json(&set.to_json()), Ok(set));
    }

    #[test]
    fn other_key_types_are_skipped() {
        let set = one_key_set();
        let json = set.to_json().replacen(
            "{\"keys\":[",
            "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"},",
            1,
        );
        assert_eq!(IssuerKeySet::from_json(&json), Ok(set));
    }

    #[test]
    fn a_kid_that_is_not_derived_from_x_is_refused() {
        let set = one_key_set();
        let kid = set.keys()[0].kid().to_base64url();
        let json = set.to_json().replace(&kid, "AAAAAAAAAAA");
        let err = IssuerKeySet::from_json(&json).err();
        assert_eq!(
            err.as_ref().map(Localized::code),
            Some("key_set_invalid_key")
        );
    }

    #[test]
    fn a_set_without_ed25519_keys_is_empty() {
        let err = IssuerKeySet::from_json(r#"{"keys":[]}"#).err();
        assert_eq!(err, Some(KeySetError::Empty));
        let err = IssuerKeySet::from_json("[]").err();
        assert_eq!(err, Some(KeySetError::NotJwks));
    }
}
