//! The Digital KTP credential and its QR presentation, end to end: issue → present → verify, one
//! test per refusal reason, the documented worked example, and property tests on hostile input.
//!
//! The helpers in `third_party` re-implement the transport and COSE layers straight from
//! `docs/qr-format.md` with the general-purpose crates, both to forge hostile inputs and to show
//! the spec is enough to interoperate. Everything is deterministic: fixed seeds, fixed times.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use ciborium::Value;
use ikd_core::credential::{
    Credential, CredentialId, CredentialRequest, DevicePublicKey, DeviceSigningKey, Disclosed,
    HolderId, IssuerKeySet, IssuerPublicKey, IssuerSigningKey, KtpRecord, MalformedLayer, PREFIX,
    Presentation, PresentationError, Profile, VerifyError, VerifyOptions, issue_credential,
    make_presentation, verify_presentation,
};
use ikd_core::i18n::{Lang, Localized};
use ikd_core::nik::{MaritalStatus, Sex};
use ikd_core::qr::QrImage;
use proptest::prelude::*;

const ISSUER_SEED: [u8; 32] = [0x11; 32];
const DEVICE_SEED: [u8; 32] = [0x22; 32];
const OTHER_DEVICE_SEED: [u8; 32] = [0x33; 32];
const ROGUE_ISSUER_SEED: [u8; 32] = [0x44; 32];

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("a fixed RFC 3339 time")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a fixed date")
}

/// When the example credential is issued, shown and scanned.
fn issued() -> DateTime<Utc> {
    at("2025-08-01T00:00:00Z")
}
fn created() -> DateTime<Utc> {
    at("2025-08-17T10:00:00Z")
}
fn now() -> DateTime<Utc> {
    created() + TimeDelta::seconds(5)
}

/// A realistic, long KTP-el record (long names and addresses make the largest QR codes).
fn record() -> KtpRecord {
    KtpRecord {
        nik: "3174066311880001".to_owned(),
        name: "RADEN AJENG SRI WAHYUNINGSIH KUSUMANINGRUM PUSPITASARI".to_owned(),
        place_of_birth: "PANGKALAN BRANDAN".to_owned(),
        birth_date: day(1988, 11, 23),
        sex: Sex::Female,
        blood_type: Some("AB".to_owned()),
        address: "JL. LETJEN SUPRAPTO GG. MASJID AL-IKHLAS NO. 127 BLOK C/15 KOMPLEK GRIYA ASRI"
            .to_owned(),
        rt: "003".to_owned(),
        rw: "011".to_owned(),
        village: "KEBAYORAN LAMA UTARA".to_owned(),
        district: "KEBAYORAN LAMA".to_owned(),
        regency: "KOTA ADM. JAKARTA SELATAN".to_owned(),
        province: "DKI JAKARTA".to_owned(),
        religion: "ISLAM".to_owned(),
        marital_status: MaritalStatus::Kawin,
        occupation: "KARYAWAN BADAN USAHA MILIK NEGARA".to_owned(),
        citizenship: "WNI".to_owned(),
        valid_until: None,
    }
}

fn issuer() -> IssuerSigningKey {
    IssuerSigningKey::from_seed(&ISSUER_SEED)
}
fn device() -> DeviceSigningKey {
    DeviceSigningKey::from_seed(&DEVICE_SEED)
}
fn key_set() -> IssuerKeySet {
    IssuerKeySet::new([IssuerPublicKey::new(issuer().public_key())])
}

fn request(claims: Disclosed) -> CredentialRequest {
    CredentialRequest {
        credential_id: CredentialId::from_bytes([0xc1; 16]),
        issued_at: issued(),
        valid_from: issued(),
        valid_until: at("2026-08-01T00:00:00Z"),
        device_key: device().public_key(),
        claims,
    }
}

fn claims(profile: Profile) -> Disclosed {
    Disclosed::from_record(
        profile,
        &record(),
        HolderId::from_bytes([0x4b; 16]),
        issued().date_naive(),
    )
}

fn credential(profile: Profile) -> Credential {
    issue_credential(&issuer(), &request(claims(profile))).expect("a valid request")
}

fn present(credential: &Credential, nonce: Option<&[u8]>) -> Presentation {
    make_presentation(credential, &device(), created(), nonce).expect("bound to this device")
}

fn verify(text: &str) -> Result<ikd_core::credential::Verified, VerifyError> {
    verify_presentation(text, &key_set(), now(), &VerifyOptions::default())
}

fn code(result: Result<ikd_core::credential::Verified, VerifyError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(err) => err.code(),
    }
}

/// The layers of `docs/qr-format.md`, implemented independently of the crate.
mod third_party {
    use std::io::{Read as _, Write as _};

    use ciborium::Value;
    use coset::{AsCborValue as _, CoseSign1, CoseSign1Builder, HeaderBuilder, iana};
    use flate2::{Compression, read::ZlibDecoder, write::ZlibEncoder};
    use ring::signature::Ed25519KeyPair;

    pub fn unwrap(text: &str) -> Vec<u8> {
        let body = text.strip_prefix("IKD1:").expect("prefix");
        let compressed = base45::decode(body).expect("base45");
        let mut out = Vec::new();
        ZlibDecoder::new(&compressed[..])
            .read_to_end(&mut out)
            .expect("zlib");
        out
    }

    pub fn wrap(cose: &[u8]) -> String {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(cose).expect("in memory");
        format!("IKD1:{}", base45::encode(z.finish().expect("in memory")))
    }

    pub fn cbor(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(value, &mut out).expect("in memory");
        out
    }

    pub fn decode(bytes: &[u8]) -> Value {
        ciborium::de::from_reader(bytes).expect("CBOR")
    }

    /// Parses a tagged COSE_Sign1 without checking anything.
    pub fn sign1(bytes: &[u8]) -> CoseSign1 {
        match decode(bytes) {
            Value::Tag(18, inner) => CoseSign1::from_cbor_value(*inner).expect("COSE_Sign1"),
            _ => panic!("not tag 18"),
        }
    }

    pub fn to_bytes(sign1: CoseSign1) -> Vec<u8> {
        cbor(&Value::Tag(
            18,
            Box::new(sign1.to_cbor_value().expect("encodable")),
        ))
    }

    /// Signs `payload` as a tagged COSE_Sign1, EdDSA, optional kid, empty external AAD.
    pub fn sign(seed: &[u8; 32], kid: Option<&[u8]>, payload: &Value) -> Vec<u8> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed).expect("seed");
        let mut header = HeaderBuilder::new().algorithm(iana::Algorithm::EdDSA);
        if let Some(kid) = kid {
            header = header.key_id(kid.to_vec());
        }
        let sign1 = CoseSign1Builder::new()
            .protected(header.build())
            .payload(cbor(payload))
            .create_signature(b"", |tbs| pair.sign(tbs).as_ref().to_vec())
            .build();
        to_bytes(sign1)
    }

    /// The payload map of a COSE_Sign1, as (int key, value) pairs.
    pub fn payload_map(bytes: &[u8]) -> Vec<(Value, Value)> {
        match decode(&sign1(bytes).payload.expect("attached")) {
            Value::Map(m) => m,
            _ => panic!("payload is not a map"),
        }
    }

    /// A tagged COSE_Sign1 over `payload` carrying `signature` as it is (no key involved).
    pub fn with_signature(payload: &Value, signature: Vec<u8>) -> Vec<u8> {
        let header = HeaderBuilder::new().algorithm(iana::Algorithm::EdDSA);
        let sign1 = CoseSign1Builder::new()
            .protected(header.build())
            .payload(cbor(payload))
            .signature(signature)
            .build();
        to_bytes(sign1)
    }

    pub fn set(map: &mut [(Value, Value)], key: i64, value: Value) {
        let entry = map
            .iter_mut()
            .find(|(k, _)| *k == Value::Integer(key.into()));
        entry.expect("key present").1 = value;
    }
}

fn outer_payload(text: &str) -> Vec<(Value, Value)> {
    third_party::payload_map(&third_party::unwrap(text))
}

/// A presentation of `credential_bytes` signed by `device_seed`, with a hand-made payload.
fn forged_presentation(
    device_seed: &[u8; 32],
    mut payload: Vec<(Value, Value)>,
    credential_bytes: Option<Vec<u8>>,
) -> String {
    if let Some(bytes) = credential_bytes {
        third_party::set(&mut payload, 2, Value::Bytes(bytes));
    }
    third_party::wrap(&third_party::sign(device_seed, None, &Value::Map(payload)))
}

/// A credential re-signed by the real issuer after `edit` changed its payload.
fn reissued(profile: Profile, edit: impl FnOnce(&mut Vec<(Value, Value)>)) -> Vec<u8> {
    let mut payload = third_party::payload_map(credential(profile).as_bytes());
    edit(&mut payload);
    third_party::sign(
        &ISSUER_SEED,
        Some(issuer().kid().as_bytes()),
        &Value::Map(payload),
    )
}

// --- Round trips --------------------------------------------------------------------------------

#[test]
fn every_profile_round_trips_and_discloses_only_its_claims() {
    for profile in Profile::ALL {
        let text = present(&credential(profile), None);
        let verified = verify(text.as_str()).expect("verifies");
        assert_eq!(verified.profile, profile);
        assert_eq!(verified.claims, claims(profile));
        assert_eq!(verified.kid, issuer().kid());
        assert_eq!(verified.created_at, created());
        assert_eq!(verified.expires_at, created() + TimeDelta::seconds(90));
        assert!(text.as_str().chars().all(ikd_core::qr::is_qr_alphanumeric));
    }
}

#[test]
fn age17_reveals_nothing_but_the_age_claim_and_holder_id() {
    let text = third_party::unwrap(present(&credential(Profile::Age17), None).as_str());
    let credential_bytes = match outer_payload_from_cose(&text) {
        Value::Bytes(b) => b,
        _ => panic!("credential is a bstr"),
    };
    let claims = third_party::payload_map(&credential_bytes)
        .into_iter()
        .find(|(k, _)| *k == Value::Integer(8.into()))
        .map(|(_, v)| v);
    let Some(Value::Map(claims)) = claims else {
        panic!("claims map")
    };
    let keys: Vec<_> = claims.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(
        keys,
        [
            Value::Text("age_over_17".into()),
            Value::Text("holder_id".into())
        ]
    );
}

fn outer_payload_from_cose(cose: &[u8]) -> Value {
    third_party::payload_map(cose)
        .into_iter()
        .find(|(k, _)| *k == Value::Integer(2.into()))
        .map(|(_, v)| v)
        .expect("credential entry")
}

#[test]
fn the_holder_reads_its_stored_credential_back() {
    let stored = serde_json::to_string(&credential(Profile::Full)).expect("serialises");
    let back: Credential = serde_json::from_str(&stored).expect("deserialises");
    assert_eq!(back.profile(), Profile::Full);
    assert_eq!(back.claims(), &claims(Profile::Full));
    assert!(back.contents().is_valid_at(now()));
    assert_eq!(back.contents().device_key, device().public_key());
}

#[test]
fn the_device_refuses_to_present_a_credential_bound_to_another_device() {
    let other = DeviceSigningKey::from_seed(&OTHER_DEVICE_SEED);
    let err = make_presentation(&credential(Profile::Basic), &other, created(), None).err();
    assert_eq!(err, Some(PresentationError::NotBoundToDevice));
    assert_eq!(
        err.map(|e| e.code()),
        Some("credential_not_bound_to_device")
    );
}

#[test]
fn the_issuer_refuses_an_inverted_validity_or_a_bad_nik() {
    let mut inverted = request(claims(Profile::Basic));
    inverted.valid_until = inverted.valid_from;
    let err = issue_credential(&issuer(), &inverted).err();
    assert_eq!(err.map(|e| e.code()), Some("credential_invalid_validity"));
    let mut record = record();
    record.nik = "31740663118800".to_owned();
    let bad = Disclosed::from_record(
        Profile::Full,
        &record,
        HolderId::from_bytes([0; 16]),
        issued().date_naive(),
    );
    let err = issue_credential(&issuer(), &request(bad)).err();
    assert_eq!(err.map(|e| e.code()), Some("credential_invalid_nik"));
}

// --- One test per refusal reason ----------------------------------------------------------------

#[test]
fn a_tampered_issuer_signature_is_bad_issuer_signature() {
    let mut sign1 = third_party::sign1(credential(Profile::Basic).as_bytes());
    sign1.signature[10] ^= 0x01;
    let tampered =
        Credential::from_bytes(&third_party::to_bytes(sign1)).expect("still well-formed");
    assert_eq!(
        code(verify(present(&tampered, None).as_str())),
        "bad_issuer_signature"
    );
}

#[test]
fn a_changed_claim_is_bad_issuer_signature() {
    let mut sign1 = third_party::sign1(credential(Profile::Basic).as_bytes());
    let mut payload = third_party::decode(sign1.payload.as_deref().expect("attached"));
    if let Value::Map(entries) = &mut payload {
        third_party::set(entries, 6, Value::Integer(4_000_000_000i64.into()));
    }
    sign1.payload = Some(third_party::cbor(&payload));
    let tampered =
        Credential::from_bytes(&third_party::to_bytes(sign1)).expect("still well-formed");
    assert_eq!(
        code(verify(present(&tampered, None).as_str())),
        "bad_issuer_signature"
    );
}

#[test]
fn a_credential_from_an_untrusted_issuer_is_unknown_key() {
    let rogue = IssuerSigningKey::from_seed(&ROGUE_ISSUER_SEED);
    let cred = issue_credential(&rogue, &request(claims(Profile::Basic))).expect("issued");
    assert_eq!(code(verify(present(&cred, None).as_str())), "unknown_key");
}

#[test]
fn a_presentation_signed_by_another_device_is_bad_device_signature() {
    let text = present(&credential(Profile::Basic), None);
    let forged = forged_presentation(&OTHER_DEVICE_SEED, outer_payload(text.as_str()), None);
    assert_eq!(code(verify(&forged)), "bad_device_signature");
}

/// Attack: the issuer binds a credential to the identity point (a small-order key), and the
/// "holder" presents it with the trivial signature (R = identity, S = 0), which ring alone accepts
/// for any message.
#[test]
fn a_credential_bound_to_a_small_order_key_with_the_trivial_signature_is_weak_device_key() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut req = request(claims(Profile::Basic));
    req.device_key = DevicePublicKey::from_bytes(identity);
    let cred = issue_credential(&issuer(), &req).expect("issued");
    let mut payload = outer_payload(present(&credential(Profile::Basic), None).as_str());
    third_party::set(&mut payload, 2, Value::Bytes(cred.as_bytes().to_vec()));
    let mut trivial = vec![0u8; 64];
    trivial[0] = 1;
    let text = third_party::wrap(&third_party::with_signature(&Value::Map(payload), trivial));
    assert_eq!(code(verify(&text)), "weak_device_key");
}

#[test]
fn a_presentation_expires_after_90_seconds_plus_skew() {
    let text = present(&credential(Profile::Basic), None);
    let check = |secs| {
        let at = created() + TimeDelta::seconds(secs);
        code(verify_presentation(
            text.as_str(),
            &key_set(),
            at,
            &VerifyOptions::default(),
        ))
    };
    assert_eq!(check(90 + 30), "ok");
    assert_eq!(check(90 + 30 + 1), "expired");
    let strict = VerifyOptions {
        clock_skew: TimeDelta::zero(),
        ..VerifyOptions::default()
    };
    let at = created() + TimeDelta::seconds(91);
    assert_eq!(
        code(verify_presentation(text.as_str(), &key_set(), at, &strict)),
        "expired"
    );
}

#[test]
fn a_presentation_from_the_future_is_not_yet_valid() {
    let cred = credential(Profile::Basic);
    let future = |secs| {
        let text = make_presentation(&cred, &device(), now() + TimeDelta::seconds(secs), None);
        code(verify(text.expect("presented").as_str()))
    };
    assert_eq!(future(30), "ok");
    assert_eq!(future(31), "not_yet_valid");
}

#[test]
fn the_credential_validity_window_is_enforced() {
    let text = present(&credential(Profile::Basic), None);
    let opts = VerifyOptions::default();
    let late = at("2026-08-01T00:00:31Z");
    assert_eq!(
        code(verify_presentation(text.as_str(), &key_set(), late, &opts)),
        "credential_expired"
    );
    let early = at("2025-07-31T23:59:29Z");
    let result = verify_presentation(text.as_str(), &key_set(), early, &opts);
    assert_eq!(code(result), "credential_not_yet_valid");
}

#[test]
fn a_verifier_asking_for_another_profile_gets_wrong_profile() {
    let text = present(&credential(Profile::Full), None);
    let opts = VerifyOptions {
        expected_profile: Some(Profile::Age17),
        ..VerifyOptions::default()
    };
    let err = verify_presentation(text.as_str(), &key_set(), now(), &opts).err();
    assert_eq!(
        err,
        Some(VerifyError::WrongProfile {
            expected: Profile::Age17,
            found: Profile::Full
        })
    );
}

#[test]
fn a_missing_or_different_nonce_is_nonce_mismatch() {
    let opts = VerifyOptions {
        expected_nonce: Some(b"challenge-42".to_vec()),
        ..VerifyOptions::default()
    };
    let check = |nonce: Option<&[u8]>| {
        let text = present(&credential(Profile::Age17), nonce);
        code(verify_presentation(text.as_str(), &key_set(), now(), &opts))
    };
    assert_eq!(check(Some(b"challenge-42")), "ok");
    assert_eq!(check(Some(b"challenge-43")), "nonce_mismatch");
    assert_eq!(check(None), "nonce_mismatch");
}

#[test]
fn a_zlib_bomb_is_too_large_and_refused_quickly() {
    let bomb = third_party::wrap(&vec![0u8; 5_000_000]);
    assert!(bomb.len() < 8 * 1024);
    let started = std::time::Instant::now();
    assert_eq!(verify(&bomb).err(), Some(VerifyError::TooLarge));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(
        verify(&"A".repeat(10_000)).err(),
        Some(VerifyError::TooLarge)
    );
}

fn malformed_layer(text: &str) -> Option<MalformedLayer> {
    match verify(text) {
        Err(VerifyError::Malformed { layer, .. }) => Some(layer),
        _ => None,
    }
}

#[test]
fn broken_transport_layers_are_malformed_with_their_layer() {
    let text = present(&credential(Profile::Basic), None).into_string();
    let body = &text[PREFIX.len()..];
    assert_eq!(
        malformed_layer(&format!("HC1:{body}")),
        Some(MalformedLayer::Prefix)
    );
    assert_eq!(malformed_layer(""), Some(MalformedLayer::Prefix));
    assert_eq!(
        malformed_layer(&text.to_lowercase()),
        Some(MalformedLayer::Prefix)
    );
    assert_eq!(
        malformed_layer(&format!("{PREFIX}{}", body.to_lowercase())),
        Some(MalformedLayer::Base45)
    );
    assert_eq!(
        malformed_layer(&format!("{text}\n")),
        Some(MalformedLayer::Base45)
    );
    // Cut on a 3-character boundary: valid Base45, truncated zlib stream.
    let cut = PREFIX.len() + (body.len() / 2) / 3 * 3;
    assert_eq!(malformed_layer(&text[..cut]), Some(MalformedLayer::Zlib));
    assert_eq!(code(verify(&text[..text.len() - 1])), "malformed");
}

#[test]
fn broken_inner_layers_are_malformed_with_their_layer() {
    assert_eq!(
        malformed_layer(&third_party::wrap(&[0xff])),
        Some(MalformedLayer::Cbor)
    );
    assert_eq!(
        malformed_layer(&third_party::wrap(&[0x18, 0x2a])),
        Some(MalformedLayer::Cose)
    );
    let deep = [vec![0x81; 10_000], vec![0x00]].concat();
    assert_eq!(
        malformed_layer(&third_party::wrap(&deep)),
        Some(MalformedLayer::Cbor)
    );
    let huge_bstr = [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
    assert_eq!(
        malformed_layer(&third_party::wrap(&huge_bstr)),
        Some(MalformedLayer::Cbor)
    );
    let text = present(&credential(Profile::Basic), None);
    let mut cose = third_party::unwrap(text.as_str());
    cose.push(0x00);
    assert_eq!(
        malformed_layer(&third_party::wrap(&cose)),
        Some(MalformedLayer::Cbor)
    );

    let bad_nik = reissued(Profile::Basic, |payload| {
        let Some((_, Value::Map(claims))) = payload
            .iter_mut()
            .find(|(k, _)| *k == Value::Integer(8.into()))
        else {
            panic!("claims")
        };
        claims[0].1 = Value::Text("12345".into());
    });
    let forged = forged_presentation(&DEVICE_SEED, outer_payload(text.as_str()), Some(bad_nik));
    assert_eq!(malformed_layer(&forged), Some(MalformedLayer::Claims));
}

#[test]
fn a_version_2_payload_is_unsupported_version() {
    let text = present(&credential(Profile::Basic), None);
    let mut payload = outer_payload(text.as_str());
    third_party::set(&mut payload, 1, Value::Integer(2.into()));
    let err = verify(&forged_presentation(&DEVICE_SEED, payload, None)).err();
    assert_eq!(err, Some(VerifyError::UnsupportedVersion { found: 2 }));

    let v2_credential = reissued(Profile::Basic, |p| {
        third_party::set(p, 1, Value::Integer(2.into()))
    });
    let forged = forged_presentation(
        &DEVICE_SEED,
        outer_payload(text.as_str()),
        Some(v2_credential),
    );
    assert_eq!(code(verify(&forged)), "unsupported_version");

    let v2_prefix = text.as_str().replacen("IKD1:", "IKD2:", 1);
    assert_eq!(
        verify(&v2_prefix).err(),
        Some(VerifyError::UnsupportedVersion { found: 2 })
    );
}

#[test]
fn every_refusal_speaks_both_languages() {
    let text = present(&credential(Profile::Basic), None);
    let err = verify_presentation(
        text.as_str(),
        &IssuerKeySet::default(),
        now(),
        &VerifyOptions::default(),
    )
    .expect_err("no keys");
    assert_eq!(err.code(), "unknown_key");
    assert!(err.message(Lang::Id).contains("Penerbit"));
    assert!(err.message(Lang::En).contains("issuer"));
}

// --- The worked example of docs/qr-format.md and the size table ---------------------------------

const EXAMPLE_TEXT: &str = include_str!("fixtures/example-presentation.txt");
const EXAMPLE_KEYS: &str = include_str!("fixtures/example-issuer-keys.json");
const SPEC: &str = include_str!("../../../docs/qr-format.md");

#[test]
fn the_documented_example_still_verifies() {
    let keys = IssuerKeySet::from_json(EXAMPLE_KEYS).expect("the published key set");
    assert_eq!(keys, key_set());
    let text = EXAMPLE_TEXT.trim_end_matches(['\r', '\n']);
    assert!(
        SPEC.contains(text),
        "docs/qr-format.md quotes the fixture text"
    );
    assert!(
        SPEC.contains(EXAMPLE_KEYS.trim_end()),
        "docs/qr-format.md quotes the key set"
    );
    let verified =
        verify_presentation(text, &keys, now(), &VerifyOptions::default()).expect("verifies");
    assert_eq!(verified.claims, claims(Profile::Basic));
    // Regenerating with the same keys and times gives the same COSE bytes (zlib output may differ
    // between zlib implementations, the signed bytes may not).
    let regenerated = present(&credential(Profile::Basic), None);
    assert_eq!(
        third_party::unwrap(text),
        third_party::unwrap(regenerated.as_str())
    );
}

/// (profile, nonce length, text length in characters, QR version) for the realistic record.
const SIZES: [(Profile, usize, usize, i16); 4] = [
    (Profile::Age17, 0, 476, 13),
    (Profile::Basic, 0, 592, 15),
    (Profile::Full, 0, 1064, 22),
    (Profile::Full, 16, 1063, 22),
];

#[test]
fn qr_sizes_per_profile_match_the_documented_table() {
    let mut measured = Vec::new();
    for (profile, nonce_len, _, _) in SIZES {
        let nonce = vec![0x5a; nonce_len];
        let text = present(&credential(profile), (nonce_len > 0).then_some(&nonce[..]));
        let qr = QrImage::new(text.as_str()).expect("fits in a QR code");
        let chars = text.as_str().len();
        assert_eq!(
            Some(qr.version()),
            ikd_core::qr::alphanumeric_version(chars)
        );
        println!(
            "| {profile} | {nonce_len} | {} | {} | {chars} | {} | {} |",
            third_party::unwrap(text.as_str()).len(),
            base45::decode(&text.as_str()[PREFIX.len()..])
                .map(|z| z.len())
                .unwrap_or(0),
            qr.version(),
            qr.width()
        );
        measured.push((profile, nonce_len, chars, qr.version()));
    }
    assert_eq!(measured, SIZES);
}

/// CBOR diagnostic notation (RFC 8949 §8), with embedded CBOR shown as `<<…>>`.
fn diag(value: &Value) -> String {
    match value {
        Value::Integer(i) => i128::from(*i).to_string(),
        Value::Bytes(b) => match ciborium::de::from_reader::<Value, _>(&b[..]) {
            Ok(inner @ (Value::Map(_) | Value::Tag(..))) if third_party::cbor(&inner) == *b => {
                format!("<<{}>>", diag(&inner))
            }
            _ => format!("h'{}'", hex(b)),
        },
        Value::Text(t) => format!("{t:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Tag(tag, inner) => format!("{tag}({})", diag(inner)),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(diag).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", diag(k), diag(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => format!("{other:?}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The worked example in `docs/qr-format.md` is exactly what the code makes from the fixed seeds
/// and times (Ed25519 is deterministic). To regenerate the fixtures and print the dump for the doc:
/// `IKD_REGENERATE_EXAMPLE=1 cargo test -p ikd-core --test credential -- --nocapture worked_example`.
#[test]
fn worked_example_matches_the_fixtures() {
    let text = present(&credential(Profile::Basic), None);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let fixtures = [
        (
            format!("{dir}/example-presentation.txt"),
            format!("{text}\n"),
        ),
        (
            format!("{dir}/example-issuer-keys.json"),
            format!("{}\n", key_set().to_json()),
        ),
    ];
    let regenerate = std::env::var_os("IKD_REGENERATE_EXAMPLE").is_some();
    for (path, expected) in &fixtures {
        if regenerate {
            std::fs::write(path, expected).expect("write fixture");
        } else {
            let found = std::fs::read_to_string(path).expect("read fixture");
            assert_eq!(
                &found, expected,
                "{path} is stale: regenerate it (see this test's doc)"
            );
        }
    }
    if !regenerate {
        return;
    }
    let cose = third_party::unwrap(text.as_str());
    let compressed = base45::decode(&text.as_str()[PREFIX.len()..]).expect("base45");
    let outer = third_party::sign1(&cose);
    let inner_bytes = match outer_payload_from_cose(&cose) {
        Value::Bytes(b) => b,
        _ => panic!("credential"),
    };
    let inner = third_party::sign1(&inner_bytes);
    println!(
        "issuer seed {}\ndevice seed {}",
        hex(&ISSUER_SEED),
        hex(&DEVICE_SEED)
    );
    println!(
        "issuer public key {}\nkid {}",
        hex(&issuer().public_key()),
        hex(issuer().kid().as_bytes())
    );
    println!(
        "device public key {}",
        hex(device().public_key().as_bytes())
    );
    println!("text ({} chars)\n{text}", text.as_str().len());
    println!("zlib ({} bytes)\n{}", compressed.len(), hex(&compressed));
    println!("outer COSE ({} bytes)\n{}", cose.len(), hex(&cose));
    println!("outer diag\n{}", diag(&third_party::decode(&cose)));
    println!(
        "outer Sig_structure\n{}",
        diag(&third_party::decode(&outer.tbs_data(b"")))
    );
    println!(
        "inner COSE ({} bytes)\n{}",
        inner_bytes.len(),
        hex(&inner_bytes)
    );
    println!("inner diag\n{}", diag(&third_party::decode(&inner_bytes)));
    println!("inner Sig_structure hex\n{}", hex(&inner.tbs_data(b"")));
}

// --- Property tests on hostile and unusual input ------------------------------------------------

static VALID_BASIC: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| present(&credential(Profile::Basic), None).into_string());

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(PROPTEST_SEED),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Fixed so that every run explores the same cases.
const PROPTEST_SEED: u64 = 0x1d_2025;

fn refused_as_garbage(result: Result<ikd_core::credential::Verified, VerifyError>) -> bool {
    matches!(
        result,
        Err(VerifyError::Malformed { .. } | VerifyError::TooLarge)
    )
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn arbitrary_text_never_panics_and_is_refused(text in "\\PC{0,300}|IKD1:[0-9A-Z $%*+./:-]{0,400}") {
        let result = verify(&text);
        prop_assert!(
            refused_as_garbage(result.clone()) || matches!(result, Err(VerifyError::UnsupportedVersion { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn arbitrary_bytes_after_the_prefix_are_malformed(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
        let raw = format!("{PREFIX}{}", base45::encode(&bytes));
        let zlib = third_party::wrap(&bytes);
        prop_assert!(refused_as_garbage(verify(&raw)));
        prop_assert!(refused_as_garbage(verify(&zlib)));
    }

    /// Deflate ignores a few padding bits (after a stored-block header, after the last block), so
    /// a flip there inflates to the very same signed bytes. Every other flip must be refused.
    #[test]
    fn a_single_byte_flip_of_the_compressed_payload_never_verifies_altered_content(
        index in any::<prop::sample::Index>(),
        mask in 1u8..=255,
    ) {
        let mut compressed = base45::decode(&VALID_BASIC[PREFIX.len()..]).expect("valid");
        let i = index.index(compressed.len());
        compressed[i] ^= mask;
        let flipped = format!("{PREFIX}{}", base45::encode(&compressed));
        if verify(&flipped).is_ok() {
            prop_assert_eq!(third_party::unwrap(&flipped), third_party::unwrap(&VALID_BASIC));
            prop_assert!(i == 2 || i == compressed.len() - 5, "flip at {} is not a padding byte", i);
        }
    }

    #[test]
    fn any_single_byte_flip_of_the_cose_bytes_never_verifies(index in any::<prop::sample::Index>(), mask in 1u8..=255) {
        let mut cose = third_party::unwrap(&VALID_BASIC);
        let i = index.index(cose.len());
        cose[i] ^= mask;
        prop_assert!(verify(&third_party::wrap(&cose)).is_err(), "flip at {i} with {mask:#04x} verified");
    }
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn unicode_claims_round_trip(
        name in "\\PC{1,60}",
        place in "\\PC{0,30}",
        address in "\\PC{0,90}",
        religion in "\\PC{0,20}",
        blood_type in proptest::option::of("A|B|AB|O|A\\+|O-"),
        birth in 0i64..40_000,
        valid_until in proptest::option::of(0i64..40_000),
        profile in proptest::sample::select(Profile::ALL.to_vec()),
    ) {
        let epoch = day(1925, 1, 1);
        let record = KtpRecord {
            name,
            place_of_birth: place,
            address,
            religion,
            blood_type,
            birth_date: epoch + TimeDelta::days(birth),
            valid_until: valid_until.map(|d| epoch + TimeDelta::days(d)),
            ..record()
        };
        let claims = Disclosed::from_record(profile, &record, HolderId::from_bytes([7; 16]), issued().date_naive());
        let cred = issue_credential(&issuer(), &request(claims.clone())).expect("issued");
        let text = present(&cred, None);
        prop_assert!(text.as_str().chars().all(ikd_core::qr::is_qr_alphanumeric));
        let verified = verify(text.as_str()).expect("verifies");
        prop_assert_eq!(verified.claims, claims);
    }
}
