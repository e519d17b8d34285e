//! Attacks with weak Ed25519 device keys: the identity point (small order) and a non-canonical
//! encoding, with the trivial signature (R = identity, S = 0) that verifies for any message under
//! such a key. The server must refuse them wherever a device key comes in, and its verifier must
//! refuse a presentation bound to one, without storing anything.

use std::io::{Read as _, Write as _};

use chrono::TimeDelta;
use ciborium::Value;
use coset::{AsCborValue as _, CoseSign1, CoseSign1Builder, HeaderBuilder, iana};
use flate2::{Compression, read::ZlibDecoder, write::ZlibEncoder};
use ikd_core::credential::{
    CredentialId, CredentialRequest, DevicePublicKey, Disclosed, HolderId, issue_credential,
    make_presentation,
};
use reqwest::StatusCode;
use serde_json::json;
use siak_mock::SampleReason;
use siak_mock::secrets::Secrets;

use super::bad_input::snapshot;
use super::{Device, problem, spawn_app};

fn identity() -> [u8; 32] {
    let mut key = [0u8; 32];
    key[0] = 1;
    key
}

/// The identity again, spelled with y = p + 1 (non-canonical).
fn identity_non_canonical() -> [u8; 32] {
    let mut key = [0xff; 32];
    key[0] = 0xee;
    key[31] = 0x7f;
    key
}

/// The trivial signature, base64url: R = identity, S = 0.
fn trivial_signature() -> Vec<u8> {
    let mut sig = vec![0u8; 64];
    sig[0] = 1;
    sig
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn registration_liveness_and_device_change_refuse_a_weak_device_key() {
    let app = spawn_app().await;
    let device = Device::new(31, &app.resident(SampleReason::Eligible));
    for weak in [identity(), identity_non_canonical()] {
        // Registration with the weak key and the trivial "proof" that verifies under it.
        let mut register = device.registration(&app).await;
        register["device_public_key"] = json!(b64(&weak));
        register["device_proof"] = json!(b64(&trivial_signature()));
        // A device change (recovery) onto the weak key.
        let recover = json!({
            "nik": device.nik,
            "email": device.email,
            "device_public_key": b64(&weak),
            "liveness": device.evidence(&app, &device.liveness_challenge(&app, "recover").await),
        });
        // A liveness challenge for the weak key.
        let challenge =
            json!({"nik": device.nik, "device_public_key": b64(&weak), "purpose": "register"});

        let before = snapshot(&app);
        for (path, body) in [
            ("/v1/registrations", register),
            ("/v1/recovery", recover),
            ("/v1/liveness/challenges", challenge),
        ] {
            let refused = app.post(path, body).await;
            problem(refused, StatusCode::BAD_REQUEST, "device_key_weak").await;
        }
        assert_eq!(snapshot(&app), before, "a refused request stores nothing");
    }
}

fn unwrap(text: &str) -> Vec<u8> {
    let compressed = base45::decode(text.strip_prefix("IKD1:").expect("prefix")).expect("base45");
    let mut out = Vec::new();
    ZlibDecoder::new(&compressed[..])
        .read_to_end(&mut out)
        .expect("zlib");
    out
}

fn wrap(cose: &[u8]) -> String {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(cose).expect("in memory");
    format!("IKD1:{}", base45::encode(z.finish().expect("in memory")))
}

fn cbor(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).expect("in memory");
    out
}

fn outer_payload(cose: &[u8]) -> Vec<(Value, Value)> {
    let value: Value = ciborium::de::from_reader(cose).expect("CBOR");
    let Value::Tag(18, inner) = value else {
        panic!("tag 18")
    };
    let sign1 = CoseSign1::from_cbor_value(*inner).expect("COSE_Sign1");
    match ciborium::de::from_reader(&sign1.payload.expect("attached")[..]).expect("CBOR") {
        Value::Map(m) => m,
        _ => panic!("payload is a map"),
    }
}

#[tokio::test]
async fn the_verifier_refuses_a_credential_bound_to_the_identity_with_the_trivial_signature() {
    let app = spawn_app().await;
    let device = Device::new(32, &app.resident(SampleReason::Eligible));
    let secrets =
        Secrets::load_or_create(&app.config.secrets_path(), super::start_time()).expect("secrets");
    let now = super::start_time();
    let request = |device_key| CredentialRequest {
        credential_id: CredentialId::from_bytes([0x5a; 16]),
        issued_at: now,
        valid_from: now,
        valid_until: now + TimeDelta::days(30),
        device_key,
        claims: Disclosed::Age17 {
            holder_id: HolderId::from_bytes([7; 16]),
            age_over_17: true,
        },
    };
    // A genuine presentation gives the payload layout; its credential is swapped for one the
    // issuer bound to the identity point, and the device signature for the trivial one.
    let genuine =
        issue_credential(secrets.current(), &request(device.key.public_key())).expect("issued");
    let text = make_presentation(&genuine, &device.key, now, None).expect("presented");
    let weak = issue_credential(
        secrets.current(),
        &request(DevicePublicKey::from_bytes(identity())),
    )
    .expect("the core issues what it is asked; the server refuses the key at registration");
    let mut payload = outer_payload(&unwrap(text.as_str()));
    for (k, v) in payload.iter_mut() {
        if *k == Value::Integer(2.into()) {
            *v = Value::Bytes(weak.as_bytes().to_vec());
        }
    }
    let forged = CoseSign1Builder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::EdDSA)
                .build(),
        )
        .payload(cbor(&Value::Map(payload)))
        .signature(trivial_signature())
        .build();
    let forged = wrap(&cbor(&Value::Tag(
        18,
        Box::new(forged.to_cbor_value().expect("encodable")),
    )));

    let before = snapshot(&app);
    let refused = app
        .post(
            "/v1/verify",
            json!({"presentation": forged, "verifier": "Bank Jatim"}),
        )
        .await;
    problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "weak_device_key").await;
    assert_eq!(snapshot(&app), before);
}
