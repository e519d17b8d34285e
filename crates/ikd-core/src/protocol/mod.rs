//! What the app and the SIAK server exchange besides the credential: proofs made with the device
//! key ([`device_proof`] for one step, [`request_proof`] on every authenticated request), the PIN
//! proof that replaces the PIN on the wire ([`pin_proof`]), the registration QR an operator scans,
//! a proof of the phone's presence ([`registration_qr`]), and the emailed activation code
//! ([`codes`]).
//!
//! Pure functions only: the caller brings randomness, keys and time. Both sides call the same
//! code, so the bytes signed and hashed can never drift apart.

pub mod codes;
pub mod device_proof;
pub mod pin_proof;
pub mod registration_qr;
pub mod request_proof;

pub use codes::{ActivationCode, CodeError};
pub use device_proof::{DeviceProof, DeviceProofError, ProofPurpose};
pub use pin_proof::{PinProof, PinVerifier};
pub use registration_qr::{RegistrationQr, RegistrationQrError};
pub use request_proof::{
    REQUEST_PROOF_HEADER, REQUEST_PROOF_WINDOW_SECS, RequestProof, RequestProofError,
    SignedRequest, request_message,
};
