//! What every JSON handler reads a request with: a JSON body whose rejections are problem+json,
//! and the device key parser. A leaf of `api`: it uses only [`super::problem`].

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use ikd_core::credential::DevicePublicKey;
use serde::de::DeserializeOwned;

use super::problem::ApiError;

/// A JSON body whose rejections are problem+json.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(ApiError::from(rejection)),
        }
    }
}

/// Parses a base64url Ed25519 public key from a request, refusing a small-order or
/// non-canonical one (`device_key_weak`): with such a key a trivial signature verifies for any
/// message, so binding it would bind the account to no device.
pub fn parse_device_key(text: &str) -> Result<DevicePublicKey, ApiError> {
    let key: DevicePublicKey = text.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "device_key_invalid",
            "Kunci perangkat tidak valid. Perbarui aplikasi lalu coba lagi.",
            "The device key is not valid. Update the app and try again.",
        )
    })?;
    key.check().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "device_key_weak",
            "Kunci perangkat tidak aman dan ditolak. Perbarui aplikasi lalu coba lagi.",
            "The device key is not safe and is refused. Update the app and try again.",
        )
    })?;
    Ok(key)
}
